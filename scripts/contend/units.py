"""Human-readable numbers for terminal output (never for files)."""


def format_rate(per_second):
    """12300000 -> "12.3M/s": three significant digits, SI prefixes."""
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


def format_duration(seconds):
    """74 -> "1:14", 3725 -> "1:02:05"."""
    total = max(0, int(round(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
