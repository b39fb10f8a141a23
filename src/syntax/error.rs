//! Syntax errors, in the language's words rather than the grammar's.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use super::Rule;

/// Everything that can be wrong with the text of a `.proc` file before its
/// names and types are considered.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
pub enum SyntaxError {
    /// Brackets or braces nested deeper than any procedure needs; refused
    /// before parsing so that hostile input cannot exhaust the stack.
    #[error("brackets nested more than {limit} deep")]
    #[diagnostic(
        code(E0003),
        help("split the condition into simpler ones; no procedure needs this much nesting")
    )]
    NestingTooDeep {
        limit: usize,
        #[label("nesting limit passed here")]
        span: SourceSpan,
    },

    /// A file with nothing but white space and comments.
    #[error("the file is empty: it declares no procedure")]
    #[diagnostic(
        code(E0004),
        help("a .proc file holds one procedure: `procedure my_id \"Title\" {{ ... }}`")
    )]
    EmptyFile {
        #[label("expected `procedure` here")]
        span: SourceSpan,
    },

    /// A condition with more terms than a person could review.
    #[error("this condition has {terms} terms; the limit is {limit}")]
    #[diagnostic(
        code(E0005),
        help("declare a fact that captures the condition, or split the transition")
    )]
    ExpressionTooLong {
        terms: usize,
        limit: usize,
        #[label("condition starts here")]
        span: SourceSpan,
    },

    /// The text does not follow the grammar at this point.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(E0101), help("{help}"))]
    Unexpected {
        expected: String,
        found: String,
        help: String,
        #[label("unexpected {found}")]
        span: SourceSpan,
    },

    /// A string whose closing quote is missing: the text after it was read
    /// as part of the string, so the error pest finds is somewhere else.
    #[error("the string on line {line} is not closed")]
    #[diagnostic(
        code(E0104),
        help("end the text with `\"` on the same line; a quote inside text is written `\\\"`")
    )]
    UnclosedString {
        line: usize,
        #[label("this string has no closing `\"`")]
        span: SourceSpan,
    },

    /// A `{` that is never closed, found where the next construct starts.
    #[error("the `{{` of {opened} on line {line} is never closed")]
    #[diagnostic(code(E0105), help("{help}"))]
    UnclosedBrace {
        /// What the brace opened, such as "step `first`".
        opened: String,
        line: usize,
        help: String,
        #[label("this `{{` has no `}}`")]
        span: SourceSpan,
    },

    /// A number written in words where a duration needs digits.
    #[error("durations are written with digits, not `{word}`")]
    #[diagnostic(code(E0106), help("{help}"))]
    NumberInWords {
        word: String,
        help: String,
        #[label("write this number in digits")]
        span: SourceSpan,
    },

    /// Arithmetic where a time limit names its anchor: only conditions and
    /// `until` take date arithmetic.
    #[error("`{operator}` cannot stand here: a time limit counts from an event, `entry`, a date fact or `latest(…)`/`earliest(…)`")]
    #[diagnostic(
        code(E0107),
        help("to end on a computed date write `until`: `deadline reply until received + 20 working days`; conditions may move dates: `reject when incident_date < received - 12 months`; a limit on the whole case is `limit 12 months from received`")
    )]
    Arithmetic {
        operator: String,
        #[label("no arithmetic here")]
        span: SourceSpan,
    },

    /// A date in the right shape that does not exist.
    #[error("`{text}` is not a real date")]
    #[diagnostic(code(E0102), help("write dates as YYYY-MM-DD, for example 2008-12-01"))]
    InvalidDate {
        text: String,
        #[label("no such date")]
        span: SourceSpan,
    },

    /// A number too large to mean anything as a count of days.
    #[error("`{text}` is too large")]
    #[diagnostic(code(E0103), help("durations are limited to {limit}"))]
    NumberTooLarge {
        text: String,
        limit: i64,
        #[label("too large")]
        span: SourceSpan,
    },
}

/// How a grammar rule is described to a person who expected to see it.
fn describe(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        ident => "a name",
        calendar_name => "a calendar name such as `england-and-wales`",
        string | string_inner => "a string in double quotes",
        date => "a date such as `2026-12-18`",
        integer => "a number",
        time_unit | unit_working_days | unit_days | unit_weeks | unit_months => {
            "a unit (`working days`, `days`, `weeks`, `months` or `years`)"
        }
        duration | duration_literal => "a duration such as `20 working days`",
        arrow => "`->`",
        lbrace => "`{`",
        rbrace => "`}`",
        colon => "`:`",
        cite | kw_cite => "`cite`",
        guard | kw_when => "`when`",
        fact_type | enum_type | type_bool | type_date | type_duration | type_text => {
            "a type (`bool`, `date`, `duration`, `text`, or values such as `yes | no`)"
        }
        expr | bool_true | bool_false => "a condition",
        op_or | op_and | op_eq | op_ne | op_le | op_ge | op_lt | op_gt => "an operator",
        op_not => "`not`",
        in_set | kw_in => "`in {…}`",
        anchor | kw_entry => "`entry` or an event name",
        from_anchor | kw_from => "`from`",
        extension => "`, extendable`",
        met_by | kw_met => "`met by`",
        task_within | kw_within => "`within`",
        requires | kw_requires => "`requires`",
        owes_notice => "`requires notice`",
        reopens | kw_reopens => "`reopens`",
        by_role | kw_by => "`by`",
        event_params => "`(`",
        EOI => "the end of the file",
        procedure | kw_procedure => "`procedure`",
        kw_version => "`version`",
        kw_effective => "`effective`",
        kw_source => "`source`",
        kw_calendar => "`calendar`",
        kw_based => "`based on`",
        kw_on => "`on`",
        kw_weekend => "`weekend`",
        kw_closed => "`closed`",
        kw_paragraphs => "`paragraphs`",
        kw_limit => "`limit`",
        kw_missed => "`missed`",
        kw_anywhere => "`anywhere`",
        kw_as => "`as`",
        kw_soon => "`soon`",
        kw_practicable => "`practicable`",
        kw_role => "`role`",
        kw_fact => "`fact`",
        kw_body => "`body`",
        kw_route => "`route`",
        kw_refer => "`refer`",
        kw_to => "`to`",
        kw_start => "`start`",
        kw_step => "`step`",
        kw_outcome => "`outcome`",
        kw_final => "`final`",
        kw_note => "`note`",
        kw_lead => "`lead`",
        kw_task => "`task`",
        kw_deadline => "`deadline`",
        kw_extendable => "`extendable`",
        kw_agreement => "`agreement`",
        kw_pause => "`pause`",
        kw_for => "`for`",
        kw_with => "`with`",
        kw_of => "`of`",
        kw_escalate => "`escalate`",
        kw_otherwise => "`otherwise`",
        kw_reject => "`reject`",
        kw_refuse => "`refuse`",
        kw_fixed => "`fixed`",
        kw_notice => "`notice`",
        kw_granted | ext_granted_by => "`granted by`",
        refer_due | kw_immediately => "`immediately` or `within`",
        ext_at_most | kw_at => "`at most`",
        kw_once | kw_most => "`once`",
        kw_times => "`times`",
        ext_with_notice => "`with notice to`",
        ext_agreement_of => "`by agreement of`",
        lead_different | kw_different => "`, different from`",
        role_not_also | kw_also => "`, not also`",
        role_panel | kw_members => "`, members`",
        kw_at_least => "`at least`",
        panel_chair | kw_chair => "`, chair`",
        panel_size => "a number of members (`3`, `at least 2`, `2 to 4`)",
        fact_fixed => "`, fixed`",
        notice_includes | kw_includes => "`includes`",
        by_roles => "`by … and …`",
        _ => return None,
    })
}

const STEP_ITEMS: &[Rule] = &[
    Rule::kw_lead,
    Rule::kw_task,
    Rule::kw_deadline,
    Rule::kw_pause,
    Rule::kw_on,
    Rule::kw_escalate,
    Rule::kw_otherwise,
    Rule::kw_reject,
    Rule::kw_refuse,
];

const PROCEDURE_ITEMS: &[Rule] = &[
    Rule::kw_version,
    Rule::kw_role,
    Rule::kw_fact,
    Rule::kw_step,
    Rule::kw_outcome,
    Rule::kw_start,
];

/// The keyword `word` was probably meant to be, among those expected.
pub(crate) fn nearest_keyword(word: &str, rules: &[Rule]) -> Option<&'static str> {
    if word.is_empty() || !word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let keywords: Vec<&'static str> = rules
        .iter()
        .filter_map(|r| describe(*r))
        .filter_map(|d| d.strip_prefix('`').and_then(|d| d.strip_suffix('`')))
        .filter(|d| d.chars().all(|c| c.is_ascii_alphabetic() || c == ' '))
        .collect();
    crate::suggest::did_you_mean(word, keywords)
}

/// Turns what pest expected at a position into a phrase and a help line.
pub(crate) fn expected_phrase(rules: &[Rule], literals: &[String]) -> (String, String) {
    let has_all = |set: &[Rule]| set.iter().all(|r| rules.contains(r));
    let mut items: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !items.contains(&s) {
            items.push(s);
        }
    };
    let mut grouped: &[Rule] = &[];
    if has_all(STEP_ITEMS) {
        push("a step item (`lead`, `task`, `deadline`, `on`, `escalate`, `otherwise`, …)".into());
        grouped = STEP_ITEMS;
    } else if has_all(PROCEDURE_ITEMS) {
        push("a declaration (`role`, `fact`, `step`, `outcome`, `start`, …)".into());
        grouped = PROCEDURE_ITEMS;
    }
    let other_items = [
        Rule::kw_route,
        Rule::kw_refer,
        Rule::kw_note,
        Rule::kw_effective,
        Rule::kw_source,
        Rule::kw_calendar,
        Rule::kw_paragraphs,
        Rule::kw_limit,
        Rule::kw_body,
    ];
    for rule in rules {
        if grouped.contains(rule) || (!grouped.is_empty() && other_items.contains(rule)) {
            continue;
        }
        if let Some(d) = describe(*rule) {
            push(d.to_string());
        }
    }
    for literal in literals {
        push(format!("`{literal}`"));
    }
    let help = help_for(rules);
    let phrase = match items.len() {
        0 => "something else".to_string(),
        1 => items.remove(0),
        n => {
            let last = items.remove(n - 1);
            format!("{} or {last}", items.join(", "))
        }
    };
    (phrase, help)
}

fn help_for(rules: &[Rule]) -> String {
    let any = |set: &[Rule]| set.iter().any(|r| rules.contains(r));
    if any(&[Rule::duration, Rule::duration_literal, Rule::time_unit]) {
        "a duration is a whole number and a unit, such as `20 working days`, `3 weeks` or `1 month`, or the name of a `duration` fact".into()
    } else if any(&[Rule::arrow]) {
        "a transition names its target after `->`, as in `on response_sent -> step2`".into()
    } else if any(&[Rule::fact_type]) {
        "declare a fact's type: `fact welfare_risk: bool`, or its values: `fact complainant: child | adult`".into()
    } else if any(&[Rule::expr]) {
        "a condition combines facts with `and`, `or`, `not`, `==`, `!=`, `<`, `in {…}`, as in `complainant in {child, young_person}`".into()
    } else if any(STEP_ITEMS) {
        "inside a step: `lead`, `task`, `deadline`, `pause`, `on`, `escalate`, `otherwise`, `reject`, `refuse`, `route`, `refer`, `note`; close the step with `}`".into()
    } else if any(&[Rule::kw_route]) && !any(&[Rule::kw_refer]) {
        // Only an outcome's block takes `route` without `refer`.
        "inside an outcome: `route to BODY …` lines and `note`; close the outcome with `}`".into()
    } else if any(&[Rule::string]) {
        "text is written in double quotes: \"like this\"".into()
    } else if any(&[Rule::kw_procedure]) {
        "a .proc file holds one procedure: `procedure my_id \"Title\" { ... }`".into()
    } else {
        "see docs/language.md for the form of each construct".into()
    }
}
