"""formatting.py: one function per kind of number, '-' where there is none."""
import math

from contend.core import formatting as fmt

NAN = math.nan


def test_rates_keep_three_digits_at_a_fixed_width():
    assert fmt.rate(12.3e6) == "12.3M/s"
    assert fmt.rate(412e6) == "412M/s"
    assert fmt.rate(1.234e9) == "1.23G/s"
    assert fmt.rate(950) == "950/s"
    assert fmt.rate(0) == "0/s"
    assert fmt.rate(None) == "-"


def test_durations():
    assert fmt.duration(74) == "1:14"
    assert fmt.duration(3725) == "1:02:05"


def test_si_ratio_change_p():
    assert fmt.si(1234567) == "1.23M" and fmt.si(12) == "12" and fmt.si(NAN) == "-"
    assert fmt.si(True) == "-"
    # Rounding can carry into the next prefix: 999.7k is 1M, never "1e+03k".
    assert fmt.si(999_700) == "1M" and fmt.si(999_400) == "999k" and fmt.si(-999.97) == "-1k"
    assert fmt.ratio(0.7) == "0.700" and fmt.ratio(None) == "-"
    assert fmt.percent_change(0.7) == "-30.0%" and fmt.percent_change(1.05) == "+5.0%"
    assert fmt.p_value(0.0123) == "0.012" and fmt.p_value(1e-5) == "1.0e-05"
    assert fmt.p_value(NAN) == "-"


def test_percent_and_plain_numbers():
    assert fmt.percent(0.123) == "12%" and fmt.percent(0.05, 1) == "5.0%"
    assert fmt.percent(0.123, 1, unit="") == "12.3"
    assert fmt.percent(NAN) == "-" and fmt.percent(None) == "-"
    assert fmt.significant(0.98765) == "0.988" and fmt.significant(NAN) == "-"


def test_intervals_and_margins():
    assert fmt.interval(1.1e6, 1.32e6) == "1.1M-1.32M"
    assert fmt.interval(NAN, 2.0) == "-"
    assert fmt.margin(1.3241, 1.2, 1.45) == "1.32 [1.20, 1.45]"
    assert fmt.margin(1.3241, NAN, NAN) == "1.32"
    assert fmt.margin(NAN, 1.2, 1.45) == "-"


def test_csv_cells_read_back_exactly():
    assert fmt.csv_cell(None) == ""
    assert fmt.csv_cell(True) == "true" and fmt.csv_cell(False) == "false"
    assert fmt.csv_cell(0.1) == "0.1"
    assert float(fmt.csv_cell(3.5023136474939456e+09)) == 3.5023136474939456e+09
    assert fmt.csv_cell(3) == "3"


def test_latencies_carry_their_unit():
    assert fmt.latency(850) == "850ns" and fmt.latency(12345) == "12.3us"
    assert fmt.latency(1500.0) == "1.5us" and fmt.latency(999.7) == "1us"   # rounds up a unit
    assert fmt.latency(2.5e6) == "2.5ms" and fmt.latency(3e9) == "3s"
    assert fmt.latency(NAN) == "-" and fmt.latency(None) == "-"
