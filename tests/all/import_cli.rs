//! `redress import csv` as a team runs it on a case-management export.

use crate::support::{redress, scratch};

const EXPORT: &str = "examples/import/complaints-export.csv";
const MAPPING: &str = "examples/import/cafcass.mapping.yaml";

/// tests/fixtures/import/expected.jsonl was checked by hand against the
/// export: each `dd/mm/yyyy` date rewritten as ISO, the export's words
/// mapped to events, CAF-2026-0104's two rows put in date order, the note
/// with a comma kept whole, the handler named as the line manager.
#[test]
fn the_example_export_becomes_the_expected_cases() {
    let run = redress(&["import", "csv", EXPORT, "--mapping", MAPPING]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = std::fs::read_to_string("tests/fixtures/import/expected.jsonl").unwrap();
    let lines = |text: &str| -> Vec<serde_json::Value> {
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    assert_eq!(lines(&run.stdout), lines(&expected));
}

/// The imported cases replay. Dates worked out by hand over the 2026
/// England and Wales bank holidays (Good Friday 3 April, Easter Monday 6
/// April): CAF-2026-0104, received Monday 23 February, is due 20 working
/// days on, Monday 23 March, and as of Thursday 2 April is 8 working days
/// late (24–27, 30–31 March, 1–2 April); CAF-2026-0103, received Thursday
/// 12 March, is due Monday 13 April (13 March, 16–20, 23–27, 30–31 March,
/// 1–2 April make 15; 7–10 and 13 April make 20), 5 working days after 2
/// April.
#[test]
fn imported_cases_written_to_a_folder_or_a_jsonl_file_replay_alike() {
    let dir = scratch("import-out");
    let folder = dir.join("cases");
    let file = dir.join("cases.jsonl");
    for out in [&folder, &file] {
        let run = redress(&[
            "import",
            "csv",
            EXPORT,
            "--mapping",
            MAPPING,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stderr.contains("4 cases written"), "{}", run.stderr);
    }
    assert!(folder.join("CAF-2026-0101.yaml").is_file());
    let mut caseloads = Vec::new();
    for path in [&folder, &file] {
        let run = redress(&[
            "status",
            path.to_str().unwrap(),
            "--at",
            "2026-04-02",
            "--format",
            "json",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let overdue = &v["overdue"][0];
        assert_eq!(overdue["case"], "CAF-2026-0104");
        assert_eq!(overdue["due"], "2026-03-23");
        assert_eq!(overdue["working_days"], 8);
        assert_eq!(overdue["person"], "Ade Okafor");
        let due = &v["due"][0];
        assert_eq!(due["case"], "CAF-2026-0103");
        assert_eq!(due["due"], "2026-04-13");
        assert_eq!(due["working_days"], 5);
        caseloads.push(v["overdue"].clone());
    }
    let without_origin = |v: &serde_json::Value| {
        let mut v = v.clone();
        for item in v.as_array_mut().unwrap() {
            item.as_object_mut().unwrap().remove("file");
            item.as_object_mut().unwrap().remove("line");
        }
        v
    };
    assert_eq!(without_origin(&caseloads[0]), without_origin(&caseloads[1]));
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

const SMALL_MAPPING: &str = "date_format: \"%d/%m/%Y\"\nprocedure: council\ncolumns: { case: Ref, event: What, date: When }\n";

#[test]
fn a_bad_row_is_named_at_its_line_and_column_and_nothing_is_written() {
    let dir = scratch("import-bad-row");
    let mapping = write(&dir, "m.mapping.yaml", SMALL_MAPPING);
    let export = write(
        &dir,
        "export.csv",
        "Ref,What,When\nA-1,received,05/01/2026\nA-2,received,31/02/2026\nA-3,received,2026-01-07\n",
    );
    let out = dir.join("out.jsonl");
    let run = redress(&[
        "import",
        "csv",
        &export,
        "--mapping",
        &mapping,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("E1203"), "{}", run.stderr);
    // Line 3, column 14: the date cell of the second data row.
    assert!(run.stderr.contains("export.csv:3:14"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert!(!out.exists());
    let run = redress(&[
        "import",
        "csv",
        &export,
        "--mapping",
        &mapping,
        "--out",
        out.to_str().unwrap(),
        "--skip-bad",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = std::fs::read_to_string(&out).unwrap();
    let ids: Vec<String> = written
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["case"].to_string())
        .collect();
    // ISO dates are read whatever the mapping's format.
    assert_eq!(ids, ["\"A-1\"", "\"A-3\""]);
}

#[test]
fn every_kind_of_bad_input_has_its_code() {
    let dir = scratch("import-codes");
    let good = write(&dir, "good.mapping.yaml", SMALL_MAPPING);
    let two = write(
        &dir,
        "two.mapping.yaml",
        "date_format: \"%d/%m/%Y\"\ncolumns: { case: Ref, procedure: Proc, event: What, date: When }\n",
    );
    let cases = [
        (
            "E1201",
            write(&dir, "bad.mapping.yaml", "date_format: x\ncolums: {}\n"),
            "Ref,What,When\n".to_string(),
            "bad.mapping.yaml:",
        ),
        (
            "E1202",
            good.clone(),
            "Ref,Event,When\nA-1,received,05/01/2026\n".to_string(),
            "export.csv:1:1",
        ),
        (
            "E1204",
            good.clone(),
            "Ref,What,When\n,received,05/01/2026\n".to_string(),
            "export.csv:2:1",
        ),
        (
            "E1205",
            good.clone(),
            "Ref,What,When\nA-1,received\n".to_string(),
            "export.csv:2:1",
        ),
        (
            "E1206",
            two,
            "Ref,Proc,What,When\nA-1,council,received,05/01/2026\nA-1,cafcass,acknowledge,06/01/2026\n"
                .to_string(),
            "export.csv:3:5",
        ),
    ];
    for (code, mapping, export, place) in cases {
        let export = write(&dir, "export.csv", &export);
        let run = redress(&["import", "csv", &export, "--mapping", &mapping]);
        assert_eq!(run.code, 1, "{code}: {}", run.stderr);
        assert!(run.stderr.contains(code), "{code}: {}", run.stderr);
        assert!(
            run.stderr.contains(place),
            "{code} at {place}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{code}: {}", run.stdout);
    }
}

#[test]
fn one_row_per_case_with_a_column_per_event() {
    let dir = scratch("import-cases-layout");
    let mapping = write(
        &dir,
        "m.mapping.yaml",
        "layout: cases\ndate_format: \"%d/%m/%Y\"\nprocedure: council\ncolumns: { case: Ref }\nevents: { received: Received, acknowledge: Acknowledged }\n",
    );
    let export = write(
        &dir,
        "export.csv",
        "Ref,Received,Acknowledged\nA-1,05/01/2026,06/01/2026\nA-2,07/01/2026,\n",
    );
    let run = redress(&["import", "csv", &export, "--mapping", &mapping]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cases: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(cases[0]["events"][1]["event"], "acknowledge");
    assert_eq!(cases[0]["events"][1]["on"], "2026-01-06");
    assert_eq!(cases[1]["events"].as_array().unwrap().len(), 1);
}
