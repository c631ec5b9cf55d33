//! Reading and writing map files: parse with messages that name the problem and where,
//! write in one canonical, diff-friendly form, and save atomically.

mod canonical;
pub mod link;
pub mod samples;

pub use canonical::to_canonical_string;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::model::{self, Document, FORMAT_VERSION};

/// Why a map file could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    /// Valid JSON in the wrong shape, at a place in the file.
    #[error("line {line}, column {column}: {message}")]
    At {
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "not valid UTF-8 at line {line}, column {column} (byte {byte}): \
         save the file as UTF-8 text"
    )]
    Utf8 {
        line: usize,
        column: usize,
        byte: usize,
    },
    #[error("{0}")]
    Format(String),
    #[error("{0}")]
    Invalid(#[from] model::validate::Invalid),
}

impl LoadError {
    /// Ids and values are quoted as they are: a line break or a control character inside
    /// one must not break the one-line message nor reach the terminal, and a very long
    /// value is cut short.
    fn one_line(self) -> LoadError {
        match self {
            LoadError::Json {
                line,
                column,
                message,
            } => LoadError::Json {
                line,
                column,
                message: clean(&message),
            },
            LoadError::At {
                line,
                column,
                message,
            } => LoadError::At {
                line,
                column,
                message: clean(&message),
            },
            LoadError::Format(m) => LoadError::Format(clean(&m)),
            LoadError::Invalid(i) => LoadError::Format(clean(&i.to_string())),
            other => other,
        }
    }
}

/// Longest message a refusal prints, in characters: a backstop behind the quoting of
/// values, so a huge value can never be echoed whole.
const MESSAGE_LIMIT: usize = 600;

/// A message made safe to print: every quoted value (between backticks or double quotes,
/// as serde quotes them) escaped and cut short, then the whole kept to one bounded line.
fn clean(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(open) = rest.find(['`', '"']) {
        let quote = &rest[open..open + 1];
        out.push_str(&rest[..open + 1]);
        let after = &rest[open + 1..];
        match after.find(quote) {
            Some(close) => {
                out.push_str(&model::text::shown(&after[..close]));
                out.push_str(quote);
                rest = &after[close + 1..];
            }
            None => {
                rest = after;
                break;
            }
        }
    }
    out.push_str(rest);
    let out = model::text::escape_controls(&out);
    if out.chars().count() > MESSAGE_LIMIT {
        let cut: String = out.chars().take(MESSAGE_LIMIT).collect();
        format!("{cut}… (message cut short)")
    } else {
        out
    }
}

/// Why a map could not be saved; the file on disk is unchanged.
#[derive(Debug, thiserror::Error)]
#[error("cannot save {path}: {source}")]
pub struct SaveError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// Reads and validates a map file.
pub fn load(path: &Path) -> Result<Document, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_bytes(&bytes)
}

/// Parses and validates the bytes of a map file, which must be UTF-8.
pub fn parse_bytes(bytes: &[u8]) -> Result<Document, LoadError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            // The prefix is valid UTF-8 by construction.
            let before = std::str::from_utf8(valid).unwrap_or_default();
            let (line, column) = line_and_column(before);
            Err(LoadError::Utf8 {
                line,
                column,
                byte: e.valid_up_to() + 1,
            })
        }
    }
}

/// Line and column (both from 1, the column in characters) of the place just after
/// `before`.
fn line_and_column(before: &str) -> (usize, usize) {
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Parses and validates the text of a map file.
pub fn parse(text: &str) -> Result<Document, LoadError> {
    parse_text(text).map_err(LoadError::one_line)
}

fn parse_text(text: &str) -> Result<Document, LoadError> {
    // Some Windows editors start UTF-8 files with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Fast path: typed straight from the text. Only when that fails is the file read a
    // second time, piece by piece, to say exactly what is wrong and where.
    let doc = match serde_json::from_str::<Document>(text) {
        Ok(mut doc) => {
            check_header(&doc.extra)?;
            // `shift_remove` keeps the other keys in their order (`remove` swaps the last
            // one into the gap, so `fmt` reordered unknown keys on every run).
            doc.extra.shift_remove("format");
            doc.extra.shift_remove("version");
            doc
        }
        Err(typed) => {
            explain_refusal(text)?;
            // The piece-by-piece reading found nothing (e.g. a key given twice, which a
            // JSON object tree silently collapses): the typed parser's reason stands.
            return Err(LoadError::Json {
                line: typed.line(),
                column: typed.column(),
                message: strip_position(&typed.to_string()),
            });
        }
    };
    model::validate(&doc)?;
    Ok(doc)
}

/// Reads a file that failed to parse, step by step, to find the first problem; returns
/// the document only if no problem is found after all.
fn explain_refusal(text: &str) -> Result<Document, LoadError> {
    let root: Value = serde_json::from_str(text).map_err(|e| LoadError::Json {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })?;
    let Value::Object(mut root) = root else {
        let kind = match root {
            Value::Array(_) => "an array",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            _ => "null",
        };
        // Where the top-level value starts: line 1, column 1 unless blank lines lead.
        let start = text.len() - text.trim_start().len();
        let (line, column) = line_and_column(&text[..start]);
        return Err(LoadError::At {
            line,
            column,
            message: format!("the top level is {kind}, not an object: this is not a Loopmap map"),
        });
    };
    check_header(&root)?;
    root.shift_remove("format");
    root.shift_remove("version");
    let meta = match root.shift_remove("meta") {
        Some(v) => from_value(v, "meta")?,
        None => return Err(format_error("missing key `meta`")),
    };
    let nodes = list(&mut root, "nodes", "node", "id", true)?;
    let flows = list(&mut root, "flows", "flow", "id", true)?;
    let pain_points = list(&mut root, "pain_points", "pain point", "id", false)?;
    let scenarios = list(&mut root, "scenarios", "scenario", "name", false)?;
    let roadmap = match root.shift_remove("roadmap") {
        Some(v) => Some(from_value(v, "roadmap")?),
        None => None,
    };
    let targets = list(&mut root, "targets", "target", "name", false)?;
    Ok(Document {
        meta,
        nodes,
        flows,
        pain_points,
        scenarios,
        roadmap,
        targets,
        extra: root,
    })
}

/// Writes the map in canonical form, atomically: a crash mid-save leaves the old file whole.
pub fn save(doc: &Document, path: &Path) -> Result<(), SaveError> {
    write_atomic(path, to_canonical_string(doc).as_bytes())
}

/// Writes `bytes` to `path` atomically: to a temporary file in the same folder, then
/// renamed over it, so a crash mid-write leaves the old file whole.
///
/// A symbolic link is followed: its target is written and the link kept. A target that is
/// not a regular file (a folder, a device, a pipe) is refused. Temporary files of earlier
/// saves that were killed halfway are removed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    let fail = |source| SaveError {
        path: path.to_path_buf(),
        source,
    };
    let target = resolve_links(path).map_err(fail)?;
    let existing = match std::fs::metadata(&target) {
        Ok(m) if !m.is_file() => {
            return Err(fail(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "{} is not a regular file (a folder, device or pipe); \
                     choose a file name",
                    shown_path(&target)
                ),
            )));
        }
        Ok(m) => Some(m),
        Err(_) => None,
    };
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(fail(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("the folder {} does not exist", shown_path(dir)),
        )));
    }
    remove_stale_temp_files(dir);
    // tempfile names its own path in its errors; the user knows only the file they chose.
    let plain = |e: std::io::Error| fail(std::io::Error::new(e.kind(), plain_io_error(&e)));
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(plain)?;
    use std::io::Write;
    tmp.write_all(bytes).map_err(plain)?;
    tmp.as_file().sync_all().map_err(plain)?;
    // Keep the permissions of the file being replaced (a temp file starts private).
    let permissions = match existing {
        Some(m) => Some(m.permissions()),
        None => default_permissions(),
    };
    if let Some(p) = permissions {
        tmp.as_file().set_permissions(p).map_err(plain)?;
    }
    tmp.persist(&target).map_err(|e| plain(e.error))?;
    Ok(())
}

/// Temporary files of a save are named `.loopmap-save-XXXXXX.tmp`, so a later save
/// recognises the ones a killed save left behind.
const TEMP_PREFIX: &str = ".loopmap-save-";
const TEMP_SUFFIX: &str = ".tmp";

/// A temporary file this old is left from a save that never finished (a save takes
/// seconds; a younger one may belong to a save still running in another window).
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Removes our own temporary files in `dir` left by saves that were killed halfway.
/// Best effort: a file that cannot be removed is left for the next time.
fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        let age = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok());
        if meta.is_file() && age.is_some_and(|a| a >= STALE_AFTER) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Where a save through `path` writes: `path`, or the file its symbolic links lead to.
fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut target = path.to_path_buf();
    // As many links as Linux follows before ELOOP.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&target) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&target)?;
                target = match target.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(target),
        }
    }
    Err(std::io::Error::other(
        "too many levels of symbolic links (a link that leads back to itself?)",
    ))
}

/// An I/O error's reason without the path of a temporary file.
fn plain_io_error(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code).to_string(),
        None => e.kind().to_string(),
    }
}

fn shown_path(path: &Path) -> String {
    model::text::escape_controls(&path.display().to_string())
}

#[cfg(unix)]
fn default_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<std::fs::Permissions> {
    None
}

fn format_error(message: impl Into<String>) -> LoadError {
    LoadError::Format(message.into())
}

/// serde_json appends " at line L column C"; we say where in our own words.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn check_header(root: &Map<String, Value>) -> Result<(), LoadError> {
    match root.get("format") {
        Some(Value::String(s)) if s == "loopmap" => {}
        Some(other) => {
            return Err(format_error(format!(
                "`format` is {other}, not \"loopmap\": this is not a Loopmap map"
            )));
        }
        None => {
            return Err(format_error(
                "`format` is missing: this is not a Loopmap map",
            ));
        }
    }
    match root.get("version") {
        None => Err(format_error("`version` is missing")),
        Some(v) => match (v.as_u64(), v.as_f64()) {
            (Some(n), _) if (1..=FORMAT_VERSION).contains(&n) => Ok(()),
            (_, Some(n)) if n > FORMAT_VERSION as f64 => Err(format_error(format!(
                "made by a newer Loopmap (format {v}); this build reads up to {FORMAT_VERSION}"
            ))),
            _ => Err(format_error(format!(
                "`version` must be a whole number from 1, got {v}"
            ))),
        },
    }
}

/// Deserializes one part of the file, naming the item and the key on error.
fn from_value<T: DeserializeOwned>(value: Value, what: &str) -> Result<T, LoadError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = friendly_path(&e.path().to_string());
        let inner = e.into_inner().to_string();
        if path == "." || path.is_empty() {
            format_error(format!("{what}: {inner}"))
        } else if path.starts_with("change #") {
            format_error(format!("{what}, {path}: {inner}"))
        } else {
            format_error(format!("{what}, key `{path}`: {inner}"))
        }
    })
}

/// Paths into a scenario's changes are counted from 1, as the user counts them:
/// `changes[0].share` → `change #1, share`.
fn friendly_path(path: &str) -> String {
    match path
        .strip_prefix("changes[")
        .and_then(|rest| rest.split_once(']'))
    {
        Some((n, rest)) => {
            let n = n
                .parse::<usize>()
                .map_or(n.to_string(), |n| (n + 1).to_string());
            let rest = rest.trim_start_matches('.');
            if rest.is_empty() {
                format!("change #{n}")
            } else {
                format!("change #{n}, {rest}")
            }
        }
        None => path.to_string(),
    }
}

/// Deserializes an array of items, each named by its id (or position) on error.
fn list<T: DeserializeOwned>(
    root: &mut Map<String, Value>,
    key: &str,
    item: &str,
    id_key: &str,
    required: bool,
) -> Result<Vec<T>, LoadError> {
    let items = match root.shift_remove(key) {
        Some(Value::Array(items)) => items,
        Some(_) => return Err(format_error(format!("`{key}` must be an array"))),
        None if required => return Err(format_error(format!("missing key `{key}`"))),
        None => return Ok(Vec::new()),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            let what = match value.get(id_key).and_then(Value::as_str) {
                Some(id) => format!("{item} '{}'", model::text::shown(id)),
                None => format!("{item} #{}", i + 1),
            };
            from_value(value, &what)
        })
        .collect()
}
