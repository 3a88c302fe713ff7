//! The checker. It reads only the problem and the schedule and shares no code with the
//! solver (not even the ramp formula), so a bug in the solver's bookkeeping shows up
//! here instead of being repeated.

use std::collections::BTreeMap;

use super::{Problem, Schedule};

/// At most this many complaints are listed; the last line counts the rest.
const MAX_COMPLAINTS: usize = 100;

/// Checks every rule of the problem against the schedule: durations, precedences,
/// maximum waits, loads (one machine, one batch key and setpoint, common start and end,
/// at most the capacity), loads on a machine numbered in time order without overlap and
/// separated by the setup plus the ramp, and the makespan. Times may differ by a
/// rounding tolerance of 1e-6 of the makespan.
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

    for &(before, after) in &problem.precedences {
        let (Some(a), Some(b)) = (times.get(before), times.get(after)) else {
            complaints.add(format!("precedence ({before}, {after}) names a missing operation"));
            continue;
        };
        if b.start_s < a.end_s - tol {
            complaints.add(format!(
                "operation {after} starts at {} s, before its predecessor {before} ends at {} s",
                b.start_s, a.end_s
            ));
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

    for (&m, machine_loads) in &loads {
        let machine = &problem.machines[m];
        let mut previous: Option<(usize, f64)> = None;
        let mut temperature: Option<f64> = None;
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
            let ramp = match (machine.ramp_k_per_s, temperature, first.setpoint_k) {
                (Some(rate), Some(from), Some(to)) => (to - from).abs() / rate,
                _ => 0.0,
            };
            let (earliest, after) = match previous {
                Some((previous_load, previous_end)) => (
                    previous_end + machine.setup_s + ramp,
                    format!("load {previous_load} ends at {previous_end} s"),
                ),
                None => (machine.setup_s, "the machine starts at 0 s".to_string()),
            };
            if start < earliest - tol {
                complaints.add(format!(
                    "{name} starts at {start} s, but {after} and the setup and ramp take until {earliest} s"
                ));
            }
            previous = Some((load, end));
            temperature = first.setpoint_k.or(temperature);
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
