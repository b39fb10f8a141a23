//! Reading files for commands, every failure a diagnostic in the file.

use std::path::Path;

use crate::check::Procedure;
use crate::compile::compile;
use crate::diagnostic::{Diagnostic, FileId, SourceMap};
use crate::source::{decode, InputError};

use super::output::errln;
use super::render::show;
use super::Outcome;

/// Reads a text file into `map`. A file that cannot be read (E0006), is
/// not UTF-8 (E0001) or is too large (E0002) is added all the same, with
/// what can be shown of it, and the diagnostic says why.
pub(crate) fn read_source(path: &Path, map: &mut SourceMap) -> Result<FileId, Diagnostic> {
    let name = path.to_string_lossy();
    match std::fs::read(path) {
        Ok(bytes) => match decode(&name, &bytes) {
            Ok(source) => Ok(map.add(source)),
            Err((error, shown)) => {
                let file = map.add(shown);
                Err(Diagnostic::from_error(&error, file))
            }
        },
        Err(error) => {
            let file = map.add_text(&name, "");
            Err(Diagnostic::from_error(
                &InputError::unreadable(&error),
                file,
            ))
        }
    }
}

/// Compiles a procedure file; on failure, prints why and gives the exit.
pub(crate) fn compile_procedure(path: &Path) -> Result<Procedure, Outcome> {
    let name = path.to_string_lossy().into_owned();
    let mut map = SourceMap::new();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            let file = map.add_text(&name, "");
            show(
                &[Diagnostic::from_error(
                    &InputError::unreadable(&error),
                    file,
                )],
                &map,
            );
            return Err(Outcome::Usage);
        }
    };
    let compiled = compile(&name, &bytes);
    match compiled.procedure {
        Some(procedure) => Ok(procedure),
        None => {
            let file = map.add(compiled.source.clone());
            show(&compiled.diagnostics(file), &map);
            errln!("{name}: the procedure has errors; fix them first (redress check {name})");
            Err(Outcome::Invalid)
        }
    }
}
