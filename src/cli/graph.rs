//! `redress graph`: a diagram of a procedure.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::load::compile_procedure;
use super::output::out;
use super::Outcome;

#[derive(Args)]
pub(crate) struct GraphArgs {
    /// The procedure (.proc file).
    procedure: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Mermaid)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// A Mermaid flowchart (renders in GitHub Markdown).
    Mermaid,
    /// Graphviz DOT.
    Dot,
}

pub(crate) fn run(args: GraphArgs) -> Outcome {
    let procedure = match compile_procedure(&args.procedure) {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    match args.format {
        Format::Mermaid => out!("{}", crate::report::graph::mermaid(&procedure)),
        Format::Dot => out!("{}", crate::report::graph::dot(&procedure)),
    }
    Outcome::Success
}
