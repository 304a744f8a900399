//! The closed list of identity kinds (`docs/INVENTORY.md` documents each).
//!
//! Rules name a provider-specific credential type (`github.personal-access-token`);
//! the inventory files each under one of these kinds so that a security team can
//! filter "all cloud keys" or "all private keys" across providers.

use serde::{Deserialize, Serialize};

/// What kind of machine identity a credential is. A closed list: adding a
/// kind is a documented change of the inventory schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Cloud provider access key (AWS access key, Alibaba, IBM HMAC, Azure storage key).
    CloudAccessKey,
    /// Cloud service-account key (GCP service-account JSON key).
    ServiceAccountKey,
    /// OAuth client / service-principal secret (Azure Entra app secret, GCP OAuth client).
    ClientSecret,
    /// Personal access token acting as a human user's account.
    PersonalAccessToken,
    /// Provider API key.
    ApiKey,
    /// Provider access or API token (not tied to a person).
    AccessToken,
    /// OAuth access or refresh token.
    OauthToken,
    /// Chat or messaging bot token.
    BotToken,
    /// App or integration token (GitHub App, Slack app, Shopify private app).
    AppToken,
    /// CI/CD and deployment credential (deploy, runner, agent, trigger tokens).
    CiToken,
    /// Package or container registry credential (npm, PyPI, RubyGems, NuGet, Docker).
    RegistryToken,
    /// Webhook or ingest URL that carries its own credential (Slack webhook, Sentry DSN).
    WebhookUrl,
    /// Secret used to sign or verify requests (webhook signing secret, HMAC key).
    SigningSecret,
    /// Short-lived or scoped session credential (SAS token, temporary token).
    SessionToken,
    /// Kubernetes service-account, bootstrap or user token.
    KubernetesToken,
    /// JSON Web Token.
    Jwt,
    /// SSH private key.
    SshPrivateKey,
    /// TLS / X.509 private key (PKCS#1, PKCS#8, SEC1).
    TlsPrivateKey,
    /// OpenPGP private key.
    PgpPrivateKey,
    /// X.509 certificate (not a secret; links to its private key).
    Certificate,
    /// Database password or connection string with credentials.
    DatabaseCredential,
    /// Credentials embedded in a URL (HTTP basic auth and the like).
    UrlCredential,
    /// Password of a service or account.
    Password,
    /// Encryption or pre-shared key (WireGuard, age, symmetric keys).
    EncryptionKey,
    /// Software license key.
    LicenseKey,
    /// Any other secret (generic assignments).
    GenericSecret,
    /// Declared: Kubernetes service account.
    KubernetesServiceAccount,
    /// Declared: AWS IAM user.
    IamUser,
    /// Declared: AWS IAM role.
    IamRole,
    /// Declared: cloud service account (GCP).
    CloudServiceAccount,
    /// Declared: Azure AD application / service principal.
    ServicePrincipal,
    /// Declared: a CI job's token (GitHub Actions `GITHUB_TOKEN`).
    CiJobToken,
    /// Declared: a repository deploy key.
    DeployKey,
    /// Declared: a CI secret (GitHub Actions secret).
    CiSecret,
}

impl Kind {
    /// Every kind, in documentation order.
    pub const ALL: &'static [Kind] = &[
        Kind::CloudAccessKey,
        Kind::ServiceAccountKey,
        Kind::ClientSecret,
        Kind::PersonalAccessToken,
        Kind::ApiKey,
        Kind::AccessToken,
        Kind::OauthToken,
        Kind::BotToken,
        Kind::AppToken,
        Kind::CiToken,
        Kind::RegistryToken,
        Kind::WebhookUrl,
        Kind::SigningSecret,
        Kind::SessionToken,
        Kind::KubernetesToken,
        Kind::Jwt,
        Kind::SshPrivateKey,
        Kind::TlsPrivateKey,
        Kind::PgpPrivateKey,
        Kind::Certificate,
        Kind::DatabaseCredential,
        Kind::UrlCredential,
        Kind::Password,
        Kind::EncryptionKey,
        Kind::LicenseKey,
        Kind::GenericSecret,
        Kind::KubernetesServiceAccount,
        Kind::IamUser,
        Kind::IamRole,
        Kind::CloudServiceAccount,
        Kind::ServicePrincipal,
        Kind::CiJobToken,
        Kind::DeployKey,
        Kind::CiSecret,
    ];

    /// The kebab-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::CloudAccessKey => "cloud-access-key",
            Kind::ServiceAccountKey => "service-account-key",
            Kind::ClientSecret => "client-secret",
            Kind::PersonalAccessToken => "personal-access-token",
            Kind::ApiKey => "api-key",
            Kind::AccessToken => "access-token",
            Kind::OauthToken => "oauth-token",
            Kind::BotToken => "bot-token",
            Kind::AppToken => "app-token",
            Kind::CiToken => "ci-token",
            Kind::RegistryToken => "registry-token",
            Kind::WebhookUrl => "webhook-url",
            Kind::SigningSecret => "signing-secret",
            Kind::SessionToken => "session-token",
            Kind::KubernetesToken => "kubernetes-token",
            Kind::Jwt => "jwt",
            Kind::SshPrivateKey => "ssh-private-key",
            Kind::TlsPrivateKey => "tls-private-key",
            Kind::PgpPrivateKey => "pgp-private-key",
            Kind::Certificate => "certificate",
            Kind::DatabaseCredential => "database-credential",
            Kind::UrlCredential => "url-credential",
            Kind::Password => "password",
            Kind::EncryptionKey => "encryption-key",
            Kind::LicenseKey => "license-key",
            Kind::GenericSecret => "generic-secret",
            Kind::KubernetesServiceAccount => "kubernetes-service-account",
            Kind::IamUser => "iam-user",
            Kind::IamRole => "iam-role",
            Kind::CloudServiceAccount => "cloud-service-account",
            Kind::ServicePrincipal => "service-principal",
            Kind::CiJobToken => "ci-job-token",
            Kind::DeployKey => "deploy-key",
            Kind::CiSecret => "ci-secret",
        }
    }

    /// Files a rule's credential type (`provider.type`, e.g.
    /// `aws.access-key`) under a kind. Checks go from the most specific word
    /// to the most general, so `github.app-installation-token` is an app
    /// token and `slack.bot-token` a bot token.
    pub fn of_credential_type(credential_type: &str) -> Kind {
        let (provider, kind) = credential_type
            .split_once('.')
            .unwrap_or(("", credential_type));
        let has = |word: &str| kind.contains(word);
        match (provider, kind) {
            ("tls", "certificate") => return Kind::Certificate,
            ("jwt", _) => return Kind::Jwt,
            ("db" | "database", _) => return Kind::DatabaseCredential,
            ("http" | "url", _) => return Kind::UrlCredential,
            ("kubernetes", k) if k != "client-certificate" => return Kind::KubernetesToken,
            ("kubernetes", _) => return Kind::TlsPrivateKey,
            ("ssh", _) => return Kind::SshPrivateKey,
            ("tls", _) => return Kind::TlsPrivateKey,
            ("pgp", _) => return Kind::PgpPrivateKey,
            ("npm" | "pypi" | "rubygems" | "nuget" | "docker" | "jfrog", _) => {
                return Kind::RegistryToken;
            }
            _ => {}
        }
        if has("private-key") || has("key-pair") {
            Kind::TlsPrivateKey
        } else if has("service-account") && !has("token") {
            Kind::ServiceAccountKey
        } else if has("service-account-token") {
            Kind::KubernetesToken
        } else if has("personal") {
            Kind::PersonalAccessToken
        } else if has("webhook-sign") || has("webhook-secret") || has("signing") {
            Kind::SigningSecret
        } else if has("webhook") || kind == "dsn" || has("collector-url") {
            Kind::WebhookUrl
        } else if has("client-secret")
            || has("oauth-client")
            || has("oauth-app")
            || has("consumer-secret")
            || has("app-secret")
            || has("service-principal")
        {
            Kind::ClientSecret
        } else if has("oauth") || has("refresh-token") {
            Kind::OauthToken
        } else if has("bot-token") {
            Kind::BotToken
        } else if has("runner")
            || has("agent")
            || has("deploy")
            || has("pipeline")
            || has("job-token")
            || has("trigger")
            || has("build")
        {
            Kind::CiToken
        } else if has("registry") || has("upload-token") || has("feed-") {
            Kind::RegistryToken
        } else if has("app-") || has("integration") || has("-app") {
            Kind::AppToken
        } else if has("sas-token") || has("temporary") || has("session") {
            Kind::SessionToken
        } else if has("access-key")
            || has("storage-account-key")
            || has("hmac")
            || has("shared-access-key")
            || has("cosmosdb")
        {
            Kind::CloudAccessKey
        } else if has("license") {
            Kind::LicenseKey
        } else if has("encryption") || has("preshared") {
            Kind::EncryptionKey
        } else if has("password") || has("basic-auth") {
            if has("basic-auth") {
                Kind::UrlCredential
            } else {
                Kind::Password
            }
        } else if has("credentials") {
            Kind::Password
        } else if has("key") || has("api-secret") || has("sid") {
            Kind::ApiKey
        } else if has("token") {
            Kind::AccessToken
        } else {
            Kind::GenericSecret
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn credential_types_map_to_kinds() {
        for (credential_type, kind) in [
            ("aws.access-key", Kind::CloudAccessKey),
            ("github.personal-access-token", Kind::PersonalAccessToken),
            ("github.app-installation-token", Kind::AppToken),
            ("gcp.service-account", Kind::ServiceAccountKey),
            ("ssh.private-key", Kind::SshPrivateKey),
            ("tls.private-key", Kind::TlsPrivateKey),
            ("tls.certificate", Kind::Certificate),
            ("jwt.bearer-token", Kind::Jwt),
            ("db.password", Kind::DatabaseCredential),
            ("slack.bot-token", Kind::BotToken),
            ("slack.incoming-webhook", Kind::WebhookUrl),
            ("stripe.webhook-signing-secret", Kind::SigningSecret),
            ("kubernetes.service-account-token", Kind::KubernetesToken),
            ("npm.access-token", Kind::RegistryToken),
            ("azure.storage-account-key", Kind::CloudAccessKey),
            ("azure.service-principal-secret", Kind::ClientSecret),
            ("gitlab.runner-token", Kind::CiToken),
            ("http.basic-auth", Kind::UrlCredential),
            ("openai.api-key", Kind::ApiKey),
            ("generic.password", Kind::Password),
            ("maxmind.license-key", Kind::LicenseKey),
            ("vault.token", Kind::AccessToken),
        ] {
            assert_eq!(
                Kind::of_credential_type(credential_type),
                kind,
                "{credential_type}"
            );
        }
    }

    #[test]
    fn names_round_trip() {
        assert!(Kind::ALL.len() >= 20);
        for kind in Kind::ALL {
            let json = serde_json::to_string(kind).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
    }

    #[test]
    fn every_rule_of_the_pack_has_a_specific_kind() {
        let rules = match crate::rules::RuleSet::load(&[]) {
            Ok(rules) => rules,
            Err(err) => panic!("built-in rules load: {err}"),
        };
        let vague: Vec<String> = rules
            .rules()
            .iter()
            .map(|r| &r.spec)
            .filter(|spec| {
                Kind::of_credential_type(&spec.identity) == Kind::GenericSecret
                    && spec.provider != "generic"
            })
            .map(|spec| format!("{} ({})", spec.id, spec.identity))
            .collect();
        assert!(
            vague.is_empty(),
            "rules filed as generic-secret: {vague:#?}"
        );
    }
}
