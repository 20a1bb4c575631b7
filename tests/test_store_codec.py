"""The cache codec, byte by byte: what ``encode_dataset`` writes for a small tree
built by hand, and every way ``decode_dataset`` refuses what it did not write.

The round trip alone (``test_store.py``) cannot see a wrong rebuild plan that
happens to rebuild the same objects more slowly, nor strings no longer shared;
these tests compare the encoded table and body with values written out here.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from kasegeru_cli import models, store

ONE, SEQ, MAP, ANY = 1, 2, 3, 4  # the plan's kinds, as documented in store.py


@dataclass(frozen=True)
class Leaf:
    x: object = None


@dataclass(frozen=True)
class Node:
    name: str
    leaves: tuple[Leaf, ...] = ()
    by_name: dict[str, Leaf] = field(default_factory=dict)
    one: Leaf | None = None
    mixed: tuple[object, ...] = ()
    notes: dict[str, object] = field(default_factory=dict)
    loose: tuple[object, ...] = ()


@dataclass(frozen=True)
class Pair:
    first: Node
    second: Node


@pytest.fixture
def as_models() -> Iterator[None]:
    """Leaf, Node and Pair taken for classes of kasegeru_cli.models, Pair as the Dataset."""
    with pytest.MonkeyPatch.context() as mp:
        for cls in (Leaf, Node, Pair):
            mp.setattr(cls, "__module__", models.__name__)
            mp.setattr(models, cls.__name__, cls, raising=False)
        mp.setattr(models, "Dataset", Pair)
        yield


def full() -> Node:
    return Node(
        "root",
        leaves=(Leaf(1), Leaf(2.5)),
        by_name={"a": Leaf(None)},
        one=Leaf(-3),
        mixed=(Leaf(1), "s", (Leaf(2),), None, True, {"d": Leaf(3)}),
        # every shape a plain tuple or dict may hold, and nothing else
        notes={"s": "v", "n": None, "t": (), "d": {}},
        loose=("s", None, (), {}),
    )


def empty() -> Node:
    return Node("empty")


def leaf(x: object) -> list[object]:
    return [2, {"x": x}]


# Written out by hand: Pair is class 0 (met first), Node 1, Leaf 2.
EXPECTED_CLASSES = (
    ("Pair", ("first", "second"), (("first", ONE), ("second", ONE))),
    ("Node", ("name", "leaves", "by_name", "one", "mixed", "notes", "loose"),
     # name, notes and loose hold plain values only (an empty tuple or dict, None):
     # nothing to rebuild
     (("leaves", SEQ), ("by_name", MAP), ("one", ONE), ("mixed", ANY))),
    ("Leaf", ("x",), ()),
)
EXPECTED_BODY = [0, {
    "first": [1, {
        "name": "root",
        "leaves": (leaf(1), leaf(2.5)),
        "by_name": {"a": leaf(None)},
        "one": leaf(-3),
        "mixed": (leaf(1), "s", (leaf(2),), None, True, {"d": leaf(3)}),
        "notes": {"s": "v", "n": None, "t": (), "d": {}},
        "loose": ("s", None, (), {}),
    }],
    "second": [1, {
        "name": "empty", "leaves": (), "by_name": {}, "one": None, "mixed": (),
        "notes": {}, "loose": (),
    }],
}]


def test_the_encoded_table_and_body() -> None:
    version, classes, body = marshal.loads(store.encode_dataset(Pair(full(), empty())))
    assert version == store.FORMAT
    assert classes == EXPECTED_CLASSES
    assert body == EXPECTED_BODY
    # True stays a bool, 1 an int, 2.5 a float (== would not tell them apart)
    mixed = body[1]["first"][1]["mixed"]
    assert type(mixed[4]) is bool and type(mixed[0][1]["x"]) is int


def test_each_plan_kind_needs_every_value_of_its_field_to_agree() -> None:
    # A field that is a dataclass in one instance and a plain value in another
    # cannot be rebuilt by kind: it is rebuilt value by value (ANY).
    @dataclass(frozen=True)
    class Box:
        v: object

    cases: list[tuple[tuple[object, ...], int | None]] = [
        # field values across instances -> its plan kind (None: not in the plan)
        ((Leaf(1), None), ONE),
        ((Leaf(1), "s"), ANY),
        ((Leaf(1), 5), ANY),
        (((Leaf(1),), ()), SEQ),
        (((Leaf(1),), ("s",)), ANY),
        (((Leaf(1),), None), ANY),
        (({"k": Leaf(1)}, {}), MAP),
        (({"k": Leaf(1)}, {"k": "s"}), ANY),
        (({"k": Leaf(1)}, None), ANY),
        (((Leaf(1),), {"k": Leaf(1)}), ANY),
        (("s", None, (), {}), None),
        (((("s",),), ()), None),  # a tuple of a plain tuple is plain
        ((({"k": ()},), {"k": {}}), None),
        ((((Leaf(1),),), ()), ANY),  # a tuple of a tuple of dataclasses
        (((Leaf(1), "s"),), ANY),  # one tuple holding a dataclass and a string
        (({"k": Leaf(1), "s": "s"},), ANY),  # one dict holding the same
    ]
    for values, kind in cases:
        _, classes, _ = marshal.loads(store.encode_dataset(tuple(Box(v) for v in values)))
        plan = dict(classes[0][2])
        assert plan.get("v") == kind, values


def test_equal_strings_are_written_once() -> None:
    # Built at run time, so not interned: equal, but different objects.
    a, b, k = "".join(["ro", "le"]), "".join(["ro", "le"]), "".join(["ro", "le"])
    assert a is not b and a is not k
    _, _, body = marshal.loads(store.encode_dataset(
        (Leaf(a), Leaf(b), Leaf({k: "x"}), Leaf((a, b)))))
    first, second, third, fourth = (item[1]["x"] for item in body)
    key = next(iter(third))
    assert first == "role" and first is second and key is first
    assert fourth[0] is first and fourth[1] is first


@pytest.mark.parametrize(("value", "message"), [
    ({1: "x"}, "a dict key that is not a string"),
    ({"a": "x", 2: "y"}, "a dict key that is not a string"),
    (["a", "list"], "cannot cache a list"),
    ({"a", "set"}, "cannot cache a set"),
    (Leaf(b"bytes"), "cannot cache a bytes"),
    (Leaf, "cannot cache a type"),
])
def test_what_is_not_plain_data_is_refused(value: object, message: str) -> None:
    with pytest.raises(store._Unsupported) as raised:
        store.encode_dataset(value)
    assert str(raised.value) == message
    assert isinstance(raised.value, TypeError)


def test_the_tree_round_trips(as_models: None) -> None:
    value = Pair(full(), empty())
    decoded: Any = store.decode_dataset(marshal.loads(store.encode_dataset(value)))
    assert decoded == value
    assert type(decoded) is Pair
    assert type(decoded.first.leaves) is tuple and type(decoded.first.leaves[0]) is Leaf
    assert type(decoded.first.mixed[2]) is tuple and type(decoded.first.mixed[2][0]) is Leaf
    assert decoded.first.mixed[5] == {"d": Leaf(3)}
    assert decoded.second.one is None


def test_a_single_node_round_trips_as_the_dataset(as_models: None,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "Dataset", Node)
    root = Node("root", (Leaf(1), Leaf(2.5)), {"a": Leaf(None)}, Leaf(-3),
                (Leaf(1), "s", (Leaf(2),), None, True), {"k": "v"})
    for value in (root, Node("empty")):
        decoded: object = store.decode_dataset(marshal.loads(store.encode_dataset(value)))
        assert decoded == value


def good() -> tuple[object, object, object]:
    version, classes, body = marshal.loads(store.encode_dataset(Pair(full(), empty())))
    return version, classes, body


def with_class(index: int, entry: object) -> tuple[object, ...]:
    version, classes, body = good()
    assert isinstance(classes, tuple)
    table = list(classes)
    table[index] = entry
    return version, tuple(table), body


class NotADataclass:
    pass


@dataclass
class Foreign:
    x: object = None


def refused() -> dict[str, object]:
    version, classes, body = good()
    assert isinstance(classes, tuple) and isinstance(version, int)
    _, node, _ = classes
    body_with: Any = marshal.loads(marshal.dumps(body))  # type: ignore[arg-type]  # a copy
    return {
        # not what encode_dataset writes at all
        "not a sequence": 5,  # TypeError on unpacking
        "too short": ("x",),  # ValueError on unpacking
        "another format": (version + 1, classes, body),
        "an older format": (version - 1, classes, body),
        # the class table
        "a name that is not a string": with_class(2, (3, ("x",), ())),
        "a name models does not have": with_class(2, ("Nowhere", ("x",), ())),
        "a function of models": with_class(2, ("dataclass", ("x",), ())),
        "a class that is no dataclass": with_class(2, ("NotADataclass", ("x",), ())),
        "a dataclass from elsewhere": with_class(2, ("Foreign", ("x",), ())),
        "fields renamed": with_class(2, ("Leaf", ("y",), ())),
        "a field more": with_class(2, ("Leaf", ("x", "y"), ())),
        "a plan for a field it lacks": with_class(2, ("Leaf", ("x",), (("y", ONE),))),
        "an unknown plan kind": with_class(1, (node[0], node[1], (("leaves", 5),))),
        "a plan kind 0": with_class(1, (node[0], node[1], (("leaves", 0),))),
        # the body
        "a class number out of the table": (version, classes, [7, body_with[1]]),
        "a field the row lacks": (version, classes, [0, {"first": body_with[1]["first"]}]),
        "a map that is not a dict": (version, classes, [0, {
            "first": [1, {**body_with[1]["first"][1], "by_name": ("a",)}],
            "second": body_with[1]["second"]}]),
        "a value no model holds": (version, classes, [0, {
            "first": [1, {**body_with[1]["first"][1], "mixed": (b"bytes",)}],
            "second": body_with[1]["second"]}]),
        "a top that is not the Dataset": (version, classes, body_with[1]["first"]),
    }


@pytest.mark.parametrize("case", list(refused()))
def test_what_it_did_not_write_is_refused(as_models: None, case: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "NotADataclass", NotADataclass, raising=False)
    monkeypatch.setattr(models, "Foreign", Foreign, raising=False)
    assert store.decode_dataset(refused()[case]) is None
    # and the same table, untouched, is accepted
    accepted: object = store.decode_dataset(good())
    assert accepted == Pair(full(), empty())


def test_a_field_kept_as_none_is_not_rebuilt(as_models: None) -> None:
    # ONE with None is kept as None; with a value it is rebuilt
    version, classes, body = good()
    decoded: object = store.decode_dataset((version, classes, body))
    assert isinstance(decoded, Pair)
    assert decoded.first.one == Leaf(-3) and decoded.second.one is None
