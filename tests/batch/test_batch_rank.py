"""`rank --batch`: the same rows as `rank --json`, the same on local processes and on Dask, resumable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.fuzz.harness import invoke

from ipexpath.cli import cli

CASES = Path(__file__).parents[2] / "src" / "ipexpath" / "knowledge" / "data" / "cases" / "STAT5B"


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _lines(path: Path) -> dict[str, dict]:
    return {row["id"]: row for row in map(json.loads, path.read_text().splitlines())}


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("batch") / "local.jsonl"
    _invoke("rank", "--batch", str(CASES), "--out", str(out), "--workers", "1", "--top", "5")  # in-process
    return out


def test_batch_rows_are_the_rows_rank_json_writes(local_run: Path) -> None:
    rows = _lines(local_run)
    assert len(rows) == len(list(CASES.glob("*.json"))) >= 2
    first = sorted(CASES.glob("*.json"))[0]
    single = json.loads(_invoke("rank", str(first), "--json", "--top", "5", "--similar", "0"))
    case_id = json.loads(first.read_text())["id"]
    assert rows[case_id]["results"] == single["results"][:5]
    compact = [
        {k: v for k, v in row.items() if k not in ("explanation", "factors")}
        for row in single["ipex_and_ipex_like"]
    ]
    assert rows[case_id]["ipex_and_ipex_like"] == compact


def test_dask_local_cluster_gives_identical_results(local_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "dask.jsonl"
    _invoke(
        "rank",
        "--batch",
        str(CASES),
        "--out",
        str(out),
        "--scheduler",
        "dask-local",
        "--workers",
        "2",
        "--top",
        "5",
    )
    assert _lines(out) == _lines(local_run)


def test_rerun_resumes_and_compare_lists_changes(local_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "resume.jsonl"
    lines = local_run.read_text().splitlines()
    (tmp_path / "resume.jsonl.partial").write_text(lines[0] + "\n" + lines[1][:40])  # killed mid-line
    report = json.loads(
        _invoke("rank", "--batch", str(CASES), "--out", str(out), "--top", "5", "--json", "--workers", "2")
    )
    assert report["already_done"] == 1 and report["ranked"] == len(lines) - 1
    assert _lines(out) == _lines(local_run) and not (tmp_path / "resume.jsonl.partial").exists()
    again = json.loads(_invoke("rank", "--batch", str(CASES), "--out", str(out), "--top", "5", "--json"))
    assert again["ranked"] == 0 and again["already_done"] == len(lines)
    changed = json.loads(lines[0])
    changed["results"][0]["disease_id"] = "OMIM:000000"
    previous = tmp_path / "previous.jsonl"
    previous.write_text(json.dumps(changed) + "\n")
    report = json.loads(
        _invoke(
            "rank",
            "--batch",
            str(CASES),
            "--out",
            str(out),
            "--top",
            "5",
            "--json",
            "--compare",
            str(previous),
        )
    )
    assert [c["what"] for c in report["changes"]] == ["top-1"]


def test_bad_scheduler_and_missing_out_are_input_errors(tmp_path: Path) -> None:
    from ipexpath.errors import InputError

    result = CliRunner().invoke(
        cli,
        ["rank", "--batch", str(CASES), "--out", str(tmp_path / "x.jsonl"), "--scheduler", "carrier-pigeon"],
    )
    assert isinstance(result.exception, InputError)
    result = CliRunner().invoke(cli, ["rank", "--batch", str(CASES)])
    assert isinstance(result.exception, InputError) and "--out" in str(result.exception)
    result = CliRunner().invoke(
        cli,
        [
            "rank",
            "--batch",
            str(CASES),
            "--out",
            str(tmp_path / "y.jsonl"),
            "--scheduler",
            "dask://127.0.0.1:1",
        ],
    )
    assert isinstance(result.exception, InputError) and "could not be reached" in str(result.exception)
    assert not (tmp_path / "y.jsonl").exists()


def test_resume_retries_the_cases_that_failed_and_says_so(tmp_path: Path) -> None:
    """Before: an 'error' line counted as done, so a case that failed (a bad line since corrected, a
    knowledge problem since fixed) was never ranked on a rerun."""
    packets = sorted(CASES.glob("*.json"))[:2]
    good = [json.dumps(json.loads(p.read_text())) for p in packets]
    cases = tmp_path / "cases.jsonl"
    cases.write_text(good[0] + "\n" + "{not json\n")
    out = tmp_path / "results.jsonl"
    first = json.loads(_invoke("rank", "--batch", str(cases), "--out", str(out), "--workers", "1", "--json"))
    assert (first["ranked"], first["errors"], first["retried"]) == (1, 1, 0)
    cases.write_text(good[0] + "\n" + good[1] + "\n")  # line 2 corrected
    again = json.loads(_invoke("rank", "--batch", str(cases), "--out", str(out), "--workers", "1", "--json"))
    assert (again["ranked"], again["already_done"], again["errors"], again["retried"]) == (1, 1, 0, 1)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 2 and all("error" not in r for r in rows)  # one line per case, the error line gone
    text = _invoke("rank", "--batch", str(cases), "--out", str(out), "--workers", "1")
    assert "0 could not be ranked" in text and "tried again" not in text


def test_a_case_id_used_twice_is_refused(tmp_path: Path) -> None:
    from ipexpath.errors import InputError

    packet = json.dumps(json.loads(sorted(CASES.glob("*.json"))[0].read_text()))
    cases = tmp_path / "twice.jsonl"
    cases.write_text(packet + "\n" + packet + "\n")
    result = CliRunner().invoke(
        cli, ["rank", "--batch", str(cases), "--out", str(tmp_path / "r.jsonl"), "--workers", "1"]
    )
    assert isinstance(result.exception, InputError)
    assert "used twice" in str(result.exception) and "line 1 and line 2" in str(result.exception)
    assert not (tmp_path / "r.jsonl").exists()


def test_a_case_id_used_twice_is_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the second use of an id was found only when that case came up, after the cases before it had
    been ranked (hours into a large batch). Now the ids are read first: no model is built, nothing written."""
    from ipexpath.batch import run
    from ipexpath.errors import InputError

    packets = [json.loads(p.read_text()) for p in sorted(CASES.glob("*.json"))[:2]]
    packets[1]["id"] = packets[0]["id"]
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps(p) + "\n" for p in [packets[0], *packets, packets[1]]))

    def no_work(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a model was prepared before the ids were checked")

    monkeypatch.setattr(run, "prepare_model", no_work)
    result = CliRunner().invoke(
        cli, ["rank", "--batch", str(cases), "--out", str(tmp_path / "r.jsonl"), "--workers", "1"]
    )
    assert isinstance(result.exception, InputError), result.exception
    message = str(result.exception)
    case_id = packets[0]["id"]
    assert f"3 case id(s) are used twice in 'cases.jsonl': '{case_id}' (line 1 and line 2)" in message
    assert f"'{case_id}' (line 1 and line 3); '{case_id}' (line 1 and line 4)" in message
    assert "Nothing was ranked." in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.jsonl"]


def test_a_term_both_observed_and_excluded_is_kept_named_and_counted(tmp_path: Path) -> None:
    """A published case listing a term both ways is ranked as written (the term kept as observed), but the
    warning names the case and the term, the line carries it, and the summary counts it (before: one
    unnamed warning inside the case, nowhere in the batch output)."""
    packets = [json.loads(p.read_text()) for p in sorted(CASES.glob("*.json"))[:2]]
    first = packets[0]
    term = first["phenotypicFeatures"][0]["type"]["id"]
    first["phenotypicFeatures"].append({"type": {"id": term}, "excluded": True})
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps(p) + "\n" for p in packets))
    out = tmp_path / "r.jsonl"
    text = invoke(["rank", "--batch", str(cases), "--out", str(out), "--workers", "1"])
    assert text.code == 0, text
    said = f"Warning: case '{first['id']}': {term} is both observed and excluded; it was kept as observed."
    assert said in text.err
    assert "1 term(s) in 1 case(s) were listed both as observed and as excluded" in text.out
    rows = _lines(out)
    assert rows[first["id"]]["warnings"] == [f"{term} is both observed and excluded; kept as observed."]
    assert "warnings" not in rows[packets[1]["id"]] and "error" not in rows[first["id"]]
    out.unlink()
    report = invoke(["rank", "--batch", str(cases), "--out", str(out), "--workers", "1", "--json"])
    assert json.loads(report.out)["both_observed_and_excluded"] == [{"id": first["id"], "term": term}]
    assert said in report.err
