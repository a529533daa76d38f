"""scripts/lib/setup.sh: the package check and the Python start the entry points share."""
import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import REPO

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
