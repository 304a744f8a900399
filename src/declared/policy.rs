//! IAM policy documents (AWS JSON policy grammar, whether written as JSON,
//! `jsonencode`, an `aws_iam_policy_document` or CloudFormation YAML):
//! permissions and trust summarised, wildcards and public trust flagged.

use serde_json::Value;

use super::Declaration;

/// Points of an `Action: "*"` grant (NHI5).
const ADMIN_POINTS: i32 = 30;

/// Adds the permissions of the `Allow` statements of `doc` to `decl`, with
/// NHI5 reasons for wildcards.
pub fn permissions(doc: &Value, decl: &mut Declaration) {
    for statement in statements(doc) {
        let effect = text(statement, "Effect").unwrap_or("Allow");
        let (actions, not_action) = match statement.get("Action") {
            Some(value) => (strings(value), false),
            None => (
                statement.get("NotAction").map(strings).unwrap_or_default(),
                true,
            ),
        };
        let resources = statement
            .get("Resource")
            .or_else(|| statement.get("NotResource"))
            .map(strings)
            .unwrap_or_default();
        let resources_text = if resources.is_empty() {
            "-".to_string()
        } else {
            resources.join(", ")
        };
        decl.permissions.push(format!(
            "{effect} {}{} on {resources_text}",
            if not_action { "all but " } else { "" },
            actions.join(", ")
        ));
        if effect != "Allow" {
            continue;
        }
        let any_action = actions.iter().any(|a| a == "*" || a == "*:*");
        if any_action {
            decl.reason(
                "wildcard-action",
                "NHI5",
                ADMIN_POINTS,
                "grants Action \"*\": every action of every service".to_string(),
            );
        } else if not_action {
            decl.reason(
                "not-action",
                "NHI5",
                20,
                format!("grants every action but {}", actions.join(", ")),
            );
        } else if let Some(service) = actions.iter().find(|a| a.ends_with(":*")) {
            decl.reason(
                "service-wildcard-action",
                "NHI5",
                10,
                format!("grants every action of a service ({service})"),
            );
        }
        if !any_action && resources.iter().any(|r| r == "*") {
            decl.reason(
                "wildcard-resource",
                "NHI5",
                10,
                "grants on Resource \"*\": every resource of the account".to_string(),
            );
        }
    }
}

/// Adds the principals allowed by the `Allow` statements of the trust policy
/// `doc` to `decl`; a `*` principal is a critical reason.
pub fn trust(doc: &Value, decl: &mut Declaration) {
    for statement in statements(doc) {
        if text(statement, "Effect").unwrap_or("Allow") != "Allow" {
            continue;
        }
        let Some(principal) = statement.get("Principal") else {
            continue;
        };
        let conditioned = statement.get("Condition").is_some();
        let mut principals: Vec<(String, String)> = Vec::new();
        match principal {
            Value::String(s) => principals.push(("*".to_string(), s.clone())),
            Value::Object(map) => {
                for (kind, ids) in map {
                    for id in strings(ids) {
                        principals.push((kind.clone(), id));
                    }
                }
            }
            _ => {}
        }
        for (kind, id) in principals {
            let line = if kind == "*" {
                id.clone()
            } else {
                format!("{kind}: {id}")
            };
            if !decl.trust.contains(&line) {
                decl.trust.push(line);
            }
            if id == "*" {
                let reason = decl.make_reason(
                    "public-trust",
                    "NHI5",
                    if conditioned { 25 } else { 45 },
                    if conditioned {
                        "trust policy lets principal \"*\" assume it (limited only by a condition)"
                            .to_string()
                    } else {
                        "trust policy lets anyone (principal \"*\") assume it".to_string()
                    },
                );
                if !decl.trust_reasons.contains(&reason) {
                    decl.trust_reasons.push(reason);
                }
            }
        }
    }
}

/// A managed policy attached by ARN: broad AWS-managed policies are NHI5.
pub fn managed_policy(arn: &str, decl: &mut Declaration) {
    let name = arn.rsplit('/').next().unwrap_or(arn);
    decl.permissions.push(format!("managed policy {name}"));
    let points = match name {
        "AdministratorAccess" => ADMIN_POINTS,
        "PowerUserAccess" | "IAMFullAccess" => 20,
        _ => return,
    };
    decl.reason(
        "broad-managed-policy",
        "NHI5",
        points,
        format!("has the AWS managed policy {name}"),
    );
}

/// A GCP role granted to the identity: basic roles are NHI5.
pub fn gcp_role(role: &str, on: &str, decl: &mut Declaration) {
    decl.permissions.push(format!("{role} on {on}"));
    let points = match role {
        "roles/owner" => ADMIN_POINTS,
        "roles/editor" => 25,
        _ => return,
    };
    decl.reason(
        "basic-role",
        "NHI5",
        points,
        format!("has the basic role {role} on {on}"),
    );
}

fn statements(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(item @ Value::Object(_)) => vec![item],
        _ => Vec::new(),
    }
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// Strings of a string or an array (other values shown as JSON).
pub fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Null => Vec::new(),
        other => vec![other.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_and_public_trust() {
        let mut decl = Declaration::new("aws", "aws_iam_policy", "p", "main.tf", 3);
        let doc =
            serde_json::json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
        permissions(&doc, &mut decl);
        assert_eq!(decl.permissions, ["Allow * on *"]);
        assert_eq!(decl.reasons[0].code, "wildcard-action");
        let doc = serde_json::json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}});
        trust(&doc, &mut decl);
        assert_eq!(decl.trust, ["AWS: *"]);
        assert_eq!(decl.trust_reasons[0].points, 45);
    }
}
