//! Diagnostics as the editor shows them, from the compile pipeline (the
//! same `redress check` reports), and the quick fixes their "did you
//! mean" help offers.

use std::ops::Range;

use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri};

use crate::compile::compile_str;
use crate::diagnostic::{Diagnostic, Severity, SourceMap};

use super::position::Lines;

/// Every diagnostic of a document's text, as `redress check` finds them.
pub(crate) fn check(name: &str, text: &str) -> Vec<Diagnostic> {
    let compiled = compile_str(name, text);
    let mut map = SourceMap::new();
    let file = map.add_text(name, text);
    compiled.diagnostics(file)
}

/// A diagnostic for the protocol: code, range of the primary label, the
/// other labels and the help as related information at the same place.
pub(crate) fn to_lsp(uri: &Uri, lines: &Lines<'_>, d: &Diagnostic) -> lsp_types::Diagnostic {
    let span = |r: &Range<usize>| crate::syntax::ast::Span::new(r.start, r.end);
    let range = d
        .labels
        .first()
        .map_or_else(Default::default, |l| lines.range(span(&l.span)));
    let mut related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .skip(1)
        .filter_map(|l| {
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), lines.range(span(&l.span))),
                message: l.text.clone()?,
            })
        })
        .collect();
    if let Some(help) = &d.help {
        related.push(DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range),
            message: format!("help: {help}"),
        });
    }
    let label = d.labels.first().and_then(|l| l.text.as_deref());
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.clone())),
        source: Some("redress".to_string()),
        message: match label {
            Some(label) => format!("{} ({label})", d.message),
            None => d.message.clone(),
        },
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

/// A quick fix: what replaces which bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Fix {
    pub(crate) span: Range<usize>,
    pub(crate) replacement: String,
}

/// The fix a diagnostic's help suggests: "did you mean `x`?" replaces the
/// labelled name with `x`; "did you mean "1.1"?" (a citation) replaces the
/// labelled string.
pub(crate) fn fix(text: &str, d: &Diagnostic) -> Option<Fix> {
    let help = d.help.as_deref()?;
    let span = d.labels.first()?.span.clone();
    let written = text.get(span.clone()).filter(|w| !w.is_empty())?;
    let rest = help.split("did you mean ").nth(1)?;
    let replacement = if let Some(name) = rest.strip_prefix('`') {
        name.split('`').next()?.to_string()
    } else if let Some(label) = rest.strip_prefix('"') {
        if !written.starts_with('"') {
            return None;
        }
        format!("\"{}\"", label.split('"').next()?)
    } else {
        return None;
    };
    (replacement != written).then_some(Fix { span, replacement })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_becomes_a_replacement_of_the_labelled_name() {
        let text = "procedure p \"P\" {\n  role manager\n  start s\n  step s { lead manger\n    on e -> closd }\n  outcome closed \"C\"\n}";
        let diagnostics = check("p.proc", text);
        let fixed: Vec<(String, String)> = diagnostics
            .iter()
            .filter_map(|d| fix(text, d).map(|f| (text[f.span].to_string(), f.replacement)))
            .collect();
        assert_eq!(
            fixed,
            [
                ("manger".to_string(), "manager".to_string()),
                ("closd".to_string(), "closed".to_string())
            ]
        );
    }

    /// The fixes `check` offers for `text`, as (written, replacement).
    fn fixes(text: &str) -> Vec<(String, String)> {
        check("p.proc", text)
            .iter()
            .filter_map(|d| fix(text, d).map(|f| (text[f.span].to_string(), f.replacement)))
            .collect()
    }

    #[test]
    fn a_mistyped_keyword_and_a_mistyped_citation_are_fixed_too() {
        let keyword = "procedure p \"P\" {\n  start s\n  step s { leed r\n  }\n}";
        assert_eq!(fixes(keyword), [("leed".to_string(), "lead".to_string())]);
        let cite = "procedure p \"P\" {\n  paragraphs \"1.1\"\n  role r\n  start s\n  step s { lead r\n    on e -> done cite \"1.2\"\n  }\n  outcome done \"D\"\n}";
        assert_eq!(
            fixes(cite),
            [("\"1.2\"".to_string(), "\"1.1\"".to_string())]
        );
    }
}
