//! `gcp-service-account`: Google Cloud service-account keys. The rule
//! `gcp.service-account-key` reports the key's `private_key_id` with the
//! `client_email` as a companion part; a whole key file (JSON) as the secret
//! is read too. Yields principal = the account's e-mail, `client_email`,
//! `service_account` (the e-mail's local part), `project_id` (from
//! `NAME@PROJECT.iam.gserviceaccount.com`, `PROJECT@appspot...`) or
//! `project_number` (`NUMBER-compute@developer...`), and `private_key_id`
//! when it is not itself the reported secret (evidence never repeats the
//! secret). For a whole key file the embedded private key is examined too
//! (`public_key_sha256`, `algorithm`, `bits`).

use serde_json::Value;

use super::text::{clip, find_pem, unescape};
use super::{Evidence, Subject, pem};

/// A whole service-account key file.
pub(super) fn shape(secret: &str) -> bool {
    let s = secret.trim_start();
    s.starts_with('{') && s.contains("service_account") && s.contains("client_email")
}

/// What the e-mail's domain tells about the project.
fn project(email: &str) -> Option<(&'static str, String)> {
    let (local, domain) = email.rsplit_once('@')?;
    if let Some(project) = domain.strip_suffix(".iam.gserviceaccount.com") {
        return (!project.is_empty()).then(|| ("project_id", project.to_string()));
    }
    if domain == "appspot.gserviceaccount.com" {
        return (!local.is_empty()).then(|| ("project_id", local.to_string()));
    }
    if domain == "developer.gserviceaccount.com" {
        let number = local.strip_suffix("-compute")?;
        return number
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| ("project_number", number.to_string()));
    }
    None
}

/// A plausible service-account e-mail.
fn is_email(value: &str) -> bool {
    value.ends_with(".gserviceaccount.com")
        && value.contains('@')
        && !value.contains(char::is_whitespace)
}

/// Examines a service-account key.
pub(super) fn run(subject: &Subject<'_>, evidence: &mut Evidence) -> bool {
    let secret = subject.secret.trim();
    let file: Option<serde_json::Map<String, Value>> = serde_json::from_str(secret).ok();
    let field = |name: &str| {
        file.as_ref()
            .and_then(|f| f.get(name))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let email = subject
        .parts
        .iter()
        .find(|p| p.name == "client_email" || p.name.contains("email"))
        .map(|p| p.value.trim().to_string())
        .or_else(|| field("client_email"))
        .filter(|e| is_email(e));
    let key_id = field("private_key_id").or_else(|| {
        subject
            .parts
            .iter()
            .find(|p| p.name == "private_key_id")
            .map(|p| p.value.to_string())
    });
    let Some(email) = email else {
        return false;
    };
    let email = clip(&email, 256);
    evidence.principal(email.clone());
    evidence.attr("client_email", email.clone());
    if let Some((local, _)) = email.split_once('@') {
        evidence.attr("service_account", local);
    }
    match (field("project_id"), project(&email)) {
        (Some(id), _) => evidence.attr("project_id", clip(&id, 128)),
        (None, Some((key, value))) => evidence.attr(key, value),
        (None, None) => {}
    }
    if let Some(id) = key_id {
        // Dropped again when it is the reported secret itself.
        evidence.attr("private_key_id", clip(&id, 64));
    }
    if let Some(key) = field("private_key") {
        let text = unescape(&key).into_owned();
        if let Some(block) = find_pem(&text, |l| l.ends_with("PRIVATE KEY")) {
            pem::examine_block(&block, evidence);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{PartRef, examine};

    fn check(secret: &str, parts: &[PartRef<'_>]) -> Evidence {
        let named = vec!["gcp-service-account".to_string()];
        examine(&Subject {
            rule_id: "gcp.service-account-key",
            provider: "gcp",
            identity: "gcp.service-account",
            validators: &named,
            secret,
            parts,
        })
    }

    #[test]
    fn private_key_id_with_companion_parts() {
        let key_id = "6d5bc2cb4ac23a2f95416a95900a28f53f911ac5";
        let parts = [
            PartRef {
                name: "type_service_account",
                value: r#""type": "service_account""#,
            },
            PartRef {
                name: "client_email",
                value: "ledger-sync@ledger-sync-prod.iam.gserviceaccount.com",
            },
        ];
        let ev = check(key_id, &parts);
        assert_eq!(ev.validators, ["gcp-service-account"]);
        assert_eq!(
            ev.principal.as_deref(),
            Some("ledger-sync@ledger-sync-prod.iam.gserviceaccount.com")
        );
        assert_eq!(ev.attributes["project_id"], "ledger-sync-prod");
        assert_eq!(ev.attributes["service_account"], "ledger-sync");
        assert!(
            !ev.attributes.contains_key("private_key_id"),
            "it is the secret"
        );
    }

    #[test]
    fn default_accounts_and_odd_emails() {
        assert_eq!(
            project("123456789012-compute@developer.gserviceaccount.com"),
            Some(("project_number", "123456789012".to_string()))
        );
        assert_eq!(
            project("my-app@appspot.gserviceaccount.com"),
            Some(("project_id", "my-app".to_string()))
        );
        assert_eq!(project("x@.iam.gserviceaccount.com"), None);
        assert_eq!(project("no-at-sign"), None);
        assert_eq!(project("abc-compute@developer.gserviceaccount.com"), None);
    }

    #[test]
    fn missing_or_corrupt_email_yields_nothing() {
        let parts = [PartRef {
            name: "client_email",
            value: "not an email",
        }];
        assert!(
            check("6d5bc2cb4ac23a2f95416a95900a28f53f911ac5", &parts)
                .validators
                .is_empty()
        );
        assert!(check("6d5bc2cb", &[]).validators.is_empty());
    }

    #[test]
    fn whole_key_file_as_secret() {
        let key_id = "2250bac884e5d5e2bd2486a0c4ee6951a53104d4";
        let file = serde_json::json!({
            "type": "service_account",
            "project_id": "atlas-etl",
            "private_key_id": key_id,
            "private_key": format!("{}PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n", "-----BEGIN "),
            "client_email": "etl-runner@atlas-etl.iam.gserviceaccount.com",
        })
        .to_string();
        let ev = examine(&Subject {
            rule_id: "generic.secret",
            provider: "generic",
            identity: "generic.secret",
            validators: &[],
            secret: &file,
            parts: &[],
        });
        assert!(ev.validators.contains(&"gcp-service-account"), "{ev:?}");
        assert_eq!(ev.attributes["project_id"], "atlas-etl");
        assert_eq!(ev.attributes["private_key_id"], key_id);
        assert_eq!(ev.attributes["format"], "pkcs8");
        // A whole file also contains a PEM key, which private-key reads by shape.
        assert!(ev.validators.contains(&"private-key"));
    }
}
