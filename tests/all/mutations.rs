//! No input makes redress panic: thousands of deterministic random edits of
//! the real procedures and case files, each compiled, formatted, read and
//! replayed. A failure names the seed and the edit, so it reproduces.

use std::panic::{catch_unwind, AssertUnwindSafe};

use redress::case::load;
use redress::compile::compile_str;
use redress::engine::replay;
use redress::format::format_source;

use crate::support::{files_in, root, Lcg};

const PIECES: [&str; 16] = [
    "{",
    "}",
    "(",
    ")",
    "\"",
    "->",
    "//",
    " when ",
    " not ",
    " 0 working days",
    "step",
    "\n",
    ":",
    "-",
    "é",
    "\u{0}",
];

/// One random edit: delete a stretch, duplicate one, or insert a piece.
fn mutate(text: &str, rng: &mut Lcg) -> String {
    let bytes = text.as_bytes();
    let at = rng.below(bytes.len() as u64 + 1) as usize;
    let len = rng.below(40) as usize;
    let mut out: Vec<u8> = bytes.to_vec();
    match rng.below(4) {
        0 => {
            let end = (at + len).min(out.len());
            out.drain(at..end);
        }
        1 => {
            let end = (at + len).min(bytes.len());
            let copy = bytes[at..end].to_vec();
            let to = rng.below(out.len() as u64 + 1) as usize;
            out.splice(to..to, copy);
        }
        2 => {
            let piece = PIECES[rng.below(PIECES.len() as u64) as usize];
            out.splice(at..at, piece.bytes());
        }
        _ => {
            if at < out.len() {
                out[at] = rng.below(256) as u8;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn survives(what: &str, f: impl FnOnce()) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| what.to_string())
}

#[test]
fn mutated_procedures_never_panic() {
    let mut failures = Vec::new();
    for name in ["cafcass.proc", "babicm.proc"] {
        let original =
            std::fs::read_to_string(root().join("procedures").join(name)).expect("procedure");
        let mut rng = Lcg::new(name.len() as u64 * 7919);
        for i in 0..300 {
            let mut text = original.clone();
            for _ in 0..=rng.below(3) {
                text = mutate(&text, &mut rng);
            }
            let result = survives(&format!("{name} mutation {i}"), || {
                let compiled = compile_str(name, &text);
                let mut map = redress::diagnostic::SourceMap::new();
                let file = map.add(compiled.source.clone());
                let diagnostics = compiled.diagnostics(file);
                let _ = redress::report::diagnostic::human(&diagnostics, &map, false);
                let _ =
                    serde_json::to_string(&redress::report::diagnostic::json(&diagnostics, &map));
                let _ = format_source(&text);
                if let Some(p) = &compiled.procedure {
                    let _ = redress::report::doc::markdown(p);
                    let _ = redress::report::graph::mermaid(p);
                    let options = redress::analysis::paths::Options {
                        max_loops: 1,
                        limit: redress::analysis::paths::DEFAULT_LIMIT,
                    };
                    let _ = redress::analysis::paths::paths(p, options);
                }
            });
            if let Err(e) = result {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "panics: {failures:?}");
}

#[test]
fn mutated_case_files_never_panic() {
    let text = std::fs::read_to_string(root().join("procedures/cafcass.proc")).expect("procedure");
    let procedure = compile_str("cafcass.proc", &text)
        .procedure
        .expect("compiles");
    let mut failures = Vec::new();
    let mut rng = Lcg::new(4242);
    let cases: Vec<String> = files_in("examples/cafcass", "yaml")
        .into_iter()
        .filter(|p| !p.to_string_lossy().contains("assumptions"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    for (c, original) in cases.iter().enumerate() {
        for i in 0..40 {
            let mut case = original.clone();
            for _ in 0..=rng.below(2) {
                case = mutate(&case, &mut rng);
            }
            let result = survives(&format!("case {c} mutation {i}"), || {
                if let Ok(loaded) = load("case.yaml", &case, &procedure) {
                    let at = loaded
                        .expect
                        .as_ref()
                        .map(|e| e.at)
                        .or_else(|| loaded.case.events.last().map(|e| e.on));
                    if let Some(at) = at {
                        match replay(&procedure, loaded.calendar.get(), &loaded.case, at) {
                            Ok(report) => {
                                let _ = redress::report::human(&report);
                            }
                            Err(e) => {
                                let _ = redress::case::locate_replay_error("case.yaml", &case, &e);
                            }
                        }
                    }
                }
            });
            if let Err(e) = result {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "panics: {failures:?}");
}
