"""Answers for what scripts run in loops, without importing typer.

Importing typer and building the app costs several times Python's own start-up
(bench/RESULTS.md), and ``kasegeru show ID --json`` in a shell loop pays it on
every call. When argv is exactly one of the shapes below and the dataset cache
already holds the answer, this module prints it and the Typer app is never
imported:

- ``kasegeru show ID --json`` (also ``--json ID``, ``--format json``,
  ``--format=json``, ``-f json``), with the dataset of ``KASEGERU_DATA`` or the
  bundled one;
- ``kasegeru --version`` / ``-V``.

Anything else (another option, ``--data``/``--add``, an unknown ID, no cache
yet, ``KASEGERU_NO_CACHE``) returns ``None`` and the Typer app answers, with
its own parsing and messages. The answer itself comes from
:func:`kasegeru_cli.store.show_index`, made by the same code as the Typer
command's output, and tests compare the two paths byte for byte.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path


def _is_json_flag(token: str) -> bool:
    """``--json``, ``--format=json`` or ``-fjson`` (the value ignoring case, as the
    Typer option's choice does)."""
    if token == "--json":
        return True
    for prefix in ("--format=", "-f"):
        if token.startswith(prefix) and token[len(prefix):].lower() == "json":
            return True
    return False


def _is_id(token: str) -> bool:
    return bool(token) and not token.startswith("-")


def show_json_query(argv: Sequence[str]) -> str | None:
    """The ID of ``show ID --json`` (in any of its spellings), or None for any other argv."""
    if not argv or argv[0] != "show":
        return None
    rest = list(argv[1:])
    if len(rest) == 2:
        for flag, ident in ((rest[1], rest[0]), (rest[0], rest[1])):
            if _is_json_flag(flag) and _is_id(ident):
                return ident
    if len(rest) == 3:
        for option, value, ident in ((rest[1], rest[2], rest[0]), (rest[0], rest[1], rest[2])):
            if option in ("--format", "-f") and value.lower() == "json" and _is_id(ident):
                return ident
    return None


def answer(argv: Sequence[str]) -> int | None:
    """Print the answer for ``argv`` and return the exit code, or None to let the
    Typer app answer."""
    if list(argv) in (["--version"], ["-V"]):
        from kasegeru_cli import __version__

        sys.stdout.write(f"kasegeru {__version__}\n")
        return 0
    query = show_json_query(argv)
    if query is None:
        return None
    from kasegeru_cli.store import bundled_path, document_of, read_show_index
    from kasegeru_cli.text import id_key

    data = os.environ.get("KASEGERU_DATA")
    index = read_show_index([Path(data) if data else bundled_path()])
    if index is None:
        return None
    keys, records = index
    case_id = keys.get(id_key(query))
    record = records.get(case_id) if case_id is not None else None
    if type(record) is not str:
        return None  # the Typer app says so, with the nearest ids
    from kasegeru_cli.streams import PipeClosed, pipe_guard, use_utf8

    use_utf8()
    try:
        with pipe_guard():
            sys.stdout.write(document_of(record))
    except PipeClosed:
        pass
    return 0
