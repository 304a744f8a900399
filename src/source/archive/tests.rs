//! Unit tests: archives built in memory, walked with a recording visitor.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;

use super::*;

#[derive(Default)]
struct Recorder {
    blobs: Vec<(String, Vec<u8>)>,
    skipped: Vec<(String, SkipReason)>,
    errors: Vec<String>,
}

impl BlobVisitor for Recorder {
    fn blob(&mut self, path: &str, bytes: &[u8]) {
        self.blobs.push((path.to_string(), bytes.to_vec()));
    }
    fn skipped(&mut self, path: &str, reason: SkipReason) {
        self.skipped.push((path.to_string(), reason));
    }
    fn error(&mut self, path: &str, _message: String) {
        self.errors.push(path.to_string());
    }
}

impl Recorder {
    fn paths(&self) -> Vec<&str> {
        self.blobs.iter().map(|(p, _)| p.as_str()).collect()
    }
}

fn walk(path: &str, bytes: &[u8], limits: &ArchiveLimits) -> Recorder {
    let mut recorder = Recorder::default();
    let kind = detect(bytes).expect("an archive");
    scan(
        path,
        kind,
        bytes,
        &ReadOptions::default(),
        limits,
        &mut recorder,
    );
    recorder
}

fn zip_of(files: &[(&str, &[u8])], method: ::zip::CompressionMethod) -> Vec<u8> {
    let mut writer = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = ::zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, data) in files {
        writer.start_file(*name, options).expect("in memory");
        writer.write_all(data).expect("in memory");
    }
    writer.finish().expect("in memory").into_inner()
}

fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = ::tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut header = ::tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, name, *data)
            .expect("in memory");
    }
    builder.into_inner().expect("in memory")
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).expect("in memory");
    encoder.finish().expect("in memory")
}

#[test]
fn zip_entries_are_blobs_with_bang_paths() {
    let jar = zip_of(
        &[
            ("config/app.properties", b"app.name=x\n"),
            ("META-INF/", b""),
            ("Main.class", b"\xca\xfe\xba\xbe\0\0"),
        ],
        ::zip::CompressionMethod::Deflated,
    );
    let seen = walk("app.jar", &jar, &ArchiveLimits::default());
    assert_eq!(seen.paths(), ["app.jar!config/app.properties"]);
    assert_eq!(seen.blobs[0].1, b"app.name=x\n");
    assert_eq!(
        seen.skipped,
        [("app.jar!Main.class".to_string(), SkipReason::Binary)]
    );
    assert!(seen.errors.is_empty());
}

#[test]
fn nested_zip_in_tar_gz() {
    let inner = zip_of(
        &[("c.properties", b"k=v\n")],
        ::zip::CompressionMethod::Stored,
    );
    let tgz = gzip(&tar_of(&[("lib/b.jar", &inner), ("./readme.txt", b"hi\n")]));
    let seen = walk("a.tgz", &tgz, &ArchiveLimits::default());
    assert_eq!(
        seen.paths(),
        ["a.tgz!lib/b.jar!c.properties", "a.tgz!readme.txt"]
    );
}

#[test]
fn single_gzip_file() {
    let gz = gzip(b"token=abc\n");
    let seen = walk("logs/app.log.gz", &gz, &ArchiveLimits::default());
    assert_eq!(seen.paths(), ["logs/app.log.gz!app.log"]);
}

#[test]
fn too_deep_is_skipped_with_a_note() {
    let mut data = zip_of(&[("deep.txt", b"x\n")], ::zip::CompressionMethod::Stored);
    for level in 0..3 {
        data = zip_of(
            &[(&format!("l{level}.zip"), &data)],
            ::zip::CompressionMethod::Stored,
        );
    }
    let seen = walk("top.zip", &data, &ArchiveLimits::default());
    assert!(seen.blobs.is_empty());
    assert_eq!(
        seen.skipped,
        [(
            "top.zip!l2.zip!l1.zip!l0.zip".to_string(),
            SkipReason::ArchiveTooDeep
        )]
    );
    let deeper = ArchiveLimits {
        max_depth: 4,
        ..ArchiveLimits::default()
    };
    let seen = walk("top.zip", &data, &deeper);
    assert_eq!(seen.paths(), ["top.zip!l2.zip!l1.zip!l0.zip!deep.txt"]);
}

#[test]
fn entry_and_byte_limits() {
    let files: Vec<(String, Vec<u8>)> = (0..5)
        .map(|i| (format!("f{i}.txt"), format!("line {i}\n").into_bytes()))
        .collect();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let few = ArchiveLimits {
        max_entries: 3,
        ..ArchiveLimits::default()
    };
    let zip = zip_of(&refs, ::zip::CompressionMethod::Deflated);
    let seen = walk("many.zip", &zip, &few);
    assert_eq!(seen.blobs.len(), 3);
    assert_eq!(
        seen.skipped,
        [("many.zip".to_string(), SkipReason::ArchiveLimit)]
    );
    let seen = walk("many.tar", &tar_of(&refs), &few);
    assert_eq!(seen.blobs.len(), 3);
    assert_eq!(
        seen.skipped,
        [("many.tar".to_string(), SkipReason::ArchiveLimit)]
    );

    let tiny = ArchiveLimits {
        max_total_bytes: 10,
        ..ArchiveLimits::default()
    };
    let seen = walk("many.zip", &zip, &tiny);
    assert_eq!(seen.paths(), ["many.zip!f0.txt"]);
    assert_eq!(
        seen.skipped,
        [("many.zip!f1.txt".to_string(), SkipReason::ArchiveLimit)]
    );
}

#[test]
fn gzip_bomb_stops_early() {
    let bomb = gzip(&vec![0u8; 16 << 20]);
    let seen = walk("zeros.gz", &bomb, &ArchiveLimits::default());
    assert!(seen.blobs.is_empty());
    assert_eq!(
        seen.skipped,
        [("zeros.gz".to_string(), SkipReason::ArchiveBomb)]
    );
}

#[test]
fn corrupt_archives_are_errors() {
    let zip = zip_of(&[("a.txt", b"a\n")], ::zip::CompressionMethod::Deflated);
    let seen = walk("cut.zip", &zip[..zip.len() / 2], &ArchiveLimits::default());
    assert_eq!(seen.errors, ["cut.zip"]);
    let gz = gzip(b"some text that is long enough\n");
    let seen = walk("cut.gz", &gz[..gz.len() - 6], &ArchiveLimits::default());
    assert_eq!(seen.errors, ["cut.gz"]);
    let tar = tar_of(&[("a.txt", &[b'a'; 2000])]);
    let seen = walk("cut.tar", &tar[..1024], &ArchiveLimits::default());
    assert_eq!(seen.errors, ["cut.tar"]);
}

#[test]
fn docker_image_layers_are_named_and_whiteouts_skipped() {
    let lower = tar_of(&[("app/.env", b"SECRET=1\n"), ("app/keep.txt", b"k\n")]);
    let upper = gzip(&tar_of(&[("app/.wh..env", b""), ("app/new.txt", b"n\n")]));
    let manifest = br#"[{"Config":"cfg.json","RepoTags":["x:1"],"Layers":["aaaaaaaaaaaaaaaa/layer.tar","blobs/sha256/bbbbbbbbbbbbbbbbbb"]}]"#;
    let image = tar_of(&[
        ("blobs/sha256/bbbbbbbbbbbbbbbbbb", &upper),
        ("aaaaaaaaaaaaaaaa/layer.tar", &lower),
        ("cfg.json", b"{\"Env\":[]}"),
        ("manifest.json", manifest),
    ]);
    let seen = walk("image.tar", &image, &ArchiveLimits::default());
    assert_eq!(
        seen.paths(),
        [
            "image.tar!cfg.json",
            "image.tar!manifest.json",
            "image.tar!aaaaaaaaaaaa/app/.env",
            "image.tar!aaaaaaaaaaaa/app/keep.txt",
            "image.tar!bbbbbbbbbbbb/app/new.txt",
        ]
    );
    assert!(seen.errors.is_empty() && seen.skipped.is_empty());
}

#[test]
fn join_strips_leading_dots_and_slashes() {
    assert_eq!(join("a.tar", "./b/c"), "a.tar!b/c");
    assert_eq!(join("a.tar", "/b"), "a.tar!b");
}
