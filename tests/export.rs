//! Exports through the command line, checked as their readers would: the SVG parses
//! (usvg) and names every node; the PNG has the size asked for; the CSVs parse and hold
//! the numbers of `loopmap indicators --json`; the report holds every indicator value and
//! pain point title.

use std::path::Path;

use assert_cmd::Command;
use loopmap::analysis::analyse;
use loopmap::io::samples::SAMPLES;
use loopmap::model::Document;
use serde_json::Value;

fn uk_file(dir: &Path) -> (std::path::PathBuf, Document) {
    let path = dir.join("uk.loopmap.json");
    std::fs::write(&path, SAMPLES[0].text).unwrap();
    (path, SAMPLES[0].load().unwrap())
}

fn loopmap(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("loopmap")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn the_svg_parses_and_names_every_node_with_text() {
    let dir = tempfile::tempdir().unwrap();
    let (map, doc) = uk_file(dir.path());
    let out = dir.path().join("uk.svg");
    let run = loopmap(&["export", s(&map), "--svg", s(&out)]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let tree =
        resvg::usvg::Tree::from_str(&text, &resvg::usvg::Options::default()).expect("a valid SVG");
    assert!(tree.size().width() > 500.0);
    for node in &doc.nodes {
        assert!(
            text.contains(&format!("<title>{}</title>", escaped(&node.label))),
            "{}",
            node.label
        );
        let first = node.label.split_whitespace().next().unwrap();
        assert!(
            text.contains(&format!(">{}", escaped(first))),
            "text of {}",
            node.label
        );
    }
    // Every flow is a path, every pain point a numbered pin with its title.
    assert_eq!(text.matches("<path id=\"flow-").count(), doc.flows.len());
    for p in &doc.pain_points {
        assert!(text.contains(&escaped(&p.title)), "{}", p.title);
    }
}

#[test]
fn the_png_has_the_size_of_the_svg_times_the_scale() {
    let dir = tempfile::tempdir().unwrap();
    let (map, _) = uk_file(dir.path());
    let svg = dir.path().join("uk.svg");
    let png = dir.path().join("uk.png");
    assert!(
        loopmap(&["export", s(&map), "--svg", s(&svg)])
            .status
            .success()
    );
    let run = loopmap(&["export", s(&map), "--png", s(&png), "--scale", "1.5"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&svg).unwrap();
    let tree = resvg::usvg::Tree::from_str(&text, &resvg::usvg::Options::default()).unwrap();
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!(width, (tree.size().width() * 1.5).round() as u32);
    assert_eq!(height, (tree.size().height() * 1.5).round() as u32);
    // Not blank: the map is drawn in more than a handful of colours.
    assert!(bytes.len() > 100_000, "{} bytes", bytes.len());
}

#[test]
fn the_csvs_parse_and_hold_the_numbers_of_indicators_json() {
    let dir = tempfile::tempdir().unwrap();
    let (map, doc) = uk_file(dir.path());
    let out = dir.path().join("tables");
    let run = loopmap(&["export", s(&map), "--csv", s(&out)]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let json: Value =
        serde_json::from_slice(&loopmap(&["indicators", s(&map), "--json"]).stdout).unwrap();
    let read = |name: &str| {
        let mut r = csv::Reader::from_path(out.join(name)).unwrap();
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        let rows: Vec<Vec<String>> = r
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        (header, rows)
    };

    let (header, rows) = read("flows.csv");
    assert_eq!(
        header,
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
            "estimates"
        ]
    );
    assert_eq!(rows.len(), doc.flows.len());
    for r in &rows {
        let solved: f64 = r[6].parse().unwrap();
        assert_eq!(Some(solved), json["flows"][&r[0]].as_f64(), "flow {}", r[0]);
        // The σ of every flow, as `indicators --json` gives it.
        let sigma: Option<f64> = r[8].parse().ok();
        assert_eq!(
            sigma,
            json["uncertainty"]["flows"][&r[0]]["sigma"].as_f64(),
            "σ of {}",
            r[0]
        );
    }
    // The sample's estimates are listed with their sources and residuals.
    let hpms = rows.iter().find(|r| r[0] == "f_collect_hpms").unwrap();
    assert!(
        hpms[11].contains("HyProMag") && hpms[11].contains("residual"),
        "{hpms:?}"
    );

    let (header, rows) = read("indicators.csv");
    assert_eq!(header.len(), 3 + doc.scenarios.len());
    assert_eq!(header[2], "baseline");
    for r in rows.iter().filter(|r| !r[0].starts_with("loops.")) {
        let expected = json["indicators"][&r[0]].as_f64();
        assert_eq!(r[2].parse::<f64>().ok(), expected, "indicator {}", r[0]);
    }
    let hpms = &rows.iter().find(|r| r[0] == "mci").unwrap()[3];
    let scenario: Value = serde_json::from_slice(
        &loopmap(&[
            "indicators",
            s(&map),
            "--json",
            "--scenario",
            "HPMS at 350 t/yr",
        ])
        .stdout,
    )
    .unwrap();
    assert_eq!(
        hpms.parse::<f64>().ok(),
        scenario["indicators"]["mci"].as_f64()
    );

    let (_, rows) = read("nodes.csv");
    assert_eq!(rows.len(), doc.nodes.len());
    for r in rows.iter().filter(|r| !r[6].is_empty()) {
        let residual: f64 = r[6].parse().unwrap();
        assert!(residual.abs() < 1e-6, "{} is balanced: {residual}", r[0]);
    }

    let (_, rows) = read("pain_points.csv");
    assert_eq!(rows.len(), doc.pain_points.len());
    let votes: Vec<u32> = rows.iter().map(|r| r[5].parse().unwrap()).collect();
    assert!(
        votes.windows(2).all(|w| w[0] >= w[1]),
        "by votes: {votes:?}"
    );
}

#[test]
fn the_report_holds_every_indicator_value_and_pain_point_title() {
    let dir = tempfile::tempdir().unwrap();
    let (map, doc) = uk_file(dir.path());
    let out = dir.path().join("report.html");
    let run = loopmap(&["export", s(&map), "--html", s(&out)]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        !html.contains("<script") && !html.contains("<link"),
        "self-contained"
    );
    assert!(html.contains("<svg"), "the map inline");
    let unit = doc.meta.unit();
    let analysis = analyse(&doc);
    let u = analysis.uncertainty.as_ref();
    for d in analysis.indicators.described() {
        // With its σ: the sample's figures are uncertain.
        let sigma = u.and_then(|u| u.sigma_of(d.key));
        let shown = escaped(&loopmap::present::with_sigma(
            d.measure, d.value, sigma, unit,
        ));
        assert!(
            html.contains(&format!(">{shown}</td>")),
            "{} = {shown}",
            d.name
        );
        assert!(html.contains(&escaped(d.name)), "{}", d.name);
    }
    for s in &doc.scenarios {
        assert!(html.contains(&escaped(&s.name)));
    }
    for p in &doc.pain_points {
        assert!(html.contains(&escaped(&p.title)), "{}", p.title);
    }
    assert!(html.contains("separation <b>(bottleneck)</b>"));
    // Supply security for the baseline and every scenario, beside the indicators.
    assert!(html.contains("Certified or secondary share"));
    assert!(html.contains("Domestic (GB) or secondary, separation"));
    assert!(html.contains("@page { size: A4"));
}

#[test]
fn export_needs_one_output_and_names_a_missing_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let (map, _) = uk_file(dir.path());
    let none = loopmap(&["export", s(&map)]);
    assert_eq!(none.status.code(), Some(2));
    let out = dir.path().join("x.svg");
    let missing = loopmap(&["export", s(&map), "--svg", s(&out), "--scenario", "Nope"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no scenario named 'Nope'"));
    assert!(!out.exists());
    let unwritable = loopmap(&["export", s(&map), "--svg", "/nonexistent-dir/x.svg"]);
    assert_eq!(unwritable.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unwritable.stderr).contains("cannot save"));
    // A scenario is exported with its changes: its name is in the picture.
    let run = loopmap(&[
        "export",
        s(&map),
        "--svg",
        s(&out),
        "--scenario",
        "HPMS at 350 t/yr",
    ]);
    assert!(run.status.success());
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("Scenario: HPMS at 350 t/yr")
    );
}

#[test]
fn csv_cells_that_look_like_formulas_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = SAMPLES[0].load().unwrap();
    doc.nodes[0].label = "=HYPERLINK(\"http://evil\",\"click\")".into();
    doc.nodes[1].stage = Some("@SUM(A1:A9)".into());
    doc.pain_points[0].title = "+cmd|' /C calc'!A0".into();
    doc.pain_points[0].raised_by = "-2+3".into();
    doc.scenarios[0].name = "=1+2".into();
    let map = dir.path().join("m.loopmap.json");
    loopmap::io::save(&doc, &map).unwrap();
    let out = dir.path().join("tables");
    let run = loopmap(&["export", s(&map), "--csv", s(&out)]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let cells = |name: &str| -> Vec<String> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(out.join(name))
            .unwrap();
        r.records()
            .flat_map(|r| r.unwrap().iter().map(String::from).collect::<Vec<_>>())
            .collect()
    };
    let all: Vec<String> = [
        "flows.csv",
        "nodes.csv",
        "indicators.csv",
        "pain_points.csv",
    ]
    .iter()
    .flat_map(|n| cells(n))
    .collect();
    for expected in [
        "'=HYPERLINK(\"http://evil\",\"click\")",
        "'@SUM(A1:A9)",
        "'+cmd|' /C calc'!A0",
        "'-2+3",
        "'=1+2",
    ] {
        assert!(all.iter().any(|c| c == expected), "no cell {expected:?}");
    }
    for cell in &all {
        let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
        assert!(
            !formula || cell.parse::<f64>().is_ok(),
            "formula cell {cell:?}"
        );
    }
}

#[test]
fn the_roadmap_goes_into_the_csvs_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let (map, doc) = uk_file(dir.path());
    let r = loopmap::analysis::roadmap::compute(&doc).unwrap();
    let out = dir.path().join("tables");
    assert!(
        loopmap(&["export", s(&map), "--csv", s(&out)])
            .status
            .success()
    );
    let mut reader = csv::Reader::from_path(out.join("roadmap.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..4], ["year", "demand", "stock", "eol"]);
    assert!(header.contains(&"ev_outflow".to_string()));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), r.years.len());
    let i = r.index_of(2030).unwrap();
    assert_eq!(rows[i][0].to_string(), "2030");
    let demand: f64 = rows[i][1].parse().unwrap();
    assert!((demand - r.demand[i]).abs() <= 1e-12 * demand);

    let report = dir.path().join("report.html");
    assert!(
        loopmap(&["export", s(&map), "--html", s(&report)])
            .status
            .success()
    );
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("<h2>Roadmap</h2>"));
    assert!(html.contains("End of life by product, demand and what returns"));
    assert!(html.contains("Ceiling on recycled content"));
    assert_eq!(html.matches("<svg").count(), 3, "the map and two charts");
    for year in ["<td>2030</td>", "<td>2050</td>", "<td>2024 (map)</td>"] {
        assert!(html.contains(year), "{year}");
    }
    assert!(!html.contains("<td>2031</td>"));

    // A map without a year has no roadmap: no roadmap.csv, and the report says why.
    let mut v: Value = serde_json::from_str(SAMPLES[0].text).unwrap();
    v["meta"].as_object_mut().unwrap().remove("year");
    let plain = dir.path().join("plain.loopmap.json");
    std::fs::write(&plain, v.to_string()).unwrap();
    let out2 = dir.path().join("tables2");
    assert!(
        loopmap(&["export", s(&plain), "--csv", s(&out2)])
            .status
            .success()
    );
    assert!(!out2.join("roadmap.csv").exists());
    assert!(
        loopmap(&["export", s(&plain), "--html", s(&report)])
            .status
            .success()
    );
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        html.contains("No roadmap: the map has no `meta.year`"),
        "{html}"
    );
}

/// The UK sample with the UK 2035 set among its rows.
fn uk_with_targets(dir: &Path) -> std::path::PathBuf {
    let mut doc = SAMPLES[0].load().unwrap();
    doc.targets = loopmap::analysis::targets::builtin_set("uk-2035", &doc).unwrap();
    let path = dir.join("uk-targets.loopmap.json");
    loopmap::io::save(&doc, &path).unwrap();
    path
}

#[test]
fn the_report_has_the_targets_with_year_met_and_sources_and_governance_by_stage() {
    let dir = tempfile::tempdir().unwrap();
    let map = uk_with_targets(dir.path());
    let out = dir.path().join("report.html");
    assert!(
        loopmap(&["export", s(&map), "--html", s(&out)])
            .status
            .success()
    );
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("<h2>Targets and governance</h2>"));
    for part in [
        "UK 2035: recycling",
        "Year met",
        "not by 2050",
        "0.52 %",
        "Vision 2035",
        "WGI-HHI",
        "GeoPolRisk",
        "Worldwide Governance Indicators, 2025 update",
        "UK separation plant",
    ] {
        assert!(
            html.contains(&escaped(part)),
            "the report should hold {part:?}"
        );
    }
    assert!(html.contains("supply risk: <b>4.67</b>"));
}

#[test]
fn the_csv_export_has_targets_for_the_baseline_and_each_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let map = uk_with_targets(dir.path());
    let out = dir.path().join("tables");
    assert!(
        loopmap(&["export", s(&map), "--csv", s(&out)])
            .status
            .success()
    );
    let mut reader = csv::Reader::from_path(out.join("targets.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    for column in [
        "scenario",
        "target",
        "threshold",
        "value",
        "met",
        "gap_points",
        "year_met",
    ] {
        assert!(header.contains(&column.to_string()), "{header:?}");
    }
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    // Three rows for the baseline and each of the three scenarios.
    assert_eq!(rows.len(), 12);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let recycling = &rows[1];
    assert_eq!(&recycling[col("scenario")], "Baseline");
    let value: f64 = recycling[col("value")].parse().unwrap();
    // The spec's 0.52 %, reconciled (the HPMS estimates pull it down a little).
    assert!((0.003..0.006).contains(&value), "{value}");
    assert_eq!(&recycling[col("met")], "false");
    let plant = rows
        .iter()
        .find(|r| &r[col("scenario")] == "UK separation plant")
        .unwrap();
    assert_eq!(&plant[col("met")], "true");
    // A map without targets gets no targets.csv.
    let mut doc = SAMPLES[0].load().unwrap();
    doc.targets.clear();
    let plain = dir.path().join("plain.loopmap.json");
    loopmap::io::save(&doc, &plain).unwrap();
    let out2 = dir.path().join("plain");
    assert!(
        loopmap(&["export", s(&plain), "--csv", s(&out2)])
            .status
            .success()
    );
    assert!(!out2.join("targets.csv").exists());
}

#[test]
fn the_svg_draws_the_ranges_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let (map, _) = uk_file(dir.path());
    let plain = dir.path().join("plain.svg");
    let ranged = dir.path().join("ranged.svg");
    assert!(
        loopmap(&["export", s(&map), "--svg", s(&plain)])
            .status
            .success()
    );
    assert!(
        loopmap(&["export", s(&map), "--svg", s(&ranged), "--ranges"])
            .status
            .success()
    );
    let plain = std::fs::read_to_string(plain).unwrap();
    let ranged = std::fs::read_to_string(ranged).unwrap();
    assert!(!plain.contains(r#"class="range""#));
    // Every uncertain flow of the UK sample gets its band; labels carry the σ.
    let bands = ranged.matches(r#"class="range""#).count();
    assert!(bands >= 20, "{bands} bands");
    assert!(ranged.contains(" ± "), "a label with its σ");
}

#[test]
fn every_flow_of_every_sample_is_labelled_in_the_svg_on_a_leader_line_where_it_has_no_room() {
    let dir = tempfile::tempdir().unwrap();
    let mut leaders = 0;
    for sample in SAMPLES {
        let map = dir.path().join("map.loopmap.json");
        std::fs::write(&map, sample.text).unwrap();
        let doc = sample.load().unwrap();
        let out = dir.path().join("map.svg");
        let run = loopmap(&["export", s(&map), "--svg", s(&out)]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let text = std::fs::read_to_string(&out).unwrap();
        let amounts = analyse(&doc).solution.flows;
        for (f, flow) in doc.flows.iter().enumerate() {
            let group = format!(r#"<g class="flow-label" data-flow="{}">"#, flow.id);
            let at = text.find(&group);
            let at = at.unwrap_or_else(|| panic!("{}: {} has no label", sample.file_name, flow.id));
            let label = loopmap::present::flow_label(flow, amounts[f]);
            let end = text[at..].find("</g>").map_or(text.len(), |e| at + e);
            assert!(
                text[at..end].contains(&escaped(&label)),
                "{}: {label}",
                flow.id
            );
            leaders += usize::from(text[at..end].contains(r#"class="leader""#));
        }
    }
    assert!(leaders > 0, "no label needed a leader line");
}

#[test]
fn the_picture_lists_the_pain_points_by_their_pin_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let (map, doc) = uk_file(dir.path());
    let out = dir.path().join("uk.svg");
    let run = loopmap(&["export", s(&map), "--svg", s(&out)]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let numbers = doc.pin_numbers();
    assert_eq!(
        text.matches(r#"class="pin-entry""#).count(),
        doc.pain_points.len()
    );
    for (i, p) in doc.pain_points.iter().enumerate() {
        let entry = format!(">{}. {} (", numbers[i], escaped(&p.title));
        assert!(text.contains(&entry), "{entry}");
    }
}
