//! Bounded decompression: output is read in chunks and checked against the
//! limits as it grows, so neither a lying size header nor a zip bomb can make
//! keyhound allocate more than the limits allow.

use std::io::Read;

use super::kind::{SNIFF_LEN, detect};
use super::{ArchiveLimits, Budget};

/// Bytes decompressed per read; limits are checked between reads.
const CHUNK: usize = 64 * 1024;

/// What bounded decompression produced.
#[derive(Debug)]
pub enum Inflated {
    /// The whole content.
    Done(Vec<u8>),
    /// Output passed the compression-ratio limit: a likely decompression bomb.
    Bomb,
    /// Not an archive and larger than `--max-file-size`.
    TooLarge,
    /// The per-archive budget of decompressed bytes ran out.
    OverBudget,
    /// The compressed data is corrupt or truncated.
    Failed(std::io::Error),
}

/// Decompresses `reader` (reading from `input`, a compressed slice) within the
/// limits: stops when the output exceeds both `limits.ratio_floor` and
/// `limits.max_ratio` times the compressed bytes consumed so far, when a
/// non-archive exceeds `max_file_size`, or when `budget` runs out. Every byte
/// produced is charged to `budget`.
pub fn inflate<R: Read>(
    mut reader: R,
    consumed: impl Fn(&R) -> u64,
    max_file_size: u64,
    limits: &ArchiveLimits,
    budget: &mut Budget,
) -> Inflated {
    let mut out: Vec<u8> = Vec::new();
    let mut size_cap = u64::MAX;
    let mut sniffed = false;
    loop {
        let start = out.len();
        out.resize(start + CHUNK, 0);
        let read = match reader.read(&mut out[start..]) {
            Ok(n) => n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {
                out.truncate(start);
                continue;
            }
            Err(err) => return Inflated::Failed(err),
        };
        out.truncate(start + read);
        if !budget.charge(read as u64) {
            return Inflated::OverBudget;
        }
        let len = out.len() as u64;
        if len > limits.ratio_floor && len > consumed(&reader).saturating_mul(limits.max_ratio) {
            return Inflated::Bomb;
        }
        if !sniffed && (out.len() >= SNIFF_LEN || read == 0) {
            sniffed = true;
            if detect(&out).is_none() {
                size_cap = max_file_size;
            }
        }
        if len > size_cap {
            return Inflated::TooLarge;
        }
        if read == 0 {
            out.shrink_to_fit();
            return Inflated::Done(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::bufread::DeflateDecoder;
    use flate2::write::DeflateEncoder;

    use super::*;

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).expect("in memory");
        encoder.finish().expect("in memory")
    }

    fn run(compressed: &[u8], max_file_size: u64, budget: u64) -> Inflated {
        let limits = ArchiveLimits::default();
        let mut budget = Budget::new(budget);
        let total = compressed.len() as u64;
        inflate(
            DeflateDecoder::new(compressed),
            |d| total - d.get_ref().len() as u64,
            max_file_size,
            &limits,
            &mut budget,
        )
    }

    #[test]
    fn small_content_comes_back_whole() {
        let text = b"greeting = hello world\n".repeat(100);
        match run(&deflate(&text), 1 << 20, 1 << 30) {
            Inflated::Done(out) => assert_eq!(out, text),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn zeros_are_a_bomb_long_before_the_end() {
        let zeros = vec![0u8; 8 << 20];
        let compressed = deflate(&zeros);
        assert!(matches!(
            run(&compressed, u64::MAX, u64::MAX),
            Inflated::Bomb
        ));
    }

    #[test]
    fn size_and_budget_limits() {
        let text: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let compressed = deflate(&text);
        assert!(matches!(
            run(&compressed, 1000, 1 << 30),
            Inflated::TooLarge
        ));
        assert!(matches!(
            run(&compressed, u64::MAX, 1000),
            Inflated::OverBudget
        ));
        assert!(matches!(
            run(b"\xff\xff\xff", u64::MAX, 1 << 30),
            Inflated::Failed(_)
        ));
    }
}
