//! A predicted quantity with its uncertainty: a nominal value and worst-case bounds.
//!
//! The bounds are intervals, not standard deviations: the sources give ranges ("larger than
//! 10 um and up to 160 um"), not distributions, so sums add bounds (interval arithmetic) and
//! the result can be trusted to contain every combination the inputs allow.

use serde::Serialize;

/// `min <= nominal <= max`, always (the constructors keep it so).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Estimate {
    pub nominal: f64,
    pub min: f64,
    pub max: f64,
}

impl Estimate {
    pub const ZERO: Estimate = Estimate {
        nominal: 0.0,
        min: 0.0,
        max: 0.0,
    };

    /// A value known without uncertainty (a thickness the recipe states).
    pub fn exact(value: f64) -> Estimate {
        Estimate {
            nominal: value,
            min: value,
            max: value,
        }
    }

    /// Orders the three values so that `min <= nominal <= max` holds whatever the caller
    /// passes (a reversed range from a decreasing function, for example).
    pub fn new(nominal: f64, a: f64, b: f64) -> Estimate {
        let (low, high) = if a <= b { (a, b) } else { (b, a) };
        Estimate {
            nominal,
            min: low.min(nominal),
            max: high.max(nominal),
        }
    }

    /// The range `[min, max]` with its geometric mean as the nominal value: the middle of a
    /// range that spans decades (1 to 100 nm gives 10 nm).
    pub fn geometric(min: f64, max: f64) -> Estimate {
        Estimate::new((min * max).sqrt(), min, max)
    }

    /// Multiplies by a non-negative factor.
    pub fn scale(self, factor: f64) -> Estimate {
        Estimate::new(self.nominal * factor, self.min * factor, self.max * factor)
    }

    /// Applies a non-decreasing function to each value.
    pub fn map(self, f: impl Fn(f64) -> f64) -> Estimate {
        Estimate::new(f(self.nominal), f(self.min), f(self.max))
    }

    /// Combines two fully correlated quantities scenario by scenario (nominal with
    /// nominal, low with low, high with high): a product layer and the Li it consumed rise
    /// and fall together, so the thinnest layer goes with the least Li. The result keeps
    /// that correspondence; [`Estimate::ordered`] turns it back into a range.
    pub fn zip(self, other: Estimate, f: impl Fn(f64, f64) -> f64) -> Estimate {
        Estimate {
            nominal: f(self.nominal, other.nominal),
            min: f(self.min, other.min),
            max: f(self.max, other.max),
        }
    }

    /// The same values as a range, `min <= nominal <= max`.
    pub fn ordered(self) -> Estimate {
        Estimate::new(self.nominal, self.min, self.max)
    }

    pub fn is_exact(&self) -> bool {
        self.min == self.max
    }

    /// Keeps the nominal value and the upper bound, lowering the lower bound to `min`
    /// (a layer that may be etched or dissolved away).
    pub fn with_min(self, min: f64) -> Estimate {
        Estimate::new(self.nominal, min.min(self.min), self.max)
    }
}

impl std::ops::Add for Estimate {
    type Output = Estimate;

    fn add(self, other: Estimate) -> Estimate {
        Estimate::new(self.nominal + other.nominal, self.min + other.min, self.max + other.max)
    }
}

impl std::ops::Sub for Estimate {
    type Output = Estimate;

    /// The difference of two independent quantities: the lower bound takes the other's
    /// upper bound (`remaining = initial - consumed`).
    fn sub(self, other: Estimate) -> Estimate {
        Estimate::new(self.nominal - other.nominal, self.min - other.max, self.max - other.min)
    }
}

impl std::iter::Sum for Estimate {
    fn sum<I: Iterator<Item = Estimate>>(iter: I) -> Estimate {
        // Folding from +0.0 keeps an empty sum at 0 rather than -0 (f64's own `sum`).
        iter.fold(Estimate::ZERO, |total, next| total + next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_keep_the_bounds_ordered() {
        let e = Estimate::new(5.0, 9.0, 1.0);
        assert_eq!((e.min, e.nominal, e.max), (1.0, 5.0, 9.0));
        let e = Estimate::new(10.0, 1.0, 2.0);
        assert_eq!((e.min, e.nominal, e.max), (1.0, 10.0, 10.0));
        let g = Estimate::geometric(1.0, 100.0);
        assert!((g.nominal - 10.0).abs() < 1e-12);
    }

    #[test]
    fn arithmetic_is_interval_arithmetic() {
        let initial = Estimate::exact(50.0);
        let consumed = Estimate::new(2.0, 1.0, 4.0);
        let remaining = initial - consumed;
        assert_eq!((remaining.min, remaining.nominal, remaining.max), (46.0, 48.0, 49.0));
        let fraction = consumed.zip(Estimate::new(2.0, 2.0, 2.0), |c, cap| cap.min(c) / c);
        assert_eq!(
            (fraction.min, fraction.nominal, fraction.max),
            (1.0, 1.0, 0.5),
            "scenario by scenario"
        );
        assert_eq!(fraction.ordered().min, 0.5);
        let total: Estimate = [consumed, consumed].into_iter().sum();
        assert_eq!((total.min, total.nominal, total.max), (2.0, 4.0, 8.0));
        let empty: Estimate = std::iter::empty().sum();
        assert!(empty.nominal.is_sign_positive());
        assert_eq!(consumed.with_min(0.0).min, 0.0);
        assert!(!consumed.is_exact() && initial.is_exact());
    }
}
