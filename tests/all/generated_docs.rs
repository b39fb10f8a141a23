//! The documents and diagrams in docs/ are generated from the procedures;
//! these tests fail when a procedure changes and they were not regenerated,
//! so that what is published can never disagree with what is enforced.
//! Regenerate with `REDRESS_BLESS=1 cargo test` and review the diff.

use crate::support::{redress, root};

fn bless() -> bool {
    std::env::var_os("REDRESS_BLESS").is_some()
}

#[test]
fn docs_cafcass_and_babicm_are_the_current_doc_output() {
    for name in ["cafcass", "babicm"] {
        let run = redress(&["doc", &format!("procedures/{name}.proc")]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let path = root().join(format!("docs/{name}.md"));
        if bless() {
            std::fs::write(&path, &run.stdout).expect("write");
            continue;
        }
        let committed = std::fs::read_to_string(&path).expect("generated doc committed");
        assert!(
            committed == run.stdout,
            "docs/{name}.md is out of date: run `redress doc procedures/{name}.proc --out docs/{name}.md`"
        );
    }
}

#[test]
fn the_diagrams_in_procedures_md_are_the_current_graph_output() {
    let path = root().join("docs/procedures.md");
    let mut text = std::fs::read_to_string(&path).expect("docs/procedures.md");
    for name in ["cafcass", "babicm"] {
        let run = redress(&["graph", &format!("procedures/{name}.proc")]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let marker = format!("<!-- redress graph procedures/{name}.proc -->\n```mermaid\n");
        let start = text
            .find(&marker)
            .map(|i| i + marker.len())
            .expect("graph marker");
        let end = start
            + text[start..]
                .find("```\n<!-- end graph -->")
                .expect("end marker");
        if bless() {
            text.replace_range(start..end, &run.stdout);
        } else {
            assert!(
                text[start..end] == run.stdout,
                "the {name} diagram in docs/procedures.md is out of date"
            );
        }
    }
    if bless() {
        std::fs::write(&path, text).expect("write");
    }
}

#[test]
fn the_doc_cites_every_paragraph_the_procedure_cites() {
    // The document is for people checking the procedure against its source:
    // every paragraph that carries a rule must be visible in it.
    for name in ["cafcass", "babicm"] {
        let doc = redress(&["doc", &format!("procedures/{name}.proc")]).stdout;
        let coverage = redress(&[
            "check",
            "--coverage",
            "--format",
            "json",
            &format!("procedures/{name}.proc"),
        ])
        .stdout;
        let value: serde_json::Value = serde_json::from_str(&coverage).expect("JSON");
        for label in value["procedures"][0]["cited"].as_array().expect("cited") {
            let label = label.as_str().expect("label");
            assert!(doc.contains(label), "{name}: {label} not in the document");
        }
    }
}

#[test]
fn graph_shows_steps_leads_deadlines_windows_loops_and_outcomes() {
    let mermaid = redress(&["graph", "procedures/cafcass.proc"]).stdout;
    assert!(mermaid.starts_with("flowchart TD\n"));
    assert!(mermaid.contains("n_step2[\"Step 2: Investigation<br/>lead: complaints_manager<br/>investigation: 25 working days\"]"));
    assert!(
        mermaid.contains("n_step3 -->|\"process_not_satisfied when return_to == step1\"| n_step1"),
        "the 8.4 loop"
    );
    assert!(mermaid.contains(
        "n_step1_considered -.->|\"step2_requested within 3 weeks of response_sent\"| n_step2"
    ));
    assert!(mermaid.contains("n_review_outcome_stands([\"review_outcome_stands (final)\"])"));
    let dot = redress(&["graph", "procedures/cafcass.proc", "--format", "dot"]);
    assert_eq!(dot.code, 0);
    assert!(dot.stdout.starts_with("digraph \"cafcass\" {"));
    assert!(
        dot.stdout
            .contains("n_step2 -> n_step2 [label=\"report_rejected\"];"),
        "a self-loop"
    );
    assert!(dot.stdout.contains(
        "n_step1_considered -> n_resolved_at_step1 [label=\"window closed\", style=bold];"
    ));
    assert!(dot.stdout.trim_end().ends_with('}'));
}
