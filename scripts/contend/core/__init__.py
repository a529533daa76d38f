"""core: what a run is and what its numbers say. Imports no other layer;
draws nothing, runs no benchmark.

    schema            the results.csv columns, their types, the instance key
    results           loading and validating a run (Run, load_run), v1-v4
    instance_summary  per instance: median, interval, stability, who may
                      win; computed once per run or read from summary.csv
    stats             the statistics behind every verdict
    ranking           who is fastest at a point, or a tie
    scaling           which instances form one line across worker counts
    latency           latency numbers per instance (medians over rounds)
    hgrm              reading HdrHistogram .hgrm files
    instance_name     benchmark instance names: the binaries' contract
    units             what one item is, per family and benchmark
    formatting        numbers as text
    tables            aligned text tables and markdown tables
    args              the argument parser and argument types every tool uses
    cli               one-line errors and exit codes
    repo              the checkout these scripts belong to
    slowdown          CONTEND_SLOWDOWN, the test-only slowdown knob
"""
