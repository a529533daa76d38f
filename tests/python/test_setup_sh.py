"""scripts/lib/setup.sh: the package check and the Python start the entry points share."""
import os
import shutil
import subprocess

import pytest

from conftest import REPO

SETUP = os.path.join(REPO, "scripts", "lib", "setup.sh")


def bash(script, as_nobody=False):
    argv = ["bash", "-c", f'source "{SETUP}"; {script}']
    if as_nobody:
        if os.geteuid() == 0:
            if not shutil.which("runuser"):
                pytest.skip("needs runuser to drop root")
            argv = ["runuser", "-u", "nobody", "--"] + argv
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd="/")


def test_nothing_missing_is_silent():
    done = bash("CONTEND_PACKAGES=(bash); contend_require_packages; echo after")
    assert done.returncode == 0
    assert done.stdout == "after\n" and done.stderr == ""


def test_missing_as_non_root_prints_the_install_line():
    if os.geteuid() == 0 and shutil.which("runuser") and subprocess.run(
            ["runuser", "-u", "nobody", "--", "test", "-r", SETUP]).returncode != 0:
        pytest.skip("the checkout is not readable by nobody")
    done = bash("CONTEND_PACKAGES=(bash contend-no-such-pkg zz-missing); "
                "contend_require_packages; echo not reached", as_nobody=True)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == ("contend: missing Debian packages; run: "
                           "sudo apt-get install -y contend-no-such-pkg zz-missing\n")


def test_root_is_found_from_any_directory():
    done = bash('echo "$CONTEND_ROOT"')
    assert done.stdout.strip() == REPO


@pytest.mark.parametrize("args,wants", [("--help", 0), ("--quick -h", 0), ("--quick", 1), ("", 1)])
def test_help_detection(args, wants):
    assert bash(f"contend_wants_help {args}").returncode == wants


def test_reading_tools_start_the_package_from_any_directory():
    done = bash("contend_exec_python schema")       # a module without a main: runs, exits 0
    assert done.returncode == 0 and done.stderr == ""


def test_a_python_without_the_modules_is_one_line_exit_2():
    done = bash("CONTEND_PYTHON_MODULES=(pandas contend_no_such_module); "
                "contend_exec_python regress; echo not reached")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("regress: error: needs Debian's python3 with pandas "
                           "contend_no_such_module: apt-get install python3-pandas "
                           "python3-contend_no_such_module\n")
