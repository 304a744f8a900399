//! GitHub Actions workflows: each job's `GITHUB_TOKEN` as a CI identity, with
//! its permissions (absent = the repository default), cloud logins with
//! long-lived secrets versus OIDC, and `pull_request_target` jobs that can
//! read secrets.

use serde_json::Value;

use super::{Declaration, DeclaredError, first_line, lines};
use crate::inventory::Kind;

/// Cloud login actions and the inputs that take a long-lived secret.
const STATIC_INPUTS: &[(&str, &[&str])] = &[
    (
        "aws-actions/configure-aws-credentials",
        &["aws-access-key-id", "aws-secret-access-key"],
    ),
    ("google-github-actions/auth", &["credentials_json"]),
    ("azure/login", &["creds", "client-secret"]),
];

/// Inputs of those actions that mean OIDC federation.
const OIDC_INPUTS: &[&str] = &["role-to-assume", "workload_identity_provider", "client-id"];

/// Adds one declaration per job of the workflow `text`.
pub fn declarations(
    path: &str,
    text: &str,
    out: &mut Vec<Declaration>,
) -> Result<(), DeclaredError> {
    let workflow: Value = serde_saphyr::from_str(text).map_err(|err| DeclaredError::Parse {
        format: "YAML",
        message: first_line(&err.to_string()),
    })?;
    let Some(jobs) = workflow.get("jobs").and_then(Value::as_object) else {
        return Ok(());
    };
    let triggers = workflow.get("on").or_else(|| workflow.get("true"));
    let pr_target = triggers.is_some_and(|on| match on {
        Value::String(s) => s == "pull_request_target",
        Value::Array(items) => items.iter().any(|i| i == "pull_request_target"),
        Value::Object(map) => map.contains_key("pull_request_target"),
        _ => false,
    });
    let file = path.rsplit('/').next().unwrap_or(path);
    let jobs_line = lines::key_line(text, "jobs", 1).unwrap_or(1);
    for (id, job) in jobs {
        let line = lines::key_line(text, id, jobs_line).unwrap_or(jobs_line);
        let mut decl = Declaration::new(
            "github",
            "workflow-job",
            &format!("{file}#{id}"),
            path,
            line,
        );
        decl.kind = Some(Kind::CiJobToken);
        decl.standalone = true;
        decl.keys.push(format!("gha-job:{path}#{id}"));
        decl.principal = Some(format!("GITHUB_TOKEN of {file} job {id}"));
        let permissions = job
            .get("permissions")
            .or_else(|| workflow.get("permissions"));
        let mut writes = false;
        let mut id_token = false;
        match permissions {
            None => decl.reason(
                "default-token-permissions",
                "NHI6",
                10,
                format!("job {id} sets no permissions: its token gets the repository default (read-write on older repositories)"),
            ),
            Some(Value::String(all)) => {
                decl.permissions.push(all.clone());
                if all == "write-all" {
                    writes = true;
                    id_token = true;
                    decl.reason("write-all-token", "NHI5", 20, format!("job {id} token has write-all permissions"));
                }
            }
            Some(Value::Object(scopes)) => {
                for (scope, access) in scopes {
                    let access = access.as_str().unwrap_or("");
                    decl.permissions.push(format!("{scope}: {access}"));
                    writes |= access == "write" && scope != "id-token";
                    id_token |= scope == "id-token" && access == "write";
                }
            }
            Some(_) => {}
        }
        let steps = job.get("steps").and_then(Value::as_array);
        for step in steps.into_iter().flatten() {
            let Some(uses) = step.get("uses").and_then(Value::as_str) else {
                continue;
            };
            let action = uses.split('@').next().unwrap_or(uses).to_ascii_lowercase();
            let Some((_, inputs)) = STATIC_INPUTS.iter().find(|(name, _)| *name == action) else {
                continue;
            };
            let with = step.get("with");
            let input = |name: &str| with.and_then(|w| w.get(name)).and_then(Value::as_str);
            let step_line = lines::containing(text, uses, line).unwrap_or(line);
            let stored = inputs
                .iter()
                .filter_map(|name| input(name))
                .find_map(secret_name);
            if let Some(stored) = stored {
                let mut reason = decl.make_reason(
                    "static-cloud-credentials-in-ci",
                    "NHI6",
                    25,
                    format!("job {id} logs in to the cloud with the long-lived secret {stored} ({action}): use OIDC (id-token: write + role)"),
                );
                reason.line = step_line;
                decl.reasons.push(reason);
                decl.attribute("cloud_login", Value::String("static-secret".to_string()));
            } else if let Some(role) = OIDC_INPUTS.iter().find_map(|name| input(name)) {
                decl.trust.push(format!("OIDC: {role}"));
                decl.attribute(
                    "cloud_login",
                    Value::String(
                        if id_token {
                            "oidc"
                        } else {
                            "oidc-without-id-token-permission"
                        }
                        .to_string(),
                    ),
                );
            }
        }
        let job_text = job.to_string();
        if pr_target && (job_text.contains("secrets.") || writes) {
            decl.reason(
                "pull-request-target-secrets",
                "NHI6",
                20,
                format!("job {id} runs on pull_request_target and can read secrets or write: code from forks must not reach it"),
            );
        }
        out.push(decl);
    }
    Ok(())
}

/// `NAME` of a `${{ secrets.NAME }}` expression.
fn secret_name(value: &str) -> Option<String> {
    let start = value.find("secrets.")? + "secrets.".len();
    let name: String = value[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    (!name.is_empty()).then_some(name)
}
