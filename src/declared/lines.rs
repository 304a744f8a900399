//! Lines of declarations in the source text. Parsers give values without
//! positions, so the declaring line is found by searching the text for the
//! block's header (`resource "TYPE" "NAME"`, a YAML key, a document start).

/// A YAML stream split into documents at `---` lines: (first line, last
/// line, text) per document, 1-based lines.
pub fn yaml_documents(text: &str) -> Vec<(usize, usize, String)> {
    let mut documents = Vec::new();
    let mut current = String::new();
    let mut start = 1;
    let mut last = 0;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.starts_with("---") && line[3..].trim().is_empty() {
            documents.push((start, last.max(start), std::mem::take(&mut current)));
            start = number + 1;
            continue;
        }
        if line.starts_with("...") && line[3..].trim().is_empty() {
            continue;
        }
        if current.is_empty() && (line.trim().is_empty() || line.trim_start().starts_with('#')) {
            start = number + 1;
        }
        current.push_str(line);
        current.push('\n');
        last = number;
    }
    documents.push((start, last.max(start), current));
    documents
        .into_iter()
        .filter(|(_, _, text)| !text.trim().is_empty())
        .collect()
}

/// Line of the first Terraform block `keyword "TYPE" "NAME"` (quotes and
/// spacing as written), or 1.
pub fn hcl_block(text: &str, keyword: &str, labels: &[&str]) -> usize {
    for (index, line) in text.lines().enumerate() {
        let mut words = line
            .split(|c: char| c.is_whitespace() || c == '{')
            .filter(|w| !w.is_empty())
            .map(|w| w.trim_matches('"'));
        if words.next() != Some(keyword) {
            continue;
        }
        if labels.iter().all(|label| words.next() == Some(label)) {
            return index + 1;
        }
    }
    1
}

/// Line (1-based, from `from`) of the first line whose trimmed text starts
/// with `key:` or `"key":` (a YAML or JSON key), or `None`.
pub fn key_line(text: &str, key: &str, from: usize) -> Option<usize> {
    let plain = format!("{key}:");
    let quoted = format!("\"{key}\"");
    let single = format!("'{key}':");
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, line)| {
            let line = line.trim_start().trim_start_matches("- ");
            line.starts_with(&plain) || line.starts_with(&quoted) || line.starts_with(&single)
        })
        .map(|(index, _)| index + 1)
}

/// Line (1-based, from `from`) of the first line containing `needle`.
pub fn containing(text: &str, needle: &str, from: usize) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, line)| line.contains(needle))
        .map(|(index, _)| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_and_headers() {
        let docs = yaml_documents("# c\na: 1\n---\nb: 2\nc: 3\n---\n");
        assert_eq!(docs.len(), 2);
        assert_eq!((docs[0].0, docs[1].0, docs[1].1), (2, 4, 5));
        let tf = "x = 1\nresource  \"aws_iam_user\" \"ci\" {\n}\n";
        assert_eq!(hcl_block(tf, "resource", &["aws_iam_user", "ci"]), 2);
        assert_eq!(key_line("a:\n  b: 1\n", "b", 1), Some(2));
    }
}
