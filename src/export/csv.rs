//! The numbers for a spreadsheet: one CSV each for flows, nodes, indicators (baseline and
//! every scenario side by side), pain points and the roadmap's years. Header row, plain numbers, UTF-8. A text
//! cell a spreadsheet would take for a formula is neutralised (OWASP, "CSV Injection").

use super::ExportError;
use crate::analysis::{self, Analysis, supply};
use crate::model::{Document, FlowValue, NodeKind, StockChange, pains};

fn writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<String, ExportError> {
    let bytes = w
        .into_inner()
        .map_err(|e| ExportError::Csv(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ExportError::Csv(e.to_string()))
}

fn row<I, T>(w: &mut csv::Writer<Vec<u8>>, fields: I) -> Result<(), ExportError>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    w.write_record(
        fields
            .into_iter()
            .map(|f| neutralised(f.as_ref()).into_owned()),
    )
    .map_err(|e| ExportError::Csv(e.to_string()))
}

/// A cell that starts like a formula (`=`, `+`, `-`, `@`, tab or carriage return) and is
/// not a number gets a leading `'`, so a spreadsheet shows it as text instead of running
/// it (`=HYPERLINK(…)`, `@SUM(…)`). Numbers such as `-2.5` are left as they are.
fn neutralised(cell: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let formula_like = matches!(
        cell.first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    let number = std::str::from_utf8(cell).is_ok_and(|t| t.parse::<f64>().is_ok());
    if formula_like && !number {
        let mut out = Vec::with_capacity(cell.len() + 1);
        out.push(b'\'');
        out.extend_from_slice(cell);
        out.into()
    } else {
        cell.into()
    }
}

/// A number as a spreadsheet reads it; empty when unknown.
fn number(v: Option<f64>) -> String {
    v.map_or(String::new(), |v| format!("{v}"))
}

/// id, from, to, loop, mode, given value, solved amount; and from reconciliation
/// (indicators.md §10): the given value's uncertainty, the σ of the solved amount, the
/// given value reconciled with its normalised residual, and the flow's estimates.
pub fn flows(doc: &Document, analysis: &Analysis) -> Result<String, ExportError> {
    let mut w = writer();
    row(
        &mut w,
        [
            "id",
            "from",
            "to",
            "loop",
            "mode",
            "given_value",
            "solved_amount",
            "uncertainty",
            "sigma",
            "reconciled_value",
            "residual",
            "estimates",
        ],
    )?;
    let u = analysis.uncertainty.as_ref();
    for (f, (flow, solved)) in doc.flows.iter().zip(&analysis.solution.flows).enumerate() {
        let (mode, given) = match flow.value {
            FlowValue::Amount(a) => ("amount", Some(a)),
            FlowValue::Share(s) => ("share", Some(s)),
            FlowValue::Auto => ("auto", None),
        };
        use analysis::reconcile::What;
        let of_flow: Vec<&analysis::uncertainty::Measured> = u
            .into_iter()
            .flat_map(|u| &u.measurements)
            .filter(|m| m.measurement.flow == f)
            .collect();
        let own = of_flow
            .iter()
            .find(|m| matches!(m.measurement.what, What::Amount | What::Share));
        let estimates: Vec<String> = of_flow
            .iter()
            .filter(|m| matches!(m.measurement.what, What::Estimate(_)))
            .map(|m| {
                let source = match m.measurement.what {
                    What::Estimate(k) => flow
                        .estimates
                        .get(k)
                        .map(analysis::diagnostics::estimate_source)
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                format!(
                    "{} ± {} ({source}) -> {}, residual {}",
                    m.measurement.entered,
                    m.measurement.sigma,
                    m.reconciled,
                    number(m.residual)
                )
            })
            .collect();
        row(
            &mut w,
            [
                flow.id.as_str(),
                &flow.from,
                &flow.to,
                flow.loop_kind.name(),
                mode,
                &number(given),
                &number(*solved),
                &number(flow.uncertainty),
                &number(u.and_then(|u| u.flow_sigma[f])),
                &number(own.map(|m| m.reconciled)),
                &number(own.and_then(|m| m.residual)),
                &estimates.join("; "),
            ],
        )?;
    }
    finish(w)
}

/// id, label, kind, stage, country, throughput, balance residual (inflow − outflow −
/// stock change, for nodes that must balance).
pub fn nodes(doc: &Document, analysis: &Analysis) -> Result<String, ExportError> {
    let amounts = &analysis.solution.flows;
    let throughput = supply::throughputs(doc, amounts);
    let mut inflow = vec![Some(0.0); doc.nodes.len()];
    let mut outflow = vec![Some(0.0); doc.nodes.len()];
    let index = doc.node_index();
    for (flow, a) in doc.flows.iter().zip(amounts) {
        for (sums, end) in [(&mut outflow, &flow.from), (&mut inflow, &flow.to)] {
            if let Some(&n) = index.get(end.as_str()) {
                sums[n] = sums[n].zip(*a).map(|(s, a)| s + a);
            }
        }
    }
    let mut w = writer();
    row(
        &mut w,
        [
            "id",
            "label",
            "kind",
            "stage",
            "country",
            "throughput",
            "balance_residual",
        ],
    )?;
    for (n, node) in doc.nodes.iter().enumerate() {
        let country = node
            .country_shares()
            .iter()
            .map(|(c, s)| {
                if node.countries.is_some() {
                    format!("{c} {s}")
                } else {
                    c.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        let residual = if node.kind.is_balanced() {
            let stock = match node.kind {
                NodeKind::Use => match node.stock_change() {
                    StockChange::Fixed(s) => Some(s),
                    StockChange::Auto | StockChange::Dynamic => {
                        analysis.solution.stock_change.get(n).copied().flatten()
                    }
                },
                _ => Some(0.0),
            };
            inflow[n]
                .zip(outflow[n])
                .zip(stock)
                .map(|((i, o), s)| i - o - s)
        } else {
            None
        };
        row(
            &mut w,
            [
                node.id.as_str(),
                &node.label,
                node.kind.name(),
                node.stage.as_deref().unwrap_or(""),
                &country,
                &number(throughput[n]),
                &number(residual),
            ],
        )?;
    }
    finish(w)
}

/// Every indicator (rows) for the baseline and each scenario (columns).
pub fn indicators(doc: &Document) -> Result<String, ExportError> {
    let mut columns = vec![("baseline".to_string(), analysis::analyse(doc))];
    for s in &doc.scenarios {
        columns.push((s.name.clone(), analysis::analyse_scenario(doc, s)));
    }
    let mut w = writer();
    let mut header = vec!["indicator".to_string(), "name".to_string()];
    header.extend(columns.iter().map(|(name, _)| name.clone()));
    row(&mut w, &header)?;
    let described: Vec<Vec<analysis::indicators::Described>> = columns
        .iter()
        .map(|(_, a)| a.indicators.described())
        .collect();
    for (k, d) in described[0].iter().enumerate() {
        let mut fields = vec![d.key.to_string(), d.name.to_string()];
        fields.extend(described.iter().map(|c| number(c[k].value)));
        row(&mut w, &fields)?;
    }
    for kind in crate::model::Loop::REVERSE {
        let mut fields = vec![
            format!("loops.{}", kind.name()),
            format!("{} loop amount", kind.name()),
        ];
        fields.extend(
            columns
                .iter()
                .map(|(_, a)| number(a.indicators.loops.get(kind))),
        );
        row(&mut w, &fields)?;
    }
    finish(w)
}

/// Every pain point with all its fields, most votes first.
pub fn pain_points(doc: &Document) -> Result<String, ExportError> {
    let mut w = writer();
    row(
        &mut w,
        [
            "number",
            "id",
            "title",
            "category",
            "severity",
            "votes",
            "on",
            "raised_by",
            "status",
            "notes",
        ],
    )?;
    let numbers = doc.pin_numbers();
    for i in pains::ranked(doc) {
        let p = &doc.pain_points[i];
        row(
            &mut w,
            [
                numbers[i].to_string(),
                p.id.clone(),
                p.title.clone(),
                p.category().name().to_string(),
                p.severity().to_string(),
                p.votes().to_string(),
                p.on.describe(doc),
                p.raised_by.clone(),
                p.status().name().to_string(),
                p.notes.clone(),
            ],
        )?;
    }
    finish(w)
}

/// The roadmap, a row a year: the totals of indicators.md §9, then each use node's
/// inflow, stock, outflow (`<id>_inflow`, …). Shares are fractions; empty when unknown.
pub fn roadmap(r: &analysis::roadmap::Roadmap) -> Result<String, ExportError> {
    let mut w = writer();
    let mut header: Vec<String> = [
        "year",
        "demand",
        "stock",
        "eol",
        "returned_reuse",
        "returned_remanufacture",
        "returned_recycle",
        "eol_ceiling",
        "secondary_share",
    ]
    .map(String::from)
    .to_vec();
    for u in &r.uses {
        for what in ["inflow", "stock", "outflow"] {
            header.push(format!("{}_{what}", u.id));
        }
    }
    row(&mut w, &header)?;
    for i in 0..r.years.len() {
        let mut cells = vec![
            r.years[i].to_string(),
            number(Some(r.demand[i])),
            number(Some(r.stock[i])),
            number(Some(r.eol[i])),
            number(Some(r.returned.reuse[i])),
            number(Some(r.returned.remanufacture[i])),
            number(Some(r.returned.recycle[i])),
            number(r.eol_ceiling[i]),
            number(r.secondary_share[i]),
        ];
        for u in &r.uses {
            cells.push(number(Some(u.inflow[i])));
            cells.push(number(Some(u.stock[i])));
            cells.push(number(Some(u.outflow[i])));
        }
        row(&mut w, &cells)?;
    }
    finish(w)
}

/// The map's targets on the baseline and every scenario (indicators.md §11): one row per
/// target and case, with the value, met, the gap in points and the year met.
pub fn targets(doc: &Document) -> Result<String, ExportError> {
    use crate::model::targets::Stages;
    let mut w = writer();
    row(
        &mut w,
        [
            "scenario",
            "target",
            "measure",
            "stages",
            "mode",
            "bound",
            "threshold",
            "year",
            "home",
            "source",
            "value",
            "met",
            "gap_points",
            "year_met",
        ],
    )?;
    for (case, report) in analysis::targets::evaluate_cases(doc, &doc.targets) {
        for r in &report.rows {
            let t = &r.target;
            let stages = match t.stages() {
                Stages::All => "all".to_string(),
                Stages::List(list) => list.join(";"),
            };
            let home = t.home.clone().or(report.home.clone()).unwrap_or_default();
            row(
                &mut w,
                [
                    case.clone(),
                    t.name.clone(),
                    t.measure.name().to_string(),
                    stages,
                    format!("{:?}", t.mode()).to_lowercase(),
                    t.bound.key().to_string(),
                    number(Some(t.bound.value())),
                    t.year.map_or(String::new(), |y| y.to_string()),
                    home,
                    t.source.clone(),
                    number(r.value),
                    r.met.map_or(String::new(), |m| m.to_string()),
                    number(r.gap_points()),
                    r.year_met.map_or(String::new(), |y| y.to_string()),
                ],
            )?;
        }
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::neutralised;

    #[test]
    fn formulas_are_neutralised_and_numbers_are_not() {
        for (cell, expected) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("+cmd", "'+cmd"),
            ("-x", "'-x"),
            ("\tindent", "'\tindent"),
            ("\rline", "'\rline"),
            ("-2.5", "-2.5"),
            ("+3", "+3"),
            ("1e-3", "1e-3"),
            ("Mine", "Mine"),
            ("", ""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(
                neutralised(cell.as_bytes()).as_ref(),
                expected.as_bytes(),
                "{cell:?}"
            );
        }
    }
}
