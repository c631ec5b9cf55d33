//! A map carried in a web link: `ADDRESS#map=` followed by the map's JSON compressed with
//! zlib (RFC 1950) and written in base64url without padding. Both ways, with a limit on
//! the link's length and on what a hostile link may inflate to.

use std::io::{Read, Write};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;

use super::{LoadError, parse_bytes, to_canonical_string};
use crate::model::Document;

/// The longest encoded map a link carries (64 KB): browsers, chat tools and mail clients
/// cut or refuse longer addresses.
pub const MAX_ENCODED: usize = 64 * 1024;

/// The most a link's map may inflate to: a few kilobytes of zlib can claim gigabytes.
const MAX_INFLATED: u64 = 64 * 1024 * 1024;

/// Why a link cannot be made or opened.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error(
        "this map is too large for a link ({} KB encoded, at most {} KB): share the map file instead",
        .encoded.div_ceil(1024),
        MAX_ENCODED / 1024
    )]
    TooLarge { encoded: usize },
    #[error("the link holds no map (nothing after '#map=')")]
    NoMap,
    #[error("the link's map is damaged: {0} (was the link cut short when it was copied?)")]
    Damaged(String),
    #[error("the link's map is over {} MB once unpacked", MAX_INFLATED / (1024 * 1024))]
    TooLargeInflated,
    #[error("the map in the link: {0}")]
    Map(#[from] LoadError),
}

/// The part after `#map=` for `doc`.
pub fn encode(doc: &Document) -> Result<String, LinkError> {
    let json = to_canonical_string(doc);
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    // Writing to a Vec cannot fail.
    let packed = z
        .write_all(json.as_bytes())
        .and_then(|()| z.finish())
        .map_err(|e| LinkError::Damaged(e.to_string()))?;
    let encoded = URL_SAFE_NO_PAD.encode(packed);
    if encoded.len() > MAX_ENCODED {
        return Err(LinkError::TooLarge {
            encoded: encoded.len(),
        });
    }
    Ok(encoded)
}

/// A link that opens `doc` in the web version at `address` (any fragment it had is
/// replaced).
pub fn share_link(address: &str, doc: &Document) -> Result<String, LinkError> {
    let base = address.split('#').next().unwrap_or(address);
    Ok(format!("{base}#map={}", encode(doc)?))
}

/// The map a link (a whole address, its `#…` fragment, or only the encoded part after
/// `map=`) carries. `None` when the link carries no map at all.
pub fn map_in(link: &str) -> Option<&str> {
    let fragment = link.rsplit_once('#').map_or(link, |(_, f)| f);
    fragment
        .split('&')
        .find_map(|part| part.strip_prefix("map="))
}

/// Opens the map a link carries, with the same checks and messages as a file.
pub fn decode(link: &str) -> Result<Document, LinkError> {
    let encoded = map_in(link).ok_or(LinkError::NoMap)?.trim();
    if encoded.is_empty() {
        return Err(LinkError::NoMap);
    }
    let packed = URL_SAFE_NO_PAD
        .decode(encoded.trim_end_matches('='))
        .map_err(|e| LinkError::Damaged(e.to_string()))?;
    let mut json = Vec::new();
    ZlibDecoder::new(packed.as_slice())
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut json)
        .map_err(|e| LinkError::Damaged(e.to_string()))?;
    if json.len() as u64 > MAX_INFLATED {
        return Err(LinkError::TooLargeInflated);
    }
    Ok(parse_bytes(&json)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::samples::SAMPLES;

    #[test]
    fn every_sample_goes_through_a_link_unchanged() {
        for sample in SAMPLES {
            let doc = sample.load().expect("sample loads");
            let link = share_link("https://example.org/loopmap/#old", &doc).expect("fits");
            assert!(
                link.starts_with("https://example.org/loopmap/#map="),
                "{link}"
            );
            let tail = link.split("#map=").nth(1).unwrap_or_default();
            assert!(
                tail.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "base64url without padding"
            );
            let back = decode(&link).expect("opens");
            assert_eq!(to_canonical_string(&back), to_canonical_string(&doc));
        }
    }

    #[test]
    fn the_encoding_is_zlib_in_base64url() {
        let doc = SAMPLES[0].load().expect("sample loads");
        let packed = URL_SAFE_NO_PAD.decode(encode(&doc).unwrap()).unwrap();
        // RFC 1950: CMF 0x78 (deflate, 32 KB window), FCHECK makes CMF·256 + FLG a multiple of 31.
        assert_eq!(packed[0], 0x78);
        assert_eq!((u16::from(packed[0]) * 256 + u16::from(packed[1])) % 31, 0);
        let mut json = String::new();
        ZlibDecoder::new(packed.as_slice())
            .read_to_string(&mut json)
            .unwrap();
        assert_eq!(json, to_canonical_string(&doc));
    }

    #[test]
    fn bad_links_say_what_is_wrong() {
        let msg = |link: &str| decode(link).unwrap_err().to_string();
        assert!(msg("https://x.org/").contains("holds no map"));
        assert!(msg("https://x.org/#map=").contains("holds no map"));
        assert!(msg("#map=!!!").contains("damaged"));
        // Valid base64, not zlib.
        assert!(msg(&format!("#map={}", URL_SAFE_NO_PAD.encode(b"hello"))).contains("damaged"));
        // Cut short while copying.
        let good = encode(&SAMPLES[0].load().unwrap()).unwrap();
        assert!(msg(&format!("#map={}", &good[..good.len() / 2])).contains("damaged"));
        // A map the file loader refuses gets the file loader's message.
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(br#"{"format": "loopmap", "version": 99}"#)
            .unwrap();
        let bad = URL_SAFE_NO_PAD.encode(z.finish().unwrap());
        let m = msg(&format!("#map={bad}"));
        assert!(
            m.starts_with("the map in the link: ") && m.contains("newer"),
            "{m}"
        );
    }

    #[test]
    fn a_zip_bomb_is_refused_and_a_huge_map_asks_for_the_file() {
        let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..(MAX_INFLATED >> 20) + 1 {
            z.write_all(&zeros).unwrap();
        }
        let bomb = URL_SAFE_NO_PAD.encode(z.finish().unwrap());
        // Opening does not hold links to the 64 KB limit of making them (a link made
        // elsewhere may be longer), so the inflated size is what stops a bomb.
        assert!(matches!(
            decode(&format!("#map={bomb}")),
            Err(LinkError::TooLargeInflated)
        ));

        let mut doc = Document::new("big");
        for i in 0..20_000 {
            // Random-looking labels do not compress away.
            let label = format!("{:x}", (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            doc.nodes.push(crate::model::Node::new(
                format!("n{i}"),
                label,
                crate::model::NodeKind::Process,
            ));
        }
        let e = encode(&doc).unwrap_err();
        assert!(matches!(e, LinkError::TooLarge { .. }));
        assert!(e.to_string().contains("share the map file instead"), "{e}");
    }
}
