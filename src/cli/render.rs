//! Showing diagnostics on standard error, and the command line as a file
//! of the source map so that an error about an argument points at it.

use std::io::IsTerminal;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, FileId, SourceMap};

use super::output::err;

/// Colour and Unicode only on a terminal, and never when `NO_COLOR` is set.
pub(crate) fn wants_colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Prints diagnostics for people, on standard error.
pub(crate) fn show(diagnostics: &[Diagnostic], map: &SourceMap) {
    err!(
        "{}",
        crate::report::diagnostic::human(diagnostics, map, wants_colour())
    );
}

/// Diagnostics for people, as text (for `redress test`, which indents
/// them under the case they belong to).
pub(crate) fn render(diagnostics: &[Diagnostic], map: &SourceMap) -> String {
    crate::report::diagnostic::human(diagnostics, map, wants_colour())
}

/// The command line as a file: `redress days add 2026-02-30 20` with
/// `2026-02-30` underlined.
pub(crate) struct CommandLine {
    file: FileId,
    text: String,
    spans: Vec<Range<usize>>,
}

impl CommandLine {
    /// The process's arguments, added to `map` as the file `command line`.
    pub(crate) fn from_env(map: &mut SourceMap) -> CommandLine {
        let mut text = String::from("redress");
        let mut spans = Vec::new();
        for arg in std::env::args_os().skip(1) {
            let arg = arg.to_string_lossy();
            text.push(' ');
            spans.push(text.len()..text.len() + arg.len());
            text.push_str(&arg);
        }
        CommandLine {
            file: map.add_text("command line", &text),
            text,
            spans,
        }
    }

    /// Where the argument `value` stands, or the whole line when it is not
    /// there verbatim.
    pub(crate) fn span_of(&self, value: &str) -> Range<usize> {
        self.spans
            .iter()
            .rev()
            .find(|s| self.text.get((*s).clone()) == Some(value))
            .cloned()
            .unwrap_or(0..self.text.len())
    }

    /// A phase's error about the argument `value`, labelled there.
    pub(crate) fn at(&self, error: &dyn miette::Diagnostic, value: &str) -> Diagnostic {
        Diagnostic::from_error(error, self.file).at(self.file, self.span_of(value), None)
    }

    /// [`CommandLine::at`], with words under the argument.
    pub(crate) fn labelled(
        &self,
        error: &dyn miette::Diagnostic,
        value: &str,
        label: &str,
    ) -> Diagnostic {
        Diagnostic::from_error(error, self.file).at(self.file, self.span_of(value), Some(label))
    }
}
