//! `redress doc`: a procedure as Markdown for people.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::load::compile_procedure;
use super::output::{errln, out};
use super::write::atomic_write;
use super::Outcome;

#[derive(Args)]
pub(crate) struct DocArgs {
    /// The procedure (.proc file).
    procedure: PathBuf,
    #[command(flatten)]
    settings: super::settings_arg::SettingsArg,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Who the document is for: `staff` (every rule, with citations) or
    /// `complainant` (a leaflet in plain English).
    #[arg(long, value_enum, default_value_t = Audience::Staff)]
    audience: Audience,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Audience {
    Staff,
    Complainant,
}

pub(crate) fn run(args: DocArgs) -> Outcome {
    let procedure =
        match compile_procedure(&args.procedure).and_then(|p| args.settings.apply_or_report(p)) {
            Ok(p) => p,
            Err(outcome) => return outcome,
        };
    let text = match args.audience {
        Audience::Staff => crate::report::doc::markdown(&procedure),
        Audience::Complainant => crate::report::leaflet::leaflet(&procedure),
    };
    match &args.out {
        None => {
            out!("{text}");
            Outcome::Success
        }
        Some(path) => match atomic_write(path, &text) {
            Ok(()) => Outcome::Success,
            Err(e) => {
                errln!("error: cannot write `{}`: {e}", path.display());
                Outcome::Usage
            }
        },
    }
}
