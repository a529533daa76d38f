"""Reading one .hgrm file: HdrHistogram's percentile-distribution text.

bench_all keeps one per instance and round that recorded latencies
(instance_name.hgrm_path), written by LatencyHistogram::write_percentile_
distribution in microseconds:

           Value     Percentile TotalCount 1/(1-Percentile)

            0.28 0.000000000000          1           1.00
            ...
           44.03 0.999609375000       5000        2560.00
           44.03 1.000000000000       5000
    #[Mean    =         1.03, StdDeviation   =         2.39]
    #[Max     =        44.03, Total count    =         5000]
    #[Buckets =           35, SubBuckets     =          256]

A row says: `TotalCount` samples were at most `Value`, which is the
`Percentile` quantile (0..1). The last row repeats the largest bucket at
percentile 1, without the 1/(1-Percentile) column (it would be infinite).
HdrHistogram's own writers produce the same layout, so their files read too.

Guaranteed: read() returns the rows in file order and the footer's facts,
or raises UsageError in one line naming the file and the line. Not checked:
that the values are a histogram's bucket edges, or that the 1/(1-Percentile)
column agrees with the percentile (it is rounded to two decimals; the
percentile is the number callers use).
"""
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .cli import UsageError

HEADER = ["Value", "Percentile", "TotalCount", "1/(1-Percentile)"]
ROW_COLUMNS = ["value_us", "percentile", "total_count"]

_NUMBER = r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf)"
_FOOTER = {
    "mean": re.compile(rf"#\[Mean\s*=\s*{_NUMBER},\s*StdDeviation\s*=\s*{_NUMBER}\]"),
    "max": re.compile(rf"#\[Max\s*=\s*{_NUMBER},\s*Total count\s*=\s*(\d+)\]"),
    "buckets": re.compile(r"#\[Buckets\s*=\s*(\d+),\s*SubBuckets\s*=\s*(\d+)\]"),
}


@dataclass(frozen=True)
class Hgrm:
    """One percentile distribution. `rows`: value_us (float), percentile
    (0..1, float) and total_count (int), in file order; then the footer."""
    rows: pd.DataFrame
    mean_us: float
    stddev_us: float
    max_us: float
    total_count: int
    buckets: int
    sub_buckets: int

    def distribution(self):
        """The rows a percentile plot draws: those below percentile 1, with
        x = 1/(1-percentile) (1 at the 0th percentile, 100 at p99)."""
        below = self.rows.loc[self.rows["percentile"] < 1.0]
        return below.assign(x=1.0 / (1.0 - below["percentile"]))


def read(path):
    """The Hgrm in `path`, or UsageError: '<path>: <what is wrong>'."""
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such .hgrm file")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: not a readable .hgrm file ({type(e).__name__})")
    return parse(text, path)


def parse(text, where="<hgrm>"):
    """The Hgrm of one file's text; `where` names it in errors."""
    lines = text.splitlines()
    numbered = [(n, line.strip()) for n, line in enumerate(lines, start=1) if line.strip()]
    if not numbered or numbered[0][1].split() != HEADER:
        raise UsageError(f"{where}: not an .hgrm percentile distribution "
                         f"(the first line must be the header '{' '.join(HEADER)}')")
    table = [(n, line) for n, line in numbered[1:] if not line.startswith("#")]
    footer = [(n, line) for n, line in numbered[1:] if line.startswith("#")]
    if table and footer and footer[0][0] < table[-1][0]:
        raise UsageError(f"{where}: line {table[-1][0]}: a table row after the footer")
    rows = [_row(n, line, where) for n, line in table]
    _check_order(rows, table, where)
    facts = _footer(footer, where)
    if rows and rows[-1][2] != facts["total_count"]:
        raise UsageError(f"{where}: the last row counts {rows[-1][2]} samples, the footer "
                         f"{facts['total_count']}")
    frame = pd.DataFrame(rows, columns=ROW_COLUMNS).astype(
        {"value_us": float, "percentile": float, "total_count": "int64"})
    return Hgrm(rows=frame, **facts)


def _row(number, line, where):
    fields = line.split()
    try:
        value, percentile, total = float(fields[0]), float(fields[1]), int(fields[2])
        if len(fields) == 4:
            float(fields[3])
    except (ValueError, IndexError):
        raise UsageError(f"{where}: line {number}: not a row 'Value Percentile TotalCount "
                         f"1/(1-Percentile)': {line!r}")
    if len(fields) not in (3, 4) or (len(fields) == 3 and percentile != 1.0):
        raise UsageError(f"{where}: line {number}: expected 4 columns (3 only at percentile 1): "
                         f"{line!r}")
    if not (0.0 <= percentile <= 1.0) or not math.isfinite(value) or value < 0 or total < 0:
        raise UsageError(f"{where}: line {number}: value {fields[0]}, percentile {fields[1]} or "
                         f"count {fields[2]} out of range")
    return value, percentile, total


def _check_order(rows, table, where):
    """Percentiles rise, and neither values nor counts ever fall."""
    for k in range(1, len(rows)):
        (value, percentile, total), before = rows[k], rows[k - 1]
        if percentile <= before[1] or value < before[0] or total < before[2]:
            number = table[k][0]
            raise UsageError(f"{where}: line {number}: out of order (percentile, value and "
                             f"count must rise down the table)")


def _footer(footer, where):
    found = {}
    for number, line in footer:
        for key, pattern in _FOOTER.items():
            match = pattern.fullmatch(line)
            if match:
                found[key] = match.groups()
                break
        else:
            raise UsageError(f"{where}: line {number}: not a footer line "
                             f"'#[Mean = ...]', '#[Max = ...]' or '#[Buckets = ...]': {line!r}")
    missing = [f"#[{k.capitalize()} = ...]" for k in _FOOTER if k not in found]
    if missing:
        raise UsageError(f"{where}: no footer line {', '.join(missing)} (a truncated file?)")
    return {"mean_us": float(found["mean"][0]), "stddev_us": float(found["mean"][1]),
            "max_us": float(found["max"][0]), "total_count": int(found["max"][1]),
            "buckets": int(found["buckets"][0]), "sub_buckets": int(found["buckets"][1])}
