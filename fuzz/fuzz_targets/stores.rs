//! The exported config store parsers (`--stdin --store KIND`: k8s, consul,
//! etcd, vault, ssm, env, docker) over arbitrary bytes; the first byte picks
//! the kind.
#![no_main]

use keyhound::source::stores::{StoreKind, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let kind = StoreKind::ALL[usize::from(selector) % StoreKind::ALL.len()];
    if let Ok(parsed) = parse(kind, bytes) {
        for entry in &parsed.entries {
            let _ = entry.blob();
        }
    }
});
