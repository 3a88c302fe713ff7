//! The predicted stacks as text tables, for `seipc stack`: per protocol, one row per step
//! with the totals, then the layers after each step, the budgets, what the models did,
//! and footnotes for the values that rest on unverified data (`*`) or assumptions (`~`).

use std::fmt::Write;

use crate::model::format::{areal_mass, duration, estimate, length, percent};
use crate::model::layer::{Caveats, Run, merge, runs};
use crate::model::quantity::Estimate;
use crate::model::snapshot::Snapshot;
use crate::physics::budget::BudgetStatus;
use crate::physics::{LAYER_DETAIL, ProtocolStack};
use crate::sema::program::{Program, Protocol};

/// Renders every protocol's stack. `stacks[i]` belongs to `program.protocols[i]`.
pub fn render_table(program: &Program, stacks: &[ProtocolStack]) -> String {
    let mut out = String::new();
    for (index, (protocol, stack)) in program.protocols.iter().zip(stacks).enumerate() {
        if index > 0 {
            out.push('\n');
        }
        render_protocol(&mut out, protocol, stack);
    }
    out
}

/// Footnotes collected while rendering one protocol.
#[derive(Default)]
struct Footnotes {
    caveats: Caveats,
}

impl Footnotes {
    /// The marks for a value resting on `caveats`, remembering them for the footnotes.
    fn mark(&mut self, caveats: &Caveats) -> &'static str {
        self.caveats.extend(caveats);
        match (caveats.unverified.is_empty(), caveats.assumed.is_empty()) {
            (true, true) => "",
            (false, true) => "*",
            (true, false) => "~",
            (false, false) => "*~",
        }
    }
}

fn render_protocol(out: &mut String, protocol: &Protocol, stack: &ProtocolStack) {
    let mut footnotes = Footnotes::default();
    let product = stack.product.and_then(|p| protocol.workpieces.get(p));
    let _ = match product {
        Some(w) => {
            let thickness = w.thickness_m.map(|t| format!(" {}", length(t, 3))).unwrap_or_default();
            let area = w
                .area_m2
                .map(|a| format!(", {} cm2", crate::model::format::significant(a * 1e4, 3)))
                .unwrap_or_default();
            writeln!(
                out,
                "protocol \"{}\": product `{}` ({} foil{thickness}{area})",
                protocol.name, w.name, w.material
            )
        }
        None => writeln!(out, "protocol \"{}\": no substrate", protocol.name),
    };
    out.push('\n');

    // The totals after each step.
    let mut rows = vec![
        [
            "step",
            "verb",
            "time",
            "coating",
            "Li consumed",
            "Li remaining",
            "mass added",
            "penalty",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for state in &stack.after_steps {
        let verb = protocol
            .steps
            .get(state.step)
            .map_or_else(String::new, |s| s.verb.to_string());
        let time = state.duration_s.map_or_else(|| "?".to_owned(), duration);
        let mut row = vec![state.name.to_string(), verb, time];
        match &state.product {
            Some(snapshot) => {
                let mut cell = |value: Option<Estimate>, caveats: &Caveats, unit: &dyn Fn(f64) -> String| match value {
                    Some(v) => format!("{}{}", estimate(v, unit), footnotes.mark(caveats)),
                    None => "?".to_owned(),
                };
                let caveats = &snapshot.caveats;
                let mut penalty_caveats = Caveats::clone(&caveats.coating);
                penalty_caveats.extend(&caveats.li);
                row.push(cell(snapshot.coating, &caveats.coating, &|v| length(v, 3)));
                row.push(cell(snapshot.li_consumed, &caveats.li, &|v| length(v, 3)));
                row.push(cell(snapshot.li_remaining, &caveats.li, &|v| length(v, 5)));
                row.push(cell(snapshot.mass_added, &caveats.mass(), &|v| areal_mass(v, 3)));
                row.push(cell(snapshot.volumetric_penalty, &penalty_caveats, &percent));
            }
            None => row.extend(std::iter::repeat_n(String::new(), 5)),
        }
        rows.push(row);
    }
    table(out, &rows);

    // The layers after each step that changed them.
    out.push('\n');
    let _ = writeln!(
        out,
        "layers on `{}`, bottom to top, after each step that changes them:",
        product.map_or("?", |w| w.name.as_str())
    );
    let mut rows = vec![
        ["after", "layer", "thickness", "range", "made by"]
            .map(str::to_owned)
            .to_vec(),
    ];
    let mut previous: Option<&Snapshot> = None;
    let mut elided = 0;
    for state in &stack.after_steps {
        let Some(snapshot) = &state.product else {
            continue;
        };
        if snapshot.layers_elided {
            elided += 1;
            continue;
        }
        if previous.is_some_and(|p| p.layers == snapshot.layers) {
            continue;
        }
        previous = Some(snapshot);
        if snapshot.layers.is_empty() {
            rows.push(vec![
                state.name.to_string(),
                "(bare Li)".to_owned(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        for (i, run) in runs(&snapshot.layers).iter().enumerate() {
            let first = if i == 0 { state.name.to_string() } else { String::new() };
            rows.push(layer_row(first, run, protocol, &mut footnotes));
        }
    }
    table(out, &rows);
    if elided > 0 {
        let _ = writeln!(
            out,
            "  (the layers after {elided} steps are not listed, past {LAYER_DETAIL} layer entries; the totals above cover every step)"
        );
    }

    // Carriers: the other workpieces' layers, as they stood before they were transferred.
    let mut carried: Vec<(usize, &Snapshot, &str)> = Vec::new();
    for state in &stack.after_steps {
        for other in &state.others {
            match carried.iter_mut().find(|(w, _, _)| *w == other.workpiece) {
                Some(entry) => *entry = (other.workpiece, other, &state.name),
                None => carried.push((other.workpiece, other, &state.name)),
            }
        }
    }
    for (workpiece, snapshot, after) in carried {
        let name = protocol.workpieces.get(workpiece).map_or("?", |w| w.name.as_str());
        let _ = writeln!(out, "\nlayers on `{name}` after `{after}`, bottom to top:");
        let mut rows = vec![["layer", "thickness", "range", "made by"].map(str::to_owned).to_vec()];
        for run in &runs(&snapshot.layers) {
            rows.push(layer_row(String::new(), run, protocol, &mut footnotes).split_off(1));
        }
        table(out, &rows);
        if snapshot.layers_elided {
            let _ = writeln!(out, "  (not listed, past {LAYER_DETAIL} layer entries)");
        }
    }

    if !stack.budgets.is_empty() {
        out.push('\n');
        for budget in &stack.budgets {
            let status = match budget.status {
                BudgetStatus::Met => "met",
                BudgetStatus::AtRisk => "AT RISK",
                BudgetStatus::Exceeded => "NOT MET",
                BudgetStatus::NotEvaluated => "not evaluated",
            };
            let _ = writeln!(out, "budget `{}`: {status}: {}", budget.statement(), budget.detail);
        }
    }

    let notes: Vec<String> = stack
        .after_steps
        .iter()
        .flat_map(|s| s.notes.iter().map(move |n| format!("  {}: {n}", s.name)))
        .collect();
    if !notes.is_empty() {
        out.push_str("\nwhat the models did:\n");
        for note in notes {
            let _ = writeln!(out, "{note}");
        }
    }
    let Footnotes { caveats } = footnotes;
    if !caveats.is_empty() {
        out.push('\n');
    }
    let mut listed = Vec::new();
    merge(
        &mut listed,
        caveats
            .unverified
            .iter()
            .map(|u| format!("* rests on a value the source calls unverified: {u}")),
    );
    merge(
        &mut listed,
        caveats.assumed.iter().map(|a| format!("~ rests on an assumption: {a}")),
    );
    for line in listed {
        let _ = writeln!(out, "{line}");
    }
}

/// A run of layers (one layer, or the same film put down several times) as a table row.
fn layer_row(first: String, run: &Run, protocol: &Protocol, footnotes: &mut Footnotes) -> Vec<String> {
    let layer = run.first;
    let mark = footnotes.mark(&run.caveats);
    let (thickness, range) = match run.thickness {
        Some(t) if t.is_exact() => (format!("{}{mark}", length(t.nominal, 3)), String::new()),
        Some(t) => (
            format!("{}{mark}", length(t.nominal, 3)),
            format!("{} to {}", length(t.min, 3), length(t.max, 3)),
        ),
        None => ("?".to_owned(), String::new()),
    };
    let step = |i: usize| {
        protocol
            .steps
            .get(i)
            .map_or_else(|| "?".to_owned(), |s| format!("`{}`", s.name))
    };
    let made = match layer.converted_at {
        Some(at) if at != layer.step => format!("{}, converted in {}", step(layer.step), step(at)),
        Some(_) => format!("{}, converted", step(layer.step)),
        None => step(layer.step),
    };
    let (material, made) = if run.count > 1 {
        (
            format!("{} (x{})", layer.material, run.count),
            format!("{} to {}", made, step(run.last_step)),
        )
    } else {
        (layer.material.clone(), made)
    };
    vec![first, material, thickness, range, made]
}

/// Writes rows as columns padded to their widest cell, the first row a header.
fn table(out: &mut String, rows: &[Vec<String>]) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (i, row) in rows.iter().enumerate() {
        let mut line = String::from("  ");
        for (c, width) in widths.iter().enumerate() {
            let cell = row.get(c).map_or("", String::as_str);
            let _ = write!(line, "{cell:<width$}  ");
        }
        let _ = writeln!(out, "{}", line.trim_end());
        if i == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            let _ = writeln!(out, "  {}", rule.join("  "));
        }
    }
}
