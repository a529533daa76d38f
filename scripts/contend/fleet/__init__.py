"""fleet: a fleet on Slurm. Imports core, run, report and compare.

    main           scripts/fleet: submit, status, wait, retry, compare, local-cluster
    submit         one exclusive job per node (scripts/lib/fleet_job.sh); retry
    manifest       the fleet's folder and fleet.json
    status         each node's state, from squeue, sacct or the job's own record
    slurm          the Slurm commands, parsed
    local_cluster  a one-machine Slurm cluster in a temporary folder (tests, trying it)
"""
