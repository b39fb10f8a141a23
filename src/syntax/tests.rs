//! Grammar tests: each says why it exists.

use super::ast::*;
use super::*;

fn parse_ok(text: &str) -> ProcedureDecl {
    let (file, errors) = parse(text);
    assert!(errors.is_empty(), "{errors:?}");
    file.and_then(|f| f.procedure).expect("a procedure")
}

fn first_error(text: &str) -> SyntaxError {
    let (_, errors) = parse(text);
    errors.into_iter().next().expect("an error")
}

fn wrap(body: &str) -> String {
    format!("procedure p \"P\" {{\n{body}\n}}\n")
}

#[test]
fn keywords_need_a_word_boundary() {
    // `leader` must be a role name, not `lead` followed by `er`.
    let p = parse_ok(&wrap("role leader\nstep s { lead leader }"));
    assert_eq!(p.steps[0].leads[0].value.text, "leader");
}

#[test]
fn working_days_is_one_unit_and_singular_forms_are_accepted() {
    let p = parse_ok(&wrap(
        "step s { deadline d 1 working day\n deadline e 2 weeks\n deadline f 1 month }",
    ));
    let units: Vec<Unit> = p.steps[0]
        .deadlines
        .iter()
        .map(|d| match d.duration {
            Duration::Literal { unit, .. } => unit,
            Duration::Fact(_) => Unit::Days,
        })
        .collect();
    assert_eq!(units, [Unit::WorkingDays, Unit::Weeks, Unit::Months]);
}

#[test]
fn not_binds_looser_than_comparison_and_tighter_than_and() {
    // `not a == b and c` must read as `(not (a == b)) and c`.
    let p = parse_ok(&wrap("step s { on e when not a == b and c -> t }"));
    let Some(Expr::Binary {
        op: BinaryOp::And,
        lhs,
        ..
    }) = &p.steps[0].transitions[0].guard
    else {
        panic!("expected and at the top");
    };
    assert!(
        matches!(**lhs, Expr::Not { ref operand, .. } if matches!(**operand, Expr::Binary { op: BinaryOp::Eq, .. }))
    );
}

#[test]
fn or_is_looser_than_and() {
    let p = parse_ok(&wrap("step s { on e when a or b and c -> t }"));
    assert!(matches!(
        &p.steps[0].transitions[0].guard,
        Some(Expr::Binary { op: BinaryOp::Or, rhs, .. }) if matches!(**rhs, Expr::Binary { op: BinaryOp::And, .. })
    ));
}

#[test]
fn in_sets_and_parentheses() {
    let p = parse_ok(&wrap("step s { task t when (x in {a, b}) or not y }"));
    assert!(matches!(
        &p.steps[0].tasks[0].guard,
        Some(Expr::Binary {
            op: BinaryOp::Or,
            ..
        })
    ));
}

#[test]
fn transitions_carry_event_data_roles_guards_and_requirements() {
    let p = parse_ok(&wrap(
        "step s { on accepted(outcome: upheld | not_upheld) by adjudicator when outcome == upheld requires a, b -> t cite \"7.7\" }",
    ));
    let t = &p.steps[0].transitions[0];
    assert_eq!(t.event.text, "accepted");
    assert_eq!(t.params.len(), 1);
    assert_eq!(t.by.as_ref().map(|b| b.text.as_str()), Some("adjudicator"));
    assert_eq!(t.requires.len(), 2);
    assert_eq!(t.target.text, "t");
    assert_eq!(
        t.cite.as_ref().map(|c| c.labels[0].value.as_str()),
        Some("7.7")
    );
}

#[test]
fn deadlines_take_anchor_extension_and_met_by() {
    let p = parse_ok(&wrap(
        "step s { deadline report 25 working days from entry, extendable to 65 working days met by accepted, rejected }",
    ));
    let d = &p.steps[0].deadlines[0];
    assert!(matches!(d.anchor, Some(Anchor::Entry(_))));
    assert!(matches!(d.extension, Some(Extension::UpTo(_))));
    assert_eq!(d.met_by.len(), 2);
}

#[test]
fn escalation_and_otherwise() {
    let p = parse_ok(&wrap(
        "step s { escalate to step2 on requested by complainant within 3 weeks of response_sent\n otherwise -> resolved }",
    ));
    assert_eq!(p.steps[0].escalations[0].target.text, "step2");
    assert_eq!(p.steps[0].otherwise[0].value.text, "resolved");
}

#[test]
fn strings_unescape() {
    let p = parse_ok(&wrap("note \"a \\\"quoted\\\" word\\nnext\""));
    assert_eq!(p.notes[0].text.value, "a \"quoted\" word\nnext");
}

#[test]
fn calendars_can_be_declared_and_used() {
    let p = parse_ok(&wrap(
        "calendar offices based on england-and-wales { weekend friday saturday\n closed 2026-12-29 \"Closure\" }\ncalendar offices",
    ));
    assert_eq!(p.calendars[0].base.text, "england-and-wales");
    assert_eq!(p.calendars[0].closed.len(), 1);
    assert_eq!(p.calendar_uses[0].value.text, "offices");
}

#[test]
fn reserved_words_cannot_be_names() {
    // A fact called `and` would make guards ambiguous.
    assert!(matches!(
        first_error(&wrap("fact and: bool")),
        SyntaxError::Unexpected { .. }
    ));
}

#[test]
fn syntax_errors_speak_the_language() {
    let SyntaxError::Unexpected {
        expected,
        found,
        help,
        ..
    } = first_error(&wrap("step s { deadline d 20 workdays }"))
    else {
        panic!("expected a syntax error");
    };
    assert_eq!(
        expected,
        "a unit (`working days`, `days`, `weeks`, `months` or `years`)"
    );
    assert!(help.contains("`20 working days`"), "{help}");
    assert_eq!(found, "`workdays`");
    let SyntaxError::Unexpected { expected, .. } = first_error(&wrap("step s { on e t }")) else {
        panic!("expected a syntax error");
    };
    assert!(expected.contains("`->`"), "{expected}");
    assert!(!expected.contains("kw_"), "{expected}");
}

#[test]
fn invalid_dates_and_huge_numbers_are_reported_after_parsing() {
    let (_, errors) = parse(&wrap(
        "effective 2008-02-30\nstep s { deadline d 99999999999 days }",
    ));
    assert!(matches!(errors[0], SyntaxError::InvalidDate { .. }));
    assert!(matches!(errors[1], SyntaxError::NumberTooLarge { .. }));
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    let guard = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
    let error = first_error(&wrap(&format!("step s {{ on e when {guard} -> t }}")));
    assert!(matches!(error, SyntaxError::NestingTooDeep { .. }));
}

#[test]
fn brackets_inside_strings_and_comments_do_not_count() {
    let deep = "(".repeat(200);
    parse_ok(&wrap(&format!("note \"{deep}\"\n// {deep}")));
}

#[test]
fn empty_and_comment_only_files() {
    assert!(matches!(first_error(""), SyntaxError::EmptyFile { .. }));
    assert!(matches!(
        first_error("// nothing\n\n"),
        SyntaxError::EmptyFile { .. }
    ));
}

#[test]
fn long_conditions_are_refused() {
    let guard = vec!["a"; 2000].join(" and ");
    let error = first_error(&wrap(&format!("step s {{ on e when {guard} -> t }}")));
    assert!(matches!(error, SyntaxError::ExpressionTooLong { .. }));
}

#[test]
fn a_misspelt_keyword_gets_a_suggestion_and_an_unclosed_brace_says_so() {
    let SyntaxError::Unexpected { help, .. } = first_error(&wrap("step s { deadlne d 20 days }"))
    else {
        panic!("expected a syntax error");
    };
    assert!(help.starts_with("did you mean `deadline`?"), "{help}");
    let e = first_error("procedure p \"P\" {\n  role r\n");
    let SyntaxError::UnclosedBrace { opened, line, .. } = e else {
        panic!("expected an unclosed brace: {e:?}");
    };
    assert_eq!((opened.as_str(), line), ("procedure `p`", 1));
}

#[test]
fn of_and_from_mean_the_same_in_deadlines_tasks_windows_and_limits() {
    // People write "within 10 working days of acknowledge" in a deadline as
    // often as "from", and "from" in a window; both are accepted everywhere.
    let with_of = parse_ok(&wrap(
        "limit 12 months of received\nstep s { deadline d 10 working days of acknowledge\n task t within 5 days of entry\n escalate to s on asked within 3 weeks of sent }",
    ));
    let with_from = parse_ok(&wrap(
        "limit 12 months from received\nstep s { deadline d 10 working days from acknowledge\n task t within 5 days from entry\n escalate to s on asked within 3 weeks from sent }",
    ));
    let word = |a: Option<&Anchor>| match a {
        Some(Anchor::Entry(_)) => "entry".to_string(),
        Some(Anchor::Event(n)) => n.text.clone(),
        Some(Anchor::Date(_)) => "date".to_string(),
        None => "none".to_string(),
    };
    let anchors = |p: &ProcedureDecl| {
        let s = &p.steps[0];
        [
            word(s.deadlines[0].anchor.as_ref()),
            word(s.tasks[0].within.as_ref().and_then(|w| w.1.as_ref())),
            word(Some(&s.escalations[0].anchor)),
            word(Some(&p.limits[0].anchor)),
        ]
    };
    assert_eq!(
        anchors(&with_of),
        ["acknowledge", "entry", "sent", "received"]
    );
    assert_eq!(anchors(&with_of), anchors(&with_from));
}

#[test]
fn paragraph_labels_may_be_separated_by_commas() {
    let p = parse_ok(&wrap("paragraphs \"1\", \"2\" \"3\""));
    let labels: Vec<&str> = p.paragraphs[0]
        .labels
        .iter()
        .map(|l| l.value.as_str())
        .collect();
    assert_eq!(labels, ["1", "2", "3"]);
}

#[test]
fn an_unclosed_string_is_blamed_on_its_own_line() {
    // The string swallows the text up to the next quote; pest fails two
    // lines further on, at text the writer never got wrong.
    let e = first_error(&wrap(
        "role a \"A\"\nstep s {\n lead a\n task t \"Acknowledge in writing\n on done -> closed\n}\noutcome closed \"Closed\"",
    ));
    assert!(
        matches!(e, SyntaxError::UnclosedString { line: 5, .. }),
        "{e:?}"
    );
}

#[test]
fn a_number_word_in_a_duration_is_answered_with_its_digits() {
    let e = first_error(&wrap("step s { deadline d twenty-five working days }"));
    let SyntaxError::NumberInWords { word, help, .. } = e else {
        panic!("{e:?}")
    };
    assert_eq!(word, "twenty-five");
    assert_eq!(help, "write `25 working days`");
}

#[test]
fn the_plain_word_checks_survive_text_that_is_not_ascii() {
    // They slice the text around the failure; a multi-byte character next
    // to it must not split.
    for body in [
        "step s { deadline d éé working days }",
        "step s { deadline d ½twenty working days }",
        "step s { deadline d 3 days from é - 2 }",
        "step s { task t \"é\"é\n on x -> y }",
        "step é {",
    ] {
        let (_, errors) = parse(&wrap(body));
        assert!(!errors.is_empty(), "{body}");
    }
}

#[test]
fn a_setting_default_that_looks_like_a_date_is_a_date_and_its_title_is_not_its_value() {
    // A date and a duration both begin with digits: `2026-04-01` must not
    // be read as the number 2026 and fail on its unit. A text default is
    // the value, and the string after it the description.
    let p = parse_ok(&wrap(
        "setting from: date = 2026-04-01 \"When the policy applies\"\n\
         setting window: duration = 20 working days\n\
         setting team: text = \"Complaints\" \"Who signs\"",
    ));
    assert!(matches!(p.settings[0].default, Expr::Date(_)));
    assert!(matches!(
        p.settings[1].default,
        Expr::Duration {
            amount: 20,
            unit: Unit::WorkingDays,
            ..
        }
    ));
    assert!(matches!(&p.settings[2].default, Expr::Text(t) if t.value == "Complaints"));
    assert_eq!(
        p.settings[2].title.as_ref().map(|t| t.value.as_str()),
        Some("Who signs")
    );
}
