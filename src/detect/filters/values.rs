//! The shape of a value alone: code, references, keywords, numbers, dates,
//! paths and identifiers rather than literal credentials.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::names::{
    SECRET_NOUNS, has_hump, identifier_words, is_phrase_joined_by, is_word_identifier,
};
use super::placeholders::{
    encodes_short_word, is_counting_runs, is_made_of_fake_words, is_non_secret_word,
};
use super::{
    LDAP_NAME_ATTRIBUTES, is_identifier, is_one_of, is_quote, matcher, starts_with_ignore_case,
    trim_end,
};

/// Programs that open a command line (an npm script's, a Makefile's).
const COMMANDS: &[&str] = &[
    "node", "npm", "npx", "yarn", "pnpm", "bun", "deno", "python", "python3", "bash", "sh",
    "docker", "make", "cargo", "ruby", "php", "java",
];

/// Variable names that hold a prompt's answer or a call's result, never a
/// literal when unquoted.
const RESULT_VARIABLES: &[&str] = &["result", "answer", "response", "reply", "res", "ret"];

/// True when a value, however generated it looks, is a textbook or made-up
/// password in leetspeak (`P@ssw0rd!`, `Adm1n`, `$uper$ecret`): the checks
/// [`is_non_literal`] makes on plain words, for the quoted literals with
/// symbols that skip it.
pub fn is_textbook_value(value: &[u8]) -> bool {
    let textbook = |value: &[u8]| {
        let trimmed = trim_end(value, b"!?.#*");
        is_non_secret_word(trimmed) || is_made_of_fake_words(&trimmed.to_ascii_lowercase())
    };
    if textbook(value) {
        return true;
    }
    // Percent-encoded in a URL (`D1fficultP%40ssw0rd`).
    percent_decoded(value).is_some_and(|decoded| textbook(&decoded))
}

/// `value` with its percent escapes decoded, when it has any.
fn percent_decoded(value: &[u8]) -> Option<Vec<u8>> {
    if crate::decode::percent::escapes(value) == 0 {
        return None;
    }
    let mut decoded = Vec::with_capacity(value.len());
    crate::decode::percent::decode(value, &mut decoded);
    Some(decoded)
}

static CODE: LazyLock<AhoCorasick> = LazyLock::new(|| matcher(&[CODE_MARKERS]));

/// True when `value` holds a URL-encoded path segment of eight digits
/// (`%2F20220513%2F`): a date in a signed request's credential scope.
fn has_encoded_date_segment(value: &[u8]) -> bool {
    value.windows(14).any(|w| {
        w[..3].eq_ignore_ascii_case(b"%2F")
            && w[3..11].iter().all(u8::is_ascii_digit)
            && w[11..].eq_ignore_ascii_case(b"%2F")
    })
}

/// True when a generic rule's value is code, a reference or a keyword rather
/// than a literal credential. `after` is what follows the value (two bytes are enough).
///
/// `quoted` says the value is a whole quoted string (`"reset_token_v2"`): an
/// identifier-shaped string literal is still a literal, so the identifier
/// checks (camelCase, snake_case, UPPER_SNAKE) are left to the scorer, which
/// sees it as the `quoted_identifier` feature.
pub fn is_non_literal(value: &[u8], after: &[u8], quoted: bool) -> bool {
    // A call, an index or a path right after the value: `token = build_token(...)`,
    // `key = KeyDer::from_pem(...)`.
    // A member access through a pointer: `Pass = Resolver->get(...)`.
    if matches!(after.first(), Some(b'(' | b'['))
        || after.starts_with(b"::")
        // Optional chaining and non-null assertions: `dashboard?.accessKey`.
        || after.starts_with(b"?.")
        || after.starts_with(b"!.")
        || (value.ends_with(b"-") && after.first() == Some(&b'>'))
        // The literal part of an interpolated string (`` `Str0ng-${Date.now()}` ``,
        // Ruby's `"pw-#{n}"`): built at run time.
        || after == b"${"
        || after == b"#{"
        || ((value.ends_with(b"$") || value.ends_with(b"#")) && after.first() == Some(&b'{'))
    {
        return true;
    }
    // A PHP namespace path (`'auth' => \Illuminate\Auth\Authenticate::class`).
    let namespaced = after.first() == Some(&b'\\')
        && after.get(1).is_some_and(u8::is_ascii_uppercase)
        && value.first().is_some_and(u8::is_ascii_uppercase)
        && value.iter().all(u8::is_ascii_alphanumeric);
    if namespaced {
        return true;
    }
    // The rest of the value is masked: `xoxp-1234-5678-####…`, `sk-****`.
    if after == b"##" || after == b"**" {
        return true;
    }
    // Variable references, interpolation, calls, instance variables.
    if matches!(value.first(), Some(b'$' | b'%' | b'@' | b':')) || CODE.is_match(value) {
        return true;
    }
    // An AWS Signature V4 credential scope (`X-Amz-Credential=AKIA…%2F20220513%2F
    // us-east-1%2Fsqs%2Faws4_request`): the public key id, a date and a region.
    if value.ends_with(b"aws4_request") || has_encoded_date_segment(value) {
        return true;
    }
    // A value that is itself an LDAP distinguished name (`cn=admin,dc=…`);
    // `is_ldap_name_part` reads a value cut at a DN's commas.
    if LDAP_NAME_ATTRIBUTES
        .iter()
        .any(|a| value.len() > a.len() && starts_with_ignore_case(value, a.as_bytes()))
    {
        return true;
    }
    // A reference to where the secret is kept (`--passphrase file://pass.txt`,
    // OpenSSL's `-pass env:VAR`), not the secret.
    // (Cargo's `dep:name` features name a dependency.)
    // A URN names a resource or a scope (`urn:globus:auth:scope:…`).
    if [&b"file:"[..], b"fileb:", b"env:", b"dep:", b"urn:"]
        .iter()
        .any(|prefix| value.starts_with(prefix))
    {
        return true;
    }
    // Trailing punctuation of code or markup (`string!`, `production:`, `postgres/`).
    let trimmed = trim_end(value, b"!?:;/.");
    let trimmed_lower = trimmed.to_ascii_lowercase();
    // (A comma ends a word of prose: `--proxy-password respectively, and`.)
    if is_non_secret_word(trim_end(trimmed, b",")) {
        return true;
    }
    // A `user:password` pair whose password is one of those (`admin:admin`)
    // or the user's name again (`cassandra:cassandra`).
    if let Some(colon) = value.iter().position(|&b| b == b':') {
        let (user, password) = (&value[..colon], &value[colon + 1..]);
        if colon > 0
            && !password.contains(&b':')
            && (is_non_secret_word(password) || user.eq_ignore_ascii_case(password))
        {
            return true;
        }
    }
    if is_made_of_fake_words(&trimmed_lower) || is_counting_runs(&trimmed_lower) {
        return true;
    }
    // The same, percent-encoded in a URL (`pa%24%24word`, `p%40ssword`).
    if percent_decoded(value).is_some_and(|decoded| {
        is_non_secret_word(&decoded) || is_made_of_fake_words(&decoded.to_ascii_lowercase())
    }) {
        return true;
    }
    // camelCase and PascalCase identifiers (`PasswordInput`, `userToken`):
    // letters only, short, with a lower-to-upper hump. Plain lone words are
    // left to the scorer (real passwords are often letters only).
    let humped = has_hump(trimmed);
    if !quoted && trimmed.len() < 24 && humped && trimmed.iter().all(u8::is_ascii_alphabetic) {
        return true;
    }
    // A number ending a statement of code (`pub const PPWDATA: u32 = 2147577990;`).
    if !quoted && after.first() == Some(&b';') && value.iter().all(u8::is_ascii_digit) {
        return true;
    }
    // Numeric literals of code: `0x80090033`, `6i32`, `-1073741716i32`, `16u8`; dates and times.
    if is_numeric_literal(value)
        || encodes_short_word(value)
        || is_timestamp(value)
        || is_public_key(value)
    {
        return true;
    }
    // A mapping key (`production:`), not a value.
    if value.ends_with(b":") {
        return true;
    }
    if !quoted && (is_predicate_or_nullable(value) || is_powershell_command(value)) {
        return true;
    }
    // A field's name, quoted too: camel-cased words, one of them a
    // credential's noun (`"MasterUsername"`, `"PasswordInput"`).
    if is_word_identifier(trimmed)
        && identifier_words(trimmed)
            .any(|w| is_one_of(w, SECRET_NOUNS) || is_one_of(w, &["username", "user", "name"]))
    {
        return true;
    }
    // A word of a language written in more than ASCII, cut at its first
    // non-ASCII letter (`confirm_password: Potwierdź moje konto`).
    if after.first().is_some_and(|&b| b >= 0xC2) && value.iter().all(u8::is_ascii_alphabetic) {
        return true;
    }
    // snake_case identifiers and lowercase paths: `build_tag_values`, `active_storage/disk`, `postgres/`.
    let lowercase_name = value
        .iter()
        .all(|&b| b.is_ascii_lowercase() || matches!(b, b'_' | b'/' | b'-'));
    if !quoted && lowercase_name && value.iter().any(|&b| matches!(b, b'_' | b'/')) {
        return true;
    }
    // A filter or option string: lowercase names and short values joined by
    // `=` and `:` (ffmpeg's `eof_action=pass:repeatlast=0`, `format=bgra:afbc=1`).
    if value.contains(&b'=')
        && value.first().is_some_and(u8::is_ascii_lowercase)
        && value.split(|b| matches!(b, b'=' | b':')).all(|part| {
            !part.is_empty()
                && part.len() <= 16
                && part
                    .iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
        })
    {
        return true;
    }
    // A command line's program (`"reset-password": "node extra/reset-password.js"`,
    // an npm script) or, unquoted, a variable that holds a prompt's answer or a
    // call's result (`password = result`).
    if (after.first() == Some(&b' ') && is_one_of(value, COMMANDS))
        || (!quoted && is_one_of(value, RESULT_VARIABLES))
    {
        return true;
    }
    // A negated expression of code (`pass = !isNegated`), unquoted.
    if !quoted
        && value.len() > 3
        && value[0] == b'!'
        && is_identifier(&value[1..])
        && (has_hump(&value[1..]) || value[1..].iter().all(|b| !b.is_ascii_uppercase()))
    {
        return true;
    }
    // A rate (`THROTTLE_PASS_RESET_PATTERN`'s default `"10/hour"`).
    if let Some(slash) = memchr::memchr(b'/', value)
        && slash > 0
        && value[..slash].iter().all(u8::is_ascii_digit)
        && is_one_of(
            &value[slash + 1..],
            &[
                "s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day",
            ],
        )
    {
        return true;
    }
    // A JSON pointer into a schema (`password: "#/definitions/loginMethod"`),
    // an HTTP method (`{ "/change-password": "POST" }`).
    if value.starts_with(b"#/")
        || (is_one_of(
            value,
            &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
        ) && value.iter().all(u8::is_ascii_uppercase))
    {
        return true;
    }
    // A plain web address (`Client Password: https://datatracker.ietf.org/…`):
    // no user info and no query string, so nothing secret in it.
    if (starts_with_ignore_case(value, b"https://") || starts_with_ignore_case(value, b"http://"))
        && !value.iter().any(|b| matches!(b, b'@' | b'?'))
    {
        return true;
    }
    // An absolute lowercase URL path, quoted too (`"/en/enterprise-server@3.0/auth"`):
    // random secrets that start with `/` have capitals.
    let url_path = value.first() == Some(&b'/')
        && value.iter().filter(|&&b| b == b'/').count() >= 2
        && value.iter().all(|&b| {
            b.is_ascii_lowercase()
                || b.is_ascii_digit()
                || matches!(b, b'/' | b'-' | b'_' | b'.' | b'@')
        });
    if url_path || is_path_or_url_of_words(value) {
        return true;
    }
    // An option set by name (ssh's `-o StrictHostKeyChecking=no`,
    // `IdentitiesOnly=yes`): a camelCase name of words, `=`, a short word.
    if let Some(eq) = memchr::memchr(b'=', value)
        && let (name, setting) = (&value[..eq], &value[eq + 1..])
        && is_word_identifier(name)
        && !setting.is_empty()
        && setting.len() <= 8
        && setting.iter().all(u8::is_ascii_alphanumeric)
    {
        return true;
    }
    // Dotted or namespaced identifiers: config.password, settings::TOKEN.
    let identifier = |part: &[u8]| {
        !part.is_empty()
            && !part[0].is_ascii_digit()
            && part.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
    };
    let dotted: Vec<&[u8]> = value.split(|&b| b == b'.').collect();
    if dotted.len() > 1 && dotted.iter().all(|p| identifier(p)) {
        return true;
    }
    // Mixed-case names joined by underscores: `DEVPKEY_Device_Category`.
    let mixed_snake = value.contains(&b'_')
        && value.iter().any(u8::is_ascii_uppercase)
        && value.iter().any(u8::is_ascii_lowercase)
        && value.iter().all(|&b| b.is_ascii_alphabetic() || b == b'_');
    if !quoted && mixed_snake {
        return true;
    }
    // UPPER_SNAKE constant names (quoted too: `"MY_GITHUB_TOKEN"` names a variable).
    value
        .iter()
        .all(|&b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit())
        && value.contains(&b'_')
}

/// A path or URL made of words, quoted too: a relative lowercase path of
/// three or more parts (`"dockerfile/run/security"`,
/// `"instance/service-accounts/"`), a Windows path (`C:/foo/bar`,
/// `D:\builds`) or a URL whose address is lowercase words
/// (`config://whatever`). Random secrets that hold `/` have capitals.
fn is_path_or_url_of_words(value: &[u8]) -> bool {
    let word_path = |text: &[u8]| {
        text.iter().any(u8::is_ascii_lowercase)
            && text.iter().all(|&b| {
                b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || matches!(b, b'/' | b'-' | b'_' | b'.')
            })
    };
    let slashes = value.iter().filter(|&&b| b == b'/').count();
    if slashes >= 2 && word_path(value) {
        return true;
    }
    if let [drive, b':', b'/' | b'\\', ..] = value {
        return drive.is_ascii_alphabetic();
    }
    // An absolute path under a system directory, whatever its case
    // (`/home/ci/images/windows-2012-R2`).
    if slashes >= 2 && is_under_system_directory(value) {
        return true;
    }
    // A `namespace/name` reference of words (Kubernetes' `default/basic-auth`,
    // `cert-manager/cert-manager-webhook-ca`).
    if slashes == 1 && value.contains(&b'-') && is_phrase_joined_by(value, b"_-./") {
        return true;
    }
    let Some(scheme_end) = memchr::memmem::find(value, b"://") else {
        return false;
    };
    let (scheme, address) = (&value[..scheme_end], &value[scheme_end + 3..]);
    !scheme.is_empty()
        && scheme.iter().all(u8::is_ascii_alphabetic)
        && address
            .iter()
            .all(|&b| b.is_ascii_lowercase() || matches!(b, b'/' | b'-' | b'.'))
}

/// Top-level directories of Unix-like systems and macOS.
const SYSTEM_DIRECTORIES: &[&str] = &[
    "home",
    "etc",
    "var",
    "usr",
    "tmp",
    "opt",
    "run",
    "srv",
    "root",
    "mnt",
    "media",
    "dev",
    "proc",
    "sys",
    "bin",
    "sbin",
    "lib",
    "nix",
    "Users",
    "Library",
    "Applications",
    "Volumes",
    "private",
    "System",
];

/// True when `value` is `/<system directory>/…` (see [`SYSTEM_DIRECTORIES`]).
fn is_under_system_directory(value: &[u8]) -> bool {
    let Some(rest) = value.strip_prefix(b"/") else {
        return false;
    };
    let top = rest.split(|&b| b == b'/').next().unwrap_or_default();
    SYSTEM_DIRECTORIES.iter().any(|d| top == d.as_bytes())
}

/// A Ruby predicate call or a nullable type, unquoted: an identifier with
/// `?` after it that is snake_case or made of camel-cased words
/// (`running_on_windows?`, Kotlin's `StringGenerationParameters?`). Other
/// values with `?` are left to the scorer: a password may end with one.
fn is_predicate_or_nullable(value: &[u8]) -> bool {
    let Some(name) = value.strip_suffix(b"?") else {
        return false;
    };
    let snake_case = name.contains(&b'_')
        && name.first().is_some_and(u8::is_ascii_lowercase)
        && name
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    snake_case || is_word_identifier(name)
}

/// Verbs of PowerShell's approved `Verb-Noun` command names that read or
/// make a value (`Read-Host`, `Get-Credential`, `ConvertTo-SecureString`).
const POWERSHELL_VERBS: &[&str] = &[
    "Get",
    "Read",
    "New",
    "ConvertTo",
    "ConvertFrom",
    "Import",
    "Invoke",
    "Select",
    "Join",
    "Resolve",
    "Test",
    "Find",
    "Receive",
    "Unprotect",
    "Protect",
];

/// An unquoted PowerShell command (`$creds.Password = Read-Host -AsSecureString`):
/// an approved verb, `-`, and a capitalised noun of letters.
fn is_powershell_command(value: &[u8]) -> bool {
    let Some(dash) = value.iter().position(|&b| b == b'-') else {
        return false;
    };
    let (verb, noun) = (&value[..dash], &value[dash + 1..]);
    POWERSHELL_VERBS.iter().any(|v| verb == v.as_bytes())
        && noun.first().is_some_and(u8::is_ascii_uppercase)
        && noun.iter().all(u8::is_ascii_alphabetic)
}

/// True when `secret` is a delimited literal: exactly the contents of a quoted
/// string (the same quote right before and right after it), or the password of
/// a URL's user information (`:` before, `@` after).
pub fn is_delimited_literal(bytes: &[u8], secret: &std::ops::Range<usize>) -> bool {
    let before = secret.start.checked_sub(1).and_then(|i| bytes.get(i));
    match (before, bytes.get(secret.end)) {
        (Some(&open), Some(&close)) => {
            (is_quote(&open) && open == close) || (open == b':' && close == b'@')
        }
        _ => false,
    }
}

/// True when `secret` is the password of a quoted `"user:password"` pair
/// (`curl -u "deploy:…"`): `:` before it, a quote after it, and the same quote
/// right before the user name (one word, at most 64 bytes).
pub fn is_quoted_pair_password(bytes: &[u8], secret: &std::ops::Range<usize>) -> bool {
    let (Some(colon), Some(&quote)) = (secret.start.checked_sub(1), bytes.get(secret.end)) else {
        return false;
    };
    if bytes[colon] != b':' || !is_quote(&quote) {
        return false;
    }
    let user = &bytes[colon.saturating_sub(65)..colon];
    match user
        .iter()
        .rposition(|b| b.is_ascii_whitespace() || is_quote(b))
    {
        Some(at) => user[at] == quote && at + 1 < user.len(),
        None => false,
    }
}

/// True for a value shaped like a program identifier: camelCase, snake_case,
/// kebab-case or UPPER_SNAKE letters (digits allowed after the first letter),
/// with at least one hump or separator.
pub fn is_identifier_shaped(value: &[u8]) -> bool {
    // A leading underscore marks a private name (`_EllipticCurvePrivateKey`).
    let value = value.strip_prefix(b"_").unwrap_or(value);
    let Some(first) = value.first() else {
        return false;
    };
    if !first.is_ascii_alphabetic()
        || !value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
    {
        return false;
    }
    let humped = has_hump(value);
    let separated = value.iter().any(|b| matches!(b, b'_' | b'-'));
    let digits = value.iter().filter(|b| b.is_ascii_digit()).count();
    // Words of a name have vowels (`Device`, `Category`, `v2` is one short
    // exception); random mixed case splits into vowel-less bits (`Hq2`, `Zk`).
    let (mut words, mut voiceless) = (0, 0);
    for word in identifier_words(value) {
        words += 1;
        let vowel = word.iter().any(|b| {
            matches!(
                b.to_ascii_lowercase(),
                b'a' | b'e' | b'i' | b'o' | b'u' | b'y'
            )
        });
        voiceless += usize::from(!vowel && word.len() > 2);
    }
    (humped || separated) && digits * 4 <= value.len() && voiceless * 4 <= words
}

/// Base64 openings of DER-encoded public keys (SubjectPublicKeyInfo): EC
/// P-256, P-384 and P-521, Ed25519, X25519, RSA 2048/3072/4096. A public key
/// is published by design; private keys (PKCS#8, `MII…AgEAM…`) open differently.
const PUBLIC_KEY_DER: &[&str] = &[
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE",
    "MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE",
    "MIGbMBAGByqGSM49AgEGBSuBBAAjA4GGAAQ",
    "MCowBQYDK2VwAyEA",
    "MCowBQYDK2VuAyEA",
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA",
    "MIIBojANBgkqhkiG9w0BAQEFAAOCAY8AMIIBigKCAYEA",
    "MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEA",
];

/// True for a public key: base64 DER (one of `PUBLIC_KEY_DER`'s openings) or
/// a Go sumdb/note verifier key (`name+hash+A…`: the public half of a
/// `PRIVATE+KEY+name+hash+A…` signer key, which its own rule reports).
fn is_public_key(value: &[u8]) -> bool {
    PUBLIC_KEY_DER
        .iter()
        .chain(PUBLIC_PEM_BASE64)
        .any(|prefix| value.starts_with(prefix.as_bytes()))
        || is_note_verifier_key(value)
        || is_ec_public_point(value)
}

/// An uncompressed P-256 public point in base64 or base64url: 65 bytes
/// opening with 0x04 (a Web Push VAPID `applicationServerKey`, a push
/// subscription's `p256dh`). The private half is 32 bytes.
fn is_ec_public_point(value: &[u8]) -> bool {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    if !(86..=88).contains(&value.len()) || value.first() != Some(&b'B') {
        return false;
    }
    [URL_SAFE_NO_PAD, URL_SAFE, STANDARD_NO_PAD, STANDARD]
        .iter()
        .find_map(|engine| engine.decode(value).ok())
        .is_some_and(|point| point.len() == 65 && point[0] == 4)
}

/// Base64 openings of PEM blocks that hold public data: `-----BEGIN
/// CERTIFICATE` (requests too), `PUBLIC KEY`, `RSA PUBLIC KEY`, `X509 CRL`
/// (a Kubernetes Secret's `ca.crt`, under whatever name).
const PUBLIC_PEM_BASE64: &[&str] = &[
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS",
    "LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0t",
    "LS0tLS1CRUdJTiBSU0EgUFVCTElDIEtFWS0tLS0t",
    "LS0tLS1CRUdJTiBYNTA5IENSTC0tLS0t",
];

/// A Go sumdb/note verifier key: a name without `+`, `+`, eight hex digits,
/// `+`, then 44 base64 characters opening with `A` (algorithm 1, Ed25519).
fn is_note_verifier_key(value: &[u8]) -> bool {
    if value.starts_with(b"PRIVATE+KEY+") {
        return false;
    }
    let Some(name_end) = memchr::memchr(b'+', value) else {
        return false;
    };
    let rest = &value[name_end + 1..];
    name_end > 0
        && rest.len() == 8 + 1 + 44
        && rest[..8].iter().all(u8::is_ascii_hexdigit)
        && rest[8] == b'+'
        && rest[9] == b'A'
        && rest[9..]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
}

/// An ISO 8601 date, optionally with a time (`2016-09-24`,
/// `2016-09-24T16:18:07Z`, `2016-09-24 16:18:07.123+02:00`).
fn is_timestamp(value: &[u8]) -> bool {
    let shape = |text: &[u8], pattern: &[u8]| {
        text.len() >= pattern.len()
            && text.iter().zip(pattern).all(|(b, p)| match p {
                b'9' => b.is_ascii_digit(),
                _ => b == p,
            })
    };
    if !shape(value, b"9999-99-99") {
        return false;
    }
    let time = &value[10..];
    time.is_empty()
        || (matches!(time[0], b'T' | b' ')
            && shape(&time[1..], b"99:99")
            && time[6..]
                .iter()
                .all(|b| b.is_ascii_digit() || matches!(b, b':' | b'.' | b'Z' | b'+' | b'-')))
}

fn is_numeric_literal(value: &[u8]) -> bool {
    if let Some(hex) = value
        .strip_prefix(b"0x")
        .or_else(|| value.strip_prefix(b"0X"))
    {
        return hex
            .iter()
            .all(|b| b.is_ascii_hexdigit() || matches!(b, b'_' | b'u' | b'i'));
    }
    let value = value.strip_prefix(b"-").unwrap_or(value);
    let digits = value.iter().take_while(|b| b.is_ascii_digit()).count();
    let suffix = &value[digits..];
    digits > 0
        && matches!(
            suffix,
            b"i8"
                | b"i16"
                | b"i32"
                | b"i64"
                | b"u8"
                | b"u16"
                | b"u32"
                | b"u64"
                | b"usize"
                | b"isize"
                | b"f32"
                | b"f64"
                | b"L"
                | b"UL"
                | b"u"
                | b"U"
        )
}

/// Substrings (lowercase) that only occur in code, never in a literal secret.
const CODE_MARKERS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "|",
    "\\n",
    "::",
    "*const",
    "*mut",
    "&mut",
    "process.env",
    "os.environ",
    "getenv",
    "env.",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::filters::is_code_context;
    use crate::detect::filters::names::spells_its_key;
    use crate::detect::filters::tests::expect_each;

    #[test]
    fn note_verifier_keys_are_public() {
        // Assembled at run time: the name, hash and key of a made-up verifier key.
        let key = ["AX2o6v+aVtWgCLoe3WsOcZQIV6", "HNDTVoxU6zusPdBAuT"].concat();
        let verifier = format!("sum.northwind.dev+a794281b+{key}");
        assert!(is_public_key(verifier.as_bytes()));
        let signer = format!("PRIVATE+KEY+{verifier}");
        assert!(!is_public_key(signer.as_bytes()));
        assert!(!is_public_key(key.as_bytes()));
    }

    #[test]
    fn dates_public_keys_and_code_shapes_are_not_values() {
        assert!(is_timestamp(b"2016-09-24T16:18:07Z"));
        assert!(is_timestamp(b"2016-09-24"));
        assert!(!is_timestamp(b"2016-09-24x7Hq"));
        assert!(spells_its_key(
            b"TOKEN_VARIABLE_BEGIN = ",
            b"variable_begin"
        ));
        assert!(!spells_its_key(b"TOKEN_VARIABLE_BEGIN = ", b"variable"));
        let ternary = br#"my $out = $ok->{pass} ? "PASS" : "Fq9xLm""#;
        assert!(is_code_context(ternary, 25, &(34..40)));
        assert!(is_public_key(
            b"MCowBQYDK2VwAyEAOnDNQ71XlUIeLybXCGpdMv5stN5F"
        ));
        assert!(!is_public_key(b"MC4CAQAwBQYDK2VwBCIEIGz"));
        assert!(is_non_literal(b"Resolver-", b">g", false));
        assert!(is_non_literal(b"open_sesame", b"'\n", true));
        assert!(is_non_literal(b"CRAM-MD5", b"'\n", true));
        let typed = br#""AWS::KMS::Key": "2b447c471bc70388""#;
        assert!(is_code_context(typed, 11, &(18..34)));
    }

    #[test]
    fn identifier_shapes() {
        expect_each(
            is_identifier_shaped,
            true,
            &[
                b"PasswordInput",
                b"user_profile_v2",
                b"DEVPKEY_Device_Category",
                b"_EllipticCurvePrivateKey",
            ],
        );
        // Random mixed case has humps too, but its bits have no vowels.
        let token = ["b7Hq2Z", "kP9xWm", "4TnV8c", "Ry3LsD"].concat();
        assert!(!is_identifier_shaped(token.as_bytes()));
    }
}
