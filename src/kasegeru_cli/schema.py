"""JSON Schemas (draft 2020-12) of everything the commands print as JSON.

The record schema is derived from the dataclasses in :mod:`models`, the same
source the JSON output is made from, so the two cannot drift apart. Every key
is required because the JSON output always has every key.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from kasegeru_cli import __version__
from kasegeru_cli.loader import MAX_INT, MAX_ITEMS, MAX_TEXT
from kasegeru_cli.models import (
    ACTOR_KINDS,
    FLOWS,
    LOCATION_ROLES,
    TYPE_SLUGS,
    TYPES_BASES,
    Actor,
    Case,
    Event,
    Figure,
    Location,
    SourceRef,
)

DRAFT = "https://json-schema.org/draft/2020-12/schema"
ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
DATE_FIELDS = {"date", "until", "as_of", "started"}
# What the loader refuses (docs/DATA.md, "What any value may hold"), said here
# too: no bidirectional control in any text, no zero-width character in an
# alias, at most MAX_TEXT characters a text and MAX_ITEMS items a list, no
# whole number beyond 2^53-1.
_BIDI = "\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069"
TEXT_PATTERN = f"^[^{_BIDI}]*$"
ALIAS_PATTERN = f"^[^{_BIDI}\\u200b-\\u200d\\u2060\\ufeff]*$"

_SUB = {Actor: "actor", Location: "location", Event: "event", Figure: "figure",
        SourceRef: "source_ref"}
_ENUMS: dict[str, list[Any]] = {
    "types_basis": [*TYPES_BASES, None],
    "kind@actor": [*ACTOR_KINDS, None],
    "sector": ["public", "private", None],
    "flow": [*FLOWS, None],
    "role@location": list(LOCATION_ROLES),
}


def _json_type(tp: Any, name: str, owner: str) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        inner = [a for a in args if a is not type(None)]
        nullable = len(inner) != len(args)
        if set(inner) == {float, int}:
            base: dict[str, Any] = {"type": "number"}
        elif len(inner) == 1:
            base = _json_type(inner[0], name, owner)
        else:
            base = {"type": "string"}  # a Literal's members
        if nullable:
            if "type" in base:
                base = {**base, "type": [base["type"], "null"]}
            else:
                base = {"anyOf": [base, {"type": "null"}]}
        return base
    if origin is tuple:
        (item, _) = typing.get_args(tp)
        if item in _SUB:
            return {"type": "array", "maxItems": MAX_ITEMS,
                    "items": {"$ref": f"#/$defs/{_SUB[item]}"}}
        return {"type": "array", "maxItems": MAX_ITEMS,
                "items": {"type": "string", "maxLength": MAX_TEXT, "pattern": TEXT_PATTERN}}
    if origin is typing.Literal:
        return {"type": "string"}
    if origin is dict:
        return {"type": "object", "maxProperties": MAX_ITEMS, "additionalProperties": {
            "type": "string", "maxLength": MAX_TEXT, "pattern": TEXT_PATTERN}}
    if tp is str:
        schema: dict[str, Any] = {"type": "string", "maxLength": MAX_TEXT}
        schema["pattern"] = DATE_PATTERN if name in DATE_FIELDS else TEXT_PATTERN
        return schema
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer", "minimum": -MAX_INT, "maximum": MAX_INT}
    raise TypeError(f"no JSON type for {tp!r} ({owner}.{name})")


def _object(cls: type, title: str) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    props: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        prop = _json_type(hints[f.name], f.name, cls.__name__)
        doc = _ATTRIBUTE_DOCS.get((cls.__name__, f.name)) or _english_doc(cls, f.name)
        if doc:
            prop["description"] = doc
        enum = _ENUMS.get(f"{f.name}@{_SUB.get(cls, '')}") or (
            _ENUMS.get(f.name) if cls is Case else None)
        if enum is not None:
            prop["enum"] = enum
        props[f.name] = prop
    if cls is Case:
        props["id"]["pattern"] = ID_PATTERN
        props["types"]["items"] = {"enum": list(TYPE_SLUGS)}
        props["topics"]["items"] = {"type": "string", "pattern": ID_PATTERN}
        props["aliases"]["items"] = {"type": "string", "maxLength": MAX_TEXT,
                                     "pattern": ALIAS_PATTERN}
    if cls is Location:
        from kasegeru_cli.prefectures import REGIONS

        props["regions"]["items"] = {"enum": [r.slug for r in REGIONS]}
    return {"type": "object", "title": title, "properties": props,
            "required": list(props), "additionalProperties": False}


def _english_doc(cls: type, name: str) -> str | None:
    """The description of an English field (``points_en``): what it translates."""
    base = name[:-3]
    if not name.endswith("_en") or base not in {f.name for f in dataclasses.fields(cls)} or \
            (cls is Case and base in ("name", "summary")):
        return None
    if cls is Case and base in ("tags", "points", "challenges"):
        return (f"English of {base}, item for item (same length and order); [] where the "
                "record has no English yet (docs/DATA.md \"English\")")
    return (f"English of {base}; null where {base} is null or not translated yet "
            "(docs/DATA.md \"English\")")


_ATTRIBUTE_DOCS = {
    ("Case", "types_basis"): "named: the 2019 report names this case under the type; group: "
                             "it places the case's section or survey group; editorial: ours",
    ("Case", "topics"): "editorial: topic slugs (`kasegeru topics`) the case's text meets",
    ("Case", "topic_evidence"): "for each topic, the phrase of the record that meets it",
    ("Case", "started"): "editorial: the printed date of the case's own founding or launch",
    ("Case", "started_fiscal"): "started is a Japanese fiscal year (年度)",
    ("Actor", "kind"): "editorial: company, university, municipality …",
    ("Actor", "lead"): "editorial: runs, set up or carries out the case",
    ("Location", "regions"): "editorial: regions of a place printed only as an area",
    ("Location", "planned"): "the scheme is only planned or considered there",
    ("Case", "category"): "the document's own heading for the case, verbatim",
    ("Location", "role"): "main, partner, site (one of a network's sites) or scope",
    ("Event", "fiscal"): "the date is a Japanese fiscal year (年度, April-March)",
    ("Event", "planned"): "予定・見込み・目標: not (yet) done",
    ("Figure", "planned"): "a target rather than an achieved value",
    ("SourceRef", "source"): "an id from `kasegeru sources`",
}


_TOP_EN = "English of {}; null where not translated yet (docs/DATA.md \"English\")"


def _defs() -> dict[str, Any]:
    defs = {name: _object(cls, cls.__name__) for cls, name in _SUB.items()}
    defs["case"] = _object(Case, "Case")
    match = {"type": "object", "required": ["score", "field", "snippet", "tier", "concepts"],
             "additionalProperties": False, "properties": {
                 "score": {"type": "number"}, "field": {"type": "string"},
                 "snippet": {"type": "string"},
                 "tier": {"enum": ["about", "mention"], "description": "about: the term is in "
                          "the case's name, aliases, summary, tags, actors' names or topic "
                          "evidence, or the case is filed under its topic; mention: elsewhere"},
                 "concepts": {"type": "array", "items": {"type": "string"},
                              "description": "the topics and concepts the terms were read as"}}}
    hit = {"type": "object", "title": "SearchHit",
           "properties": {**defs["case"]["properties"], "match": match},
           "required": [*defs["case"]["required"], "match"], "additionalProperties": False}
    defs["search_hit"] = hit
    defs["type"] = {"type": "object", "additionalProperties": False, "properties": {
        "slug": {"enum": list(TYPE_SLUGS)}, "name": {"type": "string"},
        "name_en": {"type": "string"}, "definition": {"type": "string"},
        "definition_en": {"type": ["string", "null"], "description": _TOP_EN.format("definition")},
        "defined_in": {"type": "string"},
        "examples": {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}},
        "cases_named": {"type": "integer"}, "cases_group": {"type": "integer"},
        "cases_editorial": {"type": "integer"}},
        "required": ["slug", "name", "name_en", "definition", "definition_en", "defined_in",
                     "examples",
                     "cases_named", "cases_group", "cases_editorial"]}
    defs["topic"] = {"type": "object", "additionalProperties": False, "properties": {
        "slug": {"type": "string", "pattern": ID_PATTERN}, "name": {"type": "string"},
        "name_en": {"type": "string"}, "criterion": {"type": "string"},
        "criterion_en": {"type": ["string", "null"], "description": _TOP_EN.format("criterion")},
        "variants": {"type": "array", "items": {"type": "string"}},
        "cases": {"type": "integer"},
        "concepts": {"type": "array", "items": {"$ref": "#/$defs/concept"}}},
        "required": ["slug", "name", "name_en", "criterion", "criterion_en", "variants",
                     "cases", "concepts"]}
    strings = {"type": "array", "items": {"type": "string"}}
    defs["concept"] = {"type": "object", "additionalProperties": False, "properties": {
        "slug": {"type": "string", "pattern": ID_PATTERN}, "pref": {"type": "string"},
        "pref_en": {"type": "string"}, "alt": strings, "alt_en": strings, "hidden": strings,
        "related": strings, "narrower": {"type": "array", "items": {"$ref": "#/$defs/concept"}}},
        "required": ["slug", "pref", "pref_en", "alt", "alt_en", "hidden", "related",
                     "narrower"]}
    defs["source"] = {"type": "object", "additionalProperties": False, "properties": {
        "id": {"type": "string"}, "file": {"type": "string"}, "title": {"type": "string"},
        "title_en": {"type": "string"}, "publisher": {"type": ["string", "null"]},
        "date": {"type": "string", "pattern": DATE_PATTERN},
        "date_note": {"type": ["string", "null"]},
        "sections": {"type": "array", "items": {"type": "string"}},
        "expected_cases": {"type": ["integer", "null"], "minimum": -MAX_INT,
                           "maximum": MAX_INT}, "cases": {"type": "integer"}},
        "required": ["id", "file", "title", "title_en", "publisher", "date", "date_note",
                     "sections", "expected_cases", "cases"]}
    defs["stats_row"] = {"type": "object", "minProperties": 2, "maxProperties": 2,
                         "required": ["cases"], "properties": {"cases": {"type": "integer"}},
                         "additionalProperties": {"type": ["string", "null"]}}
    defs["map_row"] = {"type": "object", "additionalProperties": False, "properties": {
        "code": {"type": "integer"}, "prefecture": {"type": "string"},
        "region": {"type": "string"}, "cases": {"type": "integer"},
        "row": {"type": "integer"}, "col": {"type": "integer"}},
        "required": ["code", "prefecture", "region", "cases", "row", "col"]}
    defs["citation"] = {"type": "object", "additionalProperties": False, "properties": {
        "source": {"type": "string"}, "ja": {"type": "string"}, "en": {"type": "string"}},
        "required": ["source", "ja", "en"]}
    return defs


OUTPUTS: dict[str, tuple[str, str]] = {
    # name: (what the output is, its top-level shape)
    "case": ("`show --json`: one full record", "object"),
    "list": ("`list --json` and `export --format json`: an array of full records", "array"),
    "search": ("`search --json`: records with their match", "array"),
    "types": ("`types --json`", "array"),
    "topics": ("`topics --json`", "array"),
    "sources": ("`sources --json`", "array"),
    "stats": ("`stats --json`: one {<dimension>: value, cases: n} per row", "array"),
    "map": ("`map --json`: one row per prefecture", "array"),
    "cite": ("`cite --json`: the credit lines of a case", "array"),
}
_ITEM = {"list": "case", "search": "search_hit", "types": "type", "topics": "topic",
         "sources": "source",
         "stats": "stats_row", "map": "map_row", "cite": "citation"}


DERIVED_SCHEMAS: dict[str, dict[str, Any]] = {
    "prefectures": {"type": "array", "items": {"type": "string"},
                    "description": "prefectures where the case is (main places)"},
    "years": {"type": "array", "items": {"type": "integer"},
              "description": "every year of a dated event or figure"},
}


def json_schema(output: str = "list", fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The JSON Schema of one command's JSON output (see :data:`OUTPUTS`); with
    ``fields``, of its records cut to those fields (``--fields``), in that order."""
    if output not in OUTPUTS:
        raise KeyError(output)
    if fields is not None:
        cut = json_schema(output)
        for name in ("case", "search_hit"):
            record = cut["$defs"][name]
            props = {f: record["properties"].get(f) or DERIVED_SCHEMAS[f] for f in fields}
            if name == "search_hit":
                props["match"] = record["properties"]["match"]
            record["properties"] = props
            record["required"] = list(props)
        return cut
    title, shape = OUTPUTS[output]
    schema: dict[str, Any] = {
        "$schema": DRAFT,
        "title": f"kasegeru {__version__} {title}",
    }
    if shape == "object":
        schema["$ref"] = "#/$defs/case"
    else:
        schema.update({"type": "array", "items": {"$ref": f"#/$defs/{_ITEM[output]}"}})
    schema["$defs"] = _defs()
    return schema
