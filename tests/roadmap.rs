//! The roadmap (indicators.md §9): its fields in the map file, the dynamic stock model
//! against closed forms and flodym, and `loopmap roadmap`.

use loopmap::io;
use serde_json::{Value, json};

/// Mine → magnets → EVs in use → collection → (recycled back to magnets | landfill).
fn base() -> Value {
    json!({
        "format": "loopmap",
        "version": 1,
        "meta": { "title": "roadmap test", "unit": "t/yr", "year": 2024 },
        "nodes": [
            { "id": "mine", "label": "Mine", "kind": "source" },
            { "id": "make", "label": "Magnets", "kind": "process" },
            { "id": "ev", "label": "EVs", "kind": "use", "lifetime": 15,
              "lifetime_model": "weibull", "weibull_shape": 2.5,
              "demand_growth": [[2030, 0.1], [2050, 0.02]], "history_growth": 0.15,
              "inflows": { "2010": 5 } },
            { "id": "col", "label": "Collection", "kind": "recovery" },
            { "id": "lf", "label": "Landfill", "kind": "waste" }
        ],
        "flows": [
            { "id": "f_mine", "from": "mine", "to": "make" },
            { "id": "f_use", "from": "make", "to": "ev", "amount": 100 },
            { "id": "f_eol", "from": "ev", "to": "col", "amount": 40 },
            { "id": "f_rec", "from": "col", "to": "make", "loop": "recycle", "share": 0.25 },
            { "id": "f_lf", "from": "col", "to": "lf" }
        ],
        "roadmap": { "start": 1990, "end": 2050 }
    })
}

fn ev(v: &mut Value) -> &mut Value {
    &mut v["nodes"][2]
}

#[track_caller]
fn refusal(v: &Value, parts: &[&str]) {
    let text = serde_json::to_string_pretty(v).unwrap();
    match io::parse(&text) {
        Ok(_) => panic!("expected a refusal:\n{text}"),
        Err(e) => {
            let m = e.to_string();
            for p in parts {
                assert!(m.contains(p), "message should name {p:?}, got: {m}");
            }
        }
    }
}

#[test]
fn roadmap_fields_load_and_round_trip_in_canonical_form() {
    let text = serde_json::to_string_pretty(&base()).unwrap();
    let doc = io::parse(&text).unwrap();
    let n = doc.node("ev").unwrap();
    assert_eq!(
        n.lifetime_model,
        Some(loopmap::model::LifetimeModel::Weibull)
    );
    assert_eq!(n.weibull_shape, Some(2.5));
    assert_eq!(n.demand_growth, vec![(2030, 0.1), (2050, 0.02)]);
    assert_eq!(n.history_growth, Some(0.15));
    assert_eq!(n.inflows.get(&2010), Some(&5.0));
    assert_eq!(doc.roadmap.as_ref().and_then(|r| r.start), Some(1990));
    let canonical = io::to_canonical_string(&doc);
    assert!(
        canonical.contains("\"lifetime_model\": \"weibull\""),
        "{canonical}"
    );
    assert!(
        canonical.contains("\"inflows\": {\"2010\": 5}"),
        "{canonical}"
    );
    assert!(
        canonical.contains("\"roadmap\": {\"start\": 1990, \"end\": 2050}"),
        "{canonical}"
    );
    let again = io::parse(&canonical).unwrap();
    assert_eq!(again, doc);
    assert_eq!(io::to_canonical_string(&again), canonical);
}

#[test]
fn an_unknown_lifetime_model_is_refused_naming_the_node_and_field() {
    let mut v = base();
    ev(&mut v)["lifetime_model"] = json!("gamma");
    refusal(&v, &["node 'ev'", "lifetime_model", "gamma"]);
}

#[test]
fn weibull_without_a_shape_is_refused() {
    let mut v = base();
    ev(&mut v).as_object_mut().unwrap().remove("weibull_shape");
    refusal(&v, &["node 'ev'", "weibull_shape"]);
}

#[test]
fn growth_years_out_of_order_are_refused() {
    let mut v = base();
    ev(&mut v)["demand_growth"] = json!([[2030, 0.1], [2030, 0.02]]);
    refusal(&v, &["node 'ev'", "demand_growth", "increase"]);
    ev(&mut v)["demand_growth"] = json!([[2050, 0.1], [2030, 0.02]]);
    refusal(&v, &["node 'ev'", "demand_growth", "increase"]);
}

#[test]
fn growth_rates_of_minus_one_or_less_are_refused() {
    let mut v = base();
    ev(&mut v)["demand_growth"] = json!([[2030, -1]]);
    refusal(&v, &["node 'ev'", "demand_growth", "above -1"]);
    let mut v = base();
    ev(&mut v)["history_growth"] = json!(-1.5);
    refusal(&v, &["node 'ev'", "history_growth", "above -1"]);
}

#[test]
fn bad_spreads_inflows_and_years_are_refused() {
    let mut v = base();
    ev(&mut v)["lifetime_sd"] = json!(0);
    refusal(&v, &["node 'ev'", "lifetime_sd"]);
    let mut v = base();
    ev(&mut v)["weibull_shape"] = json!(-2);
    refusal(&v, &["node 'ev'", "weibull_shape"]);
    let mut v = base();
    ev(&mut v)["inflows"] = json!({ "2010": -5 });
    refusal(&v, &["node 'ev'", "inflows"]);
    let mut v = base();
    ev(&mut v)["inflows"] = json!({ "soon": 5 });
    refusal(&v, &["node 'ev'", "inflows"]);
    let mut v = base();
    ev(&mut v)["demand_growth"] = json!([[2030.5, 0.1]]);
    refusal(&v, &["node 'ev'", "demand_growth"]);
    let mut v = base();
    v["roadmap"] = json!({ "start": 2060, "end": 2050 });
    refusal(&v, &["roadmap", "start", "end"]);
    let mut v = base();
    v["roadmap"] = json!({ "start": "early" });
    refusal(&v, &["roadmap", "start"]);
}

#[test]
fn a_scenario_can_change_the_roadmap_fields_and_clear_a_path() {
    let mut v = base();
    v["scenarios"] = json!([{ "name": "Slow", "changes": [
        { "node": "ev", "field": "demand_growth", "value": [[2050, 0.01]] },
        { "node": "ev", "field": "lifetime_model", "value": "fixed" },
        { "node": "ev", "field": "inflows", "value": null }
    ]}]);
    let doc = io::parse(&serde_json::to_string(&v).unwrap()).unwrap();
    let (changed, issues) = loopmap::model::apply_scenario(&doc, &doc.scenarios[0]);
    assert!(issues.is_empty(), "{issues:?}");
    let n = changed.node("ev").unwrap();
    assert_eq!(n.demand_growth, vec![(2050, 0.01)]);
    assert_eq!(n.lifetime_model, Some(loopmap::model::LifetimeModel::Fixed));
    assert!(n.inflows.is_empty());
}
