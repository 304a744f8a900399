//! XML: attributes and element text, with `<add key="K" value="V"/>` read as
//! the pair `K = V` (.NET `appSettings`) and `<password>V</password>` as
//! `password = V` (Jenkins, Maven `settings.xml`).

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::{Entry, Format, MAX_DEPTH, MAX_ENTRIES, ParseError, is_kept};

/// Adds the entries of the XML document `text` to `out`.
pub fn entries(text: &str, out: &mut Vec<Entry>) -> Result<(), ParseError> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut seen_element = false;
    // The current element's text as the file holds it, entity references
    // included (`a&amp;b`), so a value split by one is read whole and placed.
    let mut pending = String::new();
    loop {
        if out.len() >= MAX_ENTRIES {
            return Ok(());
        }
        let event = reader
            .read_event()
            .map_err(|err| invalid(err.to_string()))?;
        match event {
            Event::Start(element) => {
                flush(&stack, &mut pending, out);
                seen_element = true;
                attributes(&element, out);
                if stack.len() > MAX_DEPTH * 4 {
                    return Err(invalid("nested too deeply".into()));
                }
                stack.push(local_name(&element));
            }
            Event::Empty(element) => {
                seen_element = true;
                attributes(&element, out);
            }
            Event::End(_) => {
                flush(&stack, &mut pending, out);
                stack.pop();
            }
            Event::Text(text) => {
                // Raw text (entity references arrive as events of their own):
                // what the file holds, so the match can be placed in it.
                pending.push_str(&text.xml10_content());
            }
            Event::GeneralRef(name) => {
                pending.push('&');
                pending.push_str(&name.into_inner());
                pending.push(';');
            }
            Event::CData(data) => {
                if let Some(key) = stack.last() {
                    push(out, key, data.xml10_content().trim());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if seen_element && stack.is_empty() {
        Ok(())
    } else {
        Err(invalid("no complete root element".into()))
    }
}

/// Adds the text gathered so far as the value of the innermost element.
fn flush(stack: &[String], pending: &mut String, out: &mut Vec<Entry>) {
    if let Some(key) = stack.last() {
        push(out, key, pending.trim());
    }
    pending.clear();
}

fn invalid(message: String) -> ParseError {
    ParseError::Invalid {
        format: Format::Xml,
        message,
    }
}

fn local_name(element: &BytesStart<'_>) -> String {
    element.local_name().as_ref().to_string()
}

fn push(out: &mut Vec<Entry>, key: &str, value: &str) {
    if is_kept(value) {
        out.push(Entry::KeyValue {
            key: key.to_string(),
            value: value.to_string(),
        });
    }
}

fn attributes(element: &BytesStart<'_>, out: &mut Vec<Entry>) {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for attribute in element.attributes().flatten() {
        let name = attribute.key.local_name().as_ref().to_string();
        let Ok(value) = attribute.normalized_value(XmlVersion::Implicit1_0) else {
            continue;
        };
        pairs.push((name, value.into_owned()));
    }
    let get = |names: &[&str]| {
        pairs
            .iter()
            .find(|(k, _)| names.iter().any(|n| k.eq_ignore_ascii_case(n)))
            .map(|(_, v)| v.as_str())
    };
    if let (Some(name), Some(value)) = (get(&["key", "name"]), get(&["value"])) {
        push(out, name, value);
    }
    for (name, value) in &pairs {
        push(out, name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        assert!(entries(text, &mut out).is_ok(), "{text}");
        super::super::owned_pairs(&out)
    }

    #[test]
    fn add_key_value_and_element_text() {
        let got = pairs(
            "<configuration><appSettings><add key=\"SmtpPassword\" value=\"a&amp;b\"/></appSettings><password>p-2</password></configuration>",
        );
        assert!(
            got.contains(&("SmtpPassword".into(), "a&b".into())),
            "{got:?}"
        );
        assert!(got.contains(&("password".into(), "p-2".into())), "{got:?}");
    }

    #[test]
    fn element_text_split_by_an_entity_is_one_value_as_written() {
        let got = pairs("<settings><password>a(b&amp;c;d</password><x>1</x></settings>");
        assert!(
            got.contains(&("password".into(), "a(b&amp;c;d".into())),
            "{got:?}"
        );
        assert!(!got.iter().any(|(_, v)| v == "c;d"), "{got:?}");
    }

    #[test]
    fn truncated_xml_is_an_error() {
        let mut out = Vec::new();
        assert!(entries("<a><b>text", &mut out).is_err());
    }
}
