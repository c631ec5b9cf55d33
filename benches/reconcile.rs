//! Reconciliation and ranges (issue 25): the UK sample reconciled with the σ of every flow
//! and indicator and the contributions (target ≤ 2 ms); Monte Carlo with 1,000 draws on
//! it (≤ 1 s); a generated 10,000-flow map with uncertain sources, shares and estimates,
//! in process and as a whole `loopmap indicators --json` (≤ 1 s, ≤ 4× the same map
//! without uncertainty), and a 100,000-flow map without uncertainty as a whole process.
//! The generated maps are kept in `target/bench-maps/`, so that another build's binary
//! can be timed on the same files.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{Criterion, criterion_group, criterion_main};
use loopmap::analysis::{analyse, uncertainty};

fn uk_sample() -> loopmap::model::Document {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sample_maps/uk-ndfeb-magnets.loopmap.json"
    );
    loopmap::io::load(std::path::Path::new(path)).expect("the UK sample loads")
}

fn uk(c: &mut Criterion) {
    let doc = uk_sample();
    let a = analyse(&doc);
    let u = a
        .uncertainty
        .as_ref()
        .expect("the UK sample has uncertain figures");
    assert!(u.test.dof > 0, "the UK sample reconciles something");
    c.bench_function("reconcile_uk_sample_with_ranges", |b| {
        b.iter(|| analyse(&doc))
    });
    let mut group = c.benchmark_group("monte_carlo_uk_sample");
    group.sample_size(10);
    group.bench_function("1000_draws", |b| {
        b.iter(|| uncertainty::intervals(&doc, 1000, |_| true).expect("converges"))
    });
    group.finish();
}

fn generated(c: &mut Criterion) {
    let plain = common::magnet_chains(10_000usize.div_ceil(13));
    let uncertain = common::with_uncertainty(plain.clone(), 10);
    let a = analyse(&uncertain);
    let u = a.uncertainty.as_ref().expect("uncertain");
    assert!(a.solution.status.is_solved(), "{:?}", a.messages);
    eprintln!(
        "10,000-flow map: {} measurements, {} degrees of freedom",
        u.measurements.len(),
        u.test.dof
    );
    let mut group = c.benchmark_group("indicators_10000_flows");
    group.sample_size(10);
    group.bench_function("in_process_uncertain", |b| b.iter(|| analyse(&uncertain)));
    for (name, doc) in [("plain", &plain), ("uncertain", &uncertain)] {
        let path = kept(doc, &format!("{name}-10000"));
        group.bench_function(format!("whole_process_json_{name}"), |b| {
            b.iter(|| indicators_json(&path))
        });
    }
    group.finish();
    let large = kept(
        &common::magnet_chains(100_000usize.div_ceil(13)),
        "plain-100000",
    );
    let mut group = c.benchmark_group("indicators_100000_flows");
    group.sample_size(10);
    group.bench_function("whole_process_json_plain", |b| {
        b.iter(|| indicators_json(&large))
    });
    group.finish();
}

/// The map saved in `target/bench-maps/NAME.loopmap.json`.
fn kept(doc: &loopmap::model::Document, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-maps");
    std::fs::create_dir_all(&dir).expect("a folder for the generated maps");
    let path = dir.join(format!("{name}.loopmap.json"));
    loopmap::io::save(doc, &path).expect("saved");
    path
}

/// `loopmap indicators --json PATH` as a whole process; the length of what it prints.
fn indicators_json(path: &Path) -> usize {
    let out = Command::new(env!("CARGO_BIN_EXE_loopmap"))
        .args(["indicators", "--json"])
        .arg(path)
        .output()
        .expect("loopmap runs");
    assert!(out.status.success());
    out.stdout.len()
}

criterion_group!(benches, uk, generated);
criterion_main!(benches);
