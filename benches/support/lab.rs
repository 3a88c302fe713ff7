//! Generates lab scheduling problems as `.seip` files: one to four protocols sharing
//! four to ten tools of one lab, batches of 4 to 48 samples, tools with capacities,
//! pump-downs, vents and ramps (heated with the samples inside or preheated), transfers
//! between the glovebox, the dry room and the vacuum tools through their antechambers,
//! steps that continue in one chamber, and waiting limits (`max_wait`). Every duration
//! is written out, so no step falls back on a planning default. Deterministic: the same
//! seed gives the same text (`seipgen lab SEED`; the committed set is `bench/lab/`).
//!
//! The waiting limits are drawn where a lab has them: between a dip and its rinse in one
//! bath, between a wet step and its drying, and between two steps in the same room, each
//! longer than the set-ups that must happen between them, so that every file has a plan.

use std::fmt::Write;

use crate::generate::Mix;

/// The tools a lab may have.
#[derive(Clone, Copy, PartialEq)]
enum Tool {
    Bath,
    Plate,
    Oven,
    Pvd,
    Reactor,
    Rie,
    Furnace,
    Press,
    Spinner,
    Cell,
}

const TOOLS: [Tool; 10] = [
    Tool::Bath,
    Tool::Plate,
    Tool::Oven,
    Tool::Pvd,
    Tool::Reactor,
    Tool::Rie,
    Tool::Furnace,
    Tool::Press,
    Tool::Spinner,
    Tool::Cell,
];

/// One declared tool: its set-ups in minutes, so that waits can be drawn above them.
struct Declared {
    tool: Tool,
    pump_down: u64,
    vent: u64,
    /// Where it stands: tools in one room need no transfer between them.
    room: &'static str,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Bath => "bath",
            Tool::Plate => "plate",
            Tool::Oven => "oven",
            Tool::Pvd => "pvd",
            Tool::Reactor => "reactor",
            Tool::Rie => "rie",
            Tool::Furnace => "furnace",
            Tool::Press => "press",
            Tool::Spinner => "spinner",
            Tool::Cell => "cell",
        }
    }

    /// Writes the declaration with drawn figures.
    fn declare(self, out: &mut String, mix: &mut Mix) -> Declared {
        let name = self.name();
        let (kind, room, capacity, pump_down, vent, ramp) = match self {
            Tool::Bath => ("dip_tank", "glovebox", 4 + mix.below(5), 0, 0, None),
            Tool::Plate => ("hot_plate", "glovebox", 2 + mix.below(5), 0, 0, Some(5 + mix.below(16))),
            Tool::Oven => (
                "vacuum_oven",
                "vacuum",
                4 + mix.below(9),
                10 + mix.below(21),
                5 + mix.below(6),
                Some(2 + mix.below(4)),
            ),
            Tool::Pvd => (
                "sputter",
                "vacuum",
                4 + mix.below(5),
                15 + mix.below(26),
                5 + mix.below(11),
                None,
            ),
            Tool::Reactor => (
                "ald_reactor",
                "vacuum",
                4 + mix.below(5),
                20 + mix.below(21),
                5 + mix.below(6),
                Some(5 + mix.below(6)),
            ),
            Tool::Rie => (
                "plasma",
                "vacuum",
                2 + mix.below(5),
                5 + mix.below(11),
                2 + mix.below(4),
                None,
            ),
            Tool::Furnace => (
                "tube_furnace",
                "glovebox",
                2 + mix.below(7),
                5 + mix.below(6),
                0,
                Some(5 + mix.below(11)),
            ),
            Tool::Press => (
                "roll_press",
                if mix.below(2) == 0 { "glovebox" } else { "dry_room" },
                1,
                0,
                0,
                None,
            ),
            Tool::Spinner => ("spin_coater", "glovebox", 1, 0, 0, None),
            Tool::Cell => ("electrochem_cell", "glovebox", 4 + mix.below(5), 0, 0, None),
        };
        let mut figures = Vec::new();
        if capacity > 1 {
            figures.push(format!("capacity: {capacity}"));
        }
        if pump_down > 0 {
            figures.push(format!("pump_down: {pump_down} min"));
        }
        if vent > 0 {
            figures.push(format!("vent: {vent} min"));
        }
        if let Some(ramp) = ramp {
            figures.push(format!("ramp: {ramp} degC/min"));
        }
        let block = if figures.is_empty() {
            String::new()
        } else {
            format!(" {{ {} }}", figures.join(", "))
        };
        let _ = writeln!(out, "tool {name}: {kind} in {room}{block}");
        Declared {
            tool: self,
            pump_down,
            vent,
            room,
        }
    }
}

/// A few steps of one pathway on the lab's tools.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    /// Dip, rinse in the same bath, dry on the hot plate.
    Dip,
    /// Spin-coat, then dry on the hot plate or in the vacuum oven.
    Spin,
    Sputter,
    /// MLD then ALD, the samples staying in the reactor.
    Layers,
    Plasma,
    Nitride,
    Press,
    /// Precycling in the cell, rinse, dry.
    Precycle,
    Anneal,
    Bake,
}

const STAGES: [Stage; 10] = [
    Stage::Dip,
    Stage::Spin,
    Stage::Sputter,
    Stage::Layers,
    Stage::Plasma,
    Stage::Nitride,
    Stage::Press,
    Stage::Precycle,
    Stage::Anneal,
    Stage::Bake,
];

impl Stage {
    /// The tools the stage needs; the last alternative of `Spin` (a dry in the oven)
    /// is chosen when there is no plate.
    fn needs(self, has: &dyn Fn(Tool) -> bool) -> bool {
        match self {
            Stage::Dip => has(Tool::Bath) && has(Tool::Plate),
            Stage::Spin => has(Tool::Spinner) && (has(Tool::Plate) || has(Tool::Oven)),
            Stage::Sputter => has(Tool::Pvd),
            Stage::Layers => has(Tool::Reactor),
            Stage::Plasma => has(Tool::Rie),
            Stage::Nitride => has(Tool::Furnace),
            Stage::Press => has(Tool::Press),
            Stage::Precycle => has(Tool::Cell) && has(Tool::Bath) && has(Tool::Plate),
            Stage::Anneal => has(Tool::Plate) || has(Tool::Furnace),
            Stage::Bake => has(Tool::Oven),
        }
    }

    fn uses(self, tool: Tool) -> bool {
        match self {
            Stage::Dip => matches!(tool, Tool::Bath | Tool::Plate),
            Stage::Spin => matches!(tool, Tool::Spinner | Tool::Plate | Tool::Oven),
            Stage::Sputter => tool == Tool::Pvd,
            Stage::Layers => tool == Tool::Reactor,
            Stage::Plasma => tool == Tool::Rie,
            Stage::Nitride => tool == Tool::Furnace,
            Stage::Press => tool == Tool::Press,
            Stage::Precycle => matches!(tool, Tool::Cell | Tool::Bath | Tool::Plate),
            Stage::Anneal => matches!(tool, Tool::Plate | Tool::Furnace),
            Stage::Bake => tool == Tool::Oven,
        }
    }
}

/// A step being written: its line without the closing options, and its tool.
struct Step {
    text: String,
    tool: Tool,
    options: Vec<String>,
}

/// A lab: its tools, then one to four protocols.
pub fn lab(seed: u64) -> String {
    let mut mix = Mix(seed ^ 0x1AB5_EED0);
    let mut out = format!("// generated by `seipgen lab {seed}` (benches/support/lab.rs)\n");
    // Some labs have their own antechambers.
    if mix.below(3) == 0 {
        let _ = writeln!(
            out,
            "environment vacuum {{ antechamber_cycle: {} min, antechamber_capacity: {} }}",
            5 + mix.below(16),
            2 + mix.below(7)
        );
    }
    if mix.below(3) == 0 {
        let _ = writeln!(
            out,
            "environment glovebox {{ antechamber_cycle: {} min, antechamber_capacity: {} }}",
            10 + mix.below(21),
            4 + mix.below(9)
        );
    }

    // Four to ten tools, the bath and plate more often than not (most pathways dry).
    let count = 4 + mix.below(7) as usize;
    let mut chosen: Vec<Tool> = Vec::new();
    for tool in [Tool::Bath, Tool::Plate] {
        if mix.below(4) != 0 {
            chosen.push(tool);
        }
    }
    while chosen.len() < count {
        let tool = TOOLS[mix.below(TOOLS.len() as u64) as usize];
        if !chosen.contains(&tool) {
            chosen.push(tool);
        }
    }
    chosen.sort_by_key(|tool| TOOLS.iter().position(|t| t == tool));
    let declared: Vec<Declared> = chosen.iter().map(|tool| tool.declare(&mut out, &mut mix)).collect();
    let has = |tool: Tool| chosen.contains(&tool);
    let possible: Vec<Stage> = STAGES.iter().copied().filter(|stage| stage.needs(&has)).collect();

    let protocols = 1 + mix.below(4) as usize;
    let mut unused: Vec<Tool> = chosen.clone();
    for index in 0..protocols {
        let _ = writeln!(out, "\nprotocol \"line-{index}\" {{");
        let _ = writeln!(
            out,
            "    substrate li: Li foil {{ thickness: {} um, area: 2 cm2 }}",
            20 + 10 * mix.below(8)
        );
        let _ = writeln!(out, "    batch {}", 4 + mix.below(45));
        let wanted = 2 + mix.below(3) as usize;
        let mut stages: Vec<Stage> = Vec::new();
        while stages.len() < wanted.min(possible.len()) {
            // The first stages cover tools no protocol uses yet, so that the lab's tools
            // are all shared.
            let fresh: Vec<Stage> = possible
                .iter()
                .copied()
                .filter(|s| !stages.contains(s) && unused.iter().any(|&t| s.uses(t)))
                .collect();
            let pool: Vec<Stage> = if fresh.is_empty() {
                possible.iter().copied().filter(|s| !stages.contains(s)).collect()
            } else {
                fresh
            };
            let stage = pool[mix.below(pool.len() as u64) as usize];
            unused.retain(|&t| !stage.uses(t));
            stages.push(stage);
        }
        let mut steps: Vec<Step> = Vec::new();
        for (part, &stage) in stages.iter().enumerate() {
            write_stage(&mut out, &mut steps, &mut mix, stage, &format!("s{part}_"), &has);
        }
        waits(&mut steps, &declared, &mut mix);
        for step in steps {
            if step.options.is_empty() {
                let _ = writeln!(out, "    {}", step.text);
            } else {
                let _ = writeln!(out, "    {} {{ {} }}", step.text, step.options.join(", "));
            }
        }
        out.push_str("}\n");
    }
    out
}

/// Appends the steps of `stage` (and declares its reagents in `out`).
fn write_stage(
    out: &mut String,
    steps: &mut Vec<Step>,
    mix: &mut Mix,
    stage: Stage,
    p: &str,
    has: &dyn Fn(Tool) -> bool,
) {
    let mut step = |text: String, tool: Tool, options: Vec<String>| steps.push(Step { text, tool, options });
    match stage {
        Stage::Dip => {
            let salt = ["SnF2", "InF3", "ZnF2"][mix.below(3) as usize];
            let _ = writeln!(out, "    reagent {p}sol = {salt} 0.{} M in DMSO", 1 + mix.below(4));
            step(
                format!(
                    "step {p}dip: immerse in {p}sol for {} min using bath",
                    5 + mix.below(16)
                ),
                Tool::Bath,
                vec![format!("max_wait: {} min", 2 + mix.below(9))],
            );
            step(
                format!("step {p}rinse: rinse in DMSO for 1 min using bath"),
                Tool::Bath,
                vec![],
            );
            step(
                format!(
                    "step {p}dry: dry at {} degC for {} min using plate",
                    40 + 10 * mix.below(5),
                    20 + 5 * mix.below(5)
                ),
                Tool::Plate,
                vec![],
            );
        }
        Stage::Spin => {
            let _ = writeln!(out, "    reagent {p}ink = \"PVDF-HFP\" {} wt% in NMP", 2 + mix.below(8));
            step(
                format!(
                    "step {p}spin: spin_coat {p}ink at 3000 rpm for {} s using spinner",
                    30 + 30 * mix.below(4)
                ),
                Tool::Spinner,
                vec![format!("thickness: {} um", 1 + mix.below(3))],
            );
            let (tool, temperature) = if has(Tool::Plate) {
                (Tool::Plate, 60 + 10 * mix.below(4))
            } else {
                (Tool::Oven, 80 + 10 * mix.below(5))
            };
            step(
                format!(
                    "step {p}dry: dry at {temperature} degC for {} min using {}",
                    30 + 15 * mix.below(4),
                    tool.name()
                ),
                tool,
                vec![],
            );
        }
        Stage::Sputter => {
            let target = ["LiF", "MgF2", "Li3PO4", "MoS2"][mix.below(4) as usize];
            step(
                format!(
                    "step {p}coat: sputter {target} {} nm at {} nm/min using pvd",
                    10 + 5 * mix.below(7),
                    [0.5, 1.0, 2.0][mix.below(3) as usize]
                ),
                Tool::Pvd,
                vec![],
            );
        }
        Stage::Layers => {
            let temperature = 80 + 10 * mix.below(5);
            step(
                format!(
                    "step {p}mld: mld alucone {} cycles at {temperature} degC using reactor",
                    10 + 5 * mix.below(5)
                ),
                Tool::Reactor,
                vec![
                    "growth_per_cycle: 0.3 nm/cycle".into(),
                    format!("time_per_cycle: {} s/cycle", 30 + 10 * mix.below(4)),
                ],
            );
            step(
                format!(
                    "step {p}ald: ald Al2O3 {} cycles at {} degC using reactor",
                    10 + 5 * mix.below(5),
                    temperature + 10 * mix.below(4)
                ),
                Tool::Reactor,
                vec![
                    "growth_per_cycle: 0.1 nm/cycle".into(),
                    format!("time_per_cycle: {} s/cycle", 20 + 10 * mix.below(3)),
                ],
            );
        }
        Stage::Plasma => {
            let feed = ["CF4", "N2"][mix.below(2) as usize];
            step(
                format!(
                    "step {p}plasma: plasma {feed} at {} W for {} min using rie",
                    30 + 10 * mix.below(8),
                    2 + mix.below(9)
                ),
                Tool::Rie,
                vec![],
            );
        }
        Stage::Nitride => {
            step(
                format!(
                    "step {p}nitride: expose N2 at {} degC for {} min using furnace",
                    25 + 25 * mix.below(5),
                    10 + 10 * mix.below(5)
                ),
                Tool::Furnace,
                vec![],
            );
        }
        Stage::Press => {
            step(
                format!(
                    "step {p}press: roll_press at {} MPa for {} min using press",
                    2 + mix.below(14),
                    1 + mix.below(3)
                ),
                Tool::Press,
                vec![],
            );
        }
        Stage::Precycle => {
            let _ = writeln!(out, "    reagent {p}el = LiTFSI 1.0 M + LiNO3 5 wt% in DOL/DME");
            step(
                format!(
                    "step {p}cycle: electroplate in {p}el at 1 mA/cm2 for {} cycles using cell",
                    1 + mix.below(3)
                ),
                Tool::Cell,
                vec![format!("areal_capacity: 0.{} mAh/cm2", 1 + mix.below(5))],
            );
            step(
                format!("step {p}wash: rinse in DME for 1 min using bath"),
                Tool::Bath,
                vec![],
            );
            step(
                format!(
                    "step {p}dried: dry at 25 degC for {} min using plate",
                    20 + 10 * mix.below(3)
                ),
                Tool::Plate,
                vec![],
            );
        }
        Stage::Anneal => {
            let tool = if has(Tool::Plate) && (!has(Tool::Furnace) || mix.below(2) == 0) {
                Tool::Plate
            } else {
                Tool::Furnace
            };
            step(
                format!(
                    "step {p}anneal: anneal at {} degC for {} min using {}",
                    100 + 10 * mix.below(7),
                    10 + 10 * mix.below(4),
                    tool.name()
                ),
                tool,
                vec![],
            );
        }
        Stage::Bake => {
            step(
                format!(
                    "step {p}bake: dry at {} degC for {} min using oven",
                    60 + 20 * mix.below(4),
                    30 + 30 * mix.below(4)
                ),
                Tool::Oven,
                vec![],
            );
        }
    }
}

/// Draws waiting limits between consecutive steps in one room that the dip does not
/// already have: about one step in three, each at least the vent of the first tool
/// and the pump-down of the second plus 5 to 60 minutes. Steps that stay in one
/// chamber (MLD then ALD) get none.
fn waits(steps: &mut [Step], declared: &[Declared], mix: &mut Mix) {
    let of = |tool: Tool| declared.iter().find(|d| d.tool == tool);
    for index in 1..steps.len() {
        let (before, after) = (steps[index - 1].tool, steps[index].tool);
        let (Some(a), Some(b)) = (of(before), of(after)) else {
            continue;
        };
        let listed = steps[index - 1].options.iter().any(|o| o.starts_with("max_wait"));
        if listed || a.room != b.room || before == after || mix.below(3) != 0 {
            continue;
        }
        let wait = a.vent + b.pump_down + 5 + 5 * mix.below(12);
        steps[index - 1].options.push(format!("max_wait: {wait} min"));
    }
}
