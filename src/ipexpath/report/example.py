"""The bundled, clearly fictional example family: the boy's case, his VCF and the family file."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class ExampleInputs:
    """Paths of the bundled example: the proband's phenopacket, his VCF and the family pedigree."""

    case: Path
    vcf: Path
    family: Path

    def available_vcf(self) -> Path | None:
        """The example VCF when it is installed (the Confirm step ships it)."""
        return self.vcf if self.vcf.is_file() else None


def _data(package: str, name: str) -> Path:
    """Path of a data file shipped in `package`/data."""
    return Path(str(resources.files(package) / "data" / name))


def example_inputs() -> ExampleInputs:
    """The bundled fictional example family (an infant boy with IPEX features and his relatives)."""
    return ExampleInputs(
        case=_data("ipexpath.case", "example_ipex_boy.json"),
        vcf=_data("ipexpath.confirm", "example_proband.vcf"),
        family=_data("ipexpath.counsel", "example_family.yaml"),
    )
