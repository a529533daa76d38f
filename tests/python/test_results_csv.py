"""results.csv: the header is schema.COLUMNS, rows append, values read back."""
import csv

import pandas as pd
import pytest

from contend.core import schema
from contend.run import gbench
from contend.run.results_csv import ResultsFile
from support.paths import FIXTURES


def read(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def sample_rows():
    return gbench.rows_from_report(gbench.load_report(f"{FIXTURES}/gbench_1.7.1_counter.json"))


def test_header_is_schema_columns_even_before_any_row(tmp_path):
    path = tmp_path / "results.csv"
    ResultsFile(str(path)).close()
    assert read(path) == [schema.COLUMNS]


def test_append_writes_header_once(tmp_path):
    path = str(tmp_path / "results.csv")
    rows = sample_rows()
    with ResultsFile(path) as results:
        results.append(rows[:3])
        results.append(rows[3:])
    with ResultsFile(path) as results:   # reopened: appends, no second header
        results.append(rows[:1])
    table = read(path)
    assert table[0] == schema.COLUMNS
    assert table.count(schema.COLUMNS) == 1
    assert len(table) == 1 + len(rows) + 1


def test_row_with_unknown_column_is_refused(tmp_path):
    with ResultsFile(str(tmp_path / "r.csv")) as results:
        with pytest.raises(ValueError, match="not in the schema"):
            results.append([{"family": "counter", "colour": "blue"}])


def test_pandas_reads_types_back(tmp_path):
    path = str(tmp_path / "results.csv")
    with ResultsFile(path) as results:
        results.append(sample_rows())
    df = pd.read_csv(path, keep_default_na=True)
    assert list(df.columns) == schema.COLUMNS
    assert df["oversubscribed"].dtype == bool
    assert df["threads"].dtype.kind == "i"
    ok = df[df["impl"] == "std_mutex"]
    assert ok["items_per_second"].iloc[0] == 3.5023136474939456e+09
    failed = df[df["impl"] == "spin_tas"]
    assert failed["items_per_second"].isna().all()
    assert (failed["error"] == "final count 3999 != expected 4000").all()
