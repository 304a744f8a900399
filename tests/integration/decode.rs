//! Encoded secrets: base64 values of a Kubernetes Secret and a Docker
//! `config.json` are decoded and scanned; findings sit on the encoded value's
//! line with `encoding: ["base64"]`; `--decode-depth 0` turns it off; secrets
//! stay redacted.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::common::{EXIT_FINDINGS, FakeSecrets, Tree, fingerprint};

/// Fake secrets of one tree, generated at run time.
struct Fixture {
    tree: Tree,
    stripe: String,
    pat: String,
    docker_pat: String,
    password: String,
}

/// A Kubernetes Secret (lines 7..=9 hold base64 values) and a Docker
/// `config.json` (line 4 holds the `auth`).
fn fixture() -> Fixture {
    let mut fake = FakeSecrets::new(70);
    let stripe = fake.stripe_live();
    let pat = fake.github_pat();
    let docker_pat = fake.github_pat();
    let password = fake.string(
        b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789",
        18,
    );
    let tree = Tree::new();
    tree.write(
        "k8s/secret.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  \
             stripe_key: {}\n  github_token: {}\n  password: {}\n",
            STANDARD.encode(&stripe),
            STANDARD.encode(&pat),
            STANDARD.encode(&password),
        ),
    );
    tree.write(
        "docker/config.json",
        format!(
            "{{\n  \"auths\": {{\n    \"ghcr.io\": {{\n      \"auth\": \"{}\"\n    }}\n  }}\n}}\n",
            STANDARD.encode(format!("octocat:{docker_pat}"))
        ),
    );
    Fixture {
        tree,
        stripe,
        pat,
        docker_pat,
        password,
    }
}

/// The finding with this fingerprint.
fn by_fingerprint<'a>(report: &'a Value, fp: &str) -> Option<&'a Value> {
    report["findings"]
        .as_array()?
        .iter()
        .find(|f| f["fingerprint"] == fp)
}

/// `(path, line, encoding)` of every location of a finding.
fn places(finding: &Value) -> Vec<(String, u64, Value)> {
    finding["locations"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|l| {
                    (
                        l["path"].as_str().unwrap_or("").to_string(),
                        l["line"].as_u64().unwrap_or(0),
                        l["encoding"].clone(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn decode_kubernetes_secret_and_docker_auth() {
    let f = fixture();
    let run = f.tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    let base64 = serde_json::json!(["base64"]);

    let stripe = by_fingerprint(&report, &fingerprint("stripe.secret-key-live", &f.stripe))
        .unwrap_or_else(|| panic!("the decoded Stripe key is found:\n{}", run.stdout));
    assert_eq!(
        places(stripe),
        vec![("k8s/secret.yaml".to_string(), 7, base64.clone())]
    );

    let pat = by_fingerprint(&report, &fingerprint("github.pat-classic", &f.pat))
        .unwrap_or_else(|| panic!("the decoded GitHub token is found:\n{}", run.stdout));
    assert_eq!(
        places(pat),
        vec![("k8s/secret.yaml".to_string(), 8, base64.clone())]
    );
    assert_eq!(pat["locations"][0]["column"], 17);

    let docker = by_fingerprint(&report, &fingerprint("github.pat-classic", &f.docker_pat))
        .unwrap_or_else(|| panic!("the token inside the Docker auth is found:\n{}", run.stdout));
    assert_eq!(
        places(docker),
        vec![("docker/config.json".to_string(), 4, base64.clone())]
    );

    // The password line is reported once, on its line, with the decoded
    // password as its secret: the generic rule's match on the base64 text
    // gives way to the same rule's match on what it decodes to.
    let password_line: Vec<&Value> = report["findings"]
        .as_array()
        .map(|all| {
            all.iter()
                .filter(|f| {
                    places(f)
                        .iter()
                        .any(|(path, line, _)| path == "k8s/secret.yaml" && *line == 9)
                })
                .collect()
        })
        .unwrap_or_default();
    assert!(!password_line.is_empty(), "{}", run.stdout);
    assert!(
        password_line
            .iter()
            .all(|f| f["rule_id"] == "generic.password")
    );
    assert_eq!(
        password_line.len(),
        1,
        "one password finding on the line: {password_line:?}"
    );
    let decoded_password = fingerprint("generic.password", &f.password);
    assert_eq!(password_line[0]["fingerprint"], decoded_password.as_str());
    assert_eq!(
        password_line[0]["locations"][0]["encoding"],
        serde_json::json!(["base64"])
    );
}

#[test]
fn decode_depth_zero_finds_no_decoded_secret() {
    let f = fixture();
    let run = f
        .tree
        .run(&["scan", ".", "-f", "json", "--decode-depth", "0"]);
    let report = run.json();
    for fp in [
        fingerprint("stripe.secret-key-live", &f.stripe),
        fingerprint("github.pat-classic", &f.pat),
        fingerprint("github.pat-classic", &f.docker_pat),
        fingerprint("generic.password", &f.password),
    ] {
        assert!(by_fingerprint(&report, &fp).is_none(), "{}", run.stdout);
    }
    assert!(!run.stdout.contains("\"encoding\""), "{}", run.stdout);
}

#[test]
fn decode_depth_one_misses_nested_depth_two_finds_it() {
    let mut fake = FakeSecrets::new(71);
    let pat = fake.github_pat();
    let inner = STANDARD.encode(format!("token: {pat}"));
    let tree = Tree::new();
    tree.write(
        "values.yaml",
        format!("nested: {}\n", STANDARD.encode(format!("value: {inner}"))),
    );
    let fp = fingerprint("github.pat-classic", &pat);
    let run = tree.run(&["scan", ".", "-f", "json", "--decode-depth", "1"]);
    assert!(by_fingerprint(&run.json(), &fp).is_none(), "{}", run.stdout);
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    let finding = by_fingerprint(&report, &fp)
        .unwrap_or_else(|| panic!("found at the default depth 2:\n{}", run.stdout));
    assert_eq!(
        finding["locations"][0]["encoding"],
        serde_json::json!(["base64", "base64"])
    );
}

#[test]
fn decode_secrets_stay_redacted_in_every_format() {
    let f = fixture();
    let secrets = [&f.stripe, &f.pat, &f.docker_pat, &f.password];
    let text = f.tree.run(&["scan", "."]);
    text.expect_code(EXIT_FINDINGS);
    assert!(
        text.stdout.contains("k8s/secret.yaml:8:17 (base64)"),
        "{}",
        text.stdout
    );
    for format in ["text", "json", "jsonl", "sarif"] {
        let run = f.tree.run(&["scan", ".", "-f", format]);
        for secret in secrets {
            assert!(
                !run.all_output().contains(secret.as_str()),
                "-f {format} shows a decoded secret"
            );
        }
    }
    let sarif = f.tree.run(&["scan", ".", "-f", "sarif"]).json();
    let encoded = sarif["runs"][0]["results"]
        .as_array()
        .map(|results| {
            results
                .iter()
                .filter(|r| r["properties"]["encoding"] == serde_json::json!(["base64"]))
                .count()
        })
        .unwrap_or(0);
    assert!(encoded >= 3, "{sarif}");
    // --show-secrets reveals the decoded value.
    let shown = f.tree.run(&["scan", ".", "--show-secrets"]);
    assert!(shown.stdout.contains(f.pat.as_str()));
}
