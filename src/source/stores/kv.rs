//! Key-value stores: Consul (`consul kv export`), etcd (`etcdctl get -w
//! json`), Vault (`vault kv get -format=json`) and AWS SSM Parameter Store
//! (`aws ssm get-parameters-by-path`).

use serde_json::{Map, Value};

use super::{Parsed, StoreError, StoreKind, decode_base64, shape, type_name, value_text};

/// `consul kv export`: `[{"key", "flags", "value" (base64)}]` -> `consul:<key>`.
pub(super) fn parse_consul(document: &Value, parsed: &mut Parsed) -> Result<(), StoreError> {
    let items = document.as_array().ok_or_else(|| {
        shape(
            StoreKind::Consul,
            format!(
                "expected an array of {{key, flags, value}}, found {}",
                type_name(document)
            ),
        )
    })?;
    for (index, item) in items.iter().enumerate() {
        let Some(key) = item.get("key").and_then(Value::as_str) else {
            parsed.problem(format!("consul:[{index}]"), "entry without a string `key`");
            continue;
        };
        let path = format!("consul:{key}");
        match item.get("value") {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) => match decode_base64("value", text) {
                Ok(value) => parsed.entry(path, key, value),
                Err(message) => parsed.problem(path, message),
            },
            Some(other) => parsed.problem(
                path,
                format!("`value` is {}, expected a base64 string", type_name(other)),
            ),
        }
    }
    Ok(())
}

/// `etcdctl get "" --prefix -w json`: `{"header", "kvs": [{"key", "value"}]}`,
/// key and value base64 -> `etcd:<key>`.
pub(super) fn parse_etcd(document: &Value, parsed: &mut Parsed) -> Result<(), StoreError> {
    let object = document.as_object().ok_or_else(|| {
        shape(
            StoreKind::Etcd,
            format!(
                "expected an object with `header` and `kvs`, found {}",
                type_name(document)
            ),
        )
    })?;
    let kvs = match object.get("kvs") {
        Some(Value::Array(kvs)) => kvs,
        // No key matched: etcdctl prints the header alone.
        None if object.contains_key("header") => return Ok(()),
        Some(other) => {
            return Err(shape(
                StoreKind::Etcd,
                format!("`kvs` is {}, expected an array", type_name(other)),
            ));
        }
        None => return Err(shape(StoreKind::Etcd, "no `kvs` or `header`")),
    };
    for (index, kv) in kvs.iter().enumerate() {
        let key = match kv.get("key") {
            Some(Value::String(text)) => decode_base64("key", text),
            _ => Err("entry without a base64 string `key`".to_string()),
        };
        let key = match key {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(message) => {
                parsed.problem(format!("etcd:kvs[{index}]"), message);
                continue;
            }
        };
        let path = format!("etcd:{key}");
        match kv.get("value") {
            // etcd omits empty values.
            None | Some(Value::Null) => {}
            Some(Value::String(text)) => match decode_base64("value", text) {
                Ok(value) => parsed.entry(path, &key, value),
                Err(message) => parsed.problem(path, message),
            },
            Some(other) => parsed.problem(
                path,
                format!("`value` is {}, expected a base64 string", type_name(other)),
            ),
        }
    }
    Ok(())
}

/// `vault kv get -format=json`: the fields of `data.data` (KV v2, next to
/// `data.metadata`) or of `data` (KV v1, and `vault read`) ->
/// `vault:<path>/<key>` when the output names the secret's path
/// (`data.metadata.path`), else `vault:<key>`.
pub(super) fn parse_vault(document: &Value, parsed: &mut Parsed) -> Result<(), StoreError> {
    let data = match document.get("data") {
        Some(Value::Object(data)) => data,
        Some(other) => {
            return Err(shape(
                StoreKind::Vault,
                format!("`data` is {}, expected an object", type_name(other)),
            ));
        }
        None => {
            return Err(shape(
                StoreKind::Vault,
                format!(
                    "expected an object with `data`, found {}",
                    if document.is_object() {
                        "an object without it"
                    } else {
                        type_name(document)
                    }
                ),
            ));
        }
    };
    let metadata = data.get("metadata").filter(|m| m.is_object());
    let fields: Option<&Map<String, Value>> = match (data.get("data"), metadata) {
        (Some(Value::Object(fields)), Some(_)) => Some(fields),
        // A deleted or destroyed KV v2 version has no data.
        (Some(Value::Null), Some(_)) => None,
        _ => Some(data),
    };
    let prefix = metadata
        .and_then(|m| m.get("path"))
        .and_then(Value::as_str)
        .map(|p| p.trim_matches('/'))
        .filter(|p| !p.is_empty())
        .map_or_else(|| "vault:".to_string(), |p| format!("vault:{p}/"));
    for (key, value) in fields.into_iter().flatten() {
        if !value.is_null() {
            parsed.entry(format!("{prefix}{key}"), key, value_text(value));
        }
    }
    Ok(())
}

/// `aws ssm get-parameters-by-path --with-decryption` (and `get-parameters`,
/// `get-parameter`): `{"Parameters": [{"Name", "Value", "Type"}]}` -> `ssm:<Name>`.
pub(super) fn parse_ssm(document: &Value, parsed: &mut Parsed) -> Result<(), StoreError> {
    let single;
    let parameters: &[Value] = match (document.get("Parameters"), document.get("Parameter")) {
        (Some(Value::Array(list)), _) => list,
        (_, Some(one @ Value::Object(_))) => {
            single = [one.clone()];
            &single
        }
        (Some(other), _) => {
            return Err(shape(
                StoreKind::Ssm,
                format!("`Parameters` is {}, expected an array", type_name(other)),
            ));
        }
        _ => {
            return Err(shape(
                StoreKind::Ssm,
                format!(
                    "expected an object with `Parameters`, found {}",
                    if document.is_object() {
                        "an object without it"
                    } else {
                        type_name(document)
                    }
                ),
            ));
        }
    };
    for (index, parameter) in parameters.iter().enumerate() {
        let Some(name) = parameter.get("Name").and_then(Value::as_str) else {
            parsed.problem(
                format!("ssm:Parameters[{index}]"),
                "parameter without a string `Name`",
            );
            continue;
        };
        let path = format!("ssm:{name}");
        match parameter.get("Value") {
            Some(Value::String(value)) => parsed.entry(path, name, value.as_str()),
            Some(Value::Null) | None => parsed.problem(path, "parameter without a `Value`"),
            Some(other) => parsed.entry(path, name, value_text(other)),
        }
        if parameter.get("Type").and_then(Value::as_str) == Some("SecureString")
            && parameter
                .get("Value")
                .and_then(Value::as_str)
                .is_some_and(|v| v.starts_with("AQICA"))
        {
            parsed.problem(
                format!("ssm:{name}"),
                "SecureString still encrypted: export with --with-decryption to scan its value",
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Parsed, StoreKind, parse};

    fn paths(parsed: &Parsed) -> Vec<(String, String)> {
        parsed
            .entries
            .iter()
            .map(|e| {
                (
                    e.path.clone(),
                    String::from_utf8_lossy(&e.blob()).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn consul_export() {
        let input = br#"[{"key":"app/db/password","flags":0,"value":"eHk="},
                        {"key":"app/empty","flags":0,"value":null},
                        {"key":"app/bad","flags":0,"value":"!!"}]"#;
        let parsed = parse(StoreKind::Consul, input).expect("parses");
        assert_eq!(
            paths(&parsed),
            vec![(
                "consul:app/db/password".to_string(),
                "app/db/password=xy\n".to_string()
            )]
        );
        assert_eq!(parsed.problems.len(), 1);
    }

    #[test]
    fn etcd_get() {
        let input = br#"{"header":{"cluster_id":1,"member_id":2,"revision":3,"raft_term":4},
            "kvs":[{"key":"L2FwcC90b2tlbg==","create_revision":2,"mod_revision":2,"version":1,"value":"eHl6"}],
            "count":1}"#;
        let parsed = parse(StoreKind::Etcd, input).expect("parses");
        assert_eq!(
            paths(&parsed),
            vec![(
                "etcd:/app/token".to_string(),
                "/app/token=xyz\n".to_string()
            )]
        );
        let none = parse(StoreKind::Etcd, br#"{"header":{"revision":3}}"#).expect("parses");
        assert!(none.entries.is_empty());
    }

    #[test]
    fn vault_v1_and_v2() {
        let v2 = br#"{"request_id":"r","lease_id":"","lease_duration":0,"renewable":false,
            "data":{"data":{"api_key":"k1","n":3},"metadata":{"created_time":"t","version":2}},"warnings":null}"#;
        let parsed = parse(StoreKind::Vault, v2).expect("parses");
        assert_eq!(
            paths(&parsed),
            vec![
                ("vault:api_key".to_string(), "api_key=k1\n".to_string()),
                ("vault:n".to_string(), "n=3\n".to_string()),
            ]
        );
        let v1 = br#"{"request_id":"r","data":{"password":"p"}}
                     {"data":{"data":{"x":"y"},"metadata":{"path":"secret/data/app"}}}"#;
        let parsed = parse(StoreKind::Vault, v1).expect("parses");
        assert_eq!(
            paths(&parsed),
            vec![
                ("vault:password".to_string(), "password=p\n".to_string()),
                ("vault:secret/data/app/x".to_string(), "x=y\n".to_string()),
            ]
        );
        assert!(parse(StoreKind::Vault, br#"{"errors":["permission denied"]}"#).is_err());
    }

    #[test]
    fn ssm_parameters() {
        let input = br#"{"Parameters":[
            {"Name":"/prod/db/password","Type":"SecureString","Value":"xy","Version":1},
            {"Name":"/prod/db/host","Type":"String"}]}"#;
        let parsed = parse(StoreKind::Ssm, input).expect("parses");
        assert_eq!(
            paths(&parsed),
            vec![(
                "ssm:/prod/db/password".to_string(),
                "/prod/db/password=xy\n".to_string()
            )]
        );
        assert_eq!(parsed.problems.len(), 1);
        let one = parse(
            StoreKind::Ssm,
            br#"{"Parameter":{"Name":"/a","Value":"b"}}"#,
        )
        .expect("parses");
        assert_eq!(one.entries.len(), 1);
    }
}
