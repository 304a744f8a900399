//! Walks a parsed document (as a `serde_json::Value`) into [`Entry`]s.

use serde_json::{Map, Value};

use super::{Entry, MAX_DEPTH, MAX_ENTRIES, is_kept};

/// Field names that hold the name of a `name`/`value` pair.
const NAME_FIELDS: &[&str] = &["name", "key", "parameterkey", "variable", "id"];
/// Field names that hold the value of a `name`/`value` pair.
const VALUE_FIELDS: &[&str] = &["value", "parametervalue", "defaultvalue", "secretvalue"];

/// Adds the string values under `value` to `out`, each with its key:
/// the field name, or for objects shaped `{name: N, value: V}` (Kubernetes
/// `env`, ECS `environment`, CloudFormation parameters) the name `N`.
/// Array items take their array's key.
pub fn walk(value: &Value, key: Option<&str>, depth: usize, out: &mut Vec<Entry>) {
    if depth > MAX_DEPTH || out.len() >= MAX_ENTRIES {
        return;
    }
    match value {
        Value::String(text) => {
            if let Some(key) = key {
                push(out, key, text);
            }
        }
        Value::Array(items) => {
            for item in items {
                if let Some((name, text)) = item.as_str().and_then(assignment)
                    && is_kept(text)
                {
                    out.push(Entry::Setting {
                        key: name.to_string(),
                        value: text.to_string(),
                    });
                }
                walk(item, key, depth + 1, out);
            }
        }
        Value::Object(map) => {
            if let Some((name, text)) = name_value_pair(map) {
                push(out, name, text);
            }
            for (field, item) in map {
                walk(item, Some(field), depth + 1, out);
            }
        }
        _ => {}
    }
}

/// A list item written `NAME=value` (Docker Compose `environment:`, a
/// container's `env` list in some tools): the name and the whole value, which
/// runs to the end of the item.
fn assignment(item: &str) -> Option<(&str, &str)> {
    let (name, value) = item.split_once('=')?;
    let env_name = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'));
    env_name.then_some((name, value))
}

fn push(out: &mut Vec<Entry>, key: &str, value: &str) {
    if is_kept(value) {
        out.push(Entry::KeyValue {
            key: key.to_string(),
            value: value.to_string(),
        });
    }
}

fn field<'a>(map: &'a Map<String, Value>, names: &[&str]) -> Option<&'a str> {
    map.iter()
        .find(|(k, _)| names.iter().any(|n| k.eq_ignore_ascii_case(n)))
        .and_then(|(_, v)| v.as_str())
}

fn name_value_pair(map: &Map<String, Value>) -> Option<(&str, &str)> {
    Some((field(map, NAME_FIELDS)?, field(map, VALUE_FIELDS)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_value_objects_give_the_name_as_key() {
        let doc: Value = serde_json::json!({"env": [{"name": "DB_PASSWORD", "value": "v1"}]});
        let mut out = Vec::new();
        walk(&doc, None, 0, &mut out);
        assert!(out.contains(&Entry::KeyValue {
            key: "DB_PASSWORD".into(),
            value: "v1".into()
        }));
    }

    #[test]
    fn name_equals_value_list_items_give_the_name_as_key() {
        let doc: Value =
            serde_json::json!({"environment": ["DB_PASSWORD=a(b;c", "--flag=x", "=v"]});
        let mut out = Vec::new();
        walk(&doc, None, 0, &mut out);
        let named: Vec<&Entry> = out
            .iter()
            .filter(|e| matches!(e, Entry::Setting { .. }))
            .collect();
        assert_eq!(
            named,
            vec![&Entry::Setting {
                key: "DB_PASSWORD".into(),
                value: "a(b;c".into()
            }]
        );
    }

    #[test]
    fn deep_documents_stop_at_the_depth_limit() {
        let mut doc = Value::String("x".into());
        for _ in 0..1000 {
            doc = serde_json::json!({ "password": doc });
        }
        let mut out = Vec::new();
        walk(&doc, None, 0, &mut out);
        assert!(out.is_empty());
    }
}
