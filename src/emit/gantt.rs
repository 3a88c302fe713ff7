//! The schedule as a Gantt chart in SVG: a row per tool and antechamber, one bar per
//! load (coloured by protocol, labelled with its step and sample count), the set-ups
//! around each load (preheat, pump-down with the samples inside, heat-up with them
//! inside, vent; a bracket where the samples stay in between two steps), and a time
//! axis.

use std::fmt::Write;

use crate::Compilation;
use crate::emit::schedule::{clock, loads, station_name, summary};
use crate::plan::expand::{Expansion, Station};
use crate::plan::schedule::Schedule;

/// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C7A00", "#555555",
];

/// The set-ups around a load, in the order of `Setup`'s phases.
const SETUPS: [(&str, &str); 4] = [
    ("#f5c26b", "preheat"),
    ("#9aa5b1", "pump-down, samples in"),
    ("#e8827a", "heat-up, samples in"),
    ("#a9d3f5", "vent"),
];

const WIDTH: f64 = 1200.0;
const LEFT: f64 = 190.0;
const RIGHT: f64 = 30.0;
const TOP: f64 = 96.0;
const ROW: f64 = 38.0;
const BAR: f64 = 24.0;
/// A rough width of one character of the 11 px label font, to decide whether a label fits.
const CHAR_WIDTH: f64 = 6.4;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A tick spacing giving at most about twelve ticks.
fn tick_step(span_s: f64) -> f64 {
    const STEPS: [f64; 14] = [
        60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 10_800.0, 21_600.0, 43_200.0, 86_400.0, 172_800.0,
        604_800.0,
    ];
    STEPS
        .iter()
        .copied()
        .find(|step| span_s / step <= 12.0)
        .unwrap_or(span_s / 12.0)
}

pub fn to_svg(compilation: &Compilation, expansion: &Expansion, schedule: &Schedule) -> String {
    let program = &compilation.program;
    let loads = loads(expansion, schedule);
    let span = schedule.makespan_s.max(1.0);
    let plot = WIDTH - LEFT - RIGHT;
    let x = |t: f64| LEFT + t / span * plot;
    let rows = expansion.problem.machines.len().max(1);
    let height = TOP + rows as f64 * ROW + 50.0;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="Helvetica, Arial, sans-serif">"#
    );
    let _ = writeln!(svg, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        svg,
        r##"<text x="{LEFT}" y="26" font-size="17" font-weight="bold" fill="#1f2933">Tool schedule</text>"##
    );
    let _ = writeln!(
        svg,
        r##"<text x="{LEFT}" y="46" font-size="12" fill="#52606d">{}</text>"##,
        escape(&summary(schedule))
    );
    // Legend: one swatch per protocol, then the pump-down swatch.
    let mut legend_x = LEFT;
    for (index, protocol) in program.protocols.iter().enumerate() {
        let colour = PALETTE[index % PALETTE.len()];
        let _ = writeln!(
            svg,
            r#"<rect x="{legend_x}" y="58" width="12" height="12" rx="2" fill="{colour}"/>"#
        );
        let label = format!("{} (batch {})", protocol.name, protocol.batch);
        let _ = writeln!(
            svg,
            r##"<text x="{}" y="68" font-size="11" fill="#1f2933">{}</text>"##,
            legend_x + 16.0,
            escape(&label)
        );
        legend_x += 16.0 + label.chars().count() as f64 * CHAR_WIDTH + 18.0;
    }
    for (colour, label) in SETUPS {
        let _ = writeln!(
            svg,
            r##"<rect x="{legend_x}" y="58" width="12" height="12" rx="2" fill="{colour}"/>"##
        );
        let _ = writeln!(
            svg,
            r##"<text x="{}" y="68" font-size="11" fill="#1f2933">{label}</text>"##,
            legend_x + 16.0
        );
        legend_x += 16.0 + label.chars().count() as f64 * CHAR_WIDTH + 18.0;
    }

    // Grid and time axis.
    let axis_y = TOP + rows as f64 * ROW + 6.0;
    let step = tick_step(span);
    let mut tick = 0.0;
    while tick <= span + 1e-9 {
        let tx = x(tick);
        let _ = writeln!(
            svg,
            r##"<line x1="{tx:.1}" y1="{}" x2="{tx:.1}" y2="{axis_y}" stroke="#e4e7eb" stroke-width="1"/>"##,
            TOP - 6.0
        );
        let label = clock(tick);
        let label = label.strip_suffix(":00").unwrap_or(&label);
        let _ = writeln!(
            svg,
            r##"<text x="{tx:.1}" y="{}" font-size="11" fill="#52606d" text-anchor="middle">{label}</text>"##,
            axis_y + 16.0
        );
        tick += step;
    }
    let _ = writeln!(
        svg,
        r##"<line x1="{LEFT}" y1="{axis_y}" x2="{}" y2="{axis_y}" stroke="#7b8794" stroke-width="1"/>"##,
        WIDTH - RIGHT
    );
    let _ = writeln!(
        svg,
        r##"<text x="{}" y="{}" font-size="11" fill="#52606d" text-anchor="end">time (h:mm)</text>"##,
        WIDTH - RIGHT,
        axis_y + 32.0
    );

    for row in 0..expansion.problem.machines.len() {
        let machine = &expansion.problem.machines[row];
        let top = TOP + row as f64 * ROW;
        let fill = if row % 2 == 0 { "#f5f7fa" } else { "#ffffff" };
        let _ = writeln!(
            svg,
            r#"<rect x="0" y="{top}" width="{WIDTH}" height="{ROW}" fill="{fill}" opacity="0.6"/>"#
        );
        let _ = writeln!(
            svg,
            r##"<text x="12" y="{}" font-size="13" font-weight="bold" fill="#1f2933">{}</text>"##,
            top + 17.0,
            escape(station_name(expansion, row))
        );
        let detail = match &expansion.stations[row] {
            Station::Tool(tool) => {
                let tool = &program.tools[*tool];
                format!("{} · {} · cap {}", tool.kind, tool.environment, tool.capacity)
            }
            Station::Antechamber(room) => format!("into {room} · cap {}", machine.capacity),
        };
        let _ = writeln!(
            svg,
            r##"<text x="12" y="{}" font-size="10" fill="#616e7c">{}</text>"##,
            top + 30.0,
            escape(&detail)
        );
        for load in loads.iter().filter(|l| l.tool == row) {
            let bar_top = top + (ROW - BAR) / 2.0;
            let setup = &load.setup;
            let phases = [setup.preheat, setup.pump_down, setup.heat_up, setup.vent];
            for ((colour, label), phase) in SETUPS.iter().zip(phases) {
                let Some((from, to)) = phase else { continue };
                let left = x(from.max(0.0));
                let _ = writeln!(
                    svg,
                    r##"<rect x="{left:.2}" y="{:.1}" width="{:.2}" height="{:.1}" fill="{colour}"><title>{label} {}-{}</title></rect>"##,
                    bar_top + 4.0,
                    (x(to) - left).max(0.5),
                    BAR - 8.0,
                    clock(from),
                    clock(to)
                );
            }
            if setup.stays_in {
                // A bracket over the gap: the samples stay in the chamber.
                let at = x(setup.heat_up.map_or(load.start_s, |(from, _)| from));
                let _ = writeln!(
                    svg,
                    r##"<path d="M{:.2} {:.1} V{:.1} H{:.2} V{:.1}" fill="none" stroke="#1f2933" stroke-width="1.5"><title>samples stay in</title></path>"##,
                    at - 10.0,
                    bar_top + 2.0,
                    bar_top - 4.0,
                    x(load.start_s) + 10.0,
                    bar_top + 2.0
                );
                let _ = writeln!(
                    svg,
                    r##"<text x="{:.2}" y="{:.1}" font-size="9" fill="#1f2933">samples stay in</text>"##,
                    x(load.start_s) + 13.0,
                    bar_top - 1.0
                );
            }
            let protocol = &program.protocols[load.protocol];
            let step = &protocol.steps[load.step];
            let colour = PALETTE[load.protocol % PALETTE.len()];
            let (name, verb) = if load.transfer {
                (format!("to {}", step.name), "transfer")
            } else {
                (step.name.to_string(), &*step.verb)
            };
            let (left, right) = (x(load.start_s), x(load.end_s));
            let width = (right - left).max(1.0);
            let count = if load.samples.is_empty() {
                String::from("batch")
            } else {
                format!("×{}", load.samples.len())
            };
            let _ = writeln!(
                svg,
                r##"<rect x="{left:.2}" y="{bar_top:.1}" width="{width:.2}" height="{BAR}" rx="3" fill="{colour}" stroke="#ffffff" stroke-width="0.8"><title>{}</title></rect>"##,
                escape(&format!(
                    "{} / {} ({}), load {}, {}-{}, samples {}",
                    protocol.name,
                    name,
                    verb,
                    load.index + 1,
                    clock(load.start_s),
                    clock(load.end_s),
                    count
                ))
            );
            let label = format!("{name} {count}");
            if width > label.chars().count() as f64 * CHAR_WIDTH + 6.0 {
                let _ = writeln!(
                    svg,
                    r##"<text x="{:.2}" y="{:.1}" font-size="11" fill="#ffffff" text-anchor="middle">{}</text>"##,
                    left + width / 2.0,
                    bar_top + BAR / 2.0 + 4.0,
                    escape(&label)
                );
            }
        }
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_stay_readable() {
        assert_eq!(tick_step(3600.0), 300.0);
        assert_eq!(tick_step(10.0 * 3600.0), 3600.0);
        assert!(30.0 * 86_400.0 / tick_step(30.0 * 86_400.0) <= 12.0);
    }
}
