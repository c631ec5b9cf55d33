//! Random edit sequences through the editor's own operations (place, connect, delete,
//! move, set an amount, pin a pain point, vote, make and switch scenarios, undo, redo),
//! on an empty map and on the UK sample: nothing panics, the map stays one the format
//! accepts, undoing everything gives back the starting map, and save then load gives the
//! same map.

use loopmap::app::{LoopmapApp, PinnedPains, Selection};
use loopmap::geometry::Point;
use loopmap::io;
use loopmap::io::samples::SAMPLES;
use loopmap::model::{Anchor, Document, FlowValue, Loop};
use proptest::prelude::*;

const LOOPS: [Loop; 5] = Loop::ALL;

#[derive(Clone, Debug)]
enum Op {
    Place {
        preset: usize,
        x: f64,
        y: f64,
    },
    Connect {
        from: usize,
        to: usize,
        loop_kind: Option<usize>,
    },
    DeleteNode {
        node: usize,
        move_pins: bool,
    },
    DeleteFlow {
        flow: usize,
    },
    Move {
        node: usize,
        dx: f64,
        dy: f64,
    },
    SetAmount {
        flow: usize,
        value: f64,
    },
    SetShare {
        flow: usize,
        share: f64,
    },
    AddPain {
        on: usize,
    },
    Vote {
        pain: usize,
        up: bool,
    },
    NewScenario {
        copy: bool,
    },
    SwitchScenario {
        index: Option<usize>,
    },
    Undo,
    Redo,
}

fn op() -> impl Strategy<Value = Op> {
    let index = 0..64usize;
    prop_oneof![
        (0..19usize, -500.0..2000.0f64, -500.0..1500.0f64).prop_map(|(preset, x, y)| Op::Place {
            preset,
            x,
            y
        }),
        (index.clone(), index.clone(), prop::option::of(0..5usize)).prop_map(
            |(from, to, loop_kind)| Op::Connect {
                from,
                to,
                loop_kind
            }
        ),
        (index.clone(), any::<bool>())
            .prop_map(|(node, move_pins)| Op::DeleteNode { node, move_pins }),
        index.clone().prop_map(|flow| Op::DeleteFlow { flow }),
        (index.clone(), -300.0..300.0f64, -300.0..300.0f64).prop_map(|(node, dx, dy)| Op::Move {
            node,
            dx,
            dy
        }),
        (index.clone(), 0.0..5000.0f64).prop_map(|(flow, value)| Op::SetAmount { flow, value }),
        (index.clone(), 0.0..=1.0f64).prop_map(|(flow, share)| Op::SetShare { flow, share }),
        index.clone().prop_map(|on| Op::AddPain { on }),
        (index.clone(), any::<bool>()).prop_map(|(pain, up)| Op::Vote { pain, up }),
        any::<bool>().prop_map(|copy| Op::NewScenario { copy }),
        prop::option::of(0..4usize).prop_map(|index| Op::SwitchScenario { index }),
        Just(Op::Undo),
        Just(Op::Redo),
    ]
}

fn node_id(app: &LoopmapApp, i: usize) -> Option<String> {
    let n = app.editor.doc().nodes.len();
    (n > 0).then(|| app.editor.doc().nodes[i % n].id.clone())
}

fn flow_id(app: &LoopmapApp, i: usize) -> Option<String> {
    let n = app.editor.doc().flows.len();
    (n > 0).then(|| app.editor.doc().flows[i % n].id.clone())
}

/// Does `op` the way the editor does it when a user does it.
fn apply(app: &mut LoopmapApp, op: &Op) {
    match *op {
        Op::Place { preset, x, y } => app.editor.place(preset, Point::new(x, y)),
        Op::Connect {
            from,
            to,
            loop_kind,
        } => {
            if let (Some(a), Some(b)) = (node_id(app, from), node_id(app, to)) {
                app.editor.connect(&a, &b, loop_kind.map(|k| LOOPS[k]));
            }
        }
        Op::DeleteNode { node, move_pins } => {
            if let Some(id) = node_id(app, node) {
                app.editor.selection = Selection::node(&id);
                app.editor.delete_selection_with(if move_pins {
                    PinnedPains::MoveToMap
                } else {
                    PinnedPains::Delete
                });
            }
        }
        Op::DeleteFlow { flow } => {
            if let Some(id) = flow_id(app, flow) {
                app.editor.selection = Selection::flow(&id);
                app.editor.delete_selection_with(PinnedPains::Delete);
            }
        }
        Op::Move { node, dx, dy } => {
            if let Some(id) = node_id(app, node) {
                // A drag: many small moves, one undo step.
                for _ in 0..3 {
                    app.editor.edit(Some("move"), |doc| {
                        if let Some(n) = doc.nodes.iter_mut().find(|n| n.id == id) {
                            n.pos[0] += dx / 3.0;
                            n.pos[1] += dy / 3.0;
                        }
                    });
                }
                app.editor.end_gesture();
            }
        }
        Op::SetAmount { flow, value } => set_value(app, flow, FlowValue::Amount(value)),
        Op::SetShare { flow, share } => set_value(app, flow, FlowValue::Share(share)),
        Op::AddPain { on } => {
            let anchor = match on % 3 {
                0 => node_id(app, on).map_or(Anchor::Map, Anchor::Node),
                1 => flow_id(app, on).map_or(Anchor::Map, Anchor::Flow),
                _ => Anchor::Map,
            };
            app.editor.add_pain_point(anchor);
            app.editor.end_gesture();
        }
        Op::Vote { pain, up } => {
            let n = app.editor.doc().pain_points.len();
            if n > 0 {
                app.editor.selection =
                    Selection::pain(&app.editor.doc().pain_points[pain % n].id.clone());
                app.editor.vote(if up { 1 } else { -1 });
            }
        }
        Op::NewScenario { copy } => app.editor.new_scenario(copy),
        Op::SwitchScenario { index } => {
            let name =
                index.and_then(|i| app.editor.doc().scenarios.get(i).map(|s| s.name.clone()));
            app.editor.set_scenario(name);
        }
        Op::Undo => app.editor.undo(),
        Op::Redo => app.editor.redo(),
    }
}

/// Typing a value in the inspector: one step, through the edit path (into the active
/// scenario when one is shown).
fn set_value(app: &mut LoopmapApp, flow: usize, value: FlowValue) {
    if let Some(id) = flow_id(app, flow) {
        app.editor.edit(None, |doc| {
            if let Some(f) = doc.flows.iter_mut().find(|f| f.id == id) {
                f.value = value;
            }
        });
    }
}

fn check(start: Document, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut app = LoopmapApp::new(start, None, Default::default());
    let start = app.editor.doc().clone();
    for op in ops {
        apply(&mut app, op);
        // Everything shown is derived without a panic, and the map can still be saved.
        let _ = app.editor.analysis();
        let _ = app.editor.layout();
        let text = io::to_canonical_string(app.editor.doc());
        let back = io::parse(&text).map_err(|e| {
            TestCaseError::fail(format!("after {op:?}, the map no longer loads: {e}"))
        })?;
        prop_assert_eq!(
            io::to_canonical_string(&back),
            text,
            "save then load, after {:?}",
            op
        );
    }

    // Saved to a file and opened again: the same map.
    let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
    let path = dir.path().join("map.loopmap.json");
    io::save(app.editor.doc(), &path).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let loaded = io::load(&path).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(
        io::to_canonical_string(&loaded),
        io::to_canonical_string(app.editor.doc())
    );

    // Undo all of it: the map it started from.
    let mut steps = 0;
    while app.editor.can_undo() {
        app.editor.undo();
        steps += 1;
        prop_assert!(steps <= ops.len() * 3 + 1, "undo never ends");
    }
    prop_assert_eq!(app.editor.doc(), &start);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn edits_from_an_empty_map_undo_to_it_and_save_as_they_are(
        ops in prop::collection::vec(op(), 1..40)
    ) {
        check(Document::new("empty"), &ops)?;
    }

    #[test]
    fn edits_on_the_uk_sample_undo_to_it_and_save_as_they_are(
        ops in prop::collection::vec(op(), 1..25)
    ) {
        let uk = SAMPLES[0].load().map_err(|e| TestCaseError::fail(e.to_string()))?;
        check(uk, &ops)?;
    }
}
