//! `aws-key-id`: AWS access key ids, from the secret itself or from a
//! companion part (`access_key_id`, any name containing `key_id`) next to a
//! secret access key. Yields `key_type` from the documented 4-character
//! unique-id prefix, `long_lived` (AKIA: true, ASIA: false), `account_id`
//! decoded from the id, and the key id as principal.
//!
//! Account decoding (T. Be'ery, "A short note on AWS KEY ID", 2021): the 16
//! characters after the prefix are base32 (RFC 4648); bits 1..=40 of the
//! first 6 decoded bytes, i.e. `(u48 & 0x7fff_ffff_ff80) >> 7`, are the
//! account id. Ids whose fifth character is `I` or `J` predate that layout
//! and carry no account; a decoded value over 12 digits is no account either
//! (a made-up id).

use super::{Evidence, Subject};

/// IAM unique-id prefixes (IAM User Guide, "Unique identifiers").
const PREFIXES: &[(&str, &str)] = &[
    ("ABIA", "sts-service-bearer-token"),
    ("ACCA", "context-specific-credential"),
    ("AGPA", "group"),
    ("AIDA", "iam-user"),
    ("AIPA", "ec2-instance-profile"),
    ("AKIA", "access-key"),
    ("ANPA", "managed-policy"),
    ("ANVA", "managed-policy-version"),
    ("APKA", "public-key"),
    ("AROA", "role"),
    ("ASCA", "certificate"),
    ("ASIA", "temporary-access-key"),
];

/// The key type of an AWS unique id, if `id` is one.
fn key_type(id: &str) -> Option<&'static str> {
    if id.len() != 20
        || !id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return None;
    }
    let prefix = id.get(..4)?;
    PREFIXES
        .iter()
        .find(|(p, _)| *p == prefix)
        .map(|(_, kind)| *kind)
}

/// An AWS unique id.
pub(super) fn shape(secret: &str) -> bool {
    key_type(secret.trim()).is_some()
}

/// Decodes the account id from a key id (see the module notes).
fn account_id(id: &str) -> Option<String> {
    let body = id.get(4..)?;
    if body.starts_with(['I', 'J']) {
        return None;
    }
    let mut bits: u64 = 0;
    // 10 base32 characters = 50 bits, enough for the first 6 bytes (48).
    for c in body.bytes().take(10) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        bits = (bits << 5) | u64::from(v);
    }
    let first_six = bits >> 2;
    let account = (first_six & 0x7fff_ffff_ff80) >> 7;
    // 40 bits can exceed 12 digits; real account ids do not (a made-up id).
    (account <= 999_999_999_999).then(|| format!("{account:012}"))
}

/// Examines an AWS key id (the secret, or a companion part).
pub(super) fn run(subject: &Subject<'_>, evidence: &mut Evidence) -> bool {
    let secret = subject.secret.trim();
    let id = if key_type(secret).is_some() {
        Some(secret)
    } else {
        subject
            .parts
            .iter()
            .filter(|p| p.name == "access_key_id" || p.name.contains("key_id"))
            .map(|p| p.value.trim())
            .find(|v| key_type(v).is_some())
    };
    let Some(id) = id else {
        return false;
    };
    let Some(kind) = key_type(id) else {
        return false;
    };
    evidence.attr("key_type", kind);
    match kind {
        "access-key" => evidence.attr("long_lived", true),
        "temporary-access-key" => evidence.attr("long_lived", false),
        _ => {}
    }
    if let Some(account) = account_id(id) {
        evidence.attr("account_id", account);
    }
    evidence.principal(id);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{PartRef, examine};

    fn run_on(secret: &str, parts: &[PartRef<'_>]) -> Evidence {
        let named = vec!["aws-key-id".to_string()];
        examine(&Subject {
            rule_id: "aws.secret-access-key",
            provider: "aws",
            identity: "aws.access-key",
            validators: &named,
            secret,
            parts,
        })
    }

    /// The AWS-published example id from the module notes, assembled at run time.
    fn published_example() -> String {
        format!("{}{}", "AS", "IAY34FZKBOKMUTVV7A")
    }

    #[test]
    fn published_example_decodes_to_its_account() {
        let id = published_example();
        assert_eq!(account_id(&id).as_deref(), Some("609629065308"));
        let ev = run_on(&id, &[]);
        assert_eq!(ev.attributes["key_type"], "temporary-access-key");
        assert_eq!(ev.attributes["long_lived"], false);
        assert_eq!(ev.attributes["account_id"], "609629065308");
        assert_eq!(ev.principal.as_deref(), Some(id.as_str()));
        // A second published pair.
        let other = format!("{}{}", "AK", "IASP2TPHJSQH3FJXYZ");
        assert_eq!(account_id(&other).as_deref(), Some("171436882533"));
    }

    #[test]
    fn key_id_from_a_companion_part() {
        let id = format!("{}{}", "AK", "IASP2TPHJSQH3FJXYZ");
        let parts = [PartRef {
            name: "access_key_id",
            value: &id,
        }];
        let secret = ["wJalr", "XUtnF"].concat().repeat(4);
        let ev = run_on(&secret, &parts);
        assert_eq!(ev.attributes["key_type"], "access-key");
        assert_eq!(ev.attributes["long_lived"], true);
        assert_eq!(ev.attributes["account_id"], "171436882533");
        assert_eq!(ev.principal.as_deref(), Some(id.as_str()));
    }

    #[test]
    fn legacy_corrupt_and_truncated_ids() {
        let legacy = format!("{}{}", "AK", "IAIOSFODNN7EXAMPLE");
        let ev = run_on(&legacy, &[]);
        assert_eq!(ev.attributes["key_type"], "access-key");
        assert!(!ev.attributes.contains_key("account_id"));
        // 0/1/8/9 are not base32: type yes, account no.
        let odd = format!("{}{}", "AS", "IAY34FZKBOKMUTVV01");
        let odd = odd.replace("KBOK", "K0OK");
        assert!(!run_on(&odd, &[]).attributes.contains_key("account_id"));
        // 40 bits that decode past 12 digits: not a real account.
        let made_up = format!("{}{}", "AK", "IAO7JQU73X6WJAVVZB");
        assert_eq!(account_id(&made_up), None);
        let truncated = &published_example()[..15];
        assert!(run_on(truncated, &[]).validators.is_empty());
        assert!(run_on("AKIAé", &[]).validators.is_empty());
        assert!(run_on("XXXXY34FZKBOKMUTVV7A", &[]).validators.is_empty());
    }

    #[test]
    fn every_prefix_has_a_type() {
        for (prefix, kind) in PREFIXES {
            let id = format!("{prefix}Y34FZKBOKMUTVV7A");
            assert_eq!(key_type(&id), Some(*kind));
        }
    }
}
