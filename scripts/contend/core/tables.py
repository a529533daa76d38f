"""Aligned terminal tables and markdown tables: rows of cells in, one
string out. The cells' numbers come from formatting.py."""


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
