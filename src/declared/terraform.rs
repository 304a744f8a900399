//! Terraform (HCL, parsed with hcl-rs): IAM users, access keys, roles and
//! policies (AWS), service accounts, keys and IAM members (GCP),
//! applications, service principals and passwords (Azure AD), deploy keys
//! and Actions secrets (GitHub).

use hcl::expr::Expression;
use hcl::structure::{Block, Body};
use serde_json::Value;

use super::hcl_value::{interpolations, literal, reference, to_json};
use super::{Declaration, DeclaredError, Expiry, first_line, lines, policy};
use crate::inventory::Kind;

/// Adds the declarations of the Terraform file `path` with text `text`.
pub fn declarations(
    path: &str,
    text: &str,
    out: &mut Vec<Declaration>,
) -> Result<(), DeclaredError> {
    let body = hcl::parse(text).map_err(|err| DeclaredError::Parse {
        format: "Terraform",
        message: first_line(&err.to_string()),
    })?;
    let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
    for block in body.blocks() {
        let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
        let (keyword, [kind, name]) = (block.identifier.as_str(), labels.as_slice()) else {
            continue;
        };
        let line = lines::hcl_block(text, keyword, &[kind, name]);
        let context = Context { dir, path, line };
        match keyword {
            "resource" => resource(&context, kind, name, &block.body, out),
            "data" if *kind == "aws_iam_policy_document" => {
                let mut decl = context.declaration("aws", kind, &format!("data.{kind}.{name}"));
                decl.keys.push(format!("tf:{dir}:data.{kind}.{name}"));
                decl.source = true;
                let doc = policy_document(&block.body);
                policy::permissions(&doc, &mut decl);
                policy::trust(&doc, &mut decl);
                out.push(decl);
            }
            _ => {}
        }
    }
    Ok(())
}

struct Context<'a> {
    dir: &'a str,
    path: &'a str,
    line: usize,
}

impl Context<'_> {
    fn declaration(&self, provider: &str, kind: &str, resource: &str) -> Declaration {
        Declaration::new(provider, kind, resource, self.path, self.line)
    }

    /// The key a resource of this module answers to.
    fn key(&self, kind: &str, name: &str) -> String {
        format!("tf:{}:{kind}.{name}", self.dir)
    }
}

fn attr<'a>(body: &'a Body, name: &str) -> Option<&'a Expression> {
    body.attributes()
        .find(|a| a.key.as_str() == name)
        .map(|a| &a.expr)
}

fn attr_literal(body: &Body, name: &str) -> Option<String> {
    attr(body, name).and_then(literal)
}

/// Keys of what `expr` names: a resource reference, else a literal name
/// under `prefix` (`aws-user-name:`).
fn target(context: &Context, expr: Option<&Expression>, prefix: &str) -> Vec<String> {
    let Some(expr) = expr else { return Vec::new() };
    if let Some(key) = reference(context.dir, expr) {
        return vec![key];
    }
    match (literal(expr), expr) {
        (Some(name), _) => vec![format!("{prefix}{name}")],
        (None, Expression::Array(items)) => items
            .iter()
            .flat_map(|item| target(context, Some(item), prefix))
            .collect(),
        _ => Vec::new(),
    }
}

/// Reads a `policy`-like attribute: inline JSON (heredoc, `jsonencode`) into
/// `decl`'s permissions (or trust), or a reference to a policy document.
fn policy_attr(context: &Context, expr: Option<&Expression>, decl: &mut Declaration, trust: bool) {
    let Some(expr) = expr else { return };
    let doc = to_json(expr);
    if doc.get("Statement").is_some() {
        if trust {
            policy::trust(&doc, decl);
        } else {
            policy::permissions(&doc, decl);
        }
    } else if let Some(key) = reference(context.dir, expr) {
        if trust {
            decl.trust_from.push(key);
        } else {
            decl.grants_from.push(key);
        }
    }
}

fn resource(context: &Context, kind: &str, name: &str, body: &Body, out: &mut Vec<Declaration>) {
    let address = format!("{kind}.{name}");
    let own_key = context.key(kind, name);
    match kind {
        "aws_iam_user" => {
            let mut decl = context.declaration("aws", kind, &address);
            decl.kind = Some(Kind::IamUser);
            decl.standalone = true;
            decl.keys.push(own_key);
            if let Some(user) = attr_literal(body, "name") {
                decl.keys.push(format!("aws-user-name:{user}"));
                decl.principal = Some(user);
            }
            out.push(decl);
        }
        "aws_iam_access_key" => {
            let mut decl = context.declaration("aws", kind, &address);
            decl.kind = Some(Kind::CloudAccessKey);
            decl.standalone = true;
            decl.keys.push(own_key);
            decl.joins = target(context, attr(body, "user"), "aws-user-name:");
            if attr_literal(body, "status").as_deref() != Some("Inactive") {
                decl.reason(
                    "long-lived-access-key",
                    "NHI7",
                    15,
                    format!("{address} creates a long-lived IAM access key (no expiry): prefer roles and short-lived credentials"),
                );
            }
            out.push(decl);
        }
        "aws_iam_role" => {
            let mut decl = context.declaration("aws", kind, &address);
            decl.kind = Some(Kind::IamRole);
            decl.standalone = true;
            decl.keys.push(own_key);
            if let Some(role) = attr_literal(body, "name") {
                decl.keys.push(format!("aws-role-name:{role}"));
                decl.principal = Some(role);
            }
            policy_attr(context, attr(body, "assume_role_policy"), &mut decl, true);
            for inline in body
                .blocks()
                .filter(|b| b.identifier.as_str() == "inline_policy")
            {
                policy_attr(context, attr(&inline.body, "policy"), &mut decl, false);
            }
            if let Some(Expression::Array(arns)) = attr(body, "managed_policy_arns") {
                for arn in arns {
                    managed(context, arn, &mut decl);
                }
            }
            out.push(decl);
        }
        "aws_iam_policy" => {
            let mut decl = context.declaration("aws", kind, &address);
            decl.source = true;
            decl.keys.push(own_key);
            policy_attr(context, attr(body, "policy"), &mut decl, false);
            out.push(decl);
        }
        "aws_iam_user_policy" | "aws_iam_role_policy" => {
            let mut decl = context.declaration("aws", kind, &address);
            let (field, prefix) = if kind == "aws_iam_user_policy" {
                ("user", "aws-user-name:")
            } else {
                ("role", "aws-role-name:")
            };
            decl.joins = target(context, attr(body, field), prefix);
            policy_attr(context, attr(body, "policy"), &mut decl, false);
            out.push(decl);
        }
        "aws_iam_user_policy_attachment"
        | "aws_iam_role_policy_attachment"
        | "aws_iam_policy_attachment" => {
            let mut decl = context.declaration("aws", kind, &address);
            decl.joins = target(context, attr(body, "user"), "aws-user-name:");
            decl.joins
                .extend(target(context, attr(body, "role"), "aws-role-name:"));
            decl.joins
                .extend(target(context, attr(body, "users"), "aws-user-name:"));
            decl.joins
                .extend(target(context, attr(body, "roles"), "aws-role-name:"));
            if let Some(arn) = attr(body, "policy_arn") {
                managed(context, arn, &mut decl);
            }
            out.push(decl);
        }
        "google_service_account" => {
            let mut decl = context.declaration("gcp", kind, &address);
            decl.kind = Some(Kind::CloudServiceAccount);
            decl.standalone = true;
            decl.keys.push(own_key);
            if let Some(id) = attr_literal(body, "account_id") {
                decl.keys.push(format!("gcp-sa-id:{id}"));
                decl.principal = Some(id.clone());
                if let Some(project) = attr_literal(body, "project") {
                    let email = format!("{id}@{project}.iam.gserviceaccount.com");
                    decl.keys.push(format!("gcp-sa-email:{email}"));
                    decl.principal = Some(email);
                }
            }
            out.push(decl);
        }
        "google_service_account_key" => {
            let mut decl = context.declaration("gcp", kind, &address);
            decl.kind = Some(Kind::ServiceAccountKey);
            decl.standalone = true;
            decl.keys.push(own_key);
            decl.joins = target(context, attr(body, "service_account_id"), "gcp-sa-email:");
            decl.reason(
                "long-lived-service-account-key",
                "NHI7",
                15,
                format!("{address} creates a long-lived service-account key: prefer workload identity federation"),
            );
            out.push(decl);
        }
        k if k.starts_with("google_")
            && (k.ends_with("_iam_member") || k.ends_with("_iam_binding")) =>
        {
            gcp_member(context, kind, &address, body, out);
        }
        "azuread_application" | "azuread_service_principal" => {
            let mut decl = context.declaration("azure", kind, &address);
            decl.kind = Some(Kind::ServicePrincipal);
            decl.standalone = true;
            decl.keys.push(own_key);
            decl.principal = attr_literal(body, "display_name");
            for field in ["application_id", "client_id"] {
                decl.joins
                    .extend(target(context, attr(body, field), "azure-app:"));
            }
            out.push(decl);
        }
        "azuread_application_password" | "azuread_service_principal_password" => {
            let mut decl = context.declaration("azure", kind, &address);
            decl.kind = Some(Kind::ClientSecret);
            decl.standalone = true;
            decl.keys.push(own_key);
            for field in [
                "application_object_id",
                "application_id",
                "service_principal_id",
            ] {
                decl.joins
                    .extend(target(context, attr(body, field), "azure-app:"));
            }
            decl.expiry = Some(if let Some(date) = attr_literal(body, "end_date") {
                Expiry::Date(date)
            } else if let Some(relative) = attr_literal(body, "end_date_relative") {
                relative_hours(&relative).map_or(Expiry::Never, Expiry::Hours)
            } else {
                Expiry::Never
            });
            out.push(decl);
        }
        "github_repository_deploy_key" => {
            let mut decl = context.declaration("github", kind, &address);
            decl.kind = Some(Kind::DeployKey);
            decl.standalone = true;
            decl.keys.push(own_key);
            let repository = attr_literal(body, "repository").unwrap_or_default();
            let title = attr_literal(body, "title").unwrap_or_else(|| name.to_string());
            decl.principal = Some(format!("{repository}:{title}"));
            let read_only = !matches!(attr(body, "read_only"), Some(Expression::Bool(false)));
            decl.permissions.push(format!(
                "{} {repository}",
                if read_only { "read" } else { "read-write" }
            ));
            decl.reason(
                "long-lived-deploy-key",
                "NHI7",
                10,
                format!("{address}: a deploy key never expires"),
            );
            if !read_only {
                decl.reason(
                    "write-deploy-key",
                    "NHI5",
                    10,
                    format!("{address} can push (read_only = false)"),
                );
            }
            out.push(decl);
        }
        "github_actions_secret" | "github_actions_organization_secret" => {
            let mut decl = context.declaration("github", kind, &address);
            decl.kind = Some(Kind::CiSecret);
            decl.standalone = true;
            decl.keys.push(own_key);
            decl.principal = attr_literal(body, "secret_name");
            for field in ["plaintext_value", "encrypted_value"] {
                let Some(expr) = attr(body, field) else {
                    continue;
                };
                let Some(key) = reference(context.dir, expr) else {
                    continue;
                };
                if key.contains(":aws_iam_access_key.")
                    || key.contains(":google_service_account_key.")
                {
                    decl.reason(
                        "cloud-key-in-ci-secret",
                        "NHI6",
                        20,
                        format!("{address} stores a static cloud key as a CI secret: use OIDC federation instead"),
                    );
                    decl.joins.push(key);
                }
            }
            out.push(decl);
        }
        _ => {}
    }
}

fn managed(context: &Context, arn: &Expression, decl: &mut Declaration) {
    match literal(arn) {
        Some(arn) => policy::managed_policy(&arn, decl),
        None => {
            if let Some(key) = reference(context.dir, arn) {
                decl.grants_from.push(key);
            }
        }
    }
}

fn gcp_member(
    context: &Context,
    kind: &str,
    address: &str,
    body: &Body,
    out: &mut Vec<Declaration>,
) {
    let role = attr_literal(body, "role").unwrap_or_else(|| "(computed role)".to_string());
    let on = kind
        .trim_start_matches("google_")
        .trim_end_matches("_iam_member")
        .trim_end_matches("_iam_binding")
        .to_string();
    let on = match attr_literal(body, "project").or_else(|| attr_literal(body, "bucket")) {
        Some(name) => format!("{on} {name}"),
        None => on,
    };
    let members: Vec<&Expression> = match (attr(body, "member"), attr(body, "members")) {
        (Some(member), _) => vec![member],
        (None, Some(Expression::Array(items))) => items.iter().collect(),
        _ => Vec::new(),
    };
    for member in members {
        let mut decl = context.declaration("gcp", kind, address);
        decl.kind = Some(Kind::CloudServiceAccount);
        let text = super::hcl_value::template_text(member).unwrap_or_default();
        let Some(account) = text.strip_prefix("serviceAccount:") else {
            continue;
        };
        if let Some(key) = interpolations(account)
            .iter()
            .find_map(|e| reference(context.dir, e))
        {
            decl.joins.push(key);
        } else if !account.contains("${") {
            decl.standalone = true;
            decl.principal = Some(account.to_string());
            decl.keys.push(format!("gcp-sa-email:{account}"));
            if let Some((id, domain)) = account.split_once('@') {
                if domain.ends_with(".iam.gserviceaccount.com") {
                    decl.keys.push(format!("gcp-sa-id:{id}"));
                }
            }
        }
        policy::gcp_role(&role, &on, &mut decl);
        out.push(decl);
    }
}

/// Hours of a Go duration (`8760h`, `720h30m`); `None` when unreadable.
fn relative_hours(text: &str) -> Option<i64> {
    let hours = text.split('h').next()?;
    hours.trim().parse().ok()
}

/// An `aws_iam_policy_document` data source as a JSON policy.
fn policy_document(body: &Body) -> Value {
    let statements: Vec<Value> = body
        .blocks()
        .filter(|b| b.identifier.as_str() == "statement")
        .map(statement)
        .collect();
    serde_json::json!({ "Statement": statements })
}

fn statement(block: &Block) -> Value {
    let body = &block.body;
    let mut out = serde_json::Map::new();
    out.insert(
        "Effect".to_string(),
        Value::String(attr_literal(body, "effect").unwrap_or_else(|| "Allow".to_string())),
    );
    for (field, key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(expr) = attr(body, field) {
            out.insert(key.to_string(), to_json(expr));
        }
    }
    let mut principals = serde_json::Map::new();
    for block in body
        .blocks()
        .filter(|b| b.identifier.as_str() == "principals")
    {
        let kind = attr_literal(&block.body, "type").unwrap_or_else(|| "AWS".to_string());
        if let Some(ids) = attr(&block.body, "identifiers") {
            principals.insert(kind, to_json(ids));
        }
    }
    if !principals.is_empty() {
        out.insert("Principal".to_string(), Value::Object(principals));
    }
    if body.blocks().any(|b| b.identifier.as_str() == "condition") {
        out.insert("Condition".to_string(), Value::Bool(true));
    }
    Value::Object(out)
}
