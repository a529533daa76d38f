"""hgrm.py: reading HdrHistogram percentile-distribution text as the C++ writes it."""
import math
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
from contend.core import hgrm
from contend.core.cli import UsageError
from support import hgrm_text

CPP_FILE = HERE / "fixtures" / "hgrm" / "lognormal_800ns.hgrm"
CPP_VALUES = dict(seed=1, median_ns=800, sigma=0.3, count=5000, tail_share=0.01, tail_ns=50000)

# LatencyHistogramHgrm.OneValueGivesItsLineAndTheHundredPercentLine, verbatim.
ONE_VALUE = ("       Value     Percentile TotalCount 1/(1-Percentile)\n"
             "\n"
             "       42.00 0.000000000000          1           1.00\n"
             "       42.00 1.000000000000          1\n"
             "#[Mean    =        42.00, StdDeviation   =         0.00]\n"
             "#[Max     =        42.00, Total count    =            1]\n"
             "#[Buckets =           35, SubBuckets     =          256]\n")


def test_reads_a_file_the_cpp_wrote():
    h = hgrm.read(CPP_FILE)
    assert (h.total_count, h.buckets, h.sub_buckets) == (5000, 35, 256)
    rows = h.rows
    assert list(rows.columns) == hgrm.ROW_COLUMNS
    assert rows["percentile"].iloc[0] == 0.0 and rows["percentile"].iloc[-1] == 1.0
    assert rows["total_count"].iloc[-1] == 5000 and rows["total_count"].iloc[0] >= 1
    assert rows["value_us"].is_monotonic_increasing
    assert rows["value_us"].iloc[-1] == h.max_us
    # The body is log-normal around 0.8 us, the tail holds stalls of up to 50 us.
    median = rows.loc[rows["percentile"] == 0.5, "value_us"].iloc[0]
    assert 0.75 < median < 0.85
    assert 10 < h.max_us <= 51


def test_the_python_twin_writes_the_cpp_text_byte_for_byte():
    """The synthetic runs' .hgrm files are the C++ writer's, not an imitation."""
    values = hgrm_text.lognormal_values(**CPP_VALUES)
    assert hgrm_text.hgrm_text(values) == CPP_FILE.read_text()


def test_distribution_drops_the_hundred_percent_line_and_maps_x():
    d = hgrm.read(CPP_FILE).distribution()
    assert d["percentile"].max() < 1.0
    assert (d["x"] == 1 / (1 - d["percentile"])).all()
    assert _at(d, 0.5)["x"] == pytest.approx(2.0) and _at(d, 0.9)["x"] == pytest.approx(10.0)


def test_round_trip_of_known_values(tmp_path):
    """Every row counts exactly the values at or below it; the percentiles
    are the nearest-rank ones within the histogram's 1%."""
    values = hgrm_text.lognormal_values(7, 5000, 0.8, 3000, 0.02, 2_000_000)
    path = tmp_path / "known.hgrm"
    path.write_text(hgrm_text.hgrm_text(values, unit_ratio=1.0))    # nanoseconds: exact
    h = hgrm.read(path)
    assert h.total_count == len(values)
    ordered = sorted(values)
    for value, percentile, total in h.rows.itertuples(index=False):
        assert total == sum(v <= value for v in values)
        assert percentile <= total / len(values) + 1e-12
    assert len(h.rows) > 40
    for value, percentile, _ in h.rows.itertuples(index=False):
        rank = max(1, math.ceil(percentile * len(values) - 1e-9))
        assert ordered[rank - 1] <= value <= ordered[rank - 1] * 1.01
    assert max(values) <= h.max_us <= max(values) * 1.01


def _at(rows, q):
    """The row at percentile level q (levels are sums of fractions: not exact)."""
    near = rows.loc[(rows["percentile"] - q).abs() < 1e-9]
    assert len(near) == 1, q
    return near.iloc[0]


def test_one_value_and_empty_histograms():
    one = hgrm.parse(ONE_VALUE)
    assert one.rows.values.tolist() == [[42.0, 0.0, 1], [42.0, 1.0, 1]]
    assert (one.mean_us, one.stddev_us, one.max_us, one.total_count) == (42.0, 0.0, 42.0, 1)
    empty = hgrm.parse(hgrm_text.hgrm_text([]))
    assert len(empty.rows) == 0 and empty.total_count == 0 and len(empty.distribution()) == 0


GOOD = hgrm_text.hgrm_text(hgrm_text.lognormal_values(3, 1000, 0.5, 400))
LINES = GOOD.splitlines(keepends=True)


@pytest.mark.parametrize("text, says", [
    ("", "not an .hgrm percentile distribution"),
    ("Value Percentile\n" + "".join(LINES[1:]), "not an .hgrm percentile distribution"),
    ("".join(LINES[:4]) + "   oops 0.5 12 2.00\n" + "".join(LINES[4:]), "line 5: not a row"),
    ("".join(LINES[:-3]), "no footer line #[Mean = ...], #[Max = ...], #[Buckets = ...]"),
    ("".join(LINES[:-1]), "no footer line #[Buckets = ...]"),
    ("".join(LINES[:2] + [LINES[3], LINES[2]] + LINES[4:]), "line 4: out of order"),
    (GOOD.replace("Total count    =          400", "Total count    =          401"),
     "the last row counts 400 samples, the footer 401"),
    ("".join(LINES[:2]) + "        1.00 0.500000000000          1\n" + "".join(LINES[-3:]),
     "expected 4 columns (3 only at percentile 1)"),
    ("".join(LINES[:-1]) + LINES[2] + LINES[-1], "a table row after the footer"),
    ("".join(LINES[:-1]) + "#[Buckets = lots]\n", "not a footer line"),
])
def test_a_malformed_file_is_one_line_naming_it(tmp_path, text, says):
    path = tmp_path / "bad.r0.hgrm"
    path.write_text(text)
    with pytest.raises(UsageError) as caught:
        hgrm.read(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert says in message, message


def test_a_missing_file_is_one_line(tmp_path):
    with pytest.raises(UsageError, match=r"no such \.hgrm file"):
        hgrm.read(tmp_path / "absent.hgrm")
