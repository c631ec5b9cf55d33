//! The roadmap (indicators.md §9) of the UK sample: every product (four use nodes),
//! 1984–2050. Target (issue 15): under 2 ms. `from_analysis` is what the Roadmap tab
//! recomputes after each lever move (the editor has solved the map already); `compute`
//! solves the map first. The UK sample's targets with the roadmap (§11, the UK 2035 set,
//! the year met): under 2 ms too (issue 22), so the tab follows a lever drag live.

use criterion::{Criterion, criterion_group, criterion_main};

fn uk_roadmap(c: &mut Criterion) {
    let doc = loopmap::io::samples::default_sample().load().unwrap();
    let analysis = loopmap::analysis::analyse(&doc);
    let r = loopmap::analysis::roadmap::from_analysis(&doc, &analysis).unwrap();
    // The timing means something only for the whole span and every product.
    assert_eq!((r.years[0], *r.years.last().unwrap()), (1984, 2050));
    assert_eq!(r.uses.len(), 4);
    let mut group = c.benchmark_group("uk_roadmap_1984_2050");
    group.bench_function("from_analysis", |b| {
        b.iter(|| loopmap::analysis::roadmap::from_analysis(&doc, &analysis).unwrap())
    });
    group.bench_function("compute_with_solve", |b| {
        b.iter(|| loopmap::analysis::roadmap::compute(&doc).unwrap())
    });
    group.finish();
}

fn uk_targets(c: &mut Criterion) {
    use loopmap::analysis::targets;
    let doc = loopmap::io::samples::default_sample().load().unwrap();
    let rows = targets::builtin_set("uk-2035", &doc).unwrap();
    let analysis = loopmap::analysis::analyse(&doc);
    let report = targets::evaluate_analysed(&doc, &analysis, &rows);
    // The timing means something only with the roadmap behind the year met.
    assert!(report.recycling_path.is_some() && report.rows[1].has_year_met);
    let mut group = c.benchmark_group("uk_targets_with_roadmap");
    group.bench_function("evaluate_analysed", |b| {
        b.iter(|| targets::evaluate_analysed(&doc, &analysis, &rows))
    });
    group.bench_function("evaluate_with_solve", |b| {
        b.iter(|| targets::evaluate(&doc, &rows))
    });
    group.finish();
}

criterion_group!(benches, uk_roadmap, uk_targets);
criterion_main!(benches);
