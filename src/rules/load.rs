//! Loading rule files: the embedded built-in pack and user files.

use std::path::{Path, PathBuf};

use super::schema::{RuleFile, RuleSpec};

/// Why a rule file could not be used. Every variant names the file (and the rule).
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The file could not be read.
    #[error("cannot read rule file {path}")]
    Io {
        /// File that failed.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not follow the schema.
    #[error("rule file {file} is not valid: {message}")]
    Parse {
        /// File that failed.
        file: String,
        /// Parser message (with line and column).
        message: String,
    },
    /// A rule breaks a schema constraint.
    #[error("rule file {file}, rule {rule}: {reason}")]
    Invalid {
        /// File containing the rule.
        file: String,
        /// Rule id.
        rule: String,
        /// What is wrong.
        reason: String,
    },
}

/// The rule files embedded at build time: `(file name, TOML text)`, sorted by name.
pub fn builtin_sources() -> &'static [(&'static str, &'static str)] {
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"))
}

/// Parses one rule file's text; `file` names it in errors.
pub fn parse_rule_file(file: &str, text: &str) -> Result<Vec<RuleSpec>, RuleError> {
    let parsed: RuleFile = toml::from_str(text).map_err(|err| RuleError::Parse {
        file: file.to_string(),
        message: err.to_string().trim_end().to_string(),
    })?;
    Ok(parsed.rules)
}

/// Reads and parses a user rule file from disk; returns its rules and its text.
pub fn read_rule_file(path: &Path) -> Result<(Vec<RuleSpec>, String), RuleError> {
    let text = std::fs::read_to_string(path).map_err(|source| RuleError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let specs = parse_rule_file(&path.display().to_string(), &text)?;
    Ok((specs, text))
}
