//! The participation server through its HTTP interface: every endpoint and every refusal
//! (Host, token, Origin, body size, rate, room size, budgets, quotas), driven through the
//! router without sockets, and once over a real socket on loopback.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use loopmap::live::guard::{Gate, new_token, token_matches};
use loopmap::live::room::{MAX_PARTICIPANTS, MAX_TITLE};
use loopmap::live::{Bind, Entry, Room, Server, Settings, Snapshot, routes};
use loopmap::model::{Anchor, Category, Document};
use serde_json::{Value, json};
use tower::ServiceExt;

const TOKEN: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const HOST: &str = "127.0.0.1:8077";

fn sample() -> Document {
    loopmap::io::samples::default_sample()
        .load()
        .expect("the UK sample loads")
}

fn room() -> (Arc<Room>, Router) {
    let room = Room::new(Snapshot::of(&sample()), || {});
    let gate = Gate {
        token: TOKEN.to_string(),
        addr: HOST.parse().expect("an address"),
    };
    (room.clone(), routes::router(room, gate))
}

fn request(method: &str, path: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(format!("/{TOKEN}/{path}"))
        .header(header::HOST, HOST)
}

fn post(path: &str, cookie: Option<&str>, body: Value) -> Request<Body> {
    let mut r = request("POST", path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, format!("http://{HOST}"));
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    r.body(Body::from(body.to_string())).expect("a request")
}

fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut r = request("GET", path);
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    r.body(Body::empty()).expect("a request")
}

async fn send(router: &Router, request: Request<Body>) -> Response<Body> {
    router.clone().oneshot(request).await.expect("infallible")
}

async fn json_of(response: Response<Body>) -> Value {
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    serde_json::from_slice(&bytes).unwrap_or(Value::Null)
}

/// Joins and returns the `Cookie` header to send from then on.
async fn join(router: &Router, body: Value) -> String {
    let response = send(router, post("api/join", None, body)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let set = response
        .headers()
        .get(header::SET_COOKIE)
        .expect("a cookie")
        .to_str()
        .expect("text")
        .to_string();
    set.split(';').next().expect("name=value").to_string()
}

#[tokio::test]
async fn the_page_loads_with_its_own_style_and_script_only_under_a_strict_policy() {
    let (_, router) = room();
    let page = send(&router, get("", None)).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        page.headers()[header::CONTENT_SECURITY_POLICY],
        "default-src 'self'"
    );
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    assert!(
        page.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = String::from_utf8(
        page.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    assert!(html.contains("page.js") && html.contains("page.css"));
    for (path, kind) in [("page.css", "text/css"), ("page.js", "text/javascript")] {
        let r = send(&router, get(path, None)).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            r.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with(kind)
        );
        let text =
            String::from_utf8(r.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        assert!(!text.contains("innerHTML") && !text.contains("insertAdjacentHTML"));
        assert!(
            !text.contains("http://") && !text.contains("https://") && !text.contains("@import")
        );
    }
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("<style"));
    // The link without its last slash is sent to the page.
    let bare = send(
        &router,
        Request::get(format!("/{TOKEN}"))
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(bare.status().is_redirection());
}

#[tokio::test]
async fn a_wrong_or_missing_token_is_not_found() {
    let (_, router) = room();
    for path in [
        "/".to_string(),
        "/baaaaaaaaaaaaaaaaaaaaaaaaaaa/".to_string(),
        "/aaaaaaaaaaaaaaaaaaaaaaaaaaa/".to_string(),
        "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaa/api/state".to_string(),
        "/aaaaaaaaaaaaaaaaaaaaaaaaaaao/".to_string(),
        "/api/state".to_string(),
    ] {
        let r = send(
            &router,
            Request::get(&path)
                .header(header::HOST, HOST)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            r.headers()[header::CONTENT_SECURITY_POLICY],
            "default-src 'self'"
        );
    }
}

#[test]
fn tokens_are_128_random_bits_compared_whole() {
    let a = new_token().unwrap();
    let b = new_token().unwrap();
    assert_eq!(a.len(), 28, "128 bits in 24 characters");
    assert_ne!(a, b);
    assert!(token_matches(&a, &a.clone()));
    assert!(!token_matches(&a, &b));
    assert!(!token_matches(&a[..27], &a));
    assert!(!token_matches("", &a));
}

/// Characters that read as one another on a projector or a phone's screen.
const LOOK_ALIKES: [&str; 7] = ["0oO", "1lIi|", "2zZ", "5sS", "6bG", "9gqQ", "uvUV"];

#[test]
fn a_join_link_has_no_two_characters_that_look_alike() {
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..200 {
        seen.extend(new_token().unwrap().chars());
    }
    for group in LOOK_ALIKES {
        let used: Vec<char> = group.chars().filter(|c| seen.contains(c)).collect();
        assert!(used.len() <= 1, "{used:?} look alike, in links {seen:?}");
    }
    assert!(
        seen.iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase()),
        "{seen:?}"
    );
}

#[tokio::test]
async fn a_link_typed_with_capitals_or_a_look_alike_opens_the_page() {
    let gate = Gate {
        token: "b2gs".repeat(7),
        addr: HOST.parse().expect("an address"),
    };
    let router = routes::router(Room::new(Snapshot::of(&sample()), || {}), gate);
    for typed in ["B2GS".repeat(7), "6zqs".repeat(7), "b2g5".repeat(7)] {
        let r = send(
            &router,
            Request::get(format!("/{typed}/"))
                .header(header::HOST, HOST)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert!(r.status().is_redirection(), "{typed}: {}", r.status());
        assert_eq!(
            r.headers()[header::LOCATION],
            format!("/{}/", "b2gs".repeat(7)),
            "{typed}"
        );
    }
}

#[tokio::test]
async fn a_host_other_than_the_bound_address_is_refused() {
    let (_, router) = room();
    for host in [
        Some("evil.example:8077"),
        Some("localhost:8077"),
        Some("127.0.0.1:9999"),
        None,
    ] {
        let mut r = Request::get(format!("/{TOKEN}/"));
        if let Some(h) = host {
            r = r.header(header::HOST, h);
        }
        let response = send(&router, r.body(Body::empty()).unwrap()).await;
        assert_eq!(
            response.status(),
            StatusCode::MISDIRECTED_REQUEST,
            "{host:?}"
        );
    }
}

#[tokio::test]
async fn a_change_from_another_origin_is_forbidden() {
    let (room, router) = room();
    let cookie = join(&router, json!({})).await;
    let mut evil = post("api/votes", Some(&cookie), json!({"pain_point": "p1"}));
    evil.headers_mut()
        .insert(header::ORIGIN, "http://evil.example".parse().unwrap());
    assert_eq!(send(&router, evil).await.status(), StatusCode::FORBIDDEN);
    let mut cross = post("api/join", None, json!({}));
    cross.headers_mut().remove(header::ORIGIN);
    cross
        .headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(send(&router, cross).await.status(), StatusCode::FORBIDDEN);
    let mut delete = request("DELETE", "api/votes/p1")
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, "http://127.0.0.1:8078")
        .body(Body::empty())
        .unwrap();
    delete
        .headers_mut()
        .insert(header::HOST, HOST.parse().unwrap());
    assert_eq!(send(&router, delete).await.status(), StatusCode::FORBIDDEN);
    assert!(room.take_entries().is_empty(), "nothing reached the map");
    // A read from anywhere is harmless and allowed (it still needs the cookie).
    let mut read = get("api/state", Some(&cookie));
    read.headers_mut()
        .insert(header::ORIGIN, "http://evil.example".parse().unwrap());
    assert_eq!(send(&router, read).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_body_over_8_kb_is_too_large() {
    let (room, router) = room();
    let cookie = join(&router, json!({})).await;
    let big = json!({"on": "map", "title": "x".repeat(9000), "category": "social"});
    let r = send(&router, post("api/pain_points", Some(&cookie), big)).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Streamed without a length, it is cut off all the same.
    let stream = futures_util::stream::iter(
        (0..20).map(|_| Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b' '; 1024]))),
    );
    let r = send(
        &router,
        request("POST", "api/join")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from_stream(stream))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(room.take_entries().is_empty());
}

#[tokio::test]
async fn joining_sets_an_http_only_same_site_cookie_and_reads_need_it() {
    let (room, router) = room();
    let r = send(&router, get("api/state", None)).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = send(
        &router,
        get("api/state", Some("loopmap_participant=forged")),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let response = send(&router, post("api/join", None, json!({"name": "Ana"}))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let set = response.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(set.starts_with("loopmap_participant="));
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"));
    assert!(set.contains(&format!("Path=/{TOKEN}/")));
    let value = set.split(';').next().unwrap().split_once('=').unwrap().1;
    assert_eq!(value.len(), 32, "128 random bits in hex");
    let you = json_of(response).await;
    assert_eq!(you["you"]["number"], 1);
    assert_eq!(room.joined(), 1);
    let cookie = set.split(';').next().unwrap().to_string();
    let state = json_of(send(&router, get("api/state", Some(&cookie))).await).await;
    assert_eq!(state["title"], sample().meta.title);
    assert_eq!(state["votes_left"], 3);
    assert_eq!(state["you"]["name"], "Ana");
    assert!(!state["stages"].as_array().unwrap().is_empty());
    assert_eq!(
        state["flows"].as_array().unwrap().len(),
        sample().flows.len()
    );
    assert_eq!(
        state["pain_points"].as_array().unwrap().len(),
        sample().pain_points.len()
    );
    // Joining again with the cookie keeps the same person.
    let again = send(
        &router,
        post("api/join", Some(&cookie), json!({"name": "Ana B"})),
    )
    .await;
    assert_eq!(json_of(again).await["you"]["number"], 1);
    assert_eq!(room.joined(), 1);
}

#[tokio::test]
async fn a_pain_point_goes_to_the_app_with_its_author_and_a_new_id() {
    let (room, router) = room();
    let anonymous = join(&router, json!({})).await;
    let named = join(&router, json!({"name": "Recycler"})).await;
    let node = sample().nodes[0].id.clone();
    let r = send(
        &router,
        post(
            "api/pain_points",
            Some(&anonymous),
            json!({"on": format!("node:{node}"), "title": "No take-back", "category": "economic"}),
        ),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let body = json_of(r).await;
    assert_eq!(body["status"], "added");
    let id = body["id"].as_str().unwrap().to_string();
    assert!(sample().pain_points.iter().all(|p| p.id != id), "a new id");
    let r = send(
        &router,
        post(
            "api/pain_points",
            Some(&named),
            json!({"on": "map", "title": "Who pays?"}),
        ),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let second = json_of(r).await["id"].as_str().unwrap().to_string();
    assert_ne!(second, id);
    let entries = room.take_entries();
    assert_eq!(entries.len(), 2);
    match &entries[0] {
        Entry::PainPoint(p) => {
            assert_eq!(p.id, id);
            assert_eq!(p.on, Anchor::Node(node));
            assert_eq!(p.title, "No take-back");
            assert_eq!(p.category, Category::Economic);
            assert_eq!(p.raised_by, "participant 1");
        }
        other => panic!("{other:?}"),
    }
    match &entries[1] {
        Entry::PainPoint(p) => {
            assert_eq!(p.raised_by, "Recycler");
            assert_eq!(p.category, Category::Technical);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn bad_pain_points_are_refused() {
    let (room, router) = room();
    let cookie = join(&router, json!({})).await;
    for body in [
        json!({"on": "node:nowhere", "title": "x"}),
        json!({"on": "flow:nowhere", "title": "x"}),
        json!({"on": "somewhere", "title": "x"}),
        json!({"on": "map", "title": "   "}),
        json!({"on": "map", "title": "x".repeat(MAX_TITLE + 1)}),
        json!({"on": "map", "title": "x", "category": "cosmic"}),
        json!({"on": "map"}),
    ] {
        let r = send(
            &router,
            post("api/pain_points", Some(&cookie), body.clone()),
        )
        .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{body}");
    }
    let r = send(
        &router,
        post(
            "api/pain_points",
            Some(&cookie),
            json!({"on": "map", "title": "x".repeat(MAX_TITLE)}),
        ),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // Not JSON.
    let r = send(
        &router,
        request("POST", "api/votes")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from("pain_point=p1"))
            .unwrap(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(room.take_entries().len(), 1);
}

#[tokio::test]
async fn control_and_bidi_characters_are_stripped_from_text() {
    let (room, router) = room();
    let cookie = join(&router, json!({"name": "Eve\u{202E}gnp.exe\u{0007}"})).await;
    let r = send(
        &router,
        post(
            "api/pain_points",
            Some(&cookie),
            json!({"on": "map", "title": "a\u{1b}[2Jb\u{2067}c\nd\u{200F}\u{FFFF}"}),
        ),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    match room.take_entries().as_slice() {
        [Entry::PainPoint(p)] => {
            assert_eq!(p.title, "a[2Jbc d");
            assert_eq!(p.raised_by, "Evegnp.exe");
            assert!(loopmap::model::text::first_refused(&p.title).is_none());
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn votes_keep_to_the_budget_and_can_be_taken_back() {
    let (room, router) = room();
    let cookie = join(&router, json!({})).await;
    let pain = sample().pain_points[0].id.clone();
    for left in [2, 1, 0] {
        let r = send(
            &router,
            post("api/votes", Some(&cookie), json!({"pain_point": pain})),
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(json_of(r).await["votes_left"], left);
    }
    let r = send(
        &router,
        post("api/votes", Some(&cookie), json!({"pain_point": pain})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "the budget is spent");
    let r = send(
        &router,
        post("api/votes", Some(&cookie), json!({"pain_point": "no-such"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let delete = |id: &str| {
        request("DELETE", &format!("api/votes/{id}"))
            .header(header::COOKIE, &cookie)
            .header(header::ORIGIN, format!("http://{HOST}"))
            .body(Body::empty())
            .unwrap()
    };
    let r = send(&router, delete(&pain)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json_of(r).await["votes_left"], 1);
    let other = sample().pain_points[1].id.clone();
    assert_eq!(
        send(&router, delete(&other)).await.status(),
        StatusCode::CONFLICT
    );
    let deltas: Vec<i64> = room
        .take_entries()
        .into_iter()
        .map(|e| match e {
            Entry::Vote { pain_point, delta } => {
                assert_eq!(pain_point, pain);
                delta
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(deltas, [1, 1, 1, -1]);
    // A new round fills the budget again.
    room.new_round();
    let state = json_of(send(&router, get("api/state", Some(&cookie))).await).await;
    assert_eq!(state["votes_left"], 3);
    assert_eq!(state["round"], 2);
}

#[tokio::test]
async fn the_facilitator_sets_the_budget_locks_entries_and_hides_totals() {
    let (room, router) = room();
    let cookie = join(&router, json!({})).await;
    room.set_settings(Settings {
        locked: true,
        hide_totals: true,
        votes_per_person: 1,
        ..Settings::default()
    });
    let r = send(
        &router,
        post(
            "api/pain_points",
            Some(&cookie),
            json!({"on": "map", "title": "x"}),
        ),
    )
    .await;
    assert_eq!(r.status(), StatusCode::LOCKED);
    let state = json_of(send(&router, get("api/state", Some(&cookie))).await).await;
    assert_eq!(state["votes_left"], 1);
    assert_eq!(state["locked"], true);
    assert!(
        state["pain_points"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["votes"].is_null())
    );
    room.set_settings(Settings::default());
    let state = json_of(send(&router, get("api/state", Some(&cookie))).await).await;
    assert!(
        state["pain_points"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["votes"].is_number())
    );
}

#[tokio::test]
async fn with_review_on_entries_wait_until_accepted_and_rejected_ones_vanish() {
    let (room, router) = room();
    room.set_settings(Settings {
        review: true,
        ..Settings::default()
    });
    let cookie = join(&router, json!({})).await;
    let add = |title: &str| {
        post(
            "api/pain_points",
            Some(&cookie),
            json!({"on": "map", "title": title}),
        )
    };
    let first = json_of(send(&router, add("keep me")).await).await;
    assert_eq!(first["status"], "pending");
    let second = json_of(send(&router, add("spam")).await).await;
    assert!(room.take_entries().is_empty(), "nothing before review");
    assert_eq!(room.queue().len(), 2);
    let state = json_of(send(&router, get("api/state", Some(&cookie))).await).await;
    assert_eq!(
        state["pending"].as_array().unwrap().len(),
        2,
        "the author sees them waiting"
    );
    let other = join(&router, json!({})).await;
    let state = json_of(send(&router, get("api/state", Some(&other))).await).await;
    assert_eq!(
        state["pending"].as_array().unwrap().len(),
        0,
        "no one else does"
    );
    room.review(first["id"].as_str().unwrap(), true);
    room.review(second["id"].as_str().unwrap(), false);
    match room.take_entries().as_slice() {
        [Entry::PainPoint(p)] => assert_eq!(p.title, "keep me"),
        other => panic!("{other:?}"),
    }
    assert!(room.queue().is_empty());
}

#[tokio::test]
async fn a_participant_sending_too_fast_is_told_to_wait() {
    let (_, router) = room();
    let cookie = join(&router, json!({})).await;
    let mut statuses = Vec::new();
    for _ in 0..40 {
        statuses.push(
            send(&router, get("api/state", Some(&cookie)))
                .await
                .status(),
        );
    }
    assert_eq!(statuses[0], StatusCode::OK);
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS));
}

#[tokio::test]
async fn each_participant_adds_a_limited_number_of_pain_points() {
    let (room, router) = room();
    let cookie = join(&router, json!({})).await;
    let mut created = 0;
    let mut refused = None;
    for i in 0..60 {
        let r = send(
            &router,
            post(
                "api/pain_points",
                Some(&cookie),
                json!({"on": "map", "title": format!("n{i}")}),
            ),
        )
        .await;
        match r.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::TOO_MANY_REQUESTS => tokio::time::sleep(Duration::from_millis(300)).await,
            other => {
                refused = Some(other);
                break;
            }
        }
    }
    assert_eq!(refused, Some(StatusCode::FORBIDDEN));
    assert_eq!(created, loopmap::live::room::MAX_ENTRIES_EACH);
    assert_eq!(room.take_entries().len(), created as usize);
}

#[tokio::test]
async fn at_most_300_people_join() {
    let (room, router) = room();
    for _ in 0..MAX_PARTICIPANTS {
        join(&router, json!({})).await;
    }
    let r = send(&router, post("api/join", None, json!({}))).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(room.joined(), MAX_PARTICIPANTS);
}

#[tokio::test]
async fn the_event_stream_sends_the_room_now_and_after_each_change() {
    let (room, router) = room();
    let cookie = join(&router, json!({})).await;
    let r = send(&router, get("api/events", Some(&cookie))).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[header::CONTENT_TYPE], "text/event-stream");
    let mut body = r.into_body();
    let first = next_event(&mut body).await;
    assert!(first.contains("event: state"), "{first}");
    assert!(first.contains("\"votes_left\":3"));
    let mut doc = sample();
    doc.meta.title = "Renamed in the app".into();
    room.publish(Snapshot::of(&doc));
    let second = next_event(&mut body).await;
    assert!(second.contains("Renamed in the app"), "{second}");
    assert_eq!(
        send(&router, get("api/events", None)).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_ended_session_tells_each_stream_and_refuses_every_request_in_words() {
    let (room, router) = room();
    let cookie = join(&router, json!({})).await;
    let r = send(&router, get("api/events", Some(&cookie))).await;
    let mut body = r.into_body();
    assert!(next_event(&mut body).await.contains("event: state"));
    assert_eq!(room.connected(), 1);
    room.end();
    let last = next_event(&mut body).await;
    assert!(last.contains("event: ended"), "{last}");
    assert!(
        last.contains("the facilitator has ended this session"),
        "{last}"
    );
    let after = body.frame().await;
    assert!(after.is_none(), "the stream closes after saying so");
    assert_eq!(room.connected(), 0);
    for request in [
        get("api/state", Some(&cookie)),
        post("api/join", None, json!({})),
        post("api/join", Some(&cookie), json!({"name": "late"})),
        post(
            "api/pain_points",
            Some(&cookie),
            json!({"on": "map", "title": "typed after the end"}),
        ),
        get("api/events", Some(&cookie)),
    ] {
        let r = send(&router, request).await;
        assert_eq!(r.status(), StatusCode::GONE);
        assert_eq!(
            json_of(r).await["error"],
            "the facilitator has ended this session"
        );
    }
    assert!(room.take_entries().is_empty(), "nothing reaches the map");
}

#[tokio::test]
async fn the_phone_gets_stages_in_chain_order_each_with_the_flows_leaving_it() {
    let (_, router) = room();
    let cookie = join(&router, json!({})).await;
    let state = json_of(send(&router, get("api/state", Some(&cookie))).await).await;
    let doc = sample();
    let columns = loopmap::layout::columns(&doc);
    let column = |id: &str| columns[doc.nodes.iter().position(|n| n.id == id).unwrap()];
    let stages = state["stages"].as_array().expect("stages");
    let mut leftmost = Vec::new();
    let mut flows = 0;
    for stage in stages {
        let ids: Vec<&str> = stage["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap())
            .collect();
        leftmost.push(ids.iter().map(|id| column(id)).min().unwrap());
        for f in stage["flows"].as_array().unwrap() {
            let flow = doc
                .flow(f["id"].as_str().unwrap())
                .expect("a flow of the map");
            assert!(ids.contains(&flow.from.as_str()), "{f} leaves this stage");
            flows += 1;
        }
    }
    assert!(
        leftmost.windows(2).all(|w| w[0] <= w[1]),
        "stages as the chain runs: {leftmost:?}"
    );
    assert_eq!(stages[0]["name"], "mining");
    assert_eq!(flows, doc.flows.len(), "every flow under its stage");
}

async fn next_event(body: &mut Body) -> String {
    let mut text = String::new();
    while !text.contains("\n\n") {
        let frame = tokio::time::timeout(Duration::from_secs(5), body.frame())
            .await
            .expect("an event in time")
            .expect("the stream goes on")
            .expect("a frame");
        if let Ok(data) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
    }
    text
}

/// Undoing a participant's pain point in the app gives back the votes spent on it.
#[tokio::test]
async fn votes_on_a_pain_point_that_is_undone_are_given_back() {
    let (room, router) = room();
    let cookie = join(&router, json!({})).await;
    let r = send(
        &router,
        post(
            "api/pain_points",
            Some(&cookie),
            json!({"on": "map", "title": "new"}),
        ),
    )
    .await;
    let id = json_of(r).await["id"].as_str().unwrap().to_string();
    let r = send(
        &router,
        post("api/votes", Some(&cookie), json!({"pain_point": id})),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "a vote on an entry still on its way"
    );
    let mut doc = sample();
    let mut p = loopmap::model::PainPoint::new(id.clone(), Anchor::Map, "new");
    p.votes = Some(1);
    doc.pain_points.push(p);
    room.publish(Snapshot::of(&doc));
    let state = json_of(send(&router, get("api/state", Some(&cookie))).await).await;
    assert_eq!(state["votes_left"], 2);
    room.publish(Snapshot::of(&sample())); // undone
    let state = json_of(send(&router, get("api/state", Some(&cookie))).await).await;
    assert_eq!(state["votes_left"], 3);
}

fn http(addr: SocketAddr, raw: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("the server listens");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut out = String::new();
    let _ = stream.read_to_string(&mut out);
    out
}

#[test]
fn the_real_server_answers_on_loopback_and_stop_disconnects_everyone() {
    let server = Server::start(
        Bind {
            ip: [127, 0, 0, 1].into(),
            port: 0,
        },
        Snapshot::of(&sample()),
        || {},
    )
    .expect("starts");
    let addr = server.addr();
    assert_ne!(addr.port(), 0);
    let url = server.url();
    let path = url
        .strip_prefix(&format!("http://{addr}"))
        .unwrap()
        .to_string();
    assert_eq!(path.len(), 1 + 28 + 1);
    let page = http(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("content-security-policy: default-src 'self'"));
    assert!(page.contains("Add a pain point"));
    let body = r#"{"name":"Tom"}"#;
    let joined = http(
        addr,
        &format!(
            "POST {path}api/join HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(joined.starts_with("HTTP/1.1 200"), "{joined}");
    assert!(joined.contains("set-cookie: loopmap_participant="));
    assert_eq!(server.room().joined(), 1);
    let rebinding = http(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n"),
    );
    assert!(rebinding.starts_with("HTTP/1.1 421"), "{rebinding}");
    // An open event stream is cut when the session stops.
    let cookie = joined
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string();
    let mut listener = TcpStream::connect(addr).unwrap();
    listener
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    listener
        .write_all(
            format!("GET {path}api/events HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
    let mut buf = [0u8; 4096];
    let n = listener.read(&mut buf).unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).contains("text/event-stream"));
    let room = Arc::downgrade(server.room());
    server.stop();
    let mut rest = Vec::new();
    let end = listener.read_to_end(&mut rest);
    assert!(end.is_ok(), "the stream ended: {end:?}");
    assert!(
        TcpStream::connect(addr).is_err(),
        "nothing listens any more"
    );
    assert!(
        room.upgrade().is_none(),
        "the room, with everyone's cookies, is gone"
    );
    // The next start has a new link.
    let again = Server::start(
        Bind {
            ip: [127, 0, 0, 1].into(),
            port: 0,
        },
        Snapshot::default(),
        || {},
    )
    .unwrap();
    assert_ne!(again.url().rsplit('/').nth(1), url.rsplit('/').nth(1));
}

// --- the facilitator's side, in the editor (egui_kittest) ---

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use loopmap::app::LoopmapApp;

use common::editor;

const LOOPBACK: Bind = Bind {
    ip: std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
    port: 0,
};

/// A participant talking to the real server with plain HTTP/1.1 requests.
struct Phone {
    addr: SocketAddr,
    path: String,
    cookie: String,
}

impl Phone {
    fn join(url: &str) -> Phone {
        let rest = url.strip_prefix("http://").unwrap();
        let (addr, token) = rest.split_once('/').unwrap();
        let mut phone = Phone {
            addr: addr.parse().unwrap(),
            path: format!("/{token}"),
            cookie: String::new(),
        };
        let joined = phone.send("POST", "api/join", "{}");
        assert!(joined.starts_with("HTTP/1.1 200"), "{joined}");
        phone.cookie = joined
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: "))
            .and_then(|c| c.split(';').next())
            .unwrap()
            .to_string();
        phone
    }

    fn send(&self, method: &str, path: &str, body: &str) -> String {
        let addr = self.addr;
        http(
            addr,
            &format!(
                "{method} {}{path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
                 Cookie: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                self.path,
                self.cookie,
                body.len()
            ),
        )
    }

    fn body(response: &str) -> Value {
        let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        serde_json::from_str(body).unwrap_or(Value::Null)
    }
}

#[test]
fn a_participants_pain_point_and_vote_reach_the_table_and_pins_through_the_edit_path_and_undo() {
    let mut h = editor(sample());
    let ctx = h.ctx.clone();
    let url = h
        .state_mut()
        .start_participation(LOOPBACK, &ctx)
        .expect("starts");
    let before = h.state().editor.doc().clone();
    let number = before.next_pin_number();
    let phone = Phone::join(&url);
    let node = before.nodes[0].id.clone();
    let added = phone.send(
        "POST",
        "api/pain_points",
        &json!({"on": format!("node:{node}"), "title": "Magnets glued in", "category": "technical"})
            .to_string(),
    );
    assert!(added.starts_with("HTTP/1.1 201"), "{added}");
    let id = Phone::body(&added)["id"].as_str().unwrap().to_string();
    h.run();
    let doc = h.state().editor.doc().clone();
    let p = doc
        .pain_points
        .iter()
        .find(|p| p.id == id)
        .expect("in the map");
    assert_eq!(p.title, "Magnets glued in");
    assert_eq!(p.raised_by, "participant 1");
    assert_eq!(p.number, Some(number));
    assert_eq!(p.on, Anchor::Node(node));
    assert!(
        h.state().editor.dirty(),
        "an unsaved change, autosaved like any other"
    );
    // In the table and on the canvas.
    assert!(h.query_by_label("Magnets glued in").is_some());
    let pin = format!("Pain point {number}: Magnets glued in");
    assert!(h.query_by_label(&pin).is_some());

    let voted = phone.send("POST", "api/votes", &json!({"pain_point": id}).to_string());
    assert!(voted.starts_with("HTTP/1.1 200"), "{voted}");
    h.run();
    let votes = |h: &Harness<'_, LoopmapApp>| {
        h.state()
            .editor
            .doc()
            .pain_points
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.votes())
    };
    assert_eq!(votes(&h), Some(1));
    // Participants see what the app published.
    let state = Phone::body(&phone.send("GET", "api/state", ""));
    assert!(
        state["pain_points"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == id.as_str() && p["votes"] == 1),
        "{state}"
    );

    // The facilitator undoes the vote, then the pain point.
    h.state_mut().editor.undo();
    h.run();
    assert_eq!(votes(&h), Some(0));
    h.state_mut().editor.undo();
    h.run();
    assert_eq!(votes(&h), None);
    assert_eq!(h.state().editor.doc(), &before);
    assert!(h.query_by_label(&pin).is_none());
    let state = Phone::body(&phone.send("GET", "api/state", ""));
    assert_eq!(
        state["votes_left"], 3,
        "the vote on an undone entry is given back"
    );
    h.state_mut().stop_participation();
}

#[test]
fn the_facilitator_starts_controls_reviews_and_stops_participation() {
    let mut h = editor(sample());
    h.get_by_label("Participation").click();
    h.run();
    // Loopback and any free port, so the test needs no network.
    h.state_mut().participation.address = Some(LOOPBACK.ip);
    h.state_mut().participation.port = 0;
    h.run();
    h.get_by_label("Start participation").click();
    h.run();
    let url = h.state().participation.url().expect("running");
    assert!(url.starts_with("http://127.0.0.1:"));
    // The join card: QR code, link, who is in the room.
    assert!(h.query_by_label("QR code of the join link").is_some());
    assert!(h.query_all_by_label("0 connected, 0 joined in all").count() >= 1);
    let room = h.state().participation.room().unwrap().clone();
    let who = room.join(None, None, std::time::Instant::now()).unwrap();
    h.run();
    assert!(h.query_all_by_label("0 connected, 1 joined in all").count() >= 1);

    for (label, check) in [
        (
            "Lock new entries",
            (|s: &Settings| s.locked) as fn(&Settings) -> bool,
        ),
        ("Hide vote totals", |s| s.hide_totals),
        ("Review entries before they show", |s| s.review),
    ] {
        assert!(!check(&room.settings()));
        h.get_by_label(label).click();
        h.run();
        assert!(check(&room.settings()), "{label}");
    }
    h.get_by_label("Lock new entries").click();
    h.run();
    assert!(!room.settings().locked);

    // Review: accepted entries go into the map, rejected ones do not.
    let before = h.state().editor.doc().pain_points.len();
    room.add_pain_point(&who, Anchor::Map, "Accept me".into(), Category::Social)
        .unwrap();
    room.add_pain_point(&who, Anchor::Map, "Reject me".into(), Category::Social)
        .unwrap();
    h.run();
    assert_eq!(h.state().editor.doc().pain_points.len(), before);
    h.get_by_label("Review...").click();
    h.run();
    h.get_all_by_label("Accept").next().unwrap().click();
    h.run();
    h.get_by_label("Reject").click();
    h.run();
    let doc = &h.state().editor.doc();
    assert_eq!(doc.pain_points.len(), before + 1);
    assert_eq!(doc.pain_points.last().unwrap().title, "Accept me");
    assert!(room.queue().is_empty());

    // A new round fills the budgets again; the totals stay in the map.
    let pain = doc.pain_points[0].id.clone();
    let total = doc.pain_points[0].votes();
    room.vote(&who, &pain).unwrap();
    h.run();
    assert_eq!(h.state().editor.doc().pain_points[0].votes(), total + 1);
    h.get_by_label("New round").click();
    h.run();
    assert_eq!(room.view(&who).unwrap()["votes_left"], 3);
    assert_eq!(h.state().editor.doc().pain_points[0].votes(), total + 1);

    h.get_by_label("Stop participation").click();
    h.run();
    assert!(!h.state().participation.running());
    assert!(
        room.view(&who).is_ok(),
        "the test's own handle keeps the room alive"
    );
    let ctx = h.ctx.clone();
    let again = h.state_mut().start_participation(LOOPBACK, &ctx).unwrap();
    assert_ne!(again, url, "a new link");
    h.state_mut().stop_participation();
}

/// Not a test: serves the UK sample from the editor for a browser to try, then lists the
/// map's pain points. `LOOPMAP_SERVE_SECONDS=60 LOOPMAP_SERVE_PORT=8077 cargo test
/// --test participation -- --ignored --nocapture serve_for_a_browser`
#[test]
#[ignore]
fn serve_for_a_browser() {
    let number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let mut h = editor(sample());
    let ctx = h.ctx.clone();
    let bind = Bind {
        port: number("LOOPMAP_SERVE_PORT", 0) as u16,
        ..LOOPBACK
    };
    let url = h.state_mut().start_participation(bind, &ctx).unwrap();
    println!("{url}");
    let end = std::time::Instant::now() + Duration::from_secs(number("LOOPMAP_SERVE_SECONDS", 60));
    while std::time::Instant::now() < end {
        h.run();
        std::thread::sleep(Duration::from_millis(50));
    }
    for p in &h.state().editor.doc().pain_points {
        println!(
            "pin {} | {} | {} | {} | votes {}",
            p.number.unwrap_or(0),
            p.title,
            p.category().name(),
            p.raised_by,
            p.votes()
        );
    }
    h.state_mut().stop_participation();
}

#[test]
fn the_command_line_offers_participation_and_bind_and_port_need_it() {
    let help = assert_cmd::Command::cargo_bin("loopmap")
        .unwrap()
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("--participate") && text.contains("--bind") && text.contains("--port"));
    let alone = assert_cmd::Command::cargo_bin("loopmap")
        .unwrap()
        .args(["--port", "0"])
        .output()
        .unwrap();
    assert_eq!(alone.status.code(), Some(2), "--port without --participate");
    let bad = assert_cmd::Command::cargo_bin("loopmap")
        .unwrap()
        .args(["--participate", "--bind", "not-an-address"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
