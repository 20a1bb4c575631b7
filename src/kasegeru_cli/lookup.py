"""What ``show`` makes of what a user typed: an id, an alias, a name, a part of a
name, or nothing, with the nearest ids. One implementation for the catalog and
for the fast path (which answers from the cache's key index without loading
the dataset), so both say the same thing.

The index is three plain values, quick to read back from the cache even for
100,000 cases: the case ids in order, and two texts with one line per case,
each key (a :func:`text.id_key` fold) between tabs: ``\\tco-ba\\tこーば\\t\\n``.
``keys`` holds ids and aliases (exact lookup, suggestions); ``names`` holds
those and the Japanese and English names (exact names, parts of names). A
search in such a text is one scan in C, where a dict or a list of pairs of
that size took longer to unmarshal than the whole answer may take.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from kasegeru_cli.text import id_key

MAX_QUERY = 80
"""Characters of a query compared for suggestions: no id is longer, and a
1,000-character query costs no more than an 80-character one."""


class Index(NamedTuple):
    ids: list[str]
    keys: str
    names: str


def build(cases: Iterable[tuple[str, Sequence[str], Sequence[str]]]) -> Index:
    """From (id, aliases, names) per case, in dataset order."""
    ids: list[str] = []
    keys: list[str] = []
    names: list[str] = []
    for case_id, aliases, case_names in cases:
        ids.append(case_id)
        own = [id_key(case_id), *(id_key(a) for a in aliases)]
        keys.append("\t" + "\t".join(k for k in own if k) + "\t\n")
        every = [*own, *(id_key(n) for n in case_names)]
        names.append("\t" + "\t".join(k for k in every if k) + "\t\n")
    return Index(ids, "".join(keys), "".join(names))


def _lines(text: str, needle: str) -> Iterator[tuple[int, int]]:
    """(line number, position) of every occurrence of ``needle``, in order."""
    line, last = 0, 0
    at = text.find(needle)
    while at >= 0:
        line += text.count("\n", last, at)
        last = at
        yield line, at
        at = text.find(needle, at + 1)


def resolve(query: str, index: Index) -> tuple[str, list[str]]:
    """``("found", [id])``, ``("ambiguous", ids)`` or ``("none", nearest ids)``."""
    key = id_key(query).replace("\t", "").replace("\n", "")
    if not key:
        return "none", []
    whole = f"\t{key}\t"
    for line, _ in _lines(index.keys, whole):
        return "found", [index.ids[line]]
    exact = list(dict.fromkeys(index.ids[line] for line, _ in _lines(index.names, whole)))
    if len(exact) == 1:
        return "found", exact
    partial = exact or list(dict.fromkeys(index.ids[line]
                                          for line, _ in _lines(index.names, key)))
    if len(partial) == 1:
        return "found", partial
    if partial:
        return "ambiguous", partial
    return "none", suggest(query, index)


def suggest(query: str, index: Index, n: int = 3) -> list[str]:
    """The ids nearest to ``query`` by id or alias, best first, ties by id.

    A key counts when it contains the query (0.75 at least), or when difflib's
    ratio reaches 0.6. Only keys that can reach it are compared: a length within
    the ratio's reach and a first character that is the query's first or second
    (a typo rarely changes both), found by one regular expression over the text.
    """
    import difflib
    import re

    key = id_key(query)[:MAX_QUERY].replace("\t", "").replace("\n", "")
    if not key:
        return []
    lo, hi = max(1, int(len(key) * 0.4)), int(len(key) * 2.5) + 1
    first = "|".join(re.escape(c) for c in dict.fromkeys(key[:2]))
    pattern = re.compile(rf"(?<=\t)(?:{first})[^\t\n]{{{lo - 1},{hi - 1}}}(?=\t)")
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(key)
    scored: dict[str, float] = {}

    def score(candidate: str, line: int, inside: bool) -> None:
        matcher.set_seq1(candidate)
        if not inside and (matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6):
            return
        ratio = matcher.ratio()
        if inside:
            ratio = max(ratio, 0.75)
        case_id = index.ids[line]
        if ratio >= 0.6 and ratio > scored.get(case_id, 0.0):
            scored[case_id] = ratio

    text = index.keys
    line, last = 0, 0
    for m in pattern.finditer(text):
        line += text.count("\n", last, m.start())
        last = m.start()
        score(m.group(), line, key in m.group())
    for line, at in _lines(text, key):  # keys that contain the query, of any length
        start = text.rfind("\t", 0, at) + 1
        end = text.find("\t", at)
        score(text[start:end], line, True)
    return [i for i, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def not_found_message(query: str, suggestions: Sequence[str]) -> str:
    """The message of an unknown ``show``/``cite`` query (after ``Error: ``)."""
    hint = f"\nDid you mean: {', '.join(suggestions)}?" if suggestions else \
        "\nTry `kasegeru search` to find it by any word."
    return f"no case with id, alias or name {query!r}.{hint}"
