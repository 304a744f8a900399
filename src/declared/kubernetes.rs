//! Kubernetes manifests (multi-document YAML or JSON): service accounts,
//! RBAC roles and their bindings, service-account token Secrets, and the
//! workloads that use a service account.

use serde_json::Value;

use super::{Declaration, DeclaredError, first_line, lines, policy::strings};
use crate::inventory::Kind;

const WORKLOADS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
];

/// Adds the declarations of every document of the manifest `text`.
pub fn declarations(
    path: &str,
    text: &str,
    out: &mut Vec<Declaration>,
) -> Result<(), DeclaredError> {
    let mut error = None;
    for (start, end, document) in lines::yaml_documents(text) {
        let value: Value = match serde_saphyr::from_str(&document) {
            Ok(value) => value,
            Err(err) => {
                error.get_or_insert(DeclaredError::Parse {
                    format: "YAML",
                    message: format!("line {start}: {}", first_line(&err.to_string())),
                });
                continue;
            }
        };
        let items = match value.get("kind").and_then(Value::as_str) {
            Some("List") => value
                .get("items")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            _ => vec![value],
        };
        for item in &items {
            object(path, start, end, item, out);
        }
    }
    error.map_or(Ok(()), Err)
}

fn text<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

fn sa_key(namespace: &str, name: &str) -> String {
    format!("k8s-sa:{namespace}/{name}")
}

fn object(path: &str, start: usize, end: usize, item: &Value, out: &mut Vec<Declaration>) {
    let Some(kind) = item.get("kind").and_then(Value::as_str) else {
        return;
    };
    let name = text(item, "/metadata/name").unwrap_or("");
    let namespace = text(item, "/metadata/namespace").unwrap_or("default");
    let resource = format!("{kind} {namespace}/{name}");
    let mut decl = Declaration::new("kubernetes", kind, &resource, path, start);
    decl.end_line = end;
    match kind {
        "ServiceAccount" => {
            decl.kind = Some(Kind::KubernetesServiceAccount);
            decl.standalone = true;
            decl.keys.push(sa_key(namespace, name));
            decl.principal = Some(format!("system:serviceaccount:{namespace}:{name}"));
            if let Some(automount) = item.get("automountServiceAccountToken") {
                decl.attribute("automount_token", automount.clone());
            }
            out.push(decl);
        }
        "Secret" if text(item, "/type") == Some("kubernetes.io/service-account-token") => {
            decl.kind = Some(Kind::KubernetesToken);
            decl.standalone = true;
            let annotation = item
                .pointer("/metadata/annotations")
                .and_then(|a| a.get("kubernetes.io/service-account.name"))
                .and_then(Value::as_str);
            if let Some(account) = annotation {
                decl.joins.push(sa_key(namespace, account));
            }
            decl.reason(
                "long-lived-service-account-token",
                "NHI7",
                15,
                format!("Secret {namespace}/{name} holds a service-account token that never expires: use projected (bound) tokens"),
            );
            out.push(decl);
        }
        "Role" | "ClusterRole" => {
            decl.source = true;
            decl.keys.push(role_key(kind, namespace, name));
            let rules = item.get("rules").and_then(Value::as_array);
            for rule in rules.into_iter().flatten() {
                let verbs = rule.get("verbs").map(strings).unwrap_or_default();
                let resources = rule.get("resources").map(strings).unwrap_or_default();
                let groups = rule.get("apiGroups").map(strings).unwrap_or_default();
                let urls = rule.get("nonResourceURLs").map(strings).unwrap_or_default();
                let on = if resources.is_empty() {
                    urls
                } else {
                    resources
                };
                decl.permissions.push(format!(
                    "{} on {}{}",
                    verbs.join(","),
                    on.join(","),
                    if groups.is_empty() || groups == [""] {
                        String::new()
                    } else {
                        format!(" ({})", groups.join(","))
                    }
                ));
                if verbs.iter().any(|v| v == "*") {
                    decl.reason(
                        "rbac-wildcard-verbs",
                        "NHI5",
                        20,
                        format!("{kind} {name} grants verbs \"*\""),
                    );
                }
                if on.iter().any(|r| r == "*") {
                    decl.reason(
                        "rbac-wildcard-resources",
                        "NHI5",
                        15,
                        format!("{kind} {name} grants on resources \"*\""),
                    );
                }
            }
            out.push(decl);
        }
        "RoleBinding" | "ClusterRoleBinding" => {
            let role_kind = text(item, "/roleRef/kind").unwrap_or("ClusterRole");
            let role_name = text(item, "/roleRef/name").unwrap_or("");
            let subjects = item.get("subjects").and_then(Value::as_array);
            for subject in subjects.into_iter().flatten() {
                if subject.get("kind").and_then(Value::as_str) != Some("ServiceAccount") {
                    continue;
                }
                let Some(account) = subject.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let account_ns = text(subject, "/namespace").unwrap_or(namespace);
                let mut binding = decl.clone();
                binding.kind = Some(Kind::KubernetesServiceAccount);
                binding.standalone = true;
                binding.keys.push(sa_key(account_ns, account));
                binding.principal = Some(format!("system:serviceaccount:{account_ns}:{account}"));
                binding
                    .grants_from
                    .push(role_key(role_kind, namespace, role_name));
                let scope = if kind == "ClusterRoleBinding" {
                    "cluster-wide"
                } else {
                    namespace
                };
                match role_name {
                    "cluster-admin" => {
                        binding
                            .permissions
                            .push(format!("ClusterRole cluster-admin ({scope})"));
                        binding.reason(
                            "cluster-admin",
                            "NHI5",
                            30,
                            format!("{kind} {name} binds cluster-admin ({scope})"),
                        );
                    }
                    "admin" | "edit" if role_kind == "ClusterRole" => {
                        binding
                            .permissions
                            .push(format!("ClusterRole {role_name} ({scope})"));
                    }
                    _ => {}
                }
                out.push(binding);
            }
        }
        k if WORKLOADS.contains(&k) => {
            let pod = match k {
                "Pod" => item.pointer("/spec"),
                "CronJob" => item.pointer("/spec/jobTemplate/spec/template/spec"),
                _ => item.pointer("/spec/template/spec"),
            };
            let Some(pod) = pod else { return };
            let account = pod
                .get("serviceAccountName")
                .or_else(|| pod.get("serviceAccount"))
                .and_then(Value::as_str);
            let Some(account) = account else { return };
            decl.kind = Some(Kind::KubernetesServiceAccount);
            decl.standalone = true;
            decl.keys.push(sa_key(namespace, account));
            decl.principal = Some(format!("system:serviceaccount:{namespace}:{account}"));
            decl.attribute(
                "workloads",
                Value::Array(vec![Value::String(resource.clone())]),
            );
            if let Some(automount) = pod.get("automountServiceAccountToken") {
                decl.attribute("automount_token", automount.clone());
            }
            out.push(decl);
        }
        _ => {}
    }
}

fn role_key(kind: &str, namespace: &str, name: &str) -> String {
    if kind == "ClusterRole" {
        format!("k8s-clusterrole:{name}")
    } else {
        format!("k8s-role:{namespace}/{name}")
    }
}
