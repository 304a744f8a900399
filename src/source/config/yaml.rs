//! YAML: every document of a stream (`---`), with serde-saphyr's budget
//! against alias bombs.

use serde_json::Value;

use super::{Entry, Format, ParseError, tree};

/// Adds the entries of every YAML document in `text` to `out`.
pub fn entries(text: &str, out: &mut Vec<Entry>) -> Result<(), ParseError> {
    // A key written twice (a copy-pasted block) is an error to YAML; one value
    // (the last, as most loaders keep) is better than none for the file.
    let options = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::LastWins,
    };
    let documents: Vec<Value> =
        serde_saphyr::from_multiple_with_options(text, options).map_err(|err| {
            ParseError::Invalid {
                format: Format::Yaml,
                message: first_line(&err.to_string()),
            }
        })?;
    for document in &documents {
        tree::walk(document, None, 0, out);
    }
    Ok(())
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or("").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_document_and_block_scalars() {
        let text =
            "a:\n  password: >-\n    folded-value\n---\nkind: Secret\nstringData:\n  token: t-1\n";
        let mut out = Vec::new();
        assert!(entries(text, &mut out).is_ok());
        let keys: Vec<_> = out.iter().filter_map(Entry::key_value).collect();
        assert!(keys.contains(&("password", "folded-value")), "{keys:?}");
        assert!(keys.contains(&("token", "t-1")), "{keys:?}");
    }

    #[test]
    fn a_key_written_twice_keeps_the_file() {
        let key = ["db_", "password"].concat();
        let text = format!("{key}: first-one\ntoken: t-1\n{key}: second-one\n");
        let mut out = Vec::new();
        assert!(entries(&text, &mut out).is_ok());
        let keys: Vec<_> = out.iter().filter_map(Entry::key_value).collect();
        assert!(keys.contains(&("token", "t-1")), "{keys:?}");
        assert!(keys.contains(&(key.as_str(), "second-one")), "{keys:?}");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let mut out = Vec::new();
        let _ = entries(&text, &mut out);
        assert!(out.len() <= super::super::MAX_ENTRIES);
    }
}
