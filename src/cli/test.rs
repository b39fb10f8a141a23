//! `redress test`: replay every case file that has an `expect:` block and
//! compare.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use clap::Args;

use crate::calendar::HolidayFile;
use crate::case::{judge, load, locate_replay_error, read_header, Judgement, Mismatch};
use crate::check::Procedure;
use crate::compile::compile;
use crate::engine::replay;

use super::calendar_args::HolidaysArg;
use super::load::read_text;
use super::render::render;
use super::Outcome;

#[derive(Args)]
pub(crate) struct TestArgs {
    /// Case files, or folders searched recursively for .yaml and .yml files.
    #[arg(default_value = "examples")]
    paths: Vec<PathBuf>,
    /// Where to find the procedures the cases name (also searched: .proc
    /// files under the PATHs).
    #[arg(long, value_name = "DIR", default_value = "procedures")]
    procedures: PathBuf,
    #[command(flatten)]
    holidays: HolidaysArg,
}

const MAX_DEPTH: usize = 32;

/// Simulation assumptions (`*.assumptions.yaml`) live beside case files
/// but are not cases.
pub(crate) fn is_assumptions(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".assumptions.yaml") || n.ends_with(".assumptions.yml"))
}

/// The files under `dir` with one of `extensions`, in name order,
/// leaving out simulation assumptions.
pub(super) fn walk(dir: &Path, depth: usize, extensions: &[&str], out: &mut Vec<PathBuf>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, depth + 1, extensions, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.contains(&e))
            && !is_assumptions(&path)
        {
            out.push(path);
        }
    }
}

/// Compiles every procedure found, by id; problems are reported later, when
/// a case needs that procedure.
fn procedures(dirs: &[PathBuf]) -> HashMap<String, Procedure> {
    let mut files = Vec::new();
    for dir in dirs {
        if dir.is_dir() {
            walk(dir, 0, &["proc"], &mut files);
        }
    }
    let mut by_id = HashMap::new();
    for path in files {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        if let Some(p) = compile(&path.to_string_lossy(), &bytes).procedure {
            by_id.entry(p.id.clone()).or_insert(p);
        }
    }
    by_id
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
    let mut cases = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            walk(path, 0, &["yaml", "yml"], &mut cases);
        } else if path.exists() {
            cases.push(path.clone());
        } else {
            eprintln!("error: no such file or folder: `{}`", path.display());
            return Outcome::Usage;
        }
    }
    let mut search = vec![args.procedures.clone()];
    search.extend(args.paths.iter().filter(|p| p.is_dir()).cloned());
    let procedures = procedures(&search);

    let (mut passed, mut failed) = (0, 0);
    for path in &cases {
        let name = path.to_string_lossy().into_owned();
        let Some(text) = read_text(path) else {
            return Outcome::Usage;
        };
        match verdict(&name, &text, &procedures, holidays.as_ref()) {
            Verdict::Skip => {}
            Verdict::Pass => {
                passed += 1;
                println!("ok    {name}");
            }
            Verdict::Fail(lines) => {
                failed += 1;
                println!("FAIL  {name}");
                for line in lines {
                    for part in line.lines() {
                        println!("        {part}");
                    }
                }
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        Outcome::Invalid
    } else {
        Outcome::Success
    }
}

fn verdict(
    name: &str,
    text: &str,
    procedures: &HashMap<String, Procedure>,
    holidays: Option<&HolidayFile>,
) -> Verdict {
    let header = match read_header(name, text) {
        Ok(h) => h,
        Err(e) => return Verdict::Fail(vec![render(&e)]),
    };
    let Some(procedure) = procedures.get(&header.procedure) else {
        let mut known: Vec<&str> = procedures.keys().map(String::as_str).collect();
        known.sort();
        return Verdict::Fail(vec![format!(
            "no procedure `{}` was found (found: {}); pass --procedures DIR",
            header.procedure,
            known.join(", ")
        )]);
    };
    let loaded = match load(name, text, procedure) {
        Ok(l) => l,
        Err(errors) => return Verdict::Fail(errors.iter().map(|e| render(e)).collect()),
    };
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
                eprintln!("note: {name}: {note}");
            }
            Verdict::Pass
        }
        (Judgement::Fail(mismatches), Err(e)) => {
            let mut lines: Vec<String> = mismatches.iter().map(describe).collect();
            lines.push(render(&locate_replay_error(name, text, &e)));
            Verdict::Fail(lines)
        }
        (Judgement::Fail(mismatches), Ok(_)) => {
            Verdict::Fail(mismatches.iter().map(describe).collect())
        }
        (Judgement::Stopped, Err(e)) => {
            Verdict::Fail(vec![render(&locate_replay_error(name, text, &e))])
        }
        (Judgement::Stopped, Ok(_)) => Verdict::Fail(vec!["the replay stopped".into()]),
    }
}

fn describe(m: &Mismatch) -> String {
    format!("{}: expected {}, got {}", m.what, m.expected, m.actual)
}
