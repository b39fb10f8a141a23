//! `redress paths`: every path through a procedure, with its durations.

use std::path::PathBuf;

use clap::Args;

use crate::analysis::paths::{human, paths};

use super::load::compile_procedure;
use super::output::{errln, out, outln};
use super::{HumanOrJson, Outcome};

#[derive(Args)]
pub(crate) struct PathsArgs {
    /// The procedure (.proc file).
    procedure: PathBuf,
    /// How many times a path may take a loop (enter a step again).
    #[arg(long, default_value_t = 1, value_name = "N")]
    max_loops: u32,
    #[arg(long, value_enum, default_value_t = HumanOrJson::Human)]
    format: HumanOrJson,
}

pub(crate) fn run(args: PathsArgs) -> Outcome {
    let procedure = match compile_procedure(&args.procedure) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    let found = paths(&procedure, args.max_loops.min(10));
    match args.format {
        HumanOrJson::Human => out!("{}", human(&found)),
        HumanOrJson::Json => match serde_json::to_string_pretty(&found) {
            Ok(text) => outln!("{text}"),
            Err(e) => errln!("error: cannot write JSON: {e}"),
        },
    }
    Outcome::Success
}
