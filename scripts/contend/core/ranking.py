"""Who is fastest at a point, and when nobody is: the one ranking every tool uses.

A *point* is one benchmark, params, mode, roles, placement and worker count in
one run (each caller names its key: compare aligns by load, the report and the
end-of-run table look at full load). At a point:

1. Candidates are the *eligible* instances (instance_summary.eligible: a number, no
   failed repetition or round, no lost updates, not an open-loop latency
   row, whose items/s is its offered schedule). Ineligible instances are
   listed in `excluded` with the reason, never ranked, never crowned.
2. They are ranked by their median (the median of their round medians).
   top = first, runner-up = second; margin = top median / runner-up median.
3. Evidence comes from rounds, never from repetitions (a process is the unit
   of evidence: repetitions inside one agree far better than processes do).
   stats.compare_rounds(top rounds, runner-up rounds, prior) gives the
   one-sided p that the top is faster and the margin's 95% interval. The log
   variance is shrunk toward a prior per family: the median, over the
   family's instances in the same run, of their between-round log variance
   (between_sd^2), worth PRIOR_DF = 4 degrees of freedom -- as much as two
   instances' own rounds at R = 3: a pair that happened to be tight in 3
   rounds cannot claim significance on its own 4 df, and a truly noisy pair
   still widens its own interval. Runs without rounds (schema version 1: one
   process per instance) have no between-round spread to learn from; they get
   ASSUMED_BETWEEN_SD (0.20; README, "Rounds: a process is the unit of
   evidence": 42% of instances move more than 20% between processes), so there only gaps of roughly 2x are
   named and closer calls are ties.
4. All points of one table are judged together: one test per point (top vs
   runner-up; one measurement drawn under two placements is one test, not
   two), p-values adjusted with Benjamini-Hochberg (stats.benjamini_hochberg).
5. The winner is named when q <= ALPHA *and* margin >= FLOOR (5%): a
   significant 1% lead is real but not worth a headline. Otherwise the point
   is a tie, and `tied` lists the top and every candidate whose gap to the
   top fails the same bar (its own p against the top above the table's BH
   cutoff, or a margin under the floor): "tie: a ~ b ~ c".

The top is chosen by the data, so for two truly equal impls the one-sided
test acts like a two-sided one at 2 x ALPHA; BH over the table, the floor,
and (in compare) requiring *both* machines to name a winner keep a false
"the winner changes" rare (tests/python/test_ranking.py measures it on A/A
pairs).
"""
import math

import numpy as np
import pandas as pd

from . import instance_summary, results, schema, stats

ALPHA = 0.05
FLOOR = 1.05
PRIOR_DF = 4.0
ASSUMED_BETWEEN_SD = 0.20
CONFIDENCE = 0.95

# Per point in rank()'s output, after the point key.
COLUMNS = ["status", "verdict", "winner", "top", "tied", "runner_up", "margin", "margin_low",
           "margin_high", "p", "q", "top_median", "top_index", "candidates", "excluded", "unstable"]
STATUSES = ("winner", "tie", "alone", "none")


class RoundSamples:
    """What ranking needs from one run besides its instance summary: every
    instance's round medians and each family's prior log variance."""

    def __init__(self, rounds, priors):
        self.rounds, self.priors = rounds, priors

    @classmethod
    def of(cls, run):
        """From a run (results.Run): its round medians and its summary's priors."""
        rounds = {}
        for key, rows in instance_summary.round_medians(run.df).groupby(schema.INSTANCE,
                                                                         sort=False):
            rounds[tuple(key)] = rows["value"].to_numpy(dtype=float)
        return cls(rounds, family_priors(instance_summary.of(run)))

    def values(self, row):
        """The round medians of a summary row (expanded rows use the
        placement they were measured under)."""
        key = tuple(_measured(row, c) for c in schema.INSTANCE)
        return self.rounds.get(key, np.array([]))

    def prior(self, family):
        return self.priors.get(family, ASSUMED_BETWEEN_SD ** 2)


def family_priors(summary):
    """family -> median between-round log variance of its instances with at
    least two rounds; families without any get ASSUMED_BETWEEN_SD^2.
    Open-loop latency instances do not count (results.open_loop): their
    items/s follows a schedule, and its spread says nothing about how much
    a measured throughput moves."""
    out = {}
    measured = summary.loc[~results.open_loop(summary)]
    for family, rows in measured.groupby("family", sort=False):
        sd = rows.loc[rows["rounds"] >= 2, "between_sd"].dropna()
        out[family] = float(np.median(sd ** 2)) if len(sd) else ASSUMED_BETWEEN_SD ** 2
    return out


def expand(summary):
    """instance_summary.expand_placements, remembering the placement each row was
    measured under (`measured_placement`) so its rounds are found and one
    measurement is tested once."""
    if "measured_placement" not in summary.columns:
        summary = summary.assign(measured_placement=summary["placement"])
    return instance_summary.expand_placements(summary)


def rank(summary, evidence, key, label="impl", alpha=ALPHA, floor=FLOOR, prior_df=PRIOR_DF):
    """One row per point (the distinct values of `key` in summary), with
    COLUMNS: see the module doc. `label` names a candidate (a column, "impl"
    by default); a label that repeats at a point keeps its best row only, so
    an impl never ties with itself under another placement or split.
    `top_index` is the top's row label in `summary`."""
    groups = list(summary.groupby(list(key), sort=True, dropna=False))
    judged = [_judge(point, rows, evidence, label, prior_df) for point, rows in groups]
    _adjust(judged, alpha)
    records = []
    for (point, _), j in zip(groups, judged):
        point = point if isinstance(point, tuple) else (point,)
        records.append({**dict(zip(key, point)), **_decide(j, floor)})
    return pd.DataFrame.from_records(records, columns=list(key) + COLUMNS)


def _judge(point, rows, evidence, label, prior_df):
    """The point's candidates in order and every test against the top."""
    why_not = instance_summary.ineligibility(rows)
    ok = why_not == ""
    excluded = sorted({f"{name} ({why})" for name, why in zip(rows.loc[~ok, label], why_not[~ok])})
    ranked = rows.loc[ok].sort_values("median", ascending=False, kind="stable")
    # One entry per label: a point key coarser than an instance keeps the best.
    ranked = ranked.drop_duplicates(subset=[label], keep="first")
    tests = []
    if len(ranked) >= 2:
        top = ranked.iloc[0]
        prior = evidence.prior(top["family"])
        top_values = evidence.values(top)
        for _, other in ranked.iloc[1:].iterrows():
            test = stats.compare_rounds(top_values, evidence.values(other), prior, prior_df,
                                        CONFIDENCE)
            test["margin"] = top["median"] / other["median"]
            tests.append(test)
    identity = None
    if len(ranked) >= 2:
        identity = tuple(_instance_id(ranked.iloc[i]) for i in (0, 1))
    return {"ranked": ranked, "label": label, "tests": tests, "excluded": excluded,
            "identity": identity}


def _instance_id(row):
    return tuple(_measured(row, c) for c in schema.INSTANCE)


def _measured(row, column):
    if column == "placement" and "measured_placement" in row.index:
        value = row["measured_placement"]
        if isinstance(value, str) and value:
            return value
    return row[column]


def _adjust(judged, alpha):
    """BH over the table's headline tests (top vs runner-up), one per
    distinct measurement pair; sets q per point and the table's p cutoff."""
    unique = {}
    for j in judged:
        if j["tests"]:
            unique.setdefault(j["identity"], j["tests"][0]["p_greater"])
    ids = list(unique)
    q = dict(zip(ids, stats.benjamini_hochberg([unique[i] for i in ids]))) if ids else {}
    m = sum(1 for i in ids if unique[i] == unique[i])
    rejected = sum(1 for i in ids if q[i] == q[i] and q[i] <= alpha)
    # p <= cutoff <=> rejected by BH for the headline tests; at least the
    # Bonferroni cutoff, so a far-behind third impl is not "tied" just
    # because nothing else at the table was significant.
    cutoff = max(rejected, 1) * alpha / max(m, 1)
    for j in judged:
        j.update(q=q.get(j["identity"], math.nan), cutoff=cutoff, alpha=alpha)


def _decide(j, floor):
    ranked, label, tests = j["ranked"], j["label"], j["tests"]
    excluded = ", ".join(j["excluded"])
    base = {c: math.nan for c in ["margin", "margin_low", "margin_high", "p", "q", "top_median"]}
    base.update(excluded=excluded, candidates=len(ranked), runner_up="", tied="", winner="",
                top="", top_index=None, unstable=False)
    if not len(ranked):
        return {**base, "status": "none", "verdict": "-"}
    top = ranked.iloc[0]
    # top_index: the top's row label in the caller's frame (its placement, roles...).
    base.update(top=top[label], top_median=top["median"], top_index=top.name,
                unstable=bool(top.get("unstable", False)))
    if len(ranked) == 1:
        return {**base, "status": "alone", "winner": top[label], "tied": top[label],
                "verdict": f"{top[label]} (only eligible)"}
    head = tests[0]
    runner = ranked.iloc[1]
    base.update(runner_up=runner[label], margin=head["margin"], margin_low=head["low"],
                margin_high=head["high"], p=head["p_greater"], q=j["q"],
                unstable=bool(top.get("unstable", False) or runner.get("unstable", False)))
    behind = [t["p_greater"] == t["p_greater"] and t["p_greater"] <= j["cutoff"]
              and t["margin"] >= floor for t in tests]
    tied = [top[label]] + [ranked.iloc[i + 1][label] for i, ok in enumerate(behind) if not ok]
    significant = j["q"] == j["q"] and j["q"] <= j["alpha"] and head["margin"] >= floor
    if significant and len(tied) == 1:
        return {**base, "status": "winner", "winner": top[label], "tied": top[label],
                "verdict": str(top[label])}
    if len(tied) == 1:        # the runner-up alone fails the bar: still a tie of two
        tied.append(runner[label])
    return {**base, "status": "tie", "tied": " ~ ".join(map(str, tied)),
            "verdict": "tie: " + " ~ ".join(map(str, tied))}



def top_row(rows, index):
    """The row a rank() table's `top_index` names in `rows`; None at a point
    where nothing was ranked."""
    if index is None or index != index:
        return None
    return rows.loc[index]


def ties(table):
    """How many points of a rank() table are ties."""
    return int((table["status"] == "tie").sum()) if len(table) else 0
