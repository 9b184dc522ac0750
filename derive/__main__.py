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
    # The objects a run builds die with the process; without this, the final garbage collection
    # walks every one of them, about a tenth of a short command's wall time.
    atexit.register(gc.freeze)
    try:
        from derive.cli import main  # inside the try: Ctrl-C while it loads exits 130
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
