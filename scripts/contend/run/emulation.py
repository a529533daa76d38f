"""bench_all --emulate: another machine's plan, run on this one.

The C++ side (Topology::emulate, read from CONTEND_EMULATE) plans for the
described machine and pins each worker to this machine's PU at the emulated
PU's logical index modulo the PUs this process may use. This module turns
the flag into that variable and describes the emulation for machine.json:
which topology, where it came from, and the real machine that ran it.

An emulated run is a functional check (every planned instance runs to a row,
nothing hangs, nothing is left behind); its numbers measure neither machine.
core.results.load_measured_run is how compare, regress, ab and history
refuse it.
"""
import hashlib
import os
import socket
from pathlib import Path

from ..core.cli import UsageError

VARIABLE = "CONTEND_EMULATE"


def names_file(text):
    """The C++ rule (Topology::emulate): a path has a '/' or ends in .xml;
    anything else is an hwloc synthetic description."""
    return "/" in text or text.endswith(".xml")


def describe_argument(text):
    """CONTEND_EMULATE's value for --emulate TEXT: a file made absolute (the
    bench binaries run in the run folder), a synthetic description as is."""
    if not text.strip():
        raise UsageError("--emulate needs an hwloc XML file or a synthetic description")
    if not names_file(text):
        return text
    path = Path(text)
    if not path.is_file():
        raise UsageError(f"--emulate {text}: no such file")
    return str(path.absolute())


def record(plan, real_cpu_model):
    """machine.json's "emulated": the topology, its source, the real machine."""
    emulated = plan.get("emulated") or {}
    described = emulated.get("from", os.environ.get(VARIABLE, ""))
    entry = {"topology": Path(described).name if names_file(described) else described,
             "kind": "xml" if names_file(described) else "synthetic",
             "source": described}
    if names_file(described):
        try:
            entry["sha256"] = hashlib.sha256(Path(described).read_bytes()).hexdigest()
            entry["source"] = _provenance(Path(described)) or described
        except OSError:
            pass
    host_pus = emulated.get("host_pus", [])
    entry["real_machine"] = {"cpu_model": real_cpu_model or "unknown",
                             "hostname": socket.gethostname(),
                             "pus": len(host_pus),
                             "host_pus": host_pus}
    entry["pinning"] = "emulated PU logical index modulo the real machine's allowed PUs"
    return entry


def _provenance(path):
    """The line naming where `path` came from in the README beside it, if any
    (tests/data/topologies/README.md, ../shared/topologies/README.md)."""
    for readme in (path.parent / "README.md", path.parent / "README"):
        try:
            for line in readme.read_text(encoding="utf-8").splitlines():
                if path.name in line:
                    return f"{path} ({line.strip().strip('|').strip()})"
        except OSError:
            continue
    return None


def timeout_note(identity, host_pus):
    """What an emulated instance's timeout says: its workers time-share this
    machine's few PUs, so slow is expected; only a longer --timeout tells a
    slow instance from a stuck one."""
    try:
        workers = int(identity.get("threads") or 0)
    except (TypeError, ValueError):
        workers = 0
    if workers <= host_pus:
        return "; emulated, yet its workers had a PU each here: look for a hang"
    return (f"; emulated: {workers} workers time-share this machine's {host_pus} PUs "
            f"({-(-workers // host_pus)} per PU), so slow is expected here; a larger --timeout "
            "tells slow from stuck")
