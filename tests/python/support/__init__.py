"""What the Python tests share. conftest.py puts scripts/ on sys.path (the
only place that does) and holds the fixtures; the helpers live here, one
module per concern, imported as `from support import ...`:

    paths           REPO, SCRIPTS, FIXTURES, PYTHON (Debian's python3)
    processes       script_env, run_bounded, process_gone, wait_for
    fake_build      FakeBuild (fake bench_* binaries for bench_all),
                    bench_name, read_csv, run_dir_of
    tools           run_tool (scripts/<tool> as a user runs it),
                    stderr_lines, frame (a typed results frame from rows),
                    tool_modules (setup.sh's tool -> Python module map)
    synthetic_runs  seeded synthetic runs; `python3 -m support.synthetic_runs`
                    rewrites the committed ones in fixtures/runs/
    hgrm_text       .hgrm text exactly as LatencyHistogram writes it
    browser         headless Chromium for the page tests
    layers          the layer rule of scripts/contend, as a checker
"""
