//! `redress diff`: what a revision of a procedure changes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Serialize;

use crate::case::bulk::CASE_EXTENSIONS;
use crate::case::{load, read_header};
use crate::check::Procedure;
use crate::engine::replay;
use crate::report::diff::{case_summary, diff, human, Change};

use super::cases::CaseFile;
use super::load::compile_procedure;
use super::output::{errln, out, outln};
use super::render::show;
use super::{HumanOrJson, Outcome};

#[derive(Args)]
pub(crate) struct DiffArgs {
    /// The procedure before the revision: a .proc file, or `ID@VERSION`
    /// (`cafcass@2.0`) found among the procedures under --procedures.
    old: PathBuf,
    /// The procedure after it, as a file or `ID@VERSION`.
    new: PathBuf,
    /// Where `ID@VERSION` is looked for: every .proc file under DIR.
    #[arg(long, value_name = "DIR", default_value = "procedures")]
    procedures: PathBuf,
    /// Replay each case in this folder (or multi-case file) under both
    /// versions, and list the cases whose status, step, due dates,
    /// breaches or outcome change.
    #[arg(long, value_name = "DIR|FILE")]
    cases: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = HumanOrJson::Human)]
    format: HumanOrJson,
}

#[derive(Serialize)]
struct CaseChange {
    path: String,
    differences: Vec<Difference>,
}

#[derive(Serialize)]
struct Difference {
    what: String,
    old: String,
    new: String,
}

#[derive(Serialize)]
struct DiffReport<'a> {
    changes: &'a [Change],
    cases: Option<Vec<CaseChange>>,
}

/// A case's summary under one version, or why it cannot be replayed.
fn outcome_under(procedure: &Procedure, name: &str, text: &str) -> BTreeMap<String, String> {
    let loaded = match load(name, text, procedure) {
        Ok(l) => l,
        Err(errors) => {
            let first = errors
                .first()
                .map(|e| format!("{}: {e}", e.code()))
                .unwrap_or_default();
            return BTreeMap::from([("replay".to_string(), format!("invalid ({first})"))]);
        }
    };
    let at = loaded
        .expect
        .as_ref()
        .map(|e| e.at)
        .or_else(|| loaded.case.events.last().map(|e| e.on))
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    match replay(procedure, loaded.calendar.get(), &loaded.case, at) {
        Ok(report) => case_summary(&report),
        Err(e) => BTreeMap::from([("replay".to_string(), format!("stops: {}", e.kind))]),
    }
}

fn compare_cases(dir: &Path, old: &Procedure, new: &Procedure) -> Vec<CaseChange> {
    let files = if dir.is_dir() {
        super::walk::files_under(dir, &CASE_EXTENSIONS, super::test::is_not_a_case)
    } else {
        vec![dir.to_path_buf()]
    };
    let mut changed = Vec::new();
    for path in files {
        let file = match CaseFile::read(&path) {
            Ok(file) => file,
            Err(unreadable) => {
                let (map, diagnostic) = *unreadable;
                show(&[diagnostic], &map);
                continue;
            }
        };
        let docs = file.documents();
        for doc in &docs {
            let name = if docs.len() > 1 {
                format!("{}:{}", file.name, doc.line)
            } else {
                file.name.clone()
            };
            if let Some(change) = compare_case(&file.name, name, doc.text, old, new) {
                changed.push(change);
            }
        }
    }
    changed
}

/// How one case behaves differently under the two versions, if it does.
fn compare_case(
    file: &str,
    name: String,
    text: &str,
    old: &Procedure,
    new: &Procedure,
) -> Option<CaseChange> {
    let header = read_header(file, text).ok()?;
    if header.procedure != old.id && header.procedure != new.id {
        return None;
    }
    let mut before = outcome_under(old, file, text);
    let mut after = outcome_under(new, file, text);
    // A case one version cannot replay differs in that alone; its other
    // lines would only repeat it.
    if before.contains_key("replay") != after.contains_key("replay") {
        for side in [&mut before, &mut after] {
            side.retain(|k, _| k == "replay");
            side.entry("replay".to_string())
                .or_insert_with(|| "replays".to_string());
        }
    }
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let differences: Vec<Difference> = keys
        .into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| Difference {
            what: k.clone(),
            old: before.get(k).cloned().unwrap_or_else(|| "—".into()),
            new: after.get(k).cloned().unwrap_or_else(|| "—".into()),
        })
        .collect();
    (!differences.is_empty()).then_some(CaseChange {
        path: name,
        differences,
    })
}

/// A procedure named on the command line: a file, or `ID@VERSION`
/// among the procedures under `dir` when no such file exists.
fn procedure_named(arg: &Path, dir: &Path) -> Result<Procedure, Outcome> {
    let text = arg.to_string_lossy();
    let Some((id, version)) = text.split_once('@').filter(|_| !arg.exists()) else {
        return compile_procedure(arg);
    };
    let found = super::test::procedures(&[dir.to_path_buf()]);
    let versions: Vec<&Procedure> = match found.get(id) {
        Some(super::test::Found::Compiled(p)) => vec![&**p],
        Some(super::test::Found::Versions(all)) => all.iter().collect(),
        Some(super::test::Found::Broken { path, .. }) => {
            errln!("error: procedure `{id}` ({path}) has errors; run `redress check {path}`");
            return Err(Outcome::Invalid);
        }
        None => {
            errln!(
                "error: no procedure `{id}` was found under `{}`; pass --procedures DIR",
                dir.display()
            );
            return Err(Outcome::Usage);
        }
    };
    match versions
        .iter()
        .find(|p| p.version.as_deref() == Some(version))
    {
        Some(p) => Ok((*p).clone()),
        None => {
            let known: Vec<String> = versions
                .iter()
                .map(|p| p.version.clone().unwrap_or_else(|| "(none)".into()))
                .collect();
            errln!(
                "error: no version {version} of procedure `{id}` under `{}` (found: {})",
                dir.display(),
                known.join(", ")
            );
            Err(Outcome::Usage)
        }
    }
}

pub(crate) fn run(args: DiffArgs) -> Outcome {
    let old = match procedure_named(&args.old, &args.procedures) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let new = match procedure_named(&args.new, &args.procedures) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    if let Some(dir) = &args.cases {
        if !dir.exists() {
            errln!("error: no such file or folder: `{}`", dir.display());
            return Outcome::Usage;
        }
    }
    let changes = diff(&old, &new);
    let cases = args
        .cases
        .as_deref()
        .map(|dir| compare_cases(dir, &old, &new));
    match args.format {
        HumanOrJson::Json => match serde_json::to_string_pretty(&DiffReport {
            changes: &changes,
            cases,
        }) {
            Ok(text) => outln!("{text}"),
            Err(e) => errln!("error: cannot write JSON: {e}"),
        },
        HumanOrJson::Human => {
            out!("{}", human(&changes));
            if let Some(cases) = cases {
                if cases.is_empty() {
                    outln!("\nno case behaves differently");
                } else {
                    outln!("\ncases that behave differently:");
                    for case in cases {
                        outln!("  {}", case.path);
                        for d in case.differences {
                            outln!("    {}: {} → {}", d.what, d.old, d.new);
                        }
                    }
                }
            }
        }
    }
    Outcome::Success
}
