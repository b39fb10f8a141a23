//! Parse and check throughput. Targets: a generated procedure of 10,000
//! steps in under 100 ms (issue 2); both shipped procedures well under the
//! 10 ms DESIGN.md allows for a whole `redress check` process.

use std::fmt::Write;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use redress::compile::compile_str;

/// A procedure of `steps` steps in a chain, each with a lead, a guarded
/// task, a deadline, a guarded transition onwards and one to an outcome.
fn generated(steps: usize) -> String {
    let mut text = String::from(
        "procedure big \"Generated\" {\n  role officer \"Officer\"\n  fact urgent: bool\n  fact kind: a | b | c\n  start s0\n",
    );
    for i in 0..steps {
        let next = if i + 1 == steps {
            "done".to_string()
        } else {
            format!("s{}", i + 1)
        };
        let _ = write!(
            text,
            "  step s{i} \"Step {i}\" {{\n    lead officer\n    task t{i} \"Task\" when urgent or kind in {{a, b}}\n    deadline d{i} 20 working days, extendable to 65 working days met by go{i}\n    on go{i} when kind == a requires t{i} -> {next}\n    on go{i} when kind != a -> done\n  }}\n"
        );
    }
    text.push_str("  outcome done final \"Done\"\n}\n");
    text
}

fn check(c: &mut Criterion) {
    let big = generated(10_000);
    let mut group = c.benchmark_group("check");
    group.sample_size(10);
    group.bench_function("generated_10000_steps", |b| {
        b.iter(|| {
            let compiled = compile_str("big.proc", black_box(&big));
            assert!(
                compiled.procedure.is_some(),
                "{:?}",
                compiled.problems.first()
            );
        })
    });
    group.finish();

    let root = env!("CARGO_MANIFEST_DIR");
    let shipped: Vec<(String, String)> = ["cafcass.proc", "babicm.proc"]
        .iter()
        .filter_map(|name| {
            let text = std::fs::read_to_string(format!("{root}/procedures/{name}")).ok()?;
            Some((name.to_string(), text))
        })
        .collect();
    c.bench_function("check/shipped_procedures", |b| {
        b.iter(|| {
            for (name, text) in &shipped {
                black_box(compile_str(name, text));
            }
        })
    });
}

criterion_group!(benches, check);
criterion_main!(benches);
