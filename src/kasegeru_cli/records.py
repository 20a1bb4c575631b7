"""Cases as plain data: the JSON shape, the flat (CSV) shape, and field names.

The JSON record has every field of ``docs/DATA.md`` under the same name, always
present (``null``, ``[]`` or ``false`` when empty), so scripts can rely on keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

from kasegeru_cli.models import Actor, Case, Event, Figure, Location, SourceRef

FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Case))
"""Every field of a record, in the documented order."""
DERIVED: tuple[str, ...] = ("prefectures", "years")
"""Computed fields that ``--fields`` may also ask for."""
LIST_FIELDS = ("id", "name", "types", "prefectures")
"""The columns ``list`` and ``search`` show in a table unless ``--fields`` says otherwise."""

_SUB = {"actors": Actor, "locations": Location, "timeline": Event, "figures": Figure,
        "sources": SourceRef}
# Field names per class, looked up once: dataclasses.fields() on every object
# was a third of `list --json` on 10,000 cases.
_NAMES: dict[type, tuple[str, ...]] = {cls: tuple(f.name for f in fields(cls))
                                       for cls in _SUB.values()}


def _plain(obj: Any) -> dict[str, Any]:
    out = {name: getattr(obj, name) for name in _NAMES[type(obj)]}
    for name, value in out.items():
        if type(value) is tuple:
            out[name] = list(value)
    return out


def case_to_dict(case: Case) -> dict[str, Any]:
    """The full JSON record: nested lists of objects, every key present."""
    out: dict[str, Any] = {}
    for name in FIELDS:
        value = getattr(case, name)
        if name in _SUB:
            out[name] = [_plain(v) for v in value]
        elif isinstance(value, tuple):
            out[name] = list(value)
        elif isinstance(value, dict):
            out[name] = dict(value)
        else:
            out[name] = value
    return out


def records_json(cases: Sequence[Case], cached: Mapping[str, str] | None = None) -> str:
    """The JSON array of the full records of ``cases``: joined from ``cached``
    (each case's record as the cache keeps it, by id) when given, else rendered."""
    if cached is not None:
        from kasegeru_cli.formats.jsonfmt import render_json_array

        return render_json_array([cached[c.id] for c in cases])
    from kasegeru_cli.formats.jsonfmt import render_json

    return render_json([case_to_dict(c) for c in cases])


def hits_json(cases: Sequence[Case], matches: Sequence[dict[str, Any]],
              cached: Mapping[str, str]) -> str:
    """The JSON array of full records each with its ``match`` as the last key:
    the cache's record texts with the match spliced in before the closing brace,
    the same bytes as rendering ``{**record, "match": match}`` anew."""
    from kasegeru_cli.formats.jsonfmt import render_json, render_json_array

    out = []
    for case, match in zip(cases, matches, strict=True):
        element = cached[case.id]
        body = render_json(match)[:-1].replace("\n", "\n    ")
        out.append(f'{element[:-4]},\n    "match": {body}\n  }}')
    return render_json_array(out)


def case_value(case: Case, name: str) -> Any:
    """One field (or derived field) of a case, as JSON data."""
    if name == "prefectures":
        return list(case.prefectures())
    if name == "years":
        return sorted(case.years())
    value = getattr(case, name)
    if name in _SUB:
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return dict(value)
    return list(value) if isinstance(value, tuple) else value


def pick(case: Case, names: tuple[str, ...] | None) -> dict[str, Any]:
    """The JSON record, or only the ``names`` fields of it, in that order."""
    if names is None:
        return case_to_dict(case)
    return {n: case_value(case, n) for n in names}


def flat_value(case: Case, name: str) -> str:
    """A field as one readable string, for CSV cells and table columns."""
    if name == "actors":
        return "; ".join(a.name + (f"（{a.role}）" if a.role else "") + _actor_marks(a)
                         for a in case.actors)
    if name == "locations":
        return "; ".join(f"{loc.label()} [{loc.role}{', planned' if loc.planned else ''}]"
                         for loc in case.locations)
    if name == "topic_evidence":
        return "; ".join(f"{k}: {v}" for k, v in case.topic_evidence.items())
    if name == "timeline":
        return "; ".join(_event_text(e) for e in case.timeline)
    if name == "figures":
        return "; ".join(figure_text(f) for f in case.figures)
    if name == "sources":
        return "; ".join(ref.source + (f" {ref.section}" if ref.section else "")
                         + (f" {ref.item}" if ref.item else "") for ref in case.sources)
    if name == "years":
        return "; ".join(str(y) for y in sorted(case.years()))
    if name == "prefectures":
        return "; ".join(case.prefectures())
    value = getattr(case, name)
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value)
    if value is None:
        return ""
    return str(value)


def _actor_marks(a: Actor) -> str:
    marks = [m for m in (a.kind, "lead" if a.lead else None) if m]
    return f" [{', '.join(marks)}]" if marks else ""


def date_text(date: str, fiscal: bool = False, planned: bool = False,
              until: str | None = None) -> str:
    """``2018`` → ``FY2018``; a span as ``2016–2018``; plans marked ``(planned)``."""
    text = ("FY" if fiscal else "") + date
    if until:
        text += "–" + ("FY" if fiscal else "") + until
    if planned:
        text += " (planned)"
    return text


def _event_text(e: Event) -> str:
    return f"{date_text(e.date, e.fiscal, e.planned, e.until)} {e.event}"


def number_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.10g}"


# Qualifiers written after the number (100人以上, 550箇所超); the rest (約, 延べ,
# およそ, 最大 …) come before it.
_SUFFIX_QUALIFIERS = frozenset({"以上", "超", "程度", "以内", "以下", "未満", "強", "弱", "前後",
                                "余り", "ほど"})


def figure_text(f: Figure) -> str:
    """``拠点数 24拠点 (2019-03)`` — a figure as printed, with its date and marks."""
    suffix = f.qualifier is not None and f.qualifier in _SUFFIX_QUALIFIERS
    amount = f.qualifier if f.qualifier and not suffix else ""
    amount += number_text(f.value)
    if f.value_max is not None:
        amount += "～" + number_text(f.value_max)
    amount += f.unit or ""
    if f.qualifier and suffix:
        amount += f.qualifier
    return f"{f.label} {amount}" + figure_marks(f)


def figure_marks(f: Figure) -> str:
    """`` (2019-03, target, 延べ)``: a figure's date, target mark and note in
    brackets after its amount, or '' for none (both languages' figure texts)."""
    extra = []
    if f.as_of:
        extra.append(date_text(f.as_of, f.fiscal))
    if f.planned:
        extra.append("target")
    if f.note:
        extra.append(f.note)
    return f" ({', '.join(extra)})" if extra else ""

