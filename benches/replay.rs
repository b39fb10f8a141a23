//! Replay throughput on the Cafcass procedure. Target (DESIGN.md): at least
//! 1,000,000 events per second on one core.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use redress::case::load;
use redress::compile::compile_str;
use redress::engine::{replay, replay_to};

fn replay_examples(c: &mut Criterion) {
    let root = env!("CARGO_MANIFEST_DIR");
    let Ok(text) = std::fs::read_to_string(format!("{root}/procedures/cafcass.proc")) else {
        return;
    };
    let Some(procedure) = compile_str("cafcass.proc", &text).procedure else {
        return;
    };
    let mut cases = Vec::new();
    let Ok(entries) = std::fs::read_dir(format!("{root}/examples/cafcass")) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if let Ok(loaded) = load(&path.to_string_lossy(), &text, &procedure) {
            // Only the cases that replay to the end: refusals stop early.
            if let Some(at) = loaded
                .expect
                .as_ref()
                .filter(|e| e.error.is_none())
                .map(|e| e.at)
            {
                cases.push((loaded, at));
            }
        }
    }
    let events: usize = cases.iter().map(|(l, _)| l.case.events.len()).sum();
    let mut group = c.benchmark_group("replay");
    group.throughput(Throughput::Elements(events as u64));
    group.bench_function("cafcass_examples", |b| {
        b.iter(|| {
            for (loaded, at) in &cases {
                let _ = black_box(
                    replay_to(&procedure, loaded.calendar.get(), &loaded.case, *at)
                        .map(|r| r.outcome().is_some()),
                );
            }
        })
    });
    group.finish();
    // The report (timeline, explanations, routes) is output, measured apart.
    c.bench_function("replay/cafcass_examples_with_reports", |b| {
        b.iter(|| {
            for (loaded, at) in &cases {
                let _ = black_box(replay(&procedure, loaded.calendar.get(), &loaded.case, *at));
            }
        })
    });
}

criterion_group!(benches, replay_examples);
criterion_main!(benches);
