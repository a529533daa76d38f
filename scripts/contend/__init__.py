"""contend's Python side: turning Google Benchmark JSON into tidy results,
and reading those results (plots, comparisons, regression verdicts)."""
