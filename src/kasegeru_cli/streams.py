"""stdout and stderr as kasegeru uses them, shared by the Typer app and the fast path.

Nothing here imports typer: :mod:`kasegeru_cli.fastpath` answers without it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


class PipeClosed(Exception):
    """The reader of stdout went away (``kasegeru list | head``): end quietly, exit 0."""


def use_utf8() -> None:
    """Write UTF-8 whatever the locale.

    Japanese is the content, and a locale that cannot encode it (LANG=C on an
    old system, a cp1252 console) would otherwise crash mid-table. Python's
    UTF-8 mode already covers LANG=C.
    """
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if enc != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def pipe_guard() -> Iterator[None]:
    """Turn a closed stdout into :class:`PipeClosed`, and make sure it stays quiet."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes stdout again at exit; point it at devnull so that
        # flush cannot raise a second time and print a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise PipeClosed from None
