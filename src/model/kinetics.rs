//! Growth with time, temperature and concentration: the thickness bounds a row of
//! `data/growth.tsv` gives a step (spec/models.md section 5).
//!
//! One premise: every classical growth law (linear, parabolic x^2 = k t, logarithmic) has a
//! rate that does not rise with time. A thickness in [min, max] at t_ref then bounds the
//! thickness at every time t:
//!
//! ```text
//! lower(t)   = min x min(1, t / t_ref)            (0 before t_ref after an induction period)
//! upper(t)   = max                for t <= t_ref
//!            = max x t / t_ref    beyond, for a film that is not protective (`grows`)
//!            = max                beyond, for a reaction a source calls complete
//! upper(t)   = max(upper(t), rate x t)  where a source bounds the rate
//! upper(t)   = min(upper(t), supply(t)) for an immersion: the solute delivered
//! nominal(t) = sqrt(lower(t) x upper(t))
//! ```
//!
//! The nominal is the parabolic law x^2 = (min max / t_ref) t through the range's geometric
//! mean at t_ref; every bound, and so the nominal, is non-decreasing in time.

use super::data::{AfterRef, Growth, Onset};
use super::format::{duration, length, significant};
use super::layer::Caveats;
use super::quantity::Estimate;

/// What a step says about the conditions of its growth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conditions {
    /// The step's time, s; `None` when it states none.
    pub time_s: Option<f64>,
    pub celsius: f64,
    /// The stated pressure, Pa.
    pub pressure_pa: Option<f64>,
}

/// What the reaction makes of the amounts the law bounds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Yields {
    /// Layer thickness (m) per kg/m2 of Li consumed; `None` when the stoichiometry is unknown.
    pub per_li_mass: Option<f64>,
    /// Layer thickness per diffusion length of the solution (m/m): sum_j c_j V_j over the
    /// reacting solutes, their molar concentrations times their products' volume per mole;
    /// `None` when a concentration is unknown.
    pub per_supply_length: Option<f64>,
}

/// The law applied to one step.
#[derive(Debug, Clone, PartialEq)]
pub struct Law<'d> {
    pub row: &'d Growth,
    pub conditions: Conditions,
    /// The time the law uses: the step's, else the row's t_ref.
    pub time_s: f64,
    /// A source's upper bound on the growth rate, m/s of layer.
    pub rate: Option<f64>,
    /// The most the solute supply allows, m.
    pub supply_cap: Option<f64>,
    /// The stated pressure is at or below the row's threshold: nothing grows.
    pub below_threshold: bool,
    pub thickness: Estimate,
}

/// The row of `rows` (one route and reactant, in rising temperature) for `celsius`: the
/// one whose temperatures cover it, else the nearest.
pub fn row_for<'d>(rows: &[&'d Growth], celsius: f64) -> Option<&'d Growth> {
    let first = *rows.first()?;
    let covering = rows.iter().copied().find(|row| row.covers(celsius));
    Some(covering.unwrap_or_else(|| {
        if first.t_min_c.is_some_and(|t| celsius < t) {
            first
        } else {
            rows[rows.len() - 1]
        }
    }))
}

impl<'d> Law<'d> {
    /// The thickness bounds of `row` under `conditions`.
    pub fn new(row: &'d Growth, conditions: Conditions, yields: Yields) -> Law<'d> {
        let time_s = conditions.time_s.unwrap_or(row.t_ref_s).max(0.0);
        let rate = row.max_li_rate.zip(yields.per_li_mass).map(|(r, per)| r * per);
        let supply_cap = row.supply.zip(yields.per_supply_length).map(|(supply, per)| {
            let d = supply.diffusivity;
            let length = (2.0 * (d * time_s / std::f64::consts::PI).sqrt()).max(d * time_s / supply.delta_min);
            length * per
        });
        let below_threshold = row
            .p_min_pa
            .zip(conditions.pressure_pa)
            .is_some_and(|(p_min, p)| p <= p_min);
        let fraction = time_s / row.t_ref_s;
        let premise_lower = row.min_m * fraction.min(1.0);
        let mut upper = match row.after_ref {
            AfterRef::Grows if fraction > 1.0 => row.max_m * fraction,
            AfterRef::Grows | AfterRef::Saturates => row.max_m,
        };
        if let Some(rate) = rate {
            upper = upper.max(rate * time_s);
        }
        if let Some(cap) = supply_cap {
            upper = upper.min(cap);
        }
        let premise_lower = premise_lower.min(upper);
        let lower = match row.onset {
            Onset::Induction if fraction < 1.0 => 0.0,
            Onset::Prompt | Onset::Induction => premise_lower,
        };
        let thickness = if below_threshold {
            Estimate::ZERO
        } else {
            Estimate::new((premise_lower * upper).sqrt(), lower, upper)
        };
        Law {
            row,
            conditions,
            time_s,
            rate,
            supply_cap,
            below_threshold,
            thickness,
        }
    }

    /// `the `gas` row for `N2``, for notes and caveats.
    fn row_name(&self) -> String {
        match &self.row.reactant {
            Some(reactant) => format!("the `{}` row for `{reactant}`", self.row.route.name()),
            None => format!("the `{}` row", self.row.route.name()),
        }
    }

    /// The law and the parameters it used, for the step's notes.
    pub fn describe(&self) -> String {
        let row = self.row;
        let t_ref = duration(row.t_ref_s);
        let mut parts = vec![format!(
            "{} to {} after {t_ref}",
            length(row.min_m, 3),
            length(row.max_m, 3)
        )];
        if row.onset == Onset::Induction {
            parts.push("0 before it (an induction period)".to_owned());
        }
        parts.push(
            match row.after_ref {
                AfterRef::Grows => "the upper bound growing as the time beyond it",
                AfterRef::Saturates => "complete by it",
            }
            .to_owned(),
        );
        if let (Some(rate), Some(li_rate)) = (self.rate, row.max_li_rate) {
            // kg/(m2 s) x 1e3 g/kg x 1e-4 m2/cm2 x 60 s/min
            parts.push(format!(
                "the rate at most {}/min ({} g Li/(cm2 min))",
                length(rate * 60.0, 3),
                significant(li_rate * 6.0, 3)
            ));
        }
        if let (Some(cap), Some(supply)) = (self.supply_cap, row.supply) {
            parts.push(format!(
                "the solute supply at most {} (D = {:e} m2/s, boundary layer at least {})",
                length(cap, 3),
                supply.diffusivity,
                length(supply.delta_min, 3)
            ));
        }
        let time = match self.conditions.time_s {
            Some(t) => duration(t),
            None => format!("{} (no time stated)", duration(self.time_s)),
        };
        let t = self.thickness;
        format!(
            "growth law ({} of data/growth.tsv{}): {}; after {time}, {} to {}, nominal {} (the geometric mean)",
            self.row_name(),
            temperatures(row).map(|t| format!(", {t}")).unwrap_or_default(),
            parts.join(", "),
            length(t.min, 3),
            length(t.max, 3),
            length(t.nominal, 3)
        )
    }

    /// What the bounds rest on that is assumed: the row's assumed values, a time taken as
    /// t_ref, a temperature outside the row's, a rate bound left out.
    pub fn caveats(&self, caveats: &mut Caveats) {
        let row = self.row;
        let assumed: Vec<String> = row
            .assumed
            .iter()
            .filter_map(|column| match column.as_str() {
                "t_ref_s" => Some(format!("reference time {}", duration(row.t_ref_s))),
                "min_nm" => Some(format!("lower bound {} at it", length(row.min_m, 3))),
                "max_nm" => Some(format!("upper bound {} at it", length(row.max_m, 3))),
                "delta_min_um" => row
                    .supply
                    .map(|s| format!("boundary layer at least {}", length(s.delta_min, 3))),
                _ => None,
            })
            .collect();
        if !assumed.is_empty() {
            caveats.assume(format!(
                "growth: {} of data/growth.tsv assumed ({})",
                self.row_name(),
                assumed.join(", ")
            ));
        }
        if self.conditions.time_s.is_none() {
            caveats.assume(format!(
                "growth: no time stated, the {} reference time ({}) taken",
                row.route.name(),
                duration(row.t_ref_s)
            ));
        }
        if !row.covers(self.conditions.celsius)
            && let Some(range) = temperatures(row)
        {
            caveats.assume(format!(
                "growth: {} holds {range}, taken to hold at {} degC",
                self.row_name(),
                significant(self.conditions.celsius, 4)
            ));
        }
        if row.max_li_rate.is_some() && self.rate.is_none() {
            caveats.assume(format!(
                "growth: the rate bound of {} left out (the Li the reaction takes is unknown)",
                self.row_name()
            ));
        }
    }
}

/// `up to 500 degC`, `15 degC to 35 degC`; `None` for a row of any temperature.
fn temperatures(row: &Growth) -> Option<String> {
    let c = |t: f64| format!("{} degC", significant(t, 4));
    match (row.t_min_c, row.t_max_c) {
        (Some(low), Some(high)) => Some(format!("from {} to {}", c(low), c(high))),
        (Some(low), None) => Some(format!("from {}", c(low))),
        (None, Some(high)) => Some(format!("up to {}", c(high))),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::data::{ModelData, Route};
    use super::*;
    use proptest::prelude::*;

    /// Li3N from N2: 1 / (rho_Li x 1.42) m of layer per kg/m2 of Li.
    const N2_YIELDS: Yields = Yields {
        per_li_mass: Some(1.0 / (534.0 * 1.42)),
        per_supply_length: None,
    };

    fn at(time_s: f64, celsius: f64) -> Conditions {
        Conditions {
            time_s: Some(time_s),
            celsius,
            pressure_pa: None,
        }
    }

    fn law(route: Route, reactant: Option<&str>, conditions: Conditions, yields: Yields) -> Estimate {
        let rows = ModelData::builtin().growth_rows(route, reactant);
        let row = row_for(&rows, conditions.celsius).expect("a row");
        Law::new(row, conditions, yields).thickness
    }

    fn near(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-3 * b.abs()
    }

    #[test]
    fn n2_on_molten_li_grows_with_time_at_the_sourced_rate() {
        // Ijams & Kazimi: 0.003 g Li/(cm2 min) = 5e-4 kg/(m2 s) of Li, 39.5 um/min of Li3N.
        let rate = 5e-4 / (534.0 * 1.42);
        let ten_min = law(Route::MoltenGas, Some("N2"), at(600.0, 450.0), N2_YIELDS);
        assert!(
            near(ten_min.min, 1e-6) && near(ten_min.max, rate * 600.0),
            "{ten_min:?}"
        );
        assert!(near(ten_min.nominal, (1e-6 * rate * 600.0).sqrt()));
        let ten_h = law(Route::MoltenGas, Some("N2"), at(36_000.0, 450.0), N2_YIELDS);
        assert!(near(ten_h.max, rate * 36_000.0) && near(ten_h.nominal / ten_min.nominal, 60f64.sqrt()));
        // Above 500 degC the bound is 0.80 g Li/(cm2 min).
        let hot = law(Route::MoltenGas, Some("N2"), at(600.0, 600.0), N2_YIELDS);
        assert!(near(hot.max / ten_min.max, 0.80 / 0.003), "{hot:?}");
    }

    #[test]
    fn a_short_plasma_is_thinner_and_a_long_one_complete() {
        let none = Yields::default();
        let one_s = law(Route::Plasma, None, at(1.0, 25.0), none);
        assert!(near(one_s.min, 1e-9 / 60.0) && near(one_s.max, 100e-9));
        assert!(near(one_s.nominal, (1e-9f64 / 60.0 * 100e-9).sqrt()), "{one_s:?}");
        let five_min = law(Route::Plasma, None, at(300.0, 25.0), none);
        assert!(near(five_min.nominal, 10e-9) && near(five_min.max, 100e-9));
    }

    #[test]
    fn n2_on_solid_li_may_not_start_within_the_hour_nor_below_10_mtorr() {
        let half_hour = law(Route::Gas, Some("N2"), at(1800.0, 25.0), N2_YIELDS);
        assert_eq!(half_hour.min, 0.0);
        assert!(near(half_hour.nominal, (159.4e-9f64 * 0.5 * 1594e-9).sqrt()));
        let rows = ModelData::builtin().growth_rows(Route::Gas, Some("N2"));
        let mut low = at(36_000.0, 25.0);
        low.pressure_pa = Some(1.0);
        assert_eq!(Law::new(rows[0], low, N2_YIELDS).thickness, Estimate::ZERO);
    }

    #[test]
    fn a_dilute_immersion_is_capped_by_the_solute_it_can_deliver() {
        // 1 mM of a solute making 78 cm3 of layer per mol, for 1 s: D t / delta = 2.4e-4 m.
        let yields = Yields {
            per_li_mass: None,
            per_supply_length: Some(1.0 * 78e-6),
        };
        let one_s = law(Route::Liquid, None, at(1.0, 25.0), yields);
        assert!(near(one_s.max, 2.4e-9 * 1.0 / 10e-6 * 78e-6), "{one_s:?}");
        assert!(one_s.min <= one_s.nominal && one_s.nominal <= one_s.max);
    }

    #[test]
    fn caveats_name_what_is_assumed() {
        let rows = ModelData::builtin().growth_rows(Route::Gas, Some("N2"));
        let hot = Conditions {
            time_s: None,
            celsius: 100.0,
            pressure_pa: None,
        };
        let mut caveats = Caveats::default();
        Law::new(rows[0], hot, N2_YIELDS).caveats(&mut caveats);
        let text: Vec<&str> = caveats.assumed.iter().map(|a| &**a).collect();
        assert_eq!(
            text,
            [
                "growth: the `gas` row for `N2` of data/growth.tsv assumed (upper bound 1.59 um at it)",
                "growth: no time stated, the gas reference time (1 h) taken",
                "growth: the `gas` row for `N2` holds from 15 degC to 35 degC, taken to hold at 100 degC",
            ]
        );
    }

    /// Every (route, reactant) of the table.
    fn groups() -> Vec<(Route, Option<String>)> {
        let mut groups: Vec<(Route, Option<String>)> = ModelData::builtin()
            .growth
            .iter()
            .map(|row| (row.route, row.reactant.clone()))
            .collect();
        groups.dedup();
        groups
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// lower <= nominal <= upper, each non-decreasing in time, in temperature (across
        /// the rows and across Li's melting point, where a gas reaction becomes a molten
        /// one) and in the solution's concentration.
        #[test]
        fn bounds_are_ordered_and_never_fall(
            group in 0usize..16,
            t in 0.0f64..1e6,
            dt in 0.0f64..1e6,
            celsius in -20.0f64..900.0,
            dc in 0.0f64..400.0,
            per_length in prop_oneof![Just(None), (1e-6f64..1e3).prop_map(Some)],
            factor in 1.0f64..100.0,
        ) {
            let groups = groups();
            let (route, reactant) = groups[group % groups.len()].clone();
            let reactant = reactant.as_deref();
            let yields = Yields { per_li_mass: N2_YIELDS.per_li_mass, per_supply_length: per_length };
            let richer = Yields { per_supply_length: per_length.map(|p| p * factor), ..yields };
            let base = law(route, reactant, at(t, celsius), yields);
            let later = law(route, reactant, at(t + dt, celsius), yields);
            let hotter = law(route, reactant, at(t, celsius + dc), yields);
            let concentrated = law(route, reactant, at(t, celsius), richer);
            for e in [base, later, hotter, concentrated] {
                prop_assert!(0.0 <= e.min && e.min <= e.nominal && e.nominal <= e.max, "{e:?}");
            }
            let no_less = |a: Estimate, b: Estimate| {
                b.min >= a.min * (1.0 - 1e-12) && b.nominal >= a.nominal * (1.0 - 1e-12) && b.max >= a.max * (1.0 - 1e-12)
            };
            prop_assert!(no_less(base, later), "time: {base:?} then {later:?}");
            prop_assert!(no_less(base, hotter), "temperature: {base:?} then {hotter:?}");
            prop_assert!(no_less(base, concentrated), "concentration: {base:?} then {concentrated:?}");
            if route == Route::Gas {
                let melted = law(Route::MoltenGas, reactant, at(t, celsius.max(180.5)), yields);
                prop_assert!(no_less(base, melted), "melting: {base:?} then {melted:?}");
            }
        }
    }
}
