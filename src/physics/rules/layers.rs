//! The rules on the layers on the foil: before a step's effect model runs, the step's
//! liquid, plasma and heat are judged against the layers the walk left, as converted (Sn
//! sputtered on Li is Li22Sn5 by then, and it is Li22Sn5's melting point that counts).
//!
//! Each rule's reason and source is in `spec/diagnostics.md`: W0404 (a liquid dissolves
//! layers), W0405 (a plasma etches them), W0406 (the heat melts or decomposes them).

use crate::diagnostics::{Diagnostic, codes};
use crate::model::context::Ctx;
use crate::model::state::{OnFoil, Piece};
use crate::sema::library::{Effect, ReagentKind};
use crate::sema::materials::Material;
use crate::sema::program::ReagentUse;
use crate::sema::units::{Dimension, display, trim_number};

/// Runs the rules on `piece` as it stands before `ctx`'s step. Each rule says once per
/// step what it finds, however many layers it finds it in: a CF4 plasma over a partly
/// converted MoS2 film etches the `MoS2` left and the `Mo` of the `Li2S+Mo` under it, and
/// that is one mistake.
pub(super) fn check_layers(piece: &mut Piece, ctx: &Ctx, diagnostics: &mut Vec<Diagnostic>) {
    let on_foil = &piece.totals(ctx.db).materials;
    if on_foil.is_empty() {
        return;
    }
    let layers: Vec<(&OnFoil, &Material)> = on_foil
        .iter()
        .filter_map(|layer| Some((layer, ctx.material(&layer.material)?)))
        .collect();
    if ctx.operation.reagent == ReagentKind::Liquid {
        let liquids: Vec<&Material> = ctx.liquids().iter().filter_map(|key| ctx.material(key)).collect();
        // Each layer is reported with the first liquid that dissolves it.
        let dissolver = |layer: &OnFoil, material: &Material| {
            liquids
                .iter()
                .position(|liquid| material.dissolves_in.contains(&liquid.key) || layer.cast_from.contains(&liquid.key))
        };
        for (index, liquid) in liquids.iter().enumerate() {
            let hits: Vec<(&OnFoil, &Material)> = layers
                .iter()
                .copied()
                .filter(|(layer, material)| dissolver(layer, material) == Some(index))
                .collect();
            diagnostics.extend(dissolved(ctx, &hits, liquid));
        }
    }
    if ctx.effect() == Effect::Plasma {
        for feed in ctx.solutes() {
            diagnostics.extend(etched(ctx, &layers, &feed));
        }
    }
    diagnostics.extend(damaged_by_heat(ctx, &layers));
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The layers hit, as the message names them, and a label at the step that made each.
fn named(ctx: &Ctx, hits: &[(&OnFoil, &Material)]) -> (String, Vec<(crate::span::Span, String)>) {
    let names: Vec<String> = hits
        .iter()
        .map(|(layer, material)| the_layer(layer, &material.key))
        .collect();
    let mut labels: Vec<(crate::span::Span, String)> = Vec::new();
    for (layer, _) in hits {
        let label = made_at(ctx, layer);
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    (and_list(&names), labels)
}

/// Adds the labels of [`named`] to a diagnostic.
fn with_labels(diagnostic: Diagnostic, labels: Vec<(crate::span::Span, String)>) -> Diagnostic {
    labels.into_iter().fold(diagnostic, |diagnostic, (span, label)| {
        diagnostic.with_label(span, label)
    })
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

/// W0404: the step's liquid dissolves layers already on the foil.
fn dissolved(ctx: &Ctx, hits: &[(&OnFoil, &Material)], solvent: &Material) -> Option<Diagnostic> {
    if hits.is_empty() {
        return None;
    }
    let why: Vec<String> = hits
        .iter()
        .map(|(_, material)| {
            let key = &material.key;
            if material.dissolves_in.contains(&solvent.key) {
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
            }
        })
        .collect();
    let keys: Vec<String> = hits.iter().map(|(_, m)| format!("`{}`", m.key)).collect();
    let (layers, labels) = named(ctx, hits);
    let diagnostic = Diagnostic::new(
        codes::LAYER_DISSOLVED,
        format!("`{}` dissolves {layers} already on the foil", solvent.key),
        reagent_span(ctx),
        format!("`{}` dissolves {}", solvent.key, and_list(&keys)),
    );
    Some(
        with_labels(diagnostic, labels)
            .with_help(format!(
                "use a liquid that does not dissolve {}, or change the order of the steps",
                and_list(&keys)
            ))
            .with_note(why.join("; ")),
    )
}

/// W0405: a plasma of `feed` etches layers already on the foil (`data/etching.tsv`).
fn etched(ctx: &Ctx, layers: &[(&OnFoil, &Material)], feed: &str) -> Option<Diagnostic> {
    let etching = ctx.library.etching.get(feed)?;
    let hits: Vec<(&OnFoil, &Material)> = layers
        .iter()
        .copied()
        .filter(|(_, material)| etching.etches.contains(&material.key))
        .collect();
    if hits.is_empty() {
        return None;
    }
    let keys: Vec<String> = hits.iter().map(|(_, m)| format!("`{}`", m.key)).collect();
    let (names, labels) = named(ctx, &hits);
    let diagnostic = Diagnostic::new(
        codes::LAYER_ETCHED,
        format!("a `{feed}` plasma etches {names} already on the foil"),
        reagent_span(ctx),
        format!("`{feed}` plasma removes {}", and_list(&keys)),
    );
    Some(
        with_labels(diagnostic, labels)
            .with_help(if hits.len() == 1 {
                "keep the plasma short, or treat the foil before depositing this layer"
            } else {
                "keep the plasma short, or treat the foil before depositing these layers"
            })
            .with_note(format!("it leaves as {}; {}", etching.product, etching.source)),
    )
}

/// W0406: the step is hot enough to melt or decompose layers already on the foil.
fn damaged_by_heat(ctx: &Ctx, layers: &[(&OnFoil, &Material)]) -> Option<Diagnostic> {
    let temperature = ctx.step.temperature_k();
    let celsius = temperature - 273.15;
    let damage = |material: &Material| match (material.decomp_c, material.melt_c) {
        (Some(decomposes), _) if celsius >= decomposes => Some(("decomposes", decomposes)),
        (_, Some(melts)) if celsius >= melts => Some(("melts", melts)),
        _ => None,
    };
    // Li, the substrate's or plated on it, is the foil rules' (E0409, W0407).
    let hits: Vec<(&OnFoil, &Material)> = layers
        .iter()
        .copied()
        .filter(|(_, m)| m.key != "Li" && damage(m).is_some())
        .collect();
    let damages: Vec<(&str, f64)> = hits.iter().filter_map(|(_, m)| damage(m)).collect();
    let lowest = damages.iter().map(|(_, point)| *point).reduce(f64::min)?;
    let at = display(temperature, const { Dimension::called("temperature") });
    let what = if damages.iter().all(|(what, _)| *what == damages[0].0) {
        damages[0].0
    } else {
        "melts or decomposes"
    };
    let points: Vec<String> = hits
        .iter()
        .zip(&damages)
        .map(|((_, material), (what, point))| {
            let unverified = if material.unverified.iter().any(|c| c == "melt_C" || c == "decomp_C") {
                " (unverified)"
            } else {
                ""
            };
            format!("`{}` {what} at {} degC{unverified}", material.key, trim_number(*point))
        })
        .collect();
    let notes: Vec<String> = hits
        .iter()
        .map(|(_, material)| format!("{}: {}", material.name, material.source))
        .collect();
    let (names, labels) = named(ctx, &hits);
    let diagnostic = Diagnostic::new(
        codes::LAYER_DAMAGED_BY_HEAT,
        format!("`{}` at {at} {what} {names}", ctx.step.name),
        ctx.step.param_span("temperature"),
        and_list(&points),
    );
    Some(
        with_labels(diagnostic, labels)
            .with_help(format!("keep `{}` below {} degC", ctx.step.name, trim_number(lowest)))
            .with_note(notes.join("; ")),
    )
}
