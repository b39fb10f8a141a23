//! Type-checking guards into IR expressions, and deciding whether two
//! transitions on one event can both apply.

use std::collections::HashMap;

use crate::suggest::help_for;
use crate::syntax::ast::{self, BinaryOp};

use super::ir::{CompareOp, Env, Expr, FactId, Param, Transition, Type, Value};
use super::{CheckError, Checker};
use crate::syntax::ast::Moment;

/// A typed sub-expression, or a bare name that can only be an enum value
/// (known once the other side of a comparison is).
enum Typed<'n> {
    Value(Expr, Type),
    Bare(&'n ast::Name),
}

impl Checker<'_> {
    /// Type-checks a guard that must be a condition. `params` are the data
    /// fields of the event being handled, if any. `None` after reporting.
    pub(super) fn condition(&mut self, expr: &ast::Expr, params: &[Param]) -> Option<Expr> {
        self.bool_operand(expr, params)
    }

    fn value(&mut self, expr: &ast::Expr, params: &[Param]) -> Option<(Expr, Type)> {
        match self.typed(expr, params)? {
            Typed::Value(e, t) => Some((e, t)),
            Typed::Bare(name) => {
                self.unknown_name(name, params);
                None
            }
        }
    }

    fn unknown_name(&mut self, name: &ast::Name, params: &[Param]) {
        let candidates: Vec<&str> = self
            .facts
            .candidates()
            .chain(params.iter().map(|p| p.name.as_str()))
            .collect();
        self.error(CheckError::UnknownFact {
            name: name.text.clone(),
            help: help_for(&name.text, "fact", candidates.iter().copied()),
            span: name.span.into(),
        });
    }

    fn bool_operand(&mut self, expr: &ast::Expr, params: &[Param]) -> Option<Expr> {
        let (e, ty) = self.value(expr, params)?;
        if ty != Type::Bool {
            self.error(CheckError::NotACondition {
                found: ty.describe(),
                span: expr.span().into(),
            });
            return None;
        }
        Some(e)
    }

    fn typed<'n>(&mut self, expr: &'n ast::Expr, params: &[Param]) -> Option<Typed<'n>> {
        Some(match expr {
            ast::Expr::Bool { value, .. } => {
                Typed::Value(Expr::Const(Value::Bool(*value)), Type::Bool)
            }
            ast::Expr::Date(d) => Typed::Value(Expr::Const(Value::Date(d.value?)), Type::Date),
            ast::Expr::Text(t) => {
                Typed::Value(Expr::Const(Value::Text(t.value.clone())), Type::Text)
            }
            ast::Expr::Duration { amount, unit, span } => {
                if *amount <= 0 {
                    self.error(CheckError::NonPositiveDuration {
                        amount: *amount,
                        span: (*span).into(),
                    });
                    return None;
                }
                Typed::Value(
                    Expr::Const(Value::Duration(u32::try_from(*amount).ok()?, *unit)),
                    Type::Duration,
                )
            }
            ast::Expr::Name(name) => {
                if let Some(i) = params.iter().position(|p| p.name == name.text) {
                    Typed::Value(Expr::Param(i as u32), params[i].ty.clone())
                } else if let Some(i) = self.facts.get(&name.text) {
                    self.used_facts[i as usize] = true;
                    Typed::Value(Expr::Fact(FactId(i)), self.fact_types[i as usize].clone())
                } else if let Some(e) = self
                    .event_index
                    .get(&name.text)
                    .filter(|_| self.names_are_dates)
                {
                    Typed::Value(Expr::DateOf(super::ir::EventId(*e)), Type::Date)
                } else {
                    Typed::Bare(name)
                }
            }
            ast::Expr::Not { operand, .. } => Typed::Value(
                Expr::Not(Box::new(self.bool_operand(operand, params)?)),
                Type::Bool,
            ),
            ast::Expr::Binary { op, lhs, rhs, span } => match op {
                BinaryOp::And | BinaryOp::Or => {
                    let a = self.bool_operand(lhs, params);
                    let b = self.bool_operand(rhs, params);
                    let (a, b) = (Box::new(a?), Box::new(b?));
                    let e = if *op == BinaryOp::And {
                        Expr::And(a, b)
                    } else {
                        Expr::Or(a, b)
                    };
                    Typed::Value(e, Type::Bool)
                }
                _ => self.comparison(*op, lhs, rhs, *span, params)?,
            },
            ast::Expr::In {
                operand, values, ..
            } => {
                let (e, ty) = self.value(operand, params)?;
                let Type::Enum(choices) = &ty else {
                    self.error(CheckError::NotAChoice {
                        ty: ty.describe(),
                        span: operand.span().into(),
                    });
                    return None;
                };
                let mut set = Vec::new();
                for v in values {
                    set.push(self.enum_value(v, choices, operand)?);
                }
                Typed::Value(Expr::In(Box::new(e), set), Type::Bool)
            }
            ast::Expr::Moment { moment, .. } => Typed::Value(
                match moment {
                    Moment::Received => Expr::Received,
                    Moment::Today => Expr::Today,
                },
                Type::Date,
            ),
            ast::Expr::DateOf { event, .. } => {
                Typed::Value(Expr::DateOf(self.event(event)?), Type::Date)
            }
            ast::Expr::Closed { .. } => Typed::Value(Expr::Closed, Type::Bool),
            ast::Expr::Missed { deadline, span } => {
                let Some((place, names)) = &self.missable else {
                    self.error(CheckError::MissedGuardNotReadable {
                        name: deadline.text.clone(),
                        span: (*span).into(),
                    });
                    return None;
                };
                if !names.contains(&deadline.text) {
                    let help =
                        help_for(&deadline.text, "deadline", names.iter().map(String::as_str));
                    self.error(CheckError::MissedGuardUnknownDeadline {
                        name: deadline.text.clone(),
                        place: place.clone(),
                        help,
                        span: deadline.span.into(),
                    });
                    return None;
                }
                self.reads_missed = true;
                Typed::Value(Expr::Missed(deadline.text.clone()), Type::Bool)
            }
            ast::Expr::Shift {
                date,
                back,
                by,
                span,
            } => {
                let left = self.value(date, params);
                let right = self.value(by, params);
                let ((d, td), (b, tb)) = (left?, right?);
                if td != Type::Date || tb != Type::Duration {
                    self.error(CheckError::DateArithmetic {
                        op: if *back { "-" } else { "+" }.to_string(),
                        left: td.describe(),
                        right: tb.describe(),
                        span: (*span).into(),
                    });
                    return None;
                }
                Typed::Value(
                    Expr::Shift {
                        date: Box::new(d),
                        back: *back,
                        by: Box::new(b),
                    },
                    Type::Date,
                )
            }
            ast::Expr::Extreme { latest, dates, .. } => {
                let mut typed = Vec::new();
                let mut ok = true;
                for d in dates {
                    match self.value(d, params) {
                        Some((e, Type::Date)) => typed.push(e),
                        Some((_, ty)) => {
                            self.error(CheckError::NotADate {
                                function: if *latest { "latest" } else { "earliest" }.to_string(),
                                found: ty.describe(),
                                span: d.span().into(),
                            });
                            ok = false;
                        }
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                Typed::Value(Expr::Extreme(*latest, typed), Type::Date)
            }
        })
    }

    /// A date expression outside a guard (an anchor or `until`): any type,
    /// for the caller to require a date.
    pub(super) fn date_value(&mut self, expr: &ast::Expr) -> Option<(Expr, Type)> {
        self.value(expr, &[])
    }

    /// `today` and `received` are dates every case has, `closed` whether it
    /// has ended; a fact of that name could never be read in a condition.
    pub(super) fn reserved_fact_name(&mut self, name: &ast::Name) {
        let meaning = match name.text.as_str() {
            "today" => "the day the rule is applied",
            "received" => "the day the case was received",
            "closed" => "that the case has its outcome",
            _ => return,
        };
        self.error(CheckError::ReservedFactName {
            name: name.text.clone(),
            meaning: meaning.to_string(),
            span: name.span.into(),
        });
    }

    fn enum_value(&mut self, value: &ast::Name, choices: &[String], of: &ast::Expr) -> Option<u32> {
        match choices.iter().position(|c| *c == value.text) {
            Some(i) => Some(i as u32),
            None => {
                let of = match of {
                    ast::Expr::Name(n) => n.text.clone(),
                    _ => "the compared value".to_string(),
                };
                self.error(CheckError::UnknownValue {
                    name: value.text.clone(),
                    of,
                    help: help_for(&value.text, "value", choices.iter().map(String::as_str)),
                    span: value.span.into(),
                });
                None
            }
        }
    }

    fn comparison<'n>(
        &mut self,
        op: BinaryOp,
        lhs: &'n ast::Expr,
        rhs: &'n ast::Expr,
        span: ast::Span,
        params: &[Param],
    ) -> Option<Typed<'n>> {
        let compare = match op {
            BinaryOp::Eq => CompareOp::Eq,
            BinaryOp::Ne => CompareOp::Ne,
            BinaryOp::Lt => CompareOp::Lt,
            BinaryOp::Le => CompareOp::Le,
            BinaryOp::Gt => CompareOp::Gt,
            _ => CompareOp::Ge,
        };
        let left = self.typed(lhs, params);
        let right = self.typed(rhs, params);
        let (left, right) = (left?, right?);
        let ((a, ta), (b, tb)) = match (left, right) {
            (Typed::Value(a, ta), Typed::Value(b, tb)) => ((a, ta), (b, tb)),
            (Typed::Value(a, Type::Enum(choices)), Typed::Bare(v)) => {
                let i = self.enum_value(v, &choices, lhs)?;
                (
                    (a, Type::Enum(choices.clone())),
                    (Expr::Const(Value::Enum(i)), Type::Enum(choices)),
                )
            }
            (Typed::Bare(v), Typed::Value(b, Type::Enum(choices))) => {
                let i = self.enum_value(v, &choices, rhs)?;
                (
                    (Expr::Const(Value::Enum(i)), Type::Enum(choices.clone())),
                    (b, Type::Enum(choices)),
                )
            }
            (Typed::Value(_, Type::Bool), Typed::Bare(word))
            | (Typed::Bare(word), Typed::Value(_, Type::Bool))
                if is_yes_no_word(&word.text) =>
            {
                let fact = match (lhs, rhs) {
                    (ast::Expr::Name(n), _) if n.text != word.text => n.text.clone(),
                    (_, ast::Expr::Name(n)) => n.text.clone(),
                    _ => "the condition".to_string(),
                };
                self.error(CheckError::YesNoWord {
                    fact,
                    word: word.text.clone(),
                    span: word.span.into(),
                });
                return None;
            }
            (Typed::Bare(name), _) | (_, Typed::Bare(name)) => {
                self.unknown_name(name, params);
                return None;
            }
        };
        if ta != tb {
            self.error(CheckError::TypeMismatch {
                op: op.symbol().to_string(),
                left: ta.describe(),
                right: tb.describe(),
                span: span.into(),
            });
            return None;
        }
        let ordered = matches!(
            compare,
            CompareOp::Lt | CompareOp::Le | CompareOp::Gt | CompareOp::Ge
        );
        if ordered && !matches!(ta, Type::Date | Type::Duration) {
            self.error(CheckError::NotOrdered {
                op: op.symbol().to_string(),
                ty: ta.describe(),
                span: span.into(),
            });
            return None;
        }
        Some(Typed::Value(
            Expr::Compare(compare, Box::new(a), Box::new(b)),
            Type::Bool,
        ))
    }
}

/// Words people use for the values of a yes/no fact, which are `true` and
/// `false` in the language.
fn is_yes_no_word(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "yes" | "no" | "y" | "n" | "on" | "off"
    )
}

/// How many combinations of input values are tried before giving up on
/// deciding an overlap.
const MAX_COMBINATIONS: usize = 4096;

/// Reports transitions on the same event in one step whose guards can both
/// hold. Decided exactly when every input is a condition or a choice;
/// otherwise only the undecidable-free cases (a missing guard) are reported.
pub(super) fn check_overlaps(
    checker: &mut Checker<'_>,
    step: &ast::StepDecl,
    transitions: &[Transition],
) {
    // `transitions` may be missing entries that failed to resolve; pair the
    // resolved ones with their declarations by event and order.
    let mut declared = step.transitions.iter();
    let mut pairs: Vec<(&Transition, &ast::TransitionDecl)> = Vec::new();
    for t in transitions {
        let name = &checker.events[t.event.index()].name;
        for d in declared.by_ref() {
            if &d.event.text == name {
                pairs.push((t, d));
                break;
            }
        }
    }
    for (i, (a, da)) in pairs.iter().enumerate() {
        for (b, db) in pairs.iter().skip(i + 1) {
            if a.event != b.event {
                continue;
            }
            let example = match (&a.guard, &b.guard) {
                (None, _) | (_, None) => Some(String::new()),
                (Some(ga), Some(gb)) => both_can_hold(checker, ga, gb, a.event),
            };
            if let Some(example) = example {
                checker.error(CheckError::OverlappingTransitions {
                    event: da.event.text.clone(),
                    example,
                    span: db.span.into(),
                    other: da.span.into(),
                });
            }
        }
    }
}

/// One input of a guard for enumeration: its name, whether it is a fact
/// (else an event field), its index, and the values it can take.
struct Input {
    name: String,
    is_fact: bool,
    id: u32,
    values: Vec<(Value, String)>,
}

struct Assignment {
    facts: HashMap<FactId, Value>,
    params: HashMap<u32, Value>,
}

impl Env for Assignment {
    fn fact(&self, fact: FactId) -> Option<Value> {
        self.facts.get(&fact).cloned()
    }
    fn param(&self, index: u32) -> Option<Value> {
        self.params.get(&index).cloned()
    }
}

/// `Some(example)` when some assignment makes both guards hold; `None`
/// when they are disjoint or when that cannot be decided.
fn both_can_hold(
    checker: &Checker<'_>,
    a: &Expr,
    b: &Expr,
    event: super::ir::EventId,
) -> Option<String> {
    let mut facts = Vec::new();
    let mut params = Vec::new();
    a.inputs(&mut facts, &mut params);
    b.inputs(&mut facts, &mut params);
    let event_params = &checker.events[event.index()].params;
    // Each input: its name and the values it can take.
    let mut inputs: Vec<Input> = Vec::new();
    for f in &facts {
        let ty = checker.fact_types.get(f.index())?;
        inputs.push(Input {
            name: checker.facts.names[f.index()].clone(),
            is_fact: true,
            id: f.0,
            values: domain(ty)?,
        });
    }
    for p in &params {
        let param = event_params.get(*p as usize)?;
        inputs.push(Input {
            name: param.name.clone(),
            is_fact: false,
            id: *p,
            values: domain(&param.ty)?,
        });
    }
    let total = inputs
        .iter()
        .try_fold(1usize, |n, input| n.checked_mul(input.values.len()))?;
    if total > MAX_COMBINATIONS {
        return None;
    }
    for mut k in 0..total {
        let mut env = Assignment {
            facts: HashMap::new(),
            params: HashMap::new(),
        };
        let mut shown = Vec::new();
        for input in &inputs {
            let (value, label) = &input.values[k % input.values.len()];
            k /= input.values.len();
            if input.is_fact {
                env.facts.insert(FactId(input.id), value.clone());
            } else {
                env.params.insert(input.id, value.clone());
            }
            shown.push(format!("{} is {label}", input.name));
        }
        if a.holds(&env) == Some(true) && b.holds(&env) == Some(true) {
            return Some(format!(": for example when {}", shown.join(" and ")));
        }
    }
    None
}

fn domain(ty: &Type) -> Option<Vec<(Value, String)>> {
    match ty {
        Type::Bool => Some(vec![
            (Value::Bool(false), "false".into()),
            (Value::Bool(true), "true".into()),
        ]),
        Type::Enum(values) => Some(
            values
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::Enum(i as u32), v.clone()))
                .collect(),
        ),
        _ => None,
    }
}
