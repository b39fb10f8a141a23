//! `ImportError` (E12xx): a problem in a mapping file or a row of an
//! export, at its place in that file.

use miette::SourceSpan;

/// Which of the two files a problem is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InFile {
    Mapping,
    Export,
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum ImportErrorKind {
    /// The mapping is not YAML of the documented shape.
    #[error("the mapping cannot be read: {message}")]
    #[diagnostic(
        code(E1201),
        help("a mapping has `columns` (case, event, date, and optionally procedure, by, person, note), `date_format`, and optionally `layout`, `procedure`, `facts`, `events` and `values` (docs/cases.md)")
    )]
    Mapping { message: String },
    /// The mapping names a column the export's header does not have.
    #[error("the export has no column `{column}` (it has: {header})")]
    #[diagnostic(code(E1202), help("{help}"))]
    NoSuchColumn {
        column: String,
        header: String,
        help: String,
    },
    /// A date cell that is not in the mapping's date format (or ISO).
    #[error("`{text}` in column `{column}` is not a date in the form {format} or YYYY-MM-DD")]
    #[diagnostic(
        code(E1203),
        help("write dates as the mapping's `date_format` says ({format}), or as YYYY-MM-DD")
    )]
    BadDate {
        text: String,
        column: String,
        format: String,
    },
    /// A cell every row needs is empty.
    #[error("column `{column}` is empty; every row needs its {what}")]
    #[diagnostic(
        code(E1204),
        help("fill in the cell, or pass --skip-bad to leave the row out")
    )]
    Empty { column: String, what: String },
    /// A line the CSV reader cannot read (a stray quote, a row with a
    /// different number of cells).
    #[error("the row cannot be read as CSV: {message}")]
    #[diagnostic(
        code(E1205),
        help("every row needs as many cells as the header; quote a cell that holds a comma")
    )]
    Csv { message: String },
    /// Rows of one case name different procedures.
    #[error("case `{case}` is under procedure `{first}` in an earlier row, and `{this}` here")]
    #[diagnostic(code(E1206), help("a case follows one procedure; correct the row"))]
    TwoProcedures {
        case: String,
        first: String,
        this: String,
    },
}

/// A problem at a place: the file it is in, and the span of that file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct ImportError {
    pub kind: ImportErrorKind,
    pub file: InFile,
    pub span: SourceSpan,
}

impl miette::Diagnostic for ImportError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.kind.code()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.kind.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some("here".to_string()), self.span),
        )))
    }
}
