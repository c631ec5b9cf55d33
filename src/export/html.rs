//! The report after a workshop: one self-contained HTML file (no network) with the map as
//! inline SVG, indicators for the baseline and every scenario with what they mean, supply
//! concentration by stage, pain points ranked by votes in their categories, and the
//! diagnostics. Laid out to print on A4.

use std::fmt::Write;

use crate::analysis::indicators::Described;
use crate::analysis::supply::Band;
use crate::analysis::uncertainty::Figure;
use crate::analysis::{self, Analysis};
use crate::model::{Category, Document, Loop, country, pains};
use crate::present::{self, Measure, xml};

const STYLE: &str = "
@page { size: A4; margin: 14mm; }
body { font-family: 'Ubuntu', 'DejaVu Sans', Arial, sans-serif; color: #1a1a1a; max-width: 190mm; margin: 0 auto; line-height: 1.4; font-size: 10.5pt; }
h1 { font-size: 20pt; margin-bottom: 2pt; }
h2 { font-size: 14pt; border-bottom: 1px solid #999; margin-top: 18pt; break-after: avoid; }
h3 { font-size: 11.5pt; margin: 10pt 0 4pt; break-after: avoid; }
.meta { color: #555; }
figure { margin: 0; }
figure svg { width: 100%; height: auto; border: 1px solid #ddd; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0; break-inside: avoid; }
th, td { border: 1px solid #ccc; padding: 3pt 5pt; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; }
td.num { white-space: nowrap; }
table.indicators { table-layout: fixed; }
th.name { width: 42%; }
.meaning { color: #555; font-size: 8.5pt; }
.band-high { color: #b01e1e; font-weight: bold; }
.band-moderate { color: #b86e00; }
.band-low { color: #23801f; }
.swatch { display: inline-block; width: 9pt; height: 9pt; border-radius: 2pt; margin-right: 3pt; vertical-align: -1pt; }
li { margin-bottom: 3pt; }
.small { font-size: 9pt; color: #555; }
";

/// The report: `doc` is the map as saved (for the baseline and every scenario), `shown`
/// and `analysis` the map the picture and supply section are of (`which` says which).
pub fn report(
    doc: &Document,
    shown: &Document,
    analysis: &Analysis,
    which: &str,
    picture: &str,
) -> String {
    let mut out = String::new();
    let title = if doc.meta.title.is_empty() {
        "Untitled map"
    } else {
        &doc.meta.title
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        xml(title)
    );
    let _ = writeln!(out, "<h1>{}</h1>", xml(title));
    let mut meta = Vec::new();
    if !doc.meta.basis.is_empty() {
        meta.push(xml(&doc.meta.basis));
    }
    if let Some(y) = doc.meta.year {
        meta.push(y.to_string());
    }
    meta.push(format!("flows in {}", xml(doc.meta.unit())));
    if let Some(home) = &doc.meta.home_country {
        meta.push(format!("home country {}", xml(&country::describe(home))));
    }
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", meta.join(" · "));
    if !doc.meta.description.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", xml(&doc.meta.description));
    }

    let _ = writeln!(out, "<h2>The map</h2><p class=\"small\">{}</p>", xml(which));
    let _ = writeln!(out, "<figure>{picture}</figure>");

    indicators_section(&mut out, doc);
    uncertainty_section(&mut out, shown, analysis);
    supply_section(&mut out, shown, analysis, which);
    targets_section(&mut out, doc, shown, analysis, which);
    roadmap_section(&mut out, shown, analysis, which);
    pains_section(&mut out, doc);

    let _ = writeln!(out, "<h2>Diagnostics</h2>");
    if analysis.messages.is_empty() && analysis.diagnostics.is_empty() {
        let _ = writeln!(
            out,
            "<p>Nothing to report: the flows solve and balance.</p>"
        );
    } else {
        out.push_str("<ul>\n");
        for m in &analysis.messages {
            let _ = writeln!(out, "<li>{}</li>", xml(m));
        }
        for d in &analysis.diagnostics {
            let _ = writeln!(out, "<li>{}</li>", xml(&d.to_string()));
        }
        out.push_str("</ul>\n");
    }

    if !doc.meta.sources.is_empty() {
        let _ = writeln!(out, "<h2>Sources</h2><ol class=\"small\">");
        for s in &doc.meta.sources {
            let _ = writeln!(out, "<li>{}</li>", xml(s));
        }
        out.push_str("</ol>\n");
    }
    let _ = writeln!(
        out,
        "<p class=\"small\">Made with Loopmap {}.</p></body></html>",
        env!("CARGO_PKG_VERSION")
    );
    out
}

/// How the map's uncertain figures were reconciled (indicators.md §10): the test, and
/// each measurement entered, reconciled with its σ and its normalised residual.
fn uncertainty_section(out: &mut String, doc: &Document, analysis: &Analysis) {
    let Some(u) = &analysis.uncertainty else {
        return;
    };
    let unit = doc.meta.unit();
    let _ = writeln!(
        out,
        "<h2>Uncertain figures, reconciled</h2><p>{}. Each ± is one standard deviation; the figures are adjusted as little as their uncertainties allow so that every balance holds (weighted least squares, as STAN), and a normalised residual beyond ±1.96 marks a suspect when the data do not fit.</p>",
        xml(&u.verdict(doc))
    );
    out.push_str("<table class=\"indicators\"><tr><th class=\"name\">Figure</th><th class=\"num\">entered</th><th class=\"num\">reconciled</th><th class=\"num\">residual</th></tr>\n");
    for (i, m) in u.measurements.iter().enumerate() {
        let share = m.measurement.what == analysis::reconcile::What::Share;
        let measure = if share {
            Measure::Rate
        } else {
            Measure::Amount
        };
        let suspect = if u.suspects.contains(&i) {
            " (suspect)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<tr><td class=\"name\">{}{suspect}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            xml(&m.describe(doc)),
            xml(&present::measured(share, m.measurement.entered, unit)),
            xml(&present::with_sigma(
                measure,
                Some(m.reconciled),
                Some(m.sigma),
                unit
            )),
            m.residual.map_or("—".into(), |r| format!("{r:+.2}")),
        );
    }
    out.push_str("</table>\n");
}

/// The roadmap of the map shown: its two charts, a table every 5 years and how well the
/// model's base-year end of life fits the map's.
fn roadmap_section(out: &mut String, doc: &Document, analysis: &Analysis, which: &str) {
    use super::roadmap as table;
    let _ = writeln!(out, "<h2>Roadmap</h2>");
    let r = match analysis::roadmap::from_analysis(doc, analysis) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(out, "<p>No roadmap: {}.</p>", xml(&e.to_string()));
            return;
        }
    };
    let (first, last) = (
        r.years.first().copied().unwrap_or(r.base_year),
        r.years.last().copied().unwrap_or(r.base_year),
    );
    let _ = writeln!(
        out,
        "<p class=\"small\">{}. Products enter use along each use node's demand path and leave \
         after their lifetimes (an inflow-driven dynamic stock model, {first}–{last}); the map's \
         loops route what leaves. The <b>EOL ceiling</b> is end-of-life material over demand: \
         the most recycled content could reach if all of it came back. The <b>secondary \
         share</b> is what the loops as drawn return, over demand.</p>",
        xml(which)
    );
    for svg in table::charts_svg(doc, &r) {
        let _ = writeln!(out, "<figure>{svg}</figure>");
    }
    let _ = writeln!(
        out,
        "<h3>Every 5 years ({})</h3><table><tr>",
        xml(doc.meta.unit())
    );
    for (i, c) in table::COLUMNS.iter().enumerate() {
        let class = if i == 0 { "" } else { " class=\"num\"" };
        let _ = write!(out, "<th{class}>{}</th>", xml(c));
    }
    out.push_str("</tr>\n");
    for i in table::table_years(&r) {
        out.push_str("<tr>");
        for (k, cell) in table::row(&r, i).iter().enumerate() {
            let class = if k == 0 { "" } else { " class=\"num\"" };
            let _ = write!(out, "<td{class}>{}</td>", xml(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    let _ = writeln!(
        out,
        "<h3>End of life in {}: model and map</h3><table><tr><th>use</th><th class=\"num\">model</th><th class=\"num\">map</th><th class=\"num\">off by</th></tr>",
        r.base_year
    );
    for (label, model, map, ratio) in table::fit_lines(&r) {
        let off = present::off_by(ratio);
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{off}</td></tr>",
            xml(&label),
            present::table_amount(model),
            present::table_amount(map)
        );
    }
    out.push_str("</table>\n");
    if let Some(note) =
        table::base_year_note(&r, analysis.indicators.recycled_content, doc.meta.unit())
    {
        let _ = writeln!(out, "<p class=\"small\">{}</p>", xml(&note));
    }
    if !r.left_out.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"small\">Left out (no lifetime): {}.</p>",
            xml(&r.left_out.join(", "))
        );
    }
}

fn indicators_section(out: &mut String, doc: &Document) {
    let unit = doc.meta.unit();
    let columns = analysis::compare::cases(doc);
    let _ = writeln!(out, "<h2>Indicators</h2>");
    if !doc.scenarios.is_empty() {
        out.push_str("<ul class=\"small\">");
        for s in &doc.scenarios {
            let _ = writeln!(
                out,
                "<li><b>{}</b>: {}</li>",
                xml(&s.name),
                xml(&s.description)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("<table class=\"indicators\"><tr><th class=\"name\">Indicator</th>");
    for c in &columns {
        let _ = write!(out, "<th class=\"num\">{}</th>", xml(&c.name));
    }
    out.push_str("</tr>\n");
    let described: Vec<Vec<Described>> = columns
        .iter()
        .map(|c| c.analysis.indicators.described())
        .collect();
    for (k, d) in described[0].iter().enumerate() {
        let _ = write!(
            out,
            "<tr><td class=\"name\">{}<div class=\"meaning\">{}</div></td>",
            xml(d.name),
            xml(d.meaning)
        );
        for (c, case) in described.iter().zip(&columns) {
            let sigma = case
                .analysis
                .uncertainty
                .as_ref()
                .and_then(|u| u.sigma_of(c[k].key));
            let _ = write!(
                out,
                "<td class=\"num\">{}</td>",
                xml(&present::with_sigma(c[k].measure, c[k].value, sigma, unit))
            );
        }
        out.push_str("</tr>\n");
    }
    for kind in Loop::REVERSE {
        let _ = write!(
            out,
            "<tr><td class=\"name\">{} loop<div class=\"meaning\">Material going round the {} loop each period.</div></td>",
            kind.name(),
            kind.name()
        );
        for c in &columns {
            let v = present::value(Measure::Amount, c.analysis.indicators.loops.get(kind), unit);
            let _ = write!(out, "<td class=\"num\">{}</td>", xml(&v));
        }
        out.push_str("</tr>\n");
    }
    for (k, f) in columns[0].security.iter().enumerate() {
        let _ = write!(
            out,
            "<tr><td class=\"name\">{}<div class=\"meaning\">{}</div></td>",
            xml(&f.name),
            xml(f.meaning)
        );
        for c in &columns {
            let v = c.security.get(k).and_then(|g| g.value);
            let _ = write!(
                out,
                "<td class=\"num\">{}</td>",
                xml(&present::value(f.measure, v, unit))
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

fn supply_section(out: &mut String, doc: &Document, analysis: &Analysis, which: &str) {
    let supply = &analysis.concentration;
    let _ = writeln!(
        out,
        "<h2>Supply concentration by stage</h2><p class=\"small\">{}. HHI: sum of squared country shares (in %), 0–10,000; above 2,500 highly concentrated, 1,500–2,500 moderately (US DoJ/FTC).</p>",
        xml(which)
    );
    if supply.stages.is_empty() {
        let _ = writeln!(out, "<p>No node has a stage and a country.</p>");
        return;
    }
    out.push_str("<table><tr><th>Stage</th><th class=\"num\">HHI</th><th>Band</th><th>Countries</th><th class=\"num\">Coverage</th></tr>\n");
    for s in &supply.stages {
        let (class, band) = match s.hhi.map(Band::of) {
            Some(Band::High) => ("band-high", "high"),
            Some(Band::Moderate) => ("band-moderate", "moderate"),
            Some(Band::Unconcentrated) => ("band-low", "unconcentrated"),
            None => ("", "—"),
        };
        let shares: Vec<String> = s
            .shares
            .iter()
            .take(5)
            .map(|(c, v)| {
                format!(
                    "<span class=\"swatch\" style=\"background:{}\"></span>{} {}",
                    super::svg::country_hex(c),
                    xml(&country::describe(c)),
                    present::whole_percent(*v)
                )
            })
            .collect();
        let bottleneck = if supply.is_bottleneck(&s.stage) {
            " <b>(bottleneck)</b>"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<tr><td>{}{bottleneck}</td><td class=\"num\">{}</td><td class=\"{class}\">{band}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            xml(&s.stage),
            s.hhi.map_or("—".into(), |h| format!("{h:.0}")),
            shares.join("<br>"),
            s.coverage
                .map_or(present::UNKNOWN.into(), present::whole_percent)
        );
    }
    out.push_str("</table>\n");
    if let Some(text) = supply.bottleneck_text() {
        let _ = writeln!(
            out,
            "<p><b>{}:</b> {}</p>",
            supply.bottleneck_heading(),
            xml(&text)
        );
    }
    if let Some(p) = analysis.provenance(doc) {
        // With the map's ranges (± σ) when its figures are uncertain.
        let ranged = |figure: Figure, value: f64| {
            let sigma = analysis.uncertainty.as_ref().and_then(|u| u.sigma(&figure));
            match sigma {
                Some(_) => present::with_sigma(Measure::Rate, Some(value), sigma, ""),
                None => present::percent(value),
            }
        };
        let certified = p
            .certified_share
            .map_or("—".into(), |v| ranged(Figure::Certified, v));
        let _ = writeln!(
            out,
            "<p>Certified or secondary share of what enters products in use: <b>{certified}</b>.</p>"
        );
        if let Some(home) = &doc.meta.home_country {
            let parts: Vec<String> = p
                .domestic_share
                .iter()
                .map(|(s, v)| format!("{} {}", xml(s), ranged(Figure::Domestic(s.clone()), *v)))
                .collect();
            let _ = writeln!(
                out,
                "<p>Passed each stage in {} or came back as secondary material: {}.</p>",
                xml(&country::describe(home)),
                parts.join(" · ")
            );
        }
    }
}

/// The map's targets (indicators.md §11) on the map shown, with the year each is met and
/// its source; each scenario's values; the governance figures per stage and the scores
/// they use.
fn targets_section(
    out: &mut String,
    doc: &Document,
    shown: &Document,
    analysis: &Analysis,
    which: &str,
) {
    use super::targets as cells;
    let report = analysis::targets::evaluate_analysed(shown, analysis, &doc.targets);
    let _ = writeln!(
        out,
        "<h2>Targets and governance</h2><p class=\"small\">{}. Shares of demand (what enters \
         products in use). The year met is the first year of the roadmap whose recycling \
         share reaches the target.</p>",
        xml(which)
    );
    if report.rows.is_empty() {
        let _ = writeln!(
            out,
            "<p>No targets in the map (<code>loopmap targets FILE --set uk-2035</code> \
             compares it with the UK 2035 or the EU 2030 set).</p>"
        );
    } else {
        out.push_str("<table><tr><th>Target</th><th class=\"num\">Due</th><th class=\"num\">Threshold</th><th class=\"num\">Today</th><th>Met</th><th class=\"num\">Gap</th><th class=\"num\">Year met</th></tr>\n");
        for r in &report.rows {
            let source = if r.target.source.is_empty() {
                String::new()
            } else {
                format!("<div class=\"meaning\">{}</div>", xml(&r.target.source))
            };
            let _ = writeln!(
                out,
                "<tr><td>{}{source}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                xml(&r.target.name),
                r.target.year.map_or(String::new(), |y| y.to_string()),
                xml(&cells::threshold(r.target.bound)),
                xml(&cells::today(r)),
                cells::met(r),
                xml(&cells::gap(r)),
                xml(&cells::year_met(r, &report)),
            );
        }
        out.push_str("</table>\n");
        scenario_targets(out, doc);
    }
    out.push_str("<h3>Governance-weighted concentration by stage</h3>");
    out.push_str("<table><tr><th>Stage</th><th class=\"num\">Domestic</th><th class=\"num\">Largest foreign</th><th class=\"num\">WGI-HHI (0–10)</th><th class=\"num\">GeoPolRisk (0–1)</th></tr>\n");
    for s in &report.stages {
        let top = match &s.top_foreign.country {
            Some(c) => format!(
                "{} {}",
                country::describe(c),
                cells::share(s.top_foreign.share)
            ),
            None => present::UNKNOWN.into(),
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            xml(&s.stage),
            cells::share_or_dash(s.domestic_share),
            xml(&top),
            s.wgi_hhi
                .map_or(present::UNKNOWN.into(), |w| format!("{w:.2}")),
            s.geopolrisk
                .map_or(present::UNKNOWN.into(), |g| format!("{g:.3}")),
        );
    }
    out.push_str("</table>\n");
    let _ = writeln!(
        out,
        "<p>Recycling share: <b>{}</b> · supply risk: <b>{}</b> (the worst stage's WGI-HHI × \
         (1 − EOL-RIR) × substitution index {}).</p>",
        cells::share_or_dash(report.recycling_share),
        report
            .supply_risk
            .map_or(present::UNKNOWN.into(), |s| format!("{s:.2}")),
        doc.meta.substitution_index()
    );
    governance_scores(out, shown, analysis);
}

/// Each scenario's value of each target: value, met, year met.
fn scenario_targets(out: &mut String, doc: &Document) {
    if doc.scenarios.is_empty() {
        return;
    }
    use super::targets as cells;
    let cases = analysis::targets::evaluate_cases(doc, &doc.targets);
    out.push_str("<table><tr><th>Target</th>");
    for (name, _) in &cases {
        let _ = write!(out, "<th class=\"num\">{}</th>", xml(name));
    }
    out.push_str("</tr>\n");
    for (k, t) in doc.targets.iter().enumerate() {
        let _ = write!(out, "<tr><td>{}</td>", xml(&t.name));
        for (_, report) in &cases {
            let cell = report.rows.get(k).map_or(String::new(), |r| {
                let year = cells::year_met(r, report);
                let year = if year.is_empty() {
                    year
                } else {
                    format!("<br>met {year}")
                };
                format!("{} ({}){year}", xml(&cells::today(r)), cells::met(r))
            });
            let _ = write!(out, "<td class=\"num\">{cell}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

/// The governance score of each country of the map's stages, with where it comes from.
fn governance_scores(out: &mut String, doc: &Document, analysis: &Analysis) {
    use analysis::governance::{ATTRIBUTION, Scores};
    let scores = Scores::of(doc);
    let mut countries: Vec<&str> = analysis
        .concentration
        .stages
        .iter()
        .flat_map(|s| s.shares.iter().map(|(c, _)| c.as_str()))
        .collect();
    countries.sort_unstable();
    countries.dedup();
    if countries.is_empty() {
        return;
    }
    let parts: Vec<String> = countries
        .iter()
        .map(|c| match scores.get(c) {
            Some((w, source)) => {
                let own = match source {
                    analysis::governance::ScoreSource::Wgi => "",
                    analysis::governance::ScoreSource::Map => " (the map's own)",
                    analysis::governance::ScoreSource::EuMean => " (mean of the member states)",
                };
                format!("{} {w:.2}{own}", xml(c))
            }
            None => format!("{} no score", xml(c)),
        })
        .collect();
    let _ = writeln!(
        out,
        "<p class=\"small\">Governance scores, 0 sound to 10 poor: {}. Source: {ATTRIBUTION} \
         (www.govindicators.org, CC BY 4.0), political stability and absence of violence, \
         2024 estimate PV, scored 2 × (2.5 − PV) within 0–10.</p>",
        parts.join(" · ")
    );
}

fn pains_section(out: &mut String, doc: &Document) {
    let _ = writeln!(out, "<h2>Pain points</h2>");
    if doc.pain_points.is_empty() {
        let _ = writeln!(out, "<p>None recorded.</p>");
        return;
    }
    let ranked = pains::ranked(doc);
    // Numbered by their pins, as on the map, whatever their rank.
    let numbers = doc.pin_numbers();
    for c in Category::ALL {
        let in_category: Vec<usize> = ranked
            .iter()
            .copied()
            .filter(|&i| doc.pain_points[i].category() == c)
            .collect();
        if in_category.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<h3><span class=\"swatch\" style=\"background:{}\"></span>{} ({})</h3><ol>",
            crate::colours::category_colour(c).hex(),
            c.name(),
            in_category.len()
        );
        for i in in_category {
            let p = &doc.pain_points[i];
            let by = if p.raised_by.is_empty() {
                String::new()
            } else {
                format!(", raised by {}", xml(&p.raised_by))
            };
            let notes = if p.notes.is_empty() {
                String::new()
            } else {
                format!("<br><span class=\"small\">{}</span>", xml(&p.notes))
            };
            let _ = writeln!(
                out,
                "<li value=\"{}\"><b>{}</b> — {} vote{}, {}, {}; on {}{by}{notes}</li>",
                numbers[i],
                xml(&p.title),
                p.votes(),
                if p.votes() == 1 { "" } else { "s" },
                crate::present::severity(p.severity),
                p.status().name(),
                xml(&p.on.describe(doc))
            );
        }
        out.push_str("</ol>\n");
    }
}
