//! Detector throughput (MB/s) on a generated source-like corpus with sparse
//! fake secrets: the hot path alone, no I/O.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use keyhound::RuleSet;
use keyhound::detect::Detector;

#[path = "corpus/mod.rs"]
mod corpus;

fn detector(c: &mut Criterion) {
    let Ok(rules) = RuleSet::builtin() else {
        panic!("built-in rules do not load");
    };
    let blob = corpus::source_like(8 << 20, 7);
    let mut group = c.benchmark_group("detector");
    group.throughput(Throughput::Bytes(blob.len() as u64));
    group.sample_size(10);
    group.bench_function("source_like_8MiB", |b| {
        let mut detector = Detector::new(&rules);
        let mut matches = Vec::new();
        b.iter(|| {
            matches.clear();
            detector.scan(&blob, &mut matches);
            matches.len()
        })
    });
    group.finish();
}

criterion_group!(benches, detector);
criterion_main!(benches);
