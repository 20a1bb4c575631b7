"""A tile-grid map of Japan's 47 prefectures for the terminal.

Each prefecture is one tile (its two-character short name over its count),
placed on a grid that keeps neighbours roughly where a reader expects them:
Hokkaido top right, Kyushu and Okinawa bottom left. With colour, tiles are
shaded by count; without it, the counts carry the same information.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from kasegeru_cli.prefectures import BY_NAME

# (row, column) of each prefecture on the grid.
LAYOUT: dict[str, tuple[int, int]] = {
    "北海道": (0, 11),
    "青森県": (2, 11),
    "秋田県": (3, 10), "岩手県": (3, 11),
    "石川県": (4, 7), "富山県": (4, 8), "新潟県": (4, 9), "山形県": (4, 10), "宮城県": (4, 11),
    "島根県": (5, 3), "鳥取県": (5, 4), "兵庫県": (5, 5), "京都府": (5, 6), "福井県": (5, 7),
    "岐阜県": (5, 8), "長野県": (5, 9), "群馬県": (5, 10), "福島県": (5, 11),
    "山口県": (6, 2), "広島県": (6, 3), "岡山県": (6, 4), "大阪府": (6, 5), "滋賀県": (6, 6),
    "愛知県": (6, 7), "山梨県": (6, 8), "埼玉県": (6, 9), "栃木県": (6, 10), "茨城県": (6, 11),
    "佐賀県": (7, 0), "福岡県": (7, 1), "愛媛県": (7, 3), "香川県": (7, 4), "和歌山県": (7, 5),
    "奈良県": (7, 6), "三重県": (7, 7), "静岡県": (7, 8), "東京都": (7, 9), "千葉県": (7, 10),
    "長崎県": (8, 0), "熊本県": (8, 1), "大分県": (8, 2), "高知県": (8, 3), "徳島県": (8, 4),
    "神奈川県": (8, 9),
    "鹿児島県": (9, 1), "宮崎県": (9, 2),
    "沖縄県": (10, 0),
}
assert len(LAYOUT) == 47 and set(LAYOUT) == set(BY_NAME)

ROWS = 1 + max(r for r, _ in LAYOUT.values())
COLS = 1 + max(c for _, c in LAYOUT.values())
# Sequential (grey, blue, cyan, orange, red) and still five different colours
# when a 16-colour terminal downgrades them (8, 4, 6, 3, 1).
SHADES = ("grey23", "blue3", "dark_cyan", "orange3", "red3")
TEXT_ON = {"orange3": "bold black"}
"""The text colour on a shade where white would be hard to read."""
MIN_WIDTH = 4 * 12 + 11
"""Twelve 4-cell tiles and the gaps between them."""


def tile_label(prefecture: str) -> str:
    """Two characters: 宮崎, 北海, 神奈, 鹿児."""
    return BY_NAME[prefecture].short[:2]


# Doubling bins (1, 2-3, 4-7, 8+): a few prefectures (東京都) hold many cases
# and most hold a handful, so equal-width bins would paint nearly all alike.
BINS = (1, 2, 4, 8)


def _shade(count: int) -> int:
    return sum(1 for lo in BINS if count >= lo)


def _style(shade: str) -> str:
    return f"{TEXT_ON.get(shade, 'bold white')} on {shade}"


def tile_map(counts: Mapping[str, int], title: str) -> RenderableType:
    """The grid, or where the terminal is narrower than :data:`MIN_WIDTH` cells,
    a sentence saying so and the counts as a list in columns (:func:`count_columns`)."""
    return _TileMap(counts, title)


class _TileMap:
    def __init__(self, counts: Mapping[str, int], title: str) -> None:
        self.counts, self.title = counts, title

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        if width >= MIN_WIDTH:
            yield _grid(self.counts, self.title)
            return
        from kasegeru_cli.formats.wrap import JaText

        entries = [f"{p} {n}" for p, n in sorted(self.counts.items(), key=lambda kv: -kv[1])
                   if n]
        yield Text(self.title, style="bold")
        yield JaText(f"The map needs {MIN_WIDTH} columns and this terminal has {width}; "
                     "widen it, or see `kasegeru stats --by prefecture`. By prefecture:"
                     + ("" if entries else " none."))
        if entries:
            yield count_columns(entries, width)


LIST_GAP = 2
"""Spaces between the columns of the narrow map's list."""


def count_columns(entries: list[str], width: int) -> Text:
    """``entries`` (``宮城県 3``) in as many columns as fit in ``width`` cells,
    row by row, each entry whole on its line: a prefecture's name is never
    broken (山形 / 県 5). An entry wider than ``width`` (none of the 47 is
    wider than 11 cells, with a four-digit count) is one line of its own."""
    from rich.cells import cell_len

    cell = max(cell_len(e) for e in entries)
    per_line = max(1, (width + LIST_GAP) // (cell + LIST_GAP))
    lines = []
    for i in range(0, len(entries), per_line):
        row = entries[i:i + per_line]
        lines.append((" " * LIST_GAP).join(e + " " * (cell - cell_len(e)) for e in row)
                     .rstrip())
    return Text("\n".join(lines), no_wrap=True, overflow="ignore")


def _grid(counts: Mapping[str, int], title: str) -> RenderableType:
    """The grid: a 4-cell tile per prefecture, name on one line and count below."""
    grid = Table.grid(padding=(0, 1))
    for _ in range(COLS):
        grid.add_column(width=4, no_wrap=True)
    cells: dict[tuple[int, int], str] = {pos: pref for pref, pos in LAYOUT.items()}
    for row in range(ROWS):
        names: list[Text] = []
        numbers: list[Text] = []
        for col in range(COLS):
            pref = cells.get((row, col))
            if pref is None:
                names.append(Text("    "))
                numbers.append(Text("    "))
                continue
            n = counts.get(pref, 0)
            style = _style(SHADES[_shade(n)])
            names.append(Text(tile_label(pref), style=style))
            numbers.append(Text((str(n) if n else "·").rjust(4), style=style))
        grid.add_row(*names)
        grid.add_row(*numbers)
    labels = ["0", *(f"{lo}-{hi - 1}" if hi - 1 > lo else str(lo)
                     for lo, hi in itertools.pairwise(BINS)), f"{BINS[-1]}+"]
    legend = Text.assemble("cases: ", *[(f" {label} ", _style(shade))
                                        for label, shade in zip(labels, SHADES, strict=True)])
    return Group(Text(title, style="bold"), grid, legend)
