"""Hybrid CPUs: a row says which core kinds its workers ran on.

On the emulated Core Ultra 5 225U (2 P-cores with SMT, 10 E-cores: hwloc
cpukinds) the bench binaries name each instance's kinds (`kinds:P+E`),
which become results.csv's core_kinds column; on a machine with one kind
the column stays empty. Listing and planning only: nothing is measured
(about 2 CPU-seconds on the 2-core VM). docs/emulation.md#hybrid-cpus.
"""
import csv
import io
import json
import os
from pathlib import Path

import pytest

from contend.run import gbench, instances, machine
from contend.run.results_csv import ResultsCsv
from support.paths import REPO
from support.processes import run_bounded, script_env

BENCH_DIR = Path(REPO) / "build" / "release" / "bench"
ARROW_LAKE = str(Path(REPO) / "tests" / "data" / "topologies"
                 / "Intel-ArrowLake-CoreUltra5-225U.xml")

pytestmark = pytest.mark.skipif(not os.access(BENCH_DIR / "bench_counter", os.X_OK),
                                reason="needs the release build (scripts/test builds it first)")


def listed(topology, monkeypatch):
    """The quick counter plan's instances on the emulated `topology`."""
    monkeypatch.setenv("CONTEND_EMULATE", topology)
    return instances.list_binary(str(BENCH_DIR / "bench_counter"), quick=True)


def csv_rows(topology, monkeypatch):
    """results.csv rows (identity columns only) of the quick counter plan."""
    out = io.StringIO()
    ResultsCsv(out).write_rows([gbench.identity_row(i.identity)
                                for i in listed(topology, monkeypatch)])
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_rows_on_a_hybrid_machine_name_their_core_kinds(monkeypatch):
    rows = csv_rows(ARROW_LAKE, monkeypatch)
    kinds = {(r["benchmark"], r["impl"], r["threads"], r["placement"]): r["core_kinds"]
             for r in rows}
    assert all(r["core_kinds"] for r in rows)
    # Compact fills the 2 P-cores first, then crosses into the E-cores.
    assert kinds[("increment", "atomic_relaxed", "1", "compact")] == "P"
    assert kinds[("increment", "atomic_relaxed", "14", "compact")] == "P+E"


def test_progress_lines_name_the_kinds(monkeypatch):
    labels = [i.label() for i in listed(ARROW_LAKE, monkeypatch)]
    # One map for both policies says so once; two maps name their own kinds
    # (scatter reaches the low-power E-cores, an L3 group of their own, at 2).
    assert any(label.endswith("threads=1 compact=scatter on P") for label in labels), labels
    assert any(label.endswith("threads=2 compact on P") for label in labels), labels
    assert any(label.endswith("threads=2 scatter on P+E") for label in labels), labels


def test_rows_on_a_machine_with_one_kind_leave_it_empty(monkeypatch):
    rows = csv_rows("pack:1 l3:1 core:4 pu:1", monkeypatch)
    assert rows and all(r["core_kinds"] == "" for r in rows)


def plan(*args):
    done = run_bounded([str(BENCH_DIR / "contend_plan"), *args], 60,
                       env=dict(script_env(), CONTEND_EMULATE=ARROW_LAKE))
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_plan_shows_the_kinds_and_where_compact_mixes_them():
    text = plan()
    assert "hybrid: core kinds, fastest first: P 2 core(s) 4 PU(s) (IntelCore), " \
           "E 10 core(s) 10 PU(s) (IntelAtom)" in text
    assert "1 worker(s): compact=scatter on P\n" in text
    # The two low-power E-cores have no L3 (their own group): scatter goes
    # there second, compact stays on the P-cores until it has filled them.
    assert "2 worker(s): compact on P, scatter on P+E (mixed kinds)\n" in text
    assert "4 worker(s): compact on P+E (mixed kinds), scatter on P+E (mixed kinds)" in text
    assert "kinds P,P,E,E\n" in text
    assert "kinds P,E,P,E\n" in text


def test_machine_json_keeps_the_kinds(monkeypatch):
    the_plan = json.loads(plan("--json"))
    info = machine.describe(the_plan, run_id="r", quick=True, command="bench_all",
                            repo=Path(REPO))
    assert [(k["name"], k["cores"], k["pus"]) for k in info["core_kinds"]] == \
        [("P", 2, 4), ("E", 10, 10)]
    assert {p["kind"] for p in info["placements"]["compact"][:2]} == {"P"}
