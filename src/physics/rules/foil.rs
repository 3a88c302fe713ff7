//! The rules on the foil itself, read from its state before the step: the heat against
//! the substrate (molten Li is the point of some operations, an accident of the others),
//! the reagent against the Li (a violent one reaches coated Li through any pinhole), the
//! room against the Li, and a sample still wet from a liquid step against vacuum and Li.
//! Whether the foil is coated is what the walk left on it: a dense layer, as the models
//! made or converted it (`Piece::covered`).
//!
//! Each rule's reason and source is in `spec/diagnostics.md`.

use crate::diagnostics::{Applicability, Diagnostic, codes};
use crate::model::context::Ctx;
use crate::model::state::Piece;
use crate::sema::library::{Atmosphere, Effect, ReagentKind};
use crate::sema::materials::{LiReaction, Material, Phase};
use crate::sema::program::ReagentUse;
use crate::sema::reagents::{ReagentMaterials, is_dilute, is_lithium, solution_components};
use crate::sema::units::{Dimension, display};

/// Runs the rules on the pieces the step touches (the one it acts on, then the one it
/// joins onto), as they stand before it.
pub fn check(pieces: &mut [Piece], touched: &[usize], ctx: &Ctx, diagnostics: &mut Vec<Diagnostic>) {
    for &index in touched {
        if ctx.operation.mechanical {
            not_molten(ctx, index, diagnostics);
        } else {
            thermal_limit(ctx, index, &mut pieces[index], diagnostics);
        }
    }
    // A continuous CVD feed meets the foil as it is; ALD and MLD doses are
    // self-limiting pulses (TMA/water ALD on Li: Kozen et al., ACS Nano 9, 5884, 2015).
    let reagent = ReagentMaterials::of_step(ctx.protocol, ctx.step, ctx.db);
    let fed = (ctx.operation.reagent == ReagentKind::Gas && !ctx.step.precursors.is_empty())
        .then(|| ReagentMaterials::precursors(ctx.step, ctx.db));
    for reagent in reagent.iter().chain(&fed) {
        for &index in touched {
            reactivity(ctx, index, &pieces[index], reagent, diagnostics);
        }
    }
    for &index in touched {
        air_exposure(ctx, index, &pieces[index], diagnostics);
    }
    if let Some(&acted_on) = touched.first() {
        wet_sample(pieces, acted_on, touched.get(1).copied(), ctx, diagnostics);
    }
}

/// A sample still wet from a liquid step: it may enter vacuum only to be dried there, and
/// must not be joined onto Li. Reported once: the sample counts as dry afterwards, as it
/// will be once the `dry` step is added.
fn wet_sample(
    pieces: &mut [Piece],
    acted_on: usize,
    target: Option<usize>,
    ctx: &Ctx,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(wetting) = &pieces[acted_on].wet else { return };
    let workpiece = &ctx.protocol.workpieces[acted_on];
    let solvent = &wetting.liquid;
    let vacuum = ctx
        .environment
        .and_then(|e| ctx.library.environments.get(e))
        .is_some_and(|e| e.atmosphere == Atmosphere::Vacuum);
    let mut reported = false;
    if let Some(environment) = ctx.environment.filter(|_| vacuum && ctx.effect() != Effect::Dry) {
        diagnostics.push(
            Diagnostic::new(
                codes::WET_SAMPLE_INTO_VACUUM,
                format!("`{}` enters `{environment}` still wet with `{solvent}`", workpiece.name),
                ctx.step.span,
                format!("`{}` runs in `{environment}`", ctx.step.verb),
            )
            .with_label(wetting.at, format!("`{solvent}` is left on the sample here"))
            .with_help("add a `dry` step between them")
            .with_note("residual solvent outgasses under vacuum: it spoils the chamber's base pressure and contaminates the film"),
        );
        reported = true;
    }
    if let Some(target) = target
        && pieces[target].lithium
    {
        let target_piece = &ctx.protocol.workpieces[target];
        diagnostics.push(
            Diagnostic::new(
                codes::WET_SAMPLE_ONTO_LITHIUM,
                format!(
                    "`{}` is joined onto lithium while still wet with `{solvent}`",
                    workpiece.name
                ),
                ctx.step.span,
                format!("joined onto `{}` here", target_piece.name),
            )
            .with_label(wetting.at, format!("`{solvent}` is left on the sample here"))
            .with_help(format!("dry `{}` before joining it", workpiece.name)),
        );
    }
    if reported {
        pieces[acted_on].wet = None;
    }
}

/// A non-mechanical step at or above the substrate's melting point: molten Li is
/// the point of some operations (a reaction with the melt), an accident of the others.
fn thermal_limit(ctx: &Ctx, index: usize, piece: &mut Piece, diagnostics: &mut Vec<Diagnostic>) {
    let temperature = ctx.step.temperature_k();
    let workpiece = &ctx.protocol.workpieces[index];
    let Some(substrate) = ctx.material(&workpiece.material) else {
        return;
    };
    // Li plated onto a Cu collector (or laid on it) melts like a Li foil: the walk knows
    // it is there, whatever the substrate is.
    let mut plated_li = || {
        !piece.lithium
            && piece.unmodelled_from.is_none()
            && piece.totals(ctx.db).materials.iter().any(|m| m.material == "Li")
    };
    let material = match ctx.material("Li") {
        Some(li)
            if substrate.phase_at(temperature) == Phase::Solid
                && li.phase_at(temperature) != Phase::Solid
                && plated_li() =>
        {
            li
        }
        _ => substrate,
    };
    if material.phase_at(temperature) == Phase::Solid {
        return;
    }
    // What melts: the substrate, or the Li on it.
    let (melted, is_what) = if material.key == substrate.key {
        (format!("`{}`", workpiece.name), material.name.clone())
    } else {
        (
            format!("the Li on `{}`", workpiece.name),
            format!("{}, with Li plated or laid on it", substrate.name),
        )
    };
    let at = display(temperature, const { Dimension::called("temperature") });
    let melt = material
        .melt_c
        .map_or_else(String::new, |m| format!("{} degC", crate::sema::units::trim_number(m)));
    let span = ctx.step.param_span("temperature");
    let lithium = is_lithium(Some(material));
    if lithium && ctx.operation.molten_li {
        if ctx.step.param("molten_li") != Some(1.0) {
            let intended = ctx.step.add_param("molten_li: yes");
            diagnostics.push(
                Diagnostic::new(
                    codes::MOLTEN_LITHIUM_STEP,
                    format!("`{}` runs on molten Li: {at} is above Li's melting point, {melt}", ctx.step.name),
                    span,
                    format!("Li melts at {melt}"),
                )
                .with_label(workpiece.span, format!("`{}` is {is_what}", workpiece.name))
                .with_help(format!(
                    "add `molten_li: yes` to the step's `{{ }}` if the melt is intended, or run it below {melt}"
                ))
                .with_suggestion(intended.0, intended.1, Applicability::MaybeIncorrect)
                .with_note(format!(
                    "molten-Li routes are deliberate (review refs 63, 67, 151); the foil loses its shape and must stay in an inert gas; source: {}",
                    material.source
                )),
            );
        }
        molten_atmosphere(ctx, index, diagnostics);
        return;
    }
    let purpose = if lithium {
        format!("`{}` is not meant to melt the anode", ctx.step.verb)
    } else {
        format!("the `{}` substrate `{}` would melt", material.key, workpiece.name)
    };
    diagnostics.push(
        Diagnostic::new(
            codes::SUBSTRATE_MELTED,
            format!(
                "`{}` at {at} melts {melted} ({} melts at {melt})",
                ctx.step.verb, material.key
            ),
            span,
            format!("at or above {melt}"),
        )
        .with_label(workpiece.span, format!("`{}` is {is_what}", workpiece.name))
        .with_help(format!("run `{}` below {melt}", ctx.step.verb))
        .with_note(format!(
            "{purpose}; {} melts at {melt} (source: {})",
            material.name, material.source
        )),
    );
}

/// Molten Li reacts with the traces of water, O2 and N2 of a dry room at once; only
/// an inert gas or vacuum holds it (an air tool is already E0408).
fn molten_atmosphere(ctx: &Ctx, index: usize, diagnostics: &mut Vec<Diagnostic>) {
    let Some(environment) = ctx.environment else { return };
    let atmosphere = ctx.library.environments.get(environment).map(|e| e.atmosphere);
    if atmosphere != Some(Atmosphere::Dry) {
        return;
    }
    let workpiece = &ctx.protocol.workpieces[index];
    let diagnostic = Diagnostic::new(
        codes::MOLTEN_LITHIUM_EXPOSED,
        format!("molten lithium `{}` is held in `{environment}`", workpiece.name),
        ctx.step.span,
        format!("`{environment}` is a dry room, not an inert gas"),
    )
    .with_note("a dry room removes water, not O2 or N2: molten Li burns in them and nitrides (the Li3N route of ref 151 uses that on purpose, in a sealed reactor)");
    diagnostics.push(moved_tool(
        diagnostic,
        ctx,
        &[Atmosphere::Inert, Atmosphere::Vacuum],
        "an inert gas or vacuum",
    ));
}

/// A help that moves the step's tool to the first room of the `wanted` atmospheres (in
/// that order, then by name) that its kind can stand in, with the edit; else one that
/// names a kind of tool that can run the step there. Never a room that breaks another
/// rule: only the atmospheres asked for, only where the tool can stand (E0406).
fn moved_tool(diagnostic: Diagnostic, ctx: &Ctx, wanted: &[Atmosphere], what: &str) -> Diagnostic {
    let rooms = |kind: &str| -> Vec<&str> {
        wanted
            .iter()
            .flat_map(|atmosphere| {
                ctx.library
                    .environments
                    .iter()
                    .filter(move |(_, e)| e.atmosphere == *atmosphere)
                    .map(|(name, _)| name.as_str())
            })
            .filter(|room| ctx.library.can_stand(kind, room))
            .collect()
    };
    let Some(tool) = ctx.tool else {
        return diagnostic.with_help(format!("run the step on a tool that stands in {what}"));
    };
    if let Some(room) = rooms(&tool.kind).first() {
        return diagnostic
            .with_help(format!(
                "move `{}` into `{room}`: `tool {}: {} in {room}`",
                tool.name, tool.name, tool.kind
            ))
            .with_suggestion(tool.environment_span, *room, Applicability::MaybeIncorrect);
    }
    let other = ctx
        .library
        .tool_kinds
        .keys()
        .find(|kind| ctx.library.can_run(kind, &ctx.step.verb) && !rooms(kind).is_empty());
    match other {
        Some(kind) => diagnostic.with_help(format!(
            "a `{}` cannot stand in {what}: run the step on a `{kind}` in `{}`",
            tool.kind,
            rooms(kind)[0]
        )),
        None => diagnostic.with_help(format!("no tool that can `{}` stands in {what}", ctx.step.verb)),
    }
}

fn not_molten(ctx: &Ctx, index: usize, diagnostics: &mut Vec<Diagnostic>) {
    let temperature = ctx.step.temperature_k();
    let workpiece = &ctx.protocol.workpieces[index];
    let Some(material) = ctx.material(&workpiece.material) else {
        return;
    };
    if material.phase_at(temperature) != Phase::Liquid {
        return;
    }
    let melt = material.melt_c.map_or_else(String::new, |m| {
        format!(" at {} degC", crate::sema::units::trim_number(m))
    });
    diagnostics.push(
        Diagnostic::new(
            codes::MOLTEN_LITHIUM_WORKED,
            format!(
                "`{}` is molten at {}: it cannot be worked by `{}`",
                workpiece.material,
                display(temperature, const { Dimension::called("temperature") }),
                ctx.step.verb
            ),
            ctx.step.param_span("temperature"),
            format!("{} melts{melt}", material.name),
        )
        .with_label(workpiece.span, format!("`{}` is {}", workpiece.name, material.name))
        .with_help(format!("run `{}` below the melting point{melt}", ctx.step.verb))
        .with_note(format!("{} melts{melt}; source: {}", material.name, material.source)),
    );
}

fn reactivity(ctx: &Ctx, index: usize, piece: &Piece, reagent: &ReagentMaterials, diagnostics: &mut Vec<Diagnostic>) {
    let workpiece = &ctx.protocol.workpieces[index];
    if !piece.lithium {
        return;
    }
    let span = ctx.step.reagent.as_ref().map_or(ctx.step.span, ReagentUse::span);
    // What bathes the foil: the solvent of a solution, or the pure reagent. A solute
    // at working concentration is the point of the treatment (LiNO3/H3PO4, ref. 100).
    let bathing: &[&Material] = if reagent.solvents.is_empty() {
        &reagent.solutes
    } else {
        &reagent.solvents
    };
    // A protic solute is checked like the medium unless it is dilute; a dilute one
    // is the treatment's chemistry when a reaction of it is known (spec/models.md,
    // "Reactive solutes").
    let major_solutes: Vec<&Material> = solution_components(ctx.protocol, ctx.step, ctx.db)
        .into_iter()
        .filter(|(material, amount)| {
            material.li_reaction == LiReaction::Violent && amount.is_none_or(|a| !is_dilute(a))
        })
        .map(|(material, _)| material)
        .collect();
    for (material, amount) in solution_components(ctx.protocol, ctx.step, ctx.db) {
        if material.li_reaction == LiReaction::Violent
            && let Some(amount) = amount
            && is_dilute(amount)
            && ctx.reactions.get(&material.key).is_none()
        {
            diagnostics.push(
                Diagnostic::new(
                    codes::REACTIVE_SOLUTE_UNMODELLED,
                    format!(
                        "`{}` at {} reacts with the lithium, but no reaction of it is known",
                        material.key,
                        display(amount.si, amount.dimension)
                    ),
                    span,
                    format!("`{}` contains {}", reagent.label, material.name),
                )
                .with_help(format!(
                    "declare what it makes: `reaction \"{} + n Li -> ...\" {{ source: \"...\" }}`",
                    material.key
                ))
                .with_note("a dilute protic solute is the chemistry of the treatment (H3PO4 in DMSO, review ref. 100); the stack model needs its products"),
            );
        }
    }
    for material in bathing.iter().chain(&major_solutes) {
        if material.li_reaction != LiReaction::Violent {
            continue;
        }
        let (code, message) = if piece.covered() {
            (
                codes::VIOLENT_REAGENT_ON_COATED_LITHIUM,
                format!("`{}` reaches coated lithium through any pinhole", material.key),
            )
        } else {
            (
                codes::VIOLENT_REACTION,
                format!("`{}` reacts violently with lithium", material.key),
            )
        };
        let products = if material.li_products.is_empty() {
            String::new()
        } else {
            format!(" into {}", material.li_products.join(" + "))
        };
        let label = if reagent.label == material.key {
            format!("{} meets the foil here", material.name)
        } else {
            format!("`{}` contains {}", reagent.label, material.name)
        };
        diagnostics.push(with_open_cover(
            Diagnostic::new(code, message, span, label)
                .with_label(workpiece.span, format!("`{}` is lithium", workpiece.name))
                .with_help(
                    "use an aprotic solvent (DMSO, DME, DOL, ...) and keep water and alcohols away from the foil",
                )
                .with_note(if material.li_note.is_empty() {
                    format!("Li reacts with `{}`{products}", material.key)
                } else {
                    format!("Li reacts with `{}`{products}: {}", material.key, material.li_note)
                }),
            ctx,
            piece,
        ));
    }
}

/// Li in laboratory air: moisture, O2 and N2 attack it (`data/materials.tsv`: water,
/// O2 and N2 rows). A coating may protect it, so a coated foil gets a warning.
fn air_exposure(ctx: &Ctx, index: usize, piece: &Piece, diagnostics: &mut Vec<Diagnostic>) {
    let Some(environment) = ctx.environment else { return };
    let ambient = ctx
        .library
        .environments
        .get(environment)
        .is_some_and(|e| e.atmosphere == Atmosphere::Ambient);
    let workpiece = &ctx.protocol.workpieces[index];
    if !ambient || !piece.lithium {
        return;
    }
    let attackers: Vec<String> = ["water", "O2", "N2"]
        .iter()
        .filter_map(|key| ctx.material(key))
        .map(|m| format!("{} ({})", m.key, m.li_products.join(" + ")))
        .collect();
    let place = match ctx.tool {
        Some(tool) => format!("`{}` stands in `{environment}`", tool.name),
        None => format!("every tool that can `{}` stands in `{environment}`", ctx.step.verb),
    };
    let (code, message) = if piece.covered() {
        (
            codes::COATED_LITHIUM_IN_AIR,
            format!("coated lithium `{}` goes into `{environment}`", workpiece.name),
        )
    } else {
        (
            codes::BARE_LITHIUM_IN_AIR,
            format!("bare lithium `{}` goes into `{environment}`", workpiece.name),
        )
    };
    let diagnostic = Diagnostic::new(code, message, ctx.step.span, place)
        .with_label(workpiece.span, format!("`{}` is lithium", workpiece.name))
        .with_note(format!("in air lithium reacts with {}", attackers.join(", ")))
        .with_note("a dense coating can protect it: GF-LiF-Li stood 20-35 % relative humidity for more than 24 h (review ref. 63)");
    // Molten Li burns in a dry room's O2 and N2 too (E0410).
    let diagnostic = if ctx.li_molten() {
        moved_tool(
            diagnostic,
            ctx,
            &[Atmosphere::Inert, Atmosphere::Vacuum],
            "an inert gas or vacuum",
        )
        .with_note("molten Li burns in the O2 and N2 of a dry room too: only an inert gas or vacuum holds it")
    } else {
        moved_tool(
            diagnostic,
            ctx,
            &[Atmosphere::Inert, Atmosphere::Dry],
            "a glovebox or a dry room",
        )
    };
    diagnostics.push(with_open_cover(diagnostic, ctx, piece));
}

/// Says why a foil with layers on it counts as bare: each of its layers has open pores.
fn with_open_cover(diagnostic: Diagnostic, ctx: &Ctx, piece: &Piece) -> Diagnostic {
    if piece.covered() {
        return diagnostic;
    }
    let Some(layer) = piece.layers().last() else {
        return diagnostic;
    };
    diagnostic.with_note(format!(
        "the `{}` layer on it has open pores (porosity {}): it does not cover the Li",
        layer.material,
        crate::sema::units::trim_number(layer.porosity(ctx.db))
    ))
}
