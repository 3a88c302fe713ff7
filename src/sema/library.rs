//! The operation library: verbs, tool kinds and environments, loaded from the data
//! tables in `data/` (the physical knowledge lives there, with its sources, not in code).

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use super::tsv::{for_each_record, split_list};
use super::units::Dimension;

/// The built-in effect models; each is described in `spec/models.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Mechanical,
    Laminate,
    Convert,
    Alloy,
    Prepare,
    LiquidReaction,
    Rinse,
    Cast,
    LangmuirBlodgett,
    Electrochemical,
    /// Anodic: Li leaves the workpiece (stripping, electropolishing).
    Strip,
    Dry,
    Heat,
    /// UV or thermal curing: a monomer or resin layer becomes its polymer (`cures_to`).
    Cure,
    Rest,
    Deposit,
    Cycles,
    GasReaction,
    Plasma,
}

impl Effect {
    /// The names used in `data/operations.tsv` and in `operation` declarations.
    pub const NAMES: &[(&'static str, Effect)] = &[
        ("mechanical", Effect::Mechanical),
        ("laminate", Effect::Laminate),
        ("convert", Effect::Convert),
        ("alloy", Effect::Alloy),
        ("prepare", Effect::Prepare),
        ("liquid_reaction", Effect::LiquidReaction),
        ("rinse", Effect::Rinse),
        ("cast", Effect::Cast),
        ("lb", Effect::LangmuirBlodgett),
        ("electrochemical", Effect::Electrochemical),
        ("strip", Effect::Strip),
        ("dry", Effect::Dry),
        ("heat", Effect::Heat),
        ("cure", Effect::Cure),
        ("rest", Effect::Rest),
        ("deposit", Effect::Deposit),
        ("cycles", Effect::Cycles),
        ("gas_reaction", Effect::GasReaction),
        ("plasma", Effect::Plasma),
    ];

    pub fn parse(text: &str) -> Option<Effect> {
        Effect::NAMES
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, effect)| *effect)
    }
}

/// What the reagent operand of an operation must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReagentKind {
    None,
    Solid,
    Liquid,
    Gas,
    /// The deposited film itself is named (`ald Al2O3`): it must be solid at the step
    /// temperature; the precursors are implied.
    Film,
    SolidOrLiquid,
}

impl ReagentKind {
    /// The names used in `data/operations.tsv` and in `operation` declarations.
    pub const NAMES: &[(&'static str, ReagentKind)] = &[
        ("none", ReagentKind::None),
        ("solid", ReagentKind::Solid),
        ("liquid", ReagentKind::Liquid),
        ("gas", ReagentKind::Gas),
        ("film", ReagentKind::Film),
        ("solid_or_liquid", ReagentKind::SolidOrLiquid),
    ];

    pub fn parse(text: &str) -> Option<ReagentKind> {
        ReagentKind::NAMES
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, kind)| *kind)
    }

    /// How a diagnostic names what is wanted.
    pub fn describe(self) -> &'static str {
        match self {
            ReagentKind::None => "no reagent",
            ReagentKind::Solid => "a solid target or reagent",
            ReagentKind::Liquid => "a liquid or solution",
            ReagentKind::Gas => "a gas or vapour",
            ReagentKind::Film => "the solid film it deposits",
            ReagentKind::SolidOrLiquid => "a solid or molten source",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParamSpec {
    /// Shared with every step's bound value: a file of 10^5 steps names each parameter
    /// many times over.
    pub name: Arc<str>,
    pub dimension: Dimension,
    pub required: bool,
    /// Whether a bare quantity may bind to it by dimension; when false it must be named
    /// in the `{ .. }` block (`max_wait` is a time, but `for 10 min` is never one).
    pub by_dimension: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Shared with every step of this operation.
    pub verb: Arc<str>,
    pub family: String,
    pub effect: Effect,
    pub reagent: ReagentKind,
    pub reagent_optional: bool,
    pub mechanical: bool,
    pub wets: bool,
    /// The operation may react molten Li (`molten_li` column): melting the foil is then
    /// a warning the step can acknowledge, not an error.
    pub molten_li: bool,
    pub tool_kinds: Vec<String>,
    pub params: Vec<ParamSpec>,
    pub note: String,
    /// The duration assumed when a step gives none and none follows from its
    /// parameters: a planning default, not a measured value (`data/operations.tsv`).
    pub default_time_s: Option<f64>,
}

impl Operation {
    pub fn param(&self, name: &str) -> Option<&ParamSpec> {
        self.params.iter().find(|p| *p.name == *name)
    }

    /// `sputter(thickness: length, rate: rate?, ...)`, for notes in diagnostics.
    pub fn signature(&self) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|p| format!("{}: {}{}", p.name, p.dimension, if p.required { "" } else { "?" }))
            .collect();
        format!("{}({})", self.verb, params.join(", "))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ToolKind {
    pub kind: String,
    pub environments: Vec<String>,
    /// Verbs this kind runs besides those whose operation lists it (a lab's own kind
    /// names the operations it runs).
    pub operations: Vec<String>,
    pub note: String,
    pub heat_up: HeatUp,
}

/// When a heated tool ramps to a load's temperature (`data/tool_kinds.tsv`, `heat_up`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HeatUp {
    /// With the load's samples inside, after they are placed (a furnace, a reactor).
    Inside,
    /// Before the samples are placed (a hot plate, a bath).
    Preheated,
}

impl HeatUp {
    pub const NAMES: &[(&'static str, HeatUp)] = &[("inside", HeatUp::Inside), ("preheated", HeatUp::Preheated)];
}

/// The antechamber, pass box or load-lock samples go through to enter an environment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Antechamber {
    /// One pass, seconds.
    pub cycle_s: f64,
    /// Samples one pass takes.
    pub capacity: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Atmosphere {
    Inert,
    Dry,
    Vacuum,
    Ambient,
    /// A lab's environment whose declaration did not say (already reported): no check
    /// draws conclusions from it.
    Unknown,
}

impl Atmosphere {
    pub const NAMES: &[(&'static str, Atmosphere)] = &[
        ("inert", Atmosphere::Inert),
        ("dry", Atmosphere::Dry),
        ("vacuum", Atmosphere::Vacuum),
        ("ambient", Atmosphere::Ambient),
    ];
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnvironmentSpec {
    pub name: String,
    pub atmosphere: Atmosphere,
    pub h2o_ppm: Option<f64>,
    pub note: String,
    /// `None`: entered directly.
    pub antechamber: Option<Antechamber>,
    /// The room's temperature, K, where a heated tool starts; `None`: room temperature.
    pub temperature_k: Option<f64>,
    /// Keys of the reactive gases there (`contains` in `data/environments.tsv`).
    pub contains: Vec<String>,
}

/// A plasma feed that removes some layer materials (`data/etching.tsv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Etching {
    pub etches: Vec<String>,
    pub product: String,
    pub source: String,
}

/// A precursor that reacts with a gas of a room (`data/precursor_hazards.tsv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Hazard {
    /// Keys of the gases it reacts with, as the environments' `contains` names them.
    pub reacts_with: Vec<String>,
    pub hazard: String,
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct Library {
    pub operations: BTreeMap<String, Operation>,
    pub tool_kinds: BTreeMap<String, ToolKind>,
    pub environments: BTreeMap<String, EnvironmentSpec>,
    /// Plasma feed gas -> what it etches.
    pub etching: BTreeMap<String, Etching>,
    /// Precursor -> the room gases it reacts with.
    pub hazards: BTreeMap<String, Hazard>,
}

/// Parses `name:dimension!` entries; panics on a malformed built-in table (a unit test
/// loads it).
fn parse_params(text: &str) -> Vec<ParamSpec> {
    split_list(text, ';')
        .into_iter()
        .map(|entry| {
            let (name, dimension) = entry
                .split_once(':')
                .unwrap_or_else(|| panic!("parameter `{entry}` has no dimension"));
            let required = dimension.ends_with('!');
            let named_only = dimension.ends_with('=');
            let dimension_name = dimension.trim_end_matches(['!', '=']);
            let dimension =
                Dimension::named(dimension_name).unwrap_or_else(|| panic!("unknown dimension `{dimension_name}`"));
            ParamSpec {
                name: name.into(),
                dimension,
                required,
                by_dimension: !named_only,
            }
        })
        .collect()
}

/// `30 min` -> 1800 s; empty -> `None`. Panics on a malformed built-in table.
fn parse_duration(text: &str) -> Option<f64> {
    if text.is_empty() {
        return None;
    }
    let (number, unit) = text
        .split_once(' ')
        .unwrap_or_else(|| panic!("duration `{text}` has no unit"));
    let unit = super::units::parse_unit(unit).unwrap_or_else(|_| panic!("duration `{text}`: unknown unit"));
    let value: f64 = number
        .parse()
        .unwrap_or_else(|_| panic!("duration `{text}`: bad number"));
    assert_eq!(
        unit.dimension,
        const { Dimension::called("time") },
        "`{text}` is not a time"
    );
    Some(unit.to_si(value))
}

impl Library {
    pub fn builtin() -> &'static Library {
        static LIBRARY: OnceLock<Library> = OnceLock::new();
        LIBRARY.get_or_init(Library::load)
    }

    fn load() -> Library {
        let mut operations = BTreeMap::new();
        for_each_record(include_str!("../../data/operations.tsv"), |record| {
            let verb = record.get("verb").to_owned();
            let reagent = record.get("reagent");
            let operation = Operation {
                family: record.get("family").to_owned(),
                effect: Effect::parse(record.get("effect")).unwrap_or_else(|| panic!("`{verb}`: unknown effect")),
                reagent: ReagentKind::parse(reagent.trim_end_matches('?'))
                    .unwrap_or_else(|| panic!("`{verb}`: unknown reagent kind")),
                reagent_optional: reagent.ends_with('?'),
                mechanical: record.flag("mechanical"),
                wets: record.flag("wets"),
                molten_li: record.get("molten_li") == "reacts",
                tool_kinds: record.list("tools"),
                params: parse_params(record.get("params")),
                note: record.get("note").to_owned(),
                default_time_s: parse_duration(record.get("default_time")),
                verb: verb.as_str().into(),
            };
            operations.insert(verb, operation);
        });
        let mut tool_kinds = BTreeMap::new();
        for_each_record(include_str!("../../data/tool_kinds.tsv"), |record| {
            let kind = record.get("kind").to_owned();
            let heat_up = HeatUp::NAMES
                .iter()
                .find(|(word, _)| *word == record.get("heat_up"))
                .map(|(_, heat_up)| *heat_up)
                .unwrap_or_else(|| panic!("tool kind `{kind}`: unknown heat_up"));
            tool_kinds.insert(
                kind.clone(),
                ToolKind {
                    kind,
                    environments: record.list("environments"),
                    operations: Vec::new(),
                    note: record.get("note").to_owned(),
                    heat_up,
                },
            );
        });
        let mut environments = BTreeMap::new();
        for_each_record(include_str!("../../data/environments.tsv"), |record| {
            let name = record.get("name").to_owned();
            let atmosphere = Atmosphere::NAMES
                .iter()
                .find(|(word, _)| *word == record.get("atmosphere"))
                .map(|(_, atmosphere)| *atmosphere)
                .unwrap_or_else(|| panic!("environment `{name}`: unknown atmosphere"));
            let h2o_ppm = record.get("h2o_ppm").parse().ok();
            let antechamber = record
                .get("antechamber_cycle")
                .parse::<f64>()
                .ok()
                .map(|minutes| Antechamber {
                    cycle_s: minutes * 60.0,
                    capacity: record
                        .get("antechamber_capacity")
                        .parse()
                        .unwrap_or_else(|_| panic!("environment `{name}`: antechamber capacity")),
                });
            environments.insert(
                name.clone(),
                EnvironmentSpec {
                    name,
                    atmosphere,
                    h2o_ppm,
                    note: record.get("note").to_owned(),
                    antechamber,
                    temperature_k: None,
                    contains: record.list("contains"),
                },
            );
        });
        let mut etching = BTreeMap::new();
        for_each_record(include_str!("../../data/etching.tsv"), |record| {
            etching.insert(
                record.get("feed").to_owned(),
                Etching {
                    etches: record.list("etches"),
                    product: record.get("product").to_owned(),
                    source: record.get("source").to_owned(),
                },
            );
        });
        let mut hazards = BTreeMap::new();
        for_each_record(include_str!("../../data/precursor_hazards.tsv"), |record| {
            hazards.insert(
                record.get("material").to_owned(),
                Hazard {
                    reacts_with: record.list("reacts_with"),
                    hazard: record.get("hazard").to_owned(),
                    source: record.get("source").to_owned(),
                },
            );
        });
        Library {
            operations,
            tool_kinds,
            environments,
            etching,
            hazards,
        }
    }

    /// Whether a tool of `kind` can run `verb`.
    pub fn can_run(&self, kind: &str, verb: &str) -> bool {
        self.operations
            .get(verb)
            .is_some_and(|op| op.tool_kinds.iter().any(|k| k == kind))
            || self
                .tool_kinds
                .get(kind)
                .is_some_and(|k| k.operations.iter().any(|v| v == verb))
    }

    /// The verbs a tool kind can run, in alphabetical order.
    pub fn verbs_of(&self, kind: &str) -> Vec<&str> {
        self.operations
            .keys()
            .filter(|verb| self.can_run(kind, verb))
            .map(String::as_str)
            .collect()
    }

    /// Whether a tool of `kind` may stand in `environment`: one it lists, or a lab's own
    /// environment with the same atmosphere as one it lists.
    pub fn can_stand(&self, kind: &str, environment: &str) -> bool {
        let Some(kind) = self.tool_kinds.get(kind) else {
            return false;
        };
        let atmosphere = self.environments.get(environment).map(|e| e.atmosphere);
        if atmosphere == Some(Atmosphere::Unknown) {
            return true;
        }
        kind.environments.iter().any(|listed| {
            listed == environment
                || atmosphere.is_some() && self.environments.get(listed).map(|e| e.atmosphere) == atmosphere
        })
    }

    /// The tool kinds that can run a verb, in alphabetical order.
    pub fn kinds_for(&self, verb: &str) -> Vec<String> {
        self.tool_kinds
            .keys()
            .filter(|kind| self.can_run(kind, verb))
            .cloned()
            .collect()
    }

    /// The environments a tool that can run `verb` may stand in: those listed by each
    /// kind that runs it, in the order of the kinds, each once.
    pub fn environments_for(&self, verb: &str) -> Vec<&str> {
        let mut environments: Vec<&str> = Vec::new();
        for kind in self.tool_kinds.values().filter(|kind| self.can_run(&kind.kind, verb)) {
            for environment in &kind.environments {
                if !environments.contains(&environment.as_str()) {
                    environments.push(environment);
                }
            }
        }
        environments
    }

    /// A tool kind that can run `verb` and an environment it stands in, for the examples
    /// of help lines (`tool plate: hot_plate in glovebox`).
    pub fn example_kind(&self, verb: &str) -> Option<(&str, &str)> {
        let kind = self.tool_kinds.values().find(|kind| self.can_run(&kind.kind, verb))?;
        Some((&kind.kind, kind.environments.first().map_or("glovebox", String::as_str)))
    }

    /// Where a step that names no tool is checked: the first environment a tool that can
    /// run `verb` stands in, when all of them have one atmosphere (a wet foil goes under
    /// vacuum in any sputter chamber). `None` when they differ: the step may still be
    /// put on a tool where it is safe, and is judged once it names one.
    pub fn toolless_environment(&self, verb: &str) -> Option<&str> {
        let environments = self.environments_for(verb);
        let atmosphere_of = |name: &str| self.environments.get(name).map(|e| e.atmosphere);
        let first = *environments.first()?;
        let atmosphere = atmosphere_of(first).filter(|a| *a != Atmosphere::Unknown)?;
        environments
            .iter()
            .all(|name| atmosphere_of(name) == Some(atmosphere))
            .then_some(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_loads_and_is_consistent() {
        let library = Library::builtin();
        for verb in [
            "roll_press",
            "stamp",
            "laminate",
            "react",
            "alloy",
            "dissolve",
            "immerse",
            "rinse",
            "drop_cast",
            "spin_coat",
            "doctor_blade",
            "spray",
            "lb_deposit",
            "electroplate",
            "polish",
            "dry",
            "anneal",
            "cure",
            "rest",
            "sputter",
            "evaporate",
            "cvd",
            "ald",
            "mld",
            "expose",
            "plasma",
        ] {
            assert!(library.operations.contains_key(verb), "missing verb `{verb}`");
        }
        for operation in library.operations.values() {
            for kind in &operation.tool_kinds {
                assert!(
                    library.tool_kinds.contains_key(kind),
                    "`{}` names unknown tool kind `{kind}`",
                    operation.verb
                );
            }
        }
        for kind in library.tool_kinds.values() {
            assert!(
                !library.verbs_of(&kind.kind).is_empty(),
                "tool kind `{}` can run nothing",
                kind.kind
            );
            for environment in &kind.environments {
                assert!(
                    library.environments.contains_key(environment),
                    "`{}` stands in unknown `{environment}`",
                    kind.kind
                );
            }
        }
        let materials = crate::sema::materials::MaterialDb::builtin();
        for (feed, etching) in &library.etching {
            for key in std::iter::once(feed).chain(&etching.etches) {
                assert!(
                    materials.lookup(key).is_some(),
                    "data/etching.tsv names unknown material `{key}`"
                );
            }
        }
        let gases = library.environments.values().flat_map(|e| &e.contains);
        let reacting = library
            .hazards
            .iter()
            .flat_map(|(precursor, h)| std::iter::once(precursor).chain(&h.reacts_with));
        for key in gases.chain(reacting) {
            assert_eq!(
                materials.lookup(key).map(|m| m.key.as_str()),
                Some(key.as_str()),
                "data/environments.tsv or data/precursor_hazards.tsv names `{key}`, not a key of data/materials.tsv"
            );
        }
        assert_eq!(
            library.operations["sputter"].signature(),
            "sputter(thickness: length, rate: rate?, power: power?, pressure: pressure?, temperature: temperature?, flow: gas flow?)"
        );
    }
}
