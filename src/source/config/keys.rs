//! Which keys name secrets.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Words that make a key a secret's name, matched case-insensitively
/// anywhere in the key (`DB_PASSWORD`, `clientSecret`, `api-token`).
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "accesskey",
    "access_key",
    "access-key",
    "privatekey",
    "private_key",
    "private-key",
    "credential",
    // Keys named for what they do (`AppSigningKey`, `encryption_key`, `APP_KEY`).
    "signingkey",
    "signing_key",
    "signing-key",
    "encryptionkey",
    "encryption_key",
    "encryption-key",
    "masterkey",
    "master_key",
    "appkey",
    "app_key",
    "auth",
    "connectionstring",
    "connection_string",
    "dsn",
];

static MATCHER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        .build(SECRET_WORDS)
        .ok()
});

/// True when `key` names a secret (contains one of the secret words, any case).
pub fn is_secret_key(key: &str) -> bool {
    key.len() <= 128
        && MATCHER
            .as_ref()
            .is_some_and(|matcher| matcher.is_match(key.as_bytes()))
}

/// True when `bytes` mention any secret word: files that do not are not worth parsing.
pub fn mentions_secret_words(bytes: &[u8]) -> bool {
    MATCHER
        .as_ref()
        .is_some_and(|matcher| matcher.is_match(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys() {
        for key in [
            "DB_PASSWORD",
            "clientSecret",
            "api-key",
            "SmtpPassword",
            "AUTH",
            "AppSigningKey",
            "encryption_key",
            "APP_KEY",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in ["name", "image", "replicas", "host", "user"] {
            assert!(!is_secret_key(key), "{key}");
        }
    }
}
