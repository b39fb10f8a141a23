//! Path analysis (issue 11). Targets: `check` of the 14-layer ladder with a
//! `limit` (W0508 runs the analysis) well under a second; any procedure of
//! a few hundred steps likewise; `redress paths` of a 100-step chain that
//! loops back at every step with 100 loops allowed.

use std::fmt::Write;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use redress::analysis::paths::{paths, Options, DEFAULT_LIMIT};
use redress::compile::compile_str;

/// `s0` forks into `a1 | b1`, each `aN`, `bN` into `a(N+1) | b(N+1)`, the
/// last pair back to `s0`: 2^layers paths a loop.
fn ladder(layers: usize) -> String {
    let mut text = String::from(
        "procedure ladder \"Ladder\" {\n  role m \"M\"\n  limit 1 month from received\n  start s0\n  step s0 \"S0\" {\n    lead m\n    deadline reply 2 working days\n    on left -> a1\n    on right -> b1\n    on done -> closed\n  }\n",
    );
    for n in 1..=layers {
        for (x, days) in [("a", 3), ("b", 5)] {
            let ways = if n < layers {
                format!("on left -> a{0}\n    on right -> b{0}", n + 1)
            } else {
                "on back -> s0".to_string()
            };
            let _ = write!(
                text,
                "  step {x}{n} \"{x}{n}\" {{\n    lead m\n    deadline reply {days} working days\n    {ways}\n  }}\n"
            );
        }
    }
    text.push_str("  outcome closed \"Closed\"\n}\n");
    text
}

/// `s1 -> … -> sN -> closed`, each step after the first able to go back.
fn back_chain(steps: usize) -> String {
    let mut text = String::from("procedure chain \"Chain\" {\n  role m \"M\"\n  start s1\n");
    for n in 1..=steps {
        let next = if n < steps {
            format!("s{}", n + 1)
        } else {
            "closed".into()
        };
        let back = if n > 1 {
            format!("\n    on back -> s{}", n - 1)
        } else {
            String::new()
        };
        let _ = write!(
            text,
            "  step s{n} \"S{n}\" {{\n    lead m\n    deadline reply 1 working day\n    on next -> {next}{back}\n  }}\n"
        );
    }
    text.push_str("  outcome closed \"Closed\"\n}\n");
    text
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
