//! The decoder finder (base64, hex, percent-encoding) over arbitrary bytes.
#![no_main]

use keyhound::decode::{Budget, Finder, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut finder = Finder::new();
    let mut budget = Budget::new(&Limits::DEFAULT);
    let mut out = Vec::new();
    finder.find(data, &mut budget, &mut out);
    for decoded in &out {
        assert!(decoded.span.start <= decoded.span.end && decoded.span.end <= data.len());
    }
});
