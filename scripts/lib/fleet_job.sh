#!/usr/bin/env bash
# One node's job of a fleet: scripts/fleet submit hands it to sbatch, one
# exclusive job per node. It builds the benchmarks for this node, then runs
# bench_all into the fleet's runs/ folder.
#
#   fleet_job.sh FLEET_DIR PREBUILT|- [bench_all flags...]
#
# The environment (sbatch --export) brings CONTEND_ROOT (the checkout, on a
# folder every node shares), CONTEND_FLEET_ID and CONTEND_FLEET_COMMIT.
# PREBUILT: a bench folder to run instead of building (scripts/fleet submit
# --prebuilt), "-" to build. Each node builds into its own folder,
# build/fleet/<cluster>-<node>: nodes may differ in CPU and architecture, so
# two nodes never share one.
#
# The job keeps its own record, FLEET_DIR/jobs/<node>-<job>.state, one line
# per step: "started", "built", "ended <bench_all's status>", or
# "failed <why>". status reads it where Slurm has forgotten the job and
# accounting is off. Exit status: 0 when bench_all finished its run (1 from
# bench_all means some instances had errors: they are rows of the run, the
# job did its work), bench_all's or the step's status otherwise.
set -uo pipefail

fleet="$1" prebuilt="$2"
shift 2
root="${CONTEND_ROOT:?CONTEND_ROOT is not set: submit with scripts/fleet}"
node="${SLURMD_NODENAME:-$(hostname)}"
job="${SLURM_JOB_ID:?not in a Slurm job}"
state="$fleet/jobs/$node-$job.state"

note() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >> "$state"; }
fail() { note "failed $2"; echo "fleet job: $2" >&2; exit "$1"; }

# scancel and the time limit send SIGTERM to every process of the job:
# bench_all keeps what it measured and ends, then this notes why.
trap 'note "signalled TERM"' TERM
note "started node=$node cpuset=$(awk '/^Cpus_allowed_list/ {print $2}' /proc/self/status)"
export PYTHONPATH="$root/scripts${PYTHONPATH:+:$PYTHONPATH}"

# The checkout is shared and may have moved on since the fleet was
# submitted: every node must measure the commit the manifest names.
sha="$(/usr/bin/python3 -c 'import sys; from contend.run import machine; print(machine.git_sha(sys.argv[1]))' "$root")" ||
  fail 3 "cannot read the checkout's commit"
[[ "$sha" == "${CONTEND_FLEET_COMMIT:?}" ]] ||
  fail 3 "the checkout is at $sha, the fleet was submitted at $CONTEND_FLEET_COMMIT"

if [[ "$prebuilt" == "-" ]]; then
  build="$root/build/fleet/${SLURM_CLUSTER_NAME:-cluster}-$node"
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >> "$fleet/jobs/$node-$job.build.log" 2>&1 &&
    cmake --build "$build" -j"$(nproc)" --target contend_benchmarks >> "$fleet/jobs/$node-$job.build.log" 2>&1 ||
    fail 4 "the build failed in $build (jobs/$node-$job.build.log)"
  bench="$build/bench"
else
  bench="$prebuilt"
fi
note "built $bench"

export CONTEND_ARGV0="scripts/bench_all"   # machine.json's command line
/usr/bin/python3 -m contend.run.bench_all --bench-dir "$bench" --out "$fleet/runs" --no-report "$@"
status=$?
note "ended $status"
((status == 0 || status == 1)) && exit 0
exit "$status"
