"""The Slurm commands the fleet uses, each parsed into plain values.

sinfo (nodes, their state and features), scontrol show hostnames (a node
list), sbatch --parsable (a job id), squeue -t all (every job the
controller still knows: pending, running, and finished ones for MinJobAge
seconds), sacct (finished jobs, where accounting is on). A command that is
missing or fails is a UsageError naming it and its last line; sacct on a
site without accounting is not an error: accounting() returns None.
The environment (SLURM_CONF...) is the caller's.
"""
import subprocess
from dataclasses import dataclass

from ..core.cli import UsageError

TIMEOUT_S = 60   # a hang guard: the controller answers in milliseconds

# Slurm's job states -> the fleet's (status.py). A batch job whose script
# exits non-zero is FAILED; the job script exits 0 whenever bench_all
# finished its run (errors are rows in it).
JOB_STATES = {
    "PENDING": "pending", "CONFIGURING": "pending", "REQUEUED": "pending",
    "REQUEUE_HOLD": "pending", "REQUEUE_FED": "pending", "SUSPENDED": "running",
    "RUNNING": "running", "COMPLETING": "running", "STAGE_OUT": "running",
    "RESIZING": "running", "SIGNALING": "running",
    "COMPLETED": "done",
    "CANCELLED": "cancelled", "TIMEOUT": "timed out", "DEADLINE": "timed out",
    "FAILED": "failed", "NODE_FAIL": "failed", "BOOT_FAIL": "failed",
    "OUT_OF_MEMORY": "failed", "PREEMPTED": "failed", "REVOKED": "failed",
    "SPECIAL_EXIT": "failed",
}
# sinfo states (long form, flags such as "*" stripped) in which a node
# runs nothing new: a job waiting for it would wait forever.
UNAVAILABLE = ("down", "drained", "draining", "drain", "fail", "failing", "future",
               "inval", "maint", "reboot_issued", "reboot_requested", "power_down",
               "powered_down", "powering_down", "unknown")


@dataclass
class Node:
    name: str
    state: str        # sinfo %T, e.g. "idle", "allocated", "drained", "down*"
    features: tuple
    reason: str

    def available(self):
        # "*" (not responding) alone is not a reason: a slurmd that missed a
        # ping under load answers the next one, and one that stays silent is
        # set DOWN after SlurmdTimeout, which is. A drained or down node is
        # never scheduled.
        return self.state.rstrip("*~#!%$@^-").lower() not in UNAVAILABLE

    def why_unavailable(self):
        return f"node {self.state}" + (f": {self.reason}" if self.reason not in ("", "none") else "")


def run(argv, env=None, check=True):
    try:
        done = subprocess.run(argv, capture_output=True, text=True, env=env,
                              timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise UsageError(f"{argv[0]} not found: is this a Slurm submit host? "
                         "(apt-get install slurm-client)") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"{argv[0]} did not answer in {TIMEOUT_S} s") from None
    if check and done.returncode != 0:
        raise UsageError(f"{' '.join(argv[:2])} failed: {last_line(done)}")
    return done


def last_line(done):
    lines = (done.stderr.strip() or done.stdout.strip()).splitlines()
    return lines[-1] if lines else f"exit status {done.returncode}"


def nodes(partition=None, env=None):
    """Every node of the partition (all partitions by default), sinfo order."""
    argv = ["sinfo", "-h", "-N", "-o", "%N|%T|%f|%E"] + (["-p", partition] if partition else [])
    found = {}
    for line in run(argv, env).stdout.splitlines():
        name, state, features, reason = (line.split("|", 3) + [""] * 4)[:4]
        # A node in two partitions is listed twice.
        found.setdefault(name, Node(name, state, tuple(f for f in features.split(",")
                                                         if f and f != "(null)"), reason))
    return list(found.values())


def hostnames(node_list, env=None):
    """"node[1-3],gpu7" -> ["node1", "node2", "node3", "gpu7"]."""
    return run(["scontrol", "show", "hostnames", node_list], env).stdout.split()


def submit(argv, env=None):
    """sbatch --parsable ARGV; returns the job id."""
    out = run(["sbatch", "--parsable"] + argv, env).stdout.strip()
    return out.split(";")[0]   # "id;cluster" on a multi-cluster site


@dataclass
class Job:
    job_id: str
    state: str     # Slurm's, e.g. PENDING, CANCELLED
    reason: str
    node: str


def queue(name, env=None):
    """{job id: Job} of the jobs named `name` that squeue still lists
    (finished ones too). By name, not id alone: another cluster, or this
    one after its state was reset, numbers its jobs from 1 again."""
    out = run(["squeue", "-h", "-t", "all", "-o", "%i|%T|%j|%r|%N"], env).stdout
    jobs = {}
    for line in out.splitlines():
        job_id, state, job_name, reason, node = (line.split("|", 4) + [""] * 5)[:5]
        if job_name == name:
            jobs[job_id] = Job(job_id, state.split()[0] if state else "", reason, node)
    return jobs


def accounting(job_ids, name, env=None):
    """{job id: Job} from sacct (jobs named `name`), or None where accounting
    is off (as on many small sites): the caller then reads the jobs' own files."""
    if not job_ids:
        return {}
    try:
        done = run(["sacct", "-n", "-P", "-X", "-o", "JobID,State,JobName,NodeList", "-j",
                    ",".join(job_ids)], env, check=False)
    except UsageError:
        return None
    if done.returncode != 0:
        return None
    jobs = {}
    for line in done.stdout.splitlines():
        job_id, state, job_name, node = (line.split("|", 3) + [""] * 4)[:4]
        if job_name == name:
            # "CANCELLED by 0" -> CANCELLED
            jobs[job_id] = Job(job_id, state.split()[0] if state else "", "", node)
    return jobs


def held(job):
    """A pending job that will not start by itself: held after a failed
    launch ("launch failed requeued held"), by its user or an administrator."""
    return "held" in job.reason.lower() or job.state in ("REQUEUE_HOLD",)


def cancel(job_ids, env=None):
    if job_ids:
        run(["scancel", *job_ids], env)


def fleet_state(job):
    """The fleet's word for a Slurm job state ("failed" for one it does not know)."""
    return JOB_STATES.get(job.state, "failed")
