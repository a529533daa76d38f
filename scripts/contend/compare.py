"""scripts/compare: several machines side by side.

    scripts/compare RUN_A RUN_B [RUN_C ...] [--out DIR] [--format md|html]

Benchmarks are aligned on their identity (family, benchmark, params, impl,
mode, producers, consumers, placement) and on the worker count twice over:
- by load, threads / cores of that machine (50%, 100%, and "over" for the
  oversubscribed point): full machine against full machine. Producers and
  consumers grow with the load (1p1c on 2 cores is 8p8c on 16), so here they
  are matched by their shape (p=c, 1 producer, 1 consumer, ratio) instead;
- by absolute workers: the same threads, producers and consumers.
Per machine: median throughput with its 95% interval across rounds (unstable
instances marked "!"), ratio to the first run, throughput per busy core
(items/s / min(workers, cores)), scaling efficiency; and the ranking at every
aligned point on every machine (ranking.py: a winner only when its lead over
the runner-up is significant across rounds and at least 5%, else a tie),
answering "does the winner change with the hardware?": only where every
machine names a winner and they differ. A tie anywhere is not a change.

Alignment uses results.expand_placements: a machine where compact and scatter
give the same worker->PU map measured it once and stands for both, so it
still lines up with a machine that measured the two apart (the ranking tests
that one measurement once).

Output: the tables on stdout; in --out (default: <first run>/report/compare-vs-
<other machines>/, beside that run's own report and ignored by git like it)
a markdown or HTML summary, the aligned tables as CSV, and overlay plots with
one colour per machine.
"""
import sys
from pathlib import Path

from . import figures, formatting, ranking, report, results, scaling, schema, tables
from .args import Parser
from .cli import UsageError, run_main
from .figures import PLACEMENT_STYLE, Figure
from matplotlib.lines import Line2D

FIGURE_KEY = ["family", "benchmark", "params", "mode"]
VALUES = ["threads", "producers", "consumers", "median", "ci_low", "ci_high", "rounds",
          "unstable", "per_core", "efficiency", "oversubscribed", "errors"]
# What names one instance under each alignment (the point column comes last).
ALIGN_KEY = {"load": scaling.LINE + ["shape", "load"],
             "threads": schema.INSTANCE}


def machine_points(run, summary=None):
    """Per-instance numbers of one run, one row per placement each stands for
    (results.expand_placements), plus the columns the alignment needs."""
    summary = results.instance_summary(run.df) if summary is None else summary
    expanded = scaling.with_roles(ranking.expand(summary))
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


def load_label(load):
    return load if load == "over" else formatting.percent(float(load))


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
    everywhere = set.intersection(*[_tuples(p.loc[results.eligible(p)], key + ["impl"])
                                    for p in points])
    tables = []
    for i, (p, ev) in enumerate(zip(points, evidence)):
        keep = [t in everywhere or not ok for t, ok in
                zip(p[key + ["impl"]].itertuples(index=False, name=None), results.eligible(p))]
        shared = p.loc[keep]
        # Points where something competes everywhere; rows of other points
        # would only add tests to this machine's BH family.
        competing = _tuples(shared.loc[results.eligible(shared)], key)
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


def verdict_line(wins):
    """The answer to "does the winner change with the hardware?"."""
    if not len(wins):
        return "No aligned point has impls to rank."
    changed, tied = int(wins["changes"].sum()), int(wins["tie"].sum())
    return (f"The winner changes with the hardware at {changed} of {len(wins)} aligned points "
            f"(a significant winner on every machine, not the same one); {tied} point"
            f"{'s are ties' if tied != 1 else ' is a tie'} on at least one machine "
            f"(no significant lead of at least {formatting.percent(ranking.FLOOR - 1)}: not a change).")


# ---- tables -------------------------------------------------------------------

def _bench(r):
    params = f"[{r['params']}]" if r["params"] else ""
    return f"{r['family']}/{r['benchmark']}{params}" + ("" if r["mode"] == "thread" else f" ({r['mode']})")


def _roles(r, i=None):
    # Under the threads alignment the roles are part of the key (no suffix).
    if i is None or "producers" in r.index:
        p, c = r["producers"], r["consumers"]
    else:
        p, c = r[f"producers_{i}"], r[f"consumers_{i}"]
    return f"{p}p{c}c" if (p or c) else ""


def aligned_rows(aligned, n, by):
    header = ["benchmark", "impl", "roles", "placement", "load" if by == "load" else "workers"]
    for i in range(n):
        tag = f"m{i + 1} "
        header += ([tag + "workers"] if by == "load" else []) + [tag + "items/s", tag + "95% CI"]
        if i and by == "load" and (aligned["shape"] != "").any():
            header[2] = "roles (m1)"
        header += ([tag + "ratio"] if i else []) + [tag + "/core", tag + "eff"]
    rows = []
    for _, r in aligned.iterrows():
        row = [_bench(r), r["impl"], _roles(r, 0), r["placement"],
               load_label(r["load"]) if by == "load" else str(r["threads"])]
        for i in range(n):
            if by == "load":
                roles = _roles(r, i)
                row.append(str(r[f"threads_{i}"]) + (f" ({roles})" if roles and i else ""))
            over = r[f"oversubscribed_{i}"]
            value = formatting.si(r[f"median_{i}"]) if r[f"median_{i}"] == r[f"median_{i}"] else "error"
            row.append(value + ("*" if over and by == "threads" else "")
                       + ("!" if _yes(r[f"unstable_{i}"]) else ""))
            row.append(formatting.interval(r[f"ci_low_{i}"], r[f"ci_high_{i}"]))
            if i:
                row.append(formatting.ratio(r[f"ratio_{i}"]))
            row += [formatting.si(r[f"per_core_{i}"]), formatting.ratio(r[f"efficiency_{i}"])]
        rows.append(row)
    return header, rows


def _yes(flag):
    """A flag cell that may be NaN (no such instance) or a numpy bool."""
    return flag == flag and bool(flag)


def winner_rows(table, n):
    header = ["benchmark", "roles", "placement", "load"]
    for i in range(n):
        header += [f"m{i + 1} winner", f"m{i + 1} runner-up", f"m{i + 1} margin [95% CI]"]
    header += ["changes?"]
    rows = []
    for _, r in table.iterrows():
        row = [_bench(r), r["shape"], r["placement"], load_label(r["load"])]
        for i in range(n):
            mine = {c: r[f"{c}_{i}"] for c in WINNER_COLUMNS}
            row += [mine["verdict"] + ("!" if _yes(mine["unstable"]) else ""),
                    mine["runner_up"] or "-", formatting.margin(mine["margin"], mine["margin_low"], mine["margin_high"])]
        row.append("YES" if r["changes"] else ("tie" if r["tie"] else ""))
        rows.append(row)
    return header, rows


def machine_lines(runs, labels):
    out = []
    for i, (run, label) in enumerate(zip(runs, labels)):
        cpu = run.machine.get("cpu_model", "")
        pus = run.machine.get("pus")
        extra = f", {pus} PUs" if pus else ""
        out.append(f"m{i + 1} = {label}: {cpu + ', ' if cpu else ''}{run.cores} cores{extra}; "
                   f"run {run.run_id} @ {run.git_sha or '?'}; {rounds_note(run)}")
    return out


def rounds_note(run):
    """How much evidence a run holds: its rounds, and whether it is whole."""
    rounds = int(run.df["round"].nunique()) if "round" in run.df.columns else 1
    note = f"{rounds} round{'s' if rounds != 1 else ''}"
    if rounds < 2:
        note += " (no between-round spread: only large gaps can be named)"
    partial = report.partial_run_text(run.machine)
    return note + (f"; {partial}" if partial else "")


# ---- overlay plots ----------------------------------------------------------------

def overlay_figure(rows_by_machine, labels, cores, key):
    """Small multiples, one panel per impl; one colour per machine."""
    impls = sorted(set().union(*[set(r["impl"]) for r in rows_by_machine]))
    columns = min(4, len(impls))
    lines = -(-len(impls) // columns)
    fig = Figure(figsize=(3.6 * columns + 2.4, 3.0 * lines + 0.9), dpi=figures.DPI)
    colours = figures.colours_for(range(len(labels)))
    all_threads = sorted(set().union(*[set(r["threads"]) for r in rows_by_machine]))
    for j, impl in enumerate(impls):
        ax = fig.add_subplot(lines, columns, j + 1)
        figures.log2_workers_axis(ax, all_threads)
        for i, rows in enumerate(rows_by_machine):
            mine = rows.loc[(rows["impl"] == impl) & rows["median"].notna()]
            for line_key, line in scaling.line_groups(mine):
                x = line["threads"].to_numpy()
                ax.plot(x, line["median"].to_numpy(), color=colours[i], lw=1.5,
                        ls=PLACEMENT_STYLE.get(line_key["placement"], ":"))
                over = line["oversubscribed"].to_numpy()
                ax.plot(x[~over], line["median"].to_numpy()[~over], "o", color=colours[i], ms=3)
                ax.plot(x[over], line["median"].to_numpy()[over], "o", mfc="white",
                        mec=colours[i], ms=5)
                shaky = line["unstable"].fillna(False).to_numpy(dtype=bool)
                ax.plot(x[shaky], line["median"].to_numpy()[shaky], "x", color=colours[i],
                        ms=8, mew=1.6)
            ax.axvline(cores[i], color=colours[i], lw=0.8, ls=":", alpha=0.8)
        ax.set_yscale("log")
        ax.set_title(impl, fontsize=10)
        ax.grid(True, alpha=0.3)
        if j % columns == 0:
            ax.set_ylabel("items/s (median)")
    handles = [Line2D([], [], color=colours[i], lw=2, label=f"m{i + 1} {label}")
               for i, label in enumerate(labels)]
    handles += [Line2D([], [], color="0.2", ls=ls, label=f"{p} placement")
                for p, ls in PLACEMENT_STYLE.items()]
    handles += [Line2D([], [], color="0.2", ls=":", lw=0.8, label="that machine's core count"),
                Line2D([], [], color="0.2", marker="o", mfc="white", ls="", label="oversubscribed"),
                Line2D([], [], color="0.2", marker="x", ms=8, mew=1.6, ls="",
                       label="unstable (rounds disagree)")]
    fig.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False,
               fontsize=9)
    fig.suptitle(f"{figures.figure_title(*key)}: machines overlaid", fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    return fig


def write_overlays(points, labels, cores, out):
    """One overlay PNG per figure key that at least two machines measured."""
    groups = [dict(iter(p.groupby(FIGURE_KEY, sort=False))) for p in points]
    keys = set().union(*[set(g) for g in groups])
    shared = [k for k in keys if sum(k in g for g in groups) >= 2]
    written = []
    for key in sorted(shared, key=lambda k: (figures.family_rank(k[0]), k)):
        rows = [g.get(key, p.iloc[0:0]) for g, p in zip(groups, points)]
        png = out / f"compare-{figures.slug(*key)}.png"
        overlay_figure(rows, labels, cores, key).savefig(png, bbox_inches="tight")
        written.append(png)
    return written


# ---- command line --------------------------------------------------------------------

def default_out(runs):
    others = "+".join(r.label for r in runs[1:])
    return runs[0].run_dir / "report" / f"compare-vs-{figures.slug(others)}"


def main(argv):
    parser = Parser(prog="compare", description="Compares contend runs of several "
                           "machines: aligned tables, winners, overlay plots.")
    parser.add_argument("runs", nargs="+", metavar="RUN", help="run folders or results.csv files")
    parser.add_argument("--out", metavar="DIR",
                        help="output folder (default: FIRST_RUN/report/compare-vs-<others>)")
    parser.add_argument("--format", choices=["md", "html"], default="md",
                        help="summary format (default md)")
    args = parser.parse_args(argv)
    if len(args.runs) < 2:
        raise UsageError("compare needs at least two runs")
    runs = results.load_runs(args.runs)
    labels = unique_labels(runs)
    summaries = [results.instance_summary(r.df) for r in runs]
    points = [machine_points(r, s) for r, s in zip(runs, summaries)]
    evidence = [ranking.RoundSamples.of(r.df, s) for r, s in zip(runs, summaries)]
    by_load, by_threads = align(points, "load"), align(points, "threads")
    if not len(by_load) and not len(by_threads):
        raise UsageError("the runs have no benchmark instance in common "
                         "(same family, benchmark, params, impl, mode, roles, placement)")
    wins = winners(points, evidence, "load")
    n = len(runs)
    head = machine_lines(runs, labels)
    sections = [("Aligned by load (workers / that machine's cores; ! = unstable, "
                 "95% CI across rounds)", *aligned_rows(by_load, n, "load")),
                ("Aligned by worker count (* = oversubscribed on that machine, ! = unstable)",
                 *aligned_rows(by_threads, n, "threads")),
                ("Fastest impl per machine at each load (winner only when its lead over the "
                 f"runner-up is significant across rounds and >= {formatting.percent(ranking.FLOOR - 1)}; margin "
                 "= winner / runner-up with its 95% CI)", *winner_rows(wins, n))]
    verdict = verdict_line(wins)
    for line in head:
        print(line)
    for title, header, rows in sections:
        print(f"\n{title} ({len(rows)} rows):")
        print(tables.text_table(header, rows) if rows else "(none)")
    print(f"\n{verdict}")

    out = Path(args.out) if args.out else default_out(runs)
    out.mkdir(parents=True, exist_ok=True)
    by_load.to_csv(out / "aligned-by-load.csv", index=False)
    by_threads.to_csv(out / "aligned-by-workers.csv", index=False)
    wins.to_csv(out / "winners.csv", index=False)
    pngs = write_overlays(points, labels, [r.cores for r in runs], out)
    if args.format == "md":
        summary = out / "compare.md"
        summary.write_text(markdown_summary(head, sections, verdict, pngs), encoding="utf-8")
    else:
        summary = out / "index.html"
        summary.write_text(html_summary(head, sections, verdict, pngs), encoding="utf-8")
    print(f"\ncompare: wrote {summary} and {len(pngs)} overlay plot(s) in {out}")
    return 0


def markdown_summary(head, sections, verdict, pngs):
    lines = ["# contend compare", ""] + [f"- {h}" for h in head] + ["", f"**{verdict}**"]
    for title, header, rows in sections:
        lines += ["", f"## {title}", "", tables.markdown_table(header, rows) if rows else "(none)"]
    lines += ["", "## Overlay plots", ""] + [f"![{p.stem}]({p.name})" for p in pngs]
    return "\n".join(lines) + "\n"


def html_summary(head, sections, verdict, pngs):
    import html
    parts = ["<ul>" + "".join(f"<li>{html.escape(h)}</li>" for h in head) + "</ul>",
             f"<p><b>{html.escape(verdict)}</b></p>"]
    for title, header, rows in sections:
        parts += [f"<h2>{html.escape(title)}</h2>", report.html_table(header, rows)]
    parts += ["<h2>Overlay plots</h2>"] + [report.embedded_png(p, p.stem) for p in pngs]
    return report.page("contend compare", "\n".join(parts))


if __name__ == "__main__":
    sys.exit(run_main("compare", main))
