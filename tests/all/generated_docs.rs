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
    for name in ["cafcass", "babicm", "housing-ombudsman-2024", "lgsco-2024"] {
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
fn the_leaflets_in_docs_leaflets_are_the_current_complainant_output() {
    for name in ["cafcass", "babicm", "housing-ombudsman-2024", "lgsco-2024"] {
        let run = redress(&[
            "doc",
            &format!("procedures/{name}.proc"),
            "--audience",
            "complainant",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let path = root().join(format!("docs/leaflets/{name}.md"));
        if bless() {
            std::fs::write(&path, &run.stdout).expect("write");
            continue;
        }
        let committed = std::fs::read_to_string(&path).expect("generated leaflet committed");
        assert!(
            committed == run.stdout,
            "docs/leaflets/{name}.md is out of date: run `redress doc procedures/{name}.proc --audience complainant --out docs/leaflets/{name}.md`"
        );
    }
}

#[test]
fn the_leaflet_says_how_long_each_stage_takes_and_how_to_ask_for_the_next() {
    let run = redress(&[
        "doc",
        "procedures/cafcass.proc",
        "--audience",
        "complainant",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = run.stdout;
    // Cafcass 2.1: 20 working days, extendable by agreement.
    assert!(text.contains(
        "- Response: within 20 working days, counted from the day we receive your complaint. It can take longer if this is agreed."
    ), "{text}");
    // Cafcass 7.2 sets a ceiling, not an agreement: the leaflet must not
    // say the extension is agreed.
    assert!(text.contains(
        "- Investigation: within 25 working days, counted from the day this stage starts. It can be extended, to no more than 65 working days in all."
    ), "{text}");
    // Cafcass 6.4: the request for Step 2 and its window.
    assert!(text.contains(
        "- You can ask for **Step 2: Investigation**. Ask within 3 weeks, counted from “response sent”."
    ), "{text}");
    assert!(text.contains(
        "- Decision: within 20 working days, counted from the day you ask for this stage."
    ));
    // No identifiers, no citations, no staff role names without their
    // description, in what a reader sees (the comment is not shown).
    let shown: String = text
        .lines()
        .filter(|l| !l.starts_with("<!--"))
        .collect::<Vec<_>>()
        .join("\n");
    for internal in [
        "`",
        "_(",
        "complaints_manager",
        "step2_requested",
        "line_manager",
    ] {
        assert!(!shown.contains(internal), "the leaflet shows {internal}");
    }
    let babicm = redress(&["doc", "procedures/babicm.proc", "--audience", "complainant"]).stdout;
    assert!(babicm.contains(
        "- You can go to the Local Government and Social Care Ombudsman (England) if “The nation whose regulator and ombudsman apply” is England."
    ), "{babicm}");
    assert!(babicm.contains("- We tell the local safeguarding team or local authority"));
}

#[test]
fn the_staff_document_uses_descriptions_and_only_the_words_the_procedure_supports() {
    let text = redress(&["doc", "procedures/cafcass.proc"]).stdout;
    assert!(text.contains("| Step | Lead | Tasks | Time limit | Window to ask for the next step |"));
    assert!(
        text.contains("| investigation: 25 working days, extendable to 65 working days | — |"),
        "{text}"
    );
    assert!(
        !text.contains("extension is agreed, up to"),
        "a ceiling is not an agreement"
    );
    assert!(text
        .contains("within 20 working days of receiving the complaint, extendable by agreement."));
    // Conditions come from the facts' descriptions, not their names.
    assert!(text.contains(
        "- Offer the support of an independent advocate, when “Who is making the complaint” is child or young person, or an adult who may need extra help has asked for support."
    ), "{text}");
    for identifier in [
        "`response_sent`",
        "`other_agency",
        "**not_reopened**",
        "professionalbody",
    ] {
        assert!(
            !text.contains(identifier),
            "the document shows {identifier}"
        );
    }
    let babicm = redress(&["doc", "procedures/babicm.proc"]).stdout;
    assert!(babicm.contains("The complainant may take the complaint to the Local Government and Social Care Ombudsman (England), when"));
    assert!(
        babicm.contains("by BABICM's Professional Practice"),
        "no article before a possessive"
    );
}

#[test]
fn durations_of_one_are_singular_in_both_documents() {
    let dir = std::env::temp_dir().join(format!("redress-doc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("one.proc");
    std::fs::write(
        &path,
        "procedure one \"One\" {\n  role manager \"Manager\"\n  start first\n  step first \"First\" {\n    lead manager\n    deadline reply 1 working day\n    on replied -> closed\n  }\n  outcome closed \"Closed\"\n}\n",
    )
    .expect("write");
    let path = path.to_string_lossy().to_string();
    let staff = redress(&["doc", &path, "--audience", "staff"]);
    assert_eq!(staff.code, 0, "{}", staff.stderr);
    assert!(
        staff
            .stdout
            .contains("within 1 working day of receiving the complaint."),
        "{}",
        staff.stdout
    );
    let leaflet = redress(&["doc", &path, "--audience", "complainant"]).stdout;
    assert!(
        leaflet.contains(
            "- Reply: within 1 working day, counted from the day we receive your complaint."
        ),
        "{leaflet}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_diagrams_in_procedures_md_are_the_current_graph_output() {
    let path = root().join("docs/procedures.md");
    let mut text = std::fs::read_to_string(&path).expect("docs/procedures.md");
    for name in ["cafcass", "babicm", "housing-ombudsman-2024", "lgsco-2024"] {
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
    for name in ["cafcass", "babicm", "housing-ombudsman-2024", "lgsco-2024"] {
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
