//! The syntax tree. Every node carries the byte span it was parsed from; nodes that the
//! parser could not read are `Error` variants, which later stages skip.

use crate::span::Span;

/// A name as written: an identifier, or a quoted string for names such as "PVDF-HFP".
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Protocol(Protocol),
    Tool(ToolDecl),
    Reagent(ReagentDecl),
    Environment(EnvironmentDecl),
    /// `operation name { .. }`: a lab's own operation.
    Operation(OperationDecl),
    /// `tool_kind name { .. }`: a lab's own kind of tool.
    ToolKind(OperationDecl),
    Error(Span),
}

/// The body of an `operation` or `tool_kind` declaration: fields and parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationDecl {
    pub name: Name,
    pub entries: Vec<DeclEntry>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DeclEntry {
    /// `tools: polisher, electrochem_cell`
    Field { key: Name, values: Vec<Name> },
    /// `param time: min required`: the unit gives the parameter's dimension.
    Param {
        name: Name,
        unit: Name,
        required: bool,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Protocol {
    pub name: Name,
    pub items: Vec<ProtocolItem>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProtocolItem {
    Substrate(SubstrateDecl),
    Batch(BatchDecl),
    Tool(ToolDecl),
    Reagent(ReagentDecl),
    Environment(EnvironmentDecl),
    Step(Step),
    Budget(Budget),
    Error(Span),
}

/// `substrate li: Li foil { thickness: 50 um, area: 2 cm2 }`
#[derive(Debug, Clone, PartialEq)]
pub struct SubstrateDecl {
    pub name: Name,
    pub material: Name,
    pub form: Option<Name>,
    pub params: Vec<Param>,
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
pub struct ToolDecl {
    pub name: Name,
    pub kind: Name,
    pub environment: Name,
    pub params: Vec<Param>,
    pub span: Span,
}

/// `environment dry_room { dew_point: -40 degC }`
#[derive(Debug, Clone, PartialEq)]
pub struct EnvironmentDecl {
    pub name: Name,
    pub params: Vec<Param>,
    pub span: Span,
}

/// `reagent bsl = SnF2 0.1 M + LiNO3 5 wt% in DOL/DME`
#[derive(Debug, Clone, PartialEq)]
pub struct ReagentDecl {
    pub name: Name,
    pub components: Vec<Component>,
    pub solvents: Vec<Name>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    pub material: Name,
    pub amount: Option<Quantity>,
}

/// `step coat: sputter MoS2 10 nm at 0.5 nm/min using pvd { power: 50 W }`
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub name: Name,
    pub verb: Name,
    pub operands: Vec<Operand>,
    pub params: Vec<Param>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A material or reagent named directly: `sputter MoS2`.
    Material(Name),
    /// A bare quantity: `10 nm`.
    Quantity(Quantity),
    /// `in bsl`, `in DOL/DME`: the liquid or medium the step happens in.
    In(Vec<Name>),
    /// `for 10 min`
    For(Quantity),
    /// `at 25 degC`
    At(Quantity),
    /// `on carrier`: the workpiece the step acts on.
    On(Name),
    /// `onto li`: the workpiece this one is joined onto.
    Onto(Name),
    /// `using pvd`
    Using(Name),
    /// `after a, b`
    After(Vec<Name>),
}

/// `budget coating <= 20 nm`
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    pub metric: Name,
    pub comparison: Comparison,
    pub limit: Quantity,
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
pub struct Param {
    pub key: Name,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Quantity(Quantity),
    Number(Number),
    Name(Name),
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Quantity(q) => q.span,
            Value::Number(n) => n.span,
            Value::Name(n) => n.span,
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
pub struct Quantity {
    pub value: f64,
    pub unit: Name,
    pub span: Span,
}
