"""stdout and stderr as kasegeru uses them, shared by the Typer app and the fast path.

Nothing here imports typer: :mod:`kasegeru_cli.fastpath` answers without it.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from collections.abc import Iterator
from typing import Any


class PipeClosed(Exception):
    """The reader of stdout went away (``kasegeru list | head``): end quietly, exit 0."""


class OutputFailed(BaseException):
    """stdout cannot be written (a full disk, a closed or read-only descriptor):
    the command ends with the cause and exit 1.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` on
    the way (the Typer app's, click's) turns it into "internal error"."""

    def __init__(self, error: OSError) -> None:
        self.error = error
        super().__init__(error)

    def message(self) -> str:
        return f"Error: cannot write the output: {describe(self.error)}\n"


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind (removing temporary files) and die of it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signum)


def describe(error: OSError) -> str:
    """``No space left on device`` — the cause as the system words it."""
    if error.strerror:
        return error.strerror
    if error.errno:
        return os.strerror(error.errno)
    return str(error) or type(error).__name__


def is_broken_pipe(error: BaseException) -> bool:
    return isinstance(error, BrokenPipeError) or (
        isinstance(error, OSError) and error.errno in (errno.EPIPE, errno.ECONNRESET))


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


class _ClosedRaw(io.RawIOBase):
    """A stand-in for a descriptor the caller closed (``kasegeru list >&-``):
    every write fails as writing to it would, with EBADF."""

    def writable(self) -> bool:
        return True

    def write(self, b: object) -> int:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))


def ensure_streams() -> None:
    """Python sets sys.stdout (or stderr) to None when its descriptor was closed
    at start; make them objects that fail on write (stdout: reported as
    "Bad file descriptor", exit 1) or swallow it (stderr: nowhere to say it)."""
    if sys.stdout is None:
        sys.stdout = io.TextIOWrapper(io.BufferedWriter(_ClosedRaw()), encoding="utf-8")
    if sys.stderr is None:
        sys.stderr = io.TextIOWrapper(io.BufferedWriter(io.FileIO(os.devnull, "w")),
                                      encoding="utf-8")


class CompleteWriter(io.FileIO):
    """A descriptor whose every write goes to its last byte, or raises.

    ``FileIO.write`` may write fewer bytes than asked (a nearly full disk, a
    file size limit, a non-blocking pipe), and with ``PYTHONUNBUFFERED=1``
    Python's own stdout is a TextIOWrapper straight over it, which drops the
    rest: the output ends short with exit 0. Here the rest is written again
    until the system either takes it or says why not (ENOSPC, EFBIG: an
    OSError). A non-blocking descriptor (``O_NONBLOCK`` set by whoever shares
    it) is waited on until the reader makes room, as a blocking one would."""

    def write(self, b: Any) -> int:
        with memoryview(b) as whole, whole.cast("B") as view:
            total = len(view)
            done = 0
            while done < total:
                try:
                    n = super().write(view[done:])
                except BlockingIOError:
                    n = None
                if n is None:  # EAGAIN: the reader has not made room yet
                    _wait_writable(self.fileno())
                    continue
                if n <= 0:
                    raise OSError(errno.EIO, f"the system took 0 of {total - done} bytes")
                done += n
            return total


def _wait_writable(fd: int) -> None:
    try:
        import select

        select.select([], [fd], [], 1.0)
    except (ImportError, OSError, ValueError):  # no select on this descriptor (Windows)
        import time

        time.sleep(0.01)


def complete_stdio() -> None:
    """Put stdout and stderr on :class:`CompleteWriter`, keeping their encoding,
    newline and buffering as Python chose them (``PYTHONUNBUFFERED`` included),
    so that every write, from any code, is checked to its last byte."""
    for name in ("stdout", "stderr"):
        old = getattr(sys, name)
        if type(old) is not io.TextIOWrapper:
            continue  # replaced by the caller (a test runner), or ensure_streams' stand-in
        try:
            fd = old.fileno()
            old.flush()
            raw = CompleteWriter(fd, "w", closefd=False)
        except (OSError, ValueError):
            continue
        binary: io.RawIOBase | io.BufferedWriter = raw
        if isinstance(old.buffer, io.BufferedWriter):
            binary = io.BufferedWriter(raw)
        setattr(sys, name, io.TextIOWrapper(
            binary, encoding=old.encoding, errors=old.errors,
            newline=None if os.name == "nt" else "\n",
            line_buffering=old.line_buffering, write_through=old.write_through))


def silence_stdout() -> None:
    """Point stdout at devnull: Python flushes it again at exit, and that flush
    must not fail (and print a traceback) a second time."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


@contextlib.contextmanager
def pipe_guard() -> Iterator[None]:
    """Turn a closed stdout into :class:`PipeClosed` (quiet, exit 0), and any other
    write error into :class:`OutputFailed` (its cause, exit 1)."""
    try:
        yield
        sys.stdout.flush()
    except OSError as e:
        silence_stdout()
        if is_broken_pipe(e):
            raise PipeClosed from None
        raise OutputFailed(e) from None
