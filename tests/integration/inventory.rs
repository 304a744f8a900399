//! The NHI inventory on real files and repositories: grouping, offline
//! evidence, risk reasons (each triggered by a purpose-built case), outputs
//! (JSON, CSV, SARIF link) and `inventory diff`.
//!
//! `SOURCE_DATE_EPOCH` pins "now" so expiry and age are reproducible.

use std::path::Path;
use std::process::Command as Process;

use base64::Engine;
use serde_json::Value;

use crate::common::{EXIT_CLEAN, EXIT_FINDINGS, FakeSecrets, Run, Tree, keyhound, parse_json};
use crate::git::{Repo, git_available};

const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// 2027-01-01T00:00:00Z, "now" for every run here.
const NOW: i64 = 1_798_761_600;
const DAY: i64 = 86_400;

/// Runs `keyhound ARGS` in `dir` with "now" pinned to `now`.
fn run_at(dir: &Path, args: &[&str], now: i64) -> Run {
    let output = keyhound()
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", now.to_string())
        .args(args)
        .output()
        .expect("keyhound runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        args: args.iter().map(|a| a.to_string()).collect(),
    }
}

/// The identities of an inventory run over `args`.
fn identities(dir: &Path, args: &[&str], now: i64) -> Vec<Value> {
    let mut all = vec!["inventory"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-f", "inventory"]);
    let run = run_at(dir, &all, now);
    run.expect_code(EXIT_CLEAN);
    let document = parse_json(&run.stdout);
    assert_inventory_schema(&document);
    document["identities"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn assert_inventory_schema(document: &Value) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/inventory.schema.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let validator = jsonschema::draft7::options()
        .build(&parse_json(&text))
        .unwrap_or_else(|e| panic!("inventory schema does not compile: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}\n{document:#}", errors.join("\n"));
}

fn reason_codes(identity: &Value) -> Vec<String> {
    identity["risk"]["reasons"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|x| x["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[track_caller]
fn assert_reasons(identity: &Value, expected: &[&str]) {
    let codes = reason_codes(identity);
    for code in expected {
        assert!(
            codes.iter().any(|c| c == code),
            "reason {code} missing from {codes:?}\n{identity:#}"
        );
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn find<'a>(identities: &'a [Value], kind: &str) -> &'a Value {
    identities
        .iter()
        .find(|i| i["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} identity in {identities:#?}"))
}

/// An AWS key id and secret key. The first character after `AKIA` is one of
/// A-H so the account id the key id encodes has 12 digits.
fn aws_pair(fake: &mut FakeSecrets) -> (String, String) {
    let key_id = format!(
        "{}{}{}",
        ["AK", "IA"].concat(),
        fake.string(b"ABCDEFGH", 1),
        fake.string(UPPER_DIGITS, 15)
    );
    (key_id, fake.string(BASE64, 40))
}

#[test]
fn same_secret_in_three_files_is_one_identity_with_environments_and_owners() {
    let mut fake = FakeSecrets::new(501);
    let token = fake.github_pat();
    let tree = Tree::new();
    tree.write(
        ".github/CODEOWNERS",
        "* @acme/everyone\n/config/ @acme/platform\n",
    );
    for path in ["config/prod.env", "config/dev.env", "deploy/staging.yaml"] {
        tree.write(path, format!("GITHUB_TOKEN={token}\n"));
    }
    let found = identities(tree.path(), &["."], NOW);
    assert_eq!(found.len(), 1, "{found:#?}");
    let identity = &found[0];
    assert_eq!(identity["kind"], "personal-access-token");
    assert_eq!(identity["provider"], "github");
    assert_eq!(identity["locations"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        strings(&identity["environments"]),
        ["prod", "staging", "dev"]
    );
    let owners: Vec<String> = identity["owners"]
        .as_array()
        .map(|o| {
            o.iter()
                .filter_map(|x| x["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(owners, ["@acme/everyone", "@acme/platform"]);
    assert_reasons(
        identity,
        &["leaked", "production", "prod-and-non-prod", "reused"],
    );
    assert_eq!(identity["risk"]["score"], 65, "{identity:#}");
    let nhi = identity["risk"]["reasons"][0]["nhi"].as_str().unwrap_or("");
    assert!(nhi.starts_with("NHI"), "{identity:#}");
}

#[test]
fn aws_key_id_and_secret_key_are_one_identity_with_its_account() {
    let mut fake = FakeSecrets::new(502);
    let (key_id, secret) = aws_pair(&mut fake);
    let tree = Tree::new();
    tree.write(
        "deploy/aws.env",
        format!("AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\n"),
    );
    let found = identities(tree.path(), &["."], NOW);
    assert_eq!(found.len(), 1, "{found:#?}");
    let identity = &found[0];
    assert_eq!(identity["kind"], "cloud-access-key");
    assert_eq!(identity["principal"], key_id.as_str());
    // The key id is the secret key's companion part: one finding, one identity.
    assert_eq!(strings(&identity["rules"]), ["aws.secret-access-key"]);
    assert!(
        identity["attributes"]["account_id"]
            .as_str()
            .is_some_and(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit())),
        "{identity:#}"
    );
    assert_reasons(identity, &["leaked", "long-lived-key"]);
    // The identity id is stable from run to run.
    let again = identities(tree.path(), &["."], NOW + DAY);
    assert_eq!(again[0]["id"], identity["id"]);
}

/// A base64url JSON segment.
fn segment(json: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

fn jwt(header: &str, claims: &str, fake: &mut FakeSecrets) -> String {
    format!(
        "{}.{}.{}",
        segment(header),
        segment(claims),
        fake.string(ALNUM, 43)
    )
}

#[test]
fn jwt_claims_give_principal_expiry_and_reasons() {
    let mut fake = FakeSecrets::new(503);
    let unsigned = jwt(
        r#"{"alg":"none","typ":"JWT"}"#,
        r#"{"sub":"svc-reporting","iss":"https://auth.acme.test"}"#,
        &mut fake,
    );
    let expired = jwt(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        &format!(
            r#"{{"sub":"svc-billing","iat":{},"exp":{}}}"#,
            NOW - 90 * DAY,
            NOW - DAY
        ),
        &mut fake,
    );
    let soon = jwt(
        r#"{"alg":"RS256","typ":"JWT"}"#,
        &format!(
            r#"{{"sub":"svc-export","iat":{},"exp":{}}}"#,
            NOW - DAY,
            NOW + 10 * DAY
        ),
        &mut fake,
    );
    let tree = Tree::new();
    tree.write(
        "src/client.py",
        format!("A = \"{unsigned}\"\nB = \"{expired}\"\nC = \"{soon}\"\n"),
    );
    let found = identities(tree.path(), &["."], NOW);
    let by_principal = |p: &str| {
        found
            .iter()
            .find(|i| i["principal"] == p)
            .unwrap_or_else(|| panic!("no identity for {p}: {found:#?}"))
    };
    let none = by_principal("svc-reporting");
    assert_eq!(none["kind"], "jwt");
    assert_eq!(none["attributes"]["alg"], "none");
    assert_reasons(none, &["unsigned-jwt", "no-expiry"]);
    let old = by_principal("svc-billing");
    assert_reasons(old, &["expired"]);
    assert!(
        old["expires"]
            .as_str()
            .is_some_and(|e| e.starts_with("2026-12-31")),
        "{old:#}"
    );
    assert_reasons(by_principal("svc-export"), &["expires-soon"]);
}

fn openssl(dir: &Path, args: &[&str]) -> bool {
    Process::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A private key written as string literals joined in code (`"…\n" +`
/// lines, a Python list of lines) is found, parsed and filed under the same
/// identity as the PEM file it was copied from.
#[test]
fn a_private_key_in_code_literals_is_the_identity_of_its_pem_file() {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
    let pem = pair.serialize_pem();
    let literals = |quote: &str, join: &str| -> String {
        pem.lines()
            .map(|l| format!("    {quote}{l}\\n{quote}"))
            .collect::<Vec<_>>()
            .join(join)
    };
    let tree = Tree::new();
    tree.write("keys/service.pem", &pem);
    tree.write(
        "src/Keys.kt",
        format!("const val KEY: String = (\n{}\n)\n", literals("\"", " +\n")),
    );
    tree.write(
        "tests/keys.py",
        format!("KEY = \"\".join([\n{}\n])\n", literals("'", ",\n")),
    );
    let found = identities(tree.path(), &["."], NOW);
    assert_eq!(found.len(), 1, "{found:#?}");
    let key = &found[0];
    assert_eq!(key["kind"], "tls-private-key", "{key:#}");
    let mut paths: Vec<String> = key["locations"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|l| l["path"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    assert_eq!(
        paths,
        ["keys/service.pem", "src/Keys.kt", "tests/keys.py"],
        "{key:#}"
    );
}

#[test]
fn private_key_and_its_certificate_are_one_identity() {
    let tree = Tree::new();
    tree.mkdir("tls");
    tree.mkdir("legacy");
    let made = openssl(
        tree.path(),
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "tls/server.key",
            "-out",
            "tls/server.crt",
            "-days",
            "825",
            "-subj",
            "/CN=api.acme.test",
        ],
    ) && openssl(tree.path(), &["genrsa", "-out", "legacy/old.key", "1024"]);
    if !made {
        eprintln!("openssl is not installed or failed: skipping the key + certificate test");
        return;
    }
    // The same certificate as base64 DER in a configuration value.
    let pem = std::fs::read_to_string(tree.join("tls/server.crt")).unwrap_or_default();
    let der: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    tree.write(
        "config/tls.yaml",
        format!("tls:\n  certificate: \"{der}\"\n"),
    );
    let found = identities(tree.path(), &["."], NOW);
    let linked = found
        .iter()
        .find(|i| strings(&i["rules"]).iter().any(|r| r == "x509.certificate"))
        .unwrap_or_else(|| panic!("no identity with the certificate: {found:#?}"));
    assert_eq!(linked["kind"], "tls-private-key", "{linked:#}");
    assert_eq!(
        linked["locations"].as_array().map(Vec::len),
        Some(3),
        "{linked:#}"
    );
    assert!(
        linked["principal"]
            .as_str()
            .is_some_and(|p| p.contains("api.acme.test")),
        "{linked:#}"
    );
    assert!(linked["expires"].is_string(), "{linked:#}");
    assert_reasons(
        linked,
        &["leaked", "unencrypted-private-key", "long-validity"],
    );
    let short = found
        .iter()
        .find(|i| i["locations"][0]["path"] == "legacy/old.key")
        .unwrap_or_else(|| panic!("no identity for the 1024-bit key: {found:#?}"));
    assert_reasons(short, &["short-rsa-key", "unencrypted-private-key"]);
    // Only the key is a finding: the certificate alone never sets the exit code.
    std::fs::remove_file(tree.join("tls/server.key")).ok();
    std::fs::remove_file(tree.join("legacy/old.key")).ok();
    std::fs::remove_file(tree.join("config/tls.yaml")).ok();
    run_at(tree.path(), &["scan", "."], NOW).expect_code(EXIT_CLEAN);
    let certificate = identities(tree.path(), &["."], NOW);
    assert_eq!(certificate.len(), 1, "{certificate:#?}");
    assert_eq!(certificate[0]["kind"], "certificate");
    assert!(strings(&certificate[0]["findings"]).is_empty());
}

#[test]
fn secret_removed_from_head_must_be_rotated_and_old_ones_are_flagged() {
    if !git_available() {
        return;
    }
    let mut fake = FakeSecrets::new(504);
    let (key_id, secret) = aws_pair(&mut fake);
    let mut repo = Repo::new();
    repo.write("README.md", "# service\n");
    repo.write(".github/CODEOWNERS", "*.env @acme/secops\n");
    repo.write(
        "prod.env",
        &format!("AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\n"),
    );
    repo.commit("add credentials", "Ada Lovelace");
    repo.write("prod.env", "AWS_PROFILE=prod\n");
    repo.commit("use a profile instead", "Ada Lovelace");
    let two_years_later = 1_700_000_000 + 2 * 365 * DAY;
    let found = identities(repo.path(), &["--git", "."], two_years_later);
    assert_eq!(found.len(), 1, "{found:#?}");
    let identity = &found[0];
    assert_eq!(identity["present_at_head"], false);
    assert_eq!(identity["first_seen"], "2023-11-14T22:14:20+00:00");
    assert_eq!(strings(&identity["repositories"]), ["."]);
    let owners = identity["owners"].to_string();
    assert!(owners.contains("@acme/secops"), "{owners}");
    assert!(
        owners.contains("Ada Lovelace <ada.lovelace@example.test>"),
        "{owners}"
    );
    assert!(identity["locations"][0]["commit"].is_string());
    assert_reasons(
        identity,
        &["leaked", "removed-but-in-history", "old", "production"],
    );
}

#[test]
fn credentials_in_shell_history_are_human_use_of_a_machine_identity() {
    let mut fake = FakeSecrets::new(505);
    let token = fake.github_pat();
    let tree = Tree::new();
    tree.write(
        "home/ops/.bash_history",
        format!("ls\nexport GITHUB_TOKEN={token}\ngit push\n"),
    );
    let found = identities(tree.path(), &["."], NOW);
    assert_reasons(
        find(&found, "personal-access-token"),
        &["personal-dotfiles"],
    );
}

#[test]
fn csv_sarif_and_json_link_findings_to_identities() {
    let mut fake = FakeSecrets::new(506);
    let (key_id, secret) = aws_pair(&mut fake);
    let tree = Tree::new();
    tree.write(
        "aws.env",
        format!("AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\n"),
    );
    let id = identities(tree.path(), &["."], NOW)[0]["id"].clone();

    let csv = run_at(tree.path(), &["inventory", ".", "-f", "csv"], NOW);
    csv.expect_code(EXIT_CLEAN);
    let mut lines = csv.stdout.lines();
    assert!(
        lines
            .next()
            .is_some_and(|h| h.starts_with("id,risk,kind,provider"))
    );
    let row = lines.next().unwrap_or_default();
    assert!(
        row.contains(id.as_str().unwrap_or("?")) && row.contains("cloud-access-key"),
        "{row}"
    );
    // The key id is the principal (AWS documents it as not secret); the secret never shows.
    assert!(!csv.stdout.contains(&secret) && row.contains(&key_id));

    let sarif = run_at(tree.path(), &["scan", ".", "-f", "sarif"], NOW);
    sarif.expect_code(EXIT_FINDINGS);
    let log = parse_json(&sarif.stdout);
    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!results.is_empty());
    for result in &results {
        assert_eq!(result["properties"]["identity"], id, "{result:#}");
        let message = result["message"]["text"].as_str().unwrap_or_default();
        assert!(
            message.contains("Risk ") && message.contains("[NHI2]"),
            "{message}"
        );
    }

    let json = run_at(tree.path(), &["scan", ".", "-f", "json"], NOW);
    let report = parse_json(&json.stdout);
    assert_eq!(report["identities"][0]["id"], id);
    let fingerprints: Vec<Value> = report["findings"]
        .as_array()
        .map(|f| f.iter().map(|x| x["fingerprint"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(
        report["identities"][0]["findings"],
        Value::Array(fingerprints)
    );

    let table = run_at(tree.path(), &["inventory", "."], NOW);
    table.expect_code(EXIT_CLEAN);
    assert!(
        table.stdout.contains("cloud-access-key") && table.stdout.contains("NHI2"),
        "{}",
        table.stdout
    );
}

#[test]
fn inventory_diff_shows_a_rotation() {
    let mut fake = FakeSecrets::new(507);
    let (old_id, old_secret) = aws_pair(&mut fake);
    let (new_id, new_secret) = aws_pair(&mut fake);
    let token = fake.github_pat();
    let tree = Tree::new();
    let write = |id: &str, secret: &str| {
        tree.write(
            "app/aws.env",
            format!("AWS_ACCESS_KEY_ID={id}\nAWS_SECRET_ACCESS_KEY={secret}\n"),
        );
    };
    tree.write("app/gh.env", format!("TOKEN={token}\n"));
    write(&old_id, &old_secret);
    let out = Tree::new();
    let before = out.join("before.json");
    let after = out.join("after.json");
    let save = |file: &Path| {
        let target = file.to_string_lossy().into_owned();
        run_at(
            tree.path(),
            &["inventory", "app", "-f", "inventory", "-o", &target],
            NOW,
        )
        .expect_code(EXIT_CLEAN);
        target
    };
    let before = save(&before);
    write(&new_id, &new_secret);
    tree.write("app/copy.env", format!("TOKEN={token}\n"));
    let after = save(&after);

    let diff = run_at(tree.path(), &["inventory", "diff", &before, &after], NOW);
    diff.expect_code(EXIT_FINDINGS);
    assert!(
        diff.stdout.contains(&format!("{new_id} (risk")) || diff.stdout.contains("+ "),
        "{}",
        diff.stdout
    );
    assert!(
        diff.stdout
            .contains("1 added, 1 removed, 1 changed, 0 unchanged"),
        "{}",
        diff.stdout
    );
    assert!(diff.stdout.contains("locations: 1 -> 2"), "{}", diff.stdout);
    let json = run_at(
        tree.path(),
        &["inventory", "diff", &before, &after, "--json"],
        NOW,
    );
    let parsed = parse_json(&json.stdout);
    assert_eq!(parsed["added"][0]["principal"], new_id.as_str());
    assert_eq!(parsed["removed"][0]["principal"], old_id.as_str());

    run_at(tree.path(), &["inventory", "diff", &after, &after], NOW).expect_code(EXIT_CLEAN);
    let bad = run_at(
        tree.path(),
        &["inventory", "diff", &after, "missing.json"],
        NOW,
    );
    bad.expect_code(crate::common::EXIT_ERROR);
    assert!(
        bad.stderr.contains("cannot read missing.json"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_failed_github_checksum_lowers_confidence() {
    let mut fake = FakeSecrets::new(508);
    let good = fake.github_pat();
    let bad = fake.github_pat_bad_checksum();
    let tree = Tree::new();
    tree.write("ci.env", format!("GH_TOKEN={good}\nOTHER_TOKEN={bad}\n"));
    let run = run_at(
        tree.path(),
        &["scan", ".", "-f", "json", "--show-secrets"],
        NOW,
    );
    run.expect_code(EXIT_FINDINGS);
    let report = parse_json(&run.stdout);
    let finding = |secret: &str| {
        report["findings"]
            .as_array()
            .and_then(|f| f.iter().find(|x| x["secret"] == secret))
            .cloned()
            .unwrap_or_else(|| panic!("no finding for a token: {report:#}"))
    };
    let valid = finding(&good);
    assert_eq!(valid["confidence"], "high");
    assert_eq!(valid["evidence"]["checksum_valid"], true);
    assert_eq!(
        valid["evidence"]["attributes"]["token_type"],
        "personal-access-token-classic"
    );
    let invalid = finding(&bad);
    assert_eq!(invalid["confidence"], "medium");
    assert_eq!(invalid["evidence"]["checksum_valid"], false);
}

#[test]
fn configuration_sections_give_environments() {
    let mut fake = FakeSecrets::new(509);
    let password = fake.string(ALNUM, 18);
    let tree = Tree::new();
    tree.write(
        "config/database.yml",
        format!(
            "default: &default\n  adapter: postgresql\n\ndevelopment:\n  <<: *default\n  password: {password}\n\nproduction:\n  <<: *default\n  username: app\n  password: {password}\n"
        ),
    );
    let found = identities(tree.path(), &["."], NOW);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(strings(&found[0]["environments"]), ["prod", "dev"]);
    // Each location carries its own environment.
    let per_location: Vec<(u64, Vec<String>)> = found[0]["locations"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|x| (x["line"].as_u64().unwrap_or(0), strings(&x["environments"])))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        per_location,
        [(6, vec!["dev".to_string()]), (11, vec!["prod".to_string()])]
    );
    assert_reasons(
        &found[0],
        &["prod-and-non-prod", "production", "plaintext-password"],
    );
    let report = parse_json(&run_at(tree.path(), &["scan", ".", "-f", "json"], NOW).stdout);
    let sections: Vec<Value> = report["findings"][0]["locations"]
        .as_array()
        .map(|l| l.iter().map(|x| x["section"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(sections, ["development", "production"]);
}

#[test]
fn one_inventory_run_prints_the_table_and_writes_json_csv_and_html() {
    let mut fake = FakeSecrets::new(510);
    let token = fake.github_pat();
    let tree = Tree::new();
    tree.write("app/.env", format!("GITHUB_TOKEN={token}\n"));
    let out = Tree::new();
    let (json, csv, html) = (
        out.join("nhi.json"),
        out.join("nhi.csv"),
        out.join("nhi.html"),
    );
    let run = run_at(
        tree.path(),
        &[
            "inventory",
            "app",
            "--json",
            &json.to_string_lossy(),
            "--csv",
            &csv.to_string_lossy(),
            "--html",
            &html.to_string_lossy(),
        ],
        NOW,
    );
    run.expect_code(EXIT_CLEAN);
    assert!(
        run.stdout.contains("personal-access-token"),
        "{}",
        run.stdout
    );
    let document = parse_json(&std::fs::read_to_string(&json).unwrap_or_default());
    assert_inventory_schema(&document);
    assert_eq!(document["identities"].as_array().map(Vec::len), Some(1));
    let rows = std::fs::read_to_string(&csv).unwrap_or_default();
    assert_eq!(rows.lines().count(), 2, "{rows}");
    let page = std::fs::read_to_string(&html).unwrap_or_default();
    assert!(page.contains("personal-access-token") && !page.contains(&token));
}

#[test]
fn an_ssh_key_comment_is_an_owner_hint() {
    use ssh_key::{LineEnding, PrivateKey, private::Ed25519Keypair};
    let seed = [7u8; 32];
    let public = ed25519_dalek::SigningKey::from_bytes(&seed)
        .verifying_key()
        .to_bytes();
    let mut bytes = [0u8; 64];
    bytes[..32].copy_from_slice(&seed);
    bytes[32..].copy_from_slice(&public);
    let Ok(pair) = Ed25519Keypair::from_bytes(&bytes) else {
        panic!("an Ed25519 key pair");
    };
    let mut key = PrivateKey::from(pair);
    key.set_comment("deploy@build-01");
    let Ok(text) = key.to_openssh(LineEnding::LF) else {
        panic!("an OpenSSH key encodes");
    };
    let tree = Tree::new();
    tree.write("ops/id_ed25519", text.as_str());
    let found = identities(tree.path(), &["."], NOW);
    assert_eq!(found.len(), 1, "{found:#?}");
    let owners: Vec<(String, String)> = found[0]["owners"]
        .as_array()
        .map(|o| {
            o.iter()
                .map(|x| (strings_of(&x["name"]), strings_of(&x["source"])))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        owners,
        [("deploy@build-01".to_string(), "key-comment".to_string())]
    );
}

fn strings_of(value: &serde_json::Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}
