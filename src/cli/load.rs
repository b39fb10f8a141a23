//! Reading the files commands are given: procedures, cases, assumptions
//! and calendar files, every failure a diagnostic in the file. Every read
//! goes through [`read_file`], which reads regular files only (a FIFO
//! would block forever, a device such as `/dev/zero` would never end) and
//! never more than one byte past the size bound, so that no file can make
//! redress wait or fill memory.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use miette::SourceSpan;

use crate::check::Procedure;
use crate::compile::compile;
use crate::diagnostic::{Diagnostic, FileId, SourceMap};
use crate::source::{decode, InputError, MAX_FILE_BYTES};

use super::output::errln;
use super::render::show;
use super::Outcome;

/// Why a file was not read.
pub(crate) enum ReadError {
    /// It could not be opened or read; the message says why.
    Io(String),
    /// It is larger than the bound: its size, as far as it is known.
    TooLarge(u64),
}

/// What kind of thing a path is, for saying why it is not read.
pub(crate) fn kind_of(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

/// A regular file's bytes, at most `limit` of them.
pub(crate) fn read_file(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    let shown = path.display();
    let cannot = |e: std::io::Error| ReadError::Io(format!("cannot read `{shown}`: {e}"));
    // Asked before opening, because opening a FIFO for reading waits for
    // a writer.
    let metadata = std::fs::metadata(path).map_err(cannot)?;
    if !metadata.is_file() {
        return Err(ReadError::Io(format!(
            "`{shown}` is {}; redress reads only regular files",
            kind_of(metadata.file_type())
        )));
    }
    let file = File::open(path).map_err(cannot)?;
    // The file may have been swapped since it was looked at.
    let opened = file.metadata().map_err(cannot)?;
    if !opened.is_file() {
        return Err(ReadError::Io(format!(
            "`{shown}` is {}; redress reads only regular files",
            kind_of(opened.file_type())
        )));
    }
    if opened.len() > limit as u64 {
        return Err(ReadError::TooLarge(opened.len()));
    }
    let mut bytes = Vec::with_capacity(opened.len() as usize);
    // One byte past the bound tells a file that grew while being read.
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() > limit {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads a text file into `map`, bounded like every read. A file that
/// cannot be read (E0006), is not UTF-8 (E0001) or is too large is added
/// all the same, with what can be shown of it, and the diagnostic says why.
pub(crate) fn read_source(path: &Path, map: &mut SourceMap) -> Result<FileId, Diagnostic> {
    let name = path.to_string_lossy();
    let unreadable = |map: &mut SourceMap, reason: String| {
        let file = map.add_text(&name, "");
        Diagnostic::from_error(
            &InputError::Unreadable {
                reason,
                span: SourceSpan::from((0, 0)),
            },
            file,
        )
    };
    match read_file(path, MAX_FILE_BYTES) {
        Ok(bytes) => match decode(&name, &bytes) {
            Ok(source) => Ok(map.add(source)),
            Err((error, shown)) => {
                let file = map.add(shown);
                Err(Diagnostic::from_error(&error, file))
            }
        },
        Err(ReadError::Io(message)) => Err(unreadable(map, message)),
        Err(ReadError::TooLarge(size)) => Err(unreadable(
            map,
            format!(
                "files are limited to {MAX_FILE_BYTES} bytes; this one is {size} (docs/cases.md, \"Limits\")"
            ),
        )),
    }
}

/// Compiles a procedure file; on failure, prints why and gives the exit.
pub(crate) fn compile_procedure(path: &Path) -> Result<Procedure, Outcome> {
    let name = path.to_string_lossy().into_owned();
    let mut map = SourceMap::new();
    let bytes = match read_file(path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadError::Io(reason)) => {
            let file = map.add_text(&name, "");
            let error = InputError::Unreadable {
                reason,
                span: SourceSpan::from((0, 0)),
            };
            show(&[Diagnostic::from_error(&error, file)], &map);
            return Err(Outcome::Usage);
        }
        Err(ReadError::TooLarge(size)) => {
            let file = map.add_text(&name, "");
            let error = InputError::TooLarge {
                size: usize::try_from(size).unwrap_or(usize::MAX),
                limit: MAX_FILE_BYTES,
                span: SourceSpan::from((0, 0)),
            };
            show(&[Diagnostic::from_error(&error, file)], &map);
            return Err(Outcome::Invalid);
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
