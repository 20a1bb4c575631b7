"""The dataset cache: faster, never different."""

from __future__ import annotations

import json
import marshal
import os
import pickle
import threading
from pathlib import Path

import pytest

from kasegeru_cli import store
from kasegeru_cli.loader import DatasetError, load_files

from .conftest import MINIMAL, Cli


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("KASEGERU_CACHE_DIR", str(directory))
    monkeypatch.delenv("KASEGERU_NO_CACHE", raising=False)
    return directory


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.pickle")) if cache.exists() else []


def test_cached_equals_uncached(cache: Path, bundled: Path) -> None:
    first = store.load_cached([bundled])
    assert len(entries(cache)) == 1
    second = store.load_cached([bundled])
    assert first == second == load_files([bundled])


def test_an_edit_is_never_answered_from_the_cache(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    before = store.load_cached([path])
    # Same length, same mtime: only the content differs.
    stat = path.stat()
    path.write_text(MINIMAL.replace("アルファ", "アルフア"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = store.load_cached([path])
    assert before.cases[0].name == "アルファ" and after.cases[0].name == "アルフア"


def test_added_files_are_part_of_the_key(cache: Path, tmp_path: Path, bundled: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text(MINIMAL.split("[[cases]]")[0].replace("[types.coworking]", "[types.x]")
                     .replace("[sources.mine]", "[sources.team]"), encoding="utf-8")
    base = store.load_cached([bundled])
    with_extra = store.load_cached([bundled, extra])
    assert "team" in with_extra.sources and "team" not in base.sources


def test_a_corrupt_entry_is_ignored_and_rebuilt(cache: Path, bundled: Path) -> None:
    good = store.load_cached([bundled])
    [entry] = entries(cache)
    entry.write_bytes(entry.read_bytes()[:100])  # truncated
    assert store.load_cached([bundled]) == good
    entry.write_bytes(pickle.dumps({"not": "a dataset"}))
    assert store.load_cached([bundled]) == good
    entry.write_bytes(b"garbage")
    assert store.load_cached([bundled]) == good


def test_invalid_data_is_never_cached(cache: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(MINIMAL.replace('"2019-04"', '"2019-13"'), encoding="utf-8")
    with pytest.raises(DatasetError):
        store.load_cached([bad])
    assert entries(cache) == []
    with pytest.raises(DatasetError):
        store.load_cached([bad])


def test_concurrent_first_runs(cache: Path, bundled: Path) -> None:
    results: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(store.load_cached([bundled]))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(r == results[0] for r in results)
    assert len(entries(cache)) == 1
    assert not list(cache.glob(".tmp-*"))  # no temporary files left behind


def test_unwritable_cache_dir_still_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           bundled: Path) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("KASEGERU_CACHE_DIR", str(blocker / "cache"))
    assert store.load_cached([bundled]) == load_files([bundled])


def test_no_cache_switch(cache: Path, bundled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KASEGERU_NO_CACHE", "1")
    store.load_cached([bundled])
    assert entries(cache) == []


def test_xdg_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KASEGERU_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert store.cache_dir() == tmp_path / "xdg" / "kasegeru"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")  # the spec says: absolute only
    assert store.cache_dir() == Path.home() / ".cache" / "kasegeru"


def test_cli_answers_are_the_same_with_and_without_cache(cli: Cli) -> None:
    cold = cli("list", "--json", env={"KASEGERU_NO_CACHE": "1"}).stdout
    cli("list", "--json")  # fills the cache
    warm = cli("list", "--json").stdout
    assert cold == warm and cold.startswith("[")


def test_changed_code_is_a_different_key(bundled: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # A development tree that edits a model (or the loader) without a version
    # bump must not be answered with objects pickled by the old code.
    import shutil

    code = tmp_path / "kasegeru_cli"
    shutil.copytree(Path(store.__file__).parent, code)
    monkeypatch.setattr(store, "_CODE_DIRS", (code, code / "formats"))
    blobs = [(str(bundled), bundled.read_bytes())]
    before = store.cache_key(blobs)
    assert store.cache_key(blobs) == before
    models = code / "models.py"
    stat = models.stat()
    models.write_text(models.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert store.cache_key(blobs) != before
    os.utime(models, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # a new size alone
    assert store.cache_key(blobs) != before


def test_search_keeps_its_folded_texts_and_answers_the_same(cli: Cli, cache: Path) -> None:
    args = ("search", "コワーキング 東京", "--json")
    cold = cli(*args, env={"KASEGERU_NO_CACHE": "1"}).stdout
    assert '"id": "co-ba"' in cold
    first = cli(*args).stdout  # folds every text, then keeps the folds
    [fold] = cache.glob("*.fold")
    second = cli(*args).stdout  # matches against the kept folds
    assert cold == first == second
    fold.write_bytes(b"garbage")  # a broken entry: fold again, same answer
    assert cli(*args).stdout == cold
    fold.write_bytes(marshal.dumps([["x"]]))  # the wrong shape: ignored
    assert cli(*args).stdout == cold


def test_json_lists_from_the_kept_texts_equal_rendering(cli: Cli, cache: Path) -> None:
    cold = cli("list", "--json", "--type", "coworking", env={"KASEGERU_NO_CACHE": "1"})
    cli("list")  # fills the cache
    warm = cli("list", "--json", "--type", "coworking")
    assert json.loads(cold.stdout) and cold.stdout == warm.stdout
    assert cli("export", "--format", "json").stdout == \
        cli("export", "--format", "json", env={"KASEGERU_NO_CACHE": "1"}).stdout


def test_a_hit_does_not_parse_again(cache: Path, bundled: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text(MINIMAL.split("[[cases]]")[0].replace("[types.coworking]", "[types.x]")
                     .replace("[sources.mine]", "[sources.team]"), encoding="utf-8")
    paths = [bundled, extra]
    first = store.load_cached(paths)
    # The key a hit computes (streamed) is the key the miss stored under (bytes).
    assert store._streamed_key(paths) == store.cache_key(
        [(str(p), p.read_bytes()) for p in paths])

    def parse(*_: object) -> None:
        raise AssertionError("parsed on a cache hit")

    monkeypatch.setattr("kasegeru_cli.loader.load_blobs", parse)
    assert store.load_cached(paths) == first
