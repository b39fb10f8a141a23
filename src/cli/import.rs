//! `redress import csv`: a case-management export to case files.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use crate::diagnostic::{Diagnostic, SourceMap};
use crate::import::{import, read_mapping, ImportError, ImportedCase, InFile};

use super::load::read_source;
use super::output::{errln, out};
use super::render::show;
use super::write::atomic_write;
use super::Outcome;

#[derive(Subcommand)]
pub(crate) enum ImportCommand {
    /// Cases from a CSV export: one row per event, or one row per case
    /// with a column per event, read through a mapping (docs/cases.md).
    Csv(CsvArgs),
}

#[derive(Args)]
pub(crate) struct CsvArgs {
    /// The export (CSV, with a header row).
    file: PathBuf,
    /// Which column holds what, and the date format (YAML).
    #[arg(long, value_name = "MAP.yaml")]
    mapping: PathBuf,
    /// A folder to write one YAML case file per case into, or a `.jsonl`
    /// file to write them all to (default: JSON Lines on standard output).
    #[arg(long, value_name = "DIR|FILE.jsonl")]
    out: Option<PathBuf>,
    /// Write the cases of the good rows even when some rows are bad (each
    /// bad row is still reported, and left out).
    #[arg(long)]
    skip_bad: bool,
}

pub(crate) fn run(command: ImportCommand) -> Outcome {
    let ImportCommand::Csv(args) = command;
    let mut map = SourceMap::new();
    let (mapping_file, export_file) = match (
        read_source(&args.mapping, &mut map),
        read_source(&args.file, &mut map),
    ) {
        (Ok(m), Ok(e)) => (m, e),
        (m, e) => {
            let failed: Vec<Diagnostic> = [m.err(), e.err()].into_iter().flatten().collect();
            show(&failed, &map);
            return Outcome::Usage;
        }
    };
    let place = |error: &ImportError| {
        let file = match error.file {
            InFile::Mapping => mapping_file,
            InFile::Export => export_file,
        };
        Diagnostic::from_error(error, file)
    };
    let mapping = match read_mapping(map.text(mapping_file)) {
        Ok(m) => m,
        Err(error) => {
            show(&[place(&error)], &map);
            return Outcome::Invalid;
        }
    };
    let imported = import(map.text(export_file), &mapping);
    if !imported.errors.is_empty() {
        let diagnostics: Vec<Diagnostic> = imported.errors.iter().map(place).collect();
        show(&diagnostics, &map);
        let bad = imported.errors.len();
        let rows = if bad == 1 { "problem" } else { "problems" };
        if !args.skip_bad {
            errln!(
                "{}: {bad} {rows} in {} rows; nothing was written (pass --skip-bad to write the cases of the good rows)",
                map.name(export_file),
                imported.rows
            );
            return Outcome::Invalid;
        }
        errln!(
            "{}: {bad} {rows} in {} rows; the bad rows were left out",
            map.name(export_file),
            imported.rows
        );
    }
    let written = match &args.out {
        None => json_lines(&imported.cases).map(|text| out!("{text}")),
        Some(path) if is_json_lines(path) => json_lines(&imported.cases).and_then(|text| {
            atomic_write(path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }),
        Some(dir) => yaml_files(dir, &imported.cases),
    };
    match written {
        Ok(()) => {
            if let Some(path) = &args.out {
                errln!(
                    "{} {} written to {}",
                    imported.cases.len(),
                    if imported.cases.len() == 1 {
                        "case"
                    } else {
                        "cases"
                    },
                    path.display()
                );
            }
            Outcome::Success
        }
        Err(e) => {
            errln!("error: {e}");
            Outcome::Usage
        }
    }
}

fn is_json_lines(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == "jsonl" || e == "ndjson")
}

fn json_lines(cases: &[ImportedCase]) -> Result<String, String> {
    let mut text = String::new();
    for case in cases {
        let line = serde_json::to_string(case).map_err(|e| format!("cannot write JSON: {e}"))?;
        text.push_str(&line);
        text.push('\n');
    }
    Ok(text)
}

/// One YAML case file per case, named after its id (characters a file
/// name cannot hold become `_`).
fn yaml_files(dir: &Path, cases: &[ImportedCase]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for case in cases {
        let name: String = case
            .case
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!("{name}.yaml"));
        let text = crate::yaml::to_string(case).map_err(|e| format!("cannot write YAML: {e}"))?;
        atomic_write(&path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}
