//! `redress check`: validate `.proc` files, as CI runs it.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::check::Procedure;
use crate::compile::{compile, Compiled, Located};
use crate::report::ci::FileDiagnostics;

use super::render::render;
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
struct Report<'a> {
    files: Vec<FileReport<'a>>,
    errors: usize,
    warnings: usize,
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

#[derive(Serialize)]
struct FileReport<'a> {
    path: &'a str,
    diagnostics: Vec<Located>,
}

pub(crate) fn run(args: CheckArgs) -> Outcome {
    let files = match collect_files(&args.paths) {
        Ok(files) => files,
        Err(message) => {
            eprintln!("error: {message}");
            return Outcome::Usage;
        }
    };
    let mut compiled = Vec::new();
    for path in &files {
        let shown = path.to_string_lossy().into_owned();
        match std::fs::read(path) {
            Ok(bytes) => compiled.push((shown.clone(), compile(&shown, &bytes))),
            Err(e) => {
                eprintln!("error: cannot read `{shown}`: {e}");
                return Outcome::Usage;
            }
        }
    }
    let errors: usize = compiled.iter().map(|(_, c)| c.errors()).sum();
    let warnings: usize = compiled.iter().map(|(_, c)| c.warnings()).sum();
    match (args.format, args.coverage) {
        (Format::Human, false) => print_human(&compiled, errors, warnings),
        (Format::Json, false) => print_json(&compiled, errors, warnings),
        (Format::Human, true) => {
            print_human(&compiled, errors, warnings);
            print_coverage_human(&compiled);
        }
        (Format::Json, true) => print_coverage_json(&compiled),
        (Format::Sarif, _) => print_sarif(&compiled),
        (Format::Github, _) => print_github(&compiled),
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        Outcome::Invalid
    } else {
        Outcome::Success
    }
}

fn print_human(compiled: &[(String, Compiled)], errors: usize, warnings: usize) {
    for (_, c) in compiled {
        for problem in c.with_source() {
            eprint!("{}", render(&problem));
        }
    }
    eprintln!(
        "{} checked: {}, {}",
        plural(compiled.len(), "file", "files"),
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings"),
    );
}

fn print_json(compiled: &[(String, Compiled)], errors: usize, warnings: usize) {
    let report = Report {
        files: compiled
            .iter()
            .map(|(path, c)| FileReport {
                path,
                diagnostics: c.located(),
            })
            .collect(),
        errors,
        warnings,
    };
    match serde_json::to_string_pretty(&report) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: cannot write JSON: {e}"),
    }
}

fn ci_files(compiled: &[(String, Compiled)]) -> Vec<FileDiagnostics<'_>> {
    compiled
        .iter()
        .map(|(path, c)| FileDiagnostics {
            path,
            diagnostics: c.located(),
        })
        .collect()
}

fn print_sarif(compiled: &[(String, Compiled)]) {
    match serde_json::to_string_pretty(&crate::report::ci::sarif(&ci_files(compiled))) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: cannot write SARIF: {e}"),
    }
}

fn print_github(compiled: &[(String, Compiled)]) {
    print!("{}", crate::report::ci::github(&ci_files(compiled)));
}

fn print_coverage_human(compiled: &[(String, Compiled)]) {
    for procedure in compiled.iter().filter_map(|(_, c)| c.procedure.as_ref()) {
        let c = coverage(procedure);
        println!("{} ({})", c.id, c.source.unwrap_or("no source declared"));
        let listed = procedure.paragraphs.len();
        if listed == 0 {
            println!(
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
        println!(
            "  cited {cited_listed} of {listed} paragraphs: {}",
            join_or_none(&c.cited)
        );
        println!("  uncited: {}", join_or_none(&c.uncited));
    }
}

fn join_or_none(labels: &[&str]) -> String {
    if labels.is_empty() {
        "none".to_string()
    } else {
        labels.join(", ")
    }
}

fn print_coverage_json(compiled: &[(String, Compiled)]) {
    let report = CoverageReport {
        procedures: compiled
            .iter()
            .filter_map(|(_, c)| c.procedure.as_ref())
            .map(coverage)
            .collect(),
    };
    match serde_json::to_string_pretty(&report) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: cannot write JSON: {e}"),
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
