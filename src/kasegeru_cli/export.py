"""``kasegeru export``: the dataset as bytes in a chosen format, written atomically."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
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
                 complete: bool = True, rendered: Mapping[str, str] | None = None,
                 nested: str = "readable") -> bytes:
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

        text = render_delimited(cases, FIELDS, delimiter="\t" if fmt == "tsv" else ",",
                                nested=nested, excel=excel)
        if excel:
            # Excel on Japanese Windows reads a BOM-less CSV as Shift_JIS: mojibake.
            return "\ufeff".encode() + text.encode()
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


class OutputRefused(OSError):
    """The output file is not one kasegeru may write: it exists (without
    ``--force``), it is not a regular file, or it is a link to nothing."""


def check_target(path: Path, force: bool) -> None:
    """Refuse ``path`` before any work when it cannot be written as asked.

    - absent: fine (created exclusively at the end, see :func:`write_atomic`);
    - a regular file, or a link to one: only with ``--force``, which writes
      through the link (the link stays, its target is replaced);
    - a link to nothing: only with ``--force``, which creates the target;
    - anything else (a directory, a device, a FIFO, a socket): never.
    """
    try:
        st = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode):
        try:
            st = path.stat()
        except FileNotFoundError:
            if not force:
                raise OutputRefused(errno.EEXIST, "it is a link to a missing file; use --force "
                                    "to write through it") from None
            return
    if not stat.S_ISREG(st.st_mode):
        what = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise OutputRefused(errno.EEXIST, f"it is {what}; only regular files are written")
    if not force:
        raise OutputRefused(errno.EEXIST, "it exists; use --force to overwrite it")


def check_output_name(name: str) -> None:
    """Refuse an ``-o`` name that names a directory by its spelling: one ending in
    a separator (``newdir/``), or in ``.`` or ``..``. A path object drops the
    trailing separator, and ``newdir/`` would become a file named ``newdir``."""
    separators = tuple(s for s in (os.sep, os.altsep, "/") if s)
    last = name
    for separator in separators:
        last = last.rsplit(separator, 1)[-1]
    if name.endswith(separators) or last in (".", ".."):
        raise OutputRefused(errno.EISDIR, "it names a directory; give the name of the "
                            "file to write (e.g. DIR/cases.json)")


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, write: Callable[[Path], object], force: bool = True) -> None:
    """Call ``write(tmp)`` for a temporary file beside ``path``, then put it at
    ``path``: a reader never sees a half-written file, and an error, Ctrl-C,
    SIGTERM or SIGHUP leaves the old file as it was and no temporary file.

    Without ``force`` the file is created exclusively (a hard link, which fails
    if anything appeared at ``path`` meanwhile). With ``force`` a link is
    written through and the replaced file keeps its mode. See
    :func:`check_target` for what is refused.
    """
    check_target(path, force)
    target = Path(os.path.realpath(path)) if force and path.is_symlink() else path
    directory = target.parent if str(target.parent) else Path()
    # A short prefix: the temporary name must not be too long where the target is not.
    # The name is chosen before the try and the file made inside it, so that an
    # interrupt at any point leaves nothing behind (mkstemp before the try left
    # its file when Ctrl-C or SIGTERM fell between the two).
    import secrets

    tmp = directory / f".{target.name[:40]}.{secrets.token_hex(6)}.tmp"
    ours = True
    try:
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY
                         | getattr(os, "O_CLOEXEC", 0), 0o600)
        except FileExistsError:
            ours = False  # someone else's file: never removed
            raise
        os.close(fd)
        try:
            write(tmp)
        except Exception as e:
            converted = _as_os_error(e)
            if converted is e:
                raise
            raise converted from e
        try:
            mode = stat.S_IMODE(target.stat().st_mode) if force else _new_file_mode()
        except FileNotFoundError:
            mode = _new_file_mode()
        tmp.chmod(mode)
        if force:
            tmp.replace(target)
        else:
            _link_exclusive(tmp, target)
    finally:
        if ours:
            for leftover in (tmp, *(Path(f"{tmp}{end}") for end in ("-journal", "-wal",
                                                                     "-shm"))):
                with contextlib.suppress(OSError):
                    leftover.unlink()


def _link_exclusive(tmp: Path, path: Path) -> None:
    """Put ``tmp`` at ``path`` only if nothing is there, atomically."""
    try:
        os.link(tmp, path)
        return
    except FileExistsError:
        raise OutputRefused(errno.EEXIST, "it exists; use --force to overwrite it "
                            "(it appeared while the export was written)") from None
    except OSError as e:
        if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK,
                           errno.EXDEV, errno.ENOSYS):
            raise
    # No hard links here (FAT, some network file systems): reserve the name
    # exclusively, then rename onto the reservation.
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise OutputRefused(errno.EEXIST, "it exists; use --force to overwrite it") from None
    tmp.replace(path)


def _as_os_error(e: Exception) -> Exception:
    """SQLite's errors as the OSError they are (a full disk is ENOSPC)."""
    if type(e).__module__ != "sqlite3":
        return e
    code = getattr(e, "sqlite_errorcode", None)
    text = str(e)
    if code == 13 or "disk is full" in text:  # SQLITE_FULL
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    if code == 10 or "disk I/O error" in text:  # SQLITE_IOERR
        return OSError(errno.EIO, os.strerror(errno.EIO))
    return OSError(errno.EIO, text)
