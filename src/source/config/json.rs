//! JSON, with comments allowed (`tsconfig.json`, VS Code settings, `.jsonc`).

use std::io::Read;

use serde_json::Value;

use super::{Entry, Format, ParseError, tfstate, tree};

/// Adds the entries of the JSON document `text` to `out`.
pub fn entries(text: &str, out: &mut Vec<Entry>) -> Result<(), ParseError> {
    let value = parse(text)?;
    if tfstate::is_state(&value) {
        tfstate::entries(&value, out);
    } else {
        tree::walk(&value, None, 0, out);
    }
    Ok(())
}

/// Parses `text` as JSON, stripping comments first when plain JSON fails.
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let invalid = |message: String| ParseError::Invalid {
        format: Format::Json,
        message,
    };
    match serde_json::from_str(text) {
        Ok(value) => Ok(value),
        Err(first) => {
            let mut stripped = String::with_capacity(text.len());
            json_comments::StripComments::new(text.as_bytes())
                .read_to_string(&mut stripped)
                .map_err(|err| invalid(err.to_string()))?;
            serde_json::from_str(&stripped).map_err(|_| invalid(first.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_allowed() {
        let mut out = Vec::new();
        let text = "{\n  // the database\n  \"password\": \"p-1\" /* inline */\n}\n";
        assert!(entries(text, &mut out).is_ok());
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let mut out = Vec::new();
        assert!(entries(&text, &mut out).is_err());
    }
}
