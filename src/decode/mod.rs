//! Decoding of encoded blobs that hide credentials, such as the base64
//! values of a Kubernetes `Secret.data`, Docker `auths.*.auth` (base64 of `user:password`), and
//! base64, base64url, percent- or hex-encoded text anywhere.
//!
//! The [`Finder`] makes one cheap pass over a blob's bytes and returns the
//! encoded tokens whose decoding is mostly printable UTF-8 text. The scan
//! worker then runs the same detector over each decoded text and reports hits
//! at the encoded token's location. Everything is bounded by [`Limits`]: the
//! recursion depth, the candidates and decoded bytes per blob, and the size of
//! one token (see `docs/DECODING.md` for why this cannot blow up).
//!
//! ```text
//! blob bytes ──► Finder (one pass, skip by probing) ──► token ──► decode
//!     ──► mostly printable UTF-8? ──► Decoded { span, encoding, text }
//! ```

mod finder;
mod hex;
mod limits;
pub(crate) mod percent;
mod printable;

pub(crate) use finder::base64_looks_like_text;
pub use finder::{Decoded, Finder, line_prefix};
pub use limits::{Budget, DEFAULT_DEPTH, Limits};

use std::fmt;

/// How a token was encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Encoding {
    /// Standard base64 (`+` and `/`), with or without `=` padding.
    Base64,
    /// URL-safe base64 (`-` and `_`), with or without `=` padding.
    Base64Url,
    /// Percent-encoding (`%XX` escapes, several per token).
    Percent,
    /// Hexadecimal, two digits per byte.
    Hex,
}

impl Encoding {
    /// The name reports use: `base64`, `base64url`, `percent` or `hex`.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Base64Url => "base64url",
            Encoding::Percent => "percent",
            Encoding::Hex => "hex",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
