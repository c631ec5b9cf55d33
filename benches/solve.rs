//! Load + solve + indicators on generated maps of 1,000, 10,000 and 100,000 flows, with
//! recycle loops that tie every chain into one ring (one large block for the solver).
//! Targets (issue 2): 10,000 flows under 20 ms, 100,000 under 300 ms. Provenance for every
//! stage (issue 6): 10,000 flows inside 20 ms.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
mod common;

use common::magnet_chains as generated_map;

fn load_solve_indicators(c: &mut Criterion) {
    let mut group = c.benchmark_group("load_solve_indicators");
    group.sample_size(10);
    for flows in [1_000usize, 10_000, 100_000] {
        let doc = generated_map(flows.div_ceil(13));
        let text = loopmap::io::to_canonical_string(&doc);
        // The generated map must be a real, solvable map, or the timing means nothing.
        let check = loopmap::analysis::analyse(&doc);
        assert_eq!(check.solution.status, loopmap::analysis::Status::Ok);
        group.bench_with_input(BenchmarkId::from_parameter(flows), &text, |b, text| {
            b.iter(|| {
                let doc = loopmap::io::parse(text).expect("generated map loads");
                loopmap::analysis::analyse(&doc)
            })
        });
    }
    group.finish();
}

fn solve_indicators(c: &mut Criterion) {
    let mut group = c.benchmark_group("solve_indicators");
    group.sample_size(10);
    for flows in [1_000usize, 10_000, 100_000] {
        let doc = generated_map(flows.div_ceil(13));
        group.bench_with_input(BenchmarkId::from_parameter(flows), &doc, |b, doc| {
            b.iter(|| loopmap::analysis::analyse(doc))
        });
    }
    group.finish();
}

/// Provenance for every stage of a solved map (issue 6: 10,000 flows inside 20 ms).
fn provenance(c: &mut Criterion) {
    let mut group = c.benchmark_group("provenance_all_stages");
    group.sample_size(10);
    for flows in [1_000usize, 10_000] {
        let doc = generated_map(flows.div_ceil(13));
        let a = loopmap::analysis::analyse(&doc);
        assert_eq!(a.concentration.stages.len(), 4);
        group.bench_with_input(BenchmarkId::from_parameter(flows), &doc, |b, doc| {
            b.iter(|| a.provenance(doc).expect("a solved map has a provenance"))
        });
    }
    group.finish();
}

criterion_group!(benches, load_solve_indicators, solve_indicators, provenance);
criterion_main!(benches);
