"""A/A: how often does the gate cry wolf on real runs of one build?

Two designs, both judged exactly as the gate judges them:

* separate: every pair of the given runs is one baseline/candidate pair
  (what `scripts/regress BASE CAND` sees when both were made apart);
* alternated, N a side: the runs, in the order they were made, are cut into
  windows of 2N consecutive runs; each window is assigned A B B A A B ... as
  A/B mode alternates its builds, each side pooled (pooled_run.pool), then
  judged (what `scripts/ab` sees, with the same build on both sides).

Windows overlap (consecutive windows share runs), so their verdicts are not
independent: a count over windows is evidence, not a rate.
"""
import itertools
import tempfile
from pathlib import Path

from . import pooled_run


def separate_pairs(runs, judge):
    """[(label, verdict)] for every pair of runs."""
    return [(f"{a.run_id} vs {b.run_id}", judge(a, b)) for a, b in itertools.combinations(runs, 2)]


def alternation_sides(n):
    """Side of each of n consecutive runs: A B B A A B B A ... (the first
    side swaps every pair, as ab.alternation orders the builds)."""
    return ["A" if i % 4 in (0, 3) else "B" for i in range(n)]


def alternated_windows(runs, per_side, judge):
    """[(label, verdict)] for every window of 2 * per_side consecutive runs
    (ordered by run id, which starts with the UTC time the run began)."""
    runs = sorted(runs, key=lambda r: r.run_id)
    span = 2 * per_side
    out = []
    with tempfile.TemporaryDirectory(prefix="contend-aa-") as tmp:
        for start in range(len(runs) - span + 1):
            window = runs[start:start + span]
            sides = alternation_sides(span)
            pooled = {side: pooled_run.pool([r.run_dir for r, s in zip(window, sides) if s == side],
                                            Path(tmp) / f"{start}-{side}", f"aa-{start}-{side}")
                      for side in "AB"}
            out.append((f"runs {start + 1}-{start + span}", judge(pooled["A"], pooled["B"])))
    return out
