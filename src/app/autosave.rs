//! The copy of unsaved work: one per window, written within two seconds of any change
//! (undo and redo included), kept until the map is saved or the user discards it, and
//! offered back, with the file it came from, at the next start once its window is gone.
//!
//! Each window owns `<name>.loopmap.json` (the map as it is), `<name>.origin` (the path
//! of the file it was opened from, if any) and `<name>.lock`, which it holds locked while
//! it runs: a copy whose lock can be taken was left by a window that is gone.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::io;
use crate::model::Document;

/// Longest time between a change and the copy on disk.
pub const DELAY_SECONDS: f64 = 2.0;

const MAP: &str = ".loopmap.json";
const ORIGIN: &str = ".origin";
const LOCK: &str = ".lock";

/// This window's copy of unsaved work.
#[derive(Debug)]
pub struct Autosave {
    dir: PathBuf,
    name: String,
    /// Held locked while the window lives; closed (and so unlocked) when it ends.
    lock: Option<File>,
}

/// A copy left by a window that is gone.
#[derive(Clone, Debug, PartialEq)]
pub struct Orphan {
    pub map: PathBuf,
    /// The file the map was opened from or last saved to.
    pub origin: Option<PathBuf>,
    pub modified: Option<SystemTime>,
}

impl Autosave {
    /// The autosave folder in the user's data folder.
    pub fn default_folder() -> Option<PathBuf> {
        let dirs = directories::ProjectDirs::from("org", "Loopmap", "Loopmap")?;
        Some(dirs.data_dir().join("autosave"))
    }

    /// A new copy for this window in `dir` (created if missing), locked as in use.
    pub fn in_folder(dir: &Path) -> std::io::Result<Autosave> {
        std::fs::create_dir_all(dir)?;
        let stamp = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let name = format!("window-{stamp}-{}", std::process::id());
        let lock = File::create(dir.join(format!("{name}{LOCK}")))?;
        lock.try_lock().map_err(std::io::Error::other)?;
        Ok(Autosave {
            dir: dir.to_path_buf(),
            name,
            lock: Some(lock),
        })
    }

    /// Where this window's copy is written.
    pub fn path(&self) -> PathBuf {
        self.dir.join(format!("{}{MAP}", self.name))
    }

    fn origin_path(&self) -> PathBuf {
        self.dir.join(format!("{}{ORIGIN}", self.name))
    }

    /// Writes the copy (atomically) and the file it belongs to.
    pub fn write(&self, doc: &Document, origin: Option<&Path>) -> Result<(), io::SaveError> {
        let origin_text = origin.map_or(String::new(), |p| p.to_string_lossy().into_owned());
        io::write_atomic(&self.origin_path(), origin_text.as_bytes())?;
        io::save(doc, &self.path())
    }

    /// Removes the copy (the map was saved, or its changes given up).
    pub fn remove(&self) {
        let _ = std::fs::remove_file(self.path());
        let _ = std::fs::remove_file(self.origin_path());
    }

    /// Copies in the folder left by windows that are gone, newest first.
    pub fn orphans(&self) -> Vec<Orphan> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for entry in entries.flatten() {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let Some(name) = file_name.strip_suffix(MAP) else {
                continue;
            };
            if name == self.name || window_alive(&self.dir.join(format!("{name}{LOCK}"))) {
                continue;
            }
            let origin = std::fs::read_to_string(self.dir.join(format!("{name}{ORIGIN}")))
                .ok()
                .filter(|s| !s.is_empty())
                .map(PathBuf::from);
            out.push(Orphan {
                map: entry.path(),
                origin,
                modified: entry.metadata().and_then(|m| m.modified()).ok(),
            });
        }
        out.sort_by(|a, b| b.modified.cmp(&a.modified).then(a.map.cmp(&b.map)));
        out
    }
}

impl Drop for Autosave {
    /// A window that ends normally has saved or given up its changes: its lock file goes
    /// (a copy still there, from a crash, is then recognised as left behind).
    fn drop(&mut self) {
        self.lock = None;
        if !self.path().exists() {
            let _ = std::fs::remove_file(self.dir.join(format!("{}{LOCK}", self.name)));
        }
    }
}

impl Orphan {
    pub fn load(&self) -> Result<Document, io::LoadError> {
        io::load(&self.map)
    }

    /// Deletes the copy, its origin note and its lock file.
    pub fn discard(&self) {
        let _ = std::fs::remove_file(&self.map);
        if let Some(stem) = self
            .map
            .to_str()
            .and_then(|s| s.strip_suffix(MAP))
            .map(String::from)
        {
            let _ = std::fs::remove_file(format!("{stem}{ORIGIN}"));
            let _ = std::fs::remove_file(format!("{stem}{LOCK}"));
        }
    }
}

/// Whether the window that owns `lock` still runs: it holds the file locked.
fn window_alive(lock: &Path) -> bool {
    match File::open(lock) {
        Ok(file) => matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
        Err(_) => false,
    }
}
