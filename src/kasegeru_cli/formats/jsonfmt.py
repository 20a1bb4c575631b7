"""JSON and JSON Lines: UTF-8 with Japanese as is, keys in the documented order."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


def render_json(data: Any) -> str:
    """One JSON document (an array for lists, an object for one record)."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_jsonl(rows: Iterable[Any]) -> str:
    """One compact JSON object per line."""
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in rows)
