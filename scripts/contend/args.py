"""An argparse parser whose errors are one line, like every other bad input.

Plain argparse prints the usage block plus the error and exits 2 on its own;
raising UsageError instead lets cli.run_main print the single line
"prog: error: ..." and keeps the exit code in one place.
"""
import argparse

from .cli import UsageError


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message} (see --help)")
