"""scripts/lib/setup.sh: the package check and the Python start the entry points share."""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from support import layers
from support.paths import REPO, SCRIPTS

SETUP = os.path.join(REPO, "scripts", "lib", "setup.sh")


def bash(script, as_nobody=False, setup=SETUP):
    argv = ["bash", "-c", f'source "{setup}"; {script}']
    if as_nobody:
        if os.geteuid() == 0:
            if not shutil.which("runuser"):
                pytest.skip("needs runuser to drop root")
            argv = ["runuser", "-u", "nobody", "--"] + argv
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd="/")


@pytest.fixture
def readable_setup():
    """setup.sh copied where any user can read it: the checkout may not be
    (a clone under /root), and nobody must source it. (pytest's own temp
    folders are private to their user.)"""
    with tempfile.TemporaryDirectory() as folder:
        lib = os.path.join(folder, "scripts", "lib")
        os.makedirs(lib)
        for path in (folder, os.path.join(folder, "scripts"), lib):
            os.chmod(path, 0o755)
        shutil.copy(SETUP, lib)
        os.chmod(os.path.join(lib, "setup.sh"), 0o644)
        yield os.path.join(lib, "setup.sh")


def test_nothing_missing_is_silent():
    done = bash("CONTEND_PACKAGES=(bash); contend_require_packages; echo after")
    assert done.returncode == 0
    assert done.stdout == "after\n" and done.stderr == ""


def test_missing_as_non_root_prints_the_install_line(readable_setup):
    done = bash("CONTEND_PACKAGES=(bash contend-no-such-pkg zz-missing); "
                "contend_require_packages; echo not reached", as_nobody=True,
                setup=readable_setup)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == ("contend: missing Debian packages; run: "
                           "sudo apt-get install -y --no-install-recommends contend-no-such-pkg zz-missing\n")


def test_root_is_found_from_any_directory():
    done = bash('echo "$CONTEND_ROOT"')
    assert done.stdout.strip() == REPO


@pytest.mark.parametrize("args,wants", [("--help", 0), ("--quick -h", 0), ("--quick", 1), ("", 1)])
def test_help_detection(args, wants):
    assert bash(f"contend_wants_help {args}").returncode == wants


def test_a_tool_starts_its_module_from_any_directory():
    done = bash("contend_exec_python regress --help")
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("usage: regress ")


def test_a_python_without_the_modules_is_one_line_exit_2():
    done = bash("CONTEND_TOOL_NEEDS[regress]='pandas contend_no_such_module'; "
                "contend_exec_python regress; echo not reached")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("regress: error: needs Debian's python3 with pandas "
                           "contend_no_such_module: apt-get install python3-pandas "
                           "python3-contend_no_such_module\n")


def test_an_unknown_tool_is_one_line_exit_2():
    done = bash("contend_exec_python no_such_tool; echo not reached")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("contend: error: no tool named 'no_such_tool' (known: ")
    assert len(done.stderr.splitlines()) == 1


def tool_table(array):
    """{tool: value} of one of setup.sh's associative arrays."""
    done = bash(f'for t in "${{!{array}[@]}}"; do echo "$t=${{{array}[$t]}}"; done')
    return dict(line.split("=", 1) for line in done.stdout.splitlines())


def test_each_tool_asks_for_exactly_what_its_modules_import():
    modules, needs = tool_table("CONTEND_TOOL_MODULE"), tool_table("CONTEND_TOOL_NEEDS")
    entry_points = sorted(p.name for p in Path(SCRIPTS).iterdir()
                          if p.is_file() and "contend_exec_python" in p.read_text())
    assert sorted(modules) == sorted(needs) == entry_points
    package = Path(SCRIPTS) / "contend"
    wanted = {tool: sorted(layers.third_party(package, module)) for tool, module in modules.items()}
    assert {tool: sorted(n.split()) for tool, n in needs.items()} == wanted
    # The gate decides pass or fail without a drawing library.
    assert not {"matplotlib", "plotly"} & (set(wanted["regress"]) | set(wanted["ab"]))
