"""CSV and TSV: one row per case, nested fields flattened into readable cells.

Lists are joined with ``; `` (``東京都渋谷区 [main]; 広島県 [partner]``), so a
spreadsheet shows them in one cell. Cells that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``) are prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from kasegeru_cli.models import Case
from kasegeru_cli.records import flat_value

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def render_delimited(cases: Iterable[Case], columns: Sequence[str], *, delimiter: str = ",",
                     extra: Sequence[dict[str, str]] | None = None) -> str:
    """The cases as CSV (or TSV with ``delimiter="\\t"``), header row first.

    ``extra`` adds per-row columns (search's score and snippet), in order.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    extra_cols = list(extra[0]) if extra else []
    writer.writerow([*columns, *extra_cols])
    for i, case in enumerate(cases):
        row = [_safe(flat_value(case, c)) for c in columns]
        if extra:
            row += [_safe(extra[i][c]) for c in extra_cols]
        if delimiter == "\t":
            row = [cell.replace("\t", " ").replace("\n", " ") for cell in row]
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
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(cell(r[c]).replace("|", "\\|") for c in columns) + " |"
                  for r in rows]
        return "\n".join(lines) + "\n"
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow([_safe(cell(r[c])) for c in columns])
    return buf.getvalue()
