//! Where an identity comes from: a credential found in the files (`leaked`),
//! infrastructure code that creates it (`declared`), or both.

use serde::{Deserialize, Serialize};

/// One origin of an identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Declared by Terraform, CloudFormation, Kubernetes manifests or CI workflows.
    Declared,
    /// A credential (secret, key or certificate) found in the scanned files.
    Leaked,
}

impl Origin {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Declared => "declared",
            Origin::Leaked => "leaked",
        }
    }
}
