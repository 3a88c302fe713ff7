//! The constructive phase: a Giffler-Thompson dispatcher that also forms loads.
//!
//! Time moves forward machine by machine. Among all machines, the one whose next load
//! could finish first is decided next; the classes that could start on it before that
//! finish are in conflict, and a priority rule picks one (so schedules stay active).
//! The load then takes up to the class's capacity of ready operations, optionally
//! waiting a little for more of them. Operations enter a machine's queues only once all
//! their predecessors are placed, so every step costs a few heap operations and a look
//! at the classes queued on one machine (at most [`MAX_CANDIDATES`] of them): O(n log n)
//! overall.
//!
//! Maximum waits shape the dispatch twice: a successor whose wait would run out behind
//! the rule's choice goes first (the least slack first: its latest start within the
//! wait, less its earliest start), and a load of predecessors is never larger than the
//! successors' machine can take within the wait (`Class::cap`). Whatever is still late
//! is fixed by the evaluation, which starts the predecessors later. When no rule meets
//! the waits that way, the chain rules place a load together with the loads its samples
//! go to along the waits, each started late enough (`Dispatcher::chain`).

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

use super::model::{Model, NONE, Ordered, ramp_cost};
use super::rng::Rng;

/// Which of the conflicting classes goes first.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Priority {
    /// The longest chain of work left: keeps the critical jobs moving.
    MostWork,
    ShortestFirst,
    /// The class that can start earliest (then most work).
    EarliestStart,
    /// The class with the most operations waiting: full loads save setups.
    FullestLoad,
}

const PRIORITIES: [Priority; 4] = [
    Priority::MostWork,
    Priority::ShortestFirst,
    Priority::EarliestStart,
    Priority::FullestLoad,
];

/// One way of running the dispatcher.
#[derive(Debug, Clone)]
pub(super) struct Rule {
    priority: Priority,
    /// Probability of picking a random conflicting class instead of the best one.
    noise: f64,
    /// How long a load may wait for more operations, as a fraction of its duration.
    wait: f64,
    /// Loads of operations tied by a maximum wait hold a single operation: the last
    /// resort when larger loads cannot meet the waits.
    strict: bool,
    /// Hold back an operation whose maximum wait would start running before its
    /// successor could even be released.
    defer: bool,
    /// A load whose operations have a maximum wait places the loads of their
    /// successors at once, along the chain of waits, and starts late enough for each
    /// of them to start in time (`Dispatcher::chain`): the rules that meet the waits by
    /// construction, when the others cannot.
    chain: bool,
}

impl Rule {
    /// The rules the solver tries, in order: every priority plainly (and, where loads
    /// can hold several operations, waiting for fuller loads), then randomized ones,
    /// more of them on small instances where each run is cheap, then the strict rules
    /// when the problem has waits.
    pub(super) fn portfolio(model: &Model, rng: &mut Rng) -> Vec<Rule> {
        let batching = model.classes.iter().any(|class| class.cap > 1);
        let waits: &[f64] = if batching { &[0.0, 0.5] } else { &[0.0] };
        let plain = |priority, wait, strict| Rule {
            priority,
            noise: 0.0,
            wait,
            strict,
            defer: true,
            chain: false,
        };
        let mut rules: Vec<Rule> = PRIORITIES
            .iter()
            .flat_map(|&priority| waits.iter().map(move |&wait| plain(priority, wait, false)))
            .collect();
        let randomized = (200_000 / model.problem.operations.len().max(1)).clamp(2, 64);
        for _ in 0..randomized {
            // Most-work-remaining is the strongest single rule on job shops: draw it half
            // the time.
            let priority = if rng.unit() < 0.5 {
                Priority::MostWork
            } else {
                PRIORITIES[rng.below(PRIORITIES.len())]
            };
            let noise = 0.05 + 0.25 * rng.unit();
            let wait = waits[rng.below(waits.len())];
            // Holding back can also hurt (the machine may ramp away meanwhile): the
            // randomized rules try both.
            let defer = model.has_waits && rng.unit() < 0.5;
            rules.push(Rule {
                priority,
                noise,
                wait,
                strict: false,
                defer,
                chain: false,
            });
        }
        if model.has_waits {
            rules.extend(PRIORITIES.iter().map(|&priority| plain(priority, 0.0, true)));
            for strict in [false, true] {
                rules.extend(PRIORITIES.iter().map(|&priority| Rule {
                    chain: true,
                    defer: false,
                    ..plain(priority, 0.0, strict)
                }));
            }
        }
        rules
    }
}

/// The dispatcher weighs at most this many classes per machine, those ready first.
/// Below it (every job-shop benchmark, any lab with fewer distinct steps queued at a
/// tool) it is exact Giffler-Thompson; above, it keeps a machine flooded with thousands
/// of distinct classes from making every decision cost thousands of comparisons.
const MAX_CANDIDATES: usize = 128;

/// What the dispatcher decided: the load of each operation (as a unit of the graph)
/// and the order of the loads on each machine.
pub(super) struct Plan {
    pub unit_of: Vec<usize>,
    pub unit_count: usize,
    pub sequences: Vec<Vec<usize>>,
}

pub(super) fn dispatch(model: &Model, rule: &Rule, rng: &mut Rng) -> Plan {
    let mut dispatcher = Dispatcher::new(model, rule);
    dispatcher.run(rng);
    dispatcher.plan
}

struct MachineState {
    /// When the last load ends.
    free_at: f64,
    temp: Option<f64>,
    loaded: bool,
    /// Bumped whenever the machine's entry in the heap is replaced.
    version: u64,
    /// Classes with queued operations, keyed by when their first one is ready.
    active: BTreeSet<(Ordered, usize)>,
}

/// Where a machine stands after its last load.
#[derive(Clone, Copy)]
struct At {
    free_at: f64,
    temp: Option<f64>,
    loaded: bool,
}

impl MachineState {
    fn at(&self) -> At {
        At {
            free_at: self.free_at,
            temp: self.temp,
            loaded: self.loaded,
        }
    }
}

/// One load of a chain of waits ([`Dispatcher::chain`]).
struct Link {
    m: usize,
    class: usize,
    ops: Vec<usize>,
}

/// How many times [`Dispatcher::chain`] starts a load later to meet a wait, per load of
/// the chain, before it gives the chain up.
const CHAIN_SHIFTS_PER_LINK: usize = 4;

struct Dispatcher<'m, 'a> {
    model: &'m Model<'a>,
    rule: &'m Rule,
    caps: Vec<usize>,
    /// When each operation's predecessors have all ended.
    ready: Vec<f64>,
    /// When a maximum wait of a predecessor runs out (infinite without one).
    deadline: Vec<f64>,
    missing: Vec<usize>,
    /// Per class, the released operations, earliest ready first.
    queues: Vec<BinaryHeap<Reverse<(Ordered, usize)>>>,
    machines: Vec<MachineState>,
    /// Per machine, the earliest end of a load it could start next.
    next_end: BinaryHeap<Reverse<(Ordered, usize, u64)>>,
    dirty: Vec<usize>,
    released: Vec<usize>,
    plan: Plan,
}

impl<'m, 'a> Dispatcher<'m, 'a> {
    fn new(model: &'m Model<'a>, rule: &'m Rule) -> Self {
        let n = model.problem.operations.len();
        let m = model.problem.machines.len();
        Dispatcher {
            model,
            rule,
            caps: model
                .classes
                .iter()
                .map(|class| if rule.strict && class.tied { 1 } else { class.cap })
                .collect(),
            ready: vec![0.0; n],
            deadline: vec![f64::INFINITY; n],
            missing: (0..n).map(|op| model.pred.of(op).len()).collect(),
            queues: model.classes.iter().map(|_| BinaryHeap::new()).collect(),
            machines: model
                .problem
                .machines
                .iter()
                .map(|machine| MachineState {
                    free_at: 0.0,
                    temp: Some(machine.initial_k),
                    loaded: false,
                    version: 0,
                    active: BTreeSet::new(),
                })
                .collect(),
            next_end: BinaryHeap::new(),
            dirty: Vec::new(),
            released: (0..n).filter(|&op| model.pred.of(op).is_empty()).collect(),
            plan: Plan {
                unit_of: vec![NONE; n],
                unit_count: 0,
                sequences: vec![Vec::new(); m],
            },
        }
    }

    fn run(&mut self, rng: &mut Rng) {
        self.settle();
        while let Some(Reverse((Ordered(end), machine, version))) = self.next_end.pop() {
            if version != self.machines[machine].version {
                continue;
            }
            let Some(class) = self.choose(machine, end, rng) else {
                continue;
            };
            self.load(machine, class);
            self.dirty.push(machine);
            self.settle();
        }
    }

    /// When machine `m` could take the samples of a load of `class`: after its last load
    /// and its vent, and, if it is preheated, the ramp to the class's setpoint.
    fn available(&self, m: usize, class: usize) -> f64 {
        self.available_in(&self.machines[m].at(), m, class)
    }

    /// [`Self::available`] with the machine at `at`.
    fn available_in(&self, at: &At, m: usize, class: usize) -> f64 {
        let machine = &self.model.problem.machines[m];
        let ramp = ramp_cost(machine, at.temp, self.model.classes[class].setpoint);
        let outside = if machine.ramp_inside { 0.0 } else { ramp };
        if at.loaded {
            at.free_at + machine.vent_s + outside
        } else {
            outside
        }
    }

    /// From the samples being in machine `m` to the start of a load of `class`: the
    /// pump-down and, if it ramps with the samples inside, the ramp.
    fn inside(&self, m: usize, class: usize) -> f64 {
        self.inside_in(&self.machines[m].at(), m, class)
    }

    /// [`Self::inside`] with the machine at `at`.
    fn inside_in(&self, at: &At, m: usize, class: usize) -> f64 {
        let machine = &self.model.problem.machines[m];
        let ramp = if machine.ramp_inside {
            ramp_cost(machine, at.temp, self.model.classes[class].setpoint)
        } else {
            0.0
        };
        machine.setup_s + ramp
    }

    /// The first queued operation of `class` (every active class has one).
    fn first(&self, class: usize) -> Option<(f64, usize)> {
        self.queues[class]
            .peek()
            .map(|&Reverse((Ordered(ready), op))| (ready, op))
    }

    /// The classes queued on machine `m` with their earliest starts: the
    /// [`MAX_CANDIDATES`] whose first operations are ready first.
    fn candidates(&self, m: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.machines[m]
            .active
            .iter()
            .take(MAX_CANDIDATES)
            .map(move |&(_, class)| (class, self.earliest_start(m, class)))
    }

    /// Takes `class` out of its machine's active set before its queue changes...
    fn deactivate(&mut self, class: usize) {
        if let Some((ready, _)) = self.first(class) {
            self.machines[self.model.classes[class].machine]
                .active
                .remove(&(Ordered(ready), class));
        }
    }

    /// ... and puts it back afterwards, under its new first operation (if any is left).
    fn activate(&mut self, class: usize) {
        if let Some((ready, _)) = self.first(class) {
            self.machines[self.model.classes[class].machine]
                .active
                .insert((Ordered(ready), class));
        }
    }

    fn earliest_start(&self, m: usize, class: usize) -> f64 {
        let ready = self.first(class).map_or(f64::INFINITY, |(ready, _)| ready);
        ready.max(self.available(m, class)) + self.inside(m, class)
    }

    /// Places released operations: those without machine at once (they can all run in
    /// parallel), the others in their class queue; then refreshes the machines touched.
    fn settle(&mut self) {
        while let Some(op) = self.released.pop() {
            let class = self.model.class_of[op];
            if class == NONE {
                self.new_unit(&[op]);
                let end = self.ready[op] + self.model.problem.operations[op].duration_s;
                self.finish(op, end);
            } else {
                self.deactivate(class);
                self.queues[class].push(Reverse((Ordered(self.ready[op]), op)));
                self.activate(class);
                self.dirty.push(self.model.classes[class].machine);
            }
        }
        self.dirty.sort_unstable();
        self.dirty.dedup();
        while let Some(m) = self.dirty.pop() {
            let best = self
                .candidates(m)
                .map(|(class, start)| start + self.model.classes[class].duration)
                .min_by(f64::total_cmp);
            let state = &mut self.machines[m];
            state.version += 1;
            if let Some(end) = best {
                self.next_end.push(Reverse((Ordered(end), m, state.version)));
            }
        }
    }

    /// The class machine `m` loads next: among the classes that could start before
    /// `end` (the earliest possible end on it), the rule's choice, unless that would
    /// make another miss its maximum wait.
    /// If the rule defers, a class whose maximum wait would start running before its
    /// successor could even be released goes last: the wait would only push it later,
    /// and meanwhile the machine can do something else, even something that starts
    /// later. `None` only if the machine has nothing queued.
    fn choose(&self, m: usize, end: f64, rng: &mut Rng) -> Option<usize> {
        let classes = &self.model.classes;
        let mut conflict: Vec<(usize, f64)> = self
            .candidates(m)
            .filter(|&(class, start)| start < end || start + classes[class].duration <= end)
            .collect();
        let premature = |&(class, _): &(usize, f64)| {
            self.rule.defer
                && self.first(class).is_some_and(|(_, op)| {
                    self.model.problem.operations[op].max_wait_s.is_some()
                        && self.model.succ.of(op).iter().any(|&after| self.missing[after] > 1)
                })
        };
        if conflict.iter().all(premature) {
            // Anything else this machine could do first, even if it starts later.
            let others: Vec<(usize, f64)> = self.candidates(m).filter(|c| !premature(c)).collect();
            if !others.is_empty() {
                conflict = others;
            }
        } else {
            conflict.retain(|c| !premature(c));
        }
        let work =
            |class: usize| self.first(class).map_or(0.0, |(_, op)| self.model.tail[op]) + classes[class].duration;
        // Smaller keys go first.
        let key = |&(class, start): &(usize, f64)| -> (f64, f64) {
            match self.rule.priority {
                Priority::MostWork => (-work(class), start),
                Priority::ShortestFirst => (classes[class].duration, start),
                Priority::EarliestStart => (start, -work(class)),
                Priority::FullestLoad => (-(self.queues[class].len().min(self.caps[class]) as f64), -work(class)),
            }
        };
        let pick = if self.rule.noise > 0.0 && !conflict.is_empty() && rng.unit() < self.rule.noise {
            conflict.get(rng.below(conflict.len())).copied()
        } else {
            conflict
                .iter()
                .min_by(|x, y| {
                    let (a, b) = (key(x), key(y));
                    a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)).then(x.0.cmp(&y.0))
                })
                .copied()
        }?;
        // Urgency from slack: a class whose maximum wait runs out before it could start
        // after the rule's choice (its latest start is earlier than the end of that load
        // plus the vent and pump-down between) goes first, the least slack first; one
        // that can still start in time after it waits its turn.
        let deadline = |class: usize| self.first(class).map_or(f64::INFINITY, |(_, op)| self.deadline[op]);
        let machine = &self.model.problem.machines[m];
        let after_pick = pick.1 + classes[pick.0].duration + machine.between_loads();
        let urgent = conflict
            .iter()
            .filter(|&&(class, _)| class != pick.0 && deadline(class) < after_pick)
            .min_by(|x, y| {
                // Between equal slacks the shorter load first: the longer one would
                // hold the machine past the other's deadline.
                let (dx, dy) = (classes[x.0].duration, classes[y.0].duration);
                (deadline(x.0) - x.1)
                    .total_cmp(&(deadline(y.0) - y.1))
                    .then(dx.total_cmp(&dy))
                    .then(x.1.total_cmp(&y.1))
            });
        Some(urgent.unwrap_or(&pick).0)
    }

    /// Starts a load of `class` on machine `m`: the operations ready by its earliest
    /// start, and, if the rule allows, those ready a little later, up to capacity.
    fn load(&mut self, m: usize, class: usize) {
        let Some((first_ready, first)) = self.first(class) else {
            return;
        };
        let duration = self.model.classes[class].duration;
        let inside = self.inside(m, class);
        // When the samples go in: the pump-down starts once the last one is in.
        let mut door = first_ready.max(self.available(m, class));
        let patience = if self.deadline[first].is_finite() {
            0.0
        } else {
            self.rule.wait * duration
        };
        let window = door + patience;
        let mut ops = Vec::new();
        self.deactivate(class);
        while ops.len() < self.caps[class] {
            match self.first(class) {
                Some((ready, op)) if ready <= window => {
                    door = door.max(ready);
                    ops.push(op);
                    self.queues[class].pop();
                }
                _ => break,
            }
        }
        self.activate(class);
        let problem = self.model.problem;
        let tied = |op: usize| problem.operations[op].max_wait_s.is_some() && !self.model.succ.of(op).is_empty();
        if self.rule.chain && ops.iter().any(|&op| tied(op)) && self.chain(m, class, ops.clone(), door) {
            return;
        }
        let start = door + inside;
        let unit = self.new_unit(&ops);
        self.plan.sequences[m].push(unit);
        let state = &mut self.machines[m];
        state.free_at = start + duration;
        state.temp = self.model.classes[class].exit.or(state.temp);
        state.loaded = true;
        for op in ops {
            self.finish(op, start + duration);
        }
    }

    /// Places the load of `ops` (of `class` on machine `m`, its samples in at `door`)
    /// together with the loads of their successors along the maximum waits: each next
    /// load holds the successors of the previous one's operations, if they wait on
    /// nothing else, are of one class and fit in one load. Each load starts at the
    /// earliest the machines allow, and a load whose successor could not start in
    /// time starts later, until every wait of the chain is met. `false`, with nothing
    /// placed, if no such starts were found.
    fn chain(&mut self, m: usize, class: usize, ops: Vec<usize>, door: f64) -> bool {
        let model = self.model;
        let problem = model.problem;
        let mut links = vec![Link { m, class, ops }];
        while let Some(last) = links.last() {
            if !last.ops.iter().all(|&op| problem.operations[op].max_wait_s.is_some()) {
                break;
            }
            let mut next: Vec<usize> = last
                .ops
                .iter()
                .flat_map(|&op| model.succ.of(op).iter().copied())
                .collect();
            next.sort_unstable();
            next.dedup();
            let Some(&head) = next.first() else { break };
            let class = model.class_of[head];
            if class == NONE
                || next.len() > self.caps[class]
                || next
                    .iter()
                    .any(|&after| model.class_of[after] != class || self.missing[after] != 1)
            {
                break;
            }
            links.push(Link {
                m: model.classes[class].machine,
                class,
                ops: next,
            });
        }
        // The latest start each load may have to take, raised where a wait is missed.
        let mut least = vec![f64::NEG_INFINITY; links.len()];
        for _ in 0..CHAIN_SHIFTS_PER_LINK * links.len() {
            let times = self.chain_times(&links, &least, door);
            let missed = (1..links.len()).find_map(|i| {
                let wait = links[i - 1]
                    .ops
                    .iter()
                    .filter_map(|&op| problem.operations[op].max_wait_s)
                    .fold(f64::INFINITY, f64::min);
                let over = times[i].0 - times[i - 1].1 - wait;
                (over > 1e-9 * times[i].0.abs().max(1.0)).then_some((i - 1, over))
            });
            match missed {
                Some((i, over)) => least[i] = times[i].0 + over,
                None => {
                    for (link, (_, end)) in links.iter().zip(times) {
                        let unit = self.new_unit(&link.ops);
                        self.plan.sequences[link.m].push(unit);
                        let state = &mut self.machines[link.m];
                        state.free_at = end;
                        state.temp = model.classes[link.class].exit.or(state.temp);
                        state.loaded = true;
                        self.dirty.push(link.m);
                        for &op in &link.ops {
                            self.finish(op, end);
                        }
                    }
                    // The later loads are placed already: they do not join the queues.
                    let unit_of = &self.plan.unit_of;
                    self.released.retain(|&op| unit_of[op] == NONE);
                    return true;
                }
            }
        }
        false
    }

    /// The start and end of each load of a chain, none starting before `least`, the
    /// first one's samples in at `door`, each next one's when the previous load's
    /// machine has vented.
    fn chain_times(&self, links: &[Link], least: &[f64], door: f64) -> Vec<(f64, f64)> {
        let problem = self.model.problem;
        let mut at: Vec<(usize, At)> = Vec::new();
        let mut times: Vec<(f64, f64)> = Vec::with_capacity(links.len());
        for (i, link) in links.iter().enumerate() {
            let state = at
                .iter()
                .rev()
                .find(|(m, _)| *m == link.m)
                .map_or_else(|| self.machines[link.m].at(), |&(_, state)| state);
            let arrival = match i {
                0 => door,
                _ => {
                    let vent = problem.machines[links[i - 1].m].vent_s;
                    let ready = link.ops.iter().map(|&op| self.ready[op]).fold(0.0, f64::max);
                    ready.max(times[i - 1].1 + vent)
                }
            };
            let door = arrival.max(self.available_in(&state, link.m, link.class));
            let start = (door + self.inside_in(&state, link.m, link.class)).max(least[i]);
            let end = start + self.model.classes[link.class].duration;
            times.push((start, end));
            at.push((
                link.m,
                At {
                    free_at: end,
                    temp: self.model.classes[link.class].exit.or(state.temp),
                    loaded: true,
                },
            ));
        }
        times
    }

    fn new_unit(&mut self, ops: &[usize]) -> usize {
        let unit = self.plan.unit_count;
        self.plan.unit_count += 1;
        for &op in ops {
            self.plan.unit_of[op] = unit;
        }
        unit
    }

    /// `op` ends at `end`: its successors learn their ready time and deadline, and those
    /// with nothing else to wait for are released.
    fn finish(&mut self, op: usize, end: f64) {
        let problem = self.model.problem;
        let max_wait = problem.operations[op].max_wait_s;
        // The samples leave once the machine has vented.
        let out = end
            + problem.operations[op]
                .machine
                .map_or(0.0, |m| problem.machines[m].vent_s);
        for &after in self.model.succ.of(op) {
            self.ready[after] = self.ready[after].max(out);
            if let Some(wait) = max_wait {
                self.deadline[after] = self.deadline[after].min(end + wait);
            }
            self.missing[after] -= 1;
            if self.missing[after] == 0 {
                self.released.push(after);
            }
        }
    }
}
