//! Classic job-shop instances (the benchmarks the solver is measured on).
//!
//! The standard format: a first line `jobs machines`, then one line per job with one
//! `machine duration` pair per step, machines numbered from 0. Lines starting with `#`
//! are comments.

use super::{Machine, Operation, Problem};

#[derive(Debug, Clone, PartialEq)]
pub struct JobShop {
    pub machines: usize,
    /// Per job, its steps in order as `(machine, duration)`.
    pub jobs: Vec<Vec<(usize, u64)>>,
}

/// Reads an instance; the error names the line at fault.
pub fn parse(text: &str) -> Result<JobShop, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'));
    let (header_line, header) = lines.next().ok_or("the instance is empty")?;
    let numbers = |line: usize, text: &str| -> Result<Vec<u64>, String> {
        text.split_whitespace()
            .map(|word| {
                word.parse::<u64>()
                    .map_err(|_| format!("line {line}: `{word}` is not a whole number"))
            })
            .collect()
    };
    let [jobs, machines] = numbers(header_line, header)?[..] else {
        return Err(format!(
            "line {header_line}: expected `jobs machines`, found `{header}`"
        ));
    };
    let machines = usize::try_from(machines).map_err(|_| format!("line {header_line}: too many machines"))?;
    let mut shop = JobShop {
        machines,
        jobs: Vec::new(),
    };
    for (line, text) in lines {
        if shop.jobs.len() as u64 == jobs {
            return Err(format!("line {line}: more than the {jobs} jobs announced"));
        }
        let values = numbers(line, text)?;
        if values.len() % 2 != 0 {
            return Err(format!(
                "line {line}: expected `machine duration` pairs, found an odd count of numbers"
            ));
        }
        let steps = values
            .chunks_exact(2)
            .map(|pair| match usize::try_from(pair[0]) {
                Ok(machine) if machine < machines => Ok((machine, pair[1])),
                _ => Err(format!(
                    "line {line}: machine {} is not below the {machines} machines",
                    pair[0]
                )),
            })
            .collect::<Result<Vec<_>, _>>()?;
        shop.jobs.push(steps);
    }
    if shop.jobs.len() as u64 != jobs {
        return Err(format!("{jobs} jobs announced, {} found", shop.jobs.len()));
    }
    Ok(shop)
}

impl JobShop {
    /// The scheduling problem: one machine per job-shop machine (capacity 1, no setup),
    /// one operation per step with a batch key of its own, precedences along each job.
    pub fn to_problem(&self) -> Problem {
        let machines = (0..self.machines)
            .map(|m| Machine {
                name: format!("m{m}"),
                ..Machine::default()
            })
            .collect();
        let mut operations = Vec::new();
        let mut precedences = Vec::new();
        for job in &self.jobs {
            for (step, &(machine, duration)) in job.iter().enumerate() {
                if step > 0 {
                    precedences.push((operations.len() - 1, operations.len()));
                }
                operations.push(Operation {
                    machine: Some(machine),
                    duration_s: duration as f64,
                    batch_key: operations.len() as u64,
                    setpoint_k: None,
                    max_wait_s: None,
                });
            }
        }
        Problem {
            machines,
            operations,
            precedences,
            in_situ: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_converts_a_small_instance() {
        let shop = parse("# two jobs\n2 2\n0 3 1 2\n\n1 4 0 1\n").expect("valid instance");
        assert_eq!(
            shop,
            JobShop {
                machines: 2,
                jobs: vec![vec![(0, 3), (1, 2)], vec![(1, 4), (0, 1)]]
            }
        );
        let problem = shop.to_problem();
        assert_eq!(problem.operations.len(), 4);
        assert_eq!(problem.precedences, vec![(0, 1), (2, 3)]);
        assert_eq!(problem.operations[2].machine, Some(1));
        assert_eq!(problem.operations[2].duration_s, 4.0);
    }

    #[test]
    fn rejects_malformed_instances_with_the_line() {
        assert!(parse("").is_err());
        assert_eq!(
            parse("1 2 3\n").unwrap_err(),
            "line 1: expected `jobs machines`, found `1 2 3`"
        );
        assert_eq!(
            parse("1 2\n0 3 2 1\n").unwrap_err(),
            "line 2: machine 2 is not below the 2 machines"
        );
        assert_eq!(
            parse("1 2\n0 3 1\n").unwrap_err(),
            "line 2: expected `machine duration` pairs, found an odd count of numbers"
        );
        assert_eq!(parse("2 2\n0 3 1 1\n").unwrap_err(), "2 jobs announced, 1 found");
        assert_eq!(parse("1 2\n0 x\n").unwrap_err(), "line 2: `x` is not a whole number");
    }
}
