//! The chemistry the compiler knows: the materials table and the reactions of Li with
//! them (`data/reactions.tsv`), extended by the recipe's own `material` and `reaction`
//! declarations through the same types, so that a declared material or reaction checks
//! and models exactly like a built-in one.
//!
//! ```seip
//! material polyurea { class: polymer  phase: solid  density: 1.2 g/cm3  source: "..." }
//! reaction "SiCl4 + 4 Li -> 4 LiCl + Si" { trigger: contact  source: "..." }
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use rustc_hash::FxHashMap as HashMap;

use super::bind::quantity_value;
use super::declarations::{names, single, single_name, text, texts, unknown_field};
use super::materials::{FormulaError, KINDS, LiReaction, Material, MaterialDb, Phase, parse_formula};
use super::thermo::{Formation, NoEnergy, ReactionEnergy, Thermo};
use super::tsv::for_each_record;
use super::units::{Dimension, trim_number};
use crate::diagnostics::{Diagnostic, codes, suggest};
use crate::span::Span;
use crate::syntax::ast::{self, BlockDecl, DeclEntry, Item, Name, ProtocolItem, Value};

const REACTIONS_TSV: &str = include_str!("../../data/reactions.tsv");

const KELVIN_AT_0_C: f64 = 273.15;

/// The materials and reactions one file is checked and modelled with.
#[derive(Debug, Clone)]
pub struct Chemistry {
    pub materials: MaterialDb,
    /// By reactant key.
    pub reactions: BTreeMap<String, Reaction>,
    /// Standard formation energies, built-in and declared.
    pub thermo: Thermo,
    /// Materials declared inside a protocol, visible only there: key -> protocol index.
    pub protocol_materials: HashMap<String, usize>,
}

impl Chemistry {
    /// The built-in tables, parsed on first use.
    pub fn builtin() -> &'static Chemistry {
        static BUILTIN: OnceLock<Chemistry> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let mut chemistry = Chemistry {
                materials: MaterialDb::builtin().clone(),
                reactions: builtin_reactions(),
                thermo: Thermo::builtin().clone(),
                protocol_materials: HashMap::default(),
            };
            chemistry.weigh();
            chemistry
        })
    }

    /// Computes the free energy of every reaction against the materials and formation
    /// energies as they now stand, once, so that the model reads it instead of summing
    /// formation energies for each layer at each step.
    fn weigh(&mut self) {
        for reaction in self.reactions.values_mut() {
            reaction.energy = self.thermo.reaction_energy(reaction, &self.materials);
        }
    }

    /// The reaction of Li with `reactant`, when one is known.
    pub fn reaction(&self, reactant: &str) -> Option<&Reaction> {
        self.reactions.get(reactant)
    }
}

/// How the products of a conversion lie on the foil.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrangement {
    /// Separate layers, bottom to top in the order of the products.
    Layers,
    /// One mixed layer.
    Composite,
}

/// What makes a precursor layer on Li convert.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trigger {
    /// As soon as it touches Li.
    Contact,
    /// A step at or above this temperature, kelvin.
    Anneal(f64),
    /// A step hot enough to melt the Li.
    Molten,
    /// An electrochemical step: Li plated through or under it.
    Plating,
    /// A mechanical step pressing it into the Li.
    Pressing,
}

impl Trigger {
    fn parse(text: &str) -> Option<Trigger> {
        match text {
            "contact" => Some(Trigger::Contact),
            "molten" => Some(Trigger::Molten),
            "plating" => Some(Trigger::Plating),
            "pressing" => Some(Trigger::Pressing),
            _ => {
                let celsius: f64 = text.strip_prefix("anneal:")?.parse().ok()?;
                Some(Trigger::Anneal(celsius + 273.15))
            }
        }
    }

    /// How a note names the trigger.
    pub fn describe(self) -> String {
        match self {
            Trigger::Contact => "on contact with Li".to_owned(),
            Trigger::Anneal(kelvin) => format!(
                "on heating to {} degC or above",
                crate::sema::units::trim_number(kelvin - 273.15)
            ),
            Trigger::Molten => "when the Li is molten".to_owned(),
            Trigger::Plating => "when Li is plated (an electrochemical step)".to_owned(),
            Trigger::Pressing => "when pressed into the Li (a mechanical step)".to_owned(),
        }
    }
}

/// One row of `data/reactions.tsv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reaction {
    pub reactant: String,
    pub li_per_unit: f64,
    /// (coefficient, material key) per formula unit of the reactant.
    pub products: Vec<(f64, String)>,
    pub arrangement: Arrangement,
    pub when: Vec<Trigger>,
    pub extent_min: f64,
    pub unbalanced: Vec<String>,
    pub source: String,
    /// The reagent reacts only in a plasma (CF4): as a plain gas it leaves Li as it is.
    pub needs_plasma: bool,
    /// The equation as notes show it, written once when the table is loaded.
    equation: String,
    /// The standard free energy per mol Li, or why there is none, computed once when the
    /// chemistry is built (`Chemistry::weigh`, and for a declared reaction when it is
    /// declared). INVARIANT: never read before then.
    energy: Result<ReactionEnergy, NoEnergy>,
}

impl Reaction {
    /// `MgF2 + 2 Li -> 2 LiF + Mg`.
    pub fn equation(&self) -> &str {
        &self.equation
    }

    /// The standard free energy per mol Li with the chemistry it belongs to, or why none
    /// is computed.
    pub fn energy(&self) -> Result<&ReactionEnergy, &NoEnergy> {
        self.energy.as_ref()
    }

    fn write_equation(&self) -> String {
        let count = |n: f64| {
            if n == 1.0 {
                String::new()
            } else {
                format!("{} ", crate::sema::units::trim_number(n))
            }
        };
        let products: Vec<String> = self
            .products
            .iter()
            .map(|(n, key)| format!("{}{key}", count(*n)))
            .collect();
        format!(
            "{} + {}Li -> {}",
            self.reactant,
            count(self.li_per_unit),
            products.join(" + ")
        )
    }
}

fn builtin_reactions() -> BTreeMap<String, Reaction> {
    let mut reactions = BTreeMap::new();
    for_each_record(REACTIONS_TSV, |record| {
        let reactant = record.get("reactant").to_owned();
        let row = reactant.as_str();
        let products = record
            .get("products")
            .split('|')
            .map(|entry| {
                let (count, key) = entry
                    .trim()
                    .split_once(' ')
                    .unwrap_or_else(|| malformed("reactions", row, "products"));
                (
                    count
                        .parse()
                        .unwrap_or_else(|_| malformed("reactions", row, "product coefficient")),
                    key.to_owned(),
                )
            })
            .collect();
        let mut reaction = Reaction {
            li_per_unit: record
                .get("li_per_unit")
                .parse()
                .unwrap_or_else(|_| malformed("reactions", row, "li_per_unit")),
            products,
            arrangement: match record.get("arrangement") {
                "layers" => Arrangement::Layers,
                "composite" => Arrangement::Composite,
                _ => malformed("reactions", row, "arrangement"),
            },
            when: list(record.get("when"))
                .map(|t| Trigger::parse(t).unwrap_or_else(|| malformed("reactions", row, "when")))
                .collect(),
            extent_min: record
                .get("extent_min")
                .parse()
                .unwrap_or_else(|_| malformed("reactions", row, "extent_min")),
            unbalanced: list(record.get("unbalanced")).map(str::to_owned).collect(),
            source: record.get("source").to_owned(),
            needs_plasma: match record.get("activation") {
                "plasma" => true,
                "" => false,
                _ => malformed("reactions", row, "activation"),
            },
            reactant: reactant.clone(),
            equation: String::new(),
            energy: Err(NoEnergy::Unbalanced),
        };
        reaction.equation = reaction.write_equation();
        reactions.insert(reactant, reaction);
    });
    reactions
}

/// Reports a defect of a built-in table (a programming error: the tests load every row).
fn malformed<T>(table: &str, row: &str, what: &str) -> T {
    panic!("data/{table}.tsv: `{row}`: bad {what}")
}

fn list(text: &str) -> impl Iterator<Item = &str> {
    text.split('|').map(str::trim).filter(|item| !item.is_empty())
}

/// The element imbalance of a reaction, products minus reactants, per element (Li
/// included); `Err` names a species without a formula.
pub fn imbalance(reaction: &Reaction, db: &MaterialDb) -> Result<BTreeMap<String, f64>, String> {
    let elements = |key: &str| {
        db.lookup(key)
            .and_then(|m| m.formula.as_ref())
            .map(|f| f.elements.clone())
            .ok_or_else(|| key.to_owned())
    };
    let mut balance: BTreeMap<String, f64> = BTreeMap::new();
    for (symbol, count) in elements(&reaction.reactant)? {
        *balance.entry(symbol).or_default() -= count;
    }
    *balance.entry("Li".to_owned()).or_default() -= reaction.li_per_unit;
    for (coefficient, key) in &reaction.products {
        for (symbol, count) in elements(key)? {
            *balance.entry(symbol).or_default() += coefficient * count;
        }
    }
    balance.retain(|_, excess| excess.abs() > 1e-5);
    Ok(balance)
}

/// The built-in chemistry extended with the file's `material` and `reaction`
/// declarations; the built-in tables are shared, not copied, when there are none.
pub fn declare(file: &ast::File) -> (Cow<'static, Chemistry>, Vec<Diagnostic>) {
    let builtin = Chemistry::builtin();
    let mut materials = Vec::new();
    let mut reactions = Vec::new();
    let mut protocol = 0;
    for item in &file.items {
        match item {
            Item::Material(decl) => materials.push((decl.as_ref(), None)),
            Item::Reaction(decl) => reactions.push(decl.as_ref()),
            Item::Protocol(p) => {
                for item in &p.items {
                    match item {
                        ProtocolItem::Material(decl) => materials.push((decl.as_ref(), Some(protocol))),
                        ProtocolItem::Reaction(decl) => reactions.push(decl.as_ref()),
                        _ => {}
                    }
                }
                protocol += 1;
            }
            _ => {}
        }
    }
    let mut diagnostics = Vec::new();
    if materials.is_empty() && reactions.is_empty() {
        return (Cow::Borrowed(builtin), diagnostics);
    }
    let mut chemistry = builtin.clone();
    // Names first, so that declarations may name each other in any order.
    let mut declared: Vec<&BlockDecl> = Vec::new();
    let mut seen: HashMap<&str, Span> = HashMap::default();
    for (decl, scope) in materials {
        let name = &decl.name;
        if let Some(first) = seen.get(&*name.text) {
            diagnostics.push(
                Diagnostic::new(
                    codes::DUPLICATE_DEFINITION,
                    format!("material `{}` is declared twice", name.text),
                    name.span,
                    "declared again here",
                )
                .with_label(*first, "first declared here")
                .with_help("keep one declaration"),
            );
            continue;
        }
        seen.insert(&name.text, name.span);
        if let Some(shadowed) = builtin.materials.lookup(&name.text) {
            diagnostics.push(
                Diagnostic::new(
                    codes::MATERIAL_SHADOWS_BUILTIN,
                    format!(
                        "material `{}` shadows the built-in `{}`: {}",
                        name.text, shadowed.key, shadowed.name
                    ),
                    name.span,
                    "this declaration replaces the built-in data in this file",
                )
                .with_help(format!(
                    "give it a name of its own to keep both, or remove it to use the built-in `{}`",
                    shadowed.key
                ))
                .with_note(format!("built-in data: {}", shadowed.source)),
            );
        }
        if let Some((material, formation)) = lower_material(decl, &mut diagnostics) {
            if let Some(formation) = formation {
                chemistry.thermo.formations.insert(material.key.clone(), formation);
            }
            if let Some(protocol) = scope {
                chemistry.protocol_materials.insert(material.key.clone(), protocol);
            }
            chemistry.materials.declare(material);
            declared.push(decl);
        }
    }
    for decl in declared {
        check_solvents(decl, &chemistry.materials, &mut diagnostics);
    }
    // A declared material or formation energy can change a built-in reaction's energy.
    chemistry.weigh();
    for decl in reactions {
        if let Some(mut reaction) = lower_reaction(decl, &chemistry.materials, &mut diagnostics) {
            reaction.energy = chemistry.thermo.reaction_energy(&reaction, &chemistry.materials);
            if let Ok(energy) = &reaction.energy
                && energy.per_mol_li > 0.0
                && energy.alloys_left_out.is_empty()
            {
                diagnostics.push(uphill(decl, &reaction, &energy.describe()));
            }
            chemistry.reactions.insert(reaction.reactant.clone(), reaction);
        }
    }
    (Cow::Owned(chemistry), diagnostics)
}

/// W0704: a declared reaction that the formation energies put uphill.
fn uphill(decl: &BlockDecl, reaction: &Reaction, energy: &str) -> Diagnostic {
    Diagnostic::new(
        codes::REACTION_UPHILL,
        format!("reaction `{}` is uphill: {energy}", reaction.equation()),
        decl.name.span,
        format!("never runs: the model leaves `{}` as it is", reaction.reactant),
    )
    .with_help(
        "check the products and the formation energies (`formation_gibbs` of a declared material): with these values the products are less stable than the reactant and Li",
    )
    .with_note("ΔrG per mol Li = (Σ products ΔfG - reactant ΔfG) / n, from data/thermo.tsv and the file's declarations")
}

/// The fields of a `material` declaration, as `seipc explain` and the spec list them.
pub const MATERIAL_FIELDS: &[&str] = &[
    "formula",
    "name",
    "aliases",
    "class",
    "phase",
    "density",
    "porosity",
    "melts",
    "boils",
    "decomposes",
    "sublimes",
    "vapour_pressure",
    "formation_enthalpy",
    "formation_gibbs",
    "electronic",
    "li_reaction",
    "dissolves_in",
    "cures_to",
    "note",
    "source",
];

const PHASES: &[(&str, Phase)] = &[("solid", Phase::Solid), ("liquid", Phase::Liquid), ("gas", Phase::Gas)];

const ELECTRONIC: &[(&str, bool)] = &[("conductor", true), ("insulator", false)];

const LI_REACTIONS: &[(&str, LiReaction)] = &[
    ("inert", LiReaction::Inert),
    ("alloys", LiReaction::Alloys),
    ("converts", LiReaction::Converts),
    ("passivates", LiReaction::Passivates),
    ("violent", LiReaction::Violent),
    ("unknown", LiReaction::Unknown),
];

fn lower_material(decl: &BlockDecl, diagnostics: &mut Vec<Diagnostic>) -> Option<(Material, Option<Formation>)> {
    let key = decl.name.text.to_string();
    let mut material = Material {
        key: key.clone(),
        formula: None,
        formula_text: String::new(),
        name: key.clone(),
        aliases: Vec::new(),
        kind: "other".to_owned(),
        phase_25c: Phase::Solid,
        molar_mass_g_mol: None,
        density_g_cm3: None,
        porosity: None,
        melt_c: None,
        boil_c: None,
        decomp_c: None,
        sublime_c: None,
        vapour_pressure: None,
        li_reaction: LiReaction::Unknown,
        li_products: Vec::new(),
        li_per_unit: None,
        dissolves_in: Vec::new(),
        insoluble_in: Vec::new(),
        conducts_electrons: false,
        cures_to: None,
        source: String::new(),
        li_note: String::new(),
        classification: "declared in the recipe".to_owned(),
        unverified: Vec::new(),
    };
    let mut enthalpy = None;
    let mut gibbs = None;
    let mut phase_given = false;
    let mut points: Vec<(&'static str, f64, Span)> = Vec::new();
    for entry in &decl.entries {
        let DeclEntry::Field { key, values } = entry else {
            if let DeclEntry::Param { span, .. } = entry {
                diagnostics.push(
                    Diagnostic::new(
                        codes::UNKNOWN_PARAMETER,
                        "a material has no parameters",
                        *span,
                        "not a field",
                    )
                    .with_help("write the material's data as fields, as `density: 1.2 g/cm3`"),
                );
            }
            continue;
        };
        match key.text.as_ref() {
            "formula" => {
                if let Some(text) = single_name(key, values, diagnostics) {
                    match parse_formula(&text.text) {
                        Ok(formula) => {
                            material.formula = Some(formula);
                            material.formula_text = text.text.to_string();
                        }
                        Err(error) => {
                            let (what, offset) = describe_formula_error(&error);
                            // The offset is into the text; a quoted name starts one byte later.
                            let quote = usize::from(text.span.range().len() > text.text.len());
                            let offset = offset.min(text.text.len());
                            let at = text.span.start as usize + quote + offset;
                            // The one character at fault, whatever its width in bytes.
                            let width = text.text[offset..].chars().next().map_or(0, char::len_utf8);
                            let span = Span::new(at, (at + width).min(text.span.end as usize).max(at));
                            diagnostics.push(
                                Diagnostic::new(
                                    codes::INVALID_MATERIAL_DATA,
                                    format!("`{}` is not a chemical formula: {what}", text.text),
                                    if span.range().is_empty() { text.span } else { span },
                                    what.clone(),
                                )
                                .with_help("write element symbols with counts, as `C2H8N2`, in quotes where it has brackets (`\"LiN(SO2CF3)2\"`), or leave the formula out for a variable composition"),
                            );
                        }
                    }
                }
            }
            "name" => {
                if let Some(text) = text(key, values, diagnostics) {
                    material.name = text;
                }
            }
            "aliases" => material.aliases = texts(key, values, diagnostics),
            "class" => {
                if let Some(text) = single_name(key, values, diagnostics) {
                    // `organic` is what a chemist writes for a molecular organic solid.
                    let class = if text.text == "organic" {
                        "molecular"
                    } else {
                        &*text.text
                    };
                    if KINDS.contains(&class) {
                        material.kind = class.to_owned();
                    } else {
                        invalid_choice(
                            text,
                            "material class",
                            KINDS.iter().copied().chain(["organic"]),
                            diagnostics,
                        );
                    }
                }
            }
            "phase" => {
                if let Some(text) = single_name(key, values, diagnostics) {
                    match PHASES.iter().find(|(name, _)| *name == text.text) {
                        Some((_, phase)) => {
                            material.phase_25c = *phase;
                            phase_given = true;
                        }
                        None => {
                            // Reported here: not "missing" as well.
                            phase_given = true;
                            invalid_choice(text, "phase", PHASES.iter().map(|(n, _)| *n), diagnostics);
                        }
                    }
                }
            }
            "li_reaction" => {
                if let Some(reaction) = choice(key, values, LI_REACTIONS, "reaction with Li", diagnostics) {
                    material.li_reaction = reaction;
                }
            }
            "dissolves_in" => material.dissolves_in = texts(key, values, diagnostics),
            "cures_to" => material.cures_to = texts(key, values, diagnostics).into_iter().next(),
            "note" => {
                if let Some(text) = text(key, values, diagnostics) {
                    material.li_note = text;
                }
            }
            "source" => {
                if let Some(text) = text(key, values, diagnostics) {
                    material.source = text;
                }
            }
            "density" => {
                // kg/m3 -> g/cm3
                let density = positive(key, values, DENSITY, "a density, as `1.2 g/cm3`", diagnostics);
                material.density_g_cm3 = density.map(|si| si / 1000.0);
            }
            "porosity" => material.porosity = fraction(key, values, diagnostics),
            "melts" | "boils" | "decomposes" | "sublimes" => {
                let Some((celsius, span)) = temperature(key, values, diagnostics) else {
                    continue;
                };
                let (slot, label) = match key.text.as_ref() {
                    "melts" => (&mut material.melt_c, "melts"),
                    "boils" => (&mut material.boil_c, "boils"),
                    "decomposes" => (&mut material.decomp_c, "decomposes"),
                    _ => (&mut material.sublime_c, "sublimes"),
                };
                *slot = Some(celsius);
                points.push((label, celsius, span));
            }
            "vapour_pressure" => material.vapour_pressure = vapour_pressure(key, values, diagnostics),
            "electronic" => {
                if let Some(conducts) = choice(key, values, ELECTRONIC, "electronic conduction", diagnostics) {
                    material.conducts_electrons = conducts;
                }
            }
            "formation_enthalpy" | "formation_gibbs" => {
                let Some(value) = molar_energy(key, values, diagnostics) else {
                    continue;
                };
                *if key.text.as_ref() == "formation_gibbs" {
                    &mut gibbs
                } else {
                    &mut enthalpy
                } = Some(value);
            }
            _ => unknown_field(key, MATERIAL_FIELDS, "a material", diagnostics),
        }
    }
    if !phase_given {
        diagnostics.push(
            Diagnostic::new(
                codes::MISSING_MATERIAL_FIELD,
                format!("material `{}` does not say its phase", decl.name.text),
                decl.name.span,
                "needs a `phase`",
            )
            .with_help("add `phase: solid` (or `liquid`, `gas`): its state at 25 degC and 1 atm")
            .with_note(
                "the phase decides whether a step can use it: a sputter target must be solid, a CVD precursor a vapour",
            ),
        );
        return None;
    }
    // A material with a wrong value is an error already; it stays declared (without the
    // value) so that the names using it do not fail as well.
    check_transitions(decl, &material, &points, diagnostics);
    if material.source.is_empty() {
        material.source = "declared in the recipe, no source given".to_owned();
        material.unverified = given_columns(&material);
    }
    let formation = (enthalpy.is_some() || gibbs.is_some()).then(|| Formation {
        enthalpy,
        gibbs,
        source: material.source.clone(),
    });
    Some((material, formation))
}

/// A standard formation energy, kJ/mol (`formation_gibbs: -587.7 kJ/mol`); any sign.
fn molar_energy(key: &Name, values: &[Value], diagnostics: &mut Vec<Diagnostic>) -> Option<f64> {
    const MOLAR_ENERGY: Dimension = Dimension::called("molar energy");
    const WHAT: &str = "an energy per mole, as `-587.7 kJ/mol`";
    let value = single(key, values, diagnostics)?;
    let Value::Quantity(quantity) = value else {
        diagnostics.push(wants(key, value.span(), WHAT));
        return None;
    };
    let value = quantity_value(quantity, diagnostics)?;
    if value.dimension != MOLAR_ENERGY {
        diagnostics.push(
            wants(key, quantity.span, WHAT).with_note(format!("`{}` is a {}", quantity.unit.text, value.dimension)),
        );
        return None;
    }
    // J/mol -> kJ/mol
    Some(value.si / 1e3)
}

/// What is wrong with a formula, for a user, and the byte offset in it where it is.
fn describe_formula_error(error: &FormulaError) -> (String, usize) {
    match error {
        FormulaError::Empty => ("it is empty".to_owned(), 0),
        FormulaError::UnexpectedChar { offset, found } => (format!("`{found}` cannot stand in a formula"), *offset),
        FormulaError::UnknownElement { offset, symbol } => (format!("`{symbol}` is not an element"), *offset),
        FormulaError::InvalidCount { offset } => ("a count must be a positive number".to_owned(), *offset),
        FormulaError::UnclosedGroup { offset } => ("this `(` is not closed".to_owned(), *offset),
        FormulaError::UnmatchedClose { offset } => ("this `)` closes nothing".to_owned(), *offset),
    }
}

/// A declaration's transition points must be in physical order, and agree with its phase
/// at 25 degC.
fn check_transitions(
    decl: &BlockDecl,
    material: &Material,
    points: &[(&'static str, f64, Span)],
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let find = |label: &str| points.iter().find(|(l, _, _)| *l == label);
    if let (Some(melt), Some(boil)) = (find("melts"), find("boils"))
        && melt.1 >= boil.1
    {
        diagnostics.push(
            Diagnostic::new(
                codes::INCONSISTENT_MATERIAL_DATA,
                format!(
                    "`{}` melts at {} degC, above its boiling point {} degC",
                    decl.name.text,
                    trim_number(melt.1),
                    trim_number(boil.1)
                ),
                melt.2,
                "the melting point",
            )
            .with_label(boil.2, "the boiling point")
            .with_help("a substance melts below its boiling point at 1 atm; check the two values (one that sublimes is written `sublimes:`)"),
        );
        return false;
    }
    let at_25 = material.phase_at(25.0 + KELVIN_AT_0_C);
    if at_25 != material.phase_25c {
        let phase = |p: Phase| PHASES.iter().find(|(_, q)| *q == p).map_or("", |(n, _)| *n);
        let (_, _, span) = points
            .iter()
            .find(|(label, _, _)| matches!(*label, "melts" | "boils" | "sublimes"))
            .copied()
            .unwrap_or(("", 0.0, decl.name.span));
        diagnostics.push(
            Diagnostic::new(
                codes::INCONSISTENT_MATERIAL_DATA,
                format!(
                    "`{}` is declared {} at 25 degC, but its transition points make it {}",
                    decl.name.text,
                    phase(material.phase_25c),
                    phase(at_25)
                ),
                span,
                format!("this makes it {} at 25 degC", phase(at_25)),
            )
            .with_help("check the phase and the melting and boiling points"),
        );
        return false;
    }
    true
}

/// The table columns a declaration gave values for: with no source, they are unverified.
fn given_columns(material: &Material) -> Vec<String> {
    [
        ("density_g_cm3", material.density_g_cm3.is_some()),
        ("porosity", material.porosity.is_some()),
        ("melt_C", material.melt_c.is_some()),
        ("boil_C", material.boil_c.is_some()),
        ("decomp_C", material.decomp_c.is_some()),
        ("sublime_C", material.sublime_c.is_some()),
        ("vp_Pa", material.vapour_pressure.is_some()),
        ("li_reaction", material.li_reaction != LiReaction::Unknown),
        ("dissolves_in", !material.dissolves_in.is_empty()),
    ]
    .into_iter()
    .filter(|(_, given)| *given)
    .map(|(column, _)| column.to_owned())
    .collect()
}

/// `dissolves_in` must name materials the file knows (built in or declared), and
/// `cures_to` a polymer it knows.
fn check_solvents(decl: &BlockDecl, db: &MaterialDb, diagnostics: &mut Vec<Diagnostic>) {
    for entry in &decl.entries {
        let (what, values) = match entry {
            DeclEntry::Field { key, values } if key.text == "dissolves_in" => ("solvent", values),
            DeclEntry::Field { key, values } if key.text == "cures_to" => ("polymer", values),
            _ => continue,
        };
        for name in values.iter().filter_map(Value::as_name) {
            if db.lookup(&name.text).is_none() {
                diagnostics.push(
                    suggest::unknown(codes::UNKNOWN_MATERIAL, "material", &name.text, name.span, db.names()).or_help(
                        format!(
                            "declare the {what} with `material {} {{ .. }}`, or name a known one",
                            name.text
                        ),
                    ),
                );
            }
        }
    }
}

const DENSITY: Dimension = Dimension::called("mass concentration");

/// A positive quantity of `dimension`, in SI units.
fn positive(
    key: &Name,
    values: &[Value],
    dimension: Dimension,
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<f64> {
    let value = single(key, values, diagnostics)?;
    let Value::Quantity(quantity) = value else {
        diagnostics.push(wants(key, value.span(), what));
        return None;
    };
    if quantity.value <= 0.0 {
        diagnostics.push(
            Diagnostic::new(
                codes::INVALID_MATERIAL_DATA,
                format!("`{}` must be positive", key.text),
                quantity.span,
                "not a positive value",
            )
            .with_help(format!("write {what}")),
        );
        return None;
    }
    let value = quantity_value(quantity, diagnostics)?;
    if value.dimension != dimension {
        diagnostics.push(
            wants(key, quantity.span, what).with_note(format!("`{}` is a {}", quantity.unit.text, value.dimension)),
        );
        return None;
    }
    Some(value.si)
}

fn wants(key: &Name, span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        codes::DIMENSION_MISMATCH,
        format!("`{}` takes {what}", key.text),
        span,
        "not that kind of value",
    )
    .with_help(format!("write {what}"))
}

/// A temperature in degC, with its span.
fn temperature(key: &Name, values: &[Value], diagnostics: &mut Vec<Diagnostic>) -> Option<(f64, Span)> {
    let what = "a temperature, as `116 degC`";
    let value = single(key, values, diagnostics)?;
    let Value::Quantity(quantity) = value else {
        diagnostics.push(wants(key, value.span(), what));
        return None;
    };
    let value = quantity_value(quantity, diagnostics)?;
    if value.dimension != const { Dimension::called("temperature") } {
        diagnostics.push(wants(key, quantity.span, what));
        return None;
    }
    Some((value.si - KELVIN_AT_0_C, quantity.span))
}

/// A fraction in [0, 1): a plain number or a percentage.
fn fraction(key: &Name, values: &[Value], diagnostics: &mut Vec<Diagnostic>) -> Option<f64> {
    let value = single(key, values, diagnostics)?;
    let fraction = match value {
        Value::Number(number) => Some(number.value),
        Value::Quantity(quantity) => quantity_value(quantity, diagnostics)
            .filter(|v| v.dimension == Dimension::NONE)
            .map(|v| v.si),
        Value::Name(_) => None,
    };
    match fraction {
        Some(f) if (0.0..1.0).contains(&f) => Some(f),
        _ => {
            diagnostics.push(
                Diagnostic::new(
                    codes::INVALID_MATERIAL_DATA,
                    format!("`{}` must be a fraction from 0 up to 1", key.text),
                    value.span(),
                    "not a pore fraction",
                )
                .with_help("write the volume fraction of pores, as `porosity: 0.4` or `porosity: 40 %`"),
            );
            None
        }
    }
}

/// `vapour_pressure: 1.3 kPa, 25 degC`: one datum, in Pa at degC.
fn vapour_pressure(key: &Name, values: &[Value], diagnostics: &mut Vec<Diagnostic>) -> Option<(f64, f64)> {
    let what = "a pressure and the temperature it was measured at, as `1.3 kPa, 25 degC`";
    let [Value::Quantity(pressure), Value::Quantity(at)] = values else {
        diagnostics.push(wants(key, values.first().map_or(key.span, Value::span), what));
        return None;
    };
    let pressure = quantity_value(pressure, diagnostics)?;
    let at = quantity_value(at, diagnostics)?;
    if pressure.dimension != const { Dimension::called("pressure") }
        || at.dimension != const { Dimension::called("temperature") }
        || pressure.si <= 0.0
    {
        diagnostics.push(wants(key, pressure.span.to(at.span), what));
        return None;
    }
    Some((pressure.si, at.si - KELVIN_AT_0_C))
}

/// The one value of a field that names a choice of `choices` (`arrangement: layers`).
fn choice<T: Copy>(
    key: &Name,
    values: &[Value],
    choices: &[(&str, T)],
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<T> {
    let name = single_name(key, values, diagnostics)?;
    let found = choices.iter().find(|(n, _)| *n == name.text).map(|(_, value)| *value);
    if found.is_none() {
        invalid_choice(name, what, choices.iter().map(|(n, _)| *n), diagnostics);
    }
    found
}

fn invalid_choice<'a>(
    value: &Name,
    what: &str,
    choices: impl Iterator<Item = &'a str> + Clone,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let listed: Vec<String> = choices.clone().map(|c| format!("`{c}`")).collect();
    let article = suggest::article(what);
    let diagnostic = Diagnostic::new(
        codes::INVALID_VALUE,
        format!("`{}` is not {article} {what}", value.text),
        value.span,
        format!("not {article} {what}"),
    );
    diagnostics.push(
        suggest::did_you_mean(diagnostic, what, &value.text, value.span, choices)
            .with_note(format!("the choices are {}", listed.join(", "))),
    );
}

/// The fields of a `reaction` declaration.
pub const REACTION_FIELDS: &[&str] = &[
    "trigger",
    "anneal",
    "arrangement",
    "extent",
    "unbalanced",
    "activation",
    "source",
];

const TRIGGERS: &[(&str, Trigger)] = &[
    ("contact", Trigger::Contact),
    ("molten", Trigger::Molten),
    ("plating", Trigger::Plating),
    ("pressing", Trigger::Pressing),
];

const ARRANGEMENTS: &[(&str, Arrangement)] = &[("layers", Arrangement::Layers), ("composite", Arrangement::Composite)];

/// `reaction "SiCl4 + 4 Li -> 4 LiCl + Si" { .. }`: the equation is read, resolved and
/// checked for balance like the rows of `data/reactions.tsv`.
fn lower_reaction(decl: &BlockDecl, db: &MaterialDb, diagnostics: &mut Vec<Diagnostic>) -> Option<Reaction> {
    let equation = &decl.name;
    let (reactant, li_per_unit, products) = match parse_equation(&equation.text, db) {
        Ok(parsed) => parsed,
        Err(EquationError { message, help }) => {
            diagnostics.push(
                Diagnostic::new(codes::INVALID_REACTION, message, equation.span, "in this equation").with_help(help),
            );
            return None;
        }
    };
    let mut reaction = Reaction {
        reactant,
        li_per_unit,
        products,
        arrangement: Arrangement::Composite,
        when: Vec::new(),
        extent_min: 1.0,
        unbalanced: Vec::new(),
        source: "declared in the recipe, no source given".to_owned(),
        needs_plasma: false,
        equation: String::new(),
        energy: Err(NoEnergy::Unbalanced),
    };
    for entry in &decl.entries {
        let DeclEntry::Field { key, values } = entry else {
            continue;
        };
        match key.text.as_ref() {
            "trigger" => {
                for name in names(key, values, diagnostics) {
                    match TRIGGERS.iter().find(|(n, _)| *n == name.text) {
                        Some((_, trigger)) => reaction.when.push(*trigger),
                        None => invalid_choice(name, "trigger", TRIGGERS.iter().map(|(n, _)| *n), diagnostics),
                    }
                }
            }
            "anneal" => {
                if let Some((celsius, _)) = temperature(key, values, diagnostics) {
                    reaction.when.push(Trigger::Anneal(celsius + KELVIN_AT_0_C));
                }
            }
            "arrangement" => {
                if let Some(arrangement) = choice(key, values, ARRANGEMENTS, "arrangement", diagnostics) {
                    reaction.arrangement = arrangement;
                }
            }
            "extent" => {
                // One value (the extent) or two (its range): the model uses the least.
                let extents: Vec<(f64, Span)> = values
                    .iter()
                    .filter_map(|value| match value {
                        Value::Number(n) => Some((n.value, n.span)),
                        _ => None,
                    })
                    .collect();
                match extents.iter().find(|(e, _)| !(0.0..=1.0).contains(e)) {
                    _ if extents.len() != values.len() || extents.is_empty() || extents.len() > 2 => {
                        diagnostics.push(wants(
                            key,
                            key.span,
                            "the extent of conversion, as `1` or a range `0.5, 1`",
                        ));
                    }
                    Some((_, span)) => diagnostics.push(
                        Diagnostic::new(
                            codes::INVALID_MATERIAL_DATA,
                            "an extent of conversion is a fraction from 0 to 1",
                            *span,
                            "out of range",
                        )
                        .with_help("write the fraction of the reactant converted, as `extent: 0.5, 1`"),
                    ),
                    None => reaction.extent_min = extents.iter().map(|(e, _)| *e).fold(1.0, f64::min),
                }
            }
            "activation" => {
                if let Some(name) = single_name(key, values, diagnostics) {
                    match name.text.as_ref() {
                        "plasma" => reaction.needs_plasma = true,
                        "none" => reaction.needs_plasma = false,
                        _ => invalid_choice(name, "activation", ["plasma", "none"].into_iter(), diagnostics),
                    }
                }
            }
            "unbalanced" => reaction.unbalanced = texts(key, values, diagnostics),
            "source" => {
                if let Some(name) = text(key, values, diagnostics) {
                    reaction.source = name;
                }
            }
            _ => unknown_field(key, REACTION_FIELDS, "a reaction", diagnostics),
        }
    }
    if reaction.arrangement == Arrangement::Layers && reaction.extent_min < 1.0 {
        // The model lays separate product layers only under a complete conversion.
        reaction.arrangement = Arrangement::Composite;
    }
    match imbalance(&reaction, db) {
        Ok(balance) => {
            let off: Vec<String> = balance
                .iter()
                .filter(|(symbol, _)| !reaction.unbalanced.contains(symbol))
                .map(|(symbol, excess)| {
                    let side = if *excess > 0.0 {
                        "more on the right"
                    } else {
                        "more on the left"
                    };
                    format!("{symbol}: {} {side}", trim_number(excess.abs()))
                })
                .collect();
            if !off.is_empty() {
                diagnostics.push(
                    Diagnostic::new(
                        codes::UNBALANCED_REACTION,
                        format!("the reaction `{}` is not balanced", equation.text),
                        equation.span,
                        format!("off by {}", off.join(", ")),
                    )
                    .with_help("fix the coefficients, or list the elements the source leaves open: `unbalanced: H`")
                    .with_note("the Li a reaction consumes, and the layers it makes, follow from its coefficients"),
                );
                return None;
            }
        }
        Err(missing) => diagnostics.push(
            Diagnostic::new(
                codes::REACTION_BALANCE_UNCHECKED,
                format!("the balance of `{}` cannot be checked", equation.text),
                equation.span,
                format!("`{missing}` has no formula"),
            )
            .with_help(format!(
                "give `{missing}` a `formula`, or check the coefficients by hand"
            )),
        ),
    }
    reaction.equation = reaction.write_equation();
    Some(reaction)
}

struct EquationError {
    message: String,
    help: String,
}

/// A parsed equation: (reactant, mol Li per formula unit, (coefficient, product) pairs).
type Equation = (String, f64, Vec<(f64, String)>);

/// `A + n Li -> b B + c C`, per formula unit of `A`: (reactant, n, products).
fn parse_equation(text: &str, db: &MaterialDb) -> Result<Equation, EquationError> {
    let shape = || EquationError {
        message: format!("`{text}` is not a reaction equation"),
        help: "write `reactant + n Li -> products`, as `\"SiCl4 + 4 Li -> 4 LiCl + Si\"`".to_owned(),
    };
    let (left, right) = text
        .split_once("->")
        .or_else(|| text.split_once('→'))
        .ok_or_else(shape)?;
    let terms = |side: &str| -> Result<Vec<(f64, String)>, EquationError> {
        side.split(" + ")
            .map(|term| {
                let term = term.trim();
                let (count, name) = match term.split_once(' ') {
                    Some((count, name)) if count.parse::<f64>().is_ok() => {
                        (count.parse::<f64>().unwrap_or(1.0), name.trim())
                    }
                    _ => (1.0, term),
                };
                if name.is_empty() || count.is_nan() || count <= 0.0 {
                    return Err(shape());
                }
                match db.lookup(name) {
                    Some(material) => Ok((count, material.key.clone())),
                    None => Err(EquationError {
                        message: format!("unknown material `{name}` in the reaction"),
                        help: suggest::similar("material", name, db.names())
                            .unwrap_or_else(|| format!("declare it with `material {name} {{ .. }}`")),
                    }),
                }
            })
            .collect()
    };
    let left = terms(left)?;
    let right = terms(right)?;
    let (lithium, reactants): (Vec<_>, Vec<_>) = left.into_iter().partition(|(_, key)| key == "Li");
    let ([(li, _)], [(coefficient, reactant)]) = (lithium.as_slice(), reactants.as_slice()) else {
        return Err(EquationError {
            message: format!("`{text}` must have one reactant and Li on its left"),
            help: "write one reactant with the Li it takes, as `\"MgF2 + 2 Li -> 2 LiF + Mg\"`".to_owned(),
        });
    };
    if right.is_empty() || right.iter().any(|(_, key)| key == "Li") {
        return Err(EquationError {
            message: format!("`{text}` must give products other than Li"),
            help: "list the products on the right of `->`; Li is consumed on the left".to_owned(),
        });
    }
    let per_unit = right.into_iter().map(|(n, key)| (n / coefficient, key)).collect();
    Ok((reactant.clone(), li / coefficient, per_unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> &'static Chemistry {
        Chemistry::builtin()
    }

    #[test]
    fn the_reactions_load_and_name_known_materials() {
        let chemistry = builtin();
        let db = &chemistry.materials;
        assert!(chemistry.reactions.len() >= 20);
        for reaction in chemistry.reactions.values() {
            for key in std::iter::once(&reaction.reactant).chain(reaction.products.iter().map(|(_, k)| k)) {
                let material = db
                    .lookup(key)
                    .unwrap_or_else(|| panic!("data/reactions.tsv names unknown `{key}`"));
                assert_eq!(&material.key, key, "use the key, not an alias: `{key}`");
            }
            for (_, product) in &reaction.products {
                let material = db.lookup(product).unwrap_or_else(|| panic!("{product}"));
                assert!(
                    material.density_g_cm3.is_some(),
                    "{}: product `{product}` has no density",
                    reaction.reactant
                );
                assert!(
                    material.computed_molar_mass().is_some(),
                    "{}: product `{product}` has no molar mass",
                    reaction.reactant
                );
            }
            assert!((0.0..=1.0).contains(&reaction.extent_min), "{}", reaction.reactant);
            assert!(
                reaction.arrangement == Arrangement::Composite || reaction.extent_min == 1.0,
                "{}: separate product layers need a complete conversion",
                reaction.reactant
            );
        }
    }

    #[test]
    fn every_builtin_reaction_balances_its_elements() {
        let chemistry = builtin();
        for reaction in chemistry.reactions.values() {
            let balance = imbalance(reaction, &chemistry.materials)
                .unwrap_or_else(|missing| panic!("{}: `{missing}` has no formula", reaction.reactant));
            for (symbol, excess) in balance {
                assert!(
                    reaction.unbalanced.contains(&symbol),
                    "{}: {symbol} is off by {excess}",
                    reaction.equation()
                );
            }
        }
    }

    #[test]
    fn equations_read_like_chemistry() {
        let chemistry = builtin();
        assert_eq!(chemistry.reactions["MgF2"].equation(), "MgF2 + 2 Li -> 2 LiF + Mg");
        assert_eq!(chemistry.reactions["Cu3N"].equation(), "Cu3N + 3 Li -> Li3N + 3 Cu");
        assert_eq!(Trigger::parse("anneal:250"), Some(Trigger::Anneal(523.15)));
        assert_eq!(Trigger::Anneal(523.15).describe(), "on heating to 250 degC or above");
    }

    fn declared(source: &str) -> (Chemistry, Vec<String>) {
        let (file, syntax) = crate::syntax::parser::parse(source);
        assert!(syntax.is_empty(), "{syntax:?}");
        let (chemistry, diagnostics) = declare(&file);
        (
            chemistry.into_owned(),
            diagnostics.iter().map(|d| d.code.id.to_owned()).collect(),
        )
    }

    /// The free energy is computed once with the chemistry: a declared material's
    /// formation energy reaches the built-in reaction of that material, and a declared
    /// reaction carries its own.
    #[test]
    fn each_reaction_carries_its_free_energy_computed_with_its_chemistry() {
        let mgf2 = builtin().reactions["MgF2"].energy().expect("MgF2 has Gibbs energies");
        assert!((mgf2.per_mol_li - -52.15).abs() < 0.01, "{mgf2:?}");
        assert!(builtin().reactions["FEC"].energy().is_err());
        let (chemistry, codes) = declared(
            r#"material MgF2 { formula: MgF2  class: salt  phase: solid  density: 3.15 g/cm3  formation_gibbs: -1300 kJ/mol }
               material SrF2x { formula: SrF2  class: salt  phase: solid  density: 4.24 g/cm3  formation_gibbs: -1200 kJ/mol }
               reaction "SrF2x + 2 Li -> 2 LiF + Sr" { trigger: contact }"#,
        );
        assert!(codes.iter().all(|c| c.starts_with('W')), "{codes:?}");
        // 2(-587.7) - (-1300) = +124.6 kJ for 2 Li.
        let declared = chemistry.reactions["MgF2"].energy().expect("declared ΔfG");
        assert!((declared.per_mol_li - 62.3).abs() < 0.01, "{declared:?}");
        let srf2 = chemistry.reactions["SrF2x"].energy().expect("declared ΔfG");
        assert!((srf2.per_mol_li - 12.3).abs() < 0.01, "{srf2:?}");
    }

    #[test]
    fn a_declared_material_joins_the_table() {
        let (chemistry, codes) = declared(
            // Not the built-in `ethylenediamine` row, which a declaration would shadow (a warning).
            r#"material lab_ethylenediamine { formula: C2H8N2  class: solvent  phase: liquid  density: 0.899 g/cm3
                 melts: 8.5 degC  boils: 116 degC  li_reaction: inert  source: "CRC" }"#,
        );
        assert!(codes.is_empty(), "{codes:?}");
        let material = chemistry.materials.lookup("lab_ethylenediamine").unwrap();
        assert!((material.density_g_cm3.unwrap() - 0.899).abs() < 1e-12);
        assert!((material.computed_molar_mass().unwrap() - 60.10).abs() < 0.01);
        assert_eq!(material.phase_at(150.0 + 273.15), Phase::Gas);
        assert!(material.unverified.is_empty());
    }

    #[test]
    fn a_material_without_a_source_is_unverified() {
        let (chemistry, codes) = declared("material goo { phase: liquid  density: 1.1 g/cm3 }");
        assert!(codes.is_empty(), "{codes:?}");
        assert_eq!(chemistry.materials.lookup("goo").unwrap().unverified, ["density_g_cm3"]);
    }

    #[test]
    fn bad_declarations_are_reported() {
        let cases = [
            ("material a { density: 1 g/cm3 }", "E0701"),
            ("material a { phase: solid  density: -1 g/cm3 }", "E0702"),
            ("material a { phase: solid  density: 1 nm }", "E0302"),
            ("material a { phase: solid  melts: 300 degC  boils: 100 degC }", "E0703"),
            ("material a { phase: liquid  melts: 300 degC }", "E0703"),
            ("material a { phase: solid  dissolves_in: NMQ }", "E0201"),
            ("material a { phase: solid  porosity: 1.5 }", "E0702"),
            ("material a { phase: solid  formula: Xy2 }", "E0702"),
            ("material Li { phase: solid }", "W0701"),
            ("material a { phase: solid }  material a { phase: solid }", "E0202"),
            (r#"reaction "SiCl4 + 2 Li -> 4 LiCl + Si" { }"#, "E0705"),
            (r#"reaction "SiCl4 -> 4 LiCl" { }"#, "E0704"),
            (r#"reaction "Unobtainium + Li -> LiF" { }"#, "E0704"),
        ];
        for (source, code) in cases {
            let (_, codes) = declared(source);
            assert!(codes.contains(&code.to_owned()), "{source}: {codes:?}");
        }
    }

    #[test]
    fn a_declared_reaction_is_read_per_unit_of_reactant() {
        let (chemistry, codes) = declared(
            r#"reaction "2 SiCl4 + 8 Li -> 8 LiCl + 2 Si" { trigger: contact  extent: 0.5, 1  source: "ref" }"#,
        );
        assert!(codes.is_empty(), "{codes:?}");
        let reaction = &chemistry.reactions["SiCl4"];
        assert_eq!(reaction.li_per_unit, 4.0);
        assert_eq!(reaction.products, [(4.0, "LiCl".to_owned()), (1.0, "Si".to_owned())]);
        assert_eq!(reaction.when, [Trigger::Contact]);
        assert_eq!(reaction.extent_min, 0.5);
        assert_eq!(reaction.equation(), "SiCl4 + 4 Li -> 4 LiCl + Si");
    }
}
