//! Exported config stores piped to `keyhound scan --stdin --store KIND`:
//! realistic exports built at test time around fake secrets.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::common::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, FakeSecrets, Run, Tree};

const ALPHANUMERIC: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/// Two fake secrets: a random database password and a Stripe-shaped key.
struct Secrets {
    password: String,
    stripe: String,
}

fn secrets(seed: u64) -> Secrets {
    let mut generator = FakeSecrets::new(seed);
    // Like a password manager's: upper and lower case letters and digits.
    let password = loop {
        let candidate = generator.string(ALPHANUMERIC, 22);
        let digits = candidate.bytes().filter(u8::is_ascii_digit).count();
        if digits >= 3
            && candidate.bytes().any(|b| b.is_ascii_uppercase())
            && candidate.bytes().any(|b| b.is_ascii_lowercase())
        {
            break candidate;
        }
    };
    Secrets {
        password,
        stripe: generator.stripe_live(),
    }
}

fn b64(text: &str) -> String {
    STANDARD.encode(text)
}

/// Runs `keyhound scan --stdin --store KIND` plus `extra` on `input`.
fn scan_store(kind: &str, input: &str, extra: &[&str]) -> Run {
    let tree = Tree::new();
    let mut args = vec!["scan", "--stdin", "--store", kind];
    args.extend_from_slice(extra);
    tree.run_with_stdin(&args, input.as_bytes())
}

/// `(rule_id, path, line, secret)` of every finding's locations.
fn findings(report: &Value) -> Vec<(String, String, u64, String)> {
    let mut out = Vec::new();
    for finding in report["findings"].as_array().into_iter().flatten() {
        for location in finding["locations"].as_array().into_iter().flatten() {
            out.push((
                finding["rule_id"].as_str().unwrap_or_default().to_string(),
                location["path"].as_str().unwrap_or_default().to_string(),
                location["line"].as_u64().unwrap_or_default(),
                finding["secret"].as_str().unwrap_or_default().to_string(),
            ));
        }
    }
    out.sort();
    out
}

/// `kubectl get secrets -A -o json`.
fn k8s_export(s: &Secrets) -> String {
    let secret = |namespace: &str, name: &str, data: Value| {
        json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "creationTimestamp": "2024-05-02T10:11:12Z",
                "name": name,
                "namespace": namespace,
                "resourceVersion": "48213",
                "uid": "6f1c2a5e-0d7b-4e8e-9b1e-2f7a3c4d5e6f"
            },
            "type": "Opaque",
            "data": data
        })
    };
    json!({
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            secret("prod", "db-creds", json!({
                "username": b64("payments"),
                "password": b64(&s.password),
                "host": b64("db.internal")
            })),
            secret("payments-staging", "billing", json!({ "stripe-key": b64(&s.stripe) })),
            secret("kube-system", "bootstrap", json!({ "description": b64("bootstrap settings") })),
        ],
        "metadata": { "resourceVersion": "" }
    })
    .to_string()
}

/// `consul kv export`.
fn consul_export(s: &Secrets) -> String {
    json!([
        { "key": "app/prod/db/host", "flags": 0, "value": b64("db.internal") },
        { "key": "app/prod/db/password", "flags": 0, "value": b64(&s.password) },
        { "key": "app/prod/billing/stripe_key", "flags": 0, "value": b64(&s.stripe) },
        { "key": "app/prod/feature/", "flags": 0, "value": null }
    ])
    .to_string()
}

/// `etcdctl get "" --prefix -w json`.
fn etcd_export(s: &Secrets) -> String {
    let kv = |key: &str, value: &str, revision: u64| {
        json!({
            "key": b64(key),
            "create_revision": revision,
            "mod_revision": revision,
            "version": 1,
            "value": b64(value)
        })
    };
    json!({
        "header": { "cluster_id": 14841639068965178418u64, "member_id": 10276657743932975437u64, "revision": 9, "raft_term": 2 },
        "kvs": [
            kv("/config/db/password", &s.password, 5),
            kv("/config/billing/stripe", &s.stripe, 7),
            kv("/config/log-level", "info", 8)
        ],
        "count": 3
    })
    .to_string()
}

/// `vault kv get -format=json secret/app` (KV v2).
fn vault_export(s: &Secrets) -> String {
    json!({
        "request_id": "0c3b9c4e-1f7e-4c55-b2b9-8f5b0a6d7e21",
        "lease_id": "",
        "lease_duration": 0,
        "renewable": false,
        "data": {
            "data": { "db_password": s.password, "stripe_key": s.stripe, "region": "eu-west-1" },
            "metadata": {
                "created_time": "2024-05-02T10:11:12.123456Z",
                "custom_metadata": null,
                "deletion_time": "",
                "destroyed": false,
                "version": 3
            }
        },
        "warnings": null
    })
    .to_string()
}

/// `aws ssm get-parameters-by-path --path /prod --recursive --with-decryption`.
fn ssm_export(s: &Secrets) -> String {
    let parameter = |name: &str, kind: &str, value: &str| {
        json!({
            "Name": name,
            "Type": kind,
            "Value": value,
            "Version": 2,
            "LastModifiedDate": "2024-05-02T10:11:12.345000+00:00",
            "ARN": format!("arn:aws:ssm:eu-west-1:000000000000:parameter{name}"),
            "DataType": "text"
        })
    };
    json!({
        "Parameters": [
            parameter("/prod/db/password", "SecureString", &s.password),
            parameter("/prod/billing/stripe_key", "SecureString", &s.stripe),
            parameter("/prod/db/host", "String", "db.internal")
        ]
    })
    .to_string()
}

/// `env`.
fn env_export(s: &Secrets) -> String {
    format!(
        "HOME=/home/app\nPATH=/usr/local/bin:/usr/bin:/bin\nLANG=C.UTF-8\nDB_PASSWORD={}\nSTRIPE_SECRET_KEY={}\nSHLVL=1\n",
        s.password, s.stripe
    )
}

/// `docker inspect payments-api`.
fn docker_export(s: &Secrets) -> String {
    json!([{
        "Id": "4f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a",
        "Created": "2024-05-02T10:11:12.123456789Z",
        "Path": "docker-entrypoint.sh",
        "Args": ["node", "server.js"],
        "State": { "Status": "running", "Running": true, "Pid": 4242 },
        "Image": "sha256:9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a4f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e",
        "Name": "/payments-api",
        "Config": {
            "Hostname": "4f9a1c3e5b7d",
            "Env": [
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                format!("DB_PASSWORD={}", s.password),
                format!("STRIPE_KEY={}", s.stripe),
                "NODE_VERSION=20.12.2"
            ],
            "Cmd": ["node", "server.js"],
            "Image": "payments-api:1.4.2",
            "Labels": { "com.docker.compose.project": "payments", "maintainer": "platform team" }
        }
    }])
    .to_string()
}

#[test]
fn every_store_reports_each_entry_at_its_object_path() {
    type Export = fn(&Secrets) -> String;
    let cases: [(&str, Export, &str, &str); 7] = [
        (
            "k8s",
            k8s_export,
            "k8s:prod/db-creds/password",
            "k8s:payments-staging/billing/stripe-key",
        ),
        (
            "consul",
            consul_export,
            "consul:app/prod/db/password",
            "consul:app/prod/billing/stripe_key",
        ),
        (
            "etcd",
            etcd_export,
            "etcd:/config/db/password",
            "etcd:/config/billing/stripe",
        ),
        (
            "vault",
            vault_export,
            "vault:db_password",
            "vault:stripe_key",
        ),
        (
            "ssm",
            ssm_export,
            "ssm:/prod/db/password",
            "ssm:/prod/billing/stripe_key",
        ),
        (
            "env",
            env_export,
            "env:DB_PASSWORD",
            "env:STRIPE_SECRET_KEY",
        ),
        (
            "docker",
            docker_export,
            "docker:payments-api/env/DB_PASSWORD",
            "docker:payments-api/env/STRIPE_KEY",
        ),
    ];
    for (seed, (kind, export, password_path, stripe_path)) in (1u64..).zip(cases) {
        let s = secrets(700 + seed);
        let run = scan_store(kind, &export(&s), &["-f", "json", "--show-secrets"]);
        run.expect_code(EXIT_FINDINGS);
        let found = findings(&run.json());
        assert_eq!(found.len(), 2, "{kind}: {found:#?}");
        let password = found
            .iter()
            .find(|f| f.1 == password_path)
            .unwrap_or_else(|| panic!("{kind}: no finding at {password_path}: {found:#?}"));
        assert!(password.0.starts_with("generic."), "{kind}: {password:?}");
        assert_eq!((password.2, password.3.as_str()), (1, s.password.as_str()));
        let stripe = found
            .iter()
            .find(|f| f.1 == stripe_path)
            .unwrap_or_else(|| panic!("{kind}: no finding at {stripe_path}: {found:#?}"));
        assert_eq!(stripe.0, "stripe.secret-key-live", "{kind}");
        assert_eq!(stripe.3, s.stripe, "{kind}");

        // The text report shows the object path with line and column.
        let text = scan_store(kind, &export(&s), &[]);
        text.expect_code(EXIT_FINDINGS);
        assert!(
            text.stdout.contains(&format!("{password_path}:1:")),
            "{kind}: {}",
            text.stdout
        );
    }
}

#[test]
fn malformed_exports_are_errors() {
    let s = secrets(801);
    let cases: [(&str, String, &str); 6] = [
        (
            "consul",
            "Error querying Consul agent: connection refused\n".to_string(),
            "not a consul export",
        ),
        ("k8s", consul_export(&s), "not a k8s export"),
        ("ssm", "{\"Parameters\": 3}".to_string(), "not a ssm export"),
        ("etcd", String::new(), "standard input is empty"),
        (
            "vault",
            "{\"errors\": [\"permission denied\"]}".to_string(),
            "not a vault export",
        ),
        (
            "consul",
            json!([{ "key": "a/password", "flags": 0, "value": "%%%" }]).to_string(),
            "no entry of the consul export could be read",
        ),
    ];
    for (kind, input, message) in cases {
        let run = scan_store(kind, &input, &[]);
        run.expect_code(EXIT_ERROR);
        assert!(run.stderr.contains(message), "{kind}: {}", run.stderr);
    }

    let tree = Tree::new();
    let run = tree.run_with_stdin(&["scan", "--store", "k8s"], k8s_export(&s).as_bytes());
    run.expect_code(EXIT_ERROR);
    assert!(run.stderr.contains("--stdin"), "{}", run.stderr);
}

#[test]
fn a_malformed_entry_is_a_warning_and_the_rest_is_scanned() {
    let s = secrets(802);
    let mut export: Value = serde_json::from_str(&k8s_export(&s)).expect("JSON");
    export["items"][0]["data"]["broken"] = json!("not*base64");
    let input = export.to_string();

    let run = scan_store("k8s", &input, &["-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    assert_eq!(findings(&report).len(), 2, "{report:#}");
    assert_eq!(report["stats"]["errors"], 1);
    assert_eq!(report["errors"][0]["path"], "k8s:prod/db-creds/broken");
    assert!(
        run.stderr
            .contains("warning: k8s:prod/db-creds/broken: invalid base64"),
        "{}",
        run.stderr
    );

    // The same with nothing secret left is a clean scan with a warning.
    export["items"][0]["data"]
        .as_object_mut()
        .map(|data| data.remove("password"));
    export["items"][1]["data"] = json!({});
    let run = scan_store("k8s", &export.to_string(), &[]);
    run.expect_code(EXIT_CLEAN);
    assert!(run.stderr.contains("broken"), "{}", run.stderr);
}

#[test]
fn kubernetes_namespaces_give_environments() {
    let s = secrets(803);
    let tree = Tree::new();
    let run = tree.run_with_stdin(
        &["inventory", "--stdin", "--store", "k8s", "-f", "inventory"],
        k8s_export(&s).as_bytes(),
    );
    run.expect_code(EXIT_CLEAN);
    let report = run.json();
    let environments = |path: &str| -> Vec<String> {
        report["identities"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|identity| {
                identity["locations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|l| l["path"] == path)
            })
            .unwrap_or_else(|| panic!("no identity at {path}: {report:#}"))["environments"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e.as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(environments("k8s:prod/db-creds/password"), ["prod"]);
    assert_eq!(
        environments("k8s:payments-staging/billing/stripe-key"),
        ["staging"]
    );
}

#[test]
fn stores_respect_the_size_limit() {
    let s = secrets(804);
    let run = scan_store("k8s", &k8s_export(&s), &["--max-file-size", "100"]);
    run.expect_code(EXIT_CLEAN);
    assert!(
        run.stderr
            .contains("skipped <stdin>: larger than --max-file-size"),
        "{}",
        run.stderr
    );
}

#[test]
fn stdin_flag_is_the_dash_path_and_scans_nothing_else() {
    let mut generator = FakeSecrets::new(805);
    let on_disk = generator.github_pat();
    let piped = generator.stripe_live();
    let tree = Tree::new();
    tree.write("config.env", format!("GH={on_disk}\n"));
    for args in [
        &["scan", "--stdin", "-f", "json"][..],
        &["scan", "-", "-f", "json"],
    ] {
        let run = tree.run_with_stdin(args, format!("key: {piped}\n").as_bytes());
        run.expect_code(EXIT_FINDINGS);
        let found = findings(&run.json());
        let paths: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
        assert_eq!(paths, ["<stdin>"], "{args:?}");
    }
    // With a PATH as well, both are scanned.
    let run = tree.run_with_stdin(
        &["scan", "--stdin", ".", "-f", "json"],
        format!("key: {piped}\n").as_bytes(),
    );
    run.expect_code(EXIT_FINDINGS);
    assert_eq!(findings(&run.json()).len(), 2);
}
