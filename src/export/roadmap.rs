//! The roadmap for reading outside the app: a table every 5 years (terminal and report),
//! the years as CSV rows, and its charts as SVG.

use crate::analysis::roadmap::{RETURN_LOOPS, Roadmap};
use crate::colours::{self, Rgb};
use crate::model::{Document, Loop};
use crate::present::{off_by, percent_or_dash, table_amount, xml};

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

/// One row of the table, as text.
pub fn row(r: &Roadmap, i: usize) -> [String; 9] {
    let mut year = r.years[i].to_string();
    if r.years[i] == r.base_year {
        year.push_str(" (map)");
    }
    [
        year,
        table_amount(r.demand[i]),
        table_amount(r.stock[i]),
        table_amount(r.eol[i]),
        table_amount(r.returned.reuse[i]),
        table_amount(r.returned.remanufacture[i]),
        table_amount(r.returned.recycle[i]),
        percent_or_dash(r.eol_ceiling[i]),
        percent_or_dash(r.secondary_share[i]),
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

/// Why the roadmap's base year need not read like the map: its secondary share beside the
/// map's recycled content, and the two ends of life, with what brings them together.
pub fn base_year_note(r: &Roadmap, recycled_content: Option<f64>, unit: &str) -> Option<String> {
    let i = r.index_of(r.base_year)?;
    let model: f64 = r.uses.iter().map(|u| u.model_eol).sum();
    let map: f64 = r.uses.iter().map(|u| u.map_eol).sum();
    let mut note = format!(
        "In {} the roadmap's secondary share is {} and the map's recycled content {}: the \
         secondary share is what the loops return of the model's end of life ({} {unit}; \
         the map's is {} {unit}) over products into use; recycled content is recycled input \
         (production scrap and recycled sources too) over production input.",
        r.base_year,
        percent_or_dash(r.secondary_share[i]),
        percent_or_dash(recycled_content),
        crate::present::amount(model),
        crate::present::amount(map),
    );
    if (model - map).abs() > 0.01 * model.max(map) {
        note.push_str(
            " The ends of life differ where a product's history growth or lifetime does not \
             fit today's discards: fit the history growth to the map, or make the stock \
             change dynamic so that the map takes the model's end of life.",
        );
    }
    Some(note)
}

/// The text table of `loopmap roadmap`: every fifth year, then each product's end of life
/// in the base year by the model and by the map, with the history growth that would make
/// them meet, and why the base year need not read like the map.
pub fn roadmap_table(
    doc: &Document,
    r: &Roadmap,
    label: &str,
    recycled_content: Option<f64>,
) -> String {
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
    out.push_str(&fit_table(doc, r));
    for id in &r.left_out {
        out.push_str(&format!("  {id}: no lifetime, left out\n"));
    }
    if let Some(note) = base_year_note(r, recycled_content, unit) {
        out.push('\n');
        out.push_str(&wrap(&note, 92));
    }
    out
}

/// Per use node: the model's end of life in the base year, the map's, how far apart, the
/// history growth and the one that makes them meet (or why none does).
fn fit_table(doc: &Document, r: &Roadmap) -> String {
    let mut out = format!(
        "\n  {:<40} {:>10} {:>10} {:>8} {:>10} {:>10}\n",
        format!("End of life in {}, per use node", r.base_year),
        "model",
        "map",
        "off by",
        "history",
        "fits map"
    );
    let fits = crate::analysis::roadmap::history_fits(doc, r);
    let mut unfit = Vec::new();
    for ((label, model, map, ratio), fit) in fit_lines(r).into_iter().zip(&fits) {
        let fitted = match &fit.fitted {
            Ok(h) => growth(*h),
            Err(e) => {
                unfit.push(format!("  {label}: {e}\n"));
                "none".into()
            }
        };
        out.push_str(&format!(
            "  {label:<40} {:>10} {:>10} {:>8} {:>10} {fitted:>10}\n",
            table_amount(model),
            table_amount(map),
            off_by(ratio),
            growth(fit.current),
        ));
    }
    out.extend(unfit);
    out
}

/// `text` broken into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// A yearly growth rate: "18.5 %/yr".
pub fn growth(rate: f64) -> String {
    format!("{}/yr", crate::present::percent(rate))
}

/// One curve of a chart: a stacked band or a line.
pub struct Series {
    pub label: String,
    pub colour: Rgb,
    /// Dash and gap, for lines; `None` is solid.
    pub dash: Option<(f32, f32)>,
    pub values: Vec<Option<f64>>,
}

/// The curves of the roadmap's two charts: end-of-life outflow stacked by product with
/// demand and what each loop kind returns as lines; and the ceiling on recycled content
/// with the secondary share, in percent.
pub fn chart_series(r: &Roadmap) -> (Vec<Series>, Vec<Series>, Vec<Series>) {
    let some = |v: &[f64]| v.iter().map(|&x| Some(x)).collect::<Vec<_>>();
    let stacked = r
        .uses
        .iter()
        .enumerate()
        .map(|(i, u)| Series {
            label: u.label.clone(),
            colour: colours::series_colour(i),
            dash: None,
            values: some(&u.outflow),
        })
        .collect();
    let mut lines = vec![Series {
        label: "demand".into(),
        colour: Rgb(30, 30, 30),
        dash: None,
        values: some(&r.demand),
    }];
    for kind in RETURN_LOOPS {
        lines.push(Series {
            label: format!("returned by {}", kind.name()),
            colour: colours::loop_colour(kind, false),
            dash: colours::loop_dash(kind).map(|(d, g)| (d * 0.5, g * 0.5)),
            values: some(r.returned.get(kind)),
        });
    }
    let pct = |v: &[Option<f64>]| v.iter().map(|x| x.map(|x| 100.0 * x)).collect();
    let shares = vec![
        Series {
            label: "EOL ceiling (all end of life back)".into(),
            colour: Rgb(51, 34, 136),
            dash: None,
            values: pct(&r.eol_ceiling),
        },
        Series {
            label: "secondary share (loops as drawn)".into(),
            colour: colours::loop_colour(Loop::Recycle, false),
            dash: Some((6.0, 3.0)),
            values: pct(&r.secondary_share),
        },
    ];
    (stacked, lines, shares)
}

/// A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least `max`.
pub fn nice_max(max: f64) -> f64 {
    if !(max > 0.0 && max.is_finite()) {
        return 1.0;
    }
    let p = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&v| v >= max * (1.0 - 1e-12))
        .unwrap_or(10.0 * p)
}

/// A chart as standalone SVG: `stacked` as bands from 0, `lines` over them, a dashed
/// marker at the base year, axes and a legend on the right.
pub fn chart_svg(
    title: &str,
    y_label: &str,
    r: &Roadmap,
    stacked: &[Series],
    lines: &[Series],
) -> String {
    let (w, h) = (680.0, 300.0);
    let (left, right, top, bottom) = (62.0, 200.0, 40.0, 30.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let n = r.years.len();
    let mut tops = vec![0.0; n];
    let mut bands = Vec::new();
    for s in stacked {
        let lower = tops.clone();
        for (t, v) in tops.iter_mut().zip(&s.values) {
            *t += v.unwrap_or(0.0);
        }
        bands.push((lower, tops.clone()));
    }
    let max = lines
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .chain(tops.iter())
        .fold(0.0f64, |m, &v| m.max(v));
    let ymax = nice_max(max);
    let (y0, y1) = (
        f64::from(*r.years.first().unwrap_or(&r.base_year)),
        f64::from(*r.years.last().unwrap_or(&r.base_year)),
    );
    let span = (y1 - y0).max(1.0);
    let x = |i: usize| left + pw * (f64::from(r.years[i]) - y0) / span;
    let xy = |year: f64| left + pw * (year - y0) / span;
    let y = |v: f64| top + ph * (1.0 - v / ymax);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"11\">\n<rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>\n<text x=\"{left}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{}</text>\n<text x=\"{left}\" y=\"32\" fill=\"#555\">{}</text>\n",
        xml(title),
        xml(y_label)
    );
    // Grid and y axis.
    for k in 0..=5 {
        let v = ymax * f64::from(k) / 5.0;
        let yy = y(v);
        out.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#ddd\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            left + pw,
            left - 4.0,
            yy + 4.0,
            xml(&axis_number(v, ymax))
        ));
    }
    // x axis: every tenth year.
    let first = (r.years.first().copied().unwrap_or(r.base_year) + 9).div_euclid(10) * 10;
    let mut year = first;
    while f64::from(year) <= y1 {
        let xx = xy(f64::from(year));
        out.push_str(&format!(
            "<line x1=\"{xx:.1}\" x2=\"{xx:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#999\"/><text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{year}</text>\n",
            top + ph,
            top + ph + 4.0,
            top + ph + 16.0
        ));
        year += 10;
    }
    for (s, (lower, upper)) in stacked.iter().zip(&bands) {
        let mut points: Vec<String> = (0..n)
            .map(|i| format!("{:.1},{:.1}", x(i), y(upper[i])))
            .collect();
        points.extend(
            (0..n)
                .rev()
                .map(|i| format!("{:.1},{:.1}", x(i), y(lower[i]))),
        );
        out.push_str(&format!(
            "<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.85\"><title>{}</title></polygon>\n",
            points.join(" "),
            s.colour.hex(),
            xml(&s.label)
        ));
    }
    for s in lines {
        let mut d = String::new();
        let mut pen = false;
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => {
                    d.push_str(&format!(
                        "{}{:.1},{:.1} ",
                        if pen { "L" } else { "M" },
                        x(i),
                        y(*v)
                    ));
                    pen = true;
                }
                None => pen = false,
            }
        }
        let dash = s.dash.map_or(String::new(), |(a, b)| {
            format!(" stroke-dasharray=\"{a} {b}\"")
        });
        out.push_str(&format!(
            "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{dash}><title>{}</title></path>\n",
            d.trim_end(),
            s.colour.hex(),
            xml(&s.label)
        ));
    }
    let bx = xy(f64::from(r.base_year));
    out.push_str(&format!(
        "<line x1=\"{bx:.1}\" x2=\"{bx:.1}\" y1=\"{top}\" y2=\"{:.1}\" stroke=\"#555\" stroke-dasharray=\"4 3\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#555\">map {}</text>\n",
        top + ph,
        bx + 3.0,
        top + 10.0,
        r.base_year
    ));
    // Legend.
    let lx = left + pw + 14.0;
    let mut ly = top + 4.0;
    for s in stacked.iter().rev() {
        out.push_str(&format!(
            "<rect x=\"{lx:.1}\" y=\"{:.1}\" width=\"12\" height=\"10\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{ly:.1}\">{}</text>\n",
            ly - 9.0,
            s.colour.hex(),
            lx + 16.0,
            xml(&legend_text(&s.label))
        ));
        ly += 16.0;
    }
    for s in lines {
        let dash = s.dash.map_or(String::new(), |(a, b)| {
            format!(" stroke-dasharray=\"{a} {b}\"")
        });
        out.push_str(&format!(
            "<line x1=\"{lx:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\" stroke-width=\"2\"{dash}/><text x=\"{:.1}\" y=\"{ly:.1}\">{}</text>\n",
            lx + 12.0,
            ly - 4.0,
            ly - 4.0,
            s.colour.hex(),
            lx + 16.0,
            xml(&legend_text(&s.label))
        ));
        ly += 16.0;
    }
    out.push_str("</svg>\n");
    out
}

/// An axis label: whole numbers unless the axis is below 5.
fn axis_number(v: f64, max: f64) -> String {
    if max >= 5.0 {
        format!("{v:.0}")
    } else {
        table_amount(v)
    }
}

/// A legend entry short enough for the legend column.
fn legend_text(label: &str) -> String {
    const MAX: usize = 30;
    if label.chars().count() > MAX {
        let cut: String = label.chars().take(MAX - 1).collect();
        format!("{cut}…")
    } else {
        label.to_string()
    }
}

/// The roadmap's two charts, as SVG.
pub fn charts_svg(doc: &Document, r: &Roadmap) -> [String; 2] {
    let (stacked, lines, shares) = chart_series(r);
    [
        chart_svg(
            "End of life by product, demand and what returns",
            doc.meta.unit(),
            r,
            &stacked,
            &lines,
        ),
        chart_svg(
            "Ceiling on recycled content",
            "% of demand",
            r,
            &[],
            &shares,
        ),
    ]
}
