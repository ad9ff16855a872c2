"""Annotate many clinical notes in one process: JSON lines in ({"id", "text"}), JSON lines out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipexpath.errors import InputError
from ipexpath.files import check_input_file, iter_jsonl
from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.textlearned import LearnedPhrases
from ipexpath.knowledge.textmine import TextResult, recognise


@dataclass(frozen=True)
class NoteResult:
    """One note's identifier and what was recognised in it."""

    note_id: str
    result: TextResult

    def to_dict(self) -> dict[str, Any]:
        """The output line of `terms --batch` (issue 12): id, hits, unrecognised spans."""
        return {
            "id": self.note_id,
            "hits": [hit.to_dict() for hit in self.result.hits],
            "unrecognised": [span.to_dict() for span in self.result.unrecognised],
        }


@dataclass(frozen=True)
class LineError:
    """A line that could not be used, with its number and a sentence saying why."""

    line: int
    message: str


def count_lines(path: Path) -> int:
    """Non-blank lines of a batch file (for the progress bar); the file is checked first."""
    check_input_file(path, "batch file", max_bytes=None)
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def annotate_file(
    kb: KnowledgeBase,
    path: Path,
    progress: Callable[[], None] | None = None,
    learned: LearnedPhrases | None = None,
) -> Iterator[NoteResult | LineError]:
    """Recognise terms in every line of a JSON-lines file; a bad line yields a `LineError`, not a stop."""
    check_input_file(path, "batch file", max_bytes=None)
    for lineno, obj in iter_jsonl(path):
        if progress:
            progress()
        if isinstance(obj, InputError):
            yield LineError(lineno, obj.message)
            continue
        note_id, text = obj.get("id"), obj.get("text")
        if not isinstance(text, str):
            yield LineError(lineno, f"line {lineno}: 'text' is missing or not a string")
            continue
        if not isinstance(note_id, str | int) or isinstance(note_id, bool):
            yield LineError(lineno, f"line {lineno}: 'id' is missing or not a string or number")
            continue
        try:
            yield NoteResult(str(note_id), recognise(kb, text, learned))
        except InputError as exc:
            yield LineError(lineno, f"line {lineno}: {exc.message}")
