//! The configuration section a match sits in: the chain of enclosing YAML or
//! JSON keys (by indentation) or the INI/TOML `[section]` header above it,
//! e.g. `production.database` for a password under `production:` in a Rails
//! `database.yml`. The inventory reads environments from it.

/// How far back to look for enclosing keys.
const MAX_LINES_BACK: usize = 400;
/// Deepest key chain kept.
const MAX_DEPTH: usize = 6;
/// Longest key kept.
const MAX_KEY: usize = 64;

/// The enclosing keys of the line holding `offset`, outermost first, joined
/// with `.`; `None` when the line is at the top level.
pub fn enclosing(bytes: &[u8], offset: usize) -> Option<String> {
    let offset = offset.min(bytes.len());
    let line_start = bytes[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let mut indent = indentation(&bytes[line_start..]);
    let mut keys: Vec<&str> = Vec::new();
    let mut end = line_start;
    for _ in 0..MAX_LINES_BACK {
        if end == 0 || keys.len() >= MAX_DEPTH {
            break;
        }
        let start = bytes[..end - 1]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let line = &bytes[start..end - 1];
        end = start;
        let Ok(text) = std::str::from_utf8(line) else {
            continue;
        };
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) || trimmed.starts_with("//") {
            continue;
        }
        if let Some(section) = trimmed
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            if let Some(key) = clean(section.trim_matches(['[', ']'])) {
                keys.push(key);
            }
            break;
        }
        let this_indent = indentation(line);
        if this_indent >= indent {
            continue;
        }
        if let Some(key) = parent_key(trimmed).and_then(clean) {
            keys.push(key);
            indent = this_indent;
            if indent == 0 {
                break;
            }
        }
    }
    if keys.is_empty() {
        return None;
    }
    keys.reverse();
    Some(keys.join("."))
}

/// Leading spaces and tabs.
fn indentation(line: &[u8]) -> usize {
    line.iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count()
}

/// `key:` (YAML mapping), `- key:` (YAML list item), `"key": {` / `key = {`
/// (JSON, HCL objects): the key; anything else is not a parent.
fn parent_key(trimmed: &str) -> Option<&str> {
    let trimmed = trimmed.trim_start_matches("- ");
    let body = trimmed
        .strip_suffix('{')
        .map(str::trim_end)
        .or(Some(trimmed))?;
    let key = body
        .strip_suffix(':')
        .or_else(|| body.strip_suffix('='))
        .map(str::trim_end)?;
    Some(key.trim_matches(['"', '\'']))
}

/// Keeps keys made of `[A-Za-z0-9_.-]` (not code such as `def run():`).
fn clean(key: &str) -> Option<&str> {
    let ok = !key.is_empty()
        && key.len() <= MAX_KEY
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    ok.then_some(key)
}

#[cfg(test)]
mod tests {
    use super::enclosing;

    fn at(text: &str, needle: &str) -> Option<String> {
        enclosing(text.as_bytes(), text.find(needle).unwrap_or(0))
    }

    #[test]
    fn yaml_json_ini_and_code() {
        let value = ["s3", "cr3t"].concat();
        let yaml = format!(
            "default: &d\n  adapter: pg\nproduction:\n  <<: *d\n  database:\n    # primary\n    password: {value}\n"
        );
        assert_eq!(
            at(&yaml, "password").as_deref(),
            Some("production.database")
        );
        let json = "{\n  \"staging\": {\n    \"db\": {\n      \"password\": \"x\"\n    }\n  }\n}\n";
        assert_eq!(at(json, "\"password\"").as_deref(), Some("staging.db"));
        let ini = "[common]\nx=1\n\n[production]\napi_key = abc\n";
        assert_eq!(at(ini, "api_key").as_deref(), Some("production"));
        let code = "def connect():\n    password = 'x'\n";
        assert_eq!(at(code, "password"), None);
        assert_eq!(at("PASSWORD=x\n", "PASSWORD"), None);
        assert_eq!(enclosing(b"", 0), None);
        assert_eq!(enclosing(b"\n\n\n", 99), None);
    }
}
