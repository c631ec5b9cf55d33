//! Any bytes given to the loader: a map or a clear refusal, never a panic. A map that
//! loads is analysed and exported to SVG, and its canonical form loads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = loopmap::io::parse_bytes(data) else {
        return;
    };
    let analysis = loopmap::analysis::analyse(&doc);
    let _ = loopmap::export::svg::map_svg(&doc, &analysis, "");
    let text = loopmap::io::to_canonical_string(&doc);
    let again = loopmap::io::parse(&text).expect("a canonical map loads");
    assert_eq!(loopmap::io::to_canonical_string(&again), text, "fmt is a fixed point");
});
