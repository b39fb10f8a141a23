//! `redress check`: validate `.proc` files, as CI runs it.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use miette::SourceSpan;
use serde::Serialize;

use crate::check::Procedure;
use crate::compile::compile;
use crate::diagnostic::{Diagnostic, SourceMap};
use crate::source::{InputError, MAX_FILE_BYTES};

use super::load::{read_file, ReadError};
use super::output::{errln, out, outln};
use super::render::show;
use super::Outcome;

#[derive(Args)]
pub(crate) struct CheckArgs {
    /// Files, or folders searched recursively for `.proc` files.
    #[arg(default_value = "procedures")]
    paths: Vec<PathBuf>,
    /// How to print the results.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Fail (exit 1) on warnings as well as errors.
    #[arg(long)]
    deny_warnings: bool,
    /// List, per procedure, which of the source's paragraphs are cited and
    /// which are not.
    #[arg(long)]
    coverage: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Graphical reports for people, and a one-line summary.
    Human,
    /// One JSON document (schema in docs/cli.md).
    Json,
    /// SARIF 2.1.0, for code-scanning upload.
    Sarif,
    /// GitHub Actions workflow commands: an annotation per diagnostic.
    Github,
}

#[derive(Serialize)]
struct CoverageReport<'a> {
    procedures: Vec<Coverage<'a>>,
}

#[derive(Serialize)]
struct Coverage<'a> {
    id: &'a str,
    source: Option<&'a str>,
    /// Cited paragraphs: the listed ones in their order, then any cited
    /// label that is not listed.
    cited: Vec<&'a str>,
    /// Listed paragraphs that nothing cites.
    uncited: Vec<&'a str>,
}

fn coverage(procedure: &Procedure) -> Coverage<'_> {
    let listed = &procedure.paragraphs;
    let is_cited = |label: &String| procedure.cited.contains(label);
    Coverage {
        id: &procedure.id,
        source: procedure.source.as_deref(),
        cited: listed
            .iter()
            .filter(|l| is_cited(l))
            .chain(procedure.cited.iter().filter(|c| !listed.contains(c)))
            .map(String::as_str)
            .collect(),
        uncited: listed
            .iter()
            .filter(|l| !is_cited(l))
            .map(String::as_str)
            .collect(),
    }
}

/// Every file checked: the source map of their texts, every diagnostic,
/// and the procedures that compiled, in the files' order.
struct Checked {
    map: SourceMap,
    diagnostics: Vec<Diagnostic>,
    procedures: Vec<Procedure>,
    /// The file each of `procedures` came from.
    homes: Vec<crate::diagnostic::FileId>,
}

pub(crate) fn run(args: CheckArgs) -> Outcome {
    let files = match collect_files(&args.paths) {
        Ok(files) => files,
        Err(message) => {
            errln!("error: {message}");
            return Outcome::Usage;
        }
    };
    let checked = check_files(&files);
    let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = checked.diagnostics.len() - errors;
    let Checked {
        map,
        diagnostics,
        procedures,
        ..
    } = &checked;
    match (args.format, args.coverage) {
        (Format::Human, false) => print_human(&checked, errors, warnings),
        (Format::Json, false) => print_json(&crate::report::diagnostic::json(diagnostics, map)),
        (Format::Human, true) => {
            print_human(&checked, errors, warnings);
            print_coverage_human(procedures);
        }
        (Format::Json, true) => print_json(&CoverageReport {
            procedures: procedures.iter().map(coverage).collect(),
        }),
        (Format::Sarif, _) => print_json(&crate::report::ci::sarif(diagnostics, map)),
        (Format::Github, _) => out!("{}", crate::report::ci::github(diagnostics, map)),
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        Outcome::Invalid
    } else {
        Outcome::Success
    }
}

/// Compiles every file. One that cannot be read is a diagnostic in its
/// file (E0006), and the others are checked all the same.
fn check_files(files: &[PathBuf]) -> Checked {
    let mut checked = Checked {
        map: SourceMap::new(),
        diagnostics: Vec::new(),
        procedures: Vec::new(),
        homes: Vec::new(),
    };
    for path in files {
        let shown = path.to_string_lossy().into_owned();
        let problem = match read_file(path, MAX_FILE_BYTES) {
            Ok(bytes) => {
                let compiled = compile(&shown, &bytes);
                let file = checked.map.add(compiled.source.clone());
                checked.diagnostics.extend(compiled.diagnostics(file));
                if compiled.procedure.is_some() {
                    checked.homes.push(file);
                }
                checked.procedures.extend(compiled.procedure);
                continue;
            }
            Err(ReadError::Io(reason)) => InputError::Unreadable {
                reason,
                span: SourceSpan::from((0, 0)),
            },
            Err(ReadError::TooLarge(size)) => InputError::TooLarge {
                size: usize::try_from(size).unwrap_or(usize::MAX),
                limit: MAX_FILE_BYTES,
                span: SourceSpan::from((0, 0)),
            },
        };
        let file = checked.map.add_text(&shown, "");
        checked
            .diagnostics
            .push(Diagnostic::from_error(&problem, file));
    }
    let clashes = same_effective_date(&checked);
    checked.diagnostics.extend(clashes);
    checked
}

/// Versions of one procedure that take effect on the same day (E0450):
/// a case received that day could not say which is in force. Placed at
/// the later file's `effective`, with the earlier one labelled too.
fn same_effective_date(checked: &Checked) -> Vec<Diagnostic> {
    let effective_span = |file: crate::diagnostic::FileId| {
        crate::syntax::parse(checked.map.text(file))
            .0
            .and_then(|f| f.procedure)
            .and_then(|p| p.effective.first().map(|e| e.span.start..e.span.end))
            .unwrap_or(0..0)
    };
    let mut out = Vec::new();
    for (j, later) in checked.procedures.iter().enumerate() {
        let Some(date) = later.effective else {
            continue;
        };
        let earlier = checked.procedures[..j]
            .iter()
            .position(|p| p.id == later.id && p.effective == Some(date));
        let Some(i) = earlier else {
            continue;
        };
        let (first, second) = (checked.homes[i], checked.homes[j]);
        let version = |p: &Procedure| p.version.clone().unwrap_or_else(|| "(no version)".into());
        out.push(Diagnostic {
            code: "E0450".into(),
            severity: crate::diagnostic::Severity::Error,
            message: format!(
                "versions {} and {} of procedure `{}` both take effect on {date}",
                version(&checked.procedures[i]),
                version(later),
                later.id
            ),
            labels: vec![
                crate::diagnostic::Label {
                    file: second,
                    span: effective_span(second),
                    text: Some("this version".into()),
                },
                crate::diagnostic::Label {
                    file: first,
                    span: effective_span(first),
                    text: Some(format!("{} takes effect the same day", checked.map.name(first))),
                },
            ],
            help: Some(
                "give each version its own `effective` date: a case uses the version in force on the day it was received".into(),
            ),
        });
    }
    out
}

fn print_human(checked: &Checked, errors: usize, warnings: usize) {
    show(&checked.diagnostics, &checked.map);
    errln!(
        "{} checked: {}, {}",
        plural(checked.map.files().count(), "file", "files"),
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings"),
    );
}

fn print_json(value: &impl Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => outln!("{text}"),
        Err(e) => errln!("error: cannot write JSON: {e}"),
    }
}

fn print_coverage_human(procedures: &[Procedure]) {
    for procedure in procedures {
        let c = coverage(procedure);
        outln!("{} ({})", c.id, c.source.unwrap_or("no source declared"));
        let listed = procedure.paragraphs.len();
        if listed == 0 {
            outln!(
                "  no `paragraphs` declared; cited: {}",
                join_or_none(&c.cited)
            );
            continue;
        }
        let cited_listed = c
            .cited
            .iter()
            .filter(|l| procedure.paragraphs.iter().any(|p| p == *l))
            .count();
        outln!(
            "  cited {cited_listed} of {listed} paragraphs: {}",
            join_or_none(&c.cited)
        );
        outln!("  uncited: {}", join_or_none(&c.uncited));
    }
}

fn join_or_none(labels: &[&str]) -> String {
    if labels.is_empty() {
        "none".to_string()
    } else {
        labels.join(", ")
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The files named, and the `.proc` files under the folders named, each
/// folder's in name order. A path that does not exist is a usage error.
pub(super) fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut walker = super::walk::Walker::new(&["proc"], |_| false);
    for path in paths {
        if path.is_dir() {
            if walker.folder(path)? == 0 {
                return Err(format!("no .proc files found under `{}`", path.display()));
            }
        } else if path.exists() {
            walker.file(path)?;
        } else {
            return Err(format!("no such file or folder: `{}`", path.display()));
        }
    }
    Ok(walker.into_files())
}
