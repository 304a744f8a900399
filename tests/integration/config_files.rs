//! Configuration files parsed for key context: values named by a secret key
//! in structure the raw text does not show side by side (Kubernetes `env`
//! name/value pairs, ECS task definitions, .NET `<add key value>`, Jenkins
//! `<password>`, YAML block scalars, every YAML document, JSON with
//! comments) are found at their real line; broken files still get the raw
//! scan; files that are not configuration take the raw path only.

use serde_json::Value;

use crate::common::{FakeSecrets, Tree};

const EXIT_FINDINGS: i32 = 1;
const EXIT_CLEAN: i32 = 0;

/// A password-like value the generic rules take: mixed classes, 18 characters.
fn password(fake: &mut FakeSecrets) -> String {
    format!(
        "{}#{}",
        fake.string(
            b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789",
            9
        ),
        fake.string(
            b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789",
            8
        )
    )
}

/// `(path, line, rule)` of every location whose secret is `secret`.
fn places(report: &Value, secret: &str) -> Vec<(String, u64, String)> {
    let mut out = Vec::new();
    for finding in report["findings"].as_array().into_iter().flatten() {
        if finding["secret"] != secret {
            continue;
        }
        for location in finding["locations"].as_array().into_iter().flatten() {
            out.push((
                location["path"].as_str().unwrap_or_default().to_string(),
                location["line"].as_u64().unwrap_or_default(),
                finding["rule_id"].as_str().unwrap_or_default().to_string(),
            ));
        }
    }
    out.sort();
    out
}

fn scan(tree: &Tree) -> Value {
    let run = tree.run(&["scan", ".", "-f", "json", "--show-secrets"]);
    run.expect_code(EXIT_FINDINGS);
    run.json()
}

fn has(places: &[(String, u64, String)], path: &str, line: u64) -> bool {
    places.iter().any(|(p, l, _)| p == path && *l == line)
}

#[test]
fn kubernetes_env_pairs_and_yaml_block_scalars_are_found_at_their_line() {
    let mut fake = FakeSecrets::new(701);
    let (pw, folded) = (password(&mut fake), password(&mut fake));
    let tree = Tree::new();
    tree.write(
        "k8s/deploy.yaml",
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          env:\n            - name: DB_PASSWORD\n              value: \"{pw}\"\n"
        ),
    );
    tree.write(
        "chart/values.yaml",
        format!("auth:\n  password: >-\n    {folded}\n"),
    );
    let report = scan(&tree);
    assert!(
        has(&places(&report, &pw), "k8s/deploy.yaml", 15),
        "{report:#}"
    );
    assert!(
        has(&places(&report, &folded), "chart/values.yaml", 3),
        "{report:#}"
    );
}

#[test]
fn ecs_task_and_json_with_comments() {
    let mut fake = FakeSecrets::new(702);
    let (pw, commented) = (password(&mut fake), password(&mut fake));
    let tree = Tree::new();
    tree.write(
        "task.json",
        format!("{{\"containerDefinitions\": [{{\"environment\": [\n  {{\"name\": \"DB_PASSWORD\",\n   \"value\": \"{pw}\"}}]}}]}}\n"),
    );
    tree.write(
        ".vscode/settings.json",
        format!("{{\n  // service account\n  \"sqltools.connections\": [{{\"name\": \"SMTP_PASSWORD\", \"value\": \"{commented}\"}}]\n}}\n"),
    );
    let report = scan(&tree);
    assert!(has(&places(&report, &pw), "task.json", 3), "{report:#}");
    assert!(
        has(&places(&report, &commented), ".vscode/settings.json", 3),
        "{report:#}"
    );
}

#[test]
fn xml_add_key_value_and_jenkins_passwords() {
    let mut fake = FakeSecrets::new(703);
    let (smtp, jenkins) = (password(&mut fake), password(&mut fake));
    let tree = Tree::new();
    tree.write(
        "web.config",
        format!("<?xml version=\"1.0\"?>\n<configuration>\n  <appSettings>\n    <add key=\"SmtpPassword\" value=\"{smtp}\" />\n  </appSettings>\n</configuration>\n"),
    );
    tree.write(
        "jenkins/credentials.xml",
        format!("<list>\n  <com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>\n    <id>deploy</id>\n    <username>deployer</username>\n    <password>{jenkins}</password>\n  </com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>\n</list>\n"),
    );
    let report = scan(&tree);
    assert!(has(&places(&report, &smtp), "web.config", 4), "{report:#}");
    assert!(
        has(&places(&report, &jenkins), "jenkins/credentials.xml", 5),
        "{report:#}"
    );
}

#[test]
fn the_same_secret_is_not_reported_twice_at_one_place() {
    let mut fake = FakeSecrets::new(704);
    let pw = password(&mut fake);
    let tree = Tree::new();
    // The raw scan finds this one already; the parsed view must not add a copy.
    tree.write("config.yaml", format!("db:\n  password: \"{pw}\"\n"));
    let report = scan(&tree);
    let found = places(&report, &pw);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, 2);
}

#[test]
fn broken_and_hostile_config_files_fall_back_to_the_raw_scan() {
    let mut fake = FakeSecrets::new(705);
    let stripe = fake.stripe_live();
    let tree = Tree::new();
    tree.write(
        "broken.json",
        format!("{{\"stripe\": \"{stripe}\", \"password\": \n"),
    );
    tree.write(
        "deep.json",
        format!("{}\"password\"{}", "[".repeat(20_000), "]".repeat(20_000)),
    );
    tree.write(
        "truncated.xml",
        "<configuration><add key=\"password\" value=\"x",
    );
    tree.write("bad.yaml", "password: [unclosed\n  - : :\n");
    let run = tree.run(&["scan", ".", "-f", "json", "--show-secrets"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    assert!(
        has(&places(&report, &stripe), "broken.json", 1),
        "{report:#}"
    );
    assert_eq!(report["stats"]["files"], 4);
}

#[test]
fn configuration_without_secrets_stays_quiet() {
    let tree = Tree::new();
    tree.write(
        "package.json",
        "{\"name\": \"app\", \"scripts\": {\"test\": \"jest\"}, \"dependencies\": {\"left-pad\": \"1.0.0\"}}\n",
    );
    tree.write(
        "i18n/en.json",
        "{\"login\": {\"password\": \"Password\", \"forgot_password\": \"Forgot your password?\"}}\n",
    );
    tree.write(
        "deploy.yaml",
        "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {name: db, key: password}\n  - name: API_TOKEN\n    value: \"${API_TOKEN}\"\n",
    );
    tree.write("web.config", "<configuration><appSettings><add key=\"Password\" value=\"\" /></appSettings></configuration>\n");
    tree.run(&["scan", "."]).expect_code(EXIT_CLEAN);
}

#[test]
fn notebooks_toml_and_terraform_state() {
    let mut fake = FakeSecrets::new(706);
    let (nb, toml_pw, tf) = (
        password(&mut fake),
        password(&mut fake),
        password(&mut fake),
    );
    let tree = Tree::new();
    // A notebook cell's source is JSON-escaped in the file.
    let cell = serde_json::json!({
        "cells": [{"cell_type": "code", "source": ["import db\n", format!("db_password = \"{nb}\"\n")]}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5
    });
    tree.write(
        "analysis.ipynb",
        serde_json::to_string_pretty(&cell).unwrap_or_default(),
    );
    tree.write(
        "config/app.toml",
        format!(
            "[database]\nhost = \"db\"\n\n[database.auth]\nsmtp_password = \"\"\"{toml_pw}\"\"\"\n"
        ),
    );
    tree.write(
        "terraform.tfstate.d/prod/terraform.tfstate",
        format!("{{\n  \"resources\": [{{\"instances\": [{{\"attributes\": {{\n    \"master_password\": \"{tf}\"\n  }}}}]}}]\n}}\n"),
    );
    let report = scan(&tree);
    let nb_places = places(&report, &nb);
    assert!(
        nb_places.iter().any(|(p, _, _)| p == "analysis.ipynb"),
        "{report:#}"
    );
    assert!(
        has(&places(&report, &toml_pw), "config/app.toml", 5),
        "{report:#}"
    );
    assert!(
        has(
            &places(&report, &tf),
            "terraform.tfstate.d/prod/terraform.tfstate",
            3
        ),
        "{report:#}"
    );
    // The Terraform workspace directory names the environment.
    let inventory = tree.run(&["inventory", ".", "-f", "inventory", "--show-secrets"]);
    let identities: Value = serde_json::from_str(&inventory.stdout).unwrap_or_default();
    let tf_identity = identities["identities"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|i| i["locations"][0]["path"] == "terraform.tfstate.d/prod/terraform.tfstate")
        })
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        tf_identity["environments"],
        serde_json::json!(["prod"]),
        "{identities:#}"
    );
}
