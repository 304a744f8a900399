//! `jwt`: JSON Web Tokens (RFC 7519), also when base64-wrapped as in a
//! Kubernetes Secret. The header and claims are decoded (base64url, padding
//! tolerated) but the signature is not checked. Yields `alg`, `typ`, `kid`,
//! `iss`, `sub`, `aud`, `scope`/`scopes`/`scp`, `azp`, `client_id`, `iat`,
//! `nbf`, `exp`, the Kubernetes `namespace` and `service_account`;
//! `created` = iat, `expires` = exp, principal = sub (else iss). Weaknesses:
//! `UnsignedJwt` (alg none, any case), `NoExpiry` (no exp). An encrypted
//! token (JWE, five parts) yields its header only. Anything whose header or
//! claims are not base64url JSON objects is not a JWT: no evidence.

use serde_json::{Map, Value};

use super::text::{b64_decode, b64url_decode, clip};
use super::{Evidence, Subject, Weakness};

/// Longest string claim copied into attributes.
const MAX_CLAIM: usize = 256;

/// `eyJ...` with two or four dots, or base64 of such (`ZXlK...`).
pub(super) fn shape(secret: &str) -> bool {
    let s = secret.trim();
    (s.starts_with("eyJ") && matches!(s.matches('.').count(), 2 | 4)) || s.starts_with("ZXlK")
}

/// The compact serialisation in `secret` (unwrapping base64 and `Bearer `).
fn compact(secret: &str) -> Option<String> {
    let s = secret.trim();
    let s = s.strip_prefix("Bearer ").unwrap_or(s).trim();
    if s.starts_with("eyJ") {
        return Some(s.to_string());
    }
    if s.starts_with("ZXlK") {
        let inner = String::from_utf8(b64_decode(s)?).ok()?;
        let inner = inner.trim();
        return inner.starts_with("eyJ").then(|| inner.to_string());
    }
    None
}

/// A base64url segment that decodes to a JSON object.
fn object(segment: &str) -> Option<Map<String, Value>> {
    match serde_json::from_slice(&b64url_decode(segment)?).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// Examines a JWT.
pub(super) fn run(subject: &Subject<'_>, evidence: &mut Evidence) -> bool {
    let Some(token) = compact(subject.secret) else {
        return false;
    };
    let segments: Vec<&str> = token.split('.').collect();
    if !matches!(segments.len(), 3 | 5) {
        return false;
    }
    let Some(header) = object(segments[0]) else {
        return false;
    };
    let claims = if segments.len() == 3 {
        match object(segments[1]) {
            Some(claims) => Some(claims),
            None => return false,
        }
    } else {
        None // JWE: the claims are encrypted.
    };
    for key in ["alg", "typ", "kid", "enc", "cty"] {
        copy(&header, key, evidence);
    }
    if let Some(alg) = header.get("alg").and_then(Value::as_str) {
        if alg.eq_ignore_ascii_case("none") {
            evidence.weak(Weakness::UnsignedJwt);
        }
    }
    let Some(claims) = claims else {
        evidence.attr("encrypted", true);
        return true;
    };
    for key in [
        "iss",
        "sub",
        "aud",
        "scope",
        "scopes",
        "scp",
        "azp",
        "client_id",
    ] {
        copy(&claims, key, evidence);
    }
    let iat = number(&claims, "iat");
    let nbf = number(&claims, "nbf");
    let exp = number(&claims, "exp");
    for (key, value) in [("iat", iat), ("nbf", nbf), ("exp", exp)] {
        if let Some(value) = value {
            evidence.attr(key, value);
        }
    }
    if let Some(iat) = iat {
        evidence.created_at(iat);
    }
    match exp {
        Some(exp) => evidence.expires_at(exp),
        None => evidence.weak(Weakness::NoExpiry),
    }
    kubernetes(&claims, evidence);
    let principal = ["sub", "iss"].iter().find_map(|k| {
        claims
            .get(*k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    });
    if let Some(principal) = principal {
        evidence.principal(clip(principal, MAX_CLAIM));
    }
    true
}

/// Copies a string claim, or an array of strings, into the attributes.
fn copy(map: &Map<String, Value>, key: &str, evidence: &mut Evidence) {
    match map.get(key) {
        Some(Value::String(s)) => evidence.attr(key, clip(s, MAX_CLAIM)),
        Some(Value::Array(items)) => {
            let strings: Vec<Value> = items
                .iter()
                .filter_map(Value::as_str)
                .take(32)
                .map(|s| Value::from(clip(s, MAX_CLAIM)))
                .collect();
            evidence.attr(key, strings);
        }
        _ => {}
    }
}

/// A NumericDate claim as whole seconds.
fn number(map: &Map<String, Value>, key: &str) -> Option<i64> {
    let value = map.get(key)?;
    value.as_i64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.is_finite() && f.abs() < 1e15)
            .map(|f| f as i64)
    })
}

/// Kubernetes service-account tokens name their namespace and account.
fn kubernetes(claims: &Map<String, Value>, evidence: &mut Evidence) {
    let Some(k8s) = claims.get("kubernetes.io").and_then(Value::as_object) else {
        return;
    };
    if let Some(ns) = k8s.get("namespace").and_then(Value::as_str) {
        evidence.attr("namespace", clip(ns, MAX_CLAIM));
    }
    let account = k8s
        .get("serviceaccount")
        .and_then(|sa| sa.get("name"))
        .and_then(Value::as_str);
    if let Some(account) = account {
        evidence.attr("service_account", clip(account, MAX_CLAIM));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{PartRef, examine};
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};

    fn seg(value: &serde_json::Value) -> String {
        URL_SAFE_NO_PAD.encode(value.to_string())
    }

    /// A token assembled at run time from header and claims.
    fn jwt(header: serde_json::Value, claims: serde_json::Value) -> String {
        format!(
            "{}.{}.{}",
            seg(&header),
            seg(&claims),
            "c2lnbmF0dXJlLWJ5dGVz"
        )
    }

    fn check(secret: &str) -> Evidence {
        let named = vec!["jwt".to_string()];
        let parts: [PartRef<'_>; 0] = [];
        examine(&Subject {
            rule_id: "jwt.token",
            provider: "jwt",
            identity: "jwt.bearer-token",
            validators: &named,
            secret,
            parts: &parts,
        })
    }

    #[test]
    fn claims_become_attributes() {
        let token = jwt(
            serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": "k1"}),
            serde_json::json!({
                "iss": "https://issuer.example", "sub": "svc-deployer", "aud": ["api", "web"],
                "scope": "read write", "iat": 1_700_000_000, "nbf": 1_700_000_000,
                "exp": 1_700_003_600.5
            }),
        );
        let ev = check(&token);
        assert_eq!(ev.validators, ["jwt"]);
        assert_eq!(ev.attributes["alg"], "RS256");
        assert_eq!(ev.attributes["kid"], "k1");
        assert_eq!(ev.attributes["aud"], serde_json::json!(["api", "web"]));
        assert_eq!(ev.attributes["scope"], "read write");
        assert_eq!(ev.created, Some(1_700_000_000));
        assert_eq!(ev.expires, Some(1_700_003_600));
        assert_eq!(ev.principal.as_deref(), Some("svc-deployer"));
        assert!(ev.weaknesses.is_empty());
    }

    #[test]
    fn unsigned_and_never_expiring() {
        let token = jwt(
            serde_json::json!({"alg": "NoNe"}),
            serde_json::json!({"iss": "issuer-only"}),
        );
        let ev = check(&token);
        assert_eq!(ev.weaknesses, [Weakness::UnsignedJwt, Weakness::NoExpiry]);
        assert_eq!(ev.principal.as_deref(), Some("issuer-only"));
    }

    #[test]
    fn padded_and_base64_wrapped_tokens() {
        let header = URL_SAFE.encode(br#"{"alg":"HS256"}"#);
        let claims = URL_SAFE.encode(br#"{"sub":"a","exp":5}"#);
        let token = format!("{header}.{claims}.sig");
        assert_eq!(check(&token).expires, Some(5));
        let k8s = jwt(
            serde_json::json!({"alg": "RS256"}),
            serde_json::json!({"sub": "system:serviceaccount:ci:builder", "kubernetes.io":
                {"namespace": "ci", "serviceaccount": {"name": "builder"}}}),
        );
        let wrapped = STANDARD.encode(&k8s);
        let ev = check(&wrapped);
        assert_eq!(ev.attributes["namespace"], "ci");
        assert_eq!(ev.attributes["service_account"], "builder");
        assert_eq!(ev.weaknesses, [Weakness::NoExpiry]);
    }

    #[test]
    fn jwe_yields_the_header_only() {
        let header = seg(&serde_json::json!({"alg": "RSA-OAEP", "enc": "A256GCM"}));
        let ev = check(&format!("{header}.a.b.c.d"));
        assert_eq!(ev.attributes["enc"], "A256GCM");
        assert_eq!(ev.attributes["encrypted"], true);
        assert!(ev.weaknesses.is_empty());
    }

    #[test]
    fn not_a_jwt_yields_nothing() {
        let good = jwt(
            serde_json::json!({"alg": "HS256"}),
            serde_json::json!({"exp": 1}),
        );
        let (head, _) = good.split_once('.').expect("dot");
        for bad in [
            format!("{head}.!!!.sig"),
            format!("{head}.{}.sig", URL_SAFE_NO_PAD.encode("[1,2]")),
            format!("{}.{head}.sig", URL_SAFE_NO_PAD.encode("not json")),
            head.to_string(),
            good[..good.len() / 2].to_string(),
            "eyJ".to_string(),
            "ZXlKé".to_string(),
        ] {
            let ev = check(&bad);
            assert!(ev.validators.is_empty(), "{bad}: {ev:?}");
            assert!(ev.attributes.is_empty(), "{bad}");
        }
    }
}
