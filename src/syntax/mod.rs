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
    let (expected, mut help) = error::expected_phrase(&rules, &literals);
    let (found, length) = token_at(text, position);
    let word = text.get(position..position + length).unwrap_or_default();
    if let Some(keyword) = error::nearest_keyword(word, &rules) {
        help = format!("did you mean `{keyword}`? {help}");
    } else if length == 0 && rules.contains(&Rule::rbrace) {
        help = "the file ends inside braces: a `{` above is not closed with `}`".to_string();
    }
    SyntaxError::Unexpected {
        expected,
        found,
        help,
        span: (position, length).into(),
    }
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
