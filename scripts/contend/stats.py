"""The statistics behind the verdicts: medians, spread, tests, corrections.

Choices, and why:
- Medians, not means: a repetition that lost its core to another process is
  an outlier in one direction only; the median ignores it, the mean follows it.
- Mann-Whitney U, not a t-test: throughput samples are few (3-10), skewed and
  sometimes bimodal; a rank test assumes no distribution.
- One-sided ("candidate slower") for the gate: the gate only ever acts on a
  slowdown, so the one-sided test answers exactly its question, and at the
  sample sizes CI can afford it is the difference between a usable gate and
  none: with 5 vs 5 repetitions the smallest possible p-value is 1/252 = 0.004
  one-sided but 0.008 two-sided; with 3 vs 3 it is 0.05 vs 0.1 (so two-sided
  could never pass alpha = 0.05). Improvements get their own one-sided test.
- Holm, not Bonferroni: same family-wise error guarantee, uniformly more power.
"""
import math

import numpy as np
from scipy import stats as _scipy_stats


# Largest sample size per side for the exact Mann-Whitney U (fast up to here).
EXACT_UP_TO = 30


def median(values):
    values = _finite(values)
    return float(np.median(values)) if len(values) else math.nan


def cv(values):
    """Coefficient of variation (sample std / mean); 0 for fewer than 2 samples."""
    values = _finite(values)
    if len(values) < 2:
        return 0.0
    mean = float(np.mean(values))
    return float(np.std(values, ddof=1) / mean) if mean > 0 else math.nan


def geometric_mean(ratios):
    """Geometric mean of positive ratios (the right mean for 'x times faster')."""
    values = _finite(ratios)
    values = values[values > 0]
    return float(np.exp(np.mean(np.log(values)))) if len(values) else math.nan


def mann_whitney_p(candidate, baseline, alternative):
    """p-value of Mann-Whitney U that candidate is 'less' / 'greater' than baseline.

    `alternative` is scipy's: 'less' = candidate tends to be smaller (slower
    throughput), 'greater', or 'two-sided'. NaN when a side has no samples.
    """
    x, y = _finite(candidate), _finite(baseline)
    if len(x) == 0 or len(y) == 0:
        return math.nan
    both = np.concatenate([x, y])
    if np.ptp(both) == 0:
        return 1.0    # all samples identical: no evidence either way (scipy warns)
    # The exact distribution where it is cheap and valid (no ties): scipy's
    # "auto" switches to the normal approximation above 8 samples a side,
    # which at 9 vs 9 makes the smallest p 10x larger than it really is and
    # throws away exactly the power that pooled A/B rounds buy.
    exact = len(np.unique(both)) == len(both) and max(len(x), len(y)) <= EXACT_UP_TO
    return float(_scipy_stats.mannwhitneyu(x, y, alternative=alternative,
                                           method="exact" if exact else "asymptotic").pvalue)


def min_one_sided_p(n, m):
    """The smallest p-value a one-sided Mann-Whitney U can reach with n vs m
    samples (exact test, no ties): one arrangement out of C(n+m, n)."""
    if n <= 0 or m <= 0:
        return 1.0
    return 1.0 / math.comb(n + m, n)


def repetitions_needed(alpha, tests):
    """Fewest equal repetitions per side for which a one-sided Mann-Whitney U
    can pass Holm's first step (p <= alpha / tests) at all."""
    n = 1
    while min_one_sided_p(n, n) > alpha / max(tests, 1):
        n += 1
    return n


def holm(p_values):
    """Holm-Bonferroni adjusted p-values, in the input order.

    Sorted ascending, the i-th smallest (0-based) of m is multiplied by m - i;
    a running maximum keeps the adjusted values monotone, so "adjusted p <=
    alpha" rejects exactly the hypotheses Holm's step-down procedure rejects.
    NaN inputs stay NaN and do not count as tests.
    """
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, math.nan)
    tested = np.flatnonzero(~np.isnan(p))
    m = len(tested)
    running = 0.0
    for rank, i in enumerate(tested[np.argsort(p[tested], kind="stable")]):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return adjusted


def wilcoxon_less_p(log_ratios):
    """One-sided Wilcoxon signed-rank p that log ratios are centred below 0:
    the suite-wide test (many instances slower together). NaN under 5 values:
    with 4, even a unanimous slowdown has p = 1/16, not evidence."""
    values = _finite(log_ratios)
    values = values[values != 0]
    if len(values) < 5:
        return math.nan
    return float(_scipy_stats.wilcoxon(values, alternative="less").pvalue)


def _finite(values):
    array = np.asarray(values, dtype=float).ravel()
    return array[np.isfinite(array)]
