"""`python -m derive` and the `derive` command: start the command line.

The command line is imported inside `run`, so that Ctrl-C while it loads exits quietly with
status 130 like Ctrl-C at any later moment, instead of printing a traceback.
"""

from __future__ import annotations

import atexit
import gc
import sys


def run() -> None:
    """Import and run the command line."""
    # Start-up builds modules, classes and functions that live to the end, so collecting cycles
    # among them is wasted work (about 12 ms of `derive solve`). The collector stays off for the
    # one-expression commands, which the work limits keep small; `build` and `check` turn it back
    # on (`derive.cli.files`). At exit, freezing spares the final collection the same objects.
    gc.disable()
    atexit.register(gc.freeze)
    try:
        from derive.cli import main  # inside the try: Ctrl-C while it loads exits 130
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
