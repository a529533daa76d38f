"""One run folder from several runs of one build on one machine.

A/B mode pools each side's alternated runs, and the A/A tool (aa.py) pools
windows of them the same way, so what the gate judges in one is what it
judges in the other.
"""
import json
from pathlib import Path

import pandas as pd

from ..core import results, schema
from ..core.cli import UsageError


# run/state_probe.py's file (the gate does not import the run layer).
PROBE_FILE = "state_probe.csv"


def _probes(run):
    """The run's state_probe.csv as a frame, or None."""
    path = Path(run.run_dir) / PROBE_FILE
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype={"params": str}, keep_default_na=False)


def pool(run_dirs, out_dir, run_id):
    """One run folder from several: every process of every run becomes one
    round of the pooled run (rounds renumbered 0..n-1 per run, in order), so
    no two processes share a round. Complete only if every run was."""
    runs = [results.load_measured_run(d, "ab") for d in run_dirs]
    frames, offset, run_of_round, probes = [], 0, [], []
    for i, run in enumerate(runs):
        df = run.df.copy()
        probe = _probes(run)
        if probe is not None:
            probe["round"] = probe["round"] + offset
            probes.append(probe)
        df["round"] = df["round"] + offset
        top = df["round"].max()
        next_offset = (offset if pd.isna(top) else int(top)) + 1
        run_of_round += [i] * (next_offset - offset)
        offset = next_offset
        frames.append(df)
    pooled = pd.concat(frames, ignore_index=True)
    pooled["run_id"] = run_id
    machine_ids = sorted(set(pooled["machine_id"]))
    if len(machine_ids) > 1:
        raise UsageError(f"A/B rounds ran on different machines: {', '.join(machine_ids)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pooled[schema.COLUMNS].to_csv(out_dir / "results.csv", index=False)
    if probes:
        pd.concat(probes, ignore_index=True).to_csv(out_dir / PROBE_FILE, index=False)
    machine = dict(runs[0].machine)
    machine.pop("summary", None)    # it names the first run's results.csv, not this one
    machine.update(run_id=run_id, ab_rounds=[r.run_id for r in runs], run_of_round=run_of_round,
                   complete=all(r.machine.get("complete", True) is not False for r in runs))
    (out_dir / "machine.json").write_text(json.dumps(machine, indent=2) + "\n")
    return results.load_run(out_dir)
