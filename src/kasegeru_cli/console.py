"""The console-script entry point, kept tiny so that Ctrl-C during start-up
(while typer and the CLI are still being imported) also exits 130 quietly.

:mod:`kasegeru_cli.fastpath` gets the first look at argv: what it can answer
from the cache, it answers without importing typer."""

from __future__ import annotations

import contextlib
import gc
import os
import sys


def main() -> None:
    # One process, one command, acyclic data: the cyclic garbage collector only
    # re-scans the loaded dataset, again and again. Off, `list --json` on 10,000
    # cases spends 0.25 s instead of 0.6 s unpickling and 0.12 s instead of 0.45 s
    # building records (bench/RESULTS.md).
    gc.disable()
    try:
        from kasegeru_cli.fastpath import answer

        code = answer(sys.argv[1:])
        if code is None:
            from kasegeru_cli.cli import run

            code = run()
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        code = 130
    leave(code)


def leave(code: int) -> None:
    """Flush and end the process without tearing the interpreter down.

    The answer is written and nothing is left to clean up, but a normal exit
    frees every object one by one: 0.3 s after `list --json` on 10,000 cases.
    """
    for stream in (sys.stdout, sys.stderr):
        # What we print is flushed inside the closed-pipe guard already; a reader
        # gone by now (| head) or a stream closed by the caller is no error.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
