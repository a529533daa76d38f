"""The tidy results schema: one row per benchmark instance and repetition.

This module is the single source of truth for column names, their order,
their types, the instance key and the schema version. README.md documents every column; bump SCHEMA_VERSION
whenever a column is added, removed, renamed or changes meaning.
"""

SCHEMA_VERSION = 6

# Versions the reading tools accept. Version 1 files (the runs committed
# before rounds existed) lack the version 2 columns; readers fill them in
# (round 0, placements = placement, ...), and version 2 files lack the
# version 3 latency columns (left empty), and version 3 files lack the
# version 4 columns of the relaxed queues, the network programs and the
# hardware floors (left empty), and version 4 files lack core_kinds (left
# empty, as on a machine with one kind of core), and version 5 files lack
# reruns (left empty), so every tool reads all six.
READABLE_VERSIONS = (1, 2, 3, 4, 5, 6)

# Columns in file order. Identity columns first, then measurements.
COLUMNS = [
    "schema_version",   # int: SCHEMA_VERSION of the writer
    "run_id",           # str: UTC timestamp + short random suffix, unique per bench_all run
    "machine_id",       # str: readable prefix + stable hash of the hardware description
    "timestamp_utc",    # str: ISO 8601, when this instance finished
    "git_sha",          # str: commit of the code that ran (suffix -dirty if modified)
    "family",           # str: one of FAMILIES
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
    "core_kinds",       # str: hybrid machines: the core kinds the workers were placed on, each
                        #      once in worker order, "+"-joined ("P", "E", "P+E"); empty on a
                        #      machine with one kind and for unpinned tasks (spawn); v5
    "round",            # int: 0-based round: which separate process measured this row; v2
    "repetition",       # int: 0-based repetition index within the round's process
    "items",            # float: items completed per episode (mean over the repetition's episodes)
    "seconds",          # float: mean episode makespan in seconds
    "items_per_second", # float: aggregate throughput, total items / total makespan
    "ns_per_item",      # float: 1e9 / items_per_second
    "latency_of",       # str: what the percentiles measure (LATENCY_OF), "" where none; v3
    "p50_ns",           # float: latency percentiles where measured, else empty
    "p90_ns",           #      v3
    "p99_ns",
    "p999_ns",
    "p9999_ns",         #      v3 (a percentile is empty when too few samples support it)
    "max_ns",           #      v3: the largest latency recorded
    "latency_samples",  # float: latency samples behind the percentiles (per repetition); v2
    "offered_per_second",  # float: open-loop rows: the load offered, items/s; v3
    "kept_up",          # bool: open-loop rows: the queue kept up with the offered load
                        #       (false: it fell behind, and no latency is reported); v3
    "reruns",           # float: open-loop rows: 1 when the repetition was run a second time
                        #        because the queue's saturation, measured again after it fell
                        #        behind, had fallen under 60% (the machine changed under it;
                        #        this row is the second run), else 0; v6
    "handover_p50_ns",  # float: lock rows: release to the next waiter's acquisition; v3
    "handover_p99_ns",  #      v3
    "handover_samples", # float: hand-overs behind those percentiles; v3
    "rank_error_mean",  # float: relaxed priority rows: mean rank of each popped key among the
                        #        keys present when it was popped (0 = always the minimum); v4
    "rank_error_max",   # float: the largest such rank; v4
    "peak_tasks",       # float: server rows: server threads or processes alive at peak; v4
    "peak_rss_bytes",   # float: server rows: the server's peak resident set, bytes; v4
    "cpu_ns_per_item",  # float: server/chatlog rows: CPU time (user + system, getrusage) of
                        #        the measured side per item, ns; v4
    "refused",          # float: server rows: connections refused or reset per episode; v4
    "dropped",          # float: chatlog rows: datagrams sent but never received (the kernel
                        #        may drop UDP: a measurement, like `lost`) per episode; v4
    "acked_missing",    # float: chatlog crash rows: messages the writer had acknowledged that
                        #        the file lacks after the logging process was SIGKILLed; v4
    "floor_of",         # str: the hardware floor this row is compared with (FLOOR_OF), ""
                        #      where none; bench_all fills it from machine.json; v4
    "floor_ns",         # float: that floor on this row's PUs, from the calibration; v4
    "floor_ratio",      # float: the row's own cost / floor_ns (1 = at the hardware's limit); v4
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
COUNTER_COLUMNS = ["items", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "p9999_ns", "max_ns",
                   "latency_samples", "offered_per_second", "kept_up", "reruns",
                   "handover_p50_ns", "handover_p99_ns", "handover_samples",
                   "rank_error_mean", "rank_error_max",
                   "peak_tasks", "peak_rss_bytes", "cpu_ns_per_item", "refused",
                   "dropped", "acked_missing",
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
LATENCY_COLUMNS = ["p50_ns", "p90_ns", "p99_ns", "p999_ns", "p9999_ns", "max_ns"]
FLOAT_COLUMNS = (["items", "seconds", "items_per_second", "ns_per_item"] + LATENCY_COLUMNS
                 + ["latency_samples", "offered_per_second", "reruns",
                    "handover_p50_ns", "handover_p99_ns", "handover_samples",
                    "rank_error_mean", "rank_error_max",
                    "peak_tasks", "peak_rss_bytes", "cpu_ns_per_item", "refused",
                    "dropped", "acked_missing", "floor_ns", "floor_ratio",
                    "fairness", "lost", "counted"])
BOOL_COLUMNS = ["oversubscribed", "kept_up"]

# What a row's latency percentiles measure, by benchmark (the same in every
# family that has it); a benchmark not named here reports none.
LATENCY_OF = {
    "pingpong": "round_trip",               # queue and ipc: push/send to the reply
    "latency": "since_intended_send",       # queue, open loop: corrected for
                                            #   coordinated omission
    "apply_async": "submit_to_result",      # pool
    "critical_section": "acquire_wait",     # counter locks: request to acquisition
    "echo": "round_trip",                   # server, closed loop: request sent to its
                                            #   echo fully received
    "connect_per_request": "connect_to_close",  # server: connect, send, receive, close
    "log": "receive_to_handoff",            # chatlog: a datagram received to the receiver
                                            #   being free again (queued, or written)
    "core_to_core": "round_trip",           # calibration: a line bounced by CAS and back
    "futex_wake": "wake_to_run",            # calibration: futex wake call to the woken
                                            #   thread running
}

# What a row's floor_ratio compares it with (schema column floor_of):
FLOOR_OF = {
    "core_to_core_round_trip",  # queue/ipc pingpong p50 vs the calibration matrix's median
                                #   round trip between the same two PUs
    "line_transfer",            # contended counter ns_per_item vs one cache-line transfer
}

# In the order reports show them; calibration (the machine's floors) runs first.
FAMILIES = ["calibration", "counter", "fifo", "lifo", "priority", "spsc",
            "spawn", "fanout", "pool", "ipc", "server", "chatlog"]

MODES = ["thread", "process"]
PLACEMENTS = ["compact", "scatter"]
