//! Checks of electrochemical steps and of the solutions they run in, from the data tables:
//! a salt the table calls insoluble in every solvent it is stated with (E0412), an
//! electrochemical cell outside an inert atmosphere (E0411) and a potential above the
//! anodic stability limit of the electrolyte's solvent (W0412, `data/stability.tsv`).
//! Each rule's reason and source is in `spec/diagnostics.md`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::chemistry::Chemistry;
use super::library::{Atmosphere, Effect, Library};
use super::program::{Program, Protocol, Reagent, ReagentUse, Step};
use super::tsv::for_each_record;
use super::units::{Dimension, display};
use crate::diagnostics::{Diagnostic, codes};

const SOLUBILITY_TSV: &str = include_str!("../../data/solubility.tsv");
const STABILITY_TSV: &str = include_str!("../../data/stability.tsv");

/// The anodic limit of a solvent (V vs Li/Li+) and its source.
struct Limit {
    volts: f64,
    source: &'static str,
}

/// `data/stability.tsv`, by solvent key.
fn stability_limits() -> &'static BTreeMap<&'static str, Limit> {
    static LIMITS: OnceLock<BTreeMap<&'static str, Limit>> = OnceLock::new();
    LIMITS.get_or_init(|| {
        let mut limits = BTreeMap::new();
        for_each_record(STABILITY_TSV, |record| {
            let solvent = record.get("solvent");
            let volts = record
                .get("anodic_V")
                .parse()
                .unwrap_or_else(|_| panic!("data/stability.tsv: `{solvent}`: bad anodic_V"));
            limits.insert(
                solvent,
                Limit {
                    volts,
                    source: record.get("source"),
                },
            );
        });
        limits
    })
}

/// The source of a `no` row of `data/solubility.tsv` for the pair (keys or aliases as the
/// table writes them, resolved through `chemistry`).
fn insolubility_source(chemistry: &Chemistry, solute: &str, solvent: &str) -> Option<&'static str> {
    let key = |name: &str| chemistry.materials.lookup(name).map(|m| m.key.clone());
    let mut found = None;
    for_each_record(SOLUBILITY_TSV, |record| {
        if found.is_none()
            && record.get("dissolves") == "no"
            && key(record.get("solute")).as_deref() == Some(solute)
            && key(record.get("solvent")).as_deref() == Some(solvent)
        {
            found = Some(record.get("source"));
        }
    });
    found
}

pub fn check(program: &Program, library: &Library, chemistry: &Chemistry) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for protocol in &program.protocols {
        for reagent in &protocol.reagents {
            check_salts_dissolve(reagent, chemistry, &mut diagnostics);
        }
        // A cell outside an inert gas is reported once, at its first step.
        let mut reported_tools = Vec::new();
        for step in &protocol.steps {
            let electrochemical = library
                .operations
                .get(&*step.verb)
                .is_some_and(|op| matches!(op.effect, Effect::Electrochemical | Effect::Strip));
            if electrochemical {
                if let Some(tool) = step.tool.filter(|t| !reported_tools.contains(t))
                    && check_inert(program, library, step, &mut diagnostics)
                {
                    reported_tools.push(tool);
                }
                check_window(protocol, chemistry, step, &mut diagnostics);
            }
        }
    }
    diagnostics
}

/// E0412: a salt the solubility table calls insoluble in a solvent of the solution and
/// soluble in none of them.
fn check_salts_dissolve(reagent: &Reagent, chemistry: &Chemistry, diagnostics: &mut Vec<Diagnostic>) {
    for component in &reagent.components {
        let Some(salt) = chemistry
            .materials
            .lookup(&component.material)
            .filter(|m| m.kind == "salt")
        else {
            continue;
        };
        if reagent.solvents.iter().any(|s| salt.dissolves_in.contains(s)) {
            continue;
        }
        let Some(solvent) = reagent.solvents.iter().find(|s| salt.insoluble_in.contains(s)) else {
            continue;
        };
        let source = insolubility_source(chemistry, &salt.key, solvent).unwrap_or("data/solubility.tsv");
        let solvents = if salt.dissolves_in.is_empty() {
            format!(
                "leave `{}` out of the solution, or use a salt that dissolves in `{solvent}`",
                salt.key
            )
        } else {
            format!("use a solvent that dissolves it: {}", salt.dissolves_in.join(", "))
        };
        diagnostics.push(
            Diagnostic::new(
                codes::SALT_INSOLUBLE,
                format!("`{}` does not dissolve in `{solvent}`", salt.key),
                reagent.span,
                format!("`{}` stays undissolved in this solution", salt.key),
            )
            .with_note(format!("data/solubility.tsv: {source}"))
            .with_help(solvents),
        );
    }
}

/// E0411: an electrochemical cell whose tool stands in a dry room (or any environment
/// that is not inert). A tool in an environment its kind does not allow is E0406 already.
/// Returns whether it reported.
fn check_inert(program: &Program, library: &Library, step: &Step, diagnostics: &mut Vec<Diagnostic>) -> bool {
    let Some(tool) = step.tool.map(|t| &program.tools[t]).filter(|t| !t.misplaced) else {
        return false;
    };
    let environment = &*tool.environment;
    let atmosphere = library.environments.get(environment).map(|e| e.atmosphere);
    if matches!(atmosphere, None | Some(Atmosphere::Inert | Atmosphere::Unknown)) {
        return false;
    }
    diagnostics.push(
        Diagnostic::new(
            codes::ELECTROCHEMISTRY_NOT_INERT,
            format!("`{}` runs an electrochemical cell in `{environment}`", step.name),
            step.span,
            format!("`{}` stands in `{environment}`, not in an inert gas", tool.name),
        )
        .with_label(tool.span, format!("`{}` is placed here", tool.name))
        .with_help(format!("place `{}` in a glovebox (`in glovebox`)", tool.name))
        .with_note("the electrochemical pretreatments of the review run under an inert atmosphere (ref 116); an open cell's Li and electrolyte take up the O2, N2 and water traces of a dry room"),
    );
    true
}

/// W0412: a potential above the anodic stability limit of a solvent of the electrolyte.
fn check_window(protocol: &Protocol, chemistry: &Chemistry, step: &Step, diagnostics: &mut Vec<Diagnostic>) {
    let Some(volts) = step.param("voltage") else { return };
    let Some(ReagentUse::Reagent { index, .. }) = &step.reagent else {
        return;
    };
    let Some(reagent) = protocol.reagents.get(*index) else {
        return;
    };
    let limits = stability_limits();
    let lowest = reagent
        .solvents
        .iter()
        .filter_map(|solvent| {
            let key = chemistry
                .materials
                .lookup(solvent)
                .map_or(solvent.as_str(), |m| m.key.as_str());
            limits.get(key).map(|limit| (solvent, limit))
        })
        .min_by(|a, b| a.1.volts.total_cmp(&b.1.volts));
    let Some((solvent, limit)) = lowest.filter(|(_, limit)| volts > limit.volts) else {
        return;
    };
    let voltage = const { Dimension::called("voltage") };
    diagnostics.push(
        Diagnostic::new(
            codes::POTENTIAL_OUTSIDE_WINDOW,
            format!(
                "`{}` holds {}, above the {} at which `{solvent}` is oxidised",
                step.name,
                display(volts, voltage),
                display(limit.volts, voltage)
            ),
            step.param_span("voltage"),
            format!("`{solvent}` is oxidised above {} vs Li/Li+", display(limit.volts, voltage)),
        )
        .with_note(format!("data/stability.tsv: {}", limit.source))
        .with_note("the charge then oxidises the electrolyte, not only the Li: the Li removed and the SEI are not what Faraday's law on Li gives")
        .with_note("a two-electrode cell voltage far above it electrolyses the solvent on purpose (ref 120: DME at 700 V)")
        .with_help(format!(
            "hold the potential at or below {} vs Li/Li+",
            display(limit.volts, voltage)
        )),
    );
}
