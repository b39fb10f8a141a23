//! Tracks (`track NAME { … on E -> done }`): their tasks and deadlines
//! compiled as a step's are, and the rule that keeps a track's events its
//! own, so that the engine offers every event to exactly one line of work.

use crate::syntax::ast;

use super::ir::*;
use super::{CheckError, Checker, Table};

impl Checker<'_> {
    /// Declares the events tracks handle: their tasks and `-> done` events.
    pub(super) fn collect_track_events(&mut self) {
        let decl = self.decl;
        for track in &decl.tracks {
            for task in &track.body.tasks {
                self.add_event(&task.name.text, false);
            }
            for done in &track.done_on {
                self.add_event(&done.event.text, false);
            }
        }
    }

    /// The tracks a transition starts, by position; a name that is no
    /// track has been reported (E0460) by `track_checks`.
    pub(super) fn starts_of(&self, t: &ast::TransitionDecl) -> Vec<u32> {
        t.starts
            .iter()
            .filter_map(|name| {
                self.decl
                    .tracks
                    .iter()
                    .position(|track| track.body.name.text == name.text)
            })
            .map(|i| i as u32)
            .collect()
    }

    /// E0462: an event a track takes that a step, `anywhere`, another
    /// track or the built-ins also use. Tracks run beside the main line, so
    /// an event both could take would leave the case's course to chance.
    fn track_events_apart(&mut self) {
        let decl = self.decl;
        let mut owner: Vec<(&str, String)> = BUILTIN_EVENTS
            .iter()
            .map(|e| (*e, "the built-in events".to_string()))
            .collect();
        for a in &decl.anywhere {
            owner.push((&a.event.text, "`anywhere`".to_string()));
        }
        for step in &decl.steps {
            let used = step
                .transitions
                .iter()
                .map(|t| &t.event)
                .chain(step.tasks.iter().map(|t| &t.name))
                .chain(step.escalations.iter().map(|e| &e.event));
            for name in used {
                owner.push((&name.text, format!("step `{}`", step.name.text)));
            }
        }
        for track in &decl.tracks {
            let own = track
                .body
                .tasks
                .iter()
                .map(|t| &t.name)
                .chain(track.done_on.iter().map(|d| &d.event));
            let mut mine: Vec<&ast::Name> = Vec::new();
            for name in own {
                if mine.iter().any(|m| m.text == name.text) {
                    continue;
                }
                if let Some((_, other)) = owner.iter().find(|(e, _)| *e == name.text) {
                    self.error(CheckError::TrackEventShared {
                        event: name.text.clone(),
                        track: track.body.name.text.clone(),
                        other: other.clone(),
                        span: name.span.into(),
                    });
                }
                mine.push(name);
            }
            for name in mine {
                owner.push((&name.text, format!("track `{}`", track.body.name.text)));
            }
        }
    }

    /// Every track compiled; `None` when one has an error (reported).
    pub(super) fn track_irs(&mut self) -> Option<Vec<Track>> {
        self.track_events_apart();
        let decl = self.decl;
        let mut out = Vec::new();
        let mut ok = true;
        for track in &decl.tracks {
            match self.track(track) {
                Some(t) => out.push(t),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn track(&mut self, track: &ast::TrackDecl) -> Option<Track> {
        let body = &track.body;
        let mut ok = true;
        let cites = self.cites(&body.cite);
        let mut names = Table::default();
        let mut tasks = Vec::new();
        for task in &body.tasks {
            if let Err(first) = names.add(&task.name) {
                self.duplicate("task", &task.name, first);
                ok = false;
                continue;
            }
            let guard = task.guard.as_ref().map(|g| self.condition(g, &[]));
            let by = task.by.as_ref().map(|r| self.role(r));
            let until = task
                .until
                .as_ref()
                .map(|u| self.date_anchor(u).map(|a| (UNTIL, a)));
            let within = until.or_else(|| {
                task.within.as_ref().map(|(d, a)| {
                    let d = self.duration(d);
                    let a = match a {
                        Some(a) => self.anchor(a),
                        None => Some(Anchor::Entry),
                    };
                    d.zip(a)
                })
            });
            let task_cites = self.cites(&task.cite);
            let notices: Option<Vec<String>> =
                task.notices.iter().map(|n| self.notice_named(n)).collect();
            match (guard, within, self.event_index.get(&task.name.text)) {
                (Some(None), _, _) | (_, Some(None), _) | (_, _, None) => ok = false,
                _ if notices.is_none() => ok = false,
                _ if by == Some(None) => ok = false,
                (guard, within, Some(&event)) => tasks.push(Task {
                    name: task.name.text.clone(),
                    event: EventId(event),
                    title: task.title.as_ref().map(|t| t.value.clone()),
                    by: by.flatten(),
                    guard: guard.flatten(),
                    within: within.flatten(),
                    within_beginning: task.within_beginning,
                    cites: task_cites,
                    notices: notices.unwrap_or_default(),
                }),
            }
        }
        let received: Vec<&str> = body
            .tasks
            .iter()
            .map(|t| t.name.text.as_str())
            .chain(track.done_on.iter().map(|d| d.event.text.as_str()))
            .collect();
        let mut deadline_names = Table::default();
        let mut deadlines = Vec::new();
        for d in &body.deadlines {
            if let Err(first) = deadline_names.add(&d.name) {
                self.duplicate("deadline", &d.name, first);
                ok = false;
                continue;
            }
            match self.deadline(d, &body.name.text, &received) {
                Some(d) => deadlines.push(d),
                None => ok = false,
            }
        }
        let mut done_on = Vec::new();
        for done in &track.done_on {
            self.cites(&done.cite);
            match self.event(&done.event) {
                Some(e) => done_on.push(e),
                None => ok = false,
            }
        }
        let notes = self.notes(&body.notes);
        ok.then(|| Track {
            name: body.name.text.clone(),
            title: body.title.as_ref().map(|t| t.value.clone()),
            tasks,
            deadlines,
            done_on,
            notes,
            cites,
        })
    }
}
