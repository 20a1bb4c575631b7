"""The loader's locating and checking at their edges: the scan that finds where
a file nests too deeply (run only after the parser gave up), the line a
problem in a table is reported at, and type checks the bundled data never
trips. Every expected line and message is worked out from the text given."""

from __future__ import annotations

from pathlib import Path

import pytest

from kasegeru_cli.loader import MAX_DEPTH, DatasetError, _deepest, load_files

from .conftest import MINIMAL

DEEP = "[" * (MAX_DEPTH + 1)
EDGE = "[" * MAX_DEPTH
ARRAYS = "arrays or inline tables inside each other"
DOTTED = "a dotted key with too many parts"


@pytest.mark.parametrize(("text", "found"), [
    (DEEP, (1, ARRAYS)),                        # the very first character counts
    (EDGE, (None, "deep structure")),           # as deep as allowed: nothing found
    ("x = 1\n" + DEEP, (2, ARRAYS)),
    ("[]" * (MAX_DEPTH + 5), (None, "deep structure")),  # closed as often as opened
    (EDGE + "]" + "[[", (1, ARRAYS)),             # one closed, two more opened: one past
    ("X" * (MAX_DEPTH + 1), (None, "deep structure")),
    ("]]]" + DEEP, (None, "deep structure")),     # three closed first: never past the edge
    # strings and comments hide brackets
    ('x = "' + DEEP + '"\n', (None, "deep structure")),
    ("x = '" + DEEP + "'\n", (None, "deep structure")),
    ("# " + DEEP + "\n" + "x = 1", (None, "deep structure")),
    ("# " + DEEP, (None, "deep structure")),     # a comment that ends the file
    # an escaped quote does not end a string; the next one does
    ('x = "\\""\n' + DEEP, (2, ARRAYS)),
    ('x = "\\' + DEEP + '"\n', (None, "deep structure")),
    # a triple-quoted string ends only at three quotes
    ('x = """a"b""c"""\n' + DEEP, (2, ARRAYS)),
    ("x = '''a'b''c'''\n" + DEEP, (2, ARRAYS)),
    ('x = """\n' + DEEP + '\n"""\n', (None, "deep structure")),
    # upper-case X is an ordinary character
    ("X = " + DEEP, (1, ARRAYS)),
    ("XXX" + DEEP, (1, ARRAYS)),
    # dotted keys: counted before the "=" only, from 0 on every line
    ("a" + ".a" * (MAX_DEPTH + 1) + " = 1", (1, DOTTED)),
    ("a" + ".a" * MAX_DEPTH + " = 1", (None, "deep structure")),
    ("x = 1\n" + "a" + ".a" * MAX_DEPTH + " = 1", (None, "deep structure")),
    ("x = 1\n" + "a" + ".a" * (MAX_DEPTH + 1) + " = 1", (2, DOTTED)),
    ("k = " + "1." * (MAX_DEPTH + 2), (None, "deep structure")),  # dots in a value
    ("aX" + ".a" * (MAX_DEPTH + 1) + " = 1", (1, DOTTED)),
])
def test_where_nesting_goes_too_deep(text: str, found: tuple[int | None, str]) -> None:
    assert _deepest(text) == found


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError) as info:
        load_files([path])
    return [str(p).replace(str(path), "mine.toml") for p in info.value.problems]


def test_a_field_is_located_on_its_own_line(tmp_path: Path) -> None:
    # MINIMAL: [types.coworking] on line 3, its name on line 4
    text = MINIMAL.replace('name = "コワーキング型"', "name = 1")
    assert [p for p in problems(tmp_path, text) if "types.coworking" in p] == [
        "mine.toml:4: field types.coworking.name: must be a string, not an integer"]


def test_a_field_is_looked_for_inside_its_own_table(tmp_path: Path) -> None:
    # two types, the first ending with its name on the line before the second's
    # header: the second's bad name is on line 12
    text = MINIMAL.replace(
        '[types.coworking]\nname = "コワーキング型"\nname_en = "Coworking"\n'
        'definition = "拠点を形成し…"\ndefined_in = "別紙1"\n',
        '[types.coworking]\nname_en = "Coworking"\ndefinition = "拠点を形成し…"\n'
        'defined_in = "別紙1"\nname = "コワーキング型"\n'
        '[types.network]\nname_en = "Network"\ndefinition = "d"\ndefined_in = "別紙1"\n'
        'name = 2\n')
    assert [p for p in problems(tmp_path, text) if "types.network" in p] == [
        "mine.toml:12: field types.network.name: must be a string, not an integer"]


def test_a_table_level_problem_is_located_at_its_header(tmp_path: Path) -> None:
    text = MINIMAL.replace("[sources.mine]", "[extra]\nx = 1\n\n[sources.mine]")
    [extra] = [p for p in problems(tmp_path, text) if "extra" in p]
    assert extra.startswith("mine.toml:9: "), extra


def test_whole_numbers_are_not_booleans(tmp_path: Path) -> None:
    for value, name in (("true", "a boolean"), ('"3"', "a string")):
        text = MINIMAL.replace('date = "2024-01"', f'date = "2024-01"\nexpected_cases = {value}')
        assert any(f"expected_cases: must be a whole number, not {name}" in p
                   for p in problems(tmp_path, text)), value


def test_prose_lists_take_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(MINIMAL.replace('types_basis = "editorial"',
                                    'types_basis = "editorial"\npoints = ["一行目\\n二行目"]'),
                    encoding="utf-8")
    assert load_files([path]).cases[0].points == ("一行目\n二行目",)
