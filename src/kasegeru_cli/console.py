"""The console-script entry point, kept tiny so that Ctrl-C during start-up
(while typer and the CLI are still being imported) also exits 130 quietly.

:mod:`kasegeru_cli.fastpath` gets the first look at argv: what it can answer
from the cache, it answers without importing typer.

Exit codes decided here: 130 for Ctrl-C; death by the signal itself for
SIGTERM and SIGHUP, after unwinding so that temporary files are removed as
on Ctrl-C; 1 with the cause when stdout cannot be written (a full disk, a
closed descriptor); 0 when the reader of a pipe stops early (``| head``).
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from types import FrameType


def _terminate(signum: int, frame: FrameType | None) -> None:
    from kasegeru_cli.streams import Terminated

    raise Terminated(signum)


def _catch_signals() -> None:
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        # Keep an ignored signal ignored (nohup).
        with contextlib.suppress(OSError, ValueError):
            if signal.getsignal(signum) == signal.SIG_DFL:
                signal.signal(signum, _terminate)


def main() -> None:
    # One process, one command, acyclic data: the cyclic garbage collector only
    # re-scans the loaded dataset, again and again. Off, `list --json` on 10,000
    # cases spends 0.25 s instead of 0.6 s unpickling and 0.12 s instead of 0.45 s
    # building records (bench/RESULTS.md).
    gc.disable()
    _catch_signals()
    from kasegeru_cli.streams import OutputFailed, Terminated, complete_stdio, ensure_streams

    ensure_streams()
    complete_stdio()
    _sane_environment()
    try:
        try:
            from kasegeru_cli.fastpath import answer

            code = answer(sys.argv[1:])
            if code is None:
                from kasegeru_cli.cli import run

                code = run()
        except SystemExit as e:
            code = _system_exit(e)
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        code = 130
    except OutputFailed as e:
        sys.stderr.write(e.message())
        code = 1
    except Terminated as e:
        _die(e.signum)
        code = 128 + e.signum
    except OSError as e:  # writing stdout outside a guard (the fast path)
        code = _output_error(e)
    leave(code)


def _sane_environment() -> None:
    """Repair what the environment gets wrong before anything reads it.

    - argv under a C/ASCII locale without UTF-8 mode (``PYTHONUTF8=0 LANG=C``):
      Python decodes the bytes as ASCII with surrogate escapes, and
      ``search コワーキング`` would search for mojibake. An argument whose bytes
      are UTF-8 is decoded as UTF-8, unless it names an existing file as it is.
    - ``COLUMNS`` and ``LINES`` outside sane bounds (0, 1, 20 digits): a
      width below 20 or above 1,000 columns is clamped; a non-number is ignored.
    """
    for i, arg in enumerate(sys.argv):
        if any("\udc80" <= ch <= "\udcff" for ch in arg) and not os.path.lexists(arg):
            with contextlib.suppress(UnicodeError):
                sys.argv[i] = os.fsencode(arg).decode("utf-8")
    for name, low, high in (("COLUMNS", 20, 1000), ("LINES", 5, 10000)):
        value = os.environ.get(name)
        if value is None:
            continue
        try:
            number = int(value.strip())
        except ValueError:
            del os.environ[name]
            continue
        if number <= 0:
            del os.environ[name]  # the terminal's own size, else rich's 80
        elif not low <= number <= high:
            os.environ[name] = str(min(max(number, low), high))


def _system_exit(e: SystemExit) -> int:
    """click and rich end with ``sys.exit(1)`` when the reader of ``--help`` goes
    away; that is a closed pipe, which is exit 0 for every command."""
    from kasegeru_cli.streams import is_broken_pipe

    if e.__context__ is not None and is_broken_pipe(e.__context__):
        return 0
    if isinstance(e.code, int):
        return e.code
    return 0 if e.code is None else 1


def _output_error(e: OSError) -> int:
    from kasegeru_cli.streams import OutputFailed, is_broken_pipe, silence_stdout

    silence_stdout()
    if is_broken_pipe(e):
        return 0
    sys.stderr.write(OutputFailed(e).message())
    return 1


def _die(signum: int) -> None:
    """Flush what can be flushed, then die of the signal, as its default action would."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    with contextlib.suppress(OSError, ValueError):
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


def leave(code: int) -> None:
    """Flush and end the process without tearing the interpreter down.

    The answer is written and nothing is left to clean up, but a normal exit
    frees every object one by one: 0.3 s after `list --json` on 10,000 cases.
    A flush that fails for a cause other than a closed pipe (a full disk) turns
    a success into exit 1, with the cause.
    """
    try:
        sys.stdout.flush()
    except OSError as e:
        if code == 0:  # else the failure is already said (a full disk fails twice)
            code = _output_error(e)
    except ValueError:  # closed by the caller's code
        pass
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(code)
