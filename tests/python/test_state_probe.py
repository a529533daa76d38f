"""The state probe's Python side (issue 21): state_probe.csv as bench_all
writes it, and the figure of throughput against it."""
import json

import pandas as pd

from contend.core import schema
from contend.report import state_figure
from contend.run import state_probe
from support import synthetic_runs as synth


def test_read_probe_takes_the_context_value_or_none(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"context": {"contend_state_probe_ns": "52.5"}, "benchmarks": []}))
    assert state_probe.read_probe(good) == 52.5
    none = tmp_path / "none.json"
    none.write_text(json.dumps({"context": {}, "benchmarks": []}))
    assert state_probe.read_probe(none) is None
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert state_probe.read_probe(broken) is None
    assert state_probe.read_probe(tmp_path / "missing.json") is None


def probed_run(tmp_path):
    """A synthetic run whose processes found two machine modes: 50 ns with
    the throughput as made, 200 ns with a third of it."""
    rows = synth.make_rows(run_id="probed", rounds=6, repetitions=2, families=("fifo",), seed=3)
    slow_rounds = {1, 4}
    for r in rows:
        if r["round"] in slow_rounds:
            r["items_per_second"] /= 3
    run = synth.write_run(tmp_path / "run", rows, synth.machine_json(**synth.TWO_CORE))
    out = state_probe.ProbeFile(run / state_probe.FILE)
    seen = set()
    for r in rows:
        key = tuple(r[c] for c in schema.INSTANCE) + (r["round"],)
        if key not in seen:
            seen.add(key)
            out.append(len(seen), r["round"], r, 200.0 if r["round"] in slow_rounds else 50.0)
    out.close()
    return run


def test_processes_join_probe_and_throughput_per_process(tmp_path):
    frame = state_figure.processes(probed_run(tmp_path))
    assert len(frame) and set(frame["state_probe_ns"]) == {50.0, 200.0}
    by_mode = frame.groupby("state_probe_ns")["items_per_second"].median()
    assert by_mode[200.0] < by_mode[50.0] / 2


def test_the_figure_is_drawn(tmp_path):
    run = probed_run(tmp_path)
    out = tmp_path / "modes.png"
    assert state_figure.main([str(run), "--out", str(out), "--impls", "ring_mpmc,mutex_queue,"
                              + ",".join(sorted(synth.FIFO_IMPLS))]) == 0
    assert out.stat().st_size > 1000
    assert pd.read_csv(run / state_probe.FILE)["state_probe_ns"].notna().all()
