# shellcheck shell=bash
# Set-up shared by the entry points in scripts/ (sourced, not run): make sure
# the Debian packages are there, configure + build a preset (bench_all, noise,
# test), or start a tool's Python module with what it imports (contend_exec_python).
# Paths are taken from this file's location so the entry points work from
# any working directory.

CONTEND_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CONTEND_ROOT

CONTEND_PACKAGES=(
  cmake make g++ pkg-config
  libbenchmark-dev libgtest-dev libgmock-dev relacy-dev libhwloc-dev libboost-dev
  libconcurrentqueue-dev libreaderwriterqueue-dev libtbb-dev liburing-dev libspdlog-dev
  python3 python3-pandas python3-matplotlib python3-scipy python3-plotly python3-pytest
  git
)

# What only the tests need beyond that: a real browser for the page tests
# (and a font for the text it renders: the screenshot tests look at it),
# pytest-xdist to run the Python tests on every CPU, and Slurm, munge and
# iproute2 for the fleet's tests, which start a one-machine cluster (its
# second node in a network namespace of its own).
CONTEND_TEST_PACKAGES=(chromium fonts-liberation python3-pytest-xdist
                       slurmctld slurmd slurm-client munge iproute2)

CONTEND_APT_UPDATED=0

# contend_require_packages [extra...]: installs what is missing of
# CONTEND_PACKAGES and the extra packages (as root), or prints the apt-get
# line and exits 1.
contend_require_packages() {
  local missing=() pkg status
  for pkg in "${CONTEND_PACKAGES[@]}" "$@"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" || status=""
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "contend: missing Debian packages; run: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "contend: installing missing Debian packages: ${missing[*]}" >&2
  if ((CONTEND_APT_UPDATED == 0)); then
    apt-get update >&2 || { echo "contend: apt-get update failed" >&2; exit 1; }
    CONTEND_APT_UPDATED=1
  fi
  # No recommends: they are not needed (the tests prove it on a fresh
  # Debian 12) and were more than half of the download (241 packages with
  # them for the test set, among them samba, cups and numba).
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
    { echo "contend: apt-get install failed" >&2; exit 1; }
}

# contend_build <preset> [build preset]: configure once (build/<preset>),
# then build (the build preset, by default the configure preset's own: all
# targets; `benchmarks` builds the benchmarks without the tests). Quiet when
# it works; the tool's full output when it fails. Returns non-zero on
# failure so that callers can decide whether to stop.
contend_build() {
  local preset="$1" build="${2:-$1}" dir="$CONTEND_ROOT/build/$1" output
  # A configure that failed half-way leaves a cache but no build system.
  if [[ ! -f "$dir/CMakeCache.txt" ]] ||
     [[ ! -f "$dir/build.ninja" && ! -f "$dir/Makefile" ]]; then
    echo "contend: configuring $preset (build/$preset)" >&2
    if ! output="$(cd "$CONTEND_ROOT" && cmake --preset "$preset" 2>&1)"; then
      printf '%s\n' "$output" >&2
      echo "contend: cmake --preset $preset failed" >&2
      return 1
    fi
  fi
  echo "contend: building $build (build/$preset)" >&2
  if ! output="$(cd "$CONTEND_ROOT" && cmake --build --preset "$build" -j"$(nproc)" 2>&1)"; then
    printf '%s\n' "$output" >&2
    echo "contend: cmake --build --preset $build failed" >&2
    return 1
  fi
}

# True when the arguments ask only for help (no need to build for that).
contend_wants_help() {
  local arg
  for arg in "$@"; do
    [[ "$arg" == "-h" || "$arg" == "--help" ]] && return 0
  done
  return 1
}

# The Python module each tool runs (scripts/<tool> -> python3 -m <module>).
declare -gA CONTEND_TOOL_MODULE=(
  [bench_all]=contend.run.bench_all
  [noise]=contend.run.noise
  [plot]=contend.report.plot
  [compare]=contend.compare.main
  [regress]=contend.gate.regress
  [ab]=contend.gate.ab
  [fleet]=contend.fleet.main
  [power]=contend.gate.power
)

# What each tool's module imports beyond the standard library; Debian's
# /usr/bin/python3 has them as python3-<module> (an earlier python3 on PATH
# may not). The gate (regress, ab) draws nothing: it needs neither
# matplotlib nor plotly. tests/python/test_setup_sh.py checks every list
# against what the tool's modules really import.
declare -gA CONTEND_TOOL_NEEDS=(
  [bench_all]="numpy pandas scipy"
  [noise]="numpy pandas scipy"
  [plot]="matplotlib numpy pandas plotly scipy"
  [compare]="matplotlib numpy pandas plotly scipy"
  [regress]="numpy pandas scipy"
  [ab]="numpy pandas scipy"
  [fleet]="matplotlib numpy pandas plotly scipy"
  [power]="numpy pandas scipy"
)

# contend_exec_python <tool> [args...]: replaces the shell with
# `python3 -m <the tool's module> args...`, or says in one line what to
# install and exits 2, like any other input the tool cannot work with.
contend_exec_python() {
  local tool="$1" module needs=()
  shift
  module="${CONTEND_TOOL_MODULE[$tool]:-}"
  if [[ -z "$module" ]]; then
    echo "contend: error: no tool named '$tool' (known: ${!CONTEND_TOOL_MODULE[*]})" >&2
    exit 2
  fi
  read -ra needs <<< "${CONTEND_TOOL_NEEDS[$tool]:-}"
  if ! /usr/bin/python3 -c 'import importlib.util as u, sys; sys.exit(not all(u.find_spec(m) for m in sys.argv[1:]))' \
       "${needs[@]}" 2>/dev/null; then
    echo "$tool: error: needs Debian's python3 with ${needs[*]}:" \
         "apt-get install ${needs[*]/#/python3-}" >&2
    exit 2
  fi
  export PYTHONPATH="$CONTEND_ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}"
  exec /usr/bin/python3 -m "$module" "$@"
}
