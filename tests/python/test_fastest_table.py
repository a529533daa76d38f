"""The end-of-run table."""

from contend.core import results
from contend.run import fastest_table
from support.tools import frame


def row(impl, threads, rate, *, rep=0, rnd=0, oversub=False, lost=0.0, error="",
        family="counter", placement="compact", mode="thread"):
    return {"schema_version": 2, "run_id": "r", "machine_id": "m", "family": family,
            "benchmark": "increment", "params": "", "impl": impl,
            "mode": mode, "threads": threads, "producers": 0, "consumers": 0,
            "placement": placement, "placements": placement, "oversubscribed": oversub,
            "round": "" if error else rnd, "repetition": "" if error else rep,
            "items_per_second": "" if error else rate, "lost": lost, "error": error}


def rounds_of(impl, threads, rates, **kwargs):
    """One row per round (rates: the round medians), one repetition each."""
    return [row(impl, threads, rate, rnd=i, **kwargs) for i, rate in enumerate(rates)]


def run_of(rows):
    return results.Run(df=frame(rows), machine={"cores": 2})


def test_best_is_ranked_at_highest_non_oversubscribed_threads():
    rows = (rounds_of("std_mutex", 2, [10e6, 11e6, 10.5e6, 10.2e6])
            + rounds_of("atomic_relaxed", 2, [20e6, 21e6, 19e6, 20.5e6])
            + rounds_of("cas_loop", 1, [500e6] * 4)             # fewer threads: not at full load
            + rounds_of("spin_tas", 3, [900e6] * 4, oversub=True)  # oversubscribed
            + rounds_of("unsync", 2, [800e6] * 4, lost=1234.0)     # lost updates: not eligible
            + [row("spin_mcs", 2, None, error="final count wrong")])
    [best] = fastest_table.best_per_benchmark(run_of(rows)).itertuples()
    assert (best.family, best.winner, best.threads) == ("counter", "atomic_relaxed", 2)
    assert best.runner_up == "std_mutex" and best.status == "winner"
    assert 1.7 < best.margin_low < best.margin < best.margin_high < 2.3
    assert "unsync (lost updates)" in best.excluded and "spin_mcs (errors)" in best.excluded


def test_an_impl_with_one_failed_repetition_is_never_crowned():
    rows = (rounds_of("std_mutex", 2, [10e6, 11e6, 10.5e6])
            + rounds_of("spin_mcs", 2, [90e6, 91e6, 92e6])
            + [row("spin_mcs", 2, None, error="final count wrong")])
    [best] = fastest_table.best_per_benchmark(run_of(rows)).itertuples()
    assert best.status == "alone" and best.winner == "std_mutex"


def test_close_impls_are_a_tie_with_runner_up_and_margin():
    rows = (rounds_of("a", 2, [10e6, 12e6, 9e6]) + rounds_of("b", 2, [10.5e6, 9.5e6, 11e6]))
    lines = fastest_table.render(run_of(rows))
    assert lines[0].split()[:4] == ["family", "benchmark", "mode", "threads"]
    assert "tie: " in lines[1] and " ~ " in lines[1] and "[" in lines[1]
    assert "1 of 1 tied" in lines[-1]


def test_render_table():
    lines = fastest_table.render(run_of(rounds_of("std_mutex", 2, [12.3e6] * 3)
                                  + rounds_of("x", 4, [5e3] * 3, family="fifo")))
    assert lines[0].split() == ["family", "benchmark", "mode", "threads", "fastest", "placement", "items/s",
                                "runner-up", "margin", "[95%", "CI]"]
    assert "12.3M/s" in lines[1] and "counter" in lines[1] and "only eligible" in lines[1]
    assert "5.00k/s" in lines[2] and "fifo" in lines[2]


def test_render_takes_the_run_or_bench_all_rows():
    rows = rounds_of("std_mutex", 2, [12.3e6] * 3)
    assert fastest_table.render(rows)[:2] == fastest_table.render(run_of(rows))[:2]


def test_render_nothing_when_all_failed():
    assert fastest_table.render(run_of([row("a", 1, None, error="boom")])) == []
