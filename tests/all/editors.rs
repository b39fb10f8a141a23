//! The editor files in `editors/`: the VS Code extension's manifest and
//! language configuration parse, its TextMate grammar has the structure
//! VS Code loads and regular expressions that compile, and it highlights
//! every keyword of the pest grammar.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::root;

fn json(path: &str) -> Value {
    let text = std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

const GRAMMAR: &str = "editors/vscode/syntaxes/redress.tmLanguage.json";

#[test]
fn the_extension_manifest_declares_the_language_grammar_and_server_program() {
    let manifest = json("editors/vscode/package.json");
    let language = &manifest["contributes"]["languages"][0];
    assert_eq!(language["id"], "redress");
    assert_eq!(language["extensions"][0], ".proc");
    let grammar = &manifest["contributes"]["grammars"][0];
    assert_eq!(grammar["scopeName"], "source.redress");
    assert_eq!(grammar["language"], "redress");
    // Every file the manifest names is there.
    for path in [
        language["configuration"].as_str(),
        grammar["path"].as_str(),
        manifest["main"].as_str(),
    ] {
        let path = path.expect("a path");
        assert!(
            root().join("editors/vscode").join(path).is_file(),
            "{path} is named in package.json but missing"
        );
    }
    assert!(manifest["dependencies"]["vscode-languageclient"].is_string());
    let config = json("editors/vscode/language-configuration.json");
    assert_eq!(config["comments"]["lineComment"], "//");
}

/// Every `match`, `begin` and `end` pattern in the grammar.
fn patterns(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("match" | "begin" | "end", Value::String(s)) => out.push(s.clone()),
                    _ => patterns(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| patterns(v, out)),
        _ => {}
    }
}

#[test]
fn the_textmate_grammar_loads() {
    let grammar = json(GRAMMAR);
    assert_eq!(grammar["scopeName"], "source.redress");
    let top = grammar["patterns"].as_array().expect("top-level patterns");
    assert!(!top.is_empty());
    // Every include names a rule of the repository.
    for include in top.iter().filter_map(|p| p["include"].as_str()) {
        let name = include.trim_start_matches('#');
        assert!(
            grammar["repository"][name].is_object(),
            "{include} is not in the repository"
        );
    }
    let mut all = Vec::new();
    patterns(&grammar, &mut all);
    assert!(all.len() > 10, "{all:?}");
    for pattern in &all {
        if let Err(e) = regex::Regex::new(pattern) {
            panic!("pattern {pattern:?} does not compile: {e}");
        }
    }
}

/// The words the pest grammar matches as keywords, types, operators,
/// booleans and units: every quoted word of those rules.
fn pest_keywords() -> BTreeSet<String> {
    let text = std::fs::read_to_string(root().join("grammar/redress.pest")).expect("pest grammar");
    let mut words = BTreeSet::new();
    for line in text.lines() {
        let Some((rule, body)) = line.split_once('=') else {
            continue;
        };
        let rule = rule.trim();
        let keyword_rule = ["kw_", "type_", "op_", "bool_", "unit_"]
            .iter()
            .any(|p| rule.starts_with(p));
        if !keyword_rule {
            continue;
        }
        for (i, quoted) in body.split('"').enumerate() {
            if i % 2 == 1 && !quoted.is_empty() && quoted.chars().all(|c| c.is_ascii_lowercase()) {
                words.insert(quoted.to_string());
            }
        }
    }
    words
}

#[test]
fn every_keyword_of_the_pest_grammar_is_highlighted() {
    let keywords = pest_keywords();
    // A sample, so that a change in how the pest file is written cannot
    // make this test check nothing.
    for sure in [
        "procedure",
        "escalate",
        "extendable",
        "working",
        "months",
        "not",
        "true",
        "bool",
    ] {
        assert!(
            keywords.contains(sure),
            "{sure} not read from the pest grammar"
        );
    }
    let mut all = Vec::new();
    patterns(&json(GRAMMAR), &mut all);
    let highlighted: BTreeSet<&str> = all
        .iter()
        .flat_map(|p| p.split(|c: char| !c.is_ascii_lowercase()))
        .collect();
    let missing: Vec<&String> = keywords
        .iter()
        .filter(|k| !highlighted.contains(k.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "keywords of grammar/redress.pest not in {GRAMMAR}: {missing:?}"
    );
}
