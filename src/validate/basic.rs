//! `basic-auth`: a base64 `user:password` pair, the value of an HTTP Basic
//! `Authorization` header and the `auth` of a Docker / Podman `config.json`
//! (or a Kubernetes `.dockerconfigjson`). Runs only when a rule names it: any
//! base64 text would pass a shape test. Yields `user` and, from a `host` or
//! `registry` part (a registry key may be a URL), `host` and `port`;
//! principal `user@host`, or the user alone. Weakness `PlaintextPassword`:
//! base64 is an encoding, not protection. The password is never copied.

use super::text::{self, clip};
use super::uri::{apply_common, host_port};
use super::{Evidence, Subject, Weakness};

/// Never by shape: only rules that name the validator.
pub(super) fn shape(_secret: &str) -> bool {
    false
}

/// The user of a base64 `user:password` pair (printable, both halves non-empty).
fn decoded_user(secret: &str) -> Option<String> {
    let decoded = text::b64_decode(secret)?;
    let text = std::str::from_utf8(&decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    let printable = !text.chars().any(char::is_control);
    (printable && !user.is_empty() && !password.is_empty()).then(|| user.to_string())
}

/// The host of a registry key or host part: `https://index.docker.io/v1/`
/// is `index.docker.io`.
fn host_of(value: &str) -> &str {
    let value = value.trim();
    let rest = value.split_once("://").map_or(value, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// Examines a base64 `user:password` pair.
pub(super) fn run(subject: &Subject<'_>, evidence: &mut Evidence) -> bool {
    let Some(user) = decoded_user(subject.secret.trim()) else {
        return false;
    };
    let host = subject
        .parts
        .iter()
        .find(|p| matches!(p.name, "host" | "registry"))
        .map(|p| host_port(host_of(p.value)));
    let (host, port) = match &host {
        Some((host, port)) => (Some(host.as_str()), *port),
        None => (None, None),
    };
    apply_common(Some(&user), host, port, None, evidence);
    evidence.principal(clip(&user, 128));
    evidence.weak(Weakness::PlaintextPassword);
    true
}

#[cfg(test)]
mod tests {
    use super::super::{PartRef, examine};
    use super::*;

    fn check(secret: &str, parts: &[PartRef<'_>]) -> Evidence {
        let validators = ["basic-auth".to_string()];
        examine(&Subject {
            rule_id: "docker.registry-auth",
            provider: "docker",
            identity: "docker.registry-credentials",
            validators: &validators,
            secret,
            parts,
        })
    }

    fn encode(text: &str) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    #[test]
    fn a_pair_names_its_user_and_registry() {
        let password = ["Nq", "VwYS81VP7Hb1DX8pPd5khx"].concat();
        let secret = encode(&format!("deploybot:{password}"));
        let registry = [PartRef {
            name: "registry",
            value: "https://registry.example.com:5000/v2/",
        }];
        let ev = check(&secret, &registry);
        assert_eq!(ev.validators, ["basic-auth"]);
        assert_eq!(
            ev.principal.as_deref(),
            Some("deploybot@registry.example.com")
        );
        assert_eq!(ev.attributes["user"], "deploybot");
        assert_eq!(ev.attributes["host"], "registry.example.com");
        assert_eq!(ev.attributes["port"], 5000);
        assert_eq!(ev.weaknesses, [Weakness::PlaintextPassword]);
        assert!(!format!("{ev:?}").contains(&password));
    }

    #[test]
    fn without_a_host_the_user_is_the_principal() {
        let ev = check(&encode("svc-reader:K8vq2rLzT4"), &[]);
        assert_eq!(ev.principal.as_deref(), Some("svc-reader"));
        assert!(!ev.attributes.contains_key("host"));
    }

    #[test]
    fn anything_but_a_pair_yields_nothing() {
        for secret in [
            encode("no colon here"),
            encode(":password-only"),
            encode("user-only:"),
            encode("bell\u{7}:K8vq2rLzT4"),
            "not base64 at all!".to_string(),
        ] {
            assert_eq!(check(&secret, &[]), Evidence::default(), "{secret}");
        }
    }
}
