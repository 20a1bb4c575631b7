"""A cache of the parsed, validated dataset, so a command does not re-parse TOML.

Keyed on the content of every file loaded (SHA-256), the package version and the
schema version: an edited file, an upgrade or a different ``--add`` set is a
different key, so the cache is never stale. The entry is a pickle of the
:class:`Dataset`, written to a temporary file and renamed into place, so a
concurrent writer or a crash leaves either the whole entry or none; an entry
that does not load (truncated, from another Python) is ignored and rebuilt.

Location: ``$KASEGERU_CACHE_DIR``, else ``$XDG_CACHE_HOME/kasegeru``, else
``~/.cache/kasegeru``. ``KASEGERU_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from collections.abc import Sequence
from pathlib import Path

from kasegeru_cli import __version__, models
from kasegeru_cli.loader import SCHEMA_VERSION, load_blobs, read_bytes
from kasegeru_cli.models import Dataset

_MAX_ENTRIES = 16


def _model_shape() -> str:
    """The classes' names and fields, as part of the key: a development tree that
    changes a model without a version bump then misses the cache, instead of
    unpickling an old entry into objects that lack the new fields."""
    classes = (models.Actor, models.Location, models.Event, models.Figure,
               models.SourceRef, models.Case, models.CaseType, models.Source, models.Dataset)
    return repr([(c.__qualname__, tuple(c.__annotations__)) for c in classes])


def cache_dir() -> Path:
    explicit = os.environ.get("KASEGERU_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "kasegeru"


def cache_key(blobs: Sequence[tuple[str, bytes]]) -> str:
    h = hashlib.sha256()
    h.update(f"kasegeru {__version__} schema {SCHEMA_VERSION} "
             f"py{sys.version_info[0]}.{sys.version_info[1]} {_model_shape()}\n".encode())
    for _, data in blobs:
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()[:32]


def load_cached(paths: Sequence[Path]) -> Dataset:
    """The dataset from ``paths`` (first the base, then ``--add`` files), from the
    cache when every file is byte-for-byte what was cached."""
    blobs = [(str(p), read_bytes(p)) for p in paths]
    if os.environ.get("KASEGERU_NO_CACHE"):
        return load_blobs(blobs)
    key = cache_key(blobs)
    entry = cache_dir() / f"{key}.pickle"
    try:
        with entry.open("rb") as fh:
            dataset = pickle.load(fh)
        if isinstance(dataset, Dataset):
            return dataset
    except Exception:  # missing, truncated, or written by an incompatible version
        pass
    dataset = load_blobs(blobs)  # raises DatasetError: invalid data is never cached
    _store(entry, dataset)
    return dataset


def _store(entry: Path, dataset: Dataset) -> None:
    import tempfile

    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".pickle")
    except OSError:
        return  # a read-only home: the cache is an optimisation only
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(dataset, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(entry)
        _prune(entry.parent)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _prune(directory: Path) -> None:
    entries = sorted(directory.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[_MAX_ENTRIES:]:
        with contextlib.suppress(OSError):
            old.unlink()
