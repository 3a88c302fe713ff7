//! Lower bounds on the makespan: the solver stops when it reaches one, and reports the
//! gap to it.

use super::Problem;
use super::model::{Model, ramp_cost};

/// No schedule of `problem` ends before this. The larger of
/// - the longest precedence chain, each operation no earlier than its machine's first
///   setup, with setups and ramps between operations that share a machine;
/// - for each machine: its earliest possible start, plus the fewest loads each batch
///   class needs (`ceil(count / capacity)`) with their durations and the setups between
///   them, plus the ramp across its range of setpoints (every setpoint is visited once),
///   plus the least work left after any of its operations.
///
/// A malformed or cyclic problem has no schedule at all: its bound is `+inf`.
pub fn lower_bound(problem: &Problem) -> f64 {
    Model::new(problem).map_or(f64::INFINITY, |model| model.lower_bound())
}

impl Model<'_> {
    pub(super) fn lower_bound(&self) -> f64 {
        let ops = &self.problem.operations;
        let chains = (0..ops.len()).map(|op| self.head[op] + ops[op].duration_s + self.tail[op]).fold(0.0, f64::max);

        let mut per_class = vec![0usize; self.classes.len()];
        for &class in &self.class_of {
            if let Some(count) = per_class.get_mut(class) {
                *count += 1;
            }
        }
        let mut machines = vec![MachineBound::default(); self.problem.machines.len()];
        for (class, &count) in self.classes.iter().zip(&per_class) {
            let capacity = self.problem.machines[class.machine].capacity as usize;
            let loads = count.div_ceil(capacity);
            let bound = &mut machines[class.machine];
            bound.loads += loads;
            bound.work += loads as f64 * class.duration;
            if let Some(t) = class.setpoint {
                bound.coldest = bound.coldest.min(t);
                bound.hottest = bound.hottest.max(t);
            }
        }
        for (op, o) in ops.iter().enumerate() {
            if let Some(m) = o.machine {
                machines[m].first_start = machines[m].first_start.min(self.head[op]);
                machines[m].last_tail = machines[m].last_tail.min(self.tail[op]);
            }
        }
        self.problem
            .machines
            .iter()
            .zip(&machines)
            .filter(|(_, bound)| bound.loads > 0)
            .map(|(machine, bound)| {
                let ramps = if bound.coldest < bound.hottest {
                    ramp_cost(machine, Some(bound.coldest), Some(bound.hottest))
                } else {
                    0.0
                };
                bound.first_start + bound.work + (bound.loads - 1) as f64 * machine.setup_s + ramps + bound.last_tail
            })
            .fold(chains, f64::max)
    }
}

#[derive(Clone)]
struct MachineBound {
    loads: usize,
    work: f64,
    coldest: f64,
    hottest: f64,
    first_start: f64,
    last_tail: f64,
}

impl Default for MachineBound {
    fn default() -> Self {
        MachineBound {
            loads: 0,
            work: 0.0,
            coldest: f64::INFINITY,
            hottest: f64::NEG_INFINITY,
            first_start: f64::INFINITY,
            last_tail: f64::INFINITY,
        }
    }
}
