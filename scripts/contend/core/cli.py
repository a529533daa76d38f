"""What every contend entry point shares: one-line errors and exit codes.

Bad input must end in one clear line on stderr and a non-zero exit, never a
traceback: a traceback hides the one fact the user needs among forty lines.
"""
import sys

EXIT_OK = 0
EXIT_FAILURE = 1     # the tool ran and its verdict is negative (e.g. a regression)
EXIT_BAD_INPUT = 2   # the tool could not do its job with what it was given


class UsageError(Exception):
    """Input the tool cannot work with; the message is the one line shown."""


def run_main(prog, main, argv=None):
    """Runs main(argv) and turns UsageError / OSError into one line + exit 2."""
    try:
        return main(sys.argv[1:] if argv is None else argv) or EXIT_OK
    except UsageError as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as e:
        where = f": {e.filename}" if getattr(e, "filename", None) else ""
        print(f"{prog}: error: {e.strerror or e}{where}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
