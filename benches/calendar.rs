//! Working-day arithmetic throughput. Target (DESIGN.md): at least
//! 50,000,000 additions per second on one core.

use std::hint::black_box;

use chrono::{Duration, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use redress::calendar::Calendar;

const BATCH: usize = 4096;

fn dates() -> Vec<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN);
    (0..BATCH)
        .map(|i| first + Duration::days((i * 7919 % 36_000) as i64))
        .collect()
}

fn working_days(c: &mut Criterion) {
    let Ok(calendar) = Calendar::builtin("england-and-wales") else {
        return;
    };
    let dates = dates();
    let mut group = c.benchmark_group("calendar");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("add_working_days", |b| {
        b.iter(|| {
            for (i, d) in dates.iter().enumerate() {
                let _ = black_box(calendar.add_working_days(black_box(*d), (i % 65) as i64));
            }
        })
    });
    group.bench_function("working_days_between", |b| {
        b.iter(|| {
            for pair in dates.windows(2) {
                let _ = black_box(
                    calendar.working_days_between(black_box(pair[0]), black_box(pair[1])),
                );
            }
        })
    });
    group.finish();
    c.bench_function("calendar/build_england_and_wales_table", |b| {
        b.iter(|| {
            let spec = redress::calendar::CalendarSpec {
                name: "bench".into(),
                base: "england-and-wales".into(),
                weekend: None,
                closed: Vec::new(),
            };
            black_box(Calendar::from_spec(&spec).ok())
        })
    });
}

criterion_group!(benches, working_days);
criterion_main!(benches);
