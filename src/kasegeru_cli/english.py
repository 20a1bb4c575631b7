"""The English kept beside a record's Japanese texts (docs/DATA.md "English").

One walk over a case's translatable texts, as (field path, Japanese, English or
None) triples, for the glossary check (``scripts/glossary.py``), the English
page of ``show --lang en`` and English search.
"""

from __future__ import annotations

from collections.abc import Iterator

from kasegeru_cli.models import Case, Figure, Location

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


def in_english(case: Case) -> Case:
    """``case`` with each Japanese text replaced by its English where it has one
    (the page of ``show --lang en``): an actor's name becomes ``English (日本語)``,
    the Japanese kept beside it; a text with no English yet stays Japanese."""
    from dataclasses import replace

    def pick(ja: str | None, en: str | None) -> str | None:
        return en if en is not None else ja

    def pick_str(ja: str, en: str | None) -> str:
        return en if en is not None else ja

    def items(ja: tuple[str, ...], en: tuple[str, ...]) -> tuple[str, ...]:
        return en if len(en) == len(ja) else ja

    return replace(
        case,
        types_note=pick(case.types_note, case.types_note_en),
        category=pick(case.category, case.category_en),
        flow=pick(case.flow, case.flow_en),
        tags=items(case.tags, case.tags_en),
        points=items(case.points, case.points_en),
        challenges=items(case.challenges, case.challenges_en),
        actors=tuple(replace(a, name=f"{a.name_en} ({a.name})" if a.name_en else a.name,
                             role=pick(a.role, a.role_en)) for a in case.actors),
        locations=tuple(replace(loc, area=pick(loc.area, loc.area_en),
                                note=pick(loc.note, loc.note_en)) for loc in case.locations),
        timeline=tuple(replace(e, event=pick_str(e.event, e.event_en)) for e in case.timeline),
        figures=tuple(replace(f, label=pick_str(f.label, f.label_en), unit=pick(f.unit, f.unit_en),
                              qualifier=pick(f.qualifier, f.qualifier_en),
                              note=pick(f.note, f.note_en)) for f in case.figures),
        sources=tuple(replace(r, section=pick_str(r.section, r.section_en)) for r in case.sources),
    )


def place_label(loc: Location) -> str:
    """``Miyagi, 仙台市 (Tohoku University Aobayama Campus)``: the prefecture by its
    romanised name, the municipality as printed (not translated in the data), the
    area as given (English once :func:`in_english` has replaced it)."""
    from kasegeru_cli.prefectures import BY_NAME

    pref = BY_NAME.get(loc.prefecture) if loc.prefecture else None
    head = ", ".join(p for p in (
        loc.country, pref.romaji.capitalize() if pref else loc.prefecture, loc.municipality)
        if p)
    if loc.area:
        return f"{head} ({loc.area})" if head else loc.area
    return head


def figure_text(f: Figure) -> str:
    """``Members: about 120 people (2019-03, cumulative)`` — an English figure: the
    number unchanged, the qualifier before it (after it for "or more" …)."""
    from kasegeru_cli.records import figure_marks, number_text

    amount = number_text(f.value)
    if f.value_max is not None:
        amount += "–" + number_text(f.value_max)
    if f.unit:
        amount += f.unit if f.unit in ("%", "％") else f" {f.unit}"
    if f.qualifier:
        amount = (f"{amount} {f.qualifier}" if f.qualifier.startswith("or ")
                  else f"{f.qualifier} {amount}")
    return f"{f.label}: {amount}" + figure_marks(f)


def search_texts(case: Case) -> Iterator[tuple[str, str]]:
    """The English texts search reads beside the Japanese ones of
    :func:`kasegeru_cli.search.searchable_texts`, each under its ``_en`` field name
    (``points_en`` …); a record with no English yet gives nothing here."""
    for key in ("tags", "category", "points", "challenges"):
        value = getattr(case, f"{key}_en")
        for text in (value if isinstance(value, tuple) else (value,) if value else ()):
            yield f"{key}_en", text
    for a in case.actors:
        if a.name_en or a.role_en:
            yield "actors_en", " ".join(p for p in (a.name_en, a.role_en and f"({a.role_en})")
                                        if p)
    for loc in case.locations:
        for text in (loc.area_en, loc.note_en):
            if text:
                yield "locations_en", text
    for ev in case.timeline:
        if ev.event_en:
            yield "timeline_en", f"{ev.date} {ev.event_en}"
    for fig in case.figures:
        if fig.label_en:
            yield "figures_en", fig.label_en
    if case.types_note_en:
        yield "types_note_en", case.types_note_en
    for ref in case.sources:
        if ref.section_en:
            yield "sources_en", ref.section_en
