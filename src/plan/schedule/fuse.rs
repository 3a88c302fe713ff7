//! Steps that continue in one chamber (`Problem::in_situ`) become one operation for the
//! solver. A chain a -> b -> c of one sample on one machine is an operation that lasts
//! from the start of a to the end of c, ramps between them included; it enters the
//! machine at the first setpoint of the chain and leaves it at the last. The solver
//! never separates such a chain, and [`Fused::unfuse`] maps its solution back, one load
//! per step of the chain.

use std::collections::HashMap;

use super::model::{NONE, ramp_cost, validate};
use super::{Operation, Problem, Schedule, ScheduleError, ScheduledOp};

pub(super) struct Fused {
    pub problem: Problem,
    /// The temperature each fused operation leaves its machine at.
    pub exit_k: Vec<Option<f64>>,
    /// For each original operation: its fused operation, the offset of its start in it,
    /// and its place in the chain.
    place: Vec<(usize, f64, usize)>,
    /// The first and the last original operation of each fused one.
    ends: Vec<(usize, usize)>,
}

pub(super) fn fuse(problem: &Problem) -> Result<Fused, ScheduleError> {
    validate(problem)?;
    let n = problem.operations.len();
    let invalid = |message: String| Err(ScheduleError::Invalid { message });
    let mut next = vec![NONE; n];
    let mut has_prev = vec![false; n];
    let mut succ_count = vec![0usize; n];
    let mut pred_count = vec![0usize; n];
    for &(before, after) in &problem.precedences {
        succ_count[before] += 1;
        pred_count[after] += 1;
    }
    let precedences: std::collections::HashSet<(usize, usize)> = problem.precedences.iter().copied().collect();
    for &(before, after) in &problem.in_situ {
        if before >= n || after >= n {
            return invalid(format!("in-situ pair ({before}, {after}) names a missing operation"));
        }
        let machine = problem.operations[before].machine;
        if machine.is_none() || machine != problem.operations[after].machine {
            return invalid(format!("in-situ pair ({before}, {after}) is not on one machine"));
        }
        if !precedences.contains(&(before, after)) {
            return invalid(format!("in-situ pair ({before}, {after}) is not a precedence"));
        }
        if succ_count[before] != 1 || pred_count[after] != 1 || next[before] != NONE || has_prev[after] {
            return invalid(format!(
                "in-situ pair ({before}, {after}): the first may have no other successor, the second no other predecessor"
            ));
        }
        next[before] = after;
        has_prev[after] = true;
    }

    let ops = &problem.operations;
    let mut place = vec![(NONE, 0.0, 0); n];
    let mut fused_ops = Vec::new();
    let mut exit_k = Vec::new();
    let mut ends = Vec::new();
    // Fused operations share loads when their chains are alike step by step.
    let mut keys: HashMap<Vec<(u64, u64, Option<u64>)>, u64> = HashMap::new();
    for head in (0..n).filter(|&op| !has_prev[op]) {
        let index = fused_ops.len();
        let machine = ops[head].machine.map(|m| &problem.machines[m]);
        let (mut offset, mut temp, mut key) = (0.0, None, Vec::new());
        let (mut op, mut previous, mut phase) = (head, NONE, 0);
        loop {
            let o = &ops[op];
            if previous != NONE {
                if temp.is_none() && o.setpoint_k.is_some() {
                    return Err(ScheduleError::Invalid {
                        message: format!(
                            "in-situ pair ({previous}, {op}): a step with a setpoint cannot follow one without in the same chamber"
                        ),
                    });
                }
                let ramp = machine.map_or(0.0, |m| ramp_cost(m, temp, o.setpoint_k));
                if let Some(wait) = ops[previous].max_wait_s
                    && ramp > wait
                {
                    return Err(ScheduleError::MaxWaitUnmet {
                        before: previous,
                        after: op,
                        max_wait_s: wait,
                        wait_s: ramp,
                        reason: "the two run in one chamber, and the ramp between their temperatures takes longer"
                            .into(),
                    });
                }
                offset += ramp;
            }
            place[op] = (index, offset, phase);
            offset += o.duration_s;
            temp = o.setpoint_k.or(temp);
            key.push((o.batch_key, o.duration_s.to_bits(), o.setpoint_k.map(f64::to_bits)));
            if next[op] == NONE {
                break;
            }
            previous = op;
            op = next[op];
            phase += 1;
        }
        let fresh = keys.len() as u64;
        let batch_key = if phase == 0 {
            ops[head].batch_key
        } else {
            *keys.entry(key).or_insert(fresh) | FUSED_KEY
        };
        exit_k.push(temp);
        ends.push((head, op));
        fused_ops.push(Operation {
            machine: ops[head].machine,
            duration_s: offset,
            batch_key,
            setpoint_k: ops[head].setpoint_k,
            max_wait_s: ops[op].max_wait_s,
        });
    }
    let precedences = problem
        .precedences
        .iter()
        .filter(|&&(before, after)| next[before] != after)
        .map(|&(before, after)| (place[before].0, place[after].0))
        .collect();
    Ok(Fused {
        problem: Problem {
            machines: problem.machines.clone(),
            operations: fused_ops,
            precedences,
            in_situ: Vec::new(),
        },
        exit_k,
        place,
        ends,
    })
}

/// Marks the batch key of a fused operation, so that it never equals a step's own.
const FUSED_KEY: u64 = 1 << 63;

impl Fused {
    /// An error about fused operations, about the original ones: a wait runs from the
    /// end of a chain's last step to the start of another's first.
    pub(super) fn original_error(&self, error: ScheduleError) -> ScheduleError {
        match error {
            ScheduleError::MaxWaitUnmet {
                before,
                after,
                max_wait_s,
                wait_s,
                reason,
            } => ScheduleError::MaxWaitUnmet {
                before: self.ends[before].1,
                after: self.ends[after].0,
                max_wait_s,
                wait_s,
                reason,
            },
            ScheduleError::PrecedenceCycle { ops } => ScheduleError::PrecedenceCycle {
                ops: ops.into_iter().map(|op| self.ends[op].0).collect(),
            },
            invalid @ ScheduleError::Invalid { .. } => invalid,
        }
    }

    /// The schedule of the original problem, from that of the fused one: each step of a
    /// chain gets its own load, numbered in time order on the machine.
    pub(super) fn unfuse(&self, original: &Problem, fused: Schedule) -> Schedule {
        let mut keys: Vec<(usize, usize, usize, usize)> = Vec::new();
        let mut ops: Vec<ScheduledOp> = (0..original.operations.len())
            .map(|op| {
                let (index, offset, phase) = self.place[op];
                let start_s = fused.ops[index].start_s + offset;
                if let (Some(m), Some(load)) = (original.operations[op].machine, fused.ops[index].load) {
                    keys.push((m, load, phase, op));
                }
                ScheduledOp {
                    start_s,
                    end_s: start_s + original.operations[op].duration_s,
                    load: fused.ops[index].load,
                }
            })
            .collect();
        keys.sort_unstable();
        let (mut number, mut last) = (0, None);
        for &(m, load, phase, op) in &keys {
            match last {
                Some((lm, ll, lp)) if (lm, ll, lp) == (m, load, phase) => {}
                Some((lm, _, _)) if lm == m => number += 1,
                _ => number = 0,
            }
            last = Some((m, load, phase));
            ops[op].load = Some(number);
        }
        Schedule {
            ops,
            makespan_s: fused.makespan_s,
            lower_bound_s: fused.lower_bound_s,
        }
    }
}
