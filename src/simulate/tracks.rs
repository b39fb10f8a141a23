//! Tracks in simulation: a track the case started is played to its end
//! when the main line closes. Its tasks and its `-> done` event each come
//! a drawn number of working days after the track started (the event's
//! delay in the assumptions, or up to the track's longest deadline), and
//! the engine's `Session` decides what they breach, as for any event.

use super::{spec_days, Simulation, Tally};
use crate::engine::Session;

use super::rng::Rng;

impl Simulation<'_> {
    /// Plays every running track of a closed case to its end, and counts
    /// each track deadline (and timed task) as having run.
    pub(super) fn play_tracks(&self, session: &mut Session<'_>, rng: &mut Rng, tally: &mut Tally) {
        for (index, started) in session.running_tracks() {
            let track = &self.procedure.tracks[index];
            for &d in &self.track_deadlines[index] {
                tally.ran[d] += 1;
            }
            let span = track
                .deadlines
                .iter()
                .map(|d| spec_days(session.facts(), d.duration))
                .max()
                .unwrap_or(20);
            let at = |delay: u32| {
                self.calendar
                    .add_working_days(started, i64::from(delay))
                    .unwrap_or(started)
            };
            let Some(&done) = track.done_on.first() else {
                continue;
            };
            let finished = at(self.delay(done, span, rng));
            let mut events: Vec<_> = track
                .tasks
                .iter()
                .map(|t| (at(self.delay(t.event, span, rng)).min(finished), t.event))
                .collect();
            events.sort_by_key(|(on, _)| *on);
            events.push((finished, done));
            for (on, event) in events {
                // A task whose condition does not hold is refused; the
                // track goes on without it.
                let _ = session.apply(&self.event(on, event, Vec::new()));
            }
        }
    }
}
