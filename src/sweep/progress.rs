//! Progress of a sweep: what a display (a progress bar, log lines) is told.

/// Counters of a sweep so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Repositories done (scanned, reused from the datastore, or failed).
    pub repos_done: u64,
    /// Repositories to do.
    pub repos_total: u64,
    /// Blobs scanned.
    pub blobs: u64,
    /// Bytes scanned.
    pub bytes: u64,
    /// Distinct findings so far.
    pub findings: u64,
}

/// Receives progress; called from the sweeping thread only.
pub trait Progress {
    /// A repository is starting.
    fn repository_started(&self, name: &str, snapshot: &Snapshot);
    /// A repository is done.
    fn repository_done(&self, name: &str, snapshot: &Snapshot);
}

/// Progress that goes nowhere (`--quiet`, library use).
pub struct NoProgress;

impl Progress for NoProgress {
    fn repository_started(&self, _: &str, _: &Snapshot) {}
    fn repository_done(&self, _: &str, _: &Snapshot) {}
}
