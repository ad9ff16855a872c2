"""Free text under hostile input: time and memory for the longest accepted text, digit runs, control
characters and HTML (issue 12 "Bad input", issue 18 item 7). Peak memory is Python's (tracemalloc).

Run: .venv/bin/python benchmarks/bench_text_limits.py
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

from ipexpath.errors import InputError
from ipexpath.knowledge import load_knowledge
from ipexpath.knowledge.textmine import MAX_TEXT_CHARS, recognise

NOTE = (
    "3 month old boy, no hepatomegaly, Coombs-positive haemolytic anaemia, elevated IgE; his uncle had T1D. "
)


def _cases() -> list[tuple[str, Callable[[], str]]]:
    return [
        ("clinical notes up to the limit", lambda: (NOTE * (MAX_TEXT_CHARS // len(NOTE)))[:MAX_TEXT_CHARS]),
        ("100,000 digits in one run", lambda: "1" * 100_000 + " month old with diarrhea"),
        ("digits with separators", lambda: "1,2." * (MAX_TEXT_CHARS // 4)),
        ("control characters", lambda: "\x00\x07\x1b" * (MAX_TEXT_CHARS // 3)),
        ("HTML", lambda: "<p><b>chronic diarrhea</b></p>" * (MAX_TEXT_CHARS // 30)),
        ("no spaces", lambda: "a" * MAX_TEXT_CHARS),
        ("punctuation after the last word", lambda: "eczema" + "!" * (MAX_TEXT_CHARS - 6)),
        ("'no no no' (a trigger per word)", lambda: "no " * (MAX_TEXT_CHARS // 3)),
    ]


def main() -> None:
    """Print seconds and peak Python memory for each input."""
    kb = load_knowledge()
    recognise(kb, "warm-up")
    print(f"limit: {MAX_TEXT_CHARS:,} characters per text")
    try:
        recognise(kb, "x" * 1_000_000)
    except InputError as exc:
        print(f"1 MB of text: refused with: {exc.message}")
    for name, make in _cases():
        text = make()
        start = time.perf_counter()
        result = recognise(kb, text)
        seconds = time.perf_counter() - start
        tracemalloc.start()  # a second run for memory (tracing slows Python down)
        recognise(kb, text)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{name:38s} {len(text):>9,} chars: {seconds:6.2f} s, peak {peak / 1e6:6.0f} MB, "
            f"{len(result.hits)} terms, {len(result.unrecognised)} unrecognised"
        )


if __name__ == "__main__":
    main()
