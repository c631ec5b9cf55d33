//! The roadmap (indicators.md §9) of the UK sample: every product (four use nodes),
//! 1984–2050. Target (issue 15): under 2 ms. `from_analysis` is what the Roadmap tab
//! recomputes after each lever move (the editor has solved the map already); `compute`
//! solves the map first.

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

criterion_group!(benches, uk_roadmap);
criterion_main!(benches);
