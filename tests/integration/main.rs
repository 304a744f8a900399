//! Integration tests: every test runs the real `keyhound` binary on a
//! temporary tree created at test time.
//!
//! Fake secrets are generated at run time (see [`common::FakeSecrets`]) so no
//! live-looking credential is written in this source. Snapshots are stored in
//! `tests/integration/snapshots/`; review a change with
//! `INSTA_UPDATE=always cargo test --test integration` and `git diff`.

mod common;

mod action;
mod archive;
mod cli;
mod completions;
mod config_files;
mod declared;
mod decode;
mod determinism;
mod formats;
mod generic;
mod git;
mod hostile;
mod html;
mod hygiene;
mod inventory;
mod markdown;
mod multipart;
mod output;
mod precommit;
mod readme_docs;
mod redaction;
mod report_schema;
mod rules;
mod sarif;
mod skips;
mod snapshot;
mod stores;
mod suppress;
mod sweep;
