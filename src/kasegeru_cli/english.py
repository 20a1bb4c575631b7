"""The English kept beside a record's Japanese texts (docs/DATA.md "English").

One walk over a case's translatable texts, as (field path, Japanese, English or
None) triples, for the glossary check (``scripts/glossary.py``), the English
page of ``show --lang en`` and English search.
"""

from __future__ import annotations

from collections.abc import Iterator

from kasegeru_cli.models import Case

Pair = tuple[str, str, str | None]
"""(field path such as ``points[2]`` or ``figures[1].label``, Japanese, English)."""


def text_pairs(case: Case) -> Iterator[Pair]:
    """Every translatable text of ``case`` with its English (None where missing),
    in the order of the record. Evidence quotes are not translated, so not here."""
    yield "name", case.name, case.name_en
    yield "summary", case.summary, case.summary_en
    for key in ("types_note", "category", "flow"):
        ja = getattr(case, key)
        if ja is not None:
            yield key, ja, getattr(case, f"{key}_en")
    for key in ("tags", "points", "challenges"):
        ja_items: tuple[str, ...] = getattr(case, key)
        en_items: tuple[str, ...] = getattr(case, f"{key}_en")
        for i, ja in enumerate(ja_items):
            yield f"{key}[{i + 1}]", ja, en_items[i] if i < len(en_items) else None
    subs: tuple[tuple[str, tuple[object, ...], tuple[str, ...]], ...] = (
        ("actors", case.actors, ("name", "role")),
        ("locations", case.locations, ("area", "note")),
        ("timeline", case.timeline, ("event",)),
        ("figures", case.figures, ("label", "unit", "qualifier", "note")),
        ("sources", case.sources, ("section",)),
    )
    for key, items, names in subs:
        for j, item in enumerate(items):
            for name in names:
                ja = getattr(item, name)
                if ja is not None:
                    yield f"{key}[{j + 1}].{name}", ja, getattr(item, f"{name}_en")


def missing(case: Case) -> list[str]:
    """The field paths of the texts of ``case`` that have no English yet."""
    return [path for path, _, en in text_pairs(case) if en is None]
