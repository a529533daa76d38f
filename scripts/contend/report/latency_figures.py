"""The run report's latency pictures: which a run gets, drawn as PNGs.

  * open-loop queue rows (params with load_pct): per family, wait mode and
    shape a hockey stick (hockey.py) and, below it, the percentile
    distribution of every load as small multiples (distribution.py): all
    loads rather than one, because how the tail grows with the load is the
    point, and one figure per group keeps their number that of the hockey
    sticks;
  * other latencies with .hgrm files (pingpong round trips, a pool's
    submit-to-result): a percentile distribution per family, benchmark,
    mode and placement, a panel per scenario;
  * critical-section rows (params with cs_ns and think_ns): locks.py.

A run without such rows gets none of these, and a figure with nothing to
draw is never written. The caller (plot.py) passes instance_summary rows
already through latency.with_latency; instances without a latency_of
(throughput benchmarks) are never drawn here.
"""
from . import distribution, figures, hockey, latency_style, locks
from ..core import latency, results, schema

OPEN_LOOP_HEADING = "Latency under offered load"
CLOSED_LOOP_HEADING = "Latency distributions"
LOCK_HEADING = "Locks against critical-section length"


def draw(run, per_instance, out_dir):
    """[(key dict with family and heading, png path)] in report order."""
    rounds_of = rounds_by_instance(run.df)
    # One line label and style per impl (and capacity) across all of a
    # family's latency figures: a colour means the same impl in each.
    rows = latency_style.with_line_labels(per_instance.loc[per_instance["latency_of"] != ""])
    styles = {family: latency_style.line_styles(r["line"]) for family, r in rows.groupby("family")}
    return (_open_loop(run, rows, styles, out_dir, rounds_of)
            + _closed_loop(run, rows, styles, out_dir, rounds_of)
            + _locks(run, rows, styles, out_dir))


def rounds_by_instance(df):
    """Instance key tuple -> the rounds with a valid repetition, sorted."""
    valid = results.valid_rows(df)
    valid = valid.loc[valid["round"].notna()]
    return {key: sorted(int(r) for r in rows["round"].unique())
            for key, rows in valid.groupby(schema.INSTANCE, sort=True)}


def _open_loop(run, rows, styles, out_dir, rounds_of):
    drawn = []
    for key, group in hockey.groups(hockey.open_loop_rows(rows)):
        if not group["median"].notna().any():
            continue                      # every instance failed: the table says why
        key["oversubscribed"] = bool(group["oversubscribed"].any())
        png = out_dir / f"{hockey.slug(key, 'load')}.png"
        hockey.hockey_figure(group, styles[key["family"]], key, run.label).savefig(
            png, bbox_inches="tight")
        drawn.append(({"family": key["family"], "heading": OPEN_LOOP_HEADING}, png))
        panels = [distribution.Panel(f"offered load {load:g}%", at_load)
                  for load, at_load in group.groupby("load", sort=True)]
        title = (f"{key['family']} / {key['benchmark']}: percentile distribution on {run.label}"
                 f"\n{hockey.describe_group(key)}")
        drawn += _distribution(run, panels, rounds_of, styles[key["family"]], title,
                               group, out_dir / f"{hockey.slug(key, 'percentiles')}.png",
                               key["family"], OPEN_LOOP_HEADING)
    return drawn


def _closed_loop(run, rows, styles, out_dir, rounds_of):
    """Latency rows neither open-loop nor critical-section (round trips, ...)."""
    rows = rows.loc[~latency.has_param(rows, hockey.LOAD) & ~latency.has_param(rows, locks.CS)]
    drawn = []
    group_key = ["family", "benchmark", "mode", "placements"]
    ordered = sorted(rows.groupby(group_key, sort=True),
                     key=lambda item: (figures.family_rank(item[0][0]), item[0]))
    for (family, benchmark, mode, placements), group in ordered:
        panels = [distribution.Panel(_scenario_title(*scenario), scenario_rows)
                  for scenario, scenario_rows in group.groupby(
                      ["params", "producers", "consumers", "threads"], sort=True)]
        title = (f"{family} / {benchmark}: percentile distribution on {run.label}"
                 f"\n{placements}, {mode} mode")
        png = out_dir / f"{figures.slug(family, benchmark, 'percentiles', placements, mode)}.png"
        drawn += _distribution(run, panels, rounds_of, styles[family], title, group, png,
                               family, CLOSED_LOOP_HEADING)
    return drawn


def _scenario_title(params, producers, consumers, threads):
    roles = f"{producers}p{consumers}c, " if producers or consumers else ""
    scenario = f"[{params}] " if params else ""
    return f"{scenario}{roles}{threads} workers"


def _distribution(run, panels, rounds_of, styles, title, rows, png, family, heading):
    words = latency.describe(next((v for v in rows["latency_of"] if v), ""))
    fig = distribution.distribution_figure(panels, run.run_dir, rounds_of, styles, title, words)
    if fig is None:
        return []
    fig.savefig(png, bbox_inches="tight")
    return [({"family": family, "heading": heading}, png)]


def _locks(run, rows, styles, out_dir):
    drawn = []
    for key, group in locks.groups(locks.critical_section_rows(rows)):
        if not group["median"].notna().any():
            continue
        png = out_dir / f"{locks.slug(key)}.png"
        locks.lock_figure(group, styles[key["family"]], key, run.label).savefig(
            png, bbox_inches="tight")
        drawn.append(({"family": key["family"], "heading": LOCK_HEADING}, png))
    return drawn
