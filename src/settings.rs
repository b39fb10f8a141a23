//! An organisation's settings file read against a procedure (E13xx): the
//! values it chooses for the procedure's `setting`s, each checked against
//! the setting's type and placed at its line when wrong.
//!
//! ```yaml
//! procedure: council        # optional: refuses a file meant for another
//! settings:
//!   escalation_window: 1 month
//! ```

use miette::Diagnostic;
use serde::Deserialize;
use thiserror::Error;

use crate::calendar::parse_date;
use crate::case::parse_duration;
use crate::check::ir::{Procedure, Type, Value};
use crate::check::setting_example;
use crate::suggest::help_for;
use crate::yaml::{key, locate, Located, Mapping, PathPart, Value as Yaml};

/// Everything a settings file can get wrong.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
pub enum SettingsErrorKind {
    /// YAML that does not parse, or a key the format does not have.
    #[error("{message}")]
    #[diagnostic(
        code(E1301),
        help("a settings file has `settings:` (a mapping of setting names to values) and optionally `procedure:` (docs/cases.md)")
    )]
    Yaml { message: String },

    /// A name the procedure does not declare as a setting.
    #[error("procedure `{procedure}` has no setting `{name}`")]
    #[diagnostic(code(E1302), help("{help}"))]
    Unknown {
        name: String,
        procedure: String,
        help: String,
    },

    /// A value that is not of the setting's type.
    #[error("setting `{name}` is a {ty}; `{value}` is not one")]
    #[diagnostic(code(E1303), help("{help}"))]
    Mistyped {
        name: String,
        ty: String,
        value: String,
        help: String,
    },

    /// `procedure:` names another procedure.
    #[error("these settings are for procedure `{named}`, not `{procedure}`")]
    #[diagnostic(
        code(E1304),
        help("use the settings file written for `{procedure}`, or correct `procedure:`")
    )]
    OtherProcedure { named: String, procedure: String },
}

/// A problem in a settings file, at its place.
pub type SettingsError = Located<SettingsErrorKind>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    procedure: Option<Yaml>,
    #[serde(default)]
    settings: Mapping,
}

/// Marks the values a settings file gave as coming from the file the case
/// names (`settings:`), not `--settings`, so explanations say which.
pub fn named_by_case(procedure: &mut Procedure) {
    for setting in &mut procedure.settings {
        setting.named_by_case = setting.from.is_some();
    }
}

/// `procedure` with the values `text` chooses in force, `from` naming the
/// file in documents; every problem in the file is reported.
pub fn apply(
    from: &str,
    text: &str,
    procedure: &Procedure,
) -> Result<Procedure, Vec<SettingsError>> {
    let raw: Raw = crate::yaml::parse(text).map_err(|problem| {
        vec![crate::yaml::at(
            text,
            problem.offset,
            SettingsErrorKind::Yaml {
                message: problem.message,
            },
        )]
    })?;
    let mut errors = Vec::new();
    let mut error = |path: &[PathPart], kind: SettingsErrorKind| {
        let offset = locate(text, path).unwrap_or(0);
        errors.push(crate::yaml::at(text, offset, kind));
    };
    if let Some(named) = raw.procedure.as_ref().map(scalar) {
        if named != procedure.id {
            error(
                &[key("procedure")],
                SettingsErrorKind::OtherProcedure {
                    named,
                    procedure: procedure.id.clone(),
                },
            );
        }
    }
    let mut out = procedure.clone();
    let names: Vec<&str> = procedure
        .settings
        .iter()
        .filter_map(|s| procedure.facts.get(s.fact.index()))
        .map(|f| f.name.as_str())
        .collect();
    for (k, v) in &raw.settings {
        let name = scalar(k);
        let path = [key("settings"), key(&name)];
        let Some(i) = names.iter().position(|n| *n == name) else {
            error(
                &path,
                SettingsErrorKind::Unknown {
                    help: if names.is_empty() {
                        format!("procedure `{}` declares no settings", procedure.id)
                    } else {
                        help_for(&name, "setting", names.iter().copied())
                    },
                    name,
                    procedure: procedure.id.clone(),
                },
            );
            continue;
        };
        let setting = &mut out.settings[i];
        let ty = procedure
            .facts
            .get(setting.fact.index())
            .map_or(Type::Text, |f| f.ty.clone());
        match value_of(&ty, v) {
            Some(value) => {
                setting.value = value;
                setting.from = Some(from.to_string());
            }
            None => error(
                &path,
                SettingsErrorKind::Mistyped {
                    name,
                    ty: ty.describe(),
                    value: scalar(v),
                    help: setting_example(&ty),
                },
            ),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// A value as a setting of type `ty` reads it, if it is one.
fn value_of(ty: &Type, v: &Yaml) -> Option<Value> {
    match (ty, v) {
        (Type::Bool, Yaml::Bool(b)) => Some(Value::Bool(*b)),
        (Type::Date, Yaml::String(s)) => parse_date(s).ok().map(Value::Date),
        (Type::Duration, Yaml::String(s)) => {
            parse_duration(s).map(|(amount, unit)| Value::Duration(amount, unit))
        }
        (Type::Text, Yaml::String(s)) => Some(Value::Text(s.clone())),
        (Type::Enum(values), Yaml::String(s)) => values
            .iter()
            .position(|x| x == s)
            .map(|p| Value::Enum(p as u32)),
        _ => None,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn procedure() -> Procedure {
        let text = "procedure p \"P\" {\n  setting window: duration = 20 working days\n  \
                    role r\n  start s\n  step s { lead r\n deadline d window from entry\n on e -> done }\n  \
                    outcome done final\n}\n";
        crate::compile::compile("p.proc", text.as_bytes())
            .procedure
            .expect("the test procedure compiles")
    }

    #[test]
    fn an_organisations_value_replaces_the_default_and_names_its_file() {
        let p = apply("org.yaml", "settings:\n  window: 1 month\n", &procedure()).unwrap();
        assert_eq!(
            p.settings[0].value,
            Value::Duration(1, crate::check::ir::Unit::Months)
        );
        assert_eq!(
            p.settings[0].default,
            Value::Duration(20, crate::check::ir::Unit::WorkingDays)
        );
        assert_eq!(p.settings[0].from.as_deref(), Some("org.yaml"));
    }

    #[test]
    fn a_misspelt_setting_is_refused_with_the_closest_name() {
        let errors = apply("org.yaml", "settings:\n  windw: 1 month\n", &procedure()).unwrap_err();
        assert!(
            matches!(&errors[0].error, SettingsErrorKind::Unknown { help, .. } if help.contains("`window`"))
        );
    }

    #[test]
    fn a_duration_without_a_unit_is_refused() {
        let errors = apply("org.yaml", "settings:\n  window: 20\n", &procedure()).unwrap_err();
        assert!(matches!(
            &errors[0].error,
            SettingsErrorKind::Mistyped { .. }
        ));
    }
}
