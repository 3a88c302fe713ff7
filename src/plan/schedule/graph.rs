//! The disjunctive graph of one solution, and its start times.
//!
//! Nodes ("units") are loads, or single operations without machine. Fixed arcs come
//! from precedences, weighted with the vent of the earlier machine and the pump-down of
//! the later one (and, for a tool that ramps with the samples inside, the ramp, which
//! depends on the order); the order of the loads on each machine ([`Sequences`]) adds
//! an arc from each load to the next, weighted with the vent, pump-down and ramp between
//! them. Start
//! times are longest paths. A maximum wait is a backward arc (the predecessor may start
//! no earlier than the successor's start minus the wait minus its own duration), so
//! starts come from a label-correcting loop: a forward pass, then raise the
//! predecessors the waits pull later, until nothing moves. A positive cycle through
//! such arcs means the order cannot meet its waits.

use super::Machine;
use super::model::{Adjacency, Model, NONE, ramp_cost, transfer_gap};

/// How many forward passes the heuristics allow before they give an order up as
/// unable to meet its waits. Real recipes settle in a handful; the exact test (one
/// round per wait, plus one) is kept for the precedence-only check.
pub(super) const HEURISTIC_ROUNDS: usize = 256;

/// A maximum wait between two units, with one operation pair that imposes it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Wait {
    pub before: usize,
    pub after: usize,
    pub max_wait_s: f64,
    pub from: usize,
    pub to: usize,
}

pub(super) enum Infeasible {
    Cycle,
    /// The wait was still violated when the evaluation gave up; `observed_s` is how long
    /// the successor waited then.
    MaxWait {
        wait: Wait,
        observed_s: f64,
    },
}

#[derive(Clone)]
pub(super) struct Graph {
    pub p: Vec<f64>,
    /// `NONE` for an operation without machine.
    pub machine: Vec<usize>,
    pub setpoint: Vec<Option<f64>>,
    /// The temperature the unit leaves its machine at.
    pub exit: Vec<Option<f64>>,
    /// The earliest start of each unit: its machine's setup.
    pub release: Vec<f64>,
    unit_of: Vec<usize>,
    /// `(other unit, least gap between the end of the first and the start of the second)`.
    pub job_pred: Adjacency<(usize, f64)>,
    pub job_succ: Adjacency<(usize, f64)>,
    /// Waits, keyed by the later unit.
    waits_into: Adjacency<Wait>,
    wait_count: usize,
    machines: Vec<Machine>,
    /// No start of a feasible solution exceeds this (every arc counted once): passing it
    /// proves a positive cycle.
    horizon: f64,
}

impl Graph {
    /// `unit_of[op]` is the unit (load) of each operation, units numbered `0..units`.
    pub(super) fn new(model: &Model, unit_of: &[usize], units: usize) -> Self {
        let problem = model.problem;
        let ops = &problem.operations;
        let mut p = vec![0.0; units];
        let mut machine = vec![NONE; units];
        let mut setpoint = vec![None; units];
        let mut exit = vec![None; units];
        let mut release = vec![0.0; units];
        for (op, &unit) in unit_of.iter().enumerate().rev() {
            p[unit] = ops[op].duration_s;
            machine[unit] = ops[op].machine.unwrap_or(NONE);
            setpoint[unit] = ops[op].setpoint_k;
            exit[unit] = model.exit_k[op];
            release[unit] = ops[op].machine.map_or(0.0, |m| problem.machines[m].setup_s);
        }

        let mut arcs: Vec<(usize, usize, f64)> = problem
            .precedences
            .iter()
            .map(|&(before, after)| (unit_of[before], unit_of[after], transfer_gap(problem, before, after)))
            .collect();
        arcs.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)).then(y.2.total_cmp(&x.2)));
        arcs.dedup_by_key(|arc| (arc.0, arc.1));
        let job_succ = Adjacency::new(units, arcs.iter().map(|&(from, to, gap)| (from, (to, gap))));
        let job_pred = Adjacency::new(units, arcs.iter().map(|&(from, to, gap)| (to, (from, gap))));

        let mut waits: Vec<Wait> = problem
            .precedences
            .iter()
            .filter_map(|&(before, after)| {
                let max_wait_s = ops[before].max_wait_s?;
                Some(Wait {
                    before,
                    after,
                    max_wait_s,
                    from: unit_of[before],
                    to: unit_of[after],
                })
            })
            .collect();
        waits.sort_by(|x, y| {
            (x.to, x.from)
                .cmp(&(y.to, y.from))
                .then(x.max_wait_s.total_cmp(&y.max_wait_s))
        });
        waits.dedup_by_key(|wait| (wait.to, wait.from));
        let wait_count = waits.len();
        let waits_into = Adjacency::new(units, waits.iter().map(|&wait| (wait.to, wait)));

        let mut span: Vec<(f64, f64)> = problem.machines.iter().map(|m| (m.initial_k, m.initial_k)).collect();
        for (&m, t) in machine.iter().zip(&setpoint) {
            if let (Some(t), Some(range)) = (t, span.get_mut(m)) {
                *range = (range.0.min(*t), range.1.max(*t));
            }
        }
        let machine_gap_bound: Vec<f64> = problem
            .machines
            .iter()
            .zip(&span)
            .map(|(m, &(low, high))| m.between_loads() + ramp_cost(m, Some(low), Some(high)))
            .collect();
        let horizon = release.iter().copied().fold(0.0, f64::max)
            + (0..units)
                .map(|u| {
                    let job_gap = job_succ.of(u).iter().map(|&(_, gap)| gap).fold(0.0, f64::max);
                    p[u] + job_gap + machine_gap_bound.get(machine[u]).copied().unwrap_or(0.0)
                })
                .sum::<f64>();

        Graph {
            p,
            machine,
            setpoint,
            exit,
            release,
            unit_of: unit_of.to_vec(),
            job_pred,
            job_succ,
            waits_into,
            wait_count,
            machines: problem.machines.clone(),
            horizon,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.p.len()
    }

    pub(super) fn unit_of(&self, op: usize) -> usize {
        self.unit_of[op]
    }

    /// Vent, pump-down and ramp between two consecutive loads of machine `m`, the first
    /// leaving the machine at temperature `from`.
    pub(super) fn machine_gap(&self, m: usize, from: Option<f64>, to: Option<f64>) -> f64 {
        let machine = &self.machines[m];
        machine.between_loads() + ramp_cost(machine, from, to)
    }

    /// The temperature of machine `m` before its first load.
    fn initial(&self, m: usize) -> Option<f64> {
        self.machines.get(m).map(|machine| machine.initial_k)
    }

    /// The ramp before unit `u` that runs with its samples inside, from `from`.
    fn inside_ramp(&self, u: usize, from: Option<f64>) -> f64 {
        match self.machines.get(self.machine[u]) {
            Some(machine) if machine.ramp_inside => ramp_cost(machine, from, self.setpoint[u]),
            _ => 0.0,
        }
    }
}

/// The order of the loads on each machine, with each unit's neighbours and position.
#[derive(Debug, Clone)]
pub(super) struct Sequences {
    pub seq: Vec<Vec<usize>>,
    pub prev: Vec<usize>,
    pub next: Vec<usize>,
    pos: Vec<usize>,
}

impl Sequences {
    pub(super) fn new(seq: Vec<Vec<usize>>, units: usize) -> Self {
        let mut sequences = Sequences {
            seq,
            prev: vec![NONE; units],
            next: vec![NONE; units],
            pos: vec![NONE; units],
        };
        for sequence in &sequences.seq {
            for (index, &unit) in sequence.iter().enumerate() {
                sequences.pos[unit] = index;
                sequences.prev[unit] = if index > 0 { sequence[index - 1] } else { NONE };
                sequences.next[unit] = sequence.get(index + 1).copied().unwrap_or(NONE);
            }
        }
        sequences
    }

    /// Whether `u` is the first load on its machine.
    pub(super) fn is_first(&self, u: usize) -> bool {
        self.pos[u] == 0
    }

    /// Swaps `u` with the load right after it on their machine (`m`).
    pub(super) fn swap(&mut self, m: usize, u: usize) {
        let at = self.pos[u];
        let v = self.next[u];
        let (before, after) = (self.prev[u], self.next[v]);
        self.seq[m].swap(at, at + 1);
        self.pos[u] = at + 1;
        self.pos[v] = at;
        self.prev[v] = before;
        self.next[v] = u;
        self.prev[u] = v;
        self.next[u] = after;
        if before != NONE {
            self.next[before] = v;
        }
        if after != NONE {
            self.prev[after] = u;
        }
    }
}

/// Start times (heads), remaining work (tails) and machine temperatures of one solution,
/// with the buffers to recompute them without allocating.
pub(super) struct Eval {
    pub head: Vec<f64>,
    /// Longest path from the end of the unit to the end of the schedule, ignoring the
    /// waits (it only guides the search).
    pub tail: Vec<f64>,
    /// The temperature a machine is at when the unit ends.
    pub temp: Vec<Option<f64>>,
    /// The part of each unit's ramp that runs after its samples are in.
    pub inside: Vec<f64>,
    topo: Vec<usize>,
    missing: Vec<usize>,
    floor: Vec<f64>,
    /// Units visited since [`Eval::take_work`] was last called: one per unit for the
    /// order, for each forward pass and for the tails. What the search is charged.
    work: u64,
}

impl Eval {
    pub(super) fn new(units: usize) -> Self {
        Eval {
            head: vec![0.0; units],
            tail: vec![0.0; units],
            temp: vec![None; units],
            inside: vec![0.0; units],
            topo: Vec::with_capacity(units),
            missing: vec![0; units],
            floor: vec![0.0; units],
            work: 0,
        }
    }

    /// The work done since the last call.
    pub(super) fn take_work(&mut self) -> u64 {
        std::mem::take(&mut self.work)
    }

    /// Computes the start times (and, if asked, tails) of `sequences`; returns the
    /// makespan. `max_rounds` bounds the forward passes spent on waits.
    pub(super) fn run(&mut self, g: &Graph, s: &Sequences, max_rounds: usize, tails: bool) -> Result<f64, Infeasible> {
        let units = g.len() as u64;
        self.work += units;
        self.order(g, s)?;
        self.floor.fill(0.0);
        let rounds = max_rounds.min(g.wait_count.saturating_add(1));
        let mut round = 0;
        self.work += units;
        while let Some((wait, observed_s)) = self.forward(g, s) {
            round += 1;
            if round >= rounds || self.head[wait.from] > g.horizon {
                return Err(Infeasible::MaxWait { wait, observed_s });
            }
            self.work += units;
        }
        if tails {
            self.work += units;
            self.tails(g, s);
        }
        Ok(self.head.iter().zip(&g.p).map(|(h, p)| h + p).fold(0.0, f64::max))
    }

    /// End of `a` plus the gap before its job successor `u` may start.
    pub(super) fn job_arc(&self, g: &Graph, a: usize, gap: f64, u: usize) -> f64 {
        self.head[a] + g.p[a] + gap + self.inside[u]
    }

    /// End of `prev` plus the setup and ramp before `u`, its successor on the machine.
    pub(super) fn machine_arc(&self, g: &Graph, prev: usize, u: usize) -> f64 {
        self.head[prev] + g.p[prev] + g.machine_gap(g.machine[u], self.temp[prev], g.setpoint[u])
    }

    /// Kahn's algorithm over precedence and machine arcs.
    fn order(&mut self, g: &Graph, s: &Sequences) -> Result<(), Infeasible> {
        self.topo.clear();
        for u in 0..g.len() {
            self.missing[u] = g.job_pred.of(u).len() + usize::from(s.prev[u] != NONE);
            if self.missing[u] == 0 {
                self.topo.push(u);
            }
        }
        let mut next = 0;
        while next < self.topo.len() {
            let u = self.topo[next];
            next += 1;
            let machine_next = Some(s.next[u]).filter(|&v| v != NONE);
            for v in g.job_succ.of(u).iter().map(|&(v, _)| v).chain(machine_next) {
                self.missing[v] -= 1;
                if self.missing[v] == 0 {
                    self.topo.push(v);
                }
            }
        }
        if self.topo.len() == g.len() {
            Ok(())
        } else {
            Err(Infeasible::Cycle)
        }
    }

    /// One forward pass in topological order, then a backward sweep over the waits that
    /// raises every predecessor started too early (in reverse order, so a chain of waits
    /// settles in one sweep). Returns a wait that was violated, if any, and how long its
    /// successor waited.
    fn forward(&mut self, g: &Graph, s: &Sequences) -> Option<(Wait, f64)> {
        for &u in &self.topo {
            let prev = s.prev[u];
            let first = prev == NONE && g.machine[u] != NONE && s.is_first(u);
            let from = if prev != NONE {
                self.temp[prev]
            } else if first {
                g.initial(g.machine[u])
            } else {
                None
            };
            self.inside[u] = g.inside_ramp(u, from);
            let mut start = g.release[u].max(self.floor[u]);
            for &(a, gap) in g.job_pred.of(u) {
                start = start.max(self.job_arc(g, a, gap, u));
            }
            if prev != NONE {
                start = start.max(self.machine_arc(g, prev, u));
            } else if first {
                // The first load heats up from room temperature.
                let machine = &g.machines[g.machine[u]];
                start = start.max(machine.setup_s + ramp_cost(machine, from, g.setpoint[u]));
            }
            self.head[u] = start;
            self.temp[u] = g.exit[u].or(from);
        }
        let mut violated = None;
        for &b in self.topo.iter().rev() {
            for wait in g.waits_into.of(b) {
                let latest = self.head[b] - wait.max_wait_s - g.p[wait.from];
                // The tolerance keeps rounding from raising the same start forever.
                if latest > self.head[wait.from] + 1e-9 * latest.abs().max(1.0) {
                    let observed = self.head[b] - (self.head[wait.from] + g.p[wait.from]);
                    violated = violated.or(Some((*wait, observed)));
                    self.head[wait.from] = latest;
                    self.floor[wait.from] = latest;
                }
            }
        }
        violated
    }

    fn tails(&mut self, g: &Graph, s: &Sequences) {
        for &u in self.topo.iter().rev() {
            let mut tail: f64 = 0.0;
            for &(v, gap) in g.job_succ.of(u) {
                tail = tail.max(gap + g.p[v] + self.tail[v]);
            }
            let next = s.next[u];
            if next != NONE {
                tail =
                    tail.max(g.machine_gap(g.machine[u], self.temp[u], g.setpoint[next]) + g.p[next] + self.tail[next]);
            }
            self.tail[u] = tail;
        }
    }
}
