"""The `ipexpath` command line: a thin layer over the library's public names.

Each sub-command lives in `ipexpath.commands.<name>` and exposes a `command` (a click command).
Exit codes: 0 ok, 1 error, 2 bad input, 130 interrupted (Ctrl-C), 143 stopped (SIGTERM). Problems are
printed as plain sentences, never tracebacks (set IPEXPATH_DEBUG=1 to see one for a programming error).
A reader that closes the pipe early (`ipexpath rank … | head`) ends the run quietly (exit 1, click's rule).
"""

from __future__ import annotations

import importlib
import io
import os
import signal
import sys
from types import FrameType

import click

from ipexpath import __version__
from ipexpath.errors import InputError, IpexpathError

# Order is the order shown in --help.
COMMAND_MODULES = (
    "case",
    "terms",
    "rank",
    "bench",
    "classify",
    "screen",
    "family",
    "assess",
    "demo",
    "registry",
    "serve",
    "users",
)


def _version_text() -> str:
    from ipexpath.knowledge.release import default_release_label

    return f"ipexpath {__version__} (HPO release {default_release_label()})"


class _Cli(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMAND_MODULES if self.get_command(ctx, name) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMAND_MODULES:
            return None
        try:
            module = importlib.import_module(f"ipexpath.commands.{cmd_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"ipexpath.commands.{cmd_name}":
                return None
            raise
        command: click.Command = module.command
        return command


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    click.echo(_version_text())
    ctx.exit(0)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the ipexpath version and the HPO release it uses.",
)
def cli() -> None:
    """ipexpath — decision support for IPEX syndrome (FOXP3) and IPEX-like disorders.

    Suspect (rank diseases from HPO terms), confirm (classify variants with ACMG/AMP),
    counsel (X-linked family risks), report. Outputs are decision support, not a diagnosis.
    """
    from ipexpath.files import track_inputs

    track_inputs()  # no output may overwrite one of the command's input files


EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM
INTERRUPTED = (
    "Interrupted. Output files are written whole or not at all, so none is half-written; "
    "a batch run (rank --batch) resumes where it stopped."
)


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so every atomic write removes its temporary file."""


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and map ipexpath errors to exit codes 2 (bad input) and 1 (other)."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _on_sigterm)
    sys.exit(run(argv))


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit code: 0 ok, 2 bad input or an unusable output place, 1 other errors.

    Every message goes through `safe_text`, so a terminal escape sequence in an id or a path is shown as
    text (\\x1b) rather than acted on.
    """
    try:
        cli.main(args=argv, prog_name="ipexpath", standalone_mode=False)
    except click.exceptions.Abort as exc:  # click turns Ctrl-C (and end of input at a prompt) into Abort
        if isinstance(exc.__cause__, KeyboardInterrupt):
            _say(INTERRUPTED)
            return EXIT_INTERRUPTED
        if isinstance(exc.__cause__, EOFError) and str(exc.__cause__):  # gzip/bgzip: the file ends early
            _say(
                f"Error: a compressed input file ended early ({exc.__cause__}); it is truncated or damaged.\n"
                "Suggestion: Copy or download the file again; check it with 'gzip -t'."
            )
            return 2
        _say("Aborted.")
        return 1
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except SystemExit as exc:  # click's quiet exit when the reader of stdout went away (broken pipe)
        return 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
    except Terminated:
        _say("Stopped." + INTERRUPTED.removeprefix("Interrupted."))
        return EXIT_TERMINATED
    except click.ClickException as exc:
        shown = io.StringIO()
        exc.show(file=shown)
        _say(shown.getvalue())
        return 2 if isinstance(exc, click.UsageError | click.BadParameter) else exc.exit_code
    except InputError as exc:
        _say(f"Error: {exc}")
        return 2
    except IpexpathError as exc:
        _say(f"Error: {exc}")
        return 1
    except KeyboardInterrupt:
        _say(INTERRUPTED)
        return EXIT_INTERRUPTED
    except RecursionError:
        _say("Error: the input is nested too deeply to be read.")
        return 2
    except MemoryError:
        _say("Error: the input is too large to be processed in the memory available.")
        return 2
    except OSError as exc:  # the place to read or write: full disk, no permission, a file where a folder goes
        where = f" '{exc.filename}'" if exc.filename else ""
        _say(f"Error: could not read or write{where}: {exc.strerror or exc}.")
        return 2
    except Exception as exc:  # a programming error: say so plainly, keep the traceback for developers
        if os.environ.get("IPEXPATH_DEBUG"):
            raise
        _say(
            f"Internal error ({type(exc).__name__}): {exc}. This is a bug in ipexpath, not in your input; "
            "set IPEXPATH_DEBUG=1 to see the details and please report it."
        )
        return 1
    return 0


def _say(text: str) -> None:
    """Print a message to stderr with control characters made visible (one line per line of text)."""
    from ipexpath.files import safe_text

    lines = str(text).rstrip("\n").split("\n")  # only newlines: other line breaks (\x1c, \x85) are shown
    click.echo("\n".join(safe_text(line, limit=2000) for line in lines), err=True)


if __name__ == "__main__":
    main()
