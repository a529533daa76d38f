"""fleet: a fleet on Slurm. Imports core, run, report and compare.

    main           scripts/fleet: submit, status, wait, retry, compare, local-cluster
    submit         one exclusive job per node (scripts/lib/fleet_job.sh); retry
    manifest       the fleet's folder and fleet.json
    status         each node's state, from squeue, sacct or the job's own record
    slurm          the Slurm commands, parsed
    report         scripts/fleet compare: classes side by side, node outliers, missing nodes
    classes        nodes grouped by machine_id; one pooled run per class
    outliers       the node-outlier check within a class
    false_alarms   the outlier check's false-alarm rate and power (a tool, not a test)
    local_cluster  a one-machine Slurm cluster in a temporary folder (tests, trying it)
    namespaces     its second node as a host of its own: network and UTS namespaces, a veth pair
"""
