//! The archive reader (zip, tar, gzip, image tarballs, nested) over arbitrary
//! bytes, within small limits so one input stays fast.
#![no_main]

use keyhound::source::archive::{self, ArchiveKind, ArchiveLimits};
use keyhound::source::{BlobVisitor, ReadOptions, SkipReason};
use libfuzzer_sys::fuzz_target;

/// Counts what the reader hands out.
#[derive(Default)]
struct Count {
    bytes: usize,
}

impl BlobVisitor for Count {
    fn blob(&mut self, _path: &str, bytes: &[u8]) {
        self.bytes += bytes.len();
    }
    fn skipped(&mut self, _path: &str, _reason: SkipReason) {}
    fn error(&mut self, _path: &str, _message: String) {}
}

fuzz_target!(|data: &[u8]| {
    let limits = ArchiveLimits {
        max_total_bytes: 8 << 20,
        ..ArchiveLimits::default()
    };
    let read = ReadOptions {
        max_file_size: 8 << 20,
        archives: Some(limits),
        ..ReadOptions::default()
    };
    // Sniffed, else forced (a tar header's checksum is hard to guess).
    let kind = archive::detect(data).unwrap_or(match data.len() % 3 {
        0 => ArchiveKind::Zip,
        1 => ArchiveKind::Tar,
        _ => ArchiveKind::Gzip,
    });
    {
        let mut count = Count::default();
        archive::scan("fuzz.bin", kind, data, &read, &limits, &mut count);
        assert!(count.bytes as u64 <= limits.max_total_bytes + (8 << 20));
    }
});
