//! The two statutory complaint handling codes in procedures/ encode the
//! rules issue 14 names, with the same stage names so that an
//! organisation's procedure can be compared with either, and every
//! provision cited.

use redress::check::ir::{Anchor, DurationSpec, Extension, Procedure, Step, Unit};
use redress::compile::compile;

use crate::support::{redress, root};

const CODES: [(&str, &str); 2] = [
    ("housing-ombudsman-2024.proc", "housing_ombudsman_2024"),
    ("lgsco-2024.proc", "lgsco_2024"),
];

fn load(name: &str) -> Procedure {
    let path = root().join("procedures").join(name);
    let bytes = std::fs::read(&path).expect("procedure file");
    let compiled = compile(name, &bytes);
    assert!(compiled.problems.is_empty(), "{:?}", compiled.problems);
    compiled.procedure.expect("compiled procedure")
}

fn step<'p>(p: &'p Procedure, name: &str) -> &'p Step {
    p.step(p.step_named(name).expect("step exists"))
        .expect("step")
}

fn working_days(amount: u32) -> DurationSpec {
    DurationSpec::Fixed {
        amount,
        unit: Unit::WorkingDays,
    }
}

#[test]
fn coverage_lists_every_provision_of_both_codes_as_cited() {
    let run = redress(&["check", "--coverage", "--format", "json", "procedures/"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let expected: [(&str, &[&str]); 2] = [
        (
            "housing_ombudsman_2024",
            &[
                "Introduction",
                "1.4",
                "2.1",
                "2.2",
                "2.3",
                "2.4",
                "6.1",
                "6.2",
                "6.3",
                "6.4",
                "6.5",
                "6.6",
                "6.8",
                "6.10",
                "6.11",
                "6.12",
                "6.13",
                "6.14",
                "6.15",
                "6.16",
                "Ombudsman",
            ],
        ),
        (
            "lgsco_2024",
            &[
                "Introduction",
                "1.4",
                "6.1",
                "6.2",
                "6.3",
                "6.4",
                "6.5",
                "6.6",
                "6.7",
                "6.8",
                "6.9",
                "6.10",
                "6.11",
                "6.12",
                "6.13",
                "6.14",
                "6.15",
                "6.16",
                "s.26B",
                "Ombudsman FAQ",
            ],
        ),
    ];
    for (id, provisions) in expected {
        let p = value["procedures"]
            .as_array()
            .expect("procedures")
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("{id} not in the coverage report"));
        let cited: Vec<&str> = p["cited"]
            .as_array()
            .expect("cited")
            .iter()
            .filter_map(|c| c.as_str())
            .collect();
        assert_eq!(cited, provisions, "{id}");
        assert_eq!(p["uncited"].as_array().map(Vec::len), Some(0), "{id}");
    }
}

#[test]
fn both_codes_have_two_stages_with_the_same_names_and_timescales() {
    for (file, id) in CODES {
        let p = load(file);
        assert_eq!(p.id, id);
        assert_eq!(p.step_named("stage1"), Some(p.start), "{id}");
        let s1 = step(&p, "stage1");
        let acknowledge = s1
            .tasks
            .iter()
            .find(|t| t.name == "acknowledge")
            .expect("stage 1 acknowledgement");
        assert_eq!(
            acknowledge.within,
            Some((working_days(5), Anchor::Entry)),
            "{id}: 6.2"
        );
        let response = &s1.deadlines[0];
        assert_eq!(response.duration, working_days(10), "{id}: 6.3");
        assert_eq!(
            response.anchor,
            Anchor::Event(p.event_named("acknowledge").expect("event")),
            "{id}: counted from the acknowledgement, not receipt"
        );
        assert_eq!(
            response.extension,
            Extension::UpTo(working_days(20)),
            "{id}: 6.4"
        );
        assert!(
            response.extension_rules.soft_cap,
            "{id}: without good reason"
        );
        assert!(!response.extension_rules.after_expiry, "{id}: 6.4");
        assert!(
            response.extension_rules.notice_to.is_some(),
            "{id}: 6.5, the ombudsman's details"
        );
        assert_eq!(s1.pauses[0].name, "exceptional_circumstances", "{id}");
        assert_eq!(s1.pauses[0].consent_of, None, "{id}");

        let considered = step(&p, "stage1_considered");
        let window = &considered.escalations[0];
        assert_eq!(window.target, p.step_named("stage2").expect("stage2"));
        assert!(
            matches!(window.within, DurationSpec::Fact(f) if p.facts[f.index()].name == "escalation_window"),
            "{id}: the window is the organisation's setting"
        );
        assert!(considered.otherwise.is_some(), "{id}: silence closes it");

        let s2 = step(&p, "stage2");
        assert_eq!(
            s2.different_from,
            vec![p.step_named("stage1").expect("stage1")],
            "{id}: 6.13"
        );
        let response = &s2.deadlines[0];
        assert_eq!(response.duration, working_days(20), "{id}: 6.14");
        assert_eq!(
            response.extension,
            Extension::UpTo(working_days(40)),
            "{id}: 6.15"
        );
        assert!(response.extension_rules.notice_to.is_some(), "{id}: 6.16");
        assert_eq!(s2.refusals.len(), 1, "{id}");
    }
}

#[test]
fn the_housing_code_turns_away_excluded_and_late_complaints() {
    let p = load("housing-ombudsman-2024.proc");
    let s1 = step(&p, "stage1");
    assert_eq!(
        s1.rejects.len(),
        3,
        "legal proceedings, already considered, 12 months"
    );
    assert!(s1.rejects.iter().all(|r| r.target.is_some()));
}

#[test]
fn the_escalation_window_follows_the_organisations_settings_file() {
    // A council that gives one calendar month (Walsall's choice) instead
    // of the default 20 working days: `doc` states the value in force.
    let dir = std::env::temp_dir().join(format!("redress-codes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let settings = dir.join("walsall.settings.yaml");
    std::fs::write(
        &settings,
        "procedure: lgsco_2024\nsettings:\n  escalation_window: 1 month\n",
    )
    .expect("settings");
    let run = redress(&[
        "doc",
        "procedures/lgsco-2024.proc",
        "--settings",
        &settings.to_string_lossy(),
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("within 1 month of “stage1 response”"),
        "{}",
        run.stdout
    );
}
