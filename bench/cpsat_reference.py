#!/usr/bin/env python3
"""A reference for the lab benchmark: the scheduling problem seipc exports, solved by
OR-Tools CP-SAT.

    seipc schedule lab.seip --export-problem problem.json [--json > heuristic.json]
    python3 bench/cpsat_reference.py problem.json --out schedule.json \
        [--hint heuristic.json] [--time-limit 60] [--workers 1]
    seipc verify-schedule problem.json schedule.json

It prints one line of JSON: the best makespan (of the plan written, in real seconds),
the bound, whether the plan is proven optimal, and the time. This is a measurement
tool, not a dependency: nothing in the crate or its tests runs it.

The rules are those of `seip::plan::schedule::verify` (spec/problem.schema.json):
- Steps continued in one chamber (`in_situ`) are fused into one operation, as
  `src/plan/schedule/fuse.rs` does: the chain lasts from the start of its first step to
  the end of its last, ramps between them included, and its loads are consecutive.
- Operations that may share a load form a class (tool, batch key, duration, setpoint,
  exit temperature). A class on a tool that takes more than one has one optional load
  slot per operation, in time order; each operation is in exactly one slot, a slot holds
  at most the capacity, and its operations start together.
- Loads on one tool do not overlap: each load holds the tool from its pump-down to its
  vent (an optional interval; no-overlap). On a tool that ramps, a circuit over its
  loads gives each load its predecessor, and the ramp from that predecessor's exit
  temperature (or the tool's initial one for the first load) is charged before the
  samples are placed (preheated) or after the pump-down (ramp inside).
- A load's pump-down starts once every sample is in: each operation starts at least
  the vent of its predecessor's tool, the pump-down of its own and (ramp inside) its
  load's ramp after the predecessor ends. A maximum wait bounds the successor's start.
- Not modelled exactly: a tool that ramps and also takes loads without a setpoint (the
  temperature then carries over such a load). The script refuses such a problem rather
  than solve a different one.

Times: the model runs on a grid of 1 / scale seconds (scale 1 when every time of the
problem is whole, else 1000). Every constant is rounded down and every maximum wait up,
so the grid version of any real plan (its start times rounded down) is a solution: the
model is a relaxation and its bound is a true lower bound. The plan it finds is then
timed in real seconds (the earliest start times for its loads and orders, by longest
paths with the waits as negative arcs) and that real plan is what is written and what
`best_s` reports; `proven` says its makespan is within the verifier's tolerance (1e-6)
of the bound.
"""

import argparse
import json
import math
import sys
import time
from collections import defaultdict

from ortools.sat.python import cp_model

EPS = 1e-9


def ramp(machine, frm, to):
    rate = machine.get("ramp_k_per_s")
    if rate is None or frm is None or to is None:
        return 0.0
    return abs(frm - to) / rate


class Fused:
    """The problem with in-situ chains fused into single operations (fuse.rs)."""

    def __init__(self, problem):
        self.machines = problem["machines"]
        for m in self.machines:
            m.setdefault("vent_s", 0.0)
            m.setdefault("ramp_inside", False)
            m.setdefault("initial_k", 298.15)
        ops = problem["operations"]
        n = len(ops)
        nxt = [None] * n
        has_prev = [False] * n
        for a, b in problem.get("in_situ", []):
            nxt[a] = b
            has_prev[b] = True
        self.orig = ops
        self.place = [None] * n  # (fused index, offset, phase)
        self.ops = []  # dicts: machine, duration, key, setpoint, exit, max_wait, phases
        keys = {}
        for head in range(n):
            if has_prev[head]:
                continue
            index = len(self.ops)
            m = ops[head]["machine"]
            machine = self.machines[m] if m is not None else None
            offset, temp, key, phases = 0.0, None, [], []
            op, phase = head, 0
            while True:
                o = ops[op]
                if phase > 0:
                    offset += ramp(machine, temp, o["setpoint_k"]) if machine else 0.0
                self.place[op] = (index, offset, phase)
                phases.append(op)
                offset += o["duration_s"]
                if o["setpoint_k"] is not None:
                    temp = o["setpoint_k"]
                key.append((o["batch_key"], o["duration_s"], o["setpoint_k"]))
                if nxt[op] is None:
                    break
                op = nxt[op]
                phase += 1
            if phase == 0:
                batch = ("step", ops[head]["batch_key"])
            else:
                batch = ("chain", keys.setdefault(tuple(key), len(keys)))
            self.ops.append(
                dict(
                    machine=m,
                    duration=offset,
                    key=batch,
                    setpoint=ops[head]["setpoint_k"],
                    exit=temp,
                    max_wait=ops[op]["max_wait_s"],
                    phases=phases,
                )
            )
        self.prec = []
        for a, b in problem["precedences"]:
            if nxt[a] == b:
                continue
            self.prec.append((self.place[a][0], self.place[b][0]))
        self.preds = defaultdict(list)
        for a, b in self.prec:
            self.preds[b].append(a)

    def vent_of(self, i):
        m = self.ops[i]["machine"]
        return self.machines[m]["vent_s"] if m is not None else 0.0

    def unfuse(self, fused_times, fused_load):
        """Original operations' (start, end, load): each phase of a fused load is its
        own load, numbered in time order on its machine."""
        n = len(self.orig)
        rows = []
        for op in range(n):
            index, offset, phase = self.place[op]
            start = fused_times[index] + offset
            rows.append([start, start + self.orig[op]["duration_s"], None])
        keys = []
        for op in range(n):
            index, offset, phase = self.place[op]
            if self.orig[op]["machine"] is not None:
                keys.append((self.orig[op]["machine"], fused_load[index], phase, op))
        keys.sort()
        number, last = 0, None
        for m, load, phase, op in keys:
            if last == (m, load, phase):
                pass
            elif last is not None and last[0] == m:
                number += 1
            else:
                number = 0
            last = (m, load, phase)
            rows[op][2] = number
        return rows


def whole(x):
    return abs(x - round(x)) < 1e-9


def build(fz, scale, horizon_s, hint=None):
    """The CP-SAT model on the grid. Returns (model, handles)."""
    ops, machines = fz.ops, fz.machines
    n = len(ops)
    fl = lambda s: int(math.floor(s * scale + 1e-6))
    cl = lambda s: int(math.ceil(s * scale - 1e-6))
    H = cl(horizon_s) + 1
    md = cp_model.CpModel()
    start = [md.NewIntVar(0, H, f"s{i}") for i in range(n)]
    mk = md.NewIntVar(0, H, "makespan")
    for i in range(n):
        md.Add(mk >= start[i] + fl(ops[i]["duration"]))

    # Ramp variables (ticks) of each operation's load on tools that ramp inside.
    ramp_of = [None] * n

    # Classes and slots.
    classes = defaultdict(list)
    for i, o in enumerate(ops):
        if o["machine"] is not None:
            classes[(o["machine"], o["key"], o["duration"], o["setpoint"], o["exit"])].append(i)
    slots = []  # dict(machine, cls, start, present(None=always), members{op: lit or None})
    for ckey, members in sorted(classes.items(), key=lambda kv: kv[1][0]):
        m = ckey[0]
        machine = machines[m]
        cap = machine["capacity"]
        d = ops[members[0]]["duration"]
        if cap == 1 or len(members) == 1:
            for i in members:
                slots.append(dict(machine=m, cls=ckey, start=start[i], present=None, members={i: None}, first=i))
            continue
        need = -(-len(members) // cap)
        # No load of a class needs to be emptier than... every slot past `need` optional.
        cycle = fl(d + machine["vent_s"] + machine["setup_s"] + ramp(machine, ckey[4], ckey[3]))
        prev = None
        x = {i: [] for i in members}
        for k in range(len(members)):
            S = md.NewIntVar(0, H, f"S{m}_{len(slots)}")
            present = None if k < need else md.NewBoolVar(f"u{len(slots)}")
            lits = {}
            for i in members:
                lit = md.NewBoolVar(f"x{i}_{len(slots)}")
                lits[i] = lit
                x[i].append(lit)
                md.Add(start[i] == S).OnlyEnforceIf(lit)
                if present is not None:
                    md.AddImplication(lit, present)
            md.Add(sum(lits.values()) <= cap)
            if present is None:
                # The first loads of a class are the plan's first: never empty.
                md.AddBoolOr(list(lits.values()))
                if prev is not None:
                    md.Add(S >= prev["start"] + cycle)
            else:
                md.AddBoolOr(list(lits.values()) + [present.Not()])
                md.Add(S == prev["start"]).OnlyEnforceIf(present.Not())
                if prev["present"] is not None:
                    md.AddImplication(present, prev["present"])
                md.Add(S >= prev["start"] + cycle).OnlyEnforceIf(present)
            slot = dict(machine=m, cls=ckey, start=S, present=present, members=lits, first=None)
            slots.append(slot)
            prev = slot
        for i in members:
            md.AddExactlyOne(x[i])

    # No overlap on every tool: a load holds it from its pump-down to its vent.
    by_machine = defaultdict(list)
    for index, slot in enumerate(slots):
        by_machine[slot["machine"]].append(index)
    for m, indices in by_machine.items():
        machine = machines[m]
        intervals = []
        for index in indices:
            slot = slots[index]
            d = slot["cls"][2]
            size = fl(machine["setup_s"]) + fl(d) + fl(machine["vent_s"])
            begin = md.NewIntVar(-H, H, "")
            md.Add(begin == slot["start"] - fl(machine["setup_s"]))
            if slot["present"] is None:
                intervals.append(md.NewIntervalVar(begin, size, begin + size, ""))
            else:
                intervals.append(md.NewOptionalIntervalVar(begin, size, begin + size, slot["present"], ""))
        if len(intervals) > 1:
            md.AddNoOverlap(intervals)
        for index in indices:
            md.Add(slots[index]["start"] >= fl(machine["setup_s"]))

    # Tools that ramp: a circuit gives each load its predecessor.
    for m, indices in by_machine.items():
        machine = machines[m]
        if machine.get("ramp_k_per_s") is None:
            continue
        setpoints = {slots[i]["cls"][3] for i in indices}
        if None in setpoints and len(setpoints) > 1:
            sys.exit(f"machine {m} ({machine['name']}) ramps and has loads without setpoint: not modelled")
        if setpoints == {None}:
            continue
        inside = machine["ramp_inside"]
        arcs = []
        node = {index: k + 1 for k, index in enumerate(indices)}
        R = {}
        if inside:
            for index in indices:
                R[index] = md.NewIntVar(0, H, "")
        for b in indices:
            sb = slots[b]
            first = md.NewBoolVar("")
            arcs.append((0, node[b], first))
            r0 = ramp(machine, machine["initial_k"], sb["cls"][3])
            md.Add(sb["start"] >= fl(machine["setup_s"] + r0)).OnlyEnforceIf(first)
            if inside:
                md.Add(R[b] == fl(r0)).OnlyEnforceIf(first)
            last = md.NewBoolVar("")
            arcs.append((node[b], 0, last))
            if sb["present"] is not None:
                arcs.append((node[b], node[b], sb["present"].Not()))
            for a in indices:
                if a == b:
                    continue
                sa = slots[a]
                if sa["cls"] == sb["cls"] and sa["first"] is None and b < a:
                    continue  # slots of a class are in time order
                lit = md.NewBoolVar("")
                arcs.append((node[a], node[b], lit))
                r = ramp(machine, sa["cls"][4], sb["cls"][3])
                gap = fl(sa["cls"][2] + machine["vent_s"] + machine["setup_s"] + r)
                md.Add(sb["start"] >= sa["start"] + gap).OnlyEnforceIf(lit)
                if inside:
                    md.Add(R[b] == fl(r)).OnlyEnforceIf(lit)
        md.AddCircuit(arcs)
        if inside:
            for index in indices:
                slot = slots[index]
                for i, lit in slot["members"].items():
                    if ramp_of[i] is None:
                        ramp_of[i] = md.NewIntVar(0, H, "")
                    if lit is None:
                        md.Add(ramp_of[i] == R[index])
                    else:
                        md.Add(ramp_of[i] == R[index]).OnlyEnforceIf(lit)

    # Precedences (arrival, pump-down, ramp inside) and maximum waits.
    for a, b in fz.prec:
        gap = ops[a]["duration"] + fz.vent_of(a)
        mb = ops[b]["machine"]
        if mb is not None:
            gap += machines[mb]["setup_s"]
        if ramp_of[b] is not None:
            md.Add(start[b] >= start[a] + fl(gap) + ramp_of[b])
        else:
            md.Add(start[b] >= start[a] + fl(gap))
        if ops[a]["max_wait"] is not None:
            md.Add(start[b] <= start[a] + cl(ops[a]["duration"] + ops[a]["max_wait"]))

    md.Minimize(mk)
    if hint is not None:
        apply_hint(md, fz, slots, start, mk, hint, scale)
    return md, dict(start=start, mk=mk, slots=slots, ramp_of=ramp_of)


def apply_hint(md, fz, slots, start, mk, hint, scale):
    """The heuristic's plan (seipc schedule --json) as a solution hint."""
    times = [None] * len(fz.ops)
    load = [None] * len(fz.ops)
    for op, row in enumerate(hint["operations"]):
        index, offset, phase = fz.place[op]
        if phase == 0:
            times[index] = row["start_s"]
            load[index] = row.get("load")
    fl = lambda s: int(math.floor(s * scale + 1e-6))
    for i, t in enumerate(times):
        md.AddHint(start[i], fl(t))
    md.AddHint(mk, fl(hint["makespan_s"]))
    # Slot k of a class: its k-th load in time order.
    by_class = defaultdict(list)
    for index, slot in enumerate(slots):
        by_class[slot["cls"]].append(index)
    for cls, indices in by_class.items():
        if slots[indices[0]]["first"] is not None:
            continue
        members = list(slots[indices[0]]["members"])
        loads = sorted({(times[i], load[i]) for i in members})
        rank = {l: k for k, l in enumerate(loads)}
        for k, index in enumerate(indices):
            slot = slots[index]
            md.AddHint(slot["start"], fl(loads[k][0]) if k < len(loads) else fl(loads[-1][0]))
            if slot["present"] is not None:
                md.AddHint(slot["present"], k < len(loads))
            for i, lit in slot["members"].items():
                md.AddHint(lit, rank[(times[i], load[i])] == k)


def complete_hint(md, workers):
    """Completes the hint (starts and loads) to every variable: CP-SAT's own repair of
    a partial hint can fail within the time limit on the larger files."""
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.max_time_in_seconds = 30.0
    solver.parameters.num_workers = workers
    if solver.Solve(md) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return
    values = list(solver.ResponseProto().solution)
    md.ClearHints()
    for index, value in enumerate(values):
        md.AddHint(md.GetIntVarFromProtoIndex(index), value)


def real_times(fz, loads, sequences):
    """Earliest real start times of fused operations for given loads (lists of fused
    operations) and machine sequences (lists of load indices): longest paths with
    the waits as negative arcs (Bellman-Ford). None if a wait cannot be met."""
    ops, machines = fz.ops, fz.machines
    n = len(ops)
    load_of = [None] * n
    for k, members in enumerate(loads):
        for i in members:
            load_of[i] = k
    # Nodes: loads, then operations without a load.
    node = [None] * n
    count = len(loads)
    for i in range(n):
        if load_of[i] is None:
            node[i] = count
            count += 1
        else:
            node[i] = load_of[i]
    edges = []  # (u, v, w): t[v] >= t[u] + w; u = -1 is the origin
    first_ramp = {}
    for m, seq in enumerate(sequences):
        machine = machines[m]
        temp = machine["initial_k"]
        prev = None
        for k in seq:
            o = ops[loads[k][0]]
            r = ramp(machine, temp, o["setpoint"])
            lead = machine["setup_s"] + r
            if prev is None:
                edges.append((-1, k, lead))
            else:
                po = ops[loads[prev][0]]
                edges.append((prev, k, po["duration"] + machine["vent_s"] + lead))
            first_ramp[k] = r if machine["ramp_inside"] else 0.0
            if o["exit"] is not None:
                temp = o["exit"]
            prev = k
    for a, b in fz.prec:
        gap = ops[a]["duration"] + fz.vent_of(a)
        mb = ops[b]["machine"]
        if mb is not None:
            gap += machines[mb]["setup_s"] + first_ramp[load_of[b]]
        edges.append((node[a], node[b], gap))
        if ops[a]["max_wait"] is not None:
            edges.append((node[b], node[a], -(ops[a]["duration"] + ops[a]["max_wait"])))
    t = [0.0] * count
    for _ in range(count + 1):
        changed = False
        for u, v, w in edges:
            base = 0.0 if u < 0 else t[u]
            if base + w > t[v] + 1e-9 * max(1.0, abs(t[v])):
                t[v] = base + w
                changed = True
        if not changed:
            return [t[node[i]] for i in range(n)], load_of
    return None


def solve(problem, hint, time_limit, workers, seed=0):
    t0 = time.time()
    fz = Fused(problem)
    times = [m.get("setup_s", 0) for m in fz.machines] + [m.get("vent_s", 0) for m in fz.machines]
    for o in fz.ops:
        times.append(o["duration"])
        if o["max_wait"] is not None:
            times.append(o["max_wait"])
        m = o["machine"]
        if m is not None:
            machine = fz.machines[m]
            times.append(ramp(machine, machine["initial_k"], o["setpoint"]))
            for p in fz.ops:
                if p["machine"] == m:
                    times.append(ramp(machine, p["exit"], o["setpoint"]))
    scale = 1 if all(whole(x) for x in times) else 1000
    horizon = hint["makespan_s"] if hint else sum(o["duration"] for o in fz.ops) + sum(times)
    md, h = build(fz, scale, horizon * 1.0 + 1.0, hint)
    if hint is not None:
        complete_hint(md, workers)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    if len(fz.ops) > 250:
        # CP-SAT's full presolve (probing) alone can outlast the limit on the larger files.
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.max_presolve_iterations = 1
    status = solver.Solve(md)
    bound = solver.BestObjectiveBound() / scale if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    if status == cp_model.INFEASIBLE:
        return dict(status="infeasible", time_s=time.time() - t0)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return dict(status=solver.StatusName(status), time_s=time.time() - t0)
    # The plan's loads and orders, timed in real seconds.
    loads, seq = [], [[] for _ in fz.machines]
    for slot in h["slots"]:
        if slot["present"] is not None and not solver.Value(slot["present"]):
            continue
        members = [i for i, lit in slot["members"].items() if lit is None or solver.Value(lit)]
        if not members:
            continue
        seq[slot["machine"]].append((solver.Value(slot["start"]), len(loads)))
        loads.append(members)
    sequences = [[k for _, k in sorted(s)] for s in seq]
    timed = real_times(fz, loads, sequences)
    out = dict(
        status=solver.StatusName(status),
        grid_makespan_s=solver.ObjectiveValue() / scale,
        bound_s=bound,
        scale=scale,
        time_s=round(time.time() - t0, 1),
        fused_ops=len(fz.ops),
        slots=len(h["slots"]),
    )
    if timed is None:
        out["plan"] = None
        return out
    fused_times, load_of = timed
    # Number fused loads in time order on each machine for unfusing.
    fused_load = [None] * len(fz.ops)
    for m, s in enumerate(sequences):
        for rank, k in enumerate(s):
            for i in loads[k]:
                fused_load[i] = rank
    rows = fz.unfuse(fused_times, fused_load)
    makespan = max((r[1] for r in rows), default=0.0)
    out["best_s"] = makespan
    out["proven"] = bool(status == cp_model.OPTIMAL and makespan <= bound + 1e-6 * max(makespan, 1.0))
    out["plan"] = dict(
        makespan_s=makespan,
        lower_bound_s=min(bound, makespan),
        operations=[dict(start_s=r[0], end_s=r[1], load=r[2]) for r in rows],
    )
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("problem")
    ap.add_argument("--out", help="write the plan here (verify-schedule's JSON)")
    ap.add_argument("--hint", help="a schedule (seipc schedule --json) to start from")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    with open(args.problem) as f:
        problem = json.load(f)
    hint = None
    if args.hint:
        with open(args.hint) as f:
            hint = json.load(f)
    out = solve(problem, hint, args.time_limit, args.workers, args.seed)
    plan = out.pop("plan", None)
    if args.out and plan is not None:
        with open(args.out, "w") as f:
            json.dump(plan, f)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
