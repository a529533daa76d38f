"""The tidy results schema: one row per benchmark instance and repetition.

This module is the single source of truth for column names, their order,
their types, the instance key and the schema version. README.md documents every column; bump SCHEMA_VERSION
whenever a column is added, removed, renamed or changes meaning.
"""

SCHEMA_VERSION = 2

# Versions the reading tools accept. Version 1 files (the runs committed
# before rounds existed) lack the version 2 columns; readers fill them in
# (round 0, placements = placement, ...), so every tool reads both.
READABLE_VERSIONS = (1, 2)

# Columns in file order. Identity columns first, then measurements.
COLUMNS = [
    "schema_version",   # int: SCHEMA_VERSION of the writer
    "run_id",           # str: UTC timestamp + short random suffix, unique per bench_all run
    "machine_id",       # str: readable prefix + stable hash of the hardware description
    "timestamp_utc",    # str: ISO 8601, when this instance finished
    "git_sha",          # str: commit of the code that ran (suffix -dirty if modified)
    "family",           # str: counter, fifo, lifo, priority, spsc, spawn, fanout, pool, ipc
    "benchmark",        # str: scenario within the family (increment, throughput, pingpong, ...)
    "params",           # str: extra scenario parameters "key=value;key=value", sorted, or ""
    "impl",             # str: stable snake_case implementation id
    "mode",             # str: thread | process
    "threads",          # int: total workers
    "producers",        # int: producer workers (0 where roles do not apply)
    "consumers",        # int: consumer workers (0 where roles do not apply)
    "placement",        # str: compact | scatter (the canonical policy of this worker-to-PU map)
    "placements",       # str: every policy this map stands for, "+"-joined ("compact+scatter"
                        #      where both put the workers on the same PUs); v2
    "oversubscribed",   # bool: more workers than allowed PUs
    "round",            # int: 0-based round: which separate process measured this row; v2
    "repetition",       # int: 0-based repetition index within the round's process
    "items",            # float: items completed per episode (mean over the repetition's episodes)
    "seconds",          # float: mean episode makespan in seconds
    "items_per_second", # float: aggregate throughput, total items / total makespan
    "ns_per_item",      # float: 1e9 / items_per_second
    "p50_ns",           # float: latency percentiles where measured, else empty
    "p99_ns",
    "p999_ns",          #      (p999 empty when too few samples support it)
    "latency_samples",  # float: latency samples behind the percentiles (per repetition); v2
    "fairness",         # float: Jain's index over per-worker op counts, 1 = perfectly fair
    "lost",             # float: lost updates / items per episode (expected - observed)
    "counted",          # float: updates the counter really holds per episode (counter family:
                        #        items - lost; items counts attempts); v2
    "error",            # str: empty when the measurement is valid, else why there is no number
]

# The columns Google Benchmark user counters fill, each from the counter of
# its own name (gbench.py copies them). The benchmarks name those counters
# with the constants of impl/contend/harness/counter_names.h, this list's C++
# twin; tests/python/test_counter_names.py keeps the two equal.
COUNTER_COLUMNS = ["items", "p50_ns", "p99_ns", "p999_ns", "latency_samples",
                   "fairness", "lost", "counted"]

# The columns that together name one benchmark instance (minus thread count).
IDENTITY = ["family", "benchmark", "params", "impl", "mode",
            "producers", "consumers", "placement"]

# A benchmark instance: its identity plus the worker count. Its repetitions
# (and rounds) are the samples every statistic is computed over.
INSTANCE = IDENTITY + ["threads"]

# Column types; every other column is text.
INT_COLUMNS = ["schema_version", "threads", "producers", "consumers"]
# Integers that an error row may leave empty (a crash has no repetition).
OPTIONAL_INT_COLUMNS = ["round", "repetition"]
FLOAT_COLUMNS = ["items", "seconds", "items_per_second", "ns_per_item",
                 "p50_ns", "p99_ns", "p999_ns", "latency_samples", "fairness", "lost",
                 "counted"]
BOOL_COLUMNS = ["oversubscribed"]
LATENCY_COLUMNS = ["p50_ns", "p99_ns", "p999_ns"]

FAMILIES = ["counter", "fifo", "lifo", "priority", "spsc",
            "spawn", "fanout", "pool", "ipc"]

MODES = ["thread", "process"]
PLACEMENTS = ["compact", "scatter"]
