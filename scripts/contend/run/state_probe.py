"""state_probe.csv: the machine's state as each benchmark process found it.

Every bench process measures a core-to-core round trip before its benchmark
(impl/contend/harness/state_probe.h) and writes it into its Google Benchmark
context as contend_state_probe_ns. bench_all copies it here, one row per
process: its index (raw/NNNN), round, instance key and the probe in ns
(empty where the process gave none: it crashed, or one core). The shared
2-core VM's modes show in it (docs/gate.md, "Machine states"):
report/state_figure.py draws throughput against it.
"""
import csv
import json

from ..core import schema

FILE = "state_probe.csv"
CONTEXT_KEY = "contend_state_probe_ns"
COLUMNS = ["process", "round", *schema.INSTANCE, "state_probe_ns"]


def read_probe(json_path):
    """The probe in a process's GB JSON, or None (no file, no key, not a number)."""
    try:
        with open(json_path, encoding="utf-8") as f:
            value = (json.load(f).get("context") or {}).get(CONTEXT_KEY)
        return float(value) if value not in (None, "") else None
    except (OSError, ValueError, AttributeError, TypeError):
        return None


class ProbeFile:
    """state_probe.csv of one run, appended to as processes finish."""

    def __init__(self, path):
        self.path = path
        new = not path.exists()
        self._f = open(path, "a", newline="", encoding="utf-8")
        self._w = csv.DictWriter(self._f, fieldnames=COLUMNS)
        if new:
            self._w.writeheader()

    def append(self, process, round_, identity, probe):
        self._w.writerow({"process": process, "round": round_,
                          **{c: identity.get(c, "") for c in schema.INSTANCE},
                          "state_probe_ns": "" if probe is None else f"{probe:g}"})
        self._f.flush()

    def close(self):
        self._f.close()
