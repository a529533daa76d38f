"""contend's Python side: turning Google Benchmark JSON into tidy results,
and reading those results (plots, comparisons, regression verdicts).

- The core computes: schema (columns, types, the instance key), results
  (loading, summaries, eligibility), stats, evidence, ranking, scaling,
  regress (the gate) and its verdict vocabulary; formatting writes every
  number as text.
- Rendering turns the core's frames into text, HTML and PNGs: tables,
  figures, report, compare_report, regress_report.
- Front ends, one per script in scripts/ (bench_all, plot, compare,
  regress, ab, noise), are the main() of that module: args.Parser in,
  core and rendering called, cli.run_main's exit codes out.
"""
