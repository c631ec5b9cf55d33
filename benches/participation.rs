//! The participation server over loopback (issue 14): with 200 participants listening on
//! the event stream, the time from a vote's POST to the event that carries it at every
//! listener (p50, p95, max; goal: p95 under 100 ms), and the requests per second the
//! server sustains from 8 keep-alive clients.
//!
//! A benchmark, not a timed test: `cargo bench --bench participation` prints the numbers
//! and fails only when the server refuses what it should accept.
//!
//! The real server (`live::Server`) listens on 127.0.0.1:0 with the UK sample. Votes reach
//! the totals participants see only after the app has put them into the map and published
//! a new snapshot, so a thread here plays the editor's part: woken by the server (where the
//! editor asks egui for a repaint), it takes the entries, applies each vote to the document
//! and publishes `Snapshot::of` it, as `LoopmapApp::take_participation_entries` and
//! `publish_to_room` do each frame (without the frame itself: the editor adds up to one
//! frame, about 16 ms at 60 Hz, to every number here).
//!
//! Every listener counts the votes on one pain point in each `state` event; vote k (on top
//! of the sample's total) has reached a listener with the first event whose total is at
//! least k. Listeners and voters are plain `std` threads speaking HTTP/1.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use loopmap::live::room::MAX_PARTICIPANTS;
use loopmap::live::{Bind, Entry, Room, Server, Settings, Snapshot};
use loopmap::model::Document;
use serde::Deserialize;

/// Participants holding the event stream open.
const LISTENERS: usize = 200;
/// Votes sent one at a time, each after every listener saw the one before.
const PACED_VOTES: usize = 100;
/// Votes sent at a steady rate, not waiting for the listeners.
const STEADY_VOTES: usize = 100;
const STEADY_RATE: f64 = 20.0;
/// Clients and seconds for the requests-per-second part.
const CLIENTS: usize = 8;
const LOAD_FOR: Duration = Duration::from_secs(3);
/// Requests per participant that stay within the allowance (a burst of 12) when sent
/// after a rest: the server's rate when nothing is refused.
const ALLOWED: usize = 10;
/// How long anything may take before the benchmark gives up on it.
const PATIENCE: Duration = Duration::from_secs(10);

/// Where the server listens and the path under its token (`/TOKEN/`).
#[derive(Clone)]
struct Target {
    addr: SocketAddr,
    path: String,
}

impl Target {
    fn of(server: &Server) -> Target {
        let addr = server.addr();
        let url = server.url();
        let path = url
            .strip_prefix(&format!("http://{addr}"))
            .expect("the join link starts with the address bound")
            .to_string();
        Target { addr, path }
    }

    /// One HTTP/1.1 request as the participants' page sends it (Host, Origin, cookie).
    fn request(&self, method: &str, path: &str, cookie: &str, body: &str, close: bool) -> String {
        let addr = self.addr;
        let connection = if close { "close" } else { "keep-alive" };
        let cookie = if cookie.is_empty() {
            String::new()
        } else {
            format!("Cookie: {cookie}\r\n")
        };
        let body_headers = if method == "GET" {
            String::new()
        } else {
            format!(
                "Origin: http://{addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            )
        };
        format!(
            "{method} {}{path} HTTP/1.1\r\nHost: {addr}\r\n{cookie}{body_headers}\
             Connection: {connection}\r\n\r\n{body}",
            self.path
        )
    }

    /// Sends one request on a new connection; the status and the whole response.
    fn once(&self, method: &str, path: &str, cookie: &str, body: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(self.addr).expect("the server accepts connections");
        stream
            .set_read_timeout(Some(PATIENCE))
            .expect("a read timeout can be set");
        stream
            .write_all(self.request(method, path, cookie, body, true).as_bytes())
            .expect("the request is sent");
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .expect("the response is read to its end");
        (status_of(&response), response)
    }

    /// Joins the room; the `Cookie` header value to send from then on, or the status
    /// when refused.
    fn join(&self) -> Result<String, u16> {
        let (status, response) = self.once("POST", "api/join", "", "{}");
        if status != 200 {
            return Err(status);
        }
        Ok(response
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: "))
            .and_then(|c| c.split(';').next())
            .expect("a joined participant gets a cookie")
            .to_string())
    }
}

fn status_of(response: &str) -> u16 {
    response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

// --- the editor's part ---

/// Plays the editor: on each wake, the participants' entries into the document, then the
/// new snapshot to the room. Returns how many snapshots it published.
fn run_app(
    room: Arc<Room>,
    mut doc: Document,
    woken: mpsc::Receiver<()>,
    stop: Arc<AtomicBool>,
) -> JoinHandle<usize> {
    thread::Builder::new()
        .name("bench app".into())
        .spawn(move || {
            let mut published = 0;
            while !stop.load(Ordering::Relaxed) {
                match woken.recv_timeout(Duration::from_millis(50)) {
                    Ok(()) => {}
                    Err(mpsc::RecvTimeoutError::Timeout) => continue,
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
                // Wakes in a burst make one frame, as repaint requests do.
                while woken.try_recv().is_ok() {}
                let mut changed = false;
                for entry in room.take_entries() {
                    if let Entry::Vote { pain_point, delta } = entry
                        && let Some(p) = doc.pain_points.iter_mut().find(|p| p.id == pain_point)
                    {
                        p.vote(delta);
                        changed = true;
                    }
                }
                if changed {
                    room.publish(Snapshot::of(&doc));
                    published += 1;
                }
            }
            published
        })
        .expect("the app thread starts")
}

// --- the listeners ---

/// What a listener reads of each `state` event.
#[derive(Deserialize)]
struct View {
    pain_points: Vec<Pin>,
}

#[derive(Deserialize)]
struct Pin {
    id: String,
    votes: Option<u32>,
}

/// Shared between the listeners and the voter.
struct Progress {
    /// Listeners that have their first event, and those refused.
    ready: AtomicUsize,
    refused: AtomicUsize,
    /// Listeners that have seen vote k.
    seen: Vec<AtomicUsize>,
}

/// What one listener saw: when each vote reached it, and the events read.
struct Heard {
    arrivals: Vec<Option<Instant>>,
    events: usize,
    status: u16,
}

/// A chunked HTTP body, decoded as it comes.
#[derive(Default)]
struct Chunked {
    raw: Vec<u8>,
    out: Vec<u8>,
}

impl Chunked {
    fn feed(&mut self, bytes: &[u8]) {
        self.raw.extend_from_slice(bytes);
        loop {
            let Some(line) = find(&self.raw, b"\r\n") else {
                return;
            };
            let size = std::str::from_utf8(&self.raw[..line])
                .ok()
                .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok())
                .expect("a chunk starts with its size in hex");
            let end = line + 2 + size + 2;
            if self.raw.len() < end {
                return;
            }
            self.out
                .extend_from_slice(&self.raw[line + 2..line + 2 + size]);
            self.raw.drain(..end);
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Holds the event stream open and notes when each vote on `pain` arrives, until the
/// server closes the connection.
fn listen(
    target: Target,
    cookie: String,
    pain: String,
    base_votes: u32,
    progress: Arc<Progress>,
) -> Heard {
    let votes = progress.seen.len();
    let mut heard = Heard {
        arrivals: vec![None; votes],
        events: 0,
        status: 0,
    };
    let mut stream = TcpStream::connect(target.addr).expect("the server accepts a listener");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .expect("a read timeout can be set");
    stream
        .write_all(
            target
                .request("GET", "api/events", &cookie, "", false)
                .as_bytes(),
        )
        .expect("the stream is asked for");
    let mut buf = vec![0u8; 64 * 1024];
    let mut head = Vec::new();
    let mut body = Chunked::default();
    let mut chunked = None;
    let mut counted = 0usize;
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let now = Instant::now();
        let bytes = &buf[..n];
        match chunked {
            Some(true) => body.feed(bytes),
            Some(false) => body.out.extend_from_slice(bytes),
            None => {
                head.extend_from_slice(bytes);
                let Some(end) = find(&head, b"\r\n\r\n") else {
                    continue;
                };
                let text = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
                heard.status = status_of(&text);
                if heard.status != 200 {
                    progress.refused.fetch_add(1, Ordering::SeqCst);
                    return heard;
                }
                let c = text.contains("transfer-encoding: chunked");
                let rest = head[end + 4..].to_vec();
                if c {
                    body.feed(&rest);
                } else {
                    body.out.extend_from_slice(&rest);
                }
                chunked = Some(c);
            }
        }
        // Whole events: blank-line separated, `data:` lines joined.
        while let Some(end) = find(&body.out, b"\n\n") {
            let event: Vec<u8> = body.out.drain(..end + 2).collect();
            let text = String::from_utf8_lossy(&event);
            let data: Vec<&str> = text
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(|d| d.strip_prefix(' ').unwrap_or(d))
                .collect();
            if data.is_empty() {
                continue; // a keep-alive comment
            }
            let view: View =
                serde_json::from_str(&data.join("\n")).expect("a state event is the room as JSON");
            heard.events += 1;
            if heard.events == 1 {
                progress.ready.fetch_add(1, Ordering::SeqCst);
            }
            let total = view
                .pain_points
                .iter()
                .find(|p| p.id == pain)
                .and_then(|p| p.votes)
                .expect("the pain point voted on is shown with its total");
            let reached = (total.saturating_sub(base_votes) as usize).min(votes);
            while counted < reached {
                heard.arrivals[counted] = Some(now);
                progress.seen[counted].fetch_add(1, Ordering::SeqCst);
                counted += 1;
            }
        }
    }
    heard
}

// --- the requests-per-second part ---

/// A keep-alive connection that reads responses with a Content-Length.
struct Conn {
    addr: SocketAddr,
    reader: Option<BufReader<TcpStream>>,
}

impl Conn {
    fn new(addr: SocketAddr) -> Conn {
        Conn { addr, reader: None }
    }

    fn send(&mut self, request: &[u8]) -> u16 {
        for _ in 0..2 {
            if let Ok(status) = self.try_send(request) {
                return status;
            }
            self.reader = None; // closed by the server: once more on a new connection
        }
        panic!("the server did not answer twice on fresh connections");
    }

    fn try_send(&mut self, request: &[u8]) -> std::io::Result<u16> {
        if self.reader.is_none() {
            let stream = TcpStream::connect(self.addr)?;
            stream.set_read_timeout(Some(PATIENCE))?;
            stream.set_nodelay(true)?;
            self.reader = Some(BufReader::new(stream));
        }
        let reader = self.reader.as_mut().expect("connected above");
        reader.get_mut().write_all(request)?;
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let status = status_of(&line);
        let mut length = 0usize;
        let mut close = false;
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let header = line.trim_end().to_ascii_lowercase();
            if header.is_empty() {
                break;
            }
            if let Some(v) = header.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            close |= header == "connection: close";
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body)?;
        if close {
            self.reader = None;
        }
        Ok(status)
    }
}

/// Statuses counted over one load run.
#[derive(Default)]
struct Tally {
    ok: usize,
    too_fast: usize,
    other: usize,
    times: Vec<Duration>,
}

/// `CLIENTS` threads sending as fast as answered, each cycling through its share of the
/// participants' cookies: for `LOAD_FOR`, or until each cookie was sent `each` times.
fn load(
    target: &Target,
    cookies: &[String],
    (method, path, body): (&str, &str, &str),
    each: Option<usize>,
) -> (Tally, f64) {
    // A counted run goes on until done (within reason).
    let until = if each.is_some() { PATIENCE } else { LOAD_FOR };
    let start = Instant::now();
    let handles: Vec<JoinHandle<Tally>> = (0..CLIENTS)
        .map(|c| {
            let requests: Vec<Vec<u8>> = cookies
                .iter()
                .skip(c)
                .step_by(CLIENTS)
                .map(|cookie| {
                    target
                        .request(method, path, cookie, body, false)
                        .into_bytes()
                })
                .collect();
            let addr = target.addr;
            thread::spawn(move || {
                let mut conn = Conn::new(addr);
                let mut tally = Tally::default();
                let mut i = 0;
                let limit = each.map_or(usize::MAX, |n| n * requests.len());
                while i < limit && start.elapsed() < until {
                    let sent = Instant::now();
                    match conn.send(&requests[i % requests.len()]) {
                        200 => tally.ok += 1,
                        429 => tally.too_fast += 1,
                        _ => tally.other += 1,
                    }
                    tally.times.push(sent.elapsed());
                    i += 1;
                }
                tally
            })
        })
        .collect();
    let mut all = Tally::default();
    for h in handles {
        let t = h.join().expect("a load client finishes");
        all.ok += t.ok;
        all.too_fast += t.too_fast;
        all.other += t.other;
        all.times.extend(t.times);
    }
    (all, start.elapsed().as_secs_f64())
}

// --- numbers ---

/// The value at quantile `q` (nearest rank) of sorted `sorted`.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> String {
    format!("{:7.2} ms", d.as_secs_f64() * 1e3)
}

/// Latencies of votes `range` over all listeners, printed; returns p95.
fn report_latency(
    label: &str,
    range: std::ops::Range<usize>,
    posted: &[Instant],
    answered: &[Duration],
    heard: &[Heard],
) -> Duration {
    let mut latencies = Vec::new();
    let mut missed = 0;
    for k in range.clone() {
        for h in heard.iter().filter(|h| h.status == 200) {
            match h.arrivals[k] {
                Some(at) => latencies.push(at.saturating_duration_since(posted[k])),
                None => missed += 1,
            }
        }
    }
    let mut last: Vec<Duration> = range
        .clone()
        .filter_map(|k| {
            heard
                .iter()
                .filter(|h| h.status == 200)
                .map(|h| h.arrivals[k])
                .collect::<Option<Vec<Instant>>>()?
                .into_iter()
                .max()
                .map(|at| at.saturating_duration_since(posted[k]))
        })
        .collect();
    last.sort();
    latencies.sort();
    let mut answers = answered[range.clone()].to_vec();
    answers.sort();
    println!(
        "  {label:<22} p50 {}  p95 {}  max {}  ({} deliveries, {missed} missed; POST answered p50 {}, p95 {})",
        ms(quantile(&latencies, 0.5)),
        ms(quantile(&latencies, 0.95)),
        ms(latencies.last().copied().unwrap_or_default()),
        latencies.len(),
        ms(quantile(&answers, 0.5)).trim(),
        ms(quantile(&answers, 0.95)).trim(),
    );
    println!(
        "  {:<22} p50 {}  p95 {}  max {}  (time until the last listener has the vote)",
        "",
        ms(quantile(&last, 0.5)),
        ms(quantile(&last, 0.95)),
        ms(last.last().copied().unwrap_or_default()),
    );
    if missed > 0 {
        quantile(&latencies, 0.95).max(PATIENCE)
    } else {
        quantile(&latencies, 0.95)
    }
}

fn report_load(label: &str, (mut tally, seconds): (Tally, f64)) {
    let total = tally.ok + tally.too_fast + tally.other;
    tally.times.sort();
    println!(
        "  {label:<22} {:8.0} req/s  ({:.0} answered 200/s; {} × 200, {} × 429, {} other in {seconds:.1} s; \
         per request p50 {}, p95 {})",
        total as f64 / seconds,
        tally.ok as f64 / seconds,
        tally.ok,
        tally.too_fast,
        tally.other,
        ms(quantile(&tally.times, 0.5)).trim(),
        ms(quantile(&tally.times, 0.95)).trim(),
    );
}

fn wait_until(what: &str, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < PATIENCE, "gave up waiting: {what}");
        thread::sleep(Duration::from_micros(200));
    }
}

fn main() {
    // `cargo bench -- --list` and filters from the harness: this bench has one part only.
    if std::env::args().any(|a| a == "--list") {
        println!("participation: benchmark");
        return;
    }
    let doc = loopmap::io::samples::default_sample()
        .load()
        .expect("the UK sample loads");
    let pain = doc
        .pain_points
        .first()
        .expect("the UK sample has pain points");
    let (pain_id, base_votes) = (pain.id.clone(), pain.votes());

    let (wake, woken) = mpsc::channel::<()>();
    let server = Server::start(
        Bind {
            ip: [127, 0, 0, 1].into(),
            port: 0,
        },
        Snapshot::of(&doc),
        move || {
            let _ = wake.send(());
        },
    )
    .expect("the participation server starts on loopback");
    let room = server.room().clone();
    room.set_settings(Settings {
        votes_per_person: 1_000_000,
        ..Settings::default()
    });
    let stop_app = Arc::new(AtomicBool::new(false));
    let app = run_app(room.clone(), doc.clone(), woken, stop_app.clone());
    let target = Target::of(&server);

    println!(
        "participation over loopback ({}, {} cores): {LISTENERS} listeners on api/events, \
         votes on pain point {pain_id} of the UK sample",
        server.addr(),
        thread::available_parallelism().map_or(0, |n| n.get())
    );

    // The listeners: each joins with its own cookie and holds the stream open.
    let cookies: Vec<String> = (0..LISTENERS)
        .map(|i| {
            target
                .join()
                .unwrap_or_else(|s| panic!("listener {i} could not join: {s}"))
        })
        .collect();
    let votes = PACED_VOTES + STEADY_VOTES;
    let progress = Arc::new(Progress {
        ready: AtomicUsize::new(0),
        refused: AtomicUsize::new(0),
        seen: (0..votes).map(|_| AtomicUsize::new(0)).collect(),
    });
    let listeners: Vec<JoinHandle<Heard>> = cookies
        .iter()
        .map(|cookie| {
            let (target, cookie, pain, progress) = (
                target.clone(),
                cookie.clone(),
                pain_id.clone(),
                progress.clone(),
            );
            thread::Builder::new()
                .stack_size(512 * 1024)
                .spawn(move || listen(target, cookie, pain, base_votes, progress))
                .expect("a listener thread starts")
        })
        .collect();
    wait_until("every listener's first event", || {
        progress.ready.load(Ordering::SeqCst) + progress.refused.load(Ordering::SeqCst) == LISTENERS
    });
    let refused = progress.refused.load(Ordering::SeqCst);
    assert_eq!(
        refused, 0,
        "{refused} listeners were refused the event stream"
    );

    // The votes, each from another participant (all within their rate and budget).
    let vote_body = format!(r#"{{"pain_point":"{pain_id}"}}"#);
    let mut posted = Vec::with_capacity(votes);
    let mut answered = Vec::with_capacity(votes);
    let mut vote = |k: usize, posted: &mut Vec<Instant>| {
        let at = Instant::now();
        posted.push(at);
        let (status, response) =
            target.once("POST", "api/votes", &cookies[k % LISTENERS], &vote_body);
        answered.push(at.elapsed());
        assert_eq!(status, 200, "vote {k} refused: {response}");
    };
    for k in 0..PACED_VOTES {
        vote(k, &mut posted);
        wait_until("every listener to see the vote", || {
            progress.seen[k].load(Ordering::SeqCst) == LISTENERS
        });
        thread::sleep(Duration::from_millis(5));
    }
    let steady_start = Instant::now();
    for k in PACED_VOTES..votes {
        let due = steady_start + Duration::from_secs_f64((k - PACED_VOTES) as f64 / STEADY_RATE);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            thread::sleep(wait);
        }
        vote(k, &mut posted);
    }
    let all_seen = || {
        progress
            .seen
            .iter()
            .all(|s| s.load(Ordering::SeqCst) == LISTENERS)
    };
    let start = Instant::now();
    while !all_seen() && start.elapsed() < PATIENCE {
        thread::sleep(Duration::from_millis(1));
    }

    // Requests per second: the listeners' cookies and as many more as the room takes.
    let mut everyone = cookies.clone();
    let full = loop {
        match target.join() {
            Ok(cookie) => everyone.push(cookie),
            Err(status) => break status,
        }
    };
    thread::sleep(Duration::from_secs(3)); // everyone's allowance full again
    let state_allowed = load(&target, &everyone, ("GET", "api/state", ""), Some(ALLOWED));
    thread::sleep(Duration::from_secs(3));
    let state = load(&target, &everyone, ("GET", "api/state", ""), None);
    thread::sleep(Duration::from_secs(3));
    let votes_allowed = load(
        &target,
        &everyone,
        ("POST", "api/votes", &vote_body),
        Some(ALLOWED),
    );
    thread::sleep(Duration::from_secs(3));
    let votes_load = load(&target, &everyone, ("POST", "api/votes", &vote_body), None);

    server.stop(); // ends every stream
    stop_app.store(true, Ordering::Relaxed);
    let published = app.join().expect("the app thread ends");
    let heard: Vec<Heard> = listeners
        .into_iter()
        .map(|h| h.join().expect("a listener ends"))
        .collect();
    let events: usize = heard.iter().map(|h| h.events).sum();

    println!(
        "\nvote POST → its event at every listener ({LISTENERS} listeners; the app's part \
         emulated, no frame time; {published} snapshots published, {events} events read):"
    );
    let paced = report_latency(
        "one vote at a time",
        0..PACED_VOTES,
        &posted,
        &answered,
        &heard,
    );
    let steady = report_latency(
        &format!("{STEADY_RATE} votes/s"),
        PACED_VOTES..votes,
        &posted,
        &answered,
        &heard,
    );
    let verdict = |p95: Duration| {
        if p95 < Duration::from_millis(100) {
            "met"
        } else {
            "NOT met"
        }
    };
    println!(
        "  goal p95 < 100 ms: {} one at a time, {} at {STEADY_RATE} votes/s",
        verdict(paced),
        verdict(steady)
    );
    println!(
        "\nrequests per second, {CLIENTS} keep-alive clients cycling through {} participants' cookies \
         (rate limit 4/s each after a burst of 12), {LISTENERS} listeners attached:",
        everyone.len()
    );
    report_load(&format!("GET api/state, {ALLOWED} each"), state_allowed);
    report_load(&format!("GET api/state, {}s", LOAD_FOR.as_secs()), state);
    report_load(&format!("POST api/votes, {ALLOWED} each"), votes_allowed);
    report_load(
        &format!("POST api/votes, {}s", LOAD_FOR.as_secs()),
        votes_load,
    );
    println!(
        "\nroom cap: {} joined, the next join answered {full} (cap {MAX_PARTICIPANTS})",
        everyone.len()
    );
}
