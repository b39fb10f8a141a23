//! Reading files for commands that need a compiled procedure.

use std::path::Path;

use crate::check::Procedure;
use crate::compile::compile;

use super::render::render;
use super::Outcome;

/// A file's text, or `None` after saying why it cannot be read.
pub(crate) fn read_text(path: &Path) -> Option<String> {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(_) => {
                eprintln!("error: `{}` is not UTF-8 text", path.display());
                None
            }
        },
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", path.display());
            None
        }
    }
}

/// Compiles a procedure file; on failure, prints why and gives the exit.
pub(crate) fn compile_procedure(path: &Path) -> Result<Procedure, Outcome> {
    let name = path.to_string_lossy().into_owned();
    let bytes = std::fs::read(path).map_err(|e| {
        eprintln!("error: cannot read `{name}`: {e}");
        Outcome::Usage
    })?;
    let compiled = compile(&name, &bytes);
    match compiled.procedure {
        Some(procedure) => Ok(procedure),
        None => {
            for problem in compiled.with_source() {
                eprint!("{}", render(&problem));
            }
            eprintln!("{name}: the procedure has errors; fix them first (redress check {name})");
            Err(Outcome::Invalid)
        }
    }
}
