"""The machine's plan as contend_plan sees it: topology, ladder, placements, build.

`contend_plan --json` (built from impl/, using hwloc) is the one authority on
cores and placement; the Python side only reads what it says.
"""
import json
import os
import subprocess

from ..core.cli import UsageError

TOPOLOGY_FIELDS = ["source", "hwloc_version", "cpu_model", "packages", "numa_nodes",
                   "l3_caches", "cores", "pus", "smt", "allowed_cpuset"]
COUNT_FIELDS = ["packages", "numa_nodes", "l3_caches", "cores", "pus"]

# hwloc reads these to describe another machine; benchmarks must not run
# under them, because pinning would target PUs this machine does not have.
HWLOC_OVERRIDES = ["HWLOC_SYNTHETIC", "HWLOC_XMLFILE"]


def load(contend_plan, timeout=60):
    """Runs `contend_plan --json` and returns the checked plan dict."""
    try:
        done = subprocess.run([contend_plan, "--json"], capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        raise UsageError(f"{contend_plan} not found; build first "
                         "(cmake --build --preset release)") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"{contend_plan} --json did not finish in {timeout}s") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        # Its own one-line error (a bad HWLOC_* override, say) is the message.
        own = f"{os.path.basename(contend_plan)}: error: "
        if last.startswith(own):
            raise UsageError(f"{os.path.basename(contend_plan)}: {last[len(own):]}")
        raise UsageError(f"{contend_plan} --json failed: {last}")
    return parse(done.stdout, contend_plan)


def parse(text, where="contend_plan"):
    try:
        plan = json.loads(text)
    except ValueError as e:
        raise UsageError(f"{where} --json printed malformed JSON: {e}") from None
    if not isinstance(plan, dict):
        raise UsageError(f"{where} --json did not print a JSON object")
    missing = [f for f in TOPOLOGY_FIELDS if f not in plan]
    if missing:
        raise UsageError(f"{where} --json lacks {', '.join(missing)}")
    for field in COUNT_FIELDS:
        if isinstance(plan[field], bool) or not isinstance(plan[field], int):
            raise UsageError(f"{where} --json: {field} is not a count")
    plan.setdefault("ladder", [])
    plan.setdefault("placements", {})
    plan.setdefault("build", {})
    return plan


def topology(plan):
    """The hardware fields of a plan (no ladder, placements or build)."""
    return {field: plan[field] for field in TOPOLOGY_FIELDS}
