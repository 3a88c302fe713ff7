//! Numbers as people read them: a few significant digits, in the unit that suits the
//! magnitude (nm for films, um for foils), for notes, diagnostics, the table and the SVG.

use super::quantity::Estimate;

/// `value` with `digits` significant digits, without trailing zeros (`9.93`, `17`, `0.0125`).
pub fn significant(value: f64, digits: usize) -> String {
    let mut text = String::new();
    write_significant(&mut text, value, digits);
    text
}

/// [`significant`] followed by a unit, in one string: notes write a great many of these.
fn with_unit(value: f64, digits: usize, unit: &str) -> String {
    let mut text = String::with_capacity(8 + unit.len());
    write_significant(&mut text, value, digits);
    text.push(' ');
    text.push_str(unit);
    text
}

fn write_significant(out: &mut String, value: f64, digits: usize) {
    use std::fmt::Write;
    if value == 0.0 || !value.is_finite() {
        let _ = if value.is_finite() {
            write!(out, "0")
        } else {
            write!(out, "{value}")
        };
        return;
    }
    let magnitude = value.abs().log10().floor() as i32;
    let decimals = (digits as i32 - 1 - magnitude).clamp(0, 12) as usize;
    let start = out.len();
    let _ = write!(out, "{value:.decimals$}");
    if out[start..].contains('.') {
        let kept = out[start..].trim_end_matches('0').trim_end_matches('.').len();
        out.truncate(start + kept);
    }
    if &out[start..] == "-0" {
        out.remove(start);
    }
}

/// A length in m, in nm below 1 um, um below 1 mm, else mm.
pub fn length(m: f64, digits: usize) -> String {
    let magnitude = m.abs();
    if magnitude >= 1e-3 {
        with_unit(m * 1e3, digits, "mm")
    } else if magnitude >= 1e-6 {
        with_unit(m * 1e6, digits, "um")
    } else {
        with_unit(m * 1e9, digits, "nm")
    }
}

/// An areal mass in kg/m2, as mg/cm2 (ug/cm2 below 0.01 mg/cm2).
pub fn areal_mass(kg_m2: f64, digits: usize) -> String {
    // 1 kg/m2 = 1e6 mg / 1e4 cm2 = 100 mg/cm2.
    let mg_cm2 = kg_m2 * 100.0;
    if mg_cm2 != 0.0 && mg_cm2.abs() < 0.01 {
        with_unit(mg_cm2 * 1e3, digits, "ug/cm2")
    } else {
        with_unit(mg_cm2, digits, "mg/cm2")
    }
}

/// A duration in s, in s, min or h.
pub fn duration(s: f64) -> String {
    if s.abs() >= 3600.0 {
        with_unit(s / 3600.0, 3, "h")
    } else if s.abs() >= 60.0 {
        with_unit(s / 60.0, 3, "min")
    } else {
        with_unit(s, 3, "s")
    }
}

/// A percentage of a fraction.
pub fn percent(fraction: f64) -> String {
    format!("{} %", significant(fraction * 100.0, 2))
}

/// `9.93 nm`, or `316 nm (10 nm to 10 um)` when the range is not a single value.
pub fn estimate(value: Estimate, unit: impl Fn(f64) -> String) -> String {
    if value.is_exact() {
        unit(value.nominal)
    } else {
        format!("{} ({} to {})", unit(value.nominal), unit(value.min), unit(value.max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_readable() {
        assert_eq!(significant(9.9304, 3), "9.93");
        assert_eq!(significant(17.0, 3), "17");
        assert_eq!(significant(0.012_51, 3), "0.0125");
        assert_eq!(significant(49_986.87, 5), "49987");
        assert_eq!(length(9.93e-9, 3), "9.93 nm");
        assert_eq!(length(4.849e-6, 3), "4.85 um");
        assert_eq!(areal_mass(1.32e-3, 3), "0.132 mg/cm2");
        assert_eq!(areal_mass(3.1e-6, 3), "0.31 ug/cm2");
        assert_eq!(duration(36_000.0), "10 h");
        assert_eq!(
            estimate(Estimate::new(3.16e-7, 1e-8, 1e-5), |v| length(v, 3)),
            "316 nm (10 nm to 10 um)"
        );
    }
}
