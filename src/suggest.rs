//! "Did you mean …?" suggestions by edit distance.

/// The candidate closest to `name`, if one is close enough to be a likely
/// typo: within a third of the name's length, and at least one edit.
pub fn did_you_mean<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// A help line naming the suggestion, or listing what exists when nothing
/// is close.
pub fn help_for<'a, I>(name: &str, kind: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str> + Clone,
{
    if let Some(s) = did_you_mean(name, candidates.clone()) {
        return format!("did you mean `{s}`?");
    }
    let all: Vec<&str> = candidates.into_iter().collect();
    match all.len() {
        0 => format!("no {kind} is declared; declare `{name}` first"),
        n if n <= 8 => format!(
            "the declared {kind}s are: {}",
            all.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => format!(
            "declare `{name}` or use one of the {} declared {kind}s",
            all.len()
        ),
    }
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("step_2", ["step1", "step2", "resolved"]),
            Some("step2")
        );
        assert_eq!(
            did_you_mean("scotlnd", ["england-and-wales", "scotland"]),
            Some("scotland")
        );
        assert_eq!(did_you_mean("xyz", ["step1", "step2"]), None);
    }

    #[test]
    fn help_lists_short_candidate_sets() {
        assert_eq!(
            help_for("qq", "role", ["a", "b"]),
            "the declared roles are: `a`, `b`"
        );
    }
}
