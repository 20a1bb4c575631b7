"""Case files (bytes) → a validated :class:`Dataset`.

Every problem is collected, not just the first, and each is located: the file,
the line (and column, where the TOML parser knows it), the case and the field.
Nothing here prints; the CLI decides how to show a :class:`DatasetError`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kasegeru_cli.models import (
    ACTOR_KINDS,
    FLOWS,
    LOCATION_ROLES,
    TYPES_BASES,
    Actor,
    Case,
    CaseType,
    Concept,
    Dataset,
    Event,
    Figure,
    Location,
    Source,
    SourceRef,
    Topic,
)
from kasegeru_cli.problems import DatasetError as DatasetError  # raised here; re-exported
from kasegeru_cli.problems import Problem as Problem
from kasegeru_cli.text import ECHO_LIMIT, INVISIBLE, ZERO_WIDTH, clip, id_key
from kasegeru_cli.text import clipped_repr as _r

SCHEMA_VERSION = 2
"""Version 2 added topics, started, actor kinds and leads, location regions and
split ``types_basis = "report"`` into ``named`` and ``group``. Version 1 files
still load: their ``"report"`` is read as ``"group"``, the weaker claim."""
SUPPORTED_VERSIONS = (1, 2)


# --------------------------------------------------------------------------- reading


DEFAULT_MAX_READ_MB = 512
"""The most a data file may hold (``KASEGERU_MAX_DATA_MB``): 100,000 cases are
326 MB of TOML; ``/dev/zero`` or an endless pipe stops here."""


def max_read_bytes() -> int:
    """The read limit of one data file, in bytes (``KASEGERU_MAX_DATA_MB``, a
    positive number of MB; anything else is the default)."""
    import os

    try:
        mb = float(os.environ.get("KASEGERU_MAX_DATA_MB", "") or DEFAULT_MAX_READ_MB)
    except ValueError:
        mb = DEFAULT_MAX_READ_MB
    if not mb > 0:  # zero, negative, NaN
        mb = DEFAULT_MAX_READ_MB
    return int(min(mb, 1 << 30) * 1024 * 1024)


def _limit_text(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"


def _read_limited(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of ``path``; more is a :class:`DatasetError`
    naming the limit and the variable that raises it. A regular file is
    measured before it is read (and read in one piece, as before); a device or
    a pipe is read as it comes, and stopped at the limit."""
    import os
    import stat

    with path.open("rb", buffering=0) as fh:
        st = os.fstat(fh.fileno())
        if stat.S_ISREG(st.st_mode):
            if st.st_size > limit:
                raise _too_large(path, limit, f"is {st.st_size / (1024 * 1024):,.1f} MB, over")
            whole = fh.read()
            if len(whole) > limit:  # it grew while read
                raise _too_large(path, limit, "gives more than")
            return whole
        pieces = []
        size = 0
        while piece := fh.read(min(1 << 20, limit + 1 - size)):
            pieces.append(piece)
            size += len(piece)
            if size > limit:
                raise _too_large(path, limit, "gives more than")
        return b"".join(pieces)


def _too_large(path: Path, limit: int, what: str) -> DatasetError:
    return DatasetError([Problem(str(path), f"{what} the read limit of {_limit_text(limit)} "
                                 f"for a data file; set KASEGERU_MAX_DATA_MB to raise it")])


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a missing, unreadable or directory path, or one larger than
    :func:`max_read_bytes`, is a :class:`DatasetError`."""
    name = str(path)
    try:
        return _read_limited(path, max_read_bytes())
    except MemoryError:
        limit = _limit_text(max_read_bytes())
        raise DatasetError([Problem(name, f"cannot be read: not enough memory within the read "
                                    f"limit of {limit} for a data file; set "
                                    f"KASEGERU_MAX_DATA_MB lower to stop sooner")]) from None
    except FileNotFoundError:
        raise DatasetError([Problem(name, "no such file")]) from None
    except IsADirectoryError:
        raise DatasetError([Problem(name, "is a directory, not a case file")]) from None
    except PermissionError:
        raise DatasetError([Problem(name, "cannot be read: permission denied")]) from None
    except OSError as e:
        raise DatasetError([Problem(name, f"cannot be read: {e.strerror or e}")]) from None
    except ValueError:  # a NUL byte in the name: no file can have it
        raise DatasetError([Problem(repr(name), "not a valid path (it holds a NUL byte)")]) \
            from None


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text, with or without a BOM; CRLF line ends are fine (TOML allows them).

    Raises :class:`DatasetError` for an empty or non-UTF-8 file.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        hint = "save it as UTF-8"
        try:
            data.decode("shift_jis")
            hint = "it looks like Shift_JIS; save it as UTF-8"
        except UnicodeDecodeError:
            pass
        raise DatasetError(
            [Problem(name, f"is not UTF-8 text ({hint})", line=line, column=column)]
        ) from None
    if not text.strip():
        raise DatasetError([Problem(name, "is empty: a case file holds [[cases]] tables")])
    return text


def parse_toml(text: str, name: str) -> dict[str, Any]:
    """TOML text → dict, a syntax error becoming a located :class:`DatasetError`."""
    import tomli  # only when parsing: a warm cache never needs it

    long_line = _LONG_LINE.search(text)
    if long_line is not None:
        # Before parsing it: the parser takes a minute over a 100 MB string.
        raise DatasetError([Problem(name, f"the line is longer than {MAX_LINE:,} characters "
                                    f"(a text holds at most {MAX_TEXT:,})",
                                    line=text.count("\n", 0, long_line.start()) + 1)])
    try:
        return tomli.loads(text)
    except RecursionError:
        line, what = _deepest(text)
        raise DatasetError([Problem(name, f"nested too deeply ({what}): a case file needs "
                                    f"at most {MAX_DEPTH} levels", line=line)]) from None
    except ValueError as e:
        if isinstance(e, tomli.TOMLDecodeError):
            msg = getattr(e, "msg", None) or str(e).split(" (at ")[0]
            line, column = getattr(e, "lineno", None), getattr(e, "colno", None)
            raise DatasetError([Problem(name, f"invalid TOML: {msg}", line=line, column=column)]
                               ) from None
        # Python turns at most 4,300 digits into an integer (CVE-2020-10735).
        m = _LONG_NUMBER.search(text)
        if m is None:
            raise DatasetError([Problem(name, f"invalid TOML: {e}")]) from None
        raise DatasetError([Problem(
            name, f"a number of {len(m.group().replace('_', '')):,} digits: a whole number is at "
            f"most {MAX_INT:,}", line=text.count("\n", 0, m.start()) + 1)]) from None


_LONG_NUMBER = re.compile(r"[0-9][0-9_]{4300,}")
MAX_LINE = 2_000_000
"""Characters in one line of a case file: an inline list of long items fits."""
_LONG_LINE = re.compile(f"[^\\n]{{{MAX_LINE + 1}}}")


MAX_DEPTH = 32
"""Deeper nesting than any case file needs; the TOML parser recurses on it."""


def _deepest(text: str) -> tuple[int | None, str]:
    """Where ``text`` nests beyond :data:`MAX_DEPTH`: its line, and what nests.

    A scan of brackets and braces outside strings and comments, and of dotted
    keys; only run after the parser gave up, so it costs nothing otherwise.
    """
    depth = 0
    line = 1
    quote: str | None = None
    i, n = 0, len(text)
    at_key = True
    dots = 0
    while i < n:
        ch = text[i]
        if quote is not None:
            if ch == "\\" and quote == '"':
                i += 2
                continue
            if text.startswith(quote, i):
                i += len(quote)
                quote = None
                continue
            if ch == "\n":
                line += 1
        elif ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            i += len(quote)
            continue
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, "arrays or inline tables inside each other"
        elif ch in "]}":
            depth -= 1
        elif ch == "=":
            at_key = False
        elif ch == "." and at_key:
            dots += 1
            if dots > MAX_DEPTH:
                return line, "a dotted key with too many parts"
        elif ch == "\n":
            line += 1
            at_key, dots = depth == 0, 0
        i += 1
    return None, "deep structure"


# --------------------------------------------------------------------------- locating

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
# A ``key =`` line: the key, bare or quoted, before the first ``=`` that follows it.
_KEY = re.compile(r"^\s*[\"']?(.*?)[\"']?\s*=")


class LineIndex:
    """Finds the line of a case, a table or a field in a TOML file's text.

    The parser does not report positions of values, so this scans table headers
    and ``key =`` lines: exact for files written in the documented style, and
    falling back to the enclosing header otherwise. Every look-up is a dict
    access or a binary search, so locating every problem of a file costs time
    in proportion to the file, however many problems it has.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[tuple[int, str]] = []  # (0-based line, header name)
        self._starts: list[int] = []  # the headers' lines, ascending
        self._by_name: dict[str, list[int]] = {}
        for n, line in enumerate(self.lines):
            if "[" not in line:
                continue
            m = _HEADER.match(line)
            if m and not line.lstrip().startswith(("#", '"', "'")) and "=" not in line:
                name = m.group(1).replace(" ", "")
                self.headers.append((n, name))
                self._starts.append(n)
                self._by_name.setdefault(name, []).append(n)
        self._keys: dict[str, list[int]] | None = None  # built on the first look-up

    def _block(self, start: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._starts, start)
        return start, self._starts[i] if i < len(self._starts) else len(self.lines)

    def _key_lines(self) -> dict[str, list[int]]:
        if self._keys is None:
            self._keys = {}
            for n, line in enumerate(self.lines):
                m = _KEY.match(line)
                if m:
                    self._keys.setdefault(m.group(1), []).append(n)
        return self._keys

    def _key_line(self, lo: int, hi: int, key: str) -> int | None:
        found = self._key_lines().get(key)
        if not found:
            return None
        i = bisect.bisect_left(found, lo)
        return found[i] if i < len(found) and found[i] < hi else None

    def _nth_header(self, name: str, index: int, lo: int = 0, hi: int | None = None) -> int | None:
        found = self._by_name.get(name, ())
        i = bisect.bisect_left(found, lo) + index
        if i >= len(found) or (hi is not None and found[i] >= hi):
            return None
        return found[i]

    def case(self, index: int, field: str | None = None, sub_index: int | None = None,
             sub_field: str | None = None) -> int | None:
        """1-based line of case ``index`` (0-based in this file), or of one of its fields."""
        start = self._nth_header("cases", index)
        if start is None:
            return None
        nxt = self._nth_header("cases", index + 1)
        end = nxt if nxt is not None else len(self.lines)
        if field is None:
            return start + 1
        if sub_index is not None:
            sub = self._nth_header(f"cases.{field}", sub_index, start, end)
            if sub is not None:
                lo, hi = self._block(sub)
                found = self._key_line(lo, hi, sub_field) if sub_field else None
                return (found if found is not None else sub) + 1
            # An inline array of tables: point at the key.
        lo, hi = self._block(start)
        found = self._key_line(lo + 1, hi, field)
        return (found if found is not None else start) + 1

    def table(self, name: str, field: str | None = None) -> int | None:
        """1-based line of ``[types.coworking]`` (``name``), or of a field in it."""
        start = self._nth_header(name, 0)
        if start is None:
            return None
        if field is None:
            return start + 1
        lo, hi = self._block(start)
        found = self._key_line(lo + 1, hi, field)
        return (found if found is not None else start) + 1


# --------------------------------------------------------------------------- schema

Check = Callable[[Any], "str | None"]  # returns an error message, or None if fine


_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_CONTROL_OR_NEWLINE = re.compile("[\x00-\x1f\x7f-\x9f]")


# Bidirectional controls reorder what is shown (``invoice\u202etxt.exe`` reads
# ``invoiceexe.txt``): no text of a case file may hold them.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Zero-width characters make two names look alike: no id or alias may hold them.
_ZERO_WIDTH = re.compile("[" + "".join(map(chr, sorted(ZERO_WIDTH))) + "]")
_INVISIBLE = re.compile("[" + "".join(map(chr, sorted(INVISIBLE))) + "]")


def _control_problem(v: str, newline_ok: bool) -> str | None:
    m = (_CONTROL if newline_ok else _CONTROL_OR_NEWLINE).search(v)
    if m is None:
        m = _BIDI.search(v)
        if m is None:
            return None
        return (f"holds the bidirectional control U+{ord(m.group()):04X} (at character "
                f"{m.start() + 1}), which reorders how text is shown; text here may not")
    char = m.group()
    what = "a line break" if char in "\n\r" else f"the control character U+{ord(char):04X}"
    return f"holds {what}, which text here may not"


def zero_width_problem(v: str) -> str | None:
    """Why ``v`` may not be an id or alias (it holds a zero-width character), or None."""
    m = _ZERO_WIDTH.search(v)
    kind = "zero-width"
    if m is None:
        m, kind = _INVISIBLE.search(v), "invisible"
    if m is None:
        return None
    return (f"holds the {kind} character U+{ord(m.group()):04X} (at character "
            f"{m.start() + 1}), which makes different names look alike; an alias may not")


MAX_TEXT = 20_000
"""Characters in one text field (a summary, a name, a list item): 40 times the
longest in the bundled data (a summary_en of 522), far beyond any write-up."""
MAX_ITEMS = 1_000
"""Items in one list (tags, points, timeline …) or table (topic_evidence)."""


def _too_long(v: str) -> str | None:
    if len(v) > MAX_TEXT:
        return f"is {len(v):,} characters long: a text holds at most {MAX_TEXT:,}"
    return None


def _too_many(v: list[Any] | dict[str, Any]) -> str | None:
    if len(v) > MAX_ITEMS:
        return f"has {len(v):,} items: at most {MAX_ITEMS:,}"
    return None


def _string(v: Any, newline_ok: bool) -> str | None:
    if not isinstance(v, str):
        return f"must be a string, not {_tname(v)}"
    too_long = _too_long(v)
    if too_long:
        return too_long
    if not v.strip():
        return "must not be empty (leave the key out instead)"
    return _control_problem(v, newline_ok)


def _is_str(v: Any) -> str | None:
    return _string(v, newline_ok=False)


def _is_text(v: Any) -> str | None:
    """Prose (a summary, a bullet, a note): a line break is allowed, other controls not."""
    return _string(v, newline_ok=True)


def _is_bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else f"must be true or false, not {_tname(v)}"


MAX_INT = 2**53 - 1
"""The largest integer every JSON reader and SQLite keep exactly."""


def _is_number(v: Any) -> str | None:
    import math

    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return f"must be a number, not {_tname(v)}"
    if isinstance(v, float) and not math.isfinite(v):
        return f"must be a finite number, not {_r(v)} (JSON has no {_r(v)})"
    if isinstance(v, int) and abs(v) > MAX_INT:
        digits = len(str(abs(v)))
        return (f"is too large ({digits} digits): at most {MAX_INT:,}, what JSON and SQLite "
                "keep exactly")
    return None


def _is_int(v: Any) -> str | None:
    if isinstance(v, bool) or not isinstance(v, int):
        return f"must be a whole number, not {_tname(v)}"
    if abs(v) > MAX_INT:
        return (f"is too large ({len(str(abs(v)))} digits): at most {MAX_INT:,}, what JSON "
                "and SQLite keep exactly")
    return None


def _top_key_line(f: _File, key: str) -> int | None:
    """1-based line of a top-level table or key."""
    table = f.lines.table(key)
    if table is not None:
        return table
    found = f.lines._key_line(0, len(f.lines.lines), key)
    return None if found is None else found + 1


def _is_str_list(v: Any) -> str | None:
    return _str_list(v, newline_ok=False)


def _is_text_list(v: Any) -> str | None:
    return _str_list(v, newline_ok=True)


def _str_list(v: Any, newline_ok: bool) -> str | None:
    if not isinstance(v, list):
        return f"must be a list of strings, not {_tname(v)}"
    if _too_many(v):
        return _too_many(v)
    for i, item in enumerate(v):
        if not isinstance(item, str):
            return f"item {i + 1} must be a string, not {_tname(item)}"
        if _too_long(item):
            return f"item {i + 1} {_too_long(item)}"
        if not item.strip():
            return f"item {i + 1} is empty"
        problem = _control_problem(item, newline_ok)
        if problem:
            return f"item {i + 1} {problem}"
    return None


def _is_str_table(v: Any) -> str | None:
    if not isinstance(v, dict):
        return f"must be a table of strings ({{ slug = \"phrase\" }}), not {_tname(v)}"
    if _too_many(v):
        return _too_many(v)
    for k, item in v.items():
        if not isinstance(item, str):
            return f"{_r(k)} must be a string, not {_tname(item)}"
        if _too_long(item):
            return f"{_r(k)} {_too_long(item)}"
        if not item.strip():
            return f"{_r(k)} is empty"
        problem = _control_problem(item, newline_ok=False)
        if problem:
            return f"{_r(k)} {problem}"
    return None


_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")  # ASCII digits only


def date_problem(v: Any) -> str | None:
    """Why ``v`` is not an ISO date of the precision the data uses, or None."""
    if not isinstance(v, str):
        return ('must be a date string like "2019", "2019-04" or "2019-04-20", '
                f"not {_tname(v)}")
    m = _DATE.fullmatch(v)
    if not m:
        return f"{_r(v)} is not a date: use \"2019\", \"2019-04\" or \"2019-04-20\""
    import datetime as dt

    year, month, day = m.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return f"{_r(v)} is not a real date"
    return None


def _date_start(d: str) -> str:
    """The first day a date of any precision covers: ``2019`` → ``2019-01-01``."""
    return d + "-01-01"[len(d) - 4:]


def _date_end(d: str) -> str:
    """The last day it covers, for comparing (a ``-31`` in any month is fine here)."""
    return d + "-12-31"[len(d) - 4:]


def _tname(v: Any) -> str:
    return {
        str: "a string", bool: "a boolean", int: "an integer", float: "a number",
        list: "a list", dict: "a table",
    }.get(type(v), type(v).__name__)


@dataclass(frozen=True)
class Field:
    check: Check
    required: bool = False


ACTOR = {"name": Field(_is_str, True), "role": Field(_is_str), "kind": Field(_is_str),
         "lead": Field(_is_bool), "kind_evidence": Field(_is_str),
         "name_en": Field(_is_str), "role_en": Field(_is_str)}
LOCATION = {
    "prefecture": Field(_is_str), "municipality": Field(_is_str), "area": Field(_is_str),
    "country": Field(_is_str), "role": Field(_is_str, True), "note": Field(_is_text),
    "regions": Field(_is_str_list), "planned": Field(_is_bool),
    "area_en": Field(_is_str), "note_en": Field(_is_text),
}
EVENT = {
    "date": Field(date_problem, True), "event": Field(_is_str, True),
    "fiscal": Field(_is_bool), "planned": Field(_is_bool), "until": Field(date_problem),
    "source": Field(_is_str), "event_en": Field(_is_str),
}
FIGURE = {
    "label": Field(_is_str, True), "value": Field(_is_number, True), "unit": Field(_is_str),
    "value_max": Field(_is_number), "as_of": Field(date_problem), "fiscal": Field(_is_bool),
    "planned": Field(_is_bool), "qualifier": Field(_is_str), "note": Field(_is_text),
    "label_en": Field(_is_str), "unit_en": Field(_is_str), "qualifier_en": Field(_is_str),
    "note_en": Field(_is_text),
}
SOURCE_REF = {
    "source": Field(_is_str, True), "section": Field(_is_str, True), "item": Field(_is_str),
    "section_en": Field(_is_str),
}
SUBTABLES: dict[str, tuple[dict[str, Field], type]] = {
    "actors": (ACTOR, Actor),
    "locations": (LOCATION, Location),
    "timeline": (EVENT, Event),
    "figures": (FIGURE, Figure),
    "sources": (SOURCE_REF, SourceRef),
}
CASE = {
    "id": Field(_is_str, True), "name": Field(_is_str, True), "name_en": Field(_is_str, True),
    "summary": Field(_is_text, True), "summary_en": Field(_is_text, True),
    "aliases": Field(_is_str_list), "types": Field(_is_str_list),
    "types_basis": Field(_is_str), "types_note": Field(_is_text), "category": Field(_is_str),
    "flow": Field(_is_str), "sector": Field(_is_str), "tags": Field(_is_str_list),
    "points": Field(_is_text_list), "challenges": Field(_is_text_list),
    "related": Field(_is_str_list), "topics": Field(_is_str_list),
    "topic_evidence": Field(_is_str_table), "started": Field(date_problem),
    "started_fiscal": Field(_is_bool), "started_evidence": Field(_is_str),
    "types_note_en": Field(_is_text), "category_en": Field(_is_str), "flow_en": Field(_is_str),
    "tags_en": Field(_is_str_list), "points_en": Field(_is_text_list),
    "challenges_en": Field(_is_text_list),
}
CASE_KEYS = [*CASE, *SUBTABLES]
TYPE = {
    "name": Field(_is_str, True), "name_en": Field(_is_str, True),
    "definition": Field(_is_text, True), "defined_in": Field(_is_str, True),
    "examples": Field(_is_str_list), "definition_en": Field(_is_text),
}
TOPIC = {
    "name": Field(_is_str, True), "name_en": Field(_is_str, True),
    "criterion": Field(_is_text, True), "variants": Field(_is_str_list),
    "criterion_en": Field(_is_text),
}
SOURCE = {
    "file": Field(_is_str, True), "title": Field(_is_str, True), "title_en": Field(_is_str, True),
    "publisher": Field(_is_str), "date": Field(date_problem, True),
    "date_note": Field(_is_str), "sections": Field(_is_str_list),
    "expected_cases": Field(_is_int),
}
CONCEPT = {
    "pref": Field(_is_str, True), "pref_en": Field(_is_str, True),
    "broader": Field(_is_str, True), "alt": Field(_is_str_list), "alt_en": Field(_is_str_list),
    "hidden": Field(_is_str_list), "related": Field(_is_str_list),
}
TOP = ("schema_version", "types", "topics", "concepts", "sources", "cases")

ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # used with fullmatch: "a\n" is no id


SUGGEST_BUDGET = 200_000
"""Names compared, in all, while suggesting near ones during one validation.
Each unknown name is compared with every known one: 50,000 links to nowhere
among 50,000 ids would be 2.5 billion comparisons. Past the budget, problems
come without a suggestion (the first ones, which a person reads, keep theirs)."""

# One validation's suggestions by (name, id of the known set): every problem
# asks again (10,000 cases with one key renamed ask 10,000 times), so each is
# worked out once. The set is kept beside its answer, so that its id cannot be
# reused while the answer is held.
_suggested: dict[tuple[str, int], tuple[object, str]] = {}
_budget = [SUGGEST_BUDGET]


def _forget_suggestions() -> None:
    _suggested.clear()
    _budget[0] = SUGGEST_BUDGET


def _suggest(key: str, known: Iterable[str]) -> str:
    import difflib

    if len(key) > ECHO_LIMIT:
        return ""  # nothing a person meant to type is that long
    memo = _suggested.get((key, id(known)))
    if memo is not None and memo[0] is known:
        return memo[1]
    size = len(known) if isinstance(known, Sized) else SUGGEST_BUDGET
    if size > _budget[0]:
        return ""
    _budget[0] -= size
    near = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    answer = f" (did you mean {_r(near[0])}?)" if near else ""
    _suggested[(key, id(known))] = (known, answer)
    return answer


# --------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class _File:
    name: str
    doc: dict[str, Any]
    lines: LineIndex


class _Checker:
    """Collects problems while turning raw TOML tables into dataclasses."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, f: _File, message: str, *, line: int | None = None, case: str | None = None,
            field: str | None = None) -> None:
        # A name or a key of the user's, echoed: cut to a readable length.
        self.problems.append(Problem(f.name, message, line=line,
                                     case=None if case is None else clip(case),
                                     field=None if field is None else clip(field)))

    def table(self, raw: Mapping[str, Any], spec: Mapping[str, Field],
              report: Callable[[str, str | None], None]) -> dict[str, Any] | None:
        """Check one table against ``spec``; report(message, field) for each problem.

        Returns the values that passed (list values as tuples), or None if any failed.
        """
        ok = True
        out: dict[str, Any] = {}
        for key, value in raw.items():
            fld = spec.get(key)
            if fld is None:
                report(f"unknown key{_suggest(key, spec)}", key)
                ok = False
                continue
            msg = fld.check(value)
            if msg:
                report(msg, key)
                ok = False
                continue
            out[key] = tuple(value) if isinstance(value, list) else value
        for key, fld in spec.items():
            if fld.required and key not in raw:
                report("is required but missing", key)
                ok = False
        return out if ok else None


def _case_label(raw: Mapping[str, Any], index: int) -> str:
    ident = raw.get("id")
    return ident if isinstance(ident, str) and ident else f"#{index + 1}"


def _check_case(chk: _Checker, f: _File, index: int, raw: Any) -> Case | None:
    if not isinstance(raw, dict):
        chk.add(f, f"each [[cases]] entry must be a table, not {_tname(raw)}",
                line=f.lines.case(index), case=f"#{index + 1}")
        return None
    label = _case_label(raw, index)
    ok = True
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key in SUBTABLES:
            spec, cls = SUBTABLES[key]
            problem = (f"must be an array of tables ([[cases.{key}]]), not {_tname(value)}"
                       if not isinstance(value, list) else _too_many(value))
            if problem:
                chk.add(f, problem, line=f.lines.case(index, key), case=label, field=key)
                ok = False
                continue
            items = []
            for j, item in enumerate(value):
                def report(msg: str, sub: str | None, j: int = j, key: str = key) -> None:
                    chk.add(f, msg, line=f.lines.case(index, key, j, sub), case=label,
                            field=f"{key}[{j + 1}]" + (f".{sub}" if sub else ""))
                if not isinstance(item, dict):
                    report(f"must be a table, not {_tname(item)}", None)
                    ok = False
                    continue
                checked = chk.table(item, spec, report)
                if checked is None:
                    ok = False
                    continue
                ok &= _check_english_pairs(checked, report)
                if key == "locations":
                    ok &= _check_location(checked, report)
                if key == "timeline" and "until" in checked and _date_end(checked["until"]) < \
                        _date_start(checked["date"]):
                    report("ends before it starts", "until")
                    ok = False
                if key == "figures" and "value_max" in checked and \
                        checked["value_max"] < checked["value"]:
                    report(f"{_r(checked['value_max'])} is below value {_r(checked['value'])}: a "
                           "range runs from value up to value_max", "value_max")
                    ok = False
                if ok:
                    items.append(cls(**checked))
            values[key] = tuple(items)
        else:
            values[key] = value

    def report_case(msg: str, fld: str | None) -> None:
        chk.add(f, msg, line=f.lines.case(index, fld) if fld else f.lines.case(index),
                case=label, field=fld)

    scalars = {k: v for k, v in values.items() if k not in SUBTABLES}
    unknown_free = dict(scalars.items())
    checked = chk.table(unknown_free, CASE, report_case)
    if checked is None:
        return None
    ok &= _check_case_rules(checked, values, report_case)
    if not values.get("sources") and isinstance(raw.get("sources", []), list) and \
            not raw.get("sources"):
        report_case("at least one [[cases.sources]] is required", "sources")
        ok = False
    if not ok:
        return None
    checked.update({k: v for k, v in values.items() if k in SUBTABLES})
    return Case(**checked)


def _check_location(loc: Mapping[str, Any], report: Callable[[str, str | None], None]) -> bool:
    from kasegeru_cli import prefectures

    ok = True
    if loc["role"] not in LOCATION_ROLES:
        report(f"{_r(loc['role'])} is not a location role: use one of {', '.join(LOCATION_ROLES)}",
               "role")
        ok = False
    pref = loc.get("prefecture")
    if pref is not None and pref not in prefectures.BY_NAME:
        known = prefectures.lookup(pref)
        hint = f" (write the full name, {_r(known.name)})" if known else _suggest(
            pref, prefectures.BY_NAME)
        report(f"{_r(pref)} is not a prefecture{hint}", "prefecture")
        ok = False
    if not any(loc.get(k) for k in ("prefecture", "municipality", "area", "country")):
        report("names no place: give a prefecture, municipality, area or country", None)
        ok = False
    regions = loc.get("regions", ())
    for slug in regions:
        if slug not in prefectures.REGION_BY_SLUG:
            report(f"{_r(slug)} is not a region{_suggest(slug, prefectures.REGION_BY_SLUG)}: use "
                   f"one of {', '.join(prefectures.REGION_BY_SLUG)}", "regions")
            ok = False
    if regions and pref is not None:
        report("is only for a place printed as an area with no prefecture (the prefecture "
               "gives the region)", "regions")
        ok = False
    return ok


def _check_case_rules(c: Mapping[str, Any], values: Mapping[str, Any],
                      report: Callable[[str, str | None], None]) -> bool:
    ok = True
    if not ID_RE.fullmatch(c["id"]):
        report(f"{_r(c['id'])} is not a valid id: lowercase ASCII letters, digits and single "
               "hyphens (co-ba, lodge-yahoo)", "id")
        ok = False
    bases = " or ".join(f'"{b}"' for b in TYPES_BASES)
    if c.get("types") and c.get("types_basis") is None:
        report(f"is required when types is not empty: {bases}", "types_basis")
        ok = False
    if c.get("types_basis") not in (None, *TYPES_BASES):
        hint = (' ("report" was split in schema_version 2: "named" where the report names '
                'this case, "group" where it places its section)'
                if c.get("types_basis") == "report" else "")
        report(f"{_r(c['types_basis'])} must be {bases}{hint}", "types_basis")
        ok = False
    if c.get("flow") is not None and c["flow"] not in FLOWS:
        report(f"{_r(c['flow'])} is not a flow: use one of {', '.join(FLOWS)}", "flow")
        ok = False
    if c.get("sector") not in (None, "public", "private"):
        report(f"{_r(c['sector'])} must be \"public\" or \"private\"", "sector")
        ok = False
    ok &= _check_editorial(c, values, report)
    ok &= _check_parallel_english(c, report)
    ok &= _check_english_pairs(c, report)
    for n, alias in enumerate(c.get("aliases", ())):
        problem = zero_width_problem(alias)
        if problem:
            report(f"item {n + 1} {problem}", "aliases")
            ok = False
    for key in ("aliases", "types", "tags", "related", "topics"):
        seen: set[str] = set()
        for item in c.get(key, ()):
            if item in seen:
                report(f"{_r(item)} is listed twice", key)
                ok = False
            seen.add(item)
    return ok


PARALLEL_EN = ("tags", "points", "challenges")
"""Case arrays whose English (``<name>_en``) is an array of the same length and order."""


def _check_parallel_english(c: Mapping[str, Any],
                            report: Callable[[str, str | None], None]) -> bool:
    """``points_en`` … translate ``points`` … item for item (docs/DATA.md "English")."""
    ok = True
    for key in PARALLEL_EN:
        english = c.get(f"{key}_en")
        if english is None:
            continue
        japanese = c.get(key, ())
        if len(english) != len(japanese):
            report(f"has {len(english)} item{'s' if len(english) != 1 else ''} but {key} has "
                   f"{len(japanese)}: give the English of every item of {key}, in its order "
                   f"(or leave {key}_en out)", f"{key}_en")
            ok = False
    return ok


def _check_english_pairs(table: Mapping[str, Any],
                         report: Callable[[str, str | None], None]) -> bool:
    """An English text (``area_en``) needs the Japanese it translates (``area``)."""
    ok = True
    for key in table:
        base = key[:-3]
        if key.endswith("_en") and base not in ("name", "summary", *PARALLEL_EN) and \
                table.get(base) is None:
            report(f"is the English of {base}, which is not given here: give {base} too, "
                   f"or leave {key} out", key)
            ok = False
    return ok


def record_text(c: Mapping[str, Any], values: Mapping[str, Any]) -> str:
    """Everything a case's record prints, folded with NFKC: where evidence phrases are sought."""
    import unicodedata

    parts: list[str] = [str(c.get(k) or "") for k in ("name", "summary", "category")]
    for k in ("points", "challenges", "tags", "aliases"):
        parts.extend(c.get(k) or ())
    for a in values.get("actors", ()):
        parts += [a.name, a.role or ""]
    for loc in values.get("locations", ()):
        parts += [loc.municipality or "", loc.area or "", loc.note or ""]
    for e in values.get("timeline", ()):
        parts.append(e.event)
    for f in values.get("figures", ()):
        parts += [f.label, f.note or ""]
    return unicodedata.normalize("NFKC", "\n".join(parts))


def _has_phrase(text: str, phrase: str) -> bool:
    import unicodedata

    return unicodedata.normalize("NFKC", phrase) in text


def _check_editorial(c: Mapping[str, Any], values: Mapping[str, Any],
                     report: Callable[[str, str | None], None]) -> bool:
    """The editorial fields each quote a phrase of their own record (docs/DATA.md)."""
    ok = True
    topics = c.get("topics", ())
    evidence: Mapping[str, str] = c.get("topic_evidence", {})
    text: str | None = None

    def found(phrase: str) -> bool:
        nonlocal text
        if text is None:
            text = record_text(c, values)
        return _has_phrase(text, phrase)

    for slug in topics:
        if slug not in evidence:
            report(f"topic {_r(slug)} has no phrase in topic_evidence", "topic_evidence")
            ok = False
    for slug, phrase in evidence.items():
        if slug not in topics:
            report(f"{_r(slug)} is not one of this case's topics", "topic_evidence")
            ok = False
        elif not found(phrase):
            report(f"the phrase for {_r(slug)} ({_r(phrase)}) is not in the record's text",
                   "topic_evidence")
            ok = False
    started = c.get("started")
    if started is None:
        for key in ("started_fiscal", "started_evidence"):
            if key in c:
                report("is only allowed with started", key)
                ok = False
    else:
        fiscal = c.get("started_fiscal", False)
        if not any(e.date == started and e.fiscal == fiscal for e in values.get("timeline", ())):
            report(f"{_r(started)}{' (fiscal)' if fiscal else ''} is not the date of any event in "
                   "the timeline", "started")
            ok = False
        start_phrase = c.get("started_evidence")
        if start_phrase is None:
            report("is required with started: the phrase that names the start",
                   "started_evidence")
            ok = False
        elif not found(start_phrase):
            report(f"{_r(start_phrase)} is not in the record's text", "started_evidence")
            ok = False
    for a in values.get("actors", ()):
        if a.kind is not None and a.kind not in ACTOR_KINDS:
            report(f"actor {_r(a.name)}: {_r(a.kind)} is not a kind"
                   f"{_suggest(a.kind, ACTOR_KINDS)}; use one of {', '.join(ACTOR_KINDS)}",
                   "actors")
            ok = False
        if a.kind_evidence is not None and not found(a.kind_evidence):
            report(f"actor {_r(a.name)}: kind_evidence {_r(a.kind_evidence)} is not in the "
                   "record's text", "actors")
            ok = False
    return ok


def _check_named_tables(chk: _Checker, f: _File, raw: Any, kind: str,
                        spec: Mapping[str, Field],
                        build: Callable[..., Any]) -> dict[str, Any]:
    """``[types.<slug>]`` or ``[sources.<id>]``: each key an id, each value a table."""
    out: dict[str, Any] = {}
    if not isinstance(raw, dict):
        chk.add(f, f"[{kind}] must be a table, not {_tname(raw)}", line=f.lines.table(kind))
        return out
    for key, body in raw.items():
        def report(msg: str, fld: str | None, key: str = key) -> None:
            chk.add(f, msg, line=f.lines.table(f"{kind}.{key}", fld),
                    field=f"{kind}.{key}" + (f".{fld}" if fld else ""))
        if not ID_RE.fullmatch(key):
            report(f"{_r(key)} is not a valid {kind[:-1]} id", None)
            continue
        if not isinstance(body, dict):
            report(f"must be a table, not {_tname(body)}", None)
            continue
        checked = chk.table(body, spec, report)
        if checked is not None:
            out[key] = build(key, **checked)
    return out


def validate_documents(files: Sequence[tuple[str, str, dict[str, Any]]]) -> Dataset:
    """Check parsed documents together and build the :class:`Dataset`.

    ``files`` holds (name, text, parsed TOML) per file, in load order: the
    first is the base dataset, later ones add to it (``--add``). Raises
    :class:`DatasetError` listing every problem found.
    """
    try:
        return _validate_documents(files)
    finally:
        _forget_suggestions()  # they hold this dataset's names


def _validate_documents(files: Sequence[tuple[str, str, dict[str, Any]]]) -> Dataset:
    chk = _Checker()
    # Every case's id and related list as written, even for cases that failed
    # their own checks, so one bad case does not also make its neighbours'
    # links look broken.
    raw_related: dict[str, tuple[str, ...]] = {}
    types: dict[str, CaseType] = {}
    topics: dict[str, Topic] = {}
    sources: dict[str, Source] = {}
    concepts: dict[str, Concept] = {}
    cases: list[tuple[_File, int, Case]] = []
    origin: dict[str, str] = {}  # "types.x" / "sources.x" -> file that defined it
    concept_files: dict[str, _File] = {}

    for name, text, doc in files:
        f = _File(name, doc, LineIndex(text))
        for key in doc:
            if key not in TOP:
                chk.add(f, f"unknown top-level key{_suggest(key, TOP)}",
                        line=_top_key_line(f, key),
                        field=key)
        version = doc.get("schema_version")
        reads = " or ".join(map(str, SUPPORTED_VERSIONS))
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            # true == 1 and 1.0 == 1 in Python: neither is a version number.
            chk.add(f, f"must be a whole number ({reads}), not {_tname(version)}",
                    field="schema_version", line=_top_key_line(f, "schema_version"))
            version = None
        elif version is not None and version not in SUPPORTED_VERSIONS:
            chk.add(f, f"schema_version {_r(version)} is not supported (this kasegeru "
                    f"reads {reads.replace(' or ', ' and ')})", field="schema_version",
                    line=_top_key_line(f, "schema_version"))
        if version == 1:
            _upgrade_v1(doc)
        tables: tuple[tuple[str, Mapping[str, Field], Callable[..., Any], dict[str, Any]], ...] = (
            ("types", TYPE, lambda k, **v: CaseType(slug=k, **v), types),
            ("topics", TOPIC, lambda k, **v: Topic(slug=k, **v), topics),
            ("concepts", CONCEPT, lambda k, **v: Concept(slug=k, **v), concepts),
            ("sources", SOURCE, lambda k, **v: Source(id=k, **v), sources))
        for kind, spec, build, target in tables:
            if kind not in doc:
                continue
            found = _check_named_tables(chk, f, doc[kind], kind, spec, build)
            for key, value in found.items():
                if key in target and target[key] != value:
                    chk.add(f, f"{kind[:-1]} {_r(key)} is already defined differently in "
                            f"{origin[f'{kind}.{key}']}", line=f.lines.table(f"{kind}.{key}"),
                            field=f"{kind}.{key}")
                    continue
                target[key] = value
                origin.setdefault(f"{kind}.{key}", name)
                if kind == "concepts":
                    concept_files.setdefault(key, f)
        raw_cases = doc.get("cases", [])
        if not isinstance(raw_cases, list):
            chk.add(f, "cases must be an array of tables ([[cases]])", field="cases",
                    line=f.lines.table("cases"))
            continue
        for i, raw in enumerate(raw_cases):
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                rel = raw.get("related", [])
                raw_related.setdefault(raw["id"], tuple(rel) if isinstance(rel, list) else ())
            case = _check_case(chk, f, i, raw)
            if case is not None:
                cases.append((f, i, case))

    _check_references(chk, types, topics, sources, cases, raw_related)
    _check_thesaurus(chk, topics, concepts, concept_files)
    if chk.problems:
        # In file order, then line order: the way an editor walks the file.
        order = {name: i for i, (name, _, _) in enumerate(files)}
        raise DatasetError(sorted(chk.problems, key=lambda p: (
            order.get(p.file, len(order)), p.line if p.line is not None else 0)))
    return Dataset(types=types, topics=topics, sources=sources,
                   cases=tuple(c for _, _, c in cases), schema_version=SCHEMA_VERSION,
                   concepts=concepts)


def _upgrade_v1(doc: dict[str, Any]) -> None:
    """A version 1 file's ``types_basis = "report"`` is read as ``"group"``."""
    cases = doc.get("cases")
    if isinstance(cases, list):
        for raw in cases:
            if isinstance(raw, dict) and raw.get("types_basis") == "report":
                raw["types_basis"] = "group"


def _check_references(chk: _Checker, types: Mapping[str, CaseType],
                      topics: Mapping[str, Topic], sources: Mapping[str, Source],
                      cases: Sequence[tuple[_File, int, Case]],
                      raw_related: Mapping[str, tuple[str, ...]]) -> None:
    by_id: dict[str, tuple[_File, Case]] = {}
    key_owner: dict[str, tuple[str, str]] = {}  # id_key -> (case id, what)

    def report(f: _File, i: int, case: Case, msg: str, fld: str, sub: int | None = None,
               subfield: str | None = None) -> None:
        field = fld if sub is None else f"{fld}[{sub + 1}]" + (f".{subfield}" if subfield else "")
        chk.add(f, msg, line=f.lines.case(i, fld, sub, subfield), case=case.id, field=field)

    for f, i, case in cases:
        if case.id in by_id:
            other_file = by_id[case.id][0].name
            where = "" if other_file == f.name else f" in {other_file}"
            report(f, i, case, f"duplicate id {_r(case.id)}: already used by another case{where}",
                   "id")
        else:
            by_id[case.id] = (f, case)
        for what, names in (("id", (case.id,)), ("alias", case.aliases)):
            for name in names:
                k = id_key(name)
                owner = key_owner.get(k)
                if owner is not None and owner[0] != case.id:
                    report(f, i, case, f"{what} {_r(name)} clashes with the {owner[1]} of case "
                           f"{_r(owner[0])}", "aliases" if what == "alias" else "id")
                elif owner is None:
                    key_owner[k] = (case.id, what)

    for f, i, case in cases:
        for slug in case.types:
            if slug not in types:
                report(f, i, case, f"unknown type {_r(slug)}{_suggest(slug, types)}", "types")
        for slug in case.topics:
            if slug not in topics:
                report(f, i, case, f"unknown topic {_r(slug)}{_suggest(slug, topics)}", "topics")
        for j, ref in enumerate(case.sources):
            if ref.source not in sources:
                report(f, i, case, f"unknown source {_r(ref.source)}"
                       f"{_suggest(ref.source, sources)}", "sources", j, "source")
        for j, ev in enumerate(case.timeline):
            if ev.source is not None and ev.source not in sources:
                report(f, i, case, f"unknown source {_r(ev.source)}{_suggest(ev.source, sources)}",
                       "timeline", j, "source")
        for rel in case.related:
            if rel == case.id:
                report(f, i, case, "a case cannot be related to itself", "related")
            elif rel not in raw_related:
                report(f, i, case, f"related case {_r(rel)} does not exist"
                       f"{_suggest(rel, raw_related)}", "related")
            elif case.id not in raw_related[rel]:
                report(f, i, case, f"related is one-way: {_r(rel)} does not list {_r(case.id)} "
                       "back", "related")
    for slug, ctype in types.items():
        for ex in ctype.examples:
            if ex not in raw_related:
                chk.problems.append(Problem(
                    "dataset", f"example case {_r(ex)} does not exist{_suggest(ex, raw_related)}",
                    field=f"types.{slug}.examples"))


def is_subsequence(short: str, long: str) -> bool:
    """Every character of ``short`` occurs in ``long``, in order (高専 in 高等専門学校)."""
    it = iter(long)
    return all(ch in it for ch in short)


def _check_thesaurus(chk: _Checker, topics: Mapping[str, Topic],
                     concepts: Mapping[str, Concept], files: Mapping[str, _File]) -> None:
    """The concepts' links and labels (docs/DATA.md, "The thesaurus"): every
    broader and related concept exists, no concept is its own broader, and no
    label names two concepts (a topic's slug, names and variants included)."""
    from kasegeru_cli.search import term_key

    def report(slug: str, msg: str, fld: str | None) -> None:
        f = files[slug]
        chk.add(f, msg, line=f.lines.table(f"concepts.{slug}", fld),
                field=f"concepts.{slug}" + (f".{fld}" if fld else ""))

    owner: dict[str, str] = {}  # term_key -> "topic x" / "concept x"
    for slug, t in topics.items():
        for label in (slug, slug.replace("-", " "), t.name, t.name_en, *t.variants):
            owner.setdefault(term_key(label), f"topic {slug!r}")
    known = {*topics, *concepts}
    for slug, c in concepts.items():
        if slug in topics:
            report(slug, f"{slug!r} is already a topic: a concept needs a slug of its own", None)
        if c.broader not in known:
            report(slug, f"unknown broader concept {c.broader!r}{_suggest(c.broader, known)}; "
                   "use a topic slug or another concept's slug", "broader")
        for rel in c.related:
            if rel not in known or rel == slug:
                report(slug, f"unknown related concept {rel!r}{_suggest(rel, known - {slug})}",
                       "related")
        for fld, labels in (("pref", (c.pref,)), ("alt", c.alt), ("hidden", c.hidden),
                            ("pref_en", (c.pref_en,)), ("alt_en", c.alt_en)):
            for label in labels:
                key = term_key(label)
                if not key:
                    report(slug, "a label cannot be empty", fld)
                    continue
                other = owner.setdefault(key, f"concept {slug!r}")
                if other != f"concept {slug!r}":
                    report(slug, f"label {label!r} is already a label of {other}", fld)
                elif (fld != "pref" and key == term_key(c.pref)) or (
                        fld == "alt_en" and key == term_key(c.pref_en)):
                    report(slug, f"label {label!r} repeats the preferred label", fld)
        for label in c.hidden:
            if not any(is_subsequence(term_key(j), term_key(label)) for j in (c.pref, *c.alt)):
                report(slug, f"hidden label {label!r} holds none of the concept's Japanese "
                       "labels (its characters in order): a hidden label is a fuller or "
                       "longer spelling of one", "hidden")
    reported: set[str] = set()
    for slug in concepts:
        seen: list[str] = []
        at: str | None = slug
        while at is not None and at in concepts and at not in seen:
            seen.append(at)
            at = concepts[at].broader
        if at is not None and at in seen:  # a loop: report it once, at its first member
            loop = seen[seen.index(at):]
            if not reported.intersection(loop):
                reported.update(loop)
                report(loop[0], "broader concepts form a cycle: " + " → ".join(
                    [*loop, loop[0]]) + "; every chain must end at a topic", "broader")


def label_problems(paths: Sequence[Path], dataset: Dataset) -> list[Problem]:
    """Japanese labels (``pref``, ``alt``) of the concepts that occur in no
    record's searchable text: each a located problem (``kasegeru validate``).

    Not checked when loading, so that a file of a few cases (``export --format
    toml`` with filters) still loads with the whole thesaurus.
    """
    from kasegeru_cli.search import is_latin, searchable_texts
    from kasegeru_cli.text import fold

    if not dataset.concepts:
        return []
    corpus = "\x00".join(fold(text) for case in dataset.cases
                         for _, text in searchable_texts(case))
    lines: list[tuple[str, LineIndex]] = []
    for path in paths:
        try:
            lines.append((str(path), LineIndex(decode_text(read_bytes(path), str(path)))))
        except DatasetError:
            continue
    problems = []
    for slug, c in dataset.concepts.items():
        name, index = next(((n, li) for n, li in lines
                            if li.table(f"concepts.{slug}") is not None), (str(paths[0]), None))
        for fld, labels in (("pref", (c.pref,)), ("alt", c.alt)):
            for label in labels:
                key = " ".join(fold(label).split())
                if is_latin(key) or key in corpus:
                    continue
                problems.append(Problem(
                    name, f"label {label!r} occurs in no record's text: a Japanese label is "
                    "written as the documents write it (or, if they do not, as hidden)",
                    line=index.table(f"concepts.{slug}", fld) if index else None,
                    field=f"concepts.{slug}.{fld}"))
    return problems


def load_files(paths: Sequence[Path]) -> Dataset:
    """Read, parse and validate case files together (the first is the base).

    Raises :class:`DatasetError` with every problem of every file.
    """
    blobs: list[tuple[str, bytes]] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            blobs.append((str(path), read_bytes(path)))
        except DatasetError as e:
            problems.extend(e.problems)
    if problems:
        raise DatasetError(problems)
    return load_blobs(blobs)


def load_blobs(blobs: Sequence[tuple[str, bytes]]) -> Dataset:
    """Like :func:`load_files`, from (name, bytes) pairs already read."""
    problems: list[Problem] = []
    docs: list[tuple[str, str, dict[str, Any]]] = []
    for name, data in blobs:
        try:
            text = decode_text(data, name)
            docs.append((name, text, parse_toml(text, name)))
        except DatasetError as e:
            problems.extend(e.problems)
    if problems:
        raise DatasetError(problems)
    return validate_documents(docs)


_CASE_ID = re.compile(r'\s*id\s*=\s*"([^"]*)"')


def english_problems(paths: Sequence[Path], dataset: Dataset) -> list[Problem]:
    """Every Japanese text of a case with no English beside it (docs/DATA.md
    "English"), located by file, line, case and field: ``kasegeru validate``
    makes them errors for the bundled dataset, which is wholly translated, and
    warnings for a user's own files, which may be Japanese only."""
    from kasegeru_cli.english import text_pairs

    where: dict[str, tuple[str, LineIndex | None, int]] = {}  # id -> (file, lines, index in file)
    for path in paths:
        try:
            index = LineIndex(decode_text(read_bytes(path), str(path)))
        except DatasetError:
            continue
        starts = index._by_name.get("cases", [])
        for n, text_line in enumerate(index.lines):
            m = _CASE_ID.match(text_line)
            i = bisect.bisect_right(starts, n) - 1
            if m and i >= 0 and m.group(1) not in where:
                where[m.group(1)] = (str(path), index, i)
    name = str(paths[0]) if paths else "?"
    problems = []
    for case in dataset.cases:
        for fld, _, en in text_pairs(case):
            if en is not None:
                continue
            file, index_or_none, i = where.get(case.id, (name, None, 0))
            at: int | None = None
            if index_or_none is not None:
                top, _, sub = fld.partition(".")
                key, _, number = top.partition("[")
                if sub:
                    at = index_or_none.case(i, key, int(number.rstrip("]")) - 1, sub)
                else:
                    at = index_or_none.case(i, key)
            problems.append(Problem(file, "has no English beside it (docs/DATA.md, "
                                    "\"English\")", line=at, case=case.id, field=fld))
    return problems
