"""Writing the tidy results.csv: header once, rows appended as they arrive.

Rows are appended and flushed after every benchmark instance so that whatever
was measured before a crash or Ctrl-C is already on disk.
"""
import csv
from pathlib import Path

from ..core import formatting, schema


class ResultsCsv:
    """Writes rows (dicts keyed by schema.COLUMNS) to an open text stream."""

    def __init__(self, stream, header=True):
        self._stream = stream
        self._writer = csv.writer(stream, lineterminator="\n")
        self._header_pending = header

    def write_rows(self, rows):
        if self._header_pending:
            self._writer.writerow(schema.COLUMNS)
            self._header_pending = False
        for row in rows:
            unknown = set(row) - set(schema.COLUMNS)
            if unknown:
                raise ValueError(f"row has columns not in the schema: {sorted(unknown)}")
            self._writer.writerow([formatting.csv_cell(row.get(c)) for c in schema.COLUMNS])
        self._stream.flush()


class ResultsFile:
    """results.csv on disk, opened in append mode; the header is written only
    when the file is new or empty, so a resumed file never gets two headers."""

    def __init__(self, path):
        self.path = Path(path)
        is_new = not self.path.exists() or self.path.stat().st_size == 0
        self._stream = self.path.open("a", encoding="utf-8", newline="")
        self._csv = ResultsCsv(self._stream, header=is_new)
        self._csv.write_rows([])  # the header now: a run stopped early still leaves a valid CSV

    def append(self, rows):
        self._csv.write_rows(rows)

    def close(self):
        self._stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
