"""The calibration in the report: the core-to-core heatmap and how close to
the hardware each family's best implementation gets.

  heatmap    PU x PU, each cell the median one-way latency of the pair
             (machine.json "calibration", calibration.py), symmetric since a
             pair is measured once for both directions; the diagonal and
             pairs a sampled matrix skipped are blank. Cells carry their
             number while the matrix is small enough to read them.
  closeness  per family, the instance with the lowest floor_ratio (the row's
             own cost over the hardware's floor on its PUs: 1 = at the
             limit), with what the ratio compares.
"""
import math

import numpy as np

from .figures import Figure

HEADING = "Core-to-core latency (the machine's calibration)"
# Past this many PUs the numbers no longer fit in the cells.
ANNOTATE_UP_TO = 16


def matrix(calibration):
    """(sorted PU list, square array of one-way ns, NaN where unmeasured)."""
    pairs = [p for p in (calibration or {}).get("pairs") or []
             if isinstance(p, dict) and _finite(p.get("one_way_ns"))]
    pus = sorted({p["pu_a"] for p in pairs} | {p["pu_b"] for p in pairs})
    where = {pu: i for i, pu in enumerate(pus)}
    cells = np.full((len(pus), len(pus)), np.nan)
    for p in pairs:
        i, j = where[p["pu_a"]], where[p["pu_b"]]
        cells[i, j] = cells[j, i] = float(p["one_way_ns"])
    return pus, cells


def heatmap(calibration, machine_label=""):
    """The heatmap Figure, or None without a measured pair."""
    pus, cells = matrix(calibration)
    if not pus:
        return None
    size = min(12.0, 3.0 + 0.35 * len(pus))
    fig = Figure(figsize=(size + 1.5, size))
    ax = fig.add_subplot()
    image = ax.imshow(np.ma.masked_invalid(cells), cmap="viridis")
    fig.colorbar(image, ax=ax, label="one-way latency, ns (median round trip / 2)")
    ticks = range(len(pus))
    ax.set_xticks(ticks, [str(p) for p in pus], fontsize=7 if len(pus) > 16 else 9)
    ax.set_yticks(ticks, [str(p) for p in pus], fontsize=7 if len(pus) > 16 else 9)
    ax.set_xlabel("PU (OS index)")
    ax.set_ylabel("PU (OS index)")
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
    fig = heatmap((machine or {}).get("calibration"), machine_label)
    if fig is None:
        return []
    png = out_dir / "calibration-core_to_core-heatmap.png"
    fig.savefig(png, bbox_inches="tight")
    return [({"family": "calibration", "heading": HEADING}, png)]


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
