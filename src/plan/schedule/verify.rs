//! The checker. It reads only the problem and the schedule and shares no code with the
//! solver (not even the ramp formula), so a bug in the solver's bookkeeping shows up
//! here instead of being repeated.

use std::collections::BTreeMap;

use super::{Problem, Schedule};

/// At most this many complaints are listed; the last line counts the rest.
const MAX_COMPLAINTS: usize = 100;

/// Checks every rule of the problem against the schedule: durations; precedences (the
/// successor starts after the predecessor's machine has vented) and maximum waits;
/// loads (one machine, one batch key and setpoint, common start and end, at most the
/// capacity); loads on a machine numbered in time order, each pumped down only once all
/// its samples are in and the machine has vented (and, if preheated, ramped), with the
/// ramp from the machine's initial temperature or the previous load's setpoint before
/// or after the samples go in as the machine says; steps in one chamber in the load
/// right after their predecessor's, with the same samples, after the ramp alone; and
/// the makespan. Times may differ by a rounding tolerance of 1e-6 of the makespan.
pub fn verify(problem: &Problem, schedule: &Schedule) -> Result<(), Vec<String>> {
    let mut complaints = Complaints::default();
    let ops = &problem.operations;
    let times = &schedule.ops;
    if times.len() != ops.len() {
        complaints.add(format!(
            "the schedule has {} operations, the problem {}",
            times.len(),
            ops.len()
        ));
        return complaints.finish();
    }
    let latest = times.iter().map(|t| t.end_s).fold(0.0, f64::max);
    let tol = 1e-6 * latest.max(schedule.makespan_s).max(1.0);
    let vent_of = |op: usize| {
        ops[op]
            .machine
            .and_then(|m| problem.machines.get(m))
            .map_or(0.0, |machine| machine.vent_s)
    };
    let in_situ_before: BTreeMap<usize, usize> = problem.in_situ.iter().map(|&(a, b)| (b, a)).collect();
    let staying = |a: usize, b: usize| in_situ_before.get(&b) == Some(&a);

    // Each operation on its own; loads grouped by machine and number.
    let mut loads: BTreeMap<usize, BTreeMap<usize, Vec<usize>>> = BTreeMap::new();
    for (index, (op, time)) in ops.iter().zip(times).enumerate() {
        if !(time.start_s.is_finite() && time.end_s.is_finite()) || time.start_s < -tol {
            complaints.add(format!(
                "operation {index} runs from {} s to {} s",
                time.start_s, time.end_s
            ));
            continue;
        }
        if (time.end_s - time.start_s - op.duration_s).abs() > tol {
            complaints.add(format!(
                "operation {index} runs {} s (from {} s to {} s) but lasts {} s",
                time.end_s - time.start_s,
                time.start_s,
                time.end_s,
                op.duration_s
            ));
        }
        match (op.machine, time.load) {
            (Some(machine), Some(load)) if machine < problem.machines.len() => {
                loads.entry(machine).or_default().entry(load).or_default().push(index);
            }
            (Some(machine), Some(_)) => complaints.add(format!(
                "operation {index} uses machine {machine}, which does not exist"
            )),
            (Some(machine), None) => {
                complaints.add(format!("operation {index} runs on machine {machine} but in no load"))
            }
            (None, Some(load)) => complaints.add(format!("operation {index} needs no machine but is in load {load}")),
            (None, None) => {}
        }
    }

    // When each operation's samples can be at its machine: after every predecessor has
    // ended and its machine has vented (a step in the same chamber waits for no vent).
    let mut arrival = vec![0.0f64; ops.len()];
    for &(before, after) in &problem.precedences {
        let (Some(a), Some(b)) = (times.get(before), times.get(after)) else {
            complaints.add(format!("precedence ({before}, {after}) names a missing operation"));
            continue;
        };
        let vent = if staying(before, after) { 0.0 } else { vent_of(before) };
        arrival[after] = arrival[after].max(a.end_s + vent);
        if b.start_s < a.end_s + vent - tol {
            complaints.add(if vent > 0.0 {
                format!(
                    "operation {after} starts at {} s, before its predecessor {before} has ended and vented at {} s",
                    b.start_s,
                    a.end_s + vent
                )
            } else {
                format!(
                    "operation {after} starts at {} s, before its predecessor {before} ends at {} s",
                    b.start_s, a.end_s
                )
            });
        }
        if let Some(wait) = ops[before].max_wait_s
            && b.start_s > a.end_s + wait + tol
        {
            complaints.add(format!(
                "operation {after} starts {} s after operation {before} ends; at most {wait} s are allowed",
                b.start_s - a.end_s
            ));
        }
    }
    for &(before, after) in &problem.in_situ {
        let (Some(a), Some(b)) = (ops.get(before), ops.get(after)) else {
            complaints.add(format!("in-situ pair ({before}, {after}) names a missing operation"));
            continue;
        };
        if a.machine.is_none() || a.machine != b.machine {
            complaints.add(format!("in-situ pair ({before}, {after}) is not on one machine"));
        } else if times[before].load.map(|load| load + 1) != times[after].load {
            complaints.add(format!(
                "operation {after} continues operation {before} in the same chamber, but its load does not come right after"
            ));
        }
    }

    for (&m, machine_loads) in &loads {
        let machine = &problem.machines[m];
        let mut previous: Option<(usize, f64, usize)> = None;
        let mut temperature = machine.initial_k;
        for (expected, (&load, members)) in machine_loads.iter().enumerate() {
            let name = format!("load {load} of machine {m} ({})", machine.name);
            if load != expected {
                complaints.add(format!(
                    "{name} should be numbered {expected}: loads are numbered from 0 in time order"
                ));
            }
            let first = &ops[members[0]];
            let (start, end) = (times[members[0]].start_s, times[members[0]].end_s);
            if members.len() > machine.capacity as usize {
                complaints.add(format!(
                    "{name} holds {} operations; the capacity is {}",
                    members.len(),
                    machine.capacity
                ));
            }
            for &op in &members[1..] {
                if ops[op].batch_key != first.batch_key {
                    complaints.add(format!("{name} mixes batch keys: operations {} and {op}", members[0]));
                }
                if ops[op].setpoint_k != first.setpoint_k {
                    complaints.add(format!("{name} mixes setpoints: operations {} and {op}", members[0]));
                }
                if (times[op].start_s - start).abs() > tol || (times[op].end_s - end).abs() > tol {
                    complaints.add(format!(
                        "{name}: operations {} and {op} do not start and end together",
                        members[0]
                    ));
                }
            }
            let ramp = match (machine.ramp_k_per_s, first.setpoint_k) {
                (Some(rate), Some(to)) => (to - temperature).abs() / rate,
                _ => 0.0,
            };
            let stays = members.iter().filter(|op| in_situ_before.contains_key(op)).count();
            if stays > 0 {
                // The samples stayed in from the previous load: only the ramp between.
                let previous_size = previous.map_or(0, |p| p.2);
                if stays != members.len() || previous_size != members.len() {
                    complaints.add(format!(
                        "{name} continues the previous load in the same chamber, but not with exactly its samples"
                    ));
                }
                let earliest = previous.map_or(0.0, |p| p.1) + ramp;
                if start < earliest - tol {
                    complaints.add(format!(
                        "{name} starts at {start} s, but the ramp after the previous load takes until {earliest} s"
                    ));
                }
            } else {
                let (ready, after) = match previous {
                    Some((previous_load, previous_end, _)) => (
                        previous_end + machine.vent_s,
                        format!("load {previous_load} ends and the machine vents"),
                    ),
                    None => (0.0, "the machine starts".to_string()),
                };
                let (outside, inside) = if machine.ramp_inside { (0.0, ramp) } else { (ramp, 0.0) };
                let samples_in = members.iter().map(|&op| arrival[op]).fold(0.0, f64::max);
                let door = (ready + outside).max(samples_in);
                let earliest = door + machine.setup_s + inside;
                if start < earliest - tol {
                    complaints.add(format!(
                        "{name} starts at {start} s, but {after} at {ready} s, the last sample is in at {samples_in} s, \
                         and the ramp and pump-down take until {earliest} s"
                    ));
                }
            }
            previous = Some((load, end, members.len()));
            temperature = first.setpoint_k.unwrap_or(temperature);
        }
    }

    if (schedule.makespan_s - latest).abs() > tol {
        complaints.add(format!(
            "the makespan is {} s but the last operation ends at {latest} s",
            schedule.makespan_s
        ));
    }
    if schedule.lower_bound_s > schedule.makespan_s + tol {
        complaints.add(format!(
            "the lower bound {} s exceeds the makespan {} s",
            schedule.lower_bound_s, schedule.makespan_s
        ));
    }
    complaints.finish()
}

#[derive(Default)]
struct Complaints {
    listed: Vec<String>,
    more: usize,
}

impl Complaints {
    fn add(&mut self, complaint: String) {
        if self.listed.len() < MAX_COMPLAINTS {
            self.listed.push(complaint);
        } else {
            self.more += 1;
        }
    }

    fn finish(mut self) -> Result<(), Vec<String>> {
        if self.more > 0 {
            self.listed.push(format!("... and {} more", self.more));
        }
        if self.listed.is_empty() {
            Ok(())
        } else {
            Err(self.listed)
        }
    }
}
