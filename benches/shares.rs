//! One node with N share outflows (issue 13, item 2): solving must be linear in N.
//! Target: 100,000 shares under 1 s (and 300 MB; measure memory with
//! `/usr/bin/time -v loopmap check` on a generated file).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
mod common;

fn share_fan(c: &mut Criterion) {
    let mut group = c.benchmark_group("share_outflows_analyse");
    group.sample_size(10);
    for shares in [1_000usize, 10_000, 100_000] {
        let doc = common::share_fan(shares);
        let check = loopmap::analysis::analyse(&doc);
        assert_eq!(check.solution.status, loopmap::analysis::Status::Ok);
        group.bench_with_input(BenchmarkId::from_parameter(shares), &doc, |b, doc| {
            b.iter(|| loopmap::analysis::analyse(doc))
        });
    }
    group.finish();
}

/// A chain of nodes (item 1): every graph walk is iterative and linear.
fn chain(c: &mut Criterion) {
    let mut group = c.benchmark_group("chain_analyse");
    group.sample_size(10);
    for nodes in [10_000usize, 100_000] {
        let doc = common::chain(nodes);
        group.bench_with_input(BenchmarkId::from_parameter(nodes), &doc, |b, doc| {
            b.iter(|| loopmap::analysis::analyse(doc))
        });
    }
    group.finish();
}

criterion_group!(benches, share_fan, chain);
criterion_main!(benches);
