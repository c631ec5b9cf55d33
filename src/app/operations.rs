//! Editing operations shared by the menus, the panels and the canvas, as methods of the
//! editing handle: pain points and votes, deleting the selection, scenarios and levers,
//! flows drawn and nodes placed on the canvas, renaming, and finding what a diagnostic
//! names.
//! Each changes the map through `edit` (one undo step) and asks the frame for what lies
//! outside the map (a hint, a dialog, where the canvas looks).

use super::pains::PinnedPains;
use super::{Dialog, Editor, Request, Selection};
use crate::analysis::Subject;
use crate::geometry::Point;
use crate::model::levers::{self, Lever};
use crate::model::pains::pinned_on;
use crate::model::{
    Anchor, Change, Document, Flow, Loop, NodeKind, PainPoint, Scenario, fragment, pains,
};

impl Editor {
    /// Where a new pain point goes: on the selected node, else the selected flow, else on
    /// what the selected pain point is on, else the whole map.
    pub fn anchor_for_selection(&self) -> Anchor {
        if let Some(id) = self.selection.nodes.first() {
            Anchor::Node(id.clone())
        } else if let Some(id) = self.selection.flows.first() {
            Anchor::Flow(id.clone())
        } else if let Some(p) = self
            .selection
            .pains
            .first()
            .and_then(|id| self.doc().pain_points.iter().find(|p| &p.id == id))
        {
            p.on.clone()
        } else {
            Anchor::Map
        }
    }

    /// Adds a pain point on `on`, selects it and puts the cursor in its title.
    pub fn add_pain_point(&mut self, on: Anchor) {
        let id = pains::unique_pain_id(self.doc());
        let mut pain = PainPoint::new(id.clone(), on, "New pain point");
        pain.number = Some(self.doc().next_pin_number());
        self.edit(None, |doc| doc.pain_points.push(pain));
        self.selection = Selection::pain(&id);
        self.ask(Request::Focus(format!("pain:{id}:title")));
    }

    /// Adds `delta` dot votes to the selected pain points (never below zero).
    pub fn vote(&mut self, delta: i64) {
        let chosen = self.selection.pains.clone();
        if chosen.is_empty() {
            self.ask(Request::Hint(
                "Select a pain point (click its pin) to vote on it".into(),
            ));
            return;
        }
        let changes = |p: &PainPoint| {
            let mut after = p.clone();
            after.vote(delta);
            after.votes() != p.votes()
        };
        if !self
            .doc()
            .pain_points
            .iter()
            .any(|p| chosen.contains(&p.id) && changes(p))
        {
            return; // no vote to take back: no empty undo step
        }
        self.edit(None, |doc| {
            for p in doc
                .pain_points
                .iter_mut()
                .filter(|p| chosen.contains(&p.id))
            {
                p.vote(delta);
            }
        });
    }

    pub fn vote_on(&mut self, id: &str, delta: i64) {
        let selection = std::mem::replace(&mut self.selection, Selection::pain(id));
        self.vote(delta);
        self.selection = selection;
    }

    /// Deletes the selection; when nodes or flows going carry pain points that are not
    /// selected themselves, first asks what to do with them.
    pub fn delete_selection(&mut self) {
        if self.selection.is_empty() {
            return;
        }
        let carried = pinned_on(self.doc(), &self.selection.nodes, &self.selection.flows)
            .into_iter()
            .filter(|&i| !self.selection.pains.contains(&self.doc().pain_points[i].id))
            .count();
        if carried > 0 {
            self.ask(Request::Dialog(Dialog::DeletePinned(carried)));
        } else {
            self.delete_selection_with(PinnedPains::Delete);
        }
    }

    /// Deletes the selected nodes (with every flow touching them), flows and pain
    /// points; the pain points on what goes are deleted or moved to the map. One undo step.
    pub fn delete_selection_with(&mut self, pinned: PinnedPains) {
        let selection = std::mem::take(&mut self.selection);
        self.edit(None, |doc| {
            let carried = pinned_on(doc, &selection.nodes, &selection.flows);
            let mut keep = vec![true; doc.pain_points.len()];
            for i in carried {
                match pinned {
                    PinnedPains::Delete => keep[i] = false,
                    PinnedPains::MoveToMap => doc.pain_points[i].on = Anchor::Map,
                }
            }
            let mut keep = keep.into_iter();
            doc.pain_points
                .retain(|p| keep.next().unwrap_or(true) && !selection.pains.contains(&p.id));
            doc.nodes.retain(|n| !selection.nodes.contains(&n.id));
            doc.flows.retain(|f| {
                !selection.flows.contains(&f.id)
                    && !selection.nodes.contains(&f.from)
                    && !selection.nodes.contains(&f.to)
            });
        });
    }

    /// Selects a pain point and centres the canvas on its pin.
    pub fn find_pain(&mut self, id: &str) {
        self.selection = Selection::pain(id);
        let index = self.doc().pain_points.iter().position(|p| p.id == id);
        if let Some(pin) = index.and_then(|i| self.layout().pins.get(i).copied().flatten()) {
            self.ask(Request::Centre(pin));
        }
    }

    /// Makes `name` the active scenario (`None`: the baseline).
    pub fn set_scenario(&mut self, name: Option<String>) {
        self.active_scenario = name.filter(|n| self.doc().scenario(n).is_some());
    }

    /// A new scenario, empty or a copy of the active one's changes, made active.
    pub fn new_scenario(&mut self, copy: bool) {
        let base = if copy {
            self.active_scenario
                .clone()
                .map_or("Scenario".to_string(), |n| format!("{n} (copy)"))
        } else {
            "Scenario".to_string()
        };
        let name = unique_name(self.doc(), &base);
        let changes = if copy {
            self.active_scenario
                .as_deref()
                .and_then(|n| self.doc().scenario(n))
                .map(|s| s.changes.clone())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let scenario = Scenario {
            name: name.clone(),
            description: String::new(),
            changes,
            extra: Default::default(),
        };
        self.edit_baseline(None, |d| d.scenarios.push(scenario));
        self.active_scenario = Some(name);
    }

    /// Renames a scenario; refused with a hint when the name is empty or taken.
    pub fn rename_scenario(&mut self, old: &str, new: &str) -> bool {
        let new = new.trim().to_string();
        if new.is_empty() || (new != old && self.doc().scenario(&new).is_some()) {
            self.ask(Request::Hint(format!(
                "A scenario needs a name of its own; '{new}' cannot be used"
            )));
            return false;
        }
        let old_name = old.to_string();
        let renamed = new.clone();
        let was_active = self.active_scenario.as_deref() == Some(old);
        if was_active {
            self.active_scenario = Some(new.clone());
        }
        self.edit_baseline(None, move |d| {
            if let Some(s) = d.scenarios.iter_mut().find(|s| s.name == old_name) {
                s.name = renamed;
            }
        });
        true
    }

    /// Deletes a scenario (undo brings it back).
    pub fn delete_scenario(&mut self, name: &str) {
        let name = name.to_string();
        self.edit_baseline(None, |d| d.scenarios.retain(|s| s.name != name));
    }

    /// The changes of the active scenario.
    pub fn active_changes(&self) -> Vec<Change> {
        self.active_scenario
            .as_deref()
            .and_then(|n| self.doc().scenario(n))
            .map(|s| s.changes.clone())
            .unwrap_or_default()
    }

    /// Ids of the nodes and flows the active scenario changes, for marking on the canvas.
    pub fn changed_by_scenario(&self) -> (Vec<String>, Vec<String>) {
        let mut nodes = Vec::new();
        let mut flows = Vec::new();
        for c in self.active_changes() {
            match c {
                Change::Flow { flow, .. } => flows.push(flow),
                Change::Node { node, .. } => nodes.push(node),
            }
        }
        (nodes, flows)
    }

    /// The scenario drop-down and its buttons, in the toolbar.
    /// Pins a lever (no-op if it is pinned already).
    pub fn pin_lever(&mut self, lever: Lever) {
        let mut list = levers::levers(self.doc());
        if list.contains(&lever) {
            return;
        }
        list.push(lever);
        self.edit_baseline(None, |d| levers::set_levers(d, &list));
        self.ask(Request::Hint(
            "Pinned as a lever: move it in the Scenarios tab".into(),
        ));
    }

    /// Moves a lever to `value` (in the active scenario, if any); one undo step per drag.
    pub fn move_lever(&mut self, lever: &Lever, value: f64) {
        let key = format!("lever:{lever:?}");
        match self.active_scenario.clone() {
            Some(name) => {
                self.edit_baseline(Some(&key), |d| lever.set_in_scenario(d, &name, value))
            }
            None => self.edit(Some(&key), |d| lever.set(d, value)),
        }
        self.lever_moving = true;
    }

    /// Takes a lever off the Scenarios tab (one undo step).
    pub fn unpin(&mut self, lever: &Lever) {
        let rest: Vec<Lever> = levers::levers(self.doc())
            .into_iter()
            .filter(|l| l != lever)
            .collect();
        self.edit_baseline(None, |d| levers::set_levers(d, &rest));
    }

    /// Selects what a diagnostic names and centres the canvas on it.
    pub fn reveal(&mut self, subject: &Subject) {
        match subject {
            Subject::Node(id) => {
                if let Some(node) = self.doc().node(id) {
                    let centre = crate::geometry::Point::new(node.pos[0], node.pos[1]);
                    self.ask(Request::Centre(centre));
                    self.selection = Selection::node(id);
                }
            }
            Subject::Flow(id) => {
                if let Some(f) = self.doc().flows.iter().position(|f| &f.id == id) {
                    let centre = self.layout().flows[f].label_at;
                    self.ask(Request::Centre(centre));
                    self.selection = Selection::flow(id);
                }
            }
            _ => {}
        }
    }

    /// Adds a flow drawn on the canvas; flows a source cannot take or a waste cannot give
    /// are refused with a hint. A flow back to an earlier stage is proposed as a loop.
    pub fn connect(&mut self, from: &str, to: &str, chosen: Option<Loop>) {
        let (Some(a), Some(b)) = (self.doc().node(from), self.doc().node(to)) else {
            return;
        };
        if from == to {
            return;
        }
        if !b.kind.takes_inflows() {
            let hint = format!(
                "'{}' is a source: a source takes no inflows. Draw flows out of it instead.",
                b.label
            );
            self.ask(Request::Hint(hint));
            return;
        }
        if !a.kind.gives_outflows() {
            let hint = format!("'{}' is a {}: it has no outflows.", a.label, a.kind.name());
            self.ask(Request::Hint(hint));
            return;
        }
        // Back to an earlier production stage from use or recovery: propose a loop.
        let backwards = b.pos[0] < a.pos[0];
        let loop_kind = chosen.unwrap_or(match (backwards, a.kind, b.kind) {
            (true, NodeKind::Recovery, NodeKind::Use) => Loop::Maintain,
            (true, NodeKind::Recovery, NodeKind::Process) => Loop::Recycle,
            (true, NodeKind::Use, NodeKind::Process) => Loop::Reuse,
            _ => Loop::None,
        });
        let id = fragment::unique_flow_id(self.doc(), &format!("{from}_to_{to}"));
        let mut flow = Flow::new(id.clone(), from, to);
        flow.loop_kind = loop_kind;
        self.edit(None, |doc| doc.flows.push(flow));
        self.selection = Selection::flow(&id);
        if loop_kind != Loop::None {
            self.ask(Request::Hint(format!(
                "Added as a {} loop; change it in the inspector.",
                loop_kind.name()
            )));
        }
    }

    /// Places a palette item at a point of the map.
    pub fn place(&mut self, preset: usize, at: Point) {
        let Some(node) = super::palette::new_node(self.doc(), preset) else {
            return;
        };
        let mut node = node;
        node.pos = [at.x, at.y];
        let id = node.id.clone();
        self.edit(None, |doc| doc.nodes.push(node));
        self.selection = Selection::node(&id);
    }

    /// Opens the rename dialog of the one node selected.
    pub fn start_rename(&mut self) {
        if let [id] = self.selection.nodes.iter().collect::<Vec<_>>()[..]
            && let Some(node) = self.doc().node(id)
        {
            let dialog = Dialog::Rename {
                id: id.clone(),
                label: node.label.clone(),
            };
            self.ask(Request::Dialog(dialog));
        }
    }
}

/// `base`, or `base 2`, `base 3`… whichever no scenario has.
fn unique_name(doc: &Document, base: &str) -> String {
    if doc.scenario(base).is_none() && base != "Scenario" {
        return base.to_string();
    }
    (1..)
        .map(|i| format!("{base} {i}"))
        .find(|n| doc.scenario(n).is_none())
        .unwrap_or_else(|| base.to_string())
}
