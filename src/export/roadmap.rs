//! The roadmap for reading outside the app: a table every 5 years (terminal and report),
//! the years as CSV rows, and its charts as SVG.

use crate::analysis::roadmap::Roadmap;
use crate::model::Document;

/// The years a table shows: the first and last, every fifth year and the base year.
pub fn table_years(r: &Roadmap) -> Vec<usize> {
    let last = r.years.len().saturating_sub(1);
    (0..r.years.len())
        .filter(|&i| {
            let y = r.years[i];
            i == 0 || i == last || y.rem_euclid(5) == 0 || y == r.base_year
        })
        .collect()
}

/// A share as a percentage with one decimal, or "–" when unknown.
pub fn percent(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{:.1} %", 100.0 * v))
}

/// Column titles of the table (amounts in the map's unit).
pub const COLUMNS: [&str; 9] = [
    "year",
    "demand",
    "stock",
    "end of life",
    "reuse",
    "remanufacture",
    "recycle",
    "EOL ceiling",
    "secondary share",
];

/// An amount for a table: whole above 100, fewer decimals than `show_amount` elsewhere.
pub fn amount(v: f64) -> String {
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

/// One row of the table, as text.
pub fn row(r: &Roadmap, i: usize) -> [String; 9] {
    let mut year = r.years[i].to_string();
    if r.years[i] == r.base_year {
        year.push_str(" (map)");
    }
    [
        year,
        amount(r.demand[i]),
        amount(r.stock[i]),
        amount(r.eol[i]),
        amount(r.returned.reuse[i]),
        amount(r.returned.remanufacture[i]),
        amount(r.returned.recycle[i]),
        percent(r.eol_ceiling[i]),
        percent(r.secondary_share[i]),
    ]
}

/// Per use node: the model's base-year outflow beside the map's, and their ratio.
pub fn fit_lines(r: &Roadmap) -> Vec<(String, f64, f64, Option<f64>)> {
    r.uses
        .iter()
        .map(|u| {
            let ratio = (u.map_eol > 0.0).then(|| u.model_eol / u.map_eol);
            (u.label.clone(), u.model_eol, u.map_eol, ratio)
        })
        .collect()
}

/// The text table of `loopmap roadmap`.
pub fn roadmap_table(doc: &Document, r: &Roadmap, label: &str) -> String {
    let unit = doc.meta.unit();
    let mut out = format!(
        "Roadmap of {label}, {}–{}, base year {} (amounts in {unit})\n",
        r.years.first().copied().unwrap_or(r.base_year),
        r.years.last().copied().unwrap_or(r.base_year),
        r.base_year
    );
    let widths = [10, 10, 10, 12, 8, 14, 8, 12, 16];
    let line = |cells: &[String]| -> String {
        let mut s = String::new();
        for (c, w) in cells.iter().zip(widths) {
            s.push_str(&format!(" {c:>w$}"));
        }
        s.trim_end().to_string() + "\n"
    };
    out.push_str(&line(&COLUMNS.map(String::from)));
    for i in table_years(r) {
        out.push_str(&line(&row(r, i)));
    }
    out.push_str(&format!(
        "\n  {:<40} {:>10} {:>10} {:>8}\n",
        format!("End of life in {}, per use node", r.base_year),
        "model",
        "map",
        "off by"
    ));
    for (label, model, map, ratio) in fit_lines(r) {
        let off = ratio.map_or("–".into(), |q| format!("{:+.0} %", 100.0 * (q - 1.0)));
        out.push_str(&format!(
            "  {label:<40} {:>10} {:>10} {off:>8}\n",
            amount(model),
            amount(map)
        ));
    }
    for id in &r.left_out {
        out.push_str(&format!("  {id}: no lifetime, left out\n"));
    }
    out
}
