//! One declaration: a resource or document of one file that creates, names,
//! grants to or holds a credential of a machine identity, before references
//! across files are resolved.

use std::collections::BTreeMap;

use crate::inventory::Kind;

/// A risk reason found in a declaration, at its declaring line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeclaredReason {
    /// Stable code (`wildcard-action`, `long-lived-access-key`...).
    pub code: String,
    /// OWASP NHI Top 10 item (`NHI5`).
    pub nhi: String,
    /// Points added to the identity's risk score.
    pub points: i32,
    /// What to tell a person.
    pub message: String,
    /// Path of the declaring file.
    pub path: String,
    /// Line of the declaring block.
    pub line: usize,
}

/// When a declared secret expires (Azure passwords).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expiry {
    /// No end date: it never expires (or gets the provider's default).
    Never,
    /// An RFC 3339 end date.
    Date(String),
    /// A relative end date, in hours from creation.
    Hours(i64),
}

/// One declaration. `keys` name it for references (`tf:DIR:aws_iam_user.ci`,
/// `k8s-sa:NS/NAME`, `aws-user-name:NAME`...); `joins` name the identity it
/// belongs to (an access key joins its user); `grants_from` / `trust_from`
/// name policies or roles whose permissions / trust it lends its identity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Declaration {
    /// Kind of identity (or credential) declared.
    pub kind: Option<Kind>,
    /// `aws`, `gcp`, `azure`, `kubernetes`, `github`.
    pub provider: String,
    /// Resource type (`aws_iam_user`, `ServiceAccount`, `AWS::IAM::Role`, `workflow-job`).
    pub resource_type: String,
    /// Resource name or address (`aws_iam_user.ci`, `ci/deployer`).
    pub resource: String,
    /// Who the identity is, when the declaration says.
    pub principal: Option<String>,
    /// Path of the file.
    pub path: String,
    /// Line of the declaring block or document (1-based).
    pub line: usize,
    /// Last line of the declaring block or document.
    pub end_line: usize,
    /// Names this declaration answers to.
    pub keys: Vec<String>,
    /// Names of the identity this declaration belongs to.
    pub joins: Vec<String>,
    /// Policies or roles whose permissions apply to the identity.
    pub grants_from: Vec<String>,
    /// Policies whose principals may assume the identity.
    pub trust_from: Vec<String>,
    /// A policy or role: lends permissions, is not an identity itself.
    pub source: bool,
    /// Kept as an identity of its own when it joins nothing.
    pub standalone: bool,
    /// Permissions summarised (`Allow s3:* on *`, `verbs [*] on pods`).
    pub permissions: Vec<String>,
    /// Who may assume it (`AWS: *`, `Service: ec2.amazonaws.com`).
    pub trust: Vec<String>,
    /// Risk reasons of its permissions (and of the declaration itself).
    pub reasons: Vec<DeclaredReason>,
    /// Risk reasons of its trust policy.
    pub trust_reasons: Vec<DeclaredReason>,
    /// Facts for the inventory's `attributes`.
    pub attributes: BTreeMap<String, serde_json::Value>,
    /// End date of a declared secret.
    pub expiry: Option<Expiry>,
    /// Git provenance, for declarations read from a repository's HEAD.
    pub git: Option<DeclaredGit>,
}

/// Where in git a declaration was read: the repository, and the commit
/// that introduced the file's version at HEAD (when the history walk saw it).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeclaredGit {
    /// Repository name, as reports give it.
    pub repository: String,
    /// Introducing commit id (hex), when known.
    pub commit: Option<String>,
    /// Its author, `Name <email>`, when known.
    pub author: Option<String>,
}

impl Declaration {
    /// A declaration of `resource_type` `resource` at `path:line`.
    pub fn new(
        provider: &str,
        resource_type: &str,
        resource: &str,
        path: &str,
        line: usize,
    ) -> Self {
        Declaration {
            provider: provider.to_string(),
            resource_type: resource_type.to_string(),
            resource: resource.to_string(),
            path: path.to_string(),
            line,
            end_line: line,
            ..Declaration::default()
        }
    }

    /// Adds a risk reason at the declaration's line.
    pub fn reason(&mut self, code: &str, nhi: &str, points: i32, message: String) {
        let reason = self.make_reason(code, nhi, points, message);
        if !self
            .reasons
            .iter()
            .any(|r| r.code == reason.code && r.message == reason.message)
        {
            self.reasons.push(reason);
        }
    }

    /// A reason located at this declaration.
    pub fn make_reason(
        &self,
        code: &str,
        nhi: &str,
        points: i32,
        message: String,
    ) -> DeclaredReason {
        DeclaredReason {
            code: code.to_string(),
            nhi: nhi.to_string(),
            points,
            message,
            path: self.path.clone(),
            line: self.line,
        }
    }

    /// Adds an attribute (arrays are extended).
    pub fn attribute(&mut self, key: &str, value: serde_json::Value) {
        self.attributes.insert(key.to_string(), value);
    }
}
