"""Run the CLI in-process and check the hardening invariant on the outcome.

The invariant (issue 18): exit 0 with a result, or exit 2 with one clear sentence; never exit 1 for input,
never a traceback, never an "Internal error", within N seconds and M MB (checked in the subprocess sample
and the benchmark run: `benchmarks/fuzz_inputs.py`).
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass

from ipexpath.cli import run

# The stated bounds of the invariant (README "Limits"): per input, wall time and peak resident memory.
MAX_SECONDS = 30.0
MAX_MEGABYTES = 1024


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


def invoke(argv: list[str]) -> Outcome:
    """`ipexpath argv…` in this process: exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(argv)
    return Outcome(code, out.getvalue(), err.getvalue())


def check_invariant(outcome: Outcome, *, allow_error: bool = True) -> None:
    """Exit 0, or exit 2 with a clear message; never 1, never a traceback or an internal error."""
    text = outcome.err
    assert "Traceback" not in text and "Internal error" not in text, text
    assert outcome.code in ((0, 2) if allow_error else (0,)), (outcome.code, text)
    if outcome.code == 2:
        first = text.strip().splitlines()[0] if text.strip() else ""
        assert first.startswith(("Error:", "Usage:")), text
        assert "\x1b" not in text, "a control character reached the terminal"
