//! Reconciliation of uncertain and conflicting figures (indicators.md §10), through the
//! public API: worked cases, bad input, and properties on random maps.

use loopmap::analysis::reconcile::What;
use loopmap::analysis::uncertainty::{self, Figure};
use loopmap::analysis::{Analysis, Status, analyse};
use loopmap::io;
use loopmap::model::{Document, Estimate, Flow, FlowValue, Loop, Node, NodeKind};
use proptest::prelude::*;

fn node(doc: &mut Document, id: &str, kind: NodeKind) {
    doc.nodes.push(Node::new(id, id.to_uppercase(), kind));
}

fn flow(doc: &mut Document, id: &str, from: &str, to: &str, value: FlowValue) -> usize {
    let mut f = Flow::new(id, from, to);
    f.value = value;
    doc.flows.push(f);
    doc.flows.len() - 1
}

/// mine → plant → use → landfill, the mine's amount 100 ± 10 %.
fn chain() -> Document {
    let mut doc = Document::new("chain");
    node(&mut doc, "mine", NodeKind::Source);
    node(&mut doc, "plant", NodeKind::Process);
    node(&mut doc, "use", NodeKind::Use);
    node(&mut doc, "land", NodeKind::Waste);
    let f = flow(&mut doc, "f1", "mine", "plant", FlowValue::Amount(100.0));
    doc.flows[f].uncertainty = Some(0.1);
    flow(&mut doc, "f2", "plant", "use", FlowValue::Auto);
    flow(&mut doc, "f3", "use", "land", FlowValue::Auto);
    doc
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn a_measurement_no_balance_checks_keeps_its_entered_value_and_sigma() {
    let doc = chain();
    let a = analyse(&doc);
    // Nothing is measured twice: solved, not reconciled, and nothing to test.
    assert_eq!(a.solution.status, Status::Ok);
    let u = a.uncertainty.as_ref().expect("an uncertain map has ranges");
    assert_eq!(u.test.dof, 0);
    let m = &u.measurements[0];
    assert!(close(m.reconciled, 100.0, 1e-12), "{m:?}");
    assert!(close(m.sigma, 10.0, 1e-9), "{m:?}");
    assert_eq!(m.residual, None);
    // The σ carries down the chain, and into the amounts' indicators.
    for s in &u.flow_sigma {
        assert!(close(s.unwrap(), 10.0, 1e-9), "{:?}", u.flow_sigma);
    }
    assert!(close(u.sigma_of("virgin_input").unwrap(), 10.0, 1e-6));
    assert!(u.verdict(&doc).starts_with("nothing to test"));
}

#[test]
fn an_estimate_that_agrees_is_averaged_in_and_the_data_fit() {
    let mut doc = chain();
    doc.flows[2].estimates.push(Estimate::new(102.0, 0.1));
    let a = analyse(&doc);
    assert_eq!(a.solution.status, Status::Reconciled);
    let u = a.uncertainty.as_ref().unwrap();
    assert_eq!(u.test.dof, 1);
    assert!(u.test.fits());
    assert!(u.suspects.is_empty());
    // Inverse-variance weights: (100/10² + 102/10.2²) / (1/10² + 1/10.2²).
    let (w1, w2) = (1.0 / 100.0, 1.0 / 10.2f64.powi(2));
    let mean = (100.0 * w1 + 102.0 * w2) / (w1 + w2);
    assert!(close(a.solution.flows[1].unwrap(), mean, 1e-9));
    assert!(close(
        u.flow_sigma[1].unwrap(),
        (1.0 / (w1 + w2)).sqrt(),
        1e-9
    ));
    assert!(
        u.verdict(&doc).starts_with("the data fit"),
        "{}",
        u.verdict(&doc)
    );
}

#[test]
fn an_unobservable_flow_is_undetermined_while_the_rest_is_reconciled() {
    let mut doc = chain();
    doc.flows[1]
        .estimates
        .push(Estimate::new(110.0, 10.0 / 110.0));
    // The use node splits its discards two ways with nothing to say how.
    node(&mut doc, "dump", NodeKind::Waste);
    doc.flows[2].to = "land".into();
    flow(&mut doc, "f4", "use", "dump", FlowValue::Auto);
    let a = analyse(&doc);
    assert_eq!(a.solution.status, Status::Underdetermined);
    assert_eq!(a.solution.flows[2], None);
    assert_eq!(a.solution.flows[3], None);
    let u = a.uncertainty.as_ref().unwrap();
    assert!(close(a.solution.flows[0].unwrap(), 105.0, 1e-9));
    assert!(close(u.flow_sigma[0].unwrap(), 50f64.sqrt(), 1e-9));
    assert_eq!(u.flow_sigma[2], None);
    assert_eq!(u.test.dof, 1);
    assert!(close(u.test.chi2, 0.5, 1e-9));
}

#[test]
fn exact_figures_that_contradict_each_other_are_inconsistent_whatever_is_uncertain() {
    let mut doc = chain();
    doc.flows[1].value = FlowValue::Amount(50.0);
    doc.flows[2].value = FlowValue::Amount(60.0);
    let a = analyse(&doc);
    assert_eq!(a.solution.status, Status::Inconsistent);
}

#[test]
fn estimates_on_an_exact_amount_are_ignored_with_a_warning() {
    let mut doc = chain();
    doc.flows[0].uncertainty = None;
    doc.flows[0].estimates.push(Estimate::new(90.0, 0.2));
    let a = analyse(&doc);
    assert!(a.uncertainty.is_none(), "nothing is uncertain then");
    assert_eq!(a.solution.flows[1], Some(100.0));
    let warning = a
        .diagnostics
        .iter()
        .find(|d| d.message.contains("estimate is ignored"))
        .expect("a warning names the ignored estimate");
    assert_eq!(
        warning.subject,
        loopmap::analysis::Subject::Flow("f1".into())
    );
}

#[test]
fn a_suspect_is_named_with_its_entered_value_source_and_what_the_map_implies() {
    let mut doc = chain();
    let mut e = Estimate::new(200.0, 0.1);
    e.source = "customs".into();
    e.by = "trade body".into();
    doc.flows[2].estimates.push(e);
    let a = analyse(&doc);
    let u = a.uncertainty.as_ref().unwrap();
    assert!(!u.test.fits());
    assert_eq!(u.suspects.len(), 2);
    let text: Vec<&str> = a
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("suspect"))
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(text.len(), 2, "{text:?}");
    let estimate = text
        .iter()
        .find(|t| t.contains("customs, by trade body"))
        .expect("the estimate's source is named");
    // With the estimate left out, the mine's 100 ± 10 is what the map implies.
    assert!(
        estimate.contains("the rest of the map implies 100 ± 10 t/yr"),
        "{estimate}"
    );
    assert!(u.verdict(&doc).starts_with("the data disagree"));
}

/// The field's textbook case (as STAN's tutorials): three processes, seven flows, four
/// uncertain figures that do not balance and a transfer coefficient. Refused as
/// inconsistent before reconciliation; now every figure has a value and a range.
fn textbook() -> Document {
    let mut doc = Document::new("textbook");
    for (id, kind) in [
        ("import", NodeKind::Source),
        ("p1", NodeKind::Process),
        ("p2", NodeKind::Process),
        ("p3", NodeKind::Process),
        ("export", NodeKind::Export),
        ("land", NodeKind::Waste),
    ] {
        node(&mut doc, id, kind);
    }
    let measured = |doc: &mut Document, id, from, to, value, u| {
        let f = flow(doc, id, from, to, value);
        doc.flows[f].uncertainty = u;
    };
    measured(
        &mut doc,
        "f1",
        "import",
        "p1",
        FlowValue::Amount(100.0),
        Some(0.1),
    );
    measured(
        &mut doc,
        "f2",
        "p1",
        "p2",
        FlowValue::Amount(80.0),
        Some(0.1),
    );
    measured(&mut doc, "f3", "p1", "land", FlowValue::Auto, None);
    measured(&mut doc, "f4", "p2", "p3", FlowValue::Share(0.7), None);
    measured(
        &mut doc,
        "f5",
        "p2",
        "export",
        FlowValue::Amount(30.0),
        Some(0.2),
    );
    measured(
        &mut doc,
        "f6",
        "p3",
        "export",
        FlowValue::Amount(50.0),
        Some(0.1),
    );
    measured(&mut doc, "f7", "p3", "land", FlowValue::Auto, None);
    doc
}

#[test]
fn the_textbook_case_is_reconciled_not_refused() {
    let doc = textbook();
    let mut exact = doc.clone();
    for f in &mut exact.flows {
        f.uncertainty = None;
    }
    assert_eq!(analyse(&exact).solution.status, Status::Inconsistent);
    let a = analyse(&doc);
    assert_eq!(a.solution.status, Status::Reconciled, "{:?}", a.messages);
    assert!(a.solution.flows.iter().all(Option::is_some));
    assert!(a.indicators.virgin_input.is_some());
    let u = a.uncertainty.as_ref().unwrap();
    // p2: 80 in, 70 % on → f4 = 0.7 f2, f5 = 0.3 f2; p3 passes f4 on: f6 + f7 = f4.
    let f = |i: usize| a.solution.flows[i].unwrap();
    assert!(close(f(3), 0.7 * f(1), 1e-9));
    assert!(close(f(4), 0.3 * f(1), 1e-9));
    assert!(close(f(0), f(1) + f(2), 1e-9));
    assert!(u.test.dof >= 1);
    assert!(u.flow_sigma.iter().all(|s| s.is_some_and(|s| s > 0.0)));
}

#[test]
fn a_measured_share_is_reconciled_with_its_sigma() {
    let doc = io::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/reconcile-loop.loopmap.json"
    )))
    .unwrap();
    let a = analyse(&doc);
    let u = a.uncertainty.as_ref().unwrap();
    let (share, sigma) = u.share(2).expect("f3's share is measured");
    assert!(close(share, 0.38864818919278, 1e-9));
    assert!(close(sigma, 0.08255424326553182, 1e-7));
    assert!(
        u.iterations > 1,
        "a measured share takes several linearisations"
    );
    assert!(u.converged);
    // The collection rate's variance comes from all three figures, the share first.
    let ranged = u.figure(&Figure::Indicator("collection_rate")).unwrap();
    let top = u.contributors(ranged);
    assert_eq!(u.measurements[top[0].0].measurement.what, What::Share);
    let total: f64 = ranged.contributions.iter().sum();
    assert!(close(total, 1.0, 1e-9));
}

#[test]
fn monte_carlo_intervals_are_repeatable_and_bracket_the_value() {
    let doc = io::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/reconcile-loop.loopmap.json"
    )))
    .unwrap();
    let a = uncertainty::intervals(&doc, 400, |_| true).unwrap();
    let b = uncertainty::intervals(&doc, 400, |_| true).unwrap();
    assert_eq!(a, b, "a fixed seed gives the same intervals");
    let mci = a
        .iter()
        .find(|i| i.figure == Figure::Indicator("mci"))
        .unwrap();
    let value = analyse(&doc).indicators.mci.unwrap();
    assert!(
        mci.low.unwrap() < value && value < mci.high.unwrap(),
        "{mci:?}"
    );
    assert_eq!(mci.draws, 400);
}

#[test]
fn bad_estimates_are_refused_with_the_place_named() {
    let base = r#"{"format": "loopmap", "version": 1, "meta": {},
        "nodes": [{"id": "a", "label": "A", "kind": "source"},
                  {"id": "b", "label": "B", "kind": "waste"}],
        "flows": [{"id": "f", "from": "a", "to": "b", "amount": 5, "uncertainty": 0.1,
                   "estimates": [ESTIMATE]}]}"#;
    for (estimate, expected) in [
        (r#"{"uncertainty": 0.1}"#, "missing field `amount`"),
        (
            r#"{"amount": 0, "uncertainty": 0.1}"#,
            "estimate #1: `amount` must be above 0, got 0",
        ),
        (
            r#"{"amount": 4, "uncertainty": 0}"#,
            "estimate #1: `uncertainty` must be above 0, got 0",
        ),
        (
            r#"{"amount": -4, "uncertainty": 0.2}"#,
            "estimate #1: `amount` must be above 0, got -4",
        ),
    ] {
        let text = base.replace("ESTIMATE", estimate);
        let e = io::parse(&text).expect_err(estimate).to_string();
        assert!(e.contains("flow 'f'"), "{e}");
        assert!(e.contains(expected), "{e}");
    }
}

#[test]
fn estimates_are_saved_canonically_and_byte_stable() {
    let mut doc = chain();
    let mut e = Estimate::new(110.0, 0.15);
    e.source = "trade statistics".into();
    e.by = "HMRC".into();
    doc.flows[1].estimates.push(e);
    let text = io::to_canonical_string(&doc);
    assert!(text.contains(r#""source": "trade statistics""#), "{text}");
    let back = io::parse(&text).unwrap();
    assert_eq!(back, doc);
    assert_eq!(io::to_canonical_string(&back), text);
}

/// A chain of processes, each sending a share to waste (some shares uncertain) and some a
/// recycle share back; the source's amount uncertain; estimates on forward flows at the
/// solved values times `noise`.
fn uncertain_map() -> impl Strategy<Value = Document> {
    (2usize..7)
        .prop_flat_map(|n| {
            (
                10.0..1000.0f64,
                0.02..0.3f64,
                prop::collection::vec(
                    (
                        0.05..0.4f64,
                        prop::option::of(0.05..0.3f64),
                        prop::option::of(0.02..0.3f64),
                    ),
                    n,
                ),
                prop::collection::vec(prop::option::of((0.8..1.25f64, 0.05..0.3f64)), n),
            )
        })
        .prop_map(|(amount, u, steps, estimates)| {
            let n = steps.len();
            let mut doc = Document::new("uncertain");
            node(&mut doc, "src", NodeKind::Source);
            node(&mut doc, "land", NodeKind::Waste);
            for i in 0..n {
                node(&mut doc, &format!("p{i}"), NodeKind::Process);
            }
            let f = flow(&mut doc, "feed", "src", "p0", FlowValue::Amount(amount));
            doc.flows[f].uncertainty = Some(u);
            for (i, (waste, back, uw)) in steps.iter().enumerate() {
                let p = format!("p{i}");
                let w = flow(
                    &mut doc,
                    &format!("w{i}"),
                    &p,
                    "land",
                    FlowValue::Share(*waste),
                );
                doc.flows[w].uncertainty = *uw;
                if let Some(r) = back.filter(|_| i > 0) {
                    let b = flow(
                        &mut doc,
                        &format!("r{i}"),
                        &p,
                        &format!("p{}", i - 1),
                        FlowValue::Share(r),
                    );
                    doc.flows[b].loop_kind = Loop::Recycle;
                }
                let next = if i + 1 < n {
                    format!("p{}", i + 1)
                } else {
                    "land".into()
                };
                flow(&mut doc, &format!("on{i}"), &p, &next, FlowValue::Auto);
            }
            let solved = analyse(&doc).solution.flows;
            for (i, e) in estimates.iter().enumerate() {
                if let Some((noise, ue)) = e {
                    let f = doc
                        .flows
                        .iter()
                        .position(|f| f.id == format!("on{i}"))
                        .unwrap();
                    let a = solved[f].unwrap();
                    if a > 1e-6 {
                        doc.flows[f].estimates.push(Estimate::new(a * noise, *ue));
                    }
                }
            }
            doc
        })
}

fn balance_residual(doc: &Document, a: &Analysis) -> f64 {
    let mut worst: f64 = 0.0;
    for node in doc.nodes.iter().filter(|n| n.kind.is_balanced()) {
        let sum = |inflow: bool| -> f64 {
            doc.flows
                .iter()
                .zip(&a.solution.flows)
                .filter(|(f, _)| {
                    if inflow {
                        f.to == node.id
                    } else {
                        f.from == node.id
                    }
                })
                .map(|(_, v)| v.unwrap())
                .sum()
        };
        let (i, o) = (sum(true), sum(false));
        worst = worst.max((i - o).abs() / i.abs().max(o.abs()).max(1e-300));
    }
    worst
}

fn scaled(doc: &Document, k: f64) -> Document {
    let mut out = doc.clone();
    for f in &mut out.flows {
        if let FlowValue::Amount(a) = f.value {
            f.value = FlowValue::Amount(a * k);
        }
        for e in &mut f.estimates {
            e.amount *= k;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn reconciled_values_meet_every_balance(doc in uncertain_map()) {
        let a = analyse(&doc);
        prop_assert!(a.solution.status.is_solved(), "{:?} {}", a.messages, io::to_canonical_string(&doc));
        prop_assert!(balance_residual(&doc, &a) < 1e-9);
        let u = a.uncertainty.as_ref().unwrap();
        // Each measured share holds at its reconciled value.
        for m in u.measurements.iter().filter(|m| m.measurement.what == What::Share) {
            let f = &doc.flows[m.measurement.flow];
            let total: f64 = doc.flows.iter().zip(&a.solution.flows)
                .filter(|(g, _)| g.from == f.from).map(|(_, v)| v.unwrap()).sum();
            let amount = a.solution.flows[m.measurement.flow].unwrap();
            prop_assert!(close(amount, m.reconciled * total, 1e-9));
        }
    }

    #[test]
    fn scaling_every_amount_scales_flows_and_sigma_and_keeps_the_test(doc in uncertain_map(), k in 0.001..1000.0f64) {
        let (a, b) = (analyse(&doc), analyse(&scaled(&doc, k)));
        let (ua, ub) = (a.uncertainty.as_ref().unwrap(), b.uncertainty.as_ref().unwrap());
        for (x, y) in a.solution.flows.iter().zip(&b.solution.flows) {
            prop_assert!(close(x.unwrap() * k, y.unwrap(), 1e-8));
        }
        for (x, y) in ua.flow_sigma.iter().zip(&ub.flow_sigma) {
            prop_assert!(close(x.unwrap() * k, y.unwrap(), 1e-7), "{x:?} {y:?}");
        }
        prop_assert!(close(ua.test.chi2, ub.test.chi2, 1e-7));
        prop_assert_eq!(ua.test.dof, ub.test.dof);
        for (x, y) in ua.measurements.iter().zip(&ub.measurements) {
            match (x.residual, y.residual) {
                (Some(p), Some(q)) => prop_assert!(close(p, q, 1e-6), "{p} {q}"),
                (p, q) => prop_assert_eq!(p.is_some(), q.is_some()),
            }
        }
    }

    #[test]
    fn without_uncertainty_the_results_are_todays_bit_for_bit(doc in uncertain_map()) {
        let mut exact = doc.clone();
        for f in &mut exact.flows {
            // An uncertainty of 0 is exact; estimates go with it.
            f.uncertainty = f.uncertainty.map(|_| 0.0);
            f.estimates.clear();
        }
        let a = analyse(&exact);
        prop_assert!(a.uncertainty.is_none());
        let topo = loopmap::analysis::topology::Topology::new(&exact);
        prop_assert_eq!(&a.solution, &loopmap::analysis::solve::solve_flows(&exact, &topo));
    }
}

proptest! {
    // A statistical check (three standard errors, on several figures) fails now and then on
    // some random map even when nothing is wrong: the maps are drawn from a fixed seed, so
    // that the suite gives the same verdict on every run.
    #![proptest_config(ProptestConfig {
        cases: 8,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x0100_b3a9),
        ..ProptestConfig::default()
    })]

    /// For small σ the non-linearities do not matter: the Monte Carlo mean and spread of
    /// each indicator agree with the first-order value and σ within three standard errors.
    /// (On data that agree: where they disagree, first order, as STAN, leaves out how the
    /// adjustments bend a measured share's equation.)
    #[test]
    fn monte_carlo_agrees_with_first_order_for_small_sigma(doc in uncertain_map()) {
        let mut small = doc.clone();
        let mut exact = doc.clone();
        for f in &mut exact.flows {
            f.uncertainty = None;
            f.estimates.clear();
        }
        let solved = analyse(&exact).solution.flows;
        for (f, a) in small.flows.iter_mut().zip(solved) {
            f.uncertainty = f.uncertainty.map(|u| u / 20.0);
            for e in &mut f.estimates {
                e.uncertainty /= 20.0;
                e.amount = a.unwrap();
            }
        }
        let a = analyse(&small);
        let u = a.uncertainty.as_ref().unwrap();
        let draws = 400;
        let intervals = uncertainty::intervals(&small, draws, |_| true).unwrap();
        for key in ["virgin_input", "waste", "recycled_content", "lfi"] {
            let r = u.figure(&Figure::Indicator(key)).unwrap();
            let iv = intervals.iter().find(|i| i.figure == Figure::Indicator(key)).unwrap();
            let (Some(value), Some(sigma), Some(mean), Some(sd)) = (r.value, r.sigma, iv.mean, iv.spread) else {
                continue;
            };
            let n = iv.draws as f64;
            let tol = 1e-8 * value.abs().max(1.0);
            prop_assert!((mean - value).abs() <= 3.0 * sigma / n.sqrt() + tol,
                "{key}: mean {mean} vs {value} ± {sigma}");
            // The standard error of a standard deviation from n draws is σ / √(2(n − 1)).
            prop_assert!((sd - sigma).abs() <= 3.0 * sigma / (2.0 * (n - 1.0)).sqrt() + tol,
                "{key}: spread {sd} vs σ {sigma}");
        }
    }
}

/// σ of every figure as §10 defines it, the slow way: each entered value moved a little
/// up and down, the map reconciled and solved again, every figure evaluated again.
fn sigma_by_reconciling_again(doc: &Document) -> Vec<(Figure, Option<f64>)> {
    use loopmap::analysis::reconcile;
    use loopmap::analysis::topology::Topology;
    let topo = Topology::new(doc);
    let rec = reconcile::reconcile(doc, &topo).unwrap();
    let at = |entered: &[f64]| {
        let point = rec.redo(entered).unwrap();
        let flows = loopmap::analysis::solve::solve_flows(&rec.map_at(doc, &point), &topo).flows;
        uncertainty::figures(doc, &topo, &flows)
    };
    let entered = reconcile::entered(&rec.problem);
    let base = at(&entered);
    let mut variance: Vec<Option<f64>> = vec![Some(0.0); base.len()];
    for (k, m) in rec.problem.measurements.iter().enumerate() {
        let step = 1e-4 * m.sigma;
        let moved = |by: f64| {
            let mut e = entered.clone();
            e[k] += by;
            at(&e)
        };
        let (up, down) = (moved(step), moved(-step));
        for (v, (u, d)) in variance.iter_mut().zip(up.iter().zip(&down)) {
            *v = match (*v, u.1, d.1) {
                (Some(v), Some(u), Some(d)) => Some(v + ((u - d) / (2.0 * step) * m.sigma).powi(2)),
                _ => None,
            };
        }
    }
    base.into_iter()
        .zip(variance)
        .map(|((f, _), v)| (f, v.map(f64::sqrt)))
        .collect()
}

#[test]
fn figure_ranges_agree_with_reconciling_again_for_every_entered_value() {
    let uk = io::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sample_maps/uk-ndfeb-magnets.loopmap.json"
    )))
    .unwrap();
    // With the shares exact the equations are linear, and the derivative of the optimum
    // is the linearisation's (with uncertain shares §10 propagates the linearisation at
    // the optimum, leaving out how the adjustments bend a share's equation).
    let linear = |mut doc: Document| {
        for f in &mut doc.flows {
            if matches!(f.value, FlowValue::Share(_)) {
                f.uncertainty = None;
            }
        }
        doc
    };
    // The provenance shares of §6 (certified, domestic per stage) are compared too.
    let mut provenance = 0;
    for doc in [linear(uk), linear(textbook())] {
        let a = analyse(&doc);
        let u = a.uncertainty.as_ref().unwrap();
        let slow = sigma_by_reconciling_again(&doc);
        assert_eq!(u.figures.len(), slow.len());
        let mut compared = 0;
        for (ranged, (figure, sigma)) in u.figures.iter().zip(&slow) {
            assert_eq!(&ranged.figure, figure);
            let (Some(fast), Some(slow)) = (ranged.sigma, sigma) else {
                assert_eq!(ranged.sigma.is_some(), sigma.is_some(), "{figure:?}");
                continue;
            };
            compared += 1;
            if matches!(figure, Figure::Certified | Figure::Domestic(_)) && *slow > 1e-6 {
                provenance += 1;
            }
            assert!(
                // (A figure that does not move at all still gets round-off over the step.)
                (fast - slow).abs() <= 1e-4 * slow.abs() + 1e-8 * ranged.value.unwrap().abs(),
                "{figure:?}: σ {fast} propagated, {slow} by reconciling again"
            );
        }
        assert!(
            compared >= 10,
            "{} σ compared on {}",
            compared,
            doc.meta.title
        );
    }
    assert!(provenance >= 3, "{provenance} provenance shares compared");
}
