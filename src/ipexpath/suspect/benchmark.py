"""Benchmark on published cases (phenopackets): rank of the true diagnosis, strata and speed.

Scoring sees only what a clinician would enter: the phenotypic features (observed / excluded, with
onsets), sex, age at last encounter and the age at disease onset. The phenopacket is reduced to those
fields (`clinical_view`) before it is read, so the scorer cannot see the interpretation, the disease id,
the variants or the phenopacket id. Truth (interpretations) and publication ids are read separately and
only by the benchmark, to compute the rank and the cited / uncited strata.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import math
import multiprocessing as mp
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ipexpath.case import Age, Case, RawTerm, Sex, build_case, case_from_phenopacket
from ipexpath.case.ages import onset_class_midpoint, parse_iso8601_duration
from ipexpath.errors import InputError
from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.case_knowledge import (
    CaseKnowledge,
    TrainingCase,
    curated_cases_dir,
    first_pmid,
    iter_packets,
    read_training_cases,
)
from ipexpath.suspect.calibration import (
    FINDING_BANDS,
    TEMPERATURES,
    Calibration,
    finding_band,
    fit,
    predict,
    reliability,
)
from ipexpath.suspect.grouping import DiseaseGroups
from ipexpath.suspect.model import FloatVec, ModelParameters, RankingModel
from ipexpath.suspect.phenomizer import PhenomizerModel
from ipexpath.suspect.ranking import CaseTerms, score_lr
from ipexpath.suspect.similar_evidence import fit_nested

TOPS = (1, 3, 10)
FEW_TERMS = 2  # the "≤ 2 observed terms" stratum
_PMID_RE = re.compile(r"PMID[:_](\d+)")

# problem codes (per case), counted separately in the summary
NO_TRUTH = "no_truth"
TRUTH_NOT_IN_KB = "truth_not_in_kb"
UNREADABLE = "unreadable"
NO_KNOWN_TERMS = "no_known_terms"
ONLY_EXCLUDED = "only_excluded"


@dataclass(frozen=True)
class RawCase:
    """One benchmark input: where it came from and the parsed phenopacket (or the error reading it)."""

    where: str
    packet: dict[str, Any] | None
    error: str | None = None


def iter_cases(path: Path) -> Iterator[RawCase]:
    """Phenopackets of a .jsonl / .jsonl.gz file (one per line) or a folder of .json files."""
    from ipexpath.files import refuse_stdin

    path = Path(path)
    refuse_stdin(path, "file of cases", "it is a .jsonl(.gz) file or a folder, read more than once")
    if not path.exists():
        raise InputError(f"The benchmark cases '{path}' do not exist.", "Check the path.")
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == ".json" or p.name.endswith(".json.gz"))
        if not files:
            raise InputError(f"The folder '{path}' holds no phenopacket .json files.")
        for file in files:
            try:
                opener = gzip.open if file.suffix == ".gz" else open
                with opener(file, "rt", encoding="utf-8") as handle:
                    obj = json.load(handle)
            except (OSError, ValueError) as exc:
                yield RawCase(file.name, None, f"not readable JSON: {exc}")
                continue
            if isinstance(obj, dict):
                yield RawCase(file.name, obj)
            else:
                yield RawCase(file.name, None, "not a JSON object")
        return
    if not (path.name.endswith(".jsonl") or path.name.endswith(".jsonl.gz")):
        raise InputError(
            f"'{path}' is neither a .jsonl / .jsonl.gz file nor a folder.",
            "Give one phenopacket per line in a .jsonl(.gz) file, or a folder of phenopacket .json files.",
        )
    from ipexpath.files import iter_jsonl  # the package's one JSON-lines reader (bad lines named, not fatal)

    for lineno, obj in iter_jsonl(path):
        if isinstance(obj, InputError):
            yield RawCase(f"line {lineno}", None, obj.message.split(": ", 1)[-1])
        else:
            yield RawCase(f"line {lineno}", obj)


def clinical_view(packet: dict[str, Any]) -> dict[str, Any]:
    """Only the fields the ranking may use: features, sex, age at last encounter, onset age of disease."""
    subject = packet.get("subject") if isinstance(packet.get("subject"), dict) else {}
    assert isinstance(subject, dict)
    view_subject = {k: subject[k] for k in ("sex", "timeAtLastEncounter") if k in subject}
    diseases = []
    for disease in packet.get("diseases") or []:
        if isinstance(disease, dict) and "onset" in disease:
            diseases.append({"term": {"id": "NCIT:C0000", "label": "hidden"}, "onset": disease["onset"]})
            break
    return {
        "id": "case",
        "subject": view_subject,
        "phenotypicFeatures": packet.get("phenotypicFeatures") or [],
        "diseases": diseases,
    }


class _SlowPath(Exception):
    """A time element the fast reader does not handle: use the full Phenopacket reader."""


def _days(element: Any) -> Age | None:
    if not isinstance(element, dict):
        raise _SlowPath
    age = element.get("age")
    if isinstance(age, dict) and isinstance(age.get("iso8601duration"), str):
        return parse_iso8601_duration(age["iso8601duration"])
    cls = element.get("ontologyClass")
    if isinstance(cls, dict) and isinstance(cls.get("id"), str):
        return onset_class_midpoint(cls["id"])
    raise _SlowPath


def read_clinical_view(view: dict[str, Any], kb: KnowledgeBase, source: str) -> Case:
    """Case from a `clinical_view` (fast path for plain ages; otherwise the full Phenopacket v2 reader)."""
    try:
        features = view["phenotypicFeatures"]
        if not isinstance(features, list) or not features:
            raise _SlowPath
        observed: list[RawTerm] = []
        excluded: list[RawTerm] = []
        for feature in features:
            term = feature["type"]["id"]
            if not isinstance(term, str):
                raise _SlowPath
            onset = _days(feature["onset"]) if "onset" in feature else None
            raw = RawTerm(term, onset, feature["type"].get("label"))
            (excluded if feature.get("excluded") is True else observed).append(raw)
        subject = view["subject"]
        sex = Sex(subject.get("sex", "UNKNOWN_SEX"))
        age = _days(subject["timeAtLastEncounter"]) if "timeAtLastEncounter" in subject else None
        disease_onset = _days(view["diseases"][0]["onset"]) if view["diseases"] else None
    except (_SlowPath, KeyError, TypeError, ValueError, InputError):
        return case_from_phenopacket(view, kb, lenient=True, source=source)
    return build_case(
        kb,
        case_id="case",
        observed=observed,
        excluded=excluded,
        sex=sex,
        age=age,
        onset=disease_onset,
        source=source,
        lenient=True,
    )


def truth_ids(packet: dict[str, Any]) -> list[str]:
    """Diagnosed disease ids of the interpretations (benchmark only, never given to the scorer)."""
    out: list[str] = []
    for interp in packet.get("interpretations") or []:
        try:
            disease_id = interp["diagnosis"]["disease"]["id"]
        except (KeyError, TypeError):
            continue
        if isinstance(disease_id, str) and disease_id not in out:
            out.append(disease_id)
    return out


def case_pmids(packet: dict[str, Any]) -> set[str]:
    """PMIDs of the case's publication (metaData.externalReferences, or the phenopacket id)."""
    found: set[str] = set()
    meta = packet.get("metaData") or {}
    for ref in meta.get("externalReferences") or [] if isinstance(meta, dict) else []:
        if isinstance(ref, dict):
            found.update(f"PMID:{m}" for m in _PMID_RE.findall(str(ref.get("id", ""))))
    found.update(f"PMID:{m}" for m in _PMID_RE.findall(str(packet.get("id", ""))))
    return found


def disease_references(kb: KnowledgeBase) -> dict[int, frozenset[str]]:
    """Disease index → references (e.g. PMID:…) of its annotation lines."""
    counts = np.diff(kb.ann_ref_ptr)
    ann_of_ref = np.repeat(np.arange(counts.size), counts)
    pairs = np.unique(kb.ann_disease[ann_of_ref].astype(np.int64) * (1 << 32) + kb.ann_ref_idx)
    refs: dict[int, set[str]] = {}
    for code in pairs.tolist():
        refs.setdefault(code >> 32, set()).add(kb.reference_ids[code & 0xFFFFFFFF])
    return {d: frozenset(r) for d, r in refs.items()}


def knowledge_without_references(kb: KnowledgeBase, references: set[str]) -> KnowledgeBase:
    """The knowledge base minus every annotation line that cites one of `references` (e.g. a case's PMIDs).

    For a leave-one-publication-out evaluation: the disease model a clinician would have had if that paper
    had never been curated. A line citing the paper and other papers is dropped too (conservative).
    """
    wanted = [i for i, ref in enumerate(kb.reference_ids) if ref in references]
    if not wanted:
        return kb
    counts = np.diff(kb.ann_ref_ptr)
    owner = np.repeat(np.arange(counts.size), counts)
    keep = np.ones(counts.size, dtype=bool)
    keep[owner[np.isin(kb.ann_ref_idx, wanted)]] = False
    kept_refs = np.isin(owner, np.flatnonzero(keep))
    ptr = np.zeros(int(keep.sum()) + 1, dtype=np.int32)
    ptr[1:] = np.cumsum(counts[keep])
    per_line = {
        name: getattr(kb, name)[keep]
        for name in (
            "ann_disease",
            "ann_term",
            "ann_frequency",
            "ann_cohort",
            "ann_negated",
            "ann_onset",
            "ann_sex",
            "ann_aspect",
        )
    }
    return replace(kb, ann_ref_ptr=ptr, ann_ref_idx=kb.ann_ref_idx[kept_refs], _cache={}, **per_line)


@dataclass(frozen=True)
class RankableCase:
    """A benchmark case reduced to what offline studies need: terms, OMIM truth, publication stratum."""

    case_id: str
    terms: CaseTerms
    truth: tuple[int, ...]  # OMIM disease indices of the knowledge base
    pmids: frozenset[str]
    cited: bool
    half: str


def _terms_and_truth(
    packet: dict[str, Any], where: str, model: RankingModel
) -> tuple[CaseTerms, tuple[int, ...]] | None:
    """The case's terms and its OMIM truth in the knowledge base; None when it has no such truth or is
    unreadable."""
    kb = model.kb
    truth = tuple(
        kb.disease_index[t] for t in truth_ids(packet) if t in kb.disease_index and t.startswith("OMIM:")
    )
    if not truth:
        return None
    try:
        terms = CaseTerms.from_case(read_clinical_view(clinical_view(packet), kb, where), model)
    except InputError:
        return None
    return terms, truth


def rankable_cases(path: Path, model: RankingModel) -> Iterator[RankableCase]:
    """The readable cases of `path` with an OMIM truth in the knowledge base and ≥ 1 known observed term.

    For studies beside `ipexpath bench` (leave-one-publication-out, failure analysis); unreadable or
    unrankable cases are skipped here, `ipexpath bench` counts them.
    """
    kb = model.kb
    refs = disease_references(kb)
    for raw in iter_cases(path):
        found = None if raw.packet is None else _terms_and_truth(raw.packet, raw.where, model)
        if raw.packet is None or found is None:
            continue
        terms, truth = found
        if not terms.observed:
            continue
        pmids = frozenset(case_pmids(raw.packet))
        case_id = str(raw.packet.get("id") or raw.where)
        cited = any(pmids & refs.get(d, frozenset()) for d in truth)
        yield RankableCase(case_id, terms, truth, pmids, cited, split_half(set(pmids), case_id))


def pessimistic_rank(scores: FloatVec, mask: np.ndarray, disease: int) -> int:
    """Rank of `disease` among the masked diseases, placed after every disease with an equal score."""
    s = scores[disease]
    return int(np.count_nonzero(mask & (scores >= s)) + (0 if mask[disease] else 1))


def split_half(pmids: set[str], fallback: str) -> str:
    """'A' or 'B': a fixed split by publication (all cases of one paper fall in the same half)."""
    key = min(pmids) if pmids else fallback
    return "A" if hashlib.sha1(key.encode()).digest()[0] % 2 == 0 else "B"


# ------------------------------------------------------------------------------------------ per-case work
_STATE: dict[str, Any] = {}


def prepare(
    model: RankingModel,
    methods: tuple[str, ...],
    case_model: RankingModel | None = None,
    phenomizer: PhenomizerModel | None = None,
) -> None:
    """Set the per-process state (called before forking workers so that they inherit it).

    `model` is the model without case knowledge (methods "lr_no_cases", and "lr" when no `case_model` is
    given); `case_model` is the model whose case knowledge was learnt without the cases now scored.
    """
    _STATE["model"] = model
    _STATE["case_model"] = case_model
    _STATE["methods"] = methods
    if "phenomizer" in methods and phenomizer is None:
        phenomizer = PhenomizerModel.build(model.kb, model.propagated)
    _STATE["phenomizer"] = phenomizer
    _STATE["refs"] = disease_references(model.kb)
    for m in (model, case_model):
        if m is not None:
            _ = m.groups, m.null_log10_lr  # computed once, before the workers fork


def evaluate(raw: RawCase) -> dict[str, Any]:
    """Score one case with every method and return its output line (never raises for bad input)."""
    start = time.perf_counter()
    model: RankingModel = _STATE["model"]
    kb = model.kb
    row: dict[str, Any] = {"id": raw.where, "truth": [], "rank": None, "n_observed": 0, "n_excluded": 0}
    problems: list[str] = []
    message: str | None = raw.error
    if raw.packet is None:
        problems.append(UNREADABLE)
        packet: dict[str, Any] = {}
    else:
        packet = raw.packet
        row["id"] = str(packet.get("id") or raw.where)
    truth = truth_ids(packet)
    row["truth"] = truth
    known = [kb.disease_index[t] for t in truth if t in kb.disease_index and t.startswith("OMIM:")]
    if not truth:
        problems.append(NO_TRUTH)
    elif truth and not known:
        problems.append(TRUTH_NOT_IN_KB)
    pmids = case_pmids(packet)
    refs: dict[int, frozenset[str]] = _STATE["refs"]
    row["cited"] = bool(known) and any(pmids & refs.get(d, frozenset()) for d in known)
    row["half"] = split_half(pmids, row["id"])
    terms: CaseTerms | None = None
    if raw.packet is not None:
        try:
            case = read_clinical_view(clinical_view(packet), kb, raw.where)
            terms = CaseTerms.from_case(case, model)
        except InputError as exc:
            problems.append(NO_KNOWN_TERMS)
            message = exc.message
    if terms is not None:
        row["n_observed"], row["n_excluded"] = len(terms.observed), len(terms.excluded)
        if not terms.observed and not terms.excluded:
            problems.append(NO_KNOWN_TERMS)
            message = "no HPO term of the case is known to this HPO release"
        elif not terms.observed:
            problems.append(ONLY_EXCLUDED)
            message = "only excluded terms: ranked on excluded terms, sex and age alone"
    case_model: RankingModel | None = _STATE.get("case_model")
    if case_model is not None and case_model.case_profiles is not None:
        row["has_training_cases"] = bool(known) and bool(
            any(case_model.case_profiles.n_patients[d] > 0 for d in known)
        )
    for method in _STATE["methods"]:
        key = "rank" if method == "lr" else f"rank_{method}"
        row[key] = None
        if terms is None or not truth:
            continue
        groups = model.groups
        scores = groups.group_scores(_scores(method, model, terms))
        if method == "lr" and terms.observed:
            row["calibration"] = calibration_record(scores, known, groups)
        if not known:
            continue
        truth_groups = sorted({int(groups.group_of[d]) for d in known})
        ranks = [pessimistic_rank(scores, groups.has_omim, g) for g in truth_groups]
        best = min(ranks)
        row[key] = best
        if method == "lr":
            g = truth_groups[ranks.index(best)]
            row["ties"] = int(np.count_nonzero(groups.has_omim & (scores == scores[g]))) - 1
    row["problems"] = problems
    if message:
        row["message"] = message
    row["seconds"] = round(time.perf_counter() - start, 6)
    return row


def calibration_record(scores: FloatVec, known: list[int], groups: DiseaseGroups) -> dict[str, Any]:
    """What calibration needs from one case: the top group's log10 LR, whether it is the truth, and
    log Σ exp(ln 10 · log10 LR / T) over all groups for each temperature of `TEMPERATURES`."""
    top = int(np.argmax(scores))
    truth = {int(groups.group_of[d]) for d in known}
    scaled = scores * math.log(10.0)
    peak = float(scaled.max())
    lse = [peak / t + math.log(float(np.exp((scaled - peak) / t).sum())) for t in TEMPERATURES]
    return {"top": round(float(scores[top]), 5), "correct": top in truth, "lse": [round(x, 5) for x in lse]}


def _scores(method: str, model: RankingModel, terms: CaseTerms) -> FloatVec:
    if method == "lr":
        return score_lr(_STATE.get("case_model") or model, terms)
    if method == "lr_no_cases":
        return score_lr(model, terms)
    pheno: PhenomizerModel = _STATE["phenomizer"]
    return pheno.score(terms)


def run(
    cases: Iterable[RawCase],
    model: RankingModel,
    *,
    methods: tuple[str, ...] = ("lr", "phenomizer"),
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    case_model: RankingModel | None = None,
    phenomizer: PhenomizerModel | None = None,
) -> tuple[list[dict[str, Any]], float]:
    """Evaluate every case; returns the output lines (input order) and the wall time of scoring."""
    prepare(model, methods, case_model, phenomizer)
    rows: list[dict[str, Any]] = []
    start = time.perf_counter()
    if workers <= 1:
        for raw in cases:
            rows.append(evaluate(raw))
            if progress:
                progress(1)
    else:
        ctx = mp.get_context("fork")
        with ctx.Pool(workers) as pool:
            for row in pool.imap(evaluate, cases, chunksize=32):
                rows.append(row)
                if progress:
                    progress(1)
            # let the workers finish: leaving the block terminates them, and the CLI turns SIGTERM into an
            # exception whose traceback each worker would print
            pool.close()
            pool.join()
    return rows, time.perf_counter() - start


def fold_of(packet: dict[str, Any], folds: int, fallback: str) -> int:
    """Cross-validation fold of a case, from its publication (all cases of a paper share a fold)."""
    key = first_pmid(packet) or fallback
    return int.from_bytes(hashlib.sha1(key.encode()).digest()[:4], "big") % folds


def run_cv(
    path: Path,
    kb: KnowledgeBase,
    *,
    folds: int = 5,
    methods: tuple[str, ...] = ("lr", "lr_no_cases", "phenomizer"),
    workers: int = 1,
    limit: int | None = None,
    curated: Path | None = None,
    params: ModelParameters | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[dict[str, Any]], float]:
    """Publication-grouped cross-validation of the case knowledge: each fold's cases are ranked by a model
    that learnt case profiles from the other folds only (plus the curated patients of other publications).

    The training pool is `path` itself (the first `limit` cases) and the curated folder; the curated
    patients are also scored (row "curated": true, the "IPEX spectrum" stratum). Rows come back in input
    order per fold; the seconds count scoring only (model builds excluded).
    """
    curated = curated if curated is not None else curated_cases_dir()
    pool, pool_fold = training_pool(path, curated, kb, folds, limit)
    params = params or ModelParameters()
    plain = RankingModel.build(kb, params, cases=None)
    phenomizer = PhenomizerModel.build(kb, plain.propagated) if "phenomizer" in methods else None
    fit_cases = (
        list(evidence_cases(path, curated, limit, plain, folds))
        if "lr" in methods and params.similar_evidence_weight > 0
        else []
    )
    # nested: the similar-patient evidence of fold k is fitted on the other folds' cases only
    evidence = (
        fit_nested(
            lambda cases: RankingModel.build(kb, params, cases=cases), pool, pool_fold, fit_cases, folds
        )
        if fit_cases
        else {}
    )
    rows: list[dict[str, Any]] = []
    seconds = 0.0
    for k in range(folds):
        fold_model = RankingModel.build(
            kb, params, cases=pool.subset(pool_fold != k), similar_evidence=evidence.get(k)
        )
        test = [
            (raw, is_curated)
            for raw, is_curated in _all_cases(path, curated, limit)
            if fold_of(raw.packet or {}, folds, raw.where) == k
        ]
        fold_rows, fold_seconds = run(
            (raw for raw, _ in test),
            plain,
            methods=methods,
            workers=workers,
            progress=progress,
            case_model=fold_model,
            phenomizer=phenomizer,
        )
        for row, (_, is_curated) in zip(fold_rows, test, strict=True):
            row["fold"] = k
            row["curated"] = is_curated
        rows.extend(fold_rows)
        seconds += fold_seconds
    return rows, seconds


def training_pool(
    path: Path, curated: Path, kb: KnowledgeBase, folds: int, limit: int | None = None
) -> tuple[CaseKnowledge, npt.NDArray[np.int64]]:
    """All training cases (the store file and the curated folder) and the fold of each (by publication)."""
    sources: list[tuple[Path, bool]] = [(path, False)]
    if curated.is_dir():
        sources.append((curated, True))
    train, _ = read_training_cases(sources, kb) if limit is None else _limited_training(sources, kb, limit)
    pool = CaseKnowledge.from_cases(train, {"format": 1}, keep_excluded=True)
    pool_fold = np.array(
        [
            fold_of({"id": c.case_id, "metaData": {"externalReferences": [{"id": c.pmid}]}}, folds, c.case_id)
            for c in train
        ],
        dtype=np.int64,
    )
    return pool, pool_fold


def evidence_cases(
    path: Path, curated: Path, limit: int | None, model: RankingModel, folds: int
) -> Iterator[tuple[CaseTerms, tuple[int, ...], int]]:
    """(terms, OMIM truth, fold) of every readable case with a diagnosis in the release, for the nested fit
    of the similar-patient evidence."""
    for raw, _ in _all_cases(path, curated, limit):
        found = None if raw.packet is None else _terms_and_truth(raw.packet, raw.where, model)
        if raw.packet is None or found is None:
            continue
        terms, truth = found
        yield terms, truth, fold_of(raw.packet, folds, raw.where)


def _limited_training(
    sources: list[tuple[Path, bool]], kb: KnowledgeBase, limit: int
) -> tuple[list[TrainingCase], Any]:
    store, rest = sources[0], sources[1:]
    head = [c for c in read_training_cases([store], kb)[0]]
    wanted = {
        str((raw.packet or {}).get("id") or raw.where)
        for raw in itertools.islice(iter_cases(store[0]), limit)
    }
    cases = [c for c in head if c.case_id in wanted] + read_training_cases(rest, kb)[0]
    return cases, None


def _all_cases(path: Path, curated: Path, limit: int | None) -> Iterator[tuple[RawCase, bool]]:
    for raw in itertools.islice(iter_cases(path), limit):
        yield raw, False
    if curated.is_dir():
        for where, packet in iter_packets(curated):
            yield RawCase(where, packet, None if packet is not None else "not readable JSON"), True


# ------------------------------------------------------------------------------------------ statistics
def _stats(ranks: list[int | None]) -> dict[str, Any]:
    n = len(ranks)
    out: dict[str, Any] = {"n": n}
    for k in TOPS:
        out[f"top{k}"] = round(sum(1 for r in ranks if r is not None and r <= k) / n, 4) if n else None
    out["mrr"] = round(sum(1.0 / r for r in ranks if r) / n, 4) if n else None
    return out


def _macro(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    by_disease: dict[str, list[int | None]] = {}
    for r in rows:
        by_disease.setdefault(r["truth"][0], []).append(r.get(key))
    per = [_stats(v) for v in by_disease.values()]
    out: dict[str, Any] = {"n_diseases": len(per)}
    for k in TOPS:
        out[f"top{k}"] = round(float(np.mean([p[f"top{k}"] for p in per])), 4) if per else None
    out["mrr"] = round(float(np.mean([p["mrr"] for p in per])), 4) if per else None
    return out


def method_summary(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """Top-1/3/10 and MRR for the strata of the design note, for one method's rank column.

    The curated IPEX / IPEX-like patients form their own strata ("ipex_spectrum", "ipex_patients",
    "ipex_like_patients") and are not mixed into the phenopacket-store strata.
    """
    curated = [
        r
        for r in rows
        if r.get("curated") and TRUTH_NOT_IN_KB not in r["problems"] and NO_TRUTH not in r["problems"]
    ]
    rows = [r for r in rows if not r.get("curated")]
    rankable = [r for r in rows if TRUTH_NOT_IN_KB not in r["problems"] and NO_TRUTH not in r["problems"]]
    with_cases = [r for r in rankable if r.get("has_training_cases") is True]
    without_cases = [r for r in rankable if r.get("has_training_cases") is False]
    strata = {
        "all": rows,
        "rankable": rankable,
        "cited": [r for r in rankable if r["cited"]],
        "uncited": [r for r in rankable if not r["cited"]],
        "few_terms": [r for r in rankable if r["n_observed"] <= FEW_TERMS],
        "half_A": [r for r in rankable if r["half"] == "A"],
        "half_B": [r for r in rankable if r["half"] == "B"],
        "uncited_half_B": [r for r in rankable if r["half"] == "B" and not r["cited"]],
        "with_training_cases": with_cases,
        "without_training_cases": without_cases,
        "ipex_spectrum": curated,
        "ipex_patients": [r for r in curated if "OMIM:304790" in r["truth"]],
        "ipex_like_patients": [r for r in curated if "OMIM:304790" not in r["truth"]],
    }
    out = {name: _stats([r.get(key) for r in group]) for name, group in strata.items()}
    out["macro_rankable"] = _macro(rankable, key)
    out["macro_uncited"] = _macro(strata["uncited"], key)
    return out


def calibration_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """ECE and reliability table of the top posterior before and after calibration (phenopacket-store rows).

    "after" applies, to each fold's cases, the temperature and unexplained mass fitted on the other folds'
    cases of the same band of the number of findings (`calibration.FINDING_BANDS`; "after_cv_single": one
    pair for all cases, as in lr-8); "fitted_on_all_folds" is what `calibration.py` ships. Cases with a
    diagnosis outside the release count as wrong tops (the clinician's patient may have such a disease);
    "rankable" leaves them out.
    """
    records = [(r, r["calibration"]) for r in rows if "calibration" in r and not r.get("curated")]
    if not records:
        return {}
    out: dict[str, Any] = {}
    y = np.array([1.0 if rec["correct"] else 0.0 for _, rec in records])
    raw = predict([rec for _, rec in records], Calibration(1.0, None))
    band = np.array([finding_band(int(r.get("n_observed", 0))) for r, _ in records])
    fold = np.array([int(r.get("fold", 0)) for r, _ in records])
    folds = sorted(set(fold.tolist()))

    def cross_validated(by_band: bool) -> npt.NDArray[np.float64]:
        after = np.zeros(len(records))
        for k in folds:
            for b in sorted(set(band.tolist())) if by_band else [None]:
                here = (fold == k) & ((band == b) if b is not None else True)
                there = (fold != k) & ((band == b) if b is not None else True)
                train = [records[i][1] for i in np.flatnonzero(there)] if len(folds) > 1 else []
                fitted = fit(train) if train else Calibration(1.0, None)
                idx = np.flatnonzero(here)
                after[idx] = predict([records[i][1] for i in idx], fitted)
        return after

    after = cross_validated(True)
    single = cross_validated(False)
    rankable = np.array([TRUTH_NOT_IN_KB not in r["problems"] for r, _ in records])
    out["before"] = reliability(raw, y)
    out["after_cv"] = reliability(after, y)
    out["after_cv_single"] = {"ece": reliability(single, y)["ece"]}
    out["rankable_before"] = {"ece": reliability(raw[rankable], y[rankable])["ece"]}
    out["rankable_after_cv"] = {"ece": reliability(after[rankable], y[rankable])["ece"]}
    out["rankable_after_cv_single"] = {"ece": reliability(single[rankable], y[rankable])["ece"]}
    bands = []
    for b in range(len(FINDING_BANDS) + 1):
        sel = band == b
        final = fit([rec for (_, rec), s in zip(records, sel, strict=True) if s])
        bands.append(
            {
                "findings": _band_label(b),
                "n": int(sel.sum()),
                "temperature": final.temperature,
                "unexplained_log10_lr": final.unexplained_log10_lr,
                "ece_after_cv": reliability(after[sel], y[sel])["ece"] if sel.any() else None,
            }
        )
    final = fit([rec for _, rec in records])
    out["fitted_on_all_folds"] = {
        "temperature": final.temperature,
        "unexplained_log10_lr": final.unexplained_log10_lr,
        "by_findings": bands,
    }
    return out


def _band_label(b: int) -> str:
    lo = 1 if b == 0 else FINDING_BANDS[b - 1] + 1
    return f"{lo}–{FINDING_BANDS[b]}" if b < len(FINDING_BANDS) else f"> {FINDING_BANDS[-1]}"


def summarise(
    rows: list[dict[str, Any]], seconds: float, hpo_version: str, methods: tuple[str, ...]
) -> dict[str, Any]:
    """Summary JSON of `ipexpath bench` (headline fields for the LR model; every method under `methods`)."""
    main_key = "rank" if "lr" in methods else f"rank_{methods[0]}"
    per_method = {m: method_summary(rows, "rank" if m == "lr" else f"rank_{m}") for m in methods}
    main = per_method["lr" if "lr" in methods else methods[0]]
    problems: dict[str, int] = {}
    for r in rows:
        for p in r["problems"]:
            problems[p] = problems.get(p, 0) + 1
    ties = [r.get("ties", 0) for r in rows if r.get(main_key) is not None]
    return {
        "cases": len(rows),
        "rankable": main["rankable"]["n"],
        "top1": main["all"]["top1"],
        "top3": main["all"]["top3"],
        "top10": main["all"]["top10"],
        "mrr": main["all"]["mrr"],
        "top1_rankable": main["rankable"]["top1"],
        "top3_rankable": main["rankable"]["top3"],
        "top10_rankable": main["rankable"]["top10"],
        "mrr_rankable": main["rankable"]["mrr"],
        "uncited_rankable": main["uncited"]["n"],
        "top1_uncited": main["uncited"]["top1"],
        "top3_uncited": main["uncited"]["top3"],
        "top10_uncited": main["uncited"]["top10"],
        "cases_per_second": round(len(rows) / seconds, 1) if seconds > 0 else None,
        "seconds": round(seconds, 2),
        "hpo_version": hpo_version,
        "problems": problems,
        "cases_with_tied_truth": sum(1 for t in ties if t > 0),
        "methods": per_method,
        "calibration": calibration_summary(rows),
    }
