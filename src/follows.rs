//! A mapping file (E17xx): which step of an organisation's procedure plays
//! which stage of a standard it follows, read against both procedures, for
//! `redress assess` (docs/assess.md).
//!
//! ```yaml
//! procedure: riverside_homes          # optional: refuses a file for another procedure
//! standard: housing_ombudsman_2024    # optional: refuses a file for another standard
//! stages:                             # every step of the standard: the step playing it
//!   stage1: first_response
//!   stage2: review
//! names:                              # optional: where the procedure names a task,
//!   acknowledge: acknowledged         # deadline, notice, event, body, role or a
//! ```                                 # notice's item differently

use std::collections::BTreeMap;

use miette::Diagnostic;
use serde::Deserialize;
use thiserror::Error;

use crate::check::ir::{Procedure, StepId};
use crate::suggest::help_for;
use crate::yaml::{key, locate, Located, Mapping, PathPart, Value as Yaml};

/// Everything a mapping file can get wrong.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
pub enum FollowsErrorKind {
    /// YAML that does not parse, or a key the format does not have.
    #[error("{message}")]
    #[diagnostic(
        code(E1701),
        help("a mapping file has `stages:` (the standard's steps, each with the step of yours that plays it), and optionally `procedure:`, `standard:` and `names:` (docs/assess.md)")
    )]
    Yaml { message: String },

    /// A stage the standard does not have.
    #[error("standard `{standard}` has no step `{name}`")]
    #[diagnostic(code(E1702), help("{help}"))]
    UnknownStage {
        name: String,
        standard: String,
        help: String,
    },

    /// A step the procedure does not have.
    #[error("procedure `{procedure}` has no step `{name}`")]
    #[diagnostic(code(E1703), help("{help}"))]
    UnknownStep {
        name: String,
        procedure: String,
        help: String,
    },

    /// A stage of the standard no step of the procedure plays.
    #[error("no step plays stage `{name}` of standard `{standard}`")]
    #[diagnostic(
        code(E1704),
        help("add `{name}: YOUR_STEP` under `stages:`; every stage of the standard is assessed, so each needs the step of yours that plays it")
    )]
    MissingStage { name: String, standard: String },

    /// `procedure:` or `standard:` names another procedure.
    #[error("this mapping is for {what} `{named}`, not `{actual}`")]
    #[diagnostic(
        code(E1705),
        help("use the mapping written for `{actual}`, or correct `{what}:`")
    )]
    OtherProcedure {
        what: &'static str,
        named: String,
        actual: String,
    },
}

/// A problem in a mapping file, at its place.
pub type FollowsError = Located<FollowsErrorKind>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    procedure: Option<Yaml>,
    #[serde(default)]
    standard: Option<Yaml>,
    #[serde(default)]
    stages: Mapping,
    #[serde(default)]
    names: Mapping,
}

/// Which of the procedure's steps plays each stage of the standard, and
/// the procedure's names for the standard's other names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Follows {
    /// The step of the procedure playing each of the standard's steps, by
    /// the standard's step's position.
    pub stages: Vec<Option<StepId>>,
    /// The standard's name → the procedure's, where they differ.
    pub names: BTreeMap<String, String>,
}

impl Follows {
    /// The procedure's step playing the standard's `stage`.
    pub fn step(&self, stage: StepId) -> Option<StepId> {
        self.stages.get(stage.index()).copied().flatten()
    }

    /// The procedure's name for a name of the standard.
    pub fn name<'a>(&'a self, standard: &'a str) -> &'a str {
        self.names.get(standard).map_or(standard, String::as_str)
    }
}

/// Reads the mapping `text` for `procedure` following `standard`; every
/// problem in the file is reported.
pub fn read(
    text: &str,
    procedure: &Procedure,
    standard: &Procedure,
) -> Result<Follows, Vec<FollowsError>> {
    let raw: Raw = crate::yaml::parse(text).map_err(|problem| {
        vec![crate::yaml::at(
            text,
            problem.offset,
            FollowsErrorKind::Yaml {
                message: problem.message,
            },
        )]
    })?;
    let mut errors = Vec::new();
    let mut error = |path: &[PathPart], kind: FollowsErrorKind| {
        let offset = locate(text, path).unwrap_or(0);
        errors.push(crate::yaml::at(text, offset, kind));
    };
    for (what, named, actual) in [
        ("procedure", &raw.procedure, &procedure.id),
        ("standard", &raw.standard, &standard.id),
    ] {
        if let Some(named) = named.as_ref().map(scalar) {
            if &named != actual {
                error(
                    &[key(what)],
                    FollowsErrorKind::OtherProcedure {
                        what,
                        named,
                        actual: actual.clone(),
                    },
                );
            }
        }
    }
    let step_names = |p: &Procedure| p.steps.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
    let (stage_names, own_names) = (step_names(standard), step_names(procedure));
    let mut stages = vec![None; standard.steps.len()];
    for (k, v) in &raw.stages {
        let (stage, own) = (scalar(k), scalar(v));
        let Some(i) = stage_names.iter().position(|n| *n == stage) else {
            error(
                &[key("stages"), key(&stage)],
                FollowsErrorKind::UnknownStage {
                    help: help_for(&stage, "step", stage_names.iter().map(String::as_str)),
                    name: stage,
                    standard: standard.id.clone(),
                },
            );
            continue;
        };
        match own_names.iter().position(|n| *n == own) {
            Some(j) => stages[i] = Some(StepId(j as u32)),
            None => error(
                &[key("stages"), key(&stage)],
                FollowsErrorKind::UnknownStep {
                    help: help_for(&own, "step", own_names.iter().map(String::as_str)),
                    name: own,
                    procedure: procedure.id.clone(),
                },
            ),
        }
    }
    for (i, stage) in stages.iter().enumerate() {
        if stage.is_none() && !raw.stages.contains_key(stage_names[i].as_str()) {
            error(
                &[key("stages")],
                FollowsErrorKind::MissingStage {
                    name: stage_names[i].clone(),
                    standard: standard.id.clone(),
                },
            );
        }
    }
    let names = raw
        .names
        .iter()
        .map(|(k, v)| (scalar(k), scalar(v)))
        .collect();
    if errors.is_empty() {
        Ok(Follows { stages, names })
    } else {
        Err(errors)
    }
}

fn scalar(v: &Yaml) -> String {
    match v {
        Yaml::String(s) => s.clone(),
        Yaml::Number(n) => n.to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Null => "nothing".to_string(),
        other => crate::yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}
