//! A to-scale cross-section of each protocol's product, as SVG: the stack after the last
//! step, large and labelled, then the stack after every step as small multiples on the
//! same scale. Coatings are nanometres to tens of micrometres on tens of micrometres of
//! Li, so the Li bulk is drawn below a broken axis at a fixed height; the coating above the
//! Li surface is to scale, and the range of the total coating is a whisker beside it.
//!
//! The output depends on nothing but its input (no clock, no hash order), so the same
//! recipe always gives the same file.

use std::fmt::Write;

use super::text::{self, escape, formula, units};
use crate::model::format::{length, significant};
use crate::model::layer::{Run, runs};
use crate::model::snapshot::Snapshot;
use crate::physics::ProtocolStack;
use crate::sema::program::{BudgetMetric, Program, Protocol};

const LI_FILL: &str = "#cfd5dc";
/// The substrate of a workpiece that is not Li (a Cu carrier): metal grey, darker.
const OTHER_FILL: &str = "#b9a48f";
const FONT: &str = "DejaVu Sans, Arial, Helvetica, sans-serif";

/// Geometry of one protocol's panel, in px.
const MARGIN: f64 = 24.0;
const TITLE_H: f64 = 84.0;
const PLOT_H: f64 = 300.0;
const LI_H: f64 = 84.0;
const AXIS_W: f64 = 78.0;
const MAIN_W: f64 = 150.0;
const SMALL_W: f64 = 46.0;
const SMALL_GAP: f64 = 22.0;
const BELOW_H: f64 = 70.0;
/// Layers thinner than this on the drawing are drawn this thick (and said so).
const MIN_LAYER_PX: f64 = 1.5;
/// Protocols drawn at most: a generated file of thousands would make a picture nobody can
/// open.
const MAX_PANELS: usize = 40;
/// Small multiples drawn at most (evenly spread over the steps).
const MAX_SMALL: usize = 24;

/// The SVG of every protocol's product. `stacks[i]` belongs to `program.protocols[i]`.
pub fn stack_svg(program: &Program, stacks: &[ProtocolStack]) -> String {
    let panels: Vec<Panel> = program
        .protocols
        .iter()
        .zip(stacks)
        .take(MAX_PANELS)
        .map(|(protocol, stack)| Panel::new(protocol, stack))
        .collect();
    let left_out = program.protocols.len().min(stacks.len()) - panels.len();
    let width = panels.iter().map(Panel::width).fold(640.0, f64::max);
    let footer = if left_out > 0 { 40.0 } else { 0.0 };
    let height: f64 = (panels.iter().map(Panel::height).sum::<f64>() + footer).max(120.0);
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}" font-size="13">"#,
        w = px(width),
        h = px(height)
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    // Open pores (a mesh, a cloth): the layer's colour under white stripes.
    let _ = writeln!(
        svg,
        r#"<defs><pattern id="open-pores" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="white" fill-opacity="0.6"/></pattern></defs>"#
    );
    if panels.is_empty() {
        let _ = writeln!(svg, r#"<text x="{MARGIN}" y="60">no protocol</text>"#);
    }
    let mut top = 0.0;
    for panel in &panels {
        panel.draw(&mut svg, top);
        top += panel.height();
    }
    if left_out > 0 {
        let _ = writeln!(
            svg,
            r#"<text x="{MARGIN}" y="{}" font-size="14">{left_out} more protocols are not drawn (the first {MAX_PANELS} are); the table and the JSON cover them all</text>"#,
            px(top + 24.0)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// One protocol's drawing.
struct Panel<'a> {
    protocol: &'a Protocol,
    stack: &'a ProtocolStack,
    /// Materials in order of first appearance, for the legend, with their palette slots.
    materials: Vec<String>,
    slots: Vec<usize>,
    /// The top of the coating axis, m, and its tick step.
    axis_max: f64,
    tick: f64,
    /// The steps drawn as small multiples (indices into `after_steps`).
    shown: Vec<usize>,
}

impl<'a> Panel<'a> {
    fn new(protocol: &'a Protocol, stack: &'a ProtocolStack) -> Panel<'a> {
        let mut materials: Vec<String> = Vec::new();
        let mut tallest: f64 = 0.0;
        let snapshots = stack
            .after_steps
            .iter()
            .flat_map(|s| s.product.as_deref().into_iter().chain(&s.others));
        for snapshot in snapshots {
            for layer in &snapshot.layers {
                if !materials.contains(&layer.material) {
                    materials.push(layer.material.clone());
                }
            }
            tallest = tallest.max(drawn_total(snapshot));
        }
        // A coating budget near the stack's height is worth showing: the axis takes it in.
        let budget = stack
            .budgets
            .iter()
            .filter(|b| b.metric == BudgetMetric::Coating && b.comparison == "<=" && b.limit <= 10.0 * tallest)
            .map(|b| b.limit)
            .fold(tallest, f64::max);
        let (axis_max, tick) = nice_axis(budget);
        // At most MAX_SMALL small multiples, evenly spread, the first and last included.
        let count = stack.after_steps.len();
        let mut shown: Vec<usize> = if count <= MAX_SMALL {
            (0..count).collect()
        } else {
            (0..MAX_SMALL).map(|i| i * (count - 1) / (MAX_SMALL - 1)).collect()
        };
        shown.dedup();
        // Each material's own colour; in the rare case that two materials of one picture
        // share a slot, the later one takes the next free slot.
        let mut slots: Vec<usize> = Vec::new();
        for material in &materials {
            let mut slot = text::material_slot(material);
            for _ in 0..text::COLOURS {
                if !slots.contains(&slot) {
                    break;
                }
                slot = (slot + 1) % text::COLOURS;
            }
            slots.push(slot);
        }
        Panel {
            shown,
            slots,
            protocol,
            stack,
            materials,
            axis_max,
            tick,
        }
    }

    fn width(&self) -> f64 {
        let steps = self.shown.len() as f64;
        // The small multiples, or at least their heading; and the title, at about 9.6 px
        // per character of 17 px bold.
        let plots = MARGIN * 2.0 + AXIS_W + MAIN_W + self.labels_width() + (steps * (SMALL_W + SMALL_GAP)).max(190.0);
        plots.max(MARGIN * 2.0 + self.title().chars().count() as f64 * 9.6)
    }

    fn title(&self) -> String {
        let product = self.stack.product.and_then(|p| self.protocol.workpieces.get(p));
        format!(
            "\u{201c}{}\u{201d}: cross-section of {} after the last step",
            self.protocol.name,
            product.map_or_else(
                || "the foil".to_owned(),
                |w| format!("{} ({} {})", w.name, w.material, w.form.as_deref().unwrap_or("foil"))
            )
        )
    }

    fn height(&self) -> f64 {
        TITLE_H + PLOT_H + LI_H + BELOW_H + 20.0 * self.legend_rows() as f64 + 44.0
    }

    /// Room for the final stack's labels: about 7.4 px per character at 13 px.
    fn labels_width(&self) -> f64 {
        let longest = self.stack.last().map_or(0, |s| {
            runs(&s.layers)
                .iter()
                .map(|r| run_text(r).chars().count())
                .max()
                .unwrap_or(0)
        });
        (longest as f64 * 7.4 + 60.0).max(160.0)
    }

    fn legend_rows(&self) -> usize {
        self.materials.len().div_ceil(4).max(1)
    }

    fn colour(&self, material: &str) -> &'static str {
        let index = self.materials.iter().position(|m| m == material);
        text::palette(index.map_or_else(|| text::material_slot(material), |i| self.slots[i]))
    }

    /// y of a height above the Li surface (the surface is at `surface`).
    fn y(&self, surface: f64, height_m: f64) -> f64 {
        surface - height_m / self.axis_max * PLOT_H
    }

    fn draw(&self, svg: &mut String, top: f64) {
        let title = self.title();
        let _ = writeln!(
            svg,
            r#"<text x="{MARGIN}" y="{}" font-size="17" font-weight="bold">{}</text>"#,
            px(top + 24.0),
            escape(&title)
        );
        let subtitle = "coating to scale above the Li surface; Li bulk below the break, not to scale";
        let _ = writeln!(
            svg,
            r##"<text x="{MARGIN}" y="{}" font-size="12" fill="#555">{subtitle}</text>"##,
            px(top + 42.0)
        );
        let surface = top + TITLE_H + PLOT_H;
        let x_axis = MARGIN + AXIS_W;
        self.draw_axis(svg, x_axis, surface);
        let last = self.stack.last();
        let mut thin = false;
        if let Some(snapshot) = last {
            thin |= self.draw_column(svg, x_axis + 10.0, MAIN_W - 20.0, surface, snapshot, true);
            self.draw_labels(svg, x_axis + MAIN_W, surface, snapshot);
            self.draw_whisker(svg, x_axis + MAIN_W - 4.0, surface, snapshot);
            self.draw_budget(svg, x_axis, surface);
        }
        // Small multiples: after every step, same scale.
        let x0 = x_axis + MAIN_W + self.labels_width();
        let _ = writeln!(
            svg,
            r##"<text x="{}" y="{}" font-size="12" fill="#555">after each step (same scale)</text>"##,
            px(x0),
            px(top + TITLE_H - 20.0)
        );
        let shown = self.shown.iter().filter_map(|&i| self.stack.after_steps.get(i));
        for (i, state) in shown.enumerate() {
            let x = x0 + i as f64 * (SMALL_W + SMALL_GAP);
            // The piece the step acted on: a carrier film before its transfer is drawn
            // on its carrier, not as the product it has not reached yet.
            let other = state
                .acts_on
                .filter(|&piece| Some(piece) != self.stack.product)
                .and_then(|piece| state.others.iter().find(|o| o.workpiece == piece));
            if let Some(snapshot) = other.or(state.product.as_deref()) {
                thin |= self.draw_column(svg, x, SMALL_W, surface, snapshot, false);
            }
            let name = match other.and_then(|o| self.protocol.workpieces.get(o.workpiece)) {
                Some(piece) => format!("{} (on {})", state.name, piece.name),
                None => state.name.to_string(),
            };
            let label_y = surface + LI_H + 14.0;
            let _ = writeln!(
                svg,
                r#"<text x="{x}" y="{y}" font-size="12" transform="rotate(35 {x} {y})">{name}</text>"#,
                x = px(x + 4.0),
                y = px(label_y),
                name = escape(&name)
            );
        }
        self.draw_legend(svg, top + TITLE_H + PLOT_H + LI_H + BELOW_H, thin);
    }

    fn draw_axis(&self, svg: &mut String, x: f64, surface: f64) {
        let top = self.y(surface, self.axis_max);
        let _ = writeln!(
            svg,
            r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#333"/>"##,
            px(top),
            px(surface),
            x = px(x)
        );
        let mut value = 0.0;
        let mut count = 0;
        while value <= self.axis_max * (1.0 + 1e-9) && count <= 20 {
            let y = self.y(surface, value);
            let _ = writeln!(
                svg,
                r##"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="#333"/>"##,
                px(x - 5.0),
                px(x),
                y = px(y)
            );
            let _ = writeln!(
                svg,
                r#"<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>"#,
                px(x - 8.0),
                px(y + 4.0),
                escape(&axis_label(value, self.axis_max))
            );
            value += self.tick;
            count += 1;
        }
        let mid = (top + surface) / 2.0;
        let _ = writeln!(
            svg,
            r#"<text x="{x}" y="{y}" text-anchor="middle" font-size="12" transform="rotate(-90 {x} {y})">coating above the Li surface</text>"#,
            x = px(MARGIN + 8.0),
            y = px(mid)
        );
    }

    /// One stack: its layers to scale above `surface`, the Li block below. Returns whether
    /// a layer had to be drawn thicker than its scale.
    fn draw_column(&self, svg: &mut String, x: f64, width: f64, surface: f64, snapshot: &Snapshot, main: bool) -> bool {
        let mut thin = false;
        let mut bottom = surface;
        if snapshot.layers_elided {
            // Only the total is known here: one neutral block.
            let height = drawn_total(snapshot) / self.axis_max * PLOT_H;
            let y = (surface - height).max(surface - PLOT_H - 12.0);
            let _ = writeln!(
                svg,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#bbbbbb"><title>layers not listed</title></rect>"##,
                px(x),
                px(y),
                px(width),
                px(surface - y)
            );
        }
        for run in runs(&snapshot.layers) {
            let layer = run.first;
            let (height, known) = match run.thickness {
                Some(t) => (t.nominal / self.axis_max * PLOT_H, true),
                None => (UNKNOWN_PX, false),
            };
            if known && height <= 0.0 {
                continue;
            }
            let drawn = height.max(MIN_LAYER_PX);
            thin |= known && height < MIN_LAYER_PX;
            let y = (bottom - drawn).max(surface - PLOT_H - 12.0);
            // A layer of unknown thickness is an outline of a fixed height.
            let (fill, outline) = if known {
                (
                    self.colour(&layer.material),
                    r#"stroke="white" stroke-width="0.6""#.to_owned(),
                )
            } else {
                (
                    "white",
                    format!(
                        r#"stroke="{}" stroke-width="1.5" stroke-dasharray="4 3""#,
                        self.colour(&layer.material)
                    ),
                )
            };
            let _ = writeln!(
                svg,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}" {outline}><title>{}</title></rect>"#,
                px(x),
                px(y),
                px(width),
                px(bottom - y),
                escape(&run_text(&run))
            );
            if layer.open_pores {
                let _ = writeln!(
                    svg,
                    r#"<rect x="{}" y="{}" width="{}" height="{}" fill="url(#open-pores)"/>"#,
                    px(x),
                    px(y),
                    px(width),
                    px(bottom - y)
                );
            }
            bottom = y;
        }
        // The substrate (the Li bulk, or a carrier's metal), below a break.
        let li_top = surface;
        let substrate = self
            .protocol
            .workpieces
            .get(snapshot.workpiece)
            .map_or("Li", |w| w.material.as_str());
        let fill = if substrate == "Li" { LI_FILL } else { OTHER_FILL };
        let _ = writeln!(
            svg,
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}" stroke="#8a939c" stroke-width="0.8"/>"##,
            px(x),
            px(li_top),
            px(width),
            px(LI_H)
        );
        let break_y = li_top + LI_H * 0.45;
        let _ = writeln!(
            svg,
            r#"<path d="{}" fill="white" stroke="none"/>"#,
            zigzag(x - 3.0, width + 6.0, break_y, 7.0)
        );
        let _ = writeln!(
            svg,
            r##"<path d="{}" fill="none" stroke="#8a939c" stroke-width="0.8"/>"##,
            zigzag_line(x - 3.0, width + 6.0, break_y, 0.0)
        );
        let _ = writeln!(
            svg,
            r##"<path d="{}" fill="none" stroke="#8a939c" stroke-width="0.8"/>"##,
            zigzag_line(x - 3.0, width + 6.0, break_y, 7.0)
        );
        let li = snapshot.li_remaining.map_or_else(
            || formula(substrate),
            |li| format!("Li {}", units(&length(li.nominal, 4))),
        );
        if main {
            let _ = writeln!(
                svg,
                r#"<text x="{}" y="{}" text-anchor="middle" font-size="13">{}</text>"#,
                px(x + width / 2.0),
                px(li_top + LI_H * 0.82),
                escape(&li)
            );
        } else {
            let _ = writeln!(
                svg,
                r#"<text x="{}" y="{}" text-anchor="middle" font-size="11">{}</text>"#,
                px(x + width / 2.0),
                px(li_top + LI_H * 0.82),
                escape(&formula(substrate))
            );
        }
        thin
    }

    /// Labels of the final stack's layers, right of the main column, with leader lines;
    /// pushed apart so they never overlap.
    fn draw_labels(&self, svg: &mut String, x: f64, surface: f64, snapshot: &Snapshot) {
        let mut anchors = Vec::new();
        let mut bottom = surface;
        for run in runs(&snapshot.layers) {
            let height = run
                .thickness
                .map_or(UNKNOWN_PX, |t| (t.nominal / self.axis_max * PLOT_H).max(MIN_LAYER_PX));
            if run.thickness.is_some_and(|t| t.nominal <= 0.0) {
                anchors.push((bottom, run));
                continue;
            }
            anchors.push((bottom - height / 2.0, run));
            bottom -= height;
        }
        // (anchor, label y, layer), bottom to top. A bottom-up pass keeps each label at least
        // GAP above the one below; a top-down pass keeps the top one inside the plot.
        const GAP: f64 = 17.0;
        let mut placed: Vec<(f64, f64, Run)> = anchors
            .into_iter()
            .map(|(anchor, layer)| (anchor, anchor, layer))
            .collect();
        for i in 1..placed.len() {
            let below = placed[i - 1].1;
            if placed[i].1 > below - GAP {
                placed[i].1 = below - GAP;
            }
        }
        let mut limit = surface - PLOT_H - 10.0;
        for i in (0..placed.len()).rev() {
            if placed[i].1 < limit {
                placed[i].1 = limit;
            }
            limit = placed[i].1 + GAP;
        }
        for (anchor, y, run) in &placed {
            let _ = writeln!(
                svg,
                r##"<polyline points="{},{} {},{} {},{}" fill="none" stroke="#666" stroke-width="0.8"/>"##,
                px(x - 14.0),
                px(*anchor),
                px(x + 6.0),
                px(*y),
                px(x + 14.0),
                px(*y)
            );
            let _ = writeln!(
                svg,
                r##"<rect x="{}" y="{}" width="10" height="10" fill="{}" stroke="#333" stroke-width="0.5"/>"##,
                px(x + 17.0),
                px(y - 5.0),
                self.colour(&run.first.material)
            );
            let _ = writeln!(
                svg,
                r#"<text x="{}" y="{}">{}</text>"#,
                px(x + 31.0),
                px(y + 4.5),
                escape(&run_text(run))
            );
        }
    }

    /// A `coating <=` budget within the axis, as a dashed line across the main column.
    fn draw_budget(&self, svg: &mut String, x: f64, surface: f64) {
        let limits = self
            .stack
            .budgets
            .iter()
            .filter(|b| b.metric == BudgetMetric::Coating && b.comparison == "<=");
        for budget in limits.filter(|b| b.limit <= self.axis_max * (1.0 + 1e-9)) {
            let y = self.y(surface, budget.limit);
            let _ = writeln!(
                svg,
                r##"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="#c0392b" stroke-width="1.2" stroke-dasharray="6 4"/>"##,
                px(x),
                px(x + MAIN_W - 10.0),
                y = px(y)
            );
            let _ = writeln!(
                svg,
                r##"<text x="{}" y="{}" font-size="11" fill="#c0392b">coating budget {}</text>"##,
                px(x + 12.0),
                px(y - 4.0),
                escape(&units(&length(budget.limit, 3)))
            );
        }
    }

    /// The total coating's range as a whisker; an arrow when it runs off the axis.
    fn draw_whisker(&self, svg: &mut String, x: f64, surface: f64, snapshot: &Snapshot) {
        let Some(coating) = snapshot.coating.filter(|c| !c.is_exact()) else {
            return;
        };
        let top_limit = surface - PLOT_H - 12.0;
        let y_min = self.y(surface, coating.min);
        let y_max = self.y(surface, coating.max).max(top_limit);
        let stroke = r##"stroke="#222" stroke-width="1.2""##;
        let _ = writeln!(
            svg,
            r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}" {stroke}/>"#,
            px(y_min),
            px(y_max),
            x = px(x)
        );
        let _ = writeln!(
            svg,
            r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" {stroke}/>"#,
            px(x - 4.0),
            px(x + 4.0),
            y = px(y_min)
        );
        if self.y(surface, coating.max) < top_limit {
            let _ = writeln!(
                svg,
                r##"<path d="M{} {} L{} {} L{} {} Z" fill="#222"/>"##,
                px(x - 4.5),
                px(y_max + 6.0),
                px(x),
                px(y_max - 2.0),
                px(x + 4.5),
                px(y_max + 6.0)
            );
            let _ = writeln!(
                svg,
                r#"<text x="{}" y="{}" font-size="11" text-anchor="middle">total up to {}</text>"#,
                px(x),
                px(y_max - 7.0),
                escape(&units(&length(coating.max, 3)))
            );
        } else {
            let _ = writeln!(
                svg,
                r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" {stroke}/>"#,
                px(x - 4.0),
                px(x + 4.0),
                y = px(y_max)
            );
        }
    }

    fn draw_legend(&self, svg: &mut String, top: f64, thin: bool) {
        let mut y = top;
        for chunk in self.materials.chunks(4) {
            for (column, material) in chunk.iter().enumerate() {
                let x = MARGIN + column as f64 * 210.0;
                let _ = writeln!(
                    svg,
                    r##"<rect x="{}" y="{}" width="12" height="12" fill="{}" stroke="#333" stroke-width="0.5"/>"##,
                    px(x),
                    px(y - 10.0),
                    self.colour(material)
                );
                let _ = writeln!(
                    svg,
                    r#"<text x="{}" y="{}" font-size="12">{}</text>"#,
                    px(x + 17.0),
                    px(y),
                    escape(&formula(material))
                );
            }
            y += 20.0;
        }
        let _ = writeln!(
            svg,
            r##"<rect x="{}" y="{}" width="12" height="12" fill="{LI_FILL}" stroke="#8a939c" stroke-width="0.8"/>"##,
            px(MARGIN),
            px(y - 10.0)
        );
        let li = if self.materials.is_empty() {
            "Li metal (remaining, nominal); no coating"
        } else {
            "Li metal (remaining, nominal)"
        };
        let _ = writeln!(
            svg,
            r##"<text x="{}" y="{}" font-size="12" fill="#333">{li}</text>"##,
            px(MARGIN + 17.0),
            px(y)
        );
        // The substrates of the other workpieces drawn (a Cu carrier), beside the Li.
        let mut carriers: Vec<String> = Vec::new();
        for state in self.shown.iter().filter_map(|&i| self.stack.after_steps.get(i)) {
            for other in &state.others {
                let piece = self.protocol.workpieces.get(other.workpiece);
                if let Some(piece) = piece.filter(|p| p.material != "Li") {
                    let entry = format!("{} ({}, not to scale)", formula(&piece.material), piece.name);
                    if !carriers.contains(&entry) {
                        carriers.push(entry);
                    }
                }
            }
        }
        let open = self.stack.last().is_some_and(|s| s.layers.iter().any(|l| l.open_pores))
            || self
                .shown
                .iter()
                .filter_map(|&i| self.stack.after_steps.get(i)?.product.as_deref())
                .any(|s| s.layers.iter().any(|l| l.open_pores));
        for (index, carrier) in carriers.iter().enumerate() {
            let x = MARGIN + 210.0 * (index + 1) as f64;
            let _ = writeln!(
                svg,
                r##"<rect x="{}" y="{}" width="12" height="12" fill="{OTHER_FILL}" stroke="#8a939c" stroke-width="0.8"/>"##,
                px(x),
                px(y - 10.0)
            );
            let _ = writeln!(
                svg,
                r##"<text x="{}" y="{}" font-size="12" fill="#333">{}</text>"##,
                px(x + 17.0),
                px(y),
                escape(carrier)
            );
        }
        if open {
            let x = MARGIN + 210.0 * (carriers.len() + 1) as f64;
            let _ = writeln!(
                svg,
                r##"<rect x="{x}" y="{y}" width="12" height="12" fill="#888888" stroke="#333" stroke-width="0.5"/><rect x="{x}" y="{y}" width="12" height="12" fill="url(#open-pores)"/>"##,
                x = px(x),
                y = px(y - 10.0)
            );
            let _ = writeln!(
                svg,
                r##"<text x="{}" y="{}" font-size="12" fill="#333">striped: open pores (mesh, cloth), no cover</text>"##,
                px(x + 17.0),
                px(y)
            );
        }
        let mut key = String::from(
            "whisker: range of the total coating;  * rests on unverified data;  ~ rests on an assumed range",
        );
        if thin {
            key.push_str(&format!(";  layers under {MIN_LAYER_PX} px drawn at {MIN_LAYER_PX} px"));
        }

        let elided = self
            .shown
            .iter()
            .filter_map(|&i| self.stack.after_steps.get(i))
            .any(|s| s.product.as_ref().is_some_and(|p| p.layers_elided));
        if elided {
            key.push_str(";  grey: total coating of a step whose layers are not listed");
        }
        let _ = writeln!(
            svg,
            r##"<text x="{}" y="{}" font-size="12" fill="#333">{}</text>"##,
            px(MARGIN),
            px(y + 20.0),
            escape(&key)
        );
    }
}

/// How tall a layer of unknown thickness is drawn (dashed outline).
const UNKNOWN_PX: f64 = 18.0;

/// The height the tallest column needs: its known layers' nominal thicknesses.
fn drawn_total(snapshot: &Snapshot) -> f64 {
    if snapshot.layers_elided {
        return snapshot.coating.map_or(0.0, |c| c.nominal);
    }
    snapshot
        .layers
        .iter()
        .filter_map(|l| l.thickness)
        .map(|t| t.nominal)
        .sum()
}

/// A round axis maximum at or above `value` (1, 2, 2.5, 5 x 10^k) and its tick step.
fn nice_axis(value: f64) -> (f64, f64) {
    if value.is_nan() || value <= 0.0 {
        return (10e-9, 2e-9);
    }
    let exponent = value.log10().floor();
    let base = 10f64.powf(exponent);
    for (step, ticks) in [(1.0, 5.0), (2.0, 4.0), (2.5, 5.0), (5.0, 5.0), (10.0, 5.0)] {
        if value <= step * base * (1.0 + 1e-9) {
            return (step * base, step * base / ticks);
        }
    }
    (10.0 * base, 2.0 * base)
}

/// A tick label in the unit of the axis maximum.
fn axis_label(value: f64, axis_max: f64) -> String {
    if value == 0.0 {
        return "0".to_owned();
    }
    if axis_max >= 1e-6 {
        format!("{} µm", significant(value * 1e6, 3))
    } else {
        format!("{} nm", significant(value * 1e9, 3))
    }
}

/// `LiF+Li22Sn5  316 nm (10 nm to 10 um) ~`, or `LiF (x20)  20 nm` for a run.
fn run_text(run: &Run) -> String {
    let thickness = match run.thickness {
        Some(t) if t.is_exact() => length(t.nominal, 3),
        Some(t) => format!(
            "{} ({} to {})",
            length(t.nominal, 3),
            length(t.min, 3),
            length(t.max, 3)
        ),
        None => "thickness unknown".to_owned(),
    };
    let mut marks = String::new();
    if !run.caveats.unverified.is_empty() {
        marks.push('*');
    }
    if !run.caveats.assumed.is_empty() {
        marks.push('~');
    }
    let marks = if marks.is_empty() { marks } else { format!(" {marks}") };
    let count = if run.count > 1 {
        format!(" (x{})", run.count)
    } else {
        String::new()
    };
    format!("{}{count}  {}{marks}", formula(&run.first.material), units(&thickness))
}

/// A closed band along a zigzag, `gap` px tall, covering the Li where the axis breaks.
fn zigzag(x: f64, width: f64, y: f64, gap: f64) -> String {
    let mut d = zigzag_line(x, width, y, 0.0);
    let back = zigzag_points(x, width, y + gap);
    for (px_, py) in back.iter().rev() {
        let _ = write!(d, " L{} {}", px(*px_), px(*py));
    }
    d.push_str(" Z");
    d
}

fn zigzag_line(x: f64, width: f64, y: f64, offset: f64) -> String {
    let points = zigzag_points(x, width, y + offset);
    let mut d = String::new();
    for (i, (px_, py)) in points.iter().enumerate() {
        let _ = write!(d, "{}{} {}", if i == 0 { "M" } else { " L" }, px(*px_), px(*py));
    }
    d
}

fn zigzag_points(x: f64, width: f64, y: f64) -> Vec<(f64, f64)> {
    let teeth = (width / 10.0).ceil().max(2.0) as usize;
    let step = width / teeth as f64;
    (0..=teeth)
        .map(|i| (x + i as f64 * step, if i % 2 == 0 { y - 3.0 } else { y + 3.0 }))
        .collect()
}

/// A coordinate with one decimal, without `-0.0`.
fn px(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    let text = format!("{rounded:.1}");
    let text = text.trim_end_matches('0').trim_end_matches('.').to_owned();
    if text == "-0" { "0".to_owned() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_are_round() {
        assert_eq!(nice_axis(7e-9).0, 10e-9);
        let (max, tick) = nice_axis(347e-9);
        assert!((max - 500e-9).abs() < 1e-15 && (tick - 100e-9).abs() < 1e-15);
        assert_eq!(nice_axis(0.0), (10e-9, 2e-9));
        assert_eq!(axis_label(2e-7, 5e-7), "200 nm");
        assert_eq!(axis_label(2e-5, 5e-5), "20 µm");
        assert_eq!(px(-0.01), "0");
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
