//! End-to-end scan of a generated tree (walk, read, detect, collect).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use keyhound::RuleSet;
use keyhound::scan::Target;
use keyhound::source::fs::WalkOptions;

#[path = "corpus/mod.rs"]
mod corpus;

fn scan_tree(c: &mut Criterion) {
    let Ok(rules) = RuleSet::builtin() else {
        panic!("built-in rules do not load");
    };
    let Ok(dir) = tempfile::tempdir() else {
        panic!("cannot create a temp dir");
    };
    let mut total = 0u64;
    for i in 0..2000u64 {
        let sub = dir.path().join(format!("pkg{}", i % 40));
        let blob = corpus::source_like(8 * 1024 + (i as usize % 7) * 1024, i);
        total += blob.len() as u64;
        if std::fs::create_dir_all(&sub)
            .and_then(|()| std::fs::write(sub.join(format!("file{i}.rs")), &blob))
            .is_err()
        {
            panic!("cannot write the corpus");
        }
    }
    let targets = [Target::Path(dir.path().to_path_buf())];
    let options = WalkOptions::default();
    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Bytes(total));
    group.sample_size(10);
    group.bench_function("tree_2000_files", |b| {
        b.iter(|| match keyhound::scan(&rules, &targets, &options) {
            Ok(outcome) => outcome.findings.len(),
            Err(err) => panic!("scan failed: {err}"),
        })
    });
    group.finish();
}

criterion_group!(benches, scan_tree);
criterion_main!(benches);
