"""Reading and writing files safely: atomic writes, and user files read within stated limits.

Every file a user names goes through `check_input_file` (a regular file, not a FIFO or device, and not
larger than `MAX_INPUT_BYTES`), and every JSON/YAML document through `parse_document`, which refuses YAML
aliases and anchors (the "billion laughs" expansion), documents nested deeper than `MAX_NESTING`, more than
`MAX_NODES` values, non-text keys, infinities/NaN, integers longer than `MAX_INT_DIGITS` digits and text
that is not valid Unicode. The limits are generous for real clinical files and stated in README.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import math
import os
import stat
import tempfile
import unicodedata
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ipexpath.errors import InputError, OutputError

MAX_INPUT_BYTES = 64 * 1024 * 1024  # a case, family, ranking or ontology-sized text file (64 MiB)
MAX_NESTING = 64  # JSON/YAML depth; a phenopacket needs about 8
MAX_NODES = 1_000_000  # JSON/YAML values in one document
MAX_INT_DIGITS = 30  # no clinical integer is longer; Python refuses int strings beyond 4,300 digits
MAX_TEXT_CHARS = 1_000_000  # one string inside a document (e.g. a clinical note in a case form)
MAX_QUERY_CHARS = 300  # a term search (`terms QUERY`): the longest HPO label or synonym has 120 characters
MAX_NAME_CHARS = 200  # a person's name given as an option (--requested-by, --released-by)


STDIN = "-"  # a case, family, PED or ranking file named '-' is read from standard input (one per command)
_stdin_read: tuple[object, str] | None = None  # (the stdin object, what was read from it): read once only


_inputs: set[tuple[int, int]] | None = (
    None  # (device, inode) of the files a command read (None: not tracking)
)


def track_inputs() -> None:
    """Start a command: from now on every input file checked is remembered, and writing over one is refused
    (`classify --vcf x.vcf --output x.vcf` would have replaced the patient's VCF with its result)."""
    global _inputs
    _inputs = set()


def _remember_input(info: os.stat_result) -> None:
    if _inputs is not None:
        _inputs.add((info.st_dev, info.st_ino))


def refuse_overwriting_an_input(path: Path, what: str = "output file") -> None:
    """Refuse to write `path` when it is a file this command reads (its input would be lost)."""
    try:
        info = Path(path).stat()
    except OSError:
        return
    if _inputs is not None and (info.st_dev, info.st_ino) in _inputs:
        raise OutputError(
            f"The {what} '{safe_text(path)}' is one of this command's input files; writing it would replace "
            "that input. Nothing was written.",
            "Give the output a different file name.",
        )


def refuse_stdin(path: Path | str, what: str, why: str = "it is read more than once") -> None:
    """Refuse '-' for an input that is read only from a file (a VCF, a batch file), saying why."""
    if str(path) == STDIN:
        raise InputError(
            f"The {what} cannot be read from standard input ('-'): {why}. What can be piped in: a case, "
            "family, PED or ranking file (one per command).",
            f"Save the {what} to a file and give its path.",
        )


def check_short_text(value: str, what: str, limit: int, suggestion: str) -> str:
    """`value` stripped; refused when empty, longer than `limit`, or holding control characters (a name or
    query is one line of text shown to people: it must not be blank, a pasted document or a terminal code)."""
    text = value.strip()
    if not text:
        raise InputError(f"The {what} is empty.", suggestion)
    if len(text) > limit:
        raise InputError(
            f"The {what} is {len(text):,} characters long; at most {limit:,} are accepted.", suggestion
        )
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text):
        raise InputError(f"The {what} holds a line break or control character.", suggestion)
    return text


def one_stdin(inputs: dict[str, Path | None]) -> None:
    """Refuse two inputs of one command named '-' (a pipe holds one file), before either is read."""
    piped = [what for what, path in inputs.items() if path is not None and str(path) == STDIN]
    if len(piped) > 1:
        raise InputError(
            f"The {' and the '.join(piped)} are both '-' (standard input), but only one file can be "
            "piped in.",
            "Give all but one of them as file paths.",
        )


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file in the same folder, then rename (all or nothing)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all: a temporary file beside it, then one rename.

    A failure (full disk, no permission, Ctrl-C) removes the temporary file and leaves any earlier file at
    `path` as it was; the error names `path` (never the temporary file)."""
    path = Path(path)
    check_output_file(path)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(
            f"Could not write '{safe_text(path)}': {exc.strerror or exc}.",
            "Check that the folder exists, is writable and has free space; nothing was written.",
        ) from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def check_output_file(path: Path, what: str = "output file") -> None:
    """Refuse an output path that cannot become a file: '-', a folder, a file inside a file, or a folder
    without write permission. Called before a long run, so it fails at once rather than at the end."""
    path = Path(path)
    refuse_overwriting_an_input(path, what)
    if str(path) == STDIN:
        raise OutputError(
            f"The {what} cannot be '-' (standard output).",
            "Give a file name; use --json to print the result on standard output.",
        )
    if path.is_dir():
        raise OutputError(f"The {what} '{safe_text(path)}' is a folder.", "Give a file name inside it.")
    parent = path.parent
    while not parent.exists() and parent != parent.parent:  # the folder is created when written
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(
            f"The {what} '{safe_text(path)}' cannot be created: '{safe_text(parent)}' is a file, "
            "not a folder.",
            "Choose a path inside a folder.",
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(
            f"The {what} '{safe_text(path)}' cannot be written: no permission to write in "
            f"'{safe_text(parent)}'.",
            "Choose a folder you can write to.",
        )


def check_input_file(path: Path, what: str = "file", max_bytes: int | None = MAX_INPUT_BYTES) -> int:
    """Refuse a missing path, a folder, a FIFO/device/socket or a file above `max_bytes`; return its size."""
    path = Path(path)
    refuse_stdin(path, what, "it is read from a file only")
    try:
        info = path.stat()
    except FileNotFoundError:
        raise OutputError(
            f"The {what} '{safe_text(path)}' does not exist.", "Check the path and spelling."
        ) from None
    except OSError as exc:
        raise OutputError(f"The {what} '{safe_text(path)}' could not be read: {exc.strerror}.") from None
    _remember_input(info)
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"'{safe_text(path)}' is a folder, but a {what} was expected.")
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(
            f"'{safe_text(path)}' is not a regular file (it is a pipe, device or socket); ipexpath reads "
            f"the {what} only from a regular file.",
            "Save the data to a file first and give that file's path.",
        )
    if max_bytes is not None and info.st_size > max_bytes:
        raise OutputError(
            f"The {what} '{safe_text(path)}' is {info.st_size / 1e6:.1f} MB, above the "
            f"{max_bytes / 1e6:.0f} MB limit for this kind of file.",
            "Check that this is the right file.",
        )
    return info.st_size


def read_text(path: Path, what: str = "file", max_bytes: int = MAX_INPUT_BYTES) -> str:
    """Read a UTF-8 text file (gzipped or not, whatever its name says; '-' is standard input), turning I/O
    and encoding problems into clear `InputError`s. A UTF-8 byte-order mark is dropped; CRLF line ends are
    read as is."""
    path = Path(path)
    if str(path) == STDIN:
        return decode_text(_read_stdin(what, max_bytes), "standard input", what)
    check_input_file(path, what, max_bytes)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"The {what} '{safe_text(path)}' could not be read: {exc.strerror or exc}.",
            "Check that the file is readable (its permissions) and copy it again if it is on a failing disk.",
        ) from None
    if data[:2] == GZIP_MAGIC:  # a gzip file, named .gz or not (a '.gz' that is plain text is read as is)
        data = gunzip(data, f"The {what} '{safe_text(path)}'", max_bytes)
    return decode_text(data, safe_text(path), what)


GZIP_MAGIC = b"\x1f\x8b"


def gunzip(data: bytes, named: str, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """Unpack gzip `data` (at most `max_bytes` once unpacked); a truncated or damaged file is an
    `InputError` that says so. `named` starts the message, e.g. "The case file 'x.json.gz'"."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            unpacked = handle.read(max_bytes + 1)
    except EOFError:
        raise InputError(
            f"{named} is compressed (gzip) but ends early: it is truncated or damaged.",
            "Copy or download the file again; check it with 'gzip -t'.",
        ) from None
    except (OSError, zlib.error) as exc:
        raise InputError(
            f"{named} is compressed (gzip) but damaged ({exc}).",
            "Copy or download the file again; check it with 'gzip -t'.",
        ) from None
    if len(unpacked) > max_bytes:
        raise InputError(
            f"{named} expands to more than {max_bytes / 1e6:.0f} MB.", "Check that this is the right file."
        )
    return unpacked


def _read_stdin(what: str, max_bytes: int) -> bytes:
    """Standard input as bytes (at most `max_bytes`; gzip is unpacked); refused when it is a terminal, and
    when another input of the command has already been read from it (two inputs cannot share one pipe)."""
    import sys

    global _stdin_read
    if sys.stdin is None or sys.stdin.isatty():
        raise InputError(
            f"The {what} '-' means standard input, but nothing was piped in.",
            "Pipe the file in (… | ipexpath rank -) or give its path.",
        )
    if _stdin_read is not None and _stdin_read[0] is sys.stdin:
        raise InputError(
            f"The {what} and the {_stdin_read[1]} are both '-' (standard input), but only one file can be "
            "piped in.",
            "Give one of them as a file path.",
        )
    _stdin_read = (sys.stdin, what)
    stream = getattr(sys.stdin, "buffer", None)
    data = stream.read(max_bytes + 1) if stream is not None else sys.stdin.read(max_bytes + 1).encode()
    if data[:2] == GZIP_MAGIC:
        data = gunzip(data, f"The {what} on standard input", max_bytes)
    if len(data) > max_bytes:
        raise InputError(
            f"The {what} on standard input is above the {max_bytes / 1e6:.0f} MB limit.",
            "Check that this is the right file.",
        )
    return data


_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def decode_text(data: bytes, source: str, what: str = "file") -> str:
    """UTF-8 bytes as text (a leading byte-order mark dropped); any other encoding, and NUL bytes (a
    binary file, or UTF-16 saved without its mark), are clear errors."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise InputError(
                f"The {what} '{source}' is saved as {name} text; ipexpath reads UTF-8.",
                "Save it again as 'UTF-8' (in Excel or Notepad: Save As, encoding UTF-8).",
            )
    head = data[:1024]
    even, odd = head[::2].count(0), head[1::2].count(0)
    if (
        len(head) >= 8
        and max(even, odd) >= 0.4 * (len(head) // 2)
        and min(even, odd) < 0.1 * (len(head) // 2)
    ):
        raise InputError(
            f"The {what} '{source}' looks like UTF-16 text (every other byte is empty); ipexpath "
            "reads UTF-8.",
            "Save it again as 'UTF-8' (in Excel or Notepad: Save As, encoding UTF-8).",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = " (it looks like a binary or compressed file)" if b"\x00" in head else ""
        raise InputError(
            f"The {what} '{source}' is not a UTF-8 text file{hint}: byte {exc.start} cannot be read.",
            "Save the file as UTF-8 text (accented letters saved as Latin-1/Windows-1252 cause this).",
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise InputError(
            f"The {what} '{source}' holds a NUL byte (\\x00) on line {line}: it is not a plain text file, "
            "or it is damaged.",
            "Open it in a text editor, remove the invisible characters and save it as UTF-8 text; or "
            "export it again.",
        )
    return text


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | InputError]]:
    """Yield (line number, parsed object or the error for that line) from a JSON-lines file, gzipped or not
    whatever its name says (a UTF-8 byte-order mark is dropped; UTF-16 and binary files are refused)."""
    path = Path(path)
    with contextlib.suppress(OSError):
        _remember_input(path.stat())
    lineno = 0
    name = safe_text(path)
    try:
        with path.open("rb") as raw:
            head = raw.read(1024)
        opener = gzip.open if head[:2] == GZIP_MAGIC else open
        if opener is open and (b"\x00" in head or head.startswith((b"\xff\xfe", b"\xfe\xff"))):
            decode_text(head, name, "file of JSON lines")  # says UTF-16, binary or NUL byte
        with opener(path, "rt", encoding="utf-8-sig") as handle:
            for lineno, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                if "\x00" in line:
                    yield lineno, InputError(f"{name}, line {lineno}: holds a NUL byte (\\x00), not text.")
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield lineno, InputError(f"{name}, line {lineno}: not valid JSON ({exc.msg}).")
                    continue
                except RecursionError:
                    yield lineno, InputError(f"{name}, line {lineno}: nested too deeply to be read.")
                    continue
                if not isinstance(obj, dict):
                    yield lineno, InputError(f"{name}, line {lineno}: expected a JSON object.")
                    continue
                yield lineno, obj
    except UnicodeDecodeError:
        raise InputError(
            f"'{name}' is not UTF-8 text (a byte that is not UTF-8 at or after line {lineno + 1}).",
            "Save the file as UTF-8 text.",
        ) from None
    except EOFError:  # a truncated .gz
        raise InputError(
            f"'{name}' is compressed (gzip) but ends early, after line {lineno}: it is truncated or damaged.",
            "Copy or download the file again; check it with 'gzip -t'.",
        ) from None
    except (OSError, zlib.error) as exc:  # unreadable, a damaged .gz
        raise InputError(
            f"'{name}' could not be read after line {lineno}: {exc}.",
            "Give UTF-8 JSON lines, one object per line; copy a compressed file again if it is damaged.",
        ) from None


# --------------------------------------------------------------------------------------------- documents
class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses aliases/anchors and counts and nests nodes within the limits."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._nodes = 0
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            mark = event.start_mark
            raise InputError(
                "YAML anchors and aliases ('&' and '*') are not accepted in input files "
                f"(line {mark.line + 1}).",
                "Write each value out in full.",
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise InputError(f"The document holds more than {MAX_NODES:,} values.")
        self._depth += 1
        if self._depth > MAX_NESTING:
            raise InputError(f"The document is nested more than {MAX_NESTING} levels deep.")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _load_yaml(text: str) -> Any:
    """Safe-load YAML within the limits: with libyaml (C, fast) after a first pass over its events that
    refuses aliases and anchors and counts nodes and depth; else with the pure-Python `_NoAliasLoader`."""
    c_loader = getattr(yaml, "CSafeLoader", None)
    if c_loader is None:
        loader = _NoAliasLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    nodes = depth = 0
    for event in yaml.parse(text, Loader=c_loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            mark = event.start_mark
            raise InputError(
                "YAML anchors and aliases ('&' and '*') are not accepted in input files "
                f"(line {mark.line + 1 if mark is not None else '?'}).",
                "Write each value out in full.",
            )
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
            if nodes > MAX_NODES:
                raise InputError(f"The document holds more than {MAX_NODES:,} values.")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise InputError(f"The document is nested more than {MAX_NESTING} levels deep.")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return yaml.load(text, Loader=c_loader)  # CSafeLoader: the safe constructor, in C


def _json_constant(name: str) -> Any:
    raise InputError(f"The value {name} is not a number ipexpath accepts.", "Write a finite number.")


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise InputError(f"A number with {len(text)} digits is too long to be a clinical value.")
    return int(text)


def _json_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise InputError(f"The number {text[:40]} is outside the range of numbers ipexpath accepts.")
    return value


def parse_document(text: str, source: str, *, yaml_allowed: bool = True) -> Any:
    """Parse JSON (or YAML when allowed) within the limits above; every problem is an `InputError`."""
    name = safe_text(source)
    try:
        if not yaml_allowed or text.lstrip().startswith(("{", "[")):
            data = json.loads(
                text, parse_constant=_json_constant, parse_int=_json_int, parse_float=_json_float
            )
        else:
            data = _load_yaml(text)
    except InputError as exc:
        raise InputError(f"'{name}': {exc.message}", exc.suggestion) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"'{name}' is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
            "Check for a missing comma, quote or bracket near that position.",
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise InputError(
            f"'{name}' is not valid YAML: {safe_text(problem)}{where}.",
            "Check the indentation and the ':' after each key.",
        ) from None
    except RecursionError:
        raise InputError(f"'{name}' is nested too deeply to be read.") from None
    except (ValueError, OverflowError) as exc:  # YAML dates like 2020-13-45, int-string limits
        raise InputError(f"'{name}' holds a value that cannot be read: {safe_text(exc)}.") from None
    check_document(data, name)
    return data


def check_document(data: Any, source: str) -> None:
    """Walk a parsed document (without recursion): text keys, finite numbers, valid Unicode, limits."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise InputError(f"'{source}' holds more than {MAX_NODES:,} values.")
        if depth > MAX_NESTING:
            raise InputError(f"'{source}' is nested more than {MAX_NESTING} levels deep.")
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise InputError(
                        f"'{source}': the key {safe_text(repr(key))[:60]} is not text.",
                        "Write every key as a word (put numbers or dates used as keys in quotes).",
                    )
                _check_string(key, source)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            _check_string(value, source)
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if value.bit_length() > MAX_INT_DIGITS * 3.33:
                raise InputError(f"'{source}' holds a number too long to be a clinical value.")
        elif isinstance(value, float) and not math.isfinite(value):
            raise InputError(f"'{source}' holds the number {value}, which is not a finite number.")


def _check_string(text: str, source: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"'{source}' holds a text of {len(text):,} characters (limit {MAX_TEXT_CHARS:,}).")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            f"'{source}' holds text with an invalid character (an unpaired surrogate such as \\ud800).",
            "Save the file as UTF-8 text without escaped surrogates.",
        ) from None


def safe_text(value: object, limit: int = 300) -> str:
    """`value` as printable text: control and escape characters (not tabs) shown as \\xNN, surrogates
    replaced."""
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs":
            out.append("\ufffd")
        elif category in ("Cc", "Cf") and char != "\t":  # a tab is harmless (click indents lists with it)
            out.append(f"\\x{ord(char):02x}" if ord(char) < 256 else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)
