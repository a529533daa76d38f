"""The end-of-run table and human units."""
from contend import summary
from contend.units import format_duration, format_rate


def row(impl, threads, rate, *, rep=0, oversub=False, lost=0.0, error="",
        family="counter", placement="compact", mode="thread"):
    return {"family": family, "benchmark": "increment", "params": "", "impl": impl,
            "mode": mode, "threads": threads, "producers": 0, "consumers": 0,
            "placement": placement, "oversubscribed": oversub, "repetition": rep,
            "items_per_second": None if error else rate, "lost": lost, "error": error}


def test_best_is_highest_median_at_highest_non_oversubscribed_threads():
    rows = [
        row("std_mutex", 2, 10e6, rep=0), row("std_mutex", 2, 11e6, rep=1),
        row("std_mutex", 2, 90e6, rep=2),                    # median 11M
        row("atomic_relaxed", 2, 20e6, rep=0), row("atomic_relaxed", 2, 21e6, rep=1),
        row("atomic_relaxed", 2, 1e3, rep=2),                # median 20M
        row("cas_loop", 1, 500e6),                           # fewer threads: not eligible
        row("spin_tas", 3, 900e6, oversub=True),             # oversubscribed: not eligible
        row("unsync", 2, 800e6, lost=1234.0),                # lost updates: not eligible
        row("spin_mcs", 2, None, error="final count wrong"),
    ]
    [best] = summary.best_per_family(rows)
    assert (best["family"], best["impl"], best["threads"]) == ("counter", "atomic_relaxed", 2)
    assert best["items_per_second"] == 20e6


def test_render_table():
    lines = summary.render([row("std_mutex", 2, 12.3e6), row("x", 4, 5e3, family="fifo")])
    assert lines[0].split() == ["family", "benchmark", "threads", "best", "impl", "mode",
                                "placement", "items/s"]
    assert "12.3M/s" in lines[1] and "counter" in lines[1]
    assert "5.00k/s" in lines[2] and "fifo" in lines[2]


def test_render_nothing_when_all_failed():
    assert summary.render([row("a", 1, None, error="boom")]) == []


def test_units():
    assert format_rate(12.3e6) == "12.3M/s"
    assert format_rate(412e6) == "412M/s"
    assert format_rate(1.234e9) == "1.23G/s"
    assert format_rate(950) == "950/s"
    assert format_rate(0) == "0/s"
    assert format_duration(74) == "1:14"
    assert format_duration(3725) == "1:02:05"
