"""CSV and TSV: one row per case.

Nested fields come in one of two shapes (``--nested``):

- ``readable`` (the default): lists joined with ``; `` and objects as short
  text (``東京都渋谷区 [main]; 広島県 [partner]``), one cell a spreadsheet shows;
- ``json``: every list and object as its JSON text (``[{"role": "main", …}]``),
  cells a script splits back exactly (``json.loads`` of the cell).

Values are written as they are. Only ``--excel`` output, which is meant to be
opened in a spreadsheet, is guarded against formula injection: a cell that a
spreadsheet would run as a formula gets a leading ``'``. That is a cell whose
first visible character (spaces, U+3000 and every other blank, and invisible
format characters such as U+200B, U+FEFF and bidirectional controls ignored;
full-width forms read as ASCII) is ``=``, ``@``, a tab or CR, or ``+``/``-`` not followed by a plain
number (``-2`` stays, ``-2+3`` and ``+cmd`` are guarded). Plain CSV stays the
data, byte for byte, for the scripts that read it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence

from kasegeru_cli.models import Case
from kasegeru_cli.records import case_value, flat_value

NESTED = ("readable", "json")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][+-]?\d+)?%?")


def _invisible(ch: str) -> bool:
    """A character a spreadsheet user would not see before a formula's ``=``: a
    blank (but tab and CR, which start a formula themselves) or a format
    character (zero-width space, BOM, bidirectional controls)."""
    return (ch.isspace() and ch not in "\t\r") or unicodedata.category(ch) == "Cf"


def is_formula(cell: str) -> bool:
    """Would a spreadsheet run ``cell`` as a formula?"""
    text = unicodedata.normalize("NFKC", cell)
    start = 0
    while start < len(text) and _invisible(text[start]):
        start += 1
    text = text[start:]
    if not text:
        return False
    if text[0] in "=@\t\r" or cell[:1] in "\t\r":
        return True
    return text[0] in "+-" and not _NUMBER.fullmatch(text)


def _guard(cell: str) -> str:
    return "'" + cell if is_formula(cell) else cell


def _json_cell(case: Case, column: str) -> str:
    value = case_value(case, column)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def render_delimited(cases: Iterable[Case], columns: Sequence[str], *, delimiter: str = ",",
                     extra: Sequence[dict[str, str]] | None = None, nested: str = "readable",
                     excel: bool = False) -> str:
    """The cases as CSV (or TSV with ``delimiter="\\t"``), header row first.

    ``extra`` adds per-row columns (search's score and snippet), in order;
    ``excel`` ends lines with CRLF and guards formula-like cells.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n" if excel else "\n")
    extra_cols = list(extra[0]) if extra else []
    writer.writerow([*columns, *extra_cols])
    cell_of = _json_cell if nested == "json" else flat_value
    for i, case in enumerate(cases):
        row = [cell_of(case, c) for c in columns]
        if extra:
            row += [extra[i][c] for c in extra_cols]
        if delimiter == "\t":
            row = [cell.replace("\t", " ").replace("\n", " ") for cell in row]
        if excel:
            row = [_guard(cell) for cell in row]
        writer.writerow(row)
    return buf.getvalue()


def render_dict_rows(rows: Sequence[dict[str, object]], fmt: str) -> str:
    """Plain rows (types, sources, stats) as csv, tsv or markdown; lists joined with ``; ``."""
    if not rows:
        return ""
    columns = list(rows[0])

    def cell(v: object) -> str:
        if v is None:
            return ""
        if isinstance(v, (list, tuple)):
            return "; ".join(str(x) for x in v)
        return str(v)

    if fmt == "markdown":
        from kasegeru_cli.formats.markdown import markdown_cell

        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(markdown_cell(cell(r[c])) for c in columns) + " |"
                  for r in rows]
        return "\n".join(lines) + "\n"
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        cells = [cell(r[c]) for c in columns]
        if fmt == "tsv":
            cells = [c.replace("\t", " ").replace("\n", " ") for c in cells]
        writer.writerow(cells)
    return buf.getvalue()
