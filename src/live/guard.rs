//! The server's defences, each checked before any handler runs: the Host header must be
//! the address bound (no DNS rebinding), the secret token must open the path (compared
//! in constant time; a wrong one is 404), a request that changes anything must not come
//! from another origin; and the headers every response carries. Also the secrets
//! themselves and the cleaning of participants' text.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

/// What every request is checked against.
#[derive(Clone, Debug)]
pub struct Gate {
    /// The secret first segment of every path.
    pub token: String,
    /// The address bound; the Host header must name it.
    pub addr: SocketAddr,
}

/// 16 random bytes from the operating system, as 32 hex digits.
pub fn random_hex() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The characters of a join link's token: digits and small letters, at most one of each
/// group that looks alike on a projector or a phone (0 o, 1 l i, 2 z, 5 s, 6 b, 9 g q,
/// u v), so a link read off the wall is typed right the first time.
pub const TOKEN_ALPHABET: &str = "23478abcdefghjkmnprstwxy";

/// Characters of a token: 128 random bits in `TOKEN_ALPHABET`.
pub const TOKEN_LENGTH: usize = 28;

/// A 128-bit token for the join link: 16 bytes from the operating system, written in
/// `TOKEN_ALPHABET`.
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(unambiguous(u128::from_le_bytes(bytes)))
}

/// `n` in base `TOKEN_ALPHABET.len()`, always `TOKEN_LENGTH` digits.
fn unambiguous(mut n: u128) -> String {
    let alphabet = TOKEN_ALPHABET.as_bytes();
    let base = alphabet.len() as u128;
    let mut out = String::with_capacity(TOKEN_LENGTH);
    for _ in 0..TOKEN_LENGTH {
        out.push(char::from(alphabet[(n % base) as usize]));
        n /= base;
    }
    out
}

/// A token as typed, read as the token it was meant to be: capitals as small letters (a
/// phone's keyboard may start with one), and a character the alphabet leaves out as the
/// one of its look-alikes that it has.
pub fn typed_token(given: &str) -> String {
    given
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            'z' => '2',
            '5' => 's',
            '6' => 'b',
            '9' | 'q' => 'g',
            c => c,
        })
        .collect()
}

/// Whether `given` is the token, in time that does not depend on where they differ.
pub fn token_matches(given: &str, token: &str) -> bool {
    given.len() == token.len() && bool::from(given.as_bytes().ct_eq(token.as_bytes()))
}

/// Participants' text as it may go into the map: control characters (a line break
/// becomes a space), bidirectional overrides and isolates, and noncharacters removed;
/// spaces at the ends trimmed; at most `limit` characters, else `None`.
pub fn clean_text(text: &str, limit: usize) -> Option<String> {
    let cleaned: String = text
        .chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if is_bidi_control(c) || crate::model::text::is_refused(c) || c.is_control() => None,
            c => Some(c),
        })
        .collect();
    let cleaned = cleaned.trim().to_string();
    (cleaned.chars().count() <= limit).then_some(cleaned)
}

/// Characters that reorder text around them (the "Trojan Source" characters).
fn is_bidi_control(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The Host header names the address bound (a browser leaves out port 80).
fn host_ok(headers: &HeaderMap, addr: SocketAddr) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let full = addr.to_string();
    if host.eq_ignore_ascii_case(&full) {
        return true;
    }
    addr.port() == 80 && {
        let bare = match addr {
            SocketAddr::V4(a) => a.ip().to_string(),
            SocketAddr::V6(a) => format!("[{}]", a.ip()),
        };
        host.eq_ignore_ascii_case(&bare)
    }
}

/// A request that changes something must come from the page itself: an Origin header,
/// when sent, must be this server, and a browser's Sec-Fetch-Site must not be another
/// site.
fn origin_ok(headers: &HeaderMap, addr: SocketAddr) -> bool {
    if let Some(origin) = headers.get(header::ORIGIN) {
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        let own = [format!("http://{addr}"), format!("http://{host}")];
        if !own.iter().any(|o| o.eq_ignore_ascii_case(origin)) {
            return false;
        }
    }
    !matches!(
        headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()),
        Some("cross-site" | "same-site")
    )
}

/// The checks, in order: Host (421), token (404, or a redirect to the link as given out
/// when typed with capitals or look-alikes), Origin for changes (403). Every
/// response, refusals included, gets the security headers.
pub async fn check(State(gate): State<Arc<Gate>>, request: Request, next: Next) -> Response {
    let mut response = match refuse(&gate, &request) {
        Some(refusal) => refusal,
        None => next.run(request).await,
    };
    let headers = response.headers_mut();
    for (name, value) in [
        ("content-security-policy", "default-src 'self'"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
        ("cache-control", "no-store"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

fn refuse(gate: &Gate, request: &Request) -> Option<Response> {
    if !host_ok(request.headers(), gate.addr) {
        return Some(plain(
            StatusCode::MISDIRECTED_REQUEST,
            "this server answers only at its own address",
        ));
    }
    let first = request
        .uri()
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    if !token_matches(&typed_token(first), &gate.token) {
        return Some(plain(StatusCode::NOT_FOUND, "not found"));
    }
    if first != gate.token {
        // Typed with a capital or a look-alike: on to the link as given out, whose path
        // the participant's cookie is for.
        let rest = request
            .uri()
            .path()
            .trim_start_matches('/')
            .get(first.len()..)
            .unwrap_or_default();
        return Some(
            axum::response::Redirect::to(&format!("/{}{rest}", gate.token)).into_response(),
        );
    }
    let length = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if length.is_some_and(|n| n > super::routes::MAX_BODY as u64) {
        return Some(plain(StatusCode::PAYLOAD_TOO_LARGE, "request too large"));
    }
    let changes = !matches!(*request.method(), Method::GET | Method::HEAD);
    if changes && !origin_ok(request.headers(), gate.addr) {
        return Some(plain(
            StatusCode::FORBIDDEN,
            "request from another site refused",
        ));
    }
    None
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        Body::from(text),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_28_characters_of_the_alphabet_and_every_bit_counts() {
        assert_eq!(unambiguous(0), "2".repeat(TOKEN_LENGTH));
        assert_ne!(unambiguous(u128::MAX), unambiguous(u128::MAX - 1));
        assert!(24f64.powi(TOKEN_LENGTH as i32) >= 2f64.powi(128));
        assert!(
            unambiguous(u128::MAX)
                .chars()
                .all(|c| TOKEN_ALPHABET.contains(c))
        );
        assert_eq!(typed_token("AB9Q6Z5"), "abggb2s");
    }

    #[test]
    fn cleaning_removes_controls_bidi_and_noncharacters() {
        assert_eq!(
            clean_text("a\u{202E}b\u{1b}[31mc\nd\u{FFFF}\u{2066}", 100).as_deref(),
            Some("ab[31mc d")
        );
        assert_eq!(clean_text("abc", 2), None);
    }
}
