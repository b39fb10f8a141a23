//! Reading YAML files: the checks before parsing must stay linear, so that
//! deep nesting is refused at once (40,000 nested brackets took 4.3 s in
//! the parser before the pre-scan), and a large case must load in time
//! proportional to its size.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use redress::case::load;
use redress::compile::compile_str;

fn deep_nesting(c: &mut Criterion) {
    let mut group = c.benchmark_group("yaml refusal");
    for depth in [40_000usize, 100_000] {
        let text = format!(
            "procedure: fx\ncase: x\nevents: {}{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        group.bench_function(format!("{depth} nested brackets"), |b| {
            b.iter(|| black_box(redress::yaml::checked(black_box(&text)).is_err()))
        });
    }
    group.finish();
}

fn large_case(c: &mut Criterion) {
    let root = env!("CARGO_MANIFEST_DIR");
    let Ok(proc_text) =
        std::fs::read_to_string(format!("{root}/tests/fixtures/cases/fixture.proc"))
    else {
        return;
    };
    let Some(procedure) = compile_str("fixture.proc", &proc_text).procedure else {
        return;
    };
    let mut text = String::from(
        "procedure: fx\ncase: FX-1\nfacts:\n  urgent: true\n  kind: adult\nevents:\n  - { on: 2026-03-02, event: received }\n",
    );
    let events = 10_000;
    for _ in 0..events {
        text.push_str("  - { on: 2026-03-03, event: acknowledge }\n");
    }
    let mut group = c.benchmark_group("yaml case");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("pre-scan of 10,000 events", |b| {
        b.iter(|| black_box(redress::yaml::checked(black_box(&text)).is_ok()))
    });
    group.bench_function("load 10,000 events", |b| {
        b.iter(|| black_box(load("big.yaml", black_box(&text), &procedure).is_ok()))
    });
    group.finish();
}

criterion_group!(benches, deep_nesting, large_case);
criterion_main!(benches);
