//! `redress test`: replay every case file that has an `expect:` block and
//! compare.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use clap::Args;

use crate::calendar::HolidayFile;
use crate::case::bulk::{case_id, Document};
use crate::case::{judge, load_parsed, parse, Judgement, Mismatch};
use crate::check::Procedure;
use crate::compile::compile;
use crate::diagnostic::{Diagnostic, SourceMap};
use crate::engine::replay;
use crate::report::diagnostic::human;
use crate::report::test_run::{junit, TestCase, TestResult, TestRun};

use super::calendar_args::HolidaysArg;
use super::cases::{gather, CaseFile};
use super::load::read_source;
use super::output::{errln, out, outln};
use super::render::{render, wants_colour};
use super::Outcome;

#[derive(Args)]
pub(crate) struct TestArgs {
    /// Case files (one case, several YAML documents, or JSON Lines), or
    /// folders searched recursively for .yaml, .yml, .jsonl and .ndjson
    /// files.
    #[arg(default_value = "examples")]
    paths: Vec<PathBuf>,
    /// Where to find the procedures the cases name (also searched: .proc
    /// files under the PATHs, and beside each case file named with its
    /// folder).
    #[arg(long, value_name = "DIR", default_value = "procedures")]
    procedures: PathBuf,
    #[command(flatten)]
    holidays: HolidaysArg,
    #[command(flatten)]
    settings: super::settings_arg::SettingsArg,
    /// Succeed when no case file has an `expect:` block (by default that
    /// is a failure: a test run that tests nothing should not pass CI).
    #[arg(long)]
    allow_empty: bool,
    /// `json` and `junit` (JUnit XML) show each case as a test to CI
    /// systems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
    Junit,
}

/// Simulation assumptions (`*.assumptions.yaml`) live beside case files
/// but are not cases.
pub(crate) fn is_assumptions(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".assumptions.yaml") || n.ends_with(".assumptions.yml"))
}

/// Import mappings (`*.mapping.yaml`, `redress import csv --mapping`) live
/// beside exports and cases but are not cases either.
pub(crate) fn is_not_a_case(path: &Path) -> bool {
    is_assumptions(path)
        || path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
            n.ends_with(".mapping.yaml")
                    || n.ends_with(".mapping.yml")
                    // An organisation's settings (`--settings`, a case's
                    // `settings:`) live beside the cases that use them.
                    || n.ends_with(".settings.yaml")
                    || n.ends_with(".settings.yml")
                    // Which step plays which stage of a standard
                    // (`redress assess`) lives beside the procedure.
                    || n.ends_with(".follows.yaml")
                    || n.ends_with(".follows.yml")
        })
}

/// A procedure found by id: compiled, or with the diagnostics that keep it
/// from compiling (shown once, under the first case that needs it).
pub(super) enum Found {
    Compiled(Box<Procedure>),
    /// Several versions of one id, each with its `effective` date; a case
    /// uses the one in force when it was received, or the one it pins.
    Versions(Vec<Procedure>),
    Broken {
        path: String,
        report: String,
        shown: bool,
    },
}

/// Compiles every procedure found, by id. A file that does not compile is
/// kept under the id it declares (or, if it does not parse that far, its
/// file name), so that a case naming it fails with the procedure's own
/// diagnostics rather than "no procedure was found".
pub(crate) fn procedures(dirs: &[PathBuf]) -> HashMap<String, Found> {
    procedures_in(&Search {
        dirs: dirs.to_vec(),
        beside: Vec::new(),
    })
}

/// Where to look for procedures: folders searched through, and folders of
/// case files whose own `.proc` files (not their subfolders') count.
pub(crate) struct Search {
    dirs: Vec<PathBuf>,
    beside: Vec<PathBuf>,
}

pub(crate) fn procedures_in(search: &Search) -> HashMap<String, Found> {
    let mut files = Vec::new();
    for dir in &search.dirs {
        if dir.is_dir() {
            files.extend(super::walk::files_under(dir, &["proc"], is_assumptions));
        }
    }
    for dir in &search.beside {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut here: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "proc") && p.is_file())
            .filter(|p| !files.contains(p))
            .collect();
        here.sort();
        files.extend(here);
    }
    let mut by_id = HashMap::new();
    for path in files {
        let name = path.to_string_lossy().into_owned();
        let mut map = SourceMap::new();
        let (id, found) = match read_source(&path, &mut map) {
            Err(diagnostic) => (stem(&path), broken(&name, &[diagnostic], &map)),
            Ok(file) => {
                let compiled = compile(&name, map.text(file).as_bytes());
                match compiled.procedure {
                    Some(p) => (p.id.clone(), Found::Compiled(Box::new(p))),
                    None => {
                        let declared = crate::syntax::parse(map.text(file))
                            .0
                            .and_then(|f| f.procedure)
                            .map(|p| p.name.text);
                        let id = declared.unwrap_or_else(|| stem(&path));
                        (id, broken(&name, &compiled.diagnostics(file), &map))
                    }
                }
            }
        };
        match (by_id.get_mut(&id), found) {
            (None, found) => {
                by_id.insert(id, found);
            }
            (Some(Found::Compiled(first)), Found::Compiled(next)) => {
                let first = std::mem::replace(&mut **first, *next.clone());
                by_id.insert(id, Found::Versions(vec![first, *next]));
            }
            (Some(Found::Versions(all)), Found::Compiled(next)) => all.push(*next),
            // A broken file beside a good one: the first found stands, as
            // it always has.
            _ => {}
        }
    }
    by_id
}

/// Where to look for the procedures cases name: `--procedures` and every
/// folder given, searched through; and the folder of every case file given
/// by a path with a folder in it, its own `.proc` files only, so that
/// `redress test examples/versions/a.yaml` finds the procedure beside it as
/// `redress test examples/versions/` does, while `status ~/Downloads/a.yaml`
/// does not search all of Downloads. The folder of a bare file name (the
/// current folder) is not looked in: `--procedures` is the place for that.
pub(crate) fn search_dirs(procedures: &Path, paths: &[PathBuf]) -> Search {
    let mut search = Search {
        dirs: vec![procedures.to_path_buf()],
        beside: Vec::new(),
    };
    for path in paths {
        if path.is_dir() {
            search.dirs.push(path.clone());
        } else if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !search.beside.iter().any(|s| s == parent) {
                search.beside.push(parent.to_path_buf());
            }
        }
    }
    search
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn broken(path: &str, diagnostics: &[Diagnostic], map: &SourceMap) -> Found {
    Found::Broken {
        path: path.to_string(),
        report: render(diagnostics, map),
        shown: false,
    }
}

enum Verdict {
    Pass,
    Skip,
    Fail(Vec<String>),
}

pub(crate) fn run(args: TestArgs) -> Outcome {
    let holidays = match args.holidays.load_or_report() {
        Ok(h) => h,
        Err(outcome) => return outcome,
    };
    let files = match gather(&args.paths) {
        Ok(files) => files,
        Err(outcome) => return outcome,
    };
    let mut procedures = procedures_in(&search_dirs(&args.procedures, &args.paths));
    // Diagnostics in JSON and JUnit are read by programs: no terminal
    // colours in them.
    let colour = matches!(args.format, Format::Human) && wants_colour();

    let mut results = TestRun::default();
    for path in &files {
        let name = path.to_string_lossy().into_owned();
        let file = match CaseFile::read(path) {
            Ok(file) => file,
            Err(unreadable) => {
                let (map, diagnostic) = *unreadable;
                // One unreadable file is one failed item; the rest still run.
                let messages = vec![human(&[diagnostic], &map, colour)];
                report(
                    &mut results,
                    &args,
                    name.clone(),
                    name,
                    1,
                    None,
                    Verdict::Fail(messages),
                );
                continue;
            }
        };
        let docs = file.documents();
        let several = docs.len() > 1;
        for doc in &docs {
            let verdict = verdict(
                &file,
                doc,
                &mut procedures,
                holidays.as_ref(),
                args.settings.settings.as_deref(),
                colour,
            );
            let shown = if several {
                format!("{name}:{}", doc.line)
            } else {
                name.clone()
            };
            report(
                &mut results,
                &args,
                shown,
                name.clone(),
                doc.line,
                case_id(doc.text),
                verdict,
            );
        }
    }
    let (passed, failed, skipped) = (results.passed, results.failed, results.skipped);
    match args.format {
        Format::Human => {
            if skipped > 0 {
                outln!(
                    "skipped {skipped} {} with no `expect:` block",
                    if skipped == 1 { "file" } else { "files" }
                );
            }
            outln!("{passed} passed, {failed} failed");
        }
        Format::Json => match serde_json::to_string_pretty(&results) {
            Ok(text) => outln!("{text}"),
            Err(e) => {
                errln!("error: cannot write JSON: {e}");
                return Outcome::Usage;
            }
        },
        Format::Junit => out!("{}", junit(&results)),
    }
    if failed > 0 {
        Outcome::Invalid
    } else if passed == 0 && !args.allow_empty {
        errln!(
            "error: nothing was tested: no case file under the paths given has an `expect:` block \
             (docs/cases.md); pass --allow-empty if that is intended"
        );
        Outcome::Invalid
    } else {
        Outcome::Success
    }
}

/// Records a case's verdict, and prints it at once for people.
fn report(
    results: &mut TestRun,
    args: &TestArgs,
    name: String,
    file: String,
    line: usize,
    case: Option<String>,
    verdict: Verdict,
) {
    let (result, messages) = match verdict {
        Verdict::Pass => (TestResult::Pass, Vec::new()),
        Verdict::Skip => (TestResult::Skip, Vec::new()),
        Verdict::Fail(lines) => (TestResult::Fail, lines),
    };
    if let Format::Human = args.format {
        match result {
            TestResult::Skip => {}
            TestResult::Pass => outln!("ok    {name}"),
            TestResult::Fail => {
                outln!("FAIL  {name}");
                for line in &messages {
                    for part in line.lines() {
                        if part.trim().is_empty() {
                            outln!();
                        } else {
                            outln!("        {part}");
                        }
                    }
                }
            }
        }
    }
    results.push(TestCase {
        name,
        file,
        line,
        case,
        result,
        messages,
    });
}

fn verdict(
    file: &CaseFile,
    doc: &Document<'_>,
    procedures: &mut HashMap<String, Found>,
    holidays: Option<&HolidayFile>,
    settings: Option<&Path>,
    colour: bool,
) -> Verdict {
    let name = file.name.as_str();
    let shown = |diagnostics: &[Diagnostic]| human(diagnostics, &file.map, colour);
    let parsed = match parse(name, doc.text) {
        Ok(p) => p,
        Err(e) => return Verdict::Fail(vec![shown(&[file.diagnostic(doc, &e)])]),
    };
    let header = parsed.header.clone();
    let received = crate::case::received_of(&parsed);
    let procedure = match procedures.get_mut(&header.procedure) {
        Some(Found::Compiled(procedure)) => &**procedure,
        Some(Found::Versions(versions)) => {
            let span = || {
                let k = if header.version.is_some() {
                    "version"
                } else {
                    "events"
                };
                let at = crate::case::locate::locate(doc.text, &[crate::case::locate::key(k)]);
                (at.unwrap_or(0), 1).into()
            };
            match super::cases::choose_version(versions, &header, received, span) {
                Ok(p) => p,
                Err(e) => return Verdict::Fail(vec![shown(&[file.diagnostic(doc, &e)])]),
            }
        }
        Some(Found::Broken {
            path,
            report,
            shown,
        }) => {
            let mut lines = vec![format!(
                "procedure `{}` ({path}) has errors, so this case cannot be replayed",
                header.procedure
            )];
            if !*shown {
                lines.push(report.clone());
                *shown = true;
            } else {
                lines.push("(its diagnostics are shown above)".to_string());
            }
            return Verdict::Fail(lines);
        }
        None => {
            let mut known: Vec<&str> = procedures.keys().map(String::as_str).collect();
            known.sort();
            return Verdict::Fail(vec![format!(
                "no procedure `{}` was found (found: {}); pass --procedures DIR",
                header.procedure,
                known.join(", ")
            )]);
        }
    };
    // `--settings` wins over the file a case names, as the command line
    // wins over a case's calendar.
    let named =
        crate::case::settings_of(&parsed).map(|n| super::settings_arg::beside(Path::new(name), n));
    let settled;
    // A `--settings` file that names another procedure (`procedure:`)
    // is for that procedure's cases; the others keep their own.
    let mut candidates: Vec<PathBuf> = settings.map(Path::to_path_buf).into_iter().collect();
    candidates.extend(named);
    let mut procedure = procedure;
    for (i, path) in candidates.iter().enumerate() {
        let mut map = SourceMap::new();
        match super::settings_arg::apply_file(path, procedure, &mut map) {
            Ok(mut p) => {
                if i > 0 || settings.is_none() {
                    crate::settings::named_by_case(&mut p);
                }
                settled = p;
                procedure = &settled;
                break;
            }
            Err((diagnostics, _))
                if i == 0
                    && settings.is_some()
                    && diagnostics.iter().any(|d| d.code == "E1304") =>
            {
                continue;
            }
            Err((diagnostics, _)) => {
                return Verdict::Fail(vec![human(&diagnostics, &map, colour)]);
            }
        }
    }
    let loaded = match load_parsed(name, doc.text, parsed, procedure) {
        Ok(l) => l,
        Err(errors) => {
            let diagnostics: Vec<Diagnostic> =
                errors.iter().map(|e| file.diagnostic(doc, e)).collect();
            return Verdict::Fail(vec![shown(&diagnostics)]);
        }
    };
    if !loaded.warnings.is_empty() {
        let warnings: Vec<Diagnostic> = loaded
            .warnings
            .iter()
            .map(|w| file.diagnostic(doc, w))
            .collect();
        errln!("{}", shown(&warnings));
    }
    let Some(expect) = &loaded.expect else {
        return Verdict::Skip;
    };
    let calendar = loaded.calendar.with_holidays(holidays);
    let result = replay(procedure, calendar.get(), &loaded.case, expect.at);
    let judgement = judge(
        expect,
        result.as_ref().map_err(|e| &e.kind),
        loaded.before_effective_deliberate,
    );
    match (judgement, result) {
        (Judgement::Pass { notes }, _) => {
            for note in notes {
                errln!("note: {name}: {note}");
            }
            Verdict::Pass
        }
        (Judgement::Fail(mismatches), Err(e)) => {
            let mut lines: Vec<String> = mismatches.iter().map(describe).collect();
            lines.push(shown(&[file.replay_diagnostic(doc, &e)]));
            Verdict::Fail(lines)
        }
        (Judgement::Fail(mismatches), Ok(_)) => {
            Verdict::Fail(mismatches.iter().map(describe).collect())
        }
        (Judgement::Stopped, Err(e)) => {
            Verdict::Fail(vec![shown(&[file.replay_diagnostic(doc, &e)])])
        }
        (Judgement::Stopped, Ok(_)) => Verdict::Fail(vec!["the replay stopped".into()]),
    }
}

fn describe(m: &Mismatch) -> String {
    format!("{}: expected {}, got {}", m.what, m.expected, m.actual)
}
