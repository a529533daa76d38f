"""scripts/compare: several machines side by side.

    scripts/compare RUN_A RUN_B [RUN_C ...] [--out DIR] [--format md|html]

Benchmarks are aligned on their identity (family, benchmark, params, impl,
mode, producers, consumers, placement) and on the worker count twice over:
- by load, threads / cores of that machine (50%, 100%, and "over" for the
  oversubscribed point): full machine against full machine. Producers and
  consumers grow with the load (1p1c on 2 cores is 8p8c on 16), so here they
  are matched by their shape (p=c, 1 producer, 1 consumer, ratio) instead;
- by absolute workers: the same threads, producers and consumers.
Per machine: median throughput, ratio to the first run, throughput per busy
core (items/s / min(workers, cores)), scaling efficiency; and the fastest impl
at every aligned point on every machine, answering "does the winner change
with the hardware?".

Output: the tables on stdout; in --out (default: <first run>/report/compare-vs-
<other machines>/, beside that run's own report and ignored by git like it)
a markdown or HTML summary, the aligned tables as CSV, and overlay plots with
one colour per machine.
"""
import sys
from pathlib import Path

import pandas as pd

from . import figures, report, results, scaling, schema, tables
from .args import OneLineParser
from .cli import UsageError, run_main
from .figures import PLACEMENT_STYLE, Figure
from matplotlib.lines import Line2D

FIGURE_KEY = ["family", "benchmark", "params", "mode"]
VALUES = ["threads", "producers", "consumers", "median", "per_core", "efficiency",
          "oversubscribed", "errors"]
# What names one instance under each alignment (the point column comes last).
ALIGN_KEY = {"load": scaling.LINE + ["shape", "load"],
             "threads": schema.IDENTITY + ["threads"]}


def machine_points(run):
    """Per-instance medians of one run plus the columns the alignment needs."""
    summary = scaling.with_roles(results.instance_summary(run.df))
    cores = run.cores
    return summary.assign(
        efficiency=scaling.scaling_efficiency(summary),
        per_core=summary["median"] / summary["threads"].clip(upper=cores),
        load=[("over" if o else f"{t / cores:.4g}")
              for t, o in zip(summary["threads"], summary["oversubscribed"])],
        shape=[scaling.role_shape(p, c) for p, c in zip(summary["producers"], summary["consumers"])],
    )


def load_label(load):
    return load if load == "over" else f"{float(load):.0%}"


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


def winners(points, by="load"):
    """Per (alignment key without impl) the fastest impl on every machine.

    Only impls that every machine measured at that point compete: a machine
    whose run skipped the real winner must not make the winner "change". An
    impl that lost updates (unsync) is fast because it is wrong: it never wins.
    """
    key = [c for c in ALIGN_KEY[by] if c != "impl"]
    measured_by_machine = [p.loc[p["median"].notna() & ~(p["lost"].fillna(0) > 0)]
                           for p in points]
    everywhere = set.intersection(*[set(map(tuple, m[key + ["impl"]].itertuples(index=False)))
                                    for m in measured_by_machine])
    tops = []
    for i, m in enumerate(measured_by_machine):
        shared = [t in everywhere for t in m[key + ["impl"]].itertuples(index=False, name=None)]
        measured = m.loc[shared].sort_values("median", ascending=False, kind="stable")
        # cumcount, not nth(): nth's shape changed between pandas 1.5 and 2.
        rank = measured.groupby(key, sort=False).cumcount()
        first = measured.loc[rank == 0].set_index(key)
        second = measured.loc[rank == 1].set_index(key)["median"]
        tops.append(pd.DataFrame({f"winner_{i}": first["impl"],
                                  f"margin_{i}": first["median"] / second.reindex(first.index)}))
    merged = tops[0]
    for top in tops[1:]:
        merged = merged.join(top, how="inner")
    merged = merged.reset_index()
    names = [merged[f"winner_{i}"] for i in range(len(points))]
    merged["changes"] = [len(set(w)) > 1 for w in zip(*names)] if len(merged) else []
    return _sorted(merged, key)


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
        header += ([tag + "workers"] if by == "load" else []) + [tag + "items/s"]
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
            value = tables.si(r[f"median_{i}"]) if r[f"median_{i}"] == r[f"median_{i}"] else "error"
            row.append(value + ("*" if over and by == "threads" else ""))
            if i:
                row.append(tables.ratio(r[f"ratio_{i}"]))
            row += [tables.si(r[f"per_core_{i}"]), tables.ratio(r[f"efficiency_{i}"])]
        rows.append(row)
    return header, rows


def winner_rows(table, n):
    header = ["benchmark", "roles", "placement", "load"]
    header += [f"m{i + 1} winner (x 2nd)" for i in range(n)] + ["changes?"]
    rows = []
    for _, r in table.iterrows():
        row = [_bench(r), r["shape"], r["placement"], load_label(r["load"])]
        for i in range(n):
            margin = r[f"margin_{i}"]
            row.append(f"{r[f'winner_{i}']} ({margin:.2f})" if margin == margin else r[f"winner_{i}"])
        row.append("YES" if r["changes"] else "")
        rows.append(row)
    return header, rows


def machine_lines(runs, labels):
    out = []
    for i, (run, label) in enumerate(zip(runs, labels)):
        cpu = run.machine.get("cpu_model", "")
        pus = run.machine.get("pus")
        extra = f", {pus} PUs" if pus else ""
        out.append(f"m{i + 1} = {label}: {cpu + ', ' if cpu else ''}{run.cores} cores{extra}; "
                   f"run {run.run_id} @ {run.git_sha or '?'}")
    return out


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
                Line2D([], [], color="0.2", marker="o", mfc="white", ls="", label="oversubscribed")]
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
    parser = OneLineParser(prog="compare", description="Compares contend runs of several "
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
    points = [machine_points(r) for r in runs]
    by_load, by_threads = align(points, "load"), align(points, "threads")
    if not len(by_load) and not len(by_threads):
        raise UsageError("the runs have no benchmark instance in common "
                         "(same family, benchmark, params, impl, mode, roles, placement)")
    wins = winners(points, "load")
    n = len(runs)
    head = machine_lines(runs, labels)
    sections = [("Aligned by load (workers / that machine's cores)", *aligned_rows(by_load, n, "load")),
                ("Aligned by worker count (* = oversubscribed on that machine)",
                 *aligned_rows(by_threads, n, "threads")),
                ("Fastest impl per machine at each load (x = margin over the 2nd)",
                 *winner_rows(wins, n))]
    changed = int(wins["changes"].sum()) if len(wins) else 0
    verdict = (f"The winner changes with the hardware at {changed} of {len(wins)} aligned points."
               if len(wins) else "No aligned point has impls to rank.")
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
