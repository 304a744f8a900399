//! Environments: `env` / `printenv` output (`env:<KEY>`) and `docker inspect`
//! (`docker:<container>/env/<KEY>`, `docker:<container>/label/<KEY>`).

use serde_json::Value;

use super::super::stdin::STDIN_PATH;
use super::{Parsed, StoreError, StoreKind, shape, type_name, value_text};

/// `env` output: `KEY=VALUE` lines; a line that does not start a variable
/// continues the previous value (multi-line values such as PEM blocks).
/// `env -0` output (NUL-separated) is read too.
pub(super) fn parse_env(bytes: &[u8]) -> Result<Parsed, StoreError> {
    let mut parsed = Parsed::default();
    let mut current: Option<(String, Vec<u8>)> = None;
    let flush = |current: &mut Option<(String, Vec<u8>)>, parsed: &mut Parsed| {
        if let Some((key, mut value)) = current.take() {
            // Blank lines after a value separate it from the next one.
            while value.last() == Some(&b'\n') {
                value.pop();
            }
            parsed.entry(format!("env:{key}"), &key, value);
        }
    };
    if bytes.contains(&0) {
        for (index, record) in bytes.split(|&b| b == 0).enumerate() {
            if record.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match variable(record) {
                Some((key, value)) => {
                    current = Some((key, value.to_vec()));
                    flush(&mut current, &mut parsed);
                }
                None => {
                    parsed.problem(STDIN_PATH, format!("record {} is not KEY=VALUE", index + 1))
                }
            }
        }
        return Ok(parsed);
    }
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let in_pem = current.as_ref().is_some_and(|(_, value)| open_pem(value));
        match variable(line).filter(|_| !in_pem) {
            Some((key, value)) => {
                flush(&mut current, &mut parsed);
                current = Some((key, value.to_vec()));
            }
            None => match current.as_mut() {
                Some((_, value)) => {
                    value.push(b'\n');
                    value.extend_from_slice(line);
                }
                None if line.iter().all(u8::is_ascii_whitespace) => {}
                None => parsed.problem(STDIN_PATH, format!("line {} is not KEY=VALUE", index + 1)),
            },
        }
    }
    flush(&mut current, &mut parsed);
    Ok(parsed)
}

/// `KEY=VALUE` with a shell-style name (`BASH_FUNC_x%%` included).
fn variable(line: &[u8]) -> Option<(String, &[u8])> {
    let eq = memchr::memchr(b'=', line)?;
    let (name, value) = (&line[..eq], &line[eq + 1..]);
    let first = *name.first()?;
    let valid = (first.is_ascii_alphabetic() || first == b'_')
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'%' | b'.' | b'-'));
    valid.then(|| (String::from_utf8_lossy(name).into_owned(), value))
}

/// True when `value` has a PEM `BEGIN` line not yet followed by its `END`.
fn open_pem(value: &[u8]) -> bool {
    let text = String::from_utf8_lossy(value);
    match (text.rfind("-----BEGIN "), text.rfind("-----END ")) {
        (Some(begin), Some(end)) => begin > end,
        (Some(_), None) => true,
        _ => false,
    }
}

/// `docker inspect`: an array of containers (or images); each one's
/// `Config.Env` entries and `Config.Labels`.
pub(super) fn parse_docker(document: &Value, parsed: &mut Parsed) -> Result<(), StoreError> {
    let objects: Vec<&Value> = match document {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![document],
        other => {
            return Err(shape(
                StoreKind::Docker,
                format!(
                    "expected an array of containers, found {}",
                    type_name(other)
                ),
            ));
        }
    };
    for (index, object) in objects.into_iter().enumerate() {
        let name = container_name(object).unwrap_or_else(|| format!("[{index}]"));
        let base = format!("docker:{name}");
        let Some(config) = object.get("Config").filter(|c| !c.is_null()) else {
            if !object.is_object() {
                parsed.problem(
                    base,
                    format!("expected an object, found {}", type_name(object)),
                );
            }
            continue;
        };
        match config.get("Env") {
            None | Some(Value::Null) => {}
            Some(Value::Array(env)) => {
                for item in env {
                    match item.as_str().map(str::as_bytes).and_then(variable) {
                        Some((key, value)) => {
                            parsed.entry(format!("{base}/env/{key}"), &key, value.to_vec());
                        }
                        // `KEY` alone (no value) or a non-string: nothing to scan.
                        None if item.is_string() => {}
                        None => parsed.problem(
                            format!("{base}/env"),
                            format!("entry is {}, expected KEY=VALUE", type_name(item)),
                        ),
                    }
                }
            }
            Some(other) => parsed.problem(
                format!("{base}/env"),
                format!("`Config.Env` is {}, expected an array", type_name(other)),
            ),
        }
        match config.get("Labels") {
            None | Some(Value::Null) => {}
            Some(Value::Object(labels)) => {
                for (key, value) in labels {
                    parsed.entry(format!("{base}/label/{key}"), key, value_text(value));
                }
            }
            Some(other) => parsed.problem(
                format!("{base}/label"),
                format!(
                    "`Config.Labels` is {}, expected an object",
                    type_name(other)
                ),
            ),
        }
    }
    Ok(())
}

/// A container's name without its leading `/`, else an image's first tag,
/// else the short id.
fn container_name(object: &Value) -> Option<String> {
    let name = object
        .get("Name")
        .and_then(Value::as_str)
        .map(|n| n.trim_start_matches('/'))
        .filter(|n| !n.is_empty());
    let tag = || {
        object
            .get("RepoTags")
            .and_then(Value::as_array)
            .and_then(|tags| tags.first())
            .and_then(Value::as_str)
    };
    let id = || {
        object
            .get("Id")
            .and_then(Value::as_str)
            .map(|id| id.trim_start_matches("sha256:"))
            .map(|id| id.get(..12).unwrap_or(id))
    };
    name.or_else(tag).or_else(id).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::super::{StoreKind, parse};

    fn entries(kind: StoreKind, input: &[u8]) -> Vec<(String, String)> {
        parse(kind, input)
            .expect("parses")
            .entries
            .iter()
            .map(|e| {
                (
                    e.path.clone(),
                    String::from_utf8_lossy(&e.value).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn env_lines_multiline_and_nul() {
        let input =
            b"HOME=/root\nKEY=-----BEGIN X-----\nabc==\nAB=\n-----END X-----\nDB_PASSWORD=p=w\n";
        assert_eq!(
            entries(StoreKind::Env, input),
            vec![
                ("env:HOME".to_string(), "/root".to_string()),
                (
                    "env:KEY".to_string(),
                    "-----BEGIN X-----\nabc==\nAB=\n-----END X-----".to_string()
                ),
                ("env:DB_PASSWORD".to_string(), "p=w".to_string()),
            ]
        );
        assert_eq!(
            entries(StoreKind::Env, b"A=1\0B=two\nlines\0"),
            vec![
                ("env:A".to_string(), "1".to_string()),
                ("env:B".to_string(), "two\nlines".to_string()),
            ]
        );
        assert!(parse(StoreKind::Env, b"just some text\n").is_err());
    }

    #[test]
    fn docker_inspect() {
        let input = br#"[{"Id":"0123456789abcdef","Name":"/web",
            "Config":{"Env":["PATH=/usr/bin","API_TOKEN=t0k","EMPTY"],"Labels":{"team":"payments"}}},
            {"Id":"sha256:fedcba9876543210","RepoTags":[],"Config":{"Env":null,"Labels":null}}]"#;
        assert_eq!(
            entries(StoreKind::Docker, input),
            vec![
                ("docker:web/env/PATH".to_string(), "/usr/bin".to_string()),
                ("docker:web/env/API_TOKEN".to_string(), "t0k".to_string()),
                ("docker:web/label/team".to_string(), "payments".to_string()),
            ]
        );
        assert!(parse(StoreKind::Docker, b"\"nope\"").is_err());
    }
}
