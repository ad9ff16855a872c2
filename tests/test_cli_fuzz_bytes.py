"""Property-based: the low-level readers turn any bytes, and `Age.parse` any text, into a value or an
`InputError` — never another exception (which the CLI would report as an internal error). Pure functions in
process, a few seconds in all."""

from __future__ import annotations

import contextlib
import gzip
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ipexpath.errors import InputError
from ipexpath.files import decode_text, iter_jsonl, read_text
from ipexpath.types import Age

QUICK = settings(max_examples=150, deadline=None, database=None)

# bytes that look like the damaged files of real users: text, UTF-16, gzip (whole or cut), NUL, CRLF
_TEXT = st.text(max_size=200)
_DATA = st.one_of(
    st.binary(max_size=400),
    _TEXT.map(lambda t: t.encode("utf-8")),
    _TEXT.map(lambda t: t.encode("utf-16")),
    _TEXT.map(lambda t: t.encode("utf-16-le")),
    _TEXT.map(lambda t: gzip.compress(t.encode())),
    st.tuples(_TEXT, st.integers(0, 60)).map(lambda p: gzip.compress(p[0].encode())[: p[1]]),
    st.tuples(_TEXT, st.integers(0, 50)).map(
        lambda p: p[0][: p[1]].encode() + b"\x00" + p[0][p[1] :].encode()
    ),
    _TEXT.map(lambda t: t.replace("\n", "\r\n").encode()),
)


@QUICK
@given(_DATA)
def test_decode_text_gives_text_without_nul_or_an_input_error(data: bytes) -> None:
    try:
        text = decode_text(data, "x", "case file")
    except InputError:
        return
    assert "\x00" not in text and not text.startswith("\ufeff")


@QUICK
@given(_DATA, st.sampled_from([".json", ".yaml", ".json.gz", ".ped"]))
def test_read_text_of_any_file_is_text_or_an_input_error(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"in{suffix}"
        path.write_bytes(data)
        with contextlib.suppress(InputError):
            read_text(path, "case file")


@QUICK
@given(st.lists(_DATA, max_size=4), st.sampled_from([".jsonl", ".jsonl.gz"]))
def test_iter_jsonl_of_any_file_yields_objects_or_errors(chunks: list[bytes], suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"cases{suffix}"
        path.write_bytes(b"\n".join(chunks))
        try:
            for lineno, item in iter_jsonl(path):
                assert lineno >= 1 and isinstance(item, dict | InputError)
        except InputError:
            pass


_AGE_WORDS = st.sampled_from(
    [
        "GA",
        "ga:",
        "gestation",
        "weeks",
        "wk",
        "w",
        "d",
        "days",
        "+",
        "/40",
        "of",
        "corrected",
        "PMA",
        "born",
        "P",
    ]
)


@QUICK
@given(
    st.one_of(
        st.text(max_size=30), st.lists(st.one_of(_AGE_WORDS, st.integers(0, 99).map(str))).map(" ".join)
    )
)
def test_any_age_text_is_an_age_or_an_input_error(text: str) -> None:
    try:
        age = Age.parse(text)
    except InputError:
        return
    assert -280.0 <= age.days <= 130 * 365.25
