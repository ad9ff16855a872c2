"""`ipexpath terms`: find HPO terms by id, label or synonym; or recognise terms in clinical text."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ipexpath.commands.options import emit_json, hpo_dir_option, json_option
from ipexpath.errors import InputError
from ipexpath.files import MAX_QUERY_CHARS, check_short_text
from ipexpath.knowledge import require_knowledge
from ipexpath.knowledge.base import KnowledgeBase
from ipexpath.knowledge.textlearned import LearnedPhrases


@click.command("terms")
@click.argument("query", nargs=-1)
@click.option("--text", default=None, help="Recognise HPO terms in this clinical text instead of searching.")
@click.option(
    "--batch",
    "batch",
    type=click.Path(path_type=Path),
    default=None,
    help='Recognise terms in every line of a JSON-lines file ({"id": ..., "text": ...}).',
)
@click.option(
    "--learned-phrases",
    "learned",
    is_flag=True,
    help="Also use phrase readings learned from GSC+ curators, clinically vetted (see docs/free-text.md).",
)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 200), help="Results to show.")
@hpo_dir_option
@json_option
def command(
    query: tuple[str, ...],
    text: str | None,
    batch: Path | None,
    learned: bool,
    limit: int,
    hpo_dir: Path | None,
    as_json: bool,
) -> None:
    """Find HPO terms matching QUERY (id, label or synonym; typos tolerated), or read --text / --batch."""
    if sum(bool(x) for x in (query, text is not None, batch is not None)) > 1:
        raise InputError("Give one of: search words, --text or --batch.")
    if text is not None and not text.strip():
        raise InputError(
            "The text is empty.", 'Give the clinical text, e.g. --text "chronic diarrhea, eczema".'
        )
    if not query and text is None and batch is None:
        raise InputError("Nothing to look up.", 'Give words (ipexpath terms diarrhea) or --text "...".')
    if query:
        check_short_text(
            " ".join(query),
            "search",
            MAX_QUERY_CHARS,
            'Search a few words; read longer text with --text "...".',
        )
    if learned and text is None and batch is None:
        raise InputError("--learned-phrases applies to --text or --batch only.")
    kb = require_knowledge(hpo_dir)
    table = None
    if learned:
        from ipexpath.knowledge.textlearned import packaged_vetted

        table = packaged_vetted()
    if batch is not None:
        _batch(kb, batch, as_json, table)
        return
    if text is not None:
        _text(kb, text, as_json, table)
        return
    from ipexpath.knowledge.search import search_terms

    hits = search_terms(kb, " ".join(query), limit=limit)
    if as_json:
        emit_json(
            {
                "hpo_version": kb.release_label,
                "query": " ".join(query),
                "results": [h.to_dict() for h in hits],
            }
        )
        return
    if not hits:
        click.echo(f"No HPO term matches '{' '.join(query)}' (HPO release {kb.release_label}).")
        return
    click.echo(f"HPO release {kb.release_label}")
    for hit in hits:
        extra = (
            f"  (matched synonym '{hit.matched}')"
            if hit.matched != hit.label and hit.matched != hit.id
            else ""
        )
        click.echo(f"  {hit.id}  {hit.label}{extra}")


def _text(kb: KnowledgeBase, text: str, as_json: bool, learned: LearnedPhrases | None) -> None:
    from ipexpath.knowledge.textmine import recognise

    result = recognise(kb, text, learned)
    if as_json:
        emit_json({"hpo_version": kb.release_label, **result.to_dict()})
        return
    click.echo(f"Recognised in the text (HPO release {kb.release_label}) — please check:")
    for line in result.describe() or ["(no HPO term recognised)"]:
        click.echo(f"  {line}")
    if result.sex or result.age_days is not None or result.onset_days is not None:
        age = f"{round(result.age_days)} days" if result.age_days is not None else "not stated"
        onset = f"{round(result.onset_days)} days" if result.onset_days is not None else "not stated"
        click.echo(f"  sex: {result.sex or 'not stated'}; age: {age}; onset: {onset}")


def _batch(kb: KnowledgeBase, path: Path, as_json: bool, learned: LearnedPhrases | None) -> None:
    """One output line per note (JSON lines with --json); bad lines reported on stderr with their number."""
    from ipexpath.knowledge.textbatch import LineError, annotate_file, count_lines

    total = count_lines(path)
    errors: list[LineError] = []
    done = 0
    with click.progressbar(
        length=total, label="Reading notes", file=sys.stderr, hidden=not sys.stderr.isatty()
    ) as bar:
        for item in annotate_file(kb, path, progress=lambda: bar.update(1), learned=learned):
            if isinstance(item, LineError):
                errors.append(item)
                continue
            done += 1
            if as_json:
                sys.stdout.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
            else:
                hits = "; ".join(
                    f"{h.term_id} {h.label} ({h.state().split(':')[0]})" for h in item.result.hits
                )
                unrecognised = ", ".join(f"'{s.text}'" for s in item.result.unrecognised)
                line = f"{item.note_id}: {hits or 'no HPO term recognised'}"
                click.echo(line + (f"; not recognised: {unrecognised}" if unrecognised else ""))
    for error in errors:
        click.echo(f"Error: {error.message}", err=True)
    if not errors and not done:
        raise InputError(f"The notes file '{path.name}' holds no note (it is empty or only blank lines).")
    if errors:
        raise InputError(
            f"{len(errors)} of {done + len(errors)} lines could not be read "
            f"(the other {done} were annotated).",
            'Each line must be a JSON object like {"id": "note-1", "text": "chronic diarrhea"}.',
        )
