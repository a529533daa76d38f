"""The run report: report/index.html, which answers first "which impl wins
where, by how much, and is it a tie?".

Top to bottom: the partial-run banner (machine.json "complete": false), the
machine card with its noise score (machine_card.py), the winners per family
and benchmark (winners.py), a contents list linking every family and
figure, the errors, then per family its interactive figures
(family_figures.py: scaling small multiples, sorted bars, a heatmap), its
latency pictures (PNG) and its instance table, folded. Tables drop the
columns no row fills and show error and lost beside the median.

It opens from disk with nothing fetched from the network: the figures load
the one plotly.js that interactive.ensure_library writes beside the page;
PNGs sit beside it too (for CI artifacts and the README) and are linked or
shown from there, not embedded, to keep the page light.
"""
import html
from pathlib import Path

from . import calibration_figures, family_figures, figures, interactive, winners
from ..core import formatting, latency, ranking, results, scaling, units
from .html_parts import Cell, drop_empty_columns, html_table, number_cell, page
from .machine_card import emulated_banner, machine_card, partial_banner

READING_GUIDE = """
<p class="note">How to read the figures. <b>Scaling</b>: per benchmark, a panel per
parameter set, thread and process mode side by side; the median rate in the family's unit
(log) against workers (log), one colour and marker per implementation, compact placement
solid, scatter dashed; each point is the instance's median (the median of its round medians,
one round = one process) with its 95% confidence interval across rounds as whiskers. Hover
a point for its value, interval and notes; click a legend entry to hide or show that
implementation in every panel; drag to zoom, double-click to reset. A point drawn as a large
x is <b>unstable</b>: its rounds disagree far beyond the noise inside each round, so its
median depends on which processes happened to run. Points past the processing units are
<b>oversubscribed</b> (the hover says so): they say more about the scheduler than about the
primitive. <b>Sorted bars</b>: scenarios measured at one worker count, fastest at the top,
whiskers the 95% interval. <b>Heatmap</b>: each implementation's median as a share of the
best one's at the same worker count (100% = the best), averaged (geometric mean) over
parameters and placements. Rows with an error carry no number and are never drawn; they are
red in the tables.</p>
"""


LATENCY_GUIDE = """
<p class="note">How to read the latency figures. <b>Latency against offered load</b> (open-loop
queue benchmarks): the producers send on a fixed schedule at a share of a rate (load_pct, x)
and each item's latency counts from when it was meant to be sent (y, log), so a queue that
falls behind cannot hide its backlog; p50 solid, p99 dashed, one colour and marker per
implementation, each point the instance's median over its rounds. Flat means slack; where
the line bends up is the load the queue can carry for a given latency budget. An x on the top
edge is a load the queue did not keep up with: there is no latency to draw (its backlog grows
for as long as the run lasts). <b>Percentile distributions</b> (HdrHistogram's plot of the
.hgrm files): x = 1/(1-percentile) on a log axis, so 90%, 99%, 99.9% and 99.99% are equally
spaced and the tail gets as much room as the body; y = latency (log); one thin line per round
(process), so agreeing rounds draw as one thick line and a round that went its own way
stands out. A line that stays flat and then rises steeply has a rare, large stall; one that
climbs steadily has a broad spread. <b>Locks against critical-section length</b>: a column
per think time between acquisitions, throughput (acquisitions per second), p99 acquire wait
(from asking for the lock to holding it) and p50 hand-over (from a release to the next
waiter's acquisition) against the length of the critical section, at full load.</p>
"""


# Latency columns beyond p50/p99/p99.9, shown where a table's rows have any:
# (header, summary column).
OPTIONAL_LATENCY_COLUMNS = {"p90_ns": "p90 ns", "max_ns": "max ns",
                            "handover_p50_ns": "hand-over p50 ns",
                            "handover_p99_ns": "hand-over p99 ns"}


# The v4 counters of newer families, shown in a family's table where its rows
# have any: (summary column, header). Each is the instance's median over rounds
# (plot.py merges them in with instance_summary.instance_column_medians).
COUNTER_COLUMNS = {"rank_error_mean": "rank error mean", "rank_error_max": "rank error max",
                   "peak_tasks": "peak tasks", "peak_rss_bytes": "peak RSS bytes",
                   "cpu_ns_per_item": "CPU ns/item", "refused": "refused",
                   "dropped": "dropped", "acked_missing": "acked missing",
                   "floor_ratio": "x floor"}
# Never dropped, even when empty: an empty error column says "no errors".
ALWAYS_SHOWN = ("benchmark", "impl", "workers", "error")


def instance_rows(summary, unit="items/s"):
    """(header, rows, row classes) of an instance table, columns that no row
    fills dropped. What decides a row comes first (identity, the median in
    `unit` with its interval, unstable, error, lost), then the spread, then
    latency: each instance's median over rounds (latency.with_latency); p90,
    max and the hand-over percentiles where any row has them, `latency of`,
    the offered load and `kept up` where any row is a latency row, and the
    v4 counters (COUNTER_COLUMNS) where rows have them."""
    extra = [c for c in OPTIONAL_LATENCY_COLUMNS if c in summary.columns
             and summary[c].notna().any()]
    counters = [c for c in COUNTER_COLUMNS if c in summary.columns
                and summary[c].notna().any()]
    measures = "latency_of" in summary.columns and (summary["latency_of"] != "").any()
    open_loop = "open_loop_reps" in summary.columns and bool(summary["open_loop_reps"].any())
    header = ["benchmark", "params", "impl", "mode", "roles", "placement", "workers", "oversub",
              f"median {unit}", "95% CI low", "95% CI high", "unstable", "error", "lost",
              "rounds", "between-round %", "slowest round", "fastest round", "CV %", "reps",
              "ns/item", "efficiency"]
    header += (["latency of"] if measures else []) + (["offered/s", "kept up"] if open_loop else [])
    header += ["p50 ns"] + (["p90 ns"] if "p90_ns" in extra else []) + ["p99 ns", "p99.9 ns"]
    header += [OPTIONAL_LATENCY_COLUMNS[c] for c in extra if c != "p90_ns"]
    header += [COUNTER_COLUMNS[c] for c in counters] + ["fairness"]
    rows, classes = [], []
    for r in summary.itertuples(index=False):
        latency_cells = ([r.latency_of] if measures else []) + (
            [number_cell(r.offered_per_second), _kept_up_cell(r)] if open_loop else [])
        latency_cells += [number_cell(r.p50_ns)] + (
            [number_cell(r.p90_ns)] if "p90_ns" in extra else [])
        latency_cells += [number_cell(r.p99_ns), number_cell(r.p999_ns)]
        latency_cells += [number_cell(getattr(r, c)) for c in extra if c != "p90_ns"]
        latency_cells += [_plain_cell(getattr(r, c)) for c in counters]
        placement = getattr(r, "placements", "") or r.placement
        rows.append([r.benchmark, r.params, r.impl, r.mode,
                     scaling.role_split(r.producers, r.consumers), placement,
                     number_cell(r.threads, str(r.threads)), "yes" if r.oversubscribed else "",
                     number_cell(r.median), number_cell(r.ci_low), number_cell(r.ci_high),
                     Cell("yes", css="unstable") if r.unstable else "",
                     f"{r.errors} failed: {r.error}" if r.errors else "", _plain_cell(r.lost),
                     number_cell(r.rounds, str(r.rounds)), _percent_cell(r.between_sd),
                     number_cell(r.min), number_cell(r.max), _percent_cell(r.cv),
                     number_cell(r.n, str(r.n)), _plain_cell(r.ns_per_item),
                     _plain_cell(r.efficiency), *latency_cells, _plain_cell(r.fairness)])
        classes.append("error" if r.errors else ("over" if r.oversubscribed else ""))
    header, rows = drop_empty_columns(header, rows, keep=ALWAYS_SHOWN)
    return header, rows, classes


def _kept_up_cell(r):
    """'yes' / 'no' / 'k/n' repetitions for an open-loop instance, in red
    unless every repetition kept up."""
    text = latency.kept_up_text(r.open_loop_reps, r.kept_up_reps)
    return Cell(text, css="behind" if r.did_not_keep_up else "")


def _percent_cell(sd):
    """A log sd as a percentage cell ('-' when there is none)."""
    return number_cell(sd * 100, formatting.percent(sd, 1, unit=""))


def _plain_cell(value):
    return number_cell(value, formatting.significant(value))


def errors_section(df):
    errors = results.error_rows(df)
    if not len(errors):
        return ('<section id="errors"><h2>Errors</h2>\n'
                "<p>None: every repetition passed its correctness check.</p></section>")
    header = ["family", "benchmark", "params", "impl", "mode", "placement", "workers",
              "repetition", "error"]
    rows = [[r.family, r.benchmark, r.params, r.impl, r.mode, r.placement,
             number_cell(r.threads, str(r.threads)), number_cell(r.repetition, str(r.repetition)),
             r.error]
            for r in errors.itertuples(index=False)]
    return (f'<section id="errors"><h2>Errors ({len(errors)} rows)</h2>\n<details open>'
            f"<summary>every error row</summary>"
            + html_table(header, rows, ["error"] * len(rows)) + "</details></section>")


def write_run_html(run, summary, drawn, path, evidence=None, extra_figures=None):
    """The report page, with the shared plotly.js beside it. `summary` may
    be expanded by placement (figures draw it so); the instance tables show
    each measurement once, under the placements it stands for. `drawn`:
    [(key dict with family (and heading), png path)], the static figures;
    those with a heading (latency pictures) are shown, the rest linked.
    `extra_figures`: {family: [html, or (div id, title, plotly figure,
    height px)]} that other modules add to a family's section (their own
    figures), after its interactive ones; figures are drawn like the
    family's own (deferred) and listed in the contents."""
    path = Path(path)
    evidence = evidence or ranking.RoundSamples.of(run)
    measured = _as_measured(summary)
    families = sorted(measured["family"].unique(), key=figures.family_rank)
    sections = [family_section(family, summary, measured, drawn, path.parent,
                               (extra_figures or {}).get(family, []))
                for family in families]
    hardware = hardware_section(measured)
    guides = READING_GUIDE + (LATENCY_GUIDE if any("heading" in key for key, _ in drawn) else "")
    parts = [emulated_banner(run.machine), partial_banner(run.machine), machine_card(run),
             winners.winners_section(summary, evidence),
             hardware,
             contents(families, [s for _, s in sections], hardware=bool(hardware)),
             errors_section(run.df),
             f'<details id="reading-guide"><summary>How to read this report</summary>{guides}'
             "</details>"]
    parts += [html_text for html_text, _ in sections]
    parts.append(interactive.deferred_drawing_script())
    library = interactive.ensure_library(path.parent)
    path.write_text(page(f"contend report: {run.label} / {run.run_id}", "\n".join(parts),
                         head=interactive.library_tag(library, defer=True)),
                    encoding="utf-8")
    return path


HARDWARE_NOTE = """<p class="note">floor_ratio: a pingpong row's p50 round trip over
the calibration's median round trip of a cache line between the same two PUs; a contended
counter row's ns per increment over one cache-line transfer between its PUs. 1 is the
hardware's limit; each family's instance closest to it.</p>"""


def hardware_section(summary):
    """'How close to the hardware' (calibration_figures.closeness), or ''
    when no row has a floor."""
    best = calibration_figures.closeness(summary)
    if not best:
        return ""
    rows = [[r["family"], r["benchmark"], r["impl"], r["mode"], r["threads"], r["placement"],
             r["floor_of"], number_cell(r["floor_ratio"], f"{r['floor_ratio']:.2f}x")]
            for r in best]
    return ('<section id="hardware"><h2>How close to the hardware</h2>\n' + HARDWARE_NOTE
            + html_table(calibration_figures.CLOSENESS_COLUMNS, rows) + "</section>")


def contents(families, figure_lists, hardware=False):
    """The contents list: every section and every figure, linked."""
    items = ['<li><a href="#machine">Machine</a></li>', '<li><a href="#winners">Winners</a></li>']
    if hardware:
        items.append('<li><a href="#hardware">How close to the hardware</a></li>')
    items.append('<li><a href="#errors">Errors</a></li>')
    for family, figure_list in zip(families, figure_lists):
        links = "".join(f'<li><a href="#{html.escape(div_id)}">{html.escape(title)}</a></li>'
                        for div_id, title in figure_list)
        items.append(f'<li><a href="#{html.escape(family)}">{html.escape(family)}</a>'
                     + (f"<ul>{links}</ul>" if links else "") + "</li>")
    return '<nav class="contents" id="contents"><h2>Contents</h2><ul>' + "".join(items) \
        + "</ul></nav>"


def family_section(family, summary, measured, drawn, folder, extra):
    """(html, [(figure id, title)]): the family's interactive figures, its
    static pictures (latency ones shown, throughput ones linked) and its
    instance table, folded."""
    rows = measured.loc[measured["family"] == family].sort_values(
        scaling.LINE + ["threads"], kind="stable")
    unit = units.family_rate(family, sorted(rows["benchmark"].unique()))
    parts = [f'<section id="{html.escape(family)}"><h2>{html.escape(family)} '
             f'<small>({html.escape(unit)})</small></h2>']
    listed = []
    for kind, div_id, title, fig, height in family_figures.figures_for_family(
            family, summary.loc[summary["family"] == family]):
        parts.append(f'<h3 id="{html.escape(div_id)}-title">{html.escape(title)}</h3>')
        parts.append(interactive.figure_div(fig, div_id, height_px=height, deferred=True))
        listed.append((div_id, title))
    for item in extra:
        if isinstance(item, str):
            parts.append(item)
            continue
        div_id, title, fig, height = item
        parts.append(f'<h3 id="{html.escape(div_id)}-title">{html.escape(title)}</h3>')
        parts.append(interactive.figure_div(fig, div_id, height_px=height, deferred=True))
        listed.append((div_id, title))
    heading = None
    static_links = []
    for key, png in drawn:
        if key["family"] != family:
            continue
        relative = _relative(png, folder)
        if "heading" not in key:
            static_links.append(f'<a href="{html.escape(relative)}">{html.escape(png.stem)}</a>')
            continue
        if key["heading"] != heading:
            heading = key["heading"]
            anchor = figures.slug(family, heading)
            parts.append(f'<h3 id="{anchor}">{html.escape(family)}: {html.escape(heading)}</h3>')
            listed.append((anchor, f"{family}: {heading}"))
        parts.append(f'<img loading="lazy" alt="{html.escape(png.stem)}" '
                     f'src="{html.escape(relative)}">')
    if static_links:
        parts.append('<p class="static-links">Static figures (PNG): '
                     + ", ".join(static_links) + "</p>")
    header, table_rows, classes = instance_rows(rows, unit)
    errors = sum(1 for c in classes if c == "error")
    parts.append(f"<details><summary>every instance ({len(table_rows)} rows"
                 f"{f', {errors} with errors' if errors else ''})</summary>"
                 + html_table(header, table_rows, classes) + "</details></section>")
    return "\n".join(parts), listed


def _relative(png, folder):
    try:
        return Path(png).relative_to(folder).as_posix()
    except ValueError:
        return Path(png).absolute().as_uri()


def _as_measured(summary):
    """Rows as measured: an expanded summary loses its copies."""
    if "measured_placement" not in summary.columns:
        return summary
    return summary.loc[summary["placement"] == summary["measured_placement"]]
