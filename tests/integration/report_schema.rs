//! The JSON report and each JSON Lines finding validate against the published
//! schema in `docs/report.schema.json`.

use serde_json::Value;

use crate::common::{EXIT_FINDINGS, parse_json, sample};

const SCHEMA_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/report.schema.json");

fn validator(pointer: Option<&str>) -> jsonschema::Validator {
    let text =
        std::fs::read_to_string(SCHEMA_PATH).unwrap_or_else(|e| panic!("{SCHEMA_PATH}: {e}"));
    let mut schema = parse_json(&text);
    if let Some(pointer) = pointer {
        // Validate one line of JSONL against the `finding` definition.
        let definitions = schema["definitions"].clone();
        schema = schema.pointer(pointer).cloned().unwrap_or(Value::Null);
        schema["definitions"] = definitions;
    }
    match jsonschema::draft7::options().build(&schema) {
        Ok(validator) => validator,
        Err(err) => panic!("report schema does not compile: {err}"),
    }
}

#[track_caller]
fn assert_valid(validator: &jsonschema::Validator, value: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}\n{value:#}", errors.join("\n"));
}

#[test]
fn json_report_matches_its_schema_redacted_and_shown() {
    let s = sample();
    let schema = validator(None);
    for extra in [None, Some("--show-secrets")] {
        let mut args = vec!["scan", ".", "-f", "json"];
        args.extend(extra);
        let run = s.tree.run(&args);
        run.expect_code(EXIT_FINDINGS);
        let report = run.json();
        assert!(report["findings"].as_array().is_some_and(|f| !f.is_empty()));
        assert_valid(&schema, &report);
    }
}

#[test]
fn jsonl_lines_match_the_finding_schema() {
    let s = sample();
    let schema = validator(Some("/definitions/finding"));
    let run = s.tree.run(&["scan", ".", "-f", "jsonl"]);
    run.expect_code(EXIT_FINDINGS);
    let mut lines = 0;
    for line in run.stdout.lines() {
        assert_valid(&schema, &parse_json(line));
        lines += 1;
    }
    assert!(lines >= 2, "expected a line per finding");
}

#[test]
fn schema_rejects_a_report_missing_fields() {
    let schema = validator(None);
    let broken = serde_json::json!({"tool": "keyhound", "findings": []});
    assert!(!schema.is_valid(&broken));
}

/// Panics unless `report` validates against `docs/report.schema.json`.
#[track_caller]
pub(crate) fn assert_report_valid(report: &Value) {
    assert_valid(&validator(None), report);
}
