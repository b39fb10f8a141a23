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
    /// Several versions of the procedure are found and the case was
    /// received before every one took effect.
    #[error("case received on {received}, before every version of `{name}` took effect; the earliest, {earliest_version}, took effect on {earliest}")]
    #[diagnostic(
        code(E1110),
        help("check the case's `received` date, or pin a version with `version:` and `before_effective: deliberate`")
    )]
    BeforeEveryVersion {
        name: String,
        received: String,
        earliest: String,
        earliest_version: String,
        #[label("received here")]
        span: SourceSpan,
    },
    /// The case pins a version no procedure file declares.
    #[error("no version {version} of procedure `{name}` was found (found: {known})")]
    #[diagnostic(
        code(E1111),
        help("pin one of the versions found, or leave `version:` out to use the one in force when the case was received")
    )]
    UnknownVersion {
        name: String,
        version: String,
        known: String,
        #[label("pinned here")]
        span: SourceSpan,
    },
}
