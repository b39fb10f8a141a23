//! `redress fmt`: put `.proc` files in the canonical layout.

use std::path::PathBuf;

use clap::Args;

use crate::compile::compile;
use crate::diagnostic::{Diagnostic, SourceMap};
use crate::format::format_source;
use crate::source::MAX_FILE_BYTES;

use super::load::{read_file, ReadError};
use super::output::{errln, outln};
use super::render::show;
use super::write::{replace, WriteError};
use super::Outcome;

#[derive(Args)]
pub(crate) struct FmtArgs {
    /// Files, or folders searched recursively for `.proc` files.
    #[arg(default_value = "procedures")]
    paths: Vec<PathBuf>,
    /// Change nothing: list the files that are not formatted, and exit 1
    /// if there are any.
    #[arg(long)]
    check: bool,
}

pub(crate) fn run(args: FmtArgs) -> Outcome {
    let files = match super::check::collect_files(&args.paths) {
        Ok(files) => files,
        Err(message) => {
            errln!("error: {message}");
            return Outcome::Usage;
        }
    };
    let mut unformatted = 0;
    let mut unparsable = 0;
    let mut changed = 0;
    for path in &files {
        let name = path.to_string_lossy().into_owned();
        let bytes = match read_file(path, MAX_FILE_BYTES) {
            Ok(b) => b,
            Err(ReadError::Io(message)) => {
                errln!("error: {message}");
                return Outcome::Usage;
            }
            Err(ReadError::TooLarge(size)) => {
                errln!("{name}: not formatted: it is {size} bytes, and procedures are limited to {MAX_FILE_BYTES}");
                unparsable += 1;
                continue;
            }
        };
        let formatted = std::str::from_utf8(&bytes).ok().and_then(format_source);
        let Some(formatted) = formatted else {
            // Left untouched: show why it cannot be formatted.
            let compiled = compile(&name, &bytes);
            let mut map = SourceMap::new();
            let file = map.add(compiled.source.clone());
            let in_syntax: Vec<Diagnostic> = compiled
                .problems
                .iter()
                .filter(|p| p.is_in_syntax())
                .map(|p| Diagnostic::from_error(p, file))
                .collect();
            show(&in_syntax, &map);
            errln!("{name}: not formatted, because it does not parse");
            unparsable += 1;
            continue;
        };
        if formatted.as_bytes() == bytes.as_slice() {
            continue;
        }
        unformatted += 1;
        if args.check {
            outln!("would reformat {name}");
        } else {
            match replace(path, &bytes, &formatted) {
                Ok(()) => outln!("formatted {name}"),
                Err(WriteError::Changed) => {
                    errln!("{name}: not formatted: it changed while redress was formatting it; run fmt again");
                    changed += 1;
                }
                Err(e) => {
                    errln!("error: cannot write `{name}`: {e}");
                    return Outcome::Usage;
                }
            }
        }
    }
    if unparsable > 0 || changed > 0 || (args.check && unformatted > 0) {
        Outcome::Invalid
    } else {
        Outcome::Success
    }
}
