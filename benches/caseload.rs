//! `redress status` over a team's caseload, as a whole process (start,
//! read, parse, replay on every core, sort, print), on Cafcass cases
//! generated deterministically with realistic paths: most close after
//! Step 1, some breach the response deadline, some reach Step 2 or Step 3,
//! some are sent back from Step 3 to Step 2, and some are still open.
//!
//! Targets (issue 15, on 2 cores): 10,000 cases as one JSON Lines file
//! under 50 ms; as 10,000 YAML files (JSON text, as exports write them,
//! and block-style YAML, as people do) under 300 ms; 1,000,000 cases in
//! one JSON Lines file under 5 s with peak memory under 200 MB.
//!
//! The 1,000,000-case run writes a file of about 870 MB and takes long;
//! it runs only with `REDRESS_BENCH_MILLION=1`.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};

/// A small deterministic generator, so every run replays the same cases.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

const FACTS: &str = "\"complainant_is\":\"adult\",\"adult_requests_support\":false,\"submitted_abusively\":false,\"previously_concluded\":false,\"meeting_reasons_recorded\":false,\"about_individual_staff\":false,\"service_misunderstood\":false,\"other_agency\":\"none\",\"about_quality_of_work\":false,\"standards_not_met\":false,\"welfare_risk_documented\":false,\"live_case_interference_documented\":false,\"factual_dispute_for_court\":false,\"observer_requested\":false";

/// The events of case `i`: (days after receipt, event, extra fields).
fn path(rng: &mut Lcg) -> Vec<(u64, &'static str, &'static str)> {
    let step1 = |response: u64| {
        vec![
            (0, "received", ""),
            (1, "record", ""),
            (2, "acknowledge", ""),
            (5, "offer_meeting", ""),
            (8, "establish_impact", ""),
            (response, "response_sent", ",\"by\":\"line_manager\""),
            (response + 2, "inform_complainant", ""),
        ]
    };
    let step2 = |mut events: Vec<(u64, &'static str, &'static str)>| {
        events.extend([
            (30, "step2_requested", ",\"by\":\"complainant\""),
            (31, "offer_observer", ""),
            (31, "set_remit", ""),
            (50, "report", ""),
            (
                60,
                "adjudicated",
                ",\"by\":\"adjudicator\",\"outcome\":\"not_upheld\"",
            ),
        ]);
        events
    };
    let step3 = |mut events: Vec<(u64, &'static str, &'static str)>| {
        events.extend([
            (70, "step3_requested", ",\"by\":\"complainant\""),
            (75, "consider_file", ""),
        ]);
        events
    };
    match rng.below(100) {
        0..=59 => step1(20),
        // The response after 20 working days: a breach, met late.
        60..=69 => step1(35),
        // Still in Step 1.
        70..=79 => step1(20).into_iter().take(3).collect(),
        80..=89 => step2(step1(20)),
        90..=95 => {
            let mut events = step3(step2(step1(20)));
            events.extend([
                (80, "hearing", ""),
                (
                    85,
                    "review_decided",
                    ",\"by\":\"review_panel\",\"decision\":\"outcome_stands\"",
                ),
            ]);
            events
        }
        // Sent back from Step 3 to a new Step 2.
        _ => {
            let mut events = step3(step2(step1(20)));
            events.extend([
                (
                    78,
                    "process_not_satisfied",
                    ",\"by\":\"review_panel\",\"return_to\":\"step2\"",
                ),
                (80, "offer_observer", ""),
            ]);
            events
        }
    }
}

/// Case `i` as one JSON line, received between January and October 2026.
fn case_json(i: usize, rng: &mut Lcg) -> String {
    let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default();
    let received = start + Days::new(rng.below(280));
    let mut line = format!(
        "{{\"procedure\":\"cafcass\",\"case\":\"CAF-B-{i:07}\",\"facts\":{{{FACTS}}},\"events\":["
    );
    for (n, (days, event, extra)) in path(rng).into_iter().enumerate() {
        if n > 0 {
            line.push(',');
        }
        let on = received + Days::new(days);
        let _ = write!(line, "{{\"on\":\"{on}\",\"event\":\"{event}\"{extra}}}");
    }
    line.push_str("]}\n");
    line
}

/// Case `i` in block-style YAML, as examples and `redress import csv`
/// write cases and people edit them: the same case as [`case_json`]
/// draws.
fn case_yaml(i: usize, rng: &mut Lcg) -> String {
    let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default();
    let received = start + Days::new(rng.below(280));
    let mut text = format!("procedure: cafcass\ncase: CAF-B-{i:07}\nfacts:\n");
    for pair in FACTS.split(',') {
        let pair = pair.replace('"', "");
        let (key, value) = pair.split_once(':').unwrap_or_default();
        let _ = writeln!(text, "  {key}: {value}");
    }
    text.push_str("events:\n");
    for (days, event, extra) in path(rng) {
        let on = received + Days::new(days);
        let extra = extra.replace('"', "").replace(':', ": ").replace(',', ", ");
        let _ = writeln!(text, "  - {{ on: {on}, event: {event}{extra} }}");
    }
    text
}

/// How the generated cases are laid out on disk.
#[derive(Clone, Copy, Debug)]
enum Layout {
    /// One JSON Lines file.
    JsonLines,
    /// One file a case, of JSON text (JSON is YAML), as exports write.
    JsonFiles,
    /// One file a case, in block-style YAML, as people write.
    BlockYamlFiles,
}

/// Writes `count` cases once (kept between runs), as JSON Lines or as one
/// YAML file per case (JSON is YAML: the same text, one case a file).
fn generate(dir: &Path, count: usize, layout: Layout) -> PathBuf {
    let (target, split, write): (_, _, fn(usize, &mut Lcg) -> String) = match layout {
        Layout::JsonLines => (dir.join(format!("cases-{count}.jsonl")), false, case_json),
        Layout::JsonFiles => (dir.join(format!("yaml-{count}")), true, case_json),
        Layout::BlockYamlFiles => (dir.join(format!("block-yaml-{count}")), true, case_yaml),
    };
    let done = dir.join(format!(".done-{count}-{layout:?}"));
    if done.exists() {
        return target;
    }
    let _ = std::fs::create_dir_all(dir);
    let mut rng = Lcg(15);
    if split {
        let _ = std::fs::create_dir_all(&target);
        for i in 0..count {
            let _ = std::fs::write(target.join(format!("case-{i:07}.yaml")), write(i, &mut rng));
        }
    } else {
        let mut text = String::new();
        for i in 0..count {
            text.push_str(&write(i, &mut rng));
        }
        let _ = std::fs::write(&target, text);
    }
    let _ = std::fs::write(done, "");
    target
}

fn status(cases: &Path) -> bool {
    let root = env!("CARGO_MANIFEST_DIR");
    Command::new(env!("CARGO_BIN_EXE_redress"))
        .args(["status", "--at", "2026-10-20", "--format", "json"])
        .arg(cases)
        .arg("--procedures")
        .arg(format!("{root}/procedures"))
        .output()
        .is_ok_and(|o| o.status.success() && !o.stdout.is_empty())
}

fn caseload(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-caseload");
    let jsonl = generate(&dir, 10_000, Layout::JsonLines);
    let yaml = generate(&dir, 10_000, Layout::JsonFiles);
    let block_yaml = generate(&dir, 10_000, Layout::BlockYamlFiles);
    // Every generated case must replay, or the figures would measure
    // diagnostics rather than the caseload.
    if !status(&jsonl) || !status(&block_yaml) {
        eprintln!("the generated cases do not all replay; see redress status {jsonl:?}");
        return;
    }
    let mut group = c.benchmark_group("status");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("10k_cases_one_jsonl_file", |b| b.iter(|| status(&jsonl)));
    group.bench_function("10k_cases_as_yaml_files", |b| b.iter(|| status(&yaml)));
    group.bench_function("10k_cases_as_block_yaml_files", |b| {
        b.iter(|| status(&block_yaml))
    });
    if std::env::var_os("REDRESS_BENCH_MILLION").is_some() {
        let million = generate(&dir, 1_000_000, Layout::JsonLines);
        group.measurement_time(Duration::from_secs(60));
        group.bench_function("1m_cases_one_jsonl_file", |b| b.iter(|| status(&million)));
    }
    group.finish();
}

criterion_group!(benches, caseload);
criterion_main!(benches);
