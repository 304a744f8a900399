//! Configuration files parsed for key context: JSON (with comments), YAML
//! (every document), TOML, XML and Jupyter notebooks are read with their
//! ecosystem's parsers into [`Entry`]s, so that a value is judged by the key
//! that names it even when the raw text does not put the two side by side:
//! `- name: DB_PASSWORD` / `value: ...` in a Kubernetes container, an ECS
//! task's `{"name": ..., "value": ...}`, a browser HAR capture's request
//! headers (`{"name": "X-Api-Key", "value": ...}`), `<add key="SmtpPassword" value="..."/>`
//! in a .NET `web.config`, `<password>` in Jenkins' `credentials.xml`, a YAML
//! block scalar under `password: >-`.
//!
//! Parsing never replaces the raw scan: it adds to it. A file that does not
//! parse is scanned as text only (the caller records nothing: broken config
//! is common and not the user's problem here).

mod json;
mod keys;
mod lines;
mod notebook;
mod tfstate;
mod tree;
mod xml;
mod yaml;

pub use keys::{is_secret_key, mentions_secret_words};

/// Largest file parsed (bigger files get the raw scan only).
pub const MAX_PARSED_SIZE: usize = 2 * 1024 * 1024;

/// Longest value kept (longer values are left to the raw scan).
pub const MAX_VALUE_LEN: usize = 4096;

/// Whether a value is kept as an entry: not empty, at most [`MAX_VALUE_LEN`].
fn is_kept(value: &str) -> bool {
    !value.is_empty() && value.len() <= MAX_VALUE_LEN
}

/// Most entries taken from one file.
pub const MAX_ENTRIES: usize = 10_000;

/// Deepest nesting walked (a 10k-deep document is not walked to the bottom).
pub const MAX_DEPTH: usize = 64;

/// A configuration format keyhound parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JSON, also with `//` and `/* */` comments (`.json`, `.jsonc`, `.json5`-ish).
    Json,
    /// YAML, every document of a stream.
    Yaml,
    /// TOML.
    Toml,
    /// XML (`.xml`, `.config`, `.csproj`, Jenkins `credentials.xml`...).
    Xml,
    /// Jupyter notebook (`.ipynb`): the cells' source code.
    Notebook,
    /// One `key = value` per line: Java `.properties`, INI (`.ini`, `.cfg`),
    /// dotenv (`.env`, `.env.production`).
    Lines,
    /// A file that holds one credential and nothing else, named for what it
    /// holds (Vault's `~/.vault-token`): the whole content under that name.
    TokenFile(&'static str),
}

/// Files that hold one credential, by file name, and the name it is read under.
const TOKEN_FILES: &[(&str, &str)] = &[(".vault-token", "VAULT_TOKEN")];

/// What a configuration file holds that is worth a second look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A string value and the key that names it (for a `name`/`value` pair,
    /// the name).
    KeyValue {
        /// The key, as written.
        key: String,
        /// The value, unescaped.
        value: String,
    },
    /// A key and value written side by side as `key=value` (a settings line,
    /// a `NAME=value` list item), with no quotes to say where the value ends:
    /// worth a second look only for a value the raw scan cannot read whole.
    Setting {
        /// The key, as written.
        key: String,
        /// The value, to the end of its line or item.
        value: String,
    },
    /// Source code embedded in the file (a notebook cell).
    Code(String),
}

impl Entry {
    /// The key and value of a [`Entry::KeyValue`] or [`Entry::Setting`].
    pub fn key_value(&self) -> Option<(&str, &str)> {
        match self {
            Entry::KeyValue { key, value } | Entry::Setting { key, value } => {
                Some((key.as_str(), value.as_str()))
            }
            Entry::Code(_) => None,
        }
    }
}

/// The key/value entries of `entries` as owned pairs, for the readers' tests.
#[cfg(test)]
pub(crate) fn owned_pairs(entries: &[Entry]) -> Vec<(String, String)> {
    entries
        .iter()
        .filter_map(Entry::key_value)
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

/// Why a file could not be parsed.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// Not valid in its format.
    #[error("not valid {format:?}: {message}")]
    Invalid {
        /// The format tried.
        format: Format,
        /// The parser's message.
        message: String,
    },
}

/// The format of a file, by its name; lock files and minified bundles are
/// left to the raw scan (they are large and their keys are not secrets').
pub fn format_of(path: &str) -> Option<Format> {
    let name = path.rsplit(['/', '\\', '!']).next().unwrap_or(path);
    if let Some(&(_, key)) = TOKEN_FILES.iter().find(|(file, _)| name == *file) {
        return Some(Format::TokenFile(key));
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if name.starts_with(".env") && !name.ends_with(".example") && !name.ends_with(".sample") {
        return Some(Format::Lines);
    }
    // By extension first, without allocating: most files are not configuration.
    let format = [
        ("json", Format::Json),
        ("jsonc", Format::Json),
        ("json5", Format::Json),
        ("tfstate", Format::Json),
        ("har", Format::Json),
        ("template", Format::Json),
        ("yaml", Format::Yaml),
        ("yml", Format::Yaml),
        ("toml", Format::Toml),
        ("xml", Format::Xml),
        ("config", Format::Xml),
        ("csproj", Format::Xml),
        ("props", Format::Xml),
        ("targets", Format::Xml),
        ("pubxml", Format::Xml),
        ("ipynb", Format::Notebook),
        ("properties", Format::Lines),
        ("ini", Format::Lines),
        ("cfg", Format::Lines),
        ("env", Format::Lines),
    ]
    .into_iter()
    .find(|(known, _)| extension.eq_ignore_ascii_case(known))
    .map(|(_, format)| format)?;
    let lower = name.to_ascii_lowercase();
    let generated =
        lower.contains("-lock.") || lower.contains(".lock.") || lower.ends_with(".min.json");
    (!generated).then_some(format)
}

/// True for a Go/Helm template: `{{` actions outside GitHub's `${{ }}`
/// expressions (which workflows use and are valid YAML). Such a file is not
/// YAML until rendered, so it gets the raw scan only.
pub fn is_unrendered_template(bytes: &[u8]) -> bool {
    memchr::memmem::find_iter(bytes, b"{{").any(|at| at == 0 || bytes[at - 1] != b'$')
}

/// The entries of `text` read as `format`, in document order, at most
/// [`MAX_ENTRIES`].
pub fn entries(format: Format, text: &str) -> Result<Vec<Entry>, ParseError> {
    let mut out = Vec::new();
    match format {
        Format::Json => json::entries(text, &mut out)?,
        Format::Yaml => yaml::entries(text, &mut out)?,
        Format::Toml => toml_entries(text, &mut out)?,
        Format::Xml => xml::entries(text, &mut out)?,
        Format::Notebook => notebook::entries(text, &mut out)?,
        Format::Lines => lines::entries(text, &mut out),
        Format::TokenFile(key) => {
            let value = text.trim();
            if is_kept(value) && !value.contains(char::is_whitespace) {
                out.push(Entry::KeyValue {
                    key: key.to_string(),
                    value: value.to_string(),
                });
            }
        }
    }
    out.truncate(MAX_ENTRIES);
    Ok(out)
}

fn toml_entries(text: &str, out: &mut Vec<Entry>) -> Result<(), ParseError> {
    let table: toml::Table = text
        .parse()
        .map_err(|err: toml::de::Error| ParseError::Invalid {
            format: Format::Toml,
            message: err.message().to_string(),
        })?;
    let value = serde_json::to_value(&table).map_err(|err| ParseError::Invalid {
        format: Format::Toml,
        message: err.to_string(),
    })?;
    tree::walk(&value, None, 0, out);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(key: &str, value: &str) -> Entry {
        Entry::KeyValue {
            key: key.into(),
            value: value.into(),
        }
    }

    #[test]
    fn formats_by_name() {
        assert_eq!(format_of("a/b/appsettings.json"), Some(Format::Json));
        assert_eq!(format_of("values-prod.YAML"), Some(Format::Yaml));
        assert_eq!(format_of("web.config"), Some(Format::Xml));
        assert_eq!(format_of("x.jar!META-INF/pom.xml"), Some(Format::Xml));
        assert_eq!(format_of("nb.ipynb"), Some(Format::Notebook));
        assert_eq!(format_of("login-flow.har"), Some(Format::Json));
        assert_eq!(
            format_of("src/main/resources/app.properties"),
            Some(Format::Lines)
        );
        assert_eq!(format_of("setup.cfg"), Some(Format::Lines));
        assert_eq!(format_of("deploy/.env.production"), Some(Format::Lines));
        assert_eq!(format_of(".env.example"), None);
        assert_eq!(format_of("package-lock.json"), None);
        assert_eq!(format_of("Cargo.lock"), None);
        assert_eq!(format_of("pnpm-lock.yaml"), None);
        assert_eq!(format_of("main.rs"), None);
    }

    #[test]
    fn toml_tables_give_keys() {
        let got =
            entries(Format::Toml, "[db]\npassword = \"pw-1\"\nport = 5432\n").unwrap_or_default();
        assert_eq!(got, vec![kv("password", "pw-1")]);
    }

    #[test]
    fn broken_files_are_errors_not_panics() {
        for format in [
            Format::Json,
            Format::Yaml,
            Format::Toml,
            Format::Xml,
            Format::Notebook,
        ] {
            let result = entries(format, "{{{ [[[ <a <<: \"");
            assert!(result.is_err(), "{format:?}");
        }
    }
}
