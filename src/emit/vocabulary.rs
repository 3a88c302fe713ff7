//! The vocabulary of the language as the installed binary knows it: `seipc list` and
//! `seipc explain MATERIAL`, so that a user finds the words without reading `data/`.

use std::fmt::Write;

use crate::sema::chemistry::Chemistry;
use crate::sema::library::Library;
use crate::sema::materials::{LiReaction, Material, Phase};
use crate::sema::units::{self, trim_number};

/// What `seipc list` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocabulary {
    Materials,
    Operations,
    ToolKinds,
    Environments,
    Units,
}

/// One line per entry whose name contains `pattern` (any case), in table order.
pub fn list(what: Vocabulary, pattern: Option<&str>, library: &Library, chemistry: &Chemistry) -> String {
    let pattern = pattern.map(str::to_lowercase);
    let wanted = |names: &[&str]| {
        pattern
            .as_deref()
            .is_none_or(|p| names.iter().any(|name| name.to_lowercase().contains(p)))
    };
    let mut rows: Vec<(String, String)> = Vec::new();
    match what {
        Vocabulary::Materials => {
            for m in chemistry.materials.materials() {
                let mut names = vec![m.key.as_str(), m.name.as_str()];
                names.extend(m.aliases.iter().map(String::as_str));
                if wanted(&names) {
                    rows.push((
                        m.key.clone(),
                        format!("{} ({}, {} at 25 degC)", m.name, m.kind, phase_word(m.phase_25c)),
                    ));
                }
            }
        }
        Vocabulary::Operations => {
            for operation in library.operations.values() {
                if wanted(&[&operation.verb]) {
                    rows.push((
                        operation.verb.to_string(),
                        format!("{}  {}", operation.signature(), operation.note),
                    ));
                }
            }
        }
        Vocabulary::ToolKinds => {
            for kind in library.tool_kinds.values() {
                if wanted(&[&kind.kind]) {
                    let verbs = library.verbs_of(&kind.kind).join(", ");
                    rows.push((
                        kind.kind.clone(),
                        format!(
                            "{}; runs {verbs}; stands in {}",
                            kind.note,
                            kind.environments.join(", ")
                        ),
                    ));
                }
            }
        }
        Vocabulary::Environments => {
            for environment in library.environments.values() {
                if wanted(&[&environment.name]) {
                    rows.push((environment.name.clone(), environment.note.clone()));
                }
            }
        }
        Vocabulary::Units => {
            for symbol in units::all_symbols() {
                if wanted(&[symbol])
                    && let Ok(unit) = units::parse_unit(symbol)
                {
                    rows.push((symbol.to_owned(), unit.dimension.name()));
                }
            }
        }
    }
    let width = rows.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (name, what) in rows {
        let pad = width - name.chars().count();
        let _ = writeln!(out, "{name}{}  {}", " ".repeat(pad), what.trim_end());
    }
    out
}

fn phase_word(phase: Phase) -> &'static str {
    match phase {
        Phase::Solid => "solid",
        Phase::Liquid => "liquid",
        Phase::Gas => "gas",
    }
}

fn li_reaction_word(reaction: LiReaction) -> &'static str {
    match reaction {
        LiReaction::Inert => "inert",
        LiReaction::Alloys => "alloys",
        LiReaction::Converts => "converts",
        LiReaction::Passivates => "passivates",
        LiReaction::Violent => "violent",
        LiReaction::Unknown => "unknown",
    }
}

/// The data card of a material: every value the compiler uses, the reactions it takes
/// part in, and the sources.
pub fn explain_material(material: &Material, chemistry: &Chemistry) -> String {
    let mut rows: Vec<(&str, String)> = Vec::new();
    let unverified = |column: &str| {
        if material.is_unverified(column) {
            " (unverified)"
        } else {
            ""
        }
    };
    let celsius = |label: &'static str, value: Option<f64>, column: &str, rows: &mut Vec<(&str, String)>| {
        if let Some(value) = value {
            rows.push((label, format!("{} degC{}", trim_number(value), unverified(column))));
        }
    };
    if !material.formula_text.is_empty() {
        let mass = material.computed_molar_mass().map_or_else(String::new, |m| {
            format!(", {} g/mol", trim_number((m * 100.0).round() / 100.0))
        });
        rows.push(("formula", format!("{}{mass}", material.formula_text)));
    }
    if !material.aliases.is_empty() {
        rows.push(("also called", material.aliases.join(", ")));
    }
    rows.push(("class", material.kind.clone()));
    rows.push(("phase", format!("{} at 25 degC", phase_word(material.phase_25c))));
    if let Some(density) = material.density_g_cm3 {
        rows.push((
            "density",
            format!("{} g/cm3{}", trim_number(density), unverified("density_g_cm3")),
        ));
    }
    if let Some(porosity) = material.porosity {
        rows.push((
            "porosity",
            format!("{}{}", trim_number(porosity), unverified("porosity")),
        ));
    }
    celsius("melts", material.melt_c, "melt_C", &mut rows);
    celsius("boils", material.boil_c, "boil_C", &mut rows);
    celsius("sublimes", material.sublime_c, "sublime_C", &mut rows);
    celsius("decomposes", material.decomp_c, "decomp_C", &mut rows);
    if let Some((pascal, at)) = material.vapour_pressure {
        rows.push((
            "vapour pressure",
            format!(
                "{} Pa at {} degC{}",
                trim_number(pascal),
                trim_number(at),
                unverified("vp_Pa")
            ),
        ));
    }
    rows.push((
        "with Li",
        format!(
            "{}{}",
            li_reaction_word(material.li_reaction),
            unverified("li_reaction")
        ),
    ));
    if !material.li_note.is_empty() {
        rows.push(("", material.li_note.clone()));
    }
    for reaction in chemistry.reactions.values() {
        let role = if reaction.reactant == material.key {
            "reaction"
        } else if reaction.products.iter().any(|(_, key)| *key == material.key) {
            "made by"
        } else {
            continue;
        };
        let when: Vec<String> = reaction.when.iter().map(|t| t.describe()).collect();
        let when = if when.is_empty() {
            "as the reagent of a step".to_owned()
        } else {
            when.join(" or ")
        };
        rows.push((role, format!("{} ({when}; {})", reaction.equation(), reaction.source)));
        rows.push(("", crate::model::reaction_drive(reaction)));
    }
    for (monomer, polymerisation) in &crate::model::data::ModelData::builtin().plasma_polymers {
        if *monomer == material.key {
            rows.push((
                "polymerises",
                format!(
                    "to `{}` in a plasma, a film that takes no Li (data/polymerisation.tsv; {})",
                    polymerisation.polymer, polymerisation.source
                ),
            ));
        } else if polymerisation.polymer == material.key {
            rows.push((
                "made by",
                format!("plasma polymerisation of `{monomer}` ({})", polymerisation.source),
            ));
        }
    }
    if !material.dissolves_in.is_empty() {
        rows.push(("dissolves in", material.dissolves_in.join(", ")));
    }
    rows.push(("source", material.source.clone()));
    let width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
    let mut out = format!("{} ({})\n\n", material.key, material.name);
    for (label, value) in rows {
        let _ = writeln!(out, "  {label:width$}  {value}");
    }
    out
}
