"""What scripts/regress and scripts/ab decide: the label of every instance
and the whole gate's Verdict. judge.py computes it, verdict_text.py
shows it; both read the vocabulary here.
"""
import math
from dataclasses import dataclass, field

import pandas as pd

from ..core.cli import EXIT_FAILURE, EXIT_OK

REGRESSION = "regression"
IMPROVEMENT = "improvement"
NEW_ERROR = "new error"
INVALID = "invalid throughput"
MISSING = "missing from candidate"
EXPECTED_TIMEOUT = "expected timeout"
SLOWER_NS = "slower, not significant"
FASTER_NS = "faster, not significant"
UNCHANGED = "unchanged"
ERROR_BOTH = "error in both"
ERROR_FIXED = "error fixed"
ONLY_BASELINE = "only in baseline"
ONLY_CANDIDATE = "only in candidate"
NOT_CONFIRMED = "slower, not confirmed"
# An open-loop latency row: its items/s is the offered schedule, not a
# throughput, so no speed is judged (its errors and absence still are).
OPEN_LOOP = "open loop, not judged"
# Verdicts that fail the gate wherever they appear (oversubscribed or not).
ALWAYS_GATING = {NEW_ERROR, INVALID, MISSING}


@dataclass
class Verdict:
    instances: pd.DataFrame            # one row per instance, see regress.judge()
    impls: pd.DataFrame                # one row per impl with >= 2 tested instances
    threshold: float
    alpha: float
    geomean: float = math.nan          # over gating instances
    shift: float = 1.0                 # the suite's shift as a ratio (exp of median d)
    suite_p: float = math.nan          # Bonferroni-adjusted (x 2), see judge_sides
    suite_regression: bool = False
    suite_threshold: float = math.nan
    baseline_kind: str = "rounds"      # or "runs" (history baseline)
    warnings: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    baseline_label: str = ""
    candidate_label: str = ""
    prior_df: float = math.nan         # the moderated t-tests' prior weight
    power: float = math.nan            # at which `mde` (the detectable slowdown) is stated

    @property
    def gating_failures(self):
        df = self.instances
        return df.loc[df["gating"]]

    @property
    def impl_failures(self):
        return self.impls.loc[self.impls["gating"]] if len(self.impls) else self.impls

    @property
    def exit_code(self):
        failed = len(self.gating_failures) or len(self.impl_failures) or self.suite_regression
        return EXIT_FAILURE if failed else EXIT_OK

    @property
    def detectable(self):
        """Median minimal detectable slowdown over the gating instances."""
        mde = self.instances.loc[~self.instances["oversubscribed"], "mde"].dropna()
        return float(mde.median()) if len(mde) else math.nan
