"""Regenerate the README's screenshots (docs/img/*.svg) from the real commands.

    python scripts/screenshots.py

Each picture is the command's table rendered by rich at 80 columns and exported
as SVG, so the README shows exactly what the current code prints.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from rich.console import Console, RenderableType
from rich.terminal_theme import MONOKAI

from kasegeru_cli.catalog import Catalog, Filters
from kasegeru_cli.formats.table import list_table, show_page
from kasegeru_cli.formats.tilemap import tile_map
from kasegeru_cli.loader import load_files
from kasegeru_cli.records import LIST_FIELDS
from kasegeru_cli.store import bundled_path

OUT = Path(__file__).resolve().parents[1] / "docs" / "img"


def shot(name: str, title: str, renderable: RenderableType) -> Path:
    console = Console(record=True, width=80, file=io.StringIO(), color_system="truecolor",
                      force_terminal=True, markup=False, emoji=False)
    console.print(renderable)
    path = OUT / f"{name}.svg"
    path.write_text(console.export_svg(title=title, theme=MONOKAI), encoding="utf-8")
    return path


def main() -> int:
    catalog = Catalog(load_files([bundled_path()]))
    OUT.mkdir(parents=True, exist_ok=True)
    coworking = catalog.filter(Filters(types=("coworking",)))[:12]
    made = [
        shot("list", "kasegeru list --type coworking --limit 12",
             list_table(coworking, LIST_FIELDS)),
        shot("show", "kasegeru show co-ba", show_page(catalog.lookup("co-ba"),
                                                      catalog.page_context(catalog.lookup("co-ba")))),
        shot("map", "kasegeru map",
             tile_map({k: n for k, n in catalog.stats("prefecture") if k is not None},
                      f"{len(catalog.cases)} cases by prefecture")),
    ]
    for path in made:
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
