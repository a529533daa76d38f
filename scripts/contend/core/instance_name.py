"""Benchmark instance names: the contract between the bench_* binaries and us.

A bench binary registers each instance under a name that carries its identity:

    <family>/<benchmark>/<impl>/mode:<m>/threads:<n>/producers:<p>/consumers:<c>
        /placement:<compact|scatter>/placements:<compact+scatter|...>
        /oversub:<0|1>[/kinds:<P|E|P+E|...>][/<key>:<value>...]

`placement` is the policy that placed the workers; `placements` lists every
policy that puts them on the same PUs in the same order, so one instance
stands for all of them (on one L3 without SMT, compact and scatter are one
map: measured once, as compact). Names from before the segment existed lack
it; it then means the placement alone.

`kinds` is there on a hybrid machine only (P-cores and E-cores: hwloc
cpukinds): the core kinds the workers were placed on, each once in worker
order of first appearance ("P", "P+E"). It becomes the core_kinds column,
empty where the segment is absent (one kind of core, or a scenario that pins
nothing). It describes where the instance ran, not which instance it is, so
it is no part of schema.IDENTITY.

Any further key:value segments are scenario parameters. Google Benchmark then
appends suffixes of its own (manual_time, repeats:3, ...), which say how the
instance was measured, not what it is, so they are dropped here.
"""
import re
from pathlib import Path

from . import schema

# Segments Google Benchmark appends by itself. `threads:N` is deliberately
# absent: our harness owns the workers and puts threads:N in the name itself.
GBENCH_SUFFIX_WORDS = {"manual_time", "real_time", "process_time"}
GBENCH_SUFFIX_KEYS = {"min_time", "min_warmup_time", "iterations", "repeats"}

REQUIRED_KEYS = ["mode", "threads", "producers", "consumers", "placement", "oversub"]
# Identity keys that are not parameters but may be missing (older names).
OPTIONAL_KEYS = ["placements", "kinds"]
# A core kind's name (topology.h CoreKind: P, E, K<rank>, U, E2, ...).
KIND_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")
INT_KEYS = ["threads", "producers", "consumers"]


class InstanceNameError(ValueError):
    """A name that does not follow the contract above."""


def parse(name):
    """Returns the identity columns of an instance name as a dict.

    Keys: family, benchmark, impl, mode, threads, producers, consumers,
    placement, placements ("+"-joined, canonical policy order), oversubscribed
    (bool), core_kinds ("+"-joined in worker order, or ""), params ("k=v;k=v"
    sorted by key, or "").
    """
    segments = [s for s in name.split("/") if s]
    if len(segments) < 3:
        raise InstanceNameError(f"not a contend benchmark name: {name!r}")
    family, benchmark, impl = segments[:3]
    fields, params = {}, {}
    for segment in segments[3:]:
        if segment in GBENCH_SUFFIX_WORDS:
            continue
        key, sep, value = segment.partition(":")
        if not sep or not key:
            raise InstanceNameError(
                f"not a contend benchmark name: {name!r} (segment {segment!r} is not key:value)")
        if key in GBENCH_SUFFIX_KEYS:
            continue
        if key in REQUIRED_KEYS or key in OPTIONAL_KEYS:
            fields[key] = value
        else:
            params[key] = value
    missing = [k for k in REQUIRED_KEYS if k not in fields]
    if missing:
        raise InstanceNameError(
            f"not a contend benchmark name: {name!r} (missing {', '.join(missing)})")
    identity = {"family": family, "benchmark": benchmark, "impl": impl,
                "mode": fields["mode"], "placement": fields["placement"]}
    identity["placements"] = _placements(name, fields["placement"],
                                         fields.get("placements", fields["placement"]))
    for key in INT_KEYS:
        if not re.fullmatch(r"\d+", fields[key]):
            raise InstanceNameError(
                f"not a contend benchmark name: {name!r} ({key}:{fields[key]} is not a count)")
        identity[key] = int(fields[key])
    if fields["oversub"] not in ("0", "1"):
        raise InstanceNameError(
            f"not a contend benchmark name: {name!r} (oversub must be 0 or 1)")
    identity["oversubscribed"] = fields["oversub"] == "1"
    identity["core_kinds"] = _kinds(name, fields.get("kinds"))
    identity["params"] = ";".join(f"{k}={params[k]}" for k in sorted(params))
    return identity


def _placements(name, placement, value):
    """The placements segment, policies in canonical (schema.PLACEMENTS) order.

    The placement that placed the workers must be among them: a name saying
    otherwise came from a broken writer, and its rows would be mislabelled.
    """
    policies = value.split("+")
    if not all(policies) or len(set(policies)) != len(policies) or placement not in policies:
        raise InstanceNameError(
            f"not a contend benchmark name: {name!r} (placements:{value} must list "
            f"placement {placement} and each policy once)")
    order = {p: i for i, p in enumerate(schema.PLACEMENTS)}
    policies.sort(key=lambda p: (order.get(p, len(order)), p))
    return "+".join(policies)


def _kinds(name, value):
    """The kinds segment as written ("" when absent): distinct kind names."""
    if value is None:
        return ""
    kinds = value.split("+")
    if not all(KIND_NAME.fullmatch(k) for k in kinds) or len(set(kinds)) != len(kinds):
        raise InstanceNameError(
            f"not a contend benchmark name: {name!r} (kinds:{value} must name each "
            f"core kind once, '+'-joined)")
    return value


def covered(identity):
    """The policies an instance stands for, as a list (old identities too)."""
    return (identity.get("placements") or identity["placement"]).split("+")


# Characters with a meaning in a POSIX extended regex, which is what Google
# Benchmark's filter uses. Escaping anything else (as re.escape does with '-'
# or ' ') is undefined in ERE, so escape exactly these.
_ERE_SPECIAL = set(".[]{}()\\*+?^$|")


def exact_filter(name, iterations=None):
    """A --benchmark_filter regex that matches exactly this one full name.

    iterations: the name as it will be run with a fixed episode count
    (--contend_episodes=N): Google Benchmark then puts "/iterations:N" before
    its trailing suffix words, and the filter matches what it runs."""
    if iterations:
        segments = name.split("/")
        tail = 0
        while tail < len(segments) and segments[-1 - tail] in GBENCH_SUFFIX_WORDS:
            tail += 1
        cut = len(segments) - tail
        name = "/".join(segments[:cut] + [f"iterations:{iterations}"] + segments[cut:])
    return "^" + "".join("\\" + c if c in _ERE_SPECIAL else c for c in name) + "$"


# ---- latency histogram files ---------------------------------------------------------

HGRM_DIR = "hgrm"


def hgrm_stem(identity):
    """A file name stem for an instance, from its identity columns (a row of
    results.csv or parse()'s dict): readable, unique per instance, and free
    of '/', ':' and ';'. Example:
    fifo.latency.mutex_deque.thread.t2.p1c1.compact.capacity=0.load_pct=50.payload=8.wait=spin"""
    parts = [identity["family"], identity["benchmark"], identity["impl"], identity["mode"],
             f"t{int(identity['threads'])}",
             f"p{int(identity['producers'])}c{int(identity['consumers'])}",
             identity["placement"]]
    params = identity.get("params") or ""
    parts += [p for p in str(params).split(";") if p]
    return ".".join(str(p).replace("/", "_").replace(":", "_") for p in parts)


def hgrm_path(run_dir, identity, round_index):
    """Where bench_all keeps one round's latency histogram of an instance, in
    HdrHistogram's .hgrm percentile-distribution text (microseconds):
    <run_dir>/hgrm/<stem>.r<round>.hgrm. The file exists only for instances
    that record latencies, and only for rounds that finished."""
    return Path(run_dir) / HGRM_DIR / f"{hgrm_stem(identity)}.r{int(round_index)}.hgrm"
