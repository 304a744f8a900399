//! Offline validators and decoders: what a secret's documented format tells us
//! without any network call (checksums, key ids, JWT claims, key and
//! certificate structure). Each yields typed [`Evidence`], never a verdict of
//! "live".
//!
//! The collector calls [`examine`] once per finding (one rule + one secret);
//! the inventory builds identities and risk reasons from the evidence.

//! Validators (names as rules list them):
//!
//! | name | file | understands |
//! | --- | --- | --- |
//! | `aws-key-id` | `aws.rs` | AWS access key ids (type, account id) |
//! | `azure-sas` | `sas.rs` | Azure SAS query fields: expiry, start, permissions, account |
//! | `basic-auth` | `basic.rs` | base64 `user:password` pairs (HTTP Basic, Docker `auth`) |
//! | `connection-string` | `uri.rs` | database/broker URIs, ADO.NET and Azure connection strings |
//! | `gcp-service-account` | `gcp.rs` | service-account keys (email, project) |
//! | `github-checksum` | `github.rs` | GitHub token prefixes and CRC32 checksums |
//! | `jwt` | `jwt.rs` | JWT header and claims |
//! | `private-key` | `pem.rs` | PKCS#1, SEC1, PKCS#8 (plain and encrypted), DSA PEM/DER keys |
//! | `ssh-key` | `ssh.rs` | OpenSSH private and public keys, PuTTY PPK |
//! | `token-structure` | `tokens.rs`, `gitlab.rs`, `macaroon.rs` | Slack, Stripe, npm, PyPI, GitLab token layouts |
//! | `x509` | `x509.rs` | X.509 certificates (PEM, base64 PEM or DER) |
//!
//! [`examine`] runs the validators a rule names, then those whose shape test
//! recognises the secret (so generic rules benefit too). `public_key_sha256`
//! is always the SHA-256 of a DER SubjectPublicKeyInfo, whatever format the
//! key came in (PEM, DER, OpenSSH, PuTTY, certificate), so a private key, its
//! certificate and its SSH public key share it.

use std::collections::BTreeMap;

use serde::Serialize;

mod aws;
mod basic;
mod gcp;
mod github;
mod gitlab;
mod jwt;
mod keyinfo;
mod macaroon;
mod pem;
mod sas;
mod ssh;
#[cfg(test)]
mod testkeys;
mod text;
mod tokens;
mod uri;
mod x509;

/// Names a rule may list in `validate = [...]` (a closed set).
pub const VALIDATORS: &[&str] = &[
    "aws-key-id",
    "azure-sas",
    "basic-auth",
    "connection-string",
    "gcp-service-account",
    "github-checksum",
    "jwt",
    "private-key",
    "ssh-key",
    "token-structure",
    "x509",
];

/// Secrets longer than this are not decoded (a PEM bundle is far smaller).
const MAX_SECRET_LEN: usize = 64 * 1024;

/// One validator: its name, a cheap shape test for dispatch without the rule
/// naming it, and the check itself (true when it understood the secret).
struct Validator {
    name: &'static str,
    shape: fn(&str) -> bool,
    run: fn(&Subject<'_>, &mut Evidence) -> bool,
}

/// Every validator, in [`VALIDATORS`] order.
const REGISTRY: &[Validator] = &[
    Validator {
        name: "aws-key-id",
        shape: aws::shape,
        run: aws::run,
    },
    Validator {
        name: "azure-sas",
        shape: sas::shape,
        run: sas::run,
    },
    Validator {
        name: "basic-auth",
        shape: basic::shape,
        run: basic::run,
    },
    Validator {
        name: "connection-string",
        shape: uri::shape,
        run: uri::run,
    },
    Validator {
        name: "gcp-service-account",
        shape: gcp::shape,
        run: gcp::run,
    },
    Validator {
        name: "github-checksum",
        shape: github::shape,
        run: github::run,
    },
    Validator {
        name: "jwt",
        shape: jwt::shape,
        run: jwt::run,
    },
    Validator {
        name: "private-key",
        shape: pem::shape,
        run: pem::run,
    },
    Validator {
        name: "ssh-key",
        shape: ssh::shape,
        run: ssh::run,
    },
    Validator {
        name: "token-structure",
        shape: tokens::shape,
        run: tokens::run,
    },
    Validator {
        name: "x509",
        shape: x509::shape,
        run: x509::run,
    },
];

/// What offline checks learned about one secret.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// Validators that ran and understood the secret (sorted, e.g. `["jwt"]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub validators: Vec<&'static str>,
    /// `Some(false)`: the format carries a checksum and it does not match
    /// (a typo, a fake, or a truncated token); confidence is lowered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum_valid: Option<bool>,
    /// The principal the credential acts as, when the format names one
    /// (AWS key id, service-account email, JWT `sub`, certificate subject,
    /// `user@host` of a database URI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// Decoded attributes (account id, token type, key bits, encrypted...).
    /// Values never contain the secret itself.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, serde_json::Value>,
    /// When the credential was issued, Unix seconds (JWT `iat`, certificate not-before).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<i64>,
    /// When it stops working, Unix seconds (JWT `exp`, certificate not-after).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<i64>,
    /// Hex SHA-256 of the DER SubjectPublicKeyInfo (or SSH public key blob):
    /// a private key and its certificate share it, which links them into one identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key_sha256: Option<String>,
    /// Weak authentication the format shows (inventory risk reasons, OWASP NHI4).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub weaknesses: Vec<Weakness>,
}

/// Weak or deprecated authentication visible offline.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Weakness {
    /// A private key stored without a passphrase.
    UnencryptedPrivateKey,
    /// RSA key shorter than 2048 bits.
    ShortRsaKey,
    /// DSA key (deprecated).
    DsaKey,
    /// JWT with `alg: none` (unsigned).
    UnsignedJwt,
    /// JWT without an `exp` claim (never expires).
    NoExpiry,
    /// Credentials embedded in a URL (HTTP basic auth and the like).
    BasicAuth,
    /// A plaintext password.
    PlaintextPassword,
}

/// A companion part handed to [`examine`] (name from the rule, raw value).
#[derive(Debug, Clone, Copy)]
pub struct PartRef<'a> {
    /// Part name from the rule (`access_key_id`, `client_email`).
    pub name: &'a str,
    /// Raw value.
    pub value: &'a str,
}

/// What [`examine`] needs to know about a finding.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// Rule id (`github.pat-classic`).
    pub rule_id: &'a str,
    /// Provider (`github`).
    pub provider: &'a str,
    /// The rule's identity kind (`github.personal-access-token`).
    pub identity: &'a str,
    /// Validators the rule names (`validate = [...]`).
    pub validators: &'a [String],
    /// The raw secret.
    pub secret: &'a str,
    /// Companion parts found next to it.
    pub parts: &'a [PartRef<'a>],
}

/// Runs every offline check that applies to `subject`. Never fails: input a
/// validator does not understand simply yields no evidence from it.
pub fn examine(subject: &Subject<'_>) -> Evidence {
    let mut evidence = Evidence::default();
    if subject.secret.len() > MAX_SECRET_LEN {
        return evidence;
    }
    let named = |v: &Validator| subject.validators.iter().any(|n| n == v.name);
    let chosen = REGISTRY.iter().filter(|v| named(v)).chain(
        REGISTRY
            .iter()
            .filter(|v| !named(v) && (v.shape)(subject.secret)),
    );
    for validator in chosen {
        // Defence in depth: the validators are written not to panic, and a
        // panic in a parsing crate must not take the scan down either.
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            (validator.run)(subject, &mut evidence)
        }));
        if ran.unwrap_or(false) {
            evidence.validators.push(validator.name);
        }
    }
    if evidence.principal.is_none() {
        if let Some(part) = principal_part(subject.parts) {
            evidence.principal(text::clip(&part, 256));
        }
    }
    evidence.finish(subject.secret);
    evidence
}

/// Part names that say who a credential acts as, most telling first: the
/// principal when no validator named one (an Entra app's `client_id` next
/// to its secret, a Twilio `account_sid` next to its auth token).
const PRINCIPAL_PARTS: &[&str] = &[
    "client_email",
    "access_key_id",
    "api_key_id",
    "key_id",
    "client_id",
    "application_id",
    "account_sid",
    "user_ocid",
    "access_id",
    "token_id",
    "account_name",
    "user",
    "username",
    "key_name",
    "machine",
];

/// The first part named in [`PRINCIPAL_PARTS`] whose value reads as a name
/// (one printable word, not a template slot or a variable); a user name
/// with the host or machine it logs in to is `user@host` (an e-mail address
/// stays as it is).
fn principal_part(parts: &[PartRef<'_>]) -> Option<String> {
    // A date (`2023-11-11T17…` read under `last_login`) names no one.
    let dated = |value: &str| {
        let digits = value.bytes().take_while(u8::is_ascii_digit).count();
        digits == 4 && value.as_bytes().get(4) == Some(&b'-')
    };
    // A qualified name in code (`models.User`, `cfg.DbUser`) is a type or
    // a field, not an account; host names and addresses are lowercase.
    let qualified = |value: &str| {
        let mut segments = value.split('.');
        let first = segments.next().unwrap_or_default();
        !value.contains('@')
            && first.starts_with(|c: char| c.is_ascii_lowercase())
            && segments.any(|s| s.starts_with(|c: char| c.is_ascii_uppercase()))
    };
    let plausible = |value: &str| {
        !value.is_empty()
            && value.len() <= 256
            && !value.chars().any(|c| c.is_whitespace() || c.is_control())
            && !["${", "{{", "<", "%(", "$("]
                .iter()
                .any(|m| value.contains(m))
            && !dated(value)
            && !qualified(value)
    };
    let named = |name: &str| {
        parts
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.trim())
            .filter(|value| plausible(value))
    };
    let (name, value) = PRINCIPAL_PARTS
        .iter()
        .find_map(|name| named(name).map(|value| (*name, value)))?;
    let host = named("host").or_else(|| named("machine"));
    match host {
        Some(host) if matches!(name, "user" | "username") && !value.contains('@') => {
            Some(format!("{value}@{host}"))
        }
        _ => Some(value.to_string()),
    }
}

impl Evidence {
    /// Sets an attribute unless an earlier validator already set it.
    pub(crate) fn attr(&mut self, key: &str, value: impl Into<serde_json::Value>) {
        self.attributes
            .entry(key.to_string())
            .or_insert_with(|| value.into());
    }

    /// Records a weakness (deduplicated when the evidence is finished).
    pub(crate) fn weak(&mut self, weakness: Weakness) {
        self.weaknesses.push(weakness);
    }

    /// Sets the principal unless one is already known.
    pub(crate) fn principal(&mut self, principal: impl Into<String>) {
        let principal = principal.into();
        if self.principal.is_none() && !principal.is_empty() {
            self.principal = Some(principal);
        }
    }

    /// Sets the checksum verdict unless one is already known.
    pub(crate) fn checksum(&mut self, valid: bool) {
        self.checksum_valid.get_or_insert(valid);
    }

    /// Sets the issue time unless one is already known.
    pub(crate) fn created_at(&mut self, secs: i64) {
        self.created.get_or_insert(secs);
    }

    /// Sets the expiry unless one is already known.
    pub(crate) fn expires_at(&mut self, secs: i64) {
        self.expires.get_or_insert(secs);
    }

    /// Sets the public-key hash unless one is already known.
    pub(crate) fn public_key(&mut self, sha256_hex: String) {
        self.public_key_sha256.get_or_insert(sha256_hex);
    }

    /// Sorts and deduplicates, and drops any attribute that would repeat the
    /// secret (a user name equal to the password, a key id reported as the
    /// secret): evidence is printed unredacted.
    fn finish(&mut self, secret: &str) {
        self.validators.sort_unstable();
        self.validators.dedup();
        self.weaknesses.sort_unstable();
        self.weaknesses.dedup();
        let secret = secret.trim();
        if secret.len() >= 4 {
            self.attributes.retain(|_, value| !mentions(value, secret));
        }
    }
}

/// Whether a JSON value (or any string inside it) contains `secret`.
fn mentions(value: &serde_json::Value, secret: &str) -> bool {
    match value {
        serde_json::Value::String(s) => s.contains(secret),
        serde_json::Value::Array(items) => items.iter().any(|v| mentions(v, secret)),
        serde_json::Value::Object(map) => map.values().any(|v| mentions(v, secret)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject<'a>(
        secret: &'a str,
        validators: &'a [String],
        parts: &'a [PartRef<'a>],
    ) -> Subject<'a> {
        Subject {
            rule_id: "test.rule",
            provider: "test",
            identity: "test.identity",
            validators,
            secret,
            parts,
        }
    }

    #[test]
    fn registry_matches_the_public_names() {
        let names: Vec<&str> = REGISTRY.iter().map(|v| v.name).collect();
        assert_eq!(names, VALIDATORS);
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, names, "VALIDATORS stays sorted");
    }

    #[test]
    fn unknown_input_yields_no_evidence() {
        let all: Vec<String> = VALIDATORS.iter().map(|s| s.to_string()).collect();
        for secret in [
            "",
            "x",
            "hunter2",
            "ééé",
            "-----BEGIN",
            "eyJ.eyJ.",
            "a://b:c@",
        ] {
            let ev = examine(&subject(secret, &all, &[]));
            assert!(ev.attributes.is_empty(), "{secret:?}: {ev:?}");
            assert!(ev.validators.is_empty(), "{secret:?}: {ev:?}");
        }
    }

    #[test]
    fn a_named_part_is_the_principal_when_no_validator_names_one() {
        let parts = [
            PartRef {
                name: "tenant_id",
                value: "0b5e2f7a-9c41-4d8e-a6b3-1f7d9e2c4a58",
            },
            PartRef {
                name: "client_id",
                value: "7c2d4e9a-1b3f-4a6c-8e5d-2f9b1c7a3e60",
            },
        ];
        let ev = examine(&subject("Qx8Q~lK2vT9mZp4rW7sN1cY6bH3dF5gJ0aE", &[], &parts));
        assert_eq!(
            ev.principal.as_deref(),
            Some("7c2d4e9a-1b3f-4a6c-8e5d-2f9b1c7a3e60")
        );
        let login = |user: &'static str| {
            [
                PartRef {
                    name: "machine",
                    value: "api.heroku.com",
                },
                PartRef {
                    name: "user",
                    value: user,
                },
            ]
        };
        let principal = |parts: &[PartRef<'_>]| {
            examine(&subject("Qx8Q~lK2vT9mZp4rW7sN1cY6bH3dF5gJ0aE", &[], parts)).principal
        };
        assert_eq!(
            principal(&login("deploy")).as_deref(),
            Some("deploy@api.heroku.com")
        );
        assert_eq!(
            principal(&login("ops@acme.io")).as_deref(),
            Some("ops@acme.io")
        );
        assert_eq!(
            principal(&login("2023-11-11T17")).as_deref(),
            Some("api.heroku.com")
        );
        assert_eq!(
            principal(&login("models.User")).as_deref(),
            Some("api.heroku.com")
        );
        assert_eq!(
            principal(&login("john.smith")).as_deref(),
            Some("john.smith@api.heroku.com")
        );
        let slot = [PartRef {
            name: "client_id",
            value: "${var.client_id}",
        }];
        assert!(
            examine(&subject("Qx8Q~lK2vT9mZp4rW7sN1cY6bH3dF5gJ0aE", &[], &slot))
                .principal
                .is_none()
        );
    }

    #[test]
    fn oversized_secrets_are_skipped() {
        let big = "A".repeat(MAX_SECRET_LEN + 1);
        assert_eq!(examine(&subject(&big, &[], &[])), Evidence::default());
    }

    #[test]
    fn attributes_never_repeat_the_secret() {
        let mut ev = Evidence::default();
        ev.attr("user", "s3cretvalue");
        ev.attr("list", serde_json::json!(["a", "xs3cretvaluex"]));
        ev.attr("host", "db.internal");
        ev.finish("s3cretvalue");
        assert_eq!(ev.attributes.keys().collect::<Vec<_>>(), ["host"]);
    }

    #[test]
    fn examine_survives_arbitrary_bytes() {
        // A cheap deterministic fuzz over every validator (named and by shape).
        let all: Vec<String> = VALIDATORS.iter().map(|s| s.to_string()).collect();
        let seeds = [
            "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----",
            "-----BEGIN CERTIFICATE-----\nMIIB",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA",
            "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
            "pypi-AgEIcHlwaS5vcmcCJGY",
            "glpat-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.01.0a0000000",
            "postgres://u:p@[::1:5432/db",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI",
            "PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nPublic-Lines: 9",
            "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUI=",
        ];
        let mut state: u32 = 0x1234_5678;
        for seed in seeds {
            let bytes = seed.as_bytes();
            for cut in 0..bytes.len() {
                let text = String::from_utf8_lossy(&bytes[..cut]).into_owned();
                let _ = examine(&subject(&text, &all, &[]));
            }
            for _ in 0..64 {
                let mut mutated = bytes.to_vec();
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                let at = state as usize % mutated.len();
                mutated[at] = (state >> 8) as u8;
                let text = String::from_utf8_lossy(&mutated).into_owned();
                let _ = examine(&subject(&text, &all, &[]));
            }
        }
    }
}
