"""The one argument parser every entry point uses, and the argument types
they share.

Plain argparse prints the usage block plus the error and exits 2 on its own;
raising UsageError instead lets cli.run_main print the single line
"prog: error: ..." and keeps the exit code in one place. A type below raises
argparse.ArgumentTypeError, which the parser turns into that one line,
naming the flag.
"""
import argparse
import re

from .cli import UsageError


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message} (see --help)")


def _split(text):
    values = [v.strip() for v in text.split(",")]
    if not text.strip() or any(not v for v in values):
        raise argparse.ArgumentTypeError(f"expected a comma-separated list, got {text!r}")
    return values


def choice_list(choices, what):
    """A comma-separated list of some of `choices` ("unknown family 'x'")."""
    def parse(text):
        values = _split(text)
        for v in values:
            if v not in choices:
                raise argparse.ArgumentTypeError(
                    f"unknown {what} {v!r} (known: {', '.join(choices)})")
        return values
    return parse


def name_list(text):
    """A comma-separated list of names."""
    return _split(text)


def count_list(text):
    """A comma-separated list of positive whole numbers."""
    return [positive_int(v) for v in _split(text)]


def positive_int(text):
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


def non_negative_int(text):
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= 0")
    return int(text)


def positive_seconds(text):
    value = _float(text)
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def duration(text):
    """'15m', '90s', '1h30m', '1:30:00', '900' -> seconds (parse_duration)."""
    try:
        return parse_duration(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def fraction(text):
    """A share in [0, 1): a threshold (0.05 = 5%)."""
    value = _float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {text}")
    return value


def probability(text):
    """A level in (0, 1): alpha."""
    value = _float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1), got {text}")
    return value


def _float(text):
    try:
        return float(text)
    except ValueError:
        return float("nan")


def parse_duration(text):
    """'15m', '90s', '1h30m', '1:30:00', '900' (seconds) -> seconds (float)."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        seconds = float(text)
    elif re.fullmatch(r"\d+(:\d{1,2}){1,2}", text):
        seconds = 0.0
        for part in text.split(":"):
            seconds = seconds * 60 + int(part)
    else:
        parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?", text)
        if not text or not parts or not any(parts.groups()):
            raise ValueError(f"{text!r} is not a duration (e.g. 15m, 90s, 1h30m, 1:30:00)")
        h, m, s = parts.groups()
        seconds = int(h or 0) * 3600 + int(m or 0) * 60 + float(s or 0)
    if seconds <= 0:
        raise ValueError(f"{text!r} is not a positive duration")
    return seconds
