//! Kubernetes: `kubectl get secrets -A -o json` (a `List`, or one `Secret`).
//! `Secret.data` values are base64, `stringData` plain; `ConfigMap`s in the
//! same list (`kubectl get secrets,configmaps`) are read too (`data` plain,
//! `binaryData` base64). Locations are `k8s:<namespace>/<name>/<key>`.

use serde_json::{Map, Value};

use super::{Parsed, StoreError, StoreKind, decode_base64, shape, type_name, value_text};

/// Reads one document: a list of objects or a single object.
pub(super) fn parse(document: &Value, parsed: &mut Parsed) -> Result<(), StoreError> {
    let object = document.as_object().ok_or_else(|| {
        shape(
            StoreKind::K8s,
            format!(
                "expected an object with `kind: List` or `kind: Secret`, found {}",
                type_name(document)
            ),
        )
    })?;
    match object.get("items") {
        Some(Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                match item.as_object() {
                    Some(item) => read_object(item, parsed),
                    None => parsed.problem(
                        format!("k8s:items[{index}]"),
                        format!("expected an object, found {}", type_name(item)),
                    ),
                }
            }
            Ok(())
        }
        Some(other) => Err(shape(
            StoreKind::K8s,
            format!("`items` is {}, expected an array", type_name(other)),
        )),
        None if object.contains_key("data")
            || object.contains_key("stringData")
            || object.get("kind").and_then(Value::as_str) == Some("Secret") =>
        {
            read_object(object, parsed);
            Ok(())
        }
        None => Err(shape(
            StoreKind::K8s,
            "expected a `List` with `items` or a `Secret` with `data`",
        )),
    }
}

/// Reads the entries of one `Secret` or `ConfigMap`; other kinds are ignored.
fn read_object(object: &Map<String, Value>, parsed: &mut Parsed) {
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("Secret");
    let (encoded, plain) = match kind {
        "Secret" => ("data", "stringData"),
        "ConfigMap" => ("binaryData", "data"),
        _ => return,
    };
    let metadata = object.get("metadata");
    let field = |name: &str| {
        metadata
            .and_then(|m| m.get(name))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let namespace = field("namespace").unwrap_or("default");
    let name = field("name").unwrap_or("(unnamed)");
    let base = format!("k8s:{namespace}/{name}");
    for (field_name, base64) in [(encoded, true), (plain, false)] {
        match object.get(field_name) {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                for (key, value) in map {
                    let path = format!("{base}/{key}");
                    if value.is_null() {
                        continue;
                    }
                    if !base64 {
                        parsed.entry(path, key, value_text(value));
                        continue;
                    }
                    let decoded = match value {
                        Value::String(text) => decode_base64(field_name, text),
                        other => Err(format!(
                            "`{field_name}` value is {}, expected a base64 string",
                            type_name(other)
                        )),
                    };
                    match decoded {
                        Ok(bytes) => parsed.entry(path, key, bytes),
                        Err(message) => parsed.problem(path, message),
                    }
                }
            }
            Some(other) => parsed.problem(
                base.clone(),
                format!("`{field_name}` is {}, expected an object", type_name(other)),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{StoreKind, parse};

    #[test]
    fn list_of_secrets_and_configmaps() {
        let input = br#"{"apiVersion":"v1","kind":"List","items":[
            {"kind":"Secret","metadata":{"name":"db","namespace":"prod"},
             "data":{"password":"eHk=","bad":"%%%"},"stringData":{"user":"app"}},
            {"kind":"ConfigMap","metadata":{"name":"cfg","namespace":"dev"},"data":{"mode":"fast"}},
            {"kind":"Pod","metadata":{"name":"p"}}
        ]}"#;
        let parsed = parse(StoreKind::K8s, input).expect("parses");
        let entries: Vec<(&str, &str, &[u8])> = parsed
            .entries
            .iter()
            .map(|e| (e.path.as_str(), e.key.as_str(), e.value.as_slice()))
            .collect();
        assert_eq!(
            entries,
            vec![
                ("k8s:prod/db/password", "password", &b"xy"[..]),
                ("k8s:prod/db/user", "user", &b"app"[..]),
                ("k8s:dev/cfg/mode", "mode", &b"fast"[..]),
            ]
        );
        assert_eq!(parsed.problems.len(), 1);
        assert!(
            parsed.problems[0]
                .message
                .starts_with("k8s:prod/db/bad: invalid base64"),
            "{:?}",
            parsed.problems
        );
    }

    #[test]
    fn single_secret_without_namespace() {
        let input = br#"{"kind":"Secret","metadata":{"name":"tok"},"data":{"t":"eA=="}}"#;
        let parsed = parse(StoreKind::K8s, input).expect("parses");
        assert_eq!(parsed.entries[0].path, "k8s:default/tok/t");
    }

    #[test]
    fn wrong_shape_and_all_bad() {
        assert!(parse(StoreKind::K8s, br#"{"kind":"Deployment"}"#).is_err());
        assert!(
            parse(
                StoreKind::K8s,
                br#"{"kind":"Secret","metadata":{"name":"x"},"data":{"a":"@@"}}"#
            )
            .is_err()
        );
        // An empty list is a valid export with nothing in it.
        let empty = parse(StoreKind::K8s, br#"{"kind":"List","items":[]}"#).expect("parses");
        assert!(empty.entries.is_empty());
    }
}
