//! The protocol loop: the handshake, the open documents, and one handler
//! per request or notification. Each handler reads a document's text and
//! asks the other modules; nothing here knows the language.

use std::collections::HashMap;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CompletionItem,
    CompletionItemKind, CompletionParams, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DocumentFormattingParams, DocumentSymbolParams,
    DocumentSymbolResponse, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents,
    HoverParams, Location, MarkupContent, MarkupKind, PublishDiagnosticsParams, ReferenceParams,
    TextEdit, Uri, WorkspaceEdit,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::complete::{complete, Sort};
use super::diagnostics;
use super::hover::hover;
use super::index::Index;
use super::outline::outline;
use super::position::Lines;
use super::LspError;

/// An open document.
struct Document {
    uri: Uri,
    version: i32,
    text: String,
    /// The names of the last version that parsed: completion still wants
    /// them while the current text is half-typed.
    index: Option<Index>,
    /// Whether `index` is of the current text, so its spans can be trusted.
    fresh: bool,
}

#[derive(Default)]
struct Server {
    documents: HashMap<String, Document>,
}

/// The capabilities `initialize` answers with.
fn capabilities() -> Value {
    json!({
        "textDocumentSync": 1,
        "hoverProvider": true,
        "definitionProvider": true,
        "referencesProvider": true,
        "completionProvider": { "triggerCharacters": [" ", ">", "{", ",", "("] },
        "documentSymbolProvider": true,
        "documentFormattingProvider": true,
        "codeActionProvider": { "codeActionKinds": ["quickfix"] },
    })
}

/// Serves one editor on `connection` until it says `exit`. The result is
/// `Ok(true)` when the editor asked to shut down first, as the protocol
/// says it must (the exit code tells the editor whether it did).
pub(crate) fn serve(connection: &Connection) -> Result<bool, LspError> {
    let (id, _params) = connection.initialize_start()?;
    connection.initialize_finish(
        id,
        json!({
            "capabilities": capabilities(),
            "serverInfo": { "name": "redress", "version": env!("CARGO_PKG_VERSION") },
        }),
    )?;
    let mut server = Server::default();
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(true);
                }
                let response = server.request(request);
                send(connection, response.into())?;
            }
            Message::Notification(notification) => {
                if notification.method == "exit" {
                    return Ok(false);
                }
                for out in server.notification(notification) {
                    send(connection, out.into())?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(false)
}

fn send(connection: &Connection, message: Message) -> Result<(), LspError> {
    connection
        .sender
        .send(message)
        .map_err(|_| LspError::Disconnected)
}

fn params<P: DeserializeOwned>(value: Value) -> Result<P, String> {
    serde_json::from_value(value).map_err(|e| e.to_string())
}

impl Server {
    fn request(&mut self, request: Request) -> Response {
        let id: RequestId = request.id.clone();
        let result: Result<Value, String> = match request.method.as_str() {
            "textDocument/hover" => params(request.params).map(|p| to_value(self.hover(p))),
            "textDocument/definition" => {
                params(request.params).map(|p| to_value(self.definition(p)))
            }
            "textDocument/references" => {
                params(request.params).map(|p| to_value(self.references(p)))
            }
            "textDocument/completion" => {
                params(request.params).map(|p| to_value(self.completion(p)))
            }
            "textDocument/documentSymbol" => {
                params(request.params).map(|p| to_value(self.symbols(p)))
            }
            "textDocument/formatting" => {
                params(request.params).map(|p| to_value(self.formatting(p)))
            }
            "textDocument/codeAction" => {
                params(request.params).map(|p| to_value(self.code_actions(p)))
            }
            method => {
                return Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("redress does not answer `{method}`"),
                )
            }
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err(message) => Response::new_err(id, ErrorCode::InvalidParams as i32, message),
        }
    }

    fn notification(&mut self, notification: Notification) -> Vec<Notification> {
        let uri = match notification.method.as_str() {
            "textDocument/didOpen" => {
                let Ok(p) = params::<DidOpenTextDocumentParams>(notification.params) else {
                    return Vec::new();
                };
                let doc = p.text_document;
                self.open(doc.uri, doc.version, doc.text)
            }
            "textDocument/didChange" => {
                let Ok(p) = params::<DidChangeTextDocumentParams>(notification.params) else {
                    return Vec::new();
                };
                // Full synchronisation: the last change is the whole text.
                let Some(change) = p.content_changes.into_iter().last() else {
                    return Vec::new();
                };
                self.open(p.text_document.uri, p.text_document.version, change.text)
            }
            "textDocument/didClose" => {
                let Ok(p) = params::<DidCloseTextDocumentParams>(notification.params) else {
                    return Vec::new();
                };
                self.documents.remove(p.text_document.uri.as_str());
                // Diagnostics of a closed file would otherwise stay listed.
                return vec![publish(PublishDiagnosticsParams::new(
                    p.text_document.uri,
                    Vec::new(),
                    None,
                ))];
            }
            _ => return Vec::new(),
        };
        self.documents
            .get(&uri)
            .map(|doc| vec![publish(diagnose(doc))])
            .unwrap_or_default()
    }

    /// Stores a document's new text and its names; returns its key.
    fn open(&mut self, uri: Uri, version: i32, text: String) -> String {
        let key = uri.as_str().to_string();
        let parsed = Index::parse(&text);
        let fresh = parsed.is_some();
        let previous = self.documents.remove(&key).and_then(|d| d.index);
        self.documents.insert(
            key.clone(),
            Document {
                uri,
                version,
                text,
                index: parsed.or(previous),
                fresh,
            },
        );
        key
    }

    fn document(&self, uri: &Uri) -> Option<&Document> {
        self.documents.get(uri.as_str())
    }

    /// The document and its names when they are of its current text.
    fn current(&self, uri: &Uri) -> Option<(&Document, &Index)> {
        let doc = self.document(uri)?;
        let index = doc.index.as_ref().filter(|_| doc.fresh)?;
        Some((doc, index))
    }

    fn hover(&self, p: HoverParams) -> Option<Hover> {
        let at = p.text_document_position_params;
        let (doc, index) = self.current(&at.text_document.uri)?;
        let lines = Lines::new(&doc.text);
        let (text, span) = hover(index, &doc.text, lines.offset(at.position))?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: Some(lines.range(span)),
        })
    }

    fn definition(&self, p: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
        let at = p.text_document_position_params;
        let (doc, index) = self.current(&at.text_document.uri)?;
        let lines = Lines::new(&doc.text);
        let occurrence = *index.at(lines.offset(at.position)).first()?;
        let locations: Vec<Location> = index
            .declarations(occurrence)
            .map(|o| Location::new(doc.uri.clone(), lines.range(o.span)))
            .collect();
        match locations.len() {
            0 => None,
            1 => locations
                .into_iter()
                .next()
                .map(GotoDefinitionResponse::Scalar),
            _ => Some(GotoDefinitionResponse::Array(locations)),
        }
    }

    fn references(&self, p: ReferenceParams) -> Option<Vec<Location>> {
        let at = p.text_document_position;
        let (doc, index) = self.current(&at.text_document.uri)?;
        let lines = Lines::new(&doc.text);
        let occurrence = *index.at(lines.offset(at.position)).first()?;
        Some(
            index
                .references(occurrence)
                .filter(|o| p.context.include_declaration || o.decl.is_none())
                .map(|o| Location::new(doc.uri.clone(), lines.range(o.span)))
                .collect(),
        )
    }

    fn completion(&self, p: CompletionParams) -> Option<Vec<CompletionItem>> {
        let at = p.text_document_position;
        let doc = self.document(&at.text_document.uri)?;
        let offset = Lines::new(&doc.text).offset(at.position);
        Some(
            complete(&doc.text, offset, doc.index.as_ref())
                .into_iter()
                .map(|c| CompletionItem {
                    kind: Some(match c.sort {
                        Sort::Keyword => CompletionItemKind::KEYWORD,
                        Sort::Unit => CompletionItemKind::UNIT,
                        Sort::Calendar => CompletionItemKind::MODULE,
                        Sort::Step => CompletionItemKind::FUNCTION,
                        Sort::Outcome => CompletionItemKind::ENUM_MEMBER,
                        Sort::Role => CompletionItemKind::CLASS,
                        Sort::Fact => CompletionItemKind::FIELD,
                        Sort::Value => CompletionItemKind::VALUE,
                        Sort::Body => CompletionItemKind::STRUCT,
                        Sort::Event => CompletionItemKind::EVENT,
                        Sort::Task => CompletionItemKind::METHOD,
                        Sort::Notice => CompletionItemKind::REFERENCE,
                    }),
                    label: c.label,
                    ..Default::default()
                })
                .collect(),
        )
    }

    fn symbols(&self, p: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
        let (doc, index) = self.current(&p.text_document.uri)?;
        Some(DocumentSymbolResponse::Nested(outline(
            &index.procedure,
            &Lines::new(&doc.text),
        )))
    }

    /// The `fmt` layout as one edit of the whole text; nothing when the
    /// text does not parse (formatting would lose what it cannot read).
    fn formatting(&self, p: DocumentFormattingParams) -> Option<Vec<TextEdit>> {
        let doc = self.document(&p.text_document.uri)?;
        let formatted = crate::format::format_source(&doc.text)?;
        if formatted == doc.text {
            return Some(Vec::new());
        }
        let lines = Lines::new(&doc.text);
        let whole = crate::syntax::ast::Span::new(0, doc.text.len());
        Some(vec![TextEdit::new(lines.range(whole), formatted)])
    }

    /// A quick fix for every "did you mean" among the diagnostics in the
    /// range asked about.
    fn code_actions(&self, p: CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
        let doc = self.document(&p.text_document.uri)?;
        let lines = Lines::new(&doc.text);
        let from = lines.offset(p.range.start);
        let to = lines.offset(p.range.end);
        let mut actions = Vec::new();
        for d in diagnostics::check(doc.uri.as_str(), &doc.text) {
            let Some(fix) = diagnostics::fix(&doc.text, &d) else {
                continue;
            };
            if fix.span.end < from || fix.span.start > to {
                continue;
            }
            let span = crate::syntax::ast::Span::new(fix.span.start, fix.span.end);
            let edit = TextEdit::new(lines.range(span), fix.replacement.clone());
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!(
                    "Replace `{}` with `{}`",
                    doc.text.get(fix.span.clone()).unwrap_or_default(),
                    fix.replacement
                ),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostics::to_lsp(&doc.uri, &lines, &d)]),
                edit: Some(WorkspaceEdit::new(HashMap::from([(
                    doc.uri.clone(),
                    vec![edit],
                )]))),
                is_preferred: Some(true),
                ..Default::default()
            }));
        }
        Some(actions)
    }
}

fn diagnose(doc: &Document) -> PublishDiagnosticsParams {
    let lines = Lines::new(&doc.text);
    let found = diagnostics::check(doc.uri.as_str(), &doc.text)
        .iter()
        .map(|d| diagnostics::to_lsp(&doc.uri, &lines, d))
        .collect();
    PublishDiagnosticsParams::new(doc.uri.clone(), found, Some(doc.version))
}

fn publish(params: PublishDiagnosticsParams) -> Notification {
    Notification::new("textDocument/publishDiagnostics".to_string(), params)
}

/// A result as JSON; `None` is the protocol's `null`.
fn to_value<T: serde::Serialize>(result: T) -> Value {
    serde_json::to_value(result).unwrap_or(Value::Null)
}
