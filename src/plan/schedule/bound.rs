//! Lower bounds on the makespan: the solver stops when it reaches one, and reports the
//! gap to it.

use std::collections::BinaryHeap;

use super::Problem;
use super::fuse::fuse;
use super::model::{Model, Ordered, precedence_gap, ramp_cost};

/// No schedule of `problem` ends before this. The largest of
/// - the longest precedence chain, each operation no earlier than its machine's first
///   setup, with setups and ramps between operations that share a machine;
/// - for each machine: its earliest possible start, plus the fewest loads each batch
///   class needs (`ceil(count / cap)`, `cap` the capacity or fewer where maximum waits
///   forbid more, `Model::proven_caps`) with their durations and the vents and
///   setups between them, plus the ramp from its initial temperature across its range
///   of setpoints (every setpoint is visited), plus the least work left after any of
///   its operations;
/// - for each machine that takes one operation at a time: Jackson's preemptive schedule
///   of its operations (each with its setup and vent) between their earliest starts and
///   the work left after them, the classic one-machine bound of job shops;
/// - for each machine and each earliest start `t` of its operations: the loads of those
///   that cannot start before `t`, one after another from `t`, then the least work left
///   after them.
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
        let caps = self.proven_caps();
        let mut machines = vec![MachineBound::default(); self.problem.machines.len()];
        for ((class, &count), &capacity) in self.classes.iter().zip(&per_class).zip(&caps) {
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
            .max(self.later_loads_bound(&caps))
    }

    /// The most operations of each class that one load can hold in any schedule: the
    /// machine's capacity, or fewer where a maximum wait forbids more. A load of a
    /// class whose every operation waits at most `w` for its own successors on a
    /// machine `M` (no successor shared by two of them) ends at one time `E`; the
    /// successors all start in `[E + g, E + w]`, `g` the least gap of the precedence,
    /// and `M` starts a load at most once every `d + vent + setup` (`d` the shortest
    /// duration on `M`), so at most `floor((w - g) / cycle) + 1` loads of them, each of
    /// `M`'s capacity. Unlike the dispatcher's `Class::cap`, every step of this holds
    /// for any schedule, so it may bound.
    pub(super) fn proven_caps(&self) -> Vec<usize> {
        let problem = self.problem;
        let ops = &problem.operations;
        let mut shortest = vec![f64::INFINITY; problem.machines.len()];
        for class in &self.classes {
            shortest[class.machine] = shortest[class.machine].min(class.duration);
        }
        // Per class and successor machine: (operations with a successor there, the
        // longest wait, the least gap, a successor shared by two of them).
        let mut caps: Vec<usize> = self
            .classes
            .iter()
            .map(|class| problem.machines[class.machine].capacity as usize)
            .collect();
        let mut members = vec![0usize; self.classes.len()];
        let mut windows: std::collections::BTreeMap<(usize, usize), (usize, f64, f64, bool)> = Default::default();
        let mut claimed: std::collections::HashMap<(usize, usize), usize> = Default::default();
        for (op, &class) in self.class_of.iter().enumerate() {
            if class == super::model::NONE {
                continue;
            }
            members[class] += 1;
            let Some(wait) = ops[op].max_wait_s else {
                // One operation without a wait: its load is not limited.
                windows.insert((class, usize::MAX), (0, 0.0, 0.0, true));
                continue;
            };
            let mut seen = std::collections::BTreeMap::<usize, f64>::new();
            for &after in self.succ.of(op) {
                let Some(m) = ops[after].machine else { continue };
                let gap = precedence_gap(problem, self.exit_k, op, after);
                let least = seen.entry(m).or_insert(f64::INFINITY);
                *least = least.min(gap);
                // A successor shared by two operations of the class does not count twice.
                if *claimed.entry((class, after)).or_insert(op) != op {
                    windows.entry((class, m)).or_insert((0, 0.0, f64::INFINITY, false)).3 = true;
                }
            }
            for (m, gap) in seen {
                let entry = windows.entry((class, m)).or_insert((0, 0.0, f64::INFINITY, false));
                entry.0 += 1;
                entry.1 = entry.1.max(wait);
                entry.2 = entry.2.min(gap);
            }
        }
        let unlimited: std::collections::HashSet<usize> = windows
            .iter()
            .filter(|(key, _)| key.1 == usize::MAX)
            .map(|(key, _)| key.0)
            .collect();
        for (&(class, m), &(count, wait, gap, shared)) in &windows {
            if m == usize::MAX || shared || count < members[class] || unlimited.contains(&class) {
                continue;
            }
            let window = wait - gap;
            let machine = &problem.machines[m];
            let cycle = shortest[m] + machine.between_loads();
            if cycle <= 0.0 || window < 0.0 {
                continue;
            }
            let loads = (window / cycle + 1e-9).floor().min(1e9) as usize + 1;
            caps[class] = caps[class].min(loads.saturating_mul(machine.capacity as usize)).max(1);
        }
        caps
    }

    /// For each machine and each earliest start `t` of its operations: the operations
    /// that cannot start before `t`, taken in order of the work left after them, need
    /// their loads (per class, `ceil(count / cap)`) one after another from `t`, with the
    /// vent and pump-down between, and the last of them then has its work left.
    fn later_loads_bound(&self, caps: &[usize]) -> f64 {
        /// Past this many operations on one machine, only this many thresholds.
        const THRESHOLDS: usize = 256;
        let ops = &self.problem.operations;
        let mut per_machine: Vec<Vec<usize>> = vec![Vec::new(); self.problem.machines.len()];
        for (op, o) in ops.iter().enumerate() {
            if let Some(m) = o.machine {
                per_machine[m].push(op);
            }
        }
        let mut bound = 0.0f64;
        let mut count = vec![0usize; self.classes.len()];
        for (m, mut members) in per_machine.into_iter().enumerate() {
            if members.len() < 2 {
                continue;
            }
            let between = self.problem.machines[m].between_loads();
            members.sort_by(|&a, &b| self.tail[b].total_cmp(&self.tail[a]));
            let mut heads: Vec<f64> = members.iter().map(|&op| self.head[op]).collect();
            heads.sort_by(f64::total_cmp);
            heads.dedup();
            let step = heads.len().div_ceil(THRESHOLDS).max(1);
            for &t in heads.iter().step_by(step) {
                let (mut loads, mut work) = (0usize, 0.0);
                for &op in members.iter().filter(|&&op| self.head[op] >= t) {
                    let class = self.class_of[op];
                    if count[class].is_multiple_of(caps[class]) {
                        loads += 1;
                        work += self.classes[class].duration;
                    }
                    count[class] += 1;
                    bound = bound.max(t + work + (loads - 1) as f64 * between + self.tail[op]);
                }
                for &op in &members {
                    count[self.class_of[op]] = 0;
                }
            }
        }
        bound
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::{Engine, Machine, Operation, Problem, SolveOptions, proven_optimal, solve, verify};
    use super::lower_bound;

    fn machine(name: &str, capacity: u32, setup_s: f64, vent_s: f64) -> Machine {
        Machine {
            name: name.into(),
            capacity,
            setup_s,
            vent_s,
            ..Machine::default()
        }
    }

    fn op(machine: usize, duration_s: f64, batch_key: u64, max_wait_s: Option<f64>) -> Operation {
        Operation {
            machine: Some(machine),
            duration_s,
            batch_key,
            setpoint_k: None,
            max_wait_s,
        }
    }

    /// Three samples bake 100 s in an oven for four (10 s pump-down, 5 s vent), then
    /// each has at most `wait` s to start a 4 s plasma step in a chamber for one (8 s
    /// pump-down, 2 s vent). `shared`: one plasma step after all three bakes.
    fn oven_then_plasma(wait: Option<f64>, shared: bool) -> Problem {
        let mut operations = vec![op(0, 100.0, 1, wait); 3];
        let plasmas = if shared { 1 } else { 3 };
        operations.extend(vec![op(1, 4.0, 2, None); plasmas]);
        let precedences = (0..3).map(|bake| (bake, 3 + if shared { 0 } else { bake })).collect();
        Problem {
            machines: vec![machine("oven", 4, 10.0, 5.0), machine("plasma", 1, 8.0, 2.0)],
            operations,
            precedences,
            ..Problem::default()
        }
    }

    fn solved(problem: &Problem) -> super::super::Schedule {
        let options = SolveOptions::new(Duration::from_secs(10), 1);
        let schedule = solve(problem, &options).expect("the problem has a schedule");
        assert_eq!(verify(problem, &schedule), Ok(()));
        schedule
    }

    /// The plasma needs the vent and its pump-down, 13 s, after a bake, and then one
    /// sample at a time every 14 s: a 15 s wait lets one sample a load into the oven.
    /// Three oven loads one after another: 10 + 3 x 100 + 2 x (5 + 10), then 5 + 8 + 4
    /// for the last sample, 357 s, the optimum. Counting one oven load of three, the
    /// bound was 155 s (the plasma's three samples after the first bake).
    #[test]
    fn a_wait_that_limits_the_loads_raises_the_bound_to_the_optimum() {
        let problem = oven_then_plasma(Some(15.0), false);
        assert_eq!(lower_bound(&problem), 357.0);
        let schedule = solved(&problem);
        assert_eq!(schedule.makespan_s, 357.0);
        assert!(proven_optimal(&schedule));
        // Without the wait the three share one load: 10 + 100 + 13 + 3 x 14 - 10.
        let free = oven_then_plasma(None, false);
        assert_eq!(solved(&free).makespan_s, 155.0);
        assert!(lower_bound(&free) <= 155.0);
        // A longer wait lets two samples a load (one plasma load 14 s after the other).
        let two = oven_then_plasma(Some(27.0), false);
        assert!(lower_bound(&two) < 357.0);
        assert!(lower_bound(&two) <= solved(&two).makespan_s);
    }

    /// One plasma step after all three bakes: they all fit one oven load (10 to 110 s),
    /// the plasma starts 13 s after it, within the wait of each, and ends at 127 s. The
    /// bound must not count three oven loads. (The heuristic does not find this plan: its
    /// load sizes ignore that the successor is shared.)
    #[test]
    fn a_successor_shared_by_a_load_does_not_limit_it() {
        let problem = oven_then_plasma(Some(15.0), true);
        let at = |start_s: f64, duration: f64| super::super::ScheduledOp {
            start_s,
            end_s: start_s + duration,
            load: Some(0),
        };
        let plan = super::super::Schedule {
            ops: vec![at(10.0, 100.0), at(10.0, 100.0), at(10.0, 100.0), at(123.0, 4.0)],
            makespan_s: 127.0,
            lower_bound_s: 0.0,
        };
        assert_eq!(verify(&problem, &plan), Ok(()));
        assert!(lower_bound(&problem) <= 127.0, "{}", lower_bound(&problem));
    }

    /// An oven for two (10 s pump-down, 5 s vent) bakes two samples ready at once and
    /// four that come out of a 200 s manual step: after 210 s two loads remain, one after
    /// the other, 210 + 100 + 15 + 100 = 425 s. The whole machine counted from its first
    /// start gives only 10 + 3 x 100 + 2 x 15 = 340 s.
    #[test]
    fn the_loads_left_after_a_late_start_bound_the_makespan() {
        let mut operations = vec![op(0, 100.0, 1, None); 6];
        operations.extend(vec![
            Operation {
                machine: None,
                ..op(0, 200.0, 9, None)
            };
            4
        ]);
        let problem = Problem {
            machines: vec![machine("oven", 2, 10.0, 5.0)],
            operations,
            precedences: (0..4).map(|k| (6 + k, 2 + k)).collect(),
            ..Problem::default()
        };
        assert_eq!(lower_bound(&problem), 425.0);
        assert_eq!(solved(&problem).makespan_s, 425.0);
    }

    /// The job shop of the OR-Tools tutorial: its optimum is 11, one above the
    /// one-machine bound of the middle machine (10). The exact engine proves it.
    #[test]
    fn the_exact_engine_proves_a_small_job_shop_optimal() {
        let jobs: [&[(usize, f64)]; 3] = [
            &[(0, 3.0), (1, 2.0), (2, 2.0)],
            &[(0, 2.0), (2, 1.0), (1, 4.0)],
            &[(1, 4.0), (2, 3.0)],
        ];
        let mut problem = Problem {
            machines: (0..3).map(|m| machine(&format!("m{m}"), 1, 0.0, 0.0)).collect(),
            ..Problem::default()
        };
        for job in jobs {
            for (k, &(m, duration)) in job.iter().enumerate() {
                let index = problem.operations.len();
                problem.operations.push(op(m, duration, index as u64, None));
                if k > 0 {
                    problem.precedences.push((index - 1, index));
                }
            }
        }
        assert_eq!(lower_bound(&problem), 10.0);
        let options = SolveOptions {
            engine: Engine::Exact,
            exact_work_limit: 20_000,
            ..SolveOptions::new(Duration::from_secs(10), 1)
        };
        let exact = solve(&problem, &options).expect("a job shop has a schedule");
        assert_eq!(verify(&problem, &exact), Ok(()));
        assert_eq!((exact.makespan_s, exact.lower_bound_s), (11.0, 11.0));
    }
}
