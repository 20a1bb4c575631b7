"""A case as the web view's case page reads it: ``kasegeru show``'s sections as JSON.

:func:`case_page` is stored in the SQLite export (table ``case_pages``, one row
per case, column ``page``) so that the row page ``/cases/cases/<id>`` can show
the record as ``show`` prints it, with the same texts (figures, dates, places),
without reading the TOML again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kasegeru_cli.models import Case, Dataset
from kasegeru_cli.records import date_text, figure_text

BASIS = {"named": "the 2019 report names this case under the type",
         "group": "the 2019 report places this case's group or section"}


def case_page(case: Case, dataset: Dataset, keep: Mapping[str, Case]) -> dict[str, Any]:
    """The sections of ``kasegeru show ID`` for ``case``; related cases only those
    in ``keep`` (the cases exported, by id)."""
    from kasegeru_cli.formats.table import credit_ja

    sources = dict.fromkeys(r.source for r in case.sources)
    related = [keep[r] for r in case.related if r in keep]
    return {
        "id": case.id, "name": case.name, "name_en": case.name_en,
        "aliases": list(case.aliases),
        "types": [{"slug": t, "name": dataset.types[t].name if t in dataset.types else t,
                   "name_en": dataset.types[t].name_en if t in dataset.types else t}
                  for t in case.types],
        "basis": BASIS.get(case.types_basis or "", "editorial judgement") if case.types
        else None,
        "types_note": case.types_note,
        "facts": [[k, v] for k, v in (("category", case.category), ("flow", case.flow),
                                      ("sector", case.sector)) if v],
        "tags": list(case.tags),
        "topics": [{"slug": t, "name": dataset.topics[t].name if t in dataset.topics else t,
                    "name_en": dataset.topics[t].name_en if t in dataset.topics else t,
                    "evidence": case.topic_evidence.get(t)} for t in case.topics],
        "started": date_text(case.started, case.started_fiscal) if case.started else None,
        "started_evidence": case.started_evidence,
        "summary": case.summary, "summary_en": case.summary_en,
        "points": list(case.points), "challenges": list(case.challenges),
        "timeline": [[date_text(e.date, e.fiscal, e.planned, e.until), e.event]
                     for e in sorted(case.timeline, key=lambda e: e.date)],
        "figures": [figure_text(f) for f in case.figures],
        "actors": [{"name": a.name, "role": a.role,
                    "marks": [m for m in (a.kind, "lead" if a.lead else None) if m]}
                   for a in case.actors],
        "places": [{"role": loc.role + (" (planned)" if loc.planned else ""),
                    "label": loc.label(), "note": loc.note, "regions": list(loc.regions)}
                   for loc in case.locations],
        "sources": [{"source": r.source,
                     "title": dataset.sources[r.source].title if r.source in dataset.sources
                     else r.source,
                     "section": r.section, "item": r.item} for r in case.sources],
        "related": [{"id": r.id, "name": r.name, "name_en": r.name_en} for r in related],
        "credits": [credit_ja(s.title, s.publisher, s.date_note or s.date)
                    for sid in sources if (s := dataset.sources.get(sid)) is not None],
    }
