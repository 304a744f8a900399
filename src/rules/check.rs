//! `rules check`: lints rules and runs each example through the full detector.

use std::fmt;

use super::compile::{Rule, RuleSet};

/// One problem found in a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckProblem {
    /// File the rule came from.
    pub origin: String,
    /// Rule id.
    pub rule: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CheckProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: rule {}: {}", self.origin, self.rule, self.message)
    }
}

/// Checks every rule of `rules` selected by `selected`: schema lints, keyword
/// presence in every example, and the full detector on each example (must be
/// found under this rule) and negative example (must not be).
pub fn check_rules(rules: &RuleSet, selected: impl Fn(&Rule) -> bool) -> Vec<CheckProblem> {
    let mut problems = Vec::new();
    for rule in rules.rules().iter().filter(|r| selected(r)) {
        let mut problem = |message: String| {
            problems.push(CheckProblem {
                origin: rule.origin.clone(),
                rule: rule.spec.id.clone(),
                message,
            })
        };
        if let Err(err) = rule.validate() {
            problem(match err {
                super::RuleError::Invalid { reason, .. } => reason,
                other => other.to_string(),
            });
            continue;
        }
        if rule.spec.examples.is_empty() {
            problem("needs at least one example".into());
        }
        if rule.spec.negative_examples.is_empty() {
            problem("needs at least one negative example".into());
        }
        for (i, example) in rule.spec.examples.iter().enumerate() {
            let lower = example.to_ascii_lowercase();
            if !rule
                .spec
                .keywords
                .iter()
                .any(|k| lower.contains(&k.to_ascii_lowercase()))
            {
                problem(format!("example {} contains none of the keywords", i + 1));
            }
            if !reports(rules, rule, example) {
                problem(format!(
                    "example {} is not found by the detector: {}",
                    i + 1,
                    preview(example)
                ));
            }
        }
        for (i, example) in rule.spec.negative_examples.iter().enumerate() {
            if reports(rules, rule, example) {
                problem(format!(
                    "negative example {} is reported: {}",
                    i + 1,
                    preview(example)
                ));
            }
        }
    }
    problems
}

fn reports(rules: &RuleSet, rule: &Rule, text: &str) -> bool {
    crate::scan::scan_bytes(rules, "example", text.as_bytes())
        .iter()
        .any(|f| f.rule_id == rule.spec.id)
}

fn preview(text: &str) -> String {
    let one_line: String = text.chars().take(80).collect();
    format!("{:?}", one_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every built-in rule's examples are found and its negative examples are
    /// not, through the full detector; the pack lints clean.
    #[test]
    fn builtin_pack_passes_its_own_examples() {
        let rules = RuleSet::builtin_for_test();
        let problems = check_rules(&rules, |_| true);
        let listing: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(problems.is_empty(), "{}", listing.join("\n"));
    }
}
