"""scripts/compare --format html: one navigable page, the answer first.

Order (a reader's questions, in turn): which machines (one card each: CPU,
cores, run, rounds, noise score), does the winner change (the verdict and
the winners table, ties and runner-ups included), where to look (contents),
how each scenario scales on each machine (per family, one interactive
overlay per scenario: a panel per impl, machines as colours and markers,
the 95% interval across rounds as a band), and last the long aligned tables,
folded. The PNG overlays stay beside the page for CI artifacts and slides,
linked from each figure.

Guaranteed: every panel of one figure has the same y axis (the same log
range, computed from every median and interval drawn in it), so a panel's
height compares with its neighbour's; a band is drawn only where the
interval exists (two rounds or more). Not guaranteed: a band where a
point's interval is missing (one round) — the band then pinches to the
median there.
"""
import html
import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import (compare_report, figures, formatting, interactive, interactive_page, palette, report,
               scaling)

# TODO(units.py): the report's units-per-family mapping replaces this when merged.
_Y_UNITS = {"spawn": "tasks/s", "pool": "tasks/s", "ipc": "messages/s",
            "chatlog": "messages/s", "server": "requests/s"}
# A ping-pong's items are round trips, whatever the family.
_BENCHMARK_UNITS = {"pingpong": "round trips/s"}
PLACEMENT_DASH = {"compact": "solid", "scatter": "dash"}
PANEL_COLUMNS = 3
PANEL_HEIGHT_PX = 280
BAND_OPACITY = 0.18
RESTORE = "scripts/compare RUN_A RUN_B --format html"


def y_units(family, benchmark=""):
    return _BENCHMARK_UNITS.get(benchmark) or _Y_UNITS.get(family, "items/s")


def figure_id(key):
    return "fig-" + figures.slug(*key)


def family_id(family):
    return "family-" + figures.slug(family)


# ---- one figure ----------------------------------------------------------------------

def _finite_positive(values):
    return [float(v) for v in values if v == v and v is not None and float(v) > 0]


def shared_y_range(rows_by_machine):
    """[log10 low, log10 high] covering every median and interval drawn, padded."""
    values = []
    for rows in rows_by_machine:
        for column in ("median", "ci_low", "ci_high"):
            values += _finite_positive(rows[column])
    if not values:
        return [0.0, 1.0]
    low, high = min(values), max(values)
    pad = 0.08 * max(math.log10(high) - math.log10(low), 0.3)
    return [math.log10(low) - pad, math.log10(high) + pad]


def _rgba(colour, alpha):
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def band_trace(line, colour, name):
    """The interval across rounds as a filled polygon (upper edge out, lower
    edge back); a point without an interval pinches to its median."""
    x = list(line["threads"])
    median = list(line["median"])
    high = [h if h == h else m for h, m in zip(line["ci_high"], median)]
    low = [lo if lo == lo else m for lo, m in zip(line["ci_low"], median)]
    return go.Scatter(x=x + x[::-1], y=high + low[::-1], fill="toself", mode="lines",
                      line=dict(width=0), fillcolor=_rgba(colour, BAND_OPACITY),
                      hoverinfo="skip", legendgroup=name, showlegend=False,
                      name=f"{name} 95% interval")


def median_trace(line, style, name, placement, units):
    """One line of one machine: its medians, hover naming the interval.
    Not in the legend: legend_trace stands for the machine."""
    over = line["oversubscribed"].to_numpy(dtype=bool)
    unstable = line["unstable"].fillna(False).to_numpy(dtype=bool)
    custom = [[formatting.interval(lo, hi), placement, roles or "-",
               "yes" if u else "no", "yes" if o else "no"]
              for lo, hi, roles, u, o in zip(line["ci_low"], line["ci_high"], line["roles"],
                                             unstable, over)]
    return go.Scatter(
        x=list(line["threads"]), y=list(line["median"]), mode="lines+markers", name=name,
        legendgroup=name, showlegend=False, customdata=custom,
        line=dict(color=style.colour, width=2, dash=PLACEMENT_DASH.get(placement, "dot")),
        # Open markers: oversubscribed points (more workers than PUs).
        marker=dict(color=style.colour, size=[10 if u else 7 for u in unstable],
                    symbol=[style.symbol + ("-open" if o else "") for o in over]),
        hovertemplate=(f"<b>{html.escape(name)}</b><br>workers %{{x}} (%{{customdata[1]}}, "
                       f"roles %{{customdata[2]}})<br>median %{{y:.4s}} {units}<br>"
                       "95% interval %{customdata[0]}<br>unstable %{customdata[3]}, "
                       "oversubscribed %{customdata[4]}<extra></extra>"))


def legend_trace(style, name):
    """The machine's legend entry, drawn nowhere: a real line's first marker
    may be hollow (oversubscribed), the legend's should not be."""
    return go.Scatter(x=[None], y=[None], mode="lines+markers", name=name, legendgroup=name,
                      showlegend=True, line=dict(color=style.colour, width=2),
                      marker=dict(color=style.colour, symbol=style.symbol, size=8),
                      hoverinfo="skip")


def core_line_trace(cores, style, name, y_range):
    """That machine's core count: a dotted vertical line (a trace, so it sits
    at the right place on a log axis and toggles with its machine)."""
    return go.Scatter(x=[cores, cores], y=[10 ** y_range[0], 10 ** y_range[1]], mode="lines",
                      line=dict(color=style.colour, width=1, dash="dot"), legendgroup=name,
                      showlegend=False, hoverinfo="skip", name=f"{name}: {cores} cores")


def worker_tick_texts(threads):
    """Tick labels of the workers axis; a count right beside the previous
    labelled one on the log axis (16 then 17 or 18) stays unlabelled rather
    than overprinting it (hover still names it)."""
    texts, previous = [], None
    for t in threads:
        crowded = previous is not None and t / previous < 1.3
        texts.append("" if crowded else str(t))
        previous = previous if crowded else t
    return texts


def overlay_figure(rows_by_machine, labels, cores, key):
    """A plotly figure: one panel per impl, one colour and marker per machine,
    every panel on one shared log y range."""
    impls = sorted(set().union(*[set(r["impl"]) for r in rows_by_machine]))
    columns = min(PANEL_COLUMNS, len(impls))
    lines = -(-len(impls) // columns)
    styles = palette.styles_for(labels)
    units = y_units(key[0], key[1])
    y_range = shared_y_range(rows_by_machine)
    threads = sorted(set().union(*[set(int(t) for t in r["threads"]) for r in rows_by_machine]))
    fig = make_subplots(rows=lines, cols=columns, subplot_titles=impls, shared_yaxes="all",
                        horizontal_spacing=0.06, vertical_spacing=min(0.12, 0.3 / lines))
    for name in labels:
        fig.add_trace(legend_trace(styles[name], name), row=1, col=1)
    for j, impl in enumerate(impls):
        row, col = j // columns + 1, j % columns + 1
        for i, rows in enumerate(rows_by_machine):
            name, style = labels[i], styles[labels[i]]
            mine = scaling.with_roles(rows.loc[(rows["impl"] == impl) & rows["median"].notna()])
            for line_key, line in scaling.line_groups(mine):
                if line[["ci_low", "ci_high"]].notna().to_numpy().any():
                    fig.add_trace(band_trace(line, style.colour, name), row=row, col=col)
                fig.add_trace(median_trace(line, style, name, line_key["placement"], units),
                              row=row, col=col)
            fig.add_trace(core_line_trace(cores[i], style, name, y_range), row=row, col=col)
    fig.update_yaxes(type="log", range=y_range, showgrid=True, gridcolor="#e4e4e4")
    fig.update_yaxes(title_text=f"{units} (median)", col=1)
    fig.update_xaxes(type="log", tickvals=threads, tickangle=0, ticktext=worker_tick_texts(threads),
                     range=[math.log10(min(threads) / 1.25), math.log10(max(threads) * 1.25)],
                     showgrid=False)
    fig.update_xaxes(title_text="workers", row=lines)
    # No plotly title: the page's heading above the figure names it. The
    # legend sits right of the panels, clear of the subplot titles.
    fig.update_layout(template="plotly_white", height=PANEL_HEIGHT_PX * lines + 80,
                      margin=dict(l=70, r=20, t=40, b=50), hovermode="closest",
                      legend=dict(x=1.02, xanchor="left", y=1.0, yanchor="top",
                                  title=dict(text="machine")))
    return fig


# ---- the page ------------------------------------------------------------------------

def machine_cards(runs, labels):
    styles = palette.styles_for(labels)
    cards = []
    for i, (run, label) in enumerate(zip(runs, labels)):
        facts = [("CPU", run.machine.get("cpu_model", "") or "?"),
                 ("cores", f"{run.cores}" + (f" ({run.machine['pus']} PUs)"
                                             if run.machine.get("pus") else "")),
                 ("run", f"{run.run_id} @ {run.git_sha or '?'}"),
                 ("rounds", compare_report.rounds_note(run)),
                 ("noise", report.noise_text(run.machine) or "no noise score recorded")]
        rows = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in facts)
        cards.append(f'<div class="card" style="--machine:{styles[label].colour}">'
                     f"<h3>m{i + 1} = {html.escape(label)}</h3><dl>{rows}</dl></div>")
    return '<div class="cards" id="machines">' + "".join(cards) + "</div>"


def win_counts(wins, labels):
    """Per machine: how many aligned points each impl wins, and the ties."""
    header = ["machine", "wins (impl: points)", "ties", "points"]
    rows = []
    for i, label in enumerate(labels):
        status = wins[f"status_{i}"] if len(wins) else []
        winners = wins.loc[status == "winner", f"winner_{i}"].value_counts() if len(wins) else {}
        text = ", ".join(f"{impl}: {n}" for impl, n in dict(winners).items()) or "none"
        rows.append([f"m{i + 1} {label}", text, str(int((status == "tie").sum()) if len(wins) else 0),
                     str(len(wins))])
    return header, rows


def contested(wins, n):
    """Rows where at least one machine ranks two or more impls (not every
    machine "alone" or "none": a single eligible impl wins nothing)."""
    if not len(wins):
        return []
    statuses = zip(*[wins[f"status_{i}"] for i in range(n)])
    return [any(s in ("winner", "tie") for s in st) for st in statuses]


def winners_block(wins, labels, winners_section):
    title, header, rows = winners_section
    keep = contested(wins, len(labels))
    classes = [("changed" if c else ("tie" if t else ""))
               for c, t, k in zip(wins["changes"], wins["tie"], keep) if k] if len(wins) else []
    shown = [r for r, k in zip(rows, keep) if k]
    left_out = len(rows) - len(shown)
    count_header, count_rows = win_counts(wins, labels)
    return (f'<h2 id="winners">Winners</h2>\n<p class="note">{html.escape(title)}. '
            "Rows where the winner changes with the hardware are marked YES; "
            "\"tie\" = no significant winner on at least one machine."
            + (f" {left_out} point{'s' if left_out != 1 else ''} where a single impl was "
               "eligible on every machine (nothing to rank) are left out here; "
               "winners.csv keeps them." if left_out else "")
            + "</p>\n"
            + report.html_table(count_header, count_rows, sortable=False)
            # A long table scrolls in its own box: the contents and the
            # figures stay one screen away.
            + '<div class="scroll">' + report.html_table(header, shown, row_classes=classes)
            + "</div>")


def figure_block(fig, key, png):
    link = (f' <a class="png" href="{html.escape(png.name)}">static PNG</a>' if png else "")
    return (f'<h3 id="{figure_id(key)}-title">{html.escape(figures.figure_title(*key))}{link}</h3>\n'
            # The div is as tall as the figure before it is drawn: a link to
            # a figure further down lands on it, not where it was before drawing.
            + interactive.figure_div(fig, figure_id(key), fig.layout.height))


def write_page(out, runs, labels, points, wins, sections, verdict, pngs):
    """index.html in `out` (and the folder's shared plotly.js); returns its
    path. pngs: {FIGURE_KEY: png path}; sections: compare_report.sections."""
    cores = [r.cores for r in runs]
    overlays = [(key, overlay_figure(rows, labels, cores, key))
                for key, rows in compare_report.shared_figure_rows(points)]
    path = out / "index.html"
    path.write_text(html_page(out, runs, labels, wins, sections, verdict, overlays, pngs),
                    encoding="utf-8")
    return path


def html_page(out, runs, labels, wins, sections, verdict, overlays, pngs):
    """The page's HTML. overlays: [(FIGURE_KEY, plotly figure)] in figure order."""
    winners_section = sections[0]
    families = []
    for key, _ in overlays:
        if key[0] not in families:
            families.append(key[0])
    entries = [("machines", "Machines", 0), ("winners", "Winners", 0)]
    body_figures = []
    for family in families:
        entries.append((family_id(family), f"{family}: overlays", 0))
        body_figures.append(f'<h2 id="{family_id(family)}">{html.escape(family)}</h2>\n'
                            f'<p class="note">{html.escape(OVERLAY_NOTE)}</p>')
        for key, fig in overlays:
            if key[0] == family:
                entries.append((figure_id(key), figures.figure_title(*key), 1))
                body_figures.append(figure_block(fig, key, pngs.get(key)))
    entries.append(("tables", "Aligned tables", 0))
    tables_html = "\n".join(
        interactive_page.folded(f"{title} ({len(rows)} rows)", report.html_table(header, rows),
                                f"table-{n}")
        for n, (title, header, rows) in enumerate(sections[1:], 1))
    body = "\n".join([
        '<h2 id="machines-title">Machines</h2>', machine_cards(runs, labels),
        f'<p class="verdict">{html.escape(verdict)}</p>',
        winners_block(wins, labels, winners_section),
        interactive_page.contents(entries),
        *body_figures,
        f'<h2 id="tables">Aligned tables</h2>\n{tables_html}'])
    return interactive_page.page("contend compare", body, out, RESTORE)


OVERLAY_NOTE = ("One panel per impl, all on one y axis; one colour and marker per machine "
                "(click a machine in the legend to hide it, drag to zoom, double-click to "
                "reset). Line: median over rounds; band: its 95% interval across rounds; "
                "solid = compact placement, dashed = scatter; open marker = oversubscribed, "
                "large marker = unstable; dotted vertical line = that machine's core count.")
