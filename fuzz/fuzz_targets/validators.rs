//! The offline validators (JWT, PEM private keys, X.509, SSH keys, GCP
//! service accounts, token structures...) over an arbitrary secret, each
//! validator named so all of them run.
#![no_main]

use keyhound::validate::{PartRef, Subject, VALIDATORS, examine};
use libfuzzer_sys::fuzz_target;


fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let validators: Vec<String> = VALIDATORS.iter().map(ToString::to_string).collect();
    let parts = [PartRef {
        name: "client_email",
        value: "svc@project.iam.gserviceaccount.com",
    }];
    for (rule_id, provider, identity) in [
        ("fuzz.any", "fuzz", "fuzz.secret"),
        ("private-key.pem", "generic", "tls.private-key"),
        ("jwt", "generic", "jwt"),
    ] {
        let _ = examine(&Subject {
            rule_id,
            provider,
            identity,
            validators: &validators,
            secret: &text,
            parts: &parts,
        });
    }
});
