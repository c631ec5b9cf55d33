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

/// An amount to about three significant figures, thousands grouped, never `-0`:
/// 1,248 · 86.5 · 5.25 · 0.35 · 0.0123.
pub fn short_amount(a: f64) -> String {
    if !a.is_finite() {
        return "?".into();
    }
    let abs = a.abs();
    let decimals = if abs >= 100.0 {
        0
    } else if abs >= 10.0 {
        1
    } else if abs >= 1.0 {
        2
    } else if abs == 0.0 {
        0
    } else {
        // Three significant figures below 1 (0.35, 0.0123), at most nine decimals.
        ((-abs.log10()).floor() as usize + 3).min(9)
    };
    let text = format!("{abs:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    let zero = out.chars().all(|c| c == '0' || c == '.' || c == ',');
    if a < 0.0 && !zero {
        format!("-{out}")
    } else {
        out
    }
}

/// A difference in few characters, with its sign: +258 · -376 · +0.35; no sign on 0.
pub fn signed_amount(d: f64) -> String {
    let text = short_amount(d);
    if d > 0.0 && text != "0" {
        format!("+{text}")
    } else {
        text
    }
}

/// A fraction as a percentage to one decimal, never `-0.0 %`: 30.0 % · 0.4 %.
pub fn percent(v: f64) -> String {
    let text = format!("{:.1}", 100.0 * v);
    if text == "-0.0" {
        "0.0 %".into()
    } else {
        format!("{text} %")
    }
}

/// A difference of two fractions in percentage points, signed: +27.4 pt · -1.0 pt · 0.0 pt.
pub fn signed_points(d: f64) -> String {
    let text = format!("{:+.1}", 100.0 * d);
    match text.as_str() {
        "-0.0" | "+0.0" => "0.0 pt".into(),
        _ => format!("{text} pt"),
    }
}

/// A number as typed into a field: whole where it is, else to six significant figures
/// (385.714 for 385.7142857), without grouping so it reads back as typed.
pub fn editable_number(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let magnitude = if v == 0.0 {
        0
    } else {
        v.abs().log10().floor() as i32
    };
    let decimals = (5 - magnitude).clamp(0, 12) as usize;
    let text = format!("{v:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text.chars().all(|c| c == '0' || c == '.' || c == '-') {
        "0".into()
    } else {
        text
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
        assert_eq!(short_amount(0.349), "0.349");
        assert_eq!(short_amount(0.0123456), "0.0123");
        assert_eq!(short_amount(5.25), "5.25");
        assert_eq!(short_amount(385.7142857), "386");
        assert_eq!(short_amount(1000.0), "1,000");
        assert_eq!(short_amount(-0.0000000001), "0");
        assert_eq!(short_amount(-0.0), "0");
        assert_eq!(short_amount(86.0), "86");
        assert_eq!(signed_amount(258.0), "+258");
        assert_eq!(signed_amount(-376.0), "-376");
        assert_eq!(signed_amount(1500.0), "+1,500");
        assert_eq!(signed_amount(-1e-12), "0");
    }

    #[test]
    fn percentages_and_points_never_show_negative_zero() {
        assert_eq!(percent(0.3), "30.0 %");
        assert_eq!(percent(0.004), "0.4 %");
        assert_eq!(percent(-0.0001), "0.0 %");
        assert_eq!(signed_points(0.274), "+27.4 pt");
        assert_eq!(signed_points(-0.0001), "0.0 pt");
    }

    #[test]
    fn numbers_in_fields_have_six_significant_figures() {
        assert_eq!(editable_number(385.7142857), "385.714");
        assert_eq!(editable_number(69.23076923), "69.2308");
        assert_eq!(editable_number(1000.0), "1000");
        assert_eq!(editable_number(0.05), "0.05");
        assert_eq!(editable_number(-0.0), "0");
        assert_eq!(editable_number(1234567.0), "1234567");
    }
}
