//! The bundled sample maps: they load from the binary, solve with status ok in the baseline
//! and every scenario, cite their sources, and the UK map tells what the sources say.

use std::collections::BTreeSet;

use loopmap::analysis::{analyse, analyse_scenario};
use loopmap::io::samples::SAMPLES;
use loopmap::model::{Document, Loop, apply_scenario};

fn uk() -> Document {
    SAMPLES[0].load().expect("the UK sample loads")
}

#[test]
fn every_sample_solves_ok_with_every_scenario_and_cites_sources() {
    for sample in &SAMPLES {
        let doc = sample
            .load()
            .unwrap_or_else(|e| panic!("{}: {e}", sample.file_name));
        // Ok, or reconciled where the sample's uncertain figures check each other.
        let status = analyse(&doc).solution.status;
        assert!(status.is_solved(), "{}: {status:?}", sample.file_name);
        for s in &doc.scenarios {
            let a = analyse_scenario(&doc, s);
            assert!(
                a.solution.status.is_solved(),
                "{} / {}: {:?}",
                sample.file_name,
                s.name,
                a.solution.status
            );
            assert!(
                a.diagnostics.is_empty(),
                "{} / {}: {:?}",
                sample.file_name,
                s.name,
                a.diagnostics
            );
        }
        assert!(
            !doc.meta.sources.is_empty(),
            "{} cites no sources",
            sample.file_name
        );
        assert!(!doc.meta.description.is_empty());
    }
}

#[test]
fn bundled_samples_are_the_files_in_sample_maps_and_canonical() {
    for sample in &SAMPLES {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample_maps")
            .join(sample.file_name);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), sample.text);
        let doc = sample.load().unwrap();
        assert_eq!(
            loopmap::io::to_canonical_string(&doc),
            sample.text,
            "{} is not canonical",
            sample.file_name
        );
    }
}

#[test]
fn uk_baseline_shows_end_of_life_recycling_around_one_percent() {
    let doc = uk();
    assert_eq!(doc.meta.home_country.as_deref(), Some("GB"));
    let a = analyse(&doc);
    let eol = a.indicators.eol_recycling_rate.unwrap();
    assert!((0.005..0.02).contains(&eol), "EOL recycling rate {eol}");
    let separation = a
        .concentration
        .stages
        .iter()
        .find(|s| s.stage == "separation")
        .unwrap();
    assert!(separation.hhi.unwrap() > 2500.0);
    assert_eq!(separation.top.as_deref(), Some("CN"));
}

#[test]
fn uk_map_has_every_loop_kind_and_pain_points_across_categories() {
    let doc = uk();
    let loops: BTreeSet<_> = doc
        .flows
        .iter()
        .map(|f| f.loop_kind)
        .filter(|l| *l != Loop::None)
        .collect();
    assert_eq!(loops.len(), 4, "{loops:?}");
    assert!(doc.pain_points.len() >= 10);
    let categories: BTreeSet<_> = doc.pain_points.iter().map(|p| p.category()).collect();
    assert!(categories.len() >= 5);
    assert!(categories.contains(&loopmap::model::Category::Technical));
    assert!(categories.contains(&loopmap::model::Category::Behavioural));
    assert!((2..=3).contains(&doc.scenarios.len()));
}

#[test]
fn uk_recycling_scenarios_raise_recycling_and_lower_virgin_input() {
    let doc = uk();
    let base = analyse(&doc).indicators;
    for s in doc
        .scenarios
        .iter()
        .filter(|s| !s.name.contains("separation"))
    {
        let i = analyse_scenario(&doc, s).indicators;
        assert!(i.eol_rir.unwrap() > base.eol_rir.unwrap(), "{}", s.name);
        assert!(
            i.eol_recycling_rate.unwrap() > base.eol_recycling_rate.unwrap(),
            "{}",
            s.name
        );
        assert!(i.mci.unwrap() >= base.mci.unwrap(), "{}", s.name);
        assert!(
            i.virgin_input.unwrap() < base.virgin_input.unwrap(),
            "{}",
            s.name
        );
    }
}

/// The share of `label` in what use node `node` gets, for `stage`.
fn provenance(
    doc: &Document,
    a: &loopmap::analysis::Analysis,
    node: &str,
    stage: &str,
    label: &str,
) -> f64 {
    a.provenance(doc)
        .expect("provenance of a solved map")
        .share(node, stage, label)
        .expect("a traced use node and stage")
}

#[test]
fn the_uk_sample_tells_the_supply_story() {
    let doc = uk();
    let base = analyse(&doc);
    let hhi = |stage: &str| {
        base.concentration
            .stages
            .iter()
            .find(|s| s.stage == stage)
            .and_then(|s| s.hhi)
            .unwrap()
    };
    assert!(hhi("separation") > 8000.0 && hhi("magnet") > 8000.0);
    // EV motors: nearly all magnets made in China; what bypasses separation is
    // secondary (mostly swarf, new scrap recycled abroad).
    assert!(provenance(&doc, &base, "ev", "magnet", "CN") > 0.85);
    let secondary = provenance(&doc, &base, "ev", "separation", "secondary");
    assert!(secondary > 0.05 && secondary < 0.2, "{secondary}");
    // Domestic share at the magnet stage is near zero today.
    let domestic = |doc: &Document, a: &loopmap::analysis::Analysis| {
        a.provenance(doc).unwrap().domestic("magnet").unwrap()
    };
    assert!(domestic(&doc, &base) < 0.03, "{}", domestic(&doc, &base));
    // Magnet-to-magnet recycling at 350 t/yr: more secondary material in EV motors, and
    // magnets made in the UK (HPMS makes magnets in Birmingham).
    let (with_hpms, _) = apply_scenario(&doc, doc.scenario("HPMS at 350 t/yr").unwrap());
    let hpms = analyse(&with_hpms);
    assert!(provenance(&with_hpms, &hpms, "ev", "separation", "secondary") > secondary + 0.05);
    assert!(
        domestic(&with_hpms, &hpms) > 2.0 * domestic(&doc, &base),
        "{}",
        domestic(&with_hpms, &hpms)
    );
}
