"""Where the dataset comes from: the bundled file, and a cache of it parsed.

The cache keeps the parsed, validated dataset so that a command does not
re-parse TOML. It is keyed on the content of every file loaded (SHA-256), the
package version and the package's own modules (name, size, mtime): an edited
file, an upgrade, a different ``--add`` set or an edited module in a
development tree is a different key, so the cache is never stale. Each file of
an entry is written to a temporary name and renamed into place, so a
concurrent writer or a crash leaves either the whole file or none; a file that
does not load (truncated, from another Python) is ignored and rebuilt.

- ``KEY.pickle``: the :class:`~kasegeru_cli.models.Dataset`.
- ``KEY.show``: every case's JSON record (what ``kasegeru show ID --json``
  prints, kept as it stands inside a JSON array), and every id and alias
  (folded as :meth:`Catalog.get` folds them) to its case id, as :mod:`marshal`
  data. :mod:`kasegeru_cli.fastpath` answers from it without
  importing typer or the models; it is made by the same code that prints the
  answer on the ordinary path, so the two cannot differ. JSON lists join these
  texts instead of rendering the records again.
- ``KEY.fold``: the folded texts search matches against
  (:meth:`Catalog.folded_texts`), written by the first search.

This module imports nothing heavy at the top: the fast path uses it.

Location: ``$KASEGERU_CACHE_DIR``, else ``$XDG_CACHE_HOME/kasegeru``, else
``~/.cache/kasegeru``. ``KASEGERU_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from kasegeru_cli import __version__

if TYPE_CHECKING:
    from kasegeru_cli.models import Dataset

BUNDLED_NAME = "cases.toml"
_MAX_ENTRIES = 16
_PACKAGE_DIR = Path(__file__).parent
_CODE_DIRS = (_PACKAGE_DIR, _PACKAGE_DIR / "formats")

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
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "kasegeru"


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
    h.update(f"kasegeru {__version__} py{sys.version_info[0]}.{sys.version_info[1]}\n".encode())
    h.update(_code_digest())
    for size, digest in files:
        h.update(size.to_bytes(8, "big"))
        h.update(digest)
    return h.hexdigest()[:32]


def _streamed_key(paths: Sequence[Path]) -> str | None:
    """:func:`cache_key` of the files as they are, hashed in chunks: a hit then never
    holds a whole data file in memory. None when a file cannot be read (the loader
    says why)."""
    files = []
    buffer = bytearray(1 << 18)
    view = memoryview(buffer)
    try:
        for path in paths:
            h = hashlib.sha256()  # hashlib.file_digest does this, from Python 3.11 on
            size = 0
            with path.open("rb", buffering=0) as fh:
                while n := fh.readinto(buffer):
                    h.update(view[:n])
                    size += n
            files.append((size, h.digest()))
    except (OSError, ValueError):
        return None
    return _key(files)


def load_cached(paths: Sequence[Path]) -> Dataset:
    """The dataset from ``paths`` (first the base, then ``--add`` files), from the
    cache when every file is byte-for-byte what was cached."""
    return load(paths).dataset


class Loaded:
    """A dataset from :func:`load`, and the way to what the cache keeps beside it."""

    def __init__(self, dataset: Dataset, entry: Path | None,
                 texts: dict[str, str] | None = None) -> None:
        self.dataset = dataset
        self._entry = entry
        self._texts = texts

    def json_texts(self) -> dict[str, str] | None:
        """Every case's JSON record by id, as an :func:`array_element`, read from
        the cache on first use (only JSON lists need it); None when the cache is
        off or unreadable."""
        if self._texts is None and self._entry is not None:
            index = _read_show_file(self._entry.with_suffix(".show"))
            self._texts = index[1] if index is not None else None
        return self._texts

    def folded_texts(self) -> list[list[str]] | None:
        """:meth:`Catalog.folded_texts`, if an earlier search kept them."""
        if self._entry is None:
            return None
        folded = _read_marshal(self._entry.with_suffix(".fold"))
        return folded if isinstance(folded, list) else None

    def keep_folded_texts(self, folded: Callable[[], list[list[str]]]) -> None:
        """Keep ``folded()`` in the cache for the next search, unless it is there."""
        if self._entry is not None and not self._entry.with_suffix(".fold").exists():
            data = folded()
            _write(self._entry.with_suffix(".fold"), lambda fh: marshal.dump(data, fh))


def _read_marshal(path: Path) -> object:
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None


def _read_show_file(path: Path) -> ShowIndex | None:
    index = _read_marshal(path)
    if (isinstance(index, tuple) and len(index) == 2
            and isinstance(index[0], dict) and isinstance(index[1], dict)):
        return index
    return None


def load(paths: Sequence[Path]) -> Loaded:
    """Like :func:`load_cached`, keeping the way to every case's cached ``show
    --json`` text, so that JSON lists need not render records again."""
    import pickle

    from kasegeru_cli.models import Dataset

    key = None if os.environ.get("KASEGERU_NO_CACHE") else _streamed_key(paths)
    if key is not None:
        entry = cache_dir() / f"{key}.pickle"
        try:
            dataset = pickle.loads(entry.read_bytes())
            if isinstance(dataset, Dataset):
                return Loaded(dataset, entry)
        except Exception:  # missing, truncated, or written by an incompatible version
            pass
    from kasegeru_cli.loader import load_blobs, read_bytes  # only on a miss

    blobs = [(str(p), read_bytes(p)) for p in paths]
    if os.environ.get("KASEGERU_NO_CACHE"):
        return Loaded(load_blobs(blobs), None)
    dataset = load_blobs(blobs)  # raises DatasetError: invalid data is never cached
    index = show_index(dataset)
    # Keyed on the bytes just parsed (the file may have changed since it was hashed).
    entry = cache_dir() / f"{cache_key(blobs)}.pickle"
    _store(entry, dataset, index)
    return Loaded(dataset, entry, index[1])


def read_show_index(paths: Sequence[Path]) -> ShowIndex | None:
    """The ``show --json`` index for these files, or None when it is not cached
    (no cache yet, an unreadable file, the cache turned off)."""
    if os.environ.get("KASEGERU_NO_CACHE"):
        return None
    key = _streamed_key(paths)
    return _read_show_file(cache_dir() / f"{key}.show") if key is not None else None


def array_element(document: str) -> str:
    """A ``render_json`` document as it stands inside a rendered array: every
    line indented two more spaces, without the final newline. Exact, because a
    JSON string never holds a raw newline."""
    return document[:-1].replace("\n", "\n  ")


def document_of(element: str) -> str:
    """The ``render_json`` document of an :func:`array_element` (its inverse)."""
    return element.replace("\n  ", "\n") + "\n"


def show_index(dataset: Dataset) -> ShowIndex:
    """Every case's ``show --json`` output, and the lookup keys of :class:`Catalog`."""
    from kasegeru_cli.catalog import Catalog
    from kasegeru_cli.formats.jsonfmt import render_json
    from kasegeru_cli.records import pick

    catalog = Catalog(dataset)
    keys = {k: case.id for k, case in catalog.keys().items()}
    records = {case.id: array_element(render_json(pick(case, None)))
               for case in dataset.cases}
    return keys, records


def _store(entry: Path, dataset: Dataset, index: ShowIndex) -> None:
    import pickle

    # The index first: an entry whose pickle exists is complete.
    if _write(entry.with_suffix(".show"), lambda fh: marshal.dump(index, fh)):
        _write(entry, lambda fh: pickle.dump(dataset, fh, protocol=pickle.HIGHEST_PROTOCOL))
        _prune(entry.parent)


def _write(path: Path, dump: Callable[[IO[bytes]], object]) -> bool:
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    except OSError:
        return False  # a read-only home: the cache is an optimisation only
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            dump(fh)
        tmp.replace(path)
        return True
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # pruned meanwhile by another process
        return 0.0


def _prune(directory: Path) -> None:
    entries = sorted(directory.glob("*.pickle"), key=_mtime, reverse=True)
    for old in entries[_MAX_ENTRIES:]:
        for path in (old, old.with_suffix(".show"), old.with_suffix(".fold")):
            with contextlib.suppress(OSError):
                path.unlink()
