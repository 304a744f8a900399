//! Placeholders and made-up values: markers, counting and keyboard runs,
//! fake words, textbook passwords, stopwords, translated labels, and base64
//! that decodes to one of those.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::names::{SECRET_NOUNS, identifier_words, is_word_identifier, is_word_phrase};
use super::{contains_ignore_case, has_run, is_one_of, is_word_byte, matcher, trim_end};
use crate::rules::DecodesTo;

/// Substrings (lowercase) that mark a placeholder, not a credential.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "example",
    "xxxx",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    // Java's documented default keystore password.
    "changeit",
    "changethis",
    "change_this",
    "change-this",
    "replaceme",
    "replace_me",
    "replace-me",
    "your_",
    "your-",
    "yourtoken",
    "yourkey",
    "dummy",
    "redacted",
    "****",
    "####",
    // What a stand-in says it is (`RANDOMCHARS-----lGyjPcRtvP`).
    "randomchars",
    "random_chars",
    "randomstring",
    "random_string",
    "random-string",
    // A description of the value to put there (`long-and-random-alphanumeric-string`).
    "alphanumeric",
    "alpha-numeric",
    "alpha_numeric",
    "${",
    "{{",
    // Ruby's (and CoffeeScript's, Elixir's) interpolation: `redis://:#{escaped}@…`.
    "#{",
    // `sentinel-requirepass-goes-here`.
    "goes-here",
    "goes_here",
    "goeshere",
    // An elided example (`"registrytoken": "9cbaf023786cd7..."`).
    "...",
    "…",
];

/// Obvious sequences that no random token contains.
const SEQUENCES: &[&str] = &[
    "123456",
    "abcdef",
    "qwerty",
    "asdfgh",
    "!@#$%",
    "010203",
    "0a0b0c",
    "987654",
    "654321",
    "zyxwvu",
    "fedcba",
    // Documentation filler (`1234abcd-1234-abcd-1234-abcd1234abcd`), the
    // example UUID of RFC 4122's Wikipedia page and of many API references
    // (`123e4567-e89b-12d3-a456-426614174000`), and the mark AWS's
    // documentation puts into its example ids (`7870825a-xmpl-4def-…`).
    "1234abcd",
    "abcd1234",
    "123e4567-e89b",
    "xmpl",
    // The TOTP secret of Google Authenticator's documentation and countless
    // tests: base32 of "Hello!" and 0xDEADBEEF (`JBSWY3DPEHPK3PXP`).
    "jbswy3dp",
    // The example access and refresh tokens of the OAuth 2.0 and bearer-token
    // RFCs (RFC 6749 section 4.1.4, RFC 6750 section 2.1), copied into
    // countless test fixtures and documents.
    "2yotnfzfejr1zcsicmwpaa",
    "tgzv3jokf0xg5qx2tlkwia",
    "mf_9.b5f-4.1jqm",
];

/// Markers still checked in long secrets (private key blocks, certificates),
/// where short markers such as `xxxx` or a run of `A`s occur by chance.
const LONG_PLACEHOLDER_MARKERS: &[&str] = &["example", "placeholder", "redacted", "${", "{{"];

/// Secrets at least this long only get [`LONG_PLACEHOLDER_MARKERS`].
const LONG_SECRET: usize = 128;

static SHORT_MARKERS: LazyLock<AhoCorasick> =
    LazyLock::new(|| matcher(&[PLACEHOLDER_MARKERS, SEQUENCES]));
static LONG_MARKERS: LazyLock<AhoCorasick> = LazyLock::new(|| matcher(&[LONG_PLACEHOLDER_MARKERS]));

/// True when `secret` looks like a placeholder or a made-up value.
pub fn is_placeholder(secret: &[u8]) -> bool {
    if secret.len() >= LONG_SECRET {
        return LONG_MARKERS.is_match(secret);
    }
    let secret = identifiable_key_random_part(secret).unwrap_or(secret);
    SHORT_MARKERS.is_match(secret)
        || has_run(secret, 6)
        || has_repeated_pair(secret, 5)
        || has_template_slot(secret)
        || has_interleaved_count(secret)
}

/// True when a two-character unit repeats `times` times in a row
/// (`…-1A1A1A1A1A1A`): filler, as a run of one character is.
fn has_repeated_pair(secret: &[u8], times: usize) -> bool {
    let span = 2 * times;
    secret.len() >= span
        && secret
            .windows(span)
            .any(|w| w[0] != w[1] && w.chunks(2).all(|pair| pair == &w[..2]))
}

/// Length of Microsoft's identifiable keys (Azure DevOps PATs, Azure AI
/// services keys since 2024).
const IDENTIFIABLE_KEY_LEN: usize = 84;

/// Length of the random part an identifiable key starts with.
const IDENTIFIABLE_KEY_RANDOM: usize = 52;

/// The random part of a Microsoft identifiable key: 52 random characters,
/// then the fixed `JQQJ` signature and fields the service fills in (version,
/// date, platform data padded with `A`s, a four-character service signature,
/// a checksum). The padding is a run of `A`s by design; only the random part
/// can be filler.
fn identifiable_key_random_part(secret: &[u8]) -> Option<&[u8]> {
    (secret.len() == IDENTIFIABLE_KEY_LEN && secret[IDENTIFIABLE_KEY_RANDOM..].starts_with(b"JQQJ"))
        .then(|| &secret[..IDENTIFIABLE_KEY_RANDOM])
}

/// True when `secret` holds eight or more characters that count letters and
/// digits in turn (`a1b2c3d4`, `1a2b3c4d5e6f`, `a1b2c3d4-e5f6-g7h8`; `-`, `_`
/// and `.` between them are skipped): the filler of documentation examples.
fn has_interleaved_count(secret: &[u8]) -> bool {
    let mut run = 0usize;
    // The last letter and the last digit of the run, lowercased.
    let (mut letter, mut digit): (Option<u8>, Option<u8>) = (None, None);
    let mut last_was_digit = None;
    for &b in secret {
        if matches!(b, b'-' | b'_' | b'.') {
            continue;
        }
        let b = b.to_ascii_lowercase();
        let is_digit = b.is_ascii_digit();
        if !is_digit && !b.is_ascii_lowercase() {
            run = 0;
            (letter, digit, last_was_digit) = (None, None, None);
            continue;
        }
        let previous = if is_digit { digit } else { letter };
        let follows = |p: u8| match p {
            b'9' => b == b'0',
            _ => b == p.wrapping_add(1),
        };
        let alternates = last_was_digit != Some(is_digit);
        let continues = alternates && previous.is_none_or(follows);
        if continues {
            run += 1;
        } else {
            // A new run starts here (its other class not seen yet).
            run = 1;
            (letter, digit) = (None, None);
        }
        if is_digit {
            digit = Some(b);
        } else {
            letter = Some(b);
        }
        last_was_digit = Some(is_digit);
        if run >= 8 {
            return true;
        }
    }
    false
}

/// True when `secret` holds a template slot: `<name>` (an opening angle
/// bracket closed later) or a printf-style `%(name)s`. A lone `<`, `>` or
/// `%(` is left alone: generated secrets (Django keys) contain them.
fn has_template_slot(secret: &[u8]) -> bool {
    let angle = memchr::memchr(b'<', secret)
        .is_some_and(|open| memchr::memchr(b'>', &secret[open..]).is_some());
    let printf = secret.windows(2).enumerate().any(|(i, w)| {
        w == b"%(" && {
            let rest = &secret[i + 2..];
            let name = rest.iter().take_while(|b| is_word_byte(b)).count();
            name > 0 && rest.get(name) == Some(&b')')
        }
    });
    angle || printf
}

/// True when `value` decodes as `shape` demands (see [`DecodesTo`]).
pub fn decodes_to(shape: DecodesTo, value: &[u8]) -> bool {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    match shape {
        DecodesTo::BasicAuth => {
            let trimmed = trim_end(value, b"=");
            let Ok(decoded) = STANDARD
                .decode(value)
                .or_else(|_| STANDARD_NO_PAD.decode(trimmed))
            else {
                return false;
            };
            let Ok(text) = std::str::from_utf8(&decoded) else {
                return false;
            };
            let printable = !text.chars().any(char::is_control);
            // A textbook pair (`user:password`, `admin:admin`) is an example.
            match text.split_once(':') {
                Some((user, password)) => {
                    printable
                        && !user.is_empty()
                        && password.len() >= 3
                        && !is_non_secret_word(password.as_bytes())
                        && !is_placeholder(password.as_bytes())
                }
                None => false,
            }
        }
        DecodesTo::RandomBytes => {
            use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
            // Lenient: a hand-edited or obfuscated key keeps its shape, not
            // always canonical trailing bits.
            const LENIENT: GeneralPurpose = GeneralPurpose::new(
                &base64::alphabet::STANDARD,
                GeneralPurposeConfig::new()
                    .with_decode_allow_trailing_bits(true)
                    .with_decode_padding_mode(DecodePaddingMode::Indifferent),
            );
            LENIENT
                .decode(value)
                .is_ok_and(|bytes| bytes.iter().any(|b| !(b.is_ascii_graphic() || *b == b' ')))
        }
    }
}

/// True when `secret` contains one of `words` (already lowercase).
pub fn has_stopword(secret: &[u8], words: &[String]) -> bool {
    if words.is_empty() {
        return false;
    }
    words
        .iter()
        .any(|w| contains_ignore_case(secret, w.as_bytes()))
}

/// "Password" in other languages (lowercase): a value holding one of these as a
/// word is a translated label (`password: Passwort`, `Confirmer le mot de
/// passe`), not a password. Translations that take endings are in
/// [`INFLECTED_TRANSLATIONS`] (`Senha`, `Powtórz hasło`, `hasła`).
const PASSWORD_TRANSLATIONS: &[&str] = &[
    "passwort",
    "kennwort",
    "adgangskode",
    "parole",
    "passord",
    "contrasenya",
    "slaptazodis",
    "parool",
    "lykilorð",
    // Faroese.
    "loyniorð",
    // French "mot de passe" (its last word), Indonesian "kata sandi".
    "passe",
    "sandi",
    "парола",
    "лозинка",
    "κωδικός",
    "סיסמה",
    "पासवर्ड",
    "รหัสผ่าน",
    "密码",
    "密碼",
    "パスワード",
    "비밀번호",
];

/// True when `text` (a value and the rest of its line: an unquoted YAML
/// value stops at the first blank) has a word that is "password" in another
/// language.
pub fn is_translated_label(text: &[u8]) -> bool {
    // Lossy: the line may be cut inside a character.
    let lower = String::from_utf8_lossy(text).to_lowercase();
    // Chinese, Japanese and Korean write compounds without blanks (`新密码`,
    // "new password"): there the translation may be part of a word.
    let unspaced = |t: &str| t.chars().next().is_some_and(|c| c >= '\u{3000}');
    lower.split(|c: char| !c.is_alphanumeric()).any(|word| {
        PASSWORD_TRANSLATIONS
            .iter()
            .any(|t| word == *t || (unspaced(t) && word.contains(t)))
            || INFLECTED_TRANSLATIONS
                .iter()
                .any(|t| is_inflection_of(word, t))
    })
}

/// Translations of "password" that take endings (`hasła`, `jelszavát`,
/// `lösenordet`, `paroli`): a word is one when it starts with the
/// translation less its last letter and is at most four letters longer.
/// (Not the `pass…` words, whose stems begin English words.)
const INFLECTED_TRANSLATIONS: &[&str] = &[
    "senha",
    "contraseña",
    "contrasena",
    "contrasinal",
    "hasło",
    "haslo",
    "heslo",
    "wachtwoord",
    "lösenord",
    "salasana",
    "jelszó",
    "parolă",
    "parola",
    "пароль",
    "lozinka",
    "slaptažodis",
    // Lithuanian's other cases (`slaptažodį`, `slaptažodžiai`).
    "slaptažodį",
    "geslo",
    // Bosnian, Croatian and Serbian (`šifru`, `šifre`).
    "šifra",
    // Turkish: `şifresi`, `şifreniz`.
    "şifre",
];

fn is_inflection_of(word: &str, translation: &str) -> bool {
    let letters = translation.chars().count();
    let stem_end = translation
        .char_indices()
        .last()
        .map_or(translation.len(), |(at, _)| at);
    word.starts_with(&translation[..stem_end]) && word.chars().count() <= letters + 4
}

/// Words that make up the obviously fake values of tests and examples
/// (`wrong_password`, `newpass`, `invalid`, `my-secret`): a value made only
/// of these (and trailing digits) is not a credential.
const FAKE_WORDS: &[&str] = &[
    "wrong",
    "invalid",
    "incorrect",
    "bad",
    "nope",
    "fake",
    "mock",
    "stub",
    "whatever",
    "something",
    "anything",
    "new",
    "old",
    "my",
    "your",
    "other",
    "another",
    "some",
    "this",
    "pass",
    "password",
    "passwd",
    "pwd",
    "pw",
    "secret",
    "token",
    "key",
    "test",
    "tests",
    "testing",
    "demo",
    "sample",
    "hello",
    "world",
    "foo",
    "bar",
    "baz",
    "dummy",
    "not",
    "no",
    "real",
    "very",
    "super",
    "secure",
    "change",
    "config",
    "default",
    "data",
    "db",
    "custom",
    "match",
    "client",
    // What a security guide's example says it is (`password = "hardcoded"`).
    "hardcoded",
    // A test's stand-ins for what a database stores (`'REALLYFAKEHASH'`,
    // `DATABASEHASH`, `"mysecret": "myvalue"`, `pass: 'my-api-key'`).
    "really",
    "hash",
    "database",
    "value",
    "api",
    "name",
    "user",
    "existing",
    "expired",
    // `smtp__password = "REPLACE"`, `replace-with-yours`.
    "replace",
    "with",
    // express-session's documented example secret, dressed up
    // (`'extremely-secure-keyboard-cat'`).
    "keyboard",
    "cat",
    "extremely",
    // Typesetting filler (`setenv("AWS_SECRET_ACCESS_KEY", "ipsum")`).
    "lorem",
    "ipsum",
    // A test's right and wrong answers (`password="right"`, `"notcorrect"`,
    // `submittedPassword = "plaintext"`).
    "right",
    "correct",
    "plaintext",
    // Hexspeak filler (`SecretSHA1: "deadbeef"`).
    "deadbeef",
    "cafebabe",
    "feedface",
    "decafbad", // Phrases around a secret word (`T0pS3cr3t`, `ThePa$$word`).
    "top",
    "the",
];

/// True when a lowercase value splits (at `_`, `-`, `.` or anywhere) into
/// [`FAKE_WORDS`] only, after its trailing digits are dropped.
pub(super) fn is_made_of_fake_words(lower: &[u8]) -> bool {
    let stem = unleet(trim_end(lower, b"0123456789"));
    let stem = stem.as_slice();
    if stem.is_empty()
        || !stem
            .iter()
            .all(|b| b.is_ascii_lowercase() || matches!(b, b'_' | b'-' | b'.'))
    {
        return false;
    }
    stem.split(|b| matches!(b, b'_' | b'-' | b'.'))
        .all(|word| word.is_empty() || splits_into_fake_words(word))
}

/// Can `word` be cut into a sequence of [`FAKE_WORDS`]? (dynamic programming
/// over the positions a sequence of fake words can reach.)
fn splits_into_fake_words(word: &[u8]) -> bool {
    // No run of fake words is this long; longer words are not checked.
    const LONGEST: usize = 64;
    if word.len() > LONGEST {
        return false;
    }
    let mut reachable = [false; LONGEST + 1];
    reachable[0] = true;
    for start in 0..word.len() {
        if reachable[start] {
            for fake in FAKE_WORDS {
                if word[start..].starts_with(fake.as_bytes()) {
                    reachable[start + fake.len()] = true;
                }
            }
        }
    }
    reachable[word.len()]
}

/// Rows of a QWERTY keyboard: neighbours on a row count like `abc` does.
const KEYBOARD_ROWS: &[&[u8]] = &[b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];

/// True for a value made only of counting runs of at least three characters,
/// up or down the alphabet, the digits or a keyboard row, maybe split by
/// `-`, `_`, `.` or `:` (`1234`, `abc123`, `abc123def456`, `ponmlkjihgfedcba`,
/// `asdfqwer1234`, `abcd:efgh`): the keyboard filler of examples.
pub(super) fn is_counting_runs(lower: &[u8]) -> bool {
    lower.len() >= 4
        && lower
            .split(|b| matches!(b, b'-' | b'_' | b'.' | b':'))
            .all(|part| part.is_empty() || counts_in_runs(part))
}

/// One part of [`is_counting_runs`]: every character in a counting run of
/// three or more, each run counting one way (up, down or along a keyboard
/// row: `yzyx` turns and is no run).
fn counts_in_runs(lower: &[u8]) -> bool {
    const UP: u8 = 1;
    const DOWN: u8 = 2;
    const ROW: u8 = 4;
    let ways = |a: u8, b: u8| {
        let alphanumeric = a.is_ascii_alphanumeric();
        let mut ways = 0;
        if alphanumeric && b == a.wrapping_add(1) {
            ways |= UP;
        }
        if alphanumeric && b == a.wrapping_sub(1) {
            ways |= DOWN;
        }
        if KEYBOARD_ROWS
            .iter()
            .any(|row| row.windows(2).any(|w| w == [a, b]))
        {
            ways |= ROW;
        }
        ways
    };
    let (mut run, mut way) = (1, 0);
    for pair in lower.windows(2) {
        let pair_ways = ways(pair[0], pair[1]);
        if run > 1 && pair_ways & way != 0 {
            run += 1;
            way &= pair_ways;
        } else if run == 1 || run >= 3 {
            // A new run: the first pair, or after a finished one.
            if pair_ways == 0 {
                if run == 1 {
                    return false;
                }
                run = 1;
                way = 0;
            } else {
                run = 2;
                way = pair_ways;
            }
        } else {
            return false;
        }
    }
    run >= 3
}

/// Literal words a generic assignment's value may be without being a secret.
const NON_SECRET_VALUES: &[&str] = &[
    // A note to fill it in later (`password = "TODO"`).
    "todo",
    "tbd",
    "fixme",
    // nsswitch.conf's sources (`passwd:         compat`).
    "compat",
    // SASL mechanism names (`imap://user;AUTH=EXTERNAL@…`, `auth: PLAIN`).
    "external",
    "gssapi",
    "cram-md5",
    "digest-md5",
    "xoauth2",
    "oauthbearer",
    // A user's sign-in method kept where a local password would be
    // (`"password": "OIDC"`, `WHERE password = 'LDAP'`).
    "ldap",
    "oidc",
    "saml",
    "null",
    "nil",
    "none",
    "true",
    "false",
    "undefined",
    "empty",
    "string",
    "password",
    "secret",
    "token",
    "required",
    "optional",
    "default",
    "test",
    "testing",
    "admin",
    "root",
    "user",
    "username",
    "pass",
    "passwd",
    "value",
    "hidden",
    "unset",
    "notset",
    "notconfigured",
    "n/a",
    // Metasyntactic names and the textbook sample passwords of documentation.
    "foo",
    "bar",
    "baz",
    "qux",
    "foobar",
    "pwd",
    "letmein",
    "opensesame",
    "testpwd",
    "testpass",
    "mypassword",
    "mysecret",
    // The famous example passwords: bash.org's (`hunter2`, also with other
    // digits) and XKCD 936's (`Tr0ub4dor&3`).
    "hunter",
    "hunter2",
    "correcthorsebatterystaple",
    "tr0ub4dor",
    "tr0ub4dor&3",
    // fetch() `credentials` modes.
    "include",
    "same-origin",
    "omit",
    // Type names that follow `=` or `:` in code (`type SECRET_HANDLE = usize;`).
    "usize",
    "isize",
    "bool",
    "str",
    "char",
    "u8",
    "u16",
    "u32",
    "u64",
    "i32",
    "i64",
    "f32",
    "f64",
    "int",
    "float",
    "number",
    "boolean",
    "object",
    "unknown",
    "void",
    "double",
    "long",
    "integer",
    "bytes",
    "pvoid",
    "hresult",
    "dword",
    "handle",
    "warn",
    "deny",
    "allow",
    // Log levels (`level_token("DEBUG")`).
    "debug",
    "trace",
    "info",
    "error",
    // Language keywords that follow `=` or `:` in code.
    "nullptr",
    "unsafe",
    "match",
    "self",
    "this",
    "new",
    "await",
    "async",
    "return",
    "function",
    "lambda",
    "const",
    "let",
    "var",
    "yield",
    "typeof",
    "iota",
    "range",
    "static",
    "readonly",
    // Authentication scheme and SASL mechanism names (`auth: basic`,
    // `AUTH=CRAM-MD5`): how to authenticate, not a credential.
    "anonymous",
    "basic",
    "bearer",
    "digest",
    "negotiate",
    "ntlm",
    "kerberos",
    "gssapi",
    "gss-negotiate",
    "cram-md5",
    "digest-md5",
    "scram-sha-1",
    "scram-sha-256",
    "xoauth2",
    "oauthbearer",
    // Prose about a flag (`the --token parameter`, `--password options`).
    "option",
    "options",
    "parameter",
    "parameters",
    "flag",
    "argument",
    "arguments",
    "command",
    "setting",
    "settings",
    "respectively",
    // Build configuration switches (Perl's `Config.pm`: `d_grpasswd='define'`).
    "define",
    "undef",
    // GitHub Actions' `secrets: inherit` (reusable workflows).
    "inherit",
    // Values a test marks as not used (`spring.amqp.password=ignored`).
    "ignored",
    "unused",
    "notused",
    // Documented default accounts: RabbitMQ's, the PostgreSQL image's.
    "guest",
    "postgres",
    // express-session's documentation secret (`secret: 'keyboard cat'`).
    "keyboard",
    // Character encodings passed beside a password (`password.encode("utf8")`).
    "utf",
    "ascii",
    "latin",
    // An option's name beside a password (`CURLOPT_KEYPASSWD => 'passphrase'`).
    "passphrase",
    // Kotlin/JS's `dynamic` type (`var credentials: dynamic`).
    "dynamic",
    // How a framework stores a field, not a value (Laravel's casts and
    // validation rules: `'password' => 'hashed'`, `'encrypted:array'`,
    // `'confirmed'`).
    "hashed",
    "encrypted",
    "confirmed",
    "array",
    "json",
    "collection",
    // MinIO's documented default root credentials (`minioadmin`, and
    // `minio123` of its examples).
    "minio",
    "minioadmin",
    // Type names of TypeScript and JavaScript (`last_password_reset: Date`).
    "date",
    "number",
    "boolean",
    "buffer",
    "bigint",
    "object",
    "unknown",
    // Keywords that load a value from elsewhere (Jsonnet's `import 'creds.json'`).
    "import",
    "importstr",
    "require",
];

/// True when `word` is one of [`NON_SECRET_VALUES`], compared lowercased,
/// without trailing digits too (`password1`, `letmein123`, `pwd1`) and with
/// `_`/`-` left out (`open_sesame`, `test-pass`).
pub(super) fn is_non_secret_word(word: &[u8]) -> bool {
    let lower = word.to_ascii_lowercase();
    let stem = trim_end(&lower, b"0123456789");
    let unleet = || stem.iter().map(|&b| unleet_byte(b));
    let joined = || stem.iter().filter(|b| !matches!(b, b'_' | b'-'));
    NON_SECRET_VALUES.iter().any(|w| {
        lower == w.as_bytes()
            || stem == w.as_bytes()
            || unleet().eq(w.bytes())
            || joined().eq(w.as_bytes())
    })
}

/// `word` (lowercase) with the digits and signs that stand in for letters
/// read back as letters (`p4ssw0rd`, `p@ssw0rd`, `s3cr3t`): the textbook
/// spellings of example passwords. Trailing digits are cut before this.
fn unleet(word: &[u8]) -> Vec<u8> {
    word.iter().map(|&b| unleet_byte(b)).collect()
}

/// One byte of [`unleet`].
fn unleet_byte(b: u8) -> u8 {
    match b {
        b'0' => b'o',
        b'1' => b'i',
        b'3' => b'e',
        b'4' | b'@' => b'a',
        b'5' | b'$' => b's',
        b'7' => b't',
        other => other,
    }
}

/// True when `value` is the base64 encoding (padded) of a short plain word
/// (`dG9rZW4=` is "token"; `dG90bwo=` is `echo toto | base64`, newline
/// included): the sample data of a Kubernetes secret or a test fixture, not
/// a credential.
pub(super) fn encodes_short_word(value: &[u8]) -> bool {
    use base64::Engine as _;
    if value.len() > 16 || !value.ends_with(b"=") {
        return false;
    }
    base64::engine::general_purpose::STANDARD
        .decode(value)
        .is_ok_and(|word| {
            let word = word.strip_suffix(b"\n").unwrap_or(&word);
            !word.is_empty() && word.iter().all(u8::is_ascii_lowercase)
        })
}

/// True when `value` is base64 of printable text that is itself a
/// placeholder or says it is fake (`dGhpcyBpcyBhIGZha2UgYmVhcmVyIHRva2VuIQ==`
/// is "this is a fake bearer token!", `Y2hhbmdlbWU=` is "changeme"), a
/// `user:password` pair with a textbook password (`username:password`), a
/// variable's name (`ACCESS_KEY`) or a camelCase name of words
/// (`TXlWZXJpZmllclN0cmluZw` is "MyVerifierString"). A real
/// secret's bytes are random, and a base64-wrapped real token decodes to a
/// value that passes the same checks as the token itself.
pub fn decodes_to_placeholder(value: &[u8]) -> bool {
    let Some(text) = decoded_text(value) else {
        return false;
    };
    let text = text.strip_suffix(b"\n").unwrap_or(&text);
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    if is_empty_pem(text) || is_htpasswd_line(text) {
        return true;
    }
    // A `user:password` pair's password (Docker's `auth`, Basic credentials).
    // Docker's `X-Registry-Auth` is base64 of JSON: `{"username":…,"password":"…"}`.
    let password = json_password(text)
        .unwrap_or_else(|| memchr::memchr(b':', text).map_or(text, |colon| &text[colon + 1..]));
    let upper_snake = text.contains(&b'_')
        && text
            .iter()
            .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    text.len() >= 4
        && text.iter().all(|b| b.is_ascii_graphic() || *b == b' ')
        && (is_placeholder(text)
            || upper_snake
            || is_non_secret_word(password)
            || is_made_of_fake_words(&password.to_ascii_lowercase())
            // `test:1234`, `test:abcd`: a counting stand-in.
            || is_counting_runs(&password.to_ascii_lowercase())
            || identifier_words(text).any(|w| is_one_of(w, &["fake", "dummy", "bogus"]))
            // A phrase naming the secret (`admin_password`, `this_is_the_secret`).
            || (is_word_phrase(text) && identifier_words(text).any(|w| is_one_of(w, SECRET_NOUNS)))
            // A program name of words (`MyVerifierString`): sample text, encoded;
            // also as the password of a pair (`clientId:clientSecret=`).
            || is_word_identifier(text)
            || is_word_identifier(trim_end(password, b"=%3D")))
}

/// `value` decoded from base64 (any alphabet, padded or not) when it may be
/// base64 of text: the characters are checked first, so most candidates are
/// never decoded.
fn decoded_text(value: &[u8]) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    if value.len() < 8
        || value.len() > 512
        || !crate::decode::base64_looks_like_text(trim_end(value, b"="))
    {
        return None;
    }
    [STANDARD, URL_SAFE, STANDARD_NO_PAD, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(value).ok())
}

/// True when `value` is base64 of a small JSON object of short plain members
/// (`{"offset":"200","v":2}`, a JWT header `{"alg":"RS256","typ":"JWT"}`):
/// a pagination cursor or a token's metadata, not a token. For token and key
/// rules only: a value set as a secret is the secret whatever it encodes.
pub fn encodes_small_plain_json(value: &[u8]) -> bool {
    decoded_text(value).is_some_and(|text| is_small_plain_json(text.trim_ascii_end()))
}

/// Most members of a [`is_small_plain_json`] object.
const SMALL_JSON_MEMBERS: usize = 6;

/// Longest string member of a [`is_small_plain_json`] object.
const SMALL_JSON_STRING: usize = 20;

/// A small JSON object of short plain members (`{"offset":"200","v":2}`, a
/// JWT header `{"alg":"RS256","typ":"JWT"}`): a pagination cursor or
/// metadata, encoded. Not an object holding a long string (a Cloudflare
/// tunnel token's secret), a nested value, or a member named for a secret
/// or a signature.
fn is_small_plain_json(text: &[u8]) -> bool {
    use serde_json::Value;
    if text.first() != Some(&b'{') {
        return false;
    }
    let Ok(Value::Object(members)) = serde_json::from_slice::<Value>(text) else {
        return false;
    };
    !members.is_empty()
        && members.len() <= SMALL_JSON_MEMBERS
        && members.iter().all(|(name, value)| {
            !crate::source::config::is_secret_key(name)
                && !contains_ignore_case(name.as_bytes(), b"sig")
                && match value {
                    Value::String(text) => text.len() < SMALL_JSON_STRING,
                    Value::Number(_) | Value::Bool(_) | Value::Null => true,
                    Value::Array(_) | Value::Object(_) => false,
                }
        })
}

/// The `"password"` member's string value of a JSON object's text.
fn json_password(text: &[u8]) -> Option<&[u8]> {
    if text.first() != Some(&b'{') {
        return None;
    }
    let key = b"\"password\":";
    let at = memchr::memmem::find(text, key)? + key.len();
    let rest = text[at..].trim_ascii_start().strip_prefix(b"\"")?;
    let end = memchr::memchr(b'"', rest)?;
    Some(&rest[..end])
}

/// An htpasswd line, `user:` and a password hash (`{SHA}…`, `$apr1$…`,
/// `$2y$…`, `$6$…`): a Kubernetes Secret's `auth` for an ingress. The
/// password-hash rules report the hash, at their own (low) confidence, when
/// the decoded text is scanned.
fn is_htpasswd_line(text: &[u8]) -> bool {
    let Some(colon) = memchr::memchr(b':', text) else {
        return false;
    };
    let (user, hash) = (&text[..colon], &text[colon + 1..]);
    let hashed = [
        &b"{SHA}"[..],
        b"$apr1$",
        b"$2a$",
        b"$2b$",
        b"$2y$",
        b"$5$",
        b"$6$",
    ]
    .iter()
    .any(|prefix| hash.starts_with(prefix));
    colon > 0 && user.iter().all(|b| b.is_ascii_graphic()) && hashed
}

/// A PEM block with (next to) nothing between its armour lines:
/// `-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----`, the stand-in
/// value of a test fixture.
fn is_empty_pem(text: &[u8]) -> bool {
    let Some(body) = text.strip_prefix(b"-----BEGIN ") else {
        return false;
    };
    let body_start = memchr::memchr(b'\n', body).map_or(body.len(), |i| i + 1);
    let Some(end) = memchr::memmem::find(body, b"-----END ") else {
        return false;
    };
    end <= body_start + 16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        assert!(is_placeholder(b"AKIAIOSFODNN7EXAMPLE"));
        assert!(is_placeholder(b"ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
        assert!(is_placeholder(b"${GITHUB_TOKEN}"));
        assert!(is_placeholder(b"CHANGE-THIS! VERY IMPORTANT!"));
        assert!(is_placeholder(b"a1B2c3D4e5F6"));
        assert!(is_placeholder(b"changeit"));
        // The README's list: `changeme`, `xxxx` and `123456` inside a value too.
        assert!(is_placeholder(b"changeme"));
        assert!(is_placeholder(b"db-pw-123456"));
        assert!(is_placeholder(b"1a2b3c4d5e6f7g8h9i0j1k2l3m4n5o6p"));
        assert!(is_placeholder(b"a1b2c3d4-e5f6-g7h8-i9j0-k1l2m3n4o5p6"));
        assert!(!is_placeholder(b"a1b2c3Xq9vK2mZ7"));
        assert!(!is_placeholder(b"k3m9q2z7x4v8b1n6"));
        assert!(is_placeholder(b"replace_me_with_a_real_key"));
        assert!(is_placeholder(b"<your token>"));
        assert!(is_placeholder(b"aaaaaaB3"));
        // Built from pieces so the source holds no token-shaped literal.
        let token = ["gh", "p_", "R8fKq2LmWz7Tn4Vb1Yc9", "Xd3Hs6Jp0Ga5Ue2Q"].concat();
        assert!(!is_placeholder(token.as_bytes()));
        // Long key blocks keep their natural runs (`AAAAAAAA`, indentation).
        let key = format!(
            "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAA{}",
            "q".repeat(0)
        ) + &"Zk2mQ9vLx7".repeat(12);
        assert!(!is_placeholder(key.as_bytes()));
    }

    #[test]
    fn identifiable_keys_are_judged_by_their_random_part() {
        let random = "m7OhOJBigk01Eb1NLGds7b4WhvCOlt1hnBWrhmzVMQoajVdQLkzX";
        // The padding of the platform field is a run of `A`s by design.
        let key = [random, "JQQJ99BCAC", "AAAAAAAAAAAAAS", "AZDO", "Wxyc"].concat();
        assert_eq!(key.len(), 84);
        assert!(!is_placeholder(key.as_bytes()));
        // Filler in the random part is still filler.
        let filler = [
            "x".repeat(52).as_str(),
            "JQQJ99BCAC",
            "AAAAAAAAAAAAAS",
            "AZDO",
            "Wxyc",
        ]
        .concat();
        assert!(is_placeholder(filler.as_bytes()));
        // Another 84-character value with a run is not an identifiable key.
        let other = [random, "QQQQ99BCAC", "AAAAAAAAAAAAAS", "AZDO", "Wxyc"].concat();
        assert!(is_placeholder(other.as_bytes()));
    }

    #[test]
    fn basic_auth_values_must_decode_to_a_pair() {
        use base64::Engine as _;
        let pair =
            base64::engine::general_purpose::STANDARD.encode(["svc", ":", "K8vq2rLz"].concat());
        assert!(decodes_to(DecodesTo::BasicAuth, pair.as_bytes()));
        assert!(!decodes_to(DecodesTo::BasicAuth, b"Authentication"));
        let lone = base64::engine::general_purpose::STANDARD.encode("usernameonly");
        assert!(!decodes_to(DecodesTo::BasicAuth, lone.as_bytes()));
        // Textbook pairs are examples, not credentials.
        for textbook in ["user:password", "admin:admin", "foo:bar", "me:changeme"] {
            let encoded = base64::engine::general_purpose::STANDARD.encode(textbook);
            assert!(
                !decodes_to(DecodesTo::BasicAuth, encoded.as_bytes()),
                "{textbook}"
            );
        }
    }

    #[test]
    fn repeated_pairs_are_filler() {
        assert!(is_placeholder(b"48E92789-57A3-466A-9959-1A1A1A1A1A1A"));
        assert!(!is_placeholder(b"48E92789-57A3-466A-9959-1A2B3D4E"));
    }

    #[test]
    fn key_material_must_decode_to_random_bytes() {
        use base64::Engine as _;
        let random: Vec<u8> = (0..64u32).map(|i| (i * 97 + 13) as u8).collect();
        let key = base64::engine::general_purpose::STANDARD.encode(&random);
        assert!(decodes_to(DecodesTo::RandomBytes, key.as_bytes()));
        // 64 letters and digits, encoded: a passphrase, not key material.
        let text = "rH8Tq7VMQBvzVgj8vVGSxhop2PPwddrJ7B6oSkGcmoganMf4wqANp9AJwaMHt8RA";
        let encoded = base64::engine::general_purpose::STANDARD.encode(text);
        assert!(!decodes_to(DecodesTo::RandomBytes, encoded.as_bytes()));
        assert!(!decodes_to(DecodesTo::RandomBytes, b"not base64 at all!"));
    }

    #[test]
    fn stopwords() {
        let words = vec!["sample".to_string()];
        assert!(has_stopword(b"mySAMPLEkey", &words));
        assert!(!has_stopword(b"mykey", &words));
    }
}
