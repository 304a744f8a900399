//! Terraform state (JSON): the access keys and users Terraform created, so
//! a leaked key id links to the IAM user it belongs to.

use serde_json::Value;

use super::{Declaration, DeclaredError, first_line, lines};
use crate::inventory::Kind;

/// Adds the IAM users and access keys recorded in the state file `text`.
pub fn declarations(
    path: &str,
    text: &str,
    out: &mut Vec<Declaration>,
) -> Result<(), DeclaredError> {
    let state: Value = serde_json::from_str(text).map_err(|err| DeclaredError::Parse {
        format: "Terraform state",
        message: first_line(&err.to_string()),
    })?;
    let resources = state.get("resources").and_then(Value::as_array);
    for resource in resources.into_iter().flatten() {
        let kind = resource.get("type").and_then(Value::as_str).unwrap_or("");
        let name = resource.get("name").and_then(Value::as_str).unwrap_or("");
        if resource.get("mode").and_then(Value::as_str) == Some("data") {
            continue;
        }
        let instances = resource.get("instances").and_then(Value::as_array);
        for attributes in instances
            .into_iter()
            .flatten()
            .filter_map(|i| i.get("attributes"))
        {
            let field = |key: &str| {
                attributes
                    .get(key)
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            let address = format!("{kind}.{name}");
            match kind {
                "aws_iam_user" => {
                    let Some(user) = field("name") else { continue };
                    let line = lines::containing(text, &format!("\"{name}\""), 1).unwrap_or(1);
                    let mut decl = Declaration::new("aws", kind, &address, path, line);
                    decl.kind = Some(Kind::IamUser);
                    decl.standalone = true;
                    decl.keys.push(format!("aws-user-name:{user}"));
                    decl.principal = Some(user);
                    out.push(decl);
                }
                "aws_iam_access_key" => {
                    let Some(id) = field("id") else { continue };
                    let line = lines::containing(text, &id, 1).unwrap_or(1);
                    let mut decl = Declaration::new("aws", kind, &address, path, line);
                    decl.kind = Some(Kind::CloudAccessKey);
                    decl.standalone = true;
                    decl.keys.push(format!("aws-key-id:{id}"));
                    if let Some(user) = field("user") {
                        decl.joins.push(format!("aws-user-name:{user}"));
                    }
                    decl.reason(
                        "long-lived-access-key",
                        "NHI7",
                        15,
                        format!("{address} is a long-lived IAM access key (no expiry)"),
                    );
                    out.push(decl);
                }
                _ => {}
            }
        }
    }
    Ok(())
}
