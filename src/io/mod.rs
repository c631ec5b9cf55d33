//! Reading and writing map files: parse with messages that name the problem and where,
//! write in one canonical, diff-friendly form, and save atomically.

mod canonical;
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
    #[error("{0}")]
    Format(String),
    #[error("{0}")]
    Invalid(#[from] model::validate::Invalid),
}

impl LoadError {
    /// Ids and values are quoted as they are; a line break inside one must not break the
    /// one-line message.
    fn one_line(self) -> LoadError {
        let clean = |s: String| {
            s.replace('\n', "\\n")
                .replace('\r', "\\r")
                .replace('\t', "\\t")
        };
        match self {
            LoadError::Json {
                line,
                column,
                message,
            } => LoadError::Json {
                line,
                column,
                message: clean(message),
            },
            LoadError::Format(m) => LoadError::Format(clean(m)),
            LoadError::Invalid(i) => LoadError::Format(clean(i.to_string())),
            other => other,
        }
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
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text)
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
            doc.extra.remove("format");
            doc.extra.remove("version");
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
        return Err(format_error(
            "the file is not a JSON object: not a Loopmap map",
        ));
    };
    check_header(&root)?;
    root.remove("format");
    root.remove("version");
    let meta = match root.remove("meta") {
        Some(v) => from_value(v, "meta")?,
        None => return Err(format_error("missing key `meta`")),
    };
    let nodes = list(&mut root, "nodes", "node", "id", true)?;
    let flows = list(&mut root, "flows", "flow", "id", true)?;
    let pain_points = list(&mut root, "pain_points", "pain point", "id", false)?;
    let scenarios = list(&mut root, "scenarios", "scenario", "name", false)?;
    Ok(Document {
        meta,
        nodes,
        flows,
        pain_points,
        scenarios,
        extra: root,
    })
}

/// Writes the map in canonical form, atomically: a crash mid-save leaves the old file whole.
pub fn save(doc: &Document, path: &Path) -> Result<(), SaveError> {
    write_atomic(path, to_canonical_string(doc).as_bytes())
}

/// Writes `bytes` to `path` atomically: to a temporary file in the same folder, then
/// renamed over it, so a crash mid-write leaves the old file whole.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    let fail = |source| SaveError {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    use std::io::Write;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    // Keep the permissions of the file being replaced (a temp file starts private).
    let permissions = match std::fs::metadata(path) {
        Ok(m) => Some(m.permissions()),
        Err(_) => default_permissions(),
    };
    if let Some(p) = permissions {
        tmp.as_file().set_permissions(p).map_err(fail)?;
    }
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
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
    let items = match root.remove(key) {
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
                Some(id) => format!("{item} '{id}'"),
                None => format!("{item} #{}", i + 1),
            };
            from_value(value, &what)
        })
        .collect()
}
