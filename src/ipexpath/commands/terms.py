"""`ipexpath terms`: find HPO terms by id, label or synonym; or recognise terms in clinical text."""

from __future__ import annotations

from pathlib import Path

import click

from ipexpath.commands.options import emit_json, hpo_dir_option, json_option
from ipexpath.errors import InputError
from ipexpath.knowledge import require_knowledge


@click.command("terms")
@click.argument("query", nargs=-1)
@click.option("--text", default=None, help="Recognise HPO terms in this clinical text instead of searching.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 200), help="Results to show.")
@hpo_dir_option
@json_option
def command(
    query: tuple[str, ...], text: str | None, limit: int, hpo_dir: Path | None, as_json: bool
) -> None:
    """Find HPO terms matching QUERY (id, label or synonym; typos tolerated), or read --text."""
    if not query and not text:
        raise InputError("Nothing to look up.", 'Give words (ipexpath terms diarrhea) or --text "...".')
    kb = require_knowledge(hpo_dir)
    if text:
        from ipexpath.knowledge.textmine import recognise

        result = recognise(kb, text)
        if as_json:
            emit_json({"hpo_version": kb.release_label, **result.to_dict()})
            return
        click.echo(f"Recognised in the text (HPO release {kb.release_label}) — please check:")
        for line in result.describe() or ["  (no HPO term recognised)"]:
            click.echo(f"  {line}")
        if result.sex or result.age_days is not None or result.onset_days is not None:
            age = f"{round(result.age_days)} days" if result.age_days is not None else "not stated"
            onset = f"{round(result.onset_days)} days" if result.onset_days is not None else "not stated"
            click.echo(f"  sex: {result.sex or 'not stated'}; age: {age}; onset: {onset}")
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
