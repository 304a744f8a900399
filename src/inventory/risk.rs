//! Risk of an identity: a score from 0 to 100 and the reasons behind it, each
//! tied to the OWASP Non-Human Identities Top 10 (2025) item it evidences
//! (mitigating reasons, with negative points, name none).
//! The weights are documented in `docs/INVENTORY.md`.

use serde::{Deserialize, Serialize};

use crate::rules::{Confidence, Severity};
use crate::validate::Weakness;

use super::Environment;

/// Risk of one identity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Risk {
    /// 0 (nothing to do) to 100 (rotate now).
    pub score: u8,
    /// Why, most weighty first.
    pub reasons: Vec<Reason>,
}

/// One piece of offline evidence behind a risk score.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Reason {
    /// Stable code (`leaked`, `unencrypted-private-key`, `long-lived-key`...).
    pub code: String,
    /// OWASP NHI Top 10 item (`NHI2`), when one applies.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub nhi: Option<String>,
    /// Points added to (or, when negative, taken from) the score.
    pub points: i32,
    /// What to tell a person.
    pub message: String,
    /// Declared identities: the file of the declaration behind the reason.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub path: Option<String>,
    /// Declared identities: the line of that declaration.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<usize>,
}

/// Facts about an identity the risk is computed from.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// True when at least one member is a finding (a secret in source), not
    /// only certificate evidence.
    pub leaked: bool,
    /// Highest severity over the findings.
    pub severity: Option<Severity>,
    /// Highest confidence over the findings.
    pub confidence: Option<Confidence>,
    /// Number of distinct files (path + repository) it was seen in.
    pub files: usize,
    /// Number of repositories it was seen in.
    pub repositories: usize,
    /// Inferred environments.
    pub environments: Vec<Environment>,
    /// Weaknesses the validators found.
    pub weaknesses: Vec<Weakness>,
    /// A long-lived key type (AWS `AKIA` user key).
    pub long_lived_key: bool,
    /// Is a JWT (for the "no exp" rule).
    pub is_token_with_claims: bool,
    /// Certificate validity in days.
    pub validity_days: Option<i64>,
    /// Unix seconds of the earliest sighting.
    pub first_seen: Option<i64>,
    /// Unix seconds of expiry.
    pub expires: Option<i64>,
    /// `Some(false)`: removed from HEAD but alive in history.
    pub present_at_head: Option<bool>,
    /// Seen in personal dotfiles or shell history.
    pub in_dotfiles: bool,
    /// Is a password (plaintext password reason).
    pub plaintext_password: bool,
}

impl Facts {
    /// Seen only in test, example or documentation paths.
    fn only_tests_or_examples(&self) -> bool {
        !self.environments.is_empty()
            && self
                .environments
                .iter()
                .all(|e| matches!(e, Environment::Test | Environment::Example))
    }
}

const DAY: i64 = 86_400;

/// Scores `facts` as of `now` (Unix seconds).
pub fn assess(facts: &Facts, now: i64) -> Risk {
    let mut reasons = Vec::new();
    let mut add = |code: &str, nhi: Option<&str>, points: i32, message: String| {
        reasons.push(Reason {
            code: code.to_string(),
            nhi: nhi.map(str::to_string),
            points,
            message,
            path: None,
            line: None,
        });
    };
    let prod = facts.environments.contains(&super::Environment::Prod);
    if facts.leaked {
        let base = match facts.severity.unwrap_or_default() {
            Severity::Critical => 45,
            Severity::High => 35,
            Severity::Medium => 20,
            Severity::Low => 10,
        };
        let base = match facts.confidence.unwrap_or_default() {
            Confidence::High => base,
            Confidence::Medium => base * 3 / 4,
            Confidence::Low => base / 2,
        };
        let files = if facts.files == 1 {
            "1 file".to_string()
        } else {
            format!("{} files", facts.files)
        };
        add(
            "leaked",
            Some("NHI2"),
            base,
            format!("secret stored in source ({files}): treat it as leaked"),
        );
        if prod {
            add(
                "production",
                Some("NHI2"),
                10,
                "in production configuration".to_string(),
            );
        }
    }
    if facts.present_at_head == Some(false) && facts.leaked {
        add(
            "removed-but-in-history",
            Some("NHI2"),
            10,
            "removed from HEAD but alive in history: rotate it".to_string(),
        );
    }
    for weakness in &facts.weaknesses {
        let (code, points, message) = match weakness {
            Weakness::UnencryptedPrivateKey => (
                "unencrypted-private-key",
                15,
                "private key stored without a passphrase",
            ),
            Weakness::ShortRsaKey => ("short-rsa-key", 15, "RSA key shorter than 2048 bits"),
            Weakness::DsaKey => ("dsa-key", 15, "DSA key (deprecated algorithm)"),
            Weakness::UnsignedJwt => ("unsigned-jwt", 20, "JWT with alg none: unsigned"),
            Weakness::BasicAuth => ("basic-auth", 10, "credentials embedded in a URL"),
            Weakness::PlaintextPassword => (
                "plaintext-password",
                10,
                "plaintext password in configuration",
            ),
            Weakness::NoExpiry => continue,
        };
        add(code, Some("NHI4"), points, message.to_string());
    }
    if facts.plaintext_password
        && !facts.weaknesses.contains(&Weakness::PlaintextPassword)
        && facts.leaked
    {
        add(
            "plaintext-password",
            Some("NHI4"),
            10,
            "plaintext password in configuration".to_string(),
        );
    }
    if facts.long_lived_key {
        add(
            "long-lived-key",
            Some("NHI7"),
            10,
            "long-lived key type (never expires; rotate regularly)".to_string(),
        );
    }
    if facts.is_token_with_claims
        && facts.expires.is_none()
        && facts.weaknesses.contains(&Weakness::NoExpiry)
    {
        add(
            "no-expiry",
            Some("NHI7"),
            10,
            "token has no exp claim: valid forever".to_string(),
        );
    }
    if let Some(days) = facts.validity_days.filter(|d| *d > 398) {
        add(
            "long-validity",
            Some("NHI7"),
            5,
            format!("certificate valid for {days} days (more than 398)"),
        );
    }
    if let Some(first) = facts.first_seen.filter(|f| now - f > 365 * DAY) {
        let years = (now - first) / (365 * DAY);
        add(
            "old",
            Some("NHI7"),
            10,
            format!("first seen over {years} year(s) ago and never rotated out of the code"),
        );
    }
    if prod && facts.environments.iter().any(|e| e.is_non_prod()) {
        add(
            "prod-and-non-prod",
            Some("NHI8"),
            15,
            "same credential in production and non-production".to_string(),
        );
    }
    if facts.repositories > 1 {
        add(
            "reused",
            Some("NHI9"),
            10,
            format!("reused across {} repositories", facts.repositories),
        );
    } else if facts.files >= 3 {
        add(
            "reused",
            Some("NHI9"),
            5,
            format!("reused in {} files", facts.files),
        );
    }
    if facts.in_dotfiles {
        add(
            "personal-dotfiles",
            Some("NHI10"),
            10,
            "in personal dotfiles or shell history: a person uses this machine credential"
                .to_string(),
        );
    }
    if facts.leaked && facts.only_tests_or_examples() {
        add(
            "tests-or-examples-only",
            None,
            -15,
            "only in test, example or documentation paths: likely a fixture (check, then allowlist)"
                .to_string(),
        );
    }
    if let Some(expires) = facts.expires {
        if expires <= now {
            add(
                "expired",
                Some("NHI1"),
                -20,
                "expired: remove it (stale credential)".to_string(),
            );
        } else if expires - now <= 30 * DAY {
            add(
                "expires-soon",
                Some("NHI7"),
                5,
                format!("expires within {} days: renew", (expires - now) / DAY + 1),
            );
        }
    }
    Risk::of(reasons)
}

impl Risk {
    /// The risk of `reasons`: sorted (most weighty first), points summed and
    /// clamped to 0-100.
    pub fn of(mut reasons: Vec<Reason>) -> Risk {
        reasons.sort_by(|a, b| b.points.cmp(&a.points).then_with(|| a.code.cmp(&b.code)));
        let total: i32 = reasons.iter().map(|r| r.points).sum();
        Risk {
            score: total.clamp(0, 100) as u8,
            reasons,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn codes(risk: &Risk) -> Vec<&str> {
        risk.reasons.iter().map(|r| r.code.as_str()).collect()
    }

    #[test]
    fn leaked_aws_key_in_prod_and_dev() {
        let facts = Facts {
            leaked: true,
            severity: Some(Severity::Critical),
            confidence: Some(Confidence::High),
            files: 2,
            repositories: 1,
            environments: vec![Environment::Prod, Environment::Dev],
            long_lived_key: true,
            present_at_head: Some(false),
            ..Facts::default()
        };
        let risk = assess(&facts, NOW);
        assert_eq!(
            codes(&risk),
            [
                "leaked",
                "prod-and-non-prod",
                "long-lived-key",
                "production",
                "removed-but-in-history"
            ]
        );
        assert_eq!(risk.score, 90);
        assert!(risk.reasons.iter().all(|r| r.nhi.is_some()));
    }

    #[test]
    fn expiry_reasons() {
        let expired = Facts {
            expires: Some(NOW - 1),
            ..Facts::default()
        };
        assert_eq!(codes(&assess(&expired, NOW)), ["expired"]);
        assert_eq!(assess(&expired, NOW).score, 0);
        let soon = Facts {
            expires: Some(NOW + 10 * DAY),
            ..Facts::default()
        };
        assert_eq!(codes(&assess(&soon, NOW)), ["expires-soon"]);
        let old = Facts {
            first_seen: Some(NOW - 800 * DAY),
            ..Facts::default()
        };
        assert_eq!(codes(&assess(&old, NOW)), ["old"]);
    }

    #[test]
    fn every_reason_has_a_purpose_built_case() {
        let leaked = || Facts {
            leaked: true,
            severity: Some(Severity::High),
            confidence: Some(Confidence::High),
            files: 1,
            repositories: 1,
            ..Facts::default()
        };
        let cases: Vec<(&str, Facts)> = vec![
            ("leaked", leaked()),
            (
                "production",
                Facts {
                    environments: vec![Environment::Prod],
                    ..leaked()
                },
            ),
            (
                "removed-but-in-history",
                Facts {
                    present_at_head: Some(false),
                    ..leaked()
                },
            ),
            (
                "unencrypted-private-key",
                Facts {
                    weaknesses: vec![Weakness::UnencryptedPrivateKey],
                    ..leaked()
                },
            ),
            (
                "short-rsa-key",
                Facts {
                    weaknesses: vec![Weakness::ShortRsaKey],
                    ..leaked()
                },
            ),
            (
                "dsa-key",
                Facts {
                    weaknesses: vec![Weakness::DsaKey],
                    ..leaked()
                },
            ),
            (
                "unsigned-jwt",
                Facts {
                    weaknesses: vec![Weakness::UnsignedJwt],
                    ..leaked()
                },
            ),
            (
                "basic-auth",
                Facts {
                    weaknesses: vec![Weakness::BasicAuth],
                    ..leaked()
                },
            ),
            (
                "plaintext-password",
                Facts {
                    plaintext_password: true,
                    ..leaked()
                },
            ),
            (
                "long-lived-key",
                Facts {
                    long_lived_key: true,
                    ..leaked()
                },
            ),
            (
                "no-expiry",
                Facts {
                    is_token_with_claims: true,
                    weaknesses: vec![Weakness::NoExpiry],
                    ..leaked()
                },
            ),
            (
                "long-validity",
                Facts {
                    validity_days: Some(825),
                    ..Facts::default()
                },
            ),
            (
                "old",
                Facts {
                    first_seen: Some(NOW - 400 * DAY),
                    ..leaked()
                },
            ),
            (
                "expires-soon",
                Facts {
                    expires: Some(NOW + DAY),
                    ..leaked()
                },
            ),
            (
                "expired",
                Facts {
                    expires: Some(NOW - DAY),
                    ..leaked()
                },
            ),
            (
                "prod-and-non-prod",
                Facts {
                    environments: vec![Environment::Prod, Environment::Test],
                    ..leaked()
                },
            ),
            (
                "reused",
                Facts {
                    repositories: 2,
                    ..leaked()
                },
            ),
            (
                "tests-or-examples-only",
                Facts {
                    environments: vec![Environment::Test, Environment::Example],
                    ..leaked()
                },
            ),
            (
                "personal-dotfiles",
                Facts {
                    in_dotfiles: true,
                    ..leaked()
                },
            ),
        ];
        let baseline = codes(&assess(&leaked(), NOW))
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>();
        assert_eq!(baseline, ["leaked"]);
        for (code, facts) in cases {
            let risk = assess(&facts, NOW);
            assert!(codes(&risk).contains(&code), "{code}: {:?}", codes(&risk));
            let reason = risk.reasons.iter().find(|r| r.code == code);
            // Every reason names its NHI item, except mitigating ones.
            assert!(
                reason.is_some_and(|r| r.nhi.is_some() || r.points < 0),
                "{code} has no NHI item"
            );
            assert!(risk.score <= 100);
        }
        // Certificates alone (not leaked) carry no leak reason.
        let certificate = Facts {
            validity_days: Some(90),
            ..Facts::default()
        };
        assert!(assess(&certificate, NOW).reasons.is_empty());
    }
}
