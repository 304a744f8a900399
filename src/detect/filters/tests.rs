//! Tests that span several of the filters' files.

use super::names::names_public_value;
use super::placeholders::{
    encodes_short_word, is_counting_runs, is_made_of_fake_words, is_non_secret_word,
};
use super::*;

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
    assert!(is_translated_label("Slaptažodis".as_bytes()));
    assert!(is_translated_label(
        "Kullanıcının şifresi zaten ayarlanmış".as_bytes()
    ));
    assert!(is_translated_label("Zapomniałem hasła".as_bytes()));
    assert!(is_translated_label("Elfelejtette a jelszavát?".as_bytes()));
    assert!(is_translated_label(
        "Lösenordet får ej vara kortare".as_bytes()
    ));
    assert!(!is_translated_label(b"sandbox passes"));
    assert!(is_translated_label("Confirmer le mot de passe".as_bytes()));
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
    assert!(names_public_value(b"API_TOKEN_SHA256 = "));
    assert!(names_public_value(b"password_md5: "));
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
pub(super) fn expect_each(check: fn(&[u8]) -> bool, expected: bool, values: &[&[u8]]) {
    for value in values {
        assert_eq!(check(value), expected, "{}", String::from_utf8_lossy(value));
    }
}

#[test]
fn paths_urls_and_field_lists_are_not_values() {
    let literal = |value: &str| is_non_literal(value.as_bytes(), b"\"", true);
    assert!(literal("dockerfile/run/security"));
    assert!(literal("instance/service-accounts/"));
    assert!(literal("C:/foo/bar"));
    assert!(literal("D:\\builds\\out"));
    assert!(literal("config://whatever"));
    assert!(literal("/home/ci/images/windows-2012-R2-standard"));
    assert!(literal("/Users/me/Library/Keychains"));
    assert!(literal("default/basic-auth"));
    assert!(literal("cert-manager/cert-manager-webhook-ca"));
    assert!(literal("StrictHostKeyChecking=no"));
    assert!(literal("IdentitiesOnly=yes"));
    let pair = ["Zq7vKm", "=Xw9Lp2Rt"].concat();
    assert!(!literal(&pair));
    // One slash between random parts, or under no system directory, stays.
    let random = ["/kZ9Qv/Lm", "2Wx7Rt"].concat();
    assert!(!literal(&random));
    let halves = ["xq-zvkt/", "bzq-wrpt"].concat();
    assert!(!literal(&halves));
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
    let pair = ["auth=admin:", "Gk2vLq\n"].concat();
    assert!(!fields(&pair, "Gk2vLq"));
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
    assert!(decodes_to_placeholder(
        encode(b"this_is_the_secret").as_bytes()
    ));
    assert!(decodes_to_placeholder(encode(b"admin_password").as_bytes()));
    // A pagination cursor and a JWT header: small JSON objects of short members.
    let url = |text: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
    assert!(encodes_small_plain_json(
        url(br#"{"offset":"200","v":2}"#).as_bytes()
    ));
    assert!(encodes_small_plain_json(
        url(br#"{"alg":"RS256","typ":"JWT"}"#).as_bytes()
    ));
    // A tunnel token's secret, a member named for a secret: credentials.
    let secret = ["Zq7vL2xT9kWm", "R4nB8cY6hJ3pD5fG"].concat();
    let tunnel = format!(r#"{{"a":"acct","t":"tun","s":"{secret}"}}"#);
    assert!(!encodes_small_plain_json(url(tunnel.as_bytes()).as_bytes()));
    let pair = [r#"{"user":"ci","pass"#, r#"word":"Kq7vzw"}"#].concat();
    assert!(!encodes_small_plain_json(url(pair.as_bytes()).as_bytes()));
    assert!(!decodes_to_placeholder(
        encode(b"amber_river_tide").as_bytes()
    ));
    let htpasswd = ["user:{SHA}", "W6ph5Mm5Pz8GgiULbPgzG37mj9g="].concat();
    assert!(decodes_to_placeholder(
        encode(htpasswd.as_bytes()).as_bytes()
    ));
    // An armoured block with nothing inside (a fixture's stand-in key).
    let armour = |kind: &str, body: &str| {
        let dashes = "-----";
        format!("{dashes}BEGIN {kind}{dashes}\n{body}{dashes}END {kind}{dashes}\n")
    };
    let empty = armour("PRIVATE KEY", "");
    assert!(decodes_to_placeholder(encode(empty.as_bytes()).as_bytes()));
    let full = armour(
        "PRIVATE KEY",
        &["MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "\n"].concat(),
    );
    assert!(!decodes_to_placeholder(encode(full.as_bytes()).as_bytes()));
    // Certificates are public, under any name.
    let certificate = encode(armour("CERTIFICATE", "MIIB\n").as_bytes());
    assert!(is_non_literal(certificate.as_bytes(), b"\n", false));
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
    // An acronym before a word is a word of its own (`ECDH`, `Key`).
    assert!(is_word_identifier(b"SmartCardAssociatedECDHKey"));
    assert!(!is_word_identifier(b"qyOIhJiMXKwq"));
    // An object store's key of words is a path, base64 is not.
    assert!(is_word_path(b"folder/aSubfolder/subFile1"));
    assert!(!is_word_path(
        ["rcHu+HzSFw89", "Ypyhn/896A=="].concat().as_bytes()
    ));
    assert!(!is_word_path(b"/etc/shadow"));
    // Stand-ins that say what to put there.
    assert!(is_placeholder(
        ["RANDOMCHARS-----", "lGyjPcRtvP"].concat().as_bytes()
    ));
    assert!(is_placeholder(b"long-and-random-alpha-numeric-string"));
    // A program name of words, encoded (a documentation example's value).
    assert!(decodes_to_placeholder(
        encode(b"MyVerifierString").as_bytes()
    ));
    assert!(!decodes_to_placeholder(encode(b"Vr7kq2LmzP0w").as_bytes()));
    // Documentation filler: counting, descending, with a slip in it.
    let filler = ["1234abcd-1234-abcd", "-1234-abcd1234adcd"].concat();
    assert!(is_placeholder(filler.as_bytes()));
    assert!(is_placeholder(
        ["TSRQPONMLKJU", "HGFEDCBA"].concat().as_bytes()
    ));
    let example_uuid = ["123e4567-e89b", "-12d3-a456-426614174000"].concat();
    assert!(is_placeholder(example_uuid.as_bytes()));
    assert!(is_placeholder(
        ["7870825a-xm", "pl-4def-92e7"].concat().as_bytes()
    ));
    assert!(is_made_of_fake_words(b"ipsum"));
    assert!(is_made_of_fake_words(b"hardcoded"));
    assert!(is_made_of_fake_words(b"replace"));
    assert!(is_made_of_fake_words(b"other-user"));
    assert!(is_placeholder(["JBSWY3DP", "EHPK3PXP"].concat().as_bytes()));
    assert!(is_made_of_fake_words(b"areallyfakehash") || is_made_of_fake_words(b"reallyfakehash"));
    assert!(is_made_of_fake_words(b"databasehash"));
    assert!(is_placeholder(b"#{escaped}"));
    assert!(is_placeholder(b"sentinel-requirepass-goes-here"));
    assert!(decodes_to_placeholder(encode(b"test:1234").as_bytes()));
    let docker = ["{\"username\":\"test\",", "\"password\":\"1234\"}"].concat();
    assert!(decodes_to_placeholder(encode(docker.as_bytes()).as_bytes()));
    let secret = ["Vr7", "kq2Lm"].concat();
    let real = format!("{{\"username\":\"ci\",\"pass{}\":\"{secret}\"}}", "word");
    assert!(!decodes_to_placeholder(encode(real.as_bytes()).as_bytes()));
    assert!(!decodes_to_placeholder(encode(b"test:Vr7kq2Lm").as_bytes()));
    assert!(is_non_literal(b"dashboard", b"?.", false));
    // A P-256 public point (0x04 and two coordinates), base64url.
    let mut point = vec![4u8];
    point.extend((1..=64u8).map(|i| i.wrapping_mul(37)));
    let public = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&point);
    assert!(is_non_literal(public.as_bytes(), b"\"", true));
    let private = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&point[1..33]);
    assert!(!is_non_literal(private.as_bytes(), b"\"", true));
    let scope = [
        "__test_call__%2F2022",
        "0513%2Fus-east-1%2Fsqs%2Faws4_request",
    ]
    .concat();
    assert!(is_non_literal(scope.as_bytes(), b"\n", false));
    let cut = ["access_key%2F2016", "1107%2Fus-east-1"].concat();
    assert!(is_non_literal(cut.as_bytes(), b"'\n", false));
    let urn = ["urn:globus:au", "th:scope:transfer.api.globus.org:all"].concat();
    assert!(is_non_literal(urn.as_bytes(), b"'", true));
    assert!(is_non_literal(b"#/definitions/loginMethod", b"\"", true));
    assert!(is_non_literal(b"POST", b"\"", true));
    assert!(is_non_literal(b"10/hour", b"\"", true));
    assert!(is_non_literal(b"!isNegated", b"\n", false));
    assert!(is_non_literal(b"node", b" e", true));
    assert!(is_non_literal(b"result", b"\n", false));
    assert!(!is_non_literal(b"result", b"\"", true));
    assert!(!is_non_literal(b"!isNegated", b"\"", true));
    assert!(is_translated_label("Pakeisti slaptažodį".as_bytes()));
    assert!(is_translated_label("Promijeni šifru".as_bytes()));
    assert!(is_non_literal(b"vpp_rkrga=format=bgra:afbc=1", b"\"", true));
    assert!(!is_non_literal(b"Kq7vz=", b"\"", true));
    assert!(!is_non_literal(b"10/Kq7vz", b"\"", true));
    assert!(is_non_literal(b"Str0ng-Kq7v-", b"${", true));
    assert!(is_non_literal(b"Str0ng-Kq7v-$", b"{D", true));
    assert!(!is_non_literal(b"PostTz7q", b"\"", true));
    // A web address without user info or query names a page, not a secret.
    let page = b"https://datatracker.ietf.org/doc/html/rfc6749#section-2.3.1";
    assert!(is_non_literal(page, b"\n", false));
    let with_query = ["https://hooks.example.net/in?t=", "Zq7vL2xT9kWm"].concat();
    assert!(!is_non_literal(with_query.as_bytes(), b"\n", false));
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
        "postgres",
        "utf8",
        "utf-8",
        "keyboard",
        "passphrase",
        "dynamic",
        "minio123",
        "Date",
        "minioadmin",
        "import",
        "TODO",
    ] {
        assert!(is_non_secret_word(textbook.as_bytes()), "{textbook}");
    }
    assert!(is_made_of_fake_words(b"verys3cret"));
    assert!(is_made_of_fake_words(b"dbpass"));
    assert!(is_made_of_fake_words(b"nomatch"));
    assert!(is_made_of_fake_words(b"deadbeef"));
    assert!(is_made_of_fake_words(b"cl1ent$ecret"));
    assert!(!is_made_of_fake_words(b"v3rqzt"));
    // Percent-encoded in a URL (assembled at run time).
    let encoded = ["pa%24", "%24word"].concat();
    assert!(is_non_literal(encoded.as_bytes(), b"@", false));
    let random = ["Xk9%2F", "q7Lmv"].concat();
    assert!(!is_non_literal(random.as_bytes(), b"@", false));
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
    assert!(is_word_phrase(b"etcd-cluster-01"));
    assert!(is_word_phrase(b"search-toolbar.text"));
    assert!(is_word_phrase(b"llm_embedding_backend"));
    assert!(!is_word_phrase(b"llm_sql_backend"));
    assert!(is_word_phrase(b"mailer_smtp_enabled"));
    assert!(!is_word_phrase(b"xkqzbv-rtmplw"));
    // HTTP header names are Title-Case phrases.
    assert!(is_word_phrase(
        b"X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key"
    ));
    assert!(!is_word_phrase(b"Xkqzbv-Rtmplw"));
    assert!(!is_word_phrase(b"ConFigured-By-Env"));
    // A phrase naming a secret: a file or object name, a made-up value.
    assert!(names_a_secret(b"broker_keystore_creds"));
    assert!(names_a_secret(b"ovh_application_key"));
    assert!(names_a_secret(b"kafkaadmin-pass"));
    assert!(!names_a_secret(b"amber-river-tide"));
    assert!(!names_a_secret(b"kqzv_pass"));
    // One lowercase word; random lowercase letters are no word.
    assert!(is_lone_word(b"authorization"));
    assert!(is_lone_word(b"iamnotatoken"));
    assert!(!is_lone_word(b"nvcvqbixzngnovd"));
    assert!(!is_lone_word(b"gmhqtttkawhpdtnszlhotnueoy"));
    assert!(!is_lone_word(b"token"));
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
fn textbook_values_that_look_generated() {
    // Leetspeak with symbols skips the plain-word checks; these still catch it.
    let at = "@";
    for textbook in [
        format!("P{at}ssw0rd"),
        format!("P{at}ssw0rd!"),
        "Adm1n!".to_string(),
        "$uper$ecret".to_string(),
        ["Sup3rP", "%40ssw0rd"].concat(),
        ["T0pS", "3cr3t"].concat(),
        ["ThePa", "$$word"].concat(),
    ] {
        assert!(is_textbook_value(textbook.as_bytes()), "{textbook}");
    }
    for generated in ["Xk7#qL2v9Tn!", "v3rqzt$9Lw"] {
        assert!(!is_textbook_value(generated.as_bytes()), "{generated}");
    }
}
