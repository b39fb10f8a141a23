//! `--settings FILE`, shared by `run`, `test`, `simulate`, `paths` and
//! `doc`, and a case file's `settings:`: an organisation's values for a
//! procedure's settings, read and applied (the settings module reads no
//! files).

use std::path::{Path, PathBuf};

use clap::Args;

use super::load::read_source;
use super::render::show;
use super::Outcome;
use crate::check::Procedure;
use crate::diagnostic::{Diagnostic, SourceMap};

#[derive(Args, Clone, Debug, Default)]
pub(crate) struct SettingsArg {
    /// The organisation's settings (YAML: `settings: { NAME: VALUE }`),
    /// replacing the procedure's defaults; wins over a case file's
    /// `settings:`.
    #[arg(long, value_name = "FILE")]
    pub(crate) settings: Option<PathBuf>,
}

impl SettingsArg {
    /// The procedure with the file's values, or it unchanged when no file
    /// was given; a bad file is printed and is exit 1.
    pub(crate) fn apply_or_report(&self, procedure: Procedure) -> Result<Procedure, Outcome> {
        match &self.settings {
            None => Ok(procedure),
            Some(path) => {
                let mut map = SourceMap::new();
                apply_file(path, &procedure, &mut map).map_err(|(diagnostics, outcome)| {
                    show(&diagnostics, &map);
                    outcome
                })
            }
        }
    }
}

/// `procedure` with the values of the settings file at `path`, or the
/// diagnostics (in `map`) and the exit they mean: a file that cannot be
/// read is a usage error, a wrong value an invalid input.
pub(crate) fn apply_file(
    path: &Path,
    procedure: &Procedure,
    map: &mut SourceMap,
) -> Result<Procedure, (Vec<Diagnostic>, Outcome)> {
    let file = read_source(path, map).map_err(|d| (vec![d], Outcome::Usage))?;
    crate::settings::apply(map.name(file), map.text(file), procedure).map_err(|errors| {
        let diagnostics = errors
            .iter()
            .map(|e| Diagnostic::from_error(e, file))
            .collect();
        (diagnostics, Outcome::Invalid)
    })
}

/// The settings file a case names (`settings: path`), relative to the
/// case file's folder.
pub(crate) fn beside(case_file: &Path, named: &str) -> PathBuf {
    case_file
        .parent()
        .unwrap_or_else(|| Path::new(""))
        .join(named)
}
