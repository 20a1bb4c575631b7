"""The dataset back as TOML, in the documented style of ``data/cases.toml``.

Written by hand rather than with a TOML writer package: the schema is small and
fixed, and this keeps the runtime dependencies to typer, rich and tomli. The
output loads back into equal records (tested property-based).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from kasegeru_cli.models import Case, CaseType, Concept, Dataset, Source, Topic

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}


def toml_string(s: str) -> str:
    out = []
    for ch in s:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_key(k: str) -> str:
    return k if _BARE_KEY.fullmatch(k) else toml_string(k)  # "$" would pass "a\n"


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        text = repr(v)
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def _defaults(obj: Any) -> Iterable[tuple[str, Any]]:
    """(key, value) of a dataclass, leaving out what equals its default."""
    for f in fields(obj):
        value = getattr(obj, f.name)
        if value is None or value is False or value == () or value == {}:
            continue
        yield f.name, value


def _table_lines(obj: Any, skip: tuple[str, ...] = ()) -> list[str]:
    return [f"{toml_key(k)} = {toml_value(v)}" for k, v in _defaults(obj)
            if k not in skip and not _is_subtable(v)]


def _is_subtable(v: Any) -> bool:
    return isinstance(v, tuple) and bool(v) and hasattr(v[0], "__dataclass_fields__")


def render_case(case: Case) -> str:
    lines = ["[[cases]]", *_table_lines(case)]
    for name in ("actors", "locations", "timeline", "figures", "sources"):
        for item in getattr(case, name):
            lines += ["", f"[[cases.{name}]]", *_table_lines(item)]
    return "\n".join(lines) + "\n"


def _type_block(t: CaseType) -> str:
    return "\n".join([f"[types.{toml_key(t.slug)}]", *_table_lines(t, skip=("slug",))]) + "\n"


def _topic_block(t: Topic) -> str:
    return "\n".join([f"[topics.{toml_key(t.slug)}]", *_table_lines(t, skip=("slug",))]) + "\n"


def _concept_block(c: Concept) -> str:
    return "\n".join([f"[concepts.{toml_key(c.slug)}]", *_table_lines(c, skip=("slug",))]) + "\n"


def _source_block(s: Source) -> str:
    return "\n".join([f"[sources.{toml_key(s.id)}]", *_table_lines(s, skip=("id",))]) + "\n"


def render_toml(dataset: Dataset, cases: Iterable[Case] | None = None) -> str:
    """A complete case file: the types, the sources and the (given) cases."""
    parts = [f"schema_version = {dataset.schema_version}\n"]
    parts += [_type_block(t) for t in dataset.types.values()]
    parts += [_topic_block(t) for t in dataset.topics.values()]
    parts += [_concept_block(c) for c in dataset.concepts.values()]
    parts += [_source_block(s) for s in dataset.sources.values()]
    parts += [render_case(c) for c in (dataset.cases if cases is None else cases)]
    return "\n".join(parts)
