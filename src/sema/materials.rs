//! The built-in materials table: what each substance a recipe names is made of, when it
//! melts or boils, and what bare lithium does on contact with it.
//!
//! The data lives in `data/materials.tsv` and `data/elements.tsv` rather than in Rust so
//! that the numbers can be reviewed line by line against their sources. Both files are
//! embedded at compile time, so the compiler reads no files at run time; a malformed table
//! is therefore a programming error, which the unit tests below catch before it ships.

use std::collections::BTreeMap;

// The index is looked up for every material of every step: a fast hash of our own keys.
use rustc_hash::FxHashMap as HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;

const MATERIALS_TSV: &str = include_str!("../../data/materials.tsv");
const ELEMENTS_TSV: &str = include_str!("../../data/elements.tsv");
const SOLUBILITY_TSV: &str = include_str!("../../data/solubility.tsv");

const SOLUBILITY_COLUMNS: [&str; 4] = ["solute", "solvent", "dissolves", "source"];
const CONDUCTION_TSV: &str = include_str!("../../data/conduction.tsv");
const CONDUCTION_COLUMNS: [&str; 3] = ["material", "electronic", "source"];

/// The table gives temperatures in degrees Celsius; the compiler works in kelvin.
const KELVIN_AT_0_C: f64 = 273.15;

/// Columns of `data/materials.tsv`, in order. The `unverified` column names these.
const MATERIAL_COLUMNS: [&str; 23] = [
    "key",
    "formula",
    "name",
    "aliases",
    "kind",
    "phase_25C",
    "molar_mass_g_mol",
    "density_g_cm3",
    "porosity",
    "melt_C",
    "boil_C",
    "decomp_C",
    "sublime_C",
    "vp_Pa",
    "vp_C",
    "li_reaction",
    "li_products",
    "li_per_unit",
    "dissolves_in",
    "source",
    "li_note",
    "classification",
    "unverified",
];

const ELEMENT_COLUMNS: [&str; 4] = ["symbol", "name", "atomic_weight", "source"];

/// The allowed values of the `kind` column; a closed list keeps typos out of the table.
pub const KINDS: [&str; 11] = [
    "metal",
    "alloy",
    "salt",
    "ceramic",
    "polymer",
    "carbon",
    "solvent",
    "gas",
    "molecular",
    "liquid_metal",
    "other",
];

/// Every element symbol, so that a formula naming a non-element (`Xy`, or `CO` misread as
/// cobalt's `Co`) is rejected while parsing, even when no atomic weight is tabulated for it.
const ELEMENT_SYMBOLS: [&str; 118] = [
    "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar", "K", "Ca",
    "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y",
    "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce",
    "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir",
    "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm",
    "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc",
    "Lv", "Ts", "Og",
];

/// State of aggregation at 1 atm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Solid,
    Liquid,
    Gas,
}

/// What bare Li metal does on contact with a material. The compiler uses it to know which
/// steps consume Li and build a new layer, and which ones only deposit or wet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LiReaction {
    /// No reaction (or one too slow to matter at the process conditions).
    Inert,
    /// Li dissolves into it to form a Li alloy or intercalation compound.
    Alloys,
    /// A precursor that Li converts into Li compounds plus a metal or alloy.
    Converts,
    /// Li reacts to grow a passivating, SEI-like layer.
    Passivates,
    /// Protic or strongly oxidising: violent reaction, usually with H2 evolution.
    Violent,
    /// The reference does not say.
    Unknown,
}

/// One row of the materials table. Optional numbers are `None` where the source gives none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Material {
    /// The name recipes use; unique across keys and aliases.
    pub key: String,
    /// Composition, when it is fixed (polymers: one repeat unit).
    pub formula: Option<Formula>,
    /// The formula as written in the table, empty when the composition is variable.
    pub formula_text: String,
    pub name: String,
    /// Other exact, case-sensitive names that resolve to this row.
    pub aliases: Vec<String>,
    /// One of `metal`, `alloy`, `salt`, `ceramic`, `polymer`, `carbon`, `solvent`, `gas`,
    /// `molecular`, `liquid_metal`, `other`.
    pub kind: String,
    pub phase_25c: Phase,
    /// Per formula unit as given in the table (per repeat unit for polymers, equivalent
    /// weight for Nafion).
    pub molar_mass_g_mol: Option<f64>,
    /// Near 25 °C; thin-film density where bulk and film differ; ideal gas at 1 atm for gases.
    pub density_g_cm3: Option<f64>,
    /// Volume fraction of pores in the material as supplied (a cloth, a mesh, a porous
    /// film): mass and coating scale by `1 - porosity`; `None` for a dense material.
    pub porosity: Option<f64>,
    pub melt_c: Option<f64>,
    pub boil_c: Option<f64>,
    pub decomp_c: Option<f64>,
    /// Sublimation point at 1 atm, for a solid that turns to vapour without melting.
    pub sublime_c: Option<f64>,
    /// One vapour-pressure datum: `vapour_pressure.0` Pa at `vapour_pressure.1` degC. It
    /// is what makes a precursor dosable as a vapour below its boiling point (TMA, TDMAT).
    pub vapour_pressure: Option<(f64, f64)>,
    pub li_reaction: LiReaction,
    /// Keys of the materials Li turns this one into.
    pub li_products: Vec<String>,
    /// Li atoms consumed per formula unit by the main reaction.
    pub li_per_unit: Option<f64>,
    /// Keys of solvents that dissolve it: the `dissolves_in` column and the `yes` rows of
    /// `data/solubility.tsv`.
    pub dissolves_in: Vec<String>,
    /// Keys of liquids `data/solubility.tsv` names as non-solvents of it (a salt that
    /// stays undissolved, a polymer a rinse leaves in place).
    pub insoluble_in: Vec<String>,
    /// Whether it conducts electrons at 25 degC (`data/conduction.tsv`; not listed: no).
    pub conducts_electrons: bool,
    /// The polymer a `cure` step (UV or heat) turns it into, when it is a monomer or a
    /// precursor resin: declared by a recipe (`cures_to: POLYMER`); no built-in material
    /// has a source for one.
    pub cures_to: Option<String>,
    /// Where the numbers come from.
    pub source: String,
    /// How Li reacts with it, in words, with the review's references.
    pub li_note: String,
    /// Why `li_reaction`, `li_products` and `li_per_unit` have their values (for
    /// reviewers of the table; not shown to users).
    pub classification: String,
    /// Names of the columns whose value the source calls unverified or approximate.
    pub unverified: Vec<String>,
}

impl Material {
    /// Phase at a temperature in kelvin (1 atm): solid below melt, liquid between melt and
    /// boil, gas above boil; falls back on `phase_25c` when the points are missing; a
    /// material that decomposes (`decomp_c`) before melting stays solid.
    ///
    /// Above its decomposition temperature the material no longer exists as such; callers
    /// that care check `decomp_c` themselves, so the answer there is the phase it had.
    pub fn phase_at(&self, kelvin: f64) -> Phase {
        let celsius = kelvin - KELVIN_AT_0_C;
        let first_transition = self.melt_c.or(self.boil_c).or(self.sublime_c);
        if self.phase_25c == Phase::Solid
            && let Some(decomp) = self.decomp_c
            && first_transition.is_none_or(|transition| decomp < transition)
        {
            return Phase::Solid;
        }
        if self.boil_c.or(self.sublime_c).is_some_and(|boil| celsius >= boil) {
            return Phase::Gas;
        }
        match self.melt_c {
            Some(melt) if celsius < melt => Phase::Solid,
            Some(_) => Phase::Liquid,
            None => self.phase_25c,
        }
    }

    /// Whether the source calls the value in `column` (a `data/materials.tsv` column name,
    /// e.g. `density_g_cm3`) unverified or approximate, so a diagnostic can say so.
    pub fn is_unverified(&self, column: &str) -> bool {
        self.unverified.iter().any(|c| c == column)
    }

    /// Molar mass computed from the formula and atomic weights when the formula is known,
    /// else the table value. The computed value is the one consistent with the formula that
    /// stoichiometry uses; the table value covers variable compositions.
    pub fn computed_molar_mass(&self) -> Option<f64> {
        self.formula
            .as_ref()
            .and_then(|formula| formula.molar_mass(MaterialDb::builtin()))
            .or(self.molar_mass_g_mol)
    }
}

/// An element composition: symbol and count, sorted by symbol, each symbol once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Formula {
    pub elements: Vec<(String, f64)>,
}

impl Formula {
    /// Molar mass in g/mol from `db`'s atomic weights, or `None` when an element has none.
    pub fn molar_mass(&self, db: &MaterialDb) -> Option<f64> {
        self.elements
            .iter()
            .map(|(symbol, count)| db.atomic_weight(symbol).map(|weight| weight * count))
            .sum()
    }
}

/// Why a formula does not parse. Offsets are byte offsets into the formula text, so a
/// caller can point at the exact spot inside a recipe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormulaError {
    Empty,
    UnexpectedChar { offset: usize, found: char },
    UnknownElement { offset: usize, symbol: String },
    InvalidCount { offset: usize },
    UnclosedGroup { offset: usize },
    UnmatchedClose { offset: usize },
}

impl fmt::Display for FormulaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormulaError::Empty => write!(f, "empty formula"),
            FormulaError::UnexpectedChar { offset, found } => {
                write!(f, "unexpected character '{found}' at offset {offset}")
            }
            FormulaError::UnknownElement { offset, symbol } => {
                write!(f, "unknown element '{symbol}' at offset {offset}")
            }
            FormulaError::InvalidCount { offset } => write!(f, "invalid count at offset {offset}"),
            FormulaError::UnclosedGroup { offset } => {
                write!(f, "unclosed '(' at offset {offset}")
            }
            FormulaError::UnmatchedClose { offset } => {
                write!(f, "unmatched ')' at offset {offset}")
            }
        }
    }
}

impl std::error::Error for FormulaError {}

/// Parses an element formula: element symbols with optional integer or decimal counts, and
/// parenthesised groups with counts, e.g. `Li22Sn5`, `CH2FCF3`, `LiN(SO2CF3)2`.
///
/// # Errors
/// A [`FormulaError`] locating the first character that does not fit that grammar, or a
/// symbol that is not an element.
pub fn parse_formula(text: &str) -> Result<Formula, FormulaError> {
    if text.is_empty() {
        return Err(FormulaError::Empty);
    }
    let mut parser = FormulaParser { text, pos: 0 };
    let counts = parser.sequence()?;
    if parser.peek().is_some() {
        // `sequence` stops only at the end or at a ')' that closes nothing.
        return Err(FormulaError::UnmatchedClose { offset: parser.pos });
    }
    Ok(Formula {
        elements: counts.into_iter().collect(),
    })
}

/// Recursive-descent parser over the formula text; `pos` is a byte offset.
struct FormulaParser<'a> {
    text: &'a str,
    pos: usize,
}

impl FormulaParser<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }

    /// Parses elements and groups up to the end of the text or a `)`, which it leaves for
    /// the caller. A `BTreeMap` keeps symbols sorted and merges repeats (`CH2FCF3`).
    fn sequence(&mut self) -> Result<BTreeMap<String, f64>, FormulaError> {
        let mut counts = BTreeMap::new();
        while let Some(c) = self.peek() {
            let start = self.pos;
            let part = match c {
                ')' => break,
                '(' => {
                    self.bump();
                    let inner = self.sequence()?;
                    match self.peek() {
                        Some(')') if inner.is_empty() => {
                            return Err(FormulaError::UnexpectedChar {
                                offset: self.pos,
                                found: ')',
                            });
                        }
                        Some(')') => self.bump(),
                        _ => return Err(FormulaError::UnclosedGroup { offset: start }),
                    }
                    inner
                }
                c if c.is_ascii_uppercase() => BTreeMap::from([(self.symbol()?, 1.0)]),
                found => {
                    return Err(FormulaError::UnexpectedChar { offset: start, found });
                }
            };
            let count = self.count()?;
            for (symbol, n) in part {
                *counts.entry(symbol).or_insert(0.0) += n * count;
            }
        }
        Ok(counts)
    }

    /// An uppercase letter and at most one lowercase letter, which must name an element.
    fn symbol(&mut self) -> Result<String, FormulaError> {
        let start = self.pos;
        self.bump();
        if self.peek().is_some_and(|c| c.is_ascii_lowercase()) {
            self.bump();
        }
        let symbol = &self.text[start..self.pos];
        if ELEMENT_SYMBOLS.contains(&symbol) {
            Ok(symbol.to_owned())
        } else {
            Err(FormulaError::UnknownElement {
                offset: start,
                symbol: symbol.to_owned(),
            })
        }
    }

    /// An optional positive count (`2`, `0.5`); 1 when absent.
    fn count(&mut self) -> Result<f64, FormulaError> {
        let start = self.pos;
        self.skip_digits();
        if self.pos == start {
            return Ok(1.0);
        }
        if self.peek() == Some('.') {
            self.bump();
            let fraction_start = self.pos;
            self.skip_digits();
            if self.pos == fraction_start {
                return Err(FormulaError::InvalidCount { offset: start });
            }
        }
        match self.text[start..self.pos].parse::<f64>() {
            Ok(count) if count > 0.0 => Ok(count),
            _ => Err(FormulaError::InvalidCount { offset: start }),
        }
    }

    fn skip_digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
    }
}

/// The materials table with a name index, and the atomic weights its formulas use.
#[derive(Debug, Clone)]
pub struct MaterialDb {
    materials: Vec<Material>,
    /// Key or alias -> index into `materials`.
    index: HashMap<String, usize>,
    atomic_weights: HashMap<String, f64>,
}

impl MaterialDb {
    /// The table embedded in the compiler, parsed on first use.
    ///
    /// # Panics
    /// Only if the embedded data is malformed, which the unit tests rule out.
    pub fn builtin() -> &'static MaterialDb {
        static BUILTIN: OnceLock<MaterialDb> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            MaterialDb::parse(MATERIALS_TSV, ELEMENTS_TSV)
                .and_then(|mut db| db.read_solubility(SOLUBILITY_TSV).map(|()| db))
                .and_then(|mut db| db.read_conduction(CONDUCTION_TSV).map(|()| db))
                .unwrap_or_else(|error| panic!("embedded materials data is malformed: {error}"))
        })
    }

    /// Finds a material by key or alias, exactly (case-sensitive: `Co` is not `CO`).
    pub fn lookup(&self, name: &str) -> Option<&Material> {
        self.index.get(name).map(|&i| &self.materials[i])
    }

    /// All keys and aliases in table order (each key followed by its aliases), for
    /// "did you mean" suggestions that must not depend on hash order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.materials.iter().flat_map(|material| {
            std::iter::once(material.key.as_str()).chain(material.aliases.iter().map(String::as_str))
        })
    }

    pub fn materials(&self) -> &[Material] {
        &self.materials
    }

    /// Adds the verdicts of `data/solubility.tsv`: `yes` joins `dissolves_in`, `no`
    /// `insoluble_in`; `partial` (swelling, a latent solvent) is a statement the checks do
    /// not act on. Each pair is stated once, names materials and has a source.
    fn read_solubility(&mut self, tsv: &str) -> Result<(), TableError> {
        let mut seen = std::collections::BTreeSet::new();
        for (line, fields) in records("solubility.tsv", tsv, &SOLUBILITY_COLUMNS)? {
            let error = |message: String| TableError::new("solubility.tsv", line, message);
            let key = |name: &str| {
                self.index
                    .get(name)
                    .copied()
                    .ok_or_else(|| error(format!("'{name}' names no material")))
            };
            let (solute, solvent) = (key(fields[0])?, key(fields[1])?);
            if fields[3].trim().is_empty() {
                return Err(error("no source".to_owned()));
            }
            if !seen.insert((solute, solvent)) {
                return Err(error(format!("{} in {} is stated twice", fields[0], fields[1])));
            }
            let solvent_key = self.materials[solvent].key.clone();
            let material = &mut self.materials[solute];
            let listed = material.dissolves_in.contains(&solvent_key);
            match fields[2] {
                "yes" if !listed => material.dissolves_in.push(solvent_key),
                "yes" | "partial" => {}
                "no" if listed => {
                    return Err(error(format!("{} lists {solvent_key} in dissolves_in", fields[0])));
                }
                "no" => material.insoluble_in.push(solvent_key),
                other => return Err(error(format!("dissolves '{other}' is not yes, no or partial"))),
            }
        }
        Ok(())
    }

    /// Adds the verdicts of `data/conduction.tsv`, each once, sourced.
    fn read_conduction(&mut self, tsv: &str) -> Result<(), TableError> {
        let mut seen = std::collections::BTreeSet::new();
        for (line, fields) in records("conduction.tsv", tsv, &CONDUCTION_COLUMNS)? {
            let error = |message: String| TableError::new("conduction.tsv", line, message);
            let index = self
                .index
                .get(fields[0])
                .copied()
                .ok_or_else(|| error(format!("'{}' names no material", fields[0])))?;
            if fields[2].trim().is_empty() {
                return Err(error("no source".to_owned()));
            }
            if !seen.insert(index) {
                return Err(error(format!("{} is stated twice", fields[0])));
            }
            self.materials[index].conducts_electrons = match fields[1] {
                "conductor" => true,
                "insulator" => false,
                other => return Err(error(format!("electronic '{other}' is not conductor or insulator"))),
            };
        }
        Ok(())
    }

    /// Adds a material declared in a recipe, or replaces the row it shadows: its key and
    /// aliases now name it. The caller has reported a shadowed name.
    pub fn declare(&mut self, material: Material) {
        let index = match self.index.get(&material.key) {
            Some(&index) if self.materials[index].key == material.key => index,
            _ => self.materials.len(),
        };
        for name in std::iter::once(&material.key).chain(&material.aliases) {
            self.index.insert(name.clone(), index);
        }
        if index == self.materials.len() {
            self.materials.push(material);
        } else {
            self.materials[index] = material;
        }
    }

    /// Standard atomic weight in g/mol of an element that some table formula uses.
    pub fn atomic_weight(&self, symbol: &str) -> Option<f64> {
        self.atomic_weights.get(symbol).copied()
    }

    /// Parses both tables and checks what the rest of the compiler relies on: unique names,
    /// parseable formulas with known atomic weights, and cross-references that resolve.
    fn parse(materials_tsv: &str, elements_tsv: &str) -> Result<MaterialDb, TableError> {
        let mut atomic_weights = HashMap::default();
        for (line, fields) in records("elements.tsv", elements_tsv, &ELEMENT_COLUMNS)? {
            let error = |message: String| TableError::new("elements.tsv", line, message);
            let symbol = fields[0];
            if !ELEMENT_SYMBOLS.contains(&symbol) {
                return Err(error(format!("'{symbol}' is not an element symbol")));
            }
            let weight = number(fields[2])
                .map_err(&error)?
                .ok_or_else(|| error(format!("{symbol} has no atomic weight")))?;
            if atomic_weights.insert(symbol.to_owned(), weight).is_some() {
                return Err(error(format!("{symbol} is listed twice")));
            }
        }

        let mut materials = Vec::new();
        let mut index = HashMap::default();
        for (line, fields) in records("materials.tsv", materials_tsv, &MATERIAL_COLUMNS)? {
            let error = |message: String| TableError::new("materials.tsv", line, message);
            let material = material(&fields).map_err(&error)?;
            if let Some(formula) = &material.formula
                && let Some((symbol, _)) = formula
                    .elements
                    .iter()
                    .find(|(symbol, _)| !atomic_weights.contains_key(symbol))
            {
                return Err(error(format!("{symbol} has no atomic weight in elements.tsv")));
            }
            let names = std::iter::once(&material.key).chain(&material.aliases);
            for name in names {
                if index.insert(name.clone(), materials.len()).is_some() {
                    return Err(error(format!("the name '{name}' is used twice")));
                }
            }
            materials.push((line, material));
        }

        for (line, material) in &materials {
            let mut references = material.li_products.iter().chain(&material.dissolves_in);
            if let Some(missing) = references.find(|r| !index.contains_key(*r)) {
                return Err(TableError::new(
                    "materials.tsv",
                    *line,
                    format!("'{missing}' names no material"),
                ));
            }
        }

        Ok(MaterialDb {
            materials: materials.into_iter().map(|(_, material)| material).collect(),
            index,
            atomic_weights,
        })
    }
}

/// A defect in one of the embedded tables, located by file and line for the developer
/// who edits it.
#[derive(Debug)]
struct TableError {
    file: &'static str,
    line: usize,
    message: String,
}

impl TableError {
    fn new(file: &'static str, line: usize, message: String) -> TableError {
        TableError { file, line, message }
    }
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Splits a TSV text into (1-based line number, fields) records, skipping blank lines and
/// `#` comments, after checking that the first line is exactly `columns`.
fn records<'a>(file: &'static str, text: &'a str, columns: &[&str]) -> Result<Vec<(usize, Vec<&'a str>)>, TableError> {
    let mut lines = text.lines().enumerate().map(|(i, line)| (i + 1, line));
    let header: Vec<&str> = lines
        .next()
        .map(|(_, line)| line.split('\t').collect())
        .unwrap_or_default();
    if header != columns {
        return Err(TableError::new(file, 1, format!("header must be {columns:?}")));
    }
    lines
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(number, line)| {
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() == columns.len() {
                Ok((number, fields))
            } else {
                Err(TableError::new(
                    file,
                    number,
                    format!("{} fields, expected {}", fields.len(), columns.len()),
                ))
            }
        })
        .collect()
}

/// Builds a material from the fields of one row of `materials.tsv`, in column order.
fn material(fields: &[&str]) -> Result<Material, String> {
    let [
        key,
        formula,
        name,
        aliases,
        kind,
        phase,
        molar_mass,
        density,
        porosity,
        melt,
        boil,
        decomp,
        sublime,
        vp_pa,
        vp_c,
        li_reaction,
        li_products,
        li_per_unit,
        dissolves_in,
        source,
        li_note,
        classification,
        unverified,
    ] = fields
    else {
        return Err(format!("{} fields, expected {}", fields.len(), MATERIAL_COLUMNS.len()));
    };
    if key.is_empty() || key.trim() != *key {
        return Err(format!("bad key '{key}'"));
    }
    if !KINDS.contains(kind) {
        return Err(format!("{key}: unknown kind '{kind}'"));
    }
    let unverified = list(unverified, '|')?;
    if let Some(column) = unverified.iter().find(|c| !MATERIAL_COLUMNS.contains(&c.as_str())) {
        return Err(format!("{key}: unverified names no column: '{column}'"));
    }
    Ok(Material {
        key: (*key).to_owned(),
        formula: match *formula {
            "" => None,
            text => Some(parse_formula(text).map_err(|e| format!("{key}: formula: {e}"))?),
        },
        formula_text: (*formula).to_owned(),
        name: (*name).to_owned(),
        aliases: list(aliases, '|')?,
        kind: (*kind).to_owned(),
        phase_25c: match *phase {
            "solid" => Phase::Solid,
            "liquid" => Phase::Liquid,
            "gas" => Phase::Gas,
            other => return Err(format!("{key}: unknown phase '{other}'")),
        },
        molar_mass_g_mol: number(molar_mass)?,
        density_g_cm3: number(density)?,
        porosity: match number(porosity)? {
            Some(p) if !(0.0..1.0).contains(&p) => return Err(format!("{key}: porosity {p} is not in [0, 1)")),
            p => p,
        },
        melt_c: number(melt)?,
        boil_c: number(boil)?,
        decomp_c: number(decomp)?,
        sublime_c: number(sublime)?,
        vapour_pressure: match (number(vp_pa)?, number(vp_c)?) {
            (Some(pa), Some(c)) if pa > 0.0 => Some((pa, c)),
            (None, None) => None,
            _ => return Err(format!("{key}: vp_Pa and vp_C go together, with a positive pressure")),
        },
        li_reaction: match *li_reaction {
            "inert" => LiReaction::Inert,
            "alloys" => LiReaction::Alloys,
            "converts" => LiReaction::Converts,
            "passivates" => LiReaction::Passivates,
            "violent" => LiReaction::Violent,
            "unknown" => LiReaction::Unknown,
            other => return Err(format!("{key}: unknown li_reaction '{other}'")),
        },
        li_products: list(li_products, '+')?,
        li_per_unit: number(li_per_unit)?,
        dissolves_in: list(dissolves_in, '|')?,
        insoluble_in: Vec::new(),
        conducts_electrons: false,
        cures_to: None,
        source: (*source).to_owned(),
        li_note: (*li_note).to_owned(),
        classification: (*classification).to_owned(),
        unverified,
    })
}

/// An optional finite number; empty means "not given".
fn number(field: &str) -> Result<Option<f64>, String> {
    if field.is_empty() {
        return Ok(None);
    }
    match field.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(Some(value)),
        _ => Err(format!("'{field}' is not a number")),
    }
}

/// A `separator`-separated list; empty means no items, but an empty item is a typo.
fn list(field: &str, separator: char) -> Result<Vec<String>, String> {
    if field.is_empty() {
        return Ok(Vec::new());
    }
    field
        .split(separator)
        .map(|item| {
            if item.is_empty() || item.trim() != item {
                Err(format!("bad list item '{item}' in '{field}'"))
            } else {
                Ok(item.to_owned())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn db() -> &'static MaterialDb {
        MaterialDb::builtin()
    }

    fn get(name: &str) -> &'static Material {
        db().lookup(name)
            .unwrap_or_else(|| panic!("{name} is not in the table"))
    }

    fn counts(text: &str) -> Vec<(String, f64)> {
        parse_formula(text).unwrap_or_else(|e| panic!("{text}: {e}")).elements
    }

    fn pairs(expected: &[(&str, f64)]) -> Vec<(String, f64)> {
        expected.iter().map(|&(s, n)| (s.to_owned(), n)).collect()
    }

    #[test]
    fn embedded_tables_parse() {
        let result = MaterialDb::parse(MATERIALS_TSV, ELEMENTS_TSV);
        assert!(
            result.is_ok(),
            "{}",
            result.err().map(|e| e.to_string()).unwrap_or_default()
        );
        assert!(db().materials().len() > 100);
    }

    #[test]
    fn malformed_tables_are_rejected_with_their_line() {
        let header = MATERIAL_COLUMNS.join("\t");
        let row = |key: &str, aliases: &str, products: &str| {
            format!("{key}\tLiF\tname\t{aliases}\tsalt\tsolid\t\t\t\t\t\t\t\t\t\tinert\t{products}\t\t\t\t\t\t")
        };
        let error = |rows: &[String]| {
            let table = format!("{header}\n# comment\n{}\n", rows.join("\n"));
            MaterialDb::parse(&table, ELEMENTS_TSV)
                .map(|_| ())
                .map_err(|e| e.to_string())
        };
        assert_eq!(error(&[row("A", "", ""), row("B", "", "")]), Ok(()));
        assert_eq!(
            error(&[row("A", "x", ""), row("B", "x", "")]),
            Err("materials.tsv:4: the name 'x' is used twice".to_owned())
        );
        assert_eq!(
            error(&[row("A", "", "Q")]),
            Err("materials.tsv:3: 'Q' names no material".to_owned())
        );
    }

    #[test]
    fn every_key_and_alias_is_unique() {
        let names: Vec<&str> = db().names().collect();
        let unique: HashSet<&str> = names.iter().copied().collect();
        assert_eq!(names.len(), unique.len());
        for name in names {
            assert!(db().lookup(name).is_some(), "{name}");
        }
    }

    #[test]
    fn names_are_in_table_order() {
        let first: Vec<&str> = db().names().take(3).collect();
        assert_eq!(first, ["Li", "lithium", "Na"]);
    }

    #[test]
    fn cross_references_name_rows() {
        for material in db().materials() {
            for name in material.li_products.iter().chain(&material.dissolves_in) {
                assert!(db().lookup(name).is_some(), "{}: {name}", material.key);
            }
        }
    }

    #[test]
    fn keys_needed_by_recipes_exist() {
        for key in [
            "Li",
            "Cu",
            "MoS2",
            "SnF2",
            "Li22Sn5",
            "LiF",
            "N2",
            "CF4",
            "Al2O3",
            "graphite",
            "graphene",
            "a-C",
            "CNT",
            "GO",
            "rGO",
            "g-C3N4",
            "GaInSn",
            "PTFE",
            "PVDF",
            "PVDF-HFP",
            "PFPE",
            "DMSO",
            "FEC",
            "DOL",
            "DME",
            "dioxane",
            "NMP",
            "acetonitrile",
            "TMA",
            "water",
            "PEO",
            "PDMS",
            "PAN",
            "Nafion",
            "PES",
            "PVA",
            "alucone",
            "LiTFSI",
            "R134a",
            "VDF",
            "graphite_fluoride",
            "Li_Mg",
            "Ar",
            "ethanol",
            "isopropanol",
            "ethylene_glycol",
            "H3PO4",
        ] {
            assert_eq!(get(key).key, key);
        }
    }

    #[test]
    fn formulas_parse() {
        assert_eq!(counts("Li22Sn5"), pairs(&[("Li", 22.0), ("Sn", 5.0)]));
        assert_eq!(counts("CH2FCF3"), pairs(&[("C", 2.0), ("F", 4.0), ("H", 2.0)]));
        assert_eq!(counts("Li3PS4"), pairs(&[("Li", 3.0), ("P", 1.0), ("S", 4.0)]));
        assert_eq!(
            counts("LiN(SO2CF3)2"),
            pairs(&[("C", 2.0), ("F", 6.0), ("Li", 1.0), ("N", 1.0), ("O", 4.0), ("S", 2.0)])
        );
        assert_eq!(counts("Al(CH3)3"), pairs(&[("Al", 1.0), ("C", 3.0), ("H", 9.0)]));
        assert_eq!(counts("Li0.5Mg0.5"), pairs(&[("Li", 0.5), ("Mg", 0.5)]));
        assert_eq!(
            counts("Ca(Al(OH)4)2"),
            pairs(&[("Al", 2.0), ("Ca", 1.0), ("H", 8.0), ("O", 8.0)])
        );
    }

    #[test]
    fn bad_formulas_are_located() {
        use FormulaError::*;
        assert_eq!(parse_formula(""), Err(Empty));
        assert_eq!(parse_formula("Li3N "), Err(UnexpectedChar { offset: 4, found: ' ' }));
        assert_eq!(parse_formula("li"), Err(UnexpectedChar { offset: 0, found: 'l' }));
        assert_eq!(
            parse_formula("LiXy2"),
            Err(UnknownElement {
                offset: 2,
                symbol: "Xy".to_owned()
            })
        );
        assert_eq!(parse_formula("Li0"), Err(InvalidCount { offset: 2 }));
        assert_eq!(parse_formula("Li2."), Err(InvalidCount { offset: 2 }));
        assert_eq!(parse_formula("Al(CH3"), Err(UnclosedGroup { offset: 2 }));
        assert_eq!(parse_formula("LiF)2"), Err(UnmatchedClose { offset: 3 }));
        assert_eq!(parse_formula("Li()"), Err(UnexpectedChar { offset: 3, found: ')' }));
        assert_eq!(
            UnknownElement {
                offset: 2,
                symbol: "Xy".to_owned()
            }
            .to_string(),
            "unknown element 'Xy' at offset 2"
        );
    }

    /// The table's molar masses were computed from the same formulas (per repeat unit for
    /// polymers, per atom for sulfur, per monomer for TMA), so they must agree.
    #[test]
    fn computed_molar_masses_match_the_table() {
        for material in db().materials() {
            let (Some(formula), Some(table)) = (&material.formula, material.molar_mass_g_mol) else {
                continue;
            };
            let computed = formula.molar_mass(db()).expect("weights are checked at parse");
            let deviation = (computed - table).abs() / table;
            assert!(
                deviation < 0.005,
                "{}: computed {computed:.3}, table {table}",
                material.key
            );
            assert_eq!(material.computed_molar_mass(), Some(computed));
        }
        assert_eq!(get("Nafion").computed_molar_mass(), Some(1100.0));
    }

    #[test]
    fn atomic_weights_cover_formulas() {
        assert_eq!(db().atomic_weight("Li"), Some(6.94));
        assert_eq!(db().atomic_weight("Xx"), None);
    }

    #[test]
    fn phases_follow_transition_points() {
        assert_eq!(get("DMSO").phase_at(298.15), Phase::Liquid);
        assert_eq!(get("DMSO").phase_at(500.0), Phase::Gas);
        assert_eq!(get("Li").phase_at(523.15), Phase::Liquid);
        assert_eq!(get("Li").phase_at(298.15), Phase::Solid);
        assert_eq!(get("N2").phase_at(723.15), Phase::Gas);
        // Decomposes before it would melt.
        assert_eq!(get("g-C3N4").phase_at(1273.15), Phase::Solid);
        // Sublimes: no melting point, gas above the sublimation point.
        assert_eq!(get("AlF3").phase_at(1600.0), Phase::Gas);
        // No transition points at all: the 25 C phase.
        assert_eq!(get("PFPE").phase_at(400.0), Phase::Liquid);
    }

    #[test]
    fn phase_at_25_c_agrees_with_the_table() {
        for material in db().materials() {
            assert_eq!(material.phase_at(298.15), material.phase_25c, "{}", material.key);
        }
    }

    #[test]
    fn li_reactions() {
        assert_eq!(get("water").li_reaction, LiReaction::Violent);
        assert_eq!(get("SnF2").li_products, ["LiF", "Li22Sn5"]);
        assert_eq!(get("N2").li_per_unit, Some(6.0));
        assert!(get("SnF2").dissolves_in.contains(&"DMSO".to_owned()));
        assert!(get("PVDF").insoluble_in.contains(&"water".to_owned()));
    }

    #[test]
    fn lookup_by_key_and_alias() {
        assert_eq!(get("C2H6OS").key, "DMSO");
        assert_eq!(get("DMSO").formula_text, "C2H6OS");
        assert_eq!(get("PVDF-HFP").formula, None);
        assert_eq!(get("Li17Sn4").key, "Li22Sn5");
        assert!(db().lookup("dmso").is_none(), "lookup is case-sensitive");
    }

    #[test]
    fn unverified_columns() {
        assert!(get("graphene").is_unverified("density_g_cm3"));
        assert!(!get("Li").is_unverified("density_g_cm3"));
    }

    #[test]
    fn enums_serialize_lowercase() -> Result<(), serde_json::Error> {
        assert_eq!(serde_json::to_string(&Phase::Liquid)?, "\"liquid\"");
        assert_eq!(serde_json::to_string(&LiReaction::Violent)?, "\"violent\"");
        Ok(())
    }
}
