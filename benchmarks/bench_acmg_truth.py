"""ACMG/AMP classifier against the outside truth sets (benchmarks/data/acmg_truth_*.tsv).

Each variant is entered by HGVS (c. on the MANE transcript, with the p. change the source gives) together with
the population data the source gives (gnomAD AC/AN/hemizygotes/AF and its QC flag; none when the source gives
none), and classified with the bundled panel and curated evidence file, as `ipexpath classify` does. Figures
(issue 14): P/LP called P/LP >= 85 %, exact class agreement >= 70 %, no P/LP called LB/B, no B/LB called LP/P,
IPEX-like P/LP called P/LP >= 70 %. Reported on all rows, on the rows NOT in the evidence file (independent of
the curation) and on the overlap, which is listed.

Usage: .venv/bin/python benchmarks/bench_acmg_truth.py [--json out.json]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from ipexpath.confirm import (
    EvaluationContext,
    PopulationData,
    classify_variant,
    load_panel,
    parse_hgvs_variant,
)
from ipexpath.confirm.classification import AcmgClassification
from ipexpath.errors import InputError
from ipexpath.types import Zygosity

DATA = Path(__file__).resolve().parent / "data"
FILES = ("acmg_truth_foxp3.tsv", "acmg_truth_ipexlike.tsv")
_CALLED = {
    AcmgClassification.PATHOGENIC: "P",
    AcmgClassification.LIKELY_PATHOGENIC: "LP",
    AcmgClassification.UNCERTAIN_SIGNIFICANCE: "VUS",
    AcmgClassification.LIKELY_BENIGN: "LB",
    AcmgClassification.BENIGN: "B",
}
_GROUP = {"P": "P_LP", "LP": "P_LP", "VUS": "VUS", "LB": "B_LB", "B": "B_LB"}


@dataclass(frozen=True)
class Row:
    gene: str
    label: str
    truth: str
    truth_group: str
    called: str
    points: int
    criteria: str
    in_evidence: bool
    panel_condition: bool
    stars: str
    conflict: bool

    @property
    def exact(self) -> bool:
        allowed = {"P/LP": {"P", "LP"}, "B/LB": {"B", "LB"}}.get(self.truth, {self.truth})
        return self.called in allowed


def _int(text: str) -> int | None:
    return round(float(text)) if text.strip() else None


def _population(raw: dict[str, str]) -> PopulationData:
    if not (raw.get("gnomad_an") or raw.get("gnomad_af")):
        return PopulationData()
    af = float(raw["gnomad_af"]) if raw.get("gnomad_af") else None
    return PopulationData(
        af=af,
        af_source="gnomAD (as given by the truth-set source)",
        af_checked=True,
        ac=_int(raw.get("gnomad_ac", "")),
        an=_int(raw.get("gnomad_an", "")),
        hemizygotes=_int(raw.get("gnomad_hemizygotes", "")),
        qc_failed=raw.get("population_qc_failed", "").strip().lower() == "yes",
    )


def run() -> list[Row]:
    panel = load_panel()
    ctx = EvaluationContext(panel)
    rows: list[Row] = []
    for name in FILES:
        with (DATA / name).open(encoding="utf-8") as handle:
            for raw in csv.DictReader(handle, delimiter="\t"):
                text = f"{raw['transcript']}:{raw['hgvs_c']}" + (f" {raw['hgvs_p']}" if raw["hgvs_p"] else "")
                gene = panel.gene(raw["gene"])
                zygosity = Zygosity.HEMIZYGOUS if gene and gene.inheritance == "XLR" else Zygosity.UNKNOWN
                try:
                    variant = parse_hgvs_variant(text, panel, zygosity=zygosity)
                except InputError as exc:
                    called, points, crit, conflict = f"refused ({exc.message})", 0, "", False
                else:
                    result = classify_variant(replace(variant, population=_population(raw)), ctx)
                    called, points = _CALLED[result.classification], result.points
                    crit = " ".join(c.display_code for c in result.criteria if c.applied)
                    conflict = result.clinvar_conflict is not None
                rows.append(
                    Row(
                        gene=raw["gene"],
                        label=f"{raw['gene']} {raw['hgvs_c']} {raw['hgvs_p']}".strip(),
                        truth=raw["truth_class"],
                        truth_group=raw["truth_group"],
                        called=called,
                        points=points,
                        criteria=crit,
                        in_evidence=raw["in_evidence_file"].strip().lower() == "yes",
                        panel_condition=raw["condition_matches_panel"].strip().lower() == "yes",
                        stars=raw.get("stars", ""),
                        conflict=conflict,
                    )
                )
    return rows


def _pct(n: int, d: int) -> str:
    return f"{n}/{d} = {100 * n / d:.0f}%" if d else "n/a"


def figures(rows: list[Row]) -> dict[str, object]:
    foxp3 = [r for r in rows if r.gene == "FOXP3"]
    like = [r for r in rows if r.gene != "FOXP3" and r.panel_condition]
    result: dict[str, object] = {}
    for name, subset in (
        ("FOXP3 all", foxp3),
        ("FOXP3 not in evidence file", [r for r in foxp3 if not r.in_evidence]),
        ("FOXP3 in evidence file", [r for r in foxp3 if r.in_evidence]),
        ("IPEX-like (panel condition) all", like),
        ("IPEX-like not in evidence file", [r for r in like if not r.in_evidence]),
    ):
        plp = [r for r in subset if r.truth_group == "P_LP"]
        blb = [r for r in subset if r.truth_group == "B_LB"]
        result[name] = {
            "n": len(subset),
            "P/LP called P/LP": _pct(sum(_GROUP.get(r.called) == "P_LP" for r in plp), len(plp)),
            "exact class agreement": _pct(sum(r.exact for r in subset), len(subset)),
            "P/LP called LB/B": sum(_GROUP.get(r.called) == "B_LB" for r in plp),
            "B/LB called LP/P": sum(_GROUP.get(r.called) == "P_LP" for r in blb),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    rows = run()
    print(f"{'variant':44} {'truth':6} {'called':7} {'pts':>4}  criteria applied")
    for r in rows:
        mark = "*" if r.in_evidence else " "
        flag = "  [ClinVar conflict flagged]" if r.conflict else ""
        print(f"{mark}{r.label[:43]:43} {r.truth:6} {r.called[:7]:7} {r.points:>4}  {r.criteria}{flag}")
    print("(* = also in the curated evidence file)\n")
    summary = figures(rows)
    for name, values in summary.items():
        print(f"{name}: " + "; ".join(f"{k} {v}" for k, v in values.items()))  # type: ignore[attr-defined]
    overlap = [r.label for r in rows if r.in_evidence]
    print(f"\nIn both the truth set and the evidence file ({len(overlap)}): {', '.join(overlap)}")
    if args.json:
        args.json.write_text(json.dumps({"figures": summary, "rows": [r.__dict__ for r in rows]}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
