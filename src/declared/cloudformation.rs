//! CloudFormation templates (YAML with short-form tags such as `!Ref`,
//! `!GetAtt` and `!Sub`, or JSON): IAM users, access keys, roles and
//! policies.

use serde_json::Value;

use super::{Declaration, DeclaredError, first_line, lines, policy};
use crate::inventory::Kind;

/// Adds the IAM declarations of the template `text`.
pub fn declarations(
    path: &str,
    text: &str,
    out: &mut Vec<Declaration>,
) -> Result<(), DeclaredError> {
    let template: Value = serde_saphyr::from_str(text).map_err(|err| DeclaredError::Parse {
        format: "CloudFormation",
        message: first_line(&err.to_string()),
    })?;
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        return Ok(());
    };
    let resources_line = lines::key_line(text, "Resources", 1).unwrap_or(1);
    for (id, resource) in resources {
        let Some(kind) = resource.get("Type").and_then(Value::as_str) else {
            continue;
        };
        let line = lines::key_line(text, id, resources_line).unwrap_or(resources_line);
        let empty = Value::Null;
        let props = resource.get("Properties").unwrap_or(&empty);
        let key = format!("cfn:{path}:{id}");
        let mut decl = Declaration::new("aws", kind, id, path, line);
        decl.principal = Some(id.clone());
        match kind {
            "AWS::IAM::User" => {
                decl.kind = Some(Kind::IamUser);
                decl.standalone = true;
                decl.keys.push(key);
                if let Some(name) = props.get("UserName").and_then(Value::as_str) {
                    decl.keys.push(format!("aws-user-name:{name}"));
                    decl.principal = Some(name.to_string());
                }
                identity_policies(props, &mut decl);
            }
            "AWS::IAM::Role" => {
                decl.kind = Some(Kind::IamRole);
                decl.standalone = true;
                decl.keys.push(key);
                if let Some(name) = props.get("RoleName").and_then(Value::as_str) {
                    decl.keys.push(format!("aws-role-name:{name}"));
                    decl.principal = Some(name.to_string());
                }
                if let Some(doc) = props.get("AssumeRolePolicyDocument") {
                    policy::trust(doc, &mut decl);
                }
                identity_policies(props, &mut decl);
            }
            "AWS::IAM::AccessKey" => {
                decl.kind = Some(Kind::CloudAccessKey);
                decl.standalone = true;
                decl.keys.push(key);
                decl.joins = references(path, props.get("UserName"), "aws-user-name:");
                decl.reason(
                    "long-lived-access-key",
                    "NHI7",
                    15,
                    format!("{id} creates a long-lived IAM access key (no expiry)"),
                );
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                if let Some(doc) = props.get("PolicyDocument") {
                    policy::permissions(doc, &mut decl);
                }
                decl.joins = references(path, props.get("Users"), "aws-user-name:");
                decl.joins
                    .extend(references(path, props.get("Roles"), "aws-role-name:"));
            }
            _ => continue,
        }
        out.push(decl);
    }
    Ok(())
}

/// Inline `Policies` and `ManagedPolicyArns` of a user or role.
fn identity_policies(props: &Value, decl: &mut Declaration) {
    let inline = props.get("Policies").and_then(Value::as_array);
    for item in inline.into_iter().flatten() {
        if let Some(doc) = item.get("PolicyDocument") {
            policy::permissions(doc, decl);
        }
    }
    let arns = props.get("ManagedPolicyArns").and_then(Value::as_array);
    for arn in arns.into_iter().flatten() {
        if let Some(arn) = arn
            .as_str()
            .or_else(|| arn.get("Fn::Sub").and_then(Value::as_str))
        {
            policy::managed_policy(arn, decl);
        }
    }
}

/// Keys named by `Ref`s (`!Ref X`, `{"Ref": "X"}`) or literal names.
fn references(path: &str, value: Option<&Value>, prefix: &str) -> Vec<String> {
    match value {
        Some(Value::String(name)) => vec![format!("cfn:{path}:{name}"), format!("{prefix}{name}")],
        Some(Value::Object(map)) => match map.get("Ref").and_then(Value::as_str) {
            Some(name) => vec![format!("cfn:{path}:{name}")],
            None => Vec::new(),
        },
        Some(Value::Array(items)) => items
            .iter()
            .flat_map(|item| references(path, Some(item), prefix))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_form_tags_parse() {
        let text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Deployer:\n    Type: AWS::IAM::User\n    Properties:\n      Policies:\n        - PolicyName: all\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: '*'\n                Resource: !Sub 'arn:aws:s3:::${AWS::StackName}/*'\n  DeployerKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: !Ref Deployer\n      Serial: !GetAtt Deployer.Arn\n";
        let mut out = Vec::new();
        let result = declarations("cfn.yaml", text, &mut out);
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(out.len(), 2, "{out:?}");
        assert_eq!(out[0].line, 3);
        assert_eq!(out[0].reasons[0].code, "wildcard-action");
        assert!(
            out[1].joins.contains(&"cfn:cfn.yaml:Deployer".to_string()),
            "{:?}",
            out[1].joins
        );
    }
}
