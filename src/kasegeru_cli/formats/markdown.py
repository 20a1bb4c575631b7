"""A Markdown (GitHub) table, for pasting into issues, wikis and reports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kasegeru_cli.models import Case
from kasegeru_cli.records import flat_value


def markdown_cell(text: str) -> str:
    """A table cell: backslashes and pipes escaped, line breaks as ``<br>``."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "<br>") \
        .replace("\r", "<br>").replace("\n", "<br>")  # a lone CR ends a line in GFM too


def render_markdown(cases: Iterable[Case], columns: Sequence[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for case in cases:
        lines.append("| " + " | ".join(markdown_cell(flat_value(case, c)) for c in columns) + " |")
    return "\n".join(lines) + "\n"
