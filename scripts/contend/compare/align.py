"""Several machines' runs aligned point by point, and who wins at each point.

Benchmarks are aligned on their identity (family, benchmark, params, impl,
mode, producers, consumers, placement) and on the worker count twice over:
- by load, threads / cores of that machine (50%, 100%, and "over" for the
  oversubscribed point): full machine against full machine. Producers and
  consumers grow with the load (1p1c on 2 cores is 8p8c on 16), so here they
  are matched by their shape (p=c, 1 producer, 1 consumer, ratio) instead;
- by absolute workers: the same threads, producers and consumers.
Per machine: median throughput with its 95% interval across rounds, ratio to
the first run, throughput per busy core (items/s / min(workers, cores)),
scaling efficiency; and the ranking at every aligned point on every machine
(ranking.py), answering "does the winner change with the hardware?": only
where every machine names a winner and they differ. A tie anywhere is not a
change.

Alignment uses instance_summary.expand_placements: a machine where compact
and scatter give the same worker->PU map measured it once and stands for
both, so it still lines up with a machine that measured the two apart (the
ranking tests that one measurement once).
"""
from ..core import instance_summary, ranking, scaling, schema
from ..report import figures

VALUES = ["threads", "producers", "consumers", "median", "ci_low", "ci_high", "rounds",
          "unstable", "per_core", "efficiency", "oversubscribed", "errors"]
# What names one instance under each alignment (the point column comes last).
ALIGN_KEY = {"load": scaling.LINE + ["shape", "load"],
             "threads": schema.INSTANCE}


def machine_points(run):
    """Per-instance numbers of one run, one row per placement each stands for
    (instance_summary.expand_placements), plus the columns the alignment needs."""
    expanded = scaling.with_roles(ranking.expand(instance_summary.of(run)))
    cores = run.cores
    return expanded.assign(
        # After expanding: a line that shares its first point with the
        # other placement still starts there.
        efficiency=scaling.scaling_efficiency(expanded),
        per_core=expanded["median"] / expanded["threads"].clip(upper=cores),
        load=[("over" if o else f"{t / cores:.4g}")
              for t, o in zip(expanded["threads"], expanded["oversubscribed"])],
        shape=[scaling.role_shape(p, c) for p, c in zip(expanded["producers"], expanded["consumers"])],
    )


def unique_labels(runs):
    labels = [r.label for r in runs]
    return [f"{l} ({r.run_id})" if labels.count(l) > 1 else l for l, r in zip(labels, runs)]


def align(points, by):
    """Inner join of every machine's points on ALIGN_KEY[by] (by = load | threads).

    Columns: the key, then VALUES suffixed _0, _1, ... (one per machine) and
    ratio_i = median_i / median_0.
    """
    key = ALIGN_KEY[by]
    merged = None
    for i, p in enumerate(points):
        part = p[key + [c for c in VALUES + ["load"] if c not in key]]
        part = part.rename(columns={c: f"{c}_{i}" for c in part.columns if c not in key})
        merged = part if merged is None else merged.merge(part, on=key, how="inner")
    for i in range(len(points)):
        merged[f"ratio_{i}"] = merged[f"median_{i}"] / merged["median_0"]
    return _sorted(merged, key)


# Row order of the tables: a reader scans one benchmark and mode at a time.
SORT_ORDER = ["benchmark", "params", "mode", "impl", "shape", "producers", "consumers",
              "placement"]


def _sorted(df, key):
    """Families in schema order, then SORT_ORDER, the point (last key) numerically."""
    columns = [c for c in SORT_ORDER if c in key]
    order = sorted(range(len(df)), key=lambda j: (
        figures.family_rank(df["family"].iloc[j]),
        tuple(df[c].iloc[j] for c in columns), _point_order(df[key[-1]].iloc[j])))
    return df.iloc[order].reset_index(drop=True)


def _point_order(value):
    if value == "over":
        return float("inf")
    return float(value)


# Per machine in winners(): rank()'s columns kept, suffixed _0, _1, ...
WINNER_COLUMNS = ["status", "verdict", "winner", "tied", "runner_up", "margin", "margin_low",
                  "margin_high", "p", "q", "unstable", "excluded"]


def winners(points, evidence, by="load"):
    """Per aligned point (ALIGN_KEY[by] without impl) the ranking on every
    machine (ranking.rank, BH over that machine's points), and `changes`:
    every machine names a significant winner and they are not all the same.
    `tie`: at least one machine has no significant winner there.

    Only impls eligible on every machine at that point compete: a machine
    whose run skipped (or broke) the real winner must not make the winner
    "change". Ineligible impls stay in the rows so `excluded` names them.
    """
    key = [c for c in ALIGN_KEY[by] if c != "impl"]
    everywhere = set.intersection(*[_tuples(p.loc[instance_summary.eligible(p)], key + ["impl"])
                                    for p in points])
    tables = []
    for i, (p, ev) in enumerate(zip(points, evidence)):
        keep = [t in everywhere or not ok for t, ok in
                zip(p[key + ["impl"]].itertuples(index=False, name=None), instance_summary.eligible(p))]
        shared = p.loc[keep]
        # Points where something competes everywhere; rows of other points
        # would only add tests to this machine's BH family.
        competing = _tuples(shared.loc[instance_summary.eligible(shared)], key)
        shared = shared.loc[[t in competing for t in shared[key].itertuples(index=False, name=None)]]
        ranked = ranking.rank(shared, ev, key).set_index(key)[WINNER_COLUMNS]
        tables.append(ranked.rename(columns=lambda c: f"{c}_{i}"))
    merged = tables[0]
    for table in tables[1:]:
        merged = merged.join(table, how="inner")
    merged = merged.reset_index()
    statuses = [merged[f"status_{i}"] for i in range(len(points))]
    names = [merged[f"winner_{i}"] for i in range(len(points))]
    merged["changes"] = [all(s == "winner" for s in st) and len(set(w)) > 1
                         for st, w in zip(zip(*statuses), zip(*names))]
    merged["tie"] = [any(s == "tie" for s in st) for st in zip(*statuses)]
    return _sorted(merged, key)


def _tuples(df, columns):
    return set(df[columns].itertuples(index=False, name=None))
