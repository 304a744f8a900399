//! Terraform state (`terraform.tfstate`, version 4): every resource's
//! attributes in plain text, secrets included. Attributes whose name does not
//! say what they hold are named for it, so the rules read them: an
//! `aws_iam_access_key`'s `id` and `secret` are `AWS_ACCESS_KEY_ID` and
//! `AWS_SECRET_ACCESS_KEY` (one key pair), a `random_password`'s `result` a
//! password, an Entra application password's `value` a client secret. A
//! sensitive output is named as a secret. The rest is walked as any JSON.

use serde_json::Value;

use super::{Entry, is_kept, keys::is_secret_key, tree};

/// `(resource type, attribute, the name it is read under)`.
const NAMED: &[(&str, &str, &str)] = &[
    ("aws_iam_access_key", "id", "AWS_ACCESS_KEY_ID"),
    ("aws_iam_access_key", "secret", "AWS_SECRET_ACCESS_KEY"),
    (
        "aws_iam_access_key",
        "ses_smtp_password_v4",
        "SES_SMTP_PASSWORD",
    ),
    ("random_password", "result", "RANDOM_PASSWORD"),
    (
        "azuread_application_password",
        "value",
        "AZURE_CLIENT_SECRET",
    ),
    (
        "azuread_service_principal_password",
        "value",
        "AZURE_CLIENT_SECRET",
    ),
    (
        "github_actions_secret",
        "plaintext_value",
        "GITHUB_ACTIONS_SECRET",
    ),
    (
        "github_actions_organization_secret",
        "plaintext_value",
        "GITHUB_ACTIONS_SECRET",
    ),
    (
        "github_codespaces_secret",
        "plaintext_value",
        "GITHUB_CODESPACES_SECRET",
    ),
    (
        "github_dependabot_secret",
        "plaintext_value",
        "GITHUB_DEPENDABOT_SECRET",
    ),
];

/// True for a Terraform state document: `terraform_version` and a `resources` list.
pub fn is_state(document: &Value) -> bool {
    document.get("terraform_version").is_some()
        && document.get("resources").is_some_and(Value::is_array)
}

/// The name an attribute of a resource of type `kind` is read under.
fn name_for(
    kind: &str,
    attribute: &str,
    attributes: &serde_json::Map<String, Value>,
) -> Option<&'static str> {
    if kind == "aws_ssm_parameter"
        && attribute == "value"
        && attributes.get("type").and_then(Value::as_str) == Some("SecureString")
    {
        return Some("SSM_SECURE_STRING_SECRET");
    }
    NAMED
        .iter()
        .find(|(k, a, _)| *k == kind && *a == attribute)
        .map(|(_, _, name)| *name)
}

/// Adds the entries of the state document `state` to `out`.
pub fn entries(state: &Value, out: &mut Vec<Entry>) {
    if let Some(outputs) = state.get("outputs").and_then(Value::as_object) {
        for (name, output) in outputs {
            let sensitive = output.get("sensitive").and_then(Value::as_bool) == Some(true);
            let key = if sensitive && !is_secret_key(name) {
                format!("{name}_secret")
            } else {
                name.clone()
            };
            if let Some(value) = output.get("value") {
                tree::walk(value, Some(&key), 2, out);
            }
        }
    }
    let resources = state.get("resources").and_then(Value::as_array);
    for resource in resources.into_iter().flatten() {
        let kind = resource.get("type").and_then(Value::as_str).unwrap_or("");
        let instances = resource.get("instances").and_then(Value::as_array);
        for instance in instances.into_iter().flatten() {
            let Some(attributes) = instance.get("attributes").and_then(Value::as_object) else {
                continue;
            };
            for (attribute, value) in attributes {
                match (name_for(kind, attribute, attributes), value.as_str()) {
                    (Some(name), Some(text)) if is_kept(text) => out.push(Entry::KeyValue {
                        key: name.to_string(),
                        value: text.to_string(),
                    }),
                    _ => tree::walk(value, Some(attribute), 5, out),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_of(state: &str) -> Vec<(String, String)> {
        let Ok(document) = serde_json::from_str::<Value>(state) else {
            panic!("test state parses");
        };
        assert!(is_state(&document));
        let mut out = Vec::new();
        entries(&document, &mut out);
        out.iter()
            .filter_map(|e| e.key_value())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn sensitive_attributes_are_named_for_what_they_hold() {
        let state = r#"{
          "version": 4, "terraform_version": "1.9.5",
          "outputs": {
            "db_endpoint": {"value": "db.internal", "type": "string"},
            "admin_kubeconfig": {"value": "apiVersion: v1", "type": "string", "sensitive": true}
          },
          "resources": [
            {"type": "aws_iam_access_key", "name": "ci", "instances": [
              {"attributes": {"id": "KEY-ID", "secret": "KEY-SECRET", "user": "ci-bot"}}]},
            {"type": "random_password", "name": "db", "instances": [
              {"attributes": {"result": "RESULT", "length": 24}}]},
            {"type": "aws_ssm_parameter", "name": "p", "instances": [
              {"attributes": {"type": "SecureString", "value": "PARAM"}}]},
            {"type": "aws_ssm_parameter", "name": "q", "instances": [
              {"attributes": {"type": "String", "value": "PLAIN"}}]}
          ]
        }"#;
        let keys = keys_of(state);
        let has = |k: &str, v: &str| keys.iter().any(|(a, b)| a == k && b == v);
        assert!(has("db_endpoint", "db.internal"), "{keys:?}");
        assert!(has("admin_kubeconfig_secret", "apiVersion: v1"), "{keys:?}");
        assert!(has("AWS_ACCESS_KEY_ID", "KEY-ID"), "{keys:?}");
        assert!(has("AWS_SECRET_ACCESS_KEY", "KEY-SECRET"), "{keys:?}");
        assert!(has("user", "ci-bot"), "{keys:?}");
        assert!(has("RANDOM_PASSWORD", "RESULT"), "{keys:?}");
        assert!(has("SSM_SECURE_STRING_SECRET", "PARAM"), "{keys:?}");
        assert!(has("value", "PLAIN"), "{keys:?}");
    }

    #[test]
    fn other_json_is_not_a_state() {
        for text in [
            r#"{"resources": []}"#,
            r#"{"terraform_version": "1"}"#,
            "[]",
        ] {
            let Ok(document) = serde_json::from_str::<Value>(text) else {
                panic!("parses");
            };
            assert!(!is_state(&document), "{text}");
        }
    }
}
