//! Lower bounds on the makespan: the solver stops when it reaches one, and reports the
//! gap to it.

use std::collections::BinaryHeap;

use super::Problem;
use super::fuse::fuse;
use super::model::{Model, Ordered, ramp_cost};

/// No schedule of `problem` ends before this. The largest of
/// - the longest precedence chain, each operation no earlier than its machine's first
///   setup, with setups and ramps between operations that share a machine;
/// - for each machine: its earliest possible start, plus the fewest loads each batch
///   class needs (`ceil(count / capacity)`) with their durations and the vents and
///   setups between them, plus the ramp from its initial temperature across its range
///   of setpoints (every setpoint is visited), plus the least work left after any of
///   its operations;
/// - for each machine that takes one operation at a time: Jackson's preemptive schedule
///   of its operations (each with its setup and vent) between their earliest starts and
///   the work left after them, the classic one-machine bound of job shops.
///
/// A malformed or cyclic problem has no schedule at all: its bound is `+inf`.
pub fn lower_bound(problem: &Problem) -> f64 {
    let Ok(fused) = fuse(problem) else {
        return f64::INFINITY;
    };
    Model::new(&fused.problem, &fused.exit_k).map_or(f64::INFINITY, |model| model.lower_bound())
}

impl Model<'_> {
    pub(super) fn lower_bound(&self) -> f64 {
        let ops = &self.problem.operations;
        let chains = (0..ops.len())
            .map(|op| self.head[op] + ops[op].duration_s + self.tail[op])
            .fold(0.0, f64::max);

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
            // Steps fused in one chamber ramp within their own duration: the machine may
            // cross its range there for free.
            bound.ramps_within |= class.exit != class.setpoint;
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
                // Between loads the machine crosses its range of setpoints; counting from
                // its initial temperature, it also goes out to the nearer end first, which
                // the first load may do while its operations are not yet ready.
                let (across, from_start) = if bound.ramps_within || bound.coldest > bound.hottest {
                    (0.0, 0.0)
                } else {
                    let (low, high) = (
                        bound.coldest.min(machine.initial_k),
                        bound.hottest.max(machine.initial_k),
                    );
                    let nearer = (machine.initial_k - low).min(high - machine.initial_k);
                    (
                        ramp_cost(machine, Some(bound.coldest), Some(bound.hottest)),
                        ramp_cost(machine, Some(low), Some(high)) + ramp_cost(machine, Some(0.0), Some(nearer)),
                    )
                };
                (bound.first_start + across).max(machine.setup_s + from_start)
                    + bound.work
                    + (bound.loads - 1) as f64 * machine.between_loads()
                    + bound.last_tail
            })
            .fold(chains, f64::max)
            .max(self.one_machine_bounds())
    }

    fn one_machine_bounds(&self) -> f64 {
        let ops = &self.problem.operations;
        let mut jobs: Vec<Vec<Job>> = vec![Vec::new(); self.problem.machines.len()];
        for (op, o) in ops.iter().enumerate() {
            if let Some(m) = o.machine.filter(|&m| self.problem.machines[m].capacity == 1) {
                // Each operation holds the machine from its pump-down to its vent.
                let (setup, vent) = (self.problem.machines[m].setup_s, self.problem.machines[m].vent_s);
                jobs[m].push(Job {
                    release: self.head[op] - setup,
                    length: o.duration_s + setup + vent,
                    tail: self.tail[op] - vent,
                });
            }
        }
        jobs.into_iter().map(jackson).fold(0.0, f64::max)
    }
}

#[derive(Debug, Clone, Copy)]
struct Job {
    release: f64,
    length: f64,
    tail: f64,
}

/// The makespan of Jackson's preemptive schedule: at every moment the released job with
/// the longest tail runs. It is optimal for the preemptive one-machine problem, so a
/// lower bound for the real one.
fn jackson(mut jobs: Vec<Job>) -> f64 {
    jobs.sort_by(|a, b| a.release.total_cmp(&b.release));
    let mut left: Vec<f64> = jobs.iter().map(|job| job.length).collect();
    let mut ready: BinaryHeap<(Ordered, usize)> = BinaryHeap::new();
    let (mut now, mut next, mut bound) = (0.0f64, 0, 0.0f64);
    while next < jobs.len() || !ready.is_empty() {
        if ready.is_empty() {
            now = now.max(jobs[next].release);
        }
        while next < jobs.len() && jobs[next].release <= now {
            ready.push((Ordered(jobs[next].tail), next));
            next += 1;
        }
        let Some((tail, job)) = ready.pop() else { continue };
        let until_release = jobs.get(next).map_or(f64::INFINITY, |j| j.release - now);
        if left[job] <= until_release {
            now += left[job];
            bound = bound.max(now + tail.0);
        } else {
            now += until_release;
            left[job] -= until_release;
            ready.push((tail, job));
        }
    }
    bound
}

#[derive(Clone)]
struct MachineBound {
    loads: usize,
    work: f64,
    coldest: f64,
    hottest: f64,
    first_start: f64,
    last_tail: f64,
    ramps_within: bool,
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
            ramps_within: false,
        }
    }
}
