//! Generates large, realistic `.seip` files for benchmarks and scale tests: a lab of
//! shared tools at file level, and protocols assembled from the review's pathway
//! families (solution dips, sputtering, ALD/MLD, plasma, gas reactions, rolling,
//! electroplating, casting), each with its own names and parameter values.
//! Deterministic: the same arguments give the same text.

use std::fmt::Write;

/// A small deterministic generator (splitmix64), so the output never depends on a crate's
/// random-number implementation.
pub struct Mix(pub u64);

impl Mix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// The shared lab: enough tools of each kind that thousands of protocols can use them.
const LAB: &str = "\
tool stirrer: stir_plate   in glovebox { capacity: 2 }
tool press:   roll_press   in glovebox
tool bath:    dip_tank     in glovebox { capacity: 6 }
tool plate:   hot_plate    in glovebox { capacity: 4 }
tool oven:    vacuum_oven  in vacuum   { capacity: 8, pump_down: 10 min }
tool spinner: spin_coater  in glovebox
tool pvd:     sputter      in vacuum   { capacity: 8, pump_down: 20 min }
tool rie:     plasma       in vacuum   { capacity: 4, pump_down: 5 min }
tool reactor: ald_reactor  in vacuum   { capacity: 6, pump_down: 30 min }
tool furnace: tube_furnace in glovebox { capacity: 4, ramp: 10 degC/min }
tool cell:    electrochem_cell in glovebox { capacity: 4 }
";

/// Appends the steps of one pathway family; returns how many it wrote.
fn family(out: &mut String, mix: &mut Mix, prefix: &str) -> usize {
    match mix.below(8) {
        0 => {
            let salt = mix.pick(&["SnF2", "InF3", "ZnF2"]);
            let _ = writeln!(out, "    reagent {prefix}sol = {salt} 0.{} M in DMSO", 1 + mix.below(4));
            let _ = writeln!(
                out,
                "    step {prefix}mix: dissolve {prefix}sol for {} h using stirrer",
                1 + mix.below(3)
            );
            let _ = writeln!(
                out,
                "    step {prefix}dip: immerse in {prefix}sol for {} min using bath",
                5 + mix.below(20)
            );
            let _ = writeln!(out, "    step {prefix}rinse: rinse in DMSO for 30 s using bath");
            let _ = writeln!(
                out,
                "    step {prefix}dry: dry at {} degC for 30 min using plate",
                40 + mix.below(40)
            );
            4
        }
        1 => {
            let target = mix.pick(&["MoS2", "LiF", "MgF2", "Li3PO4", "a-C"]);
            let _ = writeln!(
                out,
                "    step {prefix}coat: sputter \"{target}\" {} nm at 0.{} nm/min at {} W using pvd",
                5 + mix.below(40),
                2 + mix.below(8),
                40 + mix.below(80)
            );
            1
        }
        2 => {
            let _ = writeln!(
                out,
                "    step {prefix}mld: mld alucone {} cycles at 85 degC using reactor {{ growth_per_cycle: 0.3 nm/cycle, time_per_cycle: 40 s/cycle }}",
                5 + mix.below(30)
            );
            let _ = writeln!(
                out,
                "    step {prefix}ald: ald Al2O3 {} cycles at 85 degC using reactor {{ growth_per_cycle: 0.1 nm/cycle, time_per_cycle: 30 s/cycle }}",
                5 + mix.below(30)
            );
            2
        }
        3 => {
            let feed = mix.pick(&["CF4", "N2"]);
            let _ = writeln!(
                out,
                "    step {prefix}plasma: plasma {feed} at {} W for {} min using rie",
                20 + mix.below(100),
                1 + mix.below(5)
            );
            1
        }
        4 => {
            let _ = writeln!(
                out,
                "    step {prefix}nitride: expose N2 at {} degC for {} min using furnace",
                200 + mix.below(300),
                5 + mix.below(30)
            );
            1
        }
        5 => {
            let _ = writeln!(
                out,
                "    step {prefix}press: roll_press at {} MPa for 1 min using press",
                2 + mix.below(15)
            );
            1
        }
        6 => {
            let _ = writeln!(out, "    reagent {prefix}el = LiTFSI 1.0 M + LiNO3 5 wt% in DOL/DME");
            let _ = writeln!(
                out,
                "    step {prefix}cycle: electroplate in {prefix}el at 1 mA/cm2 for {} cycles using cell {{ areal_capacity: 0.{} mAh/cm2 }}",
                1 + mix.below(5),
                1 + mix.below(9)
            );
            let _ = writeln!(out, "    step {prefix}wash: rinse in DME for 1 min using bath");
            let _ = writeln!(out, "    step {prefix}dried: dry at 25 degC for 30 min using plate");
            3
        }
        _ => {
            let _ = writeln!(
                out,
                "    reagent {prefix}ink = \"PVDF-HFP\" {} wt% in NMP",
                2 + mix.below(8)
            );
            let _ = writeln!(
                out,
                "    step {prefix}spin: spin_coat {prefix}ink at 3000 rpm for 60 s using spinner {{ thickness: {} um }}",
                1 + mix.below(3)
            );
            let _ = writeln!(out, "    step {prefix}bake: dry at 60 degC for 2 h using oven");
            2
        }
    }
}

/// A file of about `steps` steps in protocols of a few families each, `batch` samples
/// per protocol.
pub fn protocols(steps: usize, batch: u32, seed: u64) -> String {
    let mut mix = Mix(seed);
    let mut out = String::from("// generated by benches/support/generate.rs\n");
    out.push_str(LAB);
    let mut written = 0;
    let mut index = 0;
    while written < steps {
        let _ = writeln!(out, "\nprotocol \"variant-{index}\" {{");
        let _ = writeln!(
            out,
            "    substrate li: Li foil {{ thickness: {} um, area: 2 cm2 }}",
            20 + mix.below(80)
        );
        let _ = writeln!(out, "    batch {batch}");
        for part in 0..1 + mix.below(4) {
            written += family(&mut out, &mut mix, &format!("f{part}_"));
        }
        out.push_str("}\n");
        index += 1;
    }
    out
}

/// One protocol of every family in turn, run on `batch` samples: the scheduler's load.
pub fn one_batch(batch: u32) -> String {
    let mut out = String::from("// generated by benches/support/generate.rs\n");
    out.push_str(LAB);
    let _ = writeln!(out, "\nprotocol \"pilot-line\" {{");
    out.push_str("    substrate li: Li foil { thickness: 50 um, area: 2 cm2 }\n");
    let _ = writeln!(out, "    batch {batch}");
    out.push_str(
        "    reagent bsl = SnF2 0.1 M in DMSO
    step press:  roll_press at 10 MPa for 1 min using press
    step mix:    dissolve bsl for 2 h using stirrer
    step dip:    immerse in bsl for 10 min at 25 degC using bath
    step rinse:  rinse in DMSO for 30 s using bath
    step dry:    dry at 60 degC for 30 min using plate
    step coat:   sputter MoS2 10 nm at 0.5 nm/min using pvd
    step finish: plasma CF4 at 50 W for 2 min using rie
}
",
    );
    out
}
