//! The IR in words: guards, durations and anchors as a reader writes them,
//! for diagrams, documents and diffs.

use super::describe_duration;
use crate::check::ir::{
    Anchor, CompareOp, DurationSpec, EventId, Expr, FactId, Param, Procedure, Type, Value,
};

/// `complainant_is in {child, young_person} or adult_requests_support`.
pub fn guard(procedure: &Procedure, expr: &Expr, event: Option<EventId>) -> String {
    let params: &[Param] = event
        .and_then(|e| procedure.events.get(e.index()))
        .map_or(&[], |e| e.params.as_slice());
    Printer { procedure, params }.expr(expr, 0)
}

/// `20 working days`, or the name of the duration fact.
pub fn duration(procedure: &Procedure, spec: DurationSpec) -> String {
    match spec {
        DurationSpec::Fixed { amount, unit } => describe_duration(amount, unit),
        DurationSpec::Fact(f) => procedure
            .facts
            .get(f.index())
            .map_or("?".into(), |f| f.name.clone()),
    }
}

/// The word before an anchor as written: `beginning with` when the anchor
/// day counts, else the construct's usual `from` or `of`.
pub fn counted(beginning: bool, usual: &'static str) -> &'static str {
    if beginning {
        "beginning with"
    } else {
        usual
    }
}

/// A time limit as written: `20 working days from entry`, `3 weeks
/// beginning with response_sent`, or `until agreed_response_date`.
pub fn period(
    procedure: &Procedure,
    spec: DurationSpec,
    at: Anchor,
    beginning: bool,
    usual: &'static str,
) -> String {
    if super::ir::is_until(spec, at) {
        return format!("until {}", anchor(procedure, at));
    }
    format!(
        "{} {} {}",
        duration(procedure, spec),
        counted(beginning, usual),
        anchor(procedure, at)
    )
}

/// `entry` or the event's name.
pub fn anchor(procedure: &Procedure, anchor: Anchor) -> String {
    match anchor {
        Anchor::Entry => "entry".into(),
        Anchor::Event(e) => procedure
            .events
            .get(e.index())
            .map_or("?".into(), |e| e.name.clone()),
        Anchor::Fact(f) => procedure
            .facts
            .get(f.index())
            .map_or("?".into(), |f| f.name.clone()),
        Anchor::Date(i) => procedure
            .dates
            .get(i as usize)
            .map_or("?".into(), |e| guard(procedure, e, None)),
    }
}

/// A route's window as written: `within 6 months of closed`.
pub fn route_window(procedure: &Procedure, window: &super::ir::RouteWindow) -> String {
    let from = match window.anchor {
        super::ir::WindowAnchor::Closed => "closed".to_string(),
        super::ir::WindowAnchor::Anchor(a) => anchor(procedure, a),
    };
    format!("within {} of {from}", duration(procedure, window.duration))
}

/// A fact's value as written in a case file: `true`, `child`, `2026-05-04`.
pub fn fact_value(procedure: &Procedure, fact: FactId, value: &Value) -> String {
    let ty = procedure.facts.get(fact.index()).map(|f| &f.ty);
    Printer {
        procedure,
        params: &[],
    }
    .value(value, ty)
}

struct Printer<'a> {
    procedure: &'a Procedure,
    params: &'a [Param],
}

/// Binding strength, loosest first, for deciding where brackets go.
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const COMPARE: u8 = 4;
const SHIFT: u8 = 5;

impl Printer<'_> {
    fn type_of(&self, expr: &Expr) -> Option<&Type> {
        match expr {
            Expr::Fact(f) => self.procedure.facts.get(f.index()).map(|f| &f.ty),
            Expr::Param(p) => self.params.get(*p as usize).map(|p| &p.ty),
            _ => None,
        }
    }

    fn value(&self, value: &Value, ty: Option<&Type>) -> String {
        match value {
            Value::Bool(b) => b.to_string(),
            Value::Date(d) => d.to_string(),
            Value::Duration(n, unit) => describe_duration(*n, *unit),
            Value::Text(t) => format!("{t:?}"),
            Value::Enum(i) => match ty {
                Some(Type::Enum(values)) => values
                    .get(*i as usize)
                    .cloned()
                    .unwrap_or_else(|| i.to_string()),
                _ => i.to_string(),
            },
        }
    }

    fn operand(&self, expr: &Expr, other: &Expr) -> String {
        match expr {
            Expr::Const(v) => self.value(v, self.type_of(other)),
            e => self.expr(e, COMPARE + 1),
        }
    }

    fn expr(&self, expr: &Expr, context: u8) -> String {
        let (text, strength) = match expr {
            Expr::Const(v) => (self.value(v, None), u8::MAX),
            Expr::Fact(f) => (
                self.procedure
                    .facts
                    .get(f.index())
                    .map_or("?".into(), |f| f.name.clone()),
                u8::MAX,
            ),
            Expr::Param(p) => (
                self.params
                    .get(*p as usize)
                    .map_or("?".into(), |p| p.name.clone()),
                u8::MAX,
            ),
            Expr::Not(e) => (format!("not {}", self.expr(e, NOT)), NOT),
            Expr::And(a, b) => (
                format!("{} and {}", self.expr(a, AND), self.expr(b, AND + 1)),
                AND,
            ),
            Expr::Or(a, b) => (
                format!("{} or {}", self.expr(a, OR), self.expr(b, OR + 1)),
                OR,
            ),
            Expr::Compare(op, a, b) => {
                let symbol = match op {
                    CompareOp::Eq => "==",
                    CompareOp::Ne => "!=",
                    CompareOp::Lt => "<",
                    CompareOp::Le => "<=",
                    CompareOp::Gt => ">",
                    CompareOp::Ge => ">=",
                };
                (
                    format!("{} {symbol} {}", self.operand(a, b), self.operand(b, a)),
                    COMPARE,
                )
            }
            Expr::In(e, set) => {
                let ty = self.type_of(e);
                let values: Vec<String> = set
                    .iter()
                    .map(|v| self.value(&Value::Enum(*v), ty))
                    .collect();
                (
                    format!("{} in {{{}}}", self.expr(e, COMPARE + 1), values.join(", ")),
                    COMPARE,
                )
            }
            Expr::Shift { date, back, by } => (
                format!(
                    "{} {} {}",
                    self.expr(date, SHIFT),
                    if *back { "-" } else { "+" },
                    self.expr(by, SHIFT + 1)
                ),
                SHIFT,
            ),
            Expr::Received => ("received".to_string(), u8::MAX),
            Expr::Today => ("today".to_string(), u8::MAX),
            Expr::Closed => ("closed".to_string(), u8::MAX),
            Expr::Missed(d) => (format!("missed {d}"), u8::MAX),
            Expr::DateOf(e) => (
                format!(
                    "date of {}",
                    self.procedure
                        .events
                        .get(e.index())
                        .map_or("?", |e| e.name.as_str())
                ),
                u8::MAX,
            ),
            Expr::Extreme(latest, dates) => (
                format!(
                    "{}({})",
                    if *latest { "latest" } else { "earliest" },
                    dates
                        .iter()
                        .map(|d| self.expr(d, 0))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                u8::MAX,
            ),
        };
        if strength < context {
            format!("({text})")
        } else {
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::compile::compile_str;

    #[test]
    fn guards_read_back_as_written() {
        let text = r#"procedure p "P" {
  role r
  fact kind: child | adult
  fact urgent: bool
  fact due: date
  start s
  step s { lead r
    on e when not (urgent or kind == child) and kind in {child, adult} -> done
    on f(outcome: yes | no) when outcome == no and due < 2026-01-01 -> done
  }
  outcome done "Done"
}"#;
        let procedure = compile_str("p.proc", text).procedure.expect("compiles");
        let step = &procedure.steps[0];
        let texts: Vec<String> = step
            .transitions
            .iter()
            .map(|t| super::guard(&procedure, t.guard.as_ref().expect("guard"), Some(t.event)))
            .collect();
        assert_eq!(
            texts,
            [
                "not (urgent or kind == child) and kind in {child, adult}",
                "outcome == no and due < 2026-01-01"
            ]
        );
    }
}
