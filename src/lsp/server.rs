//! The protocol loop, on one thread over an `lsp-server` connection: full text sync, a
//! re-check after [`DEBOUNCE`] of quiet or before any request (so answers are always
//! about the current text, as in Gleam's server), and conversions between byte spans
//! and protocol positions (UTF-16, or UTF-8 when the client offers it).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::ShowMessage;
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Exit, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, ExecuteCommand, Formatting, GotoDefinition, HoverRequest,
    PrepareRenameRequest, References, Rename, Request as _, SemanticTokensFullRequest, Shutdown,
};
use lsp_types::{self as types, Uri};

use super::analysis::{Analysis, Outline};
use super::completion::{CandidateKind, complete};
use super::hover::hover;
use super::index::SymbolKind;
use super::tokens::{self, Class};
use crate::diagnostics::{Applicability, Diagnostic, Severity, codes, explain};
use crate::span::{ColumnUnit, LineIndex, Span};

/// How long the text must stay unchanged before it is re-checked: typing does not start
/// a check per keystroke, and a request never waits for one to be due.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// The command of the "explain" code action: its one argument is a code (`"E0201"`); the
/// server shows that code's section of `spec/diagnostics.md`, as `seipc explain` prints it.
pub const EXPLAIN_COMMAND: &str = "seipc.explain";

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Runs the server until the client says `exit` or the connection closes.
pub fn run(connection: &Connection) -> Result<(), Error> {
    let (id, params) = connection.initialize_start()?;
    let params: types::InitializeParams = serde_json::from_value(params)?;
    let unit = negotiate_encoding(&params);
    let result = types::InitializeResult {
        capabilities: capabilities(unit),
        server_info: Some(types::ServerInfo {
            name: "seipc".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    };
    connection.initialize_finish(id, serde_json::to_value(result)?)?;
    Server {
        connection,
        unit,
        documents: BTreeMap::new(),
        dirty: BTreeSet::new(),
        shut_down: false,
    }
    .main_loop()
}

/// UTF-8 when the client offers it (no conversion), else the protocol's default UTF-16.
fn negotiate_encoding(params: &types::InitializeParams) -> ColumnUnit {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_ref());
    match offered {
        Some(encodings) if encodings.contains(&types::PositionEncodingKind::UTF8) => ColumnUnit::Utf8,
        _ => ColumnUnit::Utf16,
    }
}

fn capabilities(unit: ColumnUnit) -> types::ServerCapabilities {
    types::ServerCapabilities {
        position_encoding: Some(match unit {
            ColumnUnit::Utf8 => types::PositionEncodingKind::UTF8,
            ColumnUnit::Utf16 => types::PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(types::TextDocumentSyncCapability::Kind(
            types::TextDocumentSyncKind::FULL,
        )),
        hover_provider: Some(types::HoverProviderCapability::Simple(true)),
        definition_provider: Some(types::OneOf::Left(true)),
        references_provider: Some(types::OneOf::Left(true)),
        rename_provider: Some(types::OneOf::Right(types::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        completion_provider: Some(types::CompletionOptions {
            trigger_characters: Some(vec![" ".to_owned(), "{".to_owned(), ",".to_owned()]),
            ..Default::default()
        }),
        document_symbol_provider: Some(types::OneOf::Left(true)),
        code_action_provider: Some(types::CodeActionProviderCapability::Simple(true)),
        execute_command_provider: Some(types::ExecuteCommandOptions {
            commands: vec![EXPLAIN_COMMAND.to_owned()],
            work_done_progress_options: Default::default(),
        }),
        document_formatting_provider: Some(types::OneOf::Left(true)),
        semantic_tokens_provider: Some(types::SemanticTokensServerCapabilities::SemanticTokensOptions(
            types::SemanticTokensOptions {
                legend: types::SemanticTokensLegend {
                    token_types: Class::ALL
                        .iter()
                        .map(|c| types::SemanticTokenType::new(c.name()))
                        .collect(),
                    token_modifiers: tokens::MODIFIERS
                        .iter()
                        .map(|&m| types::SemanticTokenModifier::new(m))
                        .collect(),
                },
                full: Some(types::SemanticTokensFullOptions::Bool(true)),
                ..Default::default()
            },
        )),
        ..Default::default()
    }
}

struct Document {
    text: String,
    version: i32,
    /// `None` until the text is checked.
    analysis: Option<Analysis>,
}

struct Server<'c> {
    connection: &'c Connection,
    unit: ColumnUnit,
    documents: BTreeMap<String, (Uri, Document)>,
    /// Documents changed since their last check.
    dirty: BTreeSet<String>,
    /// After `shutdown`, only `exit` is expected.
    shut_down: bool,
}

impl Server<'_> {
    fn main_loop(mut self) -> Result<(), Error> {
        loop {
            let message = if self.dirty.is_empty() {
                match self.connection.receiver.recv() {
                    Ok(message) => message,
                    Err(_) => return Ok(()),
                }
            } else {
                match self.connection.receiver.recv_timeout(DEBOUNCE) {
                    Ok(message) => message,
                    Err(RecvTimeoutError::Timeout) => {
                        self.check_dirty()?;
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => return Ok(()),
                }
            };
            match message {
                // Not `Connection::handle_shutdown`, which fails on a second `shutdown`:
                // Neovim 0.7 sends one when the client stops and another when it quits.
                Message::Request(request) if request.method == Shutdown::METHOD => {
                    self.shut_down = true;
                    self.connection.sender.send(Response::new_ok(request.id, ()).into())?;
                }
                Message::Request(request) if self.shut_down => {
                    let response = Response::new_err(
                        request.id,
                        ErrorCode::InvalidRequest as i32,
                        "the server is shutting down".to_owned(),
                    );
                    self.connection.sender.send(response.into())?;
                }
                Message::Request(request) if request.method == ExecuteCommand::METHOD => {
                    let response = self.execute(request)?;
                    self.connection.sender.send(response.into())?;
                }
                Message::Request(request) => {
                    self.check_dirty()?;
                    let response = self.respond(request);
                    self.connection.sender.send(response.into())?;
                }
                Message::Notification(notification) if notification.method == Exit::METHOD => return Ok(()),
                Message::Notification(notification) => self.notified(notification)?,
                // The server sends no requests, so it expects no responses.
                Message::Response(_) => {}
            }
        }
    }

    fn notified(&mut self, notification: Notification) -> Result<(), Error> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let params: types::DidOpenTextDocumentParams = serde_json::from_value(notification.params)?;
                let document = params.text_document;
                self.set_text(document.uri, document.text, document.version);
            }
            DidChangeTextDocument::METHOD => {
                let params: types::DidChangeTextDocumentParams = serde_json::from_value(notification.params)?;
                // Full sync: the last change holds the whole text.
                if let Some(change) = params.content_changes.into_iter().last() {
                    self.set_text(params.text_document.uri, change.text, params.text_document.version);
                }
            }
            DidCloseTextDocument::METHOD => {
                let params: types::DidCloseTextDocumentParams = serde_json::from_value(notification.params)?;
                let key = params.text_document.uri.as_str().to_owned();
                self.dirty.remove(&key);
                if self.documents.remove(&key).is_some() {
                    // A closed file's diagnostics must not stay up.
                    self.publish(params.text_document.uri, Vec::new(), None)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn set_text(&mut self, uri: Uri, text: String, version: i32) {
        let key = uri.as_str().to_owned();
        self.dirty.insert(key.clone());
        self.documents.insert(
            key,
            (
                uri,
                Document {
                    text,
                    version,
                    analysis: None,
                },
            ),
        );
    }

    /// Checks every changed document and publishes its diagnostics, an empty list too.
    fn check_dirty(&mut self) -> Result<(), Error> {
        for key in std::mem::take(&mut self.dirty) {
            let Some((uri, document)) = self.documents.get_mut(&key) else {
                continue;
            };
            let analysis = Analysis::new(&document.text);
            let lines = LineIndex::new(&document.text);
            let diagnostics = analysis
                .compilation
                .diagnostics
                .iter()
                .map(|d| to_lsp_diagnostic(d, uri, &lines, self.unit))
                .collect();
            document.analysis = Some(analysis);
            let (uri, version) = (uri.clone(), document.version);
            self.publish(uri, diagnostics, Some(version))?;
        }
        Ok(())
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<types::Diagnostic>, version: Option<i32>) -> Result<(), Error> {
        let params = types::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let notification = Notification::new(PublishDiagnostics::METHOD.to_owned(), params);
        self.connection.sender.send(notification.into())?;
        Ok(())
    }

    /// `workspace/executeCommand` of [`EXPLAIN_COMMAND`]: shows the explanation as a
    /// message (what every client can display) and answers with its text.
    fn execute(&self, request: Request) -> Result<Response, Error> {
        let id = request.id.clone();
        let refuse = |message: String| Response::new_err(id.clone(), ErrorCode::InvalidParams as i32, message);
        let params: types::ExecuteCommandParams = match serde_json::from_value(request.params) {
            Ok(params) => params,
            Err(e) => return Ok(refuse(e.to_string())),
        };
        if params.command != EXPLAIN_COMMAND {
            return Ok(refuse(format!("`{}` is not a command of this server", params.command)));
        }
        let asked = params.arguments.first().and_then(|a| a.as_str()).unwrap_or_default();
        let Some(text) = codes::find(asked).and_then(explain::explanation) else {
            return Ok(refuse(format!("`{asked}` is not a diagnostic code")));
        };
        let shown = types::ShowMessageParams {
            typ: types::MessageType::INFO,
            message: text.to_owned(),
        };
        let notification = Notification::new(ShowMessage::METHOD.to_owned(), shown);
        self.connection.sender.send(notification.into())?;
        Ok(Response::new_ok(id, text))
    }

    fn respond(&self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            HoverRequest::METHOD => self.answer::<HoverRequest>(request, |view, p| {
                let at = view.offset(&p.text_document_position_params.position);
                Ok(hover(view.analysis, view.text, at).map(|(span, text)| types::Hover {
                    contents: types::HoverContents::Markup(types::MarkupContent {
                        kind: types::MarkupKind::Markdown,
                        value: text,
                    }),
                    range: Some(view.range(span)),
                }))
            }),
            GotoDefinition::METHOD => self.answer::<GotoDefinition>(request, |view, p| {
                let at = view.offset(&p.text_document_position_params.position);
                Ok(view
                    .analysis
                    .definition(at)
                    .map(|span| types::GotoDefinitionResponse::Scalar(view.location(span))))
            }),
            References::METHOD => self.answer::<References>(request, |view, p| {
                let at = view.offset(&p.text_document_position.position);
                let spans = view.analysis.references(at, p.context.include_declaration);
                Ok(Some(spans.into_iter().map(|span| view.location(span)).collect()))
            }),
            PrepareRenameRequest::METHOD => self.answer::<PrepareRenameRequest>(request, |view, p| {
                let at = view.offset(&p.position);
                let span = view.analysis.rename_target(at)?;
                Ok(Some(types::PrepareRenameResponse::Range(view.range(span))))
            }),
            Rename::METHOD => self.answer::<Rename>(request, |view, p| {
                let at = view.offset(&p.text_document_position.position);
                let edits = view.analysis.rename(at, &p.new_name)?;
                Ok(Some(view.edit(edits)))
            }),
            Completion::METHOD => self.answer::<Completion>(request, |view, p| {
                let at = view.offset(&p.text_document_position.position);
                let items = complete(view.analysis, view.text, at)
                    .into_iter()
                    .map(|candidate| types::CompletionItem {
                        kind: Some(completion_kind(candidate.kind)),
                        detail: candidate.detail,
                        label: candidate.label,
                        ..Default::default()
                    })
                    .collect();
                Ok(Some(types::CompletionResponse::Array(items)))
            }),
            DocumentSymbolRequest::METHOD => self.answer::<DocumentSymbolRequest>(request, |view, _| {
                let symbols = view.analysis.outline().iter().filter_map(|o| view.symbol(o)).collect();
                Ok(Some(types::DocumentSymbolResponse::Nested(symbols)))
            }),
            CodeActionRequest::METHOD => self.answer::<CodeActionRequest>(request, |view, p| {
                let start = view.offset(&p.range.start);
                let end = view.offset(&p.range.end);
                Ok(Some(view.code_actions(start, end)))
            }),
            // The formatter of `seipc fmt`; a file with syntax errors is left as it is.
            Formatting::METHOD => self.answer::<Formatting>(request, |view, _| {
                let Ok(formatted) = crate::format::format(view.text) else {
                    return Ok(None);
                };
                if formatted == view.text {
                    return Ok(Some(Vec::new()));
                }
                let whole = view.range(Span::new(0, view.text.len()));
                Ok(Some(vec![types::TextEdit::new(whole, formatted)]))
            }),
            SemanticTokensFullRequest::METHOD => self.answer::<SemanticTokensFullRequest>(request, |view, _| {
                Ok(Some(types::SemanticTokensResult::Tokens(view.semantic_tokens())))
            }),
            method => Err(Response::new_err(
                id.clone(),
                ErrorCode::MethodNotFound as i32,
                format!("`{method}` is not supported"),
            )),
        };
        result.unwrap_or_else(|error| error)
    }

    /// Decodes a request on a document, runs `answer` on its current analysis, and
    /// encodes the result; a refusal (`Err(text)`) becomes a request error.
    fn answer<R>(
        &self,
        request: Request,
        answer: impl FnOnce(&View, R::Params) -> Result<R::Result, String>,
    ) -> Result<Response, Response>
    where
        R: lsp_types::request::Request,
        R::Params: DocumentRequest,
    {
        let id = request.id.clone();
        let params: R::Params = serde_json::from_value(request.params)
            .map_err(|e| Response::new_err(id.clone(), ErrorCode::InvalidParams as i32, e.to_string()))?;
        let uri = params.document().clone();
        let Some((_, document)) = self.documents.get(uri.as_str()) else {
            return Err(unknown_document(id, &uri));
        };
        let Some(analysis) = &document.analysis else {
            return Err(unknown_document(id, &uri));
        };
        let view = View {
            uri: &uri,
            text: &document.text,
            lines: LineIndex::new(&document.text),
            unit: self.unit,
            analysis,
        };
        match answer(&view, params) {
            Ok(result) => Ok(Response::new_ok(id, result)),
            Err(message) => Err(Response::new_err(id, ErrorCode::RequestFailed as i32, message)),
        }
    }
}

fn unknown_document(id: RequestId, uri: &Uri) -> Response {
    Response::new_err(
        id,
        ErrorCode::InvalidParams as i32,
        format!("`{}` is not open", uri.as_str()),
    )
}

/// The parameters of a request about one document.
trait DocumentRequest {
    fn document(&self) -> &Uri;
}

macro_rules! document_request {
    ($($params:ty => |$p:ident| $uri:expr;)*) => {
        $(impl DocumentRequest for $params {
            fn document(&self) -> &Uri {
                let $p = self;
                $uri
            }
        })*
    };
}

document_request! {
    types::HoverParams => |p| &p.text_document_position_params.text_document.uri;
    types::GotoDefinitionParams => |p| &p.text_document_position_params.text_document.uri;
    types::ReferenceParams => |p| &p.text_document_position.text_document.uri;
    types::TextDocumentPositionParams => |p| &p.text_document.uri;
    types::RenameParams => |p| &p.text_document_position.text_document.uri;
    types::CompletionParams => |p| &p.text_document_position.text_document.uri;
    types::DocumentSymbolParams => |p| &p.text_document.uri;
    types::CodeActionParams => |p| &p.text_document.uri;
    types::DocumentFormattingParams => |p| &p.text_document.uri;
    types::SemanticTokensParams => |p| &p.text_document.uri;
}

/// One document as a request sees it, with the conversions of its positions.
struct View<'a> {
    uri: &'a Uri,
    text: &'a str,
    lines: LineIndex<'a>,
    unit: ColumnUnit,
    analysis: &'a Analysis,
}

impl View<'_> {
    fn offset(&self, position: &types::Position) -> usize {
        self.lines.offset(position.line, position.character, self.unit)
    }

    fn range(&self, span: Span) -> types::Range {
        range(&self.lines, span, self.unit)
    }

    fn location(&self, span: Span) -> types::Location {
        types::Location {
            uri: self.uri.clone(),
            range: self.range(span),
        }
    }

    fn edit(&self, edits: Vec<(Span, String)>) -> types::WorkspaceEdit {
        let edits = edits
            .into_iter()
            .map(|(span, new_text)| types::TextEdit {
                range: self.range(span),
                new_text,
            })
            .collect();
        types::WorkspaceEdit {
            changes: Some(HashMap::from([(self.uri.clone(), edits)])),
            ..Default::default()
        }
    }

    #[allow(deprecated, reason = "`deprecated` has no default and must be spelt out")]
    fn symbol(&self, outline: &Outline) -> Option<types::DocumentSymbol> {
        let symbol = outline.symbol;
        let name_span = symbol.definition?;
        let detail = match symbol.kind {
            SymbolKind::Step => self
                .analysis
                .index
                .lookup(SymbolKind::Step, symbol.protocol, &symbol.name)
                .and_then(|id| self.analysis.index.step_verbs.get(&id).cloned()),
            kind => Some(kind.describe().to_owned()),
        };
        let children: Vec<types::DocumentSymbol> = outline.children.iter().filter_map(|c| self.symbol(c)).collect();
        Some(types::DocumentSymbol {
            name: symbol.name.clone(),
            detail,
            kind: symbol_kind(symbol.kind),
            tags: None,
            deprecated: None,
            range: self.range(symbol.declaration.unwrap_or(name_span)),
            selection_range: self.range(name_span),
            children: (!children.is_empty()).then_some(children),
        })
    }

    /// The semantic tokens, each relative to the one before as the protocol wants (no
    /// token spans two lines: comments and strings end at the line's end).
    fn semantic_tokens(&self) -> types::SemanticTokens {
        let mut previous = types::Position::default();
        let data = tokens::tokens(self.analysis, self.text)
            .into_iter()
            .map(|token| {
                let types::Range { start, end } = self.range(token.span);
                let delta_line = start.line - previous.line;
                let delta_start = if delta_line == 0 {
                    start.character - previous.character
                } else {
                    start.character
                };
                previous = start;
                types::SemanticToken {
                    delta_line,
                    delta_start,
                    length: end.character.saturating_sub(start.character),
                    token_type: Class::ALL.iter().position(|&c| c == token.class).unwrap_or_default() as u32,
                    token_modifiers_bitset: token.modifiers,
                }
            })
            .collect();
        types::SemanticTokens { result_id: None, data }
    }

    /// The actions for the diagnostics that touch `start..end`: each of the compiler's
    /// suggestions as an edit, then an "explain" command for each of their codes.
    fn code_actions(&self, start: usize, end: usize) -> types::CodeActionResponse {
        let touching: Vec<&Diagnostic> = self
            .analysis
            .compilation
            .diagnostics
            .iter()
            .filter(|d| d.primary.span.start as usize <= end && start <= d.primary.span.end as usize)
            .collect();
        let fixes = touching.iter().flat_map(|diagnostic| {
            let only = diagnostic.suggestions.len() == 1;
            diagnostic.suggestions.iter().map(move |suggestion| {
                let written = self.text.get(suggestion.span.range()).unwrap_or_default();
                types::CodeActionOrCommand::CodeAction(types::CodeAction {
                    title: format!("replace `{written}` with `{}`", suggestion.replacement),
                    kind: Some(types::CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![to_lsp_diagnostic(diagnostic, self.uri, &self.lines, self.unit)]),
                    edit: Some(self.edit(vec![(suggestion.span, suggestion.replacement.clone())])),
                    // The one fix offered, or one that changes nothing but the mistake.
                    is_preferred: Some(only || suggestion.applicability == Applicability::MachineApplicable),
                    ..Default::default()
                })
            })
        });
        let mut explained = BTreeSet::new();
        let explanations = touching
            .iter()
            .filter(|diagnostic| explained.insert(diagnostic.code.id))
            .map(|diagnostic| {
                let code = diagnostic.code;
                let title = format!("explain `{}` ({})", code.id, code.slug);
                types::CodeActionOrCommand::CodeAction(types::CodeAction {
                    title: title.clone(),
                    diagnostics: Some(vec![to_lsp_diagnostic(diagnostic, self.uri, &self.lines, self.unit)]),
                    command: Some(types::Command {
                        title,
                        command: EXPLAIN_COMMAND.to_owned(),
                        arguments: Some(vec![serde_json::Value::from(code.id)]),
                    }),
                    ..Default::default()
                })
            })
            .collect::<Vec<_>>();
        fixes.chain(explanations).collect()
    }
}

fn range(lines: &LineIndex, span: Span, unit: ColumnUnit) -> types::Range {
    let position = |offset: u32| {
        let (line, character) = lines.position(offset as usize, unit);
        types::Position { line, character }
    };
    types::Range {
        start: position(span.start),
        end: position(span.end),
    }
}

/// The compiler's diagnostic as the protocol's: the primary label on the range, the
/// other labels as related information, the label, notes and help in the message.
pub fn to_lsp_diagnostic(diagnostic: &Diagnostic, uri: &Uri, lines: &LineIndex, unit: ColumnUnit) -> types::Diagnostic {
    let mut message = diagnostic.message.clone();
    if !diagnostic.primary.message.is_empty() {
        message.push_str(&format!("\n{}", diagnostic.primary.message));
    }
    for note in &diagnostic.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &diagnostic.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<types::DiagnosticRelatedInformation> = diagnostic
        .secondary
        .iter()
        .map(|label| types::DiagnosticRelatedInformation {
            location: types::Location {
                uri: uri.clone(),
                range: range(lines, label.span, unit),
            },
            message: label.message.clone(),
        })
        .collect();
    types::Diagnostic {
        range: range(lines, diagnostic.primary.span, unit),
        severity: Some(match diagnostic.severity() {
            Severity::Error => types::DiagnosticSeverity::ERROR,
            Severity::Warning => types::DiagnosticSeverity::WARNING,
        }),
        code: Some(types::NumberOrString::String(diagnostic.code.id.to_owned())),
        // No link: a checkout's `spec/diagnostics.md` is not where the binary is installed,
        // and the project publishes no pages. The "explain" code action shows the text.
        code_description: None,
        source: Some("seipc".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

fn symbol_kind(kind: SymbolKind) -> types::SymbolKind {
    match kind {
        SymbolKind::Protocol => types::SymbolKind::MODULE,
        SymbolKind::Step => types::SymbolKind::FUNCTION,
        SymbolKind::Tool => types::SymbolKind::OBJECT,
        SymbolKind::Reagent => types::SymbolKind::CONSTANT,
        SymbolKind::Substrate => types::SymbolKind::VARIABLE,
        SymbolKind::Operation => types::SymbolKind::INTERFACE,
        SymbolKind::ToolKind => types::SymbolKind::CLASS,
        SymbolKind::Environment => types::SymbolKind::NAMESPACE,
        SymbolKind::Material => types::SymbolKind::CONSTANT,
    }
}

fn completion_kind(kind: CandidateKind) -> types::CompletionItemKind {
    match kind {
        CandidateKind::Name(SymbolKind::Operation) => types::CompletionItemKind::FUNCTION,
        CandidateKind::Name(SymbolKind::Step) => types::CompletionItemKind::REFERENCE,
        CandidateKind::Name(SymbolKind::Material | SymbolKind::Reagent) => types::CompletionItemKind::CONSTANT,
        CandidateKind::Name(SymbolKind::ToolKind) => types::CompletionItemKind::CLASS,
        CandidateKind::Name(_) => types::CompletionItemKind::VARIABLE,
        CandidateKind::Unit => types::CompletionItemKind::UNIT,
        CandidateKind::Parameter => types::CompletionItemKind::PROPERTY,
        CandidateKind::Keyword => types::CompletionItemKind::KEYWORD,
        CandidateKind::Metric => types::CompletionItemKind::ENUM_MEMBER,
    }
}
