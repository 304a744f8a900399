//! Line-oriented settings files: Java `.properties`, INI (`.ini`, `.cfg`)
//! and dotenv (`.env`, `.env.production`). One `key = value` (or `key:
//! value`) per line; the value runs to the end of the line, so a password
//! with brackets, semicolons or `#` is read whole, which the raw text scan
//! cannot know without quotes around it.

use super::{Entry, is_kept};

/// Appends one [`Entry::Setting`] per `key = value` line of `text`. Comments (`#`, `;`,
/// `!`), `[section]` headers, continued lines (a trailing `\`) and lines
/// without a plain key are skipped; a dotenv `export ` prefix and quotes
/// around the whole value are dropped. Never fails: a line that is not a
/// setting is not one.
pub fn entries(text: &str, out: &mut Vec<Entry>) {
    for line in text.lines() {
        if let Some((key, value)) = setting(line) {
            out.push(Entry::Setting {
                key: key.to_string(),
                value: value.to_string(),
            });
        }
    }
}

/// The key and value of one settings line, if it is one.
fn setting(line: &str) -> Option<(&str, &str)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with(['#', ';', '!', '[']) {
        return None;
    }
    let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
    let split = line.find(['=', ':'])?;
    let key = line[..split].trim();
    let plain_key = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    let value = unquoted(line[split + 1..].trim());
    let usable = is_kept(value) && !value.ends_with('\\');
    (plain_key && usable).then_some((key, value))
}

/// `value` without one pair of matching quotes around all of it.
fn unquoted(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        entries(text, &mut out);
        super::super::owned_pairs(&out)
    }

    #[test]
    fn settings_lines_give_keys_and_whole_values() {
        let text = "# database\n[db]\nhost = db01\ndb.password=a(b;c#d\n\
                    export API_TOKEN='x y'\nname: value \\\n  continued\n; note = no\n";
        let got = read(text);
        let pairs: Vec<(&str, &str)> = got.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            vec![
                ("host", "db01"),
                ("db.password", "a(b;c#d"),
                ("API_TOKEN", "x y")
            ]
        );
    }

    #[test]
    fn lines_that_are_not_settings_are_skipped() {
        assert!(read("{{{ [[[ <a <<: \"\nkey with space = 1\n= value\nkey=\n").is_empty());
    }
}
