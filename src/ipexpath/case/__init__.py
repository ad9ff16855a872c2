"""Case: one patient as ipexpath understood it, read from a Phenopacket v2, a small YAML form, CLI flags or
free text. Readers return the Case with `findings` (what was mapped or dropped); bad input raises InputError.
"""

from ipexpath.case.ages import describe_days, parse_age, parse_iso8601_duration, parse_stated_age
from ipexpath.case.builder import RawTerm, build_case, require_observed
from ipexpath.case.model import Case, Finding, FindingLevel, Sex, Term
from ipexpath.case.readers import case_from_form, case_from_phenopacket, load_document, read_case
from ipexpath.types import Age

__all__ = [
    "Age",
    "Case",
    "Finding",
    "FindingLevel",
    "RawTerm",
    "Sex",
    "Term",
    "build_case",
    "case_from_form",
    "case_from_phenopacket",
    "describe_days",
    "example_case_path",
    "load_document",
    "parse_age",
    "parse_iso8601_duration",
    "parse_stated_age",
    "read_case",
    "require_observed",
]


def example_case_path() -> "Path":
    """The bundled, fictional example IPEX case (a phenopacket)."""
    from importlib import resources

    return Path(str(resources.files("ipexpath.case") / "data" / "example_ipex_boy.json"))


from pathlib import Path  # noqa: E402
