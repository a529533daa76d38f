"""scripts/compare --format html: one navigable page, the answer first.

Order (a reader's questions, in turn): which machines (one card each: CPU,
cores, run, rounds, noise score), does the winner change (the verdict and
the winners table, ties and runner-ups included), where to look (contents),
how each scenario scales on each machine (per family, one interactive
overlay per scenario, overlay.py: a panel per impl, machines as colours
and markers, the 95% interval across rounds as a band), and last the long
aligned tables, folded. The PNG overlays (the same figures, drawn by
matplotlib) stay beside the page for CI artifacts and slides, linked from
each figure.
"""
import html

from ..report import figures, html_parts, interactive, interactive_page, machine_card, palette
from . import overlay, text

RESTORE = "scripts/compare RUN_A RUN_B --format html"


def figure_id(key):
    return "fig-" + figures.slug(*key)


def family_id(family):
    return "family-" + figures.slug(family)


# ---- the page ------------------------------------------------------------------------

def machine_cards(runs, labels):
    styles = palette.styles_for(labels)
    cards = []
    for i, (run, label) in enumerate(zip(runs, labels)):
        facts = [("CPU", run.machine.get("cpu_model", "") or "?"),
                 ("cores", f"{run.cores}" + (f" ({run.machine['pus']} PUs)"
                                             if run.machine.get("pus") else "")),
                 ("run", f"{run.run_id} @ {run.git_sha or '?'}"),
                 ("rounds", text.rounds_note(run)),
                 ("noise", machine_card.noise_text(run.machine) or "no noise score recorded")]
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
            + html_parts.html_table(count_header, count_rows, sortable=False)
            # A long table scrolls in its own box: the contents and the
            # figures stay one screen away.
            + '<div class="scroll">' + html_parts.html_table(header, shown, row_classes=classes)
            + "</div>")


def figure_block(fig, key, png):
    link = (f' <a class="png" href="{html.escape(png.name)}">static PNG</a>' if png else "")
    return (f'<h3 id="{figure_id(key)}-title">{html.escape(figures.figure_title(*key))}{link}</h3>\n'
            # The div is as tall as the figure before it is drawn: a link to
            # a figure further down lands on it, not where it was before drawing.
            + interactive.figure_div(fig, figure_id(key), fig.layout.height))


def write_page(out, runs, labels, points, wins, sections, verdict, pngs):
    """index.html in `out` (and the folder's shared plotly.js); returns its
    path. pngs: {FIGURE_KEY: png path}; sections: text.sections."""
    cores = [r.cores for r in runs]
    overlays = [(key, overlay.interactive(overlay.model(rows, labels, cores, key)))
                for key, rows in overlay.shared_figure_rows(points)]
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
        interactive_page.folded(f"{title} ({len(rows)} rows)", html_parts.html_table(header, rows),
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
