//! The room: who joined, what each may still do (vote budgets, quotas, rate), the
//! facilitator's settings, the entries waiting for review, and the map as the app last
//! published it. Plain data behind one lock; the HTTP handlers and the app both use it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use serde_json::{Value, json};

use super::snapshot::Snapshot;
use crate::model::{Anchor, Category};

/// At most this many people join one session.
pub const MAX_PARTICIPANTS: usize = 300;
/// Longest pain point title, in characters.
pub const MAX_TITLE: usize = 280;
/// Longest name, in characters.
pub const MAX_NAME: usize = 60;
/// Pain points one participant may add in one session.
pub const MAX_ENTRIES_EACH: u32 = 20;
/// Requests a participant may send at once, and how many more each second.
pub const BURST: f64 = 12.0;
pub const PER_SECOND: f64 = 4.0;
/// Event streams one participant may hold open (a phone that slept may leave one).
pub const MAX_STREAMS_EACH: u32 = 4;

/// What the facilitator decides for the room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// No new pain points (votes still count).
    pub locked: bool,
    /// New pain points wait in a queue until the facilitator accepts them.
    pub review: bool,
    /// Vote totals are hidden from participants until revealed.
    pub hide_totals: bool,
    /// Dot votes each participant may spend in a round.
    pub votes_per_person: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            locked: false,
            review: false,
            hide_totals: false,
            votes_per_person: 3,
        }
    }
}

/// What participants do, for the app to put into the map through its edit path.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    /// A new pain point (accepted, or added directly with review off).
    PainPoint(NewPainPoint),
    /// Votes given (positive) or taken back (negative) on a pain point.
    Vote { pain_point: String, delta: i64 },
}

#[derive(Clone, Debug, PartialEq)]
pub struct NewPainPoint {
    pub id: String,
    pub on: Anchor,
    pub title: String,
    pub category: Category,
    /// The name given, or "participant N".
    pub raised_by: String,
    /// The participant's number, so they see their own entries waiting for review.
    pub participant: usize,
}

/// One person in the room, known by the cookie the server gave them.
#[derive(Debug)]
pub struct Participant {
    /// 1 for the first to join, and so on.
    pub number: usize,
    pub name: String,
    /// Votes given in this round, by pain point.
    pub votes: BTreeMap<String, u32>,
    /// Pain points added in this session.
    pub entries: u32,
    pub streams: u32,
    tokens: f64,
    refilled: Instant,
}

impl Participant {
    pub fn raised_by(&self) -> String {
        if self.name.is_empty() {
            format!("participant {}", self.number)
        } else {
            self.name.clone()
        }
    }

    pub fn votes_spent(&self) -> u32 {
        self.votes.values().sum()
    }

    /// Takes one request from the participant's allowance; false when they send too fast.
    fn allow(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
        self.tokens = (self.tokens + elapsed * PER_SECOND).min(BURST);
        self.refilled = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Why a participant's request is refused; each maps to one HTTP status.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("join first")]
    NotJoined,
    #[error("the room is full")]
    Full,
    #[error("too many requests: wait a moment")]
    TooFast,
    #[error("new entries are locked")]
    Locked,
    #[error("you have used all your votes in this round")]
    BudgetSpent,
    #[error("you have added as many pain points as allowed")]
    Quota,
    #[error("no such pain point")]
    NoSuchPainPoint,
    #[error("no vote of yours to take back")]
    NoVote,
    #[error("{0}")]
    Invalid(String),
    #[error("the facilitator has ended this session")]
    Ended,
}

/// The room's state; every field is read and changed under the room's lock.
#[derive(Debug, Default)]
pub struct RoomState {
    pub settings: Settings,
    pub snapshot: Snapshot,
    pub participants: HashMap<String, Participant>,
    joined: usize,
    /// Entries waiting for review, oldest first.
    pub queue: Vec<NewPainPoint>,
    /// Pain point ids given out and not yet seen in a published snapshot.
    in_flight: HashSet<String>,
    /// Every id given out in this session (ids are never reused).
    issued: HashSet<String>,
    /// For the app: what participants did since it last looked.
    pub outbox: Vec<Entry>,
    pub round: u32,
    /// The facilitator stopped the session: every stream says so and ends, every request
    /// is refused, until the server is gone.
    pub ended: bool,
}

/// The shared room: the lock, the version that event streams watch, and how to wake the
/// app when there is something for it.
pub struct Room {
    state: Mutex<RoomState>,
    version: tokio::sync::watch::Sender<u64>,
    wake: Box<dyn Fn() + Send + Sync>,
}

impl std::fmt::Debug for Room {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Room").finish_non_exhaustive()
    }
}

impl Room {
    /// A new room showing `snapshot`; `wake` is called whenever the app has entries to
    /// take (the editor asks egui for a repaint).
    pub fn new(snapshot: Snapshot, wake: impl Fn() + Send + Sync + 'static) -> Arc<Room> {
        let (version, _) = tokio::sync::watch::channel(0);
        Arc::new(Room {
            state: Mutex::new(RoomState {
                snapshot,
                round: 1,
                ..RoomState::default()
            }),
            version,
            wake: Box::new(wake),
        })
    }

    /// The state, locked; a panic elsewhere while holding it does not poison the room.
    pub fn lock(&self) -> MutexGuard<'_, RoomState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Tells every event stream that the room changed.
    pub fn changed(&self) {
        self.version.send_modify(|v| *v += 1);
    }

    pub fn watch(&self) -> tokio::sync::watch::Receiver<u64> {
        self.version.subscribe()
    }

    fn to_app(&self, state: &mut RoomState, entry: Entry) {
        state.outbox.push(entry);
        (self.wake)();
    }

    // --- the app's side ---

    /// The app publishes the map after each change; votes on pain points that are gone
    /// (an entry undone) are given back.
    pub fn publish(&self, snapshot: Snapshot) {
        let mut s = self.lock();
        if s.snapshot == snapshot {
            return;
        }
        let ids: HashSet<&str> = snapshot.pain_points.iter().map(|p| p.id.as_str()).collect();
        let RoomState {
            in_flight,
            participants,
            ..
        } = &mut *s;
        in_flight.retain(|id| !ids.contains(id.as_str()));
        for p in participants.values_mut() {
            p.votes
                .retain(|id, _| ids.contains(id.as_str()) || in_flight.contains(id));
        }
        s.snapshot = snapshot;
        drop(s);
        self.changed();
    }

    /// What participants did since the last call.
    pub fn take_entries(&self) -> Vec<Entry> {
        std::mem::take(&mut self.lock().outbox)
    }

    pub fn settings(&self) -> Settings {
        self.lock().settings.clone()
    }

    pub fn set_settings(&self, settings: Settings) {
        let mut s = self.lock();
        if s.settings == settings {
            return;
        }
        let review_off = s.settings.review && !settings.review;
        s.settings = settings;
        if review_off {
            // Nothing waits for a review that is no longer done.
            let queue = std::mem::take(&mut s.queue);
            for entry in queue {
                s.in_flight.insert(entry.id.clone());
                self.to_app(&mut s, Entry::PainPoint(entry));
            }
        }
        drop(s);
        self.changed();
    }

    /// A new voting round: every budget is full again; the totals stay in the map.
    pub fn new_round(&self) {
        let mut s = self.lock();
        s.round += 1;
        for p in s.participants.values_mut() {
            p.votes.clear();
        }
        drop(s);
        self.changed();
    }

    /// Everyone who has joined in this session, connected or not.
    pub fn joined(&self) -> usize {
        self.lock().participants.len()
    }

    /// Participants connected now: with the page open and its event stream alive (a
    /// phone put away or a page closed drops out within seconds).
    pub fn connected(&self) -> usize {
        self.lock()
            .participants
            .values()
            .filter(|p| p.streams > 0)
            .count()
    }

    /// Event streams open now, everyone's.
    pub fn streams(&self) -> u32 {
        self.lock().participants.values().map(|p| p.streams).sum()
    }

    /// Ends the session: every event stream tells its phone so and closes, and every
    /// request from now on is refused with the same words.
    pub fn end(&self) {
        self.lock().ended = true;
        self.changed();
    }

    pub fn ended(&self) -> bool {
        self.lock().ended
    }

    pub fn queue(&self) -> Vec<NewPainPoint> {
        self.lock().queue.clone()
    }

    /// Accepts (`true`) or rejects an entry waiting for review.
    pub fn review(&self, id: &str, accept: bool) {
        let mut s = self.lock();
        let Some(at) = s.queue.iter().position(|e| e.id == id) else {
            return;
        };
        let entry = s.queue.remove(at);
        if accept {
            s.in_flight.insert(entry.id.clone());
            self.to_app(&mut s, Entry::PainPoint(entry));
        }
        drop(s);
        self.changed();
    }

    // --- the participants' side ---

    /// A participant joins (a new `id`) or gives a new name (an `id` already known).
    /// Returns their id (the cookie's value).
    pub fn join(
        &self,
        known: Option<&str>,
        name: Option<String>,
        now: Instant,
    ) -> Result<String, Refusal> {
        let mut s = self.lock();
        if s.ended {
            return Err(Refusal::Ended);
        }
        if let Some(id) = known
            && let Some(p) = s.participants.get_mut(id)
        {
            if !p.allow(now) {
                return Err(Refusal::TooFast);
            }
            if let Some(name) = name {
                p.name = name;
            }
            return Ok(id.to_string());
        }
        if s.participants.len() >= MAX_PARTICIPANTS {
            return Err(Refusal::Full);
        }
        let id = super::guard::random_hex().map_err(|e| Refusal::Invalid(e.to_string()))?;
        s.joined += 1;
        let number = s.joined;
        s.participants.insert(
            id.clone(),
            Participant {
                number,
                name: name.unwrap_or_default(),
                votes: BTreeMap::new(),
                entries: 0,
                streams: 0,
                tokens: BURST - 1.0,
                refilled: now,
            },
        );
        drop(s);
        self.changed();
        (self.wake)(); // "N joined" on the projector
        Ok(id)
    }

    /// Counts a request against the participant's allowance.
    pub fn admit(&self, id: &str, now: Instant) -> Result<(), Refusal> {
        let mut s = self.lock();
        if s.ended {
            return Err(Refusal::Ended);
        }
        let p = s.participants.get_mut(id).ok_or(Refusal::NotJoined)?;
        if p.allow(now) {
            Ok(())
        } else {
            Err(Refusal::TooFast)
        }
    }

    /// A new pain point: queued for review, or sent to the app. Returns its id and
    /// status (`pending` or `added`).
    pub fn add_pain_point(
        &self,
        who: &str,
        on: Anchor,
        title: String,
        category: Category,
    ) -> Result<(String, &'static str), Refusal> {
        let mut s = self.lock();
        if s.settings.locked {
            return Err(Refusal::Locked);
        }
        let (raised_by, participant) = {
            let p = s.participants.get(who).ok_or(Refusal::NotJoined)?;
            if p.entries >= MAX_ENTRIES_EACH {
                return Err(Refusal::Quota);
            }
            (p.raised_by(), p.number)
        };
        let known = match &on {
            Anchor::Map => true,
            Anchor::Node(id) => s.snapshot.nodes.iter().any(|n| &n.id == id),
            Anchor::Flow(id) => s.snapshot.flows.iter().any(|f| &f.id == id),
        };
        if !known {
            return Err(Refusal::Invalid("no such node or flow".into()));
        }
        let id = next_id(&s);
        s.issued.insert(id.clone());
        if let Some(p) = s.participants.get_mut(who) {
            p.entries += 1;
        }
        let entry = NewPainPoint {
            id: id.clone(),
            on,
            title,
            category,
            raised_by,
            participant,
        };
        let status = if s.settings.review {
            s.queue.push(entry);
            (self.wake)();
            "pending"
        } else {
            s.in_flight.insert(id.clone());
            self.to_app(&mut s, Entry::PainPoint(entry));
            "added"
        };
        drop(s);
        self.changed();
        Ok((id, status))
    }

    /// One more vote from `who` on a pain point, within their budget.
    pub fn vote(&self, who: &str, pain_point: &str) -> Result<u32, Refusal> {
        let mut s = self.lock();
        let exists = s.snapshot.pain_points.iter().any(|p| p.id == pain_point)
            || s.in_flight.contains(pain_point);
        let budget = s.settings.votes_per_person;
        let p = s.participants.get_mut(who).ok_or(Refusal::NotJoined)?;
        if !exists {
            return Err(Refusal::NoSuchPainPoint);
        }
        if p.votes_spent() >= budget {
            return Err(Refusal::BudgetSpent);
        }
        *p.votes.entry(pain_point.to_string()).or_default() += 1;
        let left = budget.saturating_sub(p.votes_spent());
        self.to_app(
            &mut s,
            Entry::Vote {
                pain_point: pain_point.to_string(),
                delta: 1,
            },
        );
        drop(s);
        self.changed();
        Ok(left)
    }

    /// Takes back one of `who`'s votes of this round on a pain point.
    pub fn unvote(&self, who: &str, pain_point: &str) -> Result<u32, Refusal> {
        let mut s = self.lock();
        let budget = s.settings.votes_per_person;
        let p = s.participants.get_mut(who).ok_or(Refusal::NotJoined)?;
        match p.votes.get_mut(pain_point) {
            Some(n) if *n > 1 => *n -= 1,
            Some(_) => {
                p.votes.remove(pain_point);
            }
            None => return Err(Refusal::NoVote),
        }
        let left = budget.saturating_sub(p.votes_spent());
        self.to_app(
            &mut s,
            Entry::Vote {
                pain_point: pain_point.to_string(),
                delta: -1,
            },
        );
        drop(s);
        self.changed();
        Ok(left)
    }

    /// Opens an event stream for `who`; false when they hold too many already.
    pub fn open_stream(&self, who: &str) -> Result<(), Refusal> {
        let mut s = self.lock();
        let p = s.participants.get_mut(who).ok_or(Refusal::NotJoined)?;
        if p.streams >= MAX_STREAMS_EACH {
            return Err(Refusal::TooFast);
        }
        p.streams += 1;
        drop(s);
        (self.wake)(); // "N connected" on the projector
        Ok(())
    }

    pub fn close_stream(&self, who: &str) {
        if let Some(p) = self.lock().participants.get_mut(who) {
            p.streams = p.streams.saturating_sub(1);
        }
        (self.wake)();
    }

    /// What `who` sees: the map, the pain points (totals only when revealed), their own
    /// votes and entries waiting for review, and the votes they have left.
    pub fn view(&self, who: &str) -> Result<Value, Refusal> {
        let s = self.lock();
        let p = s.participants.get(who).ok_or(Refusal::NotJoined)?;
        let settings = &s.settings;
        let shown = |votes: u32| (!settings.hide_totals).then_some(votes);
        let pain_points: Vec<Value> = s
            .snapshot
            .pain_points
            .iter()
            .map(|pp| {
                json!({
                    "id": pp.id,
                    "number": pp.number,
                    "title": pp.title,
                    "category": pp.category,
                    "on": pp.on,
                    "on_label": pp.on_label,
                    "status": pp.status,
                    "votes": shown(pp.votes),
                    "my_votes": p.votes.get(&pp.id).copied().unwrap_or(0),
                })
            })
            .collect();
        let pending: Vec<Value> = s
            .queue
            .iter()
            .filter(|e| e.participant == p.number)
            .map(|e| json!({ "id": e.id, "title": e.title, "category": e.category }))
            .collect();
        Ok(json!({
            "title": s.snapshot.title,
            "stages": s.snapshot.stages(),
            "flows": s.snapshot.flows,
            "categories": Category::ALL.iter().map(|c| c.name()).collect::<Vec<_>>(),
            "pain_points": pain_points,
            "pending": pending,
            "you": { "number": p.number, "name": p.name },
            "votes_per_person": settings.votes_per_person,
            "votes_left": settings.votes_per_person.saturating_sub(p.votes_spent()),
            "locked": settings.locked,
            "review": settings.review,
            "totals_shown": !settings.hide_totals,
            "round": s.round,
        }))
    }
}

/// A pain point id not in the map, not given out before in this session: `p` and a
/// number above every `p<number>` known.
fn next_id(s: &RoomState) -> String {
    let highest = s
        .snapshot
        .pain_points
        .iter()
        .map(|p| p.id.as_str())
        .chain(s.issued.iter().map(String::as_str))
        .filter_map(|id| id.strip_prefix('p')?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    format!("p{}", highest + 1)
}
