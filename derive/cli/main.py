"""The entry point, and the one place that sets exit codes.

Exit status: 0 success, 1 invalid input (a `DeriveError`, printed as a diagnostic), 2 usage
errors, 130 when interrupted (Ctrl-C), 143 when terminated. Anything else is a bug: a one-line
'internal error' and a debug dump in a fresh temporary file.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType

import click

from derive import __version__
from derive.cli.commands import cli
from derive.errors import DeriveError, UsageError, format_diagnostic


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every cleanup runs before exiting."""


def _terminate(_signum: int, _frame: FrameType | None) -> None:
    raise _Terminated


def _debug_dump(error: BaseException) -> str:
    """Write the traceback of an unexpected error to a fresh file a user can attach to a report."""
    import tempfile  # imported here to keep start-up fast: only a bug needs it
    import traceback

    text = "".join(traceback.format_exception(error))
    handle, path = tempfile.mkstemp(prefix="derive-internal-error-", suffix=".txt")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(f"derive {__version__}\nargv: {sys.argv!r}\n\n{text}")
    return path


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI and turn errors into diagnostics and exit codes."""
    try:
        signal.signal(signal.SIGTERM, _terminate)
        cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except UsageError as error:
        click.echo(format_diagnostic(error), err=True)
        sys.exit(2)
    except DeriveError as error:
        click.echo(format_diagnostic(error), err=True)
        sys.exit(1)
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("interrupted", err=True)
        sys.exit(130)
    except _Terminated:
        sys.exit(143)
    except click.UsageError as error:
        message = error.format_message().rstrip(".")
        command = error.ctx.command_path if error.ctx is not None else "derive"
        click.echo(f"error: {message[:1].lower()}{message[1:]}", err=True)
        click.echo(f"hint: see '{command} --help'", err=True)
        sys.exit(2)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except BrokenPipeError:
        sys.exit(1)
    except RecursionError:
        click.echo("error: too complex: the input is nested too deeply", err=True)
        sys.exit(1)
    except Exception as error:  # noqa: BLE001 - the one boundary that turns bugs into a report
        click.echo(f"internal error: {type(error).__name__}: {error}; please report", err=True)
        click.echo(f"debug dump: {_debug_dump(error)}", err=True)
        sys.exit(1)
    sys.exit(0)
