"""The calibration in the report: the core-to-core heatmap and how close to
the hardware each family's best implementation gets.

  heatmap    PU x PU, each cell the median one-way latency of the pair
             (machine.json "calibration", calibration.py), symmetric since a
             pair is measured once for both directions; the diagonal and
             pairs a sampled matrix skipped are blank. Cells carry their
             number while the matrix is small enough to read them. PUs are
             ordered by package, then L3, then OS index (machine.json's
             compact placement names each PU's groups), with lines between
             L3s and heavier ones between packages, so that a 128-PU
             machine's sampled matrix reads as blocks.
  closeness  per family, the instance with the lowest floor_ratio (the row's
             own cost over the hardware's floor on its PUs: 1 = at the
             limit), with what the ratio compares.

`interactive(machine)` is the heatmap in plotly for the report page,
[(div id, title, figure, height px)]: hover a cell for the pair, its level,
one-way and round-trip latency and the spread of the round trip over
rounds; drag to zoom into a block of PUs.
"""
import math

import numpy as np
import plotly.graph_objects as go

from . import family_figures

from .figures import Figure

HEADING = "Core-to-core latency (the machine's calibration)"
# Past this many PUs the numbers no longer fit in the cells.
ANNOTATE_UP_TO = 16


def groups_of(machine):
    """{PU: (package, L3)} from machine.json's compact placement, {} without."""
    places = ((machine or {}).get("placements") or {}).get("compact") or []
    return {p["pu"]: (p.get("package", 0), p.get("l3", 0)) for p in places
            if isinstance(p, dict) and isinstance(p.get("pu"), int)}


def matrix(calibration, groups=None):
    """(PU list ordered by package, L3, OS index; square array of one-way
    ns, NaN where unmeasured)."""
    groups = groups or {}
    pairs = [p for p in (calibration or {}).get("pairs") or []
             if isinstance(p, dict) and _finite(p.get("one_way_ns"))]
    pus = sorted({p["pu_a"] for p in pairs} | {p["pu_b"] for p in pairs},
                 key=lambda pu: (groups.get(pu, (0, 0)), pu))
    where = {pu: i for i, pu in enumerate(pus)}
    cells = np.full((len(pus), len(pus)), np.nan)
    for p in pairs:
        i, j = where[p["pu_a"]], where[p["pu_b"]]
        cells[i, j] = cells[j, i] = float(p["one_way_ns"])
    return pus, cells


def label(pu, groups):
    """A PU's axis label: its OS index, and its package and L3 when known."""
    if pu not in groups:
        return str(pu)
    package, l3 = groups[pu]
    return f"{pu} (p{package} L3 {l3})"


def _boundaries(pus, groups):
    """[(index, True when a package starts there else False)] where a new L3
    group starts along the ordered PUs."""
    out = []
    for i in range(1, len(pus)):
        before, here = groups.get(pus[i - 1]), groups.get(pus[i])
        if before and here and before != here:
            out.append((i, before[0] != here[0]))
    return out


def heatmap(calibration, machine_label="", groups=None):
    """The heatmap Figure, or None without a measured pair."""
    groups = groups or {}
    pus, cells = matrix(calibration, groups)
    if not pus:
        return None
    size = min(12.0, 3.0 + 0.35 * len(pus))
    fig = Figure(figsize=(size + 1.5, size))
    ax = fig.add_subplot()
    image = ax.imshow(np.ma.masked_invalid(cells), cmap="viridis")
    fig.colorbar(image, ax=ax, label="one-way latency, ns (median round trip / 2)")
    ticks = range(len(pus))
    labels = [label(p, groups) for p in pus]
    ax.set_xticks(ticks, labels, fontsize=7 if len(pus) > 16 else 9, rotation=90)
    ax.set_yticks(ticks, labels, fontsize=7 if len(pus) > 16 else 9)
    for at, package in _boundaries(pus, groups):
        for line in (ax.axhline, ax.axvline):
            line(at - 0.5, color="black" if package else "grey", linewidth=1.5 if package else 0.5)
    ax.set_xlabel("PU (OS index), by package and L3")
    ax.set_ylabel("PU (OS index), by package and L3")
    sampled = " (sampled pairs)" if calibration.get("sampled") else ""
    ax.set_title(f"Core-to-core one-way latency{sampled}\n{machine_label}".strip())
    if len(pus) <= ANNOTATE_UP_TO:
        middle = np.nanmedian(cells)
        for i in ticks:
            for j in ticks:
                if not math.isnan(cells[i, j]):
                    ax.text(j, i, f"{cells[i, j]:.0f}", ha="center", va="center", fontsize=8,
                            color="white" if cells[i, j] < middle else "black")
    return fig


def draw(machine, out_dir, machine_label=""):
    """[(key, png)] for the report: the heatmap under family calibration."""
    fig = heatmap((machine or {}).get("calibration"), machine_label, groups_of(machine))
    if fig is None:
        return []
    png = out_dir / "calibration-core_to_core-heatmap.png"
    fig.savefig(png, bbox_inches="tight")
    return [({"family": "calibration", "heading": HEADING}, png)]


INTERACTIVE_DIV_ID = "fig-calibration-core_to_core-heatmap"


def interactive(machine):
    """[(div id, title, plotly Figure, height px)]: the PU x PU heatmap, or
    [] without a measured pair."""
    calibration = (machine or {}).get("calibration")
    groups = groups_of(machine)
    pus, cells = matrix(calibration, groups)
    if not pus:
        return []
    labels = [label(p, groups) for p in pus]
    hover = _pair_notes(calibration, pus)
    fig = go.Figure(go.Heatmap(
        z=[[None if math.isnan(v) else v for v in row] for row in cells],
        x=labels, y=labels, colorscale="Viridis", customdata=hover,
        colorbar=dict(title="one-way ns"),
        hovertemplate=("PU %{y} - PU %{x}<br>one-way %{z:.0f} ns<br>%{customdata}"
                       "<extra></extra>")))
    if len(pus) <= ANNOTATE_UP_TO:
        # Positions, not names: on a category axis a PU "2" would be read as
        # the third category.
        for i in range(len(pus)):
            for j in range(len(pus)):
                if not math.isnan(cells[i, j]):
                    fig.add_annotation(x=j, y=i, text=f"{cells[i, j]:.0f}", showarrow=False,
                                       font=dict(color="white", size=11))
    side = min(900, 220 + 28 * len(pus))
    family_figures.finish(fig, side)
    for at, package in _boundaries(pus, groups):
        style = dict(color="black" if package else "grey", width=2 if package else 0.5)
        fig.add_shape(type="line", x0=at - 0.5, x1=at - 0.5, y0=-0.5, y1=len(pus) - 0.5,
                      line=style)
        fig.add_shape(type="line", y0=at - 0.5, y1=at - 0.5, x0=-0.5, x1=len(pus) - 0.5,
                      line=style)
    fig.update_xaxes(type="category", title_text="PU (OS index), by package and L3")
    fig.update_yaxes(type="category", title_text="PU (OS index), by package and L3",
                     autorange="reversed")
    sampled = " (sampled pairs)" if calibration.get("sampled") else ""
    return [(INTERACTIVE_DIV_ID, f"calibration / core_to_core: one-way latency, PU x PU{sampled}",
             fig, side)]


def _pair_notes(calibration, pus):
    """Hover text per cell: level, round trip and its spread over rounds."""
    where = {pu: i for i, pu in enumerate(pus)}
    notes = [["not measured"] * len(pus) for _ in pus]
    for p in calibration.get("pairs") or []:
        if not (isinstance(p, dict) and _finite(p.get("one_way_ns"))):
            continue
        spread = p.get("spread_ns") or []
        text = f"{p.get('level', '?')}, round trip {float(p.get('round_trip_ns', 0)):.0f} ns"
        if len(spread) == 2:
            text += f" (rounds {float(spread[0]):.0f}-{float(spread[1]):.0f})"
        i, j = where[p["pu_a"]], where[p["pu_b"]]
        notes[i][j] = notes[j][i] = text
    return notes


CLOSENESS_COLUMNS = ["family", "benchmark", "impl", "mode", "threads", "placement", "floor_of",
                     "floor_ratio"]


def closeness(summary):
    """Per family (report order), the instance closest to its floor: a list
    of dicts with CLOSENESS_COLUMNS. Instances with errors are left out."""
    from .figures import family_rank
    if "floor_ratio" not in summary.columns:
        return []
    rows = summary.loc[summary["floor_ratio"].notna() & (summary["floor_ratio"] > 0)]
    if "errors" in rows.columns:
        rows = rows.loc[rows["errors"] == 0]
    best = []
    for family, group in rows.groupby("family"):
        top = group.sort_values("floor_ratio", kind="stable").iloc[0]
        best.append({column: top[column] for column in CLOSENESS_COLUMNS})
    return sorted(best, key=lambda r: family_rank(r["family"]))


def _finite(value):
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
