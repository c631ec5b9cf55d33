//! What `loopmap reconcile` prints: each measurement entered, reconciled with its σ and
//! its normalised residual, the global test, and on request Monte Carlo intervals; as a
//! table for people and as JSON.

use serde_json::{Map, Value, json};

use crate::analysis::Analysis;
use crate::analysis::reconcile::What;
use crate::analysis::uncertainty::{Figure, Interval, SEED};
use crate::model::Document;
use crate::present::{self, Measure};

/// Said when a map has nothing to reconcile.
pub const NOTHING_UNCERTAIN: &str = "no uncertain figures: give a flow's amount or share a ± (`uncertainty`) or add an estimate to reconcile them";

/// The table of `loopmap reconcile`.
pub fn reconcile_table(
    doc: &Document,
    a: &Analysis,
    intervals: Option<&[Interval]>,
    label: &str,
) -> String {
    use std::fmt::Write;
    let unit = doc.meta.unit();
    let mut out = String::new();
    let _ = writeln!(out, "{}", present::heading(doc, label));
    let _ = writeln!(out, "solver: {}", a.solution.status.name());
    for m in &a.messages {
        let _ = writeln!(out, "  {m}");
    }
    let Some(u) = &a.uncertainty else {
        let _ = writeln!(out, "{NOTHING_UNCERTAIN}");
        return out;
    };
    let _ = writeln!(out, "{}", u.verdict(doc));
    let _ = writeln!(
        out,
        "\n  {:<16} {:<26} {:>8}  measurement",
        "entered", "reconciled ± σ", "residual"
    );
    for (i, m) in u.measurements.iter().enumerate() {
        let share = m.measurement.what == What::Share;
        let reconciled = if share {
            present::with_sigma(Measure::Rate, Some(m.reconciled), Some(m.sigma), unit)
        } else {
            present::with_sigma(Measure::Amount, Some(m.reconciled), Some(m.sigma), unit)
        };
        let suspect = u
            .suspects
            .iter()
            .position(|&s| s == i)
            .map(|k| format!("  (suspect {})", k + 1))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:<16} {:<26} {:>8}  {}{suspect}",
            present::measured(share, m.measurement.entered, unit),
            reconciled,
            m.residual.map_or("—".into(), |r| format!("{r:+.2}")),
            m.describe(doc)
        );
    }
    if let Some(intervals) = intervals {
        let draws = intervals.iter().map(|i| i.draws).max().unwrap_or(0);
        let _ = writeln!(
            out,
            "\nMonte Carlo: {draws} draws (seed {SEED:#x}), 5–95 % intervals"
        );
        for (name, measure, iv) in named_intervals(a, intervals) {
            let range = match (iv.low, iv.high) {
                (Some(l), Some(h)) => format!(
                    "{} – {}",
                    present::value(measure, Some(l), unit),
                    present::value(measure, Some(h), unit)
                ),
                _ => "—".into(),
            };
            let _ = writeln!(out, "  {name:<36} {range}");
        }
    }
    out
}

/// The indicators' intervals with their names and kinds of number, in the panel's order.
fn named_intervals<'a>(
    a: &Analysis,
    intervals: &'a [Interval],
) -> Vec<(&'static str, Measure, &'a Interval)> {
    a.indicators
        .described()
        .into_iter()
        .filter_map(|d| {
            let iv = intervals
                .iter()
                .find(|iv| iv.figure == Figure::Indicator(d.key))?;
            Some((d.name, d.measure, iv))
        })
        .collect()
}

/// The JSON of `loopmap reconcile --json`.
pub fn reconcile_json(doc: &Document, a: &Analysis, intervals: Option<&[Interval]>) -> Value {
    let mut out = Map::new();
    out.insert("status".into(), json!(a.solution.status));
    out.insert("messages".into(), json!(a.messages));
    match &a.uncertainty {
        Some(u) => {
            let block = u.to_json(doc);
            for key in ["measurements", "test", "suspects"] {
                out.insert(key.into(), block.get(key).cloned().unwrap_or(Value::Null));
            }
            out.insert("verdict".into(), json!(u.verdict(doc)));
        }
        None => {
            out.insert("measurements".into(), json!([]));
            out.insert("test".into(), Value::Null);
            out.insert("suspects".into(), json!([]));
            out.insert("verdict".into(), json!(NOTHING_UNCERTAIN));
        }
    }
    if let Some(intervals) = intervals {
        let figures: Map<String, Value> = intervals
            .iter()
            .map(|iv| {
                (
                    iv.figure.key(),
                    json!({ "p5": iv.low, "p95": iv.high, "mean": iv.mean,
                            "sd": iv.spread, "draws": iv.draws }),
                )
            })
            .collect();
        out.insert(
            "monte_carlo".into(),
            json!({ "seed": SEED, "intervals": figures }),
        );
    }
    Value::Object(out)
}
