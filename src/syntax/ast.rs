//! The syntax tree. Every node carries the byte span it was parsed from; nodes that the
//! parser could not read are `Error` variants, which later stages skip.

use std::borrow::Cow;

use crate::span::Span;

/// A name as written: an identifier, or a quoted string for names such as "PVDF-HFP".
/// The text borrows from the source (a file of 10^5 steps has a million names); only a
/// unit written with spaces around its `/` is rebuilt.
#[derive(Debug, Clone, PartialEq)]
pub struct Name<'src> {
    pub text: Cow<'src, str>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct File<'src> {
    pub items: Vec<Item<'src>>,
}

/// The declarations are boxed: a file is a long list of these, and an unboxed variant
/// would make every entry (and every value on the parser's stack) as large as a step.
#[derive(Debug, Clone, PartialEq)]
pub enum Item<'src> {
    Protocol(Box<Protocol<'src>>),
    Tool(Box<ToolDecl<'src>>),
    Reagent(Box<ReagentDecl<'src>>),
    Environment(Box<EnvironmentDecl<'src>>),
    /// `operation name { .. }`: a lab's own operation.
    Operation(Box<BlockDecl<'src>>),
    /// `tool_kind name { .. }`: a lab's own kind of tool.
    ToolKind(Box<BlockDecl<'src>>),
    /// `material name { .. }`: a material the built-in table lacks.
    Material(Box<BlockDecl<'src>>),
    /// `reaction "A + n Li -> B" { .. }`: how Li reacts with a reactant.
    Reaction(Box<BlockDecl<'src>>),
    Error(Span),
}

/// The body of an `operation`, `tool_kind`, `material` or `reaction` declaration: a name
/// (a reaction's is its equation) and `key: value` fields (and, for operations,
/// parameters).
#[derive(Debug, Clone, PartialEq)]
pub struct BlockDecl<'src> {
    pub name: Name<'src>,
    pub entries: Vec<DeclEntry<'src>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DeclEntry<'src> {
    /// `tools: polisher, electrochem_cell`, `density: 1.2 g/cm3`
    Field { key: Name<'src>, values: Vec<Value<'src>> },
    /// `param time: min required`: the unit gives the parameter's dimension.
    Param {
        name: Name<'src>,
        unit: Name<'src>,
        required: bool,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Protocol<'src> {
    pub name: Name<'src>,
    pub items: Vec<ProtocolItem<'src>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProtocolItem<'src> {
    Substrate(Box<SubstrateDecl<'src>>),
    Batch(BatchDecl),
    Tool(Box<ToolDecl<'src>>),
    Reagent(Box<ReagentDecl<'src>>),
    Environment(Box<EnvironmentDecl<'src>>),
    Material(Box<BlockDecl<'src>>),
    Reaction(Box<BlockDecl<'src>>),
    Step(Box<Step<'src>>),
    Budget(Box<Budget<'src>>),
    Allow(AllowDecl<'src>),
    Error(Span),
}

/// `substrate li: Li foil { thickness: 50 um, area: 2 cm2 }`
impl ProtocolItem<'_> {
    /// The text the item was parsed from.
    pub fn span(&self) -> Span {
        match self {
            ProtocolItem::Substrate(d) => d.span,
            ProtocolItem::Batch(d) => d.span,
            ProtocolItem::Tool(d) => d.span,
            ProtocolItem::Reagent(d) => d.span,
            ProtocolItem::Environment(d) => d.span,
            ProtocolItem::Material(d) | ProtocolItem::Reaction(d) => d.span,
            ProtocolItem::Step(d) => d.span,
            ProtocolItem::Budget(d) => d.span,
            ProtocolItem::Allow(d) => d.span,
            ProtocolItem::Error(span) => *span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SubstrateDecl<'src> {
    pub name: Name<'src>,
    pub material: Name<'src>,
    pub form: Option<Name<'src>>,
    pub params: Vec<Param<'src>>,
    pub span: Span,
}

/// `batch 12`
#[derive(Debug, Clone, PartialEq)]
pub struct BatchDecl {
    pub count: Number,
    pub span: Span,
}

/// `tool pvd: sputter in vacuum { capacity: 8, pump_down: 20 min }`
#[derive(Debug, Clone, PartialEq)]
pub struct ToolDecl<'src> {
    pub name: Name<'src>,
    pub kind: Name<'src>,
    pub environment: Name<'src>,
    pub params: Vec<Param<'src>>,
    pub span: Span,
}

/// `environment dry_room { dew_point: -40 degC }`
#[derive(Debug, Clone, PartialEq)]
pub struct EnvironmentDecl<'src> {
    pub name: Name<'src>,
    pub params: Vec<Param<'src>>,
    pub span: Span,
}

/// `reagent bsl = SnF2 0.1 M + LiNO3 5 wt% in DOL/DME`
#[derive(Debug, Clone, PartialEq)]
pub struct ReagentDecl<'src> {
    pub name: Name<'src>,
    pub components: Vec<Component<'src>>,
    pub solvents: Vec<Name<'src>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Component<'src> {
    pub material: Name<'src>,
    pub amount: Option<Quantity<'src>>,
}

/// `step coat: sputter MoS2 10 nm at 0.5 nm/min using pvd { power: 50 W }`
#[derive(Debug, Clone, PartialEq)]
pub struct Step<'src> {
    pub name: Name<'src>,
    pub verb: Name<'src>,
    pub operands: Vec<Operand<'src>>,
    pub params: Vec<Param<'src>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand<'src> {
    /// A material or reagent named directly: `sputter MoS2`.
    Material(Name<'src>),
    /// A bare quantity: `10 nm`.
    Quantity(Quantity<'src>),
    /// `in bsl`, `in DOL/DME`: the liquid or medium the step happens in.
    In(Vec<Name<'src>>),
    /// `for 10 min`
    For(Quantity<'src>),
    /// `at 25 degC`
    At(Quantity<'src>),
    /// `on carrier`: the workpiece the step acts on.
    On(Name<'src>),
    /// `onto li`: the workpiece this one is joined onto.
    Onto(Name<'src>),
    /// `using pvd`
    Using(Name<'src>),
    /// `after a, b`
    After(Vec<Name<'src>>),
    /// `from TMA, water`: the precursors a film grows from.
    From(Vec<Name<'src>>),
}

/// `budget coating <= 20 nm`
/// `allow W0501 "reason"`: a warning the protocol means to have.
#[derive(Debug, Clone, PartialEq)]
pub struct AllowDecl<'src> {
    /// The code as written (`W0501`).
    pub code: Name<'src>,
    /// The reason, without its quotes; its span covers them.
    pub reason: Option<Name<'src>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Budget<'src> {
    pub metric: Name<'src>,
    pub comparison: Comparison,
    pub limit: Quantity<'src>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    AtMost,
    AtLeast,
}

impl Comparison {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::AtMost => "<=",
            Comparison::AtLeast => ">=",
        }
    }
}

/// `key: value` in a `{ ... }` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Param<'src> {
    pub key: Name<'src>,
    pub value: Value<'src>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value<'src> {
    Quantity(Quantity<'src>),
    Number(Number),
    Name(Name<'src>),
}

impl<'src> Value<'src> {
    pub fn span(&self) -> Span {
        match self {
            Value::Quantity(q) => q.span,
            Value::Number(n) => n.span,
            Value::Name(n) => n.span,
        }
    }

    pub fn as_name(&self) -> Option<&Name<'src>> {
        match self {
            Value::Name(name) => Some(name),
            _ => None,
        }
    }
}

/// A number as written; the lexer has checked that it is finite.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    pub value: f64,
    pub span: Span,
}

/// A number with its unit: `10 nm`, `0.5 nm/min`, `-40 degC`.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity<'src> {
    pub value: f64,
    pub unit: Name<'src>,
    pub span: Span,
}
