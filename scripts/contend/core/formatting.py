"""Numbers as text: one function per kind of number, used by every tool.

For people (terminal, markdown, HTML) a missing number (None, NaN) reads
"-"; for results.csv `csv_cell` writes text that reads back exactly.
"""
import math
import numbers

_SI = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]


def is_number(value):
    """A finite real number (bools are not numbers here)."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isfinite(value))


def _missing(value):
    return value is None or value != value


def si(value, digits=3):
    """1234567 -> '1.23M': throughput spans nine decades, so the unit prefix
    carries the magnitude and three significant digits carry the rest."""
    return _scaled(value, digits, _SI, "")


def _scaled(value, digits, scales, plain_unit):
    """value in the largest (scale, unit) of `scales` (descending) it
    reaches, `digits` significant digits; below them all, `plain_unit`."""
    if not is_number(value):
        return "-"
    # Round first, then pick the unit: 999.7k rounds to 1e+03k otherwise.
    magnitude = abs(float(f"{value:.{digits}g}"))
    for scale, unit in scales:
        if magnitude >= scale:
            return f"{value / scale:.{digits}g}{unit}"
    return f"{value:.{digits}g}{plain_unit}"


def rate(per_second):
    """12300000 -> '12.3M/s': three significant digits at a fixed width
    (trailing zeros kept), so a column of live progress lines stays aligned."""
    if per_second is None:
        return "-"
    value = float(per_second)
    if value == 0:
        return "0/s"
    for prefix in ("", "k", "M", "G", "T"):
        if abs(value) < 999.5 or prefix == "T":
            break
        value /= 1000.0
    if abs(value) >= 99.95:
        text = f"{value:.0f}"
    elif abs(value) >= 9.995:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text}{prefix}/s"


_TIME = [(1e9, "s"), (1e6, "ms"), (1e3, "us")]


def latency(ns, digits=3):
    """12345 (nanoseconds) -> '12.3us': latencies span six decades, so the
    unit carries the magnitude and three significant digits the rest."""
    return _scaled(ns, digits, _TIME, "ns")


def duration(seconds):
    """74 -> '1:14', 3725 -> '1:02:05'."""
    total = max(0, int(round(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def ratio(value):
    """0.7 -> '0.700'."""
    return "-" if not is_number(value) else f"{value:.3f}"


def percent_change(value):
    """Ratio 0.7 -> '-30.0%'."""
    return "-" if not is_number(value) else f"{(value - 1) * 100:+.1f}%"


def percent(fraction, digits=0, unit="%"):
    """0.123 -> '12%' (unit='' for a column whose header names the unit)."""
    return "-" if _missing(fraction) else f"{fraction * 100:.{digits}f}{unit}"


def significant(value, digits=3):
    """A plain number to `digits` significant digits (fairness, ns/item)."""
    return "-" if _missing(value) else f"{value:.{digits}g}"


def p_value(value):
    if not is_number(value):
        return "-"
    return f"{value:.2g}" if value >= 1e-3 else f"{value:.1e}"


def interval(low, high):
    """'1.10M-1.32M'; '-' without one (a single round says nothing about the next)."""
    if _missing(low) or _missing(high):
        return "-"
    return f"{si(low)}-{si(high)}"


def margin(value, low, high, digits=2):
    """'1.32 [1.20, 1.45]' (a ratio with its interval), '-' if none."""
    if _missing(value):
        return "-"
    bounds = "" if _missing(low) or _missing(high) else f" [{low:.{digits}f}, {high:.{digits}f}]"
    return f"{value:.{digits}f}{bounds}"


def csv_cell(value):
    """results.csv text for one value: empty for missing, lowercase booleans,
    shortest round-trip text for floats (repr), so reading back is exact."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)
