"""Machine classes: a fleet's done nodes grouped by machine_id (same CPU
model and topology, the cpuset a job was given included), and one run per
class pooled from its nodes' runs, for compare's machinery.

A pooled run holds every round of every node of the class (rounds
renumbered so that no two share one): a class's number is the median over
all of them and its interval comes from their spread, so a class whose
nodes disagree gets a wide interval, not a false precision. Built in
memory (no summary.csv: instance_summary summarises it afresh); nothing is
written into the runs it reads.
"""
import pandas as pd

from ..core import results


def group(runs):
    """[(machine_id, [node, ...])] from {node: Run}: the biggest class first,
    then by machine_id; nodes in name order."""
    by_class = {}
    for node, run in runs.items():
        by_class.setdefault(run.machine_id, []).append(node)
    return sorted(((mid, sorted(nodes)) for mid, nodes in by_class.items()),
                  key=lambda item: (-len(item[1]), item[0]))


def pool(runs, run_id):
    """One Run from several runs of one machine class."""
    frames, offset = [], 0
    for run in runs:
        df = run.df.copy()
        df["round"] = df["round"].fillna(0).astype("int64") + offset
        offset = int(df["round"].max()) + 1 if len(df) else offset
        frames.append(df)
    pooled = pd.concat(frames, ignore_index=True)
    pooled["run_id"] = run_id
    machine = {k: v for k, v in runs[0].machine.items() if k not in ("summary", "slurm", "noise")}
    machine.update(run_id=run_id, complete=all(r.machine.get("complete", True) is not False
                                               for r in runs))
    return results.Run(df=pooled, machine=machine, csv_path=runs[0].csv_path)
