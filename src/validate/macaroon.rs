//! PyPI API tokens (part of `token-structure`): `pypi-` and the base64url of
//! a macaroon in libmacaroons' V2 binary format (version byte 2; packets of
//! type, varint length and data; type 1 location, 2 identifier, 4
//! verification id, 6 signature; a 0 type ends a section). Warehouse's
//! caveats are JSON: `[0, expires_at, not_before]`, `[1, [project names]]`,
//! `[2, [project ids]]`, `[3, user_id]`, `[4, oidc_provider_id]`, and the
//! legacy `{"version": 1, "permissions": "user" | {"projects": [...]}}`,
//! `{"exp":..,"nbf":..}`, `{"project_ids": [...]}`. Yields `location`,
//! `identifier`, `caveats` (the raw caveat texts), `scope` (project or user),
//! `projects`, `project_ids`, `user_id`, and `created`/`expires` from an
//! expiry caveat. Nothing here is secret: the signature is not kept.

use serde_json::Value;

use super::Evidence;
use super::text::{b64url_decode, clip};

/// The PyPI token prefix.
pub(super) const PREFIX: &str = "pypi-";

/// Most caveats read.
const MAX_CAVEATS: usize = 32;

/// A macaroon's readable parts.
#[derive(Debug, Default)]
struct Macaroon {
    location: Option<String>,
    identifier: Option<String>,
    caveats: Vec<String>,
}

/// Reads an unsigned LEB128 varint.
fn varint(input: &mut &[u8]) -> Option<usize> {
    let mut value: usize = 0;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = input.split_first()?;
        *input = rest;
        value |= usize::from(byte & 0x7f).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// Reads one packet: `(type, data)`, or `(0, [])` for end-of-section.
fn packet<'a>(input: &mut &'a [u8]) -> Option<(u8, &'a [u8])> {
    let (&kind, rest) = input.split_first()?;
    *input = rest;
    if kind == 0 {
        return Some((0, &[]));
    }
    let len = varint(input)?;
    if len > input.len() {
        return None;
    }
    let (data, rest) = input.split_at(len);
    *input = rest;
    Some((kind, data))
}

/// Parses as much of a V2 macaroon as is there.
fn parse(bytes: &[u8]) -> Option<Macaroon> {
    let (&version, mut input) = bytes.split_first()?;
    if version != 2 {
        return None;
    }
    let mut macaroon = Macaroon::default();
    let text = |data: &[u8]| clip(&String::from_utf8_lossy(data), 512);
    // Header: location and identifier.
    loop {
        match packet(&mut input) {
            Some((0, _)) => break,
            Some((1, data)) => macaroon.location = Some(text(data)),
            Some((2, data)) => macaroon.identifier = Some(text(data)),
            Some(_) => {}
            None => return readable(macaroon),
        }
    }
    // Caveats, each a section; an empty section ends them.
    'caveats: while macaroon.caveats.len() < MAX_CAVEATS {
        let mut seen = false;
        loop {
            match packet(&mut input) {
                Some((0, _)) if !seen => break 'caveats,
                Some((0, _)) => break,
                Some((2, data)) => {
                    seen = true;
                    macaroon.caveats.push(text(data));
                }
                Some(_) => seen = true,
                None => break 'caveats,
            }
        }
    }
    readable(macaroon)
}

/// A macaroon of which at least the location or identifier was read.
fn readable(macaroon: Macaroon) -> Option<Macaroon> {
    (macaroon.location.is_some() || macaroon.identifier.is_some()).then_some(macaroon)
}

/// Examines a PyPI token.
pub(super) fn examine(token: &str, evidence: &mut Evidence) -> bool {
    let Some(body) = token.strip_prefix(PREFIX) else {
        return false;
    };
    // A truncated token: decode the whole quads that are there.
    let whole = body.get(..body.len() - body.len() % 4).unwrap_or_default();
    let decoded = b64url_decode(body).or_else(|| b64url_decode(whole));
    let Some(macaroon) = decoded.and_then(|b| parse(&b)) else {
        return false;
    };
    evidence.attr("token_type", "api-token");
    if let Some(location) = &macaroon.location {
        evidence.attr("location", location.clone());
    }
    if let Some(identifier) = &macaroon.identifier {
        evidence.attr("identifier", identifier.clone());
    }
    let mut projects: Vec<String> = Vec::new();
    let mut project_ids: Vec<String> = Vec::new();
    for caveat in &macaroon.caveats {
        let Ok(value) = serde_json::from_str::<Value>(caveat) else {
            continue;
        };
        read_caveat(&value, &mut projects, &mut project_ids, evidence);
    }
    evidence.attr("caveats", macaroon.caveats.clone());
    if !projects.is_empty() {
        evidence.attr("projects", projects.clone());
    }
    if !project_ids.is_empty() {
        evidence.attr("project_ids", project_ids.clone());
    }
    let project_scoped = !projects.is_empty() || !project_ids.is_empty();
    evidence.attr("scope", if project_scoped { "project" } else { "user" });
    true
}

/// Strings of a JSON array.
fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .take(64)
                .map(|s| clip(s, 128))
                .collect()
        })
        .unwrap_or_default()
}

/// Applies one decoded caveat.
fn read_caveat(
    value: &Value,
    projects: &mut Vec<String>,
    project_ids: &mut Vec<String>,
    evidence: &mut Evidence,
) {
    match value {
        Value::Array(items) => match items.first().and_then(Value::as_u64) {
            Some(0) => {
                if let Some(exp) = items.get(1).and_then(Value::as_i64) {
                    evidence.expires_at(exp);
                }
                if let Some(nbf) = items.get(2).and_then(Value::as_i64) {
                    evidence.created_at(nbf);
                }
            }
            Some(1) => projects.extend(strings(items.get(1))),
            Some(2) => project_ids.extend(strings(items.get(1))),
            Some(3) => {
                if let Some(user) = items.get(1).and_then(Value::as_str) {
                    evidence.attr("user_id", clip(user, 128));
                }
            }
            Some(4) => {
                if let Some(id) = items.get(1).and_then(Value::as_str) {
                    evidence.attr("oidc_provider_id", clip(id, 128));
                }
            }
            _ => {}
        },
        Value::Object(map) => {
            if let Some(Value::Object(p)) = map.get("permissions") {
                projects.extend(strings(p.get("projects")));
            }
            if let Some(exp) = map.get("exp").and_then(Value::as_i64) {
                evidence.expires_at(exp);
            }
            if let Some(nbf) = map.get("nbf").and_then(Value::as_i64) {
                evidence.created_at(nbf);
            }
            project_ids.extend(strings(map.get("project_ids")));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::tokens::tests::check;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn field(out: &mut Vec<u8>, kind: u8, data: &[u8]) {
        out.push(kind);
        let mut len = data.len();
        loop {
            let byte = (len & 0x7f) as u8;
            len >>= 7;
            if len == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
        out.extend_from_slice(data);
    }

    /// A V2 macaroon as Warehouse serialises it, with a dummy signature.
    fn token(location: &str, caveats: &[&str]) -> String {
        let mut m = vec![2u8];
        field(&mut m, 1, location.as_bytes());
        field(&mut m, 2, b"4c9b3a6e-0c5a-4f34-9d3e-6a7f0d1e2b3c");
        m.push(0);
        for caveat in caveats {
            field(&mut m, 2, caveat.as_bytes());
            m.push(0);
        }
        m.push(0);
        field(&mut m, 6, &[9u8; 32]);
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(m))
    }

    #[test]
    fn project_scoped_token_with_expiry() {
        let long = "x".repeat(200);
        let t = token(
            "pypi.org",
            &[
                r#"[0,1767225600,1735689600]"#,
                r#"[1,["requests","urllib3"]]"#,
                &format!("[2,[\"{long}\"]]"),
            ],
        );
        assert!(
            t.starts_with("pypi-AgEIcHlwaS5vcmc"),
            "the rule's prefix: {t}"
        );
        let ev = check(&t);
        assert_eq!(ev.validators, ["token-structure"]);
        assert_eq!(ev.attributes["location"], "pypi.org");
        assert_eq!(ev.attributes["scope"], "project");
        assert_eq!(
            ev.attributes["projects"],
            serde_json::json!(["requests", "urllib3"])
        );
        assert_eq!(ev.attributes["caveats"].as_array().map(Vec::len), Some(3));
        assert_eq!(ev.expires, Some(1_767_225_600));
        assert_eq!(ev.created, Some(1_735_689_600));
    }

    #[test]
    fn legacy_user_token() {
        let t = token(
            "test.pypi.org",
            &[r#"{"version": 1, "permissions": "user"}"#],
        );
        let ev = check(&t);
        assert_eq!(ev.attributes["scope"], "user");
        assert_eq!(ev.attributes["location"], "test.pypi.org");
        let t = token(
            "pypi.org",
            &[
                r#"{"version": 1, "permissions": {"projects": ["six"]}}"#,
                "[3,\"u-1\"]",
            ],
        );
        let ev = check(&t);
        assert_eq!(ev.attributes["projects"], serde_json::json!(["six"]));
        assert_eq!(ev.attributes["user_id"], "u-1");
    }

    #[test]
    fn truncated_and_corrupt_tokens() {
        let t = token("pypi.org", &[r#"[1,["requests"]]"#]);
        // Truncated inside the caveat: the header is still read.
        let ev = check(&t[..84]);
        assert_eq!(ev.attributes["location"], "pypi.org");
        for cut in 0..t.len() {
            let _ = check(&t[..cut]);
        }
        assert!(
            check(&format!("{PREFIX}AwEIcHlwaS5vcmc"))
                .validators
                .is_empty(),
            "version 3"
        );
        assert!(check(&format!("{PREFIX}!!!")).validators.is_empty());
        assert!(
            check(&format!("{PREFIX}AgEI")).validators.is_empty(),
            "nothing whole"
        );
        // The rule's prefix alone, then noise: the location is still read.
        let ev = check(&format!("{PREFIX}AgEIcHlwaS5vcmcXq"));
        assert_eq!(ev.attributes["location"], "pypi.org");
        let mut huge = vec![2u8, 2];
        huge.extend_from_slice(&[0xff; 12]);
        assert!(
            check(&format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(huge)))
                .validators
                .is_empty()
        );
    }
}
