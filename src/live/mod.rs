//! Participation: a small HTTP server inside the editor through which the people in the
//! room join from their phones, add pain points and spend dot votes. No egui here: the
//! app publishes a `Snapshot` of the map after each change and takes the participants'
//! `Entry`s to apply through its own edit path.
//!
//! The server runs on its own thread (a single-threaded tokio runtime); stopping it drops
//! the runtime, which closes every connection, and the room with everyone's cookies and
//! budgets goes with it.

pub mod guard;
pub mod net;
pub mod room;
pub mod routes;
pub mod snapshot;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;

pub use room::{Entry, NewPainPoint, Room, Settings};
pub use snapshot::Snapshot;

/// Where the server listens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bind {
    pub ip: IpAddr,
    /// 0 for any free port.
    pub port: u16,
}

/// How long a stop waits for the phones to hear that the session ended.
const GOODBYE: std::time::Duration = std::time::Duration::from_millis(800);

/// The port offered when none is given.
pub const DEFAULT_PORT: u16 = 8077;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("could not listen on {addr}: {source} (choose another address or port)")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the system's random generator failed: {0}")]
    Random(getrandom::Error),
    #[error("could not start the server thread: {0}")]
    Thread(std::io::Error),
}

/// A running participation server.
pub struct Server {
    room: Arc<Room>,
    addr: SocketAddr,
    token: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Binds to `bind` and serves the room on a thread of its own, with a new token.
    /// `wake` is called from the server's thread when the app has something to take.
    pub fn start(
        bind: Bind,
        snapshot: Snapshot,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> Result<Server, StartError> {
        let wanted = SocketAddr::new(bind.ip, bind.port);
        let bound = |source| StartError::Bind {
            addr: wanted,
            source,
        };
        let listener = TcpListener::bind(wanted).map_err(bound)?;
        listener.set_nonblocking(true).map_err(bound)?;
        let addr = listener.local_addr().map_err(bound)?;
        let token = guard::new_token().map_err(StartError::Random)?;
        let room = Room::new(snapshot, wake);
        let app = routes::router(
            room.clone(),
            guard::Gate {
                token: token.clone(),
                addr,
            },
        );
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("loopmap participation".into())
            .spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    tokio::select! {
                        _ = axum::serve(listener, app) => {}
                        _ = stopped => {}
                    }
                });
                // Dropping the runtime ends every connection still open.
                drop(runtime);
            })
            .map_err(StartError::Thread)?;
        Ok(Server {
            room,
            addr,
            token,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The link participants open: `http://ADDR:PORT/TOKEN/`.
    pub fn url(&self) -> String {
        format!("http://{}/{}/", self.addr, self.token)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn room(&self) -> &Arc<Room> {
        &self.room
    }

    /// Stops serving and disconnects everyone; returns once the server thread is gone.
    pub fn stop(mut self) {
        self.shut_down();
    }

    /// Tells every phone the session ended (their streams close once they have it),
    /// waits a moment for that, then stops the server.
    fn shut_down(&mut self) {
        if self.stop.is_some() {
            self.room.end();
            let deadline = std::time::Instant::now() + GOODBYE;
            while self.room.streams() > 0 && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shut_down();
    }
}
