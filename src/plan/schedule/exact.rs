//! The exact engine: the scheduling problem as a constraint model, solved by Pumpkin
//! (lazy clause generation), warm-started from the heuristic's plan. It either finds a
//! shorter plan, proves that none exists, or raises the lower bound, within a budget of
//! solver steps.
//!
//! Design notes:
//! - The model is of the fused problem (`super::fuse`), on a grid of `1 / scale`
//!   seconds. Every duration and gap is rounded down and every maximum wait up, so the
//!   grid version of any real schedule (its start times rounded down) is a solution of
//!   the model: the model is a relaxation, and what it proves infeasible is infeasible.
//!   A makespan of `k` ticks proved impossible below gives a lower bound of `k / scale`.
//! - The model only decides loads and orders. Start times come from the heuristic's own
//!   evaluation of those (`Candidate::evaluate`) in real time, so a plan the engine returns
//!   is exactly as feasible as the heuristic's, and the independent verifier checks it.
//! - Loads: a machine that takes one operation at a time has one load per operation. On a
//!   batch machine every class of operations (`Model::classes`: same step, duration and
//!   setpoint) has as many load slots as operations, ordered in time, the first
//!   `ceil(n / cap)` always used and never empty; each operation picks one slot, a slot
//!   holds at most `cap` (the capacity, or fewer where waits forbid more:
//!   `Model::proven_caps`), and its operations start together.
//! - Samples whose chains of operations are alike step by step are interchangeable: at
//!   one step they start in order of index (`symmetric_chains`), and the warm start is
//!   relabelled to keep that order.
//! - Loads on one machine never overlap: for every pair of loads a literal says which
//!   goes first, and the later starts after the vent, the pump-down and the ramp between
//!   their temperatures. Ramps obey the triangle inequality, so pairwise gaps are exact.
//!   A tool that ramps with the samples inside also ramps after the last sample arrives:
//!   from its initial temperature for its first load, and for a later one the model
//!   takes the least ramp from where any load leaves the tool (a relaxation; the
//!   evaluation charges the real one).
//! - Precedences add the vent of the earlier tool and the pump-down of the later one;
//!   maximum waits bound the start of the successor.
//! - The search: first the heuristic's plan, as a warm start; then plans whose makespan
//!   is one tick below the best so far, until the model is infeasible (the best is
//!   optimal) or the budget runs out; what budget is left then raises the lower bound by
//!   bisection. Pumpkin's random generator has a fixed seed and the budget counts solver
//!   steps, not time, so the outcome is the same on every machine.

use pumpkin_conflict_resolvers::resolvers::ResolutionResolver;
use pumpkin_constraints as cp;
use pumpkin_core::Solver;
use pumpkin_core::branching::branchers::dynamic_brancher::DynamicBrancher;
use pumpkin_core::branching::branchers::warm_start::WarmStart;
use pumpkin_core::predicate;
use pumpkin_core::proof::ConstraintTag;
use pumpkin_core::results::{ProblemSolution, SatisfactionResultUnderAssumptions, Solution};
use pumpkin_core::termination::TerminationCondition;
use pumpkin_core::variables::{DomainId, Literal, TransformableVariable};

use super::graph::{Graph, Sequences};
use super::model::{Model, NONE, precedence_gap, ramp_cost};
use super::{Budget, Candidate};

/// The engine's verdict on one problem.
pub(super) struct Outcome {
    /// A plan shorter than the heuristic's, if the engine found one.
    pub improved: Option<Candidate>,
    /// No plan ends before this.
    pub lower_bound_s: f64,
}

/// The size of the model: for each machine, the square of its operations (its order
/// literals on a one-at-a-time machine; its slot literals on a batch machine).
pub(super) fn size(model: &Model) -> usize {
    let mut per_machine = vec![0usize; model.problem.machines.len()];
    for op in &model.problem.operations {
        if let Some(m) = op.machine {
            per_machine[m] += 1;
        }
    }
    per_machine.iter().map(|n| n * n).sum()
}

/// Searches for a plan shorter than `incumbent`, or a proof that none exists, spending
/// at most `steps` solver steps (and no more than `budget`'s time).
pub(super) fn improve(
    model: &Model,
    incumbent: &Candidate,
    lower_bound_s: f64,
    steps: u64,
    budget: &Budget,
) -> Outcome {
    let cp = Cp::build(model, incumbent, lower_bound_s);
    cp.search(model, incumbent, lower_bound_s, steps, budget)
}

/// One load slot: a start, and the operations that may go in it.
struct Slot {
    machine: usize,
    class: usize,
    start: DomainId,
    /// `None`: always used.
    active: Option<Literal>,
    /// `(operation, literal that it is in this slot)`; `None` for a slot that is its one
    /// operation.
    members: Vec<(usize, Option<Literal>)>,
}

impl Slot {
    /// One of a batch class's chain of slots (else the slot of one operation).
    fn batched(&self) -> bool {
        self.members.first().is_some_and(|member| member.1.is_some())
    }
}

struct Cp {
    solver: Solver,
    tag: ConstraintTag,
    /// Ticks per second.
    scale: f64,
    starts: Vec<DomainId>,
    makespan: DomainId,
    slots: Vec<Slot>,
    /// The warm start: variables and values of the incumbent.
    hint: (Vec<DomainId>, Vec<i32>),
    hint_literals: (Vec<Literal>, Vec<i32>),
    /// For each operation on a tool that ramps with the samples inside: true only when
    /// another load comes before its own.
    later_of: Vec<Option<Literal>>,
    /// The solver has found the model infeasible at the root, or stopped: it takes no
    /// more questions.
    dead: bool,
}

/// Ticks per second: whole seconds when every time of the problem is one, else the
/// finest power of ten (down to a millisecond) that keeps the horizon well inside `i32`.
fn scale_for(model: &Model, horizon_s: f64) -> f64 {
    let exits: Vec<f64> = model.exit_k.iter().filter_map(|&t| t).collect();
    let integral = super::whole_seconds(model.problem, &exits);
    let mut scale = 1.0;
    if !integral {
        while scale < 1000.0 && horizon_s * scale * 10.0 < 1e8 {
            scale *= 10.0;
        }
    }
    scale
}

impl Cp {
    fn floor(&self, seconds: f64) -> i32 {
        (seconds * self.scale + 1e-6).floor() as i32
    }

    fn ceil(&self, seconds: f64) -> i32 {
        (seconds * self.scale - 1e-6).ceil() as i32
    }

    fn build(model: &Model, incumbent: &Candidate, lower_bound_s: f64) -> Cp {
        let problem = model.problem;
        let ops = &problem.operations;
        let mut solver = Solver::default();
        let tag = solver.new_constraint_tag();
        let scale = scale_for(model, incumbent.makespan);
        let mut cp = Cp {
            solver,
            tag,
            scale,
            starts: Vec::new(),
            makespan: DomainId::new(0),
            slots: Vec::new(),
            hint: (Vec::new(), Vec::new()),
            hint_literals: (Vec::new(), Vec::new()),
            later_of: Vec::new(),
            dead: false,
        };
        let horizon = cp.ceil(incumbent.makespan).max(0) + 1;
        let lowest = cp.floor(lower_bound_s).clamp(0, horizon);
        cp.makespan = cp.solver.new_bounded_integer(lowest, horizon);
        // Earliest starts: precedences and setups, and the ramp from the tool's
        // initial temperature (triangle inequality: no load ramps less).
        let earliest: Vec<i32> = (0..ops.len())
            .map(|op| {
                let first = ops[op].machine.map_or(0.0, |m| {
                    let machine = &problem.machines[m];
                    machine.setup_s + ramp_cost(machine, Some(machine.initial_k), ops[op].setpoint_k)
                });
                cp.floor(model.head[op].max(first)).clamp(0, horizon)
            })
            .collect();
        cp.starts = earliest
            .iter()
            .map(|&low| cp.solver.new_bounded_integer(low, horizon))
            .collect();

        let (unit_start, unit_load) = incumbent_units(incumbent);
        let (unit_of, ordered) = symmetric_chains(model, incumbent, &unit_start);
        for op in 0..ops.len() {
            let duration = cp.floor(ops[op].duration_s);
            cp.post_le(vec![cp.starts[op].scaled(1), cp.makespan.scaled(-1)], -duration);
            cp.hint.0.push(cp.starts[op]);
            cp.hint.1.push(cp.floor(unit_start[unit_of[op]]));
        }
        let incumbent_makespan = cp.floor(incumbent.makespan);
        cp.hint.0.push(cp.makespan);
        cp.hint.1.push(incumbent_makespan);

        cp.add_slots(model, &earliest, horizon, &unit_of, &unit_start, &unit_load);
        for (first, second) in ordered {
            cp.post_le(vec![cp.starts[first].scaled(1), cp.starts[second].scaled(-1)], 0);
        }
        cp.add_machine_orders(model);
        cp.add_precedences(model);
        cp
    }

    fn post_le(&mut self, terms: Vec<pumpkin_core::variables::AffineView<DomainId>>, rhs: i32) {
        self.solver
            .add_constraint(cp::less_than_or_equals(terms, rhs, self.tag))
            .post();
    }

    fn implied_le(&mut self, terms: Vec<pumpkin_core::variables::AffineView<DomainId>>, rhs: i32, by: Literal) {
        self.solver
            .add_constraint(cp::less_than_or_equals(terms, rhs, self.tag))
            .implied_by(by);
    }

    fn clause(&mut self, literals: Vec<Literal>) {
        self.solver.add_constraint(cp::clause(literals, self.tag)).post();
    }

    /// The load slots of every machine, with the incumbent's loads as the warm start.
    fn add_slots(
        &mut self,
        model: &Model,
        earliest: &[i32],
        horizon: i32,
        unit_of: &[usize],
        unit_start: &[f64],
        unit_load: &[usize],
    ) {
        let problem = model.problem;
        let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); model.classes.len()];
        for (op, &class) in model.class_of.iter().enumerate() {
            if class != NONE {
                by_class[class].push(op);
            }
        }
        // A load holds at most the machine's capacity, or fewer where a wait forbids more.
        let caps = model.proven_caps();
        for (class, members) in by_class.iter().enumerate() {
            let c = &model.classes[class];
            let machine = &problem.machines[c.machine];
            let capacity = caps[class];
            if capacity == 1 || members.len() == 1 {
                for &op in members {
                    self.slots.push(Slot {
                        machine: c.machine,
                        class,
                        start: self.starts[op],
                        active: None,
                        members: vec![(op, None)],
                    });
                }
                continue;
            }
            let low = members.iter().map(|&op| earliest[op]).min().unwrap_or(0);
            let needed = members.len().div_ceil(capacity);
            // The incumbent's loads of this class, in time order: slot k is the k-th.
            let mut loads: Vec<usize> = members.iter().map(|&op| unit_of[op]).collect();
            loads.sort_by(|&a, &b| {
                unit_start[a]
                    .total_cmp(&unit_start[b])
                    .then(unit_load[a].cmp(&unit_load[b]))
            });
            loads.dedup();
            let cycle = self.floor(c.duration + machine.between_loads() + ramp_cost(machine, c.exit, c.setpoint));
            let first = self.slots.len();
            for k in 0..members.len() {
                let start = self.solver.new_bounded_integer(low, horizon);
                let active = (k >= needed).then(|| self.solver.new_literal());
                let slot_members: Vec<(usize, Option<Literal>)> = members
                    .iter()
                    .map(|&op| (op, Some(self.solver.new_literal())))
                    .collect();
                self.hint.0.push(start);
                self.hint
                    .1
                    .push(loads.get(k).map_or(low, |&unit| self.floor(unit_start[unit])));
                if let Some(active) = active {
                    self.hint_literals.0.push(active);
                    self.hint_literals.1.push(i32::from(k < loads.len()));
                }
                for &(op, literal) in &slot_members {
                    let literal = literal.unwrap_or_else(|| self.solver.get_true_literal());
                    self.hint_literals.0.push(literal);
                    self.hint_literals.1.push(i32::from(loads.get(k) == Some(&unit_of[op])));
                    // In this slot: the operation starts with it, and the slot is used.
                    self.implied_le(vec![self.starts[op].scaled(1), start.scaled(-1)], 0, literal);
                    self.implied_le(vec![start.scaled(1), self.starts[op].scaled(-1)], 0, literal);
                    if let Some(active) = active {
                        self.clause(vec![!literal, active]);
                    }
                }
                let literals: Vec<Literal> = slot_members.iter().filter_map(|m| m.1).collect();
                self.solver
                    .add_constraint(cp::boolean_less_than_or_equals(
                        vec![1; literals.len()],
                        literals.clone(),
                        capacity as i32,
                        self.tag,
                    ))
                    .post();
                match active {
                    Some(active) => {
                        // A used slot has an operation; an unused one sits at its earliest
                        // start, after the previous slot is used.
                        let mut some = literals.clone();
                        some.push(!active);
                        self.clause(some);
                        self.implied_le(vec![start.scaled(1)], low, !active);
                        if let Some(previous) = self.slots.last().and_then(|s| s.active) {
                            self.clause(vec![!active, previous]);
                        }
                        let previous = self.slots[self.slots.len() - 1].start;
                        self.implied_le(vec![previous.scaled(1), start.scaled(-1)], -cycle, active);
                    }
                    // The first loads of the class, never empty (a real plan has them).
                    None => {
                        self.clause(literals.clone());
                        if k > 0 {
                            let previous = self.slots[self.slots.len() - 1].start;
                            self.post_le(vec![previous.scaled(1), start.scaled(-1)], -cycle);
                        }
                    }
                }
                self.slots.push(Slot {
                    machine: c.machine,
                    class,
                    start,
                    active,
                    members: slot_members,
                });
            }
            // Every operation in exactly one slot.
            for (index, &op) in members.iter().enumerate() {
                let choices: Vec<Literal> = self.slots[first..]
                    .iter()
                    .filter_map(|slot| slot.members[index].1)
                    .collect();
                debug_assert_eq!(self.slots[first].members[index].0, op);
                self.clause(choices.clone());
                self.solver
                    .add_constraint(cp::boolean_less_than_or_equals(
                        vec![1; choices.len()],
                        choices,
                        1,
                        self.tag,
                    ))
                    .post();
            }
        }
    }

    /// One order literal per pair of loads on a machine (slots of one batch class are
    /// already ordered); redundant no-overlap constraints on one-at-a-time machines.
    fn add_machine_orders(&mut self, model: &Model) {
        let problem = model.problem;
        // For each slot, the literals that say another load comes before it.
        let mut preceded: Vec<Vec<Literal>> = vec![Vec::new(); self.slots.len()];
        for a in 0..self.slots.len() {
            for b in a + 1..self.slots.len() {
                let (sa, sb) = (&self.slots[a], &self.slots[b]);
                if sa.machine != sb.machine {
                    continue;
                }
                // Slots of one batch class are ordered by their chain.
                if sa.class == sb.class && sa.batched() {
                    continue;
                }
                let machine = &problem.machines[sa.machine];
                let (ca, cb) = (&model.classes[sa.class], &model.classes[sb.class]);
                let gap_ab =
                    self.floor(ca.duration + machine.between_loads() + ramp_cost(machine, ca.exit, cb.setpoint));
                let gap_ba =
                    self.floor(cb.duration + machine.between_loads() + ramp_cost(machine, cb.exit, ca.setpoint));
                let (start_a, start_b) = (sa.start, sb.start);
                let (active_a, active_b) = (sa.active, sb.active);
                let first = self.solver.new_literal();
                preceded[b].push(first);
                self.implied_le(vec![start_a.scaled(1), start_b.scaled(-1)], -gap_ab, first);
                let hint_a = self.slot_hint(a);
                let hint_b = self.slot_hint(b);
                self.hint_literals.0.push(first);
                self.hint_literals.1.push(i32::from(hint_a <= hint_b));
                if active_a.is_none() && active_b.is_none() {
                    preceded[a].push(!first);
                    self.implied_le(vec![start_b.scaled(1), start_a.scaled(-1)], -gap_ba, !first);
                } else {
                    let second = self.solver.new_literal();
                    preceded[a].push(second);
                    self.implied_le(vec![start_b.scaled(1), start_a.scaled(-1)], -gap_ba, second);
                    let mut either = vec![first, second];
                    either.extend(active_a.map(|l| !l));
                    either.extend(active_b.map(|l| !l));
                    self.clause(either);
                }
            }
        }
        self.mark_later_loads(model, preceded);
        for (m, machine) in problem.machines.iter().enumerate() {
            // Every load of the machine is one operation's (its capacity, or the waits).
            if self.slots.iter().any(|slot| slot.machine == m && slot.batched()) {
                continue;
            }
            let (starts, durations): (Vec<_>, Vec<i32>) = self
                .slots
                .iter()
                .filter(|slot| slot.machine == m)
                .map(|slot| {
                    let class = &model.classes[slot.class];
                    (
                        slot.start.offset(-self.floor(machine.setup_s)),
                        self.floor(machine.setup_s + class.duration + machine.vent_s),
                    )
                })
                .unzip();
            if starts.len() > 1 {
                let ones = vec![1; starts.len()];
                self.solver
                    .add_constraint(cp::cumulative(starts, durations, ones, 1, self.tag))
                    .post();
            }
        }
    }

    /// On tools that ramp with the samples inside, the first load ramps from the initial
    /// temperature, a later one from where an earlier one left the tool: a literal per
    /// operation that may be true only when some load comes before the operation's.
    fn mark_later_loads(&mut self, model: &Model, preceded: Vec<Vec<Literal>>) {
        let problem = model.problem;
        self.later_of = vec![None; problem.operations.len()];
        for (index, preceded) in preceded.into_iter().enumerate() {
            let slot = &self.slots[index];
            let machine = &problem.machines[slot.machine];
            // A later slot of a batch class has the class's earlier one before it.
            let later_slot = index > 0 && {
                let previous = &self.slots[index - 1];
                previous.class == slot.class && previous.machine == slot.machine && slot.batched()
            };
            if !machine.ramp_inside || machine.ramp_k_per_s.is_none() {
                continue;
            }
            let later = self.solver.new_literal();
            if !later_slot {
                let mut clause = preceded;
                clause.push(!later);
                self.clause(clause);
            }
            let members: Vec<(usize, Option<Literal>)> = self.slots[index].members.clone();
            for (op, member) in members {
                match member {
                    None => self.later_of[op] = Some(later),
                    // Only slot 0 of a class can be the first; an operation in a later
                    // slot is in a later load.
                    Some(member) if self.later_of[op].is_none() => {
                        let op_later = self.solver.new_literal();
                        self.clause(vec![!op_later, !member, later]);
                        self.later_of[op] = Some(op_later);
                    }
                    Some(_) => {}
                }
            }
        }
    }

    /// The start of a slot in the warm start (the value hinted for it).
    fn slot_hint(&self, slot: usize) -> i32 {
        let start = self.slots[slot].start;
        self.hint
            .0
            .iter()
            .position(|&d| d == start)
            .map_or(0, |index| self.hint.1[index])
    }

    /// Precedences with the vent and pump-down between, and maximum waits.
    fn add_precedences(&mut self, model: &Model) {
        let problem = model.problem;
        let ops = &problem.operations;
        for &(before, after) in &problem.precedences {
            let mut gap = precedence_gap(problem, model.exit_k, before, after);
            // With the samples inside: the ramp from the initial temperature for the
            // first load, from the nearest exit temperature for a later one.
            let mut inside = None;
            if let Some(m) = ops[after].machine {
                let machine = &problem.machines[m];
                if machine.ramp_inside {
                    let later = least_inside_ramp(model, m, ops[after].setpoint_k);
                    let first = ramp_cost(machine, Some(machine.initial_k), ops[after].setpoint_k);
                    inside = self.later_of[after].map(|literal| (literal, gap + later, gap + first));
                    gap += later.min(first);
                }
            }
            let least = self.floor(ops[before].duration_s + gap);
            let terms = vec![self.starts[before].scaled(1), self.starts[after].scaled(-1)];
            self.post_le(terms.clone(), -least);
            if let Some((later, later_gap, first_gap)) = inside {
                let later_gap = self.floor(ops[before].duration_s + later_gap);
                let first_gap = self.floor(ops[before].duration_s + first_gap);
                self.implied_le(terms.clone(), -later_gap, later);
                self.implied_le(terms, -first_gap, !later);
            }
            if let Some(wait) = ops[before].max_wait_s {
                let most = self.ceil(ops[before].duration_s + wait);
                self.post_le(vec![self.starts[after].scaled(1), self.starts[before].scaled(-1)], most);
            }
        }
    }

    fn search(
        mut self,
        model: &Model,
        incumbent: &Candidate,
        lower_bound_s: f64,
        steps: u64,
        budget: &Budget,
    ) -> Outcome {
        let mut resolver = ResolutionResolver::default();
        let mut brancher = DynamicBrancher::new(vec![
            Box::new(WarmStart::new(&self.hint.0, &self.hint.1)),
            Box::new(WarmStart::new(&self.hint_literals.0, &self.hint_literals.1)),
            Box::new(self.solver.default_brancher()),
        ]);
        let mut left = steps;
        let mut best = incumbent.makespan;
        let mut improved: Option<Candidate> = None;
        let mut low = self.floor(lower_bound_s).max(0);
        let mut accept = |cp: &Cp, solution: &Solution, best: &mut f64| {
            if let Some(candidate) = cp.candidate(model, solution)
                && candidate.makespan < *best
            {
                *best = candidate.makespan;
                improved = Some(candidate);
            }
            solution.get_integer_value(cp.makespan).min(cp.floor(*best)) - 1
        };
        // Plans below the best so far, one tick at a time.
        let mut target = self.floor(best) - 1;
        let mut proven = false;
        while target >= low {
            match self.query(&mut brancher, &mut resolver, target, &mut left, budget) {
                Answer::Plan(solution) => target = accept(&self, &solution, &mut best),
                Answer::Impossible => {
                    low = target + 1;
                    proven = true;
                }
                Answer::Unknown => break,
            }
            if proven {
                break;
            }
        }
        // The budget left raises the bound: is a makespan of `mid` ticks possible? Each
        // question gets half of what is left.
        while !proven && left > 0 && low <= target {
            let mid = low + (target - low) / 2;
            let mut slice = left / 2 + 1;
            let before = slice;
            let answer = self.query(&mut brancher, &mut resolver, mid, &mut slice, budget);
            left = left.saturating_sub(before - slice);
            match answer {
                Answer::Plan(solution) => target = accept(&self, &solution, &mut best),
                Answer::Impossible => low = mid + 1,
                Answer::Unknown => break,
            }
        }
        let bound = (f64::from(low) / self.scale).max(lower_bound_s);
        Outcome {
            improved,
            // No plan on the grid has fewer than `low` ticks; past the best one's, the
            // best is optimal (to the tick).
            lower_bound_s: if low > target { bound.min(best) } else { bound },
        }
    }

    /// Is there a plan of at most `target` ticks? Spends at most `left` steps.
    fn query(
        &mut self,
        brancher: &mut DynamicBrancher,
        resolver: &mut ResolutionResolver,
        target: i32,
        left: &mut u64,
        budget: &Budget,
    ) -> Answer {
        // Pumpkin reports an assumption refuted at the root as the model infeasible, and
        // then cannot search again: ask only what the root does not answer.
        if self.dead {
            return Answer::Unknown;
        }
        if self.solver.lower_bound(&self.makespan) > target {
            return Answer::Impossible;
        }
        let assumption = predicate![self.makespan <= target];
        let mut work = Work { left: *left, budget };
        let answer = match self
            .solver
            .satisfy_under_assumptions(brancher, &mut work, resolver, &[assumption])
        {
            SatisfactionResultUnderAssumptions::Satisfiable(satisfiable) => Answer::Plan(satisfiable.solution().into()),
            SatisfactionResultUnderAssumptions::UnsatisfiableUnderAssumptions(_) => Answer::Impossible,
            // Infeasible without the assumption contradicts the incumbent: trust nothing.
            SatisfactionResultUnderAssumptions::Unsatisfiable(_) => {
                self.dead = true;
                Answer::Unknown
            }
            // Nor can it search again after stopping at the root; one open question ends
            // the search.
            SatisfactionResultUnderAssumptions::Unknown(_) => {
                self.dead = true;
                Answer::Unknown
            }
        };
        *left = work.left;
        answer
    }

    /// The loads and orders of a solution, evaluated in real time.
    fn candidate(&self, model: &Model, solution: &Solution) -> Option<Candidate> {
        let problem = model.problem;
        let n = problem.operations.len();
        let mut unit_of = vec![NONE; n];
        let mut units = 0;
        let mut per_machine: Vec<Vec<(i32, usize)>> = vec![Vec::new(); problem.machines.len()];
        for slot in &self.slots {
            if slot.active.is_some_and(|active| !solution.get_literal_value(active)) {
                continue;
            }
            let members: Vec<usize> = slot
                .members
                .iter()
                .filter(|(_, literal)| literal.is_none_or(|l| solution.get_literal_value(l)))
                .map(|&(op, _)| op)
                .collect();
            if members.is_empty() {
                continue;
            }
            for &op in &members {
                unit_of[op] = units;
            }
            per_machine[slot.machine].push((solution.get_integer_value(slot.start), units));
            units += 1;
        }
        for unit in unit_of.iter_mut().filter(|u| **u == NONE) {
            *unit = units;
            units += 1;
        }
        let sequences = per_machine
            .into_iter()
            .map(|mut loads| {
                loads.sort_unstable();
                loads.into_iter().map(|(_, unit)| unit).collect()
            })
            .collect();
        let graph = Graph::new(model, &unit_of, units);
        Candidate::evaluate(graph, Sequences::new(sequences, units), &mut 0).ok()
    }
}

/// Samples whose chains of operations are alike step by step (same classes, durations
/// and waits, nothing else before or after them) are interchangeable: swapping two of
/// them throughout turns a plan into one as long. So the model may ask that, at one
/// step of the chain, they start in their order of index (`ordered`: pairs of starts,
/// the first no later). The step is the one whose operations the incumbent spreads over
/// the most start times. The incumbent, relabelled to meet the order, is the warm start:
/// `unit_of[op]` is the incumbent's unit of the operation whose place `op` takes.
fn symmetric_chains(model: &Model, incumbent: &Candidate, unit_start: &[f64]) -> (Vec<usize>, Vec<(usize, usize)>) {
    let ops = &model.problem.operations;
    let n = ops.len();
    let mut unit_of: Vec<usize> = (0..n).map(|op| incumbent.graph.unit_of(op)).collect();
    let mut ordered = Vec::new();
    // Chains: a first operation without predecessor, each with at most one successor
    // that has no other predecessor.
    // Per chain shape (each step's class, duration and wait): its chains.
    type Shape = Vec<(usize, u64, Option<u64>)>;
    let mut groups: std::collections::BTreeMap<Shape, Vec<Vec<usize>>> = Default::default();
    for head in (0..n).filter(|&op| model.pred.of(op).is_empty()) {
        let (mut chain, mut key, mut op) = (Vec::new(), Vec::new(), head);
        let whole = loop {
            chain.push(op);
            key.push((
                model.class_of[op],
                ops[op].duration_s.to_bits(),
                ops[op].max_wait_s.map(f64::to_bits),
            ));
            match model.succ.of(op) {
                [] => break true,
                &[next] if model.pred.of(next).len() == 1 => op = next,
                _ => break false,
            }
        };
        if whole {
            groups.entry(key).or_default().push(chain);
        }
    }
    for chains in groups.into_values().filter(|chains| chains.len() > 1) {
        let steps = chains[0].len();
        let spread = |step: usize| {
            let mut starts: Vec<f64> = chains.iter().map(|chain| unit_start[unit_of[chain[step]]]).collect();
            starts.sort_by(f64::total_cmp);
            starts.dedup();
            starts.len()
        };
        let Some(step) = (0..steps)
            .filter(|&step| model.class_of[chains[0][step]] != NONE)
            .max_by_key(|&step| (spread(step), std::cmp::Reverse(step)))
        else {
            continue;
        };
        // The incumbent's chains in order of their start at that step.
        let mut by_start: Vec<usize> = (0..chains.len()).collect();
        by_start.sort_by(|&a, &b| {
            unit_start[unit_of[chains[a][step]]]
                .total_cmp(&unit_start[unit_of[chains[b][step]]])
                .then(a.cmp(&b))
        });
        let units: Vec<Vec<usize>> = chains
            .iter()
            .map(|chain| chain.iter().map(|&op| unit_of[op]).collect())
            .collect();
        for (place, &source) in by_start.iter().enumerate() {
            for (k, &op) in chains[place].iter().enumerate() {
                unit_of[op] = units[source][k];
            }
        }
        for pair in chains.windows(2) {
            ordered.push((pair[0][step], pair[1][step]));
        }
    }
    (unit_of, ordered)
}

/// The least ramp with the samples inside before a load at `setpoint` on machine `m`
/// that is not the first: from any temperature a load leaves `m` at.
fn least_inside_ramp(model: &Model, m: usize, setpoint: Option<f64>) -> f64 {
    let machine = &model.problem.machines[m];
    model
        .classes
        .iter()
        .filter(|class| class.machine == m)
        .map(|class| ramp_cost(machine, class.exit, setpoint))
        .fold(f64::INFINITY, f64::min)
}

/// Each unit's start in the incumbent, and its position on its machine.
fn incumbent_units(incumbent: &Candidate) -> (Vec<f64>, Vec<usize>) {
    let mut eval = super::graph::Eval::new(incumbent.graph.len());
    let _ = eval.run(
        &incumbent.graph,
        &incumbent.sequences,
        super::graph::HEURISTIC_ROUNDS,
        false,
    );
    let mut position = vec![0; incumbent.graph.len()];
    for sequence in &incumbent.sequences.seq {
        for (index, &unit) in sequence.iter().enumerate() {
            position[unit] = index;
        }
    }
    (eval.head.clone(), position)
}

enum Answer {
    Plan(Solution),
    Impossible,
    Unknown,
}

/// The engine's budget: solver steps, and the heuristic's clock as a cap.
struct Work<'a> {
    left: u64,
    budget: &'a Budget,
}

impl TerminationCondition for Work<'_> {
    fn should_stop(&mut self) -> bool {
        if self.left == 0 {
            return true;
        }
        self.left -= 1;
        self.left.is_multiple_of(64) && self.budget.out_of_time()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::fuse::fuse;
    use super::super::model::Model;
    use super::super::rng::Rng;
    use super::super::{Budget, Candidate, Machine, Operation, Problem, SolveOptions, construct};

    /// lab-15 in small: three samples bake 100 s in an oven for four (10 s pump-down, 5 s
    /// vent), then each has 15 s to start a 4 s plasma step in a chamber for one (8 s
    /// pump-down, 2 s vent, so 13 s after the bake at the earliest, and one sample every
    /// 14 s). One sample per oven load: 10 + 3 x 100 + 2 x 15 + 17 = 357 s. Told nothing
    /// of the bound (0 s), the engine finds that plan and proves it within `STEPS`.
    #[test]
    fn the_engine_proves_the_loads_a_wait_allows_from_no_bound() {
        const STEPS: u64 = 20_000;
        let machine = |name: &str, capacity, setup_s, vent_s| Machine {
            name: name.into(),
            capacity,
            setup_s,
            vent_s,
            ..Machine::default()
        };
        let op = |machine, duration_s, batch_key, max_wait_s| Operation {
            machine: Some(machine),
            duration_s,
            batch_key,
            setpoint_k: None,
            max_wait_s,
        };
        let mut operations = vec![op(0, 100.0, 1, Some(15.0)); 3];
        operations.extend(vec![op(1, 4.0, 2, None); 3]);
        let problem = Problem {
            machines: vec![machine("oven", 4, 10.0, 5.0), machine("plasma", 1, 8.0, 2.0)],
            operations,
            precedences: vec![(0, 3), (1, 4), (2, 5)],
            ..Problem::default()
        };
        let fused = fuse(&problem).expect("a valid problem");
        let model = Model::new(&fused.problem, &fused.exit_k).expect("no cycle");
        let mut rng = Rng::new(1);
        let incumbent = construct::Rule::portfolio(&model, &mut rng)
            .iter()
            .find_map(|rule| Candidate::dispatch(&model, rule, &mut rng, &mut 0).ok())
            .expect("a rule meets the waits");
        let budget = Budget::new(&SolveOptions::new(Duration::from_secs(30), 1));
        let outcome = super::improve(&model, &incumbent, 0.0, STEPS, &budget);
        let best = outcome.improved.as_ref().map_or(incumbent.makespan, |c| c.makespan);
        assert_eq!((best, outcome.lower_bound_s), (357.0, 357.0));
    }
}
