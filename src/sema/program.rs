//! The checked program: what the later stages (plan, model, emit) work from. Names are
//! resolved to indices, quantities are SI values bound to named parameters, and every
//! element keeps its source span for the diagnostics of later stages.

use std::sync::Arc;

use serde::Serialize;

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator};

use super::library::HeatUp;
use super::units::{Dimension, WrittenUnit, display, si_unit};
use crate::span::Span;

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Program {
    /// Every tool of the file, those declared at file level first; protocols share
    /// file-level tools.
    pub tools: Vec<Tool>,
    pub protocols: Vec<Protocol>,
}

impl Program {
    pub fn step_count(&self) -> usize {
        self.protocols.iter().map(|p| p.steps.len()).sum()
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Tool {
    pub name: String,
    pub kind: String,
    /// Shared with the transfers of the step graphs.
    pub environment: Arc<str>,
    /// Samples a tool takes at once (one load).
    pub capacity: u32,
    /// Set-up before each load (pump-down), seconds.
    pub pump_down_s: f64,
    /// Venting after each load, seconds.
    pub vent_s: f64,
    /// Heating or cooling rate between set temperatures, K/s; `None` when instant.
    pub ramp_k_per_s: Option<f64>,
    /// Whether the ramp runs with the samples inside: the kind's, or the tool's own.
    pub heat_up: HeatUp,
    /// The protocol that declared it, or `None` for a file-level tool.
    pub protocol: Option<usize>,
    /// Where its environment is written (`in glovebox`), for an edit that moves it.
    #[serde(skip)]
    pub environment_span: Span,
    /// Declared in an environment its kind cannot stand in (already reported): the
    /// atmosphere checks do not judge its steps by that environment.
    #[serde(skip)]
    pub misplaced: bool,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Protocol {
    pub name: String,
    pub batch: u32,
    pub workpieces: Vec<Workpiece>,
    /// The file-level reagents its steps name (in the order declared), then its own.
    pub reagents: Vec<Reagent>,
    /// Written by `emit::json` with the names of what each step refers to.
    #[serde(skip)]
    pub steps: Vec<Step>,
    pub budgets: Vec<Budget>,
    /// The warnings it allows (`allow W0501 "reason"`), applied to the diagnostics.
    #[serde(skip)]
    pub allows: Vec<crate::diagnostics::allow::Allow>,
    #[serde(skip)]
    pub span: Span,
}

/// A substrate: a piece of foil that steps act on.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Workpiece {
    pub name: String,
    /// Key in the materials table.
    pub material: String,
    pub form: Option<String>,
    pub thickness_m: Option<f64>,
    pub area_m2: Option<f64>,
    #[serde(skip)]
    pub span: Span,
}

/// A named mixture: solutes with their amounts, in a solvent.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Reagent {
    pub name: String,
    pub components: Vec<Component>,
    /// Keys in the materials table.
    pub solvents: Vec<String>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Component {
    pub material: String,
    pub amount: Option<Value>,
}

/// What a step applies to the foil: a declared reagent, or a material named directly
/// (possibly a solvent mixture, `in DOL/DME`).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReagentUse {
    Reagent {
        index: usize,
        #[serde(skip)]
        span: Span,
    },
    Materials {
        materials: Vec<String>,
        #[serde(skip)]
        span: Span,
    },
}

impl ReagentUse {
    pub fn span(&self) -> Span {
        match self {
            ReagentUse::Reagent { span, .. } | ReagentUse::Materials { span, .. } => *span,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(into = "ValueJson")]
pub struct Value {
    /// The value in SI units (kelvin for temperatures).
    pub si: f64,
    pub dimension: Dimension,
    /// The unit the recipe wrote (`None` for a bare number), to show the value as written.
    pub unit: Option<WrittenUnit>,
    pub span: Span,
}

fn serialize_precursors<S: serde::Serializer>(precursors: &[(String, Span)], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(precursors.iter().map(|(key, _)| key))
}

impl Value {
    /// `0.5 MPa` where the recipe wrote `0.5 MPa`; in the usual unit of its dimension
    /// when no unit was written.
    pub fn as_written(&self) -> String {
        match self.unit {
            Some(unit) => unit.show(self.si),
            None if self.dimension == const { Dimension::called("yes or no") } => {
                (if self.si != 0.0 { "yes" } else { "no" }).to_owned()
            }
            None => display(self.si, self.dimension),
        }
    }
}

/// A value as JSON: SI with its unit, the dimension, and the recipe's own writing.
#[derive(Serialize, JsonSchema)]
pub struct ValueJson {
    /// The value in SI units (kelvin for temperatures).
    si: f64,
    /// The SI unit of `si`, as base units with exponents: `m-1 kg s-2`, `1` for a count.
    si_unit: String,
    dimension: String,
    /// The value as the recipe wrote it (`0.5 MPa`); for a bare number, in the usual unit.
    as_written: String,
}

impl From<Value> for ValueJson {
    fn from(value: Value) -> ValueJson {
        ValueJson {
            si: value.si,
            si_unit: si_unit(value.dimension),
            dimension: value.dimension.name(),
            as_written: value.as_written(),
        }
    }
}

impl JsonSchema for Value {
    fn schema_name() -> Cow<'static, str> {
        "Value".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        ValueJson::json_schema(generator)
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Step {
    /// Shared with the stacks predicted after the step.
    pub name: Arc<str>,
    /// Shared with the library's operation.
    pub verb: Arc<str>,
    /// The workpiece the step acts on; `None` for a preparation step (`dissolve`), which
    /// makes a reagent and touches no foil.
    pub workpiece: Option<usize>,
    /// The workpiece it is joined onto (`onto li`).
    pub onto: Option<usize>,
    pub tool: Option<usize>,
    pub reagent: Option<ReagentUse>,
    /// What the film grows from (`ald Al2O3 from TMA, water`): material keys with the
    /// span of each name, in the order written.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "serialize_precursors")]
    #[schemars(with = "Vec<String>", default)]
    pub precursors: Vec<(String, Span)>,
    /// Bound parameters by name, SI values.
    pub params: Params,
    /// Steps this one waits for (`after`), with the span of each name.
    #[serde(serialize_with = "serialize_after")]
    #[schemars(with = "Vec<usize>")]
    pub after: Vec<(usize, Span)>,
    /// Where the last parameter of its `{ }` ends, when it has one: where an edit adds one.
    #[serde(skip)]
    pub last_param_end: Option<usize>,
    #[serde(skip)]
    pub span: Span,
}

/// A step's bound parameters, sorted by name. A sorted vector rather than a map: a step
/// has a handful of parameters, and a file may have 10^5 steps, where a tree node per
/// step would be most of the program's memory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params(Vec<(Arc<str>, Value)>);

impl Params {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.position(name).ok().map(|index| &self.0[index].1)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_ok()
    }

    /// Sets a parameter (replacing an earlier value of the same name).
    pub fn insert(&mut self, name: Arc<str>, value: Value) {
        match self.position(&name) {
            Ok(index) => self.0[index].1 = value,
            Err(index) => self.0.insert(index, (name, value)),
        }
    }

    /// Gives back the room kept for more parameters: the program keeps every step's.
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }

    /// The parameters in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(name, value)| (&**name, value))
    }

    fn position(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(key, _)| (**key).cmp(name))
    }
}

impl JsonSchema for Params {
    fn schema_name() -> Cow<'static, str> {
        "Params".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        std::collections::BTreeMap::<String, Value>::json_schema(generator)
    }
}

impl Serialize for Params {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

fn serialize_after<S: serde::Serializer>(after: &[(usize, Span)], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(after.iter().map(|(step, _)| step))
}

/// Room temperature, the temperature of a step that states none (25 degC).
pub const ROOM_TEMPERATURE_K: f64 = 298.15;

impl Step {
    pub fn param(&self, name: &str) -> Option<f64> {
        self.params.get(name).map(|value| value.si)
    }

    pub fn temperature_k(&self) -> f64 {
        self.param("temperature").unwrap_or(ROOM_TEMPERATURE_K)
    }

    /// The span of the quantity that set a parameter, else the whole step.
    pub fn param_span(&self, name: &str) -> Span {
        self.params.get(name).map_or(self.span, |value| value.span)
    }

    /// The edit that adds `entry` (`molten_li: yes`) to the step's `{ }`, or gives it one.
    pub fn add_param(&self, entry: &str) -> (Span, String) {
        match self.last_param_end {
            Some(end) => (Span::new(end, end), format!(", {entry}")),
            None => {
                let end = self.span.end as usize;
                (Span::new(end, end), format!(" {{ {entry} }}"))
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BudgetMetric {
    /// Total thickness of the layers on the Li.
    Coating,
    /// Li consumed by reactions (as a thickness of dense Li).
    LiLoss,
    /// Li left (as a thickness).
    LiRemaining,
    /// Areal mass added.
    Mass,
    /// Time a sample spends in the protocol.
    Time,
}

impl BudgetMetric {
    pub const ALL: [(&'static str, BudgetMetric, &'static str); 5] = [
        ("coating", BudgetMetric::Coating, "length"),
        ("li_loss", BudgetMetric::LiLoss, "length"),
        ("li_remaining", BudgetMetric::LiRemaining, "length"),
        ("mass", BudgetMetric::Mass, "areal mass"),
        ("time", BudgetMetric::Time, "time"),
    ];

    pub fn name(self) -> &'static str {
        BudgetMetric::ALL
            .iter()
            .find(|(_, metric, _)| *metric == self)
            .map_or("", |(name, _, _)| name)
    }
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Budget {
    pub metric: BudgetMetric,
    pub at_most: bool,
    pub limit: Value,
    #[serde(skip)]
    pub span: Span,
}
