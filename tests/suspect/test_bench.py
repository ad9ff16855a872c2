"""Benchmark harness: a handful of cases, bad input counted separately, CLI output shapes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from ipexpath.cli import cli
from ipexpath.knowledge import KnowledgeBase
from ipexpath.suspect import RankingModel
from ipexpath.suspect.benchmark import clinical_view, iter_cases, run, summarise, truth_ids


def _packet(pid: str, observed: list[str], excluded: list[str], truth: str, sex: str = "MALE") -> dict:
    onset = {"age": {"iso8601duration": "P2M"}}
    feats = [{"type": {"id": t, "label": t}, "onset": onset} for t in observed]
    feats += [{"type": {"id": t, "label": t}, "excluded": True} for t in excluded]
    return {
        "id": pid,
        "subject": {"id": "p", "sex": sex, "timeAtLastEncounter": {"age": {"iso8601duration": "P1Y"}}},
        "phenotypicFeatures": feats,
        "interpretations": [{"id": "i", "diagnosis": {"disease": {"id": truth, "label": "x"}}}],
        "metaData": {"externalReferences": [{"id": "PMID:1"}]},
    }


def _write(tmp_path: Path, store_lines: list[str]) -> Path:
    lines = [
        json.dumps(_packet("ipex", ["HP:0002028", "HP:0100651", "HP:0000964"], [], "OMIM:304790")),
        json.dumps(_packet("unknown_terms", ["HP:9999999"], [], "OMIM:304790")),
        json.dumps(_packet("only_excluded", [], ["HP:0001250"], "OMIM:304790")),
        json.dumps(_packet("missing_truth", ["HP:0001250"], [], "OMIM:999999")),
        "{not json",
        *store_lines,
    ]
    path = tmp_path / "cases.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def _store_head(n: int) -> list[str]:
    store = (
        Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "phenopacket-store" / "cases.jsonl.gz"
    )
    if not store.exists():
        return []
    with gzip.open(store, "rt", encoding="utf-8") as handle:
        return [next(handle).strip() for _ in range(n)]


def test_clinical_view_hides_answers() -> None:
    packet = _packet("PMID_1_case", ["HP:0002028"], [], "OMIM:304790")
    packet["diseases"] = [{"term": {"id": "OMIM:304790"}, "onset": {"age": {"iso8601duration": "P1M"}}}]
    view = json.dumps(clinical_view(packet))
    assert "304790" not in view and "PMID" not in view and "interpretations" not in view
    assert truth_ids(packet) == ["OMIM:304790"]


def test_bench_counts_bad_input(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = _write(tmp_path, _store_head(20))
    model = RankingModel.build(kb)
    rows, seconds = run(iter_cases(path), model, workers=1)
    by_id = {r["id"]: r for r in rows}
    assert by_id["ipex"]["rank"] == 1
    assert "no_known_terms" in by_id["unknown_terms"]["problems"]
    assert "only_excluded" in by_id["only_excluded"]["problems"]
    assert by_id["missing_truth"]["rank"] is None
    assert "truth_not_in_kb" in by_id["missing_truth"]["problems"]
    assert any("unreadable" in r["problems"] for r in rows)
    summary = summarise(rows, seconds, kb.release_label, ("lr", "phenomizer"))
    for key in (
        "cases",
        "rankable",
        "top1",
        "top3",
        "top10",
        "mrr",
        "top1_rankable",
        "top3_rankable",
        "top10_rankable",
        "uncited_rankable",
        "top1_uncited",
        "top10_uncited",
        "cases_per_second",
        "hpo_version",
    ):
        assert key in summary
    assert summary["cases"] == len(rows)
    assert summary["problems"]["truth_not_in_kb"] >= 1
    assert "phenomizer" in summary["methods"]


def test_bench_cli_two_workers(tmp_path: Path) -> None:
    path = _write(tmp_path, _store_head(10))
    out, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    result = CliRunner().invoke(
        cli, ["bench", str(path), "--out", str(out), "--summary", str(summary), "--workers", "2"]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {"id", "truth", "rank", "n_observed", "n_excluded", "seconds"} <= set(rows[0])
    data = json.loads(summary.read_text())
    assert data["cases"] == len(rows)
    # cross-validated case knowledge: the three methods side by side, the strata of issue 13, calibration
    assert set(data["methods"]) == {"lr", "lr_no_cases", "phenomizer"}
    assert {"with_training_cases", "without_training_cases", "ipex_spectrum", "macro_rankable"} <= set(
        data["methods"]["lr"]
    )
    assert {"before", "after_cv", "fitted_on_all_folds"} <= set(data["calibration"])
    assert all("fold" in r and "curated" in r for r in rows)
    assert any(r["curated"] for r in rows)  # the curated IPEX / IPEX-like patients are ranked too


def test_rank_cli_json() -> None:
    result = CliRunner().invoke(
        cli,
        [
            "rank",
            "--hpo",
            "HP:0002028,HP:0100651,HP:0000964",
            "--sex",
            "male",
            "--age",
            "P6M",
            "--onset",
            "P2M",
            "--top",
            "2",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["results"][0]["disease_id"] == "OMIM:304790"
    assert len(data["results"]) == 2
    assert any(r["disease_id"] == "OMIM:304790" for r in data["ipex_and_ipex_like"])


def test_bench_missing_path_is_input_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["bench", str(tmp_path / "nope.jsonl")])
    assert result.exit_code != 0


def test_knowledge_without_references_drops_only_that_papers_lines(kb: KnowledgeBase) -> None:
    from ipexpath.suspect.benchmark import knowledge_without_references

    ipex = kb.disease_index["OMIM:304790"]
    reduced = knowledge_without_references(kb, {"PMID:30443250"})
    before = int((kb.ann_disease == ipex).sum())
    after = int((reduced.ann_disease == ipex).sum())
    assert 0 < after < before
    assert reduced.ann_ref_ptr[-1] == reduced.ann_ref_idx.size
    assert "PMID:30443250" not in {reduced.reference_ids[i] for i in reduced.ann_ref_idx.tolist()}
    assert knowledge_without_references(kb, {"PMID:1"}) is kb


def test_rankable_cases_keeps_only_rankable_and_marks_the_stratum(kb: KnowledgeBase, tmp_path: Path) -> None:
    from ipexpath.suspect.benchmark import rankable_cases

    cited = _packet("cited", ["HP:0002028", "HP:0100651"], [], "OMIM:304790")
    cited["metaData"] = {"externalReferences": [{"id": "PMID:30443250"}]}  # an IPEX annotation reference
    path = _write(tmp_path, [json.dumps(cited)])
    found = {c.case_id: c for c in rankable_cases(path, RankingModel.build(kb))}
    # unknown terms, only excluded terms, a truth outside the release and the broken line are all skipped
    assert set(found) == {"ipex", "cited"}
    assert found["cited"].cited and not found["ipex"].cited
    assert found["ipex"].truth == (kb.disease_index["OMIM:304790"],)
    assert found["ipex"].half in {"A", "B"} and len(found["ipex"].terms.observed) == 3
