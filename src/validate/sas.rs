//! `azure-sas`: an Azure shared access signature, from the query string
//! around its `sig`. The rule hands over the query's fields as parts: `se`
//! (expiry) and `st` (start) become the expiry and issue time, `sp` the
//! permissions (letters spelled out: `rl` is read, list), `ss`/`srt` the
//! services and resource types of an account SAS, and the storage account
//! from the URL's host is the principal. Runs only when a rule names it.

use super::uri::percent_decode;
use super::{Evidence, Subject, text};

/// SAS permission letters (Azure Storage: "Create a service SAS", "Create
/// an account SAS"), in the order Azure writes them.
const PERMISSIONS: &[(char, &str)] = &[
    ('r', "read"),
    ('a', "add"),
    ('c', "create"),
    ('w', "write"),
    ('d', "delete"),
    ('x', "delete-version"),
    ('y', "permanent-delete"),
    ('l', "list"),
    ('t', "tag"),
    ('f', "filter"),
    ('m', "move"),
    ('e', "execute"),
    ('o', "ownership"),
    ('p', "permissions"),
    ('i', "set-immutability"),
    ('u', "update"),
];

/// Never by shape: only rules that name the validator.
pub(super) fn shape(_secret: &str) -> bool {
    false
}

/// Reads the SAS fields the rule found beside the signature.
pub(super) fn run(subject: &Subject<'_>, evidence: &mut Evidence) -> bool {
    let part = |name: &str| {
        subject
            .parts
            .iter()
            .find(|p| p.name == name)
            .map(|p| percent_decode(p.value.trim()))
    };
    let mut understood = false;
    if let Some(expiry) = part("expiry").and_then(|e| seconds(&e)) {
        evidence.expires_at(expiry);
        understood = true;
    }
    if let Some(start) = part("start").and_then(|s| seconds(&s)) {
        evidence.created_at(start);
    }
    if let Some(letters) = part("permissions") {
        let words: Vec<&str> = PERMISSIONS
            .iter()
            .filter(|(letter, _)| letters.contains(*letter))
            .map(|(_, word)| *word)
            .collect();
        if !words.is_empty() {
            evidence.attr("permissions", words);
            understood = true;
        }
    }
    for (name, attribute) in [
        ("services", "services"),
        ("resource_types", "resource_types"),
    ] {
        if let Some(value) = part(name) {
            evidence.attr(attribute, text::clip(&value, 16));
        }
    }
    if let Some(account) = part("account_name") {
        evidence.attr("account_name", text::clip(&account, 64));
        evidence.principal(text::clip(&account, 64));
        understood = true;
    }
    understood
}

/// Unix seconds of a SAS time (`2027-01-01T00:00:00Z`, `2027-01-01`).
fn seconds(time: &str) -> Option<i64> {
    gix::date::parse(time, None).ok().map(|t| t.seconds)
}

#[cfg(test)]
mod tests {
    use super::super::{PartRef, examine};
    use super::*;

    #[test]
    fn a_sas_names_its_account_permissions_and_expiry() {
        let validators = ["azure-sas".to_string()];
        // Assembled at run time: no signature literal in the source.
        let signature = ["8g7KRbZWf", "TuJ6", "QsmPnwhVzGLYuXMLufpoJQiIDINg"].join("%2B");
        let parts = [
            PartRef {
                name: "expiry",
                value: "2027-01-01T00%3A00%3A00Z",
            },
            PartRef {
                name: "start",
                value: "2026-01-01",
            },
            PartRef {
                name: "permissions",
                value: "rl",
            },
            PartRef {
                name: "account_name",
                value: "acmeprodstore",
            },
        ];
        let ev = examine(&Subject {
            rule_id: "azure.sas-token",
            provider: "azure",
            identity: "azure.sas-token",
            validators: &validators,
            secret: &signature,
            parts: &parts,
        });
        assert_eq!(ev.validators, ["azure-sas"]);
        assert_eq!(ev.expires, Some(1_798_761_600));
        assert_eq!(ev.created, Some(1_767_225_600));
        assert_eq!(ev.principal.as_deref(), Some("acmeprodstore"));
        assert_eq!(
            ev.attributes["permissions"],
            serde_json::json!(["read", "list"])
        );
    }
}
