//! `redress check` diagnostics in the formats CI systems display: SARIF
//! 2.1.0 for code-scanning upload, and GitHub Actions workflow commands.

use serde_json::{json, Value};

use crate::diagnostic::{Diagnostic, SourceMap};
use crate::report::diagnostic::Located;

/// The message with its help, as one text: neither format has a place of
/// its own for help.
fn with_help(d: &Located<'_>) -> String {
    match d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.to_string(),
    }
}

/// A SARIF 2.1.0 log with one run: the rules (one per code that occurs)
/// and a result per diagnostic.
pub fn sarif(diagnostics: &[Diagnostic], map: &SourceMap) -> Value {
    let mut rules: Vec<Value> = Vec::new();
    let mut rule_ids: Vec<&str> = Vec::new();
    let mut results = Vec::new();
    for diagnostic in diagnostics {
        let d = Located::new(diagnostic, map);
        let path = diagnostic.file().map_or("", |f| map.name(f));
        let rule_index = match rule_ids.iter().position(|id| *id == d.code) {
            Some(i) => i,
            None => {
                rule_ids.push(d.code);
                rules.push(json!({
                    "id": d.code,
                    "shortDescription": { "text": d.message },
                    "help": { "text": d.help.unwrap_or_default() },
                    "defaultConfiguration": { "level": d.severity },
                }));
                rules.len() - 1
            }
        };
        results.push(json!({
            "ruleId": d.code,
            "ruleIndex": rule_index,
            "level": d.severity,
            "message": { "text": with_help(&d) },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": path.replace('\\', "/") },
                    "region": {
                        "startLine": d.line,
                        "startColumn": d.column,
                        "endLine": d.end_line,
                        "endColumn": d.end_column.max(d.column + usize::from(d.end_line == d.line)),
                    }
                }
            }]
        }));
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "redress",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "results": results,
        }]
    })
}

/// Escapes a workflow command's message (`%`, CR, LF).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (also `:` and `,`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One `::error …::message` or `::warning …::message` line per diagnostic,
/// which GitHub Actions shows as an annotation on the file and line.
pub fn github(diagnostics: &[Diagnostic], map: &SourceMap) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let d = Located::new(diagnostic, map);
        let path = diagnostic.file().map_or("", |f| map.name(f));
        out.push_str(&format!(
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            d.severity,
            escape_property(path),
            d.line,
            d.column,
            d.end_line,
            d.end_column,
            escape_property(d.code),
            escape_data(&with_help(&d))
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Label, Severity};

    fn diagnostics(path: &str, count: usize) -> (Vec<Diagnostic>, SourceMap) {
        let mut map = SourceMap::new();
        let file = map.add_text(path, "a\nb\nc\nd\nrole manger\n");
        let d = Diagnostic {
            code: "E0202".into(),
            severity: Severity::Error,
            message: "unknown role `manger`".into(),
            labels: vec![Label {
                file,
                span: 13..19,
                text: None,
            }],
            help: Some("did you mean `manager`?".into()),
        };
        (vec![d; count], map)
    }

    #[test]
    fn github_commands_escape_their_parts() {
        let (d, map) = diagnostics("procedures/a,b.proc", 1);
        assert_eq!(
            github(&d, &map),
            "::error file=procedures/a%2Cb.proc,line=5,col=6,endLine=5,endColumn=12,title=E0202::unknown role `manger`%0Ahelp: did you mean `manager`?\n"
        );
    }

    #[test]
    fn sarif_has_one_rule_per_code() {
        let (d, map) = diagnostics("a.proc", 2);
        let log = sarif(&d, &map);
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );
        assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(2));
        assert_eq!(log["runs"][0]["results"][1]["ruleIndex"], 0);
        assert_eq!(
            log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                ["uri"],
            "a.proc"
        );
    }
}
