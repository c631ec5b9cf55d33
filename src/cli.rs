//! The headless commands (`check`, `indicators`, `compare`, `roadmap`, `targets`, `fmt`,
//! `export`) over the same core as the editor.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::analysis::{self, Analysis, Severity, Subject};
use crate::export;
use crate::io;
use crate::layout;
use crate::model::{Document, StockChange, apply_scenario, pains};
use crate::present::{self, Measure};

// Everything the commands print goes through these two macros, which shadow the standard
// ones in this module: no raw control character reaches the terminal (a value holding ESC,
// BEL or CR could fake lines or drive it; see `terminal_safe`), and a closed pipe
// (`loopmap check map.json | head -1`) ends the command quietly instead of a panic.
macro_rules! println {
    () => {
        print_out(String::from("\n"))
    };
    ($($arg:tt)*) => {
        print_out(format!("{}\n", format_args!($($arg)*)))
    };
}

macro_rules! print {
    ($($arg:tt)*) => {
        print_out(format!($($arg)*))
    };
}

macro_rules! eprintln {
    ($($arg:tt)*) => {
        print_err(format!("{}\n", format_args!($($arg)*)))
    };
}

/// Circular-economy value-stream mapping of material supply chains.
///
/// With no command, or with just a FILE, the editor opens.
#[derive(Debug, Parser)]
#[command(name = "loopmap", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A map file (*.loopmap.json) to open in the editor.
    pub file: Option<PathBuf>,
    /// Open the editor with participation on: phones in the room join through the link
    /// printed as one line on standard output.
    #[arg(long)]
    pub participate: bool,
    /// With --participate: the address to serve on (default: this computer's first
    /// network address; 127.0.0.1 for this computer only).
    #[arg(long, value_name = "ADDR", requires = "participate")]
    pub bind: Option<std::net::IpAddr>,
    /// With --participate: the port (0 for any free one).
    #[arg(long, value_name = "N", requires = "participate")]
    pub port: Option<u16>,
}

impl Cli {
    /// Where to serve participants, with --participate.
    pub fn participation(&self) -> Option<crate::live::Bind> {
        self.participate.then(|| crate::live::Bind {
            ip: self.bind.unwrap_or_else(crate::live::net::default_address),
            port: self.port.unwrap_or(crate::live::DEFAULT_PORT),
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load a map and list what is odd about it (exit 0 if it loads, 2 if it is refused).
    Check {
        /// The map file.
        file: PathBuf,
    },
    /// Solve a map's flows and print its circularity and supply indicators.
    Indicators {
        /// The map file.
        file: PathBuf,
        /// Apply this scenario of the map over the baseline first.
        #[arg(long, value_name = "NAME")]
        scenario: Option<String>,
        /// Print JSON (the format of indicators.md §8) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Project the map over the years (a dynamic stock model of each use node): demand,
    /// stock, end-of-life discards, what the loops return and the ceiling on recycled
    /// content.
    Roadmap {
        /// The map file.
        file: PathBuf,
        /// Apply this scenario of the map over the baseline first.
        #[arg(long, value_name = "NAME")]
        scenario: Option<String>,
        /// Print JSON (the format of indicators.md §9) instead of a table every 5 years.
        #[arg(long)]
        json: bool,
    },
    /// Compare the map with supply-security targets (its own rows and built-in sets): the
    /// share of demand made at home, from the largest foreign supplier and recycled; the
    /// governance-weighted supply risk.
    Targets {
        /// The map file.
        file: PathBuf,
        /// Apply this scenario of the map over the baseline first.
        #[arg(long, value_name = "NAME")]
        scenario: Option<String>,
        /// Add a built-in set of targets (may be given twice).
        #[arg(long = "set", value_name = "SET",
              value_parser = clap::builder::PossibleValuesParser::new(analysis::targets::SETS))]
        sets: Vec<String>,
        /// Print JSON (the format of indicators.md §11) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print every indicator for the baseline and each scenario, side by side.
    Compare {
        /// The map file.
        file: PathBuf,
        /// Print JSON: { "baseline": {...}, "scenarios": { name: {...} } } with the
        /// `indicators` object of indicators.md §8 in each.
        #[arg(long)]
        json: bool,
    },
    /// Export the map: a picture (SVG, or PNG for slides), CSV tables, or an HTML report.
    #[command(group(clap::ArgGroup::new("output").required(true).args(["svg", "png", "csv", "html"])))]
    Export {
        /// The map file.
        file: PathBuf,
        /// Write the map as SVG to this file.
        #[arg(long, value_name = "OUT")]
        svg: Option<PathBuf>,
        /// Write the map as PNG to this file.
        #[arg(long, value_name = "OUT")]
        png: Option<PathBuf>,
        /// Pixels per map unit for --png (2 for sharp slides).
        #[arg(long, value_name = "N", default_value_t = 2.0, requires = "png")]
        scale: f32,
        /// Write flows.csv, nodes.csv, indicators.csv and pain_points.csv into this folder.
        #[arg(long, value_name = "DIR")]
        csv: Option<PathBuf>,
        /// Write a self-contained HTML report to this file.
        #[arg(long, value_name = "OUT")]
        html: Option<PathBuf>,
        /// Show this scenario of the map instead of the baseline.
        #[arg(long, value_name = "NAME")]
        scenario: Option<String>,
        /// In the picture, draw each uncertain flow with its range (a lighter band of ± σ)
        /// and the σ in its label.
        #[arg(long)]
        ranges: bool,
        /// In the picture, end each residue into a waste or export node that many stages
        /// share in a short stub beside its stage, labelled with the sink's name.
        #[arg(long)]
        stubs: bool,
    },
    /// Lay a map out as a layered Sankey (value-chain stages as columns, few crossings,
    /// loops nested under the chain) and write it in canonical form.
    Arrange {
        /// The map file.
        file: PathBuf,
        /// Write the arranged map here instead of over FILE.
        #[arg(short, long, value_name = "OUT")]
        output: Option<PathBuf>,
        /// Keep each column's top-to-bottom order (for a map arranged before).
        #[arg(long)]
        keep_order: bool,
        /// Space rows (or columns) to the shape of the screen the map is shown on, as
        /// width:height ("16:9") or a ratio ("2.67"); the editor's Arrange uses its
        /// canvas's.
        #[arg(long, value_name = "W:H", value_parser = aspect)]
        aspect: Option<f64>,
        /// Print how readable the result is: crossing flows, flows through nodes,
        /// overlapping and missing flow labels.
        #[arg(long)]
        report: bool,
    },
    /// Reconcile a map's uncertain figures (as STAN does): each measurement entered,
    /// reconciled with its σ and its normalised residual, and the test whether the data
    /// fit together.
    Reconcile {
        /// The map file.
        file: PathBuf,
        /// Apply this scenario of the map over the baseline first.
        #[arg(long, value_name = "NAME")]
        scenario: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Add Monte Carlo intervals (5–95 %) of every indicator from N draws (fixed seed).
        #[arg(long, value_name = "N")]
        samples: Option<usize>,
    },
    /// Rewrite maps in canonical form, so that git diffs show only real changes.
    Fmt {
        /// The map files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Change nothing; exit 1 if a file is not in canonical form.
        #[arg(long)]
        check: bool,
    },
}

/// Exit code for a file that cannot be used.
const REFUSED: u8 = 2;

/// Runs a headless command; `None` means the editor should open instead.
pub fn run(command: Command) -> ExitCode {
    match command {
        Command::Check { file } => check(&file),
        Command::Indicators {
            file,
            scenario,
            json,
        } => indicators(&file, scenario.as_deref(), json),
        Command::Reconcile {
            file,
            scenario,
            json,
            samples,
        } => reconcile(&file, scenario.as_deref(), json, samples),
        Command::Fmt { files, check } => fmt(&files, check),
        Command::Arrange {
            file,
            output,
            keep_order,
            aspect,
            report,
        } => arrange(
            &file,
            output.as_deref(),
            layout::Options { keep_order, aspect },
            report,
        ),
        Command::Compare { file, json } => compare(&file, json),
        Command::Roadmap {
            file,
            scenario,
            json,
        } => roadmap(&file, scenario.as_deref(), json),
        Command::Targets {
            file,
            scenario,
            sets,
            json,
        } => targets(&file, scenario.as_deref(), &sets, json),
        Command::Export {
            file,
            svg,
            png,
            scale,
            csv,
            html,
            scenario,
            ranges,
            stubs,
        } => export(
            &file,
            Outputs {
                svg,
                png,
                scale,
                csv,
                html,
            },
            scenario.as_deref(),
            export::Picture { ranges, stubs },
        ),
    }
}

fn compare(file: &Path, json: bool) -> ExitCode {
    let doc = match io::load(file) {
        Ok(doc) => doc,
        Err(e) => return refuse(file, e),
    };
    let columns = analysis::compare::cases(&doc);
    if json {
        let scenarios: serde_json::Map<String, serde_json::Value> = columns[1..]
            .iter()
            .map(|c| (c.name.clone(), serde_json::json!(c.analysis.indicators)))
            .collect();
        let out = serde_json::json!({
            "baseline": columns[0].analysis.indicators,
            "scenarios": scenarios,
        });
        let out = present::plain_zeros(out);
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    let unit = doc.meta.unit();
    let width = 24;
    let mut header = format!("  {:<40}", "");
    for c in &columns {
        let name: String = one_line(&c.name).chars().take(width - 2).collect();
        header.push_str(&format!("{name:>width$}"));
    }
    println!("{}", header.trim_end());
    let described: Vec<_> = columns
        .iter()
        .map(|c| c.analysis.indicators.described())
        .collect();
    for (k, d) in described[0].iter().enumerate() {
        let mut line = format!("  {:<40}", d.name);
        for c in &described {
            line.push_str(&format!(
                "{:>width$}",
                present::value(c[k].measure, c[k].value, unit)
            ));
        }
        println!("{line}");
    }
    for kind in crate::model::Loop::REVERSE {
        let mut line = format!("  {:<40}", format!("{} loop", kind.name()));
        for c in &columns {
            let v = present::value(Measure::Amount, c.analysis.indicators.loops.get(kind), unit);
            line.push_str(&format!("{v:>width$}"));
        }
        println!("{line}");
    }
    for (k, f) in columns[0].security.iter().enumerate() {
        let mut line = format!("  {:<40}", f.name);
        for c in &columns {
            let v = c.security.get(k).and_then(|g| g.value);
            line.push_str(&format!("{:>width$}", present::value(f.measure, v, unit)));
        }
        println!("{line}");
    }
    for c in &columns[1..] {
        if !c.analysis.solution.status.is_solved() {
            println!(
                "scenario '{}': solver {}",
                one_line(&c.name),
                c.analysis.solution.status.name()
            );
        }
    }
    ExitCode::SUCCESS
}

/// Exit code for an export that could not be written.
const FAILED: u8 = 1;

/// Where `loopmap export` writes (one of them is given).
struct Outputs {
    svg: Option<PathBuf>,
    png: Option<PathBuf>,
    scale: f32,
    csv: Option<PathBuf>,
    html: Option<PathBuf>,
}

fn export(
    file: &Path,
    outputs: Outputs,
    scenario: Option<&str>,
    picture: export::Picture,
) -> ExitCode {
    let Outputs {
        svg,
        png,
        scale,
        csv,
        html,
    } = outputs;
    let doc = match io::load(file) {
        Ok(doc) => doc,
        Err(e) => return refuse(file, e),
    };
    let result = if let Some(out) = &svg {
        export::write_svg(&doc, scenario, picture, out).map(|()| vec![out.clone()])
    } else if let Some(out) = &png {
        export::write_png(&doc, scenario, scale, picture, out).map(|()| vec![out.clone()])
    } else if let Some(dir) = &csv {
        export::write_csv(&doc, scenario, dir)
    } else if let Some(out) = &html {
        export::write_html(&doc, scenario, out).map(|()| vec![out.clone()])
    } else {
        Ok(Vec::new())
    };
    match result {
        Ok(written) => {
            for path in written {
                println!("wrote {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e @ export::ExportError::NoScenario(_)) => refuse(file, e),
        Err(e) => {
            eprintln!("loopmap: {}: {e}", file.display());
            ExitCode::from(FAILED)
        }
    }
}

/// The part of a 1280x720 window workshop mode fits the map into: less the indicator
/// strip above and the legends below.
const WORKSHOP_MAP_AREA: (f64, f64) = (1280.0, 480.0);

/// A screen's shape, "16:9" or "1.78": its width over its height.
fn aspect(text: &str) -> Result<f64, String> {
    let ratio = match text.split_once(':') {
        Some((w, h)) => {
            let number = |s: &str| s.trim().parse::<f64>().map_err(|e| format!("{s:?}: {e}"));
            number(w)? / number(h)?
        }
        None => text.trim().parse::<f64>().map_err(|e| e.to_string())?,
    };
    if ratio.is_finite() && ratio > 0.0 {
        Ok(ratio)
    } else {
        Err(format!(
            "{text:?} is not a width:height of positive numbers"
        ))
    }
}

fn arrange(file: &Path, output: Option<&Path>, options: layout::Options, report: bool) -> ExitCode {
    let mut doc = match io::load(file) {
        Ok(doc) => doc,
        Err(e) => return refuse(file, e),
    };
    let amounts = analysis::analyse(&doc).solution.flows;
    layout::arrange_in_place(&mut doc, &amounts, options);
    let out = output.unwrap_or(file);
    if let Err(e) = io::save(&doc, out) {
        eprintln!("loopmap: {}: {e}", out.display());
        return ExitCode::from(FAILED);
    }
    println!("arranged {}", out.display());
    if report {
        let quality = |drawing| {
            let shapes = layout::shapes(&doc, &amounts, drawing);
            (layout::quality::measure(&doc, &shapes), shapes)
        };
        let (q, _) = quality(layout::Drawing::SANKEY);
        println!(
            "crossing flow pairs {}, flows through nodes {}, overlapping labels {}, flows labelled only in the tooltip {}",
            q.crossings, q.through_nodes, q.overlapping_labels, q.unlabelled
        );
        // Workshop mode draws the residues into shared sinks as stubs.
        let workshop = layout::Drawing {
            stubs: true,
            ..layout::Drawing::SANKEY
        };
        let (q, shapes) = quality(workshop);
        let stubs = shapes.flows.iter().filter(|s| s.stub.is_some()).count();
        println!(
            "in workshop mode ({stubs} residues as stubs): crossing flow pairs {}, flows through nodes {}, overlapping labels {}",
            q.crossings, q.through_nodes, q.overlapping_labels
        );
        let texts = layout::labels::flow_texts(&doc, &shapes.flows, &amounts, |_| None);
        let (w, h) = WORKSHOP_MAP_AREA;
        let (_, placed, wanted) =
            layout::labels::placed_at_fit(&shapes, &texts, &amounts, [w, h], (16.0, 14.0));
        println!(
            "amounts that matter (at least 2 % of the largest) placed at 14 px or more at fit in workshop mode on 1280x720 ({w:.0}x{h:.0} px of map): {placed} of {wanted}"
        );
    }
    ExitCode::SUCCESS
}

fn refuse(file: &Path, reason: impl std::fmt::Display) -> ExitCode {
    eprintln!("loopmap: {}: {reason}", file.display());
    ExitCode::from(REFUSED)
}

fn check(file: &Path) -> ExitCode {
    let doc = match io::load(file) {
        Ok(doc) => doc,
        Err(e) => return refuse(file, e),
    };
    let analysis = analysis::analyse(&doc);
    println!(
        "{}: {} nodes, {} flows, {} pain points, {} scenarios",
        file.display(),
        doc.nodes.len(),
        doc.flows.len(),
        doc.pain_points.len(),
        doc.scenarios.len()
    );
    println!("solver: {}", analysis.solution.status.name());
    for m in &analysis.messages {
        println!("  {m}");
    }
    if let Some(u) = &analysis.uncertainty {
        println!("reconciliation: {}", u.verdict(&doc));
    }
    let mut diagnostics = analysis.diagnostics.clone();
    for s in &doc.scenarios {
        let (changed, issues) = apply_scenario(&doc, s);
        let status = analysis::analyse(&changed).solution.status;
        println!("scenario '{}': solver {}", one_line(&s.name), status.name());
        for issue in issues {
            println!("  {issue}");
        }
    }
    diagnostics.sort_by_key(|d| d.severity);
    if diagnostics.is_empty() {
        println!("no diagnostics");
    }
    for d in &diagnostics {
        println!("{d}");
        if let Some(fix) = &d.fix {
            println!(
                "  fix: set `{}` to {} ({})",
                fix.field, fix.value, fix.action
            );
        }
    }
    let count = |severity: Severity, word: &str| {
        let n = diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count();
        format!("{n} {word}{}", if n == 1 { "" } else { "s" })
    };
    println!(
        "{}, {}, {}",
        count(Severity::Error, "error"),
        count(Severity::Warning, "warning"),
        count(Severity::Info, "note")
    );
    print_pain_points(&doc);
    ExitCode::SUCCESS
}

/// The pain points, most votes first: what the workshop wants fixed.
fn print_pain_points(doc: &Document) {
    if doc.pain_points.is_empty() {
        println!("no pain points");
        return;
    }
    println!("pain points by votes:");
    println!(
        "  {:>5}  {:<13} {:>8}  {:<9}  title (on)",
        "votes", "category", "severity", "status"
    );
    for i in pains::ranked(doc) {
        let p = &doc.pain_points[i];
        let by = if p.raised_by.is_empty() {
            String::new()
        } else {
            format!(", raised by {}", one_line(&p.raised_by))
        };
        println!(
            "  {:>5}  {:<13} {:>8}  {:<9}  {} (on {}{by})",
            p.votes(),
            p.category().name(),
            p.severity(),
            p.status().name(),
            one_line(&p.title),
            one_line(&p.on.describe(doc))
        );
    }
}

fn indicators(file: &Path, scenario: Option<&str>, json: bool) -> ExitCode {
    let doc = match io::load(file) {
        Ok(doc) => doc,
        Err(e) => return refuse(file, e),
    };
    let ((analysed, issues), label) = match with_scenario(&doc, scenario) {
        Ok(found) => found,
        Err(reason) => return refuse(file, reason),
    };
    let analysis = analysis::analyse_with_issues(&analysed, &issues);
    if json {
        match serde_json::to_string_pretty(&analysis.json(&analysed)) {
            Ok(text) => println!("{text}"),
            Err(e) => return refuse(file, e),
        }
    } else {
        print!("{}", table(&analysed, &analysis, &label));
    }
    ExitCode::SUCCESS
}

/// The map with `scenario` applied (or the baseline), the changes that could not be
/// applied, and a label; the reason when the map has no such scenario.
/// The map a command works on, and the scenario's changes that could not be applied.
type Applied<'a> = (
    std::borrow::Cow<'a, Document>,
    Vec<crate::model::ScenarioIssue>,
);

/// (The baseline is borrowed, not copied: a large map is not cloned for nothing.)
fn with_scenario<'a>(
    doc: &'a Document,
    scenario: Option<&str>,
) -> Result<(Applied<'a>, String), String> {
    use std::borrow::Cow;
    match scenario {
        None => Ok(((Cow::Borrowed(doc), Vec::new()), "baseline".to_string())),
        Some(name) => match doc.scenario(name) {
            Some(s) => {
                let (changed, issues) = apply_scenario(doc, s);
                Ok(((Cow::Owned(changed), issues), format!("scenario '{name}'")))
            }
            None => {
                let names: Vec<String> = doc
                    .scenarios
                    .iter()
                    .map(|s| format!("'{}'", one_line(&s.name)))
                    .collect();
                let known = if names.is_empty() {
                    "it has none".to_string()
                } else {
                    format!("it has {}", names.join(", "))
                };
                Err(format!("no scenario '{name}' in this map; {known}"))
            }
        },
    }
}

fn roadmap(file: &Path, scenario: Option<&str>, json: bool) -> ExitCode {
    let doc = match io::load(file) {
        Ok(doc) => doc,
        Err(e) => return refuse(file, e),
    };
    let ((mapped, _), label) = match with_scenario(&doc, scenario) {
        Ok(found) => found,
        Err(reason) => return refuse(file, reason),
    };
    if let Err(e) = analysis::roadmap::year_range(&mapped) {
        return refuse(file, e);
    }
    let analysed = analysis::analyse(&mapped);
    let r = match analysis::roadmap::from_analysis(&mapped, &analysed) {
        Ok(r) => r,
        Err(e) => return refuse(file, e),
    };
    if json {
        match serde_json::to_string_pretty(&present::plain_zeros(r.to_json())) {
            Ok(text) => println!("{text}"),
            Err(e) => return refuse(file, e),
        }
    } else {
        print!(
            "{}",
            crate::export::roadmap_table(
                &mapped,
                &r,
                &one_line(&label),
                analysed.indicators.recycled_content
            )
        );
    }
    ExitCode::SUCCESS
}

fn targets(file: &Path, scenario: Option<&str>, sets: &[String], json: bool) -> ExitCode {
    let doc = match io::load(file) {
        Ok(doc) => doc,
        Err(e) => return refuse(file, e),
    };
    let ((mapped, _), label) = match with_scenario(&doc, scenario) {
        Ok(found) => found,
        Err(reason) => return refuse(file, reason),
    };
    let rows = match analysis::targets::rows(&mapped, sets) {
        Ok(rows) => rows,
        Err(set) => return refuse(file, format!("no built-in target set '{set}'")),
    };
    let report = analysis::targets::evaluate(&mapped, &rows);
    if json {
        match serde_json::to_string_pretty(&report.to_json()) {
            Ok(text) => println!("{text}"),
            Err(e) => return refuse(file, e),
        }
        return ExitCode::SUCCESS;
    }
    // Without --scenario, each scenario's value of each row follows the baseline's.
    let others = match scenario {
        Some(_) => Vec::new(),
        None => analysis::targets::evaluate_cases(&doc, &rows).split_off(1),
    };
    let table = export::targets::targets_table(&mapped, &report, &one_line(&label), &others);
    print!("{table}");
    ExitCode::SUCCESS
}

fn fmt(files: &[PathBuf], check: bool) -> ExitCode {
    let mut code = ExitCode::SUCCESS;
    let mut refused = false;
    for file in files {
        let doc = match io::load(file) {
            Ok(doc) => doc,
            Err(e) => {
                refuse(file, e);
                refused = true;
                continue;
            }
        };
        let canonical = io::to_canonical_string(&doc);
        let current = std::fs::read(file).unwrap_or_default();
        if current == canonical.as_bytes() {
            continue;
        }
        if check {
            println!("{}: not in canonical form", file.display());
            code = ExitCode::from(1);
        } else if let Err(e) = io::save(&doc, file) {
            refuse(file, e);
            refused = true;
        } else {
            println!("formatted {}", file.display());
        }
    }
    if refused {
        ExitCode::from(REFUSED)
    } else {
        code
    }
}

/// The readable form of `loopmap indicators`.
fn table(doc: &Document, a: &Analysis, label: &str) -> String {
    use std::fmt::Write;
    let unit = doc.meta.unit();
    let names = present::Names::new(doc);
    let mut out = String::new();
    let _ = writeln!(out, "{}", one_line(&present::heading(doc, label)));
    let _ = writeln!(out, "solver: {}", a.solution.status.name());
    for m in &a.messages {
        let _ = writeln!(out, "  {m}");
    }
    if let Some(u) = &a.uncertainty {
        let _ = writeln!(out, "reconciliation: {}", u.verdict(doc));
    }
    // A figure with its σ where the map has uncertain figures.
    let ranged = |figure: analysis::uncertainty::Figure, measure: Measure, value: Option<f64>| {
        let sigma = a.uncertainty.as_ref().and_then(|u| u.sigma(&figure));
        match value {
            None => "— (not determined)".to_string(),
            Some(_) => present::with_sigma(measure, value, sigma, unit),
        }
    };
    for d in a
        .diagnostics
        .iter()
        .filter(|d| matches!(d.subject, Subject::Scenario(_)))
    {
        let _ = writeln!(out, "  not applied: {d}");
    }
    let i = &a.indicators;
    let _ = writeln!(out, "\nCircularity");
    for d in i.described() {
        let shown = ranged(
            analysis::uncertainty::Figure::Indicator(d.key),
            d.measure,
            d.value,
        );
        let _ = writeln!(out, "  {:<44} {shown}", d.name);
    }
    let _ = writeln!(out, "\nReverse loops ({unit})");
    for k in crate::model::Loop::REVERSE {
        let shown = ranged(
            analysis::uncertainty::Figure::Loop(k),
            Measure::Amount,
            i.loops.get(k),
        );
        let _ = writeln!(out, "  {:<44} {shown}", k.name());
    }
    stock_changes(&mut out, doc, a, &names);
    if !a.concentration.stages.is_empty() {
        let _ = writeln!(out, "\nSupply concentration by stage");
        let _ = writeln!(
            out,
            "  {:<16} {:>7}  {:<4} {:>9}  shares",
            "stage", "HHI", "top", "coverage"
        );
        for s in &a.concentration.stages {
            let shares: Vec<String> = s
                .shares
                .iter()
                .map(|(c, v)| format!("{c} {}", present::whole_percent(*v)))
                .collect();
            let _ = writeln!(
                out,
                "  {:<16} {:>7}  {:<4} {:>9}  {}",
                one_line(&s.stage),
                match s.hhi {
                    None => "—".into(),
                    h => ranged(
                        analysis::uncertainty::Figure::Hhi(s.stage.clone()),
                        Measure::Concentration,
                        h,
                    ),
                },
                s.top.as_deref().unwrap_or("—"),
                figure(Measure::Rate, s.coverage, unit),
                shares.join(", ")
            );
        }
        let bottleneck = a.concentration.bottleneck_text();
        let bottleneck = bottleneck.as_deref().unwrap_or("none");
        let _ = writeln!(out, "  bottleneck: {}", one_line(bottleneck));
        if let Some(p) = a.provenance(doc) {
            let _ = writeln!(out, "\nProvenance of what enters each use node (by stage)");
            for (node, stages) in &p.by_use {
                let _ = writeln!(out, "  {}", names.node_id(node));
                for (stage, shares) in stages {
                    let shares: Vec<String> = shares
                        .iter()
                        .map(|(l, v)| format!("{l} {}", crate::present::percent(*v)))
                        .collect();
                    let _ = writeln!(
                        out,
                        "    {:<14} {}",
                        one_line(stage),
                        one_line(&shares.join(", "))
                    );
                }
            }
            let _ = writeln!(
                out,
                "  certified or secondary: {}",
                ranged(
                    analysis::uncertainty::Figure::Certified,
                    Measure::Rate,
                    p.certified_share
                )
            );
            if let Some(home) = &doc.meta.home_country {
                for (stage, share) in &p.domestic_share {
                    let _ = writeln!(
                        out,
                        "  domestic ({home} or secondary) at {}: {}",
                        one_line(stage),
                        ranged(
                            analysis::uncertainty::Figure::Domestic(stage.clone()),
                            Measure::Rate,
                            Some(*share)
                        )
                    );
                }
            }
        }
    }
    let _ = writeln!(out, "\nFlows ({unit})");
    for (f, amount) in a.solution.flows.iter().enumerate() {
        let sigma = a.uncertainty.as_ref().and_then(|u| u.flow_sigma[f]);
        let shown = match amount {
            None => figure(Measure::Amount, None, unit),
            Some(_) => present::with_sigma(Measure::Amount, *amount, sigma, unit),
        };
        // The amount first: labels have any length.
        let _ = writeln!(out, "  {shown:>26}  {}", names.flow(f));
    }
    out
}

/// Each use node's stock change and where it comes from: fixed, solved, or the stock
/// model's (dynamic).
fn stock_changes(out: &mut String, doc: &Document, a: &Analysis, names: &present::Names) {
    use std::fmt::Write;
    let unit = doc.meta.unit();
    let uses: Vec<usize> = (0..doc.nodes.len())
        .filter(|&n| doc.nodes[n].kind == crate::model::NodeKind::Use)
        .collect();
    if uses.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nStock change of each use node ({unit})");
    for n in uses {
        let how = match doc.nodes[n].stock_change() {
            StockChange::Fixed(0.0) => "fixed: steady state",
            StockChange::Fixed(_) => "fixed",
            StockChange::Auto => "solved",
            StockChange::Dynamic => "dynamic: end of life from the stock model",
        };
        let shown = figure(Measure::Amount, a.solution.stock_change[n], unit);
        let _ = writeln!(out, "  {:<44} {shown}  ({how})", names.node(n));
    }
}

/// A figure in a report: as everywhere (`present::value`), and unknown said in words.
fn figure(measure: Measure, value: Option<f64>, unit: &str) -> String {
    match value {
        None => "— (not determined)".into(),
        Some(_) => present::value(measure, value, unit),
    }
}

/// `text` with every control character but the line feed escaped (`\r`, `\t`,
/// `\u{1b}`): output can then only be the lines it means to be, whatever a map holds.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if !has_control(text) {
        return text.into();
    }
    text.split('\n')
        .map(crate::model::text::escape_controls)
        .collect::<Vec<_>>()
        .join("\n")
        .into()
}

/// Whether `text` holds a control character other than the line feed, read byte by byte
/// (megabytes of JSON are printed at once): C0 and DEL are single bytes, C1 (U+0080 to
/// U+009F) is 0xC2 followed by 0x80 to 0x9F.
fn has_control(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        (b < 0x20 && b != b'\n')
            || b == 0x7f
            || (b == 0xc2 && bytes.get(i + 1).is_some_and(|n| (0x80..0xa0).contains(n)))
    })
}

/// A text of the map on one line of output: a line break inside it is shown as `\n`.
fn one_line(text: &str) -> String {
    crate::model::text::escape_controls(text)
}

fn print_out(text: String) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(terminal_safe(&text).as_bytes()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            // The reader has seen enough (`| head`): stop quietly, as command-line tools do.
            std::process::exit(0);
        }
        let _ = writeln!(std::io::stderr(), "loopmap: cannot write the output: {e}");
        std::process::exit(FAILED.into());
    }
}

fn print_err(text: String) {
    use std::io::Write;
    // Nowhere left to report a failure to write to standard error.
    let _ = std::io::stderr().write_all(terminal_safe(&text).as_bytes());
}

/// Monte Carlo draws `--samples` may ask for.
const MAX_SAMPLES: usize = 1_000_000;

fn reconcile(file: &Path, scenario: Option<&str>, json: bool, samples: Option<usize>) -> ExitCode {
    let doc = match io::load(file) {
        Ok(doc) => doc,
        Err(e) => return refuse(file, e),
    };
    let ((mapped, issues), label) = match with_scenario(&doc, scenario) {
        Ok(found) => found,
        Err(reason) => return refuse(file, reason),
    };
    if samples.is_some_and(|n| n > MAX_SAMPLES) {
        return refuse(file, format!("--samples takes at most {MAX_SAMPLES} draws"));
    }
    let analysis = analysis::analyse_with_issues(&mapped, &issues);
    let intervals = samples.and_then(|n| analysis::uncertainty::intervals(&mapped, n, |_| true));
    if json {
        let value = crate::export::reconcile_json(&mapped, &analysis, intervals.as_deref());
        match serde_json::to_string_pretty(&value) {
            Ok(text) => println!("{text}"),
            Err(e) => return refuse(file, e),
        }
    } else {
        print!(
            "{}",
            crate::export::reconcile_table(
                &mapped,
                &analysis,
                intervals.as_deref(),
                &one_line(&label)
            )
        );
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    /// The byte scan finds exactly the characters `char::is_control` names (but the line
    /// feed), among every character up to U+2FFF and a few beyond.
    #[test]
    fn the_byte_scan_finds_the_control_characters() {
        let chars = (0..0x3000u32)
            .chain([0x1_F600, 0x10_FFFF])
            .filter_map(char::from_u32);
        for c in chars {
            let text = format!("a±{c}b");
            assert_eq!(
                super::has_control(&text),
                c.is_control() && c != '\n',
                "U+{:04X}",
                c as u32
            );
        }
    }
}
