"""Each node of a fleet: pending, running, done, failed, timed out,
cancelled, or unavailable (its node is down or drained: nothing to wait for).

Per node, its latest attempt (manifest.py) is judged from, in turn:
1. squeue -t all: the jobs the controller knows (finished ones for
   MinJobAge seconds, 300 by default);
2. sacct, where accounting is on;
3. the job's own record, jobs/<node>-<job>.state (fleet_job.sh), where
   Slurm has forgotten the job and accounting is off.
A pending job whose node is down or drained is "unavailable": Slurm would
hold it until an administrator brings the node back. A job is "done" only
when its run folder exists (runs/*/*/machine.json naming the job); the run
of a job that did not finish stays on disk and is named as evidence, but
nothing counts it.
"""
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import manifest, slurm
from ..core.cli import UsageError

FINISHED = ("done",)
STILL_GOING = ("pending", "running")
ORDER = ("pending", "running", "done", "failed", "timed out", "cancelled", "unavailable")


@dataclass
class NodeStatus:
    node: str
    state: str
    job_id: str = ""
    detail: str = ""
    run_dir: Path = None
    # Runs of earlier, unfinished attempts at this node (kept, never counted).
    partial_runs: list = field(default_factory=list)


def job_record(folder, node, job_id):
    """The job's own lines: {"started": ..., "built": ..., "ended": status,
    "failed": why, "signalled": ...}, each step's text after its time stamp."""
    path = Path(folder) / "jobs" / f"{node}-{job_id}.state"
    record = {}
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return record
    for line in lines:
        parts = line.split(" ", 2)
        if len(parts) >= 2:
            record[parts[1]] = parts[2] if len(parts) > 2 else ""
    return record


def runs_by_job(folder):
    """{job id: run folder} of every run under the fleet's runs/."""
    found = {}
    for path in sorted(Path(folder, "runs").glob("*/*/machine.json")):
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        job = (info.get("slurm") or {}).get("job_id")
        if job:
            found[str(job)] = path.parent
    return found


def from_record(record):
    """(state, detail) from a job's own lines, when Slurm no longer knows it."""
    if "ended" in record:
        status = record["ended"].strip()
        if status in ("0", "1"):
            return "done", ""
        if "signalled" in record:
            return "cancelled", f"ended by SIGTERM (bench_all status {status}): scancel or the time limit"
        return "failed", f"bench_all exit status {status}"
    if "failed" in record:
        return "failed", record["failed"]
    if "started" in record:
        return "failed", "started but never ended (killed, or its node failed)"
    return "failed", "Slurm no longer knows the job and it left no record (never started?)"


def judge(folder, mf, node, jobs, accounted, nodes, runs):
    """One node's NodeStatus."""
    attempts = mf["nodes"][node]["attempts"]
    partial = [runs[a["job_id"]] for a in attempts[:-1] if a.get("job_id") in runs]
    last = attempts[-1]
    here = nodes.get(node)
    if "job_id" not in last:
        why = here.why_unavailable() if here and not here.available() else last["unavailable"]
        return NodeStatus(node, "unavailable", "", f"not submitted: {why}", None, partial)
    job_id = last["job_id"]
    record = job_record(folder, node, job_id)
    job = jobs.get(job_id) or (accounted or {}).get(job_id)
    if job is not None:
        state, detail = slurm.fleet_state(job), job.reason if job.reason not in ("None", "") else ""
        if state == "pending" and here is not None and not here.available():
            state, detail = "unavailable", f"job pending on a {here.why_unavailable()}"
        elif state == "pending" and slurm.held(job):
            # Held (a failed launch, an administrator): it never starts by
            # itself. retry cancels it before submitting again.
            state, detail = "failed", f"held by Slurm: {job.reason}"
        elif state == "done" and record.get("ended", "0").strip() not in ("0", "1"):
            state, detail = from_record(record)
        elif state not in STILL_GOING and state != "done" and "failed" in record:
            detail = record["failed"]
    else:
        state, detail = from_record(record)
    run_dir = runs.get(job_id)
    if state == "done" and run_dir is None:
        state, detail = "failed", "the job ended but wrote no run under runs/"
    if state != "done" and run_dir is not None:
        partial.append(run_dir)
        run_dir = None
    return NodeStatus(node, state, job_id, detail, run_dir, partial)


def of_fleet(folder, env=None, offline_ok=False):
    """(manifest, [NodeStatus] of every node in the manifest, in its order).
    offline_ok: where Slurm does not answer (the fleet is read elsewhere,
    later), judge from the jobs' own records alone."""
    mf = manifest.load(folder)
    name = manifest.job_name(mf)
    try:
        jobs = slurm.queue(name, env)
        nodes = {n.name: n for n in slurm.nodes(env=env)}
        reachable = True
    except UsageError:
        if not offline_ok:
            raise
        jobs, nodes, reachable = {}, {}, False
    unknown = [j for j in manifest.job_ids(mf) if j not in jobs]
    accounted = slurm.accounting(unknown, name, env) if unknown and reachable else {}
    runs = runs_by_job(folder)
    return mf, [judge(folder, mf, node, jobs, accounted, nodes, runs) for node in mf["nodes"]]


def table(statuses):
    """(header, rows) for tables.text_table."""
    rows = [[s.node, s.state, s.job_id or "-", _run_text(s), s.detail] for s in statuses]
    return ["node", "state", "job", "run", "detail"], rows


def _run_text(s):
    if s.run_dir is not None:
        return f"{s.run_dir.parent.name}/{s.run_dir.name}"
    if s.partial_runs:
        return f"(unfinished: {s.partial_runs[-1].name})"
    return "-"


def counts(statuses):
    """"2 done, 1 cancelled" in ORDER."""
    tally = {}
    for s in statuses:
        tally[s.state] = tally.get(s.state, 0) + 1
    return ", ".join(f"{tally[k]} {k}" for k in ORDER if k in tally)
