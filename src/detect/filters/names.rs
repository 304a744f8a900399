//! The names of keys: which name a public value, a property or a member
//! of a type rather than a secret, and values that are names made of words.

use super::{contains_ignore_case, is_one_of, is_word_byte, starts_with_ignore_case, trim_end};

/// Nouns that name a credential: a phrase holding one describes the secret.
pub(super) const SECRET_NOUNS: &[&str] = &[
    "password",
    "passwords",
    "passwd",
    "passphrase",
    "pass",
    "secret",
    "secrets",
    "token",
    "key",
    "login",
    "credential",
    "credentials",
    "creds",
];

/// A key naming a public value rather than a secret: a public or publishable
/// key (`public_key`, `publishableKey`), an identifier (`credentialsId`,
/// `secret_id`, `tokenID`) or an anti-forgery token (`csrf_token`,
/// `X-XSRF-TOKEN`: a per-session value every page carries, which grants
/// nothing on its own; Postman's `Postman-Token` request id), or a reference to where a secret is kept (Drone
/// CI's `from_secret`). `key` starts at the key's identifier.
pub(super) fn names_public_value(key: &[u8]) -> bool {
    let identifier = &key[..key
        .iter()
        .take_while(|b| is_word_byte(b) || matches!(b, b'-' | b'.'))
        .count()];
    contains_ignore_case(identifier, b"public")
        // minisign's and others' `…_PUBKEY`.
        || contains_ignore_case(identifier, b"pubkey")
        || contains_ignore_case(identifier, b"publishable")
        || contains_ignore_case(identifier, b"csrf")
        || contains_ignore_case(identifier, b"xsrf")
        // The cache-busting id Postman adds to every request it sends.
        || identifier.eq_ignore_ascii_case(b"postman-token")
        || [
            &b"_id"[..],
            b"-id",
            b".id",
            b"Id",
            b"ID",
            b"_ID",
            b"Guid",
            b"_guid",
            b"GUID",
            b"Uuid",
            b"_uuid",
            b"UUID",
        ]
            .iter()
            .any(|end| identifier.ends_with(end))
        || names_no_secret_by_its_words(identifier)
        // Drone CI's `from_secret: name` and the like name where it is kept.
        || identifier_words(identifier)
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case(b"from"))
        || names_a_member_of_a_type(identifier)
}

/// A member of a type named for a credential, the member itself not one:
/// `TokenKind.STRING`, Pygments' `Token.Toolbar.Search` (an enum or a style
/// name; its value is a name too), or a claim of a token instance
/// (`token.payload.email`, `token.claims.sub`). Not `Secrets.DB_PASSWORD`
/// (the member names one) nor `token.value` (an instance's value).
fn names_a_member_of_a_type(identifier: &[u8]) -> bool {
    let names_credential = |part: &[u8]| identifier_words(part).any(|w| is_one_of(w, SECRET_NOUNS));
    let (Some(first_dot), Some(last_dot)) = (
        memchr::memchr(b'.', identifier),
        memchr::memrchr(b'.', identifier),
    ) else {
        return false;
    };
    let (first, last) = (&identifier[..first_dot], &identifier[last_dot + 1..]);
    let type_member = first.first().is_some_and(u8::is_ascii_uppercase)
        && !names_credential(last)
        && !is_one_of(last, &["value", "text", "data", "content", "raw", "plain"]);
    names_credential(first) && (type_member || is_one_of(last, TOKEN_CLAIMS))
}

/// A token's claims and descriptive fields: who it names, who issued it, for
/// whom, until when (`token.payload.email`).
const TOKEN_CLAIMS: &[&str] = &[
    "email", "sub", "subject", "iss", "issuer", "aud", "audience", "exp", "iat", "nbf", "jti",
    "name", "username", "scope", "scopes",
];

/// Last words that make a name one of a property of a credential rather than
/// the credential: when it was last used, how long it is, where it is kept,
/// what it starts with (`PasswordLastUsed`, `token_type`,
/// `SESSION_TOKEN_PREFIX`, `password_file`).
const PROPERTY_WORDS: &[&str] = &[
    "used",
    "length",
    "len",
    "policy",
    "expiry",
    "expires",
    "expiration",
    "age",
    "changed",
    "required",
    "enabled",
    "strength",
    "hint",
    "prompt",
    "type",
    "regex",
    "pattern",
    "count",
    "attempts",
    "date",
    "time",
    "timestamp",
    // Rails' timestamp columns (`reset_password_sent_at`).
    "at",
    "prefix",
    "suffix",
    "file",
    "path",
    "env",
    "format",
    // Where a secret lives or which revision holds it, not the secret:
    // `tls_secret_namespace`, `pkg_passwd_commit`, `token_branch`.
    "namespace",
    "commit",
    "branch",
    // A reference to a secret kept elsewhere (`secretKeyRef`, `token_reference`).
    "ref",
    "reference",
    // Settings of a password check (`pam_passwdqc_options`).
    "options",
    // Where a token comes from (`auth.google.tokenSource`, `token_source`).
    "source",
    // An error code or message about a secret (Symfony's
    // `INVALID_PASSWORD_ERROR = '<uuid>'`).
    "error",
    "errors",
    "message",
    // The name of the field, property or object holding a secret, not the
    // secret (`'passwordProperty' => 'pwhash'`, `password_attribute`,
    // Kubernetes' `secretName`).
    "property",
    // A form's or a message catalog's texts about the secret
    // (`password_placeholder = Enter your password`, `users.password_helper=…`).
    "placeholder",
    "holder",
    "helper",
    "success",
    "failed",
    "submitting",
    // The algorithms a token is signed with (`AllowedAccessTokenSigningAlgorithms`).
    "algorithm",
    "algorithms",
    // A form's or a request's parameter name (`password-parameter="xpass"`).
    "parameter",
    "param",
    "field",
    "attribute",
    "column",
    "name",
    // A widget, a mode or a method about the secret, not the secret
    // (`hasPasswordButton`, `passwordInput: Locator`, `passwordGenerateRequest.mode`,
    // `verify_password_method`).
    "button",
    "input",
    "mode",
    "method",
    // A link or a plug-in for the secret (`'lost_password_link' => 'disabled'`,
    // Dex's `passwordConnector: local`), its icon, its scheme's version
    // (`data-password-icon="hide"`, `'passwordVersion' => 'sha512'`).
    "link",
    "connector",
    "icon",
    "version",
    // The form that asks for it (Angular's `#resetPwdForm="ngForm"`), a
    // password manager (WebAuthn's `GooglePasswordManager = "<AAGUID>"`).
    "form",
    "manager",
    // A request's or a response's text (`tokenRequestBody`, `tokenResponseJson`).
    "body",
    "json",
];

/// Words that make a name a message's (`AbstractLdapAuthenticationProvider.
/// emptyPassword=Credenziali non valide`, `missing_token_error`): an empty or
/// missing secret holds none; nor does a switch that turns one off
/// (`adduser --disabled-password`, `--without-password`). (Not `invalid` or `mismatched`: tests keep
/// real-shaped keys under such names, `mismatchedToken := "…"`.)
const MESSAGE_QUALIFIERS: &[&str] = &["empty", "missing", "disabled", "without"];

/// Words that, before a final `token`, make it a protocol's bookkeeping
/// value rather than a credential: pagination cursors (`NextToken`,
/// `continuation_token`), optimistic locks and idempotency tokens
/// (`LockToken`, `ChangeToken`, `ClientRequestToken`). Not `client`: AWS's
/// `ClientToken` is an idempotency token, Akamai's `client_token` a credential.
const TOKEN_QUALIFIERS: &[&str] = &[
    "next",
    "pagination",
    "paging",
    "continuation",
    "resume",
    "sync",
    "sequence",
    "cursor",
    "marker",
    "lock",
    "change",
    "idempotency",
    "forward",
    "backward",
    "request",
    "update",
];

/// Words that, before a final `key`, make it a key of a data structure
/// rather than a credential (`result_key`, `partition_key`, `cache_key`).
const KEY_QUALIFIERS: &[&str] = &[
    "result",
    // Where Terraform keeps a state (`state_key = "rds_instance_four"`).
    "state",
    // A document's or a stored object's name (`DocumentKey=…`, S3's `ObjectKey`).
    "document",
    "object",
    // An S3 object's name (`"S3Key": "serverless/…/api.zip"`), a stack output's.
    "s3",
    "output",
    "limit",
    "sort",
    "partition",
    "primary",
    "foreign",
    "cache",
    // A data loader's or a request's context key (`context_key = "product_by_id"`).
    "context",
    "lookup",
    "dict",
    "index",
    "column",
    "row",
    "field",
    "attribute",
    "translation",
    "i18n",
    "locale",
    "message",
    "label",
    "dedup",
    "deduplication",
    "idempotency",
];

/// A name that its words show is not a secret's, read in one pass:
/// - a value derived from a secret: last word `hash`, `checksum`, `digest`,
///   `fingerprint`, `signature` or `proof` (`password_hash`, `token-checksum`, a
///   token store's `tokenSignature` key, Facebook's `appsecret_proof`), or any word
///   `encrypted`, `hashed`, `enc`, `crypted` (`encrypted_key`, `hashedPassword`),
///   or an encoded password (Spring's `encodedPassword`, a password encoder's
///   hash; an encoded key, `ENCODED_SECRET_KEY`, is the key in base64);
/// - a message or a wrong value on purpose: any word of [`MESSAGE_QUALIFIERS`],
///   or a first word `err`/`msg` (Go's `errFmtResetPasswordJWTSecret = "…"`);
/// - bookkeeping: last word `token` after a word of [`TOKEN_QUALIFIERS`]
///   (`NextToken`, `nextForwardToken`) or `key` after one of
///   [`KEY_QUALIFIERS`] (`result_key`);
/// - a property: two or more words, the last one of [`PROPERTY_WORDS`].
fn names_no_secret_by_its_words(identifier: &[u8]) -> bool {
    let (mut words, mut token_qualified, mut key_qualified) = (0, false, false);
    let (mut encoded, mut counted) = (false, false);
    let mut last: &[u8] = &[];
    for word in identifier_words(identifier) {
        // Also run together with the noun (`encryptedkey`, `hashedpassword`).
        let derived = ["encrypted", "hashed"].iter().any(|prefix| {
            word.len() > prefix.len() && starts_with_ignore_case(word, prefix.as_bytes())
        });
        if derived
            || is_one_of(word, &["encrypted", "hashed", "enc", "crypted"])
            || is_one_of(word, MESSAGE_QUALIFIERS)
            // A switch or a filter: which credentials to include in a reply
            // (`?include_credential=oidc`).
            || (words == 0 && is_one_of(word, &["err", "errs", "msg", "include", "includes"]))
            // A switch or a mode without the secret (`"passwordless": "allowed"`).
            || is_one_of(word, &["passwordless", "tokenless", "keyless", "secretless"])
        {
            return true;
        }
        encoded |= is_one_of(word, &["encoded"]);
        counted = is_one_of(last, super::context::ORDINALS);
        token_qualified |= is_one_of(last, TOKEN_QUALIFIERS);
        key_qualified |= is_one_of(last, KEY_QUALIFIERS);
        words += 1;
        last = word;
    }
    is_one_of(
        last,
        &[
            "hash",
            "checksum",
            "digest",
            "fingerprint",
            "salt",
            "signature",
            "proof",
            // A digest named by its algorithm (`TOKEN_SHA256`, `password_md5`).
            "md5",
            "sha1",
            "sha256",
            "sha384",
            "sha512",
        ],
    ) || (encoded && is_one_of(last, &["password", "passwd", "pwd"]))
        // A pass of an algorithm (`hwScaleFilterFirstPass`, `second_pass`).
        || (counted && is_one_of(last, &["pass"]))
        || (token_qualified && is_one_of(last, &["token", "tokens"]))
        || (key_qualified && is_one_of(last, &["key", "keys"]))
        || (words >= 2 && is_one_of(last, PROPERTY_WORDS))
}

/// True for a value that is a program name made of pronounceable words
/// (`SamplingRuleRecords`, `NextVersionIdMarker`): letters only (`_`/`-`
/// allowed), camel-cased into at least two words, every word with a
/// vowel and no run of four consonants. Machine-made keys and tokens are
/// random, so such a value under a key or token name is a name, not a secret
/// (random letters almost always hold a four-consonant run). Not for
/// passwords, which people make of words.
pub fn is_word_identifier(value: &[u8]) -> bool {
    // A version or variant number may end it (`DefaultGatewayIPv4`).
    let value = trim_end(value, b"0123456789");
    has_hump(value) && is_made_of_pronounceable_words(value, b"_-")
}

/// True for a lowercase phrase of pronounceable words joined by `-` or `_`
/// (`configured-by-env`, `host-boundary-crossed`, `stored_locally`): the
/// descriptive value of a test or a setting's name. Like
/// [`is_word_identifier`], only for key and token rules: people make
/// passwords and passphrases of words.
pub fn is_word_phrase(value: &[u8]) -> bool {
    // Dots join words as dashes do (`search-toolbar.text`).
    is_phrase_joined_by(value, b"_-.")
}

/// [`is_word_phrase`] with words joined by any of `separators` (`_` among
/// them or not): a number may end it (`etcd-cluster-01`).
pub(super) fn is_phrase_joined_by(value: &[u8], separators: &[u8]) -> bool {
    let value = trim_end(value, b"0123456789");
    let value = trim_end(value, separators);
    let lowercase = value
        .iter()
        .all(|b| b.is_ascii_lowercase() || separators.contains(b));
    // An HTTP header's name: Title-Case words joined by `-`
    // (`X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key`).
    let header = value
        .split(|b| *b != b'_' && separators.contains(b))
        .all(|word| {
            word.first().is_some_and(u8::is_ascii_uppercase)
                && word[1..].iter().all(u8::is_ascii_lowercase)
        });
    value.iter().any(|b| separators.contains(b))
        && (lowercase || header)
        && is_made_of_pronounceable_words(value, separators)
}

/// True for a lowercase phrase of words that names a secret rather than
/// being one: a file or object name such as `broker_keystore_creds` or
/// `admin_password` (a [`is_word_phrase`] with a word such as `password`,
/// `secret`, `token`, `key` or `creds`).
pub fn names_a_secret(value: &[u8]) -> bool {
    is_word_phrase(value) && identifier_words(value).any(|w| is_one_of(w, SECRET_NOUNS))
}

/// True for a relative path of pronounceable words (`folder/aSubfolder/subFile1`,
/// an object store's key): like [`is_word_phrase`], only for key and token
/// rules, whose random values hold `/` only as base64 does, between letters
/// no word test passes.
pub fn is_word_path(value: &[u8]) -> bool {
    value.contains(&b'/')
        && !value.starts_with(b"/")
        && is_made_of_pronounceable_words(trim_end(value, b"0123456789"), b"/_-.")
}

/// True for one lowercase English-looking word of six or more letters
/// (`authorization`, `iamnotatoken`): a vowel in three letters or more and
/// no run of four consonants. Random lowercase letters have fewer vowels
/// and longer consonant runs. Like [`is_word_phrase`], only for key and
/// token rules.
pub fn is_lone_word(value: &[u8]) -> bool {
    if value.len() < 6 || !value.iter().all(u8::is_ascii_lowercase) {
        return false;
    }
    let is_vowel = |b: &u8| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    let vowels = value.iter().filter(|b| is_vowel(b)).count();
    let longest_consonant_run = value.split(is_vowel).map(<[u8]>::len).max().unwrap_or(0);
    vowels * 10 >= value.len() * 3 && longest_consonant_run < 4
}

/// The word test of [`is_word_identifier`] and [`is_word_phrase`]: letters
/// (and `separators`) only, at least eight, two or more words, every word with a
/// vowel and no run of four consonants, at most one word shorter than three.
fn is_made_of_pronounceable_words(value: &[u8], separators: &[u8]) -> bool {
    if value.len() < 8
        || !value
            .iter()
            .all(|b| b.is_ascii_alphabetic() || separators.contains(b))
    {
        return false;
    }
    let (mut words, mut short, mut acronyms) = (0, 0, 0);
    for word in identifier_words(value) {
        words += 1;
        let (mut consonants, mut longest_run) = (0, 0);
        let mut vowel = false;
        for b in word.iter().map(u8::to_ascii_lowercase) {
            if matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y') {
                vowel = true;
                consonants = 0;
            } else {
                consonants += 1;
                longest_run = longest_run.max(consonants);
            }
        }
        // A one-letter word is a hump of an acronym (`IdP`, `AMaze`): allowed;
        // so is one acronym of two or three letters or a known longer one
        // (`llm_embedding_backend`, `mailer_smtp_enabled`). A word with
        // vowels has no run of four consonants.
        if !vowel && word.len() > 1 {
            if (word.len() > 3 && !is_one_of(word, LONG_ACRONYMS)) || acronyms > 0 {
                return false;
            }
            acronyms += 1;
        } else if longest_run >= 4 {
            return false;
        }
        short += usize::from(word.len() < 3);
        // No word is this long; random letters that pass the tests above are.
        if word.len() > LONGEST_WORD {
            return false;
        }
    }
    // Random mixed case splits into many tiny "words" (`qyOIhJiM`); names
    // split into real ones (`Id` may be one of them).
    words >= 2 && short <= 1 && value.len() >= 4 * words
}

/// Longest word read as one (`internationalization` is 20 letters).
const LONGEST_WORD: usize = 20;

/// Acronyms of four letters or more with no vowel, read as words in names
/// (`mailer_smtp_enabled`, `grpc_endpoint`).
const LONG_ACRONYMS: &[&str] = &[
    "smtp", "http", "https", "html", "sftp", "ntlm", "grpc", "jwks", "xmpp",
];

/// The words of an identifier, as written: split at every byte that is not
/// an ASCII letter or digit, at each lowercase-to-uppercase hump
/// (`hashedPassword` → `hashed`, `Password`) and after an acronym that a
/// word follows (`ECDHKey` → `ECDH`, `Key`).
pub(super) fn identifier_words(identifier: &[u8]) -> impl Iterator<Item = &[u8]> {
    identifier
        .split(|b| !b.is_ascii_alphanumeric())
        .flat_map(|part| {
            let mut rest = part;
            std::iter::from_fn(move || {
                if rest.is_empty() {
                    return None;
                }
                // One pass to the first cut: after a hump (`hashedPassword`) or
                // after an acronym of two letters or more that a word follows
                // (`ECDHKey`, `HTTPServer`; `IPv4` and `AMaze` stay whole).
                let cut = (0..rest.len())
                    .find_map(|i| {
                        let w = &rest[i..];
                        let hump = w.len() >= 2
                            && (w[0].is_ascii_lowercase() || w[0].is_ascii_digit())
                            && w[1].is_ascii_uppercase();
                        let acronym_end = w.len() >= 4
                            && w[..3].iter().all(u8::is_ascii_uppercase)
                            && w[3].is_ascii_lowercase();
                        if hump {
                            Some(i + 1)
                        } else {
                            acronym_end.then_some(i + 2)
                        }
                    })
                    .unwrap_or(rest.len());
                let (word, tail) = rest.split_at(cut);
                rest = tail;
                Some(word)
            })
        })
        .filter(|word| !word.is_empty())
}

/// A label spelling its own key in another case or separator style
/// (`SshPrivateKey => "ssh-private-key"`, `API_TOKEN: "api-token"`): a name,
/// not a secret. `key` starts at the key's identifier.
pub(super) fn spells_its_key(key: &[u8], value: &[u8]) -> bool {
    let identifier = &key[..key.iter().take_while(|b| is_word_byte(b)).count()];
    let letters = |text: &[u8]| -> Vec<u8> {
        text.iter()
            .filter(|b| b.is_ascii_alphanumeric())
            .map(u8::to_ascii_lowercase)
            .collect()
    };
    let wanted = letters(identifier);
    let spelled = letters(value);
    // Also without a setter's or getter's prefix: `setPrivateKey("privatekey")`.
    let unprefixed = wanted
        .strip_prefix(b"set")
        .or_else(|| wanted.strip_prefix(b"get"))
        .unwrap_or(&wanted);
    if wanted.len() >= 4 && (spelled == wanted || (unprefixed.len() >= 4 && spelled == unprefixed))
    {
        return true;
    }
    // Or the key without its first or last word, the kind word of an enum of
    // names (`TOKEN_VARIABLE_BEGIN = intern("variable_begin")`).
    let words: Vec<&[u8]> = identifier_words(identifier).collect();
    let joined = |words: &[&[u8]]| letters(&words.concat());
    words.len() >= 3
        && spelled.len() >= 8
        && (spelled == joined(&words[1..]) || spelled == joined(&words[..words.len() - 1]))
}

/// True when `value` has a camelCase hump: a lowercase letter right before an
/// uppercase one (`userToken`, `SamplingRules`).
pub(super) fn has_hump(value: &[u8]) -> bool {
    value
        .windows(2)
        .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::filters::tests::expect_each;

    #[test]
    fn bookkeeping_and_property_names_are_not_secret_names() {
        expect_each(
            names_public_value,
            true,
            &[
                b"NextToken\": ",
                b"INVALID_PASSWORD_ERROR = ",
                b"passwordProperty' => ",
                b"secretName: ",
                b"hasPasswordButton: ",
                b"passwordInput: ",
                b"verify_password_method = ",
                b"nextForwardToken\": ",
                b"result_key\": ",
                b"LockToken: ",
                b"PasswordLastUsed\": ",
                b"SESSION_TOKEN_PREFIX = ",
                b"from_secret: ",
                b"TokenKind.STRING: ",
                b"Token.Toolbar.Search: ",
                b"secretKeyRef: ",
                b"tls_secret_namespace: ",
                b"pkg_passwd_commit = ",
                b"S3Key\": ",
                b"OutputKey\": ",
                b"AbstractLdapAuthenticationProvider.emptyPassword=",
                b"encodedPassword = ",
                b"missing_token_error: ",
                b"password-parameter=",
                b"Postman-Token\": ",
                b"MINIO_UPDATE_MINISIGN_PUBKEY=",
                b"passwordless\": ",
                b"_passwordSendGuid = ",
                b"MasterPasswordSalt = ",
                b"lost_password_link' => ",
                b"tokenSignature = ",
                b"appsecret_proof=",
                b"encryptedkey: ",
                b"passwordVersion' => ",
                b"data-password-icon=",
                b"resetPwdForm=",
                b"context_key = ",
                b"token.payload.email = ",
                b"include_credential=",
                b"hwScaleFilterFirstPass = ",
                b"GooglePasswordManager = ",
                b"passwordConnector: ",
                b"errFmtResetPasswordJWTSecret = ",
            ],
        );
        // Key rotation's previous or next key is a credential; so is a header value.
        expect_each(
            names_public_value,
            false,
            &[
                b"page_access_token = ",
                b"next = ",
                b"token_next = ",
                b"prevKey = ",
                b"next_key = ",
                b"auth_header = ",
                b"refresh_token = ",
                b"Secrets.DB_PASSWORD = ",
                b"token.kind = ",
                b"Token.Value = ",
                b"fromage_secret = ",
                b"client_token = ",
                b"mismatchedToken := ",
                b"DEFAULT_ENCODED_SECRET_KEY = ",
            ],
        );
    }

    #[test]
    fn word_identifiers_are_names_random_letters_are_not() {
        expect_each(
            is_word_identifier,
            true,
            &[
                b"SamplingRuleRecords",
                b"NextVersionIdMarker",
                b"Search_ResultMarker",
            ],
        );
        // No hump (`myt_babraz`, a true URL password, would pass otherwise), random
        // letters (CredData's obfuscated values hold consonant runs), digits, one word,
        // tiny humps of random mixed case.
        expect_each(
            is_word_identifier,
            false,
            &[
                b"linecomment_end",
                b"VozkqqWcexxxle",
                b"ryoov_tjkbzwgf",
                b"Sampling2RuleRecords",
                b"sampling",
                b"qyOIhJiM",
            ],
        );
    }
}
