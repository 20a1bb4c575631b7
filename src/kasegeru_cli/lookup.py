"""What ``show`` makes of what a user typed: an id, an alias, a name, a part of a
name, or nothing, with the nearest ids. One implementation for the catalog and
for the fast path (which answers from the cache's small key index without
loading the dataset), so both say the same thing.

Keys are :func:`text.id_key` folds. ``keys`` maps every id and alias to its
case id; ``names`` lists (folded name, case id) for every id, alias, name and
English name, which is where a part of a name is looked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kasegeru_cli.text import id_key

MAX_QUERY = 80
"""Characters of a query compared for suggestions: no id is longer, and a
1,000-character query costs no more than an 80-character one."""


def resolve(query: str, keys: Mapping[str, str],
            names: Sequence[tuple[str, str]]) -> tuple[str, list[str]]:
    """``("found", [id])``, ``("ambiguous", ids)`` or ``("none", nearest ids)``."""
    key = id_key(query)
    found = keys.get(key)
    if found is not None:
        return "found", [found]
    if not key:
        return "none", []
    exact = list(dict.fromkeys(cid for k, cid in names if k == key))
    if len(exact) == 1:
        return "found", exact
    partial = exact or list(dict.fromkeys(cid for k, cid in names if key in k))
    if len(partial) == 1:
        return "found", partial
    if partial:
        return "ambiguous", partial
    return "none", suggest(query, keys)


def suggest(query: str, keys: Mapping[str, str], n: int = 3) -> list[str]:
    """The ids nearest to ``query`` by id or alias, best first, ties by id.

    A key counts when it contains the query or is contained in it (0.75 at
    least), or when difflib's ratio is 0.6 or more. Only keys that can reach
    0.6 are compared: a length within the ratio's reach, and a first or second
    character in common (a typo rarely changes both), so the cost stays small
    on 100,000 cases.
    """
    import difflib

    key = id_key(query)[:MAX_QUERY]
    if not key:
        return []
    lo, hi = len(key) * 0.4, len(key) * 2.5 + 1
    heads = set(key[:2])
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(key)
    scored: dict[str, float] = {}
    for k, case_id in keys.items():
        inside = key in k or k in key
        if not inside and not (lo <= len(k) <= hi and heads.intersection(k[:2])):
            continue
        matcher.set_seq1(k)
        if not inside and (matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6):
            continue
        ratio = matcher.ratio()
        if inside:
            ratio = max(ratio, 0.75)
        if ratio >= 0.6 and ratio > scored.get(case_id, 0.0):
            scored[case_id] = ratio
    return [i for i, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def not_found_message(query: str, suggestions: Sequence[str]) -> str:
    """The message of an unknown ``show``/``cite`` query (after ``Error: ``)."""
    hint = f"\nDid you mean: {', '.join(suggestions)}?" if suggestions else \
        "\nTry `kasegeru search` to find it by any word."
    return f"no case with id, alias or name {query!r}.{hint}"
