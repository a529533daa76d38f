"""A fleet's folder and its manifest, fleet.json.

    <results>/<fleet_id>/
        fleet.json                  this manifest
        jobs/<node>-<job>.out       the job's console (sbatch -o)
        jobs/<node>-<job>.state     the job's own record, one line per step
                                    (job_files.py): what status reads when
                                    Slurm has forgotten the job
        runs/<machine_id>/<run_id>/ each job's bench_all run; its machine.json
                                    names the job ("slurm": job id, node, cpuset)

The manifest: fleet id, commit, the command, what was asked (partition,
constraint, node list, bench_all flags, a prebuilt bench folder if any),
and per node its attempts, oldest first: job id and submit time, or why the
node was not submitted (unavailable). retry appends an attempt; nothing is
ever removed, so every job a fleet ran can be traced to its files.
Written whole to a temporary file and renamed: never half a manifest.
"""
import datetime
import json
import secrets
from pathlib import Path

from ..core import repo
from ..core.cli import UsageError

FILE = "fleet.json"
DEFAULT_ROOT = repo.ROOT / "fleets"
VERSION = 1


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id():
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(2)}"


def create(results_root, fields):
    """A new fleet folder under results_root; returns (folder, manifest)."""
    fleet_id = new_id()
    folder = Path(results_root).absolute() / fleet_id
    (folder / "jobs").mkdir(parents=True)
    (folder / "runs").mkdir()
    manifest = {"version": VERSION, "fleet_id": fleet_id, "created_utc": utc_now(),
                **fields, "nodes": {}}
    save(folder, manifest)
    return folder, manifest


def save(folder, manifest):
    path = Path(folder) / FILE
    tmp = path.with_name(FILE + ".part")
    tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def resolve(fleet):
    """A fleet folder from what the user typed: a folder holding fleet.json,
    or a fleet id under the default root."""
    for candidate in (Path(fleet), DEFAULT_ROOT / fleet):
        if (candidate / FILE).is_file():
            return candidate.absolute()
    raise UsageError(f"no fleet {fleet!r}: neither {fleet}/{FILE} nor "
                     f"{DEFAULT_ROOT / fleet / FILE} exists")


def load(folder):
    path = Path(folder) / FILE
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise UsageError(f"{path}: not a fleet manifest ({e})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("nodes"), dict):
        raise UsageError(f"{path}: not a fleet manifest (no nodes)")
    return manifest


def add_attempt(manifest, node, job_id=None, unavailable=""):
    """Records one attempt at a node: a submitted job, or why there was none."""
    attempt = {"submitted_utc": utc_now()}
    if job_id is not None:
        attempt["job_id"] = job_id
    else:
        attempt["unavailable"] = unavailable
    manifest["nodes"].setdefault(node, {"attempts": []})["attempts"].append(attempt)
    return attempt


def latest(manifest, node):
    attempts = manifest["nodes"][node]["attempts"]
    return attempts[-1] if attempts else None


def job_name(manifest):
    """Every job of the fleet has this name (sbatch -J): how status tells
    them from other jobs with the same ids."""
    return f"contend-{manifest['fleet_id']}"


def job_ids(manifest):
    return [a["job_id"] for n in manifest["nodes"].values() for a in n["attempts"]
            if "job_id" in a]
