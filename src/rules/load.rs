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
        message: toml_error_message(text, &err),
    })?;
    Ok(parsed.rules)
}

/// A TOML error as `line L, column C: message`, without the source line the
/// parser quotes and with the values its message quotes redacted: a
/// malformed rule or configuration file may hold a secret (a stopword, an
/// example), and error messages must not print it.
pub fn toml_error_message(text: &str, err: &toml::de::Error) -> String {
    let message = redact_quoted(err.message().trim_end());
    match err.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

/// `message` with every `"quoted"` value, and the `` `value` `` after
/// "unknown variant", shown as [`Secret::redacted`].
///
/// [`Secret::redacted`]: crate::finding::Secret::redacted
pub fn redact_quoted(message: &str) -> String {
    let redact = |value: &str| crate::finding::Secret::from_bytes(value.as_bytes()).redacted();
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find(['"', '`']) {
        let quote = rest[open..].chars().next().unwrap_or('"');
        let Some(len) = rest[open + 1..].find(quote) else {
            break;
        };
        let value = &rest[open + 1..open + 1 + len];
        let prefix = &rest[..open];
        out.push_str(prefix);
        out.push(quote);
        // Unknown field names stay: they are keys, and a typo must be visible.
        let user_value = quote == '"' || prefix.ends_with("unknown variant ");
        if user_value && !value.is_empty() {
            out.push_str(&redact(value));
        } else {
            out.push_str(value);
        }
        out.push(quote);
        rest = &rest[open + 1 + len + 1..];
    }
    out.push_str(rest);
    out
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

#[cfg(test)]
mod tests {
    #[test]
    fn toml_errors_do_not_quote_the_file() {
        let value = ["s3cr3t", "Value", "Kept", "Out"].concat();
        for text in [
            format!("[[rule]]\nid = \"x\"\nname = \"{value}\nkeywords = [\n"),
            format!("[[rule]]\nid = \"x\"\nmin_entropy = \"{value}\"\n"),
            format!("[[rule]]\nid = \"x\"\nconfidence = \"{value}\"\n"),
        ] {
            let err = super::parse_rule_file("f.toml", &text)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("line "), "{err}");
            assert!(!err.contains("Value"), "{err}");
        }
    }
}
