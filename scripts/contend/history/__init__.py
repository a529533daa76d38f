"""history: a machine's throughput over commits. Imports core only.

    store  results/history/<machine_id>.csv: recorded and read back
    steps  level shifts between commits (detect_steps) and their table
"""
