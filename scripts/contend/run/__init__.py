"""run: making a run. Imports core only.

    bench_all      scripts/bench_all: plan -> episode -> process -> CSV ->
                   summary.csv and the end-of-run table
    paired_run     bench_all --pair-bench-dir: two builds' processes back to back
    state_probe    state_probe.csv: the machine state each process found
    plan           contend_plan's view of the machine (topology, ladder)
    machine        machine.json and machine_id
    emulation      bench_all --emulate: another machine's plan run here
    instances      which benchmark instances a run measures
    only_list      bench_all --only FILE
    schedule       the order of a run: rounds, interleaved, shuffled
    budget         --budget: rounds and min-time for a wall-clock budget
    child          one benchmark binary as a child in its own process group
    gbench         Google Benchmark JSON -> result rows
    results_csv    appending rows to results.csv as they arrive
    calibration    the machine's calibration and the floor columns
    fastest_table  the end-of-run table: fastest per benchmark, or a tie
    noise          the noise score in machine.json, and scripts/noise
"""
