//! One workpiece's values after a step, as the outputs show them: its layers, the
//! coating, the Li consumed and left, the mass added, with what they rest on.

use std::sync::Arc;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::layer::{Caveats, Layer, Origin, density};
use super::quantity::Estimate;
use super::state::{Piece, SnapshotCaveats};
use crate::sema::materials::MaterialDb;

/// One workpiece after a step.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub workpiece: usize,
    /// Bottom to top, shared with the workpiece's state; empty when `layers_elided`.
    pub layers: Vec<Arc<Layer>>,
    /// Whether the layers were left out to bound the output (see [`crate::physics::walk::LAYER_DETAIL`]); the
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

/// The piece's values after a step; its layers only when `detail` allows (see
/// [`crate::physics::walk::LAYER_DETAIL`]).
pub fn snapshot(workpiece: usize, piece: &mut Piece, db: &MaterialDb, detail: bool) -> Snapshot {
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
