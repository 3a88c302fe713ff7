//! The document of a file: items, their alignment, and the comments woven back in.

use std::borrow::Cow;

use pretty::{Arena, Doc as RawDoc, DocAllocator, DocBuilder};

use super::{INDENT, WIDTH};
use crate::span::Span;
use crate::syntax::ast::*;
use crate::syntax::token::Tok;

type Doc<'a> = DocBuilder<'a, Arena<'a>>;

#[derive(Clone, Copy)]
struct Comment {
    span: Span,
    /// Alone on its line; otherwise it ends the line of the code before it.
    own_line: bool,
}

/// Lays out a file that parsed without errors.
pub(super) fn render(source: &str, file: &File, comments: &[Span]) -> String {
    let arena = Arena::new();
    let comments = comments
        .iter()
        .map(|&span| {
            let line_start = source[..span.start as usize].rfind('\n').map_or(0, |i| i + 1);
            Comment {
                span,
                own_line: source[line_start..span.start as usize].trim().is_empty(),
            }
        })
        .collect();
    let mut printer = Printer {
        arena: &arena,
        source,
        comments,
        next: 0,
    };
    let entries: Vec<Entry> = file.items.iter().map(Entry::Item).collect();
    let (_, lines) = printer.block(&entries, source.len() as u32);
    let mut doc = arena.nil();
    for (i, line) in lines.into_iter().enumerate() {
        if i > 0 {
            doc = doc.append(arena.hardline());
            if line.blank_before {
                doc = doc.append(arena.hardline());
            }
        }
        doc = doc.append(line.doc);
    }
    let mut out = String::new();
    // Writing into a `String` cannot fail.
    let _ = doc.into_doc().render_fmt(WIDTH, &mut out);
    // The printer indents the empty lines of a blank-line group too.
    let mut text: String = out.lines().map(|line| line.trim_end().to_owned() + "\n").collect();
    if text.trim().is_empty() {
        text.clear();
    }
    text
}

/// Where an item starts and ends.
pub(super) fn item_span(item: &Item) -> Span {
    match item {
        Item::Protocol(p) => p.span,
        Item::Tool(t) => t.span,
        Item::Reagent(r) => r.span,
        Item::Environment(e) => e.span,
        Item::Operation(d) | Item::ToolKind(d) | Item::Material(d) | Item::Reaction(d) => d.span,
        Item::Error(span) => *span,
    }
}

/// One entry of a block: a file's items, a protocol's, or a declaration's fields.
#[derive(Clone, Copy)]
enum Entry<'t, 'src> {
    Item(&'t Item<'src>),
    ProtocolItem(&'t ProtocolItem<'src>),
    Decl(&'t DeclEntry<'src>),
}

/// The columns that line up across a group of entries of one kind: the text before
/// each column, measured in characters.
#[derive(Clone, Copy, PartialEq)]
enum Columns {
    Step(usize),
    Tool(usize, usize),
    Substrate(usize),
    Reagent(usize),
}

impl Columns {
    fn widths(self) -> [usize; 2] {
        match self {
            Columns::Step(a) | Columns::Substrate(a) | Columns::Reagent(a) => [a, 0],
            Columns::Tool(a, b) => [a, b],
        }
    }

    fn same_kind(self, other: Columns) -> bool {
        std::mem::discriminant(&self) == std::mem::discriminant(&other)
    }
}

struct Line<'a> {
    blank_before: bool,
    doc: Doc<'a>,
}

struct Printer<'a> {
    arena: &'a Arena<'a>,
    source: &'a str,
    comments: Vec<Comment>,
    /// The first comment not printed yet.
    next: usize,
}

fn width(text: &str) -> usize {
    text.chars().count()
}

impl<'a> Printer<'a> {
    fn text(&self, text: impl Into<Cow<'a, str>>) -> Doc<'a> {
        self.arena.text(text)
    }

    fn space(&self) -> Doc<'a> {
        self.arena.space()
    }

    /// A number as written, without what may stand between its sign and its digits.
    fn number_text(&self, start: u32, end: u32) -> Cow<'a, str> {
        let written = &self.source[start as usize..end as usize];
        if written
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        {
            return Cow::Borrowed(written);
        }
        let mut text = String::new();
        for token in logos::Logos::lexer(written).flatten() {
            match token {
                Tok::Minus => text.push('-'),
                Tok::Number(digits) => text.push_str(digits),
                _ => {}
            }
        }
        Cow::Owned(text)
    }

    /// A unit as written, without spaces around its `/`.
    fn unit_text(&self, unit: &Name) -> Cow<'a, str> {
        let written = &self.source[unit.span.range()];
        if written == unit.text {
            Cow::Borrowed(written)
        } else {
            Cow::Owned(unit.text.to_string())
        }
    }

    fn peek(&self, before: u32) -> Option<Comment> {
        self.comments.get(self.next).copied().filter(|c| c.span.start < before)
    }

    fn comment_text(&self, comment: Comment) -> Doc<'a> {
        self.text(self.source[comment.span.range()].trim_end())
    }

    /// The comments that start before `before`, each after a line break (or, for the
    /// first, after a space when it ends the line of the code before it); `None` when
    /// there are none. The caller breaks the line after them.
    fn comments_before(&mut self, before: u32) -> Option<Doc<'a>> {
        let mut doc: Option<Doc<'a>> = None;
        while let Some(comment) = self.peek(before) {
            self.next += 1;
            // Only the first can follow code on its line: two comments never share one.
            let lead = if comment.own_line || doc.is_some() {
                self.arena.hardline()
            } else {
                self.space()
            };
            let piece = lead.append(self.comment_text(comment));
            doc = Some(match doc {
                Some(doc) => doc.append(piece),
                None => piece,
            });
        }
        doc
    }

    /// A token at byte `at`, after `separator`; the comments before it come first, and
    /// then the token starts a new line.
    fn token(&mut self, separator: Doc<'a>, at: u32, text: impl Into<Cow<'a, str>>) -> Doc<'a> {
        let text = self.text(text);
        match self.comments_before(at) {
            Some(comments) => comments.append(self.arena.hardline()).append(text),
            None => separator.append(text),
        }
    }

    /// A name as written: an identifier, or a string with its quotes.
    fn name_token(&mut self, separator: Doc<'a>, name: &Name) -> Doc<'a> {
        let text = &self.source[name.span.range()];
        self.token(separator, name.span.start, text)
    }

    /// Names joined by `joiner` (`DOL/DME`, `TMA, water`).
    fn names(&mut self, separator: Doc<'a>, names: &[Name], joiner: &'static str) -> Doc<'a> {
        let mut doc = self.arena.nil();
        for (i, name) in names.iter().enumerate() {
            if i == 0 {
                doc = doc.append(self.name_token(separator.clone(), name));
            } else {
                doc = doc.append(self.text(joiner.trim_end()));
                let gap = if joiner.ends_with(' ') {
                    self.space()
                } else {
                    self.arena.nil()
                };
                doc = doc.append(self.name_token(gap, name));
            }
        }
        doc
    }

    fn quantity(&mut self, separator: Doc<'a>, quantity: &Quantity) -> Doc<'a> {
        let number = self.number_text(quantity.span.start, quantity.unit.span.start);
        let unit = self.unit_text(&quantity.unit);
        let number = self.token(separator, quantity.span.start, number);
        let space = self.space();
        number.append(self.token(space, quantity.unit.span.start, unit))
    }

    fn value(&mut self, separator: Doc<'a>, value: &Value) -> Doc<'a> {
        match value {
            Value::Quantity(quantity) => self.quantity(separator, quantity),
            Value::Number(number) => {
                let text = self.number_text(number.span.start, number.span.end);
                self.token(separator, number.span.start, text)
            }
            Value::Name(name) => self.name_token(separator, name),
        }
    }

    /// ` { key: value, .. }` on one line when it fits, else one entry per line; nothing
    /// for no parameters. `close` is where the block's `}` stands.
    fn params(&mut self, params: &[Param], close: u32) -> Doc<'a> {
        if params.is_empty() {
            return self.arena.nil();
        }
        let mut inner = self.arena.nil();
        for (i, param) in params.iter().enumerate() {
            let separator = if i == 0 {
                self.arena.line()
            } else {
                self.arena.nil().flat_alt(self.text(",")).append(self.arena.line())
            };
            inner = inner
                .append(self.name_token(separator, &param.key))
                .append(self.text(":"));
            let space = self.space();
            inner = inner.append(self.value(space, &param.value));
        }
        let closing = self.comments_before(close);
        let end = if closing.is_some() {
            self.arena.hardline()
        } else {
            self.arena.line()
        };
        if let Some(closing) = closing {
            inner = inner.append(closing);
        }
        self.space().append(
            self.text("{")
                .append(inner.nest(INDENT))
                .append(end)
                .append(self.text("}"))
                .group(),
        )
    }

    /// Where a block's `}` stands, from the span of what ends with it.
    fn closing_brace(span: Span) -> u32 {
        span.end.saturating_sub(1)
    }

    /// The lines of a block's entries and comments up to `close`, and the comment that
    /// ends the opening line (after `{`).
    fn block(&mut self, entries: &[Entry], close: u32) -> (Option<Doc<'a>>, Vec<Line<'a>>) {
        let spans: Vec<Span> = entries.iter().map(|e| self.entry_span(*e)).collect();
        let first_boundary = spans.first().map_or(close, |s| s.start);
        let opener = match self.peek(first_boundary) {
            Some(comment) if !comment.own_line => {
                self.next += 1;
                Some(self.space().append(self.comment_text(comment)))
            }
            _ => None,
        };
        let pads = self.pads(entries, &spans);
        let mut lines: Vec<Line> = Vec::new();
        let mut previous_end: Option<u32> = None;
        for (i, entry) in entries.iter().enumerate() {
            let span = spans[i];
            self.own_line_comments(span.start, &mut previous_end, &mut lines);
            let blank_before = self.blank_line_between(previous_end, span.start);
            let mut doc = self.entry(*entry, pads[i]);
            let boundary = spans.get(i + 1).map_or(close, |s| s.start);
            let mut end = span.end;
            if let Some(comment) = self.peek(boundary).filter(|c| !c.own_line) {
                self.next += 1;
                // A comment ending a line does not count towards its width.
                let text = self.comment_text(comment).into_doc();
                let invisible = self.arena.alloc(RawDoc::RenderLen(0, text));
                doc = doc
                    .append(self.space())
                    .append(DocBuilder(self.arena, invisible.into()));
                end = end.max(comment.span.end);
            }
            lines.push(Line { blank_before, doc });
            previous_end = Some(end);
        }
        self.own_line_comments(close, &mut previous_end, &mut lines);
        (opener, lines)
    }

    fn own_line_comments(&mut self, before: u32, previous_end: &mut Option<u32>, lines: &mut Vec<Line<'a>>) {
        while let Some(comment) = self.peek(before) {
            self.next += 1;
            let blank_before = self.blank_line_between(*previous_end, comment.span.start);
            lines.push(Line {
                blank_before,
                doc: self.comment_text(comment),
            });
            *previous_end = Some(comment.span.end);
        }
    }

    /// Whether a blank line stands between `from` and `to`; never before a block's first
    /// line.
    fn blank_line_between(&self, from: Option<u32>, to: u32) -> bool {
        from.is_some_and(|from| {
            let gap = &self.source[from as usize..(to as usize).max(from as usize)];
            let lines: Vec<&str> = gap.split('\n').collect();
            lines.len() > 2 && lines[1..lines.len() - 1].iter().any(|line| line.trim().is_empty())
        })
    }

    /// `{` with the block's lines and `}`: always one entry per line.
    fn braced(&mut self, entries: &[Entry], close: u32) -> Doc<'a> {
        let (opener, lines) = self.block(entries, close);
        let mut doc = self.text("{");
        let has_opener = opener.is_some();
        if let Some(opener) = opener {
            doc = doc.append(opener);
        }
        if lines.is_empty() && !has_opener {
            return doc.append(self.text("}"));
        }
        let mut inner = self.arena.nil();
        for (i, line) in lines.into_iter().enumerate() {
            inner = inner.append(self.arena.hardline());
            if line.blank_before && i > 0 {
                inner = inner.append(self.arena.hardline());
            }
            inner = inner.append(line.doc);
        }
        doc.append(inner.nest(INDENT))
            .append(self.arena.hardline())
            .append(self.text("}"))
    }

    /// For each entry, the spaces that line its columns up with the other entries of its
    /// group: consecutive entries of one kind with no blank line between them.
    fn pads(&self, entries: &[Entry], spans: &[Span]) -> Vec<[usize; 2]> {
        let columns: Vec<Option<Columns>> = entries.iter().map(|e| self.columns(*e)).collect();
        let mut pads = vec![[0, 0]; entries.len()];
        let mut start = 0;
        while start < entries.len() {
            let mut end = start + 1;
            while let (Some(Some(a)), Some(Some(b))) = (columns.get(start), columns.get(end)) {
                if !a.same_kind(*b) || self.blank_line_between(Some(spans[end - 1].end), spans[end].start) {
                    break;
                }
                end += 1;
            }
            let widths: Vec<[usize; 2]> = columns[start..end]
                .iter()
                .map(|c| c.map_or([0, 0], |c| c.widths()))
                .collect();
            let most = [0, 1].map(|k| widths.iter().map(|w| w[k]).max().unwrap_or(0));
            for (offset, w) in widths.iter().enumerate() {
                pads[start + offset] = [most[0] - w[0], most[1] - w[1]];
            }
            start = end;
        }
        pads
    }

    fn columns(&self, entry: Entry) -> Option<Columns> {
        let name = |n: &Name| width(&self.source[n.span.range()]);
        let tool = |t: &ToolDecl| Columns::Tool(name(&t.name), name(&t.kind));
        match entry {
            Entry::Item(Item::Tool(t)) | Entry::ProtocolItem(ProtocolItem::Tool(t)) => Some(tool(t)),
            Entry::Item(Item::Reagent(r)) | Entry::ProtocolItem(ProtocolItem::Reagent(r)) => {
                Some(Columns::Reagent(name(&r.name)))
            }
            Entry::ProtocolItem(ProtocolItem::Step(s)) => Some(Columns::Step(name(&s.name))),
            Entry::ProtocolItem(ProtocolItem::Substrate(s)) => Some(Columns::Substrate(name(&s.name))),
            _ => None,
        }
    }

    fn entry_span(&self, entry: Entry) -> Span {
        match entry {
            Entry::Item(item) => item_span(item),
            Entry::ProtocolItem(item) => item.span(),
            Entry::Decl(DeclEntry::Field { key, values }) => key.span.to(values.last().map_or(key.span, Value::span)),
            Entry::Decl(DeclEntry::Param { span, .. }) => *span,
        }
    }

    fn entry(&mut self, entry: Entry, pads: [usize; 2]) -> Doc<'a> {
        match entry {
            Entry::Item(item) => match item {
                Item::Protocol(protocol) => self.protocol(protocol),
                Item::Tool(tool) => self.tool(tool, pads),
                Item::Reagent(reagent) => self.reagent(reagent, pads[0]),
                Item::Environment(environment) => self.environment(environment),
                Item::Operation(d) => self.declaration("operation", d),
                Item::ToolKind(d) => self.declaration("tool_kind", d),
                Item::Material(d) => self.declaration("material", d),
                Item::Reaction(d) => self.declaration("reaction", d),
                // A file with errors is refused before layout.
                Item::Error(span) => self.text(&self.source[span.range()]),
            },
            Entry::ProtocolItem(item) => match item {
                ProtocolItem::Substrate(substrate) => self.substrate(substrate, pads[0]),
                ProtocolItem::Batch(batch) => {
                    let keyword = self.token(self.arena.nil(), batch.span.start, "batch");
                    let count = self.number_text(batch.count.span.start, batch.count.span.end);
                    let space = self.space();
                    keyword.append(self.token(space, batch.count.span.start, count))
                }
                ProtocolItem::Tool(tool) => self.tool(tool, pads),
                ProtocolItem::Reagent(reagent) => self.reagent(reagent, pads[0]),
                ProtocolItem::Environment(environment) => self.environment(environment),
                ProtocolItem::Material(d) => self.declaration("material", d),
                ProtocolItem::Reaction(d) => self.declaration("reaction", d),
                ProtocolItem::Step(step) => self.step(step, pads[0]),
                ProtocolItem::Budget(budget) => self.budget(budget),
                ProtocolItem::Allow(allow) => self.allow(allow),
                ProtocolItem::Error(span) => self.text(&self.source[span.range()]),
            },
            Entry::Decl(DeclEntry::Field { key, values }) => {
                let mut doc = self.name_token(self.arena.nil(), key).append(self.text(":"));
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        doc = doc.append(self.text(","));
                    }
                    let space = self.space();
                    doc = doc.append(self.value(space, value));
                }
                doc.nest(INDENT)
            }
            Entry::Decl(DeclEntry::Param {
                name,
                unit,
                required,
                span,
            }) => {
                let keyword = self.token(self.arena.nil(), span.start, "param");
                let space = self.space();
                let mut doc = keyword.append(self.name_token(space, name)).append(self.text(":"));
                let unit_text = self.unit_text(unit);
                let space = self.space();
                doc = doc.append(self.token(space, unit.span.start, unit_text));
                if *required {
                    doc = doc.append(self.text(" required"));
                }
                doc.nest(INDENT)
            }
        }
    }

    /// `keyword NAME` and the padding after the name's `:` (or before a reagent's `=`).
    fn head(&mut self, keyword: &'static str, at: u32, name: &Name) -> Doc<'a> {
        let keyword = self.token(self.arena.nil(), at, keyword);
        let space = self.space();
        keyword.append(self.name_token(space, name))
    }

    fn gap(&self, pad: usize) -> Doc<'a> {
        self.text(" ".repeat(pad + 1))
    }

    fn protocol(&mut self, protocol: &Protocol) -> Doc<'a> {
        let head = self.head("protocol", protocol.span.start, &protocol.name);
        let entries: Vec<Entry> = protocol.items.iter().map(Entry::ProtocolItem).collect();
        let body = self.braced(&entries, Self::closing_brace(protocol.span));
        head.append(self.space()).append(body)
    }

    fn declaration(&mut self, keyword: &'static str, decl: &BlockDecl) -> Doc<'a> {
        let head = self.head(keyword, decl.span.start, &decl.name);
        let entries: Vec<Entry> = decl.entries.iter().map(Entry::Decl).collect();
        let body = self.braced(&entries, Self::closing_brace(decl.span));
        head.append(self.space()).append(body)
    }

    fn tool(&mut self, tool: &ToolDecl, pads: [usize; 2]) -> Doc<'a> {
        let mut doc = self.head("tool", tool.span.start, &tool.name).append(self.text(":"));
        let gap = self.gap(pads[0]);
        doc = doc.append(self.name_token(gap, &tool.kind));
        let gap = self.gap(pads[1]);
        doc = doc.append(gap).append(self.text("in"));
        let space = self.space();
        doc = doc.append(self.name_token(space, &tool.environment)).nest(INDENT);
        doc.append(self.params(&tool.params, Self::closing_brace(tool.span)))
    }

    fn substrate(&mut self, substrate: &SubstrateDecl, pad: usize) -> Doc<'a> {
        let mut doc = self
            .head("substrate", substrate.span.start, &substrate.name)
            .append(self.text(":"));
        let gap = self.gap(pad);
        doc = doc.append(self.name_token(gap, &substrate.material));
        if let Some(form) = &substrate.form {
            let space = self.space();
            doc = doc.append(self.name_token(space, form));
        }
        doc.nest(INDENT)
            .append(self.params(&substrate.params, Self::closing_brace(substrate.span)))
    }

    fn environment(&mut self, environment: &EnvironmentDecl) -> Doc<'a> {
        let head = self
            .head("environment", environment.span.start, &environment.name)
            .nest(INDENT);
        head.append(self.params(&environment.params, Self::closing_brace(environment.span)))
    }

    fn reagent(&mut self, reagent: &ReagentDecl, pad: usize) -> Doc<'a> {
        let mut doc = self.head("reagent", reagent.span.start, &reagent.name);
        doc = doc.append(self.gap(pad)).append(self.text("="));
        for (i, component) in reagent.components.iter().enumerate() {
            if i > 0 {
                doc = doc.append(self.text(" +"));
            }
            let space = self.space();
            doc = doc.append(self.name_token(space, &component.material));
            if let Some(amount) = &component.amount {
                let space = self.space();
                doc = doc.append(self.quantity(space, amount));
            }
        }
        if !reagent.solvents.is_empty() {
            doc = doc.append(self.text(" in"));
            let space = self.space();
            doc = doc.append(self.names(space, &reagent.solvents, "/"));
        }
        doc.nest(INDENT)
    }

    fn step(&mut self, step: &Step, pad: usize) -> Doc<'a> {
        let mut doc = self.head("step", step.span.start, &step.name).append(self.text(":"));
        let gap = self.gap(pad);
        doc = doc.append(self.name_token(gap, &step.verb));
        for operand in &step.operands {
            let space = self.space();
            doc = doc.append(match operand {
                Operand::Material(name) => self.name_token(space, name),
                Operand::Quantity(quantity) => self.quantity(space, quantity),
                Operand::In(names) => self.keyword_names("in", names, "/"),
                Operand::For(quantity) => self.keyword_quantity("for", quantity),
                Operand::At(quantity) => self.keyword_quantity("at", quantity),
                Operand::On(name) => self.keyword_names("on", std::slice::from_ref(name), ""),
                Operand::Onto(name) => self.keyword_names("onto", std::slice::from_ref(name), ""),
                Operand::Using(name) => self.keyword_names("using", std::slice::from_ref(name), ""),
                Operand::After(names) => self.keyword_names("after", names, ", "),
                Operand::From(names) => self.keyword_names("from", names, ", "),
            });
        }
        doc.nest(INDENT)
            .append(self.params(&step.params, Self::closing_brace(step.span)))
    }

    fn keyword_names(&mut self, keyword: &'static str, names: &[Name], joiner: &'static str) -> Doc<'a> {
        let space = self.space();
        self.space()
            .append(self.text(keyword))
            .append(self.names(space, names, joiner))
    }

    fn keyword_quantity(&mut self, keyword: &'static str, quantity: &Quantity) -> Doc<'a> {
        let space = self.space();
        self.space()
            .append(self.text(keyword))
            .append(self.quantity(space, quantity))
    }

    fn allow(&mut self, allow: &AllowDecl) -> Doc<'a> {
        let keyword = self.token(self.arena.nil(), allow.span.start, "allow");
        let space = self.space();
        let mut doc = keyword.append(self.name_token(space, &allow.code));
        if let Some(reason) = &allow.reason {
            let space = self.space();
            doc = doc.append(self.name_token(space, reason));
        }
        doc.nest(INDENT)
    }

    fn budget(&mut self, budget: &Budget) -> Doc<'a> {
        let keyword = self.token(self.arena.nil(), budget.span.start, "budget");
        let space = self.space();
        let mut doc = keyword.append(self.name_token(space, &budget.metric));
        doc = doc.append(self.text(" ")).append(self.text(budget.comparison.symbol()));
        let space = self.space();
        doc.append(self.quantity(space, &budget.limit)).nest(INDENT)
    }
}
