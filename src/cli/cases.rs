//! Cases for the commands that take many (`run`, `test`, `status`, `diff
//! --cases`): paths gathered into files, each file cut into its cases
//! (`case::bulk`), each case read against its procedure, and every problem
//! placed on its line in the whole file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::case::bulk::{documents, Document, Layout, CASE_EXTENSIONS};
use crate::case::locate::{key, locate};
use crate::case::{load, locate_replay_error, read_header, Loaded};
use crate::caseload::CaseloadError;
use crate::check::Procedure;
use crate::diagnostic::{Diagnostic, FileId, SourceMap};
use crate::engine::ReplayError;

use super::load::read_source;
use super::output::errln;
use super::test::{walk, Found};
use super::Outcome;

/// The case files among `paths`: files as given, folders searched for
/// `.yaml`, `.yml`, `.jsonl` and `.ndjson` files in name order. A path that
/// does not exist is a usage error, said here.
pub(super) fn gather(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Outcome> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, 0, &CASE_EXTENSIONS, &mut files);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            errln!("error: no such file or folder: `{}`", path.display());
            return Err(Outcome::Usage);
        }
    }
    Ok(files)
}

/// A case file read into its own source map, and its cases.
pub(super) struct CaseFile {
    pub(super) map: SourceMap,
    pub(super) file: FileId,
    pub(super) name: String,
    layout: Layout,
}

impl CaseFile {
    /// Reads `path`; a file that cannot be read or decoded is the
    /// diagnostic that says why.
    pub(super) fn read(path: &Path) -> Result<CaseFile, Box<(SourceMap, Diagnostic)>> {
        let mut map = SourceMap::new();
        match read_source(path, &mut map) {
            Ok(file) => Ok(CaseFile {
                name: map.name(file).to_string(),
                map,
                file,
                layout: Layout::of(path),
            }),
            Err(diagnostic) => Err(Box::new((map, diagnostic))),
        }
    }

    pub(super) fn text(&self) -> &str {
        self.map.text(self.file)
    }

    pub(super) fn documents(&self) -> Vec<Document<'_>> {
        documents(self.text(), self.layout)
    }

    /// A problem of `doc` placed in the whole file.
    pub(super) fn diagnostic(
        &self,
        doc: &Document<'_>,
        error: &dyn miette::Diagnostic,
    ) -> Diagnostic {
        shift(Diagnostic::from_error(error, self.file), doc.offset)
    }

    /// A replay error placed on its event in the whole file.
    pub(super) fn replay_diagnostic(&self, doc: &Document<'_>, error: &ReplayError) -> Diagnostic {
        self.diagnostic(doc, &locate_replay_error(&self.name, doc.text, error))
    }

    /// Reads one case against `procedures`: the one given, or the one its
    /// `procedure:` names.
    pub(super) fn load<'p>(
        &self,
        doc: &Document<'_>,
        procedures: Procedures<'p>,
    ) -> Result<(Loaded, &'p Procedure), Vec<Diagnostic>> {
        let procedure = match procedures {
            Procedures::One(procedure) => procedure,
            Procedures::ById(found) => {
                let header = read_header(&self.name, doc.text)
                    .map_err(|e| vec![self.diagnostic(doc, &e)])?;
                let at = locate(doc.text, &[key("procedure")]).unwrap_or(0);
                let span = (at, header.procedure.len()).into();
                match found.get(&header.procedure) {
                    Some(Found::Compiled(procedure)) => &**procedure,
                    Some(Found::Broken { path, .. }) => {
                        let error = CaseloadError::BrokenProcedure {
                            name: header.procedure.clone(),
                            path: path.clone(),
                            span,
                        };
                        return Err(vec![self.diagnostic(doc, &error)]);
                    }
                    None => {
                        let mut known: Vec<&str> = found.keys().map(String::as_str).collect();
                        known.sort();
                        let error = CaseloadError::UnknownProcedure {
                            name: header.procedure.clone(),
                            known: if known.is_empty() {
                                "none".to_string()
                            } else {
                                known.join(", ")
                            },
                            span,
                        };
                        return Err(vec![self.diagnostic(doc, &error)]);
                    }
                }
            }
        };
        match load(&self.name, doc.text, procedure) {
            Ok(loaded) => Ok((loaded, procedure)),
            Err(errors) => Err(errors.iter().map(|e| self.diagnostic(doc, e)).collect()),
        }
    }
}

/// Where a case's procedure comes from: the one the command was given, or
/// the procedures found, by id.
#[derive(Clone, Copy)]
pub(super) enum Procedures<'p> {
    One(&'p Procedure),
    ById(&'p HashMap<String, Found>),
}

/// A diagnostic of a document moved to its place in the whole file.
fn shift(mut diagnostic: Diagnostic, offset: usize) -> Diagnostic {
    for label in &mut diagnostic.labels {
        label.span = label.span.start + offset..label.span.end + offset;
    }
    diagnostic
}
