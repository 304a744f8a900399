//! keyhound: a fast secret scanner and non-human-identity discovery engine.
//!
//! Data flows one way (see `DESIGN.md` in the project's shared notes):
//!
//! ```text
//!  source ──► blobs ──► detect ──► matches ──► findings ──► report
//!  (fs, stdin)  (path +   (keywords,   (rule,     (rule + secret,  (text, json,
//!               bytes)    regex,       spans)     all locations)   jsonl, sarif)
//!                         entropy,
//!                         filters)
//! ```
//!
//! - [`rules`]: rule schema, built-in pack, compilation, `rules check`.
//! - [`decode`]: finds base64, hex and percent-encoded tokens and decodes them.
//! - [`detect`]: the per-thread [`detect::Detector`]: bytes in, matches out.
//! - [`source`]: where blobs come from; never detects.
//! - [`scan`](mod@scan): drives a source with detecting workers and collects findings.
//! - [`finding`]: findings, locations, fingerprints, redaction.
//! - [`validate`]: offline validators: typed evidence decoded from a secret's format.
//! - [`declared`]: identities declared by infrastructure code (Terraform, Kubernetes, CloudFormation, workflows).
//! - [`inventory`]: findings grouped into machine identities, with risk.
//! - [`suppress`]: baselines, ignore files, inline allows, allowlists, project config.
//! - [`report`]: output formats; never sees a regex.

pub mod declared;
pub mod decode;
pub mod detect;
pub mod finding;
pub mod inventory;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
pub mod suppress;
pub mod sweep;
pub mod validate;

pub use finding::{Finding, Location, Secret};
pub use rules::RuleSet;
pub use scan::{ScanOutcome, Target, scan};
