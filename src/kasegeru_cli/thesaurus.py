"""The thesaurus as plain data: the concepts under a topic, as a tree.

How a search expands a word through the thesaurus is :class:`search.Thesaurus`;
this module only shapes the concepts for ``topics --json``, its table and the
SQLite export.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from kasegeru_cli.models import Concept


def concept_tree(concepts: Mapping[str, Concept], root: str) -> list[dict[str, Any]]:
    """The concepts directly under ``root`` (a topic or concept slug), each with
    its own ``narrower`` list, in file order. A cycle (refused by the loader)
    cannot recurse: a concept appears once."""
    return _tree(concepts, root, set())


def _tree(concepts: Mapping[str, Concept], root: str, seen: set[str]) -> list[dict[str, Any]]:
    out = []
    for slug, c in concepts.items():
        if c.broader != root or slug in seen:
            continue
        seen.add(slug)
        out.append({"slug": slug, "pref": c.pref, "pref_en": c.pref_en, "alt": list(c.alt),
                    "alt_en": list(c.alt_en), "hidden": list(c.hidden),
                    "related": list(c.related), "narrower": _tree(concepts, slug, seen)})
    return out


def walk(tree: Sequence[Mapping[str, Any]],
         depth: int = 1) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(depth, concept) for every concept of a tree, broader before narrower."""
    for node in tree:
        yield depth, node
        yield from walk(node["narrower"], depth + 1)
