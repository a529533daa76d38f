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

Rounds (a process is the unit of evidence):
- Repetitions inside one process share its address-space layout, its page
  placement and the machine's mood of that second; they agree with each other
  far better than with the next process. So every round-level statistic here
  takes one number per round (the median of its repetitions) as one sample.
- Intervals and tests work on log throughput: process-to-process variation is
  multiplicative (a slow layout costs a fraction, not a constant), and a
  ratio's interval is then symmetric in "x times faster / slower".
- With 3-5 rounds, order-statistic intervals are useless (3 rounds: the
  min-max interval covers the median 75% of the time) and a bootstrap has
  nothing to resample; a t-interval on the log round medians is honest about
  having few samples (t with R - 1 degrees of freedom is wide at R = 3).
- Comparing two instances (A vs B, baseline vs candidate): Welch on log round
  medians, moderated as limma moderates it: each instance's own variance,
  from a handful of rounds, is shrunk toward a prior (the typical between-round
  variance of its family in the same runs) worth `prior_df` degrees of freedom.
  One lucky, tight instance then cannot claim significance from 3 rounds, and
  one noisy instance does not drown in its own 2 degrees of freedom.
"""
import math

import numpy as np
from scipy import special as _special
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


def shift_less_p(base_levels, cand_levels):
    """One-sided p that the candidate's levels sit below the baseline's: the
    suite-wide test. A level is one process's (one round's) mean log
    throughput over the suite, so the samples are rounds, not instances: a
    machine that drifts moves every instance of a round together, and a test
    over instances (Wilcoxon over their ratios) would count one drift as
    hundreds of independent slowdowns. Welch with 2+ levels a side; with one
    candidate level (a history baseline: one more run), a prediction test
    against the baseline's spread. NaN when neither is possible."""
    b, c = _finite(base_levels), _finite(cand_levels)
    if len(b) >= 2 and len(c) >= 2:
        return float(_scipy_stats.ttest_ind(c, b, equal_var=False, alternative="less").pvalue)
    if len(c) == 1 and len(b) >= 2:
        se = np.std(b, ddof=1) * math.sqrt(1 + 1 / len(b))
        return float(_scipy_stats.t.cdf((c[0] - b.mean()) / se, len(b) - 1)) if se > 0 else math.nan
    return math.nan


def log_t_interval(samples, confidence=0.95, centre=None):
    """(low, high) for a positive quantity sampled once per round.

    Centred on `centre` (default: the median of the samples), half-width
    t_{R-1} x sd(log samples) / sqrt(R) on the log scale. (nan, nan) under 2
    samples: one process cannot say how much the next one would differ.
    """
    values = _finite(samples)
    values = values[values > 0]
    if len(values) < 2:
        return math.nan, math.nan
    centre = float(np.median(values)) if centre is None else centre
    half = _t_quantile(confidence, len(values) - 1) * np.std(np.log(values), ddof=1) / math.sqrt(len(values))
    return float(centre * math.exp(-half)), float(centre * math.exp(half))


def log_sd(samples):
    """Standard deviation of log(samples): the relative spread between rounds
    (0.1 = about 10%). nan under 2 positive samples."""
    values = _finite(samples)
    values = values[values > 0]
    return float(np.std(np.log(values), ddof=1)) if len(values) >= 2 else math.nan


def compare_rounds(a, b, prior_var=math.nan, prior_df=0.0, confidence=0.95):
    """Is `a` faster or slower than `b`? Both are per-round throughputs.

    Returns a dict: ratio (median a / median b), low/high (the ratio's
    confidence interval), p_less ("a slower", one-sided), p_greater, df,
    se (standard error of the log ratio). The variance is the two samples'
    pooled log variance, shrunk toward prior_var with prior_df degrees of
    freedom (see the module doc); without a prior and with fewer than 2
    rounds a side there is no test (p = nan).
    """
    x, y = _positive(a), _positive(b)
    out = {"ratio": math.nan, "low": math.nan, "high": math.nan, "p_less": math.nan,
           "p_greater": math.nan, "df": 0.0, "se": math.nan}
    if not len(x) or not len(y):
        return out
    lx, ly = np.log(x), np.log(y)
    out["ratio"] = float(np.median(x) / np.median(y))
    df = (len(x) - 1) + (len(y) - 1)
    ss = float(((lx - lx.mean()) ** 2).sum() + ((ly - ly.mean()) ** 2).sum())
    has_prior = prior_df > 0 and math.isfinite(prior_var)
    if has_prior:
        var, df = (prior_df * prior_var + ss) / (prior_df + df), prior_df + df
    elif df > 0:
        var = ss / df
    else:
        return out
    se = math.sqrt(var * (1 / len(x) + 1 / len(y)))
    out.update(df=float(df), se=se)
    centre = math.log(out["ratio"])
    half = _t_quantile(confidence, df) * se
    out["low"], out["high"] = math.exp(centre - half), math.exp(centre + half)
    if se == 0:
        diff = centre
        out["p_less"] = 0.0 if diff < 0 else 1.0
        out["p_greater"] = 0.0 if diff > 0 else 1.0
        return out
    # The test uses the difference of log means: the t statistic's own centre.
    t = (lx.mean() - ly.mean()) / se
    # scipy.special's t CDF: the same numbers as stats.t.cdf / .sf, about a
    # hundred times faster (the gate's A/A tests call this thousands of times).
    out["p_less"] = float(_special.stdtr(df, t))
    out["p_greater"] = float(_special.stdtr(df, -t))
    return out


def minimal_detectable_effect(sd, rounds_a, rounds_b, alpha, power=0.8, df=None):
    """The smallest slowdown (as a fraction, 0.12 = 12%) a one-sided test at
    `alpha` detects with probability `power`, given a between-round log sd
    and the rounds per side. Uses the t quantiles when df is given."""
    if not (sd == sd) or rounds_a < 1 or rounds_b < 1:
        return math.nan
    se = sd * math.sqrt(1 / rounds_a + 1 / rounds_b)
    if df and df > 0:
        z = _scipy_stats.t.ppf(1 - alpha, df) + _scipy_stats.t.ppf(power, df)
    else:
        z = _scipy_stats.norm.ppf(1 - alpha) + _scipy_stats.norm.ppf(power)
    return float(1 - math.exp(-z * se))


def benjamini_hochberg(p_values):
    """Benjamini-Hochberg adjusted p-values (q-values), in the input order.

    "adjusted <= q" rejects exactly what BH's step-up procedure rejects at
    false-discovery rate q. NaN inputs stay NaN and do not count as tests.
    Chosen for the gate over Holm: controlling the share of false findings
    rather than the chance of any keeps power when hundreds of instances are
    tested, and under the global null (an A/A pair) it still bounds the chance
    of any false finding by q.
    """
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, math.nan)
    tested = np.flatnonzero(~np.isnan(p))
    m = len(tested)
    if not m:
        return adjusted
    order = tested[np.argsort(p[tested], kind="stable")]
    running = 1.0
    for rank in range(m - 1, -1, -1):
        i = order[rank]
        running = min(running, p[i] * m / (rank + 1))
        adjusted[i] = min(1.0, running)
    return adjusted


def _t_quantile(confidence, df):
    return float(_special.stdtrit(df, 0.5 + confidence / 2))


def _positive(values):
    array = _finite(values)
    return array[array > 0]


def _finite(values):
    array = np.asarray(values, dtype=float).ravel()
    return array[np.isfinite(array)]
