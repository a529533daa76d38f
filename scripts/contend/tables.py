"""Text output shared by the tools: SI numbers, aligned terminal tables,
markdown tables. Plain lists of rows in, strings out."""
import math
import numbers

_SI = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]


def si(value, digits=3):
    """1234567 -> '1.23M': throughput spans nine decades, so the unit prefix
    carries the magnitude and three significant digits carry the rest."""
    if not _finite(value):
        return "-"
    magnitude = abs(value)
    for scale, prefix in _SI:
        if magnitude >= scale:
            return f"{value / scale:.{digits}g}{prefix}"
    return f"{value:.{digits}g}"


def ratio(value):
    return "-" if not _finite(value) else f"{value:.3f}"


def percent_change(value):
    """Ratio 0.7 -> '-30.0%'."""
    return "-" if not _finite(value) else f"{(value - 1) * 100:+.1f}%"


def p_value(value):
    if not _finite(value):
        return "-"
    return f"{value:.2g}" if value >= 1e-3 else f"{value:.1e}"


def _finite(value):
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isfinite(value))


def text_table(header, rows):
    """Columns padded to their widest cell; numbers-looking cells right-aligned."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    numeric = [all(_looks_numeric(r[i]) for r in cells[1:]) and len(cells) > 1
               for i in range(len(header))]

    def line(row):
        parts = [c.rjust(w) if num else c.ljust(w) for c, w, num in zip(row, widths, numeric)]
        return "  ".join(parts).rstrip()

    out = [line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells[1:]]
    return "\n".join(out)


def markdown_table(header, rows):
    def esc(cell):
        return str(cell).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(esc(h) for h in header) + " |",
           "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def _looks_numeric(cell):
    # Trailing marks: * oversubscribed, ! unstable; the cell is still a number.
    text = cell.strip().rstrip("*!").rstrip("%kMGTx").lstrip("+-")
    if text in ("", "-"):
        return True
    try:
        float(text)
        return True
    except ValueError:
        return False
