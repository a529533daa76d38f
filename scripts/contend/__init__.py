"""contend's Python side: running the benchmarks into tidy results, and
reading those results (reports, comparisons, the regression gate).

One sub-package per layer; each one's __init__ names its modules.

    core/     what a run is and what its numbers say: the results schema,
              loading and validating a run, the per-instance summary
              (instance_summary: computed once, or read from summary.csv),
              statistics, ranking, units and number formatting, the
              argument parser and exit codes every tool shares. Draws
              nothing, runs nothing.
    run/      making a run: bench_all (plan -> episode -> process -> CSV ->
              summary), the machine description, instance selection, the
              schedule, the budget, calibration, the noise score and
              scripts/noise.
    history/  a machine's throughput over commits: the history file
              (recorded, read) and the steps found in it.
    gate/     the regression gate: evidence (samples per instance), the
              judgement and its Verdict, the verdict as text and markdown,
              scripts/regress, scripts/ab, the A/A study. Draws nothing:
              it runs where matplotlib and plotly are not installed.
    report/   drawing one run: figures (matplotlib PNGs, plotly pages), the
              run report page, the history page, scripts/plot.
    compare/  several machines side by side: alignment, winners per
              machine, tables, overlay figures, scripts/compare.
    fleet/    a fleet on Slurm: one exclusive job per node, the fleet's
              manifest and status, machine classes and node outliers
              (scripts/fleet), and the one-machine Slurm cluster the
              tests use.

The layer rule: a module imports from its own sub-package and from the
sub-packages LAYERS lists for it, nothing else of contend; only the layers
in DRAWS import a drawing library. tests/python/test_package_layers.py
checks both on every module, and that no import cycle exists.

Front ends, one per script in scripts/ (scripts/lib/setup.sh maps each to
its module): run.bench_all, run.noise, report.plot, compare.main,
gate.regress, gate.ab, fleet.main. Each is that module's main(): core.args.Parser in,
its layer's work done, core.cli.run_main's exit codes out.
"""

# What each layer may import besides its own sub-package, bottom up.
LAYERS = {
    "core": (),
    "run": ("core",),
    "history": ("core",),
    "gate": ("core", "history"),
    "report": ("core", "history"),
    "compare": ("core", "report"),
    "fleet": ("core", "run", "report", "compare"),
}

# The only layers that may import matplotlib or plotly.
DRAWS = ("report", "compare")
