//! CI's slice of the fuzzing (docs/fuzzing.md): the seed corpus and every
//! regression input replayed, then a fixed number of structure-aware
//! edits of the seeds, all through the fuzz targets' own checks
//! (`fuzz/oracle.rs`): no panic, every problem a diagnostic with a code,
//! formatting a round trip. The edits are the ones byte-level fuzzing
//! reaches slowly: the grammar's keywords swapped and moved, numbers and
//! dates at their limits, nesting at its bound, and in YAML dates swapped,
//! values of the wrong kind, nesting and unknown keys. A fixed seed makes
//! every failure reproduce; it names the seed file and the edit number.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use crate::support::{file_name, files_in, Lcg};

#[path = "../../fuzz/oracle.rs"]
pub(crate) mod oracle;

/// The three targets, by the oracle's check for each.
#[derive(Clone, Copy, Debug)]
enum Target {
    Compile,
    Case,
    Assumptions,
}

impl Target {
    fn check(self, bytes: &[u8]) -> Result<(), String> {
        match self {
            Target::Compile => oracle::proc_file(bytes),
            Target::Case => oracle::case_file(bytes),
            Target::Assumptions => oracle::assumptions_file(bytes),
        }
    }

    /// The folder under `tests/fixtures/fuzz/` that holds inputs which
    /// once crashed this target (docs/fuzzing.md).
    fn regressions(self) -> &'static str {
        match self {
            Target::Compile => "tests/fixtures/fuzz/compile",
            Target::Case => "tests/fixtures/fuzz/case",
            Target::Assumptions => "tests/fixtures/fuzz/assumptions",
        }
    }

    /// The seed corpus: the files `fuzz/seed` copies for cargo-fuzz, less
    /// the regression inputs.
    fn seeds(self) -> Vec<PathBuf> {
        let (folders, extension): (&[&str], &str) = match self {
            Target::Compile => (
                &[
                    "procedures",
                    "examples",
                    "tests/fixtures/check",
                    "tests/fixtures/cases",
                    "tests/fixtures/diff",
                    "tests/fixtures/simulate",
                ],
                "proc",
            ),
            Target::Case => (
                &[
                    "examples/cafcass",
                    "examples/babicm",
                    "tests/fixtures/cases",
                ],
                "yaml",
            ),
            Target::Assumptions => (
                &[
                    "examples/cafcass",
                    "examples/babicm",
                    "tests/fixtures/simulate",
                ],
                "yaml",
            ),
        };
        let assumptions = |p: &PathBuf| file_name(p).ends_with(".assumptions.yaml");
        folders
            .iter()
            .flat_map(|folder| files_in(folder, extension))
            .filter(|p| match self {
                Target::Compile => true,
                Target::Case => !assumptions(p),
                Target::Assumptions => assumptions(p),
            })
            .collect()
    }
}

/// Every file in a target's regression folder, whatever its name: a
/// crashing input may be kept as libFuzzer named it. A missing folder
/// fails, rather than quietly replaying nothing.
fn regressions(target: Target) -> Vec<PathBuf> {
    let dir = crate::support::root().join(target.regressions());
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.retain(|p| p.is_file() && !file_name(p).starts_with('.'));
    paths.sort();
    paths
}

/// Runs one input through a target; a panic or a broken property becomes
/// a line naming the input.
fn run(target: Target, name: &str, bytes: &[u8]) -> Option<String> {
    let outcome = catch_unwind(AssertUnwindSafe(|| target.check(bytes)));
    match outcome {
        Ok(Ok(())) => None,
        Ok(Err(broken)) => Some(format!("{target:?} {name}: {broken}")),
        Err(panic) => Some(format!(
            "{target:?} {name}: panicked: {}",
            panic_message(panic.as_ref())
        )),
    }
}

/// What a caught panic said.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

fn read(path: &PathBuf) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Replays every regression input and every seed, then makes `edits`
/// structure-aware edits of each seed (each edit of one or two changes),
/// and fails listing every input that broke. Regression inputs are not
/// edited: they are often junk, or slow by design (an alias bomb).
fn slice(target: Target, edits: u64, edit: fn(&str, &mut Lcg) -> String) {
    let seeds = target.seeds();
    assert!(seeds.len() >= 3, "{target:?}: too few seeds to fuzz from");
    let mut broken = Vec::new();
    for path in regressions(target) {
        broken.extend(run(target, &file_name(&path), &read(&path)));
    }
    for path in &seeds {
        let name = file_name(path);
        let bytes = read(path);
        broken.extend(run(target, &name, &bytes));
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let mut rng = Lcg::new(seed_of(&name));
        for i in 0..edits {
            let mut mutated = text.clone();
            for _ in 0..=rng.below(2) {
                mutated = edit(&mutated, &mut rng);
            }
            broken.extend(run(target, &format!("{name} edit {i}"), mutated.as_bytes()));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n\n"));
}

/// A seed for each file from its name, so that adding a seed file does
/// not change the edits made to the others.
fn seed_of(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

#[test]
fn procedures_survive_keyword_and_limit_edits() {
    slice(Target::Compile, 3, edit_proc);
}

#[test]
fn case_files_survive_yaml_edits() {
    slice(Target::Case, 4, edit_yaml);
}

#[test]
fn assumptions_survive_yaml_edits() {
    slice(Target::Assumptions, 24, edit_yaml);
}

#[test]
fn the_oracle_passes_good_input_and_finds_the_procedures() {
    assert_eq!(oracle::procedures().map(<[_]>::len), Ok(4));
    let minimal = "procedure p \"P\" {\n  role r\n  start s\n\n  step s {\n    lead r\n    on e -> done\n  }\n\n  outcome done \"Done\"\n}\n";
    assert_eq!(oracle::proc_file(minimal.as_bytes()), Ok(()));
    assert_eq!(oracle::case_file(b"procedure: cafcass\nevents: [}"), Ok(()));
}

/// Diagnostics built by hand, to show the oracle refuses what the project
/// forbids: without this the slice could pass whatever redress did.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("something is wrong")]
struct WithoutCode {
    #[source_code]
    text: String,
    #[label("here")]
    at: miette::SourceSpan,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("something is wrong")]
#[diagnostic(code(E0601), help("fix it"))]
struct Coded {
    #[source_code]
    text: String,
    #[label("here")]
    at: miette::SourceSpan,
}

#[test]
fn the_oracle_refuses_a_diagnostic_without_a_code_or_outside_its_file() {
    let text = "procedure: cafcass\n".to_string();
    let at = |offset: usize| miette::SourceSpan::from((offset, 9));
    let good = Coded {
        text: text.clone(),
        at: at(0),
    };
    assert_eq!(oracle::well_formed(&good, &text), Ok(()));

    let no_code = WithoutCode {
        text: text.clone(),
        at: at(0),
    };
    let broken = oracle::well_formed(&no_code, &text).unwrap_err();
    assert!(
        broken.starts_with("a diagnostic without a code"),
        "{broken}"
    );

    let outside = Coded {
        text: text.clone(),
        at: at(100),
    };
    let broken = oracle::well_formed(&outside, &text).unwrap_err();
    assert!(broken.contains("outside its file"), "{broken}");
}

// ---------------------------------------------------------------------
// Edits of `.proc` text, token by token.

/// Every keyword of the grammar (grammar/redress.pest), and the
/// operators, for swapping into a procedure where another token stood.
const KEYWORDS: [&str; 73] = [
    "agreement",
    "and",
    "based",
    "body",
    "bool",
    "by",
    "calendar",
    "cite",
    "closed",
    "date",
    "day",
    "days",
    "deadline",
    "duration",
    "effective",
    "entry",
    "escalate",
    "extendable",
    "fact",
    "false",
    "final",
    "for",
    "from",
    "in",
    "lead",
    "limit",
    "met",
    "month",
    "months",
    "not",
    "note",
    "of",
    "on",
    "or",
    "otherwise",
    "outcome",
    "paragraphs",
    "pause",
    "procedure",
    "refer",
    "refuse",
    "reject",
    "reopens",
    "requires",
    "role",
    "route",
    "source",
    "start",
    "step",
    "task",
    "text",
    "to",
    "true",
    "version",
    "week",
    "weekend",
    "weeks",
    "when",
    "with",
    "within",
    "working",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "->",
    "|",
    ",",
    ":",
    "{",
    "}",
];

/// Numbers at and past every limit a count or a duration has.
const NUMBERS: [&str; 8] = [
    "0",
    "1",
    "65535",
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "99999999999999999999999999999999",
    "-1",
];

/// Dates at the calendars' edges (1970 to 2199), past them, and ones that
/// do not exist.
const DATES: [&str; 9] = [
    "1969-12-31",
    "1970-01-01",
    "2199-12-31",
    "2200-01-01",
    "2026-02-29",
    "2028-02-29",
    "2026-13-01",
    "0000-01-01",
    "9999-12-31",
];

/// The byte ranges of a text's tokens: words (names, numbers, dates), a
/// quoted string whole, and each other character that is not white space.
fn tokens(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.';
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        if bytes[i] == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                i += 1;
            }
            i = (i + 1).min(bytes.len());
        } else if word(bytes[i]) {
            while i < bytes.len() && word(bytes[i]) {
                i += 1;
            }
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            if text[start..i].trim().is_empty() {
                continue;
            }
        }
        found.push((start, i));
    }
    found
}

fn is_date(token: &str) -> bool {
    token.len() == 10
        && token.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

fn pick<'a>(rng: &mut Lcg, from: &[&'a str]) -> &'a str {
    from[rng.below(from.len() as u64) as usize]
}

/// One edit of a procedure at the level of its tokens.
fn edit_proc(text: &str, rng: &mut Lcg) -> String {
    let tokens = tokens(text);
    if tokens.is_empty() {
        return format!("{} ", pick(rng, &KEYWORDS));
    }
    let any = |rng: &mut Lcg| tokens[rng.below(tokens.len() as u64) as usize];
    let (start, end) = any(rng);
    let splice = |range: (usize, usize), with: &str| {
        format!("{}{with}{}", &text[..range.0], &text[range.1..])
    };
    match rng.below(12) {
        0 => splice((start, end), pick(rng, &KEYWORDS)),
        1 => splice((start, end), ""),
        2 => splice((end, end), &format!(" {}", &text[start..end])),
        3 => {
            let (a, b) = ((start, end), any(rng));
            let (first, second) = if a.0 <= b.0 { (a, b) } else { (b, a) };
            if first.1 > second.0 {
                return text.to_string();
            }
            format!(
                "{}{}{}{}{}",
                &text[..first.0],
                &text[second.0..second.1],
                &text[first.1..second.0],
                &text[first.0..first.1],
                &text[second.1..]
            )
        }
        4 => {
            let numbers: Vec<_> = tokens
                .iter()
                .filter(|(s, e)| text[*s..*e].bytes().all(|b| b.is_ascii_digit()))
                .collect();
            match numbers.get(rng.below(numbers.len().max(1) as u64) as usize) {
                Some(&&range) => splice(range, pick(rng, &NUMBERS)),
                None => splice((start, start), "4294967296 "),
            }
        }
        5 => {
            let dates: Vec<_> = tokens
                .iter()
                .filter(|(s, e)| is_date(&text[*s..*e]))
                .collect();
            match dates.get(rng.below(dates.len().max(1) as u64) as usize) {
                Some(&&range) => splice(range, pick(rng, &DATES)),
                None => splice((start, start), "2200-01-01 "),
            }
        }
        6 => {
            // A condition in brackets, up to a little past the parser's
            // bound on nesting; anywhere else when there is no condition.
            let depth = 1 + rng.below(redress::syntax::MAX_NESTING as u64 + 4) as usize;
            let guards: Vec<usize> = text.match_indices(" when ").map(|(i, _)| i + 6).collect();
            let (open, close) = match guards.get(rng.below(guards.len().max(1) as u64) as usize) {
                Some(&at) => {
                    let rest = &text[at..];
                    let stop = ["\"", " ->", " cite", " requires", " within", "\n"]
                        .iter()
                        .filter_map(|s| rest.find(s))
                        .min()
                        .unwrap_or(rest.len());
                    (at, at + stop)
                }
                None => (start, end),
            };
            format!(
                "{}{}{}{}{}",
                &text[..open],
                "(".repeat(depth),
                &text[open..close],
                ")".repeat(depth),
                &text[close..]
            )
        }
        7 => splice((start, start), &format!("{} ", pick(rng, &KEYWORDS))),
        8 | 9 => {
            // A name where another stood: a role used as a step, a fact as
            // an event, one step's name for another's. The text still
            // parses, so the edit reaches the checker.
            let names: Vec<(usize, usize)> = tokens
                .iter()
                .copied()
                .filter(|(s, e)| {
                    let t = &text[*s..*e];
                    t.starts_with(|c: char| c.is_ascii_lowercase()) && !KEYWORDS.contains(&t)
                })
                .collect();
            if names.is_empty() {
                return text.to_string();
            }
            let at = names[rng.below(names.len() as u64) as usize];
            let (s, e) = names[rng.below(names.len() as u64) as usize];
            splice(at, &text[s..e])
        }
        10 => {
            // A line dropped: a lead, a task, a deadline or a declaration
            // gone, most often leaving text that still parses.
            let (line, end) = line_around(text, start);
            splice((line, (end + 1).min(text.len())), "")
        }
        _ => {
            // A line repeated: a second lead, a duplicate declaration.
            let (line, end) = line_around(text, start);
            splice((line, line), &format!("{}\n", &text[line..end]))
        }
    }
}

/// The start and end (before its line break) of the line holding `at`.
fn line_around(text: &str, at: usize) -> (usize, usize) {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    (start, end)
}

// ---------------------------------------------------------------------
// Edits of YAML (case and assumptions files), value by value.

/// Values of the wrong kind, or of the right kind at a limit, for any
/// place a YAML value stands.
const ODD_VALUES: [&str; 20] = [
    "~",
    "\"\"",
    "[]",
    "{}",
    "yes",
    "-1",
    "0",
    "1.5",
    ".nan",
    "-.inf",
    "1e309",
    "18446744073709551616",
    "0x10",
    "!!binary aGk=",
    "&a 1",
    "*a",
    "2026-02-30",
    "2026-12-18T10:00:00Z",
    "\"\\u0000\"",
    "|\n  text",
];

/// Keys that no part of either format has, and ones that belong elsewhere.
const KEYS: [&str; 6] = ["colour", "on", "event", "until", "by", "expect"];

/// Built-in events and events of the shipped procedures, for putting one
/// where another was.
const EVENTS: [&str; 9] = [
    "received",
    "extended",
    "paused",
    "resumed",
    "withdrawn",
    "response_sent",
    "step2_requested",
    "acknowledge",
    "concern_raised",
];

/// The byte ranges of the values in `key: value` pairs, block or flow
/// style: from after `: ` to the end of the line or the flow item.
fn values(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b':' && bytes[i + 1] == b' ' {
            let start = i + 2;
            let mut end = start;
            while end < bytes.len() && !b",}]\n#".contains(&bytes[end]) {
                end += 1;
            }
            let value = text[start..end].trim_end();
            if !value.is_empty() && !value.starts_with('{') && !value.starts_with('[') {
                found.push((start, start + value.len()));
            }
            i = end;
        } else {
            i += 1;
        }
    }
    found
}

/// The byte ranges of each line, without its line break.
fn lines(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        found.push((start, start + line.trim_end_matches('\n').len()));
        start += line.len();
    }
    found
}

/// One edit of a YAML file that keeps most of it readable, so that the
/// edit reaches the reader's checks rather than the YAML parser's.
fn edit_yaml(text: &str, rng: &mut Lcg) -> String {
    let values = values(text);
    let lines = lines(text);
    if values.is_empty() || lines.is_empty() {
        return format!("{text}\ncolour: red\n");
    }
    let value = |rng: &mut Lcg| values[rng.below(values.len() as u64) as usize];
    let splice = |range: (usize, usize), with: &str| {
        format!("{}{with}{}", &text[..range.0], &text[range.1..])
    };
    match rng.below(9) {
        0 => {
            // Two dates swapped: events out of order, an `expect.at` before
            // the case, an extension before its deadline.
            let dates: Vec<_> = values
                .iter()
                .filter(|(s, e)| is_date(&text[*s..*e]))
                .collect();
            if dates.len() < 2 {
                return splice(value(rng), pick(rng, &DATES));
            }
            let a = *dates[rng.below(dates.len() as u64) as usize];
            let b = *dates[rng.below(dates.len() as u64) as usize];
            let (a, b) = if a.0 <= b.0 { (a, b) } else { (b, a) };
            if a == b {
                return text.to_string();
            }
            format!(
                "{}{}{}{}{}",
                &text[..a.0],
                &text[b.0..b.1],
                &text[a.1..b.0],
                &text[a.0..a.1],
                &text[b.1..]
            )
        }
        1 => splice(value(rng), pick(rng, &DATES)),
        2 => splice(value(rng), pick(rng, &NUMBERS)),
        3 => splice(value(rng), pick(rng, &ODD_VALUES)),
        4 => {
            // A value nested in lists or maps, deeper than any format has
            // but well inside serde_yaml's own recursion limit.
            let range = value(rng);
            let depth = 1 + rng.below(20) as usize;
            let (open, close) = if rng.below(2) == 0 {
                ("[", "]")
            } else {
                ("{a: ", "}")
            };
            splice(
                range,
                &format!(
                    "{}{}{}",
                    open.repeat(depth),
                    &text[range.0..range.1],
                    close.repeat(depth)
                ),
            )
        }
        5 => {
            // An unknown or misplaced key, in a flow mapping or as a line
            // indented like the one it follows.
            let key = pick(rng, &KEYS);
            let (start, _) = value(rng);
            let braces: Vec<usize> = text.match_indices("{ ").map(|(i, _)| i + 2).collect();
            match braces.get(rng.below(braces.len().max(1) as u64) as usize) {
                Some(&at) if rng.below(2) == 0 => {
                    format!("{}{key}: 2026-03-02, {}", &text[..at], &text[at..])
                }
                _ => {
                    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
                    let indent: String = text[line_start..]
                        .chars()
                        .take_while(|c| *c == ' ')
                        .collect();
                    format!(
                        "{}{indent}{key}: red\n{}",
                        &text[..line_start],
                        &text[line_start..]
                    )
                }
            }
        }
        6 => {
            let events: Vec<_> = values
                .iter()
                .filter(|(s, _)| text[..*s].ends_with("event: "))
                .collect();
            match events.get(rng.below(events.len().max(1) as u64) as usize) {
                Some(&&range) => splice(range, pick(rng, &EVENTS)),
                None => splice(value(rng), pick(rng, &EVENTS)),
            }
        }
        7 => {
            let (start, end) = lines[rng.below(lines.len() as u64) as usize];
            if rng.below(2) == 0 {
                splice((start, (end + 1).min(text.len())), "")
            } else {
                splice((start, start), &format!("{}\n", &text[start..end]))
            }
        }
        _ => {
            // Two values swapped: a role where a date was, a fact's value
            // under another fact.
            let a = value(rng);
            let b = value(rng);
            let (a, b) = if a.0 <= b.0 { (a, b) } else { (b, a) };
            if a.1 > b.0 {
                return text.to_string();
            }
            format!(
                "{}{}{}{}{}",
                &text[..a.0],
                &text[b.0..b.1],
                &text[a.1..b.0],
                &text[a.0..a.1],
                &text[b.1..]
            )
        }
    }
}
