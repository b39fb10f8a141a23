//! Tracks in path analysis: a track runs beside the main line, so it adds
//! nothing to a path's length; each track's own bound is reported apart,
//! with the transitions that start it.

use serde::Serialize;

use crate::check::ir::{DurationSpec, Procedure};
use crate::check::words;

use super::paths::working_days;

/// A track's own bound: how long after it starts its last fixed time limit
/// falls due.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TrackBound {
    pub track: String,
    /// `stage1 -[response_sent]->`, for each transition that starts it.
    pub started_by: Vec<String>,
    /// The longest of its fixed deadlines and task limits, in working days
    /// (rounded up by the one model of lengths); `None` without one.
    pub longest_working_days: Option<u32>,
    /// Limits that are not a fixed length (a duration fact, a date the case
    /// gives), which may make it longer.
    pub open_ended: Vec<String>,
}

/// Every track's bound, in declaration order.
pub fn bounds(procedure: &Procedure) -> Vec<TrackBound> {
    procedure
        .tracks
        .iter()
        .enumerate()
        .map(|(i, track)| {
            let started_by = procedure
                .steps
                .iter()
                .flat_map(|s| {
                    s.transitions
                        .iter()
                        .filter(|t| t.starts.contains(&(i as u32)))
                        .map(move |t| {
                            format!("{} -[{}]->", s.name, procedure.events[t.event.index()].name)
                        })
                })
                .collect();
            let limits = track
                .deadlines
                .iter()
                .map(|d| (d.name.as_str(), d.duration))
                .chain(
                    track
                        .tasks
                        .iter()
                        .filter_map(|t| t.within.map(|(d, _)| (t.name.as_str(), d))),
                );
            let mut longest = None;
            let mut open_ended = Vec::new();
            for (name, duration) in limits {
                match duration {
                    DurationSpec::Fixed { amount, unit } => {
                        let days = working_days(amount, unit);
                        longest = Some(longest.map_or(days, |l: u32| l.max(days)));
                    }
                    DurationSpec::Fact(_) => open_ended.push(format!(
                        "{name} lasts {}",
                        words::duration(procedure, duration)
                    )),
                }
            }
            TrackBound {
                track: track.name.clone(),
                started_by,
                longest_working_days: longest,
                open_ended,
            }
        })
        .collect()
}

/// The tracks section of `redress paths`' human output.
pub fn human(bounds: &[TrackBound]) -> String {
    if bounds.is_empty() {
        return String::new();
    }
    let mut out =
        String::from("\ntracks (run beside the paths above, which they do not lengthen):\n");
    for b in bounds {
        let by = if b.started_by.is_empty() {
            "never started".to_string()
        } else {
            format!("started by {}", b.started_by.join(", "))
        };
        let bound = match b.longest_working_days {
            Some(days) => format!("its last fixed time limit {days} working days after it starts"),
            None => "no fixed time limit".to_string(),
        };
        out.push_str(&format!("  {}: {by}; {bound}", b.track));
        if !b.open_ended.is_empty() {
            out.push_str(&format!(", or longer: {}", b.open_ended.join("; ")));
        }
        out.push('\n');
    }
    out
}
