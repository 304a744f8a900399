//! Limits that keep decoding bounded in memory and time, and the per-blob
//! budget that enforces them.

/// Decoding limits. Every limit is per blob, so one file can never make the
/// scan use more than `max_decoded_bytes` of decoded text (plus one token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How many encodings deep to decode: 0 disables decoding, 1 decodes
    /// tokens of the blob, 2 also decodes tokens inside decoded text
    /// (base64 inside base64). CLI `--decode-depth`.
    pub max_depth: usize,
    /// Most tokens decoded per blob, all depths together.
    pub max_candidates: usize,
    /// Most decoded bytes per blob, all depths together.
    pub max_decoded_bytes: usize,
    /// Longest encoded token considered; longer runs are skipped undecoded.
    pub max_token_len: usize,
}

/// Default of `--decode-depth`.
pub const DEFAULT_DEPTH: usize = 2;

impl Limits {
    /// The defaults: depth 2, 256 tokens, 1 MiB decoded, 64 KiB per token.
    pub const DEFAULT: Limits = Limits {
        max_depth: DEFAULT_DEPTH,
        max_candidates: 256,
        max_decoded_bytes: 1 << 20,
        max_token_len: 64 << 10,
    };

    /// The defaults with another depth (0 disables decoding).
    pub fn with_depth(max_depth: usize) -> Self {
        Limits {
            max_depth,
            ..Limits::DEFAULT
        }
    }

    /// True when decoding is on.
    pub fn enabled(&self) -> bool {
        self.max_depth > 0 && self.max_candidates > 0 && self.max_decoded_bytes > 0
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// What is left of one blob's limits; shared by every depth of that blob.
#[derive(Debug, Clone)]
pub struct Budget {
    candidates: usize,
    bytes: usize,
    max_token_len: usize,
}

impl Budget {
    /// A full budget for one blob.
    pub fn new(limits: &Limits) -> Self {
        Budget {
            candidates: limits.max_candidates,
            bytes: limits.max_decoded_bytes,
            max_token_len: limits.max_token_len,
        }
    }

    /// True when nothing more may be decoded.
    pub fn exhausted(&self) -> bool {
        self.candidates == 0 || self.bytes == 0
    }

    /// Longest token worth looking at.
    pub fn max_token_len(&self) -> usize {
        self.max_token_len
    }

    /// Takes one candidate that decodes to at most `bytes` bytes; false (and
    /// nothing taken) when that would exceed the budget.
    pub fn take(&mut self, bytes: usize) -> bool {
        if self.candidates == 0 || bytes > self.bytes {
            return false;
        }
        self.candidates -= 1;
        self.bytes -= bytes;
        true
    }

    /// Decoded bytes still allowed.
    pub fn bytes_left(&self) -> usize {
        self.bytes
    }
}
