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

/// A 128-bit token for the join link: 16 bytes from the operating system, base64url
/// without padding (22 characters, short enough to type from the projector).
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(base64url(&bytes))
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
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

/// The checks, in order: Host (421), token (404), Origin for changes (403). Every
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
    if !token_matches(first, &gate.token) {
        return Some(plain(StatusCode::NOT_FOUND, "not found"));
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
    fn base64url_of_16_bytes_is_22_characters() {
        assert_eq!(base64url(&[0xfb, 0xff, 0xbf]), "-_-_");
        assert_eq!(base64url(&[0; 16]).len(), 22);
        assert_eq!(base64url(b"M"), "TQ");
        assert_eq!(base64url(b"Ma"), "TWE");
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
