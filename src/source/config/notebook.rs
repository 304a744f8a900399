//! Jupyter notebooks: each cell's source as code (the raw JSON escapes every
//! quote and newline of it).

use serde_json::Value;

use super::{Entry, MAX_ENTRIES, json};

/// Adds each cell's source of the notebook `text` to `out`.
pub fn entries(text: &str, out: &mut Vec<Entry>) -> Result<(), super::ParseError> {
    let notebook = json::parse(text)?;
    let cells = notebook
        .get("cells")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for cell in cells.iter().take(MAX_ENTRIES) {
        let source = match cell.get("source") {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Array(lines)) => lines.iter().filter_map(Value::as_str).collect(),
            _ => continue,
        };
        if !source.trim().is_empty() {
            out.push(Entry::Code(source));
        }
    }
    Ok(())
}
