//! The generic scorer on real files: assignments of literal credentials are
//! reported, code is not, and test or documentation paths are one level less
//! confident.

use serde_json::Value;

use crate::common::{EXIT_FINDINGS, Tree};

fn findings(report: &Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|f| {
                    (
                        f["locations"][0]["path"].as_str().unwrap_or("").to_string(),
                        f["rule_id"].as_str().unwrap_or("").to_string(),
                        f["confidence"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn generic_credentials_are_scored_code_is_not_reported() {
    let tree = Tree::new();
    // Values assembled at run time: no credential-shaped literal in this source.
    let value = ["Vr7", "kq2", "Lmz", "4Tn"].concat();
    let config = format!("DB_HOST=db.internal\nDB_PASSWORD=\"{value}\"\n");
    tree.write("config/app.env", &config);
    tree.write("test/fixtures/app.env", &config);
    tree.write(
        "src/api.rs",
        "pub struct Login {\n    pub password: Option<String>,\n    pub token: String,\n}\n\
         fn f(password: &str) { let pwd = unsafe { lookup(password) }; }\n",
    );
    tree.write(
        "app/client.py",
        "self.username, self.password = credentials\nusername, password = split\n",
    );
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let found = findings(&run.json());
    assert_eq!(found.len(), 1, "one finding (two locations): {found:?}");
    let report = run.json();
    let finding = &report["findings"][0];
    assert_eq!(finding["rule_id"], "generic.password");
    assert_eq!(finding["locations"].as_array().map(Vec::len), Some(2));
    let production = finding["confidence"].as_str().unwrap_or("").to_string();
    assert!(
        production == "medium" || production == "high",
        "{production}"
    );

    // Only in a test path: one level lower than in production configuration.
    let only_tests = Tree::new();
    only_tests.write("test/fixtures/app.env", &config);
    let run = only_tests.run(&["scan", ".", "-f", "json"]);
    let found = findings(&run.json());
    assert_eq!(found.len(), 1, "{found:?}");
    let lowered = &found[0].2;
    let expected = if production == "high" {
        "medium"
    } else {
        "low"
    };
    assert_eq!(lowered, expected);
    // And `--min-confidence` above that hides it.
    let quiet = only_tests.run(&["scan", ".", "-f", "json", "--min-confidence", "high"]);
    assert!(findings(&quiet.json()).is_empty());
}

#[test]
fn bookkeeping_names_and_type_stubs_are_not_credentials() {
    let tree = Tree::new();
    // AWS paginator and response shapes, a CloudFormation type map, a stub.
    tree.write(
        "botocore/paginators-1.json",
        "{\"pagination\": {\"ListThings\": {\"input_token\": \"NextToken\",\n  \
         \"result_key\": \"SamplingRuleRecords\"}}}\n",
    );
    let token = ["Qk9", "z7Lm", "Wx2P", "vR4t", "N8cY"].concat();
    tree.write(
        "examples/list.json",
        format!(
            "{{\"NextToken\": \"{token}\",\n \"PasswordLastUsed\": \"2016-09-24T16:18:07Z\"}}\n"
        ),
    );
    tree.write(
        "providers/us_east_1.py",
        "TYPES = {\n    \"AWS::KMS::Key\": \"2b447c471bc70388\",\n}\n",
    );
    tree.write(
        "stubs/client.pyi",
        "class Client:\n    password: Incomplete\n    auth: Incomplete\n",
    );
    let run = tree.run(&["scan", ".", "-f", "json"]);
    assert_eq!(findings(&run.json()), [], "{}", run.stdout);
    // A specific rule still reports in a stub.
    let key = ["AKIA", "QX7W", "3ZLM", "4NVR", "K2TB"].concat();
    tree.write("stubs/keys.pyi", format!("KEY: str = \"{key}\"\n"));
    let run = tree.run(&["scan", ".", "-f", "json"]);
    let found = findings(&run.json());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "aws.access-key-id");
}

#[test]
fn translation_catalogs_hold_interface_text_not_credentials() {
    let tree = Tree::new();
    // Values made at run time: this source holds no credential-shaped literal.
    let label = ["Potwierdz", "konto7"].concat();
    let word = ["Geheim", "nis42"].concat();
    // A label in a Rails locale file and a gettext catalog: interface text.
    tree.write(
        "config/locales/pl.yml",
        format!("pl:\n  devise:\n    confirm_password: {label}\n"),
    );
    tree.write(
        "po/de.po",
        format!("msgid \"password\"\nmsgstr \"Kennwort\"\npassword = \"{word}\"\n"),
    );
    let run = tree.run(&["scan", ".", "-f", "json"]);
    assert_eq!(findings(&run.json()), [], "{}", run.stdout);
    // The same setting in an application's configuration is reported.
    tree.write(
        "config/settings.yml",
        format!("confirm_password: {label}\n"),
    );
    let run = tree.run(&["scan", ".", "-f", "json"]);
    assert_eq!(findings(&run.json()).len(), 1, "{}", run.stdout);
}

#[test]
fn hidden_debug_features_lists_scored_candidates() {
    let tree = Tree::new();
    let value = ["Qz8", "vN3", "kLp", "0Tw"].concat();
    tree.write("settings.yml", format!("client_secret: \"{value}\"\n"));
    let run = tree.run(&["debug", "features", "."]);
    run.expect_code(0);
    let rows: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(rows.len(), 1, "{}", run.stdout);
    assert_eq!(rows[0]["rule"], "generic.secret");
    assert_eq!(rows[0]["line"], 1);
    assert_eq!(rows[0]["features"].as_array().map(Vec::len), Some(44));
    assert!(rows[0]["probability"].as_f64().is_some_and(|p| p > 0.0));
}

#[test]
fn database_block_password_carries_host_and_user() {
    let tree = Tree::new();
    let value = ["Vr7", "#kq", "2Lm", "z4T"].concat();
    tree.write(
        "config/database.yml",
        format!(
            "production:\n  adapter: postgresql\n  host: db-primary.internal\n  username: orders_rw\n  password: \"{value}\"\n"
        ),
    );
    tree.write("config/other.env", format!("SMTP_PASSWORD=\"{value}9\"\n"));
    let run = tree.run(&["scan", ".", "-f", "json", "--show-secrets"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    let all = report["findings"].as_array().cloned().unwrap_or_default();
    let block = all
        .iter()
        .find(|f| f["secret"] == value.as_str())
        .expect("the database password");
    assert_eq!(block["rule_id"], "generic.db-password");
    let parts: Vec<&str> = block["parts"]
        .as_array()
        .map(|p| p.iter().filter_map(|x| x["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(parts, ["host", "user"]);
    // A lone password is reported by the plain generic rule.
    let lone = all
        .iter()
        .find(|f| f["secret"] == format!("{value}9").as_str())
        .expect("the lone password");
    assert_eq!(lone["rule_id"], "generic.password");
}

#[test]
fn keyhound_own_source_is_clean() {
    // README promises `keyhound scan src` finds nothing: test literals are
    // assembled at run time, never written whole.
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let run = Tree::new().run(&["scan", src, "-q"]);
    run.expect_code(crate::common::EXIT_CLEAN);
}

#[test]
fn a_generated_password_with_symbols_is_reported_whole() {
    let tree = Tree::new();
    // Like a password manager's, with brackets and semicolons; assembled at run
    // time so this source holds no credential-shaped literal.
    let value = ["u>b(ih", "eyE;d7", "P4]x"].concat();
    tree.write("config.py", format!("db_password = \"{value}\"\n"));
    tree.write("settings.json", format!("{{\"password\": \"{value}\"}}\n"));
    tree.write("app.php", format!("$db_pass = '{value}';\n"));
    // Settings files hold the value to the end of the line, unquoted.
    tree.write("app.properties", format!("db.password={value}\n"));
    tree.write(".env.production", format!("DB_PASSWORD={value}\n"));
    tree.write("settings.ini", format!("[db]\npassword = {value}\n"));
    // So do Docker Compose's `NAME=value` environment items; a placeholder
    // sentence there is no password.
    tree.write(
        "docker-compose.yml",
        format!(
            "services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD={value}\n      \
             - SECRET_KEY_BASE=long-and-random-alphanumeric-string\n"
        ),
    );
    // A crypt(3) hash and a SOPS-encrypted value are not plaintext passwords.
    let hash = ["$2b$12$", "Qz3vLxT1bR8", "cWm4nPq7kUeYh2"].concat();
    tree.write("hash.py", format!("password = \"{hash}\"\n"));
    tree.write(
        "secret.enc.yaml",
        "password: \"ENC[AES256_GCM,data:O+5l4g==,iv:c/dS4BCB,type:str]\"\n",
    );
    let run = tree.run(&["scan", ".", "-f", "json", "--show-secrets"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    let all = report["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(all.len(), 1, "one password, seven locations: {all:#?}");
    assert_eq!(all[0]["secret"], value.as_str());
    assert_eq!(all[0]["locations"].as_array().map(Vec::len), Some(7));
}
