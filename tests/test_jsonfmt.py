"""The JSON printer: exactly json.dumps(indent=2), only faster."""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kasegeru_cli.formats.jsonfmt import render_json, render_json_array
from kasegeru_cli.store import array_element, document_of

from .conftest import examples

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["", "\n", "\r\n", "\t", "\x00", "\u2028", '"', "\\", "〜―", "😀", "ｺｰﾊﾞ", "co-ba渋谷"])
SCALARS = (st.none() | st.booleans() | st.integers() | TEXT
           | st.floats(allow_nan=True, allow_infinity=True))
VALUES = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(TEXT, inner, max_size=4), max_leaves=30)


def reference(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


@settings(max_examples=examples(400))
@given(VALUES)
def test_same_text_as_json_dumps(value: Any) -> None:
    assert render_json(value) == reference(value)


@given(st.lists(VALUES, max_size=5))
def test_an_array_from_its_elements_texts_is_the_array_rendered(values: list[Any]) -> None:
    elements = [array_element(render_json(v)) for v in values]
    assert render_json_array(elements) == reference(values)
    assert [document_of(e) for e in elements] == [reference(v) for v in values]


class Colour(str, Enum):
    red = "red"


def test_what_json_dumps_alone_handles_still_prints_the_same() -> None:
    # A non-str key, a str enum, an int subclass: left to, or printed as, json.dumps.
    for value in ({1: "a", None: [True]}, {"c": Colour.red}, [Colour.red, True, 1.5],
                  {"nested": {2.5: "x"}}):
        assert render_json(value) == reference(value)
