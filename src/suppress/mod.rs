//! Suppression, all content-based: baselines, `.keyhoundignore`, inline
//! `keyhound:allow`, allowlists and the project configuration `.keyhound.toml`.

mod allowlist;
pub mod gitleaksignore;

pub use allowlist::AllowlistSpec;
