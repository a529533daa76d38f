"""scripts/compare's output: the winners per machine, the aligned tables, the
overlay PNGs and the markdown summary (the HTML page: compare_page.py).
compare.py's frames in, text and PNGs out. Every format answers first:
the verdict and the winners table come before the long aligned tables.
"""
import html

from . import figures, formatting, palette, ranking, report, scaling, tables
from .figures import PLACEMENT_STYLE, Figure
from matplotlib.lines import Line2D

# Per machine, the winners() columns a winner table shows (suffixed _0, _1, ...).
SHOWN_WINNER_COLUMNS = ["verdict", "unstable", "runner_up", "margin", "margin_low", "margin_high"]


def load_label(load):
    return load if load == "over" else formatting.percent(float(load))


def verdict_line(wins):
    """The answer to "does the winner change with the hardware?"."""
    if not len(wins):
        return "No aligned point has impls to rank."
    changed, tied = int(wins["changes"].sum()), int(wins["tie"].sum())
    return (f"The winner changes with the hardware at {changed} of {len(wins)} aligned points "
            f"(a significant winner on every machine, not the same one); {tied} point"
            f"{'s are ties' if tied != 1 else ' is a tie'} on at least one machine "
            f"(no significant lead of at least {formatting.percent(ranking.FLOOR - 1)}: "
            "not a change).")


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
    return scaling.role_split(p, c)


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
            mine = {c: r[f"{c}_{i}"] for c in SHOWN_WINNER_COLUMNS}
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
    styles = palette.styles_for(labels)
    colours = [styles[label].colour for label in labels]
    markers = [styles[label].marker for label in labels]
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
                ax.plot(x[~over], line["median"].to_numpy()[~over], markers[i], color=colours[i],
                        ms=4)
                ax.plot(x[over], line["median"].to_numpy()[over], markers[i], mfc="white",
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
    handles = [Line2D([], [], color=colours[i], marker=markers[i], lw=2, label=f"m{i + 1} {label}")
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


def shared_figure_rows(points):
    """(FIGURE_KEY, [rows per machine]) for every figure key that at least two
    machines measured, in figure order (a machine without it: no rows)."""
    groups = [dict(iter(p.groupby(figures.FIGURE_KEY, sort=False))) for p in points]
    keys = set().union(*[set(g) for g in groups])
    shared = [k for k in keys if sum(k in g for g in groups) >= 2]
    return [(key, [g.get(key, p.iloc[0:0]) for g, p in zip(groups, points)])
            for key in sorted(shared, key=figures.figure_order)]


def write_overlays(points, labels, cores, out):
    """One overlay PNG per shared figure key: {FIGURE_KEY: path}, in figure order."""
    written = {}
    for key, rows in shared_figure_rows(points):
        png = out / f"compare-{figures.slug(*key)}.png"
        overlay_figure(rows, labels, cores, key).savefig(png, bbox_inches="tight")
        written[key] = png
    return written


def text_report(head, sections, verdict):
    """What compare prints: the machines, each table (winners first), the
    answer (last, where a terminal leaves it in view)."""
    lines = list(head)
    for title, header, rows in sections:
        lines += ["", f"{title} ({len(rows)} rows):",
                  tables.text_table(header, rows) if rows else "(none)"]
    return "\n".join(lines + ["", verdict])


def sections(by_load, by_threads, wins, n):
    """(title, header, rows) of the three tables: the winners first."""
    return [("Fastest impl per machine at each load (winner only when its lead over the "
             "runner-up is significant across rounds and >= "
             f"{formatting.percent(ranking.FLOOR - 1)}; margin = winner / runner-up with its "
             "95% CI)", *winner_rows(wins, n)),
            ("Aligned by load (workers / that machine's cores; ! = unstable, "
             "95% CI across rounds)", *aligned_rows(by_load, n, "load")),
            ("Aligned by worker count (* = oversubscribed on that machine, ! = unstable)",
             *aligned_rows(by_threads, n, "threads"))]


def write_markdown(out, head, sections, verdict, pngs):
    """compare.md in `out`; returns its path."""
    path = out / "compare.md"
    path.write_text(markdown_summary(head, sections, verdict, pngs), encoding="utf-8")
    return path


def markdown_summary(head, sections, verdict, pngs):
    """The machines, the verdict, the winners, then the aligned tables and
    the overlay PNGs."""
    lines = ["# contend compare", ""] + [f"- {h}" for h in head] + ["", f"**{verdict}**"]
    for title, header, rows in sections:
        lines += ["", f"## {title}", "", tables.markdown_table(header, rows) if rows else "(none)"]
    lines += ["", "## Overlay plots", ""] + [f"![{p.stem}]({p.name})" for p in pngs]
    return "\n".join(lines) + "\n"
