"""A Markdown (GitHub) table, for pasting into issues, wikis and reports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kasegeru_cli.models import Case
from kasegeru_cli.records import flat_value

# The data is text, never markup: HTML's three as entities (a ``<script>`` or an
# ``<img onerror>`` in a cell is shown, not run, wherever the table is pasted),
# and what Markdown reads as emphasis, code, links or strike-through escaped.
_CELL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\\": "\\\\", "|": "\\|",
                       "*": "\\*", "_": "\\_", "`": "\\`", "[": "\\[", "]": "\\]",
                       "~": "\\~"})


def markdown_cell(text: str) -> str:
    """A table cell: ``& < >`` as entities, backslashes, pipes and Markdown's
    specials (``* _ ` [ ] ~``) escaped, line breaks as ``<br>``."""
    return text.translate(_CELL).replace("\r\n", "<br>") \
        .replace("\r", "<br>").replace("\n", "<br>")  # a lone CR ends a line in GFM too


def render_markdown(cases: Iterable[Case], columns: Sequence[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for case in cases:
        lines.append("| " + " | ".join(markdown_cell(flat_value(case, c)) for c in columns) + " |")
    return "\n".join(lines) + "\n"
