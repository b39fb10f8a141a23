//! From `.proc` text to a typed AST with spans.
//!
//! Architecture invariant: `lower.rs` is the only code that looks at pest
//! pairs or matches on [`Rule`]. Parsing never panics: hostile input gets a
//! [`SyntaxError`].

pub mod ast;
mod error;
mod lower;
pub mod scan;

use pest::Parser;
use pest_derive::Parser;

pub use error::SyntaxError;

/// How deep brackets and braces may nest. Real procedures need about 4.
pub const MAX_NESTING: usize = 64;

/// How many terms one condition may have.
pub const MAX_EXPRESSION_TERMS: usize = 512;

#[derive(Parser)]
#[grammar = "../grammar/redress.pest"]
pub(crate) struct ProcParser;

/// Parses a whole file. Returns the AST (when the text follows the grammar)
/// and every syntax error found; lowering reports all the errors it can
/// (bad dates, oversized numbers) rather than the first.
pub fn parse(text: &str) -> (Option<ast::File>, Vec<SyntaxError>) {
    if let Some(error) = check_nesting(text) {
        return (None, vec![error]);
    }
    if is_blank(text) {
        return (
            None,
            vec![SyntaxError::EmptyFile {
                span: (text.len(), 0).into(),
            }],
        );
    }
    match ProcParser::parse(Rule::file, text) {
        Ok(pairs) => lower::lower_file(pairs),
        Err(error) => (None, vec![describe_failure(text, error)]),
    }
}

/// Only white space and comments.
fn is_blank(text: &str) -> bool {
    text.lines().all(|line| {
        let line = line.trim().trim_start_matches('\u{FEFF}');
        line.is_empty() || line.starts_with("//")
    })
}

/// Refuses bracket nesting past [`MAX_NESTING`] before the recursive parser
/// sees it. Strings and comments are skipped so that text inside them
/// never counts.
fn check_nesting(text: &str) -> Option<SyntaxError> {
    let mut depth = 0usize;
    let mut deepest: Option<usize> = None;
    scan::regions(text, |region, start, end| {
        if region != scan::Region::Code || deepest.is_some() {
            return;
        }
        for (i, b) in text.as_bytes()[start..end].iter().enumerate() {
            match b {
                b'(' | b'{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        deepest = Some(start + i);
                        return;
                    }
                }
                b')' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    });
    deepest.map(|at| SyntaxError::NestingTooDeep {
        limit: MAX_NESTING,
        span: (at, 1).into(),
    })
}

/// Re-parses with pest's detailed error tracking (slower, so only on
/// failure) to learn which literal tokens were expected, and phrases the
/// error in the language's words.
fn describe_failure(text: &str, error: pest::error::Error<Rule>) -> SyntaxError {
    pest::set_error_detail(true);
    let detailed = ProcParser::parse(Rule::file, text).err().unwrap_or(error);
    pest::set_error_detail(false);
    let position = match detailed.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let rules: Vec<Rule> = match &detailed.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let literals: Vec<String> = detailed
        .parse_attempts()
        .map(|attempts| {
            attempts
                .expected_tokens()
                .into_iter()
                .map(|token| token.to_string())
                // Keywords are reported through their rules; ranges and
                // built-ins (`0..9`, `BUILTIN_RULE`) mean nothing to a reader.
                .filter(|token| {
                    !token.trim().is_empty()
                        && !token.contains("..")
                        && !matches!(token.as_str(), "//" | "\u{FEFF}" | ",")
                        && !token.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(plain) = plain_failure(text, position, &rules) {
        return plain;
    }
    let (expected, mut help) = error::expected_phrase(&rules, &literals);
    let (found, length) = token_at(text, position);
    let word = text.get(position..position + length).unwrap_or_default();
    if let Some(keyword) = error::nearest_keyword(word, &rules) {
        help = format!("did you mean `{keyword}`? {help}");
    }
    SyntaxError::Unexpected {
        expected,
        found,
        help,
        span: (position, length).into(),
    }
}

/// Mistakes people make when writing from the docs, said in their own
/// terms. pest reports where the text stopped following the grammar, which
/// for these mistakes is after the real cause (an unclosed string or brace)
/// or names a rule the writer never meant (a number in words read as a
/// duration fact's name), so each is recognised from the text around
/// `position`.
fn plain_failure(text: &str, position: usize, rules: &[Rule]) -> Option<SyntaxError> {
    unclosed_string(text, position)
        .or_else(|| unclosed_brace(text, position, rules))
        .or_else(|| number_in_words(text, position))
        .or_else(|| arithmetic(text, position))
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// From `start` to the end of its line.
fn rest_of_line(text: &str, start: usize) -> usize {
    text.get(start..)
        .and_then(|rest| rest.find('\n'))
        .unwrap_or_else(|| text.len().saturating_sub(start))
}

/// Quotes on the line holding `offset`, not counting escaped ones.
fn quotes_on_line(text: &str, offset: usize) -> usize {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..start + rest_of_line(text, start)];
    let line = line.split("//").next().unwrap_or(line);
    line.matches('"').count() - line.matches("\\\"").count()
}

/// A string whose closing quote is missing swallows the text after it up to
/// the next quote; the failure then comes straight after that string (or at
/// a string that runs to the end of the file).
fn unclosed_string(text: &str, position: usize) -> Option<SyntaxError> {
    let mut strings = Vec::new();
    scan::regions(text, |region, start, end| {
        if region == scan::Region::String {
            strings.push((start, end));
        }
    });
    let bytes = text.as_bytes();
    let unterminated = |(start, end): (usize, usize)| {
        end == text.len() && (end - start < 2 || bytes[end - 1] != b'"')
    };
    let culprit = if let Some(s) = strings
        .iter()
        .find(|(start, end)| *start <= position && position < *end && unterminated((*start, *end)))
    {
        Some(s.0)
    } else {
        let &(start, end) = strings.iter().rev().find(|(_, end)| *end <= position)?;
        let between = &text[end..position];
        let spans_lines = text[start..end].contains('\n');
        // Across lines: the failure follows straight on from the string.
        // On one line: the text after it looks like the string's own
        // continuation, and the line has an odd number of quotes.
        let swallowed_lines = spans_lines && !between.contains('\n');
        let cut_short = !between.contains('\n')
            && between.trim().is_empty()
            && quotes_on_line(text, start) % 2 == 1;
        (swallowed_lines || cut_short).then_some(start)
    }?;
    Some(SyntaxError::UnclosedString {
        line: line_of(text, culprit),
        span: (culprit, rest_of_line(text, culprit)).into(),
    })
}

/// Words that begin a declaration of the procedure, never a step item: met
/// inside a step, they show that the step above was not closed.
const DECLARATION_WORDS: &[&str] = &[
    "step",
    "outcome",
    "role",
    "fact",
    "start",
    "body",
    "version",
    "effective",
    "source",
    "calendar",
    "paragraphs",
    "limit",
    "procedure",
];

/// A `{` never closed is found only where the next construct starts (or at
/// the end of the file); point at the brace and what it opened.
fn unclosed_brace(text: &str, position: usize, rules: &[Rule]) -> Option<SyntaxError> {
    if !rules.contains(&Rule::rbrace) {
        return None;
    }
    let (_, length) = token_at(text, position);
    let at_end = length == 0;
    let word = text.get(position..position + length).unwrap_or_default();
    if !at_end && !DECLARATION_WORDS.contains(&word) {
        return None;
    }
    let mut open: Vec<usize> = Vec::new();
    scan::regions(text, |region, start, end| {
        if region != scan::Region::Code || start >= position {
            return;
        }
        for (i, b) in text.as_bytes()[start..end.min(position)].iter().enumerate() {
            match b {
                b'{' => open.push(start + i),
                b'}' => {
                    open.pop();
                }
                _ => {}
            }
        }
    });
    let brace = *open.last()?;
    let line_start = text[..brace].rfind('\n').map_or(0, |i| i + 1);
    let mut words = text[line_start..brace].split_whitespace();
    let opened = match (words.next(), words.next()) {
        (Some(kind @ ("step" | "procedure" | "calendar" | "outcome")), Some(name)) => {
            format!("{kind} `{name}`")
        }
        // Only a step, a calendar or an outcome can hold a declaration word by mistake;
        // inside the procedure's own braces it is in its place.
        _ if !at_end => return None,
        _ => "the block".to_string(),
    };
    if !at_end && opened.starts_with("procedure") {
        return None;
    }
    let help = if at_end {
        format!("close {opened} with `}}`; the file ends before it is closed")
    } else {
        // "before `step second`": the declaration the brace swallowed.
        let next: Vec<&str> = text[position..].split_whitespace().take(2).collect();
        let named = match next.as_slice() {
            [keyword, name] if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                format!("{keyword} {name}")
            }
            _ => word.to_string(),
        };
        format!(
            "close {opened} with `}}` before `{named}` on line {}",
            line_of(text, position)
        )
    };
    Some(SyntaxError::UnclosedBrace {
        opened,
        line: line_of(text, brace),
        help,
        span: (brace, 1).into(),
    })
}

/// Units that follow the number of a duration.
const UNIT_WORDS: &[&str] = &["working", "day", "days", "week", "weeks", "month", "months"];

/// `twenty working days`: the number word is read as the name of a
/// `duration` fact, and the failure comes at the unit after it.
fn number_in_words(text: &str, position: usize) -> Option<SyntaxError> {
    let before = text[..position].trim_end_matches([' ', '\t']);
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_ascii_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    // `twenty-five` stops the parser at the hyphen, after `twenty`.
    let tail_length = text[position..].strip_prefix('-').map_or(0, |t| {
        1 + t.len()
            - t.trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .len()
    });
    let word = &text[start..position + tail_length].trim_end();
    let word = word.strip_suffix('-').unwrap_or(word);
    // Only a number word: after any other name the number is missing, or
    // the unit is misplaced, and the grammar's own message says so.
    let value = number_value(word.trim())?;
    let unit_start = position + tail_length;
    let rest = text[unit_start..].trim_start_matches([' ', '\t']);
    let mut words = rest.split(|c: char| !c.is_ascii_alphabetic());
    let unit = words.next()?;
    if !UNIT_WORDS.contains(&unit) {
        return None;
    }
    let unit_text = if unit == "working" {
        let days = rest["working".len()..]
            .trim_start_matches([' ', '\t'])
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or("days");
        format!("working {days}")
    } else {
        unit.to_string()
    };
    let word = word.trim();
    Some(SyntaxError::NumberInWords {
        word: word.to_string(),
        help: format!("write `{value} {unit_text}`"),
        span: (start, word.len()).into(),
    })
}

/// The value of an English number word up to ninety-nine (`twenty-five`).
fn number_value(word: &str) -> Option<u32> {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    let word = word.to_ascii_lowercase();
    let ones = |w: &str| ONES.iter().position(|o| *o == w).map(|i| i as u32);
    let tens = |w: &str| {
        TENS.iter()
            .position(|t| *t == w)
            .map(|i| 20 + 10 * i as u32)
    };
    match word.split_once('-') {
        Some((t, o)) => Some(tens(t)? + ones(o).filter(|n| (1..10).contains(n))?),
        None => ones(&word).or_else(|| tens(&word)),
    }
}

/// `received - 12 months`: an operator where a time limit ends.
fn arithmetic(text: &str, position: usize) -> Option<SyntaxError> {
    let rest = text.get(position..)?;
    let operator = rest.chars().next()?;
    let is_operator = match operator {
        '+' | '*' => true,
        '-' => !rest.starts_with("->"),
        '/' => !rest.starts_with("//"),
        _ => false,
    };
    is_operator.then(|| SyntaxError::Arithmetic {
        operator: operator.to_string(),
        span: (position, 1).into(),
    })
}

/// A short description of what stands at `position`, and its length.
fn token_at(text: &str, position: usize) -> (String, usize) {
    let rest = text.get(position..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return ("the end of the file".to_string(), 0);
    };
    if first.is_alphanumeric() || first == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .take(40)
            .collect();
        let length = word.len();
        (format!("`{word}`"), length)
    } else if first.is_control() && first != '\n' {
        (
            format!("the control character U+{:04X}", first as u32),
            first.len_utf8(),
        )
    } else if first == '\n' {
        ("the end of the line".to_string(), 1)
    } else {
        (format!("`{first}`"), first.len_utf8())
    }
}

#[cfg(test)]
mod tests;
