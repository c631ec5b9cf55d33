//! Sensitivity of an indicator to the levers: how far it moves when each lever moves
//! 10 % down and up from its value, largest effect first (a tornado chart's bars).

use super::analyse;
use crate::model::levers::Lever;
use crate::model::{Document, FlowValue};

#[derive(Clone, Debug, PartialEq)]
pub struct Swing {
    pub lever: Lever,
    /// Change of the indicator with the lever at (1 − step) and (1 + step) of its value.
    pub low: Option<f64>,
    pub high: Option<f64>,
}

impl Swing {
    /// The larger of the two moves, for ordering.
    pub fn effect(&self) -> f64 {
        self.low
            .unwrap_or(0.0)
            .abs()
            .max(self.high.unwrap_or(0.0).abs())
    }
}

/// The indicator named by its JSON key (`mci`, `recycled_content`, …) in `doc`'s analysis.
pub fn indicator(doc: &Document, key: &str) -> Option<f64> {
    analyse(doc)
        .indicators
        .described()
        .into_iter()
        .find(|d| d.key == key)?
        .value
}

/// The levers to test: those pinned, or without any, every flow given as a share. Levers
/// that move only the roadmap (growth rates, lifetime spreads) cannot move an indicator
/// of the map and are left out.
pub fn levers_or_shares(doc: &Document, pinned: &[Lever]) -> Vec<Lever> {
    let pinned: Vec<Lever> = pinned
        .iter()
        .filter(|l| !l.roadmap_only())
        .cloned()
        .collect();
    if !pinned.is_empty() {
        return pinned;
    }
    doc.flows
        .iter()
        .filter(|f| matches!(f.value, FlowValue::Share(_)))
        .map(|f| Lever::Flow { flow: f.id.clone() })
        .collect()
}

/// How the indicator `key` of `doc` moves when each lever moves by ±`step` (0.1 for
/// ±10 %), largest effect first. Shares are kept within [0, 1].
pub fn tornado(doc: &Document, levers: &[Lever], key: &str, step: f64) -> Vec<Swing> {
    let base = indicator(doc, key);
    let mut swings: Vec<Swing> = levers
        .iter()
        .filter_map(|lever| {
            let v = lever.value(doc)?;
            let moved = |factor: f64| {
                let mut d = doc.clone();
                lever.set(&mut d, v * factor);
                Some(indicator(&d, key)? - base?)
            };
            Some(Swing {
                lever: lever.clone(),
                low: moved(1.0 - step),
                high: moved(1.0 + step),
            })
        })
        .collect();
    swings.sort_by(|a, b| b.effect().total_cmp(&a.effect()));
    swings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Flow, Loop, Node, NodeKind};

    /// 100 t virgin into a product; a share `c` of its discards is collected and
    /// recycled back into production: recycled content rises with `c`, landfill falls.
    fn loop_map(c: f64) -> Document {
        let mut doc = Document::new("t");
        doc.nodes = vec![
            Node::new("mine", "Mine", NodeKind::Source),
            Node::new("make", "Make", NodeKind::Process),
            Node::new("use", "Use", NodeKind::Use),
            Node::new("rec", "Recycling", NodeKind::Recovery),
            Node::new("bin", "Landfill", NodeKind::Waste),
        ];
        let mut flow = |id: &str, from: &str, to: &str, value: FlowValue, l: Loop| {
            let mut f = Flow::new(id, from, to);
            f.value = value;
            f.loop_kind = l;
            doc.flows.push(f);
        };
        flow("v", "mine", "make", FlowValue::Amount(100.0), Loop::None);
        flow("p", "make", "use", FlowValue::Auto, Loop::None);
        flow("c", "use", "rec", FlowValue::Share(c), Loop::None);
        flow("l", "use", "bin", FlowValue::Auto, Loop::None);
        flow("r", "rec", "make", FlowValue::Auto, Loop::Recycle);
        doc
    }

    #[test]
    fn more_collection_raises_recycled_content_and_lowers_landfill() {
        // Steady state: P = 100 / (1 − c), recycled R = c·P, recycled content R / P = c.
        let doc = loop_map(0.5);
        assert!((indicator(&doc, "recycled_content").unwrap() - 0.5).abs() < 1e-9);
        let levers = levers_or_shares(&doc, &[]);
        assert_eq!(levers, [Lever::Flow { flow: "c".into() }]);
        let swing = &tornado(&doc, &levers, "recycled_content", 0.1)[0];
        // c = 0.45 and 0.55: recycled content moves by exactly −0.05 and +0.05.
        assert!((swing.low.unwrap() + 0.05).abs() < 1e-9, "{swing:?}");
        assert!((swing.high.unwrap() - 0.05).abs() < 1e-9, "{swing:?}");
        let landfill = &tornado(&doc, &levers, "landfill_rate", 0.1)[0];
        assert!(landfill.low.unwrap() > 0.0 && landfill.high.unwrap() < 0.0);
        let mci = &tornado(&doc, &levers, "mci", 0.1)[0];
        assert!(mci.low.unwrap() < 0.0 && mci.high.unwrap() > 0.0);
    }

    #[test]
    fn the_largest_effect_comes_first() {
        let mut doc = loop_map(0.5);
        doc.nodes[2].lifetime = Some(10.0);
        doc.nodes[2].lifetime_avg = Some(10.0);
        let levers = vec![
            Lever::Node {
                node: "use".into(),
                field: "lifetime_avg".into(),
            },
            Lever::Flow { flow: "c".into() },
        ];
        let swings = tornado(&doc, &levers, "mci", 0.1);
        assert_eq!(swings.len(), 2);
        assert!(swings[0].effect() >= swings[1].effect());
    }
}
