"""Layout at the widths people have: 40, 60, 80 and 120 columns.

What must hold at every width: no line wider than the terminal; an id, a type
slug and a prefecture printed whole (宮城県 cut to 宮 is 宮崎県 too); no … where
a value was cropped; Japanese lines broken by the 禁則 rules (JIS X 4051).
"""

from __future__ import annotations

import itertools
import re

import pytest
from rich.cells import cell_len

from kasegeru_cli.formats.wrap import (
    NO_END,
    NO_START,
    _allowed,
    break_offsets,
    min_width,
    wrap_lines,
)
from kasegeru_cli.loader import load_files
from kasegeru_cli.store import bundled_path

from .conftest import Cli

WIDTHS = (40, 60, 80, 120)


@pytest.fixture(scope="module")
def _layout_cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("layout-cache"))


@pytest.fixture(autouse=True)
def _shared_cache(_layout_cache: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # One cache for this module's ~50 commands: each would parse the dataset
    # again in a cache of its own (conftest's default), 0.5 s a time.
    monkeypatch.setenv("KASEGERU_CACHE_DIR", _layout_cache)
DATASET = load_files([bundled_path()])
CASES = {c.id: c for c in DATASET.cases}
TYPES = set(DATASET.types)


def _run(cli: Cli, width: int, *args: str) -> list[str]:
    result = cli(*args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines, args
    too_wide = [line for line in lines if cell_len(line) > width]
    assert not too_wide, f"{args} at {width}: {too_wide[:3]}"
    return lines


def _cells(line: str) -> list[str]:
    """The cells of a table line (columns are apart by two spaces or more)."""
    return [c for c in re.split(r" {2,}", line.strip()) if c]


def _kinsoku_broken(lines: list[str]) -> list[str]:
    """Cells that start with a character no line may start with, or end with one
    no line may end with."""
    bad = []
    for line in lines:
        for cell in _cells(line):
            cell = cell.removeprefix("• ")
            if cell and (cell[0] in NO_START or cell[-1] in NO_END):
                bad.append(cell)
    return bad


# ----------------------------------------------------------------------------- the wrapper


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("日本最大級（総面積1,330㎡）のコワーキングスペース。", 10,
     ["日本最大級", "（総面積", "1,330㎡）", "のコワーキ", "ングスペー", "ス。"]),
    ("スタートアップカフェ", 18, ["スタートアップカ", "フェ"]),  # not …カフ/ェ
    ("「知的対流拠点」について", 16, ["「知的対流拠点」", "について"]),
    ("Creative Lounge MOV", 16, ["Creative Lounge", "MOV"]),
    ("ＳＥＮＱ霞が関", 8, ["ＳＥＮＱ", "霞が関"]),  # a full-width word stays one
    ("start-ups", 6, ["start-", "ups"]),
    ("あ……", 3, ["あ", "……"]),  # …… stays together
])
def test_breaks_follow_the_rules(text: str, width: int, lines: list[str]) -> None:
    assert wrap_lines(text, width) == lines


def test_a_run_longer_than_the_width_is_folded_not_lost() -> None:
    assert wrap_lines("medical-design-research-center", 6, hyphens=False) == [
        "medica", "l-desi", "gn-res", "earch-", "center"]
    assert min_width("一般社団法人（FDS）") == 7  # （FDS）: nowhere to break inside


def _texts() -> list[str]:
    out = []
    for c in DATASET.cases:
        out += [c.name, c.summary, c.summary_en, *c.points, *c.challenges,
                *(e.event for e in c.timeline), *(a.name + " " + (a.role or "") for a in c.actors)]
    out += [t.definition for t in DATASET.types.values()]
    out += [s.title for s in DATASET.sources.values()]
    return out


@pytest.mark.parametrize("width", [13, 38])
def test_every_text_of_the_dataset_wraps_by_the_rules(width: int) -> None:
    for text in _texts():
        for para in text.split("\n"):
            offsets = [0, *break_offsets(para, width), len(para)]
            lines = [para[a:b] for a, b in itertools.pairwise(offsets)]
            assert "".join(lines) == para  # nothing lost or doubled
            for prev, line in itertools.pairwise(lines):
                if line[0] in NO_START or prev.rstrip()[-1] in NO_END:
                    # Only where one run had no allowed break (a fold).
                    assert not any(_allowed(prev)[1:len(prev)]), (prev, line)
            assert all(cell_len(line.rstrip()) <= width for line in lines), lines


# ----------------------------------------------------------------------------- commands


@pytest.mark.parametrize("width", WIDTHS)
def test_list_keeps_ids_types_and_prefectures_whole(cli: Cli, width: int) -> None:
    lines = _run(cli, width, "list")
    text = "\n".join(lines)
    assert "…" not in text
    tokens = set(re.split(r"[\s,·]+", text))
    for case in CASES.values():
        assert case.id in tokens, case.id
        for pref in case.prefectures():
            assert pref in tokens, (case.id, pref)
    assert {t.removesuffix("*") for t in tokens} & TYPES == TYPES
    assert not _kinsoku_broken(lines)
    if width >= 120:  # ids of up to 38 characters leave a name no room below that
        assert lines[0].split() == ["id", "name", "types", "prefecture"]


def test_list_at_80_columns_gives_the_name_room(cli: Cli) -> None:
    lines = _run(cli, 80, "list", "--type", "coworking")
    n = len(cli.json("list", "--type", "coworking", "--json"))
    assert len(lines) <= 2.5 * n  # was 78 lines for 31 cases: names over 3-5 lines


@pytest.mark.parametrize("width", WIDTHS)
def test_search_snippets_wrap_by_the_rules(cli: Cli, width: int) -> None:
    lines = _run(cli, width, "search", "空き家")
    assert not _kinsoku_broken(lines)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("case_id", ["co-ba", "future-design-shibuya"])
def test_show_page(cli: Cli, width: int, case_id: str) -> None:
    lines = _run(cli, width, "show", case_id)
    assert any(line.startswith(f"id: {case_id}") for line in lines)  # whole
    assert not _kinsoku_broken(lines), case_id
    assert "…" not in "\n".join(lines) or "…" in str(CASES[case_id])


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("by", ["prefecture", "section"])
def test_stats_bars_are_whole(cli: Cli, width: int, by: str) -> None:
    lines = _run(cli, width, "stats", "--by", by)
    text = "\n".join(lines)
    assert "█…" not in text and "…" not in lines[0]
    counts = cli.json("stats", "--by", by, "--json")
    bar_lines = [line for line in lines if "█" in line]
    assert len(bar_lines) == sum(1 for r in counts if r["cases"])
    # The longest bar reaches the edge: the terminal is used, not cropped.
    assert max(cell_len(line) for line in bar_lines) == width
    if by == "prefecture":
        for row in counts:
            if row[by] is not None:
                assert row[by] in text


@pytest.mark.parametrize("width", WIDTHS)
def test_map_or_why_not(cli: Cli, width: int) -> None:
    from kasegeru_cli.formats.tilemap import MIN_WIDTH

    lines = _run(cli, width, "map")
    text = "\n".join(lines)
    assert "…" not in text
    if width >= MIN_WIDTH:
        assert "北海" in text and "沖縄" in text and "cases: " in text
    else:
        assert f"needs {MIN_WIDTH} columns" in text and "東京都 21" in text


def test_map_legend_colours_differ_on_16_colours() -> None:
    from rich.color import ColorSystem
    from rich.style import Style

    from kasegeru_cli.formats.tilemap import SHADES, _style

    for system in (ColorSystem.STANDARD, ColorSystem.EIGHT_BIT):
        colours = []
        for shade in SHADES:
            bg = Style.parse(_style(shade)).bgcolor
            assert bg is not None
            colours.append(bg.downgrade(system).number)
        assert len(set(colours)) == len(SHADES), (system, colours)
