//! Declared identities: the machine identities that infrastructure code
//! creates (Terraform, CloudFormation, Kubernetes manifests, GitHub Actions
//! workflows), found by parsing the files' structure, with their permissions,
//! trust and risk. See `docs/INVENTORY.md` ("Declared identities").
//!
//! ```text
//! path ──► sniff (path, then a content check) ──► parser per format ──► declarations
//!                                                                     (one file)
//! declarations of every file ──► resolve (references, bindings, policies) ──► identities
//! ```

mod cloudformation;
mod declaration;
mod hcl_value;
mod kubernetes;
mod lines;
mod policy;
mod resolve;
mod sniff;
mod terraform;
mod tfstate;
mod workflow;

pub use declaration::{Declaration, DeclaredGit, DeclaredReason, Expiry};
pub use resolve::{DeclaredIdentity, DeclaredLocation, resolve};
pub use sniff::{Format, MAX_BYTES, format_of, may_be_iac};

/// Why a file that looks like infrastructure code could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeclaredError {
    /// The file is not valid for its format.
    #[error("{format} not parsed: {message}")]
    Parse {
        /// Format tried (`Terraform`, `YAML`...).
        format: &'static str,
        /// First line of the parser's message.
        message: String,
    },
}

/// What discovery found in one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileDeclarations {
    /// Path of the file.
    pub path: String,
    /// Declarations, in file order.
    pub declarations: Vec<Declaration>,
    /// Problems (malformed documents); the scan goes on.
    pub notes: Vec<String>,
}

/// Discovers the declarations of one file. Returns `None` when the file is
/// not infrastructure code (by path, then by a content check), so callers
/// can run this on every file cheaply.
pub fn discover(path: &str, bytes: &[u8]) -> Option<FileDeclarations> {
    if !may_be_iac(path) {
        return None;
    }
    let format = format_of(path, bytes)?;
    let text = String::from_utf8_lossy(bytes);
    let mut out = FileDeclarations {
        path: path.to_string(),
        ..FileDeclarations::default()
    };
    let result = match format {
        Format::Terraform => terraform::declarations(path, &text, &mut out.declarations),
        Format::TerraformState => tfstate::declarations(path, &text, &mut out.declarations),
        Format::Kubernetes => kubernetes::declarations(path, &text, &mut out.declarations),
        Format::CloudFormation => cloudformation::declarations(path, &text, &mut out.declarations),
        Format::Workflow => workflow::declarations(path, &text, &mut out.declarations),
    };
    if let Err(err) = result {
        out.notes.push(format!("{path}: {err}"));
    }
    if out.declarations.is_empty() && out.notes.is_empty() {
        return None;
    }
    Some(out)
}

/// First line of a parser's message, clipped.
pub(crate) fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or("").trim();
    line.chars().take(200).collect()
}
