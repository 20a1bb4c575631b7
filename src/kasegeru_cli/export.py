"""``kasegeru export``: the dataset as bytes in a chosen format, written atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from kasegeru_cli.models import Case, Dataset
from kasegeru_cli.records import FIELDS, case_to_dict, records_json


class ExportError(ValueError):
    """An export that cannot be made as asked (a usage error)."""


def subset(dataset: Dataset, cases: Sequence[Case]) -> Dataset:
    """A dataset of just ``cases``, its links pruned so that it is valid on its own."""
    keep = {c.id for c in cases}
    pruned = tuple(replace(c, related=tuple(r for r in c.related if r in keep)) for c in cases)
    types = {k: replace(t, examples=tuple(e for e in t.examples if e in keep))
             for k, t in dataset.types.items()}
    return replace(dataset, types=types, cases=pruned)


def export_bytes(dataset: Dataset, cases: Sequence[Case], fmt: str, *, excel: bool = False,
                 complete: bool = True, rendered: Mapping[str, str] | None = None) -> bytes:
    """The export as bytes. ``complete`` says no filter was applied; ``rendered``,
    when given, is every case's JSON text by id (from the cache), used as is."""
    if excel and fmt not in ("csv", "tsv"):
        raise ExportError("--excel applies to --format csv or tsv")
    if fmt == "json":
        text = records_json(cases, rendered)
    elif fmt == "jsonl":
        from kasegeru_cli.formats.jsonfmt import render_jsonl

        text = render_jsonl(case_to_dict(c) for c in cases)
    elif fmt in ("csv", "tsv"):
        from kasegeru_cli.formats.delimited import render_delimited

        text = render_delimited(cases, FIELDS, delimiter="\t" if fmt == "tsv" else ",")
        if excel:
            # Excel on Japanese Windows reads a BOM-less CSV as Shift_JIS: mojibake.
            return "\ufeff".encode() + text.replace("\n", "\r\n").encode()
    elif fmt == "markdown":
        from kasegeru_cli.formats.markdown import render_markdown

        text = render_markdown(cases, FIELDS)
    elif fmt == "toml":
        from kasegeru_cli.formats.tomlfmt import render_toml

        data = dataset if complete and len(cases) == len(dataset.cases) else \
            subset(dataset, cases)
        text = render_toml(data)
    else:
        raise ExportError(f"unknown export format {fmt!r}")
    return text.encode()


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp)`` for a temporary file beside ``path``, then rename it onto
    ``path``: a reader never sees a half-written file, and an error (or Ctrl-C)
    leaves the old file as it was."""
    directory = path.parent if str(path.parent) else Path()
    fd, name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        # mkstemp makes the file 0600; an export is an ordinary file, so give it
        # the mode a plain open() would (0666 less the umask), as cp and shells do.
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o666 & ~umask)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
