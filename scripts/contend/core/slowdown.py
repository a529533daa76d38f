"""The test-only slowdown knob, CONTEND_SLOWDOWN=IMPL=FACTOR, as the Python side sees it.

The bench binaries read it (impl/contend/harness/slowdown.h) and report the
named impl's throughput times FACTOR; it exists to measure the gate's power
(docs/gate.md). bench_all checks it before running anything and records it
in machine.json as "slowdown"; the gate refuses a slowed run as a baseline
(a baseline must be the real code's speed). Parsing follows slowdown.h.
"""
import math

from .cli import UsageError

VARIABLE = "CONTEND_SLOWDOWN"
# machine.json's key: the variable's value, present only when it was set.
MACHINE_KEY = "slowdown"


def parse(text):
    """'impl=factor' -> (impl, factor); '' or None -> None; UsageError otherwise."""
    if not text:
        return None
    impl, eq, number = text.rpartition("=")
    try:
        factor = float(number) if eq and impl else math.nan
    except ValueError:
        factor = math.nan
    if not (math.isfinite(factor) and 0 < factor <= 1):
        raise UsageError(f"{VARIABLE}={text}: expected IMPL=FACTOR with 0 < FACTOR <= 1 "
                         "(e.g. ring_mpmc=0.8)")
    return impl, factor


def of_machine(machine):
    """The slowdown a run was measured under (machine.json), or '' for none."""
    value = machine.get(MACHINE_KEY) if isinstance(machine, dict) else None
    return str(value) if value else ""


def refuse_as_baseline(run, role="baseline"):
    """A slowed run is never the measure of the real code."""
    value = of_machine(run.machine)
    if value:
        raise UsageError(f"{role} {run.run_id or run.csv_path} was measured with {VARIABLE}={value} "
                         "(a test-only slowdown): it cannot be a baseline")
