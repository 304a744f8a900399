//! Shards: a deterministic split of the repositories over N machines. A
//! repository belongs to shard `u64(first 8 bytes of SHA-256(identity)) % N`
//! (big-endian), so every machine computes the same split without talking to
//! the others, and adding repositories never moves the existing ones between
//! shards (changing N does).

use sha2::{Digest, Sha256};

/// Shard `index` of `count` (`--shard I/N`, 0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, `0..count`.
    pub index: u64,
    /// Number of shards, at least 1.
    pub count: u64,
}

/// Why a shard specification is invalid.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid shard {0:?}: expected I/N with 0 <= I < N, e.g. 0/3")]
pub struct ShardError(pub String);

impl std::str::FromStr for Shard {
    type Err = ShardError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || ShardError(text.to_string());
        let (index, count) = text.split_once('/').ok_or_else(invalid)?;
        let index: u64 = index.trim().parse().map_err(|_| invalid())?;
        let count: u64 = count.trim().parse().map_err(|_| invalid())?;
        if count == 0 || index >= count {
            return Err(invalid());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// The shard (of `count`) that `identity` belongs to.
    pub fn of(identity: &str, count: u64) -> u64 {
        let digest = Sha256::digest(identity.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % count.max(1)
    }

    /// True when `identity` belongs to this shard.
    pub fn owns(&self, identity: &str) -> bool {
        Shard::of(identity, self.count) == self.index
    }
}

#[cfg(test)]
mod tests {
    use super::Shard;

    #[test]
    fn parse_and_split() {
        assert_eq!("1/3".parse(), Ok(Shard { index: 1, count: 3 }));
        assert!("3/3".parse::<Shard>().is_err());
        assert!("0/0".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
        let names = ["a", "b", "c", "org/d.git", "https://example.test/e.git"];
        for name in names {
            let owners = (0..3)
                .filter(|i| {
                    Shard {
                        index: *i,
                        count: 3,
                    }
                    .owns(name)
                })
                .count();
            assert_eq!(owners, 1, "{name}");
        }
        assert_eq!(Shard::of("a", 3), Shard::of("a", 3));
    }
}
