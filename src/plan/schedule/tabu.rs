//! The improvement phase: tabu search over the critical path (Nowicki & Smutnicki's N5
//! neighbourhood), restarted from perturbations of the best order when it stagnates.
//!
//! A move swaps two adjacent loads at the start or end of a block (a run of loads on
//! one machine along the critical path): only such swaps can shorten the path. Moves
//! are ranked by the usual estimate from heads and tails, the best allowed one is
//! applied and the graph is evaluated exactly. The load composition stays fixed here;
//! `loads` changes it between rounds of this search.

use super::Budget;
use super::graph::{Eval, Graph, HEURISTIC_ROUNDS, Infeasible, Sequences};
use super::model::NONE;
use super::rng::Rng;
use std::collections::HashMap;

pub(super) struct Improved {
    pub sequences: Sequences,
    pub makespan: f64,
}

/// The search stops after this many iterations per unit without a new best: enough to
/// use seconds on benchmark-sized instances, and to end quickly on small ones.
pub(super) const IDLE_ITERATIONS_PER_UNIT: u64 = 5_000;

/// A new start from the best order after this many iterations without a new best, times
/// the tabu tenure.
const RESTART_TENURES: u64 = 250;

/// Each restart that finds no new best kicks the next one harder, by one more random
/// swap, up to this many more.
const MAX_EXTRA_KICKS: usize = 20;

/// The feasibility repair gets this many steps per unit.
const REPAIR_STEPS_PER_UNIT: usize = 50;

/// The repair ignores the budget for its first steps, so that a tiny limit still gets
/// small problems repaired.
const REPAIR_STEPS_FREE: usize = 500;

/// A move: swap unit `u` with its machine successor.
#[derive(Debug, Clone, Copy)]
struct Move {
    u: usize,
    estimate: f64,
}

/// Searches from `start` until the lower bound, the budget, or `idle_limit` iterations
/// without a new best. Each iteration is charged the units its evaluations visit.
pub(super) fn improve(
    g: &Graph,
    start: &Sequences,
    lower_bound: f64,
    idle_limit: u64,
    budget: &mut Budget,
    rng: &mut Rng,
) -> Improved {
    let mut search = Search::new(g, start.clone());
    let Some(makespan) = search.evaluate() else {
        return Improved {
            sequences: start.clone(),
            makespan: f64::INFINITY,
        };
    };
    let mut best = Improved {
        sequences: start.clone(),
        makespan,
    };
    let tenure = search.tenure();
    let restart_after = RESTART_TENURES * tenure;
    let mut tabu: HashMap<(usize, usize), u64> = HashMap::new();
    let (mut iteration, mut idle, mut since_restart) = (0u64, 0u64, 0u64);
    let mut failed_restarts = 0;
    while !super::reaches(best.makespan, lower_bound) && idle < idle_limit {
        if !budget.spend(search.eval.take_work().max(1)) {
            break;
        }
        iteration += 1;
        idle += 1;
        since_restart += 1;
        if since_restart > restart_after {
            search.restart_from(&best.sequences, 2 + failed_restarts.min(MAX_EXTRA_KICKS), rng);
            failed_restarts += 1;
            tabu.clear();
            since_restart = 0;
            continue;
        }
        let moves = search.moves();
        if moves.is_empty() {
            // Every critical path is one machine's work without gaps: this order cannot
            // be improved by swaps; try elsewhere.
            search.restart_from(&best.sequences, 2 + failed_restarts.min(MAX_EXTRA_KICKS), rng);
            failed_restarts += 1;
            since_restart = 0;
            continue;
        }
        let allowed = |m: &Move| {
            let v = search.sequences.next[m.u];
            tabu.get(&(m.u, v)).is_none_or(|&until| until < iteration) || m.estimate < best.makespan
        };
        let mut ranked: Vec<Move> = moves.iter().copied().filter(allowed).collect();
        if ranked.is_empty() {
            ranked.push(moves[rng.below(moves.len())]);
        }
        let Some((u, v, makespan)) = ranked.iter().find_map(|m| search.try_swap(m.u)) else {
            search.restart_from(&best.sequences, 2 + failed_restarts.min(MAX_EXTRA_KICKS), rng);
            failed_restarts += 1;
            since_restart = 0;
            continue;
        };
        tabu.insert((v, u), iteration + tenure + rng.below(tenure as usize / 2 + 1) as u64);
        if makespan < best.makespan {
            best = Improved {
                sequences: search.sequences.clone(),
                makespan,
            };
            idle = 0;
            since_restart = 0;
            failed_restarts = 0;
        }
    }
    best
}

/// Looks for an order that meets every maximum wait, starting from one that does not.
/// A random walk: while some wait is violated, move its predecessor one load later or
/// earlier on its machine (earlier changes the temperature it leaves behind), or its
/// successor one load earlier; never straight back, never into a cycle. This is where
/// orders the dispatcher's rules cannot produce get a chance.
pub(super) fn repair(g: &Graph, start: &Sequences, budget: &mut Budget, rng: &mut Rng) -> Option<Sequences> {
    let mut s = start.clone();
    let mut eval = Eval::new(g.len());
    let mut last: Option<usize> = None;
    for step in 0..REPAIR_STEPS_PER_UNIT * g.len() {
        if !budget.spend(eval.take_work().max(1)) && step > REPAIR_STEPS_FREE {
            return None;
        }
        let wait = match eval.run(g, &s, HEURISTIC_ROUNDS, false) {
            Ok(_) => return Some(s),
            Err(Infeasible::MaxWait { wait, .. }) => wait,
            Err(Infeasible::Cycle) => {
                // The last swap closed a cycle: take it back.
                let v = last.take()?;
                s.swap(g.machine[v], v);
                continue;
            }
        };
        let choices: Vec<usize> = [wait.from, s.prev[wait.from], s.prev[wait.to]]
            .into_iter()
            .filter(|&u| u != NONE && s.next[u] != NONE && Some(u) != last)
            .collect();
        if choices.is_empty() {
            return None;
        }
        let u = choices[rng.below(choices.len())];
        let v = s.next[u];
        s.swap(g.machine[u], u);
        last = Some(v);
    }
    None
}

/// One critical path of an evaluated order into `path`, from its first unit to the one
/// that ends last. Walking back, a machine predecessor is preferred, so blocks come out
/// as long as possible.
pub(super) fn critical_path(g: &Graph, s: &Sequences, e: &Eval, path: &mut Vec<usize>) {
    path.clear();
    let ends = |u: usize| e.head[u] + g.p[u];
    let Some(mut u) = (0..g.len()).max_by(|&a, &b| ends(a).total_cmp(&ends(b)).then(b.cmp(&a))) else {
        return;
    };
    loop {
        path.push(u);
        let prev = s.prev[u];
        if prev != NONE && e.machine_arc(g, prev, u) == e.head[u] {
            u = prev;
            continue;
        }
        match g
            .job_pred
            .of(u)
            .iter()
            .find(|&&(a, gap)| e.job_arc(g, a, gap, u) == e.head[u])
        {
            Some(&(a, _)) => u = a,
            None => break,
        }
    }
    path.reverse();
}

/// The current order with its evaluation.
struct Search<'g> {
    g: &'g Graph,
    sequences: Sequences,
    eval: Eval,
    path: Vec<usize>,
}

impl<'g> Search<'g> {
    fn new(g: &'g Graph, sequences: Sequences) -> Self {
        Search {
            g,
            sequences,
            eval: Eval::new(g.len()),
            path: Vec::new(),
        }
    }

    /// The makespan, or `None` if the order is infeasible.
    fn evaluate(&mut self) -> Option<f64> {
        self.eval.run(self.g, &self.sequences, HEURISTIC_ROUNDS, true).ok()
    }

    /// Tabu tenure: about 10 plus the loads per machine over the machines (the ratio of
    /// jobs to machines on a job shop), the usual choice for N5 searches.
    fn tenure(&self) -> u64 {
        let machines = self.sequences.seq.iter().filter(|s| !s.is_empty()).count().max(1);
        10 + (self.g.len() / (machines * machines)) as u64
    }

    /// Swaps `u` with its machine successor if the result is feasible; returns the pair
    /// (in their old order) and the new makespan, or undoes the swap.
    fn try_swap(&mut self, u: usize) -> Option<(usize, usize, f64)> {
        let v = self.sequences.next[u];
        let m = self.g.machine[u];
        self.sequences.swap(m, u);
        match self.evaluate() {
            Some(makespan) => Some((u, v, makespan)),
            None => {
                self.sequences.swap(m, v);
                // The failed evaluation overwrote the times; the order before the swap
                // was feasible, so this one succeeds.
                self.evaluate();
                None
            }
        }
    }

    /// Restarts from `best` with a few random swaps on its critical path.
    fn restart_from(&mut self, best: &Sequences, strength: usize, rng: &mut Rng) {
        self.sequences = best.clone();
        if self.evaluate().is_none() {
            return;
        }
        for _ in 0..strength + rng.below(4) {
            self.critical_path();
            let pairs: Vec<usize> = self
                .path
                .windows(2)
                .filter(|pair| self.sequences.next[pair[0]] == pair[1])
                .map(|pair| pair[0])
                .collect();
            if pairs.is_empty() {
                return;
            }
            self.try_swap(pairs[rng.below(pairs.len())]);
        }
    }

    fn critical_path(&mut self) {
        critical_path(self.g, &self.sequences, &self.eval, &mut self.path);
    }

    /// The N5 moves of the current critical path with their estimated makespans, best
    /// first.
    fn moves(&mut self) -> Vec<Move> {
        self.critical_path();
        let (path, s) = (&self.path, &self.sequences);
        let mut firsts = Vec::new();
        let mut start = 0;
        while start < path.len() {
            let mut end = start;
            while end + 1 < path.len() && s.next[path[end]] == path[end + 1] {
                end += 1;
            }
            if end > start {
                // The first pair of the first block and the last pair of the last block
                // cannot shorten the path, unless the path is a single block.
                let only = start == 0 && end + 1 == path.len();
                if start > 0 || only {
                    firsts.push(path[start]);
                }
                if end + 1 < path.len() || only {
                    firsts.push(path[end - 1]);
                }
            }
            start = end + 1;
        }
        firsts.dedup();
        let mut moves: Vec<Move> = firsts
            .into_iter()
            .map(|u| Move {
                u,
                estimate: self.estimate(u),
            })
            .collect();
        moves.sort_by(|a, b| a.estimate.total_cmp(&b.estimate).then(a.u.cmp(&b.u)));
        moves
    }

    /// The makespan through `u` and `v` after swapping them (Taillard's estimate, with
    /// setups and ramps): the new heads of `v` then `u` and tails of `u` then `v`.
    fn estimate(&self, u: usize) -> f64 {
        let (g, s, e) = (self.g, &self.sequences, &self.eval);
        let v = s.next[u];
        let (before, after) = (s.prev[u], s.next[v]);
        let m = g.machine[u];
        let job_head = |x: usize| {
            g.job_pred
                .of(x)
                .iter()
                .map(|&(a, gap)| e.job_arc(g, a, gap, x))
                .fold(0.0, f64::max)
        };
        let job_tail = |x: usize| {
            g.job_succ
                .of(x)
                .iter()
                .map(|&(b, gap)| gap + g.p[b] + e.tail[b])
                .fold(0.0, f64::max)
        };
        let temp_before = if before == NONE { None } else { e.temp[before] };

        let mut head_v = job_head(v).max(g.release[v]);
        if before != NONE {
            head_v = head_v.max(e.head[before] + g.p[before] + g.machine_gap(m, temp_before, g.setpoint[v]));
        }
        let temp_v = g.exit[v].or(temp_before);
        let head_u = job_head(u)
            .max(g.release[u])
            .max(head_v + g.p[v] + g.machine_gap(m, temp_v, g.setpoint[u]));
        let temp_u = g.exit[u].or(temp_v);

        let mut tail_u = job_tail(u);
        if after != NONE {
            tail_u = tail_u.max(g.machine_gap(m, temp_u, g.setpoint[after]) + g.p[after] + e.tail[after]);
        }
        let tail_v = job_tail(v).max(g.machine_gap(m, temp_v, g.setpoint[u]) + g.p[u] + tail_u);
        (head_v + g.p[v] + tail_v).max(head_u + g.p[u] + tail_u)
    }
}
