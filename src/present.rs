//! How numbers and map text are written for people, in one place: amounts, shares and
//! their differences, every kind of indicator value, flow and node labels, numbers in
//! fields, and text escaped for SVG and HTML. The canvas, the panels, the exports, the
//! command line and the analysis's own messages all write with it, so a figure reads the
//! same everywhere. It sits just above `model` and knows nothing of egui.

use std::cell::OnceCell;

use foldhash::HashMap;

use crate::model::text::shown;
use crate::model::{Document, Flow, FlowValue, Node};

/// What people call the nodes and flows of one map in messages, tables and reports: the
/// labels they typed ("Cell and pack maker"), a flow by its two ends ("Second-life
/// storage -> Collection"), and the id added only where two of them would read the same
/// ("Collection (recovery_2)"). Built once per message list: a look-up is then O(1). The
/// nodes' tables and the flows' are built when first needed (a list that names only nodes
/// does not index 100,000 flows).
pub struct Names<'a> {
    doc: &'a Document,
    nodes: OnceCell<NodeNames<'a>>,
    flows: OnceCell<FlowNames<'a>>,
}

struct NodeNames<'a> {
    index: HashMap<&'a str, usize>,
    /// How many nodes carry each label.
    label_count: HashMap<&'a str, usize>,
}

struct FlowNames<'a> {
    index: HashMap<&'a str, usize>,
    /// How many flows join each (from, to) pair.
    pair_count: HashMap<(&'a str, &'a str), usize>,
}

impl<'a> Names<'a> {
    pub fn new(doc: &'a Document) -> Self {
        Names {
            doc,
            nodes: OnceCell::new(),
            flows: OnceCell::new(),
        }
    }

    fn nodes(&self) -> &NodeNames<'a> {
        self.nodes.get_or_init(|| {
            let mut label_count: HashMap<&str, usize> = HashMap::default();
            for node in &self.doc.nodes {
                *label_count.entry(node.label.trim()).or_default() += 1;
            }
            NodeNames {
                index: (self.doc.nodes.iter().enumerate())
                    .map(|(n, node)| (node.id.as_str(), n))
                    .collect(),
                label_count,
            }
        })
    }

    fn flows(&self) -> &FlowNames<'a> {
        self.flows.get_or_init(|| {
            let mut pair_count: HashMap<(&str, &str), usize> = HashMap::default();
            for flow in &self.doc.flows {
                *pair_count
                    .entry((flow.from.as_str(), flow.to.as_str()))
                    .or_default() += 1;
            }
            FlowNames {
                index: (self.doc.flows.iter().enumerate())
                    .map(|(f, flow)| (flow.id.as_str(), f))
                    .collect(),
                pair_count,
            }
        })
    }

    /// Node `n` by its label; by its id where it has no label. (Escaped and cut short as
    /// every quoted value is, `model::text::shown`.)
    pub fn node(&self, n: usize) -> String {
        let node = &self.doc.nodes[n];
        let label = node.label.trim();
        if label.is_empty() {
            shown(&node.id)
        } else if self.nodes().label_count.get(label).copied().unwrap_or(0) > 1 {
            format!("{} ({})", shown(label), shown(&node.id))
        } else {
            shown(label)
        }
    }

    /// The node with this id, by its label; the id itself when there is no such node.
    pub fn node_id(&self, id: &str) -> String {
        self.nodes()
            .index
            .get(id)
            .map_or_else(|| shown(id), |&n| self.node(n))
    }

    /// Flow `f` by its ends, `From -> To`, with its id where another flow joins the same two.
    pub fn flow(&self, f: usize) -> String {
        let flow = &self.doc.flows[f];
        // "->", not an arrow: the editor's font has no U+2192.
        let ends = format!("{} -> {}", self.node_id(&flow.from), self.node_id(&flow.to));
        let key = (flow.from.as_str(), flow.to.as_str());
        if self.flows().pair_count.get(&key).copied().unwrap_or(0) > 1 {
            format!("{ends} ({})", shown(&flow.id))
        } else {
            ends
        }
    }

    /// The flow with this id, by its ends; the id itself when there is no such flow.
    pub fn flow_id(&self, id: &str) -> String {
        self.flows()
            .index
            .get(id)
            .map_or_else(|| shown(id), |&f| self.flow(f))
    }
}

/// The kind of number a figure is, which decides how it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// A number without unit (MCI, LFI, utility): `0.069`.
    Index,
    /// An amount in the map's unit: `6,752 t/yr`.
    Amount,
    /// A share, written as a percentage: `9.9 %`; differences in points.
    Rate,
    /// A country concentration (HHI, 0–10,000): `8836`.
    Concentration,
}

/// A figure for people: `0.069`, `6,752 t/yr`, `9.9 %`, `8836`, or `—` when unknown.
pub fn value(measure: Measure, value: Option<f64>, unit: &str) -> String {
    match (measure, value) {
        (_, None) => UNKNOWN.into(),
        (Measure::Index, Some(v)) => format!("{v:.3}"),
        (Measure::Amount, Some(v)) => format!("{} {unit}", amount(v)),
        (Measure::Rate, Some(v)) => percent(v),
        (Measure::Concentration, Some(v)) => format!("{v:.0}"),
    }
}

/// The difference of two figures, signed: `+0.012`, `+258`, `+27.4 pt`, `-2`; never `-0`.
pub fn difference(measure: Measure, d: f64) -> String {
    match measure {
        Measure::Index => no_negative_zero(format!("{d:+.3}")),
        Measure::Amount => signed_amount(d),
        Measure::Rate => signed_points(d),
        Measure::Concentration => no_negative_zero(format!("{d:+.0}")),
    }
}

/// A share as a whole percentage, for lists of shares (countries, stages): 94 %.
pub fn whole_percent(v: f64) -> String {
    let text = format!("{:.0}", 100.0 * v);
    if text == "-0" {
        "0 %".into()
    } else {
        format!("{text} %")
    }
}

/// A share as a percentage, or `—` when unknown: 30.0 %.
pub fn percent_or_dash(v: Option<f64>) -> String {
    v.map_or(UNKNOWN.into(), percent)
}

/// How far a model is from the map, as a ratio of the two: `+3.2 %`, `-0.5 %`; `—` when
/// there is no ratio.
pub fn off_by(ratio: Option<f64>) -> String {
    ratio.map_or(UNKNOWN.into(), |q| {
        no_negative_zero(format!("{:+.1}", 100.0 * (q - 1.0))) + " %"
    })
}

/// An amount for tables that are also read back (CSV, the command line): no thousands
/// separators, fewer digits than `amount`: 1248 · 86.5 · 0.350; never `-0`.
pub fn table_amount(v: f64) -> String {
    let text = if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    };
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        "0".into()
    } else {
        text
    }
}

/// What an unknown figure shows.
pub const UNKNOWN: &str = "—";

/// `+0`, `-0.000` → `0`, `0.000`: a difference that rounds to nothing has no sign.
fn no_negative_zero(text: String) -> String {
    let digits = text.trim_start_matches(['+', '-']);
    if digits.chars().all(|c| c == '0' || c == '.') {
        digits.to_string()
    } else {
        text
    }
}

/// `value` with every negative zero made a plain 0, at any depth: `-0.0` (an empty sum,
/// or a zero times a negative number) carries a sign that means nothing to a reader or to
/// a program comparing figures. Every JSON the commands print goes through here.
pub fn plain_zeros(mut value: serde_json::Value) -> serde_json::Value {
    fn walk(value: &mut serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::Number(n) if n.as_f64().is_some_and(|x| x == 0.0 && x.is_sign_negative()) => {
                *value = Value::from(0.0);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            Value::Object(map) => map.values_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut value);
    value
}

/// Text escaped for XML and HTML, in content and in attribute values.
pub fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A flow's label: its amount, or its share and solved amount.
pub fn flow_label(flow: &Flow, solved: Option<f64>) -> String {
    let solved_text = solved.map_or("?".to_string(), amount);
    match flow.value {
        FlowValue::Amount(a) => amount(a),
        FlowValue::Share(s) => format!("{:.0} % · {solved_text}", 100.0 * s),
        FlowValue::Auto => solved_text,
    }
}

/// An amount to about three significant figures, thousands grouped, never `-0`:
/// 1,248 · 86.5 · 5.25 · 0.35 · 0.0123.
pub fn amount(a: f64) -> String {
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
    let text = amount(d);
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

/// The first line of a command's table: the map's title and what is shown
/// (`UK NdFeB magnet chain today — baseline`).
pub fn heading(doc: &crate::model::Document, label: &str) -> String {
    let title = if doc.meta.title.is_empty() {
        "(untitled map)"
    } else {
        &doc.meta.title
    };
    format!("{title} — {label}")
}

/// A figure with its standard deviation: `0.352 ± 0.053`, `121 ± 9.4 t/yr`,
/// `38.9 ± 8.3 %`; the figure alone when σ is unknown or 0.
pub fn with_sigma(measure: Measure, value: Option<f64>, sigma: Option<f64>, unit: &str) -> String {
    let (Some(v), Some(s)) = (value, sigma) else {
        return self::value(measure, value, unit);
    };
    // A σ that rounds to nothing is not shown.
    let (v_text, s_text) = match measure {
        Measure::Index => (format!("{v:.3}"), format!("{s:.3}")),
        Measure::Amount => (amount(v), amount(s)),
        Measure::Rate => (format!("{:.1}", 100.0 * v), format!("{:.1}", 100.0 * s)),
        Measure::Concentration => (format!("{v:.0}"), format!("{s:.0}")),
    };
    if s_text.chars().all(|c| matches!(c, '0' | '.' | ',')) {
        return self::value(measure, value, unit);
    }
    let v_text = if v_text
        .trim_start_matches('-')
        .chars()
        .all(|c| matches!(c, '0' | '.'))
    {
        v_text.trim_start_matches('-').to_string()
    } else {
        v_text
    };
    match measure {
        Measure::Index | Measure::Concentration => format!("{v_text} ± {s_text}"),
        Measure::Amount => format!("{v_text} ± {s_text} {unit}"),
        Measure::Rate => format!("{v_text} ± {s_text} %"),
    }
}

/// A measurement's value as entered or reconciled: an amount in the map's unit, or a
/// share as a percentage.
pub fn measured(share: bool, v: f64, unit: &str) -> String {
    if share {
        percent(v)
    } else {
        format!("{} {unit}", amount(v))
    }
}

/// A pain point's severity as said beside it: "severity 4 of 5", or "severity not set"
/// while nobody has chosen one (a participant's entry, until the facilitator does).
pub fn severity(severity: Option<u8>) -> String {
    match severity {
        Some(s) => format!("severity {s} of 5"),
        None => "severity not set".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_short_and_differences_signed() {
        assert_eq!(amount(1248.4), "1,248");
        assert_eq!(amount(-6752.0), "-6,752");
        assert_eq!(amount(86.54), "86.5");
        assert_eq!(amount(0.349), "0.349");
        assert_eq!(amount(0.0123456), "0.0123");
        assert_eq!(amount(5.25), "5.25");
        assert_eq!(amount(385.7142857), "386");
        assert_eq!(amount(1000.0), "1,000");
        assert_eq!(amount(-0.0000000001), "0");
        assert_eq!(amount(-0.0), "0");
        assert_eq!(amount(86.0), "86");
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
    fn each_measure_is_written_its_own_way_with_signed_differences() {
        assert_eq!(value(Measure::Index, Some(0.0694), "t"), "0.069");
        assert_eq!(value(Measure::Amount, Some(6752.4), "t/yr"), "6,752 t/yr");
        assert_eq!(value(Measure::Rate, Some(0.099), "t"), "9.9 %");
        assert_eq!(value(Measure::Concentration, Some(8835.6), "t"), "8836");
        assert_eq!(value(Measure::Rate, None, "t"), "—");
        assert_eq!(difference(Measure::Index, 0.0123), "+0.012");
        assert_eq!(difference(Measure::Index, -0.0001), "0.000");
        assert_eq!(difference(Measure::Amount, 258.0), "+258");
        assert_eq!(difference(Measure::Rate, 0.274), "+27.4 pt");
        assert_eq!(difference(Measure::Concentration, -2.0), "-2");
        assert_eq!(difference(Measure::Concentration, 0.2), "0");
    }

    #[test]
    fn table_amounts_read_back_and_model_fits_say_how_far_off() {
        assert_eq!(table_amount(1248.4), "1248");
        assert_eq!(table_amount(86.54), "86.5");
        assert_eq!(table_amount(0.35), "0.350");
        assert_eq!(table_amount(-0.0001), "0");
        assert_eq!(off_by(Some(1.032)), "+3.2 %");
        assert_eq!(off_by(Some(0.99999)), "0.0 %");
        assert_eq!(off_by(None), "—");
        assert_eq!(percent_or_dash(None), "—");
        assert_eq!(whole_percent(0.9412), "94 %");
        assert_eq!(whole_percent(-0.001), "0 %");
    }

    #[test]
    fn json_has_no_negative_zero_at_any_depth() {
        let v = serde_json::json!({ "a": -0.0, "b": [1.5, -0.0, { "c": -0.0 }], "d": -2.0 });
        let text = plain_zeros(v).to_string();
        assert!(!text.contains("-0"), "{text}");
        assert!(text.contains("-2.0"), "{text}");
    }

    #[test]
    fn xml_text_cannot_close_an_element_or_an_attribute() {
        assert_eq!(
            xml(r#"<b a="x">Fe & Nd</b>"#),
            "&lt;b a=&quot;x&quot;&gt;Fe &amp; Nd&lt;/b&gt;"
        );
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

    #[test]
    fn a_figure_reads_with_its_sigma_unless_the_sigma_rounds_to_nothing() {
        assert_eq!(
            with_sigma(Measure::Index, Some(0.352), Some(0.0535), ""),
            "0.352 ± 0.053"
        );
        assert_eq!(
            with_sigma(Measure::Amount, Some(121.1), Some(9.44), "t/yr"),
            "121 ± 9.44 t/yr"
        );
        assert_eq!(
            with_sigma(Measure::Rate, Some(0.3886), Some(0.0826), ""),
            "38.9 ± 8.3 %"
        );
        assert_eq!(
            with_sigma(Measure::Index, Some(1.0), Some(1e-17), ""),
            "1.000"
        );
        assert_eq!(
            with_sigma(Measure::Rate, Some(-0.0), Some(0.01), ""),
            "0.0 ± 1.0 %"
        );
        assert_eq!(with_sigma(Measure::Amount, None, Some(3.0), "t/yr"), "—");
    }
}
