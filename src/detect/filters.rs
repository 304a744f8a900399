//! Content filters applied to a candidate secret after the regex: placeholders,
//! repeated or sequential characters, rule stopwords, and (for generic rules)
//! values that are code rather than literals.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

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
    "${",
    "{{",
    // An elided example (`"registrytoken": "9cbaf023786cd7..."`).
    "...",
    "…",
];

/// Obvious sequences that no random token contains.
const SEQUENCES: &[&str] = &[
    "123456", "abcdef", "qwerty", "asdfgh", "!@#$%", "010203", "0a0b0c", "987654", "654321",
    "zyxwvu",
];

/// Markers still checked in long secrets (private key blocks, certificates),
/// where short markers such as `xxxx` or a run of `A`s occur by chance.
const LONG_PLACEHOLDER_MARKERS: &[&str] = &["example", "placeholder", "redacted", "${", "{{"];

/// Secrets at least this long only get [`LONG_PLACEHOLDER_MARKERS`].
const LONG_SECRET: usize = 128;

/// One case-insensitive automaton per marker list, built on first use: a
/// single pass per candidate instead of one substring search per marker.
fn matcher(words: &[&[&str]]) -> AhoCorasick {
    let all: Vec<&str> = words.iter().flat_map(|w| w.iter().copied()).collect();
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(all)
        .unwrap_or_else(|err| unreachable!("fixed marker lists always build: {err}"))
}

static SHORT_MARKERS: LazyLock<AhoCorasick> =
    LazyLock::new(|| matcher(&[PLACEHOLDER_MARKERS, SEQUENCES]));
static LONG_MARKERS: LazyLock<AhoCorasick> = LazyLock::new(|| matcher(&[LONG_PLACEHOLDER_MARKERS]));
static CODE: LazyLock<AhoCorasick> = LazyLock::new(|| matcher(&[CODE_MARKERS]));

/// True when `secret` looks like a placeholder or a made-up value.
pub fn is_placeholder(secret: &[u8]) -> bool {
    if secret.len() >= LONG_SECRET {
        return LONG_MARKERS.is_match(secret);
    }
    SHORT_MARKERS.is_match(secret)
        || has_run(secret, 6)
        || has_template_slot(secret)
        || has_interleaved_count(secret)
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
/// word is a translated label (`password: Senha`, `repeat_password: Powtórz
/// hasło`), not a password.
const PASSWORD_TRANSLATIONS: &[&str] = &[
    "senha",
    "contraseña",
    "contrasena",
    "hasło",
    "haslo",
    "wachtwoord",
    "passwort",
    "kennwort",
    "lösenord",
    "adgangskode",
    "salasana",
    "heslo",
    "jelszó",
    "parolă",
    "şifre",
    "пароль",
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
    })
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
];

/// True when a lowercase value splits (at `_`, `-`, `.` or anywhere) into
/// [`FAKE_WORDS`] only, after its trailing digits are dropped.
fn is_made_of_fake_words(lower: &[u8]) -> bool {
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
fn is_counting_runs(lower: &[u8]) -> bool {
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
    // How a framework stores a field, not a value (Laravel's casts and
    // validation rules: `'password' => 'hashed'`, `'encrypted:array'`,
    // `'confirmed'`).
    "hashed",
    "encrypted",
    "confirmed",
    "array",
    "json",
    "collection",
];

/// True when `word` is one of [`NON_SECRET_VALUES`], compared lowercased,
/// without trailing digits too (`password1`, `letmein123`, `pwd1`) and with
/// `_`/`-` left out (`open_sesame`, `test-pass`).
fn is_non_secret_word(word: &[u8]) -> bool {
    let lower = word.to_ascii_lowercase();
    let stem = trim_end(&lower, b"0123456789");
    let unleet = unleet(stem);
    let joined = || stem.iter().filter(|b| !matches!(b, b'_' | b'-'));
    NON_SECRET_VALUES.iter().any(|w| {
        lower == w.as_bytes()
            || stem == w.as_bytes()
            || unleet == w.as_bytes()
            || joined().eq(w.as_bytes())
    })
}

/// `word` (lowercase) with the digits and signs that stand in for letters
/// read back as letters (`p4ssw0rd`, `p@ssw0rd`, `s3cr3t`): the textbook
/// spellings of example passwords. Trailing digits are cut before this.
fn unleet(word: &[u8]) -> Vec<u8> {
    word.iter()
        .map(|&b| match b {
            b'0' => b'o',
            b'1' => b'i',
            b'3' => b'e',
            b'4' | b'@' => b'a',
            b'5' | b'$' => b's',
            b'7' => b't',
            other => other,
        })
        .collect()
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
        || (value.ends_with(b"-") && after.first() == Some(&b'>'))
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
    // A reference to where the secret is kept (`--passphrase file://pass.txt`,
    // OpenSSL's `-pass env:VAR`), not the secret.
    // (Cargo's `dep:name` features name a dependency.)
    if [&b"file:"[..], b"fileb:", b"env:", b"dep:"]
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
        || is_public_key_der(value)
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

/// True when a password repeats the user name given earlier on its line
/// (`user=guest&pass=guest`, or a Spring test setting a database's
/// `username=` and `password=` properties to the same word): the demo
/// account of a test or an example, not a credential anyone chose. `key_start` is where the key starts.
pub fn repeats_the_user_name(
    bytes: &[u8],
    key_start: usize,
    secret: &std::ops::Range<usize>,
) -> bool {
    let value = &bytes[secret.clone()];
    let start = line_start(bytes, key_start.min(secret.start));
    let before = &bytes[start..key_start.min(secret.start)];
    if value.len() < 3 {
        return false;
    }
    let delimiter = |b: Option<&u8>| b.is_none_or(|b| !is_word_byte(b) && *b != b'-');
    memchr::memmem::find_iter(before, value).any(|at| {
        let named = &before[at.saturating_sub(24)..at];
        delimiter(at.checked_sub(1).and_then(|i| before.get(i)))
            && delimiter(before.get(at + value.len()))
            && (contains_ignore_case(named, b"user") || contains_ignore_case(named, b"login"))
    })
}

/// A description of the fields of `/etc/passwd` or `/etc/group` around a
/// value, not a credential: words joined by colons, one of them a field
/// only those files have (`name:password:UID:GID:GECOS:directory:shell`,
/// `Name:Pass:Gid:List`, Scheme's `"passwd:gecos"`), or made only of such
/// fields (`"passwd:shell"`; not `password:` and any other word).
pub fn is_passwd_format(bytes: &[u8], secret: &std::ops::Range<usize>) -> bool {
    let field = |b: &u8| b.is_ascii_alphabetic() || matches!(b, b'_' | b':');
    let start = run_start(bytes, secret.start, field);
    let end = secret.end + bytes[secret.end..].iter().take_while(|b| field(b)).count();
    let fields = &bytes[start..end];
    let mut parts = fields.split(|&b| b == b':');
    let count = fields.iter().filter(|&&b| b == b':').count();
    const FIELDS: &[&str] = &[
        "passwd",
        "password",
        "name",
        "uid",
        "gid",
        "gecos",
        "dir",
        "directory",
        "home",
        "shell",
        "list",
        "members",
    ];
    count >= 1
        && parts.clone().all(|part| !part.is_empty())
        && (parts
            .clone()
            .any(|part| is_one_of(part, &["uid", "gid", "gecos"]))
            || parts.all(|part| is_one_of(part, FIELDS)))
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

/// True when an unquoted value is code by what comes before it: the right
/// side of a comparison (`password == basicauth`: a variable; a literal
/// there would be quoted) or the first word of a shell command substitution
/// (`` PASSWORD=`echo $X | jq …` ``: a backquote, then a blank after the word).
/// Not in a shell test, where an unquoted word is a string (`[ "$P" == word ]`).
pub fn is_compared_or_substituted(bytes: &[u8], secret: &std::ops::Range<usize>) -> bool {
    let before = &bytes[..secret.start];
    if before.last() == Some(&b'`') {
        return bytes
            .get(secret.end)
            .is_some_and(|&b| b == b' ' || b == b'\t');
    }
    let before = trim_end(before, b" \t");
    // In a shell test (`[ "$PASS" == hunter2 ]`) an unquoted word is a string.
    let line = &before[line_start(before, before.len())..];
    let shell_test =
        memchr::memmem::find(line, b"[ ").is_some() || memchr::memmem::find(line, b"[[").is_some();
    (before.ends_with(b"==") || before.ends_with(b"!=")) && !shell_test
}

/// A test runner's result line (DejaGnu, Automake: `PASS: objcopy (compress
/// debug sections)`): an upper-case `PASS:` or `XPASS:` opening the line,
/// and more of the test's name after the value. A `PASS: value` setting
/// ends with its value.
pub fn is_test_result_line(
    bytes: &[u8],
    key_start: usize,
    secret: &std::ops::Range<usize>,
) -> bool {
    let key_start = key_start.min(secret.start);
    let opening = &bytes[line_start(bytes, key_start)..key_start];
    let key = &bytes[key_start..secret.start];
    let rest = &bytes[secret.end..];
    let rest = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
    // The keyword match starts at `PASS`, also in `XPASS`.
    let opening = opening.strip_suffix(b"X").unwrap_or(opening);
    if !opening.iter().all(|b| matches!(b, b' ' | b'\t')) || key != b"PASS: " {
        return false;
    }
    let more_name = rest.first() == Some(&b' ') && rest.iter().any(u8::is_ascii_alphanumeric);
    // Or a neighbouring line is a result too: a log holds runs of them.
    let this_line = line_start(bytes, key_start);
    let previous = this_line
        .checked_sub(1)
        .map(|end| &bytes[line_start(bytes, end)..end]);
    let next_start = secret.end + rest.len() + 1;
    let next = bytes
        .get(next_start..)
        .map(|tail| &tail[..memchr::memchr(b'\n', tail).unwrap_or(tail.len())]);
    let is_result = |line: &[u8]| {
        let line = line.trim_ascii_start();
        TEST_RESULTS.iter().any(|r| line.starts_with(r.as_bytes()))
    };
    more_name || previous.is_some_and(is_result) || next.is_some_and(is_result)
}

/// The verdicts of DejaGnu and Automake test logs.
const TEST_RESULTS: &[&str] = &[
    "PASS: ",
    "FAIL: ",
    "XPASS: ",
    "XFAIL: ",
    "UNSUPPORTED: ",
    "UNTESTED: ",
    "UNRESOLVED: ",
    "SKIP: ",
    "ERROR: ",
];

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

/// True for a base64 DER public key (one of `PUBLIC_KEY_DER`'s openings).
fn is_public_key_der(value: &[u8]) -> bool {
    PUBLIC_KEY_DER
        .iter()
        .any(|prefix| value.starts_with(prefix.as_bytes()))
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

/// True when a generic candidate is code rather than an assignment of a
/// literal, judged from its surroundings: a type annotation (`password:
/// LPCWSTR,`, `token: String = ...`) or a variable named like its key
/// (`self._passphrase = passphrase`, `token: token`). `key_start` is where the
/// rule's match (the key) starts.
pub fn is_code_context(bytes: &[u8], key_start: usize, secret: &std::ops::Range<usize>) -> bool {
    let value = &bytes[secret.clone()];
    let before = &bytes[key_start.min(secret.start)..secret.start];
    let key_ident_start = run_start(bytes, key_start.min(secret.start), is_word_byte);
    if spells_its_key(&bytes[key_ident_start..secret.start], value) {
        return true;
    }
    // The public-value check also reads a dashed name whole (`csrf-token`).
    let dashed_start = run_start(bytes, key_start.min(secret.start), |b| {
        is_word_byte(b) || *b == b'-'
    });
    if names_public_value(&bytes[dashed_start..secret.start]) {
        return true;
    }
    // A quoted mapping key that is a type path (`"AWS::KMS::Key": …`).
    let path_start = run_start(bytes, key_ident_start, |b| is_word_byte(b) || *b == b':');
    if bytes[path_start..key_ident_start].ends_with(b"::")
        && path_start > 0
        && is_quote(&bytes[path_start - 1])
    {
        return true;
    }
    let key_ident_end = key_ident_start
        + bytes[key_ident_start..secret.start]
            .iter()
            .take_while(|b| is_word_byte(b))
            .count();
    let line_before = &bytes[line_start(bytes, key_ident_start)..key_ident_start];
    // A type declaration (`class GetTokenCmdlet : PSCmdlet`), or the key is
    // itself a variable reference with a default (`${DB_PASSWORD:...}`).
    if declares_type(line_before) || line_before.ends_with(b"${") {
        return true;
    }
    // The "key" is the first branch of a conditional expression and the value
    // the second: `$ok ? "PASS" : "FAIL"`.
    let opening = trim_end(line_before, b"\"'` \t");
    if opening.len() < line_before.len() && opening.ends_with(b"?") {
        return true;
    }
    if before.last().is_some_and(is_quote) {
        let opening = &before[..before.len() - 1];
        if let Some(call) = wrapping_call(opening) {
            // The literal is a call's argument: it must be the only one
            // (`String("...")`, not `makeToken("name", "")`), the call must not
            // look it up by name (`getenv("...")`), and the call must not be
            // made on the variable itself (`password = password.encode("utf-8")`).
            // (Nor be an operand: `hash.toString('ascii') + salt`.)
            let after_literal = bytes.get(secret.end + 1..).unwrap_or_default();
            let after_literal = after_literal.trim_ascii_start();
            let closes = after_literal.first() == Some(&b')')
                && after_literal[1..].trim_ascii_start().first() != Some(&b'+');
            let own = &bytes[key_ident_start..key_ident_end];
            let opening_start = key_start.min(secret.start);
            // The whole callee name, also when the key is part of it
            // (`GetServiceToken("...")` matched from `Token`).
            let line = line_start(bytes, opening_start);
            let whole_callee = bytes.get(line..opening_start + call).unwrap_or_default();
            let callee = bytes
                .get(key_ident_end.max(opening_start)..opening_start + call)
                .unwrap_or_default();
            let on_itself = own.len() >= 3 && contains_ignore_case(callee, own);
            return !closes || is_lookup_call(whole_callee) || on_itself;
        }
        return is_quoted_prose(bytes, before[before.len() - 1], secret);
    }
    if !is_identifier(value) {
        return false;
    }
    // A variable assigned to another in a statement of C-like code (the
    // value followed by `;` and the end of the line), or passed as a call's
    // keyword argument (the value followed by `)`). Literal credentials in
    // such code are quoted.
    if is_statement_end(&bytes[secret.end..]) || bytes.get(secret.end) == Some(&b')') {
        return true;
    }
    // The variable's own name again: `password = password`, `passphrase=passphrase`.
    if contains_ignore_case(&bytes[key_ident_start..secret.start], value) {
        return true;
    }
    // An attribute of an object: `self.password = credentials`, ...
    let target = &bytes[line_start(bytes, key_ident_start)..key_ident_start];
    if names_a_variable(bytes, key_ident_start, before, secret) {
        return true;
    }
    // ... or one target of a tuple assignment: `username, password = split`.
    // (A previous pair, `{user = hello, password = ...}`, is no tuple.)
    let tuple =
        target.trim_ascii_end().ends_with(b",") && !before.contains(&b':') && !follows_pair(target);
    if tuple || target.ends_with(b"self.") || target.ends_with(b"this.") || target.ends_with(b"@") {
        return true;
    }
    let rest = &bytes[secret.end..];
    let spaces = rest
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    let next = rest.get(spaces).copied();
    let colon = before.contains(&b':') && !before.contains(&b'=');
    // Prose continues after the "value": `:param password: Unicode password.`,
    // `--- PASS: TestName (0.00s)`.
    if colon
        && spaces == 1
        && rest
            .get(1)
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'(')
    {
        return true;
    }
    // A macro call (`parenthesized!(...)`), a chained assignment (`a = b = ''`),
    // a generic type (`Cb = Option<...>`).
    if next == Some(b'!')
        || next == Some(b'<')
        || (next == Some(b'=') && rest.get(spaces + 1) != Some(&b'='))
    {
        return true;
    }
    // `name: Type,` / `name: Type;` / `name: Type)` / `name: Type {` / `name: T == x`.
    // A lowercase word before `,` or `}` is a value of an inline map
    // (`{user: bob, password: ...}`); lowercase type names are filtered as
    // non-literals already (`str`, `string`, `number`).
    let lowercase = value
        .iter()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    colon
        && (matches!(next, Some(b'=' | b'{' | b'>' | b'|'))
            || (!lowercase && matches!(next, Some(b',' | b';' | b')'))))
}

/// True when an unquoted identifier after a key is, by the code around it,
/// a variable or a type rather than a literal:
/// - after Go's `:=` (`key := uint64FromFileKey{…}`), an expression;
/// - before `{`: a composite literal's type or a block (`key := openSSHKey{`);
/// - a field of a composite literal (`RegistryLoginResult{Auth: response}`);
/// - the last field on its line of a multi-line object or struct literal,
///   the key first on the line (`Credentials: creds,`, Python's
///   `"SECRET_BLOCK": session,`): a YAML value runs to the end of its line,
///   so a YAML value there would hold the comma;
/// - assigned to a member on an indented line or to an exported one
///   (`opt.credentials = creds`, `cfg.Credentials = provider`).
fn names_a_variable(
    bytes: &[u8],
    key_ident_start: usize,
    before: &[u8],
    secret: &std::ops::Range<usize>,
) -> bool {
    let line = line_start(bytes, key_ident_start);
    let line_before = &bytes[line..key_ident_start];
    let rest = &bytes[secret.end..];
    let rest = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
    let after = rest.trim_ascii();
    if memchr::memmem::find(before, b":=").is_some() || after.first() == Some(&b'{') {
        return true;
    }
    let colon = before.contains(&b':') && !before.contains(&b'=');
    let in_composite = line_before
        .windows(2)
        .any(|w| is_word_byte(&w[0]) && w[1] == b'{');
    if colon && in_composite && matches!(after.first(), Some(b',' | b'}')) {
        return true;
    }
    let first_on_line = line_before
        .iter()
        .all(|b| b.is_ascii_whitespace() || is_quote(b));
    if colon && first_on_line && after == b"," {
        return true;
    }
    // A member of an object, exported (Go) or on an indented line of code:
    // `.properties` keys start their line.
    let member = line_before.ends_with(b".")
        && line_before[..line_before.len() - 1]
            .last()
            .is_some_and(is_word_byte);
    let indented = matches!(line_before.first(), Some(b' ' | b'\t'));
    let code_member = member && (indented || bytes[key_ident_start].is_ascii_uppercase());
    let key_ident_end = key_ident_start
        + bytes[key_ident_start..secret.start]
            .iter()
            .take_while(|b| is_word_byte(b))
            .count();
    let separator = bytes[key_ident_end..secret.start].trim_ascii();
    code_member && separator == b"=" && after.is_empty()
}

/// True when the quoted string a value starts goes on with words, closing
/// on the same line: a sentence (`"Forgot your password?"` in a translation
/// file), a label naming the secret (`"Client secret"`, `'wrong password'`)
/// or a capitalised caption (`'Invalid Password'`), not a secret.
fn is_quoted_prose(bytes: &[u8], quote: u8, secret: &std::ops::Range<usize>) -> bool {
    let value_end = secret.end;
    let rest = &bytes[value_end..bytes.len().min(value_end + 200)];
    let line = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
    let Some(close) = memchr::memchr(quote, line) else {
        // The literal runs on past the 200 bytes read: a long sentence
        // (`"Auth": "Configures authorization for controlling access …"`).
        let words = line
            .split(|b| *b == b' ')
            .filter(|w| w.len() > 1 && w.iter().all(u8::is_ascii_alphabetic))
            .count();
        return line.first() == Some(&b' ') && words >= 6;
    };
    let tail = &line[..close];
    if tail.first() != Some(&b' ') || !tail.get(1).is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    let sentence = tail
        .split(|b| *b == b' ')
        .filter(|w| w.iter().any(u8::is_ascii_alphabetic))
        .count()
        >= 2;
    // A short phrase of plain words (letters only, any script).
    let phrase = &bytes[secret.start..value_end + close];
    let words: Vec<&[u8]> = phrase
        .split(|b| *b == b' ')
        .filter(|w| !w.is_empty())
        .collect();
    let wordy = words.len() >= 2
        && words
            .iter()
            .all(|w| w.iter().all(|b| b.is_ascii_alphabetic() || *b >= 0x80));
    let names_secret = words.iter().any(|w| is_one_of(w, SECRET_NOUNS));
    let capitalised = words.iter().all(|w| w[0].is_ascii_uppercase());
    sentence || (wordy && (names_secret || capitalised))
}

/// Nouns that name a credential: a phrase holding one describes the secret.
const SECRET_NOUNS: &[&str] = &[
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
];

/// Where the call a quoted value is the argument of opens: `before` (what
/// precedes the opening quote) ends with `(`, blanks, an optional string
/// prefix (`b`, `@`) and escape. Returns the index of the `(`.
fn wrapping_call(before: &[u8]) -> Option<usize> {
    let before = before.strip_suffix(b"\\").unwrap_or(before);
    let before = match before.split_last() {
        Some((b'b' | b'B' | b'u' | b'U' | b'@', rest)) => rest,
        _ => before,
    };
    let before = before.trim_ascii_end();
    before.strip_suffix(b"(").map(<[u8]>::len)
}

/// True when the call whose name ends `callee` looks a value up by name:
/// `os.getenv`, `config.get`, `attrgetter`, `request.getParameter`,
/// `ENV.fetch`, `_` (a translation). Its string argument is the name of the
/// secret, not the secret.
fn is_lookup_call(callee: &[u8]) -> bool {
    let name_start = run_start(callee, callee.len(), is_word_byte);
    let name = callee[name_start..].to_ascii_lowercase();
    if name.is_empty() {
        return false;
    }
    contains_ignore_case(&name, b"get")
        || name.ends_with(b"env")
        || name.ends_with(b"environ")
        || LOOKUP_CALLS.iter().any(|call| name == call.as_bytes())
}

/// True when `before` (a line up to a key) declares a type, whose `: Base`
/// is not a value.
fn declares_type(before: &[u8]) -> bool {
    before.split(|b| !is_word_byte(b)).any(|w| {
        matches!(
            w,
            b"class" | b"struct" | b"interface" | b"enum" | b"trait" | b"record"
        )
    })
}

/// Calls (lowercase) whose string argument names what to look up: a setting,
/// a header, a form field, a command-line option, a translated text.
const LOOKUP_CALLS: &[&str] = &[
    "_",
    "t",
    "gettext",
    "i18n",
    "translate",
    "input",
    "prompt",
    "fetch",
    "lookup",
    "param",
    "params",
    "arg",
    "option",
    "query",
    "field",
    "header",
    "config",
    "setting",
    "settings",
    "var",
    "require",
    "load",
    "read",
    "open",
];

/// True when the element before the last comma of `target` is a key-value
/// pair (`user = hello,`, `user: bob,`) rather than a name.
fn follows_pair(target: &[u8]) -> bool {
    let element = target.trim_ascii_end();
    let element = element
        .strip_suffix(b",")
        .unwrap_or(element)
        .trim_ascii_end();
    let name = run_start(element, element.len(), |b| {
        is_word_byte(b) || matches!(b, b'.' | b'"' | b'\'' | b'[' | b']')
    });
    matches!(element[..name].trim_ascii_end().last(), Some(b'=' | b':'))
}

/// True when `value` is the base64 encoding (padded) of a short plain word
/// (`dG9rZW4=` is "token"; `dG90bwo=` is `echo toto | base64`, newline
/// included): the sample data of a Kubernetes secret or a test fixture, not
/// a credential.
fn encodes_short_word(value: &[u8]) -> bool {
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
/// `user:password` pair with a textbook password (`username:password`) or a
/// variable's name (`ACCESS_KEY`). A real
/// secret's bytes are random, and a base64-wrapped real token decodes to a
/// value that passes the same checks as the token itself.
pub fn decodes_to_placeholder(value: &[u8]) -> bool {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    if value.len() < 8 || value.len() > 512 {
        return false;
    }
    let decoded = [STANDARD, URL_SAFE, STANDARD_NO_PAD, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(value).ok());
    let Some(text) = decoded else {
        return false;
    };
    let text = text.strip_suffix(b"\n").unwrap_or(&text);
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    // A `user:password` pair's password (Docker's `auth`, Basic credentials).
    let password = memchr::memchr(b':', text).map_or(text, |colon| &text[colon + 1..]);
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
            || identifier_words(text).any(|w| is_one_of(w, &["fake", "dummy", "bogus"])))
}

/// True when what follows an unquoted value ends a statement of C-like code:
/// `;`, then only blanks or a `//` comment up to the end of the line.
fn is_statement_end(rest: &[u8]) -> bool {
    let blanks = rest
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    let Some(after) = rest[blanks..].strip_prefix(b";") else {
        return false;
    };
    let line = &after[..memchr::memchr(b'\n', after).unwrap_or(after.len())];
    let line = line.trim_ascii();
    line.is_empty() || line.starts_with(b"//")
}

/// A key naming a public value rather than a secret: a public or publishable
/// key (`public_key`, `publishableKey`), an identifier (`credentialsId`,
/// `secret_id`, `tokenID`) or an anti-forgery token (`csrf_token`,
/// `X-XSRF-TOKEN`: a per-session value every page carries, which grants
/// nothing on its own), or a reference to where a secret is kept (Drone
/// CI's `from_secret`). `key` starts at the key's identifier.
fn names_public_value(key: &[u8]) -> bool {
    let identifier = &key[..key
        .iter()
        .take_while(|b| is_word_byte(b) || matches!(b, b'-' | b'.'))
        .count()];
    contains_ignore_case(identifier, b"public")
        || contains_ignore_case(identifier, b"publishable")
        || contains_ignore_case(identifier, b"csrf")
        || contains_ignore_case(identifier, b"xsrf")
        || [&b"_id"[..], b"-id", b".id", b"Id", b"ID", b"_ID"]
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
/// name; its value is a name too). Not `Secrets.DB_PASSWORD` (the member
/// names one) nor `token.value` (an instance, lowercase).
fn names_a_member_of_a_type(identifier: &[u8]) -> bool {
    let names_credential = |part: &[u8]| identifier_words(part).any(|w| is_one_of(w, SECRET_NOUNS));
    let (Some(first_dot), Some(last_dot)) = (
        memchr::memchr(b'.', identifier),
        memchr::memrchr(b'.', identifier),
    ) else {
        return false;
    };
    let (first, last) = (&identifier[..first_dot], &identifier[last_dot + 1..]);
    first.first().is_some_and(u8::is_ascii_uppercase)
        && names_credential(first)
        && !names_credential(last)
        && !is_one_of(last, &["value", "text", "data", "content", "raw", "plain"])
}

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
];

/// Words that, before a final `token`, make it a protocol's bookkeeping
/// value rather than a credential: pagination cursors (`NextToken`,
/// `continuation_token`), optimistic locks and idempotency tokens
/// (`LockToken`, `ChangeToken`, `ClientRequestToken`).
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
    "limit",
    "sort",
    "partition",
    "primary",
    "foreign",
    "cache",
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

/// True when `word` is one of `names`, ignoring ASCII case.
fn is_one_of(word: &[u8], names: &[&str]) -> bool {
    names
        .iter()
        .any(|n| word.eq_ignore_ascii_case(n.as_bytes()))
}

/// A name that its words show is not a secret's, read in one pass:
/// - a value derived from a secret: last word `hash`, `checksum`, `digest` or
///   `fingerprint` (`password_hash`, `token-checksum`), or any word
///   `encrypted`, `hashed`, `enc`, `crypted` (`encrypted_key`, `hashedPassword`);
/// - bookkeeping: last word `token` after a word of [`TOKEN_QUALIFIERS`]
///   (`NextToken`, `nextForwardToken`) or `key` after one of
///   [`KEY_QUALIFIERS`] (`result_key`);
/// - a property: two or more words, the last one of [`PROPERTY_WORDS`].
fn names_no_secret_by_its_words(identifier: &[u8]) -> bool {
    let (mut words, mut token_qualified, mut key_qualified) = (0, false, false);
    let mut last: &[u8] = &[];
    for word in identifier_words(identifier) {
        if is_one_of(word, &["encrypted", "hashed", "enc", "crypted"]) {
            return true;
        }
        token_qualified |= is_one_of(last, TOKEN_QUALIFIERS);
        key_qualified |= is_one_of(last, KEY_QUALIFIERS);
        words += 1;
        last = word;
    }
    is_one_of(last, &["hash", "checksum", "digest", "fingerprint"])
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
    has_hump(value) && is_made_of_pronounceable_words(value)
}

/// True for a lowercase phrase of pronounceable words joined by `-` or `_`
/// (`configured-by-env`, `host-boundary-crossed`, `stored_locally`): the
/// descriptive value of a test or a setting's name. Like
/// [`is_word_identifier`], only for key and token rules: people make
/// passwords and passphrases of words.
pub fn is_word_phrase(value: &[u8]) -> bool {
    value.iter().any(|b| matches!(b, b'_' | b'-'))
        && value
            .iter()
            .all(|b| b.is_ascii_lowercase() || matches!(b, b'_' | b'-'))
        && is_made_of_pronounceable_words(value)
}

/// The word test of [`is_word_identifier`] and [`is_word_phrase`]: letters
/// (and `_`/`-`) only, at least eight, two or more words, every word with a
/// vowel and no run of four consonants, at most one word shorter than three.
fn is_made_of_pronounceable_words(value: &[u8]) -> bool {
    if value.len() < 8
        || !value
            .iter()
            .all(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'-'))
    {
        return false;
    }
    let (mut words, mut short) = (0, 0);
    for word in identifier_words(value) {
        words += 1;
        let mut consonants = 0;
        let mut vowel = false;
        for b in word.iter().map(u8::to_ascii_lowercase) {
            if matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y') {
                vowel = true;
                consonants = 0;
            } else {
                consonants += 1;
                if consonants >= 4 {
                    return false;
                }
            }
        }
        // A one-letter word is a hump of an acronym (`IdP`, `AMaze`): allowed.
        if !vowel && word.len() > 1 {
            return false;
        }
        short += usize::from(word.len() < 3);
    }
    // Random mixed case splits into many tiny "words" (`qyOIhJiM`); names
    // split into real ones (`Id` may be one of them).
    words >= 2 && short <= 1 && value.len() >= 4 * words
}

/// The words of an identifier, as written: split at every byte that is not
/// an ASCII letter or digit and at each lowercase-to-uppercase hump
/// (`hashedPassword` → `hashed`, `Password`).
fn identifier_words(identifier: &[u8]) -> impl Iterator<Item = &[u8]> {
    identifier
        .split(|b| !b.is_ascii_alphanumeric())
        .flat_map(|part| {
            let mut rest = part;
            std::iter::from_fn(move || {
                if rest.is_empty() {
                    return None;
                }
                let cut = rest
                    .windows(2)
                    .position(|w| {
                        (w[0].is_ascii_lowercase() || w[0].is_ascii_digit())
                            && w[1].is_ascii_uppercase()
                    })
                    .map_or(rest.len(), |at| at + 1);
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
fn spells_its_key(key: &[u8], value: &[u8]) -> bool {
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
fn has_hump(value: &[u8]) -> bool {
    value
        .windows(2)
        .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
}

/// A quote that opens or closes a string literal.
pub(crate) fn is_quote(b: &u8) -> bool {
    matches!(b, b'"' | b'\'' | b'`')
}

/// A byte of a plain identifier: `[A-Za-z0-9_]`.
pub(crate) fn is_word_byte(b: &u8) -> bool {
    b.is_ascii_alphanumeric() || *b == b'_'
}

/// True when `value` is an identifier: a letter or `_`, then letters, digits, `_`.
pub(crate) fn is_identifier(value: &[u8]) -> bool {
    value
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && value.iter().all(is_word_byte)
}

/// Start of the run of `part` bytes that ends at `end`.
pub(crate) fn run_start(bytes: &[u8], end: usize, part: impl Fn(&u8) -> bool) -> usize {
    bytes[..end]
        .iter()
        .rposition(|b| !part(b))
        .map_or(0, |i| i + 1)
}

/// Start of the line that holds byte `at`.
pub(crate) fn line_start(bytes: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1)
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

fn trim_end<'a>(bytes: &'a [u8], strip: &[u8]) -> &'a [u8] {
    let end = bytes
        .iter()
        .rposition(|b| !strip.contains(b))
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

/// True when `bytes` holds a run of `n` or more equal bytes.
pub(crate) fn has_run(bytes: &[u8], n: usize) -> bool {
    let mut run = 1;
    for pair in bytes.windows(2) {
        if pair[0] == pair[1] {
            run += 1;
            if run >= n {
                return true;
            }
        } else {
            run = 1;
        }
    }
    false
}

/// ASCII case-insensitive substring test, without allocating.
fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_quoted_sentence_is_prose() {
        let sentence = "Configures authorization for controlling access to your API ".repeat(5);
        let line = format!("\"Auth\": \"{sentence}\",\n");
        let start = line.find("Configures").unwrap_or(0);
        let secret = start..start + "Configures".len();
        assert!(is_quoted_prose(line.as_bytes(), b'"', &secret));
    }

    #[test]
    fn test_runner_result_lines_are_not_settings() {
        let at = |text: &str, value: &str| {
            let start = text.find(value).unwrap_or(0);
            let key = text.find("PASS").unwrap_or(0);
            is_test_result_line(text.as_bytes(), key, &(start..start + value.len()))
        };
        assert!(at(
            "PASS: objcopy (objcopy compress debug sections)\n",
            "objcopy"
        ));
        assert!(at("XPASS: readelf -S zlib-gabi\n", "readelf"));
        // A setting ends with its value (made at run time: no credential-shaped literal here).
        let value = ["Xk9v", "Q2pLr"].concat();
        assert!(!at(&format!("PASS: {value}\n"), &value));
        // Verdict lines, joined at run time so that this source holds no
        // verdict line of its own.
        let log = ["PASS: ld-x86-64/property-1", "FAIL: ld-x86-64/property-2"].join("\n");
        assert!(at(&log, "ld-x86-64/property-1"));
        assert!(at(
            "XFAIL: gas/a\nPASS: gas/align-branch-1\n",
            "gas/align-branch-1"
        ));
        assert!(!at(&format!("DB_PASS: {value} two\n"), &value));
    }

    #[test]
    fn compared_and_substituted_values_are_code() {
        let at = |line: &str, value: &str| {
            let start = line.find(value).unwrap_or(0);
            is_compared_or_substituted(line.as_bytes(), &(start..start + value.len()))
        };
        assert!(at("if password == basicauth {", "basicauth"));
        assert!(at("if (token != expected) {", "expected"));
        assert!(at("PASSWORD=`echo $X | jq -r .p`", "echo"));
        // A literal value, made at run time (no credential-shaped literal here).
        let value = ["Xk9v", "Q2pLr"].concat();
        assert!(!at(&format!("if password == \"{value}\" {{"), &value));
        assert!(!at(&format!("const password = `{value}`;"), &value));
        assert!(!at(&format!("password = {value}"), &value));
        assert!(!at(&format!("if [ \"$PASS\" == {value} ]; then"), &value));
    }

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
    fn non_literals() {
        for code in [
            "config.password",
            "$DB_PASSWORD",
            "os.environ",
            "get_secret()",
            "DB_PASSWORD",
            "null",
            "string!",
            "false)",
            "production:",
            "postgres/",
            "build_tag_values",
            "active_storage/disk",
            "@original_min_cost",
            "123\\nsome_namespace:",
        ] {
            assert!(is_non_literal(code.as_bytes(), b"", false), "{code}");
        }
        assert!(is_non_literal(b"xor_bytes", b"(", false));
        for code in [
            "running_on_windows?",
            "StringGenerationParameters?",
            "Read-Host",
            "Get-Credential",
            "nullptr",
        ] {
            assert!(is_non_literal(code.as_bytes(), b" ", false), "{code}");
        }
        // A password may end with `?` or hold a dash; quoted, a command name
        // is a string.
        assert!(!is_non_literal(b"Xk9vQ2pLr?", b"\n", false));
        assert!(!is_non_literal(b"Summer-Breeze", b"\n", false));
        assert!(!is_non_literal(b"Read-Host", b"\"", true));
        // Cut at a non-ASCII letter: a word of prose, not a password.
        assert!(is_non_literal(b"Potwierd", "ź".as_bytes(), false));
        assert!(is_non_literal(b"admin:admin", b" ", false));
        assert!(is_non_literal(b"MasterUsername", b"\"", true));
        assert!(is_non_literal(b"-1073741716i32", b";", false));
        assert!(is_non_literal(b"2147577990", b";", false));
        assert!(!is_non_literal(b"2147577990", b"\n", false));
        assert!(is_non_literal(b"dep:gix-prompt", b"\"", true));
        assert!(is_non_literal(b"DEBUG", b"\"", true));
        assert!(is_non_literal(b"respectively,", b" a", false));
        assert!(is_non_literal(b"command", b"\n", false));
        assert!(is_non_literal(b"PasswordInput", b"\"", true));
        assert!(!is_non_literal(b"BlueHorizon", b"\"", true));
        assert!(is_non_literal(b"12345", b"'", true));
        assert!(is_non_literal(b"1234", b"\n", false));
        assert!(!is_non_literal(b"1357", b"\n", false));
        assert!(is_non_literal(b"GSS-Negotiate", b"\"", true));
        assert!(!is_non_literal(b"deploy:Xk9vQ2pLr", b" ", false));
        assert!(!is_non_literal(b"Potwierd8", "ź".as_bytes(), false));
        assert!(is_non_literal(
            b"file://path-to-passphrase-file",
            b"",
            false
        ));
        assert!(is_non_literal(b"env:ENC_PASS", b"", false));
        assert!(is_non_literal(
            b"/en/enterprise-server@3.0/auth",
            b"\"",
            true
        ));
        assert!(!is_non_literal(b"/x9K/Lq2vT7nB4mWz1R", b"\"", true));
        assert!(is_non_literal(b"wrong_password", b"\"", true));
        assert!(is_non_literal(b"newpass", b"\"", true));
        assert!(is_non_literal(b"my-secret-token2", b"\"", true));
        assert!(is_non_literal(b"whatever", b"'", true));
        assert!(is_non_literal(b"not-set", b"\"", true));
        assert!(!is_non_literal(b"wuj_blzmje", b"'", true));
        assert!(!is_non_literal(b"passkwrdq", b"'", true));
        assert!(is_non_literal(b"abc123", b"'", true));
        assert!(is_non_literal(b"12345abcde", b"'", true));
        assert!(is_non_literal(b"abcd1234efg567", b"\n", false));
        assert!(!is_non_literal(b"abc1239xk", b"'", true));
        // Counting down is filler too; a run that stops short is not.
        assert!(is_non_literal(b"xyz987", b"'", true));
        assert!(!is_non_literal(b"xyz9k7", b"'", true));
        assert!(is_translated_label("Senha".as_bytes()));
        assert!(is_translated_label("Powtórz hasło".as_bytes()));
        assert!(is_translated_label("パスワード\"".as_bytes()));
        assert!(!is_translated_label(b"Senha7Kq2vT9"));
        assert!(is_translated_label("新密码');".as_bytes()));
        // The rest of the value is masked.
        assert!(is_non_literal(b"xoxp-5723705-5738073-", b"##", false));
        assert!(!is_non_literal(b"xoxp-5723705-5738073-", b"\"", true));
        assert!(is_non_literal(b"PasswordInput", b"", false));
        assert!(is_non_literal(b"0x80090033", b"", false));
        assert!(is_non_literal(b"6i32", b"", false));
        assert!(is_non_literal(
            b"super::Foundation::UNICODE_STRING",
            b"",
            false
        ));
        assert!(is_non_literal(b"unsafe", b"", false));
        // Plain words are left to the generic scorer: real passwords can be words.
        assert!(!is_non_literal(b"harbour", b"", false));
        assert!(!is_non_literal(b"hX9#kq2!Lm", b"", false));
        assert!(!is_non_literal(b"Qm7vx&2Lp", b"\"", false));
        // A whole quoted string shaped like an identifier is left to the scorer...
        assert!(is_non_literal(b"reset_token_value", b"", false));
        assert!(!is_non_literal(b"reset_token_value", b"\"", true));
        // ...but a quoted UPPER_SNAKE name still names a variable.
        assert!(is_non_literal(b"MY_GITHUB_TOKEN", b"", true));
        // Paths, lint levels, type names and textbook sample passwords.
        assert!(is_non_literal(b"KeyDer", b"::from_pem", false));
        assert!(is_non_literal(b"usize", b";", false));
        assert!(is_non_literal(b"letmein123", b"", true));
        assert!(is_non_literal(b"DEVPKEY_Device_Category", b"", false));
        // Base64 of a short plain word is sample data.
        assert!(is_non_literal(b"dG9rZW4=", b"", true));
        assert!(!is_non_literal(b"Vr7kq2Lmz4Qw9A==", b"", true));
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
    fn template_slots_and_public_names() {
        assert!(is_placeholder(b"Bearer <token>"));
        // A masked value.
        assert!(is_placeholder(b"xoxp-5723705-5738073-####################"));
        assert!(is_placeholder(b"pw-%(name)s"));
        // A lone `<` or `%(` is part of a generated secret, not a slot.
        assert!(!is_placeholder(b"k9%(Lq2v<7TnB4mWz1R"));
        assert!(names_public_value(b"public_key = "));
        assert!(names_public_value(b"credentialsId: "));
        assert!(names_public_value(b"csrf-token="));
        assert!(names_public_value(b"password_hash: "));
        assert!(names_public_value(b"harvester-token-checksum\": "));
        assert!(names_public_value(b"encrypted_key: "));
        assert!(names_public_value(b"hashedPassword = "));
        assert!(!names_public_value(b"hash_key = "));
        assert!(!names_public_value(b"hashSecret = "));
        assert!(names_public_value(b"X-XSRF-TOKEN: "));
        assert!(!names_public_value(b"client_secret = "));
        let text = br#"x = "value""#;
        assert!(is_delimited_literal(text, &(5..10)));
        assert!(!is_delimited_literal(text, &(5..9)));
        // The password of a quoted user:password pair, not of an unquoted one.
        let text = br#"curl -u "deploy:a(b)c" x"#;
        assert!(is_quoted_pair_password(text, &(16..21)));
        assert!(!is_delimited_literal(text, &(16..21)));
        let text = br#"curl -u deploy:a(b)c" x"#;
        assert!(!is_quoted_pair_password(text, &(15..20)));
    }

    /// Asserts `check(value) == expected` for every value, naming the one that fails.
    fn expect_each(check: fn(&[u8]) -> bool, expected: bool, values: &[&[u8]]) {
        for value in values {
            assert_eq!(check(value), expected, "{}", String::from_utf8_lossy(value));
        }
    }

    #[test]
    fn bookkeeping_and_property_names_are_not_secret_names() {
        expect_each(
            names_public_value,
            true,
            &[
                b"NextToken\": ",
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
            ],
        );
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
        assert!(is_public_key_der(
            b"MCowBQYDK2VwAyEAOnDNQ71XlUIeLybXCGpdMv5stN5F"
        ));
        assert!(!is_public_key_der(b"MC4CAQAwBQYDK2VwBCIEIGz"));
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

    #[test]
    fn code_contexts() {
        let check = |line: &str, value: &str| {
            let start = line.rfind(value).expect("value in line");
            let key = line.to_ascii_lowercase().find("pass").expect("key in line");
            is_code_context(line.as_bytes(), key, &(start..start + value.len()))
        };
        assert!(check("    pbPassword: PUCHAR,", "PUCHAR"));
        assert!(check(
            "pub const NTE_PASSWORD: HRESULT = 0x8009;",
            "HRESULT"
        ));
        assert!(check("self._passphrase = passphrase", "passphrase"));
        // The key's dashed name is read whole: an anti-forgery token. (The
        // value is assembled so that this file holds no credential shape.)
        let value = ["Mj2qykJO", "5rELyHgez", "Q69nzUX0i3O"].concat();
        assert!(check(&format!("csrf-password={value}"), &value));
        assert!(!check(&format!("db-password={value}"), &value));
        assert!(check(
            "self.username, self.password = credentials",
            "credentials"
        ));
        assert!(check("    pub password: Option<String>,", "Option"));
        assert!(check("username, password = split", "split"));
        assert!(check(":param password: Unicode password.", "Unicode"));
        assert!(check("userid = passwd = acct = ''", "acct"));
        assert!(check(
            "// one of a tuple: `username, password = split`",
            "split"
        ));
        let word = ["sek", "rit"].concat();
        assert!(!check(&format!("password: {word}"), &word));
        assert!(!check(&format!("password: {word} # the demo"), &word));
        // Built from pieces so the source holds no credential-shaped literal.
        let value = ["N0t", "V3ry", "H1dd", "3n42"].concat();
        let line = format!("spring.datasource.{}={value}", "password");
        assert!(!check(&line, &value));
        let mixed = ["Vr7", "kq2", "Lmz"].concat();
        assert!(!check(&format!("password: \"{mixed}\","), &mixed));
        let classic = ["hun", "ter2"].concat();
        let pairs = format!("{{user:[REDACTED],   password =  {classic}}}");
        assert!(!check(&pairs, &classic));
        assert!(!check(&format!("DB_PASSWORD={classic}"), &classic));
        assert!(check(
            "\"forgot_password\": \"Forgot your password?\",",
            "Forgot"
        ));
        assert!(check("passphrase_hint: 'Enter the new one',", "Enter"));
        assert!(!check(&format!("password: \"{mixed} x\","), &mixed));
        // Captions and labels naming the secret; random words stay.
        assert!(check("password: 'Invalid Password'", "Invalid"));
        assert!(check("password = \"wrong password\"", "wrong"));
        let words = (["uzq", "kvx"].concat(), ["wfs", "zkb"].concat());
        assert!(!check(
            &format!("password = \"{} {}\"", words.0, words.1),
            &words.0
        ));
        // A variable assigned in a statement of C-like code.
        let statement = format!("pub.finish_{0} = finish_{0}1;", "pass");
        assert!(check(&statement, "finish_pass1"));
        assert!(check("m_password = state; // keep", "state"));
        assert!(!check(&format!("PASS={classic}; run"), &classic));
        // A value looked up by name, not a literal passed to a conversion.
        assert!(check("password = os.getenv(\"PGPASS\")", "PGPASS"));
        assert!(check("passwd = config.get('db_pass')", "db_pass"));
        assert!(check("password = _(\"Secret\")", "Secret"));
        assert!(!check(&format!("passphrase = []byte(\"{mixed}\")"), &mixed));
        assert!(!check(&format!("password = String(\"{mixed}\")"), &mixed));
    }

    #[test]
    fn identifiers_that_code_makes_variables() {
        let check = |line: &str, key: &str, value: &str| {
            let start = line.rfind(value).expect("value in line");
            let key = line.find(key).expect("key in line");
            is_code_context(line.as_bytes(), key, &(start..start + value.len()))
        };
        assert!(check(
            "\tkey := uint64FromFileKey{format, filename}\n",
            "key",
            "uint64FromFileKey"
        ));
        assert!(check("\tkey := openSSHKey{\n", "key", "openSSHKey"));
        assert!(check(
            "\treturn RegistryLoginResult{Auth: response}, err\n",
            "Auth",
            "response"
        ));
        assert!(check("\t\tCredentials:   creds,\n", "Credentials", "creds"));
        // (Lines assembled at run time: this source holds no such assignment.)
        let name = ["SECRET", "_BLOCK"].concat();
        assert!(check(
            &format!("    \"{name}\": session,\n"),
            "SECRET",
            "session"
        ));
        let member = ["Creden", "tials"].concat();
        assert!(check(
            &format!("\tcfg.{member} = provider\n"),
            "Credentials",
            "provider"
        ));
        assert!(check(
            "\t\topt.credentials = creds\n",
            "credentials",
            "creds"
        ));
        // Literals stay: a YAML value, a properties key, an inline map.
        let word = ["sek", "rit"].concat();
        assert!(!check(&format!("password: {word}\n"), "password", &word));
        assert!(!check(
            &format!("db.password = {word}\n"),
            "password",
            &word
        ));
        assert!(!check(
            &format!("{{user: bob, password: {word}, port: 5}}\n"),
            "password",
            &word
        ));
    }

    #[test]
    fn paths_urls_and_field_lists_are_not_values() {
        let literal = |value: &str| is_non_literal(value.as_bytes(), b"\"", true);
        assert!(literal("dockerfile/run/security"));
        assert!(literal("instance/service-accounts/"));
        assert!(literal("C:/foo/bar"));
        assert!(literal("D:\\builds\\out"));
        assert!(literal("config://whatever"));
        // Random values with slashes have capitals (assembled at run time).
        let random = ["k1zPZ/M6uV", "xMQ3oxq/goYlNuJ"].concat();
        assert!(!literal(&random));
        let fields = |line: &str, value: &str| {
            let start = line.find(value).expect("value in line");
            is_passwd_format(line.as_bytes(), &(start..start + value.len()))
        };
        assert!(fields(
            "//  name:password:UID:GID:GECOS:directory:shell\n",
            "UID:GID:GECOS:directory:shell"
        ));
        assert!(fields("// Name:Pass:Gid:List\n", "Gid:List"));
        assert!(fields("    \"passwd:gecos\",\n", "gecos"));
        assert!(fields("    \"passwd:shell\",\n", "shell"));
        let word = ["har", "bour"].concat();
        assert!(!fields(&format!("    \"passwd:{word}\",\n"), &word));
        assert!(!fields(&format!("password: {random}\n"), &random));
        assert!(!fields("auth=admin:Gk2vLq\n", "Gk2vLq"));
    }

    #[test]
    fn encoded_placeholders_are_placeholders() {
        use base64::Engine as _;
        let encode = |text: &[u8]| base64::engine::general_purpose::STANDARD.encode(text);
        assert!(decodes_to_placeholder(
            encode(b"this is a fake bearer token!").as_bytes()
        ));
        assert!(decodes_to_placeholder(encode(b"changeme").as_bytes()));
        assert!(encodes_short_word(encode(b"toto\n").as_bytes()));
        // Random bytes, or a random printable value, are no placeholder.
        let random = encode(&[
            0x9c, 0x21, 0xf7, 0x03, 0xee, 0x5a, 0x81, 0x44, 0xd0, 0x6b, 0x12,
        ]);
        assert!(!decodes_to_placeholder(random.as_bytes()));
        let printable = encode(["Vr7kq2", "LmzP0w"].concat().as_bytes());
        assert!(!decodes_to_placeholder(printable.as_bytes()));
        // An elided example and the famous example passwords.
        assert!(is_placeholder(
            ["9cbaf02", "3786cd7..."].concat().as_bytes()
        ));
        let xkcd = ["correct", "horse", "battery", "staple"].concat();
        assert!(is_non_literal(xkcd.as_bytes(), b"\n", false));
        assert!(is_non_literal(
            ["Tr0ub", "4dor"].concat().as_bytes(),
            b"&3",
            true
        ));
        assert!(is_word_identifier(b"DefaultGatewayIPv4"));
    }

    #[test]
    fn counting_keyboard_and_textbook_spellings_are_filler() {
        assert!(is_counting_runs(b"ponmlkjihgfedcba"));
        assert!(is_counting_runs(b"asdfqwer1234asdf"));
        assert!(is_counting_runs(b"abcd:efgh"));
        assert!(is_counting_runs(b"123321"));
        // A run that turns is no run (an obfuscated password of CredData's shape).
        assert!(!is_counting_runs(b"yzyxdfe"));
        assert!(!is_counting_runs(b"qmzv"));
        for textbook in [
            "p4ssw0rd",
            "P@ssw0rd123",
            "guest",
            "inherit",
            "hashed",
            "hunter42",
        ] {
            assert!(is_non_secret_word(textbook.as_bytes()), "{textbook}");
        }
        assert!(is_made_of_fake_words(b"verys3cret"));
        assert!(is_made_of_fake_words(b"dbpass"));
        assert!(is_made_of_fake_words(b"nomatch"));
        assert!(!is_made_of_fake_words(b"v3rqzt"));
        // PHP's namespaced class names.
        assert!(is_non_literal(b"Illuminate", b"\\A", false));
        assert!(!is_non_literal(b"Illuminate", b"\"", true));
    }

    #[test]
    fn a_password_repeating_the_user_name_is_a_demo_account() {
        let check = |line: &str, value: &str| {
            let start = line.rfind(value).expect("value in line");
            let key = line[..start].rfind("pass").expect("key in line");
            repeats_the_user_name(line.as_bytes(), key, &(start..start + value.len()))
        };
        assert!(check("?id=2900&user=guest&pass=guest", "guest"));
        let name = ["cass", "andra"].concat();
        assert!(check(
            &format!("(\"x.username={name}\", \"x.password={name}\")"),
            &name
        ));
        let other = ["Vr7kq2", "Lmz"].concat();
        assert!(!check(&format!("user=guest&pass={other}"), &other));
        // The same word elsewhere on the line is no user name.
        assert!(!check(&format!("host={other} password={other}"), &other));
        assert!(is_non_literal(b"scott:scott", b"\"", true));
    }

    #[test]
    fn word_phrases_and_encoded_names() {
        use base64::Engine as _;
        let encode = |text: &[u8]| base64::engine::general_purpose::STANDARD.encode(text);
        assert!(is_word_phrase(b"configured-by-env"));
        assert!(is_word_phrase(b"host-boundary-crossed"));
        assert!(is_word_phrase(b"stored_locally"));
        assert!(!is_word_phrase(b"xkqzbv-rtmplw"));
        assert!(!is_word_phrase(b"Configured-By-Env"));
        assert!(!is_word_phrase(b"compute"));
        assert!(decodes_to_placeholder(
            encode(b"username:password").as_bytes()
        ));
        assert!(decodes_to_placeholder(encode(b"ACCESS_KEY\r\n").as_bytes()));
        assert!(decodes_to_placeholder(
            encode(b"customUser:customPass").as_bytes()
        ));
        let pair = [&b"deploy:"[..], b"Vr7kq2Lmz"].concat();
        assert!(!decodes_to_placeholder(encode(&pair).as_bytes()));
    }

    #[test]
    fn stopwords() {
        let words = vec!["sample".to_string()];
        assert!(has_stopword(b"mySAMPLEkey", &words));
        assert!(!has_stopword(b"mykey", &words));
    }
}
