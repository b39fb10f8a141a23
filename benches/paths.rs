//! Path analysis (issue 11). Targets: `check` of the 14-layer ladder with a
//! `limit` (W0508 runs the analysis) well under a second; any procedure of
//! a few hundred steps likewise; `redress paths` of a 100-step chain that
//! loops back at every step with 100 loops allowed.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use redress::analysis::paths::{paths, Options, DEFAULT_LIMIT};
use redress::analysis::sample::back_chain;
use redress::compile::compile_str;

/// The shared ladder, with a `limit` so that `check` runs W0508's analysis.
fn ladder(layers: usize) -> String {
    redress::analysis::sample::ladder(layers, "  limit 1 month from received\n")
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("paths");
    group.sample_size(10);
    for (name, text) in [
        ("check_ladder_14_layers_with_limit", ladder(14)),
        ("check_ladder_150_layers_with_limit", ladder(150)),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let compiled = compile_str("ladder.proc", black_box(&text));
                assert!(compiled.procedure.is_some());
            })
        });
    }
    let ladder = compile_str("ladder.proc", &ladder(14)).procedure;
    let chain = compile_str("chain.proc", &back_chain(100)).procedure;
    if let (Some(ladder), Some(chain)) = (ladder, chain) {
        group.bench_function("paths_ladder_14_layers", |b| {
            let options = Options {
                max_loops: 1,
                limit: DEFAULT_LIMIT,
            };
            b.iter(|| black_box(paths(&ladder, options)))
        });
        group.bench_function("paths_back_chain_100_steps_100_loops", |b| {
            let options = Options {
                max_loops: 100,
                limit: DEFAULT_LIMIT,
            };
            b.iter(|| black_box(paths(&chain, options)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
