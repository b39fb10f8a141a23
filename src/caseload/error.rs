//! `CaseloadError` (E11xx): a case among many that names a procedure the
//! command cannot use. The case's own problems are the case phase's
//! (E06xx) and the replay's (E08xx).

use miette::SourceSpan;

/// Why a case found among many cannot be replayed, at its `procedure:`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
pub enum CaseloadError {
    /// No procedure file declares the id the case names.
    #[error("no procedure `{name}` was found (found: {known})")]
    #[diagnostic(
        code(E1101),
        help("pass --procedures DIR, the folder holding the .proc file that declares `procedure {name}`")
    )]
    UnknownProcedure {
        name: String,
        known: String,
        #[label("named here")]
        span: SourceSpan,
    },
    /// The procedure the case names does not compile.
    #[error("procedure `{name}` ({path}) has errors, so this case cannot be replayed")]
    #[diagnostic(
        code(E1102),
        help("run `redress check {path}` and fix the procedure first")
    )]
    BrokenProcedure {
        name: String,
        path: String,
        #[label("named here")]
        span: SourceSpan,
    },
}
