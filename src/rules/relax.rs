//! A cheaper regex that finds where a rule's matches may start.
//!
//! Rules bound their token lengths generously (`[A-Za-z0-9_-]{10,8192}` in a
//! JWT, `{100,4096}` in an AWS session token, `[^\n]{0,200}?` between a name
//! and its value). The regex crate compiles a bounded repeat as one copy of
//! its item per count, so these few rules cost more to compile than the rest
//! together, and their lazy DFAs build a new state for each byte of a long
//! run. Most runs of a rule find nothing, yet each paid that compile.
//!
//! The *relaxed* pattern is the rule's pattern with every repeat whose upper
//! bound is at least [`LONG_REPEAT`] made unbounded (`{10,8192}` becomes
//! `{10,}`, greediness kept). It matches every string the rule's pattern
//! matches and maybe more, so the leftmost start of a relaxed match is never
//! after the leftmost start of a real one. The detector searches a window
//! with the relaxed regex first: no relaxed match means no match at all, and
//! the exact regex is neither compiled nor run; otherwise the exact regex
//! searches the window from the relaxed match's start, which finds exactly
//! what a search from the window's start finds.

use regex_syntax::ast::{self, Ast, RepetitionKind, RepetitionRange};

/// Repeats bounded above at or beyond this count are unbounded in the
/// relaxed pattern. Smaller bounds cost little to compile and keep the
/// relaxed regex close to the rule (fewer relaxed-only matches to confirm).
pub(crate) const LONG_REPEAT: u32 = 64;

/// The relaxed form of `pattern`, or `None` when it has no long repeat or
/// does not parse (the exact regex then reports the error). The pattern is
/// edited as written (its syntax tree printed back), so everything but the
/// long bounds reads as before.
pub(crate) fn relaxed_pattern(pattern: &str) -> Option<String> {
    let mut tree = ast::parse::Parser::new().parse(pattern).ok()?;
    if !relax(&mut tree) {
        return None;
    }
    let mut relaxed = String::with_capacity(pattern.len());
    ast::print::Printer::new().print(&tree, &mut relaxed).ok()?;
    Some(relaxed)
}

/// Unbounds the long repeats of `tree` in place; true when there was one.
fn relax(tree: &mut Ast) -> bool {
    match tree {
        Ast::Repetition(rep) => {
            let inner = relax(&mut rep.ast);
            let kind = &mut rep.op.kind;
            match *kind {
                RepetitionKind::Range(RepetitionRange::Bounded(min, max)) if max >= LONG_REPEAT => {
                    *kind = RepetitionKind::Range(RepetitionRange::AtLeast(min));
                    true
                }
                _ => inner,
            }
        }
        Ast::Group(group) => relax(&mut group.ast),
        Ast::Concat(concat) => concat.asts.iter_mut().fold(false, |any, a| relax(a) | any),
        Ast::Alternation(alt) => alt.asts.iter_mut().fold(false, |any, a| relax(a) | any),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::bytes::RegexBuilder;

    fn compile(pattern: &str) -> regex::bytes::Regex {
        match RegexBuilder::new(pattern).unicode(false).build() {
            Ok(regex) => regex,
            Err(err) => panic!("{pattern}: {err}"),
        }
    }

    #[test]
    fn long_repeats_become_unbounded_and_short_ones_stay() {
        let relaxed = relaxed_pattern(r"ab[0-9]{2,4}x[a-z]{10,100}?").unwrap_or_default();
        let regex = compile(&relaxed);
        let long = format!("ab12x{}", "q".repeat(150));
        assert!(regex.is_match(long.as_bytes()), "{relaxed}");
        assert!(!regex.is_match(b"ab12345x0123456789"), "{relaxed}");
        assert!(relaxed.contains("[0-9]{2,4}x[a-z]{10,}?"), "{relaxed}");
        // A bounded group keeps its own bound and optionality.
        let nested = relaxed_pattern(r"x(?:[a-z]{3})?-[0-9]{1,100}").unwrap_or_default();
        assert_eq!(nested, r"x(?:[a-z]{3})?-[0-9]{1,}");
        assert!(relaxed_pattern(r"ab[0-9]{2,63}").is_none());
        assert!(relaxed_pattern(r"ab(").is_none());
    }

    #[test]
    fn every_builtin_relaxed_pattern_compiles_and_keeps_its_groups() {
        let rules = crate::rules::RuleSet::builtin_for_test();
        let mut relaxed_rules = 0;
        for rule in rules.rules() {
            let Some(relaxed) = relaxed_pattern(&rule.spec.pattern) else {
                continue;
            };
            relaxed_rules += 1;
            let exact = compile(&rule.spec.pattern);
            let relaxed = compile(&relaxed);
            let names = |r: &regex::bytes::Regex| r.capture_names().flatten().count();
            assert_eq!(names(&exact), names(&relaxed), "{}", rule.id());
            for example in &rule.spec.examples {
                let Some(e) = exact.find(example.as_bytes()) else {
                    continue;
                };
                let r = relaxed.find(example.as_bytes());
                assert!(
                    r.is_some_and(|r| r.start() <= e.start()),
                    "{}: the relaxed regex misses or starts later",
                    rule.id()
                );
            }
        }
        assert!(
            relaxed_rules > 50,
            "only {relaxed_rules} rules have long repeats"
        );
    }
}
