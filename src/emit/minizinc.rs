//! The scheduling problem as a MiniZinc model, for `seipc schedule --export-minizinc`
//! (`spec/minizinc.md`): the rules of [`crate::plan::schedule::verify`] as constraints,
//! with the data inline, so that any MiniZinc solver can plan the problem and its
//! output can be checked with `seipc verify-schedule`.
//!
//! Times are whole ticks of `1 / scale` seconds: seconds when every time of the problem
//! is whole, milliseconds otherwise. Durations, set-ups and ramps are rounded up and
//! waiting limits down, so every solution of the model is a plan of the problem.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::plan::schedule::{Problem, ROOM_TEMPERATURE_K, whole_seconds};

/// The model, data included.
pub fn model(problem: &Problem) -> String {
    let data = Data::new(problem);
    let mut out = String::new();
    out.push_str(HEADER);
    data.write(&mut out);
    out.push_str(MODEL);
    out
}

const HEADER: &str = "\
% The scheduling problem seipc derived, as a MiniZinc model (spec/minizinc.md).
% Solve it with any MiniZinc solver; the output is a schedule in the JSON form that
% `seipc verify-schedule problem.json schedule.json` checks.
% Operations and machines are numbered from 1 here, from 0 in problem.json.

";

/// The rules, independent of the data.
const MODEL: &str = r#"
set of int: OP = 1..n;
set of int: MACHINE = 1..m;

% When each operation starts, in ticks.
array[OP] of var 0..horizon: s;
% The ramp of an operation's tool to its setpoint before its load: from the setpoint of
% the last earlier load on the tool that has one, or from the tool's first temperature.
array[OP] of var 0..max_ramp: r;

predicate on_same(int: i, int: j) = machine[i] > 0 /\ machine[i] = machine[j];
% Load k comes right before the load of j on their tool.
predicate right_before(int: k, int: j) =
  s[k] < s[j] /\ not exists(l in OP where on_same(l, j))(s[k] < s[l] /\ s[l] < s[j]);
% Load k is the last load before j's whose temperature is set.
predicate last_set_before(int: k, int: j) =
  temp[k] > 0 /\ s[k] < s[j]
  /\ not exists(l in OP where on_same(l, j) /\ temp[l] > 0)(s[k] < s[l] /\ s[l] < s[j]);

% Operations that start together on a tool are one load: the same class (step,
% duration, setpoint), at most the capacity.
constraint forall(i, j in OP where i < j /\ on_same(i, j) /\ class[i] != class[j])(s[i] != s[j]);
constraint forall(i in OP where machine[i] > 0)(
  sum(j in OP where on_same(i, j))(bool2int(s[j] = s[i])) <= cap[machine[i]]);

% Ramps.
constraint forall(j in OP)(
  if machine[j] = 0 \/ temp[j] = 0 then r[j] = 0
  else
    forall(k in OP where on_same(k, j) /\ temp[k] > 0)(
      last_set_before(k, j) -> r[j] = ramp[machine[j], temp[k], temp[j]])
    /\ (not exists(k in OP where on_same(k, j) /\ temp[k] > 0)(s[k] < s[j])
        -> r[j] = ramp[machine[j], first_temp[machine[j]], temp[j]])
  endif);

% A load (not continued in one chamber): the tool has vented after the previous load,
% ramped (before or after the samples go in) and been pumped down with them inside.
constraint forall(j in OP where machine[j] > 0 /\ stays_after[j] = 0)(
  s[j] >= setup[machine[j]] + r[j]
  /\ forall(k in OP where on_same(k, j))(
       right_before(k, j) -> s[j] >= s[k] + dur[k] + vent[machine[j]] + setup[machine[j]] + r[j]));

% Precedences: the sample arrives once its previous step has ended and that tool has
% vented; the pump-down (and a ramp with the samples inside) follows.
constraint forall(p in 1..np where stays_after[pre_after[p]] != pre_before[p])(
  let { int: a = pre_before[p]; int: b = pre_after[p] } in
  s[b] >= s[a] + dur[a] + (if machine[a] > 0 then vent[machine[a]] else 0 endif)
          + (if machine[b] > 0 then setup[machine[b]] + inside[machine[b]] * r[b] else 0 endif));

% Waiting limits: the successor starts within the limit of the end of the predecessor.
constraint forall(p in 1..np where wait_span[pre_before[p]] >= 0)(
  s[pre_after[p]] <= s[pre_before[p]] + wait_span[pre_before[p]]);

% Steps that continue in one chamber: the next load, with exactly the samples of the
% previous one, after the ramp alone.
constraint forall(b in OP where stays_after[b] > 0)(
  let { int: a = stays_after[b] } in
  right_before(a, b) /\ s[b] >= s[a] + dur[a] + r[b]
  /\ forall(x in OP where on_same(x, b))(
       (s[x] = s[b] -> (stays_after[x] > 0 /\ s[stays_after[x]] = s[a]))
       /\ (s[x] = s[a] -> (follower[x] > 0 /\ s[follower[x]] = s[b]))));

var 0..horizon: makespan = max(i in OP)(s[i] + dur[i]);
solve minimize makespan;

% The load number of each operation on its tool: how many distinct earlier starts.
function int: load_of(int: i) =
  sum(k in OP where on_same(k, i))(
    bool2int(fix(s[k]) < fix(s[i])
             /\ forall(l in OP where l < k /\ on_same(l, i))(fix(s[l]) != fix(s[k]))));

output ["{\"makespan_s\": ",
        show_float(0, 3, max(i in OP)(int2float(fix(s[i])) / scale + dur_s[i])),
        ", \"operations\": [\n"]
    ++ [ "  {\"start_s\": " ++ show_float(0, 3, int2float(fix(s[i])) / scale)
         ++ ", \"end_s\": " ++ show_float(0, 3, int2float(fix(s[i])) / scale + dur_s[i])
         ++ ", \"load\": " ++ (if machine[i] > 0 then show(load_of(i)) else "null" endif)
         ++ (if i < n then "},\n" else "}\n" endif) | i in OP ]
    ++ ["]}\n"];
"#;

/// The problem's numbers, in ticks.
struct Data<'p> {
    problem: &'p Problem,
    scale: f64,
    /// Every temperature the tools meet, sorted; numbered from 1 in the model.
    temps: Vec<f64>,
}

impl<'p> Data<'p> {
    fn new(problem: &'p Problem) -> Self {
        let mut temps: Vec<f64> = problem
            .operations
            .iter()
            .filter_map(|o| o.setpoint_k)
            .chain(problem.machines.iter().map(|m| m.initial_k))
            .collect();
        temps.sort_by(f64::total_cmp);
        temps.dedup();
        let integral = whole_seconds(problem, &[]);
        Data {
            problem,
            scale: if integral { 1.0 } else { 1000.0 },
            temps,
        }
    }

    fn up(&self, seconds: f64) -> i64 {
        (seconds * self.scale - 1e-6).ceil() as i64
    }

    fn down(&self, seconds: f64) -> i64 {
        (seconds * self.scale + 1e-6).floor() as i64
    }

    fn temp_index(&self, t: Option<f64>) -> usize {
        t.and_then(|t| self.temps.iter().position(|&x| x == t))
            .map_or(0, |i| i + 1)
    }

    fn ramp(&self, machine: usize, from: f64, to: f64) -> i64 {
        self.problem.machines[machine]
            .ramp_k_per_s
            .map_or(0, |rate| self.up((from - to).abs() / rate))
    }

    fn write(&self, out: &mut String) {
        let problem = self.problem;
        let ops = &problem.operations;
        let machines = &problem.machines;
        // Classes: operations that may share a load.
        let mut classes: BTreeMap<(usize, u64, u64, Option<u64>), usize> = BTreeMap::new();
        let class: Vec<usize> = ops
            .iter()
            .map(|o| {
                let key = (
                    o.machine.map_or(0, |m| m + 1),
                    o.batch_key,
                    o.duration_s.to_bits(),
                    o.setpoint_k.map(f64::to_bits),
                );
                let next = classes.len() + 1;
                *classes.entry(key).or_insert(next)
            })
            .collect();
        let mut stays_after = vec![0usize; ops.len()];
        let mut follower = vec![0usize; ops.len()];
        for &(before, after) in &problem.in_situ {
            stays_after[after] = before + 1;
            follower[before] = after + 1;
        }
        let ramps: Vec<i64> = (0..machines.len())
            .flat_map(|m| {
                self.temps
                    .iter()
                    .flat_map(move |&a| self.temps.iter().map(move |&b| self.ramp(m, a, b)))
            })
            .collect();
        let max_ramp = ramps.iter().copied().max().unwrap_or(0);
        // A horizon no plan needs to pass: everything one after another.
        let horizon: i64 = ops
            .iter()
            .map(|o| {
                let tool = o
                    .machine
                    .map_or(0, |m| self.up(machines[m].setup_s + machines[m].vent_s));
                self.up(o.duration_s) + tool + max_ramp
            })
            .sum::<i64>()
            + 1;
        let ints = |values: Vec<i64>| values.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let floats = |values: Vec<f64>| values.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", ");
        let _ = writeln!(out, "% Ticks per second.");
        let _ = writeln!(out, "float: scale = {:?};", self.scale);
        let _ = writeln!(out, "int: n = {};", ops.len());
        let _ = writeln!(out, "int: m = {};", machines.len());
        let _ = writeln!(out, "int: horizon = {horizon};");
        let _ = writeln!(out, "int: max_ramp = {max_ramp};");
        let _ = writeln!(
            out,
            "% Each operation's tool (0: none), duration in ticks (rounded up) and in seconds,"
        );
        let _ = writeln!(
            out,
            "% load class, temperature (an index into the temperatures, 0: none)."
        );
        let _ = writeln!(
            out,
            "array[1..n] of int: machine = [{}];",
            ints(ops.iter().map(|o| o.machine.map_or(0, |m| m as i64 + 1)).collect())
        );
        let _ = writeln!(
            out,
            "array[1..n] of int: dur = [{}];",
            ints(ops.iter().map(|o| self.up(o.duration_s)).collect())
        );
        let _ = writeln!(
            out,
            "array[1..n] of float: dur_s = [{}];",
            floats(ops.iter().map(|o| o.duration_s).collect())
        );
        let _ = writeln!(
            out,
            "array[1..n] of int: class = [{}];",
            ints(class.iter().map(|&c| c as i64).collect())
        );
        let _ = writeln!(
            out,
            "array[1..n] of int: temp = [{}];",
            ints(ops.iter().map(|o| self.temp_index(o.setpoint_k) as i64).collect())
        );
        let _ = writeln!(
            out,
            "% The wait limit after each operation, plus its duration, in ticks (rounded down); -1: none."
        );
        let _ = writeln!(
            out,
            "array[1..n] of int: wait_span = [{}];",
            ints(
                ops.iter()
                    .map(|o| o.max_wait_s.map_or(-1, |w| self.down(o.duration_s + w)))
                    .collect()
            )
        );
        let _ = writeln!(
            out,
            "% Steps in one chamber: the step each continues (0: none), and its continuation."
        );
        let _ = writeln!(
            out,
            "array[1..n] of int: stays_after = [{}];",
            ints(stays_after.iter().map(|&x| x as i64).collect())
        );
        let _ = writeln!(
            out,
            "array[1..n] of int: follower = [{}];",
            ints(follower.iter().map(|&x| x as i64).collect())
        );
        let _ = writeln!(
            out,
            "% Tools: capacity, pump-down and vent in ticks, whether ramps happen with the samples inside."
        );
        let _ = writeln!(
            out,
            "array[1..m] of int: cap = [{}];",
            ints(machines.iter().map(|m| i64::from(m.capacity)).collect())
        );
        let _ = writeln!(
            out,
            "array[1..m] of int: setup = [{}];",
            ints(machines.iter().map(|m| self.up(m.setup_s)).collect())
        );
        let _ = writeln!(
            out,
            "array[1..m] of int: vent = [{}];",
            ints(machines.iter().map(|m| self.up(m.vent_s)).collect())
        );
        let _ = writeln!(
            out,
            "array[1..m] of int: inside = [{}];",
            ints(machines.iter().map(|m| i64::from(m.ramp_inside)).collect())
        );
        let _ = writeln!(
            out,
            "array[1..m] of int: first_temp = [{}];",
            ints(
                machines
                    .iter()
                    .map(|m| self.temp_index(Some(m.initial_k)) as i64)
                    .collect()
            )
        );
        let _ = writeln!(
            out,
            "% The temperatures, K (room temperature is {ROOM_TEMPERATURE_K} K), and the ramp of each tool between two, in ticks."
        );
        let _ = writeln!(out, "int: t = {};", self.temps.len());
        let _ = writeln!(out, "array[1..t] of float: temps_k = [{}];", floats(self.temps.clone()));
        let _ = writeln!(
            out,
            "array[1..m, 1..t, 1..t] of int: ramp = array3d(1..m, 1..t, 1..t, [{}]);",
            ints(ramps)
        );
        let _ = writeln!(out, "% Precedences: `pre_before[p]` ends before `pre_after[p]` starts.");
        let _ = writeln!(out, "int: np = {};", problem.precedences.len());
        let _ = writeln!(
            out,
            "array[1..np] of int: pre_before = [{}];",
            ints(problem.precedences.iter().map(|p| p.0 as i64 + 1).collect())
        );
        let _ = writeln!(
            out,
            "array[1..np] of int: pre_after = [{}];",
            ints(problem.precedences.iter().map(|p| p.1 as i64 + 1).collect())
        );
    }
}
