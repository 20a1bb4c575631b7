"""The console-script entry point, kept tiny so that Ctrl-C during start-up
(while typer and the CLI are still being imported) also exits 130 quietly.

:mod:`kasegeru_cli.fastpath` gets the first look at argv: what it can answer
from the cache, it answers without importing typer."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from kasegeru_cli.fastpath import answer

        code = answer(sys.argv[1:])
        if code is not None:
            sys.exit(code)
        from kasegeru_cli.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
    run()
