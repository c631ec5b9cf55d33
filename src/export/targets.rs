//! Targets for reading outside the app (indicators.md §11): the cells of each target row
//! (terminal table, HTML report and CSV share them) and the table `loopmap targets` prints.

use std::fmt::Write;

use crate::analysis::governance::ATTRIBUTION;
use crate::analysis::targets::{RowResult, TargetsReport};
use crate::model::Document;
use crate::model::targets::{Bound, Measure, Stages};
use crate::present::UNKNOWN;

/// A share for the targets table: two decimals below 1 % (recycling is often that low),
/// one above: 0.52 % · 90.5 %.
pub fn share(v: f64) -> String {
    let p = 100.0 * v;
    let text = if p.abs() < 1.0 {
        format!("{p:.2}")
    } else {
        format!("{p:.1}")
    };
    match text.as_str() {
        "-0.00" | "-0.0" => "0.00 %".into(),
        _ => format!("{text} %"),
    }
}

pub fn share_or_dash(v: Option<f64>) -> String {
    v.map_or(UNKNOWN.into(), share)
}

/// `≥ 10 %` or `≤ 60 %`.
pub fn threshold(bound: Bound) -> String {
    match bound {
        Bound::Min(v) => format!("≥ {}", share(v)),
        Bound::Max(v) => format!("≤ {}", share(v)),
    }
}

/// `yes`, `no`, or `—` when the row could not be evaluated.
pub fn met(row: &RowResult) -> &'static str {
    match row.met {
        Some(true) => "yes",
        Some(false) => "no",
        None => UNKNOWN,
    }
}

/// Points still to go: `19.5 pt`, `0 pt` once met.
pub fn gap(row: &RowResult) -> String {
    match (row.met, row.gap_points()) {
        (_, None) => UNKNOWN.into(),
        (Some(true), _) => "0 pt".into(),
        (_, Some(g)) => format!("{g:.1} pt"),
    }
}

/// The year met; `not by END` when the roadmap never gets there; blank where the row has
/// no year met (not a recycling row, or a map without a year).
pub fn year_met(row: &RowResult, report: &TargetsReport) -> String {
    if !row.has_year_met {
        return String::new();
    }
    match (row.year_met, &report.recycling_path) {
        (Some(y), _) => y.to_string(),
        (None, Some(p)) => format!("not by {}", p.years.last().copied().unwrap_or_default()),
        (None, None) => UNKNOWN.into(),
    }
}

/// The stages a row reads, for people: `all`, or the names; for recycling, `—`.
pub fn stages(row: &RowResult) -> String {
    if row.target.measure == Measure::RecyclingShare {
        return UNKNOWN.into();
    }
    match row.target.stages() {
        Stages::All => "all".into(),
        Stages::List(l) if l.is_empty() => "(none in the map)".into(),
        Stages::List(l) => l.join(", "),
    }
}

/// The value of a row with the stage it comes from when it is read stage by stage:
/// `90.5 % (metal)`.
pub fn today(row: &RowResult) -> String {
    let Some(v) = row.value else {
        return UNKNOWN.into();
    };
    let at = row
        .by_stage
        .iter()
        .find(|(_, s)| *s == v)
        .map(|(stage, _)| stage.as_str());
    match at {
        Some(stage) if row.by_stage.len() > 1 => format!("{} ({stage})", share(v)),
        _ => share(v),
    }
}

/// The table `loopmap targets` prints: targets first, then the measures per stage, then
/// each scenario's value of each row.
pub fn targets_table(
    doc: &Document,
    report: &TargetsReport,
    label: &str,
    scenarios: &[(String, TargetsReport)],
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", crate::present::heading(doc, label));
    let home = report
        .home
        .as_deref()
        .unwrap_or("none (set meta.home_country)");
    let demand = report.demand.map_or(UNKNOWN.into(), crate::present::amount);
    let _ = writeln!(
        out,
        "solver: {} · home: {home} · demand: {demand} {}",
        report.status.name(),
        doc.meta.unit()
    );
    write_rows(&mut out, report);
    write_stages(&mut out, report);
    write_scenarios(&mut out, report, scenarios);
    write_sources(&mut out, report);
    out
}

fn write_rows(out: &mut String, report: &TargetsReport) {
    if report.rows.is_empty() {
        let _ = writeln!(
            out,
            "\nNo targets in the map: add a built-in set with --set uk-2035 or \
             --set eu-crma-2030."
        );
        return;
    }
    let _ = writeln!(
        out,
        "\n  {:<44} {:>22} {:>10} {:>4} {:>8} {:>12} {:>4}",
        "target", "today", "threshold", "met", "gap", "year met", "due"
    );
    for r in &report.rows {
        let _ = writeln!(
            out,
            "  {:<44} {:>22} {:>10} {:>4} {:>8} {:>12} {:>4}",
            cut(&r.target.name, 44),
            today(r),
            threshold(r.target.bound),
            met(r),
            gap(r),
            year_met(r, report),
            r.target.year.map_or(String::new(), |y| y.to_string()),
        );
    }
}

fn write_stages(out: &mut String, report: &TargetsReport) {
    let _ = writeln!(
        out,
        "\n  recycling share: {}    supply risk: {}",
        share_or_dash(report.recycling_share),
        report
            .supply_risk
            .map_or(UNKNOWN.into(), |s| format!("{s:.2}"))
    );
    if report.stages.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n  {:<16} {:>9} {:>18} {:>8} {:>10}",
        "stage", "domestic", "top foreign", "WGI-HHI", "GeoPolRisk"
    );
    for s in &report.stages {
        let top = match &s.top_foreign.country {
            Some(c) => format!("{c} {}", share(s.top_foreign.share)),
            None => UNKNOWN.into(),
        };
        let _ = writeln!(
            out,
            "  {:<16} {:>9} {:>18} {:>8} {:>10}",
            cut(&s.stage, 16),
            share_or_dash(s.domestic_share),
            top,
            s.wgi_hhi.map_or(UNKNOWN.into(), |w| format!("{w:.2}")),
            s.geopolrisk.map_or(UNKNOWN.into(), |g| format!("{g:.3}")),
        );
    }
    for g in &report.governance.stages {
        if !g.unscored.is_empty() {
            let _ = writeln!(
                out,
                "  {}: no governance score for {} (give one in meta.governance)",
                g.stage,
                g.unscored.join(", ")
            );
        }
    }
}

fn write_scenarios(
    out: &mut String,
    report: &TargetsReport,
    scenarios: &[(String, TargetsReport)],
) {
    if scenarios.is_empty() || report.rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nBy scenario (today, met, year met)");
    for (k, r) in report.rows.iter().enumerate() {
        let _ = writeln!(out, "  {}", r.target.name);
        for (name, s) in scenarios {
            let Some(row) = s.rows.get(k) else { continue };
            let year = year_met(row, s);
            let year = if year.is_empty() {
                String::new()
            } else {
                format!(", {year}")
            };
            let _ = writeln!(
                out,
                "    {:<40} {}, {}{year}",
                cut(name, 40),
                today(row),
                met(row)
            );
        }
    }
}

fn write_sources(out: &mut String, report: &TargetsReport) {
    let mut sources: Vec<&str> = Vec::new();
    for r in &report.rows {
        let s = r.target.source.as_str();
        if !s.is_empty() && !sources.contains(&s) {
            sources.push(s);
        }
    }
    if !sources.is_empty() {
        let _ = writeln!(out, "\nSources");
        for s in sources {
            let _ = writeln!(out, "  {s}");
        }
    }
    let _ = writeln!(
        out,
        "\nGovernance scores: {ATTRIBUTION} (CC BY 4.0), political stability 2024, \
         unless the map gives its own (meta.governance)."
    );
}

/// At most `n` characters.
fn cut(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
