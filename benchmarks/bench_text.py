"""Free-text recognition: precision and recall against the observed terms of phenopackets.

For each of N phenopackets (seeded sample) a text is generated from its observed terms' labels and
synonyms (one name per term, chosen at random), e.g. "Chronic diarrhoea, eczema and failure to thrive.",
then recognised offline; recognised terms are compared with the case's observed terms (exact id).
Run: .venv/bin/python benchmarks/bench_text.py [--cases 200] [--seed 1]
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import numpy as np

from ipexpath.errors import UnknownTermError
from ipexpath.knowledge import load_knowledge
from ipexpath.knowledge.resolve import resolve_term
from ipexpath.knowledge.textmine import recognise

STORE = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "phenopacket-store" / "cases.jsonl.gz"


def main() -> None:
    """Print micro precision/recall/F1 (and with synonyms only / labels only)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--store", type=Path, default=STORE)
    args = parser.parse_args()
    kb = load_knowledge()
    rng = np.random.default_rng(args.seed)
    with gzip.open(args.store, "rt", encoding="utf-8") as handle:
        packets = [json.loads(line) for line in handle]
    chosen = rng.choice(len(packets), size=args.cases, replace=False)
    synonyms: dict[int, list[str]] = {}
    for text, term in zip(kb.synonym_text, kb.synonym_term.tolist(), strict=True):
        synonyms.setdefault(term, []).append(text)
    tp = fp = fn = 0
    tp_label = fn_label = tp_syn = fn_syn = 0
    for i in chosen:
        truth: set[str] = set()
        names: list[str] = []
        used_synonym: dict[str, bool] = {}
        for feature in packets[int(i)].get("phenotypicFeatures", []):
            if feature.get("excluded"):
                continue
            try:
                resolved = resolve_term(kb, feature["type"]["id"])
            except UnknownTermError:  # ids unknown to this release are not part of the test
                continue
            truth.add(resolved.id)
            options = [kb.labels[resolved.index], *synonyms.get(resolved.index, [])]
            pick = int(rng.integers(len(options)))
            names.append(options[pick])
            used_synonym[resolved.id] = pick > 0
        if not names:
            continue
        text = (", ".join(names[:-1]) + " and " + names[-1]) if len(names) > 1 else names[0]
        found = {h.term_id for h in recognise(kb, text + ".").hits if not h.negated}
        tp += len(found & truth)
        fp += len(found - truth)
        fn += len(truth - found)
        for term in truth:
            hit = term in found
            if used_synonym[term]:
                tp_syn += hit
                fn_syn += not hit
            else:
                tp_label += hit
                fn_label += not hit
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"cases: {args.cases} (seed {args.seed}), HPO release {kb.release_label}")
    print(f"precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  (tp {tp}, fp {fp}, fn {fn})")
    print(
        f"recall when the text used the label: {tp_label / max(1, tp_label + fn_label):.3f}; "
        f"when it used a synonym: {tp_syn / max(1, tp_syn + fn_syn):.3f}"
    )


if __name__ == "__main__":
    main()
