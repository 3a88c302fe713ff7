//! The problem, checked and indexed once: adjacency, earliest starts and remaining work
//! ignoring machine conflicts, and the classes of operations that may share a load.

use std::collections::HashMap;

use super::graph::{Eval, Graph, Infeasible, Sequences};
use super::{Machine, Problem, ScheduleError};

/// Marks "no index" in the dense index arrays of this module and [`super::graph`].
pub(super) const NONE: usize = usize::MAX;

/// A time as a heap key: times are never NaN, and `total_cmp` orders the rest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Ordered(pub f64);

impl Eq for Ordered {}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// A compressed adjacency list: the items of node `i` are `items[offsets[i]..offsets[i + 1]]`.
#[derive(Clone)]
pub(super) struct Adjacency<T> {
    offsets: Vec<usize>,
    items: Vec<T>,
}

impl<T: Copy> Adjacency<T> {
    /// Groups `(node, item)` pairs by node (nodes in `0..nodes`), keeping their order.
    pub(super) fn new(nodes: usize, pairs: impl Iterator<Item = (usize, T)> + Clone) -> Self {
        let mut offsets = vec![0; nodes + 1];
        for (node, _) in pairs.clone() {
            offsets[node + 1] += 1;
        }
        for i in 0..nodes {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut slots: Vec<Option<T>> = vec![None; offsets[nodes]];
        for (node, item) in pairs {
            slots[fill[node]] = Some(item);
            fill[node] += 1;
        }
        Adjacency {
            offsets,
            items: slots.into_iter().flatten().collect(),
        }
    }

    pub(super) fn of(&self, node: usize) -> &[T] {
        &self.items[self.offsets[node]..self.offsets[node + 1]]
    }
}

/// Operations that may share a load: same machine, batch key, duration and setpoint
/// (all operations of a load start and end together and run at one temperature).
pub(super) struct Class {
    pub machine: usize,
    pub duration: f64,
    pub setpoint: Option<f64>,
    /// The temperature the load leaves the machine at (differs from `setpoint` only for
    /// steps fused in one chamber).
    pub exit: Option<f64>,
    /// The most operations one load of this class takes: the machine's capacity, or
    /// fewer when the successors could not all start within a maximum wait.
    pub cap: usize,
    /// Some operation of the class has a maximum wait, or waits on one that has.
    pub tied: bool,
}

pub(super) struct Model<'a> {
    pub problem: &'a Problem,
    /// The temperature each operation leaves its machine at ([`super::fuse`]).
    pub exit_k: &'a [Option<f64>],
    pub succ: Adjacency<usize>,
    pub pred: Adjacency<usize>,
    /// Earliest start of each operation from precedences and setups alone.
    pub head: Vec<f64>,
    /// Longest chain of work after each operation ends (its own duration excluded).
    pub tail: Vec<f64>,
    /// `NONE` for an operation without machine.
    pub class_of: Vec<usize>,
    pub classes: Vec<Class>,
    pub has_waits: bool,
}

impl<'a> Model<'a> {
    /// `problem` is a fused problem (`super::fuse`), already validated.
    pub(super) fn new(problem: &'a Problem, exit_k: &'a [Option<f64>]) -> Result<Self, ScheduleError> {
        let n = problem.operations.len();
        let succ = Adjacency::new(n, problem.precedences.iter().copied());
        let pred = Adjacency::new(n, problem.precedences.iter().map(|&(before, after)| (after, before)));
        let topo = topological_order(n, &succ, &pred)?;
        let ops = &problem.operations;

        let mut head = vec![0.0; n];
        for &op in &topo {
            let release = ops[op].machine.map_or(0.0, |m| problem.machines[m].setup_s);
            head[op] = pred
                .of(op)
                .iter()
                .map(|&before| head[before] + ops[before].duration_s + precedence_gap(problem, exit_k, before, op))
                .fold(release, f64::max);
        }
        let mut tail = vec![0.0; n];
        for &op in topo.iter().rev() {
            tail[op] = succ
                .of(op)
                .iter()
                .map(|&after| precedence_gap(problem, exit_k, op, after) + ops[after].duration_s + tail[after])
                .fold(0.0, f64::max);
        }

        let (class_of, classes) = classify(problem, exit_k, &succ, &pred);
        let has_waits = ops
            .iter()
            .enumerate()
            .any(|(op, o)| o.max_wait_s.is_some() && !succ.of(op).is_empty());
        Ok(Model {
            problem,
            exit_k,
            succ,
            pred,
            head,
            tail,
            class_of,
            classes,
            has_waits,
        })
    }

    /// Fails when precedences and setups alone make a maximum wait impossible, whatever
    /// the order on the machines, or when the successors of one operation crowd a machine
    /// too much to all start within its wait.
    pub(super) fn check_max_waits(&self) -> Result<(), ScheduleError> {
        if !self.has_waits {
            return Ok(());
        }
        for op in 0..self.problem.operations.len() {
            self.check_crowding(op)?;
        }
        self.check_first_heat_up()?;
        let n = self.problem.operations.len();
        let unit_of: Vec<usize> = (0..n).collect();
        let graph = Graph::new(self, &unit_of, n);
        let sequences = Sequences::new(vec![Vec::new(); self.problem.machines.len()], n);
        let mut eval = Eval::new(n);
        match eval.run(&graph, &sequences, usize::MAX, false) {
            Ok(_) => Ok(()),
            Err(Infeasible::MaxWait { wait, observed_s }) => Err(ScheduleError::MaxWaitUnmet {
                before: wait.before,
                after: wait.after,
                max_wait_s: wait.max_wait_s,
                wait_s: observed_s,
                reason: "the precedences between them (and the setups of shared machines) leave no shorter wait, \
                         whatever the order on the machines"
                    .to_string(),
            }),
            // `new` has already rejected cyclic precedences.
            Err(Infeasible::Cycle) => Err(ScheduleError::Invalid {
                message: "internal error: cycle after check".into(),
            }),
        }
    }
}

impl Model<'_> {
    /// The successors of `op` on one machine must all start within its wait, but the
    /// machine runs their loads one after another: from the first start to the last
    /// there are all loads but one, each with its vent and setup (and a vent and setup
    /// before the first if `op` ran on the same machine).
    fn check_crowding(&self, op: usize) -> Result<(), ScheduleError> {
        let problem = self.problem;
        let Some(max_wait_s) = problem.operations[op].max_wait_s else {
            return Ok(());
        };
        let mut crowd: Vec<(usize, usize, usize)> = self
            .succ
            .of(op)
            .iter()
            .filter_map(|&after| Some((problem.operations[after].machine?, self.class_of[after], after)))
            .collect();
        crowd.sort_unstable();
        for group in crowd.chunk_by(|x, y| x.0 == y.0) {
            let machine = &problem.machines[group[0].0];
            let capacity = machine.capacity as usize;
            let (mut total, mut longest) = (0.0, 0.0f64);
            for class in group.chunk_by(|x, y| x.1 == y.1) {
                let cycle = self.classes[class[0].1].duration + machine.between_loads();
                total += class.len().div_ceil(capacity) as f64 * cycle;
                longest = longest.max(cycle);
            }
            let lead = if problem.operations[op].machine == Some(group[0].0) {
                machine.between_loads()
            } else {
                0.0
            };
            let span = lead + total - longest;
            if span > max_wait_s + 1e-9 * span.max(1.0) {
                let names: Vec<String> = group.iter().map(|x| x.2.to_string()).collect();
                return Err(ScheduleError::MaxWaitUnmet {
                    before: op,
                    after: group[group.len() - 1].2,
                    max_wait_s,
                    wait_s: span,
                    reason: format!(
                        "operations {} all follow it on machine {} ({} per load), whose loads one after another \
                         need {span} s before the last can start",
                        names.join(", "),
                        machine.name,
                        capacity
                    ),
                });
            }
        }
        Ok(())
    }
}

impl Model<'_> {
    /// The first load of a tool that heats with the samples inside ramps from its
    /// initial temperature after the pump-down. When every operation on the tool waits
    /// on a predecessor whose maximum wait is shorter than the vent, pump-down and that
    /// ramp, none of them can be in the first load, so no plan exists.
    fn check_first_heat_up(&self) -> Result<(), ScheduleError> {
        let problem = self.problem;
        let mut worst: Vec<Option<(f64, usize, usize, f64)>> = vec![None; problem.machines.len()];
        let mut free = vec![false; problem.machines.len()];
        for (op, o) in problem.operations.iter().enumerate() {
            let Some(m) = o.machine else { continue };
            let machine = &problem.machines[m];
            let ramp = if machine.ramp_inside {
                ramp_cost(machine, Some(machine.initial_k), o.setpoint_k)
            } else {
                0.0
            };
            // The tightest wait into `op` if it were in the first load.
            let tightest = self
                .pred
                .of(op)
                .iter()
                .filter_map(|&before| {
                    let wait = problem.operations[before].max_wait_s?;
                    let least = transfer_gap(problem, before, op) + ramp;
                    (least > wait + 1e-9 * least.max(1.0)).then_some((least - wait, before, op, least))
                })
                .max_by(|x, y| x.0.total_cmp(&y.0));
            match tightest {
                None => free[m] = true,
                Some(miss) => {
                    if worst[m].is_none_or(|w| miss.0 < w.0) {
                        worst[m] = Some(miss);
                    }
                }
            }
        }
        for (m, miss) in worst.iter().enumerate() {
            let Some((_, before, after, least)) = *miss else {
                continue;
            };
            if free[m] {
                continue;
            }
            let machine = &problem.machines[m];
            return Err(ScheduleError::MaxWaitUnmet {
                before,
                after,
                max_wait_s: problem.operations[before].max_wait_s.unwrap_or(0.0),
                wait_s: least,
                reason: format!(
                    "every step on `{}` follows one with a shorter `max_wait` than its first load needs: that load \
                     heats up from {} degC with the samples inside, after the pump-down",
                    machine.name,
                    (machine.initial_k - 273.15).round()
                ),
            });
        }
        Ok(())
    }
}

impl Machine {
    /// From the end of one load to the start of the next, besides ramps.
    pub(super) fn between_loads(&self) -> f64 {
        self.vent_s + self.setup_s
    }
}

/// The least time between the end of `before` and the start of `after`: a machine
/// shared by both vents, is pumped down and ramps between the two loads; otherwise the
/// sample leaves after `before`'s machine vents and waits for the pump-down of `after`'s.
pub(super) fn precedence_gap(problem: &Problem, exit_k: &[Option<f64>], before: usize, after: usize) -> f64 {
    let (a, b) = (&problem.operations[before], &problem.operations[after]);
    match (a.machine, b.machine) {
        (Some(m), Some(n)) if m == n => {
            let machine = &problem.machines[m];
            machine.between_loads() + ramp_cost(machine, exit_k[before], b.setpoint_k)
        }
        _ => transfer_gap(problem, before, after),
    }
}

/// The least time between the end of `before` and the start of `after` that does not
/// depend on the order of loads: the vent of `before`'s machine, then the pump-down of
/// `after`'s with the sample inside.
pub(super) fn transfer_gap(problem: &Problem, before: usize, after: usize) -> f64 {
    let machines = &problem.machines;
    let vent = problem.operations[before].machine.map_or(0.0, |m| machines[m].vent_s);
    vent + problem.operations[after].machine.map_or(0.0, |m| machines[m].setup_s)
}

/// The extra setup for moving a machine from one setpoint to the next.
pub(super) fn ramp_cost(machine: &Machine, from: Option<f64>, to: Option<f64>) -> f64 {
    match (machine.ramp_k_per_s, from, to) {
        (Some(ramp), Some(from), Some(to)) => (from - to).abs() / ramp,
        _ => 0.0,
    }
}

pub(super) fn validate(problem: &Problem) -> Result<(), ScheduleError> {
    let invalid = |message: String| Err(ScheduleError::Invalid { message });
    let time = |t: f64| t.is_finite() && t >= 0.0;
    for (index, machine) in problem.machines.iter().enumerate() {
        if machine.capacity == 0 {
            return invalid(format!("machine {index} ({}) has capacity 0", machine.name));
        }
        if !time(machine.setup_s) {
            return invalid(format!(
                "machine {index} ({}) has setup {} s",
                machine.name, machine.setup_s
            ));
        }
        if !time(machine.vent_s) {
            return invalid(format!(
                "machine {index} ({}) vents for {} s",
                machine.name, machine.vent_s
            ));
        }
        if let Some(ramp) = machine.ramp_k_per_s.filter(|r| !(r.is_finite() && *r > 0.0)) {
            return invalid(format!("machine {index} ({}) ramps at {ramp} K/s", machine.name));
        }
        if !machine.initial_k.is_finite() {
            return invalid(format!(
                "machine {index} ({}) starts at {} K",
                machine.name, machine.initial_k
            ));
        }
    }
    for (index, op) in problem.operations.iter().enumerate() {
        if let Some(machine) = op.machine.filter(|&m| m >= problem.machines.len()) {
            return invalid(format!(
                "operation {index} uses machine {machine}, but there are {}",
                problem.machines.len()
            ));
        }
        if !time(op.duration_s) {
            return invalid(format!("operation {index} lasts {} s", op.duration_s));
        }
        if let Some(setpoint) = op.setpoint_k.filter(|t| !t.is_finite()) {
            return invalid(format!("operation {index} has setpoint {setpoint} K"));
        }
        if let Some(wait) = op.max_wait_s.filter(|&w| !time(w)) {
            return invalid(format!("operation {index} has max wait {wait} s"));
        }
    }
    let n = problem.operations.len();
    for &(before, after) in &problem.precedences {
        if before >= n || after >= n {
            return invalid(format!(
                "precedence ({before}, {after}) names an operation beyond the {n} there are"
            ));
        }
    }
    Ok(())
}

/// Kahn's algorithm; on a cycle, returns one cycle of operations in precedence order.
fn topological_order(n: usize, succ: &Adjacency<usize>, pred: &Adjacency<usize>) -> Result<Vec<usize>, ScheduleError> {
    let mut missing: Vec<usize> = (0..n).map(|op| pred.of(op).len()).collect();
    let mut order: Vec<usize> = (0..n).filter(|&op| missing[op] == 0).collect();
    let mut next = 0;
    while next < order.len() {
        let op = order[next];
        next += 1;
        for &after in succ.of(op) {
            missing[after] -= 1;
            if missing[after] == 0 {
                order.push(after);
            }
        }
    }
    if order.len() == n {
        return Ok(order);
    }
    // Every operation left waits on another one left: walking back through those must
    // come round to an operation already seen.
    let Some(start) = (0..n).find(|&op| missing[op] > 0) else {
        return Ok(order);
    };
    let mut seen = vec![NONE; n];
    let mut path = Vec::new();
    let mut op = start;
    while seen[op] == NONE {
        seen[op] = path.len();
        path.push(op);
        match pred.of(op).iter().find(|&&before| missing[before] > 0) {
            Some(&before) => op = before,
            None => break,
        }
    }
    let mut cycle = path.split_off(seen[op].min(path.len()));
    cycle.reverse();
    Err(ScheduleError::PrecedenceCycle { ops: cycle })
}

/// Groups the machine operations into classes (numbered in order of first operation,
/// so the numbering is deterministic) and works out each class's load size.
fn classify(
    problem: &Problem,
    exit_k: &[Option<f64>],
    succ: &Adjacency<usize>,
    pred: &Adjacency<usize>,
) -> (Vec<usize>, Vec<Class>) {
    let ops = &problem.operations;
    let mut index: HashMap<(usize, u64, u64, Option<u64>, Option<u64>), usize> = HashMap::new();
    let mut classes: Vec<Class> = Vec::new();
    let class_of = ops
        .iter()
        .enumerate()
        .map(|(op, o)| {
            let Some(machine) = o.machine else {
                return NONE;
            };
            let key = (
                machine,
                o.batch_key,
                o.duration_s.to_bits(),
                o.setpoint_k.map(f64::to_bits),
                exit_k[op].map(f64::to_bits),
            );
            let class = *index.entry(key).or_insert_with(|| {
                classes.push(Class {
                    machine,
                    duration: o.duration_s,
                    setpoint: o.setpoint_k,
                    exit: exit_k[op],
                    cap: problem.machines[machine].capacity as usize,
                    tied: false,
                });
                classes.len() - 1
            });
            let waits_on_tied = pred.of(op).iter().any(|&before| ops[before].max_wait_s.is_some());
            let entry = &mut classes[class];
            entry.cap = entry.cap.min(wait_cap(problem, exit_k, succ, op));
            entry.tied |= o.max_wait_s.is_some() || waits_on_tied;
            class
        })
        .collect();
    (class_of, classes)
}

/// The most operations like `op` one load may take so that their successors can all
/// start within the maximum wait: the first of them starts no earlier than the vent of
/// `op`'s machine and the pump-down of theirs, and their machine fits one load every
/// `duration + vent + setup` after it, so only that many loads of them start in the
/// window. The same holds further along a chain of waits: the samples reach the step
/// `j` waits after `op` within the sum of the waits, less the least gaps, of the end
/// of `op` (the durations between cancel out).
fn wait_cap(problem: &Problem, exit_k: &[Option<f64>], succ: &Adjacency<usize>, op: usize) -> usize {
    let mut cap = usize::MAX;
    // (operation, window from the end of `op` to its latest start, depth)
    let mut stack = vec![(op, 0.0, 0usize)];
    while let Some((before, window, depth)) = stack.pop() {
        let Some(wait) = problem.operations[before].max_wait_s else {
            continue;
        };
        if depth >= WAIT_CAP_DEPTH {
            continue;
        }
        for &after in succ.of(before) {
            let Some(m) = problem.operations[after].machine else {
                continue;
            };
            let machine = &problem.machines[m];
            let cycle = problem.operations[after].duration_s + machine.between_loads();
            let window = window + (wait - precedence_gap(problem, exit_k, before, after)).max(0.0);
            if cycle > 0.0 {
                let loads = (window / cycle).floor().min(1e9) as usize + 1;
                cap = cap.min(loads.saturating_mul(machine.capacity as usize));
            }
            stack.push((after, window, depth + 1));
        }
    }
    cap
}

/// How many waits down a chain [`wait_cap`] looks.
const WAIT_CAP_DEPTH: usize = 6;
