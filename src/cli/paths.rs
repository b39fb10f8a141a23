//! `redress paths`: the paths through a procedure, with their durations.

use std::path::PathBuf;

use clap::Args;
use miette::Diagnostic;
use thiserror::Error;

use crate::analysis::paths::{
    human, paths, Options, TooLarge, DEFAULT_LIMIT, MAX_LOOPS, MAX_STATES,
};

use super::load::compile_procedure;
use super::output::{errln, out, outln};
use super::render::{show, CommandLine};
use super::{HumanOrJson, Outcome};
use crate::diagnostic::SourceMap;

#[derive(Args)]
pub(crate) struct PathsArgs {
    /// The procedure (.proc file).
    procedure: PathBuf,
    #[command(flatten)]
    settings: super::settings_arg::SettingsArg,
    /// How many loops (transitions back to an earlier step) a path may take, at most 1000.
    #[arg(long, default_value_t = 1, value_name = "N")]
    max_loops: u32,
    /// How many paths to list; the rest are counted, and the longest is always shown.
    #[arg(long, default_value_t = DEFAULT_LIMIT, value_name = "N")]
    limit: usize,
    #[arg(long, value_enum, default_value_t = HumanOrJson::Human)]
    format: HumanOrJson,
}

/// `--max-loops` beyond what the analysis takes on.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(
    code(E1001),
    help("ask for fewer loops: a path rarely returns to an earlier step more than a few times")
)]
struct TooManyLoops {
    message: String,
}

pub(crate) fn run(args: PathsArgs) -> Outcome {
    let procedure =
        match compile_procedure(&args.procedure).and_then(|p| args.settings.apply_or_report(p)) {
            Ok(p) => p,
            Err(outcome) => return outcome,
        };
    let options = Options {
        max_loops: args.max_loops,
        limit: args.limit,
    };
    let found = match paths(&procedure, options) {
        Ok(found) => found,
        Err(too_large) => {
            let message = match too_large {
                TooLarge::Loops { max_loops } => {
                    format!("--max-loops {max_loops} is more than the {MAX_LOOPS} loops `redress paths` follows")
                }
                TooLarge::States { steps, max_loops } => format!(
                    "{steps} steps with up to {max_loops} loops are more than `redress paths` analyses: steps × (loops + 1) may be at most {MAX_STATES}"
                ),
            };
            let mut map = SourceMap::new();
            let line = CommandLine::from_env(&mut map);
            show(
                &[line.labelled(
                    &TooManyLoops { message },
                    &args.max_loops.to_string(),
                    "too many",
                )],
                &map,
            );
            return Outcome::Usage;
        }
    };
    match args.format {
        HumanOrJson::Human => out!("{}", human(&found)),
        HumanOrJson::Json => match serde_json::to_string_pretty(&found) {
            Ok(text) => outln!("{text}"),
            Err(e) => errln!("error: cannot write JSON: {e}"),
        },
    }
    Outcome::Success
}
