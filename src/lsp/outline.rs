//! The document's outline: the procedure, its declarations, and each
//! step with its tasks, deadlines and events.

use lsp_types::{DocumentSymbol, SymbolKind};

use crate::syntax::ast::{Name, ProcedureDecl, Span, Text};

use super::position::Lines;

pub(crate) fn outline(p: &ProcedureDecl, lines: &Lines<'_>) -> Vec<DocumentSymbol> {
    let mut children = Vec::new();
    for c in &p.calendars {
        children.push(symbol(
            lines,
            &c.name,
            None,
            SymbolKind::MODULE,
            c.span,
            Vec::new(),
        ));
    }
    for r in &p.roles {
        children.push(symbol(
            lines,
            &r.name,
            r.title.as_ref(),
            SymbolKind::CLASS,
            r.span,
            Vec::new(),
        ));
    }
    for f in &p.facts {
        children.push(symbol(
            lines,
            &f.name,
            f.title.as_ref(),
            SymbolKind::FIELD,
            f.span,
            Vec::new(),
        ));
    }
    for st in &p.settings {
        children.push(symbol(
            lines,
            &st.name,
            st.title.as_ref(),
            SymbolKind::CONSTANT,
            st.span,
            Vec::new(),
        ));
    }
    for b in &p.bodies {
        children.push(symbol(
            lines,
            &b.name,
            Some(&b.title),
            SymbolKind::OBJECT,
            b.span,
            Vec::new(),
        ));
    }
    for s in &p.steps {
        let mut items = Vec::new();
        for t in &s.tasks {
            items.push(symbol(
                lines,
                &t.name,
                t.title.as_ref(),
                SymbolKind::METHOD,
                t.span,
                Vec::new(),
            ));
        }
        for d in &s.deadlines {
            items.push(symbol(
                lines,
                &d.name,
                None,
                SymbolKind::CONSTANT,
                d.span,
                Vec::new(),
            ));
        }
        for t in &s.transitions {
            let arrow = Text {
                value: format!("-> {}", t.target.text),
                span: t.target.span,
            };
            items.push(symbol(
                lines,
                &t.event,
                Some(&arrow),
                SymbolKind::EVENT,
                t.span,
                Vec::new(),
            ));
        }
        for e in &s.escalations {
            let arrow = Text {
                value: format!("escalate to {}", e.target.text),
                span: e.target.span,
            };
            items.push(symbol(
                lines,
                &e.event,
                Some(&arrow),
                SymbolKind::EVENT,
                e.span,
                Vec::new(),
            ));
        }
        items.sort_by_key(|i| (i.range.start.line, i.range.start.character));
        children.push(symbol(
            lines,
            &s.name,
            s.title.as_ref(),
            SymbolKind::FUNCTION,
            s.span,
            items,
        ));
    }
    for o in &p.outcomes {
        children.push(symbol(
            lines,
            &o.name,
            o.text.as_ref(),
            SymbolKind::ENUM_MEMBER,
            o.span,
            Vec::new(),
        ));
    }
    children.sort_by_key(|i| (i.range.start.line, i.range.start.character));
    vec![symbol(
        lines,
        &p.name,
        Some(&p.title),
        SymbolKind::NAMESPACE,
        p.span,
        children,
    )]
}

fn symbol(
    lines: &Lines<'_>,
    name: &Name,
    detail: Option<&Text>,
    kind: SymbolKind,
    span: Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    // The range must contain the name even when a span were to start
    // after it; it never does, but an editor rejects the whole outline
    // if one range is wrong.
    let whole = Span::new(span.start.min(name.span.start), span.end.max(name.span.end));
    // `deprecated` must still be given in a struct literal; `tags` replaces it.
    #[allow(deprecated)]
    DocumentSymbol {
        name: name.text.clone(),
        detail: detail
            .filter(|t| !t.value.is_empty())
            .map(|t| t.value.clone()),
        kind,
        tags: None,
        deprecated: None,
        range: lines.range(whole),
        selection_range: lines.range(name.span),
        children: (!children.is_empty()).then_some(children),
    }
}
