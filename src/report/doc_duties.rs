//! The sections of `redress doc` for the rules about people, notices,
//! referrals, parallel work and facts that may not change: each says, for
//! the staff who run the procedure, what they must record and when.

use std::fmt::Write;

use crate::check::ir::Procedure;

use super::doc::{cite, humanize, lower_first, upper_first};

/// Every section this module adds, after the document's own; nothing when
/// the procedure uses none of these rules.
pub(super) fn sections(out: &mut String, procedure: &Procedure) {
    fixed_facts(out, procedure);
}

/// "Facts that may not change": a case handler must not record a fixed
/// fact again with another value.
fn fixed_facts(out: &mut String, procedure: &Procedure) {
    let fixed: Vec<_> = procedure
        .facts
        .iter()
        .filter_map(|f| f.fixed.as_ref().map(|why| (f, why)))
        .collect();
    if fixed.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Facts that may not change\n");
    let _ = writeln!(
        out,
        "Once recorded for a case, these stay as first recorded; a later record that changes one is refused.\n"
    );
    for (fact, why) in fixed {
        let name = fact
            .title
            .as_deref()
            .map_or_else(|| humanize(&fact.name), str::to_string);
        let why = if why.is_empty() {
            String::new()
        } else {
            format!(": {}", lower_first(why.trim_end_matches('.')))
        };
        let _ = writeln!(
            out,
            "- {} (`{}`){why}.{}",
            upper_first(&name),
            fact.name,
            cite(&fact.cites)
        );
    }
    let _ = writeln!(out);
}
