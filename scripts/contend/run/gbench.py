"""Google Benchmark 1.7.1 JSON -> tidy result rows (dicts keyed by schema.COLUMNS).

Only per-repetition runs ("run_type": "iteration") become rows; GB's own
aggregates (mean, median, stddev, cv) are skipped because the analysis scripts
compute their own statistics from the repetitions.

Run as `python -m contend.run.gbench FILE.json...` to convert raw JSON to CSV on
stdout (the run columns run_id, machine_id, ... are left empty).
"""
import json
import math
import sys
from pathlib import Path

from ..core import cli, instance_name, schema
from .results_csv import ResultsCsv

# Seconds per GB time_unit.
TIME_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


class GbenchError(ValueError):
    """A JSON file that is missing or is not Google Benchmark output."""


def load_report(path):
    """Reads one GB JSON file; raises GbenchError with a one-line reason."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GbenchError(f"no JSON output: {path} does not exist") from None
    except OSError as e:
        raise GbenchError(f"cannot read {path}: {e.strerror}") from None
    if not text.strip():
        raise GbenchError(f"no JSON output: {path} is empty")
    try:
        report = json.loads(text)  # GB writes NaN / Infinity, which json accepts
    except ValueError as e:
        raise GbenchError(f"malformed JSON in {path}: {e}") from None
    if not isinstance(report, dict) or not isinstance(report.get("benchmarks"), list):
        raise GbenchError(f"not Google Benchmark JSON: {path} has no \"benchmarks\" list")
    return report


def empty_row():
    return {column: None for column in schema.COLUMNS}


def identity_row(identity):
    """A row holding only the instance's identity (from instance_name.parse)."""
    row = empty_row()
    row["schema_version"] = schema.SCHEMA_VERSION
    for key, value in identity.items():
        row[key] = value
    return row


def error_row(identity, message):
    """The one row recorded for an instance that produced no usable JSON."""
    row = identity_row(identity)
    row["error"] = message
    return row


def _number(value):
    """A finite float, or None (GB writes NaN for undefined counters)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def row_from_run(run):
    """One tidy row from one GB "iteration" run; raises GbenchError if malformed."""
    name = run.get("run_name") or run.get("name")
    if not isinstance(name, str):
        raise GbenchError("benchmark entry without a name")
    try:
        row = identity_row(instance_name.parse(name))
    except instance_name.InstanceNameError as e:
        raise GbenchError(str(e)) from None
    row["repetition"] = int(run.get("repetition_index", 0))
    if run.get("error_occurred"):
        # GB reports zero times and no counters for a skipped run; a number
        # here would be a lie, so the measurement columns stay empty.
        row["error"] = str(run.get("error_message") or "error (no message)")
        return row
    unit = run.get("time_unit", "ns")
    if unit not in TIME_UNIT_SECONDS:
        raise GbenchError(f"{name}: unknown time_unit {unit!r}")
    real_time = _number(run.get("real_time"))
    row["seconds"] = None if real_time is None else real_time * TIME_UNIT_SECONDS[unit]
    rate = _number(run.get("items_per_second"))
    row["items_per_second"] = rate
    row["ns_per_item"] = 1e9 / rate if rate else None
    for column in schema.COUNTER_COLUMNS:  # user counters, each into its own column
        row[column] = _number(run.get(column))
    if row["kept_up"] is not None:         # a counter is a number: 1 or 0
        row["kept_up"] = row["kept_up"] != 0
    if row["latency_samples"]:
        row["latency_of"] = schema.LATENCY_OF.get(row["benchmark"], "")
    row["error"] = "" if rate is not None else "no items_per_second reported"
    return row


def rows_from_report(report):
    """All per-repetition rows of a loaded report, in file order."""
    rows = []
    for run in report["benchmarks"]:
        if not isinstance(run, dict):
            raise GbenchError("benchmark entry is not an object")
        if run.get("run_type") == "aggregate":
            continue
        rows.append(row_from_run(run))
    return rows


def build_context(report):
    """Our custom context strings (contend_*), keys without the prefix."""
    context = report.get("context") or {}
    return {k[len("contend_"):]: v for k, v in context.items()
            if isinstance(k, str) and k.startswith("contend_")}


def main(argv):
    if not argv:
        raise cli.UsageError("usage: python -m contend.gbench FILE.json...")
    rows = []
    for path in argv:
        try:
            rows.extend(rows_from_report(load_report(path)))
        except GbenchError as e:
            raise cli.UsageError(str(e)) from None
    ResultsCsv(sys.stdout).write_rows(rows)
    return cli.EXIT_OK


if __name__ == "__main__":
    sys.exit(cli.run_main("gbench", main))
