//! serde_yaml's syntax messages in plain words. A YAML slip in a case file
//! is nearly always indentation, and the parser's words ("did not find
//! expected key, while parsing a block mapping") name its grammar, not the
//! file. Self-contained, so that it can move with the YAML reader.

/// The plain message and help for a YAML syntax error at byte `offset` of
/// `text`, or `None` when the parser's own words are the clearest there
/// are. The message quotes the offending line.
pub(crate) fn plain_yaml_message(
    text: &str,
    message: &str,
    offset: usize,
) -> Option<(String, String)> {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = text[line_start..line_end].trim_end_matches('\r');
    let number = text[..line_start].matches('\n').count() + 1;
    let shown = line.trim();
    let indent = indentation(line);
    // The nearest line above that holds something, for comparing columns.
    let above = text[..line_start]
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let above_words = above
        .map(|l| {
            format!(
                "; the line above, `{}`, starts in column {}",
                l.trim(),
                indentation(l) + 1
            )
        })
        .unwrap_or_default();
    if message.starts_with("did not find expected key") {
        Some((
            format!("line {number} is indented differently from the lines above it: `{shown}`"),
            format!(
                "keys of one block start in the same column: this line starts in column {}{above_words}; line up the spaces",
                indent + 1
            ),
        ))
    } else if message.starts_with("mapping values are not allowed") {
        Some((
            format!("line {number} is indented further than the line above it, or has a `:` where none can be: `{shown}`"),
            format!(
                "line this key up with the keys above it{above_words}; text that contains `: ` goes in quotes"
            ),
        ))
    } else if message.starts_with("did not find expected '-' indicator") {
        let item_above = text[..line_start]
            .lines()
            .rev()
            .find(|l| l.trim_start().starts_with("- "))
            .map(|l| {
                format!(
                    "; the item above, `{}`, starts in column {}",
                    l.trim(),
                    indentation(l) + 1
                )
            })
            .unwrap_or(above_words);
        let above_words = item_above;
        Some((
            format!("the list item on line {number} is not lined up with the items above it: `{shown}`"),
            format!(
                "start every `-` of one list in the same column: this one is in column {}{above_words}",
                indent + 1
            ),
        ))
    } else if message.starts_with("found character that cannot start any token")
        && line.contains('\t')
    {
        Some((
            format!("line {number} is indented with a tab: `{shown}`"),
            "YAML is indented with spaces only; replace the tab with spaces".to_string(),
        ))
    } else {
        None
    }
}

/// Leading spaces.
fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_indentation_slip_names_the_line_and_both_columns() {
        let text = "facts:\n  urgent: true\n kind: adult\n";
        let offset = text.find("kind").unwrap_or(0);
        let (message, help) = plain_yaml_message(
            text,
            "did not find expected key, while parsing a block mapping",
            offset,
        )
        .expect("recognised");
        assert_eq!(
            message,
            "line 3 is indented differently from the lines above it: `kind: adult`"
        );
        assert_eq!(
            help,
            "keys of one block start in the same column: this line starts in column 2; the line above, `urgent: true`, starts in column 3; line up the spaces"
        );
    }

    #[test]
    fn other_messages_are_left_to_the_parser() {
        assert_eq!(
            plain_yaml_message("a: {", "did not find expected ',' or '}'", 4),
            None
        );
    }
}
