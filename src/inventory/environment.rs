//! Environments (prod, staging, dev, test, example, ci) inferred from a path:
//! its directories, its file name and the words in them.

use serde::{Deserialize, Serialize};

/// Where a credential is meant to be used, as its path suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// Production (`prod`, `production`, `prd`, `live`).
    Prod,
    /// Staging and pre-production (`staging`, `stage`, `stg`, `preprod`, `uat`).
    Staging,
    /// Development (`dev`, `development`, `local`, `sandbox`).
    Dev,
    /// Tests (`test`, `tests`, `spec`, `qa`, `fixtures`, `testdata`, `*_test.go`).
    Test,
    /// Examples, samples, templates and documentation.
    Example,
    /// CI/CD configuration (`.github/workflows`, `.gitlab-ci.yml`, `Jenkinsfile`...).
    Ci,
}

impl Environment {
    /// True for every environment except production.
    pub fn is_non_prod(self) -> bool {
        self != Environment::Prod
    }
}

const WORDS: &[(&str, Environment)] = &[
    ("prod", Environment::Prod),
    ("production", Environment::Prod),
    ("prd", Environment::Prod),
    ("live", Environment::Prod),
    ("staging", Environment::Staging),
    ("stage", Environment::Staging),
    ("stg", Environment::Staging),
    ("preprod", Environment::Staging),
    ("uat", Environment::Staging),
    ("dev", Environment::Dev),
    ("development", Environment::Dev),
    ("local", Environment::Dev),
    ("sandbox", Environment::Dev),
    ("test", Environment::Test),
    ("tests", Environment::Test),
    ("testing", Environment::Test),
    ("spec", Environment::Test),
    ("specs", Environment::Test),
    ("qa", Environment::Test),
    ("fixture", Environment::Test),
    ("fixtures", Environment::Test),
    ("testdata", Environment::Test),
    ("mock", Environment::Test),
    ("mocks", Environment::Test),
    ("example", Environment::Example),
    ("examples", Environment::Example),
    ("sample", Environment::Example),
    ("samples", Environment::Example),
    ("demo", Environment::Example),
    ("template", Environment::Example),
    ("templates", Environment::Example),
    ("dist", Environment::Example),
    ("docs", Environment::Example),
    ("doc", Environment::Example),
    ("readme", Environment::Example),
];

/// CI configuration paths (lowercase; a prefix of the path or a file name).
const CI_PATHS: &[&str] = &[
    ".github/workflows/",
    ".gitlab-ci.yml",
    ".circleci/",
    "jenkinsfile",
    ".travis.yml",
    "azure-pipelines.yml",
    "bitbucket-pipelines.yml",
    ".buildkite/",
    ".drone.yml",
    "buildspec.yml",
    "cloudbuild.yaml",
];

/// Environments a path suggests (sorted, possibly empty).
pub fn of_path(path: &str) -> Vec<Environment> {
    let lower = path.to_ascii_lowercase().replace('\\', "/");
    let mut found: Vec<Environment> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter_map(|word| {
            WORDS
                .iter()
                .find(|(known, _)| *known == word)
                .map(|(_, env)| *env)
        })
        .collect();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    if CI_PATHS
        .iter()
        .any(|ci| lower.contains(ci) || (!ci.ends_with('/') && file == *ci))
    {
        found.push(Environment::Ci);
    }
    if file.ends_with(".md") || file.ends_with(".rst") {
        found.push(Environment::Example);
    }
    found.sort();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::{Environment::*, of_path};

    #[test]
    fn environments_from_paths() {
        assert_eq!(of_path("config/.env.production"), vec![Prod]);
        assert_eq!(of_path("deploy/values-staging.yaml"), vec![Staging]);
        assert_eq!(of_path("src/main/resources/application-dev.yml"), vec![Dev]);
        assert_eq!(of_path("pkg/server_test.go"), vec![Test]);
        assert_eq!(of_path(".env.example"), vec![Example]);
        assert_eq!(of_path(".github/workflows/deploy.yml"), vec![Ci]);
        assert_eq!(of_path("prod/tests/x.py"), vec![Prod, Test]);
        assert!(of_path("src/product/settings.py").is_empty());
        assert_eq!(of_path("README.md"), vec![Example]);
    }

    #[test]
    fn environments_from_config_store_paths() {
        assert_eq!(of_path("k8s:prod/db-creds/password"), vec![Prod]);
        assert_eq!(
            of_path("k8s:payments-staging/billing/stripe"),
            vec![Staging]
        );
        assert_eq!(of_path("ssm:/dev/api/token"), vec![Dev]);
        assert!(of_path("k8s:default/db-creds/password").is_empty());
    }
}
