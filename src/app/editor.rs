//! The one editing handle every panel works through: the map being edited (private to
//! it), its undo history, unsaved mark, selection, the scenario shown and the analysis
//! and shapes of the map as shown. Panels read the map here and change it only with
//! `edit`: undo, the unsaved mark, autosave, the caches and the room (which all follow
//! `revision`) see every change.

use super::history::History;
use super::{Command, Dialog, Selection};
use crate::analysis::targets::{self, TargetsReport};
use crate::analysis::{self, Analysis, Provenance};
use crate::geometry::{Layout, Point};
use crate::layout::Drawing;
use crate::model::Document;
use std::rc::Rc;

pub struct Editor {
    doc: Document,
    /// The map as it is on disk, to tell whether there are unsaved changes.
    saved: Document,
    dirty: bool,
    history: History,
    /// Counts changes to the map; caches keyed on it are stale when it moves.
    revision: u64,
    derived: Derived,
    /// How flows are drawn (view settings the shapes depend on).
    drawing: Drawing,
    analysis_runs: u64,
    pub selection: Selection,
    /// The scenario being shown and edited; `None` for the baseline.
    pub active_scenario: Option<String>,
    /// The node preset the palette has armed for placing on the canvas.
    pub placing: Option<usize>,
    /// What the panels asked of the frame this frame, in order.
    requests: Vec<Request>,
    /// A lever is being dragged: only amounts change from one step to the next, and the
    /// flows keep their routes (their widths follow) until the drag ends.
    pub(super) lever_moving: bool,
    /// The map's targets on the baseline and every scenario, and the revision evaluated.
    targets: Option<(u64, Rc<TargetCases>)>,
    /// The targets of the map as shown, for the revision and scenario evaluated.
    shown_targets: Option<((u64, Option<String>), TargetsReport)>,
    /// The room's vote totals are hidden until the facilitator reveals them
    /// (participation): the projector shows no counts either, and pins at one size.
    pub votes_hidden: bool,
}

/// The map's target rows evaluated on the baseline, then on each scenario: (name, report).
pub type TargetCases = Vec<(String, TargetsReport)>;

/// What a panel asks of the frame around it, for what lies outside the map; the frame
/// does it once the panel is drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// A one-line message in the status bar.
    Hint(String),
    /// A modal window.
    Dialog(Dialog),
    /// A command, as from its menu item.
    Run(Command),
    /// Centre the canvas on this point of the map.
    Centre(Point),
    /// Put the keyboard in this field of the inspector (its key).
    Focus(String),
}

/// Analysis and shapes of one revision of the map as shown.
pub struct Derived {
    /// The revision of the map derived.
    pub revision: u64,
    pub drawing: Drawing,
    /// The scenario analysed (none: the baseline).
    scenario: Option<String>,
    /// The map as shown: the baseline, or the baseline with the active scenario applied.
    pub working: Document,
    pub analysis: Analysis,
    /// Where products' material comes from: computed when the Supply tab first asks.
    provenance: std::cell::OnceCell<Option<Provenance>>,
    pub layout: Layout,
    /// Each node's throughput (Σ outflows; Σ inflows for wastes and exports).
    pub throughput: Vec<Option<f64>>,
    /// The gravest diagnostic naming each node, for its badge.
    pub flagged_nodes: Vec<Option<analysis::Severity>>,
    /// Flows an error names: they get a red outline.
    pub flagged_flows: Vec<bool>,
    /// The flows kept their routes from the step before (a lever is being dragged): the
    /// layout is redone when the drag ends.
    routes_kept: bool,
    /// Each flow's place among the suspects of a failed reconciliation test (0: most
    /// suspect), for its badge.
    pub suspects: Vec<Option<usize>>,
}

impl Editor {
    /// Edits `doc`, as it is on disk (no unsaved changes).
    pub fn new(doc: Document, sankey: bool) -> Self {
        let drawing = Drawing {
            sankey,
            ..Drawing::SANKEY
        };
        let derived = derive(&doc, 0, drawing, None, None);
        Editor {
            saved: doc.clone(),
            doc,
            dirty: false,
            history: History::default(),
            revision: 0,
            derived,
            drawing,
            analysis_runs: 1,
            selection: Selection::default(),
            active_scenario: None,
            placing: None,
            requests: Vec::new(),
            lever_moving: false,
            targets: None,
            shown_targets: None,
            votes_hidden: false,
        }
    }

    /// The baseline map, as it will be saved.
    pub fn doc(&self) -> &Document {
        &self.doc
    }

    /// Asks the frame for something outside the map.
    pub fn ask(&mut self, request: Request) {
        self.requests.push(request);
    }

    /// What the panels asked for since the frame last looked, oldest first.
    pub fn take_requests(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.requests)
    }

    /// Whether the map differs from the file it came from.
    pub fn dirty(&self) -> bool {
        self.dirty
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Changes the map: records an undo point (joined to the open step when `merge`
    /// names the same gesture), applies `change`, and invalidates the analysis.
    ///
    /// While a scenario is active, the change is made on the scenario's view of the map:
    /// changed values (flow amounts and shares, node values) go into the scenario, and
    /// structure (nodes and flows added, removed, moved; labels; pain points) into the
    /// baseline (`model::route_edit`).
    pub fn edit(&mut self, merge: Option<&str>, change: impl FnOnce(&mut Document)) {
        self.history.record(&self.doc, merge);
        match self.active_scenario.clone().and_then(|name| {
            let s = self.doc.scenario(&name)?;
            Some((name, crate::model::apply_scenario(&self.doc, s).0))
        }) {
            Some((name, mut view)) => {
                change(&mut view);
                self.doc = crate::model::route_edit(&self.doc, &name, view);
            }
            None => change(&mut self.doc),
        }
        self.changed();
    }

    /// Changes the baseline document itself, whatever scenario is active (managing
    /// scenarios, resetting a value to the baseline's).
    pub fn edit_baseline(&mut self, merge: Option<&str>, change: impl FnOnce(&mut Document)) {
        self.history.record(&self.doc, merge);
        change(&mut self.doc);
        self.changed();
    }

    /// Ends a continuous gesture (drag, typing in one field): the next edit is a new step.
    pub fn end_gesture(&mut self) {
        self.lever_moving = false;
        self.history.close();
    }

    pub fn undo(&mut self) {
        if self.history.undo(&mut self.doc) {
            self.changed();
        }
    }

    pub fn redo(&mut self) {
        if self.history.redo(&mut self.doc) {
            self.changed();
        }
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// Edits another map from now on (open, new, sample, recover): fresh history and
    /// selection, the baseline shown, no unsaved changes.
    pub fn replace(&mut self, doc: Document) {
        self.saved = doc.clone();
        self.doc = doc;
        self.history.clear();
        self.selection = Selection::default();
        self.active_scenario = None;
        self.changed();
    }

    /// The map is now as it is on disk.
    pub fn mark_saved(&mut self) {
        self.saved = self.doc.clone();
        self.dirty = false;
    }

    /// The map as it is on disk is `saved` (a recovered copy differs from its file).
    pub fn set_saved(&mut self, saved: Document) {
        self.saved = saved;
        self.changed();
    }

    /// The user chose to drop the unsaved changes (the map is about to be replaced).
    pub fn drop_changes(&mut self) {
        self.dirty = false;
    }

    fn changed(&mut self) {
        self.revision += 1;
        self.dirty = self.doc != self.saved;
        let doc = &self.doc;
        self.selection.nodes.retain(|id| doc.node(id).is_some());
        self.selection.flows.retain(|id| doc.flow(id).is_some());
        self.selection
            .pains
            .retain(|id| doc.pain_points.iter().any(|p| &p.id == id));
        if let Some(name) = &self.active_scenario
            && doc.scenario(name).is_none()
        {
            self.active_scenario = None;
        }
    }

    /// How flows are drawn (Sankey widths, residue stubs): the shapes follow.
    pub fn set_drawing(&mut self, drawing: Drawing) {
        self.drawing = drawing;
    }

    /// Analysis and shapes of the map as it is now, recomputed only after a change.
    pub fn derived(&mut self) -> &Derived {
        if !self.is_current() {
            let before = (self.lever_moving
                && self.derived.drawing == self.drawing
                && self.derived.scenario == self.active_scenario)
                .then_some(&self.derived);
            self.derived = derive(
                &self.doc,
                self.revision,
                self.drawing,
                self.active_scenario.as_deref(),
                before,
            );
            self.analysis_runs += 1;
        }
        &self.derived
    }

    /// What was last derived: the map as drawn in this frame (an edit made later in the
    /// frame shows in the next).
    pub fn shown(&self) -> &Derived {
        &self.derived
    }

    /// Whether `shown` is the map as it is now.
    pub fn is_current(&self) -> bool {
        self.derived.revision == self.revision
            && self.derived.drawing == self.drawing
            && self.derived.scenario == self.active_scenario
            && (self.lever_moving || !self.derived.routes_kept)
    }

    /// The analysis of the map as shown (with the active scenario).
    pub fn analysis(&mut self) -> &Analysis {
        &self.derived().analysis
    }

    /// The map as shown and analysed: the baseline, or with the active scenario applied.
    pub fn working(&mut self) -> &Document {
        &self.derived().working
    }

    pub fn layout(&mut self) -> &Layout {
        &self.derived().layout
    }

    /// The provenance of the map as shown (§6), computed once per change when asked for.
    pub fn provenance(&mut self) -> Option<&Provenance> {
        let d = self.derived();
        d.provenance
            .get_or_init(|| d.analysis.provenance(&d.working))
            .as_ref()
    }

    /// The map's targets on the baseline and every scenario (§11), evaluated once per
    /// change: the Targets tab, the indicator panel and the roadmap share them.
    pub fn targets(&mut self) -> Rc<TargetCases> {
        if let Some((rev, cases)) = &self.targets
            && *rev == self.revision
        {
            return cases.clone();
        }
        let cases = Rc::new(targets::evaluate_cases(&self.doc, &self.doc.targets));
        self.targets = Some((self.revision, cases.clone()));
        cases
    }

    /// The targets evaluated on the map as shown (the active scenario's, or the
    /// baseline's), from its analysis: the panel asks every frame, and during a lever drag
    /// every frame is a new revision, so the other cases are left to the Targets tab.
    pub fn shown_targets(&mut self) -> Option<TargetsReport> {
        if self.doc.targets.is_empty() {
            return None;
        }
        let key = (self.revision, self.active_scenario.clone());
        if let Some((k, report)) = &self.shown_targets
            && *k == key
        {
            return Some(report.clone());
        }
        let rows = self.doc.targets.clone();
        let d = self.derived();
        let report = targets::evaluate_analysed(&d.working, &d.analysis, &rows);
        self.shown_targets = Some((key, report.clone()));
        Some(report)
    }

    /// The badge a node carries on the canvas: its gravest diagnostic, if any.
    pub fn node_badge(&mut self, id: &str) -> Option<analysis::Severity> {
        let derived = self.derived();
        let n = derived.working.nodes.iter().position(|n| n.id == id)?;
        derived.flagged_nodes[n]
    }

    /// How many times the map has been analysed (to check that idle frames do not).
    pub fn analysis_runs(&self) -> u64 {
        self.analysis_runs
    }
}

/// The analysis and shapes of `doc` as shown. With `before`, the derivation of the step
/// before in a lever drag, flows whose ends did not move keep their routes and only
/// their widths follow the new amounts (routing is most of a step's work on a large map).
fn derive(
    doc: &Document,
    revision: u64,
    drawing: Drawing,
    scenario: Option<&str>,
    before: Option<&Derived>,
) -> Derived {
    // The scenario is applied once, for both the analysis and what is shown.
    let (working, issues) = match scenario.and_then(|name| doc.scenario(name)) {
        Some(s) => crate::model::apply_scenario(doc, s),
        None => (doc.clone(), Vec::new()),
    };
    let analysis = analysis::analyse_with_issues(&working, &issues);
    let kept = before.and_then(|b| kept_routes(b, &working, &analysis.solution.flows, drawing));
    let routes_kept = kept.is_some();
    let layout =
        kept.unwrap_or_else(|| crate::layout::shapes(&working, &analysis.solution.flows, drawing));
    let index = working.node_index();
    let throughput = analysis::supply::throughputs(&working, &analysis.solution.flows);
    let mut flagged_nodes: Vec<Option<analysis::Severity>> = vec![None; working.nodes.len()];
    let mut flagged_flows = vec![false; working.flows.len()];
    for d in &analysis.diagnostics {
        match &d.subject {
            analysis::Subject::Node(id) => {
                if let Some(&n) = index.get(id.as_str()) {
                    // Severity orders Error < Warning < Info: the gravest is the least.
                    let gravest = flagged_nodes[n].map_or(d.severity, |s| s.min(d.severity));
                    flagged_nodes[n] = Some(gravest);
                }
            }
            // A flow left open while drawing is normal (it is drawn grey and dashed);
            // a red outline is for errors: negative or contradictory flows.
            analysis::Subject::Flow(id) if d.severity == analysis::Severity::Error => {
                if let Some(f) = working.flows.iter().position(|f| &f.id == id) {
                    flagged_flows[f] = true;
                }
            }
            _ => {}
        }
    }
    let mut suspects = vec![None; working.flows.len()];
    if let Some(u) = &analysis.uncertainty {
        for (rank, &i) in u.suspects.iter().enumerate() {
            let f = u.measurements[i].measurement.flow;
            suspects[f] = Some(suspects[f].map_or(rank, |r: usize| r.min(rank)));
        }
    }
    Derived {
        revision,
        drawing,
        scenario: scenario.map(String::from),
        working,
        analysis,
        provenance: std::cell::OnceCell::new(),
        layout,
        throughput,
        flagged_nodes,
        flagged_flows,
        routes_kept,
        suspects,
    }
}

/// The layout of `before` with each flow's width for its new amount, if the map has the
/// same nodes in the same places and the same flows.
fn kept_routes(
    before: &Derived,
    working: &Document,
    amounts: &[Option<f64>],
    drawing: Drawing,
) -> Option<crate::geometry::Layout> {
    let same_nodes = before.working.nodes.len() == working.nodes.len()
        && before
            .working
            .nodes
            .iter()
            .zip(&working.nodes)
            .all(|(a, b)| a.id == b.id && a.pos == b.pos);
    let same_flows = before.working.flows.len() == working.flows.len()
        && before
            .working
            .flows
            .iter()
            .zip(&working.flows)
            .all(|(a, b)| a.from == b.from && a.to == b.to && a.loop_kind == b.loop_kind);
    if !(drawing.sankey && same_nodes && same_flows) {
        return None;
    }
    let largest = amounts.iter().flatten().fold(0.0f64, |m, a| m.max(*a));
    let mut layout = before.layout.clone();
    for (shape, amount) in layout.flows.iter_mut().zip(amounts) {
        let width = crate::geometry::flow_width(*amount, largest);
        let grow = (width - shape.width) / 2.0;
        shape.bounds.min.x -= grow;
        shape.bounds.min.y -= grow;
        shape.bounds.max.x += grow;
        shape.bounds.max.y += grow;
        shape.width = width;
    }
    Some(layout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, NodeKind};

    fn editor() -> Editor {
        let mut doc = Document::new("t");
        doc.nodes.push(Node::new("a", "A", NodeKind::Source));
        Editor::new(doc, true)
    }

    #[test]
    fn an_edit_marks_the_map_unsaved_moves_the_revision_and_undoes() {
        let mut e = editor();
        assert!(!e.dirty());
        let before = e.revision();
        e.edit(None, |doc| doc.nodes[0].label = "Mine".into());
        assert!(e.dirty());
        assert!(e.revision() > before);
        assert_eq!(e.working().nodes[0].label, "Mine", "the analysis follows");
        e.undo();
        assert_eq!(e.doc().nodes[0].label, "A");
        assert!(!e.dirty(), "back to the map on disk");
        e.redo();
        e.mark_saved();
        assert!(!e.dirty());
    }

    #[test]
    fn edits_with_one_gesture_key_are_one_undo_step_until_it_ends() {
        let mut e = editor();
        for x in 1..=5 {
            e.edit(Some("move"), |doc| doc.nodes[0].pos = [f64::from(x), 0.0]);
        }
        e.end_gesture();
        e.edit(Some("move"), |doc| doc.nodes[0].pos = [9.0, 0.0]);
        e.undo();
        assert_eq!(e.doc().nodes[0].pos, [5.0, 0.0]);
        e.undo();
        assert_eq!(e.doc().nodes[0].pos, [0.0, 0.0]);
    }

    #[test]
    fn the_selection_forgets_what_an_edit_removed() {
        let mut e = editor();
        e.selection = Selection::node("a");
        e.edit(None, |doc| doc.nodes.clear());
        assert!(e.selection.is_empty());
    }

    #[test]
    fn derived_is_recomputed_once_per_change_and_requests_drain_in_order() {
        let mut e = editor();
        e.analysis();
        let runs = e.analysis_runs();
        e.analysis();
        e.layout();
        assert_eq!(e.analysis_runs(), runs, "no change, no new analysis");
        e.edit(None, |doc| doc.nodes[0].label = "B".into());
        assert!(!e.is_current());
        e.analysis();
        assert_eq!(e.analysis_runs(), runs + 1);
        e.ask(Request::Hint("one".into()));
        e.ask(Request::Run(Command::Fit));
        assert_eq!(
            e.take_requests(),
            [Request::Hint("one".into()), Request::Run(Command::Fit)]
        );
        assert!(e.take_requests().is_empty());
    }
}
