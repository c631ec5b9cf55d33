//! Undo and redo as whole-document snapshots. A continuous gesture (dragging nodes, typing
//! in one field) is one step: edits with the same merge key join the open step until the
//! gesture ends. The history is never saved with the map.

use crate::model::Document;

const DEPTH: usize = 200;

#[derive(Default)]
pub struct History {
    undo: Vec<Document>,
    redo: Vec<Document>,
    /// The merge key of the step still open, if any.
    open: Option<String>,
}

impl History {
    /// Call before changing `doc`: records it as an undo point unless the change continues
    /// the open gesture with the same key.
    pub fn record(&mut self, doc: &Document, merge: Option<&str>) {
        if merge.is_some() && self.open.as_deref() == merge {
            return;
        }
        self.undo.push(doc.clone());
        if self.undo.len() > DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
        self.open = merge.map(String::from);
    }

    /// The gesture is over: the next edit starts a new step.
    pub fn close(&mut self) {
        self.open = None;
    }

    pub fn undo(&mut self, doc: &mut Document) -> bool {
        self.open = None;
        match self.undo.pop() {
            Some(previous) => {
                self.redo.push(std::mem::replace(doc, previous));
                true
            }
            None => false,
        }
    }

    pub fn redo(&mut self, doc: &mut Document) -> bool {
        self.open = None;
        match self.redo.pop() {
            Some(next) => {
                self.undo.push(std::mem::replace(doc, next));
                true
            }
            None => false,
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn clear(&mut self) {
        *self = History::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gesture_is_one_step_and_redo_is_cleared_by_a_new_edit() {
        let mut h = History::default();
        let mut doc = Document::new("0");
        for title in ["1", "2", "3"] {
            h.record(&doc, Some("drag"));
            doc.meta.title = title.into();
        }
        h.close();
        h.record(&doc, None);
        doc.meta.title = "4".into();
        assert!(h.undo(&mut doc));
        assert_eq!(doc.meta.title, "3");
        assert!(h.undo(&mut doc));
        assert_eq!(doc.meta.title, "0");
        assert!(!h.undo(&mut doc));
        assert!(h.redo(&mut doc));
        assert_eq!(doc.meta.title, "3");
        h.record(&doc, None);
        assert!(!h.can_redo());
    }
}
