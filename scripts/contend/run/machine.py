"""machine.json and machine_id: what machine and software produced a run.

machine_id = "<slug>-<hash8>": the slug is a short readable prefix from the
CPU model and core count ("xeon-8375c-2c"); hash8 is the first 8 hex digits of
sha256 over a canonical JSON of the hardware description. It is stable across
runs on one machine and changes when the hardware we may use changes (a
different CPU, or `taskset -c 0` shrinking the allowed cpuset).
"""
import hashlib
import json
import os
import platform
import re
import shutil
import socket
import subprocess
from pathlib import Path

from . import emulation, plan as plan_mod
from ..core import schema

# The fields that define "the same machine" for comparing results.
HARDWARE_FIELDS = ["cpu_model", "packages", "numa_nodes", "l3_caches", "cores",
                   "pus", "smt", "allowed_cpuset"]

# Words in CPU model strings that say nothing about which CPU it is.
_SLUG_NOISE = {"intel", "amd", "r", "tm", "cpu", "processor", "core", "with",
               "radeon", "graphics", "platinum", "gold", "silver", "bronze",
               "genuine", "authentic", "unknown", "apu"}


def cpu_model_from_cpuinfo(text):
    """The CPU model named in /proc/cpuinfo text, or None."""
    for key in ("model name", "Hardware", "cpu model", "Processor"):
        match = re.search(rf"^{re.escape(key)}\s*:\s*(.+?)\s*$", text, re.MULTILINE)
        if match:
            return match.group(1)
    return None


def read_cpuinfo():
    try:
        return Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def governor():
    try:
        text = Path("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor").read_text()
        return text.strip() or "unknown"
    except OSError:
        return "unknown"


def virtualization(cpuinfo_text):
    """systemd-detect-virt's answer ("none", "kvm", "docker", ...) when it
    exists; otherwise whether the CPU flags admit a hypervisor."""
    tool = shutil.which("systemd-detect-virt")
    if tool:
        try:
            # It exits 1 when it prints "none", so the output is the answer.
            done = subprocess.run([tool], capture_output=True, text=True, timeout=10)
            if done.stdout.strip():
                return done.stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            pass
    flags = re.search(r"^flags\s*:(.*)$", cpuinfo_text, re.MULTILINE)
    if flags and "hypervisor" in flags.group(1).split():
        return "unknown-hypervisor"
    return "none"


def _git(repo, *args):
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True,
                          text=True, timeout=30, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise OSError(done.stderr.strip())
    return done.stdout.strip()


def git_sha(repo):
    """Short HEAD sha, "-dirty" when tracked sources differ from it, "unknown"
    outside git. results/ is left out of the dirty check: adding a run there
    does not change the code that measured it. CONTEND_GIT_SHA, when set,
    wins: a run on a machine that got a copy of the tree without .git (a
    lent benchmark box) still names the commit it measured."""
    if os.environ.get("CONTEND_GIT_SHA"):
        return os.environ["CONTEND_GIT_SHA"]
    try:
        sha = _git(repo, "rev-parse", "--short", "HEAD")
        changes = _git(repo, "status", "--porcelain", "--", ".", ":(exclude)results")
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return sha + ("-dirty" if changes else "")


def hardware_description(cpu_model, plan):
    """The fields machine_id hashes, taken from /proc/cpuinfo and the plan.
    An emulated plan's machine is the emulated one, marked as such, so that
    its runs never share a machine_id with a real machine's."""
    hw = {field: plan[field] for field in HARDWARE_FIELDS if field != "cpu_model"}
    if plan.get("emulated"):
        hw["cpu_model"] = plan.get("cpu_model") or "unknown"
        hw["emulated"] = True
        return hw
    hw["cpu_model"] = cpu_model or plan.get("cpu_model") or "unknown"
    return hw


def slug(cpu_model, cores):
    """A short readable name: the distinctive words of the CPU model + cores."""
    text = re.sub(r"@.*$", "", (cpu_model or "").lower())   # drop "@ 2.90GHz"
    text = re.sub(r"\(\w+\)", " ", text)                      # drop (R), (TM)
    words = [w for w in re.split(r"[^a-z0-9-]+", text)
             if w and w not in _SLUG_NOISE and not re.fullmatch(r"\d+-core", w)]
    words = [w.strip("-") for w in words if w.strip("-")][:3]
    prefix = "-".join(words)[:24].strip("-") or "cpu"
    return f"{prefix}-{cores}c"


def machine_id(hw):
    canonical = json.dumps(hw, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:8]
    prefix = "emulated-" if hw.get("emulated") else ""
    return f"{prefix}{slug(hw['cpu_model'], hw['cores'])}-{digest}"


def describe(plan, *, run_id, quick, command, repo):
    """The machine.json dict for a run (machine_id included)."""
    cpuinfo = read_cpuinfo()
    hw = hardware_description(cpu_model_from_cpuinfo(cpuinfo), plan)
    info = {
        "schema_version": schema.SCHEMA_VERSION,
        "machine_id": machine_id(hw),
        "run_id": run_id,
        "hostname": socket.gethostname(),
        "cpu_model": hw["cpu_model"],
    }
    info.update({k: v for k, v in plan_mod.topology(plan).items() if k != "cpu_model"})
    info["hwloc_cpu_model"] = plan.get("cpu_model")
    if plan.get("emulated"):
        info["emulated"] = emulation.record(plan, cpu_model_from_cpuinfo(cpuinfo))
    info.update({
        "kernel": platform.release(),
        "governor": governor(),
        "virtualization": virtualization(cpuinfo),
        "build": plan.get("build", {}),
        "git_sha": git_sha(repo),
        "quick": quick,
        "command": command,
        "ladder": plan.get("ladder", []),
        "placements": plan.get("placements", {}),
    })
    if plan.get("core_kinds"):   # a hybrid machine's kinds, fastest first (docs/emulation.md)
        info["core_kinds"] = plan["core_kinds"]
    return info


def cpu_ranges(cpus):
    """[0, 1, 2, 5] -> "0-2,5" (the kernel's cpuset list format)."""
    parts, cpus = [], sorted(cpus)
    i = 0
    while i < len(cpus):
        j = i
        while j + 1 < len(cpus) and cpus[j + 1] == cpus[j] + 1:
            j += 1
        parts.append(str(cpus[i]) if i == j else f"{cpus[i]}-{cpus[j]}")
        i = j + 1
    return ",".join(parts)


def slurm_job(environ=None, allowed=None, node_cpus=None):
    """machine.json's "slurm" inside a Slurm job (None outside one): the job
    id, the node, the cpuset the job was given (this process's affinity: with
    task/affinity or cgroups, what Slurm allotted), and whether that is the
    whole node. hwloc plans for the allowed cpuset, so a job given part of a
    node plans for the part it got; this says that it did."""
    environ = os.environ if environ is None else environ
    if not environ.get("SLURM_JOB_ID"):
        return None
    allowed = sorted(os.sched_getaffinity(0)) if allowed is None else sorted(allowed)
    node_cpus = os.cpu_count() if node_cpus is None else node_cpus
    return {"job_id": environ["SLURM_JOB_ID"],
            "node": environ.get("SLURMD_NODENAME") or socket.gethostname(),
            "cluster": environ.get("SLURM_CLUSTER_NAME", ""),
            "partition": environ.get("SLURM_JOB_PARTITION", ""),
            "fleet_id": environ.get("CONTEND_FLEET_ID", ""),
            "cpuset": cpu_ranges(allowed), "cpus": len(allowed), "node_cpus": node_cpus,
            "whole_node": len(allowed) >= node_cpus}


def partial_node_text(slurm):
    """One line when the job got part of its node, else ""."""
    if not slurm or slurm["whole_node"]:
        return ""
    return (f"Slurm job {slurm['job_id']} on {slurm['node']} was given {slurm['cpus']} of the "
            f"node's {slurm['node_cpus']} CPUs (cpuset {slurm['cpuset']}): the plan is for "
            f"the {slurm['cpus']} it got, and its machine_id says so")


def write(path, info):
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)  # never leave a half-written machine.json
