//! Units and dimensions. Every quantity is normalised to SI (kelvin for temperatures)
//! with its dimension, an exponent vector over the base quantities.
//!
//! Three fractions get base dimensions of their own (mass fraction `wt%`, volume
//! fraction `vol%`, and counts such as `cycles` and `layers`), because a recipe that
//! gives `5 vol%` where `5 wt%` is meant is wrong even though both are "dimensionless".

use std::fmt;

use crate::diagnostics::{Diagnostic, suggest};

/// `a == b`, usable in constants.
const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Index of each base quantity in a [`Dimension`].
const BASES: [&str; 11] = [
    "length",
    "mass",
    "time",
    "temperature",
    "current",
    "amount",
    "count",
    "mass fraction",
    "volume fraction",
    "yes or no",
    "area ratio",
];
const L: usize = 0;
const M: usize = 1;
const T: usize = 2;
const K: usize = 3;
const I: usize = 4;
const N: usize = 5;
const COUNT: usize = 6;
const WT: usize = 7;
const VOL: usize = 8;
/// A yes-or-no parameter (`molten_li: yes`): a name, not a quantity.
const FLAG: usize = 9;
/// A real surface area per projected area (a patterned foil's `surface_area: 2.3`): a
/// number, but not a fraction of anything.
const AREA_RATIO: usize = 10;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default, PartialOrd, Ord)]
pub struct Dimension([i8; BASES.len()]);

impl Dimension {
    pub const NONE: Dimension = Dimension([0; BASES.len()]);

    const fn of(pairs: &[(usize, i8)]) -> Dimension {
        let mut exponents = [0; BASES.len()];
        let mut i = 0;
        while i < pairs.len() {
            exponents[pairs[i].0] = pairs[i].1;
            i += 1;
        }
        Dimension(exponents)
    }

    fn combine(self, other: Dimension, sign: i8) -> Dimension {
        let mut exponents = self.0;
        for (e, o) in exponents.iter_mut().zip(other.0) {
            *e += sign * o;
        }
        Dimension(exponents)
    }

    pub fn times(self, other: Dimension) -> Dimension {
        self.combine(other, 1)
    }

    pub fn per(self, other: Dimension) -> Dimension {
        self.combine(other, -1)
    }

    /// The dimension called `name` in [`NAMED_DIMENSIONS`] (`length`, `current density`).
    pub const fn named(name: &str) -> Option<Dimension> {
        let mut i = 0;
        while i < NAMED_DIMENSIONS.len() {
            if same_text(NAMED_DIMENSIONS[i].0, name) {
                return Some(NAMED_DIMENSIONS[i].1);
            }
            i += 1;
        }
        None
    }

    /// [`Dimension::named`] for a name written in the code: used as
    /// `const { Dimension::called("time") }`, an unknown name fails the build.
    pub const fn called(name: &str) -> Dimension {
        match Dimension::named(name) {
            Some(dimension) => dimension,
            None => panic!("no dimension of that name in NAMED_DIMENSIONS"),
        }
    }

    /// The everyday name, or a product of base quantities when there is none.
    pub fn name(self) -> String {
        if let Some((name, _)) = NAMED_DIMENSIONS.iter().find(|(_, d)| *d == self) {
            return (*name).to_owned();
        }
        let mut numerator = Vec::new();
        let mut denominator = Vec::new();
        for (base, &exponent) in BASES.iter().zip(&self.0) {
            let term = |e: i8| {
                if e.abs() == 1 {
                    (*base).to_owned()
                } else {
                    format!("{base}^{}", e.abs())
                }
            };
            if exponent > 0 {
                numerator.push(term(exponent));
            } else if exponent < 0 {
                denominator.push(term(exponent));
            }
        }
        let top = if numerator.is_empty() {
            "1".to_owned()
        } else {
            numerator.join(" x ")
        };
        if denominator.is_empty() {
            top
        } else {
            format!("{top} per {}", denominator.join(" x "))
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// Dimensions with everyday names, used in messages and in operation signatures.
pub const NAMED_DIMENSIONS: &[(&str, Dimension)] = &[
    ("fraction", Dimension::NONE),
    ("length", Dimension::of(&[(L, 1)])),
    ("area", Dimension::of(&[(L, 2)])),
    ("volume", Dimension::of(&[(L, 3)])),
    ("time", Dimension::of(&[(T, 1)])),
    ("frequency", Dimension::of(&[(T, -1)])),
    ("mass", Dimension::of(&[(M, 1)])),
    ("amount", Dimension::of(&[(N, 1)])),
    ("temperature", Dimension::of(&[(K, 1)])),
    ("temperature ramp", Dimension::of(&[(K, 1), (T, -1)])),
    ("pressure", Dimension::of(&[(M, 1), (L, -1), (T, -2)])),
    ("energy", Dimension::of(&[(M, 1), (L, 2), (T, -2)])),
    ("molar energy", Dimension::of(&[(M, 1), (L, 2), (T, -2), (N, -1)])),
    ("power", Dimension::of(&[(M, 1), (L, 2), (T, -3)])),
    ("power density", Dimension::of(&[(M, 1), (T, -3)])),
    ("voltage", Dimension::of(&[(M, 1), (L, 2), (T, -3), (I, -1)])),
    ("current", Dimension::of(&[(I, 1)])),
    ("current density", Dimension::of(&[(I, 1), (L, -2)])),
    ("charge", Dimension::of(&[(I, 1), (T, 1)])),
    ("areal capacity", Dimension::of(&[(I, 1), (T, 1), (L, -2)])),
    ("molar concentration", Dimension::of(&[(N, 1), (L, -3)])),
    ("mass concentration", Dimension::of(&[(M, 1), (L, -3)])),
    ("areal mass", Dimension::of(&[(M, 1), (L, -2)])),
    ("mass fraction", Dimension::of(&[(WT, 1)])),
    ("volume fraction", Dimension::of(&[(VOL, 1)])),
    ("count", Dimension::of(&[(COUNT, 1)])),
    ("rate", Dimension::of(&[(L, 1), (T, -1)])),
    ("growth per cycle", Dimension::of(&[(L, 1), (COUNT, -1)])),
    ("rotation speed", Dimension::of(&[(COUNT, 1), (T, -1)])),
    ("time per cycle", Dimension::of(&[(T, 1), (COUNT, -1)])),
    ("gas flow", Dimension::of(&[(N, 1), (T, -1)])),
    ("yes or no", Dimension::of(&[(FLAG, 1)])),
    ("area ratio", Dimension::of(&[(AREA_RATIO, 1)])),
];

/// One unit symbol: `value_si = value * scale + offset`.
struct UnitAtom {
    symbols: &'static [&'static str],
    scale: f64,
    /// Only absolute temperatures in degC have one; in a compound unit (`degC/min`) a
    /// degree is an interval and the offset is dropped.
    offset: f64,
    dimension: Dimension,
}

const fn atom(symbols: &'static [&'static str], scale: f64, dimension: Dimension) -> UnitAtom {
    UnitAtom {
        symbols,
        scale,
        offset: 0.0,
        dimension,
    }
}

const LENGTH: Dimension = Dimension::of(&[(L, 1)]);
const AREA: Dimension = Dimension::of(&[(L, 2)]);
const VOLUME: Dimension = Dimension::of(&[(L, 3)]);
const TIME: Dimension = Dimension::of(&[(T, 1)]);
const MASS: Dimension = Dimension::of(&[(M, 1)]);
const AMOUNT: Dimension = Dimension::of(&[(N, 1)]);
const TEMPERATURE: Dimension = Dimension::of(&[(K, 1)]);
const PRESSURE: Dimension = Dimension::of(&[(M, 1), (L, -1), (T, -2)]);
const ENERGY: Dimension = Dimension::of(&[(M, 1), (L, 2), (T, -2)]);
const POWER: Dimension = Dimension::of(&[(M, 1), (L, 2), (T, -3)]);
const VOLTAGE: Dimension = Dimension::of(&[(M, 1), (L, 2), (T, -3), (I, -1)]);
const CURRENT: Dimension = Dimension::of(&[(I, 1)]);
const CHARGE: Dimension = Dimension::of(&[(I, 1), (T, 1)]);
const MOLARITY: Dimension = Dimension::of(&[(N, 1), (L, -3)]);
const FREQUENCY: Dimension = Dimension::of(&[(T, -1)]);
const GAS_FLOW: Dimension = Dimension::of(&[(N, 1), (T, -1)]);
const ROTATION: Dimension = Dimension::of(&[(COUNT, 1), (T, -1)]);

/// Molar volume of an ideal gas at 273.15 K and 101.325 kPa, 22.413969 L/mol (CODATA
/// 2018), which defines the standard cubic centimetre of `sccm`.
const SCCM_MOL_PER_S: f64 = 1e-6 / 22.413969e-3 / 60.0;
const TORR_PA: f64 = 101_325.0 / 760.0;

/// The unit table. Symbols are case-sensitive (`M` molar, `m` metre, `mM` millimolar).
const UNITS: &[UnitAtom] = &[
    atom(&["m"], 1.0, LENGTH),
    atom(&["cm"], 1e-2, LENGTH),
    atom(&["mm"], 1e-3, LENGTH),
    atom(&["um", "µm", "μm"], 1e-6, LENGTH),
    atom(&["nm"], 1e-9, LENGTH),
    atom(&["Å", "angstrom"], 1e-10, LENGTH),
    atom(&["m2", "m²"], 1.0, AREA),
    atom(&["cm2", "cm²"], 1e-4, AREA),
    atom(&["mm2", "mm²"], 1e-6, AREA),
    atom(&["um2", "µm2", "μm2", "µm²"], 1e-12, AREA),
    atom(&["m3", "m³"], 1.0, VOLUME),
    atom(&["cm3", "cm³"], 1e-6, VOLUME),
    atom(&["L"], 1e-3, VOLUME),
    atom(&["mL"], 1e-6, VOLUME),
    atom(&["uL", "µL", "μL"], 1e-9, VOLUME),
    atom(&["s", "sec"], 1.0, TIME),
    atom(&["ms"], 1e-3, TIME),
    atom(&["min"], 60.0, TIME),
    atom(&["h", "hr"], 3600.0, TIME),
    atom(&["d", "day", "days"], 86_400.0, TIME),
    atom(&["Hz"], 1.0, FREQUENCY),
    atom(&["kg"], 1.0, MASS),
    atom(&["g"], 1e-3, MASS),
    atom(&["mg"], 1e-6, MASS),
    atom(&["ug", "µg", "μg"], 1e-9, MASS),
    atom(&["mol"], 1.0, AMOUNT),
    atom(&["mmol"], 1e-3, AMOUNT),
    atom(&["K"], 1.0, TEMPERATURE),
    UnitAtom {
        symbols: &["degC", "°C", "℃"],
        scale: 1.0,
        offset: 273.15,
        dimension: TEMPERATURE,
    },
    atom(&["Pa"], 1.0, PRESSURE),
    atom(&["kPa"], 1e3, PRESSURE),
    atom(&["MPa"], 1e6, PRESSURE),
    atom(&["GPa"], 1e9, PRESSURE),
    atom(&["mPa"], 1e-3, PRESSURE),
    atom(&["mbar"], 100.0, PRESSURE),
    atom(&["bar"], 1e5, PRESSURE),
    atom(&["Torr", "torr"], TORR_PA, PRESSURE),
    atom(&["mTorr", "mtorr"], TORR_PA * 1e-3, PRESSURE),
    atom(&["atm"], 101_325.0, PRESSURE),
    atom(&["J"], 1.0, ENERGY),
    atom(&["kJ"], 1e3, ENERGY),
    atom(&["eV"], 1.602_176_634e-19, ENERGY),
    atom(&["W"], 1.0, POWER),
    atom(&["mW"], 1e-3, POWER),
    atom(&["kW"], 1e3, POWER),
    atom(&["V"], 1.0, VOLTAGE),
    atom(&["mV"], 1e-3, VOLTAGE),
    atom(&["kV"], 1e3, VOLTAGE),
    atom(&["A"], 1.0, CURRENT),
    atom(&["mA"], 1e-3, CURRENT),
    atom(&["uA", "µA", "μA"], 1e-6, CURRENT),
    atom(&["Ah"], 3600.0, CHARGE),
    atom(&["mAh"], 3.6, CHARGE),
    atom(&["uAh", "µAh", "μAh"], 3.6e-3, CHARGE),
    atom(&["M"], 1e3, MOLARITY),
    atom(&["mM"], 1.0, MOLARITY),
    atom(&["wt%"], 1e-2, Dimension::of(&[(WT, 1)])),
    atom(&["vol%"], 1e-2, Dimension::of(&[(VOL, 1)])),
    atom(&["%"], 1e-2, Dimension::NONE),
    atom(&["ppm"], 1e-6, Dimension::NONE),
    atom(&["ppb"], 1e-9, Dimension::NONE),
    atom(&["cycles", "cycle"], 1.0, Dimension::of(&[(COUNT, 1)])),
    atom(&["layers", "layer"], 1.0, Dimension::of(&[(COUNT, 1)])),
    atom(&["pulses", "pulse"], 1.0, Dimension::of(&[(COUNT, 1)])),
    atom(&["rpm"], 1.0 / 60.0, ROTATION),
    atom(&["sccm"], SCCM_MOL_PER_S, GAS_FLOW),
    atom(&["slm"], SCCM_MOL_PER_S * 1e3, GAS_FLOW),
];

/// Units people write that mean something else here, with what to write instead and,
/// where one unit is surely meant, that unit (Fahrenheit has none: its numbers change).
const MISTAKES: &[(&str, &str, Option<&str>)] = &[
    ("C", "for degrees Celsius write `degC` or `°C`", Some("degC")),
    ("deg", "write `degC` for degrees Celsius", Some("degC")),
    ("F", "use `degC` or `K`; Fahrenheit is not supported", None),
    ("degF", "use `degC` or `K`; Fahrenheit is not supported", None),
    ("u", "write `um` or `µm` for micrometres", Some("um")),
    ("micron", "write `um` or `µm` for micrometres", Some("um")),
    ("microns", "write `um` or `µm` for micrometres", Some("um")),
    ("wt", "write `wt%` for a mass fraction", Some("wt%")),
    ("vol", "write `vol%` for a volume fraction", Some("vol%")),
];

/// A unit expression (`nm/min`) resolved to its SI scale and dimension.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    pub scale: f64,
    pub offset: f64,
    pub dimension: Dimension,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnknownUnit {
    /// The symbol that is not a unit (one part of `nm/mn`).
    pub symbol: String,
    /// Its byte offset inside the unit text.
    pub offset: usize,
    pub suggestion: Option<String>,
    /// The unit to write instead of `symbol`, when the help names one.
    pub replacement: Option<&'static str>,
}

impl UnknownUnit {
    /// Where the unknown symbol stands in a unit written at `unit`.
    pub fn span(&self, unit: crate::span::Span) -> crate::span::Span {
        let start = unit.start as usize + self.offset;
        crate::span::Span::new(start, (start + self.symbol.len()).min(unit.end as usize))
    }

    /// Adds the help, and the replacement as an edit of the symbol, to a diagnostic about
    /// this unit written at `unit`.
    pub fn suggest(self, diagnostic: Diagnostic, unit: crate::span::Span) -> Diagnostic {
        let span = self.span(unit);
        let diagnostic = diagnostic.with_help_opt(self.suggestion);
        match self.replacement {
            Some(replacement) => {
                let applicability = suggest::applicability(&self.symbol, replacement);
                diagnostic.with_suggestion(span, replacement, applicability)
            }
            None => diagnostic,
        }
    }
}

fn find_atom(symbol: &str) -> Option<&'static UnitAtom> {
    // Every quantity of a file looks its unit up: an index, built once, rather than a scan
    // over a hundred symbols.
    static INDEX: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, &'static UnitAtom>> =
        std::sync::OnceLock::new();
    INDEX
        .get_or_init(|| {
            let mut index = rustc_hash::FxHashMap::default();
            for atom in UNITS {
                for symbol in atom.symbols {
                    index.entry(*symbol).or_insert(atom);
                }
            }
            index
        })
        .get(symbol)
        .copied()
}

/// Every unit symbol, for suggestions and documentation.
pub fn all_symbols() -> impl Iterator<Item = &'static str> {
    UNITS.iter().flat_map(|atom| atom.symbols.iter().copied())
}

/// The units of one dimension, for completion: each unit of the table by its first
/// symbol, then `a/b` for every pair of them that divides to it (`nm/min` for a rate).
pub fn units_of(dimension: Dimension) -> Vec<String> {
    let mut units: Vec<String> = UNITS
        .iter()
        .filter(|atom| atom.dimension == dimension)
        .map(|atom| atom.symbols[0].to_owned())
        .collect();
    for top in UNITS {
        for bottom in UNITS {
            if top.dimension.per(bottom.dimension) == dimension && bottom.dimension != Dimension::NONE {
                units.push(format!("{}/{}", top.symbols[0], bottom.symbols[0]));
            }
        }
    }
    units
}

/// Resolves `a/b/c` (each part a symbol of the table).
pub fn parse_unit(text: &str) -> Result<Unit, UnknownUnit> {
    let mut unit = Unit {
        scale: 1.0,
        offset: 0.0,
        dimension: Dimension::NONE,
    };
    let mut offset = 0;
    let compound = text.contains('/');
    for (index, symbol) in text.split('/').enumerate() {
        let Some(atom) = find_atom(symbol) else {
            let (suggestion, replacement) = match MISTAKES.iter().find(|(wrong, ..)| *wrong == symbol) {
                Some((_, help, replacement)) => (Some((*help).to_owned()), *replacement),
                None => (
                    suggest::similar("unit", symbol, all_symbols()),
                    suggest::closest(symbol, all_symbols()),
                ),
            };
            return Err(UnknownUnit {
                symbol: symbol.to_owned(),
                offset,
                suggestion,
                replacement,
            });
        };
        if index == 0 {
            unit.scale = atom.scale;
            unit.dimension = atom.dimension;
            if !compound {
                unit.offset = atom.offset;
            }
        } else {
            unit.scale /= atom.scale;
            unit.dimension = unit.dimension.per(atom.dimension);
        }
        offset += symbol.len() + 1;
    }
    Ok(unit)
}

impl Unit {
    pub fn to_si(self, value: f64) -> f64 {
        value * self.scale + self.offset
    }
}

/// The unit a quantity was written in (`MPa`, `nm/layer`, `µm`), kept beside its SI
/// value so the outputs show `0.5 MPa` where the recipe wrote it. Each part is an index
/// into the symbol table, so the type is small and `Copy` (a program of 10^5 steps keeps
/// one per parameter); a unit of more than [`WrittenUnit::PARTS`] parts is not kept.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct WrittenUnit([u16; WrittenUnit::PARTS]);

impl WrittenUnit {
    pub const PARTS: usize = 3;
    const NONE: u16 = u16::MAX;

    /// Every symbol of the table, in table order: the parts' indices point here.
    fn symbols() -> &'static [&'static str] {
        static SYMBOLS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
        SYMBOLS.get_or_init(|| all_symbols().collect())
    }

    /// The unit of a text that [`parse_unit`] accepts; `None` for anything else.
    pub fn of(text: &str) -> Option<WrittenUnit> {
        static INDEX: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, u16>> = std::sync::OnceLock::new();
        let index = INDEX.get_or_init(|| {
            let mut index = rustc_hash::FxHashMap::default();
            for (position, symbol) in WrittenUnit::symbols().iter().enumerate() {
                index.entry(*symbol).or_insert(position as u16);
            }
            index
        });
        let mut parts = [WrittenUnit::NONE; WrittenUnit::PARTS];
        for (position, symbol) in text.split('/').enumerate() {
            *parts.get_mut(position)? = *index.get(symbol)?;
        }
        Some(WrittenUnit(parts))
    }

    /// The unit as written: `nm/layer`.
    pub fn text(self) -> String {
        let symbols = WrittenUnit::symbols();
        let parts: Vec<&str> = self
            .0
            .iter()
            .take_while(|&&part| part != WrittenUnit::NONE)
            .map(|&part| symbols[usize::from(part)])
            .collect();
        parts.join("/")
    }

    /// `0.5 MPa`: an SI value shown in this unit.
    pub fn show(self, si: f64) -> String {
        let text = self.text();
        match parse_unit(&text) {
            Ok(unit) => format!("{} {text}", trim_number((si - unit.offset) / unit.scale)),
            Err(_) => text,
        }
    }
}

/// The SI unit of a dimension as a product of base units with exponents (`kg m-1 s-2`
/// for a pressure, `1` for a count or a fraction), for JSON readers.
pub fn si_unit(dimension: Dimension) -> String {
    // Counts and the two fractions are ratios: their SI unit is 1.
    const SYMBOLS: [&str; 9] = ["m", "kg", "s", "K", "A", "mol", "", "", ""];
    let terms: Vec<String> = SYMBOLS
        .iter()
        .zip(dimension.0)
        .filter(|(symbol, exponent)| !symbol.is_empty() && *exponent != 0)
        .map(|(symbol, exponent)| {
            if exponent == 1 {
                (*symbol).to_owned()
            } else {
                format!("{symbol}{exponent}")
            }
        })
        .collect();
    if terms.is_empty() {
        "1".to_owned()
    } else {
        terms.join(" ")
    }
}

/// The units values are shown in, per dimension, largest first: a value is shown in the
/// first unit in which it is at least 1 (else the last).
const DISPLAY_UNITS: &[(&str, &[&str])] = &[
    ("length", &["mm", "um", "nm"]),
    ("area", &["cm2", "mm2"]),
    ("volume", &["mL", "uL"]),
    ("time", &["h", "min", "s"]),
    ("pressure", &["MPa", "kPa", "Pa"]),
    ("power", &["kW", "W", "mW"]),
    ("voltage", &["V", "mV"]),
    ("current density", &["mA/cm2"]),
    ("areal capacity", &["mAh/cm2"]),
    ("molar concentration", &["M", "mM"]),
    ("mass concentration", &["mg/mL"]),
    ("mass fraction", &["wt%"]),
    ("volume fraction", &["vol%"]),
    ("fraction", &["%", "ppm"]),
    ("count", &["cycles"]),
    ("rate", &["nm/min"]),
    ("growth per cycle", &["nm/cycle"]),
    ("time per cycle", &["s/cycle"]),
    ("rotation speed", &["rpm"]),
    ("gas flow", &["sccm"]),
    ("temperature ramp", &["degC/min"]),
    ("areal mass", &["mg/cm2"]),
];

/// Formats an SI value in the unit a person would pick for its dimension.
pub fn display(si: f64, dimension: Dimension) -> String {
    if dimension == TEMPERATURE {
        return format!("{} degC", trim_number(si - 273.15));
    }
    if dimension == Dimension::of(&[(AREA_RATIO, 1)]) {
        return trim_number(si);
    }
    let choices = DISPLAY_UNITS
        .iter()
        .find(|(name, _)| Dimension::named(name) == Some(dimension));
    let Some((_, symbols)) = choices else {
        return format!("{} (SI, {})", trim_number(si), dimension.name());
    };
    let units: Vec<(&str, Unit)> = symbols.iter().filter_map(|s| Some((*s, parse_unit(s).ok()?))).collect();
    let chosen = units
        .iter()
        .find(|(_, unit)| (si / unit.scale).abs() >= 1.0)
        .or(units.last());
    match chosen {
        Some((symbol, unit)) => {
            let value = si / unit.scale;
            // A count reads as a bare number ("5"), not "5 cycles".
            if dimension == Dimension::of(&[(COUNT, 1)]) {
                trim_number(value)
            } else {
                format!("{} {symbol}", trim_number(value))
            }
        }
        None => format!("{} (SI, {})", trim_number(si), dimension.name()),
    }
}

/// A number with at most four significant decimals and no trailing zeros.
pub fn trim_number(value: f64) -> String {
    let text = if value.abs() >= 1000.0 || value == value.trunc() {
        format!("{value:.0}")
    } else {
        let digits = (3 - value.abs().log10().floor() as i32).clamp(0, 9) as usize;
        format!("{value:.digits$}")
    };
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_units_of_a_dimension_are_those_of_the_table_and_their_quotients() {
        let time = units_of(Dimension::called("time"));
        assert!(
            time.contains(&"min".to_owned()) && !time.contains(&"nm".to_owned()),
            "{time:?}"
        );
        let rate = units_of(Dimension::called("rate"));
        assert!(
            rate.contains(&"nm/min".to_owned()) && rate.contains(&"um/h".to_owned()),
            "{rate:?}"
        );
        for unit in rate {
            assert_eq!(
                parse_unit(&unit).unwrap().dimension,
                Dimension::called("rate"),
                "{unit}"
            );
        }
    }

    fn si(text: &str, value: f64) -> (f64, String) {
        let unit = parse_unit(text).unwrap();
        (unit.to_si(value), unit.dimension.name())
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1e-30)
    }

    #[test]
    fn converts_the_units_of_the_language_to_si() {
        let cases: &[(&str, f64, f64, &str)] = &[
            ("nm", 10.0, 1e-8, "length"),
            ("µm", 4.85, 4.85e-6, "length"),
            ("cm2", 2.0, 2e-4, "area"),
            ("min", 30.0, 1800.0, "time"),
            ("h", 2.0, 7200.0, "time"),
            ("degC", 25.0, 298.15, "temperature"),
            ("°C", 180.5, 453.65, "temperature"),
            ("K", 300.0, 300.0, "temperature"),
            ("MPa", 10.0, 1e7, "pressure"),
            ("Torr", 760.0, 101_325.0, "pressure"),
            ("mbar", 1.0, 100.0, "pressure"),
            ("W", 50.0, 50.0, "power"),
            ("V", 700.0, 700.0, "voltage"),
            ("mA/cm2", 1.0, 10.0, "current density"),
            ("mAh/cm2", 1.0, 36_000.0, "areal capacity"),
            ("M", 0.1, 100.0, "molar concentration"),
            ("mg/mL", 0.5, 0.5, "mass concentration"),
            ("g/cm3", 1.2, 1200.0, "mass concentration"),
            ("kg/m3", 1200.0, 1200.0, "mass concentration"),
            ("wt%", 5.0, 0.05, "mass fraction"),
            ("vol%", 5.0, 0.05, "volume fraction"),
            ("nm/min", 0.5, 0.5e-9 / 60.0, "rate"),
            ("nm/cycle", 0.1, 1e-10, "growth per cycle"),
            ("cycles", 20.0, 20.0, "count"),
            ("layers", 5.0, 5.0, "count"),
            ("rpm", 3000.0, 50.0, "rotation speed"),
            ("ppm", 0.1, 1e-7, "fraction"),
            ("degC/min", 5.0, 5.0 / 60.0, "temperature ramp"),
        ];
        for &(unit, value, expected, dimension) in cases {
            let (got, got_dimension) = si(unit, value);
            assert!(close(got, expected), "{value} {unit}: {got} != {expected}");
            assert_eq!(got_dimension, dimension, "{unit}");
        }
    }

    #[test]
    fn sccm_is_a_molar_flow() {
        let (flow, dimension) = si("sccm", 22_413.969 * 60.0);
        assert!(close(flow, 1.0));
        assert_eq!(dimension, "gas flow");
    }

    #[test]
    fn unknown_units_come_with_help() {
        let error = parse_unit("nm/mni").unwrap_err();
        assert_eq!(error.symbol, "mni");
        assert_eq!(error.offset, 3);
        assert_eq!(error.replacement, Some("min"));
        assert!(error.suggestion.unwrap().contains("`min`"));
        let celsius = parse_unit("C").unwrap_err();
        assert!(celsius.suggestion.unwrap().contains("degC"));
        assert_eq!(celsius.replacement, Some("degC"));
        assert_eq!(parse_unit("degF").unwrap_err().replacement, None);
    }

    #[test]
    fn unnamed_dimensions_are_spelled_out() {
        let odd = Dimension::named("length")
            .unwrap()
            .times(const { Dimension::called("mass") });
        assert_eq!(odd.name(), "length x mass");
        assert_eq!(const { Dimension::called("frequency") }.name(), "frequency");
    }

    #[test]
    fn values_show_in_the_unit_written() {
        let show = |text: &str, si: f64| WrittenUnit::of(text).map(|unit| unit.show(si));
        assert_eq!(show("MPa", 5e5).as_deref(), Some("0.5 MPa"));
        assert_eq!(show("M", 100.0).as_deref(), Some("0.1 M"));
        assert_eq!(show("mM", 100.0).as_deref(), Some("100 mM"));
        assert_eq!(show("nm/layer", 1.5e-9).as_deref(), Some("1.5 nm/layer"));
        assert_eq!(show("degC", 298.15).as_deref(), Some("25 degC"));
        assert_eq!(show("µm", 5e-5).as_deref(), Some("50 µm"));
        assert_eq!(WrittenUnit::of("nm/mni"), None);
        assert_eq!(WrittenUnit::of("nm/min/min/min"), None);
        assert_eq!(si_unit(const { Dimension::called("pressure") }), "m-1 kg s-2");
        assert_eq!(si_unit(const { Dimension::called("count") }), "1");
    }

    #[test]
    fn every_symbol_is_unique() {
        let mut symbols: Vec<_> = all_symbols().collect();
        let count = symbols.len();
        symbols.sort_unstable();
        symbols.dedup();
        assert_eq!(symbols.len(), count);
    }

    #[test]
    fn displays_values_in_readable_units() {
        assert_eq!(display(5e-7, LENGTH), "500 nm");
        assert_eq!(display(4.85e-6, LENGTH), "4.85 um");
        assert_eq!(display(453.65, TEMPERATURE), "180.5 degC");
        assert_eq!(display(1800.0, TIME), "30 min");
        assert_eq!(
            display(1.0e-9 / 60.0 * 0.5, const { Dimension::called("rate") }),
            "0.5 nm/min"
        );
        assert_eq!(
            display(10.0, const { Dimension::called("current density") }),
            "1 mA/cm2"
        );
        assert_eq!(display(20.0, const { Dimension::called("count") }), "20");
    }
}
