//! `redress test`: replay every case file that has an `expect:` block and
//! compare.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use clap::Args;

use crate::case::{compare, load, locate_replay_error, read_header, Mismatch};
use crate::check::Procedure;
use crate::compile::compile;
use crate::engine::replay;

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
}

/// Simulation assumptions (`*.assumptions.yaml`) live beside case files
/// but are not cases.
pub(crate) fn is_assumptions(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".assumptions.yaml") || n.ends_with(".assumptions.yml"))
}

/// Compiles every procedure found, by id; problems are reported later, when
/// a case needs that procedure.
fn procedures(dirs: &[PathBuf]) -> HashMap<String, Procedure> {
    let mut files = Vec::new();
    for dir in dirs {
        if dir.is_dir() {
            files.extend(super::walk::files_under(dir, &["proc"], is_assumptions));
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
    let mut cases = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            cases.extend(super::walk::files_under(
                path,
                &["yaml", "yml"],
                is_assumptions,
            ));
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
        match verdict(&name, &text, &procedures) {
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

fn verdict(name: &str, text: &str, procedures: &HashMap<String, Procedure>) -> Verdict {
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
    match (
        replay(procedure, loaded.calendar.get(), &loaded.case, expect.at),
        &expect.error,
    ) {
        (Ok(report), None) => {
            let mismatches = compare(expect, &report);
            if mismatches.is_empty() {
                Verdict::Pass
            } else {
                Verdict::Fail(mismatches.iter().map(describe).collect())
            }
        }
        (Ok(_), Some(code)) => Verdict::Fail(vec![format!(
            "expected the replay to stop with {code}, but it completed"
        )]),
        (Err(e), expected) => {
            let located = locate_replay_error(name, text, &e);
            match expected {
                Some(code) if *code == located.code() => Verdict::Pass,
                Some(code) => {
                    Verdict::Fail(vec![format!("expected {code}, got:"), render(&located)])
                }
                None => Verdict::Fail(vec![render(&located)]),
            }
        }
    }
}

fn describe(m: &Mismatch) -> String {
    format!("{}: expected {}, got {}", m.what, m.expected, m.actual)
}
