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
    assert_eq!(part_names(url), ["host", "user"]);
    assert_eq!(url["parts"][1]["value"], "app_rw");
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

/// Which tenant, store, namespace or host a secret opens is a part of its
/// finding (the inventory's context), and a missing one lowers nothing.
#[test]
fn secrets_carry_the_identity_they_belong_to() {
    let mut fake = FakeSecrets::new(903);
    let auth0_secret = fake.string(ENTRA, 64);
    let auth0_client = fake.string(ENTRA, 32);
    let store_secret = format!("{}=", fake.string(BASE64, 43));
    let bus_key = format!("{}=", fake.string(BASE64, 43));
    let netrc_password = fake.string(ENTRA, 18);
    let db_password = fake.string(ENTRA, 20);
    let tree = Tree::new();
    tree.write(
        "db.env",
        format!("DATABASE_URL=postgres://ledger:{db_password}@db-1.internal:5432/ledger\n"),
    );
    tree.write(
        "auth0.env",
        format!(
            "AUTH0_DOMAIN=quill-prod.eu.auth0.com\nAUTH0_CLIENT_ID={auth0_client}\n\
             AUTH0_CLIENT_SECRET={auth0_secret}\n"
        ),
    );
    tree.write(
        "appsettings.txt",
        format!(
            "AppConfig=Endpoint=https://shop-cfg.{}.io;Id=Lk2p-s0:{};Secret={store_secret}\n\
             Bus=Endpoint=sb://orders.servicebus.windows.net/;SharedAccessKeyName=send;\
             SharedAccessKey={bus_key}\n",
            "azconfig",
            fake.string(ENTRA, 20)
        ),
    );
    tree.write(
        "ci/netrc",
        format!("machine artifacts.corp.example login ci password {netrc_password}\n"),
    );
    let run = tree.run(&["scan", ".", "-f", "json", "--show-secrets"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();

    let auth0 = finding(&report, "auth0.client-secret", &auth0_secret);
    assert_eq!(part_names(auth0), ["client_id", "domain"]);
    assert_eq!(auth0["parts"][1]["value"], "quill-prod.eu.auth0.com");
    let store = finding(
        &report,
        "azure.app-configuration-connection-string",
        &store_secret,
    );
    assert_eq!(part_names(store), ["endpoint", "key_id"]);
    assert_eq!(store["parts"][0]["value"], "shop-cfg.azconfig.io");
    let bus = finding(&report, "azure.shared-access-key", &bus_key);
    assert_eq!(part_names(bus), ["host", "key_name"]);
    assert_eq!(bus["parts"][1]["value"], "send");
    assert_eq!(bus["confidence"], "high");
    let netrc = finding(&report, "netrc.password", &netrc_password);
    assert_eq!(part_names(netrc), ["machine", "user"]);
    assert_eq!(netrc["parts"][0]["value"], "artifacts.corp.example");
    assert_eq!(netrc["evidence"]["principal"], "ci@artifacts.corp.example");
    let db = finding(&report, "postgres.uri-password", &db_password);
    assert_eq!(part_names(db), ["host", "user"]);
    assert_eq!(db["parts"][0]["value"], "db-1.internal:5432");
    assert_eq!(db["evidence"]["principal"], "ledger@db-1.internal");
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
