"""Self-contained HTML: one file that opens from disk in any browser.

Images are embedded as base64 data URIs (the PNGs are also written beside the
HTML for slides and issues), tables sort on a header click through a few lines
of inline JavaScript, and nothing is fetched from anywhere: a report copied out
of CI as a single file still shows everything.

What the run's evidence supports is said where the numbers are: a banner
when the run was interrupted (machine.json "complete": false), the noise
score first in the machine table, every table's `unstable` column, the 95%
interval across rounds beside each median, and winners named only by
ranking.py (ties shown as ties).
"""
import base64
import datetime
import html
import json
import math

from . import calibration_figures, figures, formatting, latency, ranking, results, scaling

SORT_SCRIPT = """
<script>
// Click a header to sort by it; click again to reverse. Cells sort by their
// data-v (raw number) when they have one, else by their text.
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, column) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var ascending = th.getAttribute("data-dir") !== "asc";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("data-dir"); });
      th.setAttribute("data-dir", ascending ? "asc" : "desc");
      function key(row) {
        var cell = row.cells[column], v = cell.getAttribute("data-v");
        return v !== null ? parseFloat(v) : cell.textContent;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), r;
        if (typeof x === "number" && typeof y === "number") {
          r = (isNaN(x) ? Infinity : x) - (isNaN(y) ? Infinity : y);
          if (isNaN(r)) r = 0;
        } else { r = String(x).localeCompare(String(y), undefined, {numeric: true}); }
        return ascending ? r : -r;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
</script>
"""

STYLE = """
<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f0f0f0; position: sticky; top: 0; }
table.sortable th { cursor: pointer; }
th[data-dir="asc"]::after { content: " \\25B2"; } th[data-dir="desc"]::after { content: " \\25BC"; }
tr.error td { background: #fde8e8; } tr.over td { color: #777; }
td.unstable { color: #b35900; font-weight: bold; }
td.behind { color: #b00000; font-weight: bold; }
.banner { background: #fff3cd; border: 1px solid #e0b000; padding: 0.5em 1em; font-weight: bold; }
img { max-width: 100%; border: 1px solid #ddd; margin: 0.5em 0; }
.note { color: #555; max-width: 60em; }
</style>
"""


class Cell:
    """A table cell: shown text, optional raw number for sorting, CSS class."""

    def __init__(self, text, sort_value=None, css=""):
        self.text, self.sort_value, self.css = text, sort_value, css


def number_cell(value, text=None):
    """A right-aligned cell that sorts by the value; shown as formatting.si
    unless `text` says otherwise."""
    finite = formatting.is_number(value)
    return Cell(text if text is not None else formatting.si(value),
                value if finite else float("nan"), "num")


def html_table(header, rows, row_classes=None, sortable=True):
    def cell(c):
        if not isinstance(c, Cell):
            c = Cell(str(c))
        attrs = ""
        if c.sort_value is not None:
            attrs += f' data-v="{c.sort_value!r}"' if not _is_nan(c.sort_value) else ' data-v="NaN"'
        if c.css:
            attrs += f' class="{c.css}"'
        return f"<td{attrs}>{html.escape(str(c.text))}</td>"

    classes = row_classes or [""] * len(rows)
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "\n".join(f'<tr class="{cls}">' + "".join(cell(c) for c in row) + "</tr>"
                     for row, cls in zip(rows, classes))
    css = ' class="sortable"' if sortable else ""
    return f"<table{css}><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"


def _is_nan(value):
    return isinstance(value, float) and math.isnan(value)


def embedded_png(path, alt):
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def page(title, body):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title>{STYLE}</head><body>\n"
            f"<h1>{html.escape(title)}</h1>\n<p class=\"note\">Generated {stamp} by contend.</p>\n"
            f"{body}\n{SORT_SCRIPT}</body></html>\n")


def flatten(mapping, prefix=""):
    """machine.json -> ([(key, text)], [(key, structure)]): nested objects
    become dotted keys; lists of objects (the plan's ladder, placements) are
    too big for a table cell and go to the second list, shown as JSON."""
    items, structures = [], []
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if _is_structure(value):
            structures.append((name, value))
        elif isinstance(value, dict):
            more_items, more_structures = flatten(value, name + ".")
            items += more_items
            structures += more_structures
        elif isinstance(value, list):
            items.append((name, ", ".join(str(v) for v in value)))
        else:
            items.append((name, str(value)))
    return items, structures


def _is_structure(value):
    """A list holding objects or lists, or an object holding such a list."""
    if isinstance(value, list):
        return any(isinstance(v, (dict, list)) for v in value)
    if isinstance(value, dict):
        return any(isinstance(v, list) and _is_structure(v) for v in value.values())
    return False


# Shown first when present, in this order; every other key follows as it comes.
MACHINE_FIRST = ["machine_id", "hostname", "cpu_model", "packages", "numa_nodes", "l3_caches",
                 "cores", "pus", "smt", "allowed_cpuset", "kernel", "governor", "virtualization"]


def partial_run_text(machine):
    """'partial run: N of M processes' for an interrupted run, else ''.
    machine.json says "complete": false when bench_all stopped early; an
    absent key is an older, complete run."""
    if machine.get("complete", True) is not False:
        return ""
    done, planned = machine.get("processes_measured"), machine.get("processes_planned")
    if isinstance(done, int) and isinstance(planned, int):
        return f"partial run: {done} of {planned} processes"
    return "partial run: interrupted before every process ran"


def partial_banner(machine):
    text = partial_run_text(machine)
    if not text:
        return ""
    return (f'<p class="banner">{html.escape(text)}. Instances measured in fewer rounds than '
            f"planned have wider intervals; some may be missing.</p>")


def noise_text(machine):
    """machine.json's noise score in words, or '' when the run has none."""
    noise = machine.get("noise")
    if not isinstance(noise, dict):
        return ""
    parts = []
    between, within = noise.get("between_sd_median"), noise.get("within_sd_median")
    if isinstance(between, (int, float)):
        parts.append("rounds (processes) of one instance typically differ by "
                     f"~{formatting.percent(between)}")
    if isinstance(within, (int, float)):
        parts.append(f"repetitions inside one by ~{formatting.percent(within)}")
    share = noise.get("unstable_share")
    if isinstance(share, (int, float)):
        parts.append(f"{formatting.percent(share)} of instances unstable")
    rounds = noise.get("rounds")
    if isinstance(rounds, int) and rounds:
        parts.append(f"{rounds} round{'s' if rounds != 1 else ''} per instance")
    return "; ".join(parts)


def machine_section(run):
    flat, structures = flatten(run.machine)
    items = dict(flat)
    keys = [k for k in MACHINE_FIRST if k in items] + [k for k in items if k not in MACHINE_FIRST]
    rows = [(k, items[k]) for k in keys]
    noise = noise_text(run.machine)
    rows.insert(0, ("noise score", noise or "not recorded (a run before rounds, or interrupted)"))
    partial = partial_run_text(run.machine)
    if partial:
        rows.insert(0, ("completeness", partial))
    df = run.df
    rows += [("results", str(run.csv_path)), ("run_id", run.run_id), ("git_sha (csv)", run.git_sha),
             ("rows", str(len(df))), ("error rows", str(int((df["error"] != "").sum())))]
    if not run.machine:
        rows.append(("machine.json", "not found beside the CSV"))
    details = "".join(
        f"<details><summary>{html.escape(name)}</summary><pre>"
        f"{html.escape(json.dumps(value, indent=1))}</pre></details>\n"
        for name, value in structures)
    return "<h2>Machine</h2>\n" + html_table(["key", "value"], rows, sortable=False) + details


READING_GUIDE = """
<p class="note">How to read the figures: throughput (items per second, log scale) against
the number of workers (log2 scale); one colour per implementation; compact placement is a
solid line, scatter a dashed one; the line is the instance's median (the median of its round
medians, one round = one process). The pale band is the 95% confidence interval across
rounds; a run with a single round per instance (schema version 1) has none, and there the
band spans the repetitions' minimum to maximum instead (each figure's axis label says which).
A point drawn as a large x is <b>unstable</b>: its rounds disagree far beyond the noise inside
each round, so its median depends on which processes happened to run; the tables flag it in
the "unstable" column. Right of the grey boundary the run is oversubscribed (more workers than
processing units): a preempted lock holder stalls everyone, so those points say more about
the scheduler than about the primitive. Scaling efficiency divides throughput at N workers by
N/N0 times the throughput at the line's smallest worker count N0: 1 is linear scaling, 1/N
means adding workers added nothing. Rows with an error carry no number and are never drawn;
they are red in the tables.</p>
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


def winners_section(summary, evidence):
    """Per figure key and placement at full load: ranking.rank's verdict
    (a winner only with a significant lead of at least the floor, else a
    tie), the runner-up and the margin with its 95% interval; the instances
    results.eligible refuses are named under "not eligible"."""
    point = ["family", "benchmark", "params", "mode", "placement", "threads"]
    # Open-loop rows' throughput is the load they were offered: nothing to rank.
    closed_loop = summary.loc[summary["open_loop_reps"] == 0] \
        if "open_loop_reps" in summary.columns else summary
    rows_at = scaling.full_load(closed_loop, point[:-1])
    # One candidate per impl (its best role split): an impl does not tie with itself.
    ranked = ranking.rank(rows_at, evidence, point, label="impl")
    ranked = ranked.assign(split=[_split(rows_at, i) for i in ranked["top_index"]])
    order = sorted(range(len(ranked)), key=lambda j: (
        figures.family_rank(ranked["family"].iloc[j]),
        tuple(ranked[c].iloc[j] for c in point[1:])))
    rows, classes = [], []
    for r in ranked.iloc[order].itertuples(index=False):
        rows.append([r.family, r.benchmark, r.params, r.mode, r.placement,
                     number_cell(int(r.threads), str(int(r.threads))), r.split, r.verdict,
                     number_cell(r.top_median), r.runner_up or "-",
                     number_cell(r.margin, formatting.margin(r.margin, r.margin_low,
                                                             r.margin_high)),
                     number_cell(r.q, formatting.p_value(r.q)),
                     Cell("yes", css="unstable") if r.unstable else "", r.excluded])
        classes.append("")
    header = ["family", "benchmark", "params", "mode", "placement", "workers", "roles", "fastest impl",
              "items/s", "runner-up", "margin [95% CI]", "q (BH)", "unstable", "not eligible"]
    ties = ranking.ties(ranked)
    note = (f'<p class="note">A winner is named only when its lead over the runner-up is '
            f"significant across rounds (one-sided, Benjamini-Hochberg q &le; {ranking.ALPHA} over "
            f"this table) and at least {formatting.percent(ranking.FLOOR - 1)}; otherwise the "
            "point is a tie "
            f"and every impl not clearly behind the top is listed. {ties} of {len(ranked)} "
            f"points are ties. Margin = top / runner-up medians with its 95% interval. "
            f"Instances with failed repetitions or lost updates are never eligible. Open-loop "
            f"latency benchmarks are not ranked here (their throughput is the load offered); "
            f"their figures compare them.</p>")
    return "<h2>Fastest at full load</h2>\n" + note + html_table(header, rows, classes)


def _split(rows, index):
    r = ranking.top_row(rows, index)
    return "" if r is None else scaling.role_split(r["producers"], r["consumers"])


# Latency columns beyond p50/p99/p99.9, shown where a table's rows have any:
# (header, summary column).
OPTIONAL_LATENCY_COLUMNS = {"p90_ns": "p90 ns", "max_ns": "max ns",
                            "handover_p50_ns": "hand-over p50 ns",
                            "handover_p99_ns": "hand-over p99 ns"}


def instance_rows(summary):
    """(header, rows, row classes) of an instance table. Latency columns are
    each instance's median over rounds (latency.with_latency); p90, max and
    the hand-over percentiles appear where any row has them, and `latency
    of`, the offered load and `kept up` where any row is a latency row."""
    extra = [c for c in OPTIONAL_LATENCY_COLUMNS if c in summary.columns
             and summary[c].notna().any()]
    measures = "latency_of" in summary.columns and (summary["latency_of"] != "").any()
    open_loop = "open_loop_reps" in summary.columns and bool(summary["open_loop_reps"].any())
    header = ["benchmark", "params", "impl", "mode", "producers", "consumers", "placement",
              "workers", "oversub", "median items/s", "95% CI low", "95% CI high", "unstable",
              "rounds", "between-round %", "slowest round", "fastest round", "CV %", "reps",
              "ns/item", "efficiency"]
    header += (["latency of"] if measures else []) + (["offered/s", "kept up"] if open_loop else [])
    header += ["p50 ns"] + (["p90 ns"] if "p90_ns" in extra else []) + ["p99 ns", "p99.9 ns"]
    header += [OPTIONAL_LATENCY_COLUMNS[c] for c in extra if c != "p90_ns"]
    header += ["fairness", "lost", "error"]
    rows, classes = [], []
    for r in summary.itertuples(index=False):
        latency_cells = ([r.latency_of] if measures else []) + (
            [number_cell(r.offered_per_second), _kept_up_cell(r)] if open_loop else [])
        latency_cells += [number_cell(r.p50_ns)] + (
            [number_cell(r.p90_ns)] if "p90_ns" in extra else [])
        latency_cells += [number_cell(r.p99_ns), number_cell(r.p999_ns)]
        latency_cells += [number_cell(getattr(r, c)) for c in extra if c != "p90_ns"]
        placement = getattr(r, "placements", "") or r.placement
        rows.append([r.benchmark, r.params, r.impl, r.mode,
                     number_cell(r.producers, str(r.producers)),
                     number_cell(r.consumers, str(r.consumers)), placement,
                     number_cell(r.threads, str(r.threads)), "yes" if r.oversubscribed else "",
                     number_cell(r.median), number_cell(r.ci_low), number_cell(r.ci_high),
                     Cell("yes", css="unstable") if r.unstable else "",
                     number_cell(r.rounds, str(r.rounds)), _percent_cell(r.between_sd),
                     number_cell(r.min), number_cell(r.max), _percent_cell(r.cv),
                     number_cell(r.n, str(r.n)), _plain_cell(r.ns_per_item),
                     _plain_cell(r.efficiency), *latency_cells,
                     _plain_cell(r.fairness), _plain_cell(r.lost),
                     f"{r.errors} failed: {r.error}" if r.errors else ""])
        classes.append("error" if r.errors else ("over" if r.oversubscribed else ""))
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
        return "<h2>Errors</h2>\n<p>None: every repetition passed its correctness check.</p>"
    header = ["family", "benchmark", "params", "impl", "mode", "placement", "workers",
              "repetition", "error"]
    rows = [[r.family, r.benchmark, r.params, r.impl, r.mode, r.placement,
             number_cell(r.threads, str(r.threads)), number_cell(r.repetition, str(r.repetition)),
             r.error]
            for r in errors.itertuples(index=False)]
    return (f"<h2>Errors ({len(errors)} rows)</h2>\n"
            + html_table(header, rows, ["error"] * len(rows)))


def write_run_html(run, summary, drawn, path, evidence=None):
    """The report page. `summary` may be expanded by placement (figures draw
    it so); the instance tables show each measurement once, under the
    placements it stands for."""
    evidence = evidence or ranking.RoundSamples.of(run.df)
    measured = _as_measured(summary)
    families = sorted(measured["family"].unique(), key=figures.family_rank)
    guides = READING_GUIDE + (LATENCY_GUIDE if any("heading" in key for key, _ in drawn) else "")
    parts = [partial_banner(run.machine), machine_section(run), guides,
             "<p>Families: " + ", ".join(f'<a href="#{html.escape(f)}">{html.escape(f)}</a>'
                                         for f in families) + "</p>",
             winners_section(summary, evidence), hardware_section(measured),
             errors_section(run.df)]
    for family in families:
        parts.append(f'<h2 id="{html.escape(family)}">{html.escape(family)}</h2>')
        heading = None
        for key, png in drawn:
            if key["family"] == family:
                if key.get("heading", heading) != heading:
                    heading = key["heading"]
                    parts.append(f"<h3>{html.escape(family)}: {html.escape(heading)}</h3>")
                parts.append(embedded_png(png, png.stem))
        rows = measured.loc[measured["family"] == family].sort_values(
            scaling.LINE + ["threads"], kind="stable")
        header, table_rows, classes = instance_rows(rows)
        parts.append(html_table(header, table_rows, classes))
    path.write_text(page(f"contend report: {run.label} / {run.run_id}", "\n".join(parts)),
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
    return ("<h2>How close to the hardware</h2>\n" + HARDWARE_NOTE
            + html_table(calibration_figures.CLOSENESS_COLUMNS, rows))


def _as_measured(summary):
    """Rows as measured: an expanded summary loses its copies."""
    if "measured_placement" not in summary.columns:
        return summary
    return summary.loc[summary["placement"] == summary["measured_placement"]]
