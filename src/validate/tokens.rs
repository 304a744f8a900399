//! `token-structure`: what documented token layouts tell, by prefix.
//!
//! - Slack (`xoxb-` bot, `xoxp-` user, `xapp-` app-level, `xoxe.xoxb-` /
//!   `xoxe.xoxp-` rotating or configuration, `xoxe-` refresh, legacy `xoxa-`,
//!   `xoxr-`, `xoxs-`, `xoxc-`, webhook URLs): `token_type`, `rotating`.
//!   Slack documents no ids inside tokens, so none are decoded.
//! - Stripe (`sk_`, `rk_`, `pk_` with `live`/`test`, `whsec_`): `key_type`
//!   (secret, restricted, publishable, webhook-signing-secret), `mode`.
//! - npm (`npm_`): GitHub's layout, 30 random base62 characters and a
//!   6-character base62 CRC32: `checksum_valid`, `token_type`.
//! - PyPI (`pypi-`): the macaroon, see [`super::macaroon`].
//! - GitLab (`glpat-` and the other `gl*-` prefixes): see [`super::gitlab`].

use super::text::crc32_base62_ok;
use super::{Evidence, Subject, gitlab, macaroon};

/// Slack prefixes, longest first.
const SLACK: &[(&str, &str)] = &[
    ("xoxe.xoxb-", "rotating-bot"),
    ("xoxe.xoxp-", "configuration-or-rotating-user"),
    ("xoxe-", "refresh"),
    ("xoxb-", "bot"),
    ("xoxp-", "user"),
    ("xapp-", "app-level"),
    ("xoxa-", "workspace-app"),
    ("xoxr-", "workspace-app-refresh"),
    ("xoxs-", "session"),
    ("xoxc-", "client-session"),
    ("https://hooks.slack.com/services/", "incoming-webhook"),
    ("https://hooks.slack.com/workflows/", "workflow-webhook"),
    ("https://hooks.slack.com/triggers/", "workflow-webhook"),
];

/// Stripe prefixes: key type and mode.
const STRIPE: &[(&str, &str, Option<&str>)] = &[
    ("sk_live_", "secret", Some("live")),
    ("sk_test_", "secret", Some("test")),
    ("rk_live_", "restricted", Some("live")),
    ("rk_test_", "restricted", Some("test")),
    ("pk_live_", "publishable", Some("live")),
    ("pk_test_", "publishable", Some("test")),
    ("whsec_", "webhook-signing-secret", None),
];

/// A token whose prefix one of the families above documents.
pub(super) fn shape(secret: &str) -> bool {
    let s = secret.trim();
    slack(s).is_some()
        || STRIPE.iter().any(|(p, _, _)| s.starts_with(p))
        || s.starts_with("npm_")
        || s.starts_with(macaroon::PREFIX)
        || gitlab::kind(s).is_some()
}

/// The Slack token type of `token`.
fn slack(token: &str) -> Option<&'static str> {
    let lower: String = token
        .chars()
        .take(40)
        .collect::<String>()
        .to_ascii_lowercase();
    let lower = lower.replacen("http://", "https://", 1);
    SLACK
        .iter()
        .find(|(prefix, _)| lower.starts_with(prefix))
        .map(|(_, kind)| *kind)
}

/// Examines a structured token.
pub(super) fn run(subject: &Subject<'_>, evidence: &mut Evidence) -> bool {
    let token = subject.secret.trim();
    if let Some(kind) = slack(token) {
        evidence.attr("token_type", kind);
        if token.starts_with("xoxe") {
            evidence.attr("rotating", true);
        }
        return true;
    }
    if let Some((_, key_type, mode)) = STRIPE.iter().find(|(p, _, _)| token.starts_with(p)) {
        evidence.attr("key_type", *key_type);
        if let Some(mode) = mode {
            evidence.attr("mode", *mode);
        }
        return true;
    }
    if let Some(body) = token.strip_prefix("npm_") {
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return false;
        }
        evidence.attr("token_type", "access-token");
        if body.len() == 36 {
            if let Some(valid) = crc32_base62_ok(body) {
                evidence.checksum(valid);
            }
        }
        return true;
    }
    if token.starts_with(macaroon::PREFIX) {
        return macaroon::examine(token, evidence);
    }
    gitlab::examine(token, evidence)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::validate::{PartRef, examine};

    pub(crate) fn check(secret: &str) -> Evidence {
        let named = vec!["token-structure".to_string()];
        let parts: [PartRef<'_>; 0] = [];
        examine(&Subject {
            rule_id: "test.token",
            provider: "test",
            identity: "test.token",
            validators: &named,
            secret,
            parts: &parts,
        })
    }

    #[test]
    fn slack_token_types() {
        let body = "-1234567890-1234567890-abcdefghijklmnopqrstuvwx";
        for (prefix, kind) in [
            ("xoxb", "bot"),
            ("xoxp", "user"),
            ("xapp", "app-level"),
            ("xoxe.xoxb", "rotating-bot"),
            ("xoxe", "refresh"),
            ("xoxr", "workspace-app-refresh"),
        ] {
            let ev = check(&format!("{prefix}{body}"));
            assert_eq!(ev.attributes["token_type"], kind, "{prefix}");
        }
        let hook = format!("https://hooks.slack.com/{}/T000/B000/xyz", "services");
        assert_eq!(check(&hook).attributes["token_type"], "incoming-webhook");
        assert_eq!(
            check(&format!("xoxe.xoxp{body}")).attributes["rotating"],
            true
        );
    }

    #[test]
    fn stripe_key_types_and_modes() {
        let ev = check(&format!("{}{}", "sk_live_", "a1".repeat(14)));
        assert_eq!(ev.attributes["key_type"], "secret");
        assert_eq!(ev.attributes["mode"], "live");
        let ev = check(&format!("{}{}", "rk_test_", "a1".repeat(14)));
        assert_eq!(ev.attributes["key_type"], "restricted");
        assert_eq!(ev.attributes["mode"], "test");
        let ev = check(&format!("{}{}", "whsec_", "a1".repeat(16)));
        assert_eq!(ev.attributes["key_type"], "webhook-signing-secret");
        assert!(!ev.attributes.contains_key("mode"));
    }

    #[test]
    fn npm_checksum() {
        let token = crate::validate::github::tests::token("npm_", "Zk2pQ7vLx9TbR4mWc8NjH3sYd6GfA1");
        assert_eq!(check(&token).checksum_valid, Some(true));
        let flipped = token.replacen("Zk2p", "Zk3p", 1);
        assert_eq!(check(&flipped).checksum_valid, Some(false));
        let truncated = &token[..20];
        let ev = check(truncated);
        assert_eq!(ev.checksum_valid, None);
        assert_eq!(ev.attributes["token_type"], "access-token");
        assert!(check("npm_").validators.is_empty());
        assert!(check("npm_ab-cd").validators.is_empty());
    }

    #[test]
    fn unknown_tokens_yield_nothing() {
        for token in ["", "xox", "sk_", "gl", "pypi", "hello world", "ééé"] {
            assert!(check(token).validators.is_empty(), "{token}");
        }
    }
}
