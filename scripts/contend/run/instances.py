"""Which benchmark instances a run will measure.

Every executable build/release/bench/bench_* lists its instances with
--benchmark_list_tests; the user's flags (families, impls, threads, ...) then
narrow that list. Each selected instance later runs as its own process.
"""
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..core import instance_name
from ..core.cli import UsageError

QUICK_FLAG = "--contend_quick"


@dataclass(frozen=True)
class Instance:
    binary: str      # path of the bench_* executable that registers it
    name: str        # full name as listed, GB suffixes included (for the filter)
    identity: dict   # instance_name.parse(name)

    def label(self):
        """Short human description for progress lines."""
        i = self.identity
        parts = [f"{i['family']}/{i['benchmark']}/{i['impl']}"]
        if i["params"]:
            parts.append(i["params"].replace(";", " "))
        if i["mode"] != "thread":
            parts.append(i["mode"])
        parts.append(f"threads={i['threads']}")
        if i["producers"] or i["consumers"]:
            parts.append(f"{i['producers']}p/{i['consumers']}c")
        # "compact=scatter": one worker-to-PU map that both policies give.
        parts.append("=".join(instance_name.covered(i)))
        if i.get("core_kinds"):
            parts.append(f"on {i['core_kinds']}")
        if i["oversubscribed"]:
            parts.append("oversubscribed")
        return " ".join(parts)


def bench_binaries(bench_dir):
    """Executable bench_* files in bench_dir, sorted by name."""
    paths = sorted(Path(bench_dir).glob("bench_*"))
    return [str(p) for p in paths if p.is_file() and os.access(p, os.X_OK)]


def list_binary(binary, quick, timeout=120):
    """The instances one binary registers (in its quick variant if asked)."""
    argv = [binary, "--benchmark_list_tests=true"] + ([QUICK_FLAG] if quick else [])
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise UsageError(f"{binary} --benchmark_list_tests did not finish in {timeout}s") from None
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        raise UsageError(f"{binary} --benchmark_list_tests failed: {lines[-1]}")
    found = []
    for line in done.stdout.splitlines():
        name = line.strip()
        if not name:
            continue
        try:
            found.append(Instance(binary, name, instance_name.parse(name)))
        except instance_name.InstanceNameError as e:
            raise UsageError(f"{Path(binary).name}: {e}") from None
    return found


def list_all(bench_dir, quick):
    binaries = bench_binaries(bench_dir)
    if not binaries:
        raise UsageError(f"no bench_* executables in {bench_dir}; build first "
                         "(cmake --build --preset release)")
    found = []
    for binary in binaries:
        found.extend(list_binary(binary, quick))
    return found


# Flag name -> identity key it filters on.
SELECTORS = {"families": "family", "impls": "impl", "threads": "threads",
             "placements": "placement", "modes": "mode"}


def offered(identity, key):
    """The values an instance answers to for a selector key.

    An instance measured once for several placements (compact=scatter on a
    machine where both give the same map) answers to each of them, so
    `--placements scatter` still selects it although it is named compact.
    """
    if key == "placement":
        return set(instance_name.covered(identity))
    return {identity[key]}


def matches(identity, wanted):
    return all(not wanted.get(flag) or offered(identity, key) & set(wanted[flag])
               for flag, key in SELECTORS.items())


def select(found, wanted):
    """Instances whose identity matches every given selector.

    wanted maps a SELECTORS key to a list of accepted values (None = all).
    A value that matches no listed instance at all is a mistake worth one
    clear line (a typo, or a thread count this machine's ladder lacks).
    """
    for flag, key in SELECTORS.items():
        values = wanted.get(flag)
        if not values:
            continue
        available = sorted(set().union(*(offered(i.identity, key) for i in found)))
        for value in values:
            if value not in available:
                shown = ",".join(str(a) for a in available) or "none"
                raise UsageError(f"--{flag}: no benchmark has {key} {value} "
                                 f"(available: {shown})")
    chosen = [i for i in found if matches(i.identity, wanted)]
    if not chosen:
        raise UsageError("no benchmark instance matches the selection")
    return chosen
