//! Multi-part credentials on real files: the finding carries every part it
//! found nearby; a part found alone is reported one confidence level lower.

use serde_json::Value;

use crate::common::{EXIT_FINDINGS, FakeSecrets, Tree};

const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ENTRA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";

fn finding<'a>(report: &'a Value, rule: &str, secret: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|f| f["rule_id"] == rule && f["secret"] == secret)
        })
        .unwrap_or_else(|| panic!("no {rule} finding for its secret: {report:#}"))
}

fn part_names(finding: &Value) -> Vec<String> {
    finding["parts"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter_map(|x| x["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn uuid(fake: &mut FakeSecrets) -> String {
    format!(
        "{}-{}-4{}-a{}-{}",
        fake.string(HEX, 8),
        fake.string(HEX, 4),
        fake.string(HEX, 3),
        fake.string(HEX, 3),
        fake.string(HEX, 12)
    )
}

#[test]
fn aws_and_azure_credentials_carry_their_parts() {
    let mut fake = FakeSecrets::new(901);
    let key_id = format!("{}{}", ["AK", "IA"].concat(), fake.string(UPPER_DIGITS, 16));
    let aws_secret = fake.string(BASE64, 40);
    let entra = format!("{}7Q~{}", fake.string(ENTRA, 3), fake.string(ENTRA, 34));
    let lone_entra = format!("{}3Q~{}", fake.string(ENTRA, 3), fake.string(ENTRA, 34));
    let (client, tenant) = (uuid(&mut fake), uuid(&mut fake));
    let tree = Tree::new();
    tree.write(
        "deploy/aws.env",
        format!("AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={aws_secret}\n"),
    );
    tree.write(
        "appsettings.json",
        format!(
            "{{\n  \"AzureAd\": {{\n    \"TenantId\": \"{tenant}\",\n    \"ClientId\": \"{client}\",\n    \"ClientSecret\": \"{entra}\"\n  }}\n}}\n"
        ),
    );
    tree.write("notes.txt", format!("the old one was {lone_entra}\n"));
    let run = tree.run(&["scan", ".", "-f", "json", "--show-secrets"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();

    let aws = finding(&report, "aws.secret-access-key", &aws_secret);
    assert_eq!(part_names(aws), ["access_key_id"]);
    assert_eq!(aws["parts"][0]["value"], key_id.as_str());
    assert_eq!(aws["confidence"], "high");

    let azure = finding(&report, "azure.entra-client-secret", &entra);
    assert_eq!(part_names(azure), ["client_id", "tenant_id"]);
    assert_eq!(azure["confidence"], "high");
    // Alone: still reported, one level lower.
    let lone = finding(&report, "azure.entra-client-secret", &lone_entra);
    assert!(part_names(lone).is_empty());
    assert_eq!(lone["confidence"], "medium");
}

/// The user of a database URL (a named group of the rule's pattern) and the
/// user assigned beside a password (an optional companion) are parts; a
/// connection string without a user (optional) keeps its confidence.
#[test]
fn connection_users_are_parts_and_optional_parts_lower_nothing() {
    let mut fake = FakeSecrets::new(902);
    let (db_password, password, with_user, without_user) = (
        fake.string(ENTRA, 16),
        fake.string(ENTRA, 14),
        fake.string(ENTRA, 15),
        fake.string(ENTRA, 15),
    );
    let tree = Tree::new();
    tree.write(
        "app.env",
        format!(
            "DATABASE_URL={}://app_rw:{db_password}@db.internal:5432/app\n",
            "postgres"
        ),
    );
    tree.write(
        "config/db.yml",
        format!("db:\n  username: svc_orders\n  password: {password}\n"),
    );
    tree.write(
        "appsettings.txt",
        format!(
            "Reports=Server=sql.corp.local;Database=hr;User ID=hr_sync;Password={with_user};\n\
             Audit=Server=sql.corp.local;Database=audit;Password={without_user};\n"
        ),
    );
    let run = tree.run(&["scan", ".", "-f", "json", "--show-secrets"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();

    let url = finding(&report, "postgres.uri-password", &db_password);
    assert_eq!(part_names(url), ["user"]);
    assert_eq!(url["parts"][0]["value"], "app_rw");
    let generic = finding(&report, "generic.password", &password);
    assert_eq!(part_names(generic), ["user"]);
    assert_eq!(generic["parts"][0]["value"], "svc_orders");

    let rule = "adonet.connection-string-password";
    let named = finding(&report, rule, &with_user);
    assert_eq!(part_names(named), ["user"]);
    assert_eq!(named["parts"][0]["value"], "hr_sync");
    let unnamed = finding(&report, rule, &without_user);
    assert!(part_names(unnamed).is_empty());
    assert_eq!(named["confidence"], "medium");
    assert_eq!(unnamed["confidence"], "medium");
}

#[test]
fn rule_pack_spans_at_least_300_rules_and_150_providers() {
    let run = Tree::new().run(&["rules", "list", "--format", "json"]);
    let rules = run.json();
    let rules = rules.as_array().expect("a list");
    let providers: std::collections::BTreeSet<&str> = rules
        .iter()
        .filter_map(|r| r["provider"].as_str())
        .collect();
    assert!(rules.len() >= 300, "{} rules", rules.len());
    assert!(providers.len() >= 150, "{} providers", providers.len());
}
