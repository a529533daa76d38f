"""scripts/fleet compare: the page for N machines.

In a reader's order: the fleet (id, commit, how many nodes done); the
machine classes (classes.py: nodes grouped by machine_id) side by side,
winners per class with ties, as scripts/compare says them (compare.main's
analyse on one pooled run per class); node outliers within each class
(outliers.py), each with its evidence; and the failed and missing nodes,
listed, never dropped (status.py), with any unfinished run they left.
Text on stdout; --format md writes compare.md, --format html index.html
(tables, no figures: scripts/compare on the class runs draws the
overlays), both in --out (default FLEET/report/). Exit 0 when every node
is done, 1 when some are not (the page is written either way).
"""
import html
import math
from pathlib import Path

from . import classes, outliers, status as status_mod
from ..compare import main as compare_main
from ..core import formatting, instance_summary, results, tables
from ..core.cli import EXIT_FAILURE, EXIT_OK, UsageError
from ..report import html_parts


def percent(shift):
    return f"{math.exp(shift) - 1:+.1%}"


def class_lines(groups, runs):
    lines = []
    for i, (mid, nodes) in enumerate(groups):
        run = runs[nodes[0]]
        cpu = run.machine.get("cpu_model", "?")
        slurm = run.machine.get("slurm") or {}
        part = f"; cpuset {slurm['cpuset']} of {slurm['node_cpus']} CPUs" \
            if slurm and not slurm.get("whole_node", True) else ""
        lines.append(f"m{i + 1} = {mid}: {cpu}, {run.cores} cores{part}; "
                     f"{len(nodes)} node{'s' if len(nodes) != 1 else ''}: {', '.join(nodes)}")
    return lines


def outlier_lines(check, label):
    """What the outlier check says about one class, as lines."""
    if check.note:
        return [f"{label} {check.machine_id}: {check.note}"]
    shifts = ", ".join(f"{v.node} {percent(v.shift)}" for v in check.nodes)
    out = [f"{label} {check.machine_id}: {len(check.nodes)} nodes, {check.instances} instances "
           f"every node measured; each node's median gap to the class: {shifts} (robust sd "
           f"of the gaps {formatting.percent(check.shift_spread)})"]
    named = check.outliers()
    if not named:
        out.append(f"  no outlier (a node is named when its median gap is >= "
                   f"{percent(outliers.LEVEL_FLOOR)} and {outliers.Z_SPREAD:g}x the others' "
                   f"spread, or its between-round spread is >= {outliers.NOISE_FACTOR:g}x "
                   "theirs and >= " f"{formatting.percent(outliers.NOISE_FLOOR)})")
    for v in named:
        what = []
        if v.level_outlier:
            what.append(f"{'slower' if v.shift < 0 else 'faster'} than its class by "
                        f"{percent(v.shift)} (median over {check.instances} instances; "
                        f"{'slower' if v.shift < 0 else 'faster'} on {v.same_direction} of them)")
        if v.noise_outlier:
            what.append(f"noisy: its rounds spread {formatting.percent(v.noise)} (sd of logs; "
                        "the others' median is lower by "
                        f"{outliers.NOISE_FACTOR:g}x or more)")
        out.append(f"  OUTLIER {v.node}: {'; '.join(what)}")
        for name, ratio, spread in v.evidence:
            out.append(f"    {name}: {ratio:.2f}x the others' median (their spread "
                       f"{formatting.percent(spread) if spread == spread else 'n/a'})")
    return out


def missing_rows(statuses, folder):
    rows = []
    for s in statuses:
        if s.state == "done":
            continue
        kept = ", ".join(str(p.relative_to(folder)) for p in s.partial_runs) or "-"
        rows.append([s.node, s.state, s.job_id or "-", s.detail or "-", kept])
    return ["node", "state", "job", "why", "unfinished runs kept (not counted)"], rows


def build(folder):
    """Everything the page says, as a dict of parts."""
    mf, statuses = status_mod.of_fleet(folder, offline_ok=True)
    runs = {s.node: results.load_run(s.run_dir) for s in statuses if s.state == "done"}
    groups = classes.group(runs)
    parts = {"manifest": mf, "statuses": statuses, "groups": groups,
             "head": [f"fleet {mf['fleet_id']} @ {mf['commit']}: {status_mod.counts(statuses)}; "
                      f"{len(groups)} machine class{'es' if len(groups) != 1 else ''}"]
             + class_lines(groups, runs),
             "compare": None, "outliers": []}
    if groups:
        pooled = [classes.pool([runs[n] for n in nodes], f"{len(nodes)}-nodes")
                  for _, nodes in groups]
        try:
            parts["compare"] = compare_main.analyse(pooled, [f"m{i + 1}" for i in range(len(groups))])
        except UsageError as e:   # e.g. every row an error: the rest of the page still says so
            parts["head"].append(f"no class comparison: {e}")
    for i, (mid, nodes) in enumerate(groups):
        check = outliers.check(mid, {n: instance_summary.of(runs[n]) for n in nodes})
        parts["outliers"].append(outlier_lines(check, f"m{i + 1}"))
    parts["missing"] = missing_rows(statuses, folder)
    return parts


def _sections(parts):
    """(title, header, rows) of compare's tables: with one class, its
    winners only (the aligned tables would compare it with itself)."""
    c = parts["compare"]
    if c is None:
        return []
    return c.sections if len(parts["groups"]) > 1 else c.sections[:1]


def text_page(parts):
    lines = list(parts["head"])
    for title, header, rows in _sections(parts):
        lines += ["", f"{title} ({len(rows)} rows):", tables.text_table(header, rows) if rows else "(none)"]
    lines += ["", "Node outliers within each class:"]
    for block in parts["outliers"] or [["(no node finished: nothing to compare)"]]:
        lines += block
    header, rows = parts["missing"]
    lines += ["", f"Failed and missing nodes ({len(rows)}):",
              tables.text_table(header, rows) if rows else "(none: every node is done)"]
    if parts["compare"] is not None and len(parts["groups"]) > 1:
        lines += ["", parts["compare"].verdict]
    return "\n".join(lines)


def markdown_page(parts):
    lines = ["# contend fleet", ""] + [f"- {h}" for h in parts["head"]]
    for title, header, rows in _sections(parts):
        lines += ["", f"## {title}", "", tables.markdown_table(header, rows) if rows else "(none)"]
    lines += ["", "## Node outliers within each class", ""]
    for block in parts["outliers"]:
        lines += ["```", *block, "```", ""]
    header, rows = parts["missing"]
    lines += ["## Failed and missing nodes", "",
              tables.markdown_table(header, rows) if rows else "(none: every node is done)"]
    return "\n".join(lines) + "\n"


def html_page(parts):
    body = [f"<h1>contend fleet</h1>", "<ul>" + "".join(f"<li>{html.escape(h)}</li>"
                                                      for h in parts["head"]) + "</ul>"]
    for title, header, rows in _sections(parts):
        body += [f"<h2>{html.escape(title)}</h2>", html_parts.html_table(header, rows)]
    body.append("<h2>Node outliers within each class</h2>")
    body += [f"<pre>{html.escape(chr(10).join(block))}</pre>" for block in parts["outliers"]]
    header, rows = parts["missing"]
    body += ["<h2>Failed and missing nodes</h2>",
             html_parts.html_table(header, rows) if rows else "<p>none: every node is done</p>"]
    return html_parts.page("contend fleet", "\n".join(body))


def main(folder, fmt, out):
    parts = build(folder)
    print(text_page(parts))
    if fmt != "text":
        where = Path(out) if out else Path(folder) / "report"
        where.mkdir(parents=True, exist_ok=True)
        path = where / ("compare.md" if fmt == "md" else "index.html")
        path.write_text(markdown_page(parts) if fmt == "md" else html_page(parts), encoding="utf-8")
        print(f"\nfleet: wrote {path}")
    return EXIT_OK if all(s.state == "done" for s in parts["statuses"]) else EXIT_FAILURE
