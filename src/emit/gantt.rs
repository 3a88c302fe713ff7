//! The schedule as a Gantt chart in SVG: a row per tool and antechamber (a long name
//! wrapped), one bar per load (coloured by protocol, labelled with its step and sample
//! count, hatched when its duration is assumed), the set-ups around each load (preheat,
//! pump-down with the samples inside, heat-up with them inside, vent; a bracket where the
//! samples stay in between two steps), and a time axis in the unit that fits the plan. A
//! load too short for its label is labelled beside it when there is room, else by a
//! letter explained in the key below the chart.

use std::fmt::Write;

use crate::Compilation;
use crate::emit::schedule::{Load, clock, loads, station_name, summary};
use crate::emit::text::escape;
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

/// Characters of a tool name per line in the 13 px bold font of the left column.
const NAME_CHARS: usize = 24;
/// Extra height of a row per extra line of its tool's name.
const LINE: f64 = 14.0;

/// A tick spacing giving at most about twelve ticks.
fn tick_step(span_s: f64) -> f64 {
    const STEPS: [f64; 22] = [
        1.0,
        2.0,
        5.0,
        10.0,
        15.0,
        30.0,
        60.0,
        120.0,
        300.0,
        600.0,
        900.0,
        1800.0,
        3600.0,
        7200.0,
        10_800.0,
        21_600.0,
        43_200.0,
        86_400.0,
        172_800.0,
        604_800.0,
        1_209_600.0,
        2_419_200.0,
    ];
    STEPS
        .iter()
        .copied()
        .find(|step| span_s / step <= 12.0)
        .unwrap_or(span_s / 12.0)
}

/// The unit of the time axis: seconds for a plan under 2 min, minutes under 2 h, else
/// hours and minutes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum AxisUnit {
    Seconds,
    Minutes,
    Clock,
}

impl AxisUnit {
    fn fitting(span_s: f64) -> AxisUnit {
        if span_s < 120.0 {
            AxisUnit::Seconds
        } else if span_s < 7200.0 {
            AxisUnit::Minutes
        } else {
            AxisUnit::Clock
        }
    }

    fn label(self, seconds: f64) -> String {
        match self {
            AxisUnit::Seconds => crate::sema::units::trim_number(seconds),
            AxisUnit::Minutes => crate::sema::units::trim_number(seconds / 60.0),
            AxisUnit::Clock => {
                let label = clock(seconds);
                label.strip_suffix(":00").unwrap_or(&label).to_owned()
            }
        }
    }

    fn title(self) -> &'static str {
        match self {
            AxisUnit::Seconds => "time (s)",
            AxisUnit::Minutes => "time (min)",
            AxisUnit::Clock => "time (h:mm)",
        }
    }
}

/// A tool's name in lines of at most [`NAME_CHARS`] characters, cut after `_`, `-` or
/// `.` where it can be, else anywhere.
fn wrap(name: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut rest: Vec<char> = name.chars().collect();
    while rest.len() > NAME_CHARS {
        let cut = rest[..NAME_CHARS]
            .iter()
            .rposition(|c| matches!(c, '_' | '-' | '.'))
            .map_or(NAME_CHARS, |i| i + 1);
        lines.push(rest[..cut].iter().collect());
        rest.drain(..cut);
    }
    lines.push(rest.into_iter().collect());
    lines
}

/// `a`, `b`, ... `z`, `aa`, ...: the key letter of the n-th step labelled by the key.
fn key_letter(index: usize) -> String {
    let letter = |i: usize| char::from(b'a' + (i % 26) as u8);
    if index < 26 {
        letter(index).to_string()
    } else {
        format!("{}{}", letter(index / 26 - 1), letter(index))
    }
}

pub fn to_svg(compilation: &Compilation, expansion: &Expansion, schedule: &Schedule) -> String {
    let program = &compilation.program;
    let loads = loads(expansion, schedule);
    let span = schedule.makespan_s.max(1.0);
    let plot = WIDTH - LEFT - RIGHT;
    let x = |t: f64| LEFT + t / span * plot;
    let names: Vec<Vec<String>> = (0..expansion.problem.machines.len())
        .map(|machine| wrap(station_name(expansion, machine)))
        .collect();
    let row_heights: Vec<f64> = names
        .iter()
        .map(|lines| ROW + LINE * (lines.len() - 1) as f64)
        .collect();
    let row_tops: Vec<f64> = row_heights
        .iter()
        .scan(TOP, |top, height| {
            let this = *top;
            *top += height;
            Some(this)
        })
        .collect();
    let rows_height = row_heights.iter().sum::<f64>().max(ROW);
    let assumed = |load: &Load| {
        !load.transfer
            && expansion
                .assumed
                .get(load.protocol)
                .and_then(|flags| flags.get(load.step))
                .copied()
                .unwrap_or(false)
    };
    // Where each load's label goes: inside, beside (room before the next load on the
    // row), or a key letter; the steps given letters, in order of first need.
    enum Placement {
        Inside,
        Beside,
        Key(usize),
    }
    let mut keyed: Vec<(usize, usize, bool)> = Vec::new();
    let placements: Vec<Placement> = loads
        .iter()
        .enumerate()
        .map(|(i, load)| {
            let width = (x(load.end_s) - x(load.start_s)).max(1.0);
            let label = label_of(program, load);
            let needed = label.chars().count() as f64 * CHAR_WIDTH + 6.0;
            let next_start = loads[i + 1..]
                .iter()
                .find(|next| next.tool == load.tool)
                .map_or(WIDTH - RIGHT, |next| x(next.start_s));
            if width > needed {
                Placement::Inside
            } else if next_start - x(load.end_s) > needed {
                Placement::Beside
            } else {
                let step = (load.protocol, load.step, load.transfer);
                let index = keyed.iter().position(|s| *s == step).unwrap_or_else(|| {
                    keyed.push(step);
                    keyed.len() - 1
                });
                Placement::Key(index)
            }
        })
        .collect();
    let key_rows = keyed.len().div_ceil(3);
    let hatched = loads.iter().any(&assumed);
    let height = TOP
        + rows_height
        + 50.0
        + if key_rows > 0 {
            24.0 + key_rows as f64 * 16.0
        } else {
            0.0
        };
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="Helvetica, Arial, sans-serif">"#
    );
    let _ = writeln!(svg, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    // Diagonal hatching over a load whose duration is the operation's assumed default.
    let _ = writeln!(
        svg,
        r##"<defs><pattern id="assumed" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="#ffffff" opacity="0.45"/></pattern></defs>"##
    );
    let names_of: Vec<&str> = program.protocols.iter().map(|p| p.name.as_str()).collect();
    let title = match names_of.as_slice() {
        [] => "Tool schedule".to_owned(),
        [one] => format!("Tool schedule: \u{201c}{one}\u{201d}"),
        several => format!(
            "Tool schedule: {}",
            several
                .iter()
                .map(|name| format!("\u{201c}{name}\u{201d}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let _ = writeln!(
        svg,
        r##"<text x="{LEFT}" y="26" font-size="17" font-weight="bold" fill="#1f2933">{}</text>"##,
        escape(&title)
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
    if hatched {
        const HATCHED: &str = "hatched: duration assumed (the operation's default)";
        // On a line of its own when the set-ups filled the first.
        let (entry_x, entry_y) = if legend_x + 16.0 + HATCHED.len() as f64 * CHAR_WIDTH > WIDTH - RIGHT {
            (LEFT, 76.0)
        } else {
            (legend_x, 58.0)
        };
        let _ = writeln!(
            svg,
            r##"<rect x="{entry_x}" y="{entry_y}" width="12" height="12" rx="2" fill="#7b8794"/><rect x="{entry_x}" y="{entry_y}" width="12" height="12" rx="2" fill="url(#assumed)"/>"##
        );
        let _ = writeln!(
            svg,
            r##"<text x="{}" y="{}" font-size="11" fill="#1f2933">{HATCHED}</text>"##,
            entry_x + 16.0,
            entry_y + 10.0
        );
    }

    // Grid and time axis.
    let axis_y = TOP + rows_height + 6.0;
    let unit = AxisUnit::fitting(span);
    let step = tick_step(span);
    let mut tick = 0.0;
    while tick <= span + 1e-9 {
        let tx = x(tick);
        let _ = writeln!(
            svg,
            r##"<line x1="{tx:.1}" y1="{}" x2="{tx:.1}" y2="{axis_y}" stroke="#e4e7eb" stroke-width="1"/>"##,
            TOP - 6.0
        );
        let label = unit.label(tick);
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
        r##"<text x="{}" y="{}" font-size="11" fill="#52606d" text-anchor="end">{}</text>"##,
        WIDTH - RIGHT,
        axis_y + 32.0,
        unit.title()
    );
    // The key: the steps whose loads are too short for a label.
    for (index, &(protocol, step, transfer)) in keyed.iter().enumerate() {
        let protocol_ = &program.protocols[protocol];
        let step_ = &protocol_.steps[step];
        let (name, verb) = if transfer {
            (format!("to {}", step_.name), "transfer")
        } else {
            (step_.name.to_string(), &*step_.verb)
        };
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#1f2933"><tspan font-weight="bold">{}</tspan> = {} / {} ({})</text>"##,
            LEFT + (index % 3) as f64 * 330.0,
            axis_y + 56.0 + (index / 3) as f64 * 16.0,
            key_letter(index),
            escape(&protocol_.name),
            escape(&name),
            escape(verb)
        );
    }

    for row in 0..expansion.problem.machines.len() {
        let machine = &expansion.problem.machines[row];
        let top = row_tops[row];
        let row_height = row_heights[row];
        let fill = if row % 2 == 0 { "#f5f7fa" } else { "#ffffff" };
        let _ = writeln!(
            svg,
            r#"<rect x="0" y="{top}" width="{WIDTH}" height="{row_height}" fill="{fill}" opacity="0.6"/>"#
        );
        for (line, text) in names[row].iter().enumerate() {
            let _ = writeln!(
                svg,
                r##"<text x="12" y="{}" font-size="13" font-weight="bold" fill="#1f2933">{}</text>"##,
                top + 17.0 + LINE * line as f64,
                escape(text)
            );
        }
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
            top + row_height - 8.0,
            escape(&detail)
        );
        // The last letter drawn above a bar on this row: a run of thin loads of one step
        // gets one letter, not a smudge of overlapping ones.
        let mut last_letter: Option<(usize, f64)> = None;
        for (load, placement) in loads.iter().zip(&placements).filter(|(l, _)| l.tool == row) {
            let bar_top = top + (row_height - BAR) / 2.0;
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
            if assumed(load) {
                let _ = writeln!(
                    svg,
                    r##"<rect x="{left:.2}" y="{bar_top:.1}" width="{width:.2}" height="{BAR}" rx="3" fill="url(#assumed)"/>"##
                );
            }
            let baseline = bar_top + BAR / 2.0 + 4.0;
            let _ = match placement {
                Placement::Inside => writeln!(
                    svg,
                    r##"<text x="{:.2}" y="{baseline:.1}" font-size="11" fill="#ffffff" text-anchor="middle">{}</text>"##,
                    left + width / 2.0,
                    escape(&label_of(program, load))
                ),
                Placement::Beside => writeln!(
                    svg,
                    r##"<text x="{:.2}" y="{baseline:.1}" font-size="11" fill="#1f2933">{}</text>"##,
                    left + width + 3.0,
                    escape(&label_of(program, load))
                ),
                Placement::Key(index) if width >= 9.0 => writeln!(
                    svg,
                    r##"<text x="{:.2}" y="{baseline:.1}" font-size="11" font-weight="bold" fill="#ffffff" text-anchor="middle">{}</text>"##,
                    left + width / 2.0,
                    key_letter(*index)
                ),
                // Too thin even for a letter: a letter above the bar.
                Placement::Key(index) => {
                    let centre = left + width / 2.0;
                    let crowded = last_letter.is_some_and(|(last, at)| last == *index && centre - at < 12.0);
                    if crowded {
                        Ok(())
                    } else {
                        last_letter = Some((*index, centre));
                        writeln!(
                            svg,
                            r##"<text x="{centre:.2}" y="{:.1}" font-size="10" font-weight="bold" fill="#1f2933" text-anchor="middle">{}</text>"##,
                            bar_top - 1.5,
                            key_letter(*index)
                        )
                    }
                }
            };
        }
    }
    svg.push_str("</svg>\n");
    svg
}

/// A load's label: its step and how many samples it holds.
fn label_of(program: &crate::sema::program::Program, load: &Load) -> String {
    let step = &program.protocols[load.protocol].steps[load.step];
    let to = if load.transfer { "to " } else { "" };
    if load.samples.is_empty() {
        format!("{to}{} batch", step.name)
    } else {
        format!("{to}{} ×{}", step.name, load.samples.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_stay_readable() {
        assert_eq!(tick_step(3600.0), 300.0);
        assert_eq!(tick_step(10.0 * 3600.0), 3600.0);
        assert!(30.0 * 86_400.0 / tick_step(30.0 * 86_400.0) <= 12.0);
        assert_eq!(tick_step(300.0), 30.0);
    }

    #[test]
    fn the_axis_unit_fits_the_plan() {
        assert_eq!(AxisUnit::fitting(300.0), AxisUnit::Minutes);
        assert_eq!(AxisUnit::Minutes.label(150.0), "2.5");
        assert_eq!(AxisUnit::fitting(60.0), AxisUnit::Seconds);
        assert_eq!(AxisUnit::fitting(5.0 * 3600.0), AxisUnit::Clock);
        assert_eq!(AxisUnit::Clock.label(5400.0), "1:30");
    }

    #[test]
    fn long_tool_names_wrap() {
        assert_eq!(wrap("pvd"), ["pvd"]);
        assert_eq!(
            wrap("glovebox_sputter_chamber_north_2"),
            ["glovebox_sputter_", "chamber_north_2"]
        );
        assert_eq!(key_letter(0), "a");
        assert_eq!(key_letter(27), "ab");
    }
}
