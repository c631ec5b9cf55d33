//! The HTTP interface, every path under the secret token (see README, "Participation"):
//! the page, joining, the room's state, pain points, votes, and the event stream.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{delete, get, post};
use futures_util::Stream;
use serde::Deserialize;
use serde_json::{Value, json};

use super::guard::{self, Gate, clean_text};
use super::room::{MAX_NAME, MAX_TITLE, Refusal, Room};
use crate::model::{Anchor, Category};

/// Largest request body accepted.
pub const MAX_BODY: usize = 8 * 1024;
/// The cookie that tells participants apart.
pub const COOKIE: &str = "loopmap_participant";

const PAGE: &str = include_str!("page/page.html");
const STYLE: &str = include_str!("page/page.css");
const SCRIPT: &str = include_str!("page/page.js");

#[derive(Clone)]
struct Ctx {
    room: Arc<Room>,
    gate: Arc<Gate>,
}

/// The whole service: routes behind the guard (Host, token, Origin, headers) and the
/// body limit.
pub fn router(room: Arc<Room>, gate: Gate) -> Router {
    let gate = Arc::new(gate);
    Router::new()
        .route("/{token}", get(to_page))
        .route("/{token}/", get(page))
        .route("/{token}/page.css", get(style))
        .route("/{token}/page.js", get(script))
        .route("/{token}/api/join", post(join))
        .route("/{token}/api/state", get(state))
        .route("/{token}/api/pain_points", post(add_pain_point))
        .route("/{token}/api/votes", post(vote))
        .route("/{token}/api/votes/{pain_point}", delete(unvote))
        .route("/{token}/api/events", get(events))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn_with_state(
            gate.clone(),
            guard::check,
        ))
        .with_state(Ctx { room, gate })
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let status = match self {
            Refusal::NotJoined => StatusCode::UNAUTHORIZED,
            Refusal::Full => StatusCode::SERVICE_UNAVAILABLE,
            Refusal::TooFast => StatusCode::TOO_MANY_REQUESTS,
            Refusal::Locked => StatusCode::LOCKED,
            Refusal::BudgetSpent | Refusal::NoVote => StatusCode::CONFLICT,
            Refusal::Quota => StatusCode::FORBIDDEN,
            Refusal::NoSuchPainPoint => StatusCode::NOT_FOUND,
            Refusal::Invalid(_) => StatusCode::BAD_REQUEST,
            Refusal::Ended => StatusCode::GONE,
        };
        (status, axum::Json(json!({ "error": self.to_string() }))).into_response()
    }
}

async fn to_page(State(ctx): State<Ctx>) -> Redirect {
    Redirect::to(&format!("/{}/", ctx.gate.token))
}

async fn page() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], PAGE)
}

async fn style() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE)
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
}

/// The participant's id from their cookie, if they have one.
fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
}

/// The participant behind a request, counted against their allowance.
fn participant(ctx: &Ctx, headers: &HeaderMap) -> Result<String, Refusal> {
    let who = cookie(headers).ok_or(Refusal::NotJoined)?;
    ctx.room.admit(&who, Instant::now())?;
    Ok(who)
}

/// A JSON body of type `T`; an empty body reads as `{}` where `T` allows it.
fn json_body<T: for<'de> Deserialize<'de>>(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<T, Refusal> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json && !body.is_empty() {
        return Err(Refusal::Invalid(
            "send JSON (Content-Type: application/json)".into(),
        ));
    }
    let body: &[u8] = if body.is_empty() { b"{}" } else { body };
    serde_json::from_slice(body).map_err(|e| Refusal::Invalid(format!("bad request: {e}")))
}

#[derive(Deserialize)]
struct JoinRequest {
    #[serde(default)]
    name: Option<String>,
}

async fn join(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    let request: JoinRequest = json_body(&headers, &body)?;
    let name = match request.name {
        Some(name) => Some(clean_text(&name, MAX_NAME).ok_or_else(|| {
            Refusal::Invalid(format!("a name has at most {MAX_NAME} characters"))
        })?),
        None => None,
    };
    let id = ctx
        .room
        .join(cookie(&headers).as_deref(), name, Instant::now())?;
    let view = ctx.room.view(&id)?;
    let set_cookie = format!(
        "{COOKIE}={id}; Path=/{}/; HttpOnly; SameSite=Strict",
        ctx.gate.token
    );
    Ok((
        [(header::SET_COOKIE, set_cookie)],
        axum::Json(json!({ "you": view["you"], "votes_left": view["votes_left"] })),
    )
        .into_response())
}

async fn state(State(ctx): State<Ctx>, headers: HeaderMap) -> Result<axum::Json<Value>, Refusal> {
    let who = participant(&ctx, &headers)?;
    Ok(axum::Json(ctx.room.view(&who)?))
}

#[derive(Deserialize)]
struct PainRequest {
    on: String,
    title: String,
    #[serde(default)]
    category: Option<Category>,
}

async fn add_pain_point(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    let who = participant(&ctx, &headers)?;
    let request: PainRequest = json_body(&headers, &body)?;
    let on: Anchor = serde_json::from_value(Value::String(request.on))
        .map_err(|_| Refusal::Invalid("`on` is \"map\", \"node:ID\" or \"flow:ID\"".into()))?;
    let title = clean_text(&request.title, MAX_TITLE)
        .ok_or_else(|| Refusal::Invalid(format!("a title has at most {MAX_TITLE} characters")))?;
    if title.is_empty() {
        return Err(Refusal::Invalid("the title is empty".into()));
    }
    let (id, status) =
        ctx.room
            .add_pain_point(&who, on, title, request.category.unwrap_or_default())?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({ "id": id, "status": status })),
    )
        .into_response())
}

#[derive(Deserialize)]
struct VoteRequest {
    pain_point: String,
}

async fn vote(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<axum::Json<Value>, Refusal> {
    let who = participant(&ctx, &headers)?;
    let request: VoteRequest = json_body(&headers, &body)?;
    let left = ctx.room.vote(&who, &request.pain_point)?;
    Ok(axum::Json(json!({ "votes_left": left })))
}

async fn unvote(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    Path((_, pain_point)): Path<(String, String)>,
) -> Result<axum::Json<Value>, Refusal> {
    let who = participant(&ctx, &headers)?;
    let left = ctx.room.unvote(&who, &pain_point)?;
    Ok(axum::Json(json!({ "votes_left": left })))
}

/// Closes the participant's stream count when their stream ends.
struct Ticket {
    room: Arc<Room>,
    who: String,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.room.close_stream(&self.who);
    }
}

/// The room as the participant sees it, once at once and again after every change
/// (changes in a burst coalesce into one event).
async fn events(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Refusal> {
    let who = participant(&ctx, &headers)?;
    ctx.room.open_stream(&who)?;
    let ticket = Ticket {
        room: ctx.room.clone(),
        who,
    };
    let watch = ctx.room.watch();
    let stream = futures_util::stream::unfold(
        (watch, ticket, Some(true)),
        |(mut watch, ticket, first)| async move {
            // `None` once the phone has been told the session ended.
            let first = first?;
            if first {
                watch.borrow_and_update();
            } else if watch.changed().await.is_err() {
                return None;
            }
            if ticket.room.ended() {
                let event = Event::default()
                    .event("ended")
                    .data(Refusal::Ended.to_string());
                return Some((Ok(event), (watch, ticket, None)));
            }
            // A participant no longer known ends the stream.
            let view = ticket.room.view(&ticket.who).ok()?;
            let mut event = Event::default().event("state").data(view.to_string());
            if first {
                event = event.retry(Duration::from_secs(2));
            }
            Some((Ok(event), (watch, ticket, Some(false))))
        },
    );
    // Frequent keep-alives: a phone gone away is noticed (and no longer counted as
    // connected) within seconds.
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(5))))
}
