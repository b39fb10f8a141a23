//! Reading the files commands are given: procedures, cases, assumptions
//! and calendar files. Every read goes through [`read_file`], which
//! reads regular files only (a FIFO would block forever, a device such as
//! `/dev/zero` would never end) and never more than one byte past the
//! size bound, so that no file can make redress wait or fill memory.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use miette::{NamedSource, SourceSpan};

use crate::check::Procedure;
use crate::compile::compile;
use crate::source::{InputError, MAX_FILE_BYTES};

use super::render::render;
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

/// A YAML file's text (a case, assumptions or calendar file), or `None`
/// after saying why it cannot be read.
pub(crate) fn read_text(path: &Path) -> Option<String> {
    let name = path.to_string_lossy().into_owned();
    let bytes = match read_file(path, crate::yaml::MAX_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadError::Io(message)) => {
            eprintln!("error: {message}");
            return None;
        }
        Err(ReadError::TooLarge(size)) => {
            eprintln!(
                "error: `{name}` is {size} bytes; case, assumptions and calendar files are limited to {} bytes (docs/cases.md, \"Limits\")",
                crate::yaml::MAX_BYTES
            );
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            // Everything before the bad byte is valid, so offsets agree
            // between the bytes and the lossy text shown.
            let shown = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let problem = InputError::InvalidUtf8 {
                offset,
                span: SourceSpan::from((offset, char::REPLACEMENT_CHARACTER.len_utf8())),
                shown: Arc::new(NamedSource::new(name, shown)),
            };
            eprint!("{}", render(&problem));
            None
        }
    }
}

/// A YAML file's text, or why it cannot be read in words, for commands
/// that report it inside a diagnostic of their own.
pub(crate) fn read_string(path: &Path) -> Result<String, String> {
    let limit = crate::yaml::MAX_BYTES;
    let bytes = read_file(path, limit).map_err(|e| match e {
        ReadError::Io(message) => message,
        ReadError::TooLarge(size) => {
            format!("`{}` is {size} bytes; the limit is {limit}", path.display())
        }
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        format!("`{}` is not UTF-8 text (line {line})", path.display())
    })
}

/// Compiles a procedure file; on failure, prints why and gives the exit.
pub(crate) fn compile_procedure(path: &Path) -> Result<Procedure, Outcome> {
    let name = path.to_string_lossy().into_owned();
    let bytes = match read_file(path, MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadError::Io(message)) => {
            eprintln!("error: {message}");
            return Err(Outcome::Usage);
        }
        Err(ReadError::TooLarge(size)) => {
            let problem = InputError::TooLarge {
                size: usize::try_from(size).unwrap_or(usize::MAX),
                limit: MAX_FILE_BYTES,
                span: SourceSpan::from((0, 0)),
                shown: Arc::new(NamedSource::new(&name, String::new())),
            };
            eprint!("{}", render(&problem));
            return Err(Outcome::Invalid);
        }
    };
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
