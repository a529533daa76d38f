"""fleet: a fleet on Slurm. Imports core, report and compare.

    local_cluster  a one-machine Slurm cluster in a temporary folder (tests, trying it)
"""
