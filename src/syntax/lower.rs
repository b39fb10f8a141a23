//! Lowering pest pairs into the AST. The only code that matches on `Rule`.
//!
//! The grammar has already accepted the text, so the shapes here are the
//! grammar's; where a pair is not what the grammar promises, lowering
//! skips it rather than panicking.

use std::cell::RefCell;
use std::sync::LazyLock;

use chrono::NaiveDate;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::ast::*;
use super::error::SyntaxError;
use super::{Rule, MAX_EXPRESSION_TERMS};

/// The largest count a duration may have: about 270 years of days, which
/// no procedure needs and which keeps calendar arithmetic in range.
pub(crate) const MAX_AMOUNT: i64 = 100_000;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left))
        .op(Op::infix(Rule::op_plus, Assoc::Left) | Op::infix(Rule::op_minus, Assoc::Left))
        .op(Op::postfix(Rule::in_set))
});

struct Lowerer {
    errors: RefCell<Vec<SyntaxError>>,
}

pub(super) fn lower_file(mut pairs: Pairs<'_, Rule>) -> (Option<File>, Vec<SyntaxError>) {
    let lowerer = Lowerer {
        errors: RefCell::new(Vec::new()),
    };
    let procedure = pairs
        .next()
        .into_iter()
        .flat_map(|file| file.into_inner())
        .find(|p| p.as_rule() == Rule::procedure)
        .map(|p| lowerer.procedure(p));
    let errors = lowerer.errors.into_inner();
    (Some(File { procedure }), errors)
}

/// The pair's span without trailing white space and comments, which pest
/// folds into a construct when it looks for an optional `cite` after it; a
/// label, and the formatter, need the construct's own text.
fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(
        s.start(),
        s.start() + without_trailing_trivia(s.as_str()).len(),
    )
}

/// `text` without the white space and `//` comments at its end.
fn without_trailing_trivia(text: &str) -> &str {
    let mut end = 0;
    super::scan::regions(text, |region, start, stop| match region {
        super::scan::Region::String => end = stop,
        super::scan::Region::Code => {
            let trimmed = text[start..stop].trim_end();
            if !trimmed.is_empty() {
                end = start + trimmed.len();
            }
        }
        super::scan::Region::Comment => {}
    });
    &text[..end]
}

/// The meaningful children of a pair: punctuation and keywords carry
/// nothing the AST needs.
fn parts<'i>(pair: Pair<'i, Rule>) -> impl Iterator<Item = Pair<'i, Rule>> {
    pair.into_inner().filter(|p| {
        !matches!(
            p.as_rule(),
            Rule::arrow | Rule::lbrace | Rule::rbrace | Rule::colon
        ) && !is_keyword(p.as_rule())
    })
}

fn is_keyword(rule: Rule) -> bool {
    use Rule::*;
    matches!(
        rule,
        kw_procedure
            | kw_version
            | kw_effective
            | kw_source
            | kw_calendar
            | kw_based
            | kw_on
            | kw_weekend
            | kw_closed
            | kw_paragraphs
            | kw_role
            | kw_fact
            | kw_body
            | kw_route
            | kw_refer
            | kw_to
            | kw_start
            | kw_step
            | kw_outcome
            | kw_note
            | kw_cite
            | kw_lead
            | kw_task
            | kw_within
            | kw_from
            | kw_deadline
            | kw_extendable
            | kw_by
            | kw_agreement
            | kw_met
            | kw_pause
            | kw_for
            | kw_with
            | kw_of
            | kw_when
            | kw_requires
            | kw_reopens
            | kw_escalate
            | kw_otherwise
            | kw_reject
            | kw_refuse
            | kw_limit
            | kw_in
            | kw_setting
            | setting_equals
            | kw_missed
            | kw_anywhere
            | kw_as
            | kw_soon
            | kw_practicable
            | kw_fixed
            | kw_different
            | kw_not
            | kw_also
            | kw_members
            | kw_at_least
            | kw_chair
            | kw_immediately
            | kw_notice
            | kw_includes
            | kw_at
            | kw_most
            | kw_once
            | kw_times
            | kw_granted
            | kw_track
            | kw_starts
            | kw_done
    )
}

fn name(pair: &Pair<'_, Rule>) -> Name {
    Name {
        text: pair.as_str().to_string(),
        span: span_of(pair),
    }
}

fn text(pair: &Pair<'_, Rule>) -> Text {
    let raw = pair
        .clone()
        .into_inner()
        .next()
        .map(|inner| inner.as_str())
        .unwrap_or("");
    Text {
        value: unescape(raw),
        span: span_of(pair),
    }
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A fresh, empty step or procedure part, filled in by the item loops.
fn empty_span_name() -> Name {
    Name {
        text: String::new(),
        span: Span::default(),
    }
}

impl Lowerer {
    fn error(&self, error: SyntaxError) {
        self.errors.borrow_mut().push(error);
    }

    fn date(&self, pair: &Pair<'_, Rule>) -> DateLit {
        let value = NaiveDate::parse_from_str(pair.as_str(), "%Y-%m-%d").ok();
        if value.is_none() {
            self.error(SyntaxError::InvalidDate {
                text: pair.as_str().to_string(),
                span: span_of(pair).into(),
            });
        }
        DateLit {
            value,
            span: span_of(pair),
        }
    }

    fn amount(&self, pair: &Pair<'_, Rule>) -> i64 {
        match pair.as_str().parse::<i64>() {
            Ok(n) if n.abs() <= MAX_AMOUNT => n,
            _ => {
                self.error(SyntaxError::NumberTooLarge {
                    text: pair.as_str().to_string(),
                    limit: MAX_AMOUNT,
                    span: span_of(pair).into(),
                });
                MAX_AMOUNT
            }
        }
    }

    fn cite(&self, pair: Pair<'_, Rule>) -> Cite {
        let span = span_of(&pair);
        Cite {
            labels: parts(pair).map(|p| text(&p)).collect(),
            span,
        }
    }

    /// The trailing `cite` of a construct, if any, among its parts.
    fn take_cite(&self, pairs: &[Pair<'_, Rule>]) -> Option<Cite> {
        pairs
            .iter()
            .find(|p| p.as_rule() == Rule::cite)
            .map(|p| self.cite(p.clone()))
    }

    fn unit(pair: &Pair<'_, Rule>) -> Unit {
        match pair.clone().into_inner().next().map(|p| p.as_rule()) {
            Some(Rule::unit_working_days) => Unit::WorkingDays,
            Some(Rule::unit_weeks) => Unit::Weeks,
            Some(Rule::unit_months) => Unit::Months,
            Some(Rule::unit_years) => Unit::Years,
            _ => Unit::Days,
        }
    }

    fn duration_literal(&self, pair: Pair<'_, Rule>) -> (i64, Unit, Span) {
        let span = span_of(&pair);
        let mut amount = 0;
        let mut unit = Unit::Days;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::integer => amount = self.amount(&p),
                Rule::time_unit => unit = Self::unit(&p),
                _ => {}
            }
        }
        (amount, unit, span)
    }

    fn duration(&self, pair: Pair<'_, Rule>) -> Duration {
        let span = span_of(&pair);
        match pair.into_inner().next() {
            Some(p) if p.as_rule() == Rule::duration_literal => {
                let (amount, unit, span) = self.duration_literal(p);
                Duration::Literal { amount, unit, span }
            }
            Some(p) => Duration::Fact(name(&p)),
            None => Duration::Literal {
                amount: 0,
                unit: Unit::Days,
                span,
            },
        }
    }

    fn anchor(&self, pair: Pair<'_, Rule>) -> Anchor {
        let span = span_of(&pair);
        match pair.into_inner().next() {
            Some(p) if p.as_rule() == Rule::ident => Anchor::Event(name(&p)),
            Some(p) if p.as_rule() == Rule::date_extreme => Anchor::Date(self.primary(p)),
            _ => Anchor::Entry(span),
        }
    }

    /// The date of `until DATE`.
    fn until(&self, pair: Pair<'_, Rule>) -> Option<Expr> {
        pair.into_inner()
            .find(|p| p.as_rule() == Rule::expr)
            .map(|e| self.expr(e))
    }

    fn fact_type(&self, pair: Pair<'_, Rule>) -> TypeExpr {
        let span = span_of(&pair);
        match pair.into_inner().next() {
            Some(p) => match p.as_rule() {
                Rule::type_bool => TypeExpr::Bool(span),
                Rule::type_date => TypeExpr::Date(span),
                Rule::type_duration => TypeExpr::Duration(span),
                Rule::type_text => TypeExpr::Text(span),
                _ => TypeExpr::Enum {
                    values: p.into_inner().map(|v| name(&v)).collect(),
                    span,
                },
            },
            None => TypeExpr::Text(span),
        }
    }

    fn guard(&self, pair: Pair<'_, Rule>) -> Expr {
        match parts(pair).next() {
            Some(expr) => self.expr(expr),
            None => Expr::Bool {
                value: true,
                span: Span::default(),
            },
        }
    }

    fn expr(&self, pair: Pair<'_, Rule>) -> Expr {
        let span = span_of(&pair);
        let terms = pair.clone().into_inner().count();
        if terms > MAX_EXPRESSION_TERMS * 2 {
            self.error(SyntaxError::ExpressionTooLong {
                terms: terms.div_ceil(2),
                limit: MAX_EXPRESSION_TERMS,
                span: (span.start, 1).into(),
            });
            return Expr::Bool { value: true, span };
        }
        PRATT
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, operand| Expr::Not {
                span: Span::new(span_of(&op).start, operand.span().end),
                operand: Box::new(operand),
            })
            .map_postfix(|operand, op| {
                let span = Span::new(operand.span().start, span_of(&op).end);
                Expr::In {
                    operand: Box::new(operand),
                    values: op
                        .into_inner()
                        .filter(|p| p.as_rule() == Rule::ident)
                        .map(|p| name(&p))
                        .collect(),
                    span,
                }
            })
            .map_infix(|lhs, op, rhs| {
                if matches!(op.as_rule(), Rule::op_plus | Rule::op_minus) {
                    return Expr::Shift {
                        span: Span::new(lhs.span().start, rhs.span().end),
                        back: op.as_rule() == Rule::op_minus,
                        date: Box::new(lhs),
                        by: Box::new(rhs),
                    };
                }
                let op = match op.as_rule() {
                    Rule::op_or => BinaryOp::Or,
                    Rule::op_and => BinaryOp::And,
                    Rule::op_eq => BinaryOp::Eq,
                    Rule::op_ne => BinaryOp::Ne,
                    Rule::op_lt => BinaryOp::Lt,
                    Rule::op_le => BinaryOp::Le,
                    Rule::op_gt => BinaryOp::Gt,
                    _ => BinaryOp::Ge,
                };
                Expr::Binary {
                    op,
                    span: Span::new(lhs.span().start, rhs.span().end),
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                }
            })
            .parse(pair.into_inner())
    }

    fn primary(&self, pair: Pair<'_, Rule>) -> Expr {
        let span = span_of(&pair);
        match pair.as_rule() {
            Rule::expr => self.expr(pair),
            Rule::bool_true => Expr::Bool { value: true, span },
            Rule::bool_false => Expr::Bool { value: false, span },
            Rule::date => Expr::Date(self.date(&pair)),
            Rule::string => Expr::Text(text(&pair)),
            Rule::duration_literal => {
                let (amount, unit, span) = self.duration_literal(pair);
                Expr::Duration { amount, unit, span }
            }
            Rule::kw_received => Expr::Moment {
                moment: Moment::Received,
                span,
            },
            Rule::kw_today => Expr::Moment {
                moment: Moment::Today,
                span,
            },
            Rule::kw_closed => Expr::Closed { span },
            Rule::missed_term => Expr::Missed {
                deadline: parts(pair)
                    .find(|p| p.as_rule() == Rule::ident)
                    .map_or_else(empty_span_name, |p| name(&p)),
                span,
            },
            Rule::date_of => Expr::DateOf {
                event: parts(pair)
                    .find(|p| p.as_rule() == Rule::ident)
                    .map_or_else(empty_span_name, |p| name(&p)),
                span,
            },
            Rule::date_extreme => {
                let mut latest = true;
                let mut dates = Vec::new();
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::kw_earliest => latest = false,
                        Rule::expr => dates.push(self.expr(p)),
                        _ => {}
                    }
                }
                Expr::Extreme {
                    latest,
                    dates,
                    span,
                }
            }
            _ => Expr::Name(name(&pair)),
        }
    }

    fn procedure(&self, pair: Pair<'_, Rule>) -> ProcedureDecl {
        let span = span_of(&pair);
        let mut proc = ProcedureDecl {
            name: empty_span_name(),
            title: Text {
                value: String::new(),
                span,
            },
            span,
            versions: Vec::new(),
            effective: Vec::new(),
            sources: Vec::new(),
            calendar_uses: Vec::new(),
            calendars: Vec::new(),
            paragraphs: Vec::new(),
            limits: Vec::new(),
            roles: Vec::new(),
            facts: Vec::new(),
            bodies: Vec::new(),
            routes: Vec::new(),
            starts: Vec::new(),
            steps: Vec::new(),
            outcomes: Vec::new(),
            notes: Vec::new(),
            settings: Vec::new(),
            anywhere: Vec::new(),
            notices: Vec::new(),
            tracks: Vec::new(),
        };
        for item in parts(pair) {
            let item_span = span_of(&item);
            match item.as_rule() {
                Rule::ident => proc.name = name(&item),
                Rule::string => proc.title = text(&item),
                Rule::version_decl => proc.versions.push(self.valued(item, text)),
                Rule::source_decl => proc.sources.push(self.valued(item, text)),
                Rule::effective_decl => {
                    let ps: Vec<_> = parts(item).collect();
                    let cite = self.take_cite(&ps);
                    if let Some(d) = ps.iter().find(|p| p.as_rule() == Rule::date) {
                        proc.effective.push(Valued {
                            value: self.date(d),
                            cite,
                            span: item_span,
                        });
                    }
                }
                Rule::calendar_use => proc.calendar_uses.push(self.valued(item, name)),
                Rule::anywhere_decl => proc.anywhere.push(self.anywhere(item)),
                Rule::track_decl => proc.tracks.push(self.track(item)),
                Rule::start_decl => proc.starts.push(self.valued(item, name)),
                Rule::calendar_decl => proc.calendars.push(self.calendar(item)),
                Rule::paragraphs_decl => proc.paragraphs.push(ParagraphsDecl {
                    labels: parts(item).map(|p| text(&p)).collect(),
                    span: item_span,
                }),
                Rule::notice_decl => {
                    let ps: Vec<_> = parts(item).collect();
                    let mut names = ps.iter().filter(|p| p.as_rule() == Rule::ident).map(name);
                    proc.notices.push(NoticeDecl {
                        name: names.next().unwrap_or_else(empty_span_name),
                        to: names.next().unwrap_or_else(empty_span_name),
                        title: first_text(&ps),
                        includes: ps
                            .iter()
                            .filter(|p| p.as_rule() == Rule::notice_includes)
                            .flat_map(|p| parts(p.clone()).map(|n| name(&n)))
                            .collect(),
                        cite: self.take_cite(&ps),
                        span: item_span,
                    });
                }
                Rule::limit_decl => {
                    let ps: Vec<_> = parts(item).collect();
                    let cite = self.take_cite(&ps);
                    let mut duration = None;
                    let mut anchor = Anchor::Entry(item_span);
                    let mut beginning = false;
                    let mut until = None;
                    for p in ps {
                        match p.as_rule() {
                            Rule::until_date => until = self.until(p),
                            Rule::duration => duration = Some(self.duration(p)),
                            Rule::anchor => anchor = self.anchor(p),
                            Rule::kw_beginning_with => beginning = true,
                            _ => {}
                        }
                    }
                    if until.is_some() && duration.is_none() {
                        duration = Some(Duration::Literal {
                            amount: 0,
                            unit: Unit::Days,
                            span: item_span,
                        });
                    }
                    if let Some(duration) = duration {
                        proc.limits.push(LimitDecl {
                            duration,
                            anchor,
                            beginning,
                            until,
                            cite,
                            span: item_span,
                        });
                    }
                }
                Rule::role_decl => proc.roles.push(self.role(item)),
                Rule::fact_decl => proc.facts.push(self.fact(item)),
                Rule::setting_decl => proc.settings.push(self.setting(item)),
                Rule::body_decl => proc.bodies.push(self.body(item)),
                Rule::route_decl | Rule::refer_decl => proc.routes.push(self.route(item)),
                Rule::step_decl => proc.steps.push(self.step(item)),
                Rule::outcome_decl => proc.outcomes.push(self.outcome(item)),
                Rule::note_decl => proc.notes.push(self.note(item)),
                _ => {}
            }
        }
        proc
    }

    /// A header item of one value and an optional citation.
    fn valued<T>(&self, pair: Pair<'_, Rule>, value: fn(&Pair<'_, Rule>) -> T) -> Valued<T>
    where
        T: Default,
    {
        let span = span_of(&pair);
        let ps: Vec<_> = parts(pair).collect();
        Valued {
            value: ps
                .iter()
                .find(|p| p.as_rule() != Rule::cite)
                .map(value)
                .unwrap_or_default(),
            cite: self.take_cite(&ps),
            span,
        }
    }

    fn calendar(&self, pair: Pair<'_, Rule>) -> CalendarDecl {
        let span = span_of(&pair);
        let mut names = Vec::new();
        let mut weekends = Vec::new();
        let mut closed = Vec::new();
        for p in parts(pair) {
            let item_span = span_of(&p);
            match p.as_rule() {
                Rule::calendar_name => names.push(name(&p)),
                Rule::weekend_decl => weekends.push(WeekendDecl {
                    days: parts(p).map(|d| name(&d)).collect(),
                    span: item_span,
                }),
                Rule::closed_decl => {
                    let ps: Vec<_> = parts(p).collect();
                    let mut dates = ps.iter().filter(|x| x.as_rule() == Rule::date);
                    if let Some(d) = dates.next() {
                        closed.push(ClosedDecl {
                            date: self.date(d),
                            until: dates.next().map(|u| self.date(u)),
                            title: ps.iter().find(|x| x.as_rule() == Rule::string).map(text),
                            span: item_span,
                        });
                    }
                }
                _ => {}
            }
        }
        let mut names = names.into_iter();
        CalendarDecl {
            name: names.next().unwrap_or_else(empty_span_name),
            base: names.next().unwrap_or_else(empty_span_name),
            weekends,
            closed,
            span,
        }
    }

    fn role(&self, pair: Pair<'_, Rule>) -> RoleDecl {
        let span = span_of(&pair);
        let ps: Vec<_> = parts(pair).collect();
        RoleDecl {
            name: first_name(&ps),
            title: first_text(&ps),
            not_also: ps
                .iter()
                .filter(|p| p.as_rule() == Rule::role_not_also)
                .flat_map(|p| parts(p.clone()).map(|n| name(&n)))
                .collect(),
            panel: ps
                .iter()
                .find(|p| p.as_rule() == Rule::role_panel)
                .map(|p| self.panel(p.clone())),
            cite: self.take_cite(&ps),
            span,
        }
    }

    /// `, members 3, chair` on a role.
    fn panel(&self, pair: Pair<'_, Rule>) -> PanelDecl {
        // From `members` to the size: the words a count is wrong in.
        let whole = span_of(&pair);
        let child = |rule| pair.clone().into_inner().find(|p| p.as_rule() == rule);
        let span = Span::new(
            child(Rule::kw_members).map_or(whole.start, |m| m.as_span().start()),
            child(Rule::panel_size).map_or(whole.end, |s| span_of(&s).end),
        );
        let mut size = PanelSize::Exactly(0);
        let mut chair = None;
        for p in parts(pair) {
            match p.as_rule() {
                Rule::panel_size => {
                    let at_least = p
                        .clone()
                        .into_inner()
                        .any(|w| w.as_rule() == Rule::kw_at_least);
                    let numbers: Vec<i64> = parts(p).map(|n| self.amount(&n)).collect();
                    size = match (at_least, numbers.as_slice()) {
                        (true, [n, ..]) => PanelSize::AtLeast(*n),
                        (false, [low, high, ..]) => PanelSize::Between(*low, *high),
                        (_, [n, ..]) => PanelSize::Exactly(*n),
                        (_, []) => PanelSize::Exactly(0),
                    };
                }
                Rule::panel_chair => {
                    chair = Some(
                        p.clone()
                            .into_inner()
                            .find(|w| w.as_rule() == Rule::kw_chair)
                            .map_or_else(|| span_of(&p), |w| span_of(&w)),
                    )
                }
                _ => {}
            }
        }
        PanelDecl { size, chair, span }
    }

    fn fact(&self, pair: Pair<'_, Rule>) -> FactDecl {
        let span = span_of(&pair);
        let ps: Vec<_> = parts(pair).collect();
        FactDecl {
            name: first_name(&ps),
            ty: ps
                .iter()
                .find(|p| p.as_rule() == Rule::fact_type)
                .map(|p| self.fact_type(p.clone()))
                .unwrap_or(TypeExpr::Text(span)),
            title: first_text(&ps),
            fixed: ps
                .iter()
                .find(|p| p.as_rule() == Rule::fact_fixed)
                .map(|p| FixedDecl {
                    reason: parts(p.clone()).next().map(|t| text(&t)),
                    span: span_of(p),
                }),
            cite: self.take_cite(&ps),
            span,
        }
    }

    fn setting(&self, pair: Pair<'_, Rule>) -> SettingDecl {
        let span = span_of(&pair);
        let ps: Vec<_> = parts(pair).collect();
        let default = ps
            .iter()
            .find(|p| p.as_rule() == Rule::setting_value)
            .and_then(|p| p.clone().into_inner().next())
            .map_or(Expr::Text(Text::default()), |p| self.primary(p));
        SettingDecl {
            name: first_name(&ps),
            ty: ps
                .iter()
                .find(|p| p.as_rule() == Rule::fact_type)
                .map(|p| self.fact_type(p.clone()))
                .unwrap_or(TypeExpr::Text(span)),
            default,
            title: first_text(&ps),
            cite: self.take_cite(&ps),
            span,
        }
    }

    fn body(&self, pair: Pair<'_, Rule>) -> BodyDecl {
        let span = span_of(&pair);
        let ps: Vec<_> = parts(pair).collect();
        let mut idents = ps.iter().filter(|p| p.as_rule() == Rule::ident).map(name);
        BodyDecl {
            name: idents.next().unwrap_or_else(empty_span_name),
            kind: idents.next(),
            title: text_or_empty(&ps, span),
            cite: self.take_cite(&ps),
            span,
        }
    }

    fn route(&self, pair: Pair<'_, Rule>) -> RouteDecl {
        let span = span_of(&pair);
        let kind = if pair.as_rule() == Rule::refer_decl {
            RouteKind::Referral
        } else {
            RouteKind::Route
        };
        let ps: Vec<_> = parts(pair).collect();
        RouteDecl {
            kind,
            body: first_name(&ps),
            guard: ps
                .iter()
                .find(|p| p.as_rule() == Rule::guard)
                .map(|p| self.guard(p.clone())),
            due: ps.iter().find(|p| p.as_rule() == Rule::refer_due).map(|p| {
                match parts(p.clone()).find(|d| d.as_rule() == Rule::duration) {
                    Some(d) => ReferDue::Within(self.duration(d)),
                    None => ReferDue::Immediately(span_of(p)),
                }
            }),
            window: ps
                .iter()
                .find(|p| p.as_rule() == Rule::route_window)
                .and_then(|p| {
                    let inner: Vec<_> = p.clone().into_inner().collect();
                    let d = inner.iter().find(|q| q.as_rule() == Rule::duration)?;
                    let a = inner.iter().find(|q| q.as_rule() == Rule::anchor)?;
                    Some((self.duration(d.clone()), self.anchor(a.clone())))
                }),
            cite: self.take_cite(&ps),
            span,
        }
    }

    fn outcome(&self, pair: Pair<'_, Rule>) -> OutcomeDecl {
        let span = span_of(&pair);
        let all: Vec<_> = pair.clone().into_inner().collect();
        let ps: Vec<_> = parts(pair).collect();
        OutcomeDecl {
            name: first_name(&ps),
            is_final: all.iter().any(|p| p.as_rule() == Rule::kw_final),
            text: first_text(&ps),
            cite: self.take_cite(&ps),
            span,
            block: ps
                .iter()
                .find(|p| p.as_rule() == Rule::outcome_block)
                .map(|b| self.outcome_block(b.clone())),
        }
    }

    fn outcome_block(&self, pair: Pair<'_, Rule>) -> OutcomeBlock {
        let mut block = OutcomeBlock {
            span: span_of(&pair),
            ..OutcomeBlock::default()
        };
        for item in parts(pair) {
            match item.as_rule() {
                Rule::route_decl => block.routes.push(self.route(item)),
                Rule::note_decl => block.notes.push(self.note(item)),
                _ => {}
            }
        }
        block
    }

    fn note(&self, pair: Pair<'_, Rule>) -> NoteDecl {
        let span = span_of(&pair);
        let ps: Vec<_> = parts(pair).collect();
        NoteDecl {
            text: text_or_empty(&ps, span),
            cite: self.take_cite(&ps),
            span,
        }
    }

    fn step(&self, pair: Pair<'_, Rule>) -> StepDecl {
        let span = span_of(&pair);
        let mut step = StepDecl {
            name: empty_span_name(),
            title: None,
            cite: None,
            span,
            leads: Vec::new(),
            lead_different: Vec::new(),
            tasks: Vec::new(),
            deadlines: Vec::new(),
            pauses: Vec::new(),
            transitions: Vec::new(),
            escalations: Vec::new(),
            otherwise: Vec::new(),
            rejects: Vec::new(),
            refusals: Vec::new(),
            routes: Vec::new(),
            entry_moves: Vec::new(),
            otherwise_when: Vec::new(),
            missed_moves: Vec::new(),
            notes: Vec::new(),
        };
        for item in parts(pair) {
            match item.as_rule() {
                Rule::ident => step.name = name(&item),
                Rule::string => step.title = Some(text(&item)),
                Rule::cite => step.cite = Some(self.cite(item)),
                Rule::lead_decl => {
                    let lead = span_of(&item);
                    if let Some(d) = item
                        .clone()
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::lead_different)
                    {
                        step.lead_different.push(DifferentFrom {
                            lead,
                            step: parts(d.clone())
                                .next()
                                .map_or_else(empty_span_name, |p| name(&p)),
                            span: span_of(&d),
                        });
                    }
                    step.leads.push(self.valued(item, name))
                }
                Rule::otherwise_decl
                    if item
                        .clone()
                        .into_inner()
                        .any(|p| p.as_rule() == Rule::guard) =>
                {
                    step.otherwise_when.push(self.refusal(item))
                }
                Rule::otherwise_decl => step.otherwise.push(self.valued(item, name)),
                Rule::task_decl => step.tasks.push(self.task(item)),
                Rule::deadline_decl => step.deadlines.push(self.deadline(item)),
                Rule::pause_decl => step.pauses.push(self.pause(item)),
                Rule::transition => step.transitions.push(self.transition(item)),
                Rule::escalate_decl => step.escalations.push(self.escalate(item)),
                Rule::reject_decl => step.rejects.push(self.refusal(item)),
                Rule::refuse_decl => step.refusals.push(self.refusal(item)),
                Rule::entry_move_decl => step.entry_moves.push(self.refusal(item)),
                Rule::missed_move_decl => step.missed_moves.push(self.missed(item)),
                Rule::route_decl | Rule::refer_decl => step.routes.push(self.route(item)),
                Rule::note_decl => step.notes.push(self.note(item)),
                _ => {}
            }
        }
        step
    }

    fn task(&self, pair: Pair<'_, Rule>) -> TaskDecl {
        let span = span_of(&pair);
        let ps: Vec<_> = parts(pair).collect();
        let mut task = TaskDecl {
            name: first_name(&ps),
            title: first_text(&ps),
            by: None,
            guard: None,
            within: None,
            within_beginning: false,
            until: None,
            notices: Vec::new(),
            cite: self.take_cite(&ps),
            span,
        };
        for p in ps {
            match p.as_rule() {
                Rule::requires_notice => task.notices = parts(p).map(|n| name(&n)).collect(),
                Rule::guard => task.guard = Some(self.guard(p)),
                Rule::by_role => task.by = parts(p).next().map(|r| name(&r)),
                Rule::task_within => {
                    let mut duration = None;
                    let mut anchor = None;
                    for q in parts(p) {
                        match q.as_rule() {
                            Rule::until_date => task.until = self.until(q),
                            Rule::duration => duration = Some(self.duration(q)),
                            Rule::from_anchor => {
                                task.within_beginning = begins(&q);
                                anchor = anchor_of(q).map(|a| self.anchor(a));
                            }
                            _ => {}
                        }
                    }
                    task.within = duration.map(|d| (d, anchor));
                }
                _ => {}
            }
        }
        task
    }

    fn deadline(&self, pair: Pair<'_, Rule>) -> DeadlineDecl {
        let span = span_of(&pair);
        let ps: Vec<_> = parts(pair).collect();
        let mut deadline = DeadlineDecl {
            name: first_name(&ps),
            duration: Duration::Literal {
                amount: 0,
                unit: Unit::Days,
                span,
            },
            anchor: None,
            beginning: false,
            until: None,
            extension: None,
            extension_rules: Vec::new(),
            met_by: Vec::new(),
            guard: None,
            soft: ps.iter().any(|p| p.as_rule() == Rule::soft),
            cite: self.take_cite(&ps),
            span,
        };
        for p in ps {
            match p.as_rule() {
                Rule::duration => deadline.duration = self.duration(p),
                Rule::until_date => deadline.until = self.until(p),
                Rule::guard => deadline.guard = Some(self.guard(p)),
                Rule::from_anchor => {
                    deadline.beginning = begins(&p);
                    deadline.anchor = anchor_of(p).map(|a| self.anchor(a));
                }
                Rule::extension => {
                    for clause in parts(p.clone()) {
                        let names = || {
                            parts(clause.clone())
                                .find(|x| x.as_rule() == Rule::ident)
                                .map(|x| name(&x))
                        };
                        match clause.as_rule() {
                            Rule::ext_at_most => {
                                deadline.extension_rules.push(ExtensionRule::AtMost {
                                    times: parts(clause.clone())
                                        .find(|x| x.as_rule() == Rule::integer)
                                        .map_or(1, |x| self.amount(&x)),
                                    span: span_of(&clause),
                                })
                            }
                            Rule::ext_granted_by => {
                                if let Some(n) = names() {
                                    deadline.extension_rules.push(ExtensionRule::GrantedBy(n));
                                }
                            }
                            Rule::ext_with_notice => {
                                if let Some(n) = names() {
                                    deadline.extension_rules.push(ExtensionRule::WithNotice(n));
                                }
                            }
                            Rule::ext_before_expiry => deadline
                                .extension_rules
                                .push(ExtensionRule::BeforeExpiry(span_of(&clause))),
                            Rule::ext_after_expiry => deadline
                                .extension_rules
                                .push(ExtensionRule::AfterExpiry(span_of(&clause))),
                            Rule::ext_agreement_of => {
                                if let Some(n) = names() {
                                    deadline.extension_rules.push(ExtensionRule::AgreementOf(n));
                                }
                            }
                            _ => {}
                        }
                    }
                    if let Some(cap) = parts(p.clone())
                        .filter(|e| e.as_rule() == Rule::extend_to)
                        .flat_map(parts)
                        .find(|x| x.as_rule() == Rule::ext_soft_cap)
                    {
                        deadline
                            .extension_rules
                            .push(ExtensionRule::WithoutGoodReason(span_of(&cap)));
                    }
                    deadline.extension = parts(p).next().map(|e| match e.as_rule() {
                        Rule::extend_to => match parts(e.clone()).next() {
                            Some(d) => Extension::UpTo(self.duration(d)),
                            None => Extension::ByAgreement(span_of(&e)),
                        },
                        _ => Extension::ByAgreement(span_of(&e)),
                    })
                }
                Rule::met_by => deadline.met_by = parts(p).map(|e| name(&e)).collect(),
                _ => {}
            }
        }
        deadline
    }

    fn pause(&self, pair: Pair<'_, Rule>) -> PauseDecl {
        let span = span_of(&pair);
        let ps: Vec<_> = parts(pair).collect();
        PauseDecl {
            name: first_name(&ps),
            consent_of: ps
                .iter()
                .find(|p| p.as_rule() == Rule::pause_consent)
                .and_then(|p| parts(p.clone()).next())
                .map(|p| name(&p)),
            guard: ps
                .iter()
                .find(|p| p.as_rule() == Rule::guard)
                .map(|p| self.guard(p.clone())),
            cite: self.take_cite(&ps),
            span,
        }
    }

    fn transition(&self, pair: Pair<'_, Rule>) -> TransitionDecl {
        let span = span_of(&pair);
        let ps: Vec<_> = parts(pair).collect();
        let idents: Vec<Name> = ps
            .iter()
            .filter(|p| p.as_rule() == Rule::ident)
            .map(name)
            .collect();
        let mut transition = TransitionDecl {
            event: idents.first().cloned().unwrap_or_else(empty_span_name),
            params: Vec::new(),
            by: None,
            also_by: Vec::new(),
            guard: None,
            requires: Vec::new(),
            reopens: Vec::new(),
            starts: Vec::new(),
            notices: Vec::new(),
            target: idents.last().cloned().unwrap_or_else(empty_span_name),
            cite: self.take_cite(&ps),
            span,
        };
        for p in ps {
            match p.as_rule() {
                Rule::event_params => {
                    transition.params = p
                        .into_inner()
                        .filter(|q| q.as_rule() == Rule::param)
                        .map(|q| {
                            let qs: Vec<_> = parts(q).collect();
                            Param {
                                name: first_name(&qs),
                                ty: qs
                                    .iter()
                                    .find(|x| x.as_rule() == Rule::fact_type)
                                    .map(|x| self.fact_type(x.clone()))
                                    .unwrap_or(TypeExpr::Text(span)),
                            }
                        })
                        .collect()
                }
                Rule::by_role => transition.by = parts(p).next().map(|r| name(&r)),
                Rule::by_roles => {
                    let mut roles = parts(p)
                        .filter(|r| r.as_rule() == Rule::ident)
                        .map(|r| name(&r));
                    transition.by = roles.next();
                    transition.also_by = roles.collect();
                }
                Rule::guard => transition.guard = Some(self.guard(p)),
                Rule::requires => transition.requires = parts(p).map(|t| name(&t)).collect(),
                Rule::reopens => transition.reopens = parts(p).map(|t| name(&t)).collect(),
                Rule::starts => transition.starts = parts(p).map(|t| name(&t)).collect(),
                Rule::requires_notice => {
                    transition.notices = parts(p).map(|n| name(&n)).collect();
                }
                _ => {}
            }
        }
        transition
    }

    /// `track NAME "Title" { … }`: a step-like block of duties.
    fn track(&self, pair: Pair<'_, Rule>) -> TrackDecl {
        let span = span_of(&pair);
        let done_on = pair
            .clone()
            .into_inner()
            .filter(|p| p.as_rule() == Rule::track_done)
            .map(|p| {
                let qs: Vec<_> = parts(p.clone()).collect();
                TrackDone {
                    event: first_name(&qs),
                    cite: self.take_cite(&qs),
                    span: span_of(&p),
                }
            })
            .collect();
        TrackDecl {
            body: self.step(pair),
            done_on,
            span,
        }
    }

    fn escalate(&self, pair: Pair<'_, Rule>) -> EscalateDecl {
        let span = span_of(&pair);
        let ps: Vec<_> = parts(pair).collect();
        let mut idents = ps.iter().filter(|p| p.as_rule() == Rule::ident).map(name);
        let mut escalate = EscalateDecl {
            target: idents.next().unwrap_or_else(empty_span_name),
            event: idents.next().unwrap_or_else(empty_span_name),
            by: None,
            within: Duration::Literal {
                amount: 0,
                unit: Unit::Days,
                span,
            },
            anchor: Anchor::Entry(span),
            beginning: false,
            until: None,
            guard: None,
            cite: self.take_cite(&ps),
            span,
        };
        for p in ps {
            match p.as_rule() {
                Rule::by_role => escalate.by = parts(p).next().map(|r| name(&r)),
                Rule::duration => escalate.within = self.duration(p),
                Rule::anchor => escalate.anchor = self.anchor(p),
                Rule::kw_beginning_with => escalate.beginning = true,
                Rule::until_date => escalate.until = self.until(p),
                Rule::guard => escalate.guard = Some(self.guard(p)),
                _ => {}
            }
        }
        escalate
    }

    fn anywhere(&self, pair: Pair<'_, Rule>) -> AnywhereDecl {
        let span = span_of(&pair);
        let ps: Vec<_> = parts(pair).collect();
        let mut names = ps.iter().filter(|p| p.as_rule() == Rule::ident).map(name);
        AnywhereDecl {
            event: names.next().unwrap_or_else(empty_span_name),
            target: names.next().unwrap_or_else(empty_span_name),
            guard: ps
                .iter()
                .find(|p| p.as_rule() == Rule::guard)
                .map(|p| self.guard(p.clone())),
            reason: first_text(&ps),
            cite: self.take_cite(&ps),
            span,
        }
    }

    fn missed(&self, pair: Pair<'_, Rule>) -> MissedDecl {
        let span = span_of(&pair);
        let ps: Vec<_> = parts(pair).collect();
        let mut names = ps.iter().filter(|p| p.as_rule() == Rule::ident).map(name);
        MissedDecl {
            deadline: names.next().unwrap_or_else(empty_span_name),
            target: names.next().unwrap_or_else(empty_span_name),
            cite: self.take_cite(&ps),
            span,
        }
    }

    fn refusal(&self, pair: Pair<'_, Rule>) -> RefusalDecl {
        let span = span_of(&pair);
        let ps: Vec<_> = parts(pair).collect();
        RefusalDecl {
            guard: ps
                .iter()
                .find(|p| p.as_rule() == Rule::guard)
                .map(|p| self.guard(p.clone()))
                .unwrap_or(Expr::Bool { value: true, span }),
            reason: first_text(&ps),
            target: ps.iter().find(|p| p.as_rule() == Rule::ident).map(name),
            notice: ps
                .iter()
                .find(|p| p.as_rule() == Rule::owes_notice)
                .map(|p| self.owed_notice(p.clone())),
            cite: self.take_cite(&ps),
            span,
        }
    }

    /// `requires notice a, b within 5 working days` after a `reject`.
    fn owed_notice(&self, pair: Pair<'_, Rule>) -> OwedNoticeDecl {
        let span = span_of(&pair);
        let mut owed = OwedNoticeDecl {
            notices: Vec::new(),
            within: None,
            span,
        };
        for p in parts(pair) {
            match p.as_rule() {
                Rule::requires_notice => owed.notices = parts(p).map(|n| name(&n)).collect(),
                Rule::duration => owed.within = Some(self.duration(p)),
                _ => {}
            }
        }
        owed
    }
}

/// The first string among a construct's parts.
/// Whether a `from_anchor` is `beginning with …`.
fn begins(pair: &Pair<'_, Rule>) -> bool {
    pair.clone()
        .into_inner()
        .any(|p| p.as_rule() == Rule::kw_beginning_with)
}

/// The anchor of a `from_anchor`, past its keyword.
fn anchor_of(pair: Pair<'_, Rule>) -> Option<Pair<'_, Rule>> {
    pair.into_inner().find(|p| p.as_rule() == Rule::anchor)
}

fn first_text(pairs: &[Pair<'_, Rule>]) -> Option<Text> {
    pairs.iter().find(|p| p.as_rule() == Rule::string).map(text)
}

/// The first string, or an empty one at the construct's span when the
/// grammar made it optional.
fn text_or_empty(pairs: &[Pair<'_, Rule>], span: Span) -> Text {
    first_text(pairs).unwrap_or(Text {
        value: String::new(),
        span,
    })
}

fn first_name(pairs: &[Pair<'_, Rule>]) -> Name {
    pairs
        .iter()
        .find(|p| p.as_rule() == Rule::ident)
        .map(name)
        .unwrap_or_else(empty_span_name)
}

impl Default for Name {
    fn default() -> Name {
        empty_span_name()
    }
}
