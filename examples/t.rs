#[path = "../benches/common/mod.rs"]
mod common;
fn main() {
    let plain = common::magnet_chains(10_000usize.div_ceil(13));
    let doc = common::with_uncertainty(plain.clone(), 10);
    let topo = loopmap::analysis::topology::Topology::new(&doc);
    let t = std::time::Instant::now();
    let rec = loopmap::analysis::reconcile::reconcile(&doc, &topo).unwrap();
    println!("reconcile {:?} iterations {}", t.elapsed(), rec.iterations);
    let t = std::time::Instant::now();
    let mut n = 0;
    let _ = rec.spread(|_, _| n += 1);
    println!("spread {:?} ({n} directions)", t.elapsed());
    let flows = loopmap::analysis::analyse(&plain).solution.flows;
    let t = std::time::Instant::now();
    for _ in 0..10 {
        let _ = loopmap::analysis::uncertainty::figures(&doc, &topo, &flows);
    }
    println!("figures {:?}", t.elapsed() / 10);
    let t = std::time::Instant::now();
    for _ in 0..10 {
        let _ = loopmap::analysis::indicators::compute(&doc, &topo, &flows);
    }
    println!("indicators {:?}", t.elapsed() / 10);
    let uk = loopmap::io::load(std::path::Path::new(
        "sample_maps/uk-ndfeb-magnets.loopmap.json",
    ))
    .unwrap();
    let topo = loopmap::analysis::topology::Topology::new(&uk);
    let t = std::time::Instant::now();
    for _ in 0..100 {
        let _ = loopmap::analysis::reconcile::reconcile(&uk, &topo);
    }
    println!("uk reconcile {:?}", t.elapsed() / 100);
    let rec = loopmap::analysis::reconcile::reconcile(&uk, &topo).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..100 {
        let _ = rec.spread(|_, _| {});
    }
    println!("uk spread {:?}", t.elapsed() / 100);
    let flows = loopmap::analysis::analyse(&uk).solution.flows;
    let t = std::time::Instant::now();
    for _ in 0..100 {
        let _ = loopmap::analysis::uncertainty::figures(&uk, &topo, &flows);
    }
    println!("uk figures {:?}", t.elapsed() / 100);
    let t = std::time::Instant::now();
    for _ in 0..100 {
        let _ = loopmap::analysis::analyse(&uk);
    }
    println!("uk analyse {:?}", t.elapsed() / 100);
}
