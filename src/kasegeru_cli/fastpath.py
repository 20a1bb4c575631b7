"""Answers for what scripts run in loops, without importing typer.

Importing typer and building the app costs several times Python's own start-up
(bench/RESULTS.md), and ``kasegeru show ID --json`` in a shell loop pays it on
every call. When argv is exactly one of the shapes below and the dataset cache
already holds the answer, this module prints it and the Typer app is never
imported:

- ``kasegeru show ID --json`` (also ``--json ID``, ``--format json``,
  ``--format=json``, ``-f json``), with the dataset of ``KASEGERU_DATA`` or the
  bundled one;
- ``kasegeru show QUERY`` when QUERY names no case: the error and the nearest
  ids, from the cache's small key index (:func:`store.read_lookup_index`),
  without loading the dataset (100,000 cases: well under a second);
- ``kasegeru --version`` / ``-V``.

Either may start with ``--data PATH``. Anything else (another option,
``--add``, a name or a part of one in a table, no cache yet,
``KASEGERU_NO_CACHE``) returns ``None`` and the Typer app answers, with its
own parsing and messages; both use :mod:`kasegeru_cli.lookup`. The answer itself comes from
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


def _split_data(argv: Sequence[str]) -> tuple[str | None, list[str]]:
    """A leading ``--data PATH`` (or ``--data=PATH``) and the rest of argv."""
    rest = list(argv)
    if len(rest) >= 2 and rest[0] == "--data":
        return rest[1], rest[2:]
    if rest and rest[0].startswith("--data="):
        return rest[0][len("--data="):], rest[1:]
    return None, rest


def show_query(argv: Sequence[str]) -> tuple[str, bool] | None:
    """``(QUERY, as_json)`` for ``show QUERY`` and the JSON shapes of
    :func:`show_json_query`; None for any other argv."""
    query = show_json_query(argv)
    if query is not None:
        return query, True
    if len(argv) == 2 and argv[0] == "show" and _is_id(argv[1]):
        return argv[1], False
    return None


def answer(argv: Sequence[str]) -> int | None:
    """Print the answer for ``argv`` and return the exit code, or None to let the
    Typer app answer."""
    if list(argv) in (["--version"], ["-V"]):
        from kasegeru_cli import __version__

        sys.stdout.write(f"kasegeru {__version__}\n")
        return 0
    data, rest = _split_data(argv)
    shown = show_query(rest)
    if shown is None or (data is not None and ("\x00" in data or not data)):
        return None
    query, as_json = shown
    from kasegeru_cli.store import (
        bundled_path,
        cache_entry,
        document_of,
        lookup_index_at,
        show_index_at,
    )

    chosen = data or os.environ.get("KASEGERU_DATA")
    entry = cache_entry([Path(chosen) if chosen else bundled_path()])  # the key, once
    if entry is None:
        return None
    case_id: str | None = None
    index = show_index_at(entry) if as_json else None
    if index is not None:  # an id or an alias: the loop scripts run, one read
        from kasegeru_cli.text import id_key

        case_id = index[0].get(id_key(query))
    if case_id is None:
        lookup = lookup_index_at(entry)
        if lookup is None:
            return None
        from kasegeru_cli.lookup import Index, not_found_message, resolve

        what, found = resolve(query, Index(*lookup))
        if what == "none":
            # Unknown: say so with the nearest ids, without loading the dataset.
            from kasegeru_cli.streams import use_utf8
            from kasegeru_cli.text import clip_message, escape_controls

            use_utf8()
            message = clip_message(not_found_message(query, found))
            sys.stderr.write(f"Error: {escape_controls(message)}\n")
            return 1
        if what != "found" or not as_json:
            return None  # a list of matches, or a page to draw: the Typer app's job
        case_id = found[0]
    if index is None or case_id not in index[1]:
        return None
    from kasegeru_cli.streams import PipeClosed, pipe_guard, use_utf8

    use_utf8()
    try:
        with pipe_guard():
            sys.stdout.write(document_of(index[1][case_id]))
    except PipeClosed:
        pass
    return 0
