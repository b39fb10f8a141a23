//! Simulation throughput. Target (DESIGN.md): 1,000,000 Cafcass cases in
//! under 2 seconds on two cores; this measures 50,000 on one thread and on
//! the machine's cores (`/usr/bin/time -v redress simulate …` measures the
//! whole command and its memory).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use redress::calendar::Calendar;
use redress::compile::compile_str;
use redress::simulate::{load_assumptions, simulate, Config};

fn simulation(c: &mut Criterion) {
    let root = env!("CARGO_MANIFEST_DIR");
    let (Ok(text), Ok(assumed)) = (
        std::fs::read_to_string(format!("{root}/procedures/cafcass.proc")),
        std::fs::read_to_string(format!("{root}/examples/cafcass/cafcass.assumptions.yaml")),
    ) else {
        return;
    };
    let Some(procedure) = compile_str("cafcass.proc", &text).procedure else {
        return;
    };
    let Ok(assumptions) = load_assumptions("cafcass.assumptions.yaml", &assumed, &procedure) else {
        return;
    };
    let Ok(calendar) = Calendar::builtin("england-and-wales") else {
        return;
    };
    let Some(start) = chrono::NaiveDate::from_ymd_opt(2027, 1, 4) else {
        return;
    };
    let mut group = c.benchmark_group("simulate");
    group.sample_size(10);
    group.throughput(Throughput::Elements(50_000));
    for (name, threads) in [
        ("cafcass_50000_cases_one_thread", Some(1)),
        ("cafcass_50000_cases_all_cores", None),
    ] {
        let config = Config {
            cases: 50_000,
            seed: 1,
            start,
            threads,
        };
        group.bench_function(name, |b| {
            b.iter(|| black_box(simulate(&procedure, calendar, &assumptions, &config).ok()))
        });
    }
    group.finish();
}

criterion_group!(benches, simulation);
criterion_main!(benches);
