//! What every fuzzed input must satisfy, shared by the cargo-fuzz targets
//! (`fuzz/fuzz_targets/`) and by the deterministic slice that `cargo test`
//! runs (`tests/all/fuzz_slice.rs`), so that an hour of fuzzing and CI's
//! second check the same properties.
//!
//! Each function takes an input as a user would hand it to redress and
//! runs it through everything a command would do with it. A panic inside
//! redress is a crash (libFuzzer reports it; the slice catches it); a
//! broken property comes back as `Err` with a sentence saying which. The
//! properties: no panic; every problem is a diagnostic with a stable code,
//! a message, a help line and a label inside its file, and renders; a
//! procedure that parses formats to text that parses, compiles to the same
//! procedure with the same diagnostics, and formats to itself.

use std::sync::OnceLock;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, SourceCode};

use redress::check::Procedure;
use redress::compile::{compile, Compiled, Problem};
use redress::format::format_source;

/// The name inputs are given in messages; it appears in rendered reports.
const PROC_NAME: &str = "fuzz.proc";
const YAML_NAME: &str = "fuzz.yaml";

/// The procedures case and assumptions files are read against: the two
/// shipped ones, and the fixtures' own (whose case and assumptions files
/// are seeds). Embedded so that a target finds them from any folder.
const PROCEDURES: [(&str, &str); 4] = [
    (
        "procedures/cafcass.proc",
        include_str!("../procedures/cafcass.proc"),
    ),
    (
        "procedures/babicm.proc",
        include_str!("../procedures/babicm.proc"),
    ),
    (
        "tests/fixtures/cases/fixture.proc",
        include_str!("../tests/fixtures/cases/fixture.proc"),
    ),
    (
        "tests/fixtures/simulate/fork.proc",
        include_str!("../tests/fixtures/simulate/fork.proc"),
    ),
];

/// Simulated cases per assumptions file: enough to take every way out of
/// a small procedure, few enough for thousands of inputs a second.
const SIMULATED_CASES: u64 = 64;

/// The procedures of [`PROCEDURES`], compiled once. An error here is a
/// broken repository, not a finding, and is reported as such.
pub(crate) fn procedures() -> Result<&'static [Procedure], String> {
    static COMPILED: OnceLock<Result<Vec<Procedure>, String>> = OnceLock::new();
    COMPILED
        .get_or_init(|| {
            PROCEDURES
                .iter()
                .map(|(name, text)| {
                    compile(name, text.as_bytes())
                        .procedure
                        .ok_or_else(|| format!("{name} does not compile"))
                })
                .collect()
        })
        .as_deref()
        .map_err(Clone::clone)
}

/// A `.proc` file's bytes: compiled, every problem well formed, every
/// view of a procedure built, and formatting a round trip.
pub(crate) fn proc_file(bytes: &[u8]) -> Result<(), String> {
    let compiled = compile(PROC_NAME, bytes);
    problems_well_formed(&compiled)?;
    if compiled.problems.iter().any(|p| p.is_error()) == compiled.procedure.is_some() {
        return Err(
            "a procedure came out although there were errors, or none came out without one".into(),
        );
    }
    if let Some(procedure) = &compiled.procedure {
        let _ = redress::report::doc::markdown(procedure);
        let _ = redress::report::graph::mermaid(procedure);
        let _ = redress::report::graph::dot(procedure);
        let options = redress::analysis::paths::Options {
            max_loops: 1,
            limit: redress::analysis::paths::DEFAULT_LIMIT,
        };
        if let Ok(paths) = redress::analysis::paths::paths(procedure, options) {
            let _ = redress::analysis::paths::human(&paths);
        }
        if let Some(shipped) = procedures()?.first() {
            let changes = redress::report::diff::diff(shipped, procedure);
            let _ = redress::report::diff::human(&changes);
        }
        if !redress::report::diff::diff(procedure, procedure).is_empty() {
            return Err("diff of a procedure against itself found changes".into());
        }
    }
    // `fmt` formats only what parses; asking it about the rest would
    // parse a second time to learn nothing.
    let parsed = !compiled
        .problems
        .iter()
        .any(|p| matches!(p, Problem::Input(_) | Problem::Syntax(_)));
    let text = match std::str::from_utf8(bytes) {
        Ok(text) if parsed => text,
        _ => return Ok(()),
    };
    let Some(once) = format_source(text) else {
        return Err("a file that parses does not format".into());
    };
    let reformatted = compile(PROC_NAME, once.as_bytes());
    if reformatted.procedure != compiled.procedure {
        return Err(format!(
            "formatting changed the compiled procedure; formatted text:\n{once}"
        ));
    }
    if codes(&reformatted) != codes(&compiled) {
        return Err(format!(
            "formatting changed the diagnostics from {:?} to {:?}; formatted text:\n{once}",
            codes(&compiled),
            codes(&reformatted)
        ));
    }
    match format_source(&once) {
        Some(twice) if twice == once => Ok(()),
        Some(twice) => Err(format!(
            "formatting is not idempotent; once:\n{once}\ntwice:\n{twice}"
        )),
        None => Err(format!("formatted text does not parse:\n{once}")),
    }
}

/// A case file's bytes, read against the procedure it names (or every
/// procedure when it names none of them), then replayed as `redress run`
/// and `redress test` would, and the report rendered every way.
pub(crate) fn case_file(bytes: &[u8]) -> Result<(), String> {
    // `run` and `test` refuse a file that is not UTF-8 before reading it.
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(());
    };
    let header = redress::case::read_header(YAML_NAME, text);
    if let Err(e) = &header {
        well_formed(e, text)?;
    }
    let named = header.ok().map(|h| h.procedure);
    for procedure in chosen(procedures()?, named.as_deref()) {
        match redress::case::load(YAML_NAME, text, procedure) {
            Err(errors) => all_well_formed("case file refused", &errors, text)?,
            Ok(loaded) => {
                let last = loaded.case.events.last().map(|e| e.on);
                let first = loaded.case.events.first().map(|e| e.on);
                let expected = loaded.expect.as_ref().map(|e| e.at);
                for at in [expected, last, first].into_iter().flatten() {
                    replay(procedure, &loaded, text, at)?;
                }
            }
        }
    }
    Ok(())
}

/// Replays a loaded case as of `at` and renders what comes out.
fn replay(
    procedure: &Procedure,
    loaded: &redress::case::Loaded,
    text: &str,
    at: chrono::NaiveDate,
) -> Result<(), String> {
    match redress::engine::replay(procedure, loaded.calendar.get(), &loaded.case, at) {
        Ok(report) => {
            let _ = redress::report::human(&report);
            let _ = serde_json::to_string(&report);
            let _ = serde_yaml::to_string(&report);
            let _ = redress::report::diff::case_summary(&report);
            if let Some(expect) = &loaded.expect {
                let _ = redress::case::compare(expect, &report);
            }
            Ok(())
        }
        Err(error) => well_formed(
            &redress::case::locate_replay_error(YAML_NAME, text, &error),
            text,
        ),
    }
}

/// An assumptions file's bytes, read against the procedure it names (or
/// every procedure), then a small simulation run under it.
pub(crate) fn assumptions_file(bytes: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(());
    };
    // Only to choose the procedure: an assumptions file need not name one.
    let named = redress::case::read_header(YAML_NAME, text)
        .ok()
        .map(|h| h.procedure);
    for procedure in chosen(procedures()?, named.as_deref()) {
        match redress::simulate::load_assumptions(YAML_NAME, text, procedure) {
            Err(errors) => all_well_formed("assumptions refused", &errors, text)?,
            Ok(assumptions) => {
                let calendar = procedure
                    .own_calendar()
                    .map_err(|e| format!("{}: no calendar: {e}", procedure.id))?;
                let config = redress::simulate::Config {
                    cases: SIMULATED_CASES,
                    seed: 1,
                    start: chrono::NaiveDate::from_ymd_opt(2027, 1, 4)
                        .ok_or("the simulation's start date")?,
                    threads: None,
                };
                if let Ok(summary) =
                    redress::simulate::simulate(procedure, calendar.get(), &assumptions, &config)
                {
                    let _ = redress::simulate::human(&summary);
                    let _ = serde_json::to_string(&summary);
                }
            }
        }
    }
    Ok(())
}

/// The procedures whose id a file names, or all of them when it names
/// none of them (so that a wrong id is read, and refused, too).
fn chosen<'a>(all: &'a [Procedure], named: Option<&str>) -> Vec<&'a Procedure> {
    let matching: Vec<&Procedure> = all
        .iter()
        .filter(|p| Some(p.id.as_str()) == named)
        .collect();
    if matching.is_empty() {
        all.iter().collect()
    } else {
        matching
    }
}

/// The diagnostic codes of a compilation, in a stable order.
fn codes(compiled: &Compiled) -> Vec<String> {
    let mut codes: Vec<String> = compiled.problems.iter().map(|p| p.code()).collect();
    codes.sort();
    codes
}

fn problems_well_formed(compiled: &Compiled) -> Result<(), String> {
    for problem in &compiled.problems {
        well_formed(problem, &compiled.source.text)?;
    }
    // And as the one diagnostic type every output is rendered from.
    let mut map = redress::diagnostic::SourceMap::new();
    let file = map.add(compiled.source.clone());
    let diagnostics = compiled.diagnostics(file);
    let _ = redress::report::diagnostic::human(&diagnostics, &map, false);
    let _ = redress::report::diagnostic::json(&diagnostics, &map);
    Ok(())
}

fn all_well_formed(what: &str, errors: &[impl Diagnostic], text: &str) -> Result<(), String> {
    if errors.is_empty() {
        return Err(format!("{what} without saying why"));
    }
    errors.iter().try_for_each(|e| well_formed(e, text))
}

/// A diagnostic as the project promises them: a code like `E0601` or
/// `W0501`, a message, a help line, a label inside the file it is shown
/// against (its own text, or `text` when it carries none), and a report
/// that renders.
pub(crate) fn well_formed(diagnostic: &dyn Diagnostic, text: &str) -> Result<(), String> {
    let message = diagnostic.to_string();
    let fail = |why: &str| Err(format!("{why}: {message:?}"));
    let Some(code) = diagnostic.code().map(|c| c.to_string()) else {
        return fail("a diagnostic without a code");
    };
    let shaped = code.len() == 5
        && matches!(code.as_bytes()[0], b'E' | b'W')
        && code[1..].bytes().all(|b| b.is_ascii_digit());
    if !shaped {
        return fail(&format!("a diagnostic with the code `{code}`"));
    }
    if message.trim().is_empty() {
        return fail(&format!("{code} without a message"));
    }
    if diagnostic
        .help()
        .is_none_or(|h| h.to_string().trim().is_empty())
    {
        return fail(&format!("{code} without a help line"));
    }
    let labels: Vec<miette::LabeledSpan> =
        diagnostic.labels().map(|l| l.collect()).unwrap_or_default();
    if labels.is_empty() {
        return fail(&format!("{code} without a labelled span"));
    }
    let own = diagnostic.source_code();
    let source: &dyn SourceCode = match own {
        Some(s) => s,
        None => &text,
    };
    for label in &labels {
        if source.read_span(label.inner(), 0, 0).is_err() {
            return fail(&format!(
                "{code} labels {}..{} outside its file",
                label.offset(),
                label.offset() + label.len()
            ));
        }
    }
    let mut rendered = String::new();
    if GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_links(false)
        .with_width(100)
        .render_report(&mut rendered, diagnostic)
        .is_err()
    {
        return fail(&format!("{code} does not render"));
    }
    Ok(())
}
