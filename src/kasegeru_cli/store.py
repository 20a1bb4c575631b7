"""Where the dataset comes from: the bundled file, and a cache of it parsed.

The cache keeps the parsed, validated dataset so that a command does not
re-parse TOML. It holds data, never code: plain strings, numbers, tuples and
dicts written with :mod:`marshal`, from which the dataclasses of
:mod:`kasegeru_cli.models` are rebuilt by name (only classes defined there, and
only when their fields are still the ones written). Nothing is ever unpickled
or evaluated.

Keys: the content of every file loaded (SHA-256), the package version, the
cache format and the package's own modules (name, size, mtime): an edited
file, an upgrade, a different ``--add`` set or an edited module in a
development tree is a different key, so the cache is never stale.

Each entry file starts with a magic line and the SHA-256 of its kind, its key
and its content; a file whose digest does not match (edited, truncated, copied
from another entry), that is not a regular file owned by the user, or that is
larger than the size cap is a miss and is rebuilt. Files are written to a
temporary name (``.tmp-XXXXXXXX.data``) and renamed into place, so a
concurrent writer or a crash leaves either the whole file or none.

- ``KEY.data``: the :class:`~kasegeru_cli.models.Dataset`.
- ``KEY.show``: every case's JSON record (what ``kasegeru show ID --json``
  prints, kept as it stands inside a JSON array), and every id and alias
  (folded as :meth:`Catalog.get` folds them) to its case id.
  :mod:`kasegeru_cli.fastpath` answers from it without importing typer or the
  models; it is made by the same code that prints the answer on the ordinary
  path, so the two cannot differ. JSON lists join these texts instead of
  rendering the records again.
- ``KEY.fold``: the folded texts search matches against
  (:meth:`Catalog.folded_texts`), written by the first search.

The directory is created with mode 0700. One that belongs to another user, or
that others can write to, is not used at all (one note on stderr; the command
still answers, without the cache): whoever can write there could decide what
kasegeru prints. Pruning keeps the newest entries within an entry count and a
byte cap (``KASEGERU_CACHE_MAX_MB``, default 512) and deletes only names this
module writes: ``<32 hex digits>.data|.show|.fold`` (and ``.pickle`` of older
versions), and temporary files that no running writer holds.

The web view's databases (``web/<32 hex digits>/``, see :mod:`kasegeru_cli.web`)
count under the same byte cap, newest first with the entries above; one that a
running ``serve`` holds (a shared lock on its directory) is never removed, nor
is a temporary directory ``web/.tmp-XXXXXXXX`` that a running build holds; one
left by a killed process is removed by the next run that prunes.

The default directory, when an older version left it writable by others, is
tightened to 0700 and emptied of what kasegeru did not write (see
:func:`_empty_of_strangers`): anyone could have put anything there.

This module imports nothing heavy at the top: the fast path uses it.

Location: ``$KASEGERU_CACHE_DIR``, else ``$XDG_CACHE_HOME/kasegeru``, else
``~/.cache/kasegeru``. ``KASEGERU_NO_CACHE`` set to anything but empty, ``0``,
``false``, ``no`` or ``off`` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import stat
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kasegeru_cli import __version__

if TYPE_CHECKING:
    from kasegeru_cli.catalog import Catalog
    from kasegeru_cli.models import Dataset

BUNDLED_NAME = "cases.toml"
FORMAT = 2
"""Of the entry files; part of the key."""
_MAGIC = b"kasegeru cache 2\n"
_DIGEST_SIZE = 32
_MAX_ENTRIES = 16
_MAX_MEMOS = 64
"""Content digests kept by file identity (``KEY.stat``, 100 bytes each)."""

_DEFAULT_MAX_MB = 512
_PACKAGE_DIR = Path(__file__).parent
_CODE_DIRS = (_PACKAGE_DIR, _PACKAGE_DIR / "formats")
_KINDS = ("data", "show", "fold", "keys", "stat")

ShowIndex = tuple[dict[str, str], dict[str, str]]
"""(folded id or alias → case id, case id → its JSON record as an element of a
rendered array, see :func:`array_element`): JSON lists join these as they are;
``show --json`` undoes the indent of one."""


def bundled_path() -> Path:
    """The dataset shipped with the package (or, in a source checkout, ``data/``).

    A wheel puts it at ``kasegeru_cli/data/cases.toml``, which is the path
    ``importlib.resources`` gives for a package on the file system; looking there
    first saves importing ``importlib.resources`` on every start.
    """
    beside = _PACKAGE_DIR / "data" / BUNDLED_NAME
    if beside.is_file():
        return beside
    # An editable install or a plain checkout: the file at the top of the repo.
    checkout = _PACKAGE_DIR.resolve().parents[1] / "data" / BUNDLED_NAME
    if checkout.is_file():
        return checkout
    from importlib.resources import files

    packaged = files("kasegeru_cli").joinpath("data").joinpath(BUNDLED_NAME)
    return Path(str(packaged))


def cache_dir() -> Path:
    explicit = os.environ.get("KASEGERU_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return _default_dir()


def _default_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "kasegeru"


def cache_disabled() -> bool:
    """``KASEGERU_NO_CACHE`` is set to a true value (``KASEGERU_NO_CACHE=0`` keeps it on)."""
    value = os.environ.get("KASEGERU_NO_CACHE", "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


def max_bytes() -> int:
    """The byte cap of the whole cache directory (``KASEGERU_CACHE_MAX_MB``)."""
    try:
        mb = float(os.environ.get("KASEGERU_CACHE_MAX_MB", _DEFAULT_MAX_MB))
    except ValueError:
        mb = _DEFAULT_MAX_MB
    if not mb >= 0:  # NaN
        mb = _DEFAULT_MAX_MB
    return int(min(mb, 1 << 40) * 1024 * 1024)


# --------------------------------------------------------------------------- the directory

_noted: set[str] = set()


def _note(message: str) -> None:
    """One line on stderr, once per process."""
    if message not in _noted:
        _noted.add(message)
        with contextlib.suppress(OSError, ValueError, AttributeError):
            from kasegeru_cli.text import escape_line

            sys.stderr.write(f"Note: {escape_line(message)}\n")


def _euid() -> int | None:
    geteuid = getattr(os, "geteuid", None)
    return geteuid() if geteuid is not None else None


def usable_dir(create: bool = False) -> Path | None:
    """The cache directory, if it may be used: a directory of this user that no
    one else can write to. ``create`` makes it (mode 0700) when missing.
    None when it is missing, cannot be made, or is refused (with a note)."""
    directory = cache_dir()
    if create:
        explicit = bool(os.environ.get("KASEGERU_CACHE_DIR"))
        try:
            if not explicit:  # ~/.cache may be missing; a chosen place's parent may not
                directory.parent.mkdir(parents=True, exist_ok=True)
            directory.mkdir(mode=0o700)
        except FileExistsError:
            pass
        except FileNotFoundError:
            if explicit:
                _note(f"not using the cache in {directory}: its parent directory does not "
                      "exist (KASEGERU_CACHE_DIR creates only its last component)")
            return None
        except (OSError, ValueError):
            return None  # a read-only home: the cache is an optimisation only
    try:
        st = directory.stat()
    except (OSError, ValueError):
        return None
    if not stat.S_ISDIR(st.st_mode):
        return None
    euid = _euid()
    if euid is None:
        return directory
    hint = ("set KASEGERU_CACHE_DIR to a directory of your own, or KASEGERU_NO_CACHE=1 "
            "to silence this")
    if st.st_uid != euid:
        _note(f"not using the cache in {directory}: it belongs to another user "
              f"(uid {st.st_uid}); {hint}")
        return None
    if st.st_mode & 0o022:
        if "KASEGERU_CACHE_DIR" not in os.environ or not os.environ["KASEGERU_CACHE_DIR"]:
            # The default location, ours: made group-writable by an older
            # version under umask 002. Ours to tighten.
            with contextlib.suppress(OSError):
                directory.chmod(0o700)
                _empty_of_strangers(directory)
                return directory
        _note(f"not using the cache in {directory}: other users can write to it "
              f"(mode {stat.S_IMODE(st.st_mode):04o}); run `chmod go-w {directory}` or {hint}")
        return None
    return directory


# --------------------------------------------------------------------------- keys


def _code_digest() -> bytes:
    """The name, size and modification time of each of the package's modules:
    what turns data into cached objects. (Stat, not content: reading and hashing
    the code took as long as hashing the data, and an edit or an upgrade always
    changes a module's mtime.)"""
    h = hashlib.sha256()
    for directory in _CODE_DIRS:
        with contextlib.suppress(OSError):
            for entry in sorted(os.scandir(directory), key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    st = entry.stat()
                    h.update(f"{entry.name} {st.st_size} {st.st_mtime_ns}\n".encode())
    return h.digest()


def cache_key(blobs: Sequence[tuple[str, bytes]]) -> str:
    """The entry name for these files' exact bytes, with this code and Python."""
    return _key([(len(data), hashlib.sha256(data).digest()) for _, data in blobs])


def _key(files: Sequence[tuple[int, bytes]]) -> str:
    h = hashlib.sha256()
    h.update(f"kasegeru {__version__} cache {FORMAT} "
             f"py{sys.version_info[0]}.{sys.version_info[1]}\n".encode())
    h.update(_code_digest())
    for size, digest in files:
        h.update(size.to_bytes(8, "big"))
        h.update(digest)
    return h.hexdigest()[:32]


def all_regular(paths: Sequence[Path]) -> bool:
    """Every path is a regular file (or a link to one). A pipe (``--data
    <(…)``, ``/dev/stdin`` on a pipe) can be read once only: it is never
    hashed for a key, but read and parsed as it comes."""
    try:
        return all(stat.S_ISREG(p.stat().st_mode) for p in paths)
    except (OSError, ValueError):
        return True  # missing or unreadable: the loader says why


def _streamed_key(paths: Sequence[Path]) -> str | None:
    """:func:`cache_key` of the files as they are, hashed in chunks: a hit then never
    holds a whole data file in memory. None when a file cannot be read (the loader
    says why) or is not a regular file."""
    files = []
    buffer = bytearray(1 << 18)
    view = memoryview(buffer)
    directory = usable_dir()
    try:
        for path in paths:
            with path.open("rb", buffering=0) as fh:
                st = os.fstat(fh.fileno())
                if not stat.S_ISREG(st.st_mode):
                    return None
                memo = _stat_name(st)
                known = _read_entry(directory, memo, "stat") if directory else None
                trusted = _trusted_memo(known, st)
                if trusted is not None:
                    files.append((st.st_size, trusted))
                    continue
                hashed_at = time.time_ns()  # before the first byte is read
                h = hashlib.sha256()  # hashlib.file_digest does this, from Python 3.11 on
                size = 0
                while n := fh.readinto(buffer):
                    h.update(view[:n])
                    size += n
            files.append((size, h.digest()))
            if directory is not None and size == st.st_size:
                _write(directory, memo, "stat", marshal.dumps((h.digest(), hashed_at), 4))
    except (OSError, ValueError):
        return None
    return _key(files)


RACY_NS = 3_000_000_000
"""How much older than the hashing a file's modification and change times must
be for its memo to be trusted: FAT keeps modification times to 2 s, ext4 with
small inodes, HFS+ and many network mounts to 1 s, and a second more covers a
write landing just before a coarse timestamp ticks."""


def _trusted_memo(known: object, st: os.stat_result) -> bytes | None:
    """The content digest a memo remembers, if it can be trusted without reading
    the file: git's "racily clean" rule. A file whose modification or change
    time is not safely older than the moment it was hashed (the same second, or
    within a file system's timestamp granularity) may have been edited since
    with the same size and the same timestamps (1-second file systems): it is
    hashed again, and its memo written anew, until its times are old enough."""
    if not (isinstance(known, tuple) and len(known) == 2):
        return None  # an older memo (the digest alone) is not trusted
    digest, hashed_at = known
    if not (isinstance(digest, bytes) and len(digest) == 32 and type(hashed_at) is int):
        return None
    if max(st.st_mtime_ns, st.st_ctime_ns) >= hashed_at - RACY_NS:
        return None
    return digest


def _is_memo_name(name: str) -> bool:
    return len(name) == 37 and name.endswith(".stat") and all(
        c in "0123456789abcdef" for c in name[:32])


def _stat_name(st: os.stat_result) -> str:
    """The name of a file's memo: its device, inode, size, and modification and
    change times. Any write to the file changes its change time (ctime), which no
    ordinary tool can set back, so a file with the same five is the same bytes,
    and its content digest need not be computed again (0.5 s for a 360 MB file),
    once its times are safely older than the hashing (:func:`_trusted_memo`)."""
    ident = f"{st.st_dev} {st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}"
    return hashlib.sha256(ident.encode()).hexdigest()[:32]


# --------------------------------------------------------------------------- entry files


def _digest(kind: str, key: str, payload: bytes | memoryview) -> bytes:
    h = hashlib.sha256(f"{kind} {key}\n".encode())
    h.update(payload)
    return h.digest()


def _seal(kind: str, key: str, payload: bytes) -> bytes:
    return _MAGIC + _digest(kind, key, payload) + payload


def _open_flags() -> int:
    return (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
            | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


_DERIVED = ("show", "keys", "fold")
_broken: set[tuple[Path, str, str]] = set()
"""(directory, key, kind) of derived files (:data:`_DERIVED`) this process found
present but unusable (edited, truncated, not a regular file of the user): the
entry's ``.data`` still serves, and :func:`_repair` writes them anew."""


def _read_entry(directory: Path, key: str, kind: str) -> Any:
    """The data of ``KEY.kind`` if it is a regular file of this user, within the
    size cap, and its digest matches; else None. Never blocks on a FIFO, never
    reads a device, never follows a link. A derived file that is there but
    unusable is noted in :data:`_broken`."""
    try:
        fd = os.open(directory / f"{key}.{kind}", _open_flags())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        if kind in _DERIVED:  # a link (ELOOP), a directory...: there, and unusable
            _broken.add((directory, key, kind))
        return None
    found = _read_open_entry(fd, key, kind)
    if found is _TOO_LARGE:
        return None  # over the size cap: dropped on purpose, not rebuilt
    if found is None and kind in _DERIVED:
        _broken.add((directory, key, kind))
    return found


_TOO_LARGE = object()


def _read_open_entry(fd: int, key: str, kind: str) -> Any:
    try:
        with os.fdopen(fd, "rb", buffering=0) as fh:
            st = os.fstat(fd)
            euid = _euid()
            if (not stat.S_ISREG(st.st_mode) or st.st_mode & 0o022
                    or (euid is not None and st.st_uid != euid)
                    or st.st_size < len(_MAGIC) + _DIGEST_SIZE):
                return None
            if st.st_size > max_bytes():
                return _TOO_LARGE
            data = fh.read(st.st_size + 1)
    except (OSError, ValueError, MemoryError):
        return None
    head = len(_MAGIC) + _DIGEST_SIZE
    view = memoryview(data)
    if len(data) != st.st_size or view[:len(_MAGIC)] != _MAGIC or \
            view[len(_MAGIC):head] != _digest(kind, key, view[head:]):
        return None
    try:
        return marshal.loads(view[head:])
    except (ValueError, EOFError, TypeError):
        return None


def _write(directory: Path, key: str, kind: str, payload: bytes) -> bool:
    """Write ``KEY.kind`` (sealed) through a temporary file; False when it could
    not be written or would not fit the size cap. The temporary file is locked
    while written, so that pruning by another process leaves it alone, and
    removed on any error, Ctrl-C or SIGTERM."""
    import tempfile

    data = _seal(kind, key, payload)
    if len(data) > max_bytes():
        return False
    try:
        fd, name = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=f".{kind}")
    except (OSError, ValueError):
        return False
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            _lock(fh.fileno())
            fh.write(data)
            fh.flush()
            tmp.replace(directory / f"{key}.{kind}")
        return True
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _lock(fd: int) -> None:
    with contextlib.suppress(ImportError, OSError):
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _held(path: Path) -> bool:
    """Whether a running writer holds this temporary file (see :func:`_write`)."""
    try:
        import fcntl
    except ImportError:  # no flock: trust only the age
        try:
            import time

            return time.time() - path.stat().st_mtime < 3600
        except OSError:
            return False
    try:
        fd = os.open(path, _open_flags())
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- the web directory

WEB = "web"
"""The web view's databases, beside the entries: ``web/<32 hex digits>/``."""
_MAX_WEB = 4
"""How many web databases pruning keeps (newest first), within the byte cap."""


def _is_web_entry_name(name: str) -> bool:
    return len(name) == 32 and all(c in "0123456789abcdef" for c in name)


def _is_web_temp_name(name: str) -> bool:
    """``tempfile.mkdtemp(prefix=".tmp-")``: eight of ``[a-z0-9_]``."""
    return len(name) == 13 and name.startswith(".tmp-") and all(
        c in "abcdefghijklmnopqrstuvwxyz0123456789_" for c in name[5:])


def _mine(st: os.stat_result) -> bool:
    """Owned by this user, and no one else can write to it."""
    euid = _euid()
    return (euid is None or st.st_uid == euid) and not st.st_mode & 0o022


def _remove(path: Path) -> None:
    """Remove a file, a link (never what it points to) or a directory tree, as far as
    it can be removed."""
    import shutil

    try:
        st = path.lstat()
    except OSError:
        return
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(path, ignore_errors=True)  # never follows a link inside
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def _empty_of_strangers(directory: Path) -> None:
    """Remove from a directory kasegeru has just tightened (it was writable by
    others) everything kasegeru did not write: whatever is not a regular file of
    this user, that no one else can write to, named as an entry, a memo or a
    temporary file of this module; and the ``web`` directory unless it is a real
    directory of this user that no one else can write to, in which each
    ``<32 hex>``/``.tmp-XXXXXXXX`` directory must be the same, holding only
    regular files of this user that no one else can write to. Links are removed,
    never followed."""
    entry_name, temp_name = _cache_names()
    try:
        listing = list(os.scandir(directory))
    except OSError:
        return
    for item in listing:
        path = Path(item.path)
        try:
            st = item.stat(follow_symlinks=False)
        except OSError:
            continue
        if _mine(st):
            if stat.S_ISREG(st.st_mode) and (entry_name.match(item.name) or temp_name.match(
                    item.name) or _is_memo_name(item.name)):
                continue
            if item.name == WEB and stat.S_ISDIR(st.st_mode):
                _empty_web_of_strangers(path)
                continue
        _remove(path)


def _empty_web_of_strangers(web: Path) -> None:
    try:
        listing = list(os.scandir(web))
    except OSError:
        return
    for item in listing:
        path = Path(item.path)
        try:
            st = item.stat(follow_symlinks=False)
            keep = (_mine(st) and stat.S_ISDIR(st.st_mode)
                    and (_is_web_entry_name(item.name) or _is_web_temp_name(item.name)))
            if keep:
                for inner in os.scandir(path):
                    inner_st = inner.stat(follow_symlinks=False)
                    if not (_mine(inner_st) and stat.S_ISREG(inner_st.st_mode)):
                        keep = False
                        break
        except OSError:
            keep = False
        if not keep:
            _remove(path)


def web_dir(base: Path) -> Path | None:
    """``<base>/web``, made (mode 0700) if missing: a real directory of this user
    that no one else can write to. Anything else there (a link, a file, a
    directory of another user or writable by others) is removed and the
    directory made anew; None, with a note, when that cannot be done."""
    web = base / WEB
    for _ in range(2):
        try:
            web.mkdir(mode=0o700)
        except FileExistsError:
            pass
        except OSError:
            return None
        try:
            st = web.lstat()
        except OSError:
            return None
        if stat.S_ISDIR(st.st_mode) and _mine(st):
            return web
        _remove(web)
    _note(f"not keeping web databases in {web}: it is not a directory of yours that only "
          "you can write to, and could not be removed")
    return None


def lock_dir(path: Path, exclusive: bool = False) -> int | None:
    """An open descriptor of directory ``path`` (not a link) holding a lock on it:
    shared for a running build or ``serve``, which pruning then leaves alone;
    exclusive (never waiting) to remove it. None when it cannot be opened or
    (exclusive) someone holds it. Without ``fcntl`` there is no lock, only the
    descriptor."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError):
        return None
    try:
        import fcntl
    except ImportError:
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB if exclusive else fcntl.LOCK_SH)
    except OSError:
        os.close(fd)
        return None
    return fd


def remove_unheld(path: Path) -> bool:
    """Remove web directory ``path`` unless a running build or ``serve`` holds it
    (or it cannot be opened as a directory: a link is only unlinked). True when
    it is gone."""
    try:
        if path.is_symlink():
            path.unlink()
            return True
    except OSError:
        return False
    fd = lock_dir(path, exclusive=True)
    if fd is None:
        return not os.path.lexists(path)
    try:
        _remove(path)
    finally:
        os.close(fd)
    return not os.path.lexists(path)


def _web_entries(base: Path) -> list[tuple[Path, int, float]]:
    """The web databases (path, bytes, mtime); temporary directories that no
    running build holds are removed on the way."""
    web = base / WEB
    found: list[tuple[Path, int, float]] = []
    try:
        if not stat.S_ISDIR(web.lstat().st_mode):
            return found
        listing = list(os.scandir(web))
    except OSError:
        return found
    for item in listing:
        try:
            if not item.is_dir(follow_symlinks=False):
                continue
            path = Path(item.path)
            if _is_web_temp_name(item.name):
                remove_unheld(path)
            elif _is_web_entry_name(item.name):
                size = sum(f.stat(follow_symlinks=False).st_size for f in os.scandir(path)
                           if f.is_file(follow_symlinks=False))
                found.append((path, size, item.stat(follow_symlinks=False).st_mtime))
        except OSError:
            continue
    return found


# --------------------------------------------------------------------------- data-only codec
# A dataclass instance is written as [class number, {field: value}], with the
# class table (name, field names, how to rebuild each nested field) in front.
# Lists appear nowhere else: the models hold tuples. Rebuilding touches only
# the fields the table names; every other value is used as marshal made it.

_ONE, _SEQ, _MAP, _ANY = 1, 2, 3, 4
_LEAVES = (str, int, float, bool, type(None))


class _Unsupported(TypeError):
    """A value that is not plain data (no cache is written for it)."""


def encode_dataset(dataset: object) -> bytes:
    """``dataset`` (a tree of dataclasses, tuples, dicts and scalars) as marshal bytes."""
    import dataclasses

    numbers: dict[type, int] = {}
    table: list[tuple[str, tuple[str, ...]]] = []
    seen: list[dict[str, set[str]]] = []
    # Equal strings as one object: marshal then writes the repeats as references,
    # and reading makes each string once (roles, sources, sections repeat a lot).
    strings: dict[str, str] = {}

    def enc(value: Any) -> tuple[Any, str]:
        """(encoded, shape): 'plain', 'none', 'empty-tuple', 'empty-dict', 'one', 'seq',
        'map' or 'any'."""
        t = type(value)
        if t is str:
            return strings.setdefault(value, value), "plain"
        if t in _LEAVES:
            return value, "none" if value is None else "plain"
        if t is tuple:
            parts = [enc(v) for v in value]
            if not parts:
                return (), "empty-tuple"
            shapes = {s for _, s in parts}
            kind = "seq" if shapes == {"one"} else \
                "plain" if shapes <= {"plain", "none", "empty-tuple", "empty-dict"} else "any"
            return tuple(e for e, _ in parts), kind
        if t is dict:
            if any(type(k) is not str for k in value):
                raise _Unsupported("a dict key that is not a string")
            items = {strings.setdefault(k, k): enc(v) for k, v in value.items()}
            if not items:
                return {}, "empty-dict"
            shapes = {s for _, s in items.values()}
            kind = "map" if shapes == {"one"} else \
                "plain" if shapes <= {"plain", "none", "empty-tuple", "empty-dict"} else "any"
            return {k: e for k, (e, _) in items.items()}, kind
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            number = numbers.get(t)
            fields = dataclasses.fields(value)
            if number is None:
                number = numbers[t] = len(table)
                table.append((t.__name__, tuple(f.name for f in fields)))
                seen.append({})
            row = {}
            for f in fields:
                row[f.name], s = enc(getattr(value, f.name))
                seen[number].setdefault(f.name, set()).add(s)
            return [number, row], "one"
        raise _Unsupported(f"cannot cache a {t.__name__}")

    body, _ = enc(dataset)
    classes = []
    for (name, names), shapes in zip(table, seen, strict=True):
        plan = []
        for field_name in names:
            s = shapes.get(field_name, set())
            if s <= {"plain", "none", "empty-tuple", "empty-dict"}:
                continue
            if s - {"none"} == {"one"}:
                plan.append((field_name, _ONE))
            elif s - {"empty-tuple"} == {"seq"}:
                plan.append((field_name, _SEQ))
            elif s - {"empty-dict"} == {"map"}:
                plan.append((field_name, _MAP))
            else:
                plan.append((field_name, _ANY))
        classes.append((name, names, tuple(plan)))
    return marshal.dumps((FORMAT, tuple(classes), body), 4)


def decode_dataset(obj: Any) -> Dataset | None:
    """The dataset of :func:`encode_dataset`'s data, or None when it does not
    describe the models as they are now (or is not what it writes)."""
    import dataclasses

    from kasegeru_cli import models

    try:
        version, table, body = obj
        if version != FORMAT:
            return None
        classes = []
        for name, names, plan in table:
            cls = getattr(models, name, None) if type(name) is str else None
            if (not isinstance(cls, type) or not dataclasses.is_dataclass(cls)
                    or cls.__module__ != models.__name__
                    or tuple(f.name for f in dataclasses.fields(cls)) != names
                    or any(f not in names or k not in (_ONE, _SEQ, _MAP, _ANY)
                           for f, k in plan)):
                return None
            classes.append((cls, plan))
        new = object.__new__

        def build(value: list[Any]) -> object:
            cls, plan = classes[value[0]]
            row = value[1]
            for name, kind in plan:
                v = row[name]
                if kind == _SEQ:
                    row[name] = tuple([builders[x[0]](x) for x in v])
                elif kind == _MAP:
                    row[name] = {k: builders[x[0]](x) for k, x in v.items()}
                elif kind == _ONE:
                    if v is not None:
                        row[name] = builders[v[0]](v)
                else:
                    row[name] = rebuild(v)
            instance: object = new(cls)
            instance.__dict__.update(row)
            return instance

        def flat(cls: type) -> Callable[[list[Any]], object]:
            def build_flat(value: list[Any]) -> object:  # no nested field to rebuild
                instance: object = new(cls)
                instance.__dict__.update(value[1])
                return instance
            return build_flat

        builders = [build if plan else flat(cls) for cls, plan in classes]

        def rebuild(value: Any) -> Any:
            t = type(value)
            if t is list:
                return build(value)
            if t is tuple:
                return tuple(map(rebuild, value))
            if t is dict:
                return {k: rebuild(v) for k, v in value.items()}
            if t in _LEAVES:
                return value
            raise TypeError(t.__name__)

        dataset = build(body)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        return None
    return dataset if type(dataset) is models.Dataset else None


# --------------------------------------------------------------------------- loading


def load_cached(paths: Sequence[Path]) -> Dataset:
    """The dataset from ``paths`` (first the base, then ``--add`` files), from the
    cache when every file is byte-for-byte what was cached."""
    return load(paths).dataset


class Loaded:
    """A dataset from :func:`load`, and the way to what the cache keeps beside it."""

    def __init__(self, dataset: Dataset, entry: tuple[Path, str] | None,
                 texts: dict[str, str] | None = None) -> None:
        self.dataset = dataset
        self._entry = entry
        self._texts = texts

    def json_texts(self) -> dict[str, str] | None:
        """Every case's JSON record by id, as an :func:`array_element`, read from
        the cache on first use (only JSON lists need it); None when the cache is
        off or unreadable, or does not hold every case."""
        if self._texts is None and self._entry is not None:
            index = _show_index_of(_read_entry(*self._entry, "show"))
            if index is None:
                index = _repair(*self._entry, self.dataset)
            texts = index[1] if index is not None else None
            if texts is not None and all(c.id in texts for c in self.dataset.cases):
                self._texts = texts
        return self._texts

    def folded_texts(self) -> list[list[str]] | None:
        """:meth:`Catalog.folded_texts`, if an earlier search kept them."""
        if self._entry is None:
            return None
        folded = _read_entry(*self._entry, "fold")
        if isinstance(folded, list) and all(
                isinstance(texts, list) and all(type(t) is str for t in texts)
                for texts in folded):
            return folded
        return None

    def keep_folded_texts(self, folded: Callable[[], list[list[str]]]) -> None:
        """Keep ``folded()`` in the cache for the next search, unless it is there."""
        if self._entry is None:
            return
        directory, key = self._entry
        broken = (directory, key, "fold") in _broken
        if (broken or not (directory / f"{key}.fold").exists()) and usable_dir() is not None:
            _broken.discard((directory, key, "fold"))
            _write(directory, key, "fold", marshal.dumps(folded(), 4))
            _prune(directory)


def _show_index_of(index: object) -> ShowIndex | None:
    if (isinstance(index, tuple) and len(index) == 2
            and isinstance(index[0], dict) and isinstance(index[1], dict)):
        return index
    return None


def load(paths: Sequence[Path]) -> Loaded:
    """Like :func:`load_cached`, keeping the way to every case's cached ``show
    --json`` text, so that JSON lists need not render records again."""
    off = cache_disabled() or not all_regular(paths)
    key = None if off else _streamed_key(paths)
    directory = usable_dir() if key is not None else None
    if key is not None and directory is not None:
        dataset = decode_dataset(_read_entry(directory, key, "data"))
        if dataset is not None:
            loaded = Loaded(dataset, (directory, key))
            _repair(directory, key, dataset)
            return loaded
    from kasegeru_cli.loader import load_blobs, read_bytes  # only on a miss

    blobs = [(str(p), read_bytes(p)) for p in paths]
    dataset = load_blobs(blobs)  # raises DatasetError: invalid data is never cached
    if off:
        return Loaded(dataset, None)
    from kasegeru_cli.catalog import Catalog

    catalog = Catalog(dataset)  # one for both indexes: its key table is built once
    index = show_index(dataset, catalog)
    directory = usable_dir(create=True)
    if directory is None:
        return Loaded(dataset, None, index[1])
    # Keyed on the bytes just parsed (the file may have changed since it was hashed).
    key = cache_key(blobs)
    _store(directory, key, dataset, index, catalog)
    return Loaded(dataset, (directory, key), index[1])


def cache_entry(paths: Sequence[Path]) -> tuple[Path, str] | None:
    """Where these files' entry would be (directory, key), or None when there is
    no usable cache for them (turned off or refused, an unreadable file, a pipe)."""
    if cache_disabled() or not all_regular(paths):
        return None
    key = _streamed_key(paths)
    directory = usable_dir() if key is not None else None
    if key is None or directory is None:
        return None
    return directory, key


def read_show_index(paths: Sequence[Path]) -> ShowIndex | None:
    """The ``show --json`` index for these files, or None when it is not cached
    (no cache yet, an unreadable file, the cache turned off or refused)."""
    return show_index_at(cache_entry(paths))


def show_index_at(entry: tuple[Path, str] | None) -> ShowIndex | None:
    """:func:`read_show_index` of an entry already located by :func:`cache_entry`."""
    return _show_index_of(_read_entry(*entry, "show")) if entry is not None else None


def array_element(document: str) -> str:
    """A ``render_json`` document as it stands inside a rendered array: every
    line indented two more spaces, without the final newline. Exact, because a
    JSON string never holds a raw newline."""
    return document[:-1].replace("\n", "\n  ")


def document_of(element: str) -> str:
    """The ``render_json`` document of an :func:`array_element` (its inverse)."""
    return element.replace("\n  ", "\n") + "\n"


def show_index(dataset: Dataset, catalog: Catalog | None = None) -> ShowIndex:
    """Every case's ``show --json`` output, and the lookup keys of :class:`Catalog`
    (``catalog``, when one of this dataset is at hand)."""
    from kasegeru_cli.catalog import Catalog
    from kasegeru_cli.formats.jsonfmt import render_json
    from kasegeru_cli.records import pick

    catalog = catalog or Catalog(dataset)
    keys = {k: case.id for k, case in catalog.keys().items()}
    records = {case.id: array_element(render_json(pick(case, None)))
               for case in dataset.cases}
    return keys, records


def lookup_index(dataset: Dataset, catalog: Catalog | None = None
                 ) -> tuple[list[str], str, str]:
    """The keys ``show`` resolves a query with (:class:`lookup.Index`), small and
    quick to read without the dataset: the fast path answers an unknown id from it."""
    from kasegeru_cli.catalog import Catalog

    return tuple((catalog or Catalog(dataset)).lookup_index())  # type: ignore[return-value]


def read_lookup_index(paths: Sequence[Path]) -> tuple[list[str], str, str] | None:
    """The :func:`lookup_index` of these files from the cache, or None."""
    return lookup_index_at(cache_entry(paths))


def lookup_index_at(entry: tuple[Path, str] | None) -> tuple[list[str], str, str] | None:
    """:func:`read_lookup_index` of an entry already located by :func:`cache_entry`."""
    if entry is None:
        return None
    found = _read_entry(*entry, "keys")
    if (isinstance(found, tuple) and len(found) == 3 and isinstance(found[0], list)
            and type(found[1]) is str and type(found[2]) is str
            and found[1].count("\n") == found[2].count("\n") == len(found[0])):
        return found
    return None


def _repair(directory: Path, key: str, dataset: Dataset) -> ShowIndex | None:
    """Write anew the ``.show`` and ``.keys`` of a valid entry that this process
    found unusable (see :data:`_broken`): otherwise the fast path would miss, and
    JSON lists render every record, on every run until the entry is pruned.
    Returns the rebuilt show index, if it was rebuilt. A missing derived file is
    left missing (the size cap dropped it)."""
    kinds = [k for k in ("keys", "show") if (directory, key, k) in _broken]
    if not kinds or usable_dir() is None:
        return None
    from kasegeru_cli.catalog import Catalog

    catalog = Catalog(dataset)
    index = None
    for kind in kinds:
        _broken.discard((directory, key, kind))
        if kind == "keys":
            _write(directory, key, "keys", marshal.dumps(lookup_index(dataset, catalog), 4))
        else:
            index = show_index(dataset, catalog)
            _write(directory, key, "show", marshal.dumps(index, 4))
    _prune(directory)
    return index


def _store(directory: Path, key: str, dataset: Dataset, index: ShowIndex,
           catalog: Catalog) -> None:
    try:
        data = encode_dataset(dataset)
    except (_Unsupported, ValueError):  # not plain data: answer, do not cache
        return
    # The indexes first: an entry whose .data exists is complete. The .show
    # index (every record's JSON) may not fit the size cap on a very large
    # dataset; then JSON is rendered anew and the rest of the entry still serves.
    if _write(directory, key, "keys", marshal.dumps(lookup_index(dataset, catalog), 4)):
        _write(directory, key, "show", marshal.dumps(index, 4))
        _write(directory, key, "data", data)
    _prune(directory)


# --------------------------------------------------------------------------- pruning


def _cache_names() -> tuple[Any, Any]:
    import re

    entry = re.compile(r"([0-9a-f]{32})\.(?:data|show|fold|keys|pickle)\Z")
    temp = re.compile(r"\.tmp-[a-z0-9_]{8}\.(?:data|show|fold|keys|stat)\Z")
    return entry, temp


def _prune(directory: Path) -> None:
    """Keep the newest entries within :data:`_MAX_ENTRIES` and :func:`max_bytes`,
    and the newest web databases within :data:`_MAX_WEB` and the same byte cap;
    remove temporary files no writer holds. Only names this module writes are
    ever removed, and only regular files (never what a link points to); a web
    database a running ``serve`` holds is never removed."""
    entry_name, temp_name = _cache_names()
    groups: dict[str, list[tuple[Path, int, float]]] = {}
    memos: list[tuple[Path, float]] = []
    try:
        listing = list(os.scandir(directory))
    except OSError:
        return
    for item in listing:
        try:
            if not item.is_file(follow_symlinks=False):
                continue
            if temp_name.match(item.name):
                path = Path(item.path)
                if not _held(path):
                    with contextlib.suppress(OSError):
                        path.unlink()
                continue
            if _is_memo_name(item.name):
                memos.append((Path(item.path), item.stat(follow_symlinks=False).st_mtime))
                continue
            found = entry_name.match(item.name)
            if found:
                st = item.stat(follow_symlinks=False)
                groups.setdefault(found[1], []).append((Path(item.path), st.st_size,
                                                        st.st_mtime))
        except OSError:
            continue
    for path, _ in sorted(memos, key=lambda m: -m[1])[_MAX_MEMOS:]:
        with contextlib.suppress(OSError):
            path.unlink()
    cap = max_bytes()
    # One cap for the entries and the web databases, newest first.
    newest_first: list[Any] = sorted(
        [*groups.values(), *_web_entries(directory)],
        key=lambda it: -(it[2] if isinstance(it, tuple) else max(m for _, _, m in it)))
    total = 0
    count = webs = 0
    for files in newest_first:
        if isinstance(files, tuple):  # a web database
            path, size, _ = files
            webs += 1
            if (webs > _MAX_WEB or total + size > cap) and remove_unheld(path):
                continue
            total += size  # kept, or in use by a running serve
            continue
        count += 1
        size = sum(s for _, s, _ in files)
        legacy = any(p.suffix == ".pickle" for p, _, _ in files)
        if count <= _MAX_ENTRIES and total + size <= cap and not legacy:
            total += size
            continue
        # Over the cap: an entry first gives up what only speeds JSON and search
        # (.show, .fold) and keeps its data and keys, if those fit.
        core = [f for f in files if f[0].suffix in (".data", ".keys")]
        core_size = sum(s for _, s, _ in core)
        keep = count <= _MAX_ENTRIES and not legacy and core and total + core_size <= cap
        for path, _, _ in files:
            if keep and path.suffix in (".data", ".keys"):
                continue
            with contextlib.suppress(OSError):
                path.unlink()
        if keep:
            total += core_size
