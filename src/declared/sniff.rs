//! Is a file infrastructure code? First by path (no reading), then by a
//! content check of the bytes already in memory.

use memchr::memmem;

/// Files larger than this are not read for declarations.
pub const MAX_BYTES: usize = 4 << 20;

/// A format of infrastructure code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Terraform / HCL (`*.tf`).
    Terraform,
    /// Terraform state (`*.tfstate`, JSON).
    TerraformState,
    /// Kubernetes manifests (YAML or JSON with `apiVersion` and `kind`).
    Kubernetes,
    /// CloudFormation templates (YAML or JSON).
    CloudFormation,
    /// GitHub Actions workflows (`.github/workflows/*.yml`).
    Workflow,
}

/// Cheap path check: could `path` be infrastructure code at all?
pub fn may_be_iac(path: &str) -> bool {
    // Runs for every file: no allocation.
    [".tf", ".tfstate", ".yaml", ".yml", ".json", ".template"]
        .iter()
        .any(|ext| {
            path.len() >= ext.len()
                && path.as_bytes()[path.len() - ext.len()..].eq_ignore_ascii_case(ext.as_bytes())
        })
}

/// The format of `path` with content `bytes`, or `None` when it is not
/// infrastructure code.
pub fn format_of(path: &str, bytes: &[u8]) -> Option<Format> {
    if bytes.len() > MAX_BYTES {
        return None;
    }
    let lower = path.to_ascii_lowercase().replace('\\', "/");
    if lower.ends_with(".tf") {
        return Some(Format::Terraform);
    }
    if lower.ends_with(".tfstate") {
        return has(bytes, b"\"resources\"").then_some(Format::TerraformState);
    }
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if yaml && crate::source::config::is_unrendered_template(bytes) {
        // A Helm (Go) template is not YAML until rendered: `helm template`
        // output is what declares the identities.
        return None;
    }
    if yaml && lower.contains(".github/workflows/") {
        return (has(bytes, b"jobs")).then_some(Format::Workflow);
    }
    if has(bytes, b"AWSTemplateFormatVersion") || (has(bytes, b"Resources") && has(bytes, b"AWS::"))
    {
        return Some(Format::CloudFormation);
    }
    let manifest = if yaml {
        declares_a_kubernetes_object(bytes)
    } else {
        has(bytes, b"apiVersion") && has(bytes, b"kind")
    };
    if manifest && !lower.ends_with(".template") {
        return Some(Format::Kubernetes);
    }
    None
}

/// Kinds whose manifests declare or use a machine identity.
const IDENTITY_KINDS: &[&str] = &[
    "ServiceAccount",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "Secret",
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "List",
];

/// A YAML file with a top-level `kind:` (column 0, as in every manifest
/// document) naming one of [`IDENTITY_KINDS`], and an `apiVersion`. Values
/// files that merely mention `kind:` deeper down are not parsed again.
fn declares_a_kubernetes_object(bytes: &[u8]) -> bool {
    if !has(bytes, b"apiVersion") {
        return false;
    }
    bytes.split(|b| *b == b'\n').any(|line| {
        line.strip_prefix(b"kind:").is_some_and(|rest| {
            let value = rest.trim_ascii();
            let value = value
                .strip_prefix(b"\"")
                .and_then(|v| v.strip_suffix(b"\""))
                .unwrap_or(value);
            IDENTITY_KINDS.iter().any(|kind| kind.as_bytes() == value)
        })
    })
}

fn has(bytes: &[u8], needle: &[u8]) -> bool {
    memmem::find(bytes, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_path_and_content() {
        assert!(!may_be_iac("src/main.rs"));
        assert_eq!(format_of("a/main.tf", b""), Some(Format::Terraform));
        assert_eq!(
            format_of(".github/workflows/ci.yml", b"on: push\njobs: {}\n"),
            Some(Format::Workflow)
        );
        assert_eq!(
            format_of("k8s/sa.yaml", b"apiVersion: v1\nkind: ServiceAccount\n"),
            Some(Format::Kubernetes)
        );
        assert_eq!(
            format_of("cfn.yaml", b"Resources:\n  U:\n    Type: AWS::IAM::User\n"),
            Some(Format::CloudFormation)
        );
        assert_eq!(format_of("config.yaml", b"a: 1\n"), None);
        // A values file mentioning kinds deeper down is not a manifest.
        assert_eq!(
            format_of(
                "values.yaml",
                b"apiVersion: v2\nrbac:\n  kind: ClusterRole\n"
            ),
            None
        );
        assert_eq!(
            format_of("cm.yaml", b"apiVersion: v1\nkind: ConfigMap\n"),
            None
        );
        // An unrendered Helm template is skipped; a workflow's ${{ }} is not a template.
        assert_eq!(
            format_of(
                "chart/templates/sa.yaml",
                b"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Release.Name }}\n"
            ),
            None
        );
        assert_eq!(
            format_of(
                ".github/workflows/ci.yml",
                b"on: push\njobs:\n  a:\n    runs-on: ${{ matrix.os }}\n"
            ),
            Some(Format::Workflow)
        );
    }
}
