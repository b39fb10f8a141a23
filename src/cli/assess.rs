//! `redress assess PROC --against STANDARD`: an organisation's procedure
//! assessed provision by provision against a standard it follows
//! (docs/assess.md).

use std::ops::Range;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use crate::analysis::assess::{assess, Assessment, Item, Verdict};
use crate::check::Procedure;
use crate::compile::compile;
use crate::diagnostic::{Diagnostic, FileId, Label, Severity, SourceMap};
use crate::syntax::ast::{ProcedureDecl, Span, StepDecl};

use super::load::{read_file, read_source};
use super::output::{errln, out, outln};
use super::render::show;
use super::Outcome;
use crate::source::MAX_FILE_BYTES;

#[derive(Args)]
pub(crate) struct AssessArgs {
    /// The organisation's procedure (.proc).
    proc: PathBuf,
    /// The standard it follows: a .proc file, or the id of one under
    /// --procedures (`housing-ombudsman-2024` names the file
    /// `housing-ombudsman-2024.proc`; a procedure id such as
    /// `housing_ombudsman_2024` is found by its declaration).
    #[arg(long, value_name = "STANDARD")]
    against: String,
    /// Which step of PROC plays which stage of the standard (YAML,
    /// docs/assess.md); by default PROC's path with `.follows.yaml` in
    /// place of `.proc`.
    #[arg(long, value_name = "FILE")]
    mapping: Option<PathBuf>,
    /// Where a standard given by id is looked for.
    #[arg(long, value_name = "DIR", default_value = "procedures")]
    procedures: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// The table landlords publish: provision, requirement, complies, evidence, comment.
    Markdown,
    /// One JSON document (schema in docs/assess.md).
    Json,
    /// SARIF 2.1.0: a result at PROC's line for each provision not met.
    Sarif,
    /// GitHub Actions workflow commands: an annotation per provision not met.
    Github,
}

/// A procedure file compiled, with its text kept for placing evidence.
struct Loaded {
    procedure: Procedure,
    file: FileId,
}

/// Compiles `path` into `map`; a file that cannot be read or does not
/// check is shown, and is exit 2: the assessment cannot start.
fn load(path: &Path, map: &mut SourceMap) -> Result<Loaded, Outcome> {
    let file = read_source(path, map).map_err(|d| {
        show(&[d], map);
        Outcome::Usage
    })?;
    let name = map.name(file).to_string();
    let compiled = compile(&name, map.text(file).as_bytes());
    match compiled.procedure {
        Some(procedure) => Ok(Loaded { procedure, file }),
        None => {
            show(&compiled.diagnostics(file), map);
            errln!("{name}: the procedure has errors; fix them first (redress check {name})");
            Err(Outcome::Usage)
        }
    }
}

/// The standard named on the command line: a file, `DIR/ID.proc`, or the
/// procedure under DIR that declares the id.
fn standard_path(against: &str, dir: &Path) -> Option<PathBuf> {
    let as_file = PathBuf::from(against);
    if as_file.is_file() {
        return Some(as_file);
    }
    let named = dir.join(format!("{against}.proc"));
    if named.is_file() {
        return Some(named);
    }
    let files = super::walk::files_under(dir, &["proc"], super::test::is_assumptions);
    // Read as every file is, bounded, so no file under DIR makes the
    // search wait or fill memory.
    files.into_iter().find(|path| {
        read_file(path, MAX_FILE_BYTES).is_ok_and(|bytes| {
            let text = String::from_utf8_lossy(&bytes);
            crate::syntax::parse(&text)
                .0
                .and_then(|f| f.procedure)
                .is_some_and(|p| p.name.text == against || p.name.text == against.replace('-', "_"))
        })
    })
}

/// "; did you mean `housing-ombudsman-2024`?" when a procedure file under
/// DIR is named nearly as the user typed (`--against housing-ombudsman`).
fn closest_standard(against: &str, dir: &Path) -> String {
    let files = super::walk::files_under(dir, &["proc"], super::test::is_assumptions);
    let stems: Vec<String> = files
        .iter()
        .filter_map(|f| f.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    // A prefix (the id without its year) is the likeliest slip; then a typo.
    let prefixed = stems.iter().find(|s| s.starts_with(against));
    match prefixed
        .map(String::as_str)
        .or_else(|| crate::suggest::did_you_mean(against, stems.iter().map(String::as_str)))
    {
        Some(s) => format!("; did you mean `{s}`?"),
        None => String::new(),
    }
}

/// PROC's path with `.follows.yaml` in place of `.proc`.
fn default_mapping(proc: &Path) -> PathBuf {
    proc.with_extension("follows.yaml")
}

pub(crate) fn run(args: AssessArgs) -> Outcome {
    let mut map = SourceMap::new();
    let own = match load(&args.proc, &mut map) {
        Ok(l) => l,
        Err(outcome) => return outcome,
    };
    let Some(standard_file) = standard_path(&args.against, &args.procedures) else {
        errln!(
            "error: no standard `{}`: neither a file nor a procedure under `{}`; pass a .proc file or --procedures DIR{}",
            args.against,
            args.procedures.display(),
            closest_standard(&args.against, &args.procedures)
        );
        return Outcome::Usage;
    };
    let standard = match load(&standard_file, &mut map) {
        Ok(l) => l.procedure,
        Err(outcome) => return outcome,
    };
    let mapping_path = args
        .mapping
        .clone()
        .unwrap_or_else(|| default_mapping(&args.proc));
    if !mapping_path.is_file() {
        errln!(
            "error: no mapping file `{}`: write one saying which step of `{}` plays each stage of `{}` (docs/assess.md), or pass --mapping FILE",
            mapping_path.display(),
            own.procedure.id,
            standard.id
        );
        return Outcome::Usage;
    }
    let mapping_file = match read_source(&mapping_path, &mut map) {
        Ok(file) => file,
        Err(d) => {
            show(&[d], &map);
            return Outcome::Usage;
        }
    };
    let follows = match crate::follows::read(map.text(mapping_file), &own.procedure, &standard) {
        Ok(f) => f,
        Err(errors) => {
            let diagnostics: Vec<Diagnostic> = errors
                .iter()
                .map(|e| Diagnostic::from_error(e, mapping_file))
                .collect();
            show(&diagnostics, &map);
            return Outcome::Usage;
        }
    };
    let assessment = assess(&own.procedure, &standard, &follows);
    let ast = crate::syntax::parse(map.text(own.file))
        .0
        .and_then(|f| f.procedure);
    let spans = |item: Item| ast.as_ref().and_then(|a| span_of(a, &own.procedure, item));
    let text = map.text(own.file);
    let lines = |item: Item| spans(item).map(|s| crate::diagnostic::position(text, s.start).0);
    let name = map.name(own.file).to_string();
    match args.format {
        Format::Markdown => out!(
            "{}",
            crate::report::assess::markdown(&assessment, &name, &lines)
        ),
        Format::Json => match serde_json::to_string_pretty(&crate::report::assess::json(
            &assessment,
            &name,
            &lines,
        )) {
            Ok(text) => outln!("{text}"),
            Err(e) => {
                errln!("error: cannot write JSON: {e}");
                return Outcome::Usage;
            }
        },
        Format::Sarif => {
            let diagnostics = diagnostics(&assessment, own.file, &spans);
            match serde_json::to_string_pretty(&crate::report::ci::sarif(&diagnostics, &map)) {
                Ok(text) => outln!("{text}"),
                Err(e) => {
                    errln!("error: cannot write JSON: {e}");
                    return Outcome::Usage;
                }
            }
        }
        Format::Github => {
            let diagnostics = diagnostics(&assessment, own.file, &spans);
            out!("{}", crate::report::ci::github(&diagnostics, &map));
        }
    }
    if assessment.met() {
        Outcome::Success
    } else {
        Outcome::Invalid
    }
}

/// Every rule of a provision not met, as a diagnostic at PROC's line, so
/// that CI annotates it: E1710 for a rule not met, W1711 for one met in
/// part or that cannot be decided mechanically.
fn diagnostics(
    assessment: &Assessment,
    file: FileId,
    spans: &dyn Fn(Item) -> Option<Span>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (provisions, f) in assessment.faults() {
        let span: Range<usize> = spans(f.evidence.item).map_or(0..0, |s| s.start..s.end);
        let (code, severity, verb) = if f.verdict == Verdict::No {
            ("E1710", Severity::Error, "not met")
        } else {
            ("W1711", Severity::Warning, "met only in part")
        };
        out.push(Diagnostic {
            code: code.into(),
            severity,
            message: format!(
                "{} {} {verb}: {}: {}",
                assessment.standard,
                provisions.join(", "),
                f.requirement,
                f.comment
            ),
            labels: vec![Label {
                file,
                span,
                text: Some(f.evidence.what.clone()),
            }],
            help: Some(format!(
                "change the procedure to meet {} {}, or record why it differs (docs/assess.md)",
                assessment.standard,
                provisions.join(", ")
            )),
        });
    }
    out
}

/// Where an item of the compiled procedure is declared: the IR keeps no
/// spans, so the AST is read again here, by name where the item has one.
fn span_of(ast: &ProcedureDecl, procedure: &Procedure, item: Item) -> Option<Span> {
    let step = |id: crate::check::ir::StepId| -> Option<&StepDecl> {
        let name = &procedure.steps.get(id.index())?.name;
        ast.steps.iter().find(|s| &s.name.text == name)
    };
    Some(match item {
        Item::Procedure => ast.name.span,
        Item::Step { step: id } => step(id)?.name.span,
        Item::Task { step: id, task } => {
            let name = &procedure.steps.get(id.index())?.tasks.get(task)?.name;
            step(id)?.tasks.iter().find(|t| &t.name.text == name)?.span
        }
        Item::Deadline { step: id, deadline } => {
            let name = &procedure
                .steps
                .get(id.index())?
                .deadlines
                .get(deadline)?
                .name;
            step(id)?
                .deadlines
                .iter()
                .find(|d| &d.name.text == name)?
                .span
        }
        Item::Window { step: id, window } => step(id)?.escalations.get(window)?.span,
        Item::Notice { notice } => {
            let name = &procedure.notices.get(notice)?.name;
            ast.notices.iter().find(|n| &n.name.text == name)?.span
        }
        Item::Route { step: None, route } => ast.routes.get(route)?.span,
        Item::Route {
            step: Some(id),
            route,
        } => step(id)?.routes.get(route)?.span,
        Item::OutcomeRoute { outcome, route } => {
            let name = &procedure.outcomes.get(outcome.index())?.name;
            ast.outcomes
                .iter()
                .find(|o| &o.name.text == name)?
                .block
                .as_ref()?
                .routes
                .get(route)?
                .span
        }
        Item::Role { role } => {
            let name = &procedure.roles.get(role)?.name;
            ast.roles.iter().find(|r| &r.name.text == name)?.span
        }
    })
}
