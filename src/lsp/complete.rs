//! Completion: the keywords that can stand at the cursor, the names
//! declared that fit there, calendar names and units.
//!
//! A document being typed rarely parses, so the place is read from the
//! text before the cursor (the block it is in, and the words of the
//! current line), and the names come from the last version that parsed.

use super::index::{Index, Space};

/// What a completion is, for the editor's icon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sort {
    Keyword,
    Unit,
    Calendar,
    Step,
    Outcome,
    Role,
    Fact,
    Value,
    Body,
    Event,
    Task,
    Notice,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Candidate {
    pub(crate) label: String,
    pub(crate) sort: Sort,
}

/// The block the cursor is in.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Block {
    File,
    Procedure,
    /// A step, by name.
    Step(String),
    Calendar,
    /// An outcome's block of routes.
    Outcome,
    /// `in { … }` in a guard.
    Set,
}

const HEADER: &[&str] = &[
    "anywhere",
    "version",
    "effective",
    "source",
    "calendar",
    "paragraphs",
    "limit",
    "note",
    "role",
    "fact",
    "setting",
    "body",
    "route",
    "refer",
    "start",
    "step",
    "outcome",
    "notice",
    "track",
];
const STEP: &[&str] = &[
    "lead",
    "task",
    "deadline",
    "pause",
    "on",
    "escalate",
    "otherwise",
    "reject",
    "refuse",
    "route",
    "refer",
    "note",
];
const CALENDAR: &[&str] = &["weekend", "closed", "note"];
const OUTCOME: &[&str] = &["route", "note"];
const UNITS: &[&str] = &["working days", "days", "weeks", "months", "years"];
const TYPES: &[&str] = &["bool", "date", "duration", "text"];
const BODY_KINDS: &[&str] = &[
    "ombudsman",
    "regulator",
    "professional_body",
    "police",
    "safeguarding",
    "legal",
    "internal",
    "other",
];
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const GUARD_WORDS: &[&str] = &[
    "not",
    "true",
    "false",
    "received",
    "today",
    "closed",
    "missed",
    "date of",
    "latest(",
    "earliest(",
];
const GUARD_OPERATORS: &[&str] = &[
    "when", "and", "or", "not", "==", "!=", "<", "<=", ">", ">=", "(",
];

/// The completions at byte `offset` of `text`; `index` is the last
/// version of the document that parsed.
pub(crate) fn complete(text: &str, offset: usize, index: Option<&Index>) -> Vec<Candidate> {
    let offset = floor_boundary(text, offset);
    let Some((block, line)) = place(&text[..offset]) else {
        return Vec::new();
    };
    let words = words(&line);
    // The word being typed is the editor's to filter by.
    let typing = line.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let before: &[String] = if typing {
        &words[..words.len().saturating_sub(1)]
    } else {
        &words
    };
    let mut out = Completions {
        index,
        step: match &block {
            Block::Step(name) => index.and_then(|i| i.step(name)),
            _ => None,
        },
        list: Vec::new(),
    };
    out.fill(&block, before);
    out.list
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The block the end of `before` is in and the text of its last line
/// (strings blanked), or `None` inside a string or a comment.
fn place(before: &str) -> Option<(Block, String)> {
    let mut stack: Vec<Block> = Vec::new();
    let mut line = String::new();
    let mut chars = before.chars().peekable();
    let mut in_string = false;
    let mut in_comment = false;
    while let Some(c) = chars.next() {
        if c == '\n' {
            in_comment = false;
            if !in_string {
                line.clear();
            }
            continue;
        }
        if in_comment {
            continue;
        }
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    in_string = false;
                    line.push_str("\"\"");
                }
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '/' if chars.peek() == Some(&'/') => in_comment = true,
            '{' => {
                let words = words(&line);
                let block = match words.first().map(String::as_str) {
                    Some("procedure") if stack.is_empty() => Block::Procedure,
                    Some("step") => Block::Step(words.get(1).cloned().unwrap_or_default()),
                    Some("calendar") => Block::Calendar,
                    Some("outcome") => Block::Outcome,
                    _ => Block::Set,
                };
                stack.push(block);
                line.clear();
            }
            '}' => {
                stack.pop();
                line.clear();
            }
            c => line.push(c),
        }
    }
    if in_string || in_comment {
        return None;
    }
    Some((stack.pop().unwrap_or(Block::File), line))
}

/// The words and symbols of a line: names (with `-`), numbers, `->`,
/// comparison operators and single punctuation.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut word = c.to_string();
        if c.is_ascii_alphanumeric() || c == '_' {
            while let Some(&n) = chars.peek() {
                if n.is_ascii_alphanumeric() || n == '_' || n == '-' {
                    word.push(n);
                    chars.next();
                } else {
                    break;
                }
            }
        } else if matches!(c, '-' | '=' | '!' | '<' | '>') {
            if let Some(&n) = chars.peek() {
                if matches!(n, '>' | '=') {
                    word.push(n);
                    chars.next();
                }
            }
        }
        out.push(word);
    }
    out
}

struct Completions<'a> {
    index: Option<&'a Index>,
    step: Option<usize>,
    list: Vec<Candidate>,
}

impl Completions<'_> {
    fn add(&mut self, label: &str, sort: Sort) {
        if !self.list.iter().any(|c| c.label == label) {
            self.list.push(Candidate {
                label: label.to_string(),
                sort,
            });
        }
    }

    /// After a comma in a role: the clauses not written yet, `chair` only
    /// straight after the panel's size.
    fn role_clauses(&mut self, w: &[&str], previous: &str) {
        let panel = w.contains(&"members");
        if !panel {
            self.keywords(&["members"]);
        }
        if panel && previous.parse::<i64>().is_ok() {
            self.keywords(&["chair"]);
        }
        if !w.contains(&"also") {
            self.keywords(&["not also"]);
        }
    }

    fn keywords(&mut self, words: &[&str]) {
        for w in words {
            self.add(w, Sort::Keyword);
        }
    }

    fn names(&mut self, space: Space, sort: Sort) {
        let Some(index) = self.index else { return };
        for (name, _) in index.names(&space) {
            self.add(name, sort);
        }
    }

    fn targets(&mut self, steps_only: bool) {
        let Some(index) = self.index else { return };
        for s in &index.procedure.steps {
            self.add(&s.name.text, Sort::Step);
        }
        if !steps_only {
            for o in &index.procedure.outcomes {
                self.add(&o.name.text, Sort::Outcome);
            }
        }
    }

    fn events(&mut self) {
        self.add("entry", Sort::Keyword);
        self.add("missed", Sort::Keyword);
        for b in crate::check::ir::Builtin::ALL {
            self.add(b.name(), Sort::Event);
        }
        self.names(Space::Event, Sort::Event);
    }

    /// The notices the file declares, for `requires notice`.
    fn notices(&mut self) {
        let Some(index) = self.index else { return };
        for n in &index.procedure.notices {
            self.add(&n.name.text, Sort::Notice);
        }
    }

    fn tasks(&mut self) {
        if let Some(step) = self.step {
            self.names(Space::Task(step), Sort::Task);
        }
    }

    fn calendars(&mut self) {
        for c in crate::calendar::BUILTIN_NAMES {
            self.add(c, Sort::Calendar);
        }
        self.names(Space::Calendar, Sort::Calendar);
    }

    /// Facts of the procedure, the data of the event being written, and
    /// every value of a choice.
    fn guard_names(&mut self, words: &[String]) {
        self.names(Space::Fact, Sort::Fact);
        if let (Some("on"), Some(event)) = (
            words.first().map(String::as_str),
            words.get(1).map(String::as_str),
        ) {
            self.names(Space::Field(event.to_string()), Sort::Value);
        }
        self.names(Space::Value, Sort::Value);
        self.keywords(GUARD_WORDS);
    }

    fn durations(&mut self) {
        // A duration fact may stand where a literal can.
        self.names(Space::Fact, Sort::Fact);
    }

    fn fill(&mut self, block: &Block, words: &[String]) {
        let w: Vec<&str> = words.iter().map(String::as_str).collect();
        let first = w.first().copied().unwrap_or("");
        let last = w.last().copied().unwrap_or("");
        let previous = if w.len() >= 2 { w[w.len() - 2] } else { "" };
        if *block == Block::Set {
            self.names(Space::Value, Sort::Value);
            return;
        }
        if w.is_empty() {
            match block {
                Block::File => self.keywords(&["procedure"]),
                Block::Procedure => self.keywords(HEADER),
                Block::Step(_) => self.keywords(STEP),
                Block::Calendar => self.keywords(CALENDAR),
                Block::Outcome => self.keywords(OUTCOME),
                Block::Set => {}
            }
            return;
        }
        // A panel's size is a count of members, not a duration.
        if first == "role" && last.parse::<i64>().is_ok() {
            return;
        }
        if last.parse::<i64>().is_ok() && !last.is_empty() {
            for u in UNITS {
                self.add(u, Sort::Unit);
            }
            return;
        }
        if w.contains(&"when") && GUARD_OPERATORS.contains(&last) {
            self.guard_names(words);
            return;
        }
        match (first, previous, last) {
            ("role", _, ",") => self.role_clauses(&w, previous),
            ("role", _, "members") => self.keywords(&["at least"]),
            // A rejection requires only notices, never tasks.
            ("reject" | "refuse", _, "requires") => self.keywords(&["notice"]),
            ("reject" | "refuse", "->", _) => self.keywords(&["requires notice", "cite"]),
            ("reject" | "refuse", "notice", _) if last != "," => self.keywords(&["within", "cite"]),
            ("lead", _, ",") => self.keywords(&["different from"]),
            ("lead", "different", "from") => self.targets(true),
            ("role", "not", "also") => self.names(Space::Role, Sort::Role),
            (_, _, "->") => self.targets(false),
            ("start", _, "start") | ("escalate", "escalate", "to") => self.targets(true),
            ("route" | "refer", _, "to") => self.names(Space::Body, Sort::Body),
            ("route" | "refer", _, "route" | "refer") | ("escalate", _, "escalate") => {
                self.keywords(&["to"])
            }
            ("calendar", _, "calendar") | ("calendar", "based", "on") => self.calendars(),
            ("calendar", _, _) if w.len() == 2 => self.keywords(&["based"]),
            ("calendar", _, "based") => self.keywords(&["on"]),
            (_, "extendable", "to") => self.durations(),
            ("deadline", _, _) if w.len() == 2 => self.durations(),
            (_, _, "within") => self.durations(),
            (_, "met", "by") => self.events(),
            (_, _, "met") => self.keywords(&["by"]),
            (_, _, "extendable") => self.keywords(&["by agreement", "to"]),
            (_, _, "days" | "weeks" | "months")
                if first == "deadline" && w.iter().rev().take(4).any(|x| *x == "to") =>
            {
                self.keywords(&["without good reason"])
            }
            (_, "extendable", "by") => self.keywords(&["agreement"]),
            (_, "agreement", "of") | (_, _, "lead") | ("pause", "agreement", _) => {
                self.names(Space::Role, Sort::Role)
            }
            (_, _, "by") => self.names(Space::Role, Sort::Role),
            (_, _, "from") => self.events(),
            ("escalate", _, "of") => self.events(),
            (_, "requires", "notice") => self.notices(),
            (_, _, ",")
                if w.iter()
                    .rposition(|x| *x == "requires")
                    .and_then(|i| w.get(i + 1))
                    == Some(&"notice") =>
            {
                self.notices()
            }
            (_, _, "requires") => {
                self.tasks();
                self.keywords(&["notice"]);
            }
            (_, _, "reopens") => self.tasks(),
            (_, _, ",") if w.contains(&"requires") || w.contains(&"reopens") => self.tasks(),
            (_, _, ",") if w.contains(&"met") => self.events(),
            (_, _, ",") if first == "deadline" && w.contains(&"extendable") => self.keywords(&[
                "at most once",
                "granted by",
                "with notice to",
                "by agreement of",
                "before expiry",
                "even after expiry",
            ]),
            (_, _, ",") if first == "deadline" => self.keywords(&["extendable"]),
            ("fact", _, ",") => self.keywords(&["fixed"]),
            ("refer", _, _) if w.contains(&"when") && !GUARD_OPERATORS.contains(&last) => {
                self.keywords(&["immediately", "within", "and", "or", "cite"])
            }
            (_, _, ":") => {
                self.keywords(TYPES);
            }
            ("body", _, _) if w.len() == 2 => {
                for k in BODY_KINDS {
                    self.add(k, Sort::Keyword);
                }
            }
            ("weekend", _, _) => {
                for d in WEEKDAYS {
                    self.add(d, Sort::Keyword);
                }
            }
            ("pause", _, "pause") => self.keywords(&["for"]),
            ("pause", "for", _) => self.keywords(&["with agreement of", "cite"]),
            // `on ` starts a transition on an event, or `on entry when …`.
            ("on", _, "on") if w.len() == 1 => self.events(),
            ("on", _, "entry") => self.keywords(&["when"]),
            ("anywhere", _, "anywhere") => self.keywords(&["on"]),
            ("anywhere", "anywhere", "on") => self.events(),
            ("on", "on", "missed") => {
                if let Some(step) = self.step {
                    self.names(Space::Deadline(step), Sort::Task);
                }
            }
            ("on", "missed", _) => self.keywords(&["->"]),
            ("on", _, _) => {
                self.keywords(&["by", "when", "requires", "reopens", "->", "cite"]);
            }
            ("escalate", _, _) if w.len() == 3 => self.keywords(&["on"]),
            ("escalate", "on" | "by", _) => self.keywords(&["by", "within"]),
            (
                "escalate",
                _,
                "days" | "day" | "weeks" | "week" | "months" | "month" | "years" | "year",
            ) => self.keywords(&["of"]),
            ("deadline", _, _) => {
                self.keywords(&["from", ", extendable", "met by", "cite"]);
            }
            ("task", _, _) => self.keywords(&["by", "when", "within", "from", "cite"]),
            ("reject" | "refuse", _, "reject" | "refuse") => self.keywords(&["when"]),
            ("limit", _, _) => self.keywords(&["from"]),
            (_, _, "cite") => {}
            _ => {
                if w.contains(&"when") {
                    self.keywords(&["and", "or", "in", "==", "!=", "->", "cite"]);
                } else {
                    self.keywords(&["cite"]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"procedure p "P" {
  calendar office based on england-and-wales {
    weekend saturday sunday
  }
  role officer "Officer"
  fact kind: child | adult
  start first
  step first "First" {
    lead officer
    task acknowledge "Acknowledge"
    on done requires acknowledge -> closed
  }
  outcome closed "Closed"
}"#;

    /// The labels offered when `typed` is written on a new line after
    /// `after` in TEXT.
    fn labels(after: &str, typed: &str) -> Vec<String> {
        let index = Index::parse(TEXT);
        let at = TEXT.find(after).map_or(0, |i| i + after.len());
        let text = format!("{}\n    {typed}{}", &TEXT[..at], &TEXT[at..]);
        let offset = at + 5 + typed.len();
        complete(&text, offset, index.as_ref())
            .into_iter()
            .map(|c| c.label)
            .collect()
    }

    #[test]
    fn requires_offers_notice_and_then_the_declared_notices() {
        let text = "procedure p \"P\" {\n  role officer \"Officer\"\n  notice outcome_letter to officer \"Outcome\" includes outcome\n  start first\n  step first \"First\" {\n    lead officer\n    task acknowledge \"Acknowledge\"\n    on done requires acknowledge -> closed\n  }\n  outcome closed \"Closed\"\n}";
        let index = Index::parse(text);
        let after = "task acknowledge \"Acknowledge\"";
        let at = text.find(after).map_or(0, |i| i + after.len());
        let offered = |typed: &str| -> Vec<String> {
            let t = format!("{}\n    on x requires {typed}{}", &text[..at], &text[at..]);
            let offset = at + "\n    on x requires ".len() + typed.len();
            complete(&t, offset, index.as_ref())
                .into_iter()
                .map(|c| c.label)
                .collect()
        };
        assert_eq!(offered(""), ["acknowledge", "notice"]);
        assert_eq!(offered("notice "), ["outcome_letter"]);
        assert_eq!(offered("notice outcome_letter, "), ["outcome_letter"]);
        assert_eq!(offered("acknowledge, "), ["acknowledge"]);
    }

    #[test]
    fn an_outcome_block_offers_routes_and_then_the_bodies() {
        let text = "procedure p \"P\" {\n  role officer \"Officer\"\n  body reviewer ombudsman \"Reviewer\"\n  start first\n  step first \"First\" {\n    lead officer\n    on done -> closed\n  }\n  outcome closed \"Closed\" {\n    \n  }\n}";
        let index = Index::parse(text);
        let at = text.find("\"Closed\" {\n    ").map_or(0, |i| i + 15);
        let offered = |typed: &str| -> Vec<String> {
            let t = format!("{}{typed}{}", &text[..at], &text[at..]);
            complete(&t, at + typed.len(), index.as_ref())
                .into_iter()
                .map(|c| c.label)
                .collect()
        };
        assert_eq!(offered(""), ["route", "note"]);
        assert_eq!(offered("route to "), ["reviewer"]);
    }

    #[test]
    fn a_rejection_offers_a_notice_and_then_its_time() {
        let text = "procedure p \"P\" {\n  role officer \"Officer\"\n  notice refusal_letter to officer \"Refusal\" includes reasons\n  start first\n  step first \"First\" {\n    lead officer\n    task acknowledge \"Acknowledge\"\n    on done requires acknowledge -> closed\n  }\n  outcome closed \"Closed\"\n}";
        let index = Index::parse(text);
        let after = "task acknowledge \"Acknowledge\"";
        let at = text.find(after).map_or(0, |i| i + after.len());
        let offered = |typed: &str| -> Vec<String> {
            let t = format!(
                "{}\n    reject when x -> closed {typed}{}",
                &text[..at],
                &text[at..]
            );
            let offset = at + "\n    reject when x -> closed ".len() + typed.len();
            complete(&t, offset, index.as_ref())
                .into_iter()
                .map(|c| c.label)
                .collect()
        };
        assert_eq!(offered(""), ["requires notice", "cite"]);
        // Not the step's tasks: a rejection requires only notices.
        assert_eq!(offered("requires "), ["notice"]);
        assert_eq!(offered("requires notice "), ["refusal_letter"]);
        assert_eq!(
            offered("requires notice refusal_letter "),
            ["within", "cite"]
        );
    }

    #[test]
    fn keywords_follow_the_block() {
        assert!(labels("lead officer", "").contains(&"deadline".to_string()));
        assert!(!labels("lead officer", "").contains(&"step".to_string()));
        assert!(labels("start first", "").contains(&"step".to_string()));
        assert!(labels("weekend saturday sunday", "").contains(&"closed".to_string()));
    }

    #[test]
    fn names_follow_the_word_before() {
        assert_eq!(labels("lead officer", "task t by "), ["officer"]);
        assert_eq!(labels("lead officer", "on x -> c"), ["first", "closed"]);
        assert_eq!(
            labels("lead officer", "on x requires "),
            ["acknowledge", "notice"]
        );
        assert_eq!(labels("lead officer", "deadline d 20 "), UNITS);
        let guard = labels("lead officer", "on x when kind == ");
        assert!(guard.contains(&"child".to_string()) && guard.contains(&"kind".to_string()));
        assert_eq!(
            labels("lead officer", "on x when kind in {"),
            ["child", "adult"]
        );
        let calendars = labels("start first", "calendar ");
        assert!(
            calendars.contains(&"scotland".to_string())
                && calendars.contains(&"office".to_string())
        );
    }

    #[test]
    fn on_entry_is_followed_by_its_condition() {
        assert!(labels("lead officer", "on ").contains(&"entry".to_string()));
        assert_eq!(labels("lead officer", "on entry "), ["when"]);
        assert!(labels("lead officer", "on ").contains(&"missed".to_string()));
    }

    #[test]
    fn clauses_after_a_comma_follow_the_declaration() {
        assert_eq!(
            labels("start first", "fact consent: bool \"Consent\", "),
            ["fixed"]
        );
        assert_eq!(
            labels("start first", "role panel \"Panel\", "),
            ["members", "not also"]
        );
        assert_eq!(
            labels("start first", "role panel \"Panel\", members "),
            ["at least"]
        );
        // No time units after a panel's size; `chair` straight after it.
        assert!(labels("start first", "role panel \"Panel\", members 3 ").is_empty());
        assert_eq!(
            labels("start first", "role panel \"Panel\", members 3, "),
            ["chair", "not also"]
        );
        assert_eq!(
            labels(
                "start first",
                "role panel \"Panel\", not also officer, members at least 2, "
            ),
            ["chair"]
        );
        assert_eq!(
            labels("start first", "role panel \"Panel\", not also "),
            ["officer"]
        );
        assert_eq!(labels("lead officer", "lead officer, "), ["different from"]);
        assert!(
            labels("lead officer", "lead officer, different from ").contains(&"first".to_string())
        );
    }

    #[test]
    fn nothing_inside_a_string_or_comment() {
        assert!(labels("lead officer", "note \"le").is_empty());
        assert!(labels("lead officer", "// le").is_empty());
    }
}
