//! Reading a file's bytes into text the parser can trust: bounded in size
//! and valid UTF-8. Anything else is a diagnostic, never a panic.

use std::sync::Arc;

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

/// The largest `.proc` file accepted. The largest real procedure is a few
/// kilobytes; a generated one of 10,000 steps is about 2 MB.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// A file's name and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// Why a file's bytes cannot be read as text.
#[derive(Debug, Error, Diagnostic)]
pub enum InputError {
    /// The file holds bytes that are not UTF-8 text (a binary file, or text
    /// saved in another encoding).
    #[error("the file is not UTF-8 text (invalid byte at offset {offset})")]
    #[diagnostic(
        code(E0001),
        help(
            "save the file as UTF-8; if it is not a procedure, leave it out of the paths you check"
        )
    )]
    InvalidUtf8 {
        offset: usize,
        #[label("not UTF-8")]
        span: SourceSpan,
    },

    /// The file is larger than any procedure should be.
    #[error("the file is {size} bytes; procedures are limited to {limit} bytes")]
    #[diagnostic(
        code(E0002),
        help("split the procedure, or check that this is the file you meant")
    )]
    TooLarge {
        size: usize,
        limit: usize,
        #[label("file starts here")]
        span: SourceSpan,
    },

    /// The file could not be read at all: missing, a folder, or not
    /// permitted.
    #[error("cannot read the file: {reason}")]
    #[diagnostic(code(E0006), help("check the path and the file's permissions"))]
    Unreadable {
        reason: String,
        #[label("unreadable")]
        span: SourceSpan,
    },
}

impl InputError {
    /// A failed read, as a diagnostic rather than an abort.
    pub fn unreadable(error: &std::io::Error) -> InputError {
        InputError::Unreadable {
            reason: error.to_string(),
            span: SourceSpan::from((0, 0)),
        }
    }
}

/// Decodes a file's bytes, refusing oversized or non-UTF-8 input. A
/// refusal comes with the text to show it against: the bytes decoded
/// lossily (everything before the bad byte is valid, so offsets agree), or
/// the first line of a file too large to hold.
pub fn decode(name: &str, bytes: &[u8]) -> Result<SourceFile, (InputError, SourceFile)> {
    if bytes.len() > MAX_FILE_BYTES {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(80)]);
        let head: String = head.lines().next().unwrap_or("").to_string();
        return Err((
            InputError::TooLarge {
                size: bytes.len(),
                limit: MAX_FILE_BYTES,
                span: SourceSpan::from((0, head.len().min(1))),
            },
            SourceFile::new(name, head),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(e) => {
            let offset = e.valid_up_to();
            Err((
                InputError::InvalidUtf8 {
                    offset,
                    span: SourceSpan::from((offset, char::REPLACEMENT_CHARACTER.len_utf8())),
                },
                SourceFile::new(name, String::from_utf8_lossy(bytes).into_owned()),
            ))
        }
    }
}
