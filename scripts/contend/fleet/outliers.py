"""Node outliers: within one machine class, a node whose results sit outside
the class's spread. A node in a fleet is misconfigured, throttled or noisy
more often than people think; the check is only as good as its false-alarm
rate (docs/fleet.md measures it on repeated runs of one build on one
machine, the committed A/A runs, as "nodes": none named).

Per node n and instance i, on the instances every node of the class
measured without error (the eligible ones: no error, no latency-only row):
    d[n, i] = log(median[n, i]) - median over all nodes m of log(median[m, i])
the node's gap to its class on that instance (the median over all nodes:
robust to one node off, which a leave-one-out median of two is not). Two ways to be off:
- level: the node's shift, the median of d[n, :] over instances, is at
  least LEVEL_FLOOR (a throttled or misconfigured node is off on most
  instances, so its median gap is too), and it stands out from the other
  nodes' shifts by Z_SPREAD times their robust spread (MAD) where there are
  enough of them to have one (3 or more);
- noise: the node's typical between-round spread (median over instances of
  the sd of its round medians' logs) is at least NOISE_FACTOR times the
  class's (the median over its nodes) and at least NOISE_FLOOR (a node with a busy
  neighbour, an interrupt storm).
Both need 3 nodes or more: of two nodes that differ, neither can be named.
The evidence: on how many instances the node is off in the direction of
its shift, and the instances where it is furthest that way, by how much,
against what spread (the other nodes' spread on that instance, sd of logs).
Not guaranteed: a node off on a few instances only (one broken impl) while
its median gap stays small is not named here; its instances head its
evidence list.
"""
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core import instance_summary, schema

# Set on the committed A/A runs of one build on one machine (docs/fleet.md,
# false_alarms.py): in fleets drawn from the 40 calm 1-round runs the
# largest |shift| was 9.9%, from 13 3-round nodes 6.0%, and no node's
# between-round spread reached 11%; the floors sit above both, and a node
# 20% slow is named in 82-100% of such fleets.
LEVEL_FLOOR = math.log(1.15)
Z_SPREAD = 5.0
NOISE_FACTOR = 2.5
NOISE_FLOOR = 0.15
MIN_NODES = 3
EVIDENCE = 3


@dataclass
class NodeVerdict:
    node: str
    shift: float            # median gap, log scale (exp(shift) = ratio to the class)
    noise: float            # median between-round sd of logs
    level_outlier: bool = False
    noise_outlier: bool = False
    evidence: list = field(default_factory=list)   # [(instance label, ratio, spread)]
    same_direction: int = 0   # instances whose gap has the sign of the shift

    @property
    def outlier(self):
        return self.level_outlier or self.noise_outlier


@dataclass
class ClassCheck:
    machine_id: str
    nodes: list             # [NodeVerdict]
    instances: int          # how many instances every node measured
    note: str = ""          # why nothing could be judged, if so
    shift_spread: float = float("nan")   # robust sd of the nodes' shifts

    def outliers(self):
        return [v for v in self.nodes if v.outlier]


def _label(key):
    row = dict(zip(schema.INSTANCE, key))
    params = f"[{row['params']}]" if row.get("params") else ""
    return (f"{row['family']}/{row['benchmark']}{params} {row['impl']} {row['mode']} "
            f"threads={row['threads']} {row['placement']}")


def matrices(summaries):
    """(log medians, between-round sds): instances x nodes, on the
    instances every node measured (eligible on every node)."""
    logs, sds = {}, {}
    for node, summary in summaries.items():
        ok = summary.loc[instance_summary.eligible(summary) & (summary["median"] > 0)]
        index = pd.MultiIndex.from_frame(ok[schema.INSTANCE])
        logs[node] = pd.Series(np.log(ok["median"].to_numpy()), index=index)
        sds[node] = pd.Series(ok["between_sd"].to_numpy(dtype=float), index=index)
    return pd.DataFrame(logs).dropna(), pd.DataFrame(sds)


def _median_known(values):
    known = [v for v in values if not math.isnan(v)]
    return float(np.median(known)) if known else float("nan")


def _robust_sd(values):
    values = np.asarray(values, dtype=float)
    if len(values) < 3:
        return float("nan")
    return float(1.4826 * np.median(np.abs(values - np.median(values))))


def check(machine_id, summaries):
    """ClassCheck of one class; summaries: {node: instance_summary frame}."""
    nodes = list(summaries)
    if len(nodes) < MIN_NODES:
        return ClassCheck(machine_id, [], 0, f"{len(nodes)} node{'s' if len(nodes) != 1 else ''}"
                          f": an outlier needs {MIN_NODES} or more to be told from the rest")
    logs, sds = matrices(summaries)
    return judge(machine_id, logs, sds)


def judge(machine_id, logs, sds):
    """ClassCheck from matrices(): log medians and between-round sds,
    instances x nodes (rows with a missing median are left out)."""
    logs = logs.dropna()
    nodes = list(logs.columns)
    if not len(logs):
        return ClassCheck(machine_id, [], 0, "no instance every node measured without error")
    # The class's median over every node, the node itself included: with 3
    # nodes, a leave-one-out median would be the mean of the other two, and
    # one slow node would make both others look fast.
    center = logs.median(axis=1)
    gaps = {n: logs[n] - center for n in nodes}
    shifts = {n: float(gaps[n].median()) for n in nodes}
    # NaN for a node of 1-round runs: no between-round spread, no noise check.
    noise = {n: float(sds[n].reindex(logs.index).median()) for n in nodes}
    class_noise = _median_known(list(noise.values()))
    verdicts = []
    for n in nodes:
        others = [shifts[m] for m in nodes if m != n]
        spread = _robust_sd(others)
        stands_out = math.isnan(spread) or abs(shifts[n] - np.median(others)) >= Z_SPREAD * spread
        v = NodeVerdict(n, shifts[n], noise[n],
                        level_outlier=abs(shifts[n]) >= LEVEL_FLOOR and stands_out,
                        noise_outlier=(noise[n] >= NOISE_FLOOR and
                                       noise[n] >= NOISE_FACTOR * class_noise))
        v.evidence = _evidence(gaps[n], logs.drop(columns=n), shifts[n])
        v.same_direction = int(((gaps[n] * shifts[n]) > 0).sum())
        verdicts.append(v)
    return ClassCheck(machine_id, verdicts, len(logs), shift_spread=_robust_sd(list(shifts.values())))


def _evidence(gap, others, shift):
    """The EVIDENCE instances where the node is furthest from its class in
    the direction of its shift (a slow node's slowest instances)."""
    direction = -1.0 if shift < 0 else 1.0
    top = (gap * direction).sort_values(ascending=False).index[:EVIDENCE]
    spread = others.std(axis=1, ddof=1)
    return [(_label(key), float(math.exp(gap[key])), float(spread[key])) for key in top]
