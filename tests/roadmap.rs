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
              "inflows": { "2010": 5 }, "stock_change": "auto" },
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

// ---- the dynamic stock model ----

use loopmap::analysis::roadmap::{self, Survival};
use loopmap::model::LifetimeModel;

fn load(v: &Value) -> loopmap::model::Document {
    io::parse(&serde_json::to_string(v).unwrap()).unwrap()
}

#[track_caller]
fn close(a: f64, b: f64, tol: f64, what: &str) {
    assert!(
        (a - b).abs() <= tol * b.abs().max(1.0),
        "{what}: {a} vs {b} (diff {})",
        (a - b).abs()
    );
}

/// A map with one use node fed `base` a year: source → use → waste.
fn one_use(node: &Value, base_year: i64, base: f64, start: i64, end: i64) -> Value {
    let mut u = json!({ "id": "u", "label": "U", "kind": "use" });
    for (k, v) in node.as_object().unwrap() {
        u[k] = v.clone();
    }
    json!({
        "format": "loopmap", "version": 1,
        "meta": { "title": "one use", "year": base_year },
        "nodes": [ { "id": "s", "label": "S", "kind": "source" }, u,
                   { "id": "w", "label": "W", "kind": "waste" } ],
        "flows": [ { "id": "in", "from": "s", "to": "u", "amount": base },
                   { "id": "out", "from": "u", "to": "w", "amount": base } ],
        "roadmap": { "start": start, "end": end }
    })
}

#[test]
fn flodym_inflow_driven_dsm_gives_the_same_numbers() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/roadmap_flodym.json"),
    )
    .unwrap();
    let fixture: Value = serde_json::from_str(&text).unwrap();
    let cases = fixture["cases"].as_array().unwrap();
    assert!(cases.len() >= 3);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let map = one_use(
            &case["node"],
            case["base_year"].as_i64().unwrap(),
            case["base_inflow"].as_f64().unwrap(),
            case["start"].as_i64().unwrap(),
            case["end"].as_i64().unwrap(),
        );
        let r = roadmap::compute(&load(&map)).unwrap();
        let years: Vec<i32> = serde_json::from_value(case["years"].clone()).unwrap();
        assert_eq!(r.years, years, "{name}");
        let u = &r.uses[0];
        for (key, ours) in [
            ("inflow", &u.inflow),
            ("stock", &u.stock),
            ("outflow", &u.outflow),
        ] {
            let theirs: Vec<f64> = serde_json::from_value(case[key].clone()).unwrap();
            for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
                close(*a, *b, 1e-9, &format!("{name} {key} {}", years[i]));
            }
        }
    }
}

fn phi(z: f64) -> f64 {
    // Φ by its series, independent of the erfc the model uses.
    let (mut term, mut sum, mut k) = (z, z, 0.0);
    while term.abs() > 1e-17 {
        k += 1.0;
        term *= -z * z / 2.0 / k;
        sum += term / (2.0 * k + 1.0);
    }
    0.5 + sum / (2.0 * std::f64::consts::PI).sqrt()
}

#[test]
fn each_lifetime_model_matches_its_closed_form() {
    let s = |model, l: f64, sd: f64, shape: f64| Survival {
        model,
        lifetime: l,
        sd,
        shape,
    };
    let normal = s(LifetimeModel::Normal, 12.0, 4.0, 1.0);
    for a in [0.5, 3.0, 12.0, 15.5, 20.0] {
        close(normal.at(a), 1.0 - phi((a - 12.0) / 4.0), 1e-12, "normal");
    }
    let logn = s(LifetimeModel::Lognormal, 18.4, 5.52, 1.0);
    let s2 = (1.0f64 + 0.09).ln();
    let mu = 18.4f64.ln() - s2 / 2.0;
    for a in [10.0, 18.4, 25.0] {
        close(
            logn.at(a),
            1.0 - phi((a.ln() - mu) / s2.sqrt()),
            1e-12,
            "lognormal",
        );
    }
    // The median of a lognormal is exp(μ).
    close(logn.at(mu.exp()), 0.5, 1e-14, "lognormal median");
    // Weibull with k = 1 is the exponential with mean L; with k = 2, Γ(1.5) = √π / 2.
    let w1 = s(LifetimeModel::Weibull, 10.0, 3.0, 1.0);
    close(w1.at(7.0), (-0.7f64).exp(), 1e-12, "weibull k=1");
    let w2 = s(LifetimeModel::Weibull, 10.0, 3.0, 2.0);
    let scale = 10.0 / (std::f64::consts::PI.sqrt() / 2.0);
    close(
        w2.at(7.0),
        (-(7.0 / scale).powi(2)).exp(),
        1e-12,
        "weibull k=2",
    );
    let fixed = s(LifetimeModel::Fixed, 4.5, 1.0, 1.0);
    assert_eq!(
        (fixed.at(4.49), fixed.at(4.5), fixed.at(0.0)),
        (1.0, 0.0, 1.0)
    );
}

#[test]
fn a_fixed_lifetime_and_steady_inflow_keep_a_stock_of_lifetime_years() {
    let map = one_use(
        &json!({ "lifetime": 8, "lifetime_model": "fixed" }),
        2024,
        10.0,
        2000,
        2050,
    );
    let r = roadmap::compute(&load(&map)).unwrap();
    let u = &r.uses[0];
    let i = r.index_of(2024).unwrap();
    // Cohorts leave at age 8: the 8 latest cohorts are in use, one leaves each year.
    close(u.stock[i], 80.0, 1e-12, "stock");
    close(u.outflow[i], 10.0, 1e-12, "outflow");
    close(
        u.outflow[r.index_of(2008).unwrap()],
        10.0,
        1e-12,
        "first leaving year",
    );
    close(
        u.outflow[r.index_of(2007).unwrap()],
        0.0,
        1e-12,
        "nothing leaves earlier",
    );
    assert_eq!(u.model_eol, u.outflow[i]);
    assert_eq!(u.map_eol, 10.0);
}

#[test]
fn stock_change_is_inflow_minus_outflow_every_year_for_every_model() {
    for (model, extra) in [
        ("normal", json!({})),
        ("lognormal", json!({ "lifetime_sd": 9 })),
        ("weibull", json!({ "weibull_shape": 1.4 })),
        ("fixed", json!({})),
    ] {
        let mut node = json!({ "lifetime": 11.5, "lifetime_model": model,
                               "demand_growth": [[2030, 0.2], [2040, -0.1]],
                               "history_growth": 0.07, "inflows": { "2001": 0 } });
        for (k, v) in extra.as_object().unwrap() {
            node[k] = v.clone();
        }
        let r = roadmap::compute(&load(&one_use(&node, 2024, 50.0, 1990, 2060))).unwrap();
        let u = &r.uses[0];
        let mut before = 0.0;
        for y in 0..r.years.len() {
            close(u.stock[y] - before, u.inflow[y] - u.outflow[y], 1e-9, model);
            assert!(u.outflow[y] >= -1e-12 && u.stock[y] >= -1e-12, "{model}");
            before = u.stock[y];
        }
        assert_eq!(u.inflow[r.index_of(2001).unwrap()], 0.0);
    }
}

#[test]
fn the_base_years_returned_recycling_is_the_eol_recycling_numerator() {
    let doc = load(&base());
    let a = loopmap::analysis::analyse(&doc);
    let r = roadmap::from_analysis(&doc, &a).unwrap();
    let ind = &a.indicators;
    let numerator = ind.eol_recycling_rate.unwrap() * ind.eol_discards.unwrap();
    let summed: f64 = r.uses.iter().map(|u| u.return_shares[2] * u.map_eol).sum();
    close(summed, numerator, 1e-12, "recycle");
    // 40 t collected, a quarter of it recycled.
    close(summed, 10.0, 1e-12, "recycle amount");
    let i = r.index_of(2024).unwrap();
    close(
        r.returned.recycle[i],
        0.25 * r.eol[i],
        1e-12,
        "returned in the base year",
    );
    close(
        r.eol_ceiling[i].unwrap(),
        r.eol[i] / r.demand[i],
        1e-12,
        "ceiling",
    );
}

#[test]
fn a_roadmap_needs_a_year_and_a_solved_map() {
    let mut v = base();
    v["meta"].as_object_mut().unwrap().remove("year");
    assert_eq!(
        roadmap::compute(&load(&v)),
        Err(roadmap::RoadmapError::NoYear)
    );
    let mut v = base();
    v["flows"][1].as_object_mut().unwrap().remove("amount");
    assert!(matches!(
        roadmap::compute(&load(&v)),
        Err(roadmap::RoadmapError::NotSolved(_))
    ));
}

#[test]
fn default_years_run_from_forty_before_the_base_year_to_2050() {
    let mut v = base();
    v.as_object_mut().unwrap().remove("roadmap");
    let r = roadmap::compute(&load(&v)).unwrap();
    assert_eq!((r.years[0], *r.years.last().unwrap()), (1984, 2050));
    v["meta"]["year"] = json!(2030);
    let r = roadmap::compute(&load(&v)).unwrap();
    assert_eq!((r.years[0], *r.years.last().unwrap()), (1990, 2056));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    #[test]
    fn any_lifetime_and_growth_keep_the_stock_balanced(
        model in 0usize..4,
        lifetime in 0.5f64..40.0,
        spread in 0.05f64..0.8,
        shape in 0.5f64..6.0,
        growth in -0.5f64..0.5,
        history in -0.3f64..0.5,
    ) {
        let s = Survival {
            model: LifetimeModel::ALL[model],
            lifetime,
            sd: spread * lifetime,
            shape,
        };
        let mut last = 1.0;
        for k in 0..80 {
            let v = s.at(k as f64 * 0.5);
            proptest::prop_assert!((0.0..=1.0).contains(&v) && v <= last + 1e-15);
            last = v;
        }
        let node = json!({ "lifetime": lifetime, "lifetime_model": LifetimeModel::ALL[model].name(),
                           "lifetime_sd": spread * lifetime, "weibull_shape": shape,
                           "demand_growth": [[2035, growth]], "history_growth": history });
        let r = roadmap::compute(&load(&one_use(&node, 2024, 10.0, 1990, 2060))).unwrap();
        let u = &r.uses[0];
        let mut before = 0.0;
        for y in 0..r.years.len() {
            let change = u.stock[y] - before;
            let net = u.inflow[y] - u.outflow[y];
            proptest::prop_assert!((change - net).abs() <= 1e-9 * u.stock[y].abs().max(1.0));
            proptest::prop_assert!(u.outflow[y] >= -1e-12);
            before = u.stock[y];
        }
    }
}

/// The UK and global samples carry a demand path and a lifetime spread for each product,
/// and a history growth fitted so that the model's base-year end of life is within 25 %
/// of the map's (the description of each sample gives the match).
#[test]
fn the_samples_projected_fit_todays_end_of_life_within_a_quarter() {
    for sample in loopmap::io::samples::SAMPLES {
        if !sample.file_name.starts_with("uk-ndfeb") && !sample.file_name.starts_with("global") {
            continue;
        }
        let doc = sample.load().unwrap();
        let r = roadmap::compute(&doc).unwrap();
        assert_eq!(r.uses.len(), 4, "{}", sample.file_name);
        assert!(r.left_out.is_empty());
        for u in &r.uses {
            let node = doc.node(&u.id).unwrap();
            assert!(
                !node.demand_growth.is_empty(),
                "{}: {}",
                sample.file_name,
                u.id
            );
            assert!(
                node.history_growth.is_some(),
                "{}: {}",
                sample.file_name,
                u.id
            );
            let off = u.model_eol / u.map_eol - 1.0;
            assert!(
                off.abs() <= 0.25,
                "{} {}: model {} vs map {}",
                sample.file_name,
                u.id,
                u.model_eol,
                u.map_eol
            );
            let shown = format!("{:+.1} %", 100.0 * off);
            assert!(
                doc.meta.description.contains(&shown),
                "{} {}: the description gives {shown}",
                sample.file_name,
                u.id
            );
        }
    }
}
