"""Negation, hypothesis and family history: ipexpath's ConText against medspacy's ConText and negspacy.

A small labelled set written for this comparison from issue 12's examples and everyday clinical phrasing
(not taken from any corpus): each case is a sentence, the finding's words and what the sentence says of
the finding — present, absent, possible or family (said of a relative). Every tool gets the same finding
span and only decides its assertion, so the comparison is of the assertion algorithms, not of term
recognition. Reported: accuracy over the four classes, negation precision/recall (absent vs the rest),
time per sentence. medspacy and negspacy are benchmark-only dependencies, used when installed:
    pip install medspacy negspacy        (into any venv that also has ipexpath)
Run: .venv/bin/python benchmarks/bench_text_negation.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from ipexpath.knowledge.context import Assertion, Experiencer, assign_context, words

# (sentence, finding as written in it, expected: present / absent / possible / family)
CASES: list[tuple[str, str, str]] = [
    ("no hepatomegaly, Coombs-positive haemolytic anaemia", "hepatomegaly", "absent"),
    ("no hepatomegaly, Coombs-positive haemolytic anaemia", "haemolytic anaemia", "present"),
    ("denies rash, has diarrhea", "rash", "absent"),
    ("denies rash, has diarrhea", "diarrhea", "present"),
    ("No fever, rash or diarrhoea.", "diarrhoea", "absent"),
    ("No fever, rash or diarrhoea.", "rash", "absent"),
    ("No eczema but chronic diarrhoea since 2 months.", "diarrhoea", "present"),
    ("No eczema but chronic diarrhoea since 2 months.", "eczema", "absent"),
    ("No eczema; chronic diarrhoea.", "diarrhoea", "present"),
    ("No eczema with watery diarrhoea.", "diarrhoea", "present"),
    ("Without eczema, he has enteropathy.", "enteropathy", "present"),
    ("Without eczema, he has enteropathy.", "eczema", "absent"),
    ("There is no evidence of thyroiditis.", "thyroiditis", "absent"),
    ("Negative for anti-enterocyte antibodies.", "anti-enterocyte antibodies", "absent"),
    ("Free of infections since HSCT.", "infections", "absent"),
    ("Hepatomegaly was ruled out.", "Hepatomegaly", "absent"),
    ("Celiac disease was excluded by biopsy.", "Celiac disease", "absent"),
    ("Splenomegaly: absent.", "Splenomegaly", "absent"),
    ("Never had seizures.", "seizures", "absent"),
    ("Coombs-negative haemolytic anaemia.", "haemolytic anaemia", "present"),
    ("Non-bloody diarrhoea for 3 weeks.", "diarrhoea", "present"),
    ("No increase in IgE over the last year.", "IgE", "present"),
    ("Not only diarrhoea but also eczema.", "diarrhoea", "present"),
    ("Diarrhoea is no longer present.", "Diarrhoea", "absent"),
    ("Eczema, not diabetes.", "diabetes", "absent"),
    ("Eczema, not diabetes.", "Eczema", "present"),
    ("The boy has diabetes and no thyroid disease.", "diabetes", "present"),
    ("The boy has diabetes and no thyroid disease.", "thyroid disease", "absent"),
    ("Possible autoimmune enteropathy.", "autoimmune enteropathy", "possible"),
    ("Suspected IPEX syndrome; enteropathy.", "enteropathy", "present"),
    ("Rule out celiac disease.", "celiac disease", "possible"),
    ("Thyroiditis cannot be excluded.", "Thyroiditis", "possible"),
    ("Concern for sepsis, started antibiotics.", "sepsis", "possible"),
    ("Screen for diabetes every 3 months.", "diabetes", "possible"),
    ("At risk of type 1 diabetes.", "type 1 diabetes", "possible"),
    ("Probable autoimmune hepatitis.", "autoimmune hepatitis", "possible"),
    ("His maternal uncle died of diarrhea and sepsis.", "diarrhea", "family"),
    ("His maternal uncle died of diarrhea and sepsis.", "sepsis", "family"),
    ("Type 1 diabetes in his mother.", "Type 1 diabetes", "family"),
    ("Family history of early-onset diabetes.", "diabetes", "family"),
    ("Brother had diarrhoea, eczema and diabetes; the patient has hypothyroidism.", "eczema", "family"),
    (
        "Brother had diarrhoea, eczema and diabetes; the patient has hypothyroidism.",
        "hypothyroidism",
        "present",
    ),
    ("Mother with thyroiditis. He has eczema.", "thyroiditis", "family"),
    ("Mother with thyroiditis. He has eczema.", "eczema", "present"),
    ("Two maternal cousins died in infancy of enteropathy.", "enteropathy", "family"),
    ("Chronic diarrhoea since birth.", "diarrhoea", "present"),
    ("Persistent eczema and failure to thrive.", "failure to thrive", "present"),
    ("IgE 4,500 IU/mL (high).", "IgE", "present"),
    ("Elevated IgE and eosinophilia.", "eosinophilia", "present"),
    ("Diarrhoea resolved after tacrolimus.", "Diarrhoea", "absent"),
    ("He denies abdominal pain but reports vomiting.", "vomiting", "present"),
    ("He denies abdominal pain but reports vomiting.", "abdominal pain", "absent"),
    ("No diabetes, thyroiditis or cytopenias.", "cytopenias", "absent"),
    ("No diabetes, thyroiditis or cytopenias.", "thyroiditis", "absent"),
    ("No diabetes. Thyroiditis at 2 years.", "Thyroiditis", "present"),
    ("Absence of eczema.", "eczema", "absent"),
    ("Lack of weight gain.", "weight gain", "absent"),
    ("Nephrotic syndrome with proteinuria.", "proteinuria", "present"),
    ("No sister or brother with similar symptoms.", "similar symptoms", "family"),
    ("Fever without a focus.", "Fever", "present"),
]


def _span(sentence: str, phrase: str) -> tuple[int, int]:
    start = sentence.index(phrase)
    return start, start + len(phrase)


def ipexpath_assertion(sentence: str, phrase: str) -> str:
    """ipexpath's ConText flags of the finding's first word (its words fire no trigger)."""
    start, end = _span(sentence, phrase)
    items = words(sentence)
    inside = {k for k, w in enumerate(items) if w.start >= start and w.end <= end}
    flags = assign_context(items, inside).at(min(inside))
    if flags.experiencer is Experiencer.FAMILY:
        return "family"
    return {Assertion.ABSENT: "absent", Assertion.POSSIBLE: "possible", Assertion.PRESENT: "present"}[
        flags.assertion
    ]


def medspacy_tool() -> Callable[[str, str], str] | None:
    """medspacy's ConText on a finding span set by hand (None when medspacy is not installed)."""
    try:
        import medspacy
    except ImportError:
        return None
    nlp = medspacy.load(medspacy_enable=["medspacy_pyrush", "medspacy_context"])
    context = nlp.get_pipe("medspacy_context")

    def assertion(sentence: str, phrase: str) -> str:
        doc = nlp.make_doc(sentence)
        for name, component in nlp.pipeline:
            if name != "medspacy_context":
                doc = component(doc)
        start, end = _span(sentence, phrase)
        span = doc.char_span(start, end, label="PROBLEM", alignment_mode="expand")
        doc.ents = (span,)
        doc = context(doc)
        ent = doc.ents[0]
        if ent._.is_family:
            return "family"
        if ent._.is_negated:
            return "absent"
        if ent._.is_uncertain or ent._.is_hypothetical:
            return "possible"
        return "present"

    return assertion


def negspacy_tool() -> Callable[[str, str], str] | None:
    """negspacy (NegEx, 'en_clinical' terms) on a finding span set by hand: present or absent only."""
    try:
        import spacy
        from negspacy.negation import Negex  # noqa: F401  (registers the 'negex' factory)
    except ImportError:
        return None
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    negex = nlp.add_pipe("negex", config={"ent_types": ["PROBLEM"]})

    def assertion(sentence: str, phrase: str) -> str:
        doc = nlp.make_doc(sentence)
        doc = nlp.get_pipe("sentencizer")(doc)
        start, end = _span(sentence, phrase)
        doc.ents = (doc.char_span(start, end, label="PROBLEM", alignment_mode="expand"),)
        doc = negex(doc)
        return "absent" if doc.ents[0]._.negex else "present"

    return assertion


def evaluate(name: str, tool: Callable[[str, str], str], repeat: int, show_errors: bool) -> None:
    """Accuracy, negation P/R and speed of one tool."""
    answers = [tool(sentence, phrase) for sentence, phrase, _ in CASES]
    correct = sum(a == e for a, (_, _, e) in zip(answers, CASES, strict=True))
    tp = sum(a == "absent" and e == "absent" for a, (_, _, e) in zip(answers, CASES, strict=True))
    fp = sum(a == "absent" and e != "absent" for a, (_, _, e) in zip(answers, CASES, strict=True))
    fn = sum(a != "absent" and e == "absent" for a, (_, _, e) in zip(answers, CASES, strict=True))
    start = time.perf_counter()
    for _ in range(repeat):
        for sentence, phrase, _ in CASES:
            tool(sentence, phrase)
    per = (time.perf_counter() - start) / (repeat * len(CASES)) * 1000
    print(
        f"{name:10s} accuracy {correct}/{len(CASES)} = {correct / len(CASES):.3f}; negation P "
        f"{tp / max(1, tp + fp):.3f} R {tp / max(1, tp + fn):.3f}; {per:.3f} ms/sentence"
    )
    if show_errors:
        for answer, (sentence, phrase, expected) in zip(answers, CASES, strict=True):
            if answer != expected:
                print(f"    {phrase!r} in {sentence!r}: said {answer}, expected {expected}")


def main() -> None:
    """Print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--errors", action="store_true", help="list each tool's wrong answers")
    args = parser.parse_args()
    print(f"{len(CASES)} labelled findings")
    evaluate("ipexpath", ipexpath_assertion, args.repeat, args.errors)
    start = time.perf_counter()
    medspacy = medspacy_tool()
    if medspacy is None:
        print("medspacy   not installed (pip install medspacy)")
    else:
        print(f"medspacy   loaded in {time.perf_counter() - start:.2f} s")
        evaluate("medspacy", medspacy, args.repeat, args.errors)
    start = time.perf_counter()
    negspacy = negspacy_tool()
    if negspacy is None:
        print("negspacy   not installed (pip install negspacy)")
    else:
        print(f"negspacy   loaded in {time.perf_counter() - start:.2f} s")
        evaluate("negspacy", negspacy, args.repeat, args.errors)


if __name__ == "__main__":
    main()
