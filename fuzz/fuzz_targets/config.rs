//! The configuration parsers (JSON, YAML, TOML, XML, notebooks, settings lines) over
//! arbitrary text; the first byte picks the format.
#![no_main]

use keyhound::source::config::{Format, entries};
use libfuzzer_sys::fuzz_target;

const FORMATS: [Format; 6] = [
    Format::Json,
    Format::Yaml,
    Format::Toml,
    Format::Xml,
    Format::Notebook,
    Format::Lines,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let _ = entries(FORMATS[usize::from(selector) % FORMATS.len()], text);
});
