//! The user rule-file loader: TOML parsing, validation and regex compilation
//! (size-limited), then a scan of the rule's own examples.
#![no_main]

use keyhound::RuleSet;
use keyhound::rules::parse_rule_file;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(specs) = parse_rule_file("fuzz.toml", text) else {
        return;
    };
    let examples: Vec<String> = specs
        .iter()
        .flat_map(|s| s.examples.iter().chain(&s.negative_examples).cloned())
        .collect();
    let with_origin = specs.into_iter().map(|s| (s, "fuzz.toml".to_string())).collect();
    if let Ok(rules) = RuleSet::from_specs(with_origin) {
        for rule in rules.rules() {
            let _ = rule.validate();
        }
        for example in examples.iter().take(8) {
            let _ = keyhound::scan::scan_bytes(&rules, "example.txt", example.as_bytes());
        }
    }
});
