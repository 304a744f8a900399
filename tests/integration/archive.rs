//! Archives found by the filesystem source: zip (jar), tar, tar.gz, single
//! `.gz` files and `docker save` image tarballs, built at test time with fake
//! secrets; their limits (bombs, depth) and corrupt archives.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::Value;

use crate::common::{EXIT_CLEAN, EXIT_FINDINGS, FakeSecrets, Tree};

/// A zip of `files`, deflated.
pub(crate) fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in files {
        writer.start_file(*name, options).expect("in memory");
        writer.write_all(data).expect("in memory");
    }
    writer.finish().expect("in memory").into_inner()
}

/// A tar of `files`.
fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, name, *data)
            .expect("in memory");
    }
    builder.into_inner().expect("in memory")
}

/// `data` gzip-compressed.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).expect("in memory");
    encoder.finish().expect("in memory")
}

/// Every location path of every finding, with its line.
fn locations(report: &Value) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for finding in report["findings"].as_array().into_iter().flatten() {
        for location in finding["locations"].as_array().into_iter().flatten() {
            out.push((
                location["path"].as_str().unwrap_or_default().to_string(),
                location["line"].as_u64().unwrap_or_default(),
            ));
        }
    }
    out.sort();
    out
}

/// The `(path, reason)` pairs of the report's `skipped` list.
fn skipped(report: &Value) -> Vec<(String, String)> {
    report["skipped"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["path"].as_str().unwrap_or_default().to_string(),
                s["reason"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn jar_properties_file_is_found_at_its_line() {
    let tree = Tree::new();
    let mut secrets = FakeSecrets::new(71);
    let github = secrets.github_pat();
    let properties = format!("app.name=demo\n# deploy\ngithub.token={github}\n");
    let jar = zip_of(&[
        ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"),
        ("config/app.properties", properties.as_bytes()),
        ("com/example/Main.class", b"\xca\xfe\xba\xbe\0\0\0\x34"),
    ]);
    tree.write("app.jar", jar);
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    assert_eq!(
        locations(&report),
        [("app.jar!config/app.properties".to_string(), 3)],
        "{report:#}"
    );
    assert_eq!(report["findings"][0]["rule_id"], "github.pat-classic");
    assert_eq!(report["stats"]["skipped_binary"], 1, "the .class entry");
    assert_eq!(report["stats"]["errors"], 0);
}

#[test]
fn zip_in_tar_gz_and_single_gz_file() {
    let tree = Tree::new();
    let mut secrets = FakeSecrets::new(72);
    let github = secrets.github_pat();
    let stripe = secrets.stripe_live();
    let inner = zip_of(&[("c.properties", format!("token={github}\n").as_bytes())]);
    let tgz = gzip(&tar_of(&[("lib/b.jar", &inner), ("README", b"hello\n")]));
    tree.write("dist/bundle.tar.gz", tgz);
    tree.write(
        "logs/app.log.gz",
        gzip(format!("line one\nkey {stripe}\n").as_bytes()),
    );
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    assert_eq!(
        locations(&report),
        [
            ("dist/bundle.tar.gz!lib/b.jar!c.properties".to_string(), 1),
            ("logs/app.log.gz!app.log".to_string(), 2),
        ],
        "{report:#}"
    );
}

/// A zip whose one entry declares 1 GiB of zeros: 1024 copies of a deflated,
/// fully flushed MiB of zeros (about 1 MB on disk, built in milliseconds).
fn zip_bomb() -> Vec<u8> {
    let mut compress = flate2::Compress::new(Compression::best(), false);
    let mut chunk = Vec::with_capacity(64 * 1024);
    compress
        .compress_vec(&vec![0u8; 1 << 20], &mut chunk, flate2::FlushCompress::Full)
        .expect("in memory");
    let mut data = Vec::with_capacity(chunk.len() * 1024 + 2);
    for _ in 0..1024 {
        data.extend_from_slice(&chunk);
    }
    data.extend_from_slice(&[0x03, 0x00]); // an empty final block
    let name = b"zeros.txt";
    let declared: u32 = 1 << 30;
    let compressed = u32::try_from(data.len()).expect("small");
    let mut zip = Vec::new();
    let entry_fields = |out: &mut Vec<u8>| {
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed
        out.extend_from_slice(&0u16.to_le_bytes()); // flags
        out.extend_from_slice(&8u16.to_le_bytes()); // deflate
        out.extend_from_slice(&[0; 4]); // time, date
        out.extend_from_slice(&0u32.to_le_bytes()); // crc (never reached)
        out.extend_from_slice(&compressed.to_le_bytes());
        out.extend_from_slice(&declared.to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra length
    };
    zip.extend_from_slice(b"PK\x03\x04");
    entry_fields(&mut zip);
    zip.extend_from_slice(name);
    zip.extend_from_slice(&data);
    let central = zip.len() as u32;
    zip.extend_from_slice(b"PK\x01\x02");
    zip.extend_from_slice(&20u16.to_le_bytes()); // version made by
    entry_fields(&mut zip);
    zip.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
    zip.extend_from_slice(&0u32.to_le_bytes()); // external attributes
    zip.extend_from_slice(&0u32.to_le_bytes()); // local header offset
    zip.extend_from_slice(name);
    let central_len = zip.len() as u32 - central;
    zip.extend_from_slice(b"PK\x05\x06");
    zip.extend_from_slice(&[0; 4]); // disk numbers
    zip.extend_from_slice(&1u16.to_le_bytes());
    zip.extend_from_slice(&1u16.to_le_bytes());
    zip.extend_from_slice(&central_len.to_le_bytes());
    zip.extend_from_slice(&central.to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes()); // comment length
    zip
}

#[test]
fn zip_bomb_is_stopped_with_a_note_and_the_scan_goes_on() {
    let tree = Tree::new();
    let mut secrets = FakeSecrets::new(73);
    let github = secrets.github_pat();
    tree.write("bomb.zip", zip_bomb());
    tree.write("ok.txt", format!("gh {github}\n"));
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    assert_eq!(locations(&report), [("ok.txt".to_string(), 1)]);
    assert_eq!(
        skipped(&report),
        [("bomb.zip!zeros.txt".to_string(), "archive-bomb".to_string())]
    );
    assert!(
        report["stats"]["bytes"].as_u64().unwrap_or(u64::MAX) < 1 << 20,
        "nothing of the bomb is scanned: {report:#}"
    );
    let text = tree.run(&["scan", "."]);
    assert!(
        text.stderr.contains("bomb.zip!zeros.txt") && text.stderr.contains("decompression bomb"),
        "{}",
        text.stderr
    );
}

#[test]
fn too_deep_nesting_is_noted() {
    let tree = Tree::new();
    let mut secrets = FakeSecrets::new(74);
    let github = secrets.github_pat();
    let mut data = zip_of(&[("deep.txt", format!("t={github}\n").as_bytes())]);
    for level in (1..=3).rev() {
        data = zip_of(&[(&format!("l{level}.zip"), &data)]);
    }
    tree.write("top.zip", data);
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_CLEAN);
    let report = run.json();
    assert_eq!(
        skipped(&report),
        [(
            "top.zip!l1.zip!l2.zip!l3.zip".to_string(),
            "archive-too-deep".to_string()
        )]
    );
    assert!(run.stderr.contains("nested too deep"), "{}", run.stderr);
}

#[test]
fn corrupt_zip_is_an_error_and_the_scan_goes_on() {
    let tree = Tree::new();
    let mut secrets = FakeSecrets::new(75);
    let github = secrets.github_pat();
    let stripe = secrets.stripe_live();
    let zip = zip_of(&[("a.env", format!("K={stripe}\n").as_bytes())]);
    tree.write("broken.zip", &zip[..zip.len() - 30]);
    tree.write("ok.txt", format!("gh {github}\n"));
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    assert_eq!(locations(&report), [("ok.txt".to_string(), 1)]);
    assert_eq!(report["stats"]["errors"], 1, "{report:#}");
    assert_eq!(report["errors"][0]["path"], "broken.zip");
    assert!(run.stderr.contains("broken.zip"), "{}", run.stderr);
}

#[test]
fn no_archives_leaves_them_closed() {
    let tree = Tree::new();
    let mut secrets = FakeSecrets::new(76);
    let github = secrets.github_pat();
    tree.write(
        "app.jar",
        zip_of(&[("app.properties", format!("t={github}\n").as_bytes())]),
    );
    tree.write("notes.gz", gzip(format!("t={github}\n").as_bytes()));
    let run = tree.run(&["scan", ".", "-f", "json", "--no-archives"]);
    run.expect_code(EXIT_CLEAN);
    let report = run.json();
    assert_eq!(report["stats"]["skipped_binary"], 2, "{report:#}");
    assert!(locations(&report).is_empty());
    tree.run(&["scan", "."]).expect_code(EXIT_FINDINGS);
}

#[test]
fn archive_over_max_file_size_is_still_opened() {
    let tree = Tree::new();
    let mut secrets = FakeSecrets::new(77);
    let github = secrets.github_pat();
    let filler: Vec<u8> = (0..4000u32).flat_map(|i| i.to_le_bytes()).collect();
    let jar = zip_of(&[
        ("app.properties", format!("t={github}\n").as_bytes()),
        ("blob.bin", &filler),
    ]);
    assert!(jar.len() > 2048);
    tree.write("big.jar", jar);
    let run = tree.run(&["scan", ".", "-f", "json", "--max-file-size", "2K"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    assert_eq!(
        locations(&report),
        [("big.jar!app.properties".to_string(), 1)]
    );
    assert_eq!(
        skipped(&report),
        [("big.jar!blob.bin".to_string(), "too-large".to_string())]
    );
    let capped = tree.run(&["scan", ".", "--archive-max-bytes", "1K", "-f", "json"]);
    capped.expect_code(EXIT_FINDINGS);
    assert_eq!(
        skipped(&capped.json()),
        [("big.jar!blob.bin".to_string(), "archive-limit".to_string())]
    );
}

#[test]
fn docker_save_layers_are_named_and_deleted_secrets_still_reported() {
    let tree = Tree::new();
    let mut secrets = FakeSecrets::new(78);
    let github = secrets.github_pat();
    let stripe = secrets.stripe_live();
    let lower_id = "3f1c0a9e5b7d2c4e6a8b0d1f3e5c7a9b1d3f5e7c9a0b2d4f6e8a0c2e4b6d8f0a";
    let upper_id = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b";
    let lower = tar_of(&[
        ("app/.env", format!("GITHUB_TOKEN={github}\n").as_bytes()),
        ("app/main.py", b"print('hi')\n"),
    ]);
    let upper = tar_of(&[
        ("app/.wh..env", b""),
        (
            "app/settings.py",
            format!("STRIPE = '{stripe}'\n").as_bytes(),
        ),
    ]);
    let manifest = format!(
        r#"[{{"Config":"cfg.json","RepoTags":["demo:1"],"Layers":["{lower_id}/layer.tar","{upper_id}/layer.tar"]}}]"#
    );
    let image = tar_of(&[
        ("cfg.json", b"{\"config\":{\"Env\":[\"PATH=/usr/bin\"]}}"),
        (&format!("{lower_id}/layer.tar"), &lower),
        (&format!("{upper_id}/layer.tar"), &upper),
        ("manifest.json", manifest.as_bytes()),
    ]);
    tree.write("image.tar", image);
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_FINDINGS);
    let report = run.json();
    assert_eq!(
        locations(&report),
        [
            (format!("image.tar!{}/app/.env", &lower_id[..12]), 1),
            (format!("image.tar!{}/app/settings.py", &upper_id[..12]), 1),
        ],
        "the deleted .env is still in the image: {report:#}"
    );
    assert_eq!(report["stats"]["errors"], 0);
}
