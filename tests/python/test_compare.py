"""scripts/compare: two machines aligned by load and by workers, from fixtures."""
import shutil

import pandas as pd

from contend.compare import align, text
from contend.core import ranking, results, schema
from support import synthetic_runs
from support.tools import run_tool, stderr_lines

RUNS = synthetic_runs.committed_runs()


def copies(tmp_path):
    return [shutil.copytree(RUNS[n], tmp_path / RUNS[n].parent.name / RUNS[n].name)
            for n in ("two_core", "sixteen_core")]


def test_compare_prints_aligned_tables_and_writes_its_files(tmp_path):
    two, sixteen = copies(tmp_path)
    done = run_tool("compare", two, sixteen)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "m1 = pc2-1f0e2d3c" in out and "m2 = epyc16-7c6b5a49" in out and "16 cores" in out
    for title in ("Aligned by load", "Aligned by worker count", "Fastest impl per machine"):
        assert title in out
    assert "m2 ratio" in out and "m1 /core" in out and "m2 eff" in out
    # Default output: beside the first run's own report.
    folder = two / "report" / "compare-vs-epyc16-7c6b5a49"
    assert {p.name for p in folder.iterdir()} >= {
        "compare.md", "aligned-by-load.csv", "aligned-by-workers.csv", "winners.csv",
        "compare-counter-increment-thread.png", "compare-fifo-throughput-batch_1-thread.png"}
    md = (folder / "compare.md").read_text()
    assert "| benchmark |" in md and "![compare-counter-increment-thread]" in md
    # Winners first: the answer before the long aligned tables.
    assert md.index("## Fastest impl per machine") < md.index("## Aligned by load")
    assert out.index("Fastest impl per machine") < out.index("Aligned by load")


def test_alignment_by_load_matches_full_machine_with_full_machine():
    runs = [results.load_run(RUNS["two_core"]), results.load_run(RUNS["sixteen_core"])]
    points = [align.machine_points(r) for r in runs]
    by_load = align.align(points, "load")
    full = by_load.loc[(by_load["load"] == "1") & (by_load["family"] == "counter")]
    assert set(full["threads_0"]) == {2} and set(full["threads_1"]) == {16}
    over = by_load.loc[by_load["load"] == "over"]
    assert set(over["threads_0"]) == {3} and set(over["threads_1"]) == {17}
    # Queues: 1p1c on 2 cores is matched with 8p8c on 16 (same shape, p = c).
    fifo = by_load.loc[(by_load["family"] == "fifo") & (by_load["load"] == "1")]
    assert len(fifo) and set(fifo["producers_1"]) == {8} and set(fifo["shape"]) == {"p=c"}
    by_workers = align.align(points, "threads")
    assert set(by_workers.loc[by_workers["family"] == "counter", "threads"]) == {1, 2}
    ratio = by_workers["median_1"] / by_workers["median_0"]
    assert (by_workers["ratio_1"] - ratio).abs().max() < 1e-12


def test_winner_change_is_detected(tmp_path):
    # On the second machine std_mutex beats everything: the winner changes.
    rows = synthetic_runs.make_rows(**synthetic_runs.SIXTEEN_CORE, repetitions=2,
                                    families=("counter",), slowdown={"std_mutex": 1e5})
    other = synthetic_runs.write_run(tmp_path / "other", rows)
    done = run_tool("compare", RUNS["two_core"], other, "--out", tmp_path / "cmp",
                    "--format", "html")
    assert done.returncode == 0, done.stderr
    wins = pd.read_csv(tmp_path / "cmp" / "winners.csv", keep_default_na=False)
    assert wins["changes"].all() and set(wins["winner_1"]) == {"std_mutex"}
    assert "The winner changes with the hardware at" in done.stdout
    page = (tmp_path / "cmp" / "index.html").read_text()
    # The PNG is linked, not embedded; the figure is interactive.
    assert 'href="compare-counter-increment-thread.png"' in page and "data:image/png" not in page
    assert 'id="fig-counter-increment-thread"' in page


def _one_line_exit_2(done):
    assert done.returncode == 2, done.stdout + done.stderr
    lines = stderr_lines(done)
    assert len(lines) == 1 and lines[0].startswith("compare: error:"), lines
    return lines[0]


def test_compare_bad_input(tmp_path):
    assert "at least two" in _one_line_exit_2(run_tool("compare", RUNS["two_core"]))
    fifo_only = synthetic_runs.write_run(
        tmp_path / "fifo", synthetic_runs.make_rows(repetitions=1, families=("fifo",)))
    counter_only = synthetic_runs.write_run(
        tmp_path / "counter", synthetic_runs.make_rows(repetitions=1, families=("counter",)))
    line = _one_line_exit_2(run_tool("compare", fifo_only, counter_only, "--out", tmp_path / "o"))
    assert "nothing in common" in line or "no benchmark instance in common" in line
    old = tmp_path / "old" / "results.csv"
    old.parent.mkdir()
    old.write_text((counter_only / "results.csv").read_text().replace(f"\n{schema.SCHEMA_VERSION},", "\n0,"))
    assert "schema version" in _one_line_exit_2(run_tool("compare", counter_only, old))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "empty" in _one_line_exit_2(run_tool("compare", counter_only, empty))


# ---- rounds, ties, placements ------------------------------------------------------

def _rounds_run(path, machine, seed, **kwargs):
    rows = synthetic_runs.make_rows(**{**machine, "seed": seed, "rounds": 3,
                                       "round_noise": 0.1, "repetitions": 3, **kwargs})
    return synthetic_runs.write_run(path, rows, synthetic_runs.machine_json(**machine))


def test_two_runs_of_the_same_model_do_not_change_winner(tmp_path):
    a = _rounds_run(tmp_path / "a", synthetic_runs.TWO_CORE, seed=21)
    b = _rounds_run(tmp_path / "b", synthetic_runs.TWO_CORE, seed=22)
    done = run_tool("compare", a, b, "--out", tmp_path / "cmp")
    assert done.returncode == 0, done.stderr
    assert "The winner changes with the hardware at 0 of" in done.stdout
    assert "on at least one machine" in done.stdout and "3 rounds" in done.stdout
    for column in ("m1 winner", "m1 runner-up", "m1 margin [95% CI]", "m2 95% CI"):
        assert column in done.stdout, column
    wins = pd.read_csv(tmp_path / "cmp" / "winners.csv", keep_default_na=False)
    assert {"status_0", "runner_up_1", "margin_low_0", "margin_high_1", "q_0", "tie"} <= set(wins)
    assert not wins["changes"].any()
    aligned = pd.read_csv(tmp_path / "cmp" / "aligned-by-load.csv")
    assert {"ci_low_0", "ci_high_1", "unstable_0", "rounds_1"} <= set(aligned)
    assert (aligned["ci_low_0"] <= aligned["median_0"]).all()


def _points_and_evidence(runs):
    return [align.machine_points(r) for r in runs], [ranking.RoundSamples.of(r) for r in runs]


def test_a_map_measured_once_for_both_placements_aligns_with_both(tmp_path):
    # Machine 1 measured compact = scatter once ("compact+scatter"); machine 2
    # measured the two apart. Both placements still align, and win or tie.
    rows = synthetic_runs.make_rows(seed=31, rounds=3, round_noise=0.1, repetitions=2)
    once = [dict(r, placements="compact+scatter") for r in rows if r["placement"] == "compact"]
    one = synthetic_runs.write_run(tmp_path / "one", once,
                                   synthetic_runs.machine_json(**synthetic_runs.TWO_CORE))
    two = _rounds_run(tmp_path / "two", synthetic_runs.TWO_CORE, seed=32)
    runs = [results.load_run(one), results.load_run(two)]
    points, evidence = _points_and_evidence(runs)
    by_threads = align.align(points, "threads")
    assert set(by_threads["placement"]) == {"compact", "scatter"}
    wins = align.winners(points, evidence, "load")
    assert set(wins["placement"]) == {"compact", "scatter"}
    assert set(wins["status_0"]) <= {"winner", "tie"}


def test_a_tie_on_one_machine_is_not_a_change(tmp_path):
    # m2: std_mutex as fast as sharded_padded (both names tied), m1: sharded wins.
    base = synthetic_runs.make_rows(**synthetic_runs.SIXTEEN_CORE, seed=41, rounds=3,
                                    round_noise=0.1, repetitions=2, families=("counter",))
    twin = synthetic_runs.make_rows(**synthetic_runs.SIXTEEN_CORE, seed=42, rounds=3,
                                    round_noise=0.1, repetitions=2, families=("counter",))
    twin = {(r["placement"], r["threads"], r["round"], r["repetition"]): r["items_per_second"]
            for r in twin if r["impl"] == "sharded_padded"}
    for r in base:
        if r["impl"] == "std_mutex":
            r["items_per_second"] = twin[(r["placement"], r["threads"], r["round"], r["repetition"])]
    m1 = _rounds_run(tmp_path / "m1", synthetic_runs.SIXTEEN_CORE, seed=43, families=("counter",))
    m2 = synthetic_runs.write_run(tmp_path / "m2", base,
                                  synthetic_runs.machine_json(**synthetic_runs.SIXTEEN_CORE))
    points, evidence = _points_and_evidence([results.load_run(m1), results.load_run(m2)])
    wins = align.winners(points, evidence, "load")
    assert (wins["status_0"] == "winner").all() and (wins["winner_0"] == "sharded_padded").all()
    assert (wins["status_1"] == "tie").mean() >= 0.75
    assert not wins.loc[wins["status_1"] == "tie", "changes"].any()
    assert "tie" in text.verdict_line(wins)


def test_partial_runs_say_so(tmp_path):
    run = _rounds_run(tmp_path / "p", synthetic_runs.TWO_CORE, seed=51)
    machine = synthetic_runs.machine_json(**synthetic_runs.TWO_CORE)
    machine.update(complete=False, processes_measured=7, processes_planned=9)
    (run / "machine.json").write_text(__import__("json").dumps(machine))
    line = text.machine_lines([results.load_run(run)], ["p"])[0]
    assert "partial run: 7 of 9 processes" in line
