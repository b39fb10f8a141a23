//! `redress check` diagnostics in the formats CI systems display: SARIF
//! 2.1.0 for code-scanning upload, and GitHub Actions workflow commands.

use serde_json::{json, Value};

use crate::compile::Located;

/// One file's diagnostics, as `check` found them.
pub struct FileDiagnostics<'a> {
    pub path: &'a str,
    pub diagnostics: Vec<Located>,
}

/// A SARIF 2.1.0 log with one run: the rules (one per code that occurs)
/// and a result per diagnostic.
pub fn sarif(files: &[FileDiagnostics<'_>]) -> Value {
    let mut rules: Vec<Value> = Vec::new();
    let mut rule_ids: Vec<&str> = Vec::new();
    let mut results = Vec::new();
    for file in files {
        for d in &file.diagnostics {
            let rule_index = match rule_ids.iter().position(|id| *id == d.code) {
                Some(i) => i,
                None => {
                    rule_ids.push(&d.code);
                    rules.push(json!({
                        "id": d.code,
                        "shortDescription": { "text": d.message },
                        "help": { "text": d.help.clone().unwrap_or_default() },
                        "defaultConfiguration": { "level": d.severity },
                    }));
                    rules.len() - 1
                }
            };
            let text = match &d.help {
                Some(help) => format!("{}\nhelp: {help}", d.message),
                None => d.message.clone(),
            };
            results.push(json!({
                "ruleId": d.code,
                "ruleIndex": rule_index,
                "level": d.severity,
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": file.path.replace('\\', "/") },
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
pub fn github(files: &[FileDiagnostics<'_>]) -> String {
    let mut out = String::new();
    for file in files {
        for d in &file.diagnostics {
            let message = match &d.help {
                Some(help) => format!("{}\nhelp: {help}", d.message),
                None => d.message.clone(),
            };
            out.push_str(&format!(
                "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                d.severity,
                escape_property(file.path),
                d.line,
                d.column,
                d.end_line,
                d.end_column,
                escape_property(&d.code),
                escape_data(&message)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn located() -> Located {
        Located {
            code: "E0202".into(),
            severity: "error",
            message: "unknown role `manger`".into(),
            line: 5,
            column: 10,
            end_line: 5,
            end_column: 16,
            help: Some("did you mean `manager`?".into()),
        }
    }

    #[test]
    fn github_commands_escape_their_parts() {
        let files = [FileDiagnostics {
            path: "procedures/a,b.proc",
            diagnostics: vec![located()],
        }];
        assert_eq!(
            github(&files),
            "::error file=procedures/a%2Cb.proc,line=5,col=10,endLine=5,endColumn=16,title=E0202::unknown role `manger`%0Ahelp: did you mean `manager`?\n"
        );
    }

    #[test]
    fn sarif_has_one_rule_per_code() {
        let files = [FileDiagnostics {
            path: "a.proc",
            diagnostics: vec![located(), located()],
        }];
        let log = sarif(&files);
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );
        assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(2));
        assert_eq!(log["runs"][0]["results"][1]["ruleIndex"], 0);
    }
}
