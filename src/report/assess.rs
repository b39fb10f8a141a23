//! A self-assessment (`redress assess`) in the layout landlords publish,
//! a Markdown table of provision, requirement, complies, evidence and
//! comment, and as JSON. The assessment holds no places: the caller says
//! at which line of the procedure each piece of evidence stands.

use serde::Serialize;

use crate::analysis::assess::{Assessment, Finding, Item, Verdict};

/// Where an item of the assessed procedure stands: its line, from 1.
pub type Lines<'a> = &'a dyn Fn(Item) -> Option<usize>;

fn finding<'a>(f: &'a Finding, lines: Lines<'_>) -> JsonFinding<'a> {
    JsonFinding {
        requirement: &f.requirement,
        complies: f.verdict,
        evidence: &f.evidence.what,
        line: lines(f.evidence.item),
        cites: &f.evidence.cites,
        comment: &f.comment,
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn cites(cites: &[String]) -> String {
    if cites.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = cites.iter().map(|c| format!("\"{c}\"")).collect();
        format!(", cite {}", quoted.join(", "))
    }
}

/// The self-assessment as Markdown: a title, the table, and a count.
pub fn markdown(assessment: &Assessment, file: &str, lines: Lines<'_>) -> String {
    let mut out = format!(
        "# Self-assessment of `{}` against {} (`{}`)\n\n",
        assessment.procedure, assessment.standard_title, assessment.standard
    );
    out.push_str("| Provision | Requirement | Complies | Evidence | Comment |\n");
    out.push_str("|---|---|---|---|---|\n");
    for p in &assessment.provisions {
        let (requirement, evidence, comment) = if p.findings.is_empty() {
            (p.requirement.clone(), String::new(), String::new())
        } else {
            let several = p.findings.len() > 1;
            let mark = |verdict: Verdict, text: String| {
                if several && !text.is_empty() {
                    format!("{}: {text}", verdict.word())
                } else {
                    text
                }
            };
            let requirement = p
                .findings
                .iter()
                .map(|f| f.requirement.clone())
                .collect::<Vec<_>>()
                .join("<br>");
            let evidence = p
                .findings
                .iter()
                .map(|f| {
                    let at = lines(f.evidence.item)
                        .map(|l| format!(" ({file}:{l})"))
                        .unwrap_or_default();
                    format!("{}{at}{}", f.evidence.what, cites(&f.evidence.cites))
                })
                .collect::<Vec<_>>()
                .join("<br>");
            let comment = p
                .findings
                .iter()
                .filter(|f| !f.comment.is_empty())
                .map(|f| mark(f.verdict, f.comment.clone()))
                .collect::<Vec<_>>()
                .join("<br>");
            (requirement, evidence, comment)
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            cell(&p.provision),
            cell(&requirement),
            p.verdict.word(),
            cell(&evidence),
            cell(&comment)
        ));
    }
    out.push('\n');
    out.push_str(&summary(assessment));
    out.push('\n');
    out
}

/// `12 provisions: 9 met, 1 not met, 1 partly met, 1 for the organisation to evidence`.
pub fn summary(assessment: &Assessment) -> String {
    let count = |v: Verdict| {
        assessment
            .provisions
            .iter()
            .filter(|p| p.verdict == v)
            .count()
    };
    format!(
        "{} provisions: {} met, {} not met, {} partly met, {} for the organisation to evidence",
        assessment.provisions.len(),
        count(Verdict::Yes),
        count(Verdict::No),
        count(Verdict::Partly),
        count(Verdict::ForTheOrganisationToEvidence)
    )
}

#[derive(Serialize)]
struct JsonAssessment<'a> {
    procedure: &'a str,
    file: &'a str,
    standard: &'a str,
    standard_title: &'a str,
    met: bool,
    provisions: Vec<JsonProvision<'a>>,
    /// Each rule not met once, with the provisions it falls short of.
    faults: Vec<JsonFault<'a>>,
}

#[derive(Serialize)]
struct JsonFault<'a> {
    provisions: Vec<&'a str>,
    #[serde(flatten)]
    finding: JsonFinding<'a>,
}

#[derive(Serialize)]
struct JsonProvision<'a> {
    provision: &'a str,
    complies: Verdict,
    requirement: &'a str,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    requirement: &'a str,
    complies: Verdict,
    evidence: &'a str,
    line: Option<usize>,
    cites: &'a [String],
    comment: &'a str,
}

/// The self-assessment as one JSON document (schema in docs/assess.md).
pub fn json(assessment: &Assessment, file: &str, lines: Lines<'_>) -> serde_json::Value {
    let doc = JsonAssessment {
        procedure: &assessment.procedure,
        file,
        standard: &assessment.standard,
        standard_title: &assessment.standard_title,
        met: assessment.met(),
        provisions: assessment
            .provisions
            .iter()
            .map(|p| JsonProvision {
                provision: &p.provision,
                complies: p.verdict,
                requirement: &p.requirement,
                findings: p.findings.iter().map(|f| finding(f, lines)).collect(),
            })
            .collect(),
        faults: assessment
            .faults()
            .into_iter()
            .map(|(provisions, f)| JsonFault {
                provisions,
                finding: finding(f, lines),
            })
            .collect(),
    };
    serde_json::to_value(doc).unwrap_or(serde_json::Value::Null)
}
