//! Cases for the commands that take many (`run`, `test`, `status`, `diff
//! --cases`): paths gathered into files, each file cut into its cases
//! (`case::bulk`), each case read against its procedure, and every problem
//! placed on its line in the whole file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::case::bulk::{documents, Document, Layout, CASE_EXTENSIONS};
use crate::case::locate::{key, locate};
use std::borrow::Cow;

use crate::case::{
    load_parsed, locate_replay_error, parse, parse_json, quick, settings_of, Loaded, Parsed,
};
use crate::caseload::CaseloadError;
use crate::check::Procedure;
use crate::diagnostic::{Diagnostic, FileId, SourceMap};
use crate::engine::ReplayError;
use crate::source::{InputError, SourceFile};

use super::load::{read_file, read_source, ReadError};
use super::output::errln;
use super::test::{is_not_a_case, Found};
use super::walk::Walker;
use super::Outcome;

/// The largest JSON Lines file read: a million cases, a line each, fit.
pub(super) const MAX_CASES_FILE_BYTES: usize = 1 << 30;

/// The case files among `paths`: files as given, folders searched for
/// `.yaml`, `.yml`, `.jsonl` and `.ndjson` files in name order (simulation
/// assumptions left out), each real file once. A path that does not exist
/// is a usage error, said here.
pub(super) fn gather(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Outcome> {
    let mut walker = Walker::new(&CASE_EXTENSIONS, is_not_a_case);
    for path in paths {
        let found = if path.is_dir() {
            walker.folder(path).map(|_| ())
        } else if path.exists() {
            walker.file(path)
        } else {
            Err(format!("no such file or folder: `{}`", path.display()))
        };
        if let Err(message) = found {
            errln!("error: {message}");
            return Err(Outcome::Usage);
        }
    }
    Ok(walker.into_files())
}

/// A case file read into its own source map, and its cases.
pub(super) struct CaseFile {
    pub(super) map: SourceMap,
    pub(super) file: FileId,
    pub(super) name: String,
    layout: Layout,
    /// Bytes at the start of the text that stand for lines not read.
    skip: usize,
}

impl CaseFile {
    /// Reads `path`; a file that cannot be read or decoded is the
    /// diagnostic that says why. A JSON Lines file may be larger than any
    /// YAML file ([`MAX_CASES_FILE_BYTES`]); each case in it is still held
    /// to the YAML reader's bound.
    pub(super) fn read(path: &Path) -> Result<CaseFile, Box<(SourceMap, Diagnostic)>> {
        let mut map = SourceMap::new();
        let name = path.to_string_lossy().into_owned();
        let layout = Layout::of(path);
        if layout == Layout::Yaml {
            // A YAML file is bounded like every YAML file redress reads.
            return match read_source(path, &mut map) {
                Ok(file) => Ok(CaseFile {
                    name,
                    map,
                    file,
                    layout,
                    skip: 0,
                }),
                Err(diagnostic) => Err(Box::new((map, diagnostic))),
            };
        }
        let failed = |mut map: SourceMap, shown: SourceFile, error: InputError| {
            let file = map.add(shown);
            let diagnostic = Diagnostic::from_error(&error, file);
            Err(Box::new((map, diagnostic)))
        };
        let bytes = match read_file(path, MAX_CASES_FILE_BYTES) {
            Ok(bytes) => bytes,
            Err(ReadError::Io(reason)) => {
                let error = InputError::Unreadable {
                    reason,
                    span: (0, 0).into(),
                };
                return failed(map, SourceFile::new(name, ""), error);
            }
            Err(ReadError::TooLarge(size)) => {
                let error = InputError::TooLarge {
                    size: usize::try_from(size).unwrap_or(usize::MAX),
                    limit: MAX_CASES_FILE_BYTES,
                    span: (0, 0).into(),
                };
                return failed(map, SourceFile::new(name, ""), error);
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let shown = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let error = InputError::InvalidUtf8 {
                    offset,
                    span: (offset, char::REPLACEMENT_CHARACTER.len_utf8()).into(),
                };
                return failed(map, SourceFile::new(name, shown), error);
            }
        };
        let file = map.add(SourceFile::new(name.clone(), text));
        Ok(CaseFile {
            name,
            map,
            file,
            layout,
            skip: 0,
        })
    }

    /// Part of a JSON Lines file, read a part at a time: `text` holds
    /// whole lines, the first of them line `first_line` of the file. The
    /// lines before are kept as empty lines, so that every case and
    /// problem keeps its line in the whole file.
    pub(super) fn part(name: &str, first_line: usize, text: &str) -> CaseFile {
        let mut padded = String::with_capacity(first_line.saturating_sub(1) + text.len());
        padded.extend(std::iter::repeat_n('\n', first_line.saturating_sub(1)));
        padded.push_str(text);
        let mut map = SourceMap::new();
        let file = map.add(SourceFile::new(name.to_string(), padded));
        CaseFile {
            map,
            file,
            name: name.to_string(),
            layout: Layout::JsonLines,
            skip: first_line.saturating_sub(1),
        }
    }

    pub(super) fn text(&self) -> &str {
        self.map.text(self.file)
    }

    pub(super) fn documents(&self) -> Vec<Document<'_>> {
        // The empty lines that stand for a part's earlier lines (one byte
        // each) hold no case: only the part's own lines are cut.
        let mut docs = documents(&self.text()[self.skip..], self.layout);
        for doc in &mut docs {
            doc.offset += self.skip;
            doc.line += self.skip;
        }
        docs
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

    /// Reads one case against `procedures` (the one given, or the one its
    /// `procedure:` names, in the version its header and received date
    /// choose), with the organisation's settings applied: those
    /// of `--settings` when given (`forced`), else the file the case
    /// names with `settings:`. A problem in a settings file comes with
    /// the source map that holds it.
    pub(super) fn load_settled<'p>(
        &self,
        doc: &Document<'_>,
        procedures: Procedures<'p>,
        forced: Option<&Path>,
    ) -> Result<(Loaded, Cow<'p, Procedure>), Unsettled> {
        // A valid case written as JSON is read the quick way; anything
        // else, and every problem, the full way below.
        // `--settings` changes the procedure, so such cases go the full way.
        // So is a YAML case in the block style examples are written in.
        let header = forced
            .is_none()
            .then(|| {
                quick::parse(doc.text).or_else(|| {
                    (self.layout == Layout::Yaml)
                        .then(|| quick::parse_yaml(doc.text))
                        .flatten()
                })
            })
            .flatten();
        if let Some(header) = header {
            let procedure = match procedures {
                Procedures::One(procedure) => Some(procedure),
                Procedures::ById(found) => match found.get(header.procedure) {
                    Some(Found::Compiled(procedure)) => Some(&**procedure),
                    _ => None,
                },
            };
            if let Some(procedure) = procedure {
                if let Some(loaded) = quick::load(header, procedure) {
                    return Ok((loaded, Cow::Borrowed(procedure)));
                }
            }
        }
        // Parsed once: the header finds the procedure, and the rest is
        // read against it without parsing again.
        let parsed = match self.layout {
            Layout::Yaml => parse(&self.name, doc.text),
            Layout::JsonLines => parse_json(&self.name, doc.text),
        }
        .map_err(|e| (vec![self.diagnostic(doc, &e)], None))?;
        let procedure = self.pick(doc, &parsed, procedures).map_err(|d| (d, None))?;
        let named =
            settings_of(&parsed).map(|n| super::settings_arg::beside(Path::new(&self.name), n));
        let many = matches!(procedures, Procedures::ById(_));
        let mut settled = Cow::Borrowed(procedure);
        let mut candidates: Vec<PathBuf> = forced.map(Path::to_path_buf).into_iter().collect();
        candidates.extend(named);
        for (i, path) in candidates.iter().enumerate() {
            let mut map = SourceMap::new();
            match super::settings_arg::apply_file(path, procedure, &mut map) {
                Ok(mut p) => {
                    if i > 0 || forced.is_none() {
                        crate::settings::named_by_case(&mut p);
                    }
                    settled = Cow::Owned(p);
                    break;
                }
                // Among many procedures, a `--settings` file naming
                // another is for that one's cases; this case keeps its own.
                Err((d, _))
                    if many
                        && i == 0
                        && forced.is_some()
                        && d.iter().any(|d| d.code == "E1304") => {}
                // A file the case names but which cannot be read has no
                // line to point at: point at the case's `settings:`.
                Err((d, _))
                    if !(forced.is_some() && i == 0) && d.iter().any(|d| d.code == "E0006") =>
                {
                    return Err((self.settings_problem(doc, &d), None));
                }
                Err((d, _)) => return Err((d, Some(map))),
            }
        }
        let procedure = settled;
        match load_parsed(&self.name, doc.text, parsed, &procedure) {
            Ok(loaded) => Ok((loaded, procedure)),
            Err(errors) => Err((
                errors.iter().map(|e| self.diagnostic(doc, e)).collect(),
                None,
            )),
        }
    }

    /// A problem in the settings file a case names, as one diagnostic at
    /// the case's `settings:` line, for lists that place every problem in
    /// the case file.
    pub(super) fn settings_problem(
        &self,
        doc: &Document<'_>,
        diagnostics: &[Diagnostic],
    ) -> Vec<Diagnostic> {
        let value = locate(doc.text, &[key("settings")]).unwrap_or(0);
        // The label covers the path the case gives, to the end of its line.
        let len = doc
            .text
            .get(value..)
            .and_then(|t| t.lines().next())
            .map_or(0, |l| l.trim_end().len())
            .max(1);
        let at = value + doc.offset;
        diagnostics
            .first()
            .map(|d| Diagnostic {
                code: d.code.clone(),
                severity: d.severity,
                message: format!("in the case's settings file: {}", d.message),
                labels: vec![crate::diagnostic::Label {
                    file: self.file,
                    span: at..at + len,
                    text: Some("settings file named here".into()),
                }],
                help: d.help.clone(),
            })
            .into_iter()
            .collect()
    }

    /// The procedure a parsed case is read against.
    fn pick<'p>(
        &self,
        doc: &Document<'_>,
        parsed: &Parsed,
        procedures: Procedures<'p>,
    ) -> Result<&'p Procedure, Vec<Diagnostic>> {
        let procedure = match procedures {
            Procedures::One(procedure) => procedure,
            Procedures::ById(found) => {
                let header = &parsed.header;
                // Placed only when there is a problem: finding a key's
                // place parses the text again.
                let span = || {
                    let at = locate(doc.text, &[key("procedure")]).unwrap_or(0);
                    (at, header.procedure.len()).into()
                };
                match found.get(&header.procedure) {
                    Some(Found::Compiled(procedure)) => &**procedure,
                    Some(Found::Versions(versions)) => {
                        let received = crate::case::received_of(parsed);
                        let at = |k: &str| locate(doc.text, &[key(k)]).unwrap_or(0);
                        let span = || {
                            if header.version.is_some() {
                                (at("version"), 1).into()
                            } else {
                                (at("events"), 1).into()
                            }
                        };
                        choose_version(versions, header, received, span)
                            .map_err(|e| vec![self.diagnostic(doc, &e)])?
                    }
                    Some(Found::Broken { path, .. }) => {
                        let error = CaseloadError::BrokenProcedure {
                            name: header.procedure.clone(),
                            path: path.clone(),
                            span: span(),
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
                            span: span(),
                        };
                        return Err(vec![self.diagnostic(doc, &error)]);
                    }
                }
            }
        };
        Ok(procedure)
    }
}

/// The version of a procedure a case uses: the one it pins with
/// `version:`, else the one with the latest `effective` date on or before
/// the case's `received` date. Versions without an effective date are in
/// force from the beginning.
pub(super) fn choose_version<'p>(
    versions: &'p [Procedure],
    header: &crate::case::Header,
    received: Option<chrono::NaiveDate>,
    span: impl Fn() -> miette::SourceSpan,
) -> Result<&'p Procedure, CaseloadError> {
    let name = header.procedure.clone();
    if let Some(version) = &header.version {
        return versions
            .iter()
            .find(|p| p.version.as_ref() == Some(version))
            .ok_or_else(|| CaseloadError::UnknownVersion {
                name,
                version: version.clone(),
                known: versions
                    .iter()
                    .map(|p| p.version.clone().unwrap_or_else(|| "(none)".into()))
                    .collect::<Vec<_>>()
                    .join(", "),
                span: span(),
            });
    }
    let Some(received) = received else {
        // The case's own reader says what is wrong with its first event.
        return versions.first().ok_or(CaseloadError::UnknownProcedure {
            name,
            known: "none".into(),
            span: span(),
        });
    };
    let in_force = versions
        .iter()
        .filter(|p| p.effective.is_none_or(|e| e <= received))
        .max_by_key(|p| p.effective);
    match in_force {
        Some(p) => Ok(p),
        None => {
            let earliest = versions.iter().min_by_key(|p| p.effective);
            Err(CaseloadError::BeforeEveryVersion {
                name,
                received: received.to_string(),
                earliest: earliest
                    .and_then(|p| p.effective)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                earliest_version: earliest
                    .and_then(|p| p.version.clone())
                    .unwrap_or_else(|| "(no version)".into()),
                span: span(),
            })
        }
    }
}

/// Why a case could not be read with its settings: the diagnostics, and
/// the source map holding them when they are in a settings file rather
/// than the case file.
pub(super) type Unsettled = (Vec<Diagnostic>, Option<SourceMap>);

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

#[cfg(test)]
mod tests {
    use super::*;

    /// A part of a JSON Lines file read on its own keeps the lines of the
    /// whole file, for its cases and for a problem in one of them.
    #[test]
    fn a_part_keeps_the_lines_of_the_whole_file() {
        let text = "{\"case\": \"A\"}\n\n{\"case\": \"B\", \"colour\": 1}\n";
        let part = CaseFile::part("team.jsonl", 41, text);
        let docs = part.documents();
        assert_eq!(docs.iter().map(|d| d.line).collect::<Vec<_>>(), [41, 43]);
        let Err((diagnostics, _)) =
            part.load_settled(&docs[1], Procedures::ById(&HashMap::new()), None)
        else {
            panic!("a case of no known procedure was read");
        };
        let line = diagnostics
            .first()
            .and_then(|d| d.place(&part.map))
            .map(|p| p.line);
        assert_eq!(line, Some(43));
    }
}
