//! `.keyhound.toml`: the project configuration (extra rule files, disabled
//! rules, allowlists, defaults for the minimum confidence and file size).
//! See `docs/CONFIG.md`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::AllowlistSpec;
use crate::rules::Confidence;

/// Project configuration as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectConfig {
    /// Extra rule files, relative to the configuration file.
    #[serde(default)]
    pub rule_files: Vec<PathBuf>,
    /// Rule ids not to run.
    #[serde(default)]
    pub disabled_rules: Vec<String>,
    /// Default for `--min-confidence`.
    #[serde(default)]
    pub min_confidence: Option<Confidence>,
    /// Default for `--max-file-size` (`10MiB`).
    #[serde(default)]
    pub max_file_size: Option<String>,
    /// A gitleaks configuration to load too, relative to this file.
    #[serde(default)]
    pub gitleaks_config: Option<PathBuf>,
    /// Allowlists (`[[allowlist]]`), global or for some rules.
    #[serde(default, rename = "allowlist")]
    pub allowlists: Vec<AllowlistSpec>,
}

/// Why the configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read configuration {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The file does not follow the schema.
    #[error("configuration {path} is not valid: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Parser message with line and column.
        message: String,
    },
}

/// What kind of configuration a TOML file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKind {
    /// A keyhound `.keyhound.toml`.
    Keyhound,
    /// A gitleaks configuration (`[[rules]]`, `[allowlist]`, `[extend]`, `title`).
    Gitleaks,
}

/// Tells a gitleaks configuration from a keyhound one by its keys.
pub fn kind_of(text: &str) -> ConfigKind {
    let Ok(table) = text.parse::<toml::Table>() else {
        return ConfigKind::Keyhound;
    };
    let gitleaks = ["title", "extend", "allowlists"]
        .iter()
        .any(|k| table.contains_key(*k))
        || table.get("rules").is_some_and(|r| {
            r.as_array()
                .is_some_and(|a| a.iter().any(toml::Value::is_table))
        })
        || table.get("allowlist").is_some_and(toml::Value::is_table);
    if gitleaks {
        ConfigKind::Gitleaks
    } else {
        ConfigKind::Keyhound
    }
}

impl ProjectConfig {
    /// Reads `path`; relative paths inside are made relative to its directory.
    pub fn read(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config: ProjectConfig =
            toml::from_str(&text).map_err(|err| ConfigError::Parse {
                path: path.to_path_buf(),
                message: crate::rules::toml_error_message(&text, &err),
            })?;
        let base = path.parent().unwrap_or(Path::new(""));
        for file in &mut config.rule_files {
            if file.is_relative() {
                *file = base.join(&*file);
            }
        }
        if let Some(file) = &mut config.gitleaks_config {
            if file.is_relative() {
                *file = base.join(&*file);
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_gitleaks_from_keyhound() {
        assert_eq!(kind_of("title = \"x\"\n"), ConfigKind::Gitleaks);
        assert_eq!(
            kind_of("[[rules]]\nid = \"a\"\nregex = \"b\"\n"),
            ConfigKind::Gitleaks
        );
        assert_eq!(
            kind_of("[allowlist]\npaths = [\"a\"]\n"),
            ConfigKind::Gitleaks
        );
        assert_eq!(
            kind_of("disabled_rules = [\"x\"]\n[[allowlist]]\npaths = [\"a\"]\n"),
            ConfigKind::Keyhound
        );
    }

    #[test]
    fn reads_and_rejects_unknown_keys() {
        let dir = std::env::temp_dir().join(format!("keyhound-config-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let good = dir.join("good.toml");
        let _ = std::fs::write(
            &good,
            "rule_files = [\"extra.toml\"]\nmin_confidence = \"medium\"\n[[allowlist]]\nrules = [\"generic.password\"]\nstopwords = [\"dev\"]\n",
        );
        let config = ProjectConfig::read(&good).unwrap_or_default();
        assert_eq!(config.rule_files, [dir.join("extra.toml")]);
        assert_eq!(config.min_confidence, Some(Confidence::Medium));
        assert_eq!(config.allowlists.len(), 1);
        let bad = dir.join("bad.toml");
        let _ = std::fs::write(&bad, "min_confidence = \"medium\"\nunknown_key = 1\n");
        let err = ProjectConfig::read(&bad)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("unknown_key"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
