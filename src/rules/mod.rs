//! Rules: the on-disk schema, loading (built-in pack + user files), compilation
//! into a shared [`RuleSet`], and the `rules check` lint.

mod check;
mod compile;
pub mod gitleaks;
mod keyword_dfa;
mod load;
mod locality;
mod relax;
mod schema;

pub use check::{CheckProblem, check_rules};
pub use compile::{Companion, Rule, RuleSet};
pub(crate) use keyword_dfa::KeywordHit;
pub use load::{RuleError, builtin_sources, parse_rule_file, redact_quoted, toml_error_message};
pub(crate) use locality::MAX_SPAN_NEWLINES;
pub use schema::{CompanionSpec, Confidence, DecodesTo, RuleFile, RuleSpec, Severity};
