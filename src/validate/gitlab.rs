//! GitLab tokens (part of `token-structure`). The prefix names the token
//! type (GitLab docs, "Token prefixes"). Routable tokens (GitLab 17.x on)
//! are `PREFIX PAYLOAD . VV . LL CCCCCCC`: an unpadded base64url payload, a
//! 2-character base36 version (`01`; older ones have none), the payload
//! length in 2 base36 characters and 7 base36 characters of CRC32 over
//! everything before them. The payload is the routing text (`c:`, `o:`,
//! `g:`, `p:`, `u:`, `t:` lines with base36 ids) and 16 random bytes, its
//! last byte the random bytes' count. Yields `token_type`, `checksum_valid`,
//! `token_version`, `cell_id`, `organization_id`, `group_id`, `project_id`,
//! `user_id` and `runner_type` (decimal). Legacy 20-character tokens carry
//! no structure: `token_type` only.

use super::Evidence;
use super::text::b64url_decode;

/// Prefixes and token types, longest first.
const PREFIXES: &[(&str, &str)] = &[
    ("glagent-", "agent-token"),
    ("glffct-", "feature-flags-client-token"),
    ("glsoat-", "scim-token"),
    ("glimt-", "incoming-email-token"),
    ("glptt-", "pipeline-trigger-token"),
    ("glcbt-", "ci-job-token"),
    ("glrtr-", "runner-authentication-token"),
    ("glpat-", "personal-access-token"),
    ("gloas-", "oauth-application-secret"),
    ("gldt-", "deploy-token"),
    ("glrt-", "runner-authentication-token"),
    ("glft-", "feed-token"),
    ("GR1348941", "runner-registration-token"),
];

/// Runner types as GitLab numbers them.
fn runner_type(n: u64) -> Option<&'static str> {
    match n {
        1 => Some("instance"),
        2 => Some("group"),
        3 => Some("project"),
        _ => None,
    }
}

/// Prefix and token type of a GitLab token.
pub(super) fn kind(token: &str) -> Option<(&'static str, &'static str)> {
    PREFIXES.iter().find(|(p, _)| token.starts_with(p)).copied()
}

/// Examines a GitLab token; false when it is not one.
pub(super) fn examine(token: &str, evidence: &mut Evidence) -> bool {
    let Some((prefix, token_type)) = kind(token) else {
        return false;
    };
    let body = &token[prefix.len()..];
    let allowed = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
    if body.is_empty() || !body.bytes().all(allowed) {
        return false;
    }
    evidence.attr("token_type", token_type);
    // Runner tokens may carry the runner type as `t1_`..`t3_`.
    if prefix.starts_with("glrt") {
        let digit = body
            .strip_prefix('t')
            .and_then(|r| r.as_bytes().first().copied());
        if let (Some(d @ b'1'..=b'3'), Some(b'_')) = (digit, body.as_bytes().get(2).copied()) {
            if let Some(kind) = runner_type(u64::from(d - b'0')) {
                evidence.attr("runner_type", kind);
            }
        }
    }
    routable(token, body, evidence);
    true
}

/// Decodes a routable token's checksum and routing payload.
fn routable(token: &str, body: &str, evidence: &mut Evidence) {
    // The tail after the last dot: 2 length + 7 CRC characters.
    let Some((head, tail)) = body.rsplit_once('.') else {
        return;
    };
    if tail.len() != 9
        || !tail
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    {
        return;
    }
    let (payload, version) = match head.rsplit_once('.') {
        Some((payload, version))
            if version.len() == 2 && version.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            (payload, u64::from_str_radix(version, 36).ok())
        }
        _ => (head, None),
    };
    let Some(crc) = u64::from_str_radix(&tail[2..], 36).ok() else {
        return;
    };
    // A `t1_`-style runner prefix belongs to the prefix, not the payload.
    let payload = match payload.as_bytes() {
        [b't', b'0'..=b'9', b'_', ..] => &payload[3..],
        _ => payload,
    };
    let checked = &token[..token.len() - 7];
    let length_ok = u64::from_str_radix(&tail[..2], 36).ok() == u64::try_from(payload.len()).ok();
    evidence.checksum(length_ok && u64::from(crc32fast::hash(checked.as_bytes())) == crc);
    if let Some(version) = version {
        evidence.attr("token_version", version);
    }
    if let Some(bytes) = b64url_decode(payload) {
        routing(&bytes, evidence);
    }
}

/// Reads the routing lines from a decoded payload (either order of routing
/// text and random bytes: GitLab changed it in 2025).
fn routing(bytes: &[u8], evidence: &mut Evidence) {
    let Some((&count, rest)) = bytes.split_last() else {
        return;
    };
    let count = usize::from(count);
    if count > rest.len() {
        return;
    }
    let candidates = [&rest[..rest.len() - count], &rest[count..]];
    let Some(fields) = candidates.iter().find_map(|c| parse_routing(c)) else {
        return;
    };
    for (key, value) in fields {
        let name = match key {
            'c' => "cell_id",
            'g' => "group_id",
            'o' => "organization_id",
            'p' => "project_id",
            'u' => "user_id",
            't' => {
                if let Some(kind) = runner_type(value) {
                    evidence.attr("runner_type", kind);
                }
                continue;
            }
            _ => continue,
        };
        evidence.attr(name, value.to_string());
    }
}

/// `k:base36` lines, all keys known and all values base36 integers.
fn parse_routing(text: &[u8]) -> Option<Vec<(char, u64)>> {
    let text = std::str::from_utf8(text).ok()?;
    if text.is_empty() {
        return None;
    }
    text.split('\n')
        .map(|line| {
            let (key, value) = line.split_once(':')?;
            let key = match key {
                "c" | "g" | "o" | "p" | "u" | "t" => key.chars().next()?,
                _ => return None,
            };
            Some((key, u64::from_str_radix(value, 36).ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::validate::tokens::tests::check;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn base36(mut n: u64, width: usize) -> String {
        let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
        let mut out = Vec::new();
        while n > 0 {
            out.push(digits[(n % 36) as usize]);
            n /= 36;
        }
        while out.len() < width {
            out.push(b'0');
        }
        out.reverse();
        String::from_utf8(out).expect("ascii")
    }

    /// A routable token built as GitLab's generator does.
    fn routable_token(prefix: &str, routing: &str, random_first: bool, version: bool) -> String {
        let random = [7u8; 16];
        let mut payload = Vec::new();
        if random_first {
            payload.extend_from_slice(&random);
            payload.extend_from_slice(routing.as_bytes());
        } else {
            payload.extend_from_slice(routing.as_bytes());
            payload.extend_from_slice(&random);
        }
        payload.push(16);
        let b64 = URL_SAFE_NO_PAD.encode(&payload);
        let len = base36(b64.len() as u64, 2);
        let checked = if version {
            format!("{prefix}{b64}.01.{len}")
        } else {
            format!("{prefix}{b64}.{len}")
        };
        let crc = base36(u64::from(crc32fast::hash(checked.as_bytes())), 7);
        format!("{checked}{crc}")
    }

    #[test]
    fn routable_personal_access_token() {
        let prefix = format!("{}pat-", "gl");
        for random_first in [false, true] {
            let token = routable_token(&prefix, "c:1\no:2s\nu:4fzyo82", random_first, true);
            let ev = check(&token);
            assert_eq!(ev.checksum_valid, Some(true), "{token}");
            assert_eq!(ev.attributes["token_type"], "personal-access-token");
            assert_eq!(ev.attributes["token_version"], 1);
            assert_eq!(ev.attributes["organization_id"], "100");
            assert_eq!(ev.attributes["user_id"], "9674526242");
            assert_eq!(ev.attributes["cell_id"], "1");
        }
    }

    #[test]
    fn unversioned_and_runner_tokens() {
        let token = routable_token(&format!("{}pat-", "gl"), "o:1", false, false);
        let ev = check(&token);
        assert_eq!(ev.checksum_valid, Some(true));
        assert!(!ev.attributes.contains_key("token_version"));
        let runner = routable_token(&format!("{}rt-t2_", "gl"), "g:z\no:1\nt:2", false, true);
        let ev = check(&runner);
        assert_eq!(ev.checksum_valid, Some(true));
        assert_eq!(ev.attributes["runner_type"], "group");
        assert_eq!(ev.attributes["group_id"], "35");
    }

    #[test]
    fn corrupt_truncated_and_legacy_tokens() {
        let token = routable_token(&format!("{}dt-", "gl"), "o:1\np:a", false, true);
        let mut flipped = token.clone().into_bytes();
        flipped[8] = if flipped[8] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).expect("ascii");
        assert_eq!(check(&flipped).checksum_valid, Some(false));
        let truncated = &token[..token.len() - 1];
        let ev = check(truncated);
        assert_eq!(ev.checksum_valid, None);
        assert_eq!(ev.attributes["token_type"], "deploy-token");
        let legacy = format!("{}pat-{}", "gl", "Ab3".repeat(7));
        let ev = check(&legacy[..26]);
        assert_eq!(ev.attributes["token_type"], "personal-access-token");
        assert_eq!(ev.checksum_valid, None);
        assert!(check(&format!("{}pat-", "gl")).validators.is_empty());
        assert!(check(&format!("{}pat-a b", "gl")).validators.is_empty());
        // Nonsense payloads decode to nothing, without panicking.
        let _ = check(&format!("{}pat-!!!.01.000000000", "gl"));
        let _ = check(&format!("{}pat-AAAA.zz.zzzzzzzzz", "gl"));
        let _ = check(&format!("{}pat-.01.000000000", "gl"));
    }
}
