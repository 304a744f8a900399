//! Checks that read the code around a candidate: its key, the line before
//! it and what follows it.

use super::names::{SECRET_NOUNS, identifier_words, names_public_value, spells_its_key};
use super::{
    LDAP_NAME_ATTRIBUTES, contains_ignore_case, ends_with_ignore_case, first_line, is_identifier,
    is_one_of, is_quote, is_uuid, is_word_byte, line_end, line_start, neighbour_lines, run_start,
    starts_with_ignore_case, trim_end,
};

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

/// True when the value is made of its own key's words, four letters or more
/// (`user.password_confirmation = 'confirmation'`, `session_secret: "session"`,
/// `ldapAttributeUnicodePwd = "unicodePwd"`, `ClientAuthMethodPrivateKeyJWT =
/// "private_key_jwt"`): a stand-in or a name spelling the end of its key.
/// `key_start` is where the key starts.
pub fn repeats_a_key_word(bytes: &[u8], key_start: usize, secret: &std::ops::Range<usize>) -> bool {
    let value = &bytes[secret.clone()];
    if value.len() < 4
        || !value.first().is_some_and(u8::is_ascii_alphabetic)
        || !value
            .iter()
            .all(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'-'))
    {
        return false;
    }
    let key_start = key_start.min(secret.start);
    let name_start = run_start(bytes, key_start, is_word_byte);
    let name_end = key_start
        + bytes[key_start..secret.start]
            .iter()
            .take_while(|b| is_word_byte(b))
            .count();
    let name = &bytes[name_start..name_end];
    identifier_words(value)
        .all(|part| identifier_words(name).any(|word| word.eq_ignore_ascii_case(part)))
}

/// A UUID member of an enumeration of ids: the line is `Name = "<uuid>",`
/// (a TypeScript or C# enum member) and a neighbouring line is one too, under
/// a name that is no secret's (WebAuthn authenticator AAGUIDs:
/// `OnePassword = "bada5566-…",` beside `Dashlane = "531126d6-…",`). A
/// settings file's generated passwords (`DB_PASSWORD=<uuid>`) have no such shape.
pub fn is_enum_of_ids(bytes: &[u8], secret: &std::ops::Range<usize>) -> bool {
    // Cheap first: most candidates are no UUID.
    if !is_uuid(&bytes[secret.clone()]) {
        return false;
    }
    let (start, end) = (line_start(bytes, secret.start), line_end(bytes, secret.end));
    if enum_uuid_member(&bytes[start..end]).is_none() {
        return false;
    }
    neighbour_lines(bytes, start, end)
        .into_iter()
        .flatten()
        .filter_map(enum_uuid_member)
        .any(|name| !crate::source::config::mentions_secret_words(name))
}

/// A secret on the line of a documented example credential: AWS's
/// documentation writes its sample key ids and secrets with an `EXAMPLE`
/// tail (`AccessKeyId=ABCDE12345670EXAMPLE, RawSecretAccessKey=…`), so the
/// value beside one is the sample's other half.
pub fn is_beside_documented_example(bytes: &[u8], secret: &std::ops::Range<usize>) -> bool {
    const TAIL: &[u8] = b"EXAMPLE";
    let line = &bytes[line_start(bytes, secret.start)..line_end(bytes, secret.end)];
    memchr::memmem::find_iter(line, TAIL).any(|at| {
        let id = &line[..at];
        let id_len = id
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            .count();
        id_len >= 8
            && !line
                .get(at + TAIL.len())
                .is_some_and(u8::is_ascii_lowercase)
    })
}

/// The name of a line `Name = "<uuid>",` (indented, PascalCase name, the
/// comma optional), if the line is one.
fn enum_uuid_member(line: &[u8]) -> Option<&[u8]> {
    let line = line.trim_ascii();
    let line = line.strip_suffix(b",").unwrap_or(line);
    let (name, value) = line.split_at(memchr::memchr(b'=', line)?);
    let name = name.trim_ascii();
    let value = value[1..]
        .trim_ascii()
        .strip_prefix(b"\"")?
        .strip_suffix(b"\"")?;
    (name.first().is_some_and(u8::is_ascii_uppercase)
        && name.iter().all(|b| b.is_ascii_alphanumeric())
        && is_uuid(value))
    .then_some(name)
}

/// A namespaced command name, not a credential: a string or a word of prose
/// that opens with the key and a colon (no blank: YAML would need one), the
/// value a lowercase word or phrase running to the closing quote or to a
/// blank (Laravel's `'auth:clear-resets {name?}'`, Rails'
/// `"credentials:fetch"`, `the auth:clear-resets command`).
pub fn is_namespaced_command(bytes: &[u8], secret: &std::ops::Range<usize>) -> bool {
    let value = &bytes[secret.clone()];
    let Some(colon) = secret.start.checked_sub(1) else {
        return false;
    };
    // Lowercase words; a namespaced identifier's may hold digits and dots too.
    let loose = value
        .iter()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b':' | b'.'));
    if bytes[colon] != b':' || value.len() < 3 || !loose {
        return false;
    }
    let strict = value
        .iter()
        .all(|b| b.is_ascii_lowercase() || *b == b'-' || *b == b':');
    let name_start = run_start(bytes, colon, is_word_byte);
    let Some(quote) = name_start.checked_sub(1).map(|at| bytes[at]) else {
        return false;
    };
    let after = bytes.get(secret.end).copied();
    // The namespace names a credential (a `user:password` pair's user does not).
    let name = &bytes[name_start..colon];
    let names_credential = is_one_of(name, SECRET_NOUNS) || is_one_of(name, &["auth"]);
    // In prose or a command line too (`the auth:clear-resets command`), but
    // not OpenSSL's `-passin` argument, whose value after the colon is the password.
    let opens = is_quote(&quote) || (quote == b' ' && !name.starts_with(b"pass"));
    // Or one segment of a longer colon-separated key inside a string
    // (curl's `"meta:auth:gsasl:conn"`).
    // Whether the run of `part` bytes before the key opens with a quote
    // that also closes the value: the whole string is a name.
    let fills_a_string = |part: fn(&u8) -> bool| {
        run_start(bytes, name_start - 1, part)
            .checked_sub(1)
            .map(|at| bytes[at])
            .is_some_and(|q| is_quote(&q) && after == Some(q))
    };
    let segment = quote == b':' && fills_a_string(|b| b.is_ascii_lowercase() || *b == b':');
    // Or the tail of a hyphenated namespace filling a string
    // (`"better-auth:focus-manager"`, `"urn:better-auth:par:post-login"`).
    let hyphenated = quote == b'-'
        && fills_a_string(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b':')
        });
    let plain = !value.contains(&b':');
    names_credential
        && ((strict && plain && opens && (after == Some(quote) || after == Some(b' ')))
            || (strict && segment)
            || hyphenated)
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

/// A name in markup followed by something that is not its value: a CSS
/// pseudo-class after an attribute selector (`input[name="password"]:checked`)
/// or a bound attribute of a Vue or Angular template (`<Field name="password"
/// :rules="rules" />`, an expression).
pub fn is_markup_binding(bytes: &[u8], key_start: usize, secret: &std::ops::Range<usize>) -> bool {
    let before = &bytes[key_start.min(secret.start)..secret.start];
    let value = &bytes[secret.clone()];
    // AsciiDoc's passthrough macro: `pass:[…]`, `pass:q,macros[…]`.
    if ends_with_ignore_case(before, b"pass:") {
        let substitutions = bytes[secret.start..]
            .iter()
            .take_while(|b| b.is_ascii_lowercase() || **b == b',')
            .count();
        if bytes.get(secret.start + substitutions) == Some(&b'[') {
            return true;
        }
    }
    if before.ends_with(b"\"]:") || before.ends_with(b"']:") {
        return value.iter().all(|b| b.is_ascii_alphabetic() || *b == b'-');
    }
    let Some(attribute) = before
        .strip_suffix(b"=\"")
        .or_else(|| before.strip_suffix(b"='"))
    else {
        return false;
    };
    let name_start = run_start(attribute, attribute.len(), |b| {
        is_word_byte(b) || matches!(b, b'-' | b'.')
    });
    let Some(binding) = attribute[..name_start].strip_suffix(b":") else {
        return false;
    };
    let blank = binding.trim_ascii_end();
    blank.len() < binding.len() && blank.last().is_some_and(is_quote)
}

/// True when the value is an attribute's value inside an LDAP distinguished
/// name (`pwdPolicySubentry: cn=lockout,ou=policies,dc=example,dc=com`): a
/// `cn=`/`uid=`/`ou=` right before it and `,` with another attribute after.
pub fn is_ldap_name_part(bytes: &[u8], secret: &std::ops::Range<usize>) -> bool {
    let before = &bytes[..secret.start];
    let after = bytes.get(secret.end..).unwrap_or_default();
    let named = ["cn=", "uid=", "ou="]
        .iter()
        .any(|a| ends_with_ignore_case(before, a.as_bytes()));
    named
        && after.first() == Some(&b',')
        && LDAP_NAME_ATTRIBUTES
            .iter()
            .any(|a| starts_with_ignore_case(&after[1..], a.as_bytes()))
}

/// A pass of an algorithm in prose or a comment (`/* 1st pass: decode */`,
/// `second pass: merge`): the key is the word `pass` after an ordinal.
pub fn is_processing_pass(bytes: &[u8], key_start: usize) -> bool {
    let key = bytes.get(key_start..).unwrap_or_default();
    let is_pass = key.len() >= 4
        && key[..4].eq_ignore_ascii_case(b"pass")
        && !key.get(4).is_some_and(is_word_byte);
    if !is_pass {
        return false;
    }
    let before = &bytes[line_start(bytes, key_start)..key_start];
    let Some(before) = before.strip_suffix(b" ") else {
        return false;
    };
    let word = &before[run_start(before, before.len(), is_word_byte)..];
    let numbered = word.len() > 2 && {
        let (digits, suffix) = word.split_at(word.len() - 2);
        !digits.is_empty()
            && digits.iter().all(u8::is_ascii_digit)
            && is_one_of(suffix, &["st", "nd", "rd", "th"])
    };
    numbered || is_one_of(word, ORDINALS)
}

/// Words that count passes of an algorithm.
pub(super) const ORDINALS: &[&str] = &[
    "first", "second", "third", "fourth", "final", "last", "next", "each", "one", "two", "single",
    "multi", "another", "initial", "extra",
];

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
    let rest = first_line(&bytes[secret.end..]);
    // The keyword match starts at `PASS`, also in `XPASS`.
    let opening = opening.strip_suffix(b"X").unwrap_or(opening);
    if !opening.iter().all(|b| matches!(b, b' ' | b'\t')) || key != b"PASS: " {
        return false;
    }
    let more_name = rest.first() == Some(&b' ') && rest.iter().any(u8::is_ascii_alphanumeric);
    // Or a neighbouring line is a result too: a log holds runs of them.
    let [previous, next] =
        neighbour_lines(bytes, line_start(bytes, key_start), secret.end + rest.len());
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

/// True when the value is assigned (`=`, `:`, `=>`, `:=`) straight to a name
/// that names a public or derived value (`JWT_SECRET_SHA256 = "…"`,
/// `"tokenFingerprint": "…"`): the name check of the scored rules, for the
/// generic rules that are not scored (a known provider's or format's, and the
/// precise contexts such as `#define`).
pub fn is_assigned_to_public_name(bytes: &[u8], secret: &std::ops::Range<usize>) -> bool {
    let before = &bytes[line_start(bytes, secret.start)..secret.start];
    let to_operator = trim_end(before, b"\"'` \t");
    let to_name = trim_end(to_operator, b"=:>");
    // One operator of one or two characters (`=`, `:`, `=>`, `:=`).
    if !(1..=2).contains(&(to_operator.len() - to_name.len())) {
        return false;
    }
    let name = trim_end(to_name, b"\"'` \t]");
    let start = run_start(name, name.len(), |b| {
        is_word_byte(b) || matches!(b, b'-' | b'.')
    });
    start < name.len() && names_public_value(&name[start..])
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
    // A type alias (Go's `type TPCRYPT_<name> = uintptr`) or a
    // numeric constant (`const SQLITE_OnePass = 134217728`): declarations of
    // code, not a setting's value.
    if declares_alias_or_number(line_before, before, value) {
        return true;
    }
    // The "key" is the first branch of a conditional expression and the value
    // the second: `$ok ? "PASS" : "FAIL"`.
    let opening = trim_end(line_before, b"\"'` \t");
    if opening.len() < line_before.len() && opening.ends_with(b"?") {
        return true;
    }
    // AWS's idempotency token: a UUID under `ClientToken` (Akamai's
    // `ClientToken`, a credential, is `akab-…`).
    if bytes[key_ident_start..key_ident_end].ends_with(b"ClientToken") && is_uuid(value) {
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
    // A private field or a discard by its leading underscore after `= ` or
    // `: ` (`SigningKey = _mockEncryptedString,`): a variable; literal
    // credentials are quoted. (Not inside a URL: a GitLab deploy token may
    // start with `_`, `https://deploy-token:_aJQ…@gitlab.com`.)
    if value.first() == Some(&b'_')
        && value.iter().any(u8::is_ascii_alphabetic)
        && (before.ends_with(b"= ") || before.ends_with(b": "))
    {
        return true;
    }
    if is_class_body_annotation(bytes, key_ident_start, secret)
        || continues_as_a_call_chain(bytes, secret)
    {
        return true;
    }
    // A variable assigned to another in a statement of C-like code (the
    // value followed by `;` and the end of the line), or passed as a call's
    // keyword argument (the value followed by `)`). Literal credentials in
    // such code are quoted.
    if is_statement_end(&bytes[secret.end..]) || bytes.get(secret.end) == Some(&b')') {
        return true;
    }
    // Assigned to a subscript (`config['password'] = normalized`): code, and
    // an unquoted identifier there is a variable.
    let target = before.trim_ascii_end();
    if let Some(target) = target.strip_suffix(b"=") {
        let target = target.trim_ascii_end();
        if target.ends_with(b"']") || target.ends_with(b"\"]") {
            return true;
        }
    }
    // The variable's own name again: `password = password`, `passphrase=passphrase`.
    if contains_ignore_case(&bytes[key_ident_start..secret.start], value) {
        return true;
    }
    // An attribute of an object: `self.password = credentials`, ...
    let target = line_before;
    if names_a_variable(
        bytes,
        key_ident_start..key_ident_end,
        line_before,
        before,
        secret,
    ) {
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
        && rest.get(1).is_some_and(|b| {
            b.is_ascii_alphabetic()
                || matches!(b, b'(' | b'%')
                || (*b == b'$' && rest.get(2) == Some(&b'{'))
        })
    {
        return true;
    }
    // A sentence of a message catalog (`copy.password=Please copy the password
    // from …`): a capitalised word and three more words after it.
    if spaces == 1 && starts_a_sentence(value, &rest[1..]) {
        return true;
    }
    // A macro call (`parenthesized!(...)`), a chained assignment (`a = b = ''`),
    // a generic type (`Cb = Option<...>`).
    if next == Some(b'!')
        || next == Some(b'<')
        || (next == Some(b'=') && rest.get(spaces + 1) != Some(&b'='))
        // A lambda's parameter (`PASS_THROUGH = pathname -> true`).
        || (next == Some(b'-') && rest.get(spaces + 1) == Some(&b'>'))
        // An operand of arithmetic, a condition or a ternary
        // (`passwordHistory = index % 5 < 2`, `token = cached ?? fresh`).
        || (spaces > 0 && matches!(next, Some(b'%' | b'*' | b'?')))
        || (spaces > 0
            && matches!(next, Some(b'&' | b'|'))
            && rest.get(spaces + 1) == next.as_ref())
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

/// True when `value` is a capitalised word and `rest` (what follows it and
/// one blank) holds three more words of letters: the start of a sentence.
fn starts_a_sentence(value: &[u8], rest: &[u8]) -> bool {
    // Marks that may end a word, a closing quote, a line continuation.
    const MARKS: &[u8] = b"?.!:,;\"'\\ ";
    let capitalised = value.len() >= 2
        && value[0].is_ascii_uppercase()
        && value[1..].iter().all(u8::is_ascii_lowercase);
    let line = trim_end(first_line(rest), MARKS);
    if !capitalised || line.is_empty() {
        return false;
    }
    // Every word of the rest a word of prose (letters, maybe a mark after it),
    // sixteen at most; three of them, or a label naming the secret
    // (`Current Password`, `Forgot password?`, `Cambia Password`).
    let (mut count, mut names_secret) = (0, false);
    for word in line.split(|b| *b == b' ').map(|w| trim_end(w, MARKS)) {
        let prose = !word.is_empty()
            && word
                .iter()
                .all(|b| b.is_ascii_alphabetic() || *b == b'-' || !b.is_ascii());
        if !prose || count == 16 {
            return false;
        }
        count += 1;
        names_secret |= is_one_of(word, SECRET_NOUNS);
    }
    count >= 3 || names_secret
}

/// True when the key of a Java message catalog is itself English text with
/// escaped blanks (`Confirm\ Password=Confirmer le mot de passe`): the line
/// translates a label.
pub fn is_message_catalog_entry(bytes: &[u8], key_start: usize) -> bool {
    let start = line_start(bytes, key_start);
    let end =
        memchr::memchr2(b'=', b'\n', &bytes[key_start..]).map_or(bytes.len(), |i| key_start + i);
    memchr::memmem::find(&bytes[start..end], b"\\ ").is_some()
}

/// True when an identifier ends its line and the next line goes on with a
/// method call on it (`generator = Utils` then `.getGenerator(http);`, Java's
/// and Kotlin's builder chains): an
/// expression of code, not a configuration value.
fn continues_as_a_call_chain(bytes: &[u8], secret: &std::ops::Range<usize>) -> bool {
    let rest = &bytes[secret.end..];
    let Some(newline) = memchr::memchr(b'\n', rest) else {
        return false;
    };
    if !rest[..newline].trim_ascii().is_empty() {
        return false;
    }
    let next = rest[newline + 1..].trim_ascii_start();
    next.first() == Some(&b'.')
        && next
            .get(1)
            .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'<' | b'_'))
}

/// True for a field's type annotation in a Python class body (a `TypedDict`,
/// a dataclass, a pydantic model): `    Password: <a PascalCase type name>`,
/// the key first on its indented line, `: ` and a type name to the end of the
/// line (maybe `| None` or `[…]` after it), under a `class …:` line with only
/// such annotations, blank lines or a docstring's lines between. A YAML
/// mapping holds no `class …:` line.
fn is_class_body_annotation(
    bytes: &[u8],
    key_ident_start: usize,
    secret: &std::ops::Range<usize>,
) -> bool {
    let start = line_start(bytes, key_ident_start);
    let indent = &bytes[start..key_ident_start];
    let rest = bytes[secret.end..line_end(bytes, secret.end)].trim_ascii_end();
    if indent.is_empty()
        || !indent.iter().all(|b| matches!(b, b' ' | b'\t'))
        || !bytes[key_ident_start..secret.start].ends_with(b": ")
        || !(rest.is_empty() || rest.starts_with(b" | ") || rest.starts_with(b"["))
    {
        return false;
    }
    // Walk up at most a class's worth of lines.
    let mut end = start;
    for _ in 0..200 {
        if end == 0 {
            return false;
        }
        let above = line_start(bytes, end - 1);
        let line = &bytes[above..end - 1];
        let text = line.trim_ascii();
        end = above;
        if text.is_empty() {
            continue;
        }
        if line.starts_with(indent) {
            continue;
        }
        // The first line indented less: the class statement, or not a class body.
        return text.starts_with(b"class ") && text.ends_with(b":");
    }
    false
}

/// True when an unquoted identifier after a key is, by the code around it,
/// a variable or a type rather than a literal:
/// - after Go's `:=` (`key := uint64FromFileKey{…}`), an expression;
/// - before `{`: a composite literal's type or a block (`key := openSSHKey{`);
/// - a field of a composite literal (`RegistryLoginResult{Auth: response}`);
/// - the value of a quoted key in a dict or object literal (`'conn_pass': sshpass,`);
/// - the last field on its line of a multi-line object or struct literal,
///   the key first on the line (`Credentials: creds,`, Python's
///   `"SECRET_BLOCK": session,`): a YAML value runs to the end of its line,
///   so a YAML value there would hold the comma;
/// - assigned to a member on an indented line or to an exported one
///   (`opt.credentials = creds`, `cfg.Credentials = provider`).
fn names_a_variable(
    bytes: &[u8],
    key: std::ops::Range<usize>,
    line_before: &[u8],
    before: &[u8],
    secret: &std::ops::Range<usize>,
) -> bool {
    let after = first_line(&bytes[secret.end..]).trim_ascii();
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
    // A quoted key with an unquoted identifier for its value, then `,` or `}`:
    // a Python dict or a JavaScript object (`{'conn_pass': sshpass, …}`);
    // JSON quotes its string values, YAML flow mappings leave keys bare.
    let quoted_key = bytes.get(key.end).is_some_and(is_quote);
    if colon && quoted_key && matches!(after.first(), Some(b',' | b'}')) {
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
    let code_member = member && (indented || bytes[key.start].is_ascii_uppercase());
    let separator = bytes[key.end..secret.start].trim_ascii();
    code_member && separator == b"=" && after.is_empty()
}

/// True when the quoted string a value starts goes on with words, closing
/// on the same line: a sentence (`"Forgot your password?"` in a translation
/// file), a label naming the secret (`"Client secret"`, `'wrong password'`)
/// or a capitalised caption (`'Invalid Password'`), not a secret.
fn is_quoted_prose(bytes: &[u8], quote: u8, secret: &std::ops::Range<usize>) -> bool {
    let value_end = secret.end;
    let rest = &bytes[value_end..bytes.len().min(value_end + 200)];
    let line = first_line(rest);
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
        // Gradle's `project.findProperty('…')`, `hasProperty`, `property`.
        || name.starts_with(b"find")
        || name.ends_with(b"property")
        || name.ends_with(b"env")
        || name.ends_with(b"environ")
        || LOOKUP_CALLS.iter().any(|call| name == call.as_bytes())
}

/// True when `before` (a line up to a key) declares a type, whose `: Base`
/// is not a value.
/// The line before the key is only `type` (Go, TypeScript, Rust) or `const`
/// with an unquoted number for the value.
fn declares_alias_or_number(line_before: &[u8], before_value: &[u8], value: &[u8]) -> bool {
    let keyword = line_before.trim_ascii();
    let keyword = keyword
        .strip_prefix(b"export ")
        .or_else(|| keyword.strip_prefix(b"pub "))
        .unwrap_or(keyword)
        .trim_ascii_start();
    keyword == b"type"
        || (keyword == b"const"
            && !before_value.last().is_some_and(is_quote)
            && !value.is_empty()
            && value.iter().all(u8::is_ascii_digit))
}

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
    let line = first_line(after).trim_ascii();
    line.is_empty() || line.starts_with(b"//")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaced_commands_are_not_credentials() {
        let check = |line: &str, value: &str| {
            let start = line.find(value).expect("value in line");
            is_namespaced_command(line.as_bytes(), &(start..start + value.len()))
        };
        assert!(check("    rails \"credentials:fetch\", path\n", "fetch"));
        assert!(check(
            "$signature = 'auth:clear-resets {name?}';\n",
            "clear-resets"
        ));
        // A value in a key-value string, or one with capitals or digits, stays.
        assert!(!check("auth: clear-resets\n", "clear-resets"));
        let path = ["meta:au", "th:gsasl:conn"].concat();
        assert!(check(
            &format!("#define META_CONN \"{path}\"\n"),
            "gsasl:conn"
        ));
        let word = ["vz", "qkw"].concat();
        assert!(!check(&format!("url = \"redis://auth:{word}@h\"\n"), &word));
        assert!(check(
            "to use the auth:clear-resets command\n",
            "clear-resets"
        ));
        let word = ["sym", "fony-rocks"].concat();
        assert!(!check(
            &format!("openssl genrsa -passout pass:{word} -out k\n"),
            &word
        ));
        // A quoted `user:password` pair is no command.
        let pair = ["gsf", "suv:ovo", "ixw"].concat();
        assert!(!check(&format!("b64encode(b'{pair}')\n"), &pair[7..]));
        let value = ["Vr7kq2", "Lmz"].concat();
        assert!(!check(&format!("\"auth:{value}\"\n"), &value));
        // The tail of a hyphenated namespace: a library's symbol or URN.
        let name = ["better-au", "th:focus-manager"].concat();
        assert!(check(&format!("Symbol.for(\"{name}\")\n"), "focus-manager"));
        let name = ["urn:better-au", "th:par:post-login"].concat();
        assert!(check(&format!("const u = \"{name}\";\n"), "par:post-login"));
        let token = ["k9lq2v", "7tnb4m"].concat();
        assert!(!check(&format!("x-au{}:{token}\n", "th"), &token));
    }

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
    fn message_catalog_keys() {
        let text = "Confirm\\ Password=Confirmer le mot de passe\n";
        let key = text.find("Password").expect("key");
        assert!(is_message_catalog_entry(text.as_bytes(), key));
        let text = ["db.password=", "Kq7", "vzwr\n"].concat();
        assert!(!is_message_catalog_entry(text.as_bytes(), 3));
    }

    #[test]
    fn uuid_members_of_an_enumeration_of_ids() {
        let uuid = |n: u8| format!("{n:08x}-4d01-4d21-8ce4-b6b48cb575d4");
        let name = ["One", "Password"].concat();
        let text = format!(
            "enum Brand {{\n  Dashlane = \"{}\",\n  {name} = \"{}\",\n}}\n",
            uuid(1),
            uuid(2)
        );
        let at = text.find(&uuid(2)).unwrap_or(0);
        assert!(is_enum_of_ids(text.as_bytes(), &(at..at + 36)));
        // Settings lines of generated passwords are no enumeration.
        let text = format!(
            "DB_{}={}\nREDIS_{}={}\n",
            "PASSWORD",
            uuid(1),
            "PASSWORD",
            uuid(2)
        );
        let at = text.find(&uuid(2)).unwrap_or(0);
        assert!(!is_enum_of_ids(text.as_bytes(), &(at..at + 36)));
    }

    #[test]
    fn values_assigned_to_a_derived_name() {
        let digest = "1c029c677ff148e3af26e5621a692e47";
        let at = |text: &str| {
            let start = text.find(digest).unwrap_or(0);
            is_assigned_to_public_name(text.as_bytes(), &(start..start + digest.len()))
        };
        assert!(at(&format!("JWT_{}_SHA256 = \"{digest}\"\n", "SECRET")));
        assert!(at(&format!("  \"tokenFingerprint\": \"{digest}\",\n")));
        assert!(!at(&format!("JWT_{} = \"{digest}\"\n", "SECRET")));
        // Not an assignment: a call's argument is no name's value.
        assert!(!at(&format!("check_hash(\"{digest}\")\n")));
    }

    #[test]
    fn secrets_beside_a_documented_example_id() {
        let secret = ["DXjSUawnel2fr6", "SKC7G25CNxTyWKE5PF9XX6H/u9pSo="].concat();
        let text = format!(
            "--credential \"AccessKeyId=ABCDE12345670{}, RawSecretAccessKey={secret}\"\n",
            "EXAMPLE"
        );
        let at = text.find(&secret).unwrap_or(0);
        assert!(is_beside_documented_example(
            text.as_bytes(),
            &(at..at + secret.len())
        ));
        // "EXAMPLE" as a word of prose or a heading is no sample id.
        for line in ["# EXAMPLE: secretAccessKey", "SEE ALSO EXAMPLES"] {
            let text = format!("{line} secret_access_key = {secret}\n");
            let at = text.find(&secret).unwrap_or(0);
            assert!(!is_beside_documented_example(
                text.as_bytes(),
                &(at..at + secret.len())
            ));
        }
    }

    #[test]
    fn values_repeating_a_key_word() {
        let repeats = |line: &str, key: &str, value: &str| {
            let start = line.rfind(value).expect("value in line");
            let key = line.find(key).expect("key in line");
            repeats_a_key_word(line.as_bytes(), key, &(start..start + value.len()))
        };
        let line = ["user.password", "_confirmation = 'confirmation'"].concat();
        assert!(repeats(&line, "password", "confirmation"));
        // The end of the key, in another case or separator style.
        let line = ["ldapAttributeUnicode", "Pwd = \"unicodePwd\""].concat();
        assert!(repeats(&line, "Pwd", "unicodePwd"));
        let line = ["ClientAuthMethodPrivate", "KeyJWT = \"private_key_jwt\""].concat();
        assert!(repeats(&line, "KeyJWT", "private_key_jwt"));
        let line = [
            "eventLogCategoryOneTimePass",
            "word = \"One-Time Password\"",
        ]
        .concat();
        assert!(repeats(&line, "Password", "One-Time"));
        // A word the key does not hold is not a repeat.
        let line = ["ldap", "Password = \"unicodePwd\""].concat();
        assert!(!repeats(&line, "Password", "unicodePwd"));
        let random = ["kq7", "vzwr"].concat();
        let line = format!("user.password_confirmation = '{random}'");
        assert!(!repeats(&line, "password", &random));
    }

    #[test]
    fn markup_bindings() {
        let binding = |line: &str, value: &str| {
            let key = line.find("password").expect("key in line");
            let start = line.rfind(value).expect("value in line");
            is_markup_binding(line.as_bytes(), key, &(start..start + value.len()))
        };
        assert!(binding(
            "if ($('input[name=\"password\"]:checked').length === 1) {",
            "checked"
        ));
        // (Assembled at run time: this source holds no such line.)
        let field = ["<Field name=\"pass", "word\" :rules=\"rules\" />"].concat();
        assert!(binding(&field, "rules"));
        let literal = ["kq7", "vzwr"].concat();
        assert!(!binding(&format!("password: \"{literal}\""), &literal));
        assert!(!binding(&format!("password=\"{literal}\""), &literal));
        // AsciiDoc's passthrough macro (the key is `pass`).
        let pass = |line: &str, value: &str| {
            let key = line.find("pass:").expect("key in line");
            let start = line.rfind(value).expect("value in line");
            is_markup_binding(line.as_bytes(), key, &(start..start + value.len()))
        };
        assert!(pass(
            "footnote:[See the pass:specialcharacters,macros[xref:a]]",
            "specialcharacters"
        ));
        assert!(pass("a pass:q[*bold*] b", "q"));
        assert!(!pass(&format!("db pass: {literal}"), &literal));
    }

    #[test]
    fn ldap_name_parts() {
        let part = |line: &str, value: &str| {
            let start = line.find(value).expect("value in line");
            is_ldap_name_part(line.as_bytes(), &(start..start + value.len()))
        };
        // (Assembled at run time: this source holds no such line.)
        let name = ["expire", "in10"].concat();
        let key = ["pwd", "PolicySubentry"].concat();
        assert!(part(
            &format!("{key}: cn={name},ou=policies,dc=example"),
            &name
        ));
        assert!(!part(&format!("{key}: cn={name}"), &name));
        assert!(!part(&format!("{key}: {name},ou=policies"), &name));
    }

    #[test]
    fn passes_of_an_algorithm() {
        let pass = |line: &str| {
            let key = line.to_ascii_lowercase().find("pass").expect("key in line");
            is_processing_pass(line.as_bytes(), key)
        };
        assert!(pass("/* 1st pass: decode */"));
        assert!(pass("  // Second pass: concatenate"));
        let literal = ["kq7", "vzwr"].concat();
        assert!(!pass(&format!("db pass: {literal}")));
        assert!(!pass(&format!("1st password: {literal}")));
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
        assert!(check("config['password'] = normalized", "normalized"));
        let uuid = "4752b573-40a6-4eac-a8a4-a72058761219";
        let key = ["\"Client", "Token\": \""].concat();
        let line = format!("{key}{uuid}\"");
        let start = line.find(uuid).expect("value");
        assert!(is_code_context(
            line.as_bytes(),
            1,
            &(start..start + uuid.len())
        ));
        assert!(check("PASS_THROUGH = pathname -> true;", "pathname"));
        assert!(check("var passwordHistory = index % 5 < 2", "index"));
        assert!(check("password = cached ?? fresh", "cached"));
        assert!(check("password = given || fallback", "given"));
        assert!(check(
            "    ResetPasswordKey = _mockEncryptedString,",
            "_mockEncryptedString"
        ));
        let token = ["_aJQ9c3", "HWzmRR4knBNyx"].concat();
        let url = format!("git+https://deploy-pass:{token}@gitlab.com/a/b");
        assert!(!check(&url, &token));
        assert!(check(
            "token.copy.password=Please copy the password from the log",
            "Please"
        ));
        assert!(!check(
            &format!("password={classic} and more words"),
            &classic
        ));
        assert!(check("old_password=Current Password", "Current"));
        assert!(check("forget_password=Forgot password?", "Forgot"));
        assert!(check(
            "reset_password_failed = Could not reset password, please try again.",
            "Could"
        ));
        assert!(!check("password=Current # the demo", "Current"));
        assert!(check(
            "new WorkerTask(`PasswordException: response ${ex.code}`);",
            "response"
        ));
        let line = "log.debug(\"Failed basic auth: Application %s does not exist\" % client_id)";
        let start = line.find("Application").expect("value in line");
        let key = line.find("auth").expect("key in line");
        assert!(is_code_context(line.as_bytes(), key, &(start..start + 11)));
        assert!(!check(&format!("PASS={classic}; run"), &classic));
        // A value looked up by name, not a literal passed to a conversion.
        assert!(check("password = os.getenv(\"PGPASS\")", "PGPASS"));
        assert!(check("passwd = config.get('db_pass')", "db_pass"));
        assert!(check("password = _(\"Secret\")", "Secret"));
        assert!(check(
            "passphrase = project.findProperty('deployDocsSshPassphrase')",
            "deployDocsSshPassphrase"
        ));
        assert!(!check(&format!("passphrase = []byte(\"{mixed}\")"), &mixed));
        assert!(!check(&format!("password = String(\"{mixed}\")"), &mixed));
        // Type aliases and numeric constants are declarations of code.
        // (Assembled at run time: this source holds no such line.)
        let (name, kind) = (
            ["TPCRYPT_PASS", "WORD_CREDENTIALS"].concat(),
            "uint".to_owned() + "ptr",
        );
        assert!(check(&format!("type {name} = {kind}"), &kind));
        assert!(check("export type PasswordHash = string;", "string"));
        assert!(check("const SQLITE_OnePass = 134217728", "134217728"));
        assert!(!check("const dbPass = \"134217728\"", "134217728"));
        assert!(!check(&format!("const DB_PASSWORD = {classic}"), &classic));
        assert!(!check("pass: 134217728", "134217728"));
        // A Python class body's field annotations; the same line in YAML is a value.
        let kind = ["AuthHeader", "ParametersSensitive"].concat();
        let field = format!("    Username: AuthHeaderParameters\n    Password: {kind}\n");
        let class = format!("class BasicAuthParameters(TypedDict, total=False):\n{field}");
        let check_on_line_3 = |text: &str| {
            let start = text.rfind(&kind).expect("value in text");
            let key = text.rfind("Password").expect("key in text");
            is_code_context(text.as_bytes(), key, &(start..start + kind.len()))
        };
        assert!(check_on_line_3(&class));
        assert!(check_on_line_3(
            &class.replace("\n    Password", "\n\n    Password")
        ));
        assert!(!check_on_line_3(&format!("auth:\n{field}")));
        assert!(!check_on_line_3(&format!("class: basic\nauth:\n{field}")));
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
        let dict = [
            "passwords = {'conn_",
            "pass': sshpass, 'become_pass': becomepass}\n",
        ]
        .concat();
        assert!(check(&dict, "pass'", "sshpass"));
        // Bare keys in a flow mapping hold literals.
        let flow = ["{user: svc, pass", "word: kq7vzwr}\n"].concat();
        assert!(!check(&flow, "password", "kq7vzwr"));
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
}
