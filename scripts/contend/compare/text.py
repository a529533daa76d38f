"""scripts/compare's text: the winners per machine and the aligned tables,
printed and as the markdown summary (the figures: overlay.py; the HTML page:
page.py). align.py's frames in, text out. Every format answers first: the
verdict and the winners table come before the long aligned tables.
"""
from ..core import formatting, ranking, scaling, tables
from ..report import machine_card

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
    partial = machine_card.partial_run_text(run.machine)
    return note + (f"; {partial}" if partial else "")


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
