//! The layer stack on each workpiece after every step, and the budgets checked on it.
//!
//! Each operation's effect kind (`data/operations.tsv`) selects a model; the models, their
//! equations and their sources are in `spec/models.md`:
//! - deposition ([`super::deposition`]): the layer is the one the recipe puts down;
//! - conversion ([`super::conversion`]): a precursor on Li turns into its products when its
//!   trigger in `data/reactions.tsv` fires (contact, anneal, molten Li, plating, pressing);
//! - growth ([`super::growth`]): Li reacts with a gas, plasma, liquid or solid reagent;
//! - electrochemistry ([`super::electrochem`]): plating, stripping, Li lost to the SEI;
//! - removal and mechanical work ([`super::removal`]): etching, dissolving, rolling;
//! - joins: `onto` lays a workpiece's layers on the target, upside down.
//!
//! Steps run in the order written (the order of every workpiece's own steps).

use std::sync::Arc;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::budget::{self, BudgetOutcome};
use super::context::Ctx;
use super::conversion::{convert_layer, firing, first_clause, pending_note, settle};
use super::data::{ModelData, Route};
use super::deposition::deposit;
use super::duration::duration;
use super::electrochem::electroplate;
use super::electrochem::{Overdrawn, strip};
use super::format::length;
use super::growth::{grow, species};
use super::layer::{Caveats, Layer, Origin, density};
use super::notes::Notes;
use super::quantity::Estimate;
use super::removal::{remove, roll};
use super::state::{Piece, SnapshotCaveats};
use crate::diagnostics::{Diagnostic, codes};
use crate::sema::chemistry::Chemistry;
use crate::sema::library::{Effect, Library};
use crate::sema::materials::MaterialDb;
use crate::sema::program::{Program, Protocol};

/// One workpiece after a step.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub workpiece: usize,
    /// Bottom to top, shared with the workpiece's state; empty when `layers_elided`.
    pub layers: Vec<Arc<Layer>>,
    /// Whether the layers were left out to bound the output (see [`LAYER_DETAIL`]); the
    /// totals below are still there.
    pub layers_elided: bool,
    /// Total thickness of the layers, m; `None` when a layer's thickness is unknown.
    pub coating: Option<Estimate>,
    /// Dense Li consumed so far, m; `None` when a step's consumption is unknown.
    pub li_consumed: Option<Estimate>,
    /// Dense Li left, m; `None` for a workpiece that is not Li, or without a thickness.
    pub li_remaining: Option<Estimate>,
    /// Areal mass added to the bare foil (layers, less the Li they took), kg/m2.
    pub mass_added: Option<Estimate>,
    /// The share of the anode's thickness that is not Li: coating / (Li + coating).
    pub volumetric_penalty: Option<Estimate>,
    /// What the coating, the Li and the mass rest on that is unverified or assumed.
    pub caveats: SnapshotCaveats,
}

impl Snapshot {
    /// Everything the values rest on.
    pub fn caveats(&self) -> Caveats {
        // The mass rests on the coating, the densities and the Li: the union of all three.
        let mut all = Caveats::clone(&self.caveats.coating);
        all.extend(&self.caveats.li);
        all.extend(&self.caveats.density);
        all
    }
}

/// The protocol's stacks after one step.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StackAfterStep {
    pub step: usize,
    pub name: Arc<str>,
    /// The workpiece the step acts on (`None` for a preparation step).
    pub acts_on: Option<usize>,
    /// Seconds; `None` when the parameters do not say.
    pub duration_s: Option<f64>,
    /// The product's stack, flattened into this object; shared with the step before when
    /// this step left it as it was.
    #[serde(flatten)]
    pub product: Option<Arc<Snapshot>>,
    /// The other workpieces this step acted on that carry layers (a carrier film before
    /// its transfer). Only those: listing every piece after every step would grow as
    /// steps x workpieces; a piece's stack stands as it was last listed.
    pub others: Vec<Snapshot>,
    /// What the models did at this step, and why.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ProtocolStack {
    /// The workpiece the budgets apply to: the Li foil everything ends up on.
    pub product: Option<usize>,
    pub after_steps: Vec<StackAfterStep>,
    pub budgets: Vec<BudgetOutcome>,
}

impl ProtocolStack {
    /// The product after the last step.
    pub fn last(&self) -> Option<&Snapshot> {
        self.after_steps.iter().rev().find_map(|s| s.product.as_deref())
    }
}

/// How many layers the snapshots of one protocol list in all. A protocol of N steps that
/// each add a layer would otherwise list N^2 / 2 of them (a generated recipe of 20 000
/// steps, 200 million); past this, a snapshot keeps its totals but not its layers, except
/// the product after the last step, which always has them.
pub const LAYER_DETAIL: usize = 20_000;

/// The most layers the models follow on one workpiece. Etching, dissolving and
/// conversions look at every layer of a stack, so each step costs time in proportion to
/// its height; past this height (ten times any recipe of the review) the piece is no
/// longer modelled, which keeps a generated protocol of 10^5 dip-and-sputter cycles from
/// running for minutes (W0603).
pub const MAX_LAYERS: usize = 5_000;

/// The product: the first Li substrate, else the first substrate.
fn product_of(protocol: &Protocol, db: &MaterialDb) -> Option<usize> {
    let is_li = |key: &str| db.lookup(key).is_some_and(|m| m.key == "Li");
    protocol
        .workpieces
        .iter()
        .position(|w| is_li(&w.material))
        .or((!protocol.workpieces.is_empty()).then_some(0))
}

/// The stacks of every protocol, one per protocol in order, and the budget diagnostics.
pub fn predict(program: &Program, library: &Library, chemistry: &Chemistry) -> (Vec<ProtocolStack>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let stacks = program
        .protocols
        .iter()
        .map(|protocol| predict_and_check(protocol, library, chemistry, true, &mut diagnostics))
        .collect();
    (stacks, diagnostics)
}

/// The budget diagnostics of [`predict`] alone: the notes are not written, and each
/// protocol's stack is dropped once its budgets are checked, so a file of many protocols
/// never holds all their stacks.
pub fn check_budgets(program: &Program, library: &Library, chemistry: &Chemistry) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for protocol in &program.protocols {
        predict_and_check(protocol, library, chemistry, false, &mut diagnostics);
    }
    diagnostics
}

fn predict_and_check(
    protocol: &Protocol,
    library: &Library,
    chemistry: &Chemistry,
    write_notes: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> ProtocolStack {
    let (mut stack, pieces) = predict_protocol(
        protocol,
        library,
        chemistry,
        ModelData::builtin(),
        write_notes,
        diagnostics,
    );
    let product = stack.product.and_then(|p| pieces.get(p));
    stack.budgets = budget::check(protocol, library, &stack, product, diagnostics);
    stack
}

fn predict_protocol(
    protocol: &Protocol,
    library: &Library,
    chemistry: &Chemistry,
    data: &ModelData,
    write_notes: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> (ProtocolStack, Vec<Piece>) {
    let db = &chemistry.materials;
    let product = product_of(protocol, db);
    let mut pieces: Vec<Piece> = protocol
        .workpieces
        .iter()
        .map(|w| Piece::new(db.lookup(&w.material).is_some_and(|m| m.key == "Li"), w.thickness_m))
        .collect();
    let mut after_steps: Vec<StackAfterStep> = Vec::with_capacity(protocol.steps.len());
    let mut last_product: Option<Arc<Snapshot>> = None;
    let mut listed = 0;
    let mut detail = |piece: &Piece| {
        listed += piece.layers().len();
        listed <= LAYER_DETAIL
    };
    for (index, step) in protocol.steps.iter().enumerate() {
        let Some(operation) = library.operations.get(&*step.verb) else {
            continue;
        };
        let ctx = Ctx {
            protocol,
            step,
            index,
            operation,
            library,
            db,
            reactions: &chemistry.reactions,
            thermo: &chemistry.thermo,
            data,
        };
        let mut notes = if write_notes {
            Notes::written()
        } else {
            Notes::unwritten()
        };
        let acted_on = step.workpiece.filter(|w| *w < pieces.len());
        let target = step
            .onto
            .filter(|t| *t < pieces.len() && acted_on.is_some_and(|w| w != *t));
        let modelled = |pieces: &[Piece]| {
            [acted_on, target]
                .into_iter()
                .flatten()
                .all(|p| pieces[p].unmodelled_from.is_none())
        };
        if let Some(workpiece) = acted_on.filter(|_| modelled(&pieces)) {
            let area = protocol.workpieces[workpiece].area_m2;
            if let Some(over) = apply(&mut pieces[workpiece], &ctx, area, &mut notes) {
                diagnostics.push(over_strip(protocol, workpiece, step, &over));
            }
            if let Some(target) = target {
                // A join lays the workpiece's layers, top side down, onto the target.
                let carried = pieces[workpiece].take_layers();
                let target_piece = &mut pieces[target];
                for layer in carried.into_iter().rev() {
                    target_piece.push(layer, db);
                }
                notes.add(|| {
                    format!(
                        "{} lays the layers of `{}` upside down onto `{}`",
                        ctx.name(),
                        protocol.workpieces[workpiece].name,
                        protocol.workpieces[target].name
                    )
                });
                roll(target_piece, &ctx, &mut notes);
                settle(target_piece, &ctx, &mut notes);
            }
            for piece_index in [Some(workpiece), target].into_iter().flatten() {
                if pieces[piece_index].layers().len() > MAX_LAYERS {
                    pieces[piece_index].unmodelled_from = Some(index);
                    diagnostics.push(too_deep(protocol, piece_index, step));
                    notes.add(|| {
                        format!(
                            "`{}` has more than {MAX_LAYERS} layers: it is not modelled from {} on",
                            protocol.workpieces[piece_index].name,
                            ctx.name()
                        )
                    });
                }
            }
        }
        let others = pieces
            .iter_mut()
            .enumerate()
            .filter(|(i, piece)| {
                Some(*i) != product && (Some(*i) == acted_on || Some(*i) == target) && !piece.layers().is_empty()
            })
            .map(|(i, piece)| {
                let detail = detail(piece);
                snapshot(i, piece, db, detail)
            })
            .collect();
        after_steps.push(StackAfterStep {
            step: index,
            name: step.name.clone(),
            acts_on: step.workpiece,
            duration_s: duration(&ctx),
            product: product.and_then(|p| {
                let piece = pieces.get_mut(p)?;
                let detail = detail(piece);
                let now = snapshot(p, piece, db, detail);
                let shared = match &last_product {
                    Some(last) if **last == now => Arc::clone(last),
                    _ => Arc::new(now),
                };
                last_product = Some(Arc::clone(&shared));
                Some(shared)
            }),
            others,
            notes: notes.into_vec(),
        });
    }
    // The product after the last step always lists its layers.
    let last = after_steps.iter_mut().rev().find_map(|s| s.product.as_mut());
    if let (Some(snapshot), Some(piece)) = (last, product.and_then(|p| pieces.get(p)))
        && snapshot.layers_elided
        && piece.unmodelled_from.is_none()
    {
        let snapshot = Arc::make_mut(snapshot);
        snapshot.layers = piece.layers().to_vec();
        snapshot.layers_elided = false;
    }
    (
        ProtocolStack {
            product,
            after_steps,
            budgets: Vec::new(),
        },
        pieces,
    )
}

/// W0603: the stack on a workpiece passed [`MAX_LAYERS`] at `step`.
fn too_deep(protocol: &Protocol, workpiece: usize, step: &crate::sema::program::Step) -> Diagnostic {
    let name = &protocol.workpieces[workpiece].name;
    Diagnostic::new(
        codes::STACK_TOO_DEEP,
        format!("`{name}` carries more than {MAX_LAYERS} layers after `{}`", step.name),
        step.span,
        format!("the layers on `{name}` are not modelled from here on"),
    )
    .with_note("the budgets that depend on the stack are not evaluated (W0602)")
    .with_help("model a representative number of cycles, or split the protocol")
}

/// Runs the step's effect model on the piece it acts on. Returns the Li a strip asked
/// for and the Li the piece held, when the first is more.
fn apply(piece: &mut Piece, ctx: &Ctx, area: Option<f64>, notes: &mut Notes) -> Option<Overdrawn> {
    remove(piece, ctx, notes);
    let mut overdrawn = None;
    match ctx.effect() {
        Effect::Deposit | Effect::Cycles | Effect::LangmuirBlodgett | Effect::Laminate | Effect::Cast => {
            if let Some(layer) = deposit(ctx, area, notes) {
                piece.push(layer, ctx.db);
            }
        }
        Effect::GasReaction => grow(
            piece,
            ctx,
            if ctx.li_molten() { Route::MoltenGas } else { Route::Gas },
            notes,
        ),
        Effect::Plasma => grow(piece, ctx, Route::Plasma, notes),
        Effect::LiquidReaction => grow(piece, ctx, Route::Liquid, notes),
        Effect::Convert | Effect::Alloy => react(piece, ctx, notes),
        Effect::Electrochemical => {
            // Plating converts what plating triggers before the SEI forms on top.
            settle(piece, ctx, notes);
            electroplate(piece, ctx, notes);
        }
        Effect::Strip => overdrawn = strip(piece, ctx, notes),
        Effect::Mechanical if ctx.step.onto.is_none() => roll(piece, ctx, notes),
        Effect::Mechanical | Effect::Prepare | Effect::Rinse | Effect::Dry | Effect::Heat | Effect::Rest => {}
    }
    settle(piece, ctx, notes);
    let last = piece.layers().len().saturating_sub(1);
    if let Some(note) =
        pending_note(piece, last, ctx).filter(|_| piece.layers().last().is_some_and(|l| l.step == ctx.index))
    {
        notes.add(|| note);
    }
    overdrawn
}

/// E0604: a strip that asks for more Li than the workpiece holds.
fn over_strip(
    protocol: &Protocol,
    workpiece: usize,
    step: &crate::sema::program::Step,
    over: &Overdrawn,
) -> Diagnostic {
    let piece = &protocol.workpieces[workpiece];
    let capacity = |m: f64| {
        over.charge_per_m
            .map(|per_m| format!(" ({:.2} mAh/cm2)", m * per_m / 36_000.0))
    };
    Diagnostic::new(
        codes::OVER_STRIP,
        format!(
            "`{}` strips {} of Li, more than the {} that `{}` holds",
            step.name,
            length(over.asked_m, 3),
            length(over.held_m, 3),
            piece.name
        ),
        step.span,
        format!(
            "removes {}{}",
            length(over.asked_m, 3),
            capacity(over.asked_m).unwrap_or_default()
        ),
    )
    .with_label(
        piece.span,
        format!("`{}` holds {} of Li here", piece.name, length(over.held_m, 3)),
    )
    .with_help(format!(
        "strip at most {}{}, or start from a thicker foil",
        length(over.held_m, 3),
        capacity(over.held_m).unwrap_or_default()
    ))
    .with_note("by Faraday's law 1 mAh/cm2 removes 4.85 um of dense Li (spec/models.md)")
}

/// A solid reagent reacting with the Li (`react`, `alloy`): a stated amount (`thickness`)
/// converts by stoichiometry; without one, `react` grows a solid-phase layer of the assumed
/// range and `alloy` makes a bulk alloy, which is no layer.
fn react(piece: &mut Piece, ctx: &Ctx, notes: &mut Notes) {
    if !piece.lithium {
        notes.add(|| format!("{} touches no Li: nothing reacts", ctx.name()));
        return;
    }
    let Some(thickness) = ctx.step.param("thickness") else {
        if ctx.effect() == Effect::Alloy {
            notes.add(|| {
                format!(
                    "{} alloys the bulk of the foil: no layer forms (the Li left is not modelled)",
                    ctx.name()
                )
            });
        } else {
            grow(piece, ctx, Route::Solid, notes);
        }
        return;
    };
    let species = species(ctx);
    if species.reactive.is_empty() {
        let names = ctx.solutes();
        piece.push(
            Layer::new(&names, Some(Estimate::exact(thickness)), ctx.index, Origin::Deposited),
            ctx.db,
        );
        piece.li_unknown_at(ctx.index);
        notes.add(|| {
            format!(
                "`{}` has no reaction in data/reactions.tsv: it is put on as it is",
                names.join("/")
            )
        });
        return;
    }
    let share = thickness / species.reactive.len() as f64;
    let why = format!(
        "in {} at {}",
        ctx.name(),
        crate::sema::units::display(
            ctx.step.temperature_k(),
            const { crate::sema::units::Dimension::called("temperature") }
        )
    );
    for reactive in &species.reactive {
        let reactant = std::slice::from_ref(&reactive.reaction.reactant);
        piece.push(
            Layer::new(reactant, Some(Estimate::exact(share)), ctx.index, Origin::Deposited),
            ctx.db,
        );
        let index = piece.layers().len() - 1;
        let layer = Arc::clone(&piece.layers()[index]);
        match firing(reactive.reaction, &layer, ctx) {
            Some(trigger) => {
                convert_layer(piece, index, reactive.reaction, trigger, &why, ctx, notes);
            }
            None => notes.add(|| {
                format!(
                    "`{}` stays as it is on the Li: {} needs {} ({})",
                    layer.material,
                    reactive.reaction.equation(),
                    reactive
                        .reaction
                        .when
                        .iter()
                        .map(|t| t.describe())
                        .collect::<Vec<_>>()
                        .join(" or "),
                    first_clause(&reactive.reaction.source)
                )
            }),
        }
    }
}

/// The piece's values after a step; its layers only when `detail` allows (see
/// [`LAYER_DETAIL`]).
fn snapshot(workpiece: usize, piece: &mut Piece, db: &MaterialDb, detail: bool) -> Snapshot {
    if piece.unmodelled_from.is_some() {
        return Snapshot {
            workpiece,
            layers: Vec::new(),
            layers_elided: true,
            coating: None,
            li_consumed: None,
            li_remaining: None,
            mass_added: None,
            volumetric_penalty: None,
            caveats: SnapshotCaveats::default(),
        };
    }
    let li_density = density(db, "Li");
    let totals = piece.totals(db);
    let coating = totals.unknown.is_empty().then_some(totals.coating);
    let layer_mass = totals.layer_mass;
    let li_known = piece.li_unknown.is_empty();
    let mass_known = layer_mass.is_some() && li_known && li_density.is_some();
    let caveats = piece.snapshot_caveats(
        db,
        li_density.as_ref().map_or(&[], |(_, flags)| flags.as_slice()),
        mass_known,
    );
    // A workpiece that is not Li has no Li to lose until Li is plated onto it; that Li
    // is then one of its layers, so it adds its mass as a layer and is no coating.
    let li_consumed = (li_known && (piece.lithium || piece.li.is_some())).then_some(piece.li_consumed);
    let li_remaining = piece.li.filter(|_| li_known);
    let coating_beside_li = match (coating, li_remaining) {
        (Some(c), Some(li)) if !piece.lithium => Some(c.zip(li, |c, li| (c - li).max(0.0)).ordered()),
        _ => coating,
    };
    let mass_added = match (layer_mass, li_known, li_density) {
        (Some(layers), true, _) if !piece.lithium => Some(layers),
        (Some(layers), true, Some((li_density, _))) => {
            // Scenario by scenario: the thinnest layers go with the least Li consumed.
            let li_taken = piece.li_consumed.map(|t| (t - piece.li_plated) * li_density);
            Some(layers.zip(li_taken, |layers, li| layers - li).ordered())
        }
        _ => None,
    };
    let volumetric_penalty = match (coating_beside_li, li_remaining) {
        (Some(c), Some(li)) if li.min + c.min > 0.0 => Some(Estimate::new(
            c.nominal / (li.nominal + c.nominal),
            c.min / (li.max + c.min),
            c.max / (li.min + c.max),
        )),
        _ => None,
    };
    Snapshot {
        workpiece,
        layers: if detail { piece.layers().to_vec() } else { Vec::new() },
        layers_elided: !detail,
        coating,
        li_consumed,
        li_remaining,
        mass_added,
        volumetric_penalty,
        caveats,
    }
}

/// Writes `{stem}_{unit}`, `{stem}_min_{unit}` and `{stem}_max_{unit}` (SI values, the
/// SI unit in the name), `null` when unknown.
fn entries<M: SerializeMap>(map: &mut M, stem: &str, unit: &str, value: Option<Estimate>) -> Result<(), M::Error> {
    let suffix = if unit.is_empty() {
        String::new()
    } else {
        format!("_{unit}")
    };
    map.serialize_entry(&format!("{stem}{suffix}"), &value.map(|v| v.nominal))?;
    map.serialize_entry(&format!("{stem}_min{suffix}"), &value.map(|v| v.min))?;
    map.serialize_entry(&format!("{stem}_max{suffix}"), &value.map(|v| v.max))
}

impl Serialize for Layer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("material", &self.material)?;
        entries(&mut map, "thickness", "m", self.thickness)?;
        map.serialize_entry("components", &self.components)?;
        map.serialize_entry("origin", &self.origin)?;
        map.serialize_entry("step", &self.step)?;
        map.serialize_entry("converted_at", &self.converted_at)?;
        map.serialize_entry("unverified", &self.caveats.unverified)?;
        map.serialize_entry("assumed", &self.caveats.assumed)?;
        map.end()
    }
}

impl Serialize for Snapshot {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("workpiece", &self.workpiece)?;
        map.serialize_entry("layers", &self.layers)?;
        if self.layers_elided {
            map.serialize_entry("layers_elided", &true)?;
        }
        entries(&mut map, "coating", "m", self.coating)?;
        entries(&mut map, "li_consumed", "m", self.li_consumed)?;
        entries(&mut map, "li_remaining", "m", self.li_remaining)?;
        entries(&mut map, "mass_added", "kg_m2", self.mass_added)?;
        entries(&mut map, "volumetric_penalty", "", self.volumetric_penalty)?;
        let caveats = self.caveats();
        map.serialize_entry("unverified", &caveats.unverified)?;
        map.serialize_entry("assumed", &caveats.assumed)?;
        map.end()
    }
}

/// The schema of the `{stem}_{unit}`, `_min_` and `_max_` numbers [`entries`] writes.
fn estimate_properties(properties: &mut serde_json::Map<String, serde_json::Value>, stem: &str, unit: &str) {
    let suffix = if unit.is_empty() {
        String::new()
    } else {
        format!("_{unit}")
    };
    for part in ["", "_min", "_max"] {
        properties.insert(
            format!("{stem}{part}{suffix}"),
            serde_json::json!({ "type": ["number", "null"] }),
        );
    }
}

/// An object schema of `properties`, all required (the caveat lists included).
fn object_schema(mut properties: serde_json::Map<String, serde_json::Value>, optional: &[&str]) -> schemars::Schema {
    let strings = serde_json::json!({ "type": "array", "items": { "type": "string" } });
    properties.insert("unverified".to_owned(), strings.clone());
    properties.insert("assumed".to_owned(), strings);
    let required: Vec<&String> = properties
        .keys()
        .filter(|key| !optional.contains(&key.as_str()))
        .collect();
    let schema = serde_json::json!({
        "type": "object",
        "properties": properties,
        "required": required,
    });
    match schema {
        serde_json::Value::Object(map) => schemars::Schema::from(map),
        _ => schemars::Schema::default(),
    }
}

fn subschema<T: schemars::JsonSchema>(generator: &mut schemars::SchemaGenerator) -> serde_json::Value {
    generator.subschema_for::<T>().to_value()
}

impl schemars::JsonSchema for Layer {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Layer".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut properties = serde_json::Map::new();
        properties.insert("material".to_owned(), serde_json::json!({ "type": "string" }));
        estimate_properties(&mut properties, "thickness", "m");
        properties.insert(
            "components".to_owned(),
            subschema::<Vec<super::layer::Share>>(generator),
        );
        properties.insert("origin".to_owned(), subschema::<Origin>(generator));
        properties.insert("step".to_owned(), subschema::<usize>(generator));
        properties.insert("converted_at".to_owned(), subschema::<Option<usize>>(generator));
        object_schema(properties, &[])
    }
}

impl schemars::JsonSchema for Snapshot {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Snapshot".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut properties = serde_json::Map::new();
        properties.insert("workpiece".to_owned(), subschema::<usize>(generator));
        properties.insert("layers".to_owned(), subschema::<Vec<Layer>>(generator));
        properties.insert("layers_elided".to_owned(), serde_json::json!({ "const": true }));
        estimate_properties(&mut properties, "coating", "m");
        estimate_properties(&mut properties, "li_consumed", "m");
        estimate_properties(&mut properties, "li_remaining", "m");
        estimate_properties(&mut properties, "mass_added", "kg_m2");
        estimate_properties(&mut properties, "volumetric_penalty", "");
        object_schema(properties, &["layers_elided"])
    }
}
