//! The worked examples of the spec (tests/fixtures, copied from shared/spec/examples)
//! reproduce their expected output to 1e-6 relative.

use std::path::PathBuf;

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Every key of `expected` is in `actual` with an equal value; numbers to 1e-6 relative,
/// or to half a unit of the 6th decimal (the expected files are rounded to 6 decimals).
fn assert_matches(expected: &Value, actual: &Value, path: &str) {
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (e.as_f64().unwrap(), a.as_f64().unwrap());
            let tolerance = (1e-6 * e.abs()).max(5e-7);
            assert!((e - a).abs() <= tolerance, "{path}: expected {e}, got {a}");
        }
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e {
                let inner = a
                    .get(key)
                    .unwrap_or_else(|| panic!("{path}.{key}: missing in the output"));
                assert_matches(value, inner, &format!("{path}.{key}"));
            }
        }
        // Stages are listed in chain order (the layout's columns), the expected files
        // alphabetically: each stage is matched by its name.
        (Value::Array(e), Value::Array(a)) if path.ends_with(".supply.stages") => {
            assert_eq!(e.len(), a.len(), "{path}: array length");
            for e in e {
                let stage = &e["stage"];
                let a = a
                    .iter()
                    .find(|a| &a["stage"] == stage)
                    .unwrap_or_else(|| panic!("{path}: stage {stage} missing"));
                assert_matches(e, a, &format!("{path}[{stage}]"));
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            assert_eq!(e.len(), a.len(), "{path}: array length");
            for (i, (e, a)) in e.iter().zip(a).enumerate() {
                assert_matches(e, a, &format!("{path}[{i}]"));
            }
        }
        _ => assert_eq!(expected, actual, "{path}"),
    }
}

fn check_example(name: &str) {
    let doc = loopmap::io::load(&fixture(&format!("{name}.loopmap.json"))).unwrap();
    let text = std::fs::read_to_string(fixture(&format!("{name}.expected.json"))).unwrap();
    let expected: Value = serde_json::from_str(&text).unwrap();
    let actual = loopmap::analysis::analyse(&doc).to_json(&doc);
    assert_matches(&expected, &actual, name);
}

#[test]
fn closed_loop_gives_its_expected_output() {
    check_example("closed-loop");
}

#[test]
fn emf_product_gives_the_published_mci() {
    check_example("emf-product");
}

#[test]
fn magnet_chain_gives_its_expected_output() {
    check_example("magnet-chain");
}

#[test]
fn swarf_recycling_raises_recycled_content_but_not_eol_rir() {
    let doc = loopmap::io::load(&fixture("magnet-chain.loopmap.json")).unwrap();
    let i = loopmap::analysis::analyse(&doc).indicators;
    assert!((i.recycled_content.unwrap() - 0.278812).abs() < 1e-6);
    assert!((i.eol_rir.unwrap() - 0.061926).abs() < 1e-6);
}

/// The checks of indicators.md §3: a linear product with average utility gives LFI 1 and
/// MCI 0.1; a lossless closed loop gives MCI 1.
#[test]
fn linear_product_gives_mci_one_tenth_and_closed_loop_gives_one() {
    let linear = loopmap::io::parse(
        r#"{"format": "loopmap", "version": 1, "meta": {},
            "nodes": [{"id": "m", "label": "Mine", "kind": "source"},
                      {"id": "u", "label": "Use", "kind": "use", "lifetime": 10},
                      {"id": "l", "label": "Landfill", "kind": "waste"}],
            "flows": [{"id": "a", "from": "m", "to": "u", "amount": 10},
                      {"id": "b", "from": "u", "to": "l"}]}"#,
    )
    .unwrap();
    let i = loopmap::analysis::analyse(&linear).indicators;
    assert!((i.lfi.unwrap() - 1.0).abs() < 1e-12);
    assert!((i.mci.unwrap() - 0.1).abs() < 1e-12);

    let closed = loopmap::io::parse(
        r#"{"format": "loopmap", "version": 1, "meta": {},
            "nodes": [{"id": "make", "label": "Make", "kind": "process"},
                      {"id": "u", "label": "Use", "kind": "use", "lifetime": 10},
                      {"id": "r", "label": "Recycle", "kind": "recovery"}],
            "flows": [{"id": "a", "from": "make", "to": "u", "amount": 10},
                      {"id": "b", "from": "u", "to": "r"},
                      {"id": "c", "from": "r", "to": "make", "loop": "recycle"}]}"#,
    )
    .unwrap();
    let analysis = loopmap::analysis::analyse(&closed);
    assert_eq!(analysis.solution.status, loopmap::analysis::Status::Ok);
    assert!((analysis.indicators.mci.unwrap() - 1.0).abs() < 1e-12);
    assert_eq!(analysis.indicators.recycled_content, Some(1.0));
}

#[test]
fn two_estimates_of_one_flow_are_reconciled_to_their_weighted_mean() {
    check_example("two-estimates");
}

#[test]
fn a_loop_whose_collection_estimate_disagrees_fails_the_test() {
    check_example("reconcile-loop");
}
