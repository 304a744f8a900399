//! `github-checksum`: GitHub's token formats (2021): a type prefix, 30 random
//! base62 characters and 6 characters of checksum: the CRC32 of the 30
//! random characters, base62-encoded (`0-9A-Za-z`), left-padded with `0`.
//! Yields `token_type` and `checksum_valid`. Fine-grained tokens
//! (`github_pat_`) and 76-character refresh tokens have no documented
//! checksum: `token_type` only.

use super::text::crc32_base62_ok;
use super::{Evidence, Subject};

/// Prefixes and the token type each names.
const PREFIXES: &[(&str, &str)] = &[
    ("github_pat_", "fine-grained-pat"),
    ("ghp_", "personal-access-token-classic"),
    ("gho_", "oauth"),
    ("ghu_", "user-to-server"),
    ("ghs_", "server-to-server"),
    ("ghr_", "refresh"),
];

/// Length of the part after the prefix that carries a checksum.
const CHECKSUMMED_BODY: usize = 36;

/// The prefix and token type of `token`.
fn kind(token: &str) -> Option<(&'static str, &'static str)> {
    PREFIXES
        .iter()
        .find(|(prefix, _)| token.starts_with(prefix))
        .copied()
}

/// A GitHub token by its prefix.
pub(super) fn shape(secret: &str) -> bool {
    kind(secret.trim()).is_some()
}

/// Checks a GitHub token.
pub(super) fn run(subject: &Subject<'_>, evidence: &mut Evidence) -> bool {
    let token = subject.secret.trim();
    let Some((prefix, token_type)) = kind(token) else {
        return false;
    };
    let body = &token[prefix.len()..];
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return false;
    }
    evidence.attr("token_type", token_type);
    if prefix != "github_pat_" && body.len() == CHECKSUMMED_BODY {
        if let Some(valid) = crc32_base62_ok(body) {
            evidence.checksum(valid);
        }
    }
    true
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::validate::text::base62;
    use crate::validate::{PartRef, examine};

    /// A token of `prefix` with a correct checksum over `random` (30 chars).
    pub(crate) fn token(prefix: &str, random: &str) -> String {
        let crc = crc32fast::hash(random.as_bytes());
        format!("{prefix}{random}{}", base62(u64::from(crc), 6))
    }

    fn check(secret: &str) -> crate::validate::Evidence {
        let named = vec!["github-checksum".to_string()];
        let parts: [PartRef<'_>; 0] = [];
        examine(&crate::validate::Subject {
            rule_id: "github.pat-classic",
            provider: "github",
            identity: "github.personal-access-token",
            validators: &named,
            secret,
            parts: &parts,
        })
    }

    const RANDOM: &str = "Zk2pQ7vLx9TbR4mWc8NjH3sYd6GfA1";

    #[test]
    fn valid_checksum_for_every_prefix() {
        for (prefix, token_type) in PREFIXES.iter().filter(|(p, _)| *p != "github_pat_") {
            let ev = check(&token(prefix, RANDOM));
            assert_eq!(ev.checksum_valid, Some(true), "{prefix}");
            assert_eq!(ev.attributes["token_type"], *token_type);
            assert_eq!(ev.validators, ["github-checksum"]);
        }
    }

    #[test]
    fn one_flipped_character_fails_the_checksum() {
        let mut bytes = token(&format!("{}p_", "gh"), RANDOM).into_bytes();
        bytes[10] = if bytes[10] == b'a' { b'b' } else { b'a' };
        let flipped = String::from_utf8(bytes).expect("ascii");
        let ev = check(&flipped);
        assert_eq!(ev.checksum_valid, Some(false));
        assert_eq!(ev.attributes["token_type"], "personal-access-token-classic");
    }

    #[test]
    fn truncated_and_odd_tokens() {
        let full = token(&format!("{}o_", "gh"), RANDOM);
        let truncated = &full[..full.len() - 3];
        let ev = check(truncated);
        assert_eq!(ev.checksum_valid, None, "no checksum on the wrong length");
        assert_eq!(ev.attributes["token_type"], "oauth");
        assert!(check(&format!("{}p_", "gh")).validators.is_empty());
        assert!(check(&format!("{}p_ab-cd", "gh")).validators.is_empty());
        assert!(check("ghx_abc").validators.is_empty());
    }

    #[test]
    fn fine_grained_has_no_checksum() {
        let pat = format!("{}_pat_{}_{}", "github", "A".repeat(22), "b".repeat(59));
        let ev = check(&pat);
        assert_eq!(ev.attributes["token_type"], "fine-grained-pat");
        assert_eq!(ev.checksum_valid, None);
    }

    #[test]
    fn dispatched_by_shape_without_the_rule_naming_it() {
        let parts: [PartRef<'_>; 0] = [];
        let secret = token(&format!("{}s_", "gh"), RANDOM);
        let ev = examine(&crate::validate::Subject {
            rule_id: "generic.password",
            provider: "generic",
            identity: "generic.password",
            validators: &[],
            secret: &secret,
            parts: &parts,
        });
        assert_eq!(ev.checksum_valid, Some(true));
    }
}
