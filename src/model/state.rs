//! The state of one workpiece between steps: its layers, bottom to top, and for a Li foil
//! the Li left and the Li consumed, all per unit area of the foil as it is now.

use std::collections::BTreeMap;

use super::layer::{Layer, merge};
use super::quantity::Estimate;

#[derive(Debug, Clone, Default)]
pub struct Piece {
    /// Whether the workpiece is Li metal (reactions consume it).
    pub lithium: bool,
    /// Dense Li left, m; `None` for a workpiece that is not Li or has no stated thickness.
    pub li: Option<Estimate>,
    /// Dense Li consumed by reactions and electrochemical losses, m.
    pub li_consumed: Estimate,
    /// Li consumed per step, for the budget labels.
    pub li_by_step: BTreeMap<usize, Estimate>,
    /// Steps whose Li consumption the data cannot predict.
    pub li_unknown: Vec<usize>,
    /// Unverified data values and assumptions behind `li_consumed`.
    pub li_unverified: Vec<String>,
    pub li_assumed: Vec<String>,
    pub layers: Vec<Layer>,
}

impl Piece {
    pub fn new(lithium: bool, thickness: Option<f64>) -> Piece {
        Piece { lithium, li: thickness.filter(|_| lithium).map(Estimate::exact), ..Piece::default() }
    }

    /// Takes `wanted` of Li for `step`, no more than there is. Returns the part actually
    /// taken (bound by bound), so the caller can scale the product the same way.
    pub fn consume_li(&mut self, step: usize, wanted: Estimate, unverified: &[String], assumed: &[String]) -> Estimate {
        let taken = match self.li {
            Some(li) => {
                let most = li.max.max(0.0);
                Estimate::new(wanted.nominal.min(li.nominal.max(0.0)), wanted.min.min(most), wanted.max.min(most))
            }
            None => wanted,
        };
        if let Some(li) = self.li {
            self.li = Some((li - taken).map(|t| t.max(0.0)));
        }
        self.li_consumed = self.li_consumed + taken;
        let entry = self.li_by_step.entry(step).or_insert(Estimate::ZERO);
        *entry = *entry + taken;
        merge(&mut self.li_unverified, unverified.iter().cloned());
        merge(&mut self.li_assumed, assumed.iter().cloned());
        taken
    }

    /// Adds Li (plating); the amount is exact.
    pub fn add_li(&mut self, amount: f64) {
        if let Some(li) = self.li {
            self.li = Some(li.map(|t| t + amount));
        }
    }

    pub fn li_unknown_at(&mut self, step: usize) {
        if !self.li_unknown.contains(&step) {
            self.li_unknown.push(step);
        }
    }

    /// Whether Li reaches the layer at `index`: the piece is Li and every layer below it was
    /// made by a reaction with Li (see [`Layer::li_derived`]).
    pub fn in_contact(&self, index: usize) -> bool {
        self.lithium && self.layers[..index.min(self.layers.len())].iter().all(|l| l.li_derived)
    }

    /// The first layer that keeps a reagent from the Li, if any.
    pub fn barrier(&self) -> Option<&Layer> {
        self.layers.iter().find(|l| !l.li_derived)
    }

    /// Scales every thickness by `ratio` (rolling to a gap: the volume is conserved and
    /// the area grows by 1 / ratio, so every per-area quantity shrinks by `ratio`).
    pub fn scale(&mut self, ratio: f64) {
        self.li = self.li.map(|li| li.scale(ratio));
        self.li_consumed = self.li_consumed.scale(ratio);
        for value in self.li_by_step.values_mut() {
            *value = value.scale(ratio);
        }
        for layer in &mut self.layers {
            layer.thickness = layer.thickness.map(|t| t.scale(ratio));
        }
    }

    /// The known part of the coating and the steps whose layers have no known thickness.
    pub fn coating(&self) -> (Estimate, Vec<usize>) {
        let known = self.layers.iter().filter_map(|l| l.thickness).sum();
        let unknown = self.layers.iter().filter(|l| l.thickness.is_none()).map(|l| l.step).collect();
        (known, unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn li_is_consumed_no_further_than_it_goes() {
        let mut piece = Piece::new(true, Some(10e-6));
        let taken = piece.consume_li(0, Estimate::new(4e-6, 1e-6, 16e-6), &[], &[]);
        assert_eq!(taken.max, 10e-6);
        let li = piece.li.unwrap();
        assert_eq!((li.min, li.nominal, li.max), (0.0, 6e-6, 9e-6));
        assert_eq!(piece.li_by_step[&0], taken);
        piece.scale(0.5);
        assert_eq!(piece.li.unwrap().nominal, 3e-6);
    }

    #[test]
    fn a_foil_that_is_not_lithium_has_no_li_budget() {
        let piece = Piece::new(false, Some(10e-6));
        assert!(piece.li.is_none() && !piece.in_contact(0));
    }
}
