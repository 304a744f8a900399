//! `keyhound rules list` and `keyhound rules check`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use keyhound::rules::{RuleSet, builtin_sources, check_rules, parse_rule_file};

use super::{EXIT_CLEAN, EXIT_FINDINGS};

pub fn list(files: &[PathBuf], json: bool) -> Result<u8> {
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let rules = RuleSet::load(&paths).context("cannot load rules")?;
    let mut out = std::io::stdout().lock();
    if json {
        let rows: Vec<_> = rules
            .rules()
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.spec.id,
                    "name": r.spec.name,
                    "provider": r.spec.provider,
                    "identity": r.spec.identity,
                    "confidence": r.spec.confidence,
                    "severity": r.spec.severity,
                    "keywords": r.spec.keywords,
                    "generic": r.spec.generic,
                    "origin": r.origin,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
    } else {
        for r in rules.rules() {
            writeln!(
                out,
                "{:<42} {:<14} {:<7} {:<9} {}",
                r.spec.id,
                r.spec.provider,
                r.spec.confidence.as_str(),
                r.spec.severity.as_str(),
                r.spec.name
            )?;
        }
        writeln!(out, "{} rules", rules.len())?;
    }
    Ok(EXIT_CLEAN)
}

pub fn check(file: Option<&Path>) -> Result<u8> {
    let mut specs = Vec::new();
    for (name, text) in builtin_sources() {
        for spec in parse_rule_file(name, text)? {
            specs.push((spec, (*name).to_string()));
        }
    }
    let origin = match file {
        Some(path) => {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read rule file {shown}"))?;
            let user = parse_rule_file(&shown, &text)?;
            if user.is_empty() {
                anyhow::bail!("rule file {shown} defines no [[rule]]");
            }
            for spec in user {
                specs.retain(|(s, o)| s.id != spec.id || *o == shown);
                specs.push((spec, shown.clone()));
            }
            Some(shown)
        }
        None => None,
    };
    let rules = RuleSet::from_specs(specs)?;
    let selected = |rule: &keyhound::rules::Rule| origin.as_ref().is_none_or(|o| &rule.origin == o);
    let checked = rules.rules().iter().filter(|r| selected(r)).count();
    let problems = check_rules(&rules, selected);
    let mut out = std::io::stdout().lock();
    for problem in &problems {
        writeln!(out, "{problem}")?;
    }
    writeln!(
        out,
        "{checked} rules checked, {} problem{}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    )?;
    Ok(if problems.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}
