//! The canonical text of a map: pretty JSON, fixed key order, short numeric arrays and
//! country shares on one line, whole numbers without ".0". Loading and saving a canonical
//! file gives the same bytes.

use serde_json::{Map, Number, Value};

use crate::model::{Document, FORMAT_VERSION};

const INLINE_WIDTH: usize = 72;

pub fn to_canonical_string(doc: &Document) -> String {
    let mut root = Map::new();
    root.insert("format".into(), Value::from("loopmap"));
    root.insert("version".into(), Value::from(FORMAT_VERSION));
    // Document's fields are plain data with string keys: serializing cannot fail.
    if let Ok(Value::Object(body)) = serde_json::to_value(doc) {
        root.extend(body);
    }
    let mut out = String::new();
    write_value(&mut out, &Value::Object(root), 0);
    out.push('\n');
    out
}

fn write_value(out: &mut String, value: &Value, depth: usize) {
    if let Some(line) = inline(value) {
        out.push_str(&line);
        return;
    }
    match value {
        Value::Array(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                indent(out, depth + 1);
                write_value(out, item, depth + 1);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            indent(out, depth);
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("{\n");
            for (i, (key, item)) in map.iter().enumerate() {
                indent(out, depth + 1);
                write_string(out, key);
                out.push_str(": ");
                write_value(out, item, depth + 1);
                out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
            }
            indent(out, depth);
            out.push('}');
        }
        scalar => write_scalar(out, scalar),
    }
}

/// One-line form for scalars, empty containers, arrays of scalars and objects of numbers
/// (positions, country shares) that fit the width.
fn inline(value: &Value) -> Option<String> {
    let mut out = String::new();
    match value {
        Value::Array(items) => {
            if !items.iter().all(is_scalar) {
                return None;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_scalar(&mut out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            if !map.values().all(Value::is_number) {
                return None;
            }
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_string(&mut out, key);
                out.push_str(": ");
                write_scalar(&mut out, item);
            }
            out.push('}');
        }
        scalar => write_scalar(&mut out, scalar),
    }
    (out.len() <= INLINE_WIDTH || !value.is_array() && !value.is_object()).then_some(out)
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

fn write_scalar(out: &mut String, value: &Value) {
    match value {
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        other => out.push_str(&other.to_string()),
    }
}

/// Whole numbers are written without a fraction so `220` stays `220`, not `220.0`.
fn write_number(out: &mut String, n: &Number) {
    match n.as_f64() {
        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => {
            out.push_str(&(f as i64).to_string())
        }
        _ => out.push_str(&n.to_string()),
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push_str(&Value::from(s).to_string());
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}
