"""Calls into the Suspect, Confirm and Counsel steps, with one clear message when a step is missing.

The report package only joins the steps; each step's own package does the work. The names are looked
up at call time so that an installation without one of the steps fails with a sentence saying which step
is missing, instead of an ImportError at start-up.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

from ipexpath.errors import IpexpathError


def step_function(step: str, candidates: tuple[tuple[str, str], ...]) -> Callable[..., Any]:
    """The first of `(module, name)` that exists; a clear IpexpathError naming the step otherwise."""
    tried: list[str] = []
    for module_name, attribute in candidates:
        tried.append(f"{module_name}.{attribute}")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        found = getattr(module, attribute, None)
        if callable(found):
            return found
    raise IpexpathError(
        f"The {step} step of the pathway is not available in this installation (looked for "
        f"{', '.join(tried)}).",
        "Install a complete ipexpath release; `assess` needs Suspect, Confirm and Counsel.",
    )


def call_with(func: Callable[..., Any], *args: Any, **optional: Any) -> Any:
    """Call `func(*args, ...)` passing only those keyword arguments its signature accepts."""
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return func(*args)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return func(*args, **optional)
    return func(*args, **{k: v for k, v in optional.items() if k in params and v is not None})


def accepts(func: Callable[..., Any], name: str) -> bool:
    """Whether `func` takes a keyword argument called `name`."""
    try:
        return name in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


# ------------------------------------------------------------------------------------------------ suspect
def build_ranking_model(kb: Any) -> Any:
    """The Suspect ranking model for this HPO release."""
    for module_name, attribute in (("ipexpath.suspect", "load_model"), ("ipexpath.suspect", "build_model")):
        try:
            func = step_function("Suspect", ((module_name, attribute),))
        except IpexpathError:
            continue
        return func(kb)
    model_class = _class(
        "Suspect", (("ipexpath.suspect", "RankingModel"), ("ipexpath.suspect.model", "RankingModel"))
    )
    return model_class.build(kb)


def rank(model: Any, case: Any) -> Any:
    """The phenotype-only differential (Suspect)."""
    func = step_function(
        "Suspect", (("ipexpath.suspect", "rank_case"), ("ipexpath.suspect.ranking", "rank_case"))
    )
    return call_with(func, model, case, top=10)


def _class(step: str, candidates: tuple[tuple[str, str], ...]) -> Any:
    """A class looked up like `step_function` (classes are callables too)."""
    return step_function(step, candidates)


# ------------------------------------------------------------------------------------------------ confirm
CONFIRM_NAMES = (
    "read_variants",
    "classify_variants",
    "rerank_with_genotype",
    "load_panel",
    "EvaluationContext",
    "phenotype_from_rows",
    "family_from_pedigree",
)


def confirm_functions() -> dict[str, Callable[..., Any]]:
    """The Confirm step's public names used by the pathway (VCF reading, context, classification, re-rank)."""
    names = CONFIRM_NAMES
    return {name: step_function("Confirm", (("ipexpath.confirm", name),)) for name in names}


# ------------------------------------------------------------------------------------------------ counsel
def counsel_functions() -> dict[str, Callable[..., Any]]:
    """load_family, compute_risks, plan_testing and draw_pedigree_svg of the Counsel step."""
    return {
        "load_family": step_function("Counsel", (("ipexpath.counsel", "load_family"),)),
        "compute_risks": step_function("Counsel", (("ipexpath.counsel", "compute_risks"),)),
        "plan_testing": step_function(
            "Counsel",
            (("ipexpath.counsel", "plan_testing"), ("ipexpath.counsel.testing_plan", "plan_testing")),
        ),
    }


def pedigree_drawer() -> Callable[..., Any]:
    """The Counsel pedigree drawing function (SVG text)."""
    return step_function(
        "Counsel (pedigree drawing)",
        (("ipexpath.counsel", "draw_pedigree_svg"), ("ipexpath.counsel.drawing", "draw_pedigree_svg")),
    )
