//! `redress status`: a team's cases as of a date, in the sections a case
//! handler works through (docs/cli.md).

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use rayon::prelude::*;

use crate::calendar::{parse_date, HolidayFile};
use crate::case::bulk::{case_id, Document, Layout};
use crate::caseload::{items, CaseResult, Caseload, GroupBy, Options, Origin, Stopped};
use crate::diagnostic::{Diagnostic, SourceMap};
use crate::engine::replay_quietly;

use super::calendar_args::HolidaysArg;
use super::cases::{gather, CaseFile, Procedures, MAX_CASES_FILE_BYTES};
use super::output::{err, errln, out, outln};
use super::render::{render, show, CommandLine};
use super::test::{procedures_in, search_dirs, Found};
use super::Outcome;

#[derive(Args)]
pub(crate) struct StatusArgs {
    /// Case files (one case, several YAML documents, or JSON Lines), or
    /// folders searched for them.
    #[arg(default_value = "cases")]
    paths: Vec<PathBuf>,
    /// Where to find the procedures the cases name (also searched: .proc
    /// files under the PATHs, and beside each case file named with its
    /// folder).
    #[arg(long, value_name = "DIR", default_value = "procedures")]
    procedures: PathBuf,
    /// The date to report as of (default: today).
    #[arg(long, value_name = "DATE")]
    at: Option<String>,
    /// "Soon" is within this many working days (and "lately", for closed
    /// cases, as far back).
    #[arg(long, value_name = "N", default_value_t = 5)]
    within: u32,
    /// Group each section's items by the role that leads, the person the
    /// case names, or the step.
    #[arg(long, value_enum)]
    by: Option<By>,
    #[command(flatten)]
    holidays: HolidaysArg,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum By {
    Lead,
    Person,
    Step,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Csv,
    Ics,
}

pub(crate) fn run(args: StatusArgs) -> Outcome {
    let mut map = SourceMap::new();
    let line = CommandLine::from_env(&mut map);
    let as_of = match args.at.as_deref().map(parse_date) {
        Some(Ok(date)) => date,
        Some(Err(e)) => {
            show(&[line.at(&e, args.at.as_deref().unwrap_or_default())], &map);
            return Outcome::Usage;
        }
        None => chrono::Local::now().date_naive(),
    };
    let holidays = match args.holidays.load_or_report() {
        Ok(h) => h,
        Err(outcome) => return outcome,
    };
    let files = match gather(&args.paths) {
        Ok(files) => files,
        Err(outcome) => return outcome,
    };
    let found = procedures_in(&search_dirs(&args.procedures, &args.paths));
    let options = Options {
        as_of,
        within: i64::from(args.within),
        by: args.by.map(|b| match b {
            By::Lead => GroupBy::Lead,
            By::Person => GroupBy::Person,
            By::Step => GroupBy::Step,
        }),
    };
    // Files, and the cases within a file, are replayed on every core;
    // `collect` keeps their order, so the output does not depend on it.
    // A JSON Lines file is read a part at a time (`caseload_of_lines`), so
    // that a million cases need not be held at once; the files between
    // are replayed together.
    let mut caseload = Caseload::empty(options);
    let mut shown = String::new();
    let mut rest = files.as_slice();
    while !rest.is_empty() {
        let together = rest
            .iter()
            .position(|p| Layout::of(p) == Layout::JsonLines)
            .unwrap_or(rest.len());
        let (batch, after) = rest.split_at(together.max(1));
        rest = after;
        if let [path] = batch {
            if Layout::of(path) == Layout::JsonLines {
                if let Some((part, diagnostics)) =
                    caseload_of_lines(path, &found, holidays.as_ref(), &options)
                {
                    caseload.merge(part);
                    shown.push_str(&diagnostics);
                    continue;
                }
            }
        }
        let per_file: Vec<(Vec<CaseResult>, String)> = batch
            .par_iter()
            .map(|path| caseload_of_file(path, &found, holidays.as_ref(), &options))
            .collect();
        for (results, diagnostics) in per_file {
            shown.push_str(&diagnostics);
            for result in results {
                caseload.add(result);
            }
        }
    }
    caseload.sort(options);
    err!("{shown}");
    let stopped = caseload.counts.stopped;
    match args.format {
        Format::Human => out!(
            "{}",
            crate::report::status::human(&caseload, stdout_colour())
        ),
        Format::Json => match serde_json::to_writer_pretty(Streamed::default(), &caseload) {
            // The writer was dropped, and so written out, by now.
            Ok(()) => outln!(),
            Err(e) => {
                errln!("error: cannot write JSON: {e}");
                return Outcome::Usage;
            }
        },
        Format::Csv => match crate::report::status::csv(&caseload) {
            Ok(text) => out!("{text}"),
            Err(e) => {
                errln!("error: cannot write CSV: {e}");
                return Outcome::Usage;
            }
        },
        Format::Ics => out!("{}", crate::report::status::ics(&caseload)),
    }
    if stopped > 0 {
        errln!(
            "{stopped} {} could not be replayed (listed under \"stopped\")",
            if stopped == 1 { "case" } else { "cases" }
        );
        Outcome::Invalid
    } else {
        Outcome::Success
    }
}

/// Standard output written as it is made, a block at a time, rather than
/// built whole first: the JSON of a large caseload is as large as its
/// items. Each block ends on a whole character.
#[derive(Default)]
struct Streamed(Vec<u8>);

impl Streamed {
    fn write_text(&mut self) {
        let whole = match std::str::from_utf8(&self.0) {
            Ok(text) => text.len(),
            Err(e) => e.valid_up_to(),
        };
        if let Ok(text) = std::str::from_utf8(&self.0[..whole]) {
            out!("{text}");
        }
        self.0.drain(..whole);
    }
}

impl std::io::Write for Streamed {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(bytes);
        if self.0.len() >= 1 << 16 {
            self.write_text();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.write_text();
        Ok(())
    }
}

impl Drop for Streamed {
    fn drop(&mut self) {
        self.write_text();
    }
}

/// Colour on a terminal only, and never with `NO_COLOR`: the same rule as
/// diagnostics, for standard output.
fn stdout_colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Every case of one file, and the diagnostics of those that stopped,
/// rendered for standard error.
fn caseload_of_file(
    path: &std::path::Path,
    found: &std::collections::HashMap<String, Found>,
    holidays: Option<&HolidayFile>,
    options: &Options,
) -> (Vec<CaseResult>, String) {
    let name = path.to_string_lossy().into_owned();
    let file = match CaseFile::read(path) {
        Ok(file) => file,
        Err(unreadable) => {
            let (map, diagnostic) = *unreadable;
            let stopped = stopped_of(&name, None, std::slice::from_ref(&diagnostic), &map);
            return (
                vec![CaseResult::Stopped(stopped)],
                render(&[diagnostic], &map),
            );
        }
    };
    cases_of(&file, found, holidays, options)
}

/// The cases of a read file, replayed on every core, in file order, and
/// the diagnostics of those that stopped.
fn cases_of(
    file: &CaseFile,
    found: &std::collections::HashMap<String, Found>,
    holidays: Option<&HolidayFile>,
    options: &Options,
) -> (Vec<CaseResult>, String) {
    let results: Vec<(CaseResult, Option<Vec<Diagnostic>>)> = file
        .documents()
        .par_iter()
        .map(|doc| case_result(file, doc, found, holidays, options))
        .collect();
    let mut shown = String::new();
    let results = results
        .into_iter()
        .map(|(result, diagnostics)| {
            if let Some(diagnostics) = diagnostics {
                shown.push_str(&render(&diagnostics, &file.map));
            }
            result
        })
        .collect();
    (results, shown)
}

/// How much of a JSON Lines file is read at a time: whole lines, about
/// this many bytes, so that memory does not grow with the file.
const PART_BYTES: usize = 8 << 20;

/// Every case of a JSON Lines file, read a part at a time, each part's
/// cases replayed on every core, in file order. `None` when the file
/// cannot be read this way (unreadable, too large, not UTF-8): it is then
/// read whole by [`caseload_of_file`], which says why.
fn caseload_of_lines(
    path: &std::path::Path,
    found: &std::collections::HashMap<String, Found>,
    holidays: Option<&HolidayFile>,
    options: &Options,
) -> Option<(Caseload, String)> {
    use std::io::BufRead;
    let metadata = std::fs::metadata(path).ok()?;
    if !metadata.is_file() || metadata.len() > MAX_CASES_FILE_BYTES as u64 {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let name = path.to_string_lossy().into_owned();
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut caseload = Caseload::empty(*options);
    let mut shown = String::new();
    let (mut next_line, mut total) = (1, 0);
    let mut bytes = Vec::with_capacity(PART_BYTES + (1 << 20));
    loop {
        bytes.clear();
        let mut lines = 0;
        while bytes.len() < PART_BYTES {
            match reader.read_until(b'\n', &mut bytes) {
                Ok(0) => break,
                Ok(_) => lines += 1,
                Err(_) => return None,
            }
        }
        if lines == 0 {
            break;
        }
        total += bytes.len();
        if total > MAX_CASES_FILE_BYTES {
            return None;
        }
        let text = std::str::from_utf8(&bytes).ok()?;
        let part = CaseFile::part(&name, next_line, text);
        next_line += lines;
        let (results, diagnostics) = cases_of(&part, found, holidays, options);
        shown.push_str(&diagnostics);
        for result in results {
            caseload.add(result);
        }
    }
    Some((caseload, shown))
}

fn case_result(
    file: &CaseFile,
    doc: &Document<'_>,
    found: &std::collections::HashMap<String, Found>,
    holidays: Option<&HolidayFile>,
    options: &Options,
) -> (CaseResult, Option<Vec<Diagnostic>>) {
    let stop = |diagnostics: Vec<Diagnostic>| {
        let stopped = stopped_of(&file.name, case_id(doc.text), &diagnostics, &file.map);
        (CaseResult::Stopped(stopped), Some(diagnostics))
    };
    // A case's own settings file (`settings:`) holds for it here as in
    // `run` and `test`.
    let (loaded, procedure) = match file.load_settled(doc, Procedures::ById(found), None) {
        Ok(read) => read,
        Err((diagnostics, None)) => return stop(diagnostics),
        Err((diagnostics, Some(_))) => return stop(file.settings_problem(doc, &diagnostics)),
    };
    let calendar = loaded.calendar.with_holidays(holidays);
    match replay_quietly(&procedure, calendar.get(), &loaded.case, options.as_of) {
        Ok(replayed) => {
            let report = replayed.report(&loaded.case);
            let origin = Origin {
                file: file.name.clone(),
                line: doc.line,
            };
            let people = |role: &str| {
                loaded
                    .people
                    .iter()
                    .find(|(r, _)| r == role)
                    .map(|(_, person)| person.clone())
            };
            (
                items(
                    &report,
                    replayed.last_step(),
                    calendar.get(),
                    &origin,
                    &people,
                    options,
                ),
                None,
            )
        }
        Err(error) => stop(vec![file.replay_diagnostic(doc, &error)]),
    }
}

/// The first problem of a case that stopped, with its line; the rest are
/// on standard error.
fn stopped_of(
    file: &str,
    case: Option<String>,
    diagnostics: &[Diagnostic],
    map: &SourceMap,
) -> Stopped {
    let first = diagnostics.first();
    Stopped {
        file: file.to_string(),
        line: first
            .and_then(|d| d.place(map))
            .map_or(1, |place| place.line),
        case,
        code: first.map(|d| d.code.clone()).unwrap_or_default(),
        message: first.map(|d| d.message.clone()).unwrap_or_default(),
        help: first.and_then(|d| d.help.clone()),
    }
}
