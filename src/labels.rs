//! Text shown for amounts, flows and nodes: the same on the canvas and in exports.

use crate::model::{Flow, FlowValue, Node};

/// A flow's label: its amount, or its share and solved amount.
pub fn flow_label(flow: &Flow, solved: Option<f64>) -> String {
    let solved_text = solved.map_or("?".to_string(), short_amount);
    match flow.value {
        FlowValue::Amount(a) => short_amount(a),
        FlowValue::Share(s) => format!("{:.0} % · {solved_text}", 100.0 * s),
        FlowValue::Auto => solved_text,
    }
}

/// An amount in few characters: 1,248 · 86.5 · 0.35.
pub fn short_amount(a: f64) -> String {
    let abs = a.abs();
    if abs >= 1000.0 {
        let whole = format!("{:.0}", abs);
        let mut out = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if a < 0.0 { format!("-{out}") } else { out }
    } else if abs >= 100.0 {
        format!("{a:.0}")
    } else if abs >= 1.0 {
        format!("{a:.1}")
    } else {
        format!("{a:.2}")
    }
}

/// A difference in few characters, with its sign: +258 · -376 · +0.35.
pub fn signed_amount(d: f64) -> String {
    if d > 0.0 {
        format!("+{}", short_amount(d))
    } else {
        short_amount(d)
    }
}

/// A node's second line: its stage and its largest countries (`separation · CN 94% MY 5%`),
/// or its kind when it has neither.
pub fn node_details(node: &Node) -> String {
    let mut details = Vec::new();
    if let Some(stage) = &node.stage {
        details.push(stage.clone());
    }
    let countries = node.country_shares();
    if !countries.is_empty() {
        let mut largest = countries.clone();
        largest.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut names: Vec<String> = largest
            .iter()
            .take(2)
            .map(|(c, s)| {
                if countries.len() == 1 {
                    c.to_string()
                } else {
                    format!("{c} {:.0}%", 100.0 * s)
                }
            })
            .collect();
        if countries.len() > 2 {
            names.push("…".into());
        }
        details.push(names.join(" "));
    }
    if details.is_empty() {
        details.push(node.kind.name().to_string());
    }
    details.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_short_and_differences_signed() {
        assert_eq!(short_amount(1248.4), "1,248");
        assert_eq!(short_amount(-6752.0), "-6,752");
        assert_eq!(short_amount(86.54), "86.5");
        assert_eq!(short_amount(0.349), "0.35");
        assert_eq!(signed_amount(258.0), "+258");
        assert_eq!(signed_amount(-376.0), "-376");
        assert_eq!(signed_amount(1500.0), "+1,500");
    }
}
