//! Arrange (the whole layout pipeline: columns, order, coordinates) and routing the
//! arranged map for drawing. Targets (issue 12): the UK sample under 20 ms; a generated
//! map of 2,000 nodes and 4,000 flows under 1 s.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use loopmap::analysis::analyse;
use loopmap::io::samples;
use loopmap::layout::{self, Options};

fn arrange(c: &mut Criterion) {
    let uk = samples::default_sample()
        .load()
        .expect("the UK sample loads");
    let uk_amounts = analyse(&uk).solution.flows;
    let big = common::drawing_map(2_000);
    assert!(big.flows.len() >= 3_990, "{} flows", big.flows.len());
    let big_amounts = analyse(&big).solution.flows;
    let mut group = c.benchmark_group("arrange");
    group.bench_function("uk_sample", |b| {
        b.iter(|| layout::arrange(&uk, &uk_amounts, Options::default()))
    });
    group.bench_function("uk_sample_route", |b| {
        b.iter(|| layout::shapes(&uk, &uk_amounts, layout::Drawing::SANKEY))
    });
    group.sample_size(10);
    group.bench_function("generated_2000_nodes_4000_flows", |b| {
        b.iter(|| layout::arrange(&big, &big_amounts, Options::default()))
    });
    let mut arranged = big.clone();
    layout::arrange_in_place(&mut arranged, &big_amounts, Options::default());
    group.bench_function("generated_2000_nodes_4000_flows_route", |b| {
        b.iter(|| layout::shapes(&arranged, &big_amounts, layout::Drawing::SANKEY))
    });
    group.finish();
}

criterion_group!(benches, arrange);
criterion_main!(benches);
