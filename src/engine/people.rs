//! The rules about people: who made an event (its `person:`, or the case's
//! holder of the acting role), a panel sitting as the procedure says
//! (`role x, members 3, chair`: how many distinct members, and a chair
//! among them), a step's lead who must differ from an earlier step's
//! (`lead x, different from stage1`), and roles one person may not hold
//! together (`role x, not also y`). A panel's rules about people apply to
//! each of its members.

use chrono::NaiveDate;

use crate::check::ir::{Panel, Procedure, RoleId, StepId};

use super::context::Ctx;
use super::error::ReplayErrorKind;
use super::state::{Act, Phase, State};
use super::{CaseEvent, Holder};

/// A refusal, and the key of the event it is placed at (`person`,
/// `chair`; `None` for the event itself, when its people come from the
/// case's `people:`).
type Refusal = (ReplayErrorKind, Option<&'static str>);

/// The case's `people:` by `RoleId`.
pub(crate) fn holders(procedure: &Procedure, people: &[(RoleId, Holder)]) -> Vec<Option<Holder>> {
    let mut out = vec![None; procedure.roles.len()];
    for (role, held) in people {
        if let Some(slot) = out.get_mut(role.index()) {
            *slot = Some(held.clone());
        }
    }
    out
}

fn holder(state: &State, role: RoleId) -> Option<&Holder> {
    state.people.get(role.index()).and_then(Option::as_ref)
}

/// Who made an event: in which step, in which role (its `by`, else the
/// step's lead), and the people, when known.
struct Acting {
    step: StepId,
    role: RoleId,
    who: Holder,
}

fn acting(ctx: &Ctx<'_>, state: &State, event: &CaseEvent) -> Option<Acting> {
    let step = match &state.phase {
        Phase::NotReceived => ctx.procedure.start,
        Phase::InStep(v) => v.step,
        Phase::Closed(_) => return None,
    };
    let role = event.by.unwrap_or(ctx.step(step).lead);
    let held = holder(state, role);
    // The event's own list replaces the case's; its chair, when it names
    // none, is still the case's, so a case that names its panel's chair
    // once need not repeat it on every event.
    let people = if event.people.is_empty() {
        held.map(|h| h.people.clone()).unwrap_or_default()
    } else {
        event.people.clone()
    };
    let chair = event
        .chair
        .clone()
        .or_else(|| held.and_then(|h| h.chair.clone()));
    if people.is_empty() && chair.is_none() {
        return None;
    }
    Some(Acting {
        step,
        role,
        who: Holder { people, chair },
    })
}

fn role_name<'a>(ctx: &Ctx<'a>, role: RoleId) -> &'a str {
    &ctx.procedure.roles[role.index()].name
}

fn panel_of(ctx: &Ctx<'_>, role: RoleId) -> Option<Panel> {
    ctx.procedure.roles[role.index()].panel
}

/// "as officer", or "as a member of review_panel".
fn as_role(ctx: &Ctx<'_>, role: RoleId) -> String {
    match panel_of(ctx, role) {
        Some(_) => format!("as a member of {}", role_name(ctx, role)),
        None => format!("as {}", role_name(ctx, role)),
    }
}

/// Everyone an act names, each once: the members, then a chair the case
/// names without its members.
fn everyone(who: &Holder) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::with_capacity(who.people.len() + 1);
    for p in who.people.iter().chain(&who.chair) {
        if !out.contains(&p.as_str()) {
            out.push(p);
        }
    }
    out
}

/// Where `person` acted as `role` before, in words: "`response_sent` on
/// 2026-03-10", or "the case's `people:`".
fn acted_as(
    ctx: &Ctx<'_>,
    state: &State,
    role: RoleId,
    person: &str,
    step: Option<StepId>,
) -> Option<String> {
    // The latest, which is usually the decision rather than the arrival.
    if let Some(act) = state
        .acts
        .iter()
        .rev()
        .find(|a| a.role == role && a.who.includes(person) && step.is_none_or(|s| a.step == s))
    {
        return Some(format!("`{}` on {}", ctx.event_name(act.event), act.on));
    }
    let visited = step.is_none_or(|s| state.acts.iter().any(|a| a.step == s));
    (visited && holder(state, role).is_some_and(|h| h.includes(person)))
        .then(|| "the case's `people:`".to_string())
}

/// Whether the event's people may make it.
pub(crate) fn check(ctx: &Ctx<'_>, state: &State, event: &CaseEvent) -> Result<(), Refusal> {
    let Some(acting) = acting(ctx, state, event) else {
        return Ok(());
    };
    sits_as_declared(ctx, &acting, event)?;
    let key = (!event.people.is_empty()).then_some("person");
    for person in everyone(&acting.who) {
        person_may_act(ctx, state, event, &acting, person).map_err(|k| (k, key))?;
    }
    Ok(())
}

/// A panel with as many distinct members as the procedure says and its
/// chair among them; one person for any other role.
fn sits_as_declared(ctx: &Ctx<'_>, acting: &Acting, event: &CaseEvent) -> Result<(), Refusal> {
    let role = role_name(ctx, acting.role);
    let name = ctx.event_name(event.event);
    let on = event.on;
    let who = &acting.who;
    // Joined only when a refusal's words are written: most events sit
    // as declared.
    let members = Listed(&who.people);
    // Placed at the event's own list when it gives one; otherwise at the
    // event, whose people are the case's.
    let (names, people_key) = if event.people.is_empty() {
        ("the case's `people:` names", None)
    } else {
        ("the event names", Some("person"))
    };
    let chair_key = if event.chair.is_some() {
        Some("chair")
    } else {
        people_key
    };
    let Some(panel) = panel_of(ctx, acting.role) else {
        if who.people.len() > 1 {
            return Err((
                ReplayErrorKind::PanelSize {
                    message: format!(
                        "`{name}` on {on} is made by {role}, one person's role, but {names} {} people: {members}",
                        who.people.len()
                    ),
                    help: format!(
                        "name the one person who made it (`person: {}`), or, if a panel made it, say which (`by: PANEL`): without `by:`, the event is the step's lead's, and only a role declared with `members` is held by several people",
                        who.people[0]
                    ),
                    reason: "not_a_panel",
                },
                people_key,
            ));
        }
        if let Some(chair) = &event.chair {
            return Err(no_chair_rule(name, on, chair, role));
        }
        return Ok(());
    };
    if who.people.is_empty() {
        // Only a chair is known: there are no members to count.
        return Ok(());
    }
    if let Some((_, twice)) = who
        .people
        .iter()
        .enumerate()
        .find(|(i, p)| who.people[..*i].contains(p))
    {
        return Err((
            ReplayErrorKind::PanelMemberRepeated {
                message: format!(
                    "`{name}` on {on} is made by {role}, but {names} {twice} twice: {members}"
                ),
                help: format!(
                    "each member sits once: remove the repeated name, or name the member who is missing ({role} sits with {})",
                    panel.size_words()
                ),
            },
            people_key,
        ));
    }
    let n = who.people.len();
    if !panel.admits(n) {
        let too_few = n < panel.min as usize;
        return Err((
            ReplayErrorKind::PanelSize {
                message: format!(
                    "`{name}` on {on} is made by {role}, a panel of {}, but {names} {n}: {members}",
                    panel.size_words()
                ),
                help: if too_few {
                    format!(
                        "name every member who sat (`person: [{members}, …]`); a panel with fewer members than the procedure says cannot make the decision"
                    )
                } else {
                    "name only the members who sat; a panel larger than the procedure says is not the panel it describes".to_string()
                },
                reason: if too_few {
                    "too_few_members"
                } else {
                    "too_many_members"
                },
            },
            people_key,
        ));
    }
    match (&who.chair, panel.chair) {
        (None, true) => Err((
            ReplayErrorKind::PanelChair {
                message: format!(
                    "`{name}` on {on} is made by {role} ({members}), which has a chair, but no chair is named"
                ),
                help: format!(
                    "name the member who chaired it: `chair: {}` on the event, or `people: {{ {role}: {{ members: [{members}], chair: {} }} }}`",
                    who.people[0], who.people[0]
                ),
                reason: "no_chair",
            },
            people_key,
        )),
        (Some(chair), true) if !who.people.contains(chair) => Err((
            ReplayErrorKind::PanelChair {
                message: format!(
                    "`{name}` on {on} is made by {role} ({members}), but its chair, {chair}, is not one of them"
                ),
                help: format!(
                    "the chair is one of the members who sat: correct the chair, or add {chair} to the members"
                ),
                reason: "chair_not_member",
            },
            chair_key,
        )),
        (Some(chair), false) => Err(no_chair_rule(name, on, chair, role)),
        _ => Ok(()),
    }
}

/// Names joined with ", " when formatted.
struct Listed<'a>(&'a [String]);

impl std::fmt::Display for Listed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

fn no_chair_rule(name: &str, on: NaiveDate, chair: &str, role: &str) -> Refusal {
    (
        ReplayErrorKind::PanelChair {
            message: format!(
                "`{name}` on {on} names {chair} as chair, but {role} has no chair in this procedure"
            ),
            help: format!(
                "leave out `chair:`; a role has a chair only when the procedure declares it so (`role {role} \"…\", members 3, chair`)"
            ),
            reason: "no_chair_rule",
        },
        Some("chair"),
    )
}

/// Whether `person`, one of the people who made the event, may make it:
/// `different from` and `not also`.
fn person_may_act(
    ctx: &Ctx<'_>,
    state: &State,
    event: &CaseEvent,
    acting: &Acting,
    person: &str,
) -> Result<(), ReplayErrorKind> {
    let (step, role) = (acting.step, acting.role);
    let here = ctx.step(step);
    let name = ctx.event_name(event.event);
    if role == here.lead {
        for &earlier in &here.different_from {
            let lead = ctx.step(earlier).lead;
            if let Some(there) = acted_as(ctx, state, lead, person, Some(earlier)) {
                let led = match panel_of(ctx, lead) {
                    Some(_) => format!("sat on {}, which led", role_name(ctx, lead)),
                    None => "led".to_string(),
                };
                return Err(ReplayErrorKind::PersonRefused {
                    message: format!(
                        "`{name}` on {} is made by {person} {}, the lead of step `{}`, but {person} {led} step `{}` ({there})",
                        event.on,
                        as_role(ctx, role),
                        here.name,
                        ctx.step(earlier).name,
                    ),
                    help: format!(
                        "step `{}` must be led by someone other than the lead of step `{}`: record who made this event (`person:`), or correct the earlier one",
                        here.name,
                        ctx.step(earlier).name
                    ),
                    reason: "same_person_as_earlier_lead",
                });
            }
        }
    }
    // `not also` binds both ways: declared on either role.
    for (other, _) in ctx.procedure.roles.iter().enumerate() {
        let other = RoleId(other as u32);
        if other == role {
            continue;
        }
        let excluded = ctx.procedure.roles[role.index()].not_also.contains(&other)
            || ctx.procedure.roles[other.index()].not_also.contains(&role);
        if !excluded {
            continue;
        }
        if let Some(there) = acted_as(ctx, state, other, person, None) {
            let also = match panel_of(ctx, other) {
                Some(_) => format!("also a member of {}", role_name(ctx, other)),
                None => format!("also {}", role_name(ctx, other)),
            };
            return Err(ReplayErrorKind::PersonRefused {
                message: format!(
                    "`{name}` on {} is made by {person} {}, but {person} is {also} ({there})",
                    event.on,
                    as_role(ctx, role),
                ),
                help: format!(
                    "one person may not be both {} and {}: record who made this event (`person:`), or correct the earlier one",
                    role_name(ctx, role),
                    role_name(ctx, other)
                ),
                reason: "roles_held_together",
            });
        }
    }
    Ok(())
}

/// Notes who made an accepted event, before the event moves the case.
pub(crate) fn record(ctx: &Ctx<'_>, state: &mut State, event: &CaseEvent, on: NaiveDate) {
    if let Some(Acting { step, role, who }) = acting(ctx, state, event) {
        state.acts.push(Act {
            on,
            event: event.event,
            step,
            role,
            who,
        });
    }
}

/// Who holds each role: the people of the latest event made in it, else
/// the case's `people:`; roles with nobody known are left out.
pub(crate) fn holding(ctx: &Ctx<'_>, state: &State) -> Vec<(RoleId, Holder)> {
    (0..ctx.procedure.roles.len())
        .filter_map(|i| {
            let role = RoleId(i as u32);
            let who = state
                .acts
                .iter()
                .rev()
                .find(|a| a.role == role)
                .map(|a| &a.who)
                .or_else(|| holder(state, role))?;
            Some((role, who.clone()))
        })
        .collect()
}
