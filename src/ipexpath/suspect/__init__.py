"""Suspect: phenotype-driven differential diagnosis over every disease of the HPO annotations.

`RankingModel.build(kb)` builds the likelihood-ratio model once per HPO release; `rank_case(model, case)`
returns the `Differential` (posterior under a uniform prior, log10 LR and per-term explanations, IPEX and
IPEX-like rows flagged). `PhenomizerModel` is the Resnik best-match-average baseline. The benchmark
harness lives in `ipexpath.suspect.benchmark`. Design note: docs/ranking-model.md.
"""

from ipexpath.suspect.ipex_flags import IpexFlag, ipex_flags
from ipexpath.suspect.model import MODEL_VERSION, ModelParameters, RankingModel
from ipexpath.suspect.phenomizer import PhenomizerModel
from ipexpath.suspect.ranking import (
    CaseTerms,
    Differential,
    DiseaseScore,
    Explanation,
    Factor,
    MatchKind,
    Method,
    posteriors,
    rank_case,
    score_lr,
)

__all__ = [
    "MODEL_VERSION",
    "CaseTerms",
    "Differential",
    "DiseaseScore",
    "Explanation",
    "Factor",
    "IpexFlag",
    "MatchKind",
    "Method",
    "ModelParameters",
    "PhenomizerModel",
    "RankingModel",
    "ipex_flags",
    "posteriors",
    "rank_case",
    "score_lr",
]
