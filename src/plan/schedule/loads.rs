//! Re-forming loads in the improvement phase: the tabu search (`tabu`) only reorders
//! the loads the dispatcher formed; these moves change which operations share a load.
//!
//! Around each load on a critical path, with its operations ranked by when their
//! samples arrive:
//! - **split**: the latest sample (or every sample after the widest gap between
//!   arrivals) goes into a new load right after it, so the rest need not wait;
//! - **push**: the latest sample joins the next load of the same step on the machine;
//! - **pull**: the first sample of that next load joins this one;
//! - **merge**: this load and the next (or previous) load of the same step become one,
//!   at either place, saving a set-up; also together with the loads before and after
//!   them that a maximum wait ties them to;
//! - **block**: the run of consecutive loads of the step this load belongs to moves
//!   past the load before or after it, as one.
//!
//! Every candidate is rebuilt into a graph and evaluated exactly (maximum waits
//! included); a load never exceeds its machine's capacity nor mixes classes, and a
//! candidate that closes a cycle or misses a wait is dropped.

use super::graph::{Eval, Graph, HEURISTIC_ROUNDS, Sequences};
use super::model::{Model, NONE, transfer_gap};
use super::rng::Rng;
use super::tabu::critical_path;
use super::{Budget, Candidate};

/// A solution before it is rebuilt: the load of each operation (units may be left
/// empty or numbered with gaps) and the order of the loads on each machine.
#[derive(Clone)]
struct Layout {
    unit_of: Vec<usize>,
    seq: Vec<Vec<usize>>,
    /// The next free unit number.
    fresh: usize,
}

/// Whether any two operations could share a load: if not (a job shop), there is
/// nothing to re-form.
pub(super) fn reformable(model: &Model) -> bool {
    let mut count = vec![0usize; model.classes.len()];
    model
        .class_of
        .iter()
        .filter(|&&c| c != NONE)
        .for_each(|&c| count[c] += 1);
    model
        .classes
        .iter()
        .zip(&count)
        .any(|(class, &n)| n > 1 && model.problem.machines[class.machine].capacity > 1)
}

/// The first candidate of the load moves around the critical path of `current` (in
/// random order) that is shorter.
pub(super) fn improve(model: &Model, current: &Candidate, budget: &mut Budget, rng: &mut Rng) -> Option<Candidate> {
    first(model, current, budget, rng, |candidate| {
        candidate.makespan < current.makespan
    })
}

/// A random feasible load move from `current`, better or worse: where the search goes
/// on when neither orders nor loads improve.
pub(super) fn kick(model: &Model, current: &Candidate, budget: &mut Budget, rng: &mut Rng) -> Option<Candidate> {
    first(model, current, budget, rng, |_| true)
}

/// The first feasible candidate, in random order, that `accept` takes.
fn first(
    model: &Model,
    current: &Candidate,
    budget: &mut Budget,
    rng: &mut Rng,
    accept: impl Fn(&Candidate) -> bool,
) -> Option<Candidate> {
    let mut layouts = neighbours(model, current, budget);
    while !layouts.is_empty() {
        let layout = layouts.swap_remove(rng.below(layouts.len()));
        let (candidate, work) = build(model, layout);
        if !budget.spend(work) {
            return None;
        }
        if let Some(candidate) = candidate.filter(&accept) {
            return Some(candidate);
        }
    }
    None
}

/// The load moves around one critical path of `current`.
fn neighbours(model: &Model, current: &Candidate, budget: &mut Budget) -> Vec<Layout> {
    let (g, s) = (&current.graph, &current.sequences);
    let mut eval = Eval::new(g.len());
    let evaluated = eval.run(g, s, HEURISTIC_ROUNDS, false);
    if !budget.spend(eval.take_work()) || evaluated.is_err() {
        return Vec::new();
    }
    let n = model.problem.operations.len();
    let base = Layout {
        unit_of: (0..n).map(|op| g.unit_of(op)).collect(),
        seq: s.seq.clone(),
        fresh: g.len(),
    };
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); g.len()];
    for (op, &unit) in base.unit_of.iter().enumerate() {
        members[unit].push(op);
    }
    // When each operation's samples can be at its machine, for ranking them.
    let arrival = |op: usize| {
        model
            .pred
            .of(op)
            .iter()
            .map(|&before| {
                let unit = base.unit_of[before];
                eval.head[unit] + g.p[unit] + transfer_gap(model.problem, before, op)
            })
            .fold(0.0, f64::max)
    };
    for list in &mut members {
        list.sort_by(|&a, &b| arrival(a).total_cmp(&arrival(b)).then(a.cmp(&b)));
    }

    let mut path = Vec::new();
    critical_path(g, s, &eval, &mut path);
    let mut layouts = Vec::new();
    let mut repacked: Vec<usize> = Vec::new();
    for &u in &path {
        let m = g.machine[u];
        if m == NONE || members[u].is_empty() {
            continue;
        }
        let capacity = model.problem.machines[m].capacity as usize;
        let class = model.class_of[members[u][0]];
        let same = |v: usize| members[v].first().is_some_and(|&op| model.class_of[op] == class);
        let seq = &s.seq[m];
        let at = seq.iter().position(|&v| v == u).unwrap_or(0);
        let next_same = seq[at + 1..].iter().copied().find(|&v| same(v));
        let prev_same = seq[..at].iter().rev().copied().find(|&v| same(v));
        let ops = &members[u];

        if ops.len() > 1 {
            let last = ops[ops.len() - 1];
            layouts.push(base.split(m, u, &[last]));
            let widest = (1..ops.len())
                .max_by(|&i, &j| {
                    let gap = |k: usize| arrival(ops[k]) - arrival(ops[k - 1]);
                    gap(i).total_cmp(&gap(j)).then(j.cmp(&i))
                })
                .unwrap_or(1);
            if widest < ops.len() - 1 {
                layouts.push(base.split(m, u, &ops[widest..]));
            }
        }
        if let Some(v) = next_same {
            if members[v].len() < capacity {
                layouts.push(base.moved(&[ops[ops.len() - 1]], v));
            }
            if ops.len() < capacity {
                layouts.push(base.moved(&members[v][..1], u));
            }
        }
        for v in [next_same, prev_same].into_iter().flatten() {
            if ops.len() + members[v].len() <= capacity {
                layouts.push(base.merged(m, &members[v], v, u));
                layouts.push(base.merged(m, ops, u, v));
                layouts.push(base.merged_along_waits(model, g, &members, v, u));
                layouts.push(base.merged_along_waits(model, g, &members, u, v));
            }
        }
        // The run of loads of this step around `u`.
        let mut first = at;
        while first > 0 && same(seq[first - 1]) {
            first -= 1;
        }
        let mut end = at + 1;
        while end < seq.len() && same(seq[end]) {
            end += 1;
        }
        if first > 0 {
            layouts.push(base.block(m, first, end, first - 1));
        }
        if !repacked.contains(&class) {
            repacked.push(class);
            base.repack(model, &members, m, class, capacity, &arrival, &mut layouts);
        }
        if end < seq.len() {
            layouts.push(base.block(m, first, end, first + 1));
        }
    }
    layouts
}

impl Layout {
    /// `ops`, taken out of load `u`, form a new load right after it.
    fn split(&self, m: usize, u: usize, ops: &[usize]) -> Layout {
        let mut layout = self.clone();
        let unit = layout.fresh;
        layout.fresh += 1;
        for &op in ops {
            layout.unit_of[op] = unit;
        }
        let at = layout.seq[m].iter().position(|&v| v == u).map_or(0, |i| i + 1);
        layout.seq[m].insert(at, unit);
        layout
    }

    /// `ops` join load `v` (a load they leave empty disappears when rebuilt).
    fn moved(&self, ops: &[usize], v: usize) -> Layout {
        let mut layout = self.clone();
        for &op in ops {
            layout.unit_of[op] = v;
        }
        layout
    }

    /// Load `from`, whose operations are `ops`, joins load `into`.
    fn merged(&self, m: usize, ops: &[usize], from: usize, into: usize) -> Layout {
        let mut layout = self.moved(ops, into);
        layout.seq[m].retain(|&v| v != from);
        layout
    }

    /// Load `from` joins load `into`, and so, step by step, do the loads their samples
    /// are in before and after them where a maximum wait ties the steps: without, the
    /// two halves of the merged load would have to leave (or arrive) together from
    /// loads at different times. A pair that would not fit its machine stops there.
    fn merged_along_waits(&self, model: &Model, g: &Graph, members: &[Vec<usize>], from: usize, into: usize) -> Layout {
        let mut layout = self.clone();
        let mut pairs = vec![(from, into)];
        while let Some((from, into)) = pairs.pop() {
            let (Some(&a), Some(&b)) = (members[from].first(), members[into].first()) else {
                continue;
            };
            let m = g.machine[into];
            let fits = from != into
                && g.machine[from] == m
                && m != NONE
                && model.class_of[a] == model.class_of[b]
                && members[from].len() + members[into].len() <= model.problem.machines[m].capacity as usize;
            if !fits || layout.unit_of[a] != from {
                continue;
            }
            layout = layout.merged(m, &members[from], from, into);
            let ops = &model.problem.operations;
            if let (Some(x), Some(y)) = (tied_before(model, a), tied_before(model, b)) {
                pairs.push((g.unit_of(x), g.unit_of(y)));
            }
            if ops[a].max_wait_s.is_some()
                && let (Some(&x), Some(&y)) = (model.succ.of(a).first(), model.succ.of(b).first())
            {
                pairs.push((g.unit_of(x), g.unit_of(y)));
            }
        }
        layout
    }

    /// All operations of `class` (on machine `m`) packed again, in order of arrival,
    /// into fewer loads: one less than now, and the fewest that hold them, each with
    /// the smallest load first, last, or the loads even. The loads keep the places of
    /// the first ones of the class in the order; the others go.
    fn repack(
        &self,
        model: &Model,
        members: &[Vec<usize>],
        m: usize,
        class: usize,
        capacity: usize,
        arrival: &dyn Fn(usize) -> f64,
        layouts: &mut Vec<Layout>,
    ) {
        let loads: Vec<usize> = self.seq[m]
            .iter()
            .copied()
            .filter(|&v| members[v].first().is_some_and(|&op| model.class_of[op] == class))
            .collect();
        let mut ops: Vec<usize> = loads.iter().flat_map(|&v| members[v].iter().copied()).collect();
        ops.sort_by(|&a, &b| arrival(a).total_cmp(&arrival(b)).then(a.cmp(&b)));
        let n = ops.len();
        let fewest = n.div_ceil(capacity.max(1));
        let mut counts = vec![fewest];
        if loads.len() > fewest + 1 {
            counts.push(loads.len() - 1);
        }
        for k in counts {
            let even: Vec<usize> = (0..k).map(|i| n / k + usize::from(i < n % k)).collect();
            let mut variants = vec![even];
            // The full loads and one smaller one, first or last (where k loads leave
            // one to fill).
            if let Some(rest) = n.checked_sub((k - 1) * capacity).filter(|&rest| rest > 0) {
                let mut small_first = vec![capacity; k];
                small_first[0] = rest;
                let mut small_last = vec![capacity; k];
                small_last[k - 1] = rest;
                variants.extend([small_first, small_last]);
            }
            for sizes in variants {
                if sizes.iter().any(|&size| size == 0 || size > capacity) {
                    continue;
                }
                let mut layout = self.clone();
                let mut next = ops.iter();
                let groups: Vec<Vec<usize>> = sizes
                    .iter()
                    .map(|&size| next.by_ref().take(size).copied().collect())
                    .collect();
                layout.regroup(m, &loads, &groups);
                layouts.push(layout.clone());
                if layout.regroup_along_waits(model, members, groups) {
                    layouts.push(layout);
                }
            }
        }
    }

    /// The operations of `groups` form one load each, in the places of the first of
    /// `loads` (on machine `m`); the other loads go.
    fn regroup(&mut self, m: usize, loads: &[usize], groups: &[Vec<usize>]) {
        for (&v, group) in loads.iter().zip(groups) {
            for &op in group {
                self.unit_of[op] = v;
            }
        }
        let gone = &loads[groups.len().min(loads.len())..];
        self.seq[m].retain(|v| !gone.contains(v));
    }

    /// After `groups` of one step were regrouped: the samples of each group form one
    /// load too at the steps a maximum wait ties to it, before and after, step by step
    /// (in the places of that step's first loads), so that they arrive and leave
    /// together. `false` where nothing is tied, or the samples of a group are on
    /// several classes there or do not fit one load.
    fn regroup_along_waits(&mut self, model: &Model, members: &[Vec<usize>], groups: Vec<Vec<usize>>) -> bool {
        let ops = &model.problem.operations;
        let mut changed = false;
        for forward in [false, true] {
            let mut groups = groups.clone();
            loop {
                let tied: Option<Vec<Vec<usize>>> = groups
                    .iter()
                    .map(|group| {
                        group
                            .iter()
                            .map(|&op| {
                                let linked = if forward {
                                    ops[op].max_wait_s.and_then(|_| model.succ.of(op).first().copied())
                                } else {
                                    tied_before(model, op)
                                };
                                linked.filter(|&other| model.class_of[other] != NONE)
                            })
                            .collect()
                    })
                    .collect();
                let Some(next) = tied.filter(|next| next.first().is_some_and(|g| !g.is_empty())) else {
                    break;
                };
                let class = model.class_of[next[0][0]];
                let machine = model.classes[class].machine;
                let capacity = model.problem.machines[machine].capacity as usize;
                if next
                    .iter()
                    .any(|g| g.len() > capacity || g.iter().any(|&op| model.class_of[op] != class))
                {
                    break;
                }
                let loads: Vec<usize> = self.seq[machine]
                    .iter()
                    .copied()
                    .filter(|&v| members[v].first().is_some_and(|&op| model.class_of[op] == class))
                    .collect();
                // The groups must hold exactly the operations of those loads.
                let mut covered: Vec<usize> = next.iter().flatten().copied().collect();
                covered.sort_unstable();
                covered.dedup();
                let held: usize = loads.iter().map(|&v| members[v].len()).sum();
                if loads.len() < next.len()
                    || covered.len() != held
                    || covered.len() != next.iter().map(Vec::len).sum::<usize>()
                {
                    break;
                }
                self.regroup(machine, &loads, &next);
                changed = true;
                groups = next;
            }
        }
        changed
    }

    /// The loads at `first..end` on machine `m` move as one to position `to` of the
    /// order without them: one load earlier or later.
    fn block(&self, m: usize, first: usize, end: usize, to: usize) -> Layout {
        let mut layout = self.clone();
        let run: Vec<usize> = layout.seq[m].drain(first..end).collect();
        let at = to.min(layout.seq[m].len());
        layout.seq[m].splice(at..at, run);
        layout
    }
}

/// The predecessor of `op` whose maximum wait ties it, if any.
fn tied_before(model: &Model, op: usize) -> Option<usize> {
    let ops = &model.problem.operations;
    model
        .pred
        .of(op)
        .iter()
        .copied()
        .find(|&before| ops[before].max_wait_s.is_some())
}

/// Renumbers the loads of `layout` (in order of their first operation, so that the
/// numbering is deterministic), drops the empty ones and evaluates the result; `None`
/// if it closes a cycle or misses a wait. Also the work: one unit per operation and
/// load, and the units the evaluation visits.
fn build(model: &Model, layout: Layout) -> (Option<Candidate>, u64) {
    let mut number = vec![NONE; layout.fresh];
    let mut count = 0;
    let unit_of: Vec<usize> = layout
        .unit_of
        .iter()
        .map(|&unit| {
            if number[unit] == NONE {
                number[unit] = count;
                count += 1;
            }
            number[unit]
        })
        .collect();
    let seq: Vec<Vec<usize>> = layout
        .seq
        .iter()
        .map(|units| units.iter().map(|&u| number[u]).filter(|&u| u != NONE).collect())
        .collect();
    let graph = Graph::new(model, &unit_of, count);
    let sequences = Sequences::new(seq, count);
    let mut work = (unit_of.len() + count) as u64;
    let candidate = Candidate::evaluate(graph, sequences, &mut work).ok();
    (candidate, work)
}
