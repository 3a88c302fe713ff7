//! The rules that read what is on the foil: before a step's effect model runs, the
//! step's liquid, plasma and heat are judged against the layers the model walked to, as
//! converted (Sn sputtered on Li is Li22Sn5 by then, and it is Li22Sn5's melting point
//! that counts). The phase checks (`sema::phases`) judge what needs only the program.
//!
//! Each rule's reason and source is in `spec/diagnostics.md`: W0404 (a liquid dissolves a
//! layer), W0405 (a plasma etches one), W0406 (the heat melts or decomposes one).

use crate::diagnostics::{Diagnostic, codes};
use crate::model::context::Ctx;
use crate::model::state::{OnFoil, Piece};
use crate::sema::library::{Effect, ReagentKind};
use crate::sema::materials::Material;
use crate::sema::program::ReagentUse;
use crate::sema::units::{Dimension, display, trim_number};

/// Runs the rules on `piece` as it stands before `ctx`'s step.
pub(super) fn check_layers(piece: &mut Piece, ctx: &Ctx, diagnostics: &mut Vec<Diagnostic>) {
    let on_foil = &piece.totals(ctx.db).materials;
    if on_foil.is_empty() {
        return;
    }
    let liquids: Vec<&Material> = if ctx.operation.reagent == ReagentKind::Liquid {
        ctx.liquids().iter().filter_map(|key| ctx.material(key)).collect()
    } else {
        Vec::new()
    };
    let feeds: Vec<String> = if ctx.effect() == Effect::Plasma {
        ctx.solutes()
    } else {
        Vec::new()
    };
    for layer in on_foil {
        let Some(material) = ctx.material(&layer.material) else {
            continue;
        };
        if let Some(liquid) = liquids
            .iter()
            .find(|liquid| material.dissolves_in.contains(&liquid.key) || layer.cast_from.contains(&liquid.key))
        {
            diagnostics.push(dissolved(ctx, layer, material, liquid));
        }
        for feed in &feeds {
            diagnostics.extend(etched(ctx, layer, material, feed));
        }
        diagnostics.extend(damaged_by_heat(ctx, layer, material));
    }
}

fn reagent_span(ctx: &Ctx) -> crate::span::Span {
    ctx.step.reagent.as_ref().map_or(ctx.step.span, ReagentUse::span)
}

/// Where the layer was put on, and what the label says.
fn made_at(ctx: &Ctx, layer: &OnFoil) -> (crate::span::Span, String) {
    let label = if layer.converted {
        format!("`{}` forms from what this step puts on", layer.layer)
    } else {
        format!("`{}` is put on here", layer.layer)
    };
    (ctx.protocol.steps[layer.step].span, label)
}

/// The layer a rule names: `` the `PEO` layer ``, or `` the `Mo` of the `Li2S+Mo` layer ``.
fn the_layer(layer: &OnFoil, key: &str) -> String {
    if layer.layer == key {
        format!("the `{key}` layer")
    } else {
        format!("the `{key}` of the `{}` layer", layer.layer)
    }
}

/// W0404: the step's liquid dissolves a layer already on the foil.
fn dissolved(ctx: &Ctx, layer: &OnFoil, material: &Material, solvent: &Material) -> Diagnostic {
    let key = &material.key;
    let why = if material.dissolves_in.contains(&solvent.key) {
        format!(
            "`{key}` dissolves in {} (`dissolves_in` in data/materials.tsv and data/solubility.tsv; {})",
            material.dissolves_in.join(", "),
            material.li_note
        )
    } else {
        format!(
            "`{key}` was cast from a solution in `{}`: a solvent that casts a polymer dissolves it",
            solvent.key
        )
    };
    let (made, label) = made_at(ctx, layer);
    Diagnostic::new(
        codes::LAYER_DISSOLVED,
        format!(
            "`{}` dissolves {} already on the foil",
            solvent.key,
            the_layer(layer, key)
        ),
        reagent_span(ctx),
        format!("`{}` dissolves `{key}`", solvent.key),
    )
    .with_label(made, label)
    .with_help(format!(
        "use a liquid that does not dissolve `{key}`, or change the order of the steps"
    ))
    .with_note(why)
}

/// W0405: a plasma of `feed` etches a layer already on the foil (`data/etching.tsv`).
fn etched(ctx: &Ctx, layer: &OnFoil, material: &Material, feed: &str) -> Option<Diagnostic> {
    let etching = ctx.library.etching.get(feed)?;
    let key = &material.key;
    etching.etches.contains(key).then(|| {
        let (made, label) = made_at(ctx, layer);
        Diagnostic::new(
            codes::LAYER_ETCHED,
            format!("a `{feed}` plasma etches {} already on the foil", the_layer(layer, key)),
            reagent_span(ctx),
            format!("`{feed}` plasma removes `{key}`"),
        )
        .with_label(made, label)
        .with_help("keep the plasma short, or treat the foil before depositing this layer")
        .with_note(format!("it leaves as {}; {}", etching.product, etching.source))
    })
}

/// W0406: the step is hot enough to melt or decompose a layer already on the foil.
fn damaged_by_heat(ctx: &Ctx, layer: &OnFoil, material: &Material) -> Option<Diagnostic> {
    let temperature = ctx.step.temperature_k();
    let celsius = temperature - 273.15;
    let (what, point) = match (material.decomp_c, material.melt_c) {
        (Some(decomposes), _) if celsius >= decomposes => ("decomposes", decomposes),
        (_, Some(melts)) if celsius >= melts => ("melts", melts),
        _ => return None,
    };
    let key = &material.key;
    let at = display(temperature, const { Dimension::called("temperature") });
    let unverified = if material.unverified.iter().any(|c| c == "melt_C" || c == "decomp_C") {
        " (unverified)"
    } else {
        ""
    };
    let (made, label) = made_at(ctx, layer);
    Some(
        Diagnostic::new(
            codes::LAYER_DAMAGED_BY_HEAT,
            format!("`{}` at {at} {what} {}", ctx.step.name, the_layer(layer, key)),
            ctx.step.param_span("temperature"),
            format!("`{key}` {what} at {} degC{unverified}", trim_number(point)),
        )
        .with_label(made, label)
        .with_help(format!("keep `{}` below {} degC", ctx.step.name, trim_number(point)))
        .with_note(format!("{}: {}", material.name, material.source)),
    )
}
