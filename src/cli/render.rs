//! Shared output plumbing: miette's report style, and errors about
//! command-line arguments shown against the command line itself.

use std::io::IsTerminal;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource, SourceSpan};

/// Colour and Unicode only on a terminal, and never when `NO_COLOR` is set.
pub(crate) fn wants_colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub(crate) fn install_report_handler() {
    let colour = wants_colour();
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .color(colour)
                .unicode(colour)
                .terminal_links(false)
                .build(),
        )
    }));
}

/// A graphical report handler for rendering diagnostics to a string.
pub(crate) fn report_handler() -> GraphicalReportHandler {
    let theme = if wants_colour() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100)
}

/// Renders one diagnostic the way every command shows errors.
pub(crate) fn render(diagnostic: &dyn Diagnostic) -> String {
    let mut out = String::new();
    if report_handler()
        .render_report(&mut out, diagnostic)
        .is_err()
    {
        out = diagnostic.to_string();
    }
    out
}

/// The command line as a source, so an error about an argument can point
/// at it: `redress days add 2026-02-30 20` with `2026-02-30` underlined.
pub(crate) struct CommandLine {
    text: String,
    spans: Vec<SourceSpan>,
}

impl CommandLine {
    pub(crate) fn from_env() -> CommandLine {
        let mut text = String::from("redress");
        let mut spans = Vec::new();
        for arg in std::env::args_os().skip(1) {
            let arg = arg.to_string_lossy();
            text.push(' ');
            spans.push(SourceSpan::from((text.len(), arg.len())));
            text.push_str(&arg);
        }
        CommandLine { text, spans }
    }

    /// Where the argument `value` stands, or the whole line when it is not
    /// there verbatim.
    pub(crate) fn span_of(&self, value: &str) -> SourceSpan {
        self.spans
            .iter()
            .rev()
            .find(|s| &self.text[s.offset()..s.offset() + s.len()] == value)
            .copied()
            .unwrap_or_else(|| SourceSpan::from((0, self.text.len())))
    }

    /// Prints `error` with the command line as its source code.
    pub(crate) fn report(&self, error: impl Diagnostic + Send + Sync + 'static) {
        let report = miette::Report::new(error)
            .with_source_code(NamedSource::new("command line", self.text.clone()));
        eprint!("{}", render(report.as_ref()));
    }
}
