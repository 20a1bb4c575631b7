"""The dataset cache: faster, never different."""

from __future__ import annotations

import json
import marshal
import os
import sys
import threading
from pathlib import Path

import pytest

from kasegeru_cli import store
from kasegeru_cli.loader import DatasetError, load_files
from kasegeru_cli.models import Dataset

from .conftest import MINIMAL, Cli


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("KASEGERU_CACHE_DIR", str(directory))
    monkeypatch.delenv("KASEGERU_NO_CACHE", raising=False)
    return directory


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.data")) if cache.exists() else []


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
    entry.write_bytes(marshal.dumps({"not": "a dataset"}))
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
    fold.write_bytes(marshal.dumps([["x"]]))  # not sealed: ignored
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


# ----------------------------------------------------------------------------- data, not code


def test_the_cache_holds_data_not_pickles(cache: Path, bundled: Path) -> None:
    store.load_cached([bundled])
    names = sorted(p.suffix for p in cache.iterdir())
    # the records, every record's JSON, the keys show resolves against; and, once
    # the directory exists, the content digest of the file by its identity
    assert names in ([".data", ".keys", ".show"], [".data", ".keys", ".show", ".stat"])
    for path in cache.iterdir():
        assert path.read_bytes().startswith(b"kasegeru cache 2\n")
    assert cache.stat().st_mode & 0o777 == 0o700


def test_a_planted_pickle_never_runs(cache: Path, bundled: Path, tmp_path: Path) -> None:
    import pickle

    store.load_cached([bundled])
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (marker.touch, ())  # type: ignore[return-value]

    key = store._streamed_key([bundled])
    for suffix in (".pickle", ".data", ".show", ".fold"):
        (cache / f"{key}{suffix}").write_bytes(pickle.dumps(Payload()))
    assert store.load_cached([bundled]) == load_files([bundled])
    assert not marker.exists()


@pytest.mark.parametrize("kind", ["data", "show", "fold"])
def test_an_edited_entry_is_a_miss(cli: Cli, cache: Path, kind: str) -> None:
    args = ("search", "コワーキング", "--json")
    cold = cli(*args, env={"KASEGERU_NO_CACHE": "1"}).stdout
    cli(*args)  # fills .data, .show and .fold
    [entry] = cache.glob(f"*.{kind}")
    data = bytearray(entry.read_bytes())
    # The same length, one character changed well inside the content.
    at = data.index("ツクルバ".encode()) if "ツクルバ".encode() in data else len(data) // 2
    data[at:at + 3] = "ヤ".encode()
    entry.write_bytes(bytes(data))
    assert cli(*args).stdout == cold
    assert cli("show", "co-ba", "--json").stdout == \
        cli("show", "co-ba", "--json", env={"KASEGERU_NO_CACHE": "1"}).stdout


def test_an_entry_of_another_key_is_a_miss(cache: Path, bundled: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(MINIMAL, encoding="utf-8")
    store.load_cached([mine])
    store.load_cached([bundled])
    key_mine = store._streamed_key([mine])
    key_bundled = store._streamed_key([bundled])
    (cache / f"{key_mine}.data").write_bytes((cache / f"{key_bundled}.data").read_bytes())
    assert store.load_cached([mine]) == load_files([mine])


def test_the_codec_is_generic_over_the_models(bundled: Path) -> None:
    dataset = load_files([bundled])
    data = store.encode_dataset(dataset)
    assert store.decode_dataset(marshal.loads(data)) == dataset
    # A model whose fields changed since the entry was written: a miss.
    version, table, body = marshal.loads(data)
    renamed = tuple((name, (*names[:-1], "renamed"), plan) for name, names, plan in table)
    assert store.decode_dataset((version, renamed, body)) is None
    # Only the models' own classes are rebuilt.
    foreign = tuple(("Path" if i == 0 else name, names, plan)
                    for i, (name, names, plan) in enumerate(table))
    assert store.decode_dataset((version, foreign, body)) is None
    assert store.decode_dataset(("x",)) is None


def test_a_fifo_a_device_or_a_link_in_place_of_an_entry(cache: Path, bundled: Path) -> None:
    good = store.load_cached([bundled])
    key = store._streamed_key([bundled])
    entry = cache / f"{key}.data"
    entry.unlink()
    os.mkfifo(entry)  # a reader would block forever
    assert store.load_cached([bundled]) == good
    entry.unlink(missing_ok=True)
    entry.symlink_to("/dev/zero")  # a reader would read forever
    assert store.load_cached([bundled]) == good
    assert store.read_show_index([bundled]) is not None


def test_a_shared_writable_directory_is_refused(tmp_path: Path, bundled: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("KASEGERU_CACHE_DIR", str(shared))
    monkeypatch.delenv("KASEGERU_NO_CACHE", raising=False)
    monkeypatch.setattr(store, "_noted", set())
    assert store.load_cached([bundled]) == load_files([bundled])
    store.load_cached([bundled])
    assert list(shared.iterdir()) == []
    err = capsys.readouterr().err
    assert err.count("Note:") == 1 and "other users can write to it" in err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_a_directory_of_another_user_is_refused(tmp_path: Path, bundled: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o755)
    monkeypatch.setenv("KASEGERU_CACHE_DIR", str(theirs))
    monkeypatch.delenv("KASEGERU_NO_CACHE", raising=False)
    monkeypatch.setattr(store, "_noted", set())
    store.load_cached([bundled])
    planted = list(theirs.iterdir())
    assert {p.suffix for p in planted} >= {".data", ".keys", ".show"}
    os.chown(theirs, 65534, 65534)
    for path in theirs.iterdir():
        os.chown(path, 65534, 65534)
    store.load_cached([bundled])
    assert "belongs to another user" in capsys.readouterr().err
    assert store.read_show_index([bundled]) is None
    assert all(p.exists() for p in planted)


def test_pruning_removes_only_its_own_names(cache: Path, bundled: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl
    import time

    cache.mkdir(mode=0o700)
    theirs = ["notes.pickle", "photo.show", "x.fold", "ABCDEF0123456789ABCDEF0123456789.data",
              ".tmp-notmine.txt", "0123456789abcdef0123456789abcdef.json"]
    for name in theirs:
        (cache / name).write_text("mine, not the cache's")
    (cache / "0123456789abcdef0123456789abcdef.pickle").symlink_to(tmp_path / "target")
    stale = cache / ".tmp-abcd1234.show"  # left by a killed writer
    stale.write_bytes(b"half")
    held = cache / ".tmp-efgh5678.data"  # a writer at work in another process
    held.write_bytes(b"half")
    fd = os.open(held, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    old = cache / "0123456789abcdef0123456789abcdef.pickle2"
    old.write_text("x")
    try:
        monkeypatch.setattr(store, "_MAX_ENTRIES", 1)
        store.load_cached([bundled])
        first = store._streamed_key([bundled])
        assert first is not None and (cache / f"{first}.data").exists()
        past = time.time() - 100
        for path in cache.glob(f"{first}.*"):
            os.utime(path, (past, past))
        mine = tmp_path / "mine.toml"
        mine.write_text(MINIMAL, encoding="utf-8")
        store.load_cached([mine])  # the newest entry: the older one is pruned
    finally:
        os.close(fd)
    left = sorted(p.name for p in cache.iterdir())
    for name in theirs:
        assert name in left
    assert "0123456789abcdef0123456789abcdef.pickle" in left  # a link: never removed
    assert held.name in left and stale.name not in left
    kept = [p.stem for p in entries(cache) if not p.name.startswith(".") and p.stem.islower()]
    assert kept == [store._streamed_key([mine])]


def test_a_byte_cap_not_an_entry_count(cache: Path, bundled: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KASEGERU_CACHE_MAX_MB", "0.05")  # 52 kB: less than the bundled entry
    assert store.load_cached([bundled]) == load_files([bundled])
    assert entries(cache) == []
    mine = tmp_path / "mine.toml"
    mine.write_text(MINIMAL, encoding="utf-8")
    store.load_cached([mine])
    assert len(entries(cache)) == 1
    assert sum(p.stat().st_size for p in cache.iterdir()) <= 0.05 * 1024 * 1024


@pytest.mark.parametrize("value, on", [("0", True), ("", True), ("false", True), ("no", True),
                                       ("off", True), (" OFF ", True),
                                       ("1", False), ("yes", False), ("true", False)])
def test_no_cache_values(cache: Path, bundled: Path, monkeypatch: pytest.MonkeyPatch,
                         value: str, on: bool) -> None:
    monkeypatch.setenv("KASEGERU_NO_CACHE", value)
    store.load_cached([bundled])
    assert bool(entries(cache)) is on


# ------------------------------------------------------------------ what a warm cache saves


def _refuse(what: str) -> object:
    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError(f"{what} ran: the cache was not used")
    return refuse


def test_a_warm_search_folds_nothing_again(cli: Cli, cache: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    first = cli("search", "空き家", "--json")  # fills the cache, the folds included
    assert first.exit_code == 0
    assert any(p.name.endswith(".fold") for p in cache.iterdir())
    from kasegeru_cli import catalog

    monkeypatch.setattr(catalog, "_fold_texts", _refuse("folding every text"))
    again = cli("search", "空き家", "--json")
    assert again.exit_code == 0, again.exception
    assert again.stdout == first.stdout


def test_a_warm_json_list_renders_no_record_again(cli: Cli, cache: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    first = cli("list", "--json", "--type", "coworking")
    assert first.exit_code == 0
    from kasegeru_cli import records

    monkeypatch.setattr(records, "case_to_dict", _refuse("rendering a record"))
    monkeypatch.setattr(records, "pick", _refuse("rendering a record"))
    again = cli("list", "--json", "--type", "coworking")
    assert again.exit_code == 0, again.exception
    assert again.stdout == first.stdout


@pytest.mark.parametrize(("name", "memo"), [
    ("0123456789abcdef0123456789abcdef.stat", True),
    ("0123456789ABCDEF0123456789abcdef.stat", False),  # not what the cache writes
    ("0123456789abcdef0123456789abcdeg.stat", False),
    ("0123456789abcdef0123456789abcdef0.stat", False),
    ("0123456789abcdef0123456789abcde.stat", False),
    ("0123456789abcdef0123456789abcdef.STAT", False),
    ("0123456789abcdef0123456789abcdef.data", False),
    ("0123456789abcdef0123456789abcdefxstat", False),
    ("X123456789abcdef0123456789abcdef.stat", False),
])
def test_memo_names(name: str, memo: bool) -> None:
    assert store._is_memo_name(name) is memo


@pytest.mark.parametrize("broken", [OSError, ValueError, None])
def test_a_note_to_a_broken_stderr_is_dropped(broken: type[Exception] | None,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def write(self, text: str) -> int:
            assert broken is not None
            raise broken("closed")

    monkeypatch.setattr("sys.stderr", Broken() if broken is not None else None)
    # not noted yet in this process (mutmut forks its runs from one that was)
    monkeypatch.setattr(store, "_noted", set())
    store._note(f"a note nobody can read ({broken})")  # no exception


# ------------------------------------------------------------------ pruning, file by file

def _entry(directory: Path, key: str, age: float, sizes: dict[str, int]) -> None:
    import time

    for kind, size in sizes.items():
        path = directory / f"{key}.{kind}"
        path.write_bytes(b"x" * size)
        os.utime(path, (time.time() - age, time.time() - age))


def test_pruning_keeps_the_newest_within_the_cap_and_gives_up_speed_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl
    import time

    monkeypatch.setenv("KASEGERU_CACHE_MAX_MB", str(1000 / 1024 / 1024))  # 1,000 bytes
    full = {"data": 300, "keys": 50, "show": 200, "fold": 100}  # 650, of which 350 core
    a, b, c, d = ("a" * 32, "b" * 32, "c" * 32, "d" * 32)
    _entry(tmp_path, d, 10, {"data": 10, "pickle": 10})  # the newest, but an old format
    _entry(tmp_path, a, 20, full)  # 650: kept whole
    _entry(tmp_path, b, 30, full)  # 650 more is over; its core (350) fits exactly: kept
    _entry(tmp_path, c, 40, full)  # not even its core fits: removed
    stale = tmp_path / ".tmp-abcdefgh.data"
    stale.write_bytes(b"x")
    held = tmp_path / ".tmp-ijklmnop.show"
    held.write_bytes(b"x")
    memos = [tmp_path / f"{i:032x}.stat" for i in range(66)]
    for i, memo in enumerate(memos):  # the last is the newest (names sort the other way)
        memo.write_bytes(b"")
        os.utime(memo, (time.time() - 100 + i, time.time() - 100 + i))
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / ("e" * 32 + ".data")).mkdir()  # not a file
    (tmp_path / ("f" * 32 + ".data")).symlink_to(tmp_path / "notes.txt")
    fd = os.open(held, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # a writer at work
        store._prune(tmp_path)
    finally:
        os.close(fd)
    left = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".stat"))
    assert left == sorted([".tmp-ijklmnop.show", f"{a}.data", f"{a}.fold", f"{a}.keys",
                           f"{a}.show", f"{b}.data", f"{b}.keys", "e" * 32 + ".data",
                           "f" * 32 + ".data", "notes.txt"])
    assert sorted(p.name for p in tmp_path.glob("*.stat")) == sorted(m.name for m in memos[2:])


def test_pruning_keeps_sixteen_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KASEGERU_CACHE_MAX_MB", "10")
    keys = [f"{i:032x}" for i in range(18)]  # key 0 is the newest
    for i, key in enumerate(keys):
        _entry(tmp_path, key, 100 + i, {"data": 10, "keys": 10})
    store._prune(tmp_path)
    assert sorted({p.name[:32] for p in tmp_path.iterdir()}) == keys[:16]


# ------------------------------------------------------------------ entry files, one by one

MINIMAL_LOOKUP = (
    ["alpha", "beta"],
    "\talpha\t\n\tbeta\t\n",
    "\talpha\tあるふぁ\talpha\t\n\tbeta\tべーた\tbeta\t\n",
)
"""The lookup index of conftest's MINIMAL, written by hand (ids, then names, folded)."""


def test_a_miss_keeps_the_lookup_index_beside_the_data(cache: Path,
                                                        minimal_file: Path) -> None:
    assert store.read_lookup_index([minimal_file]) is None  # nothing cached yet
    store.load([minimal_file])
    assert store.read_lookup_index([minimal_file]) == MINIMAL_LOOKUP
    # the same without a catalog at hand
    assert store.lookup_index(load_files([minimal_file])) == MINIMAL_LOOKUP


@pytest.mark.parametrize("found", [
    (["a"], ["\n"], "x\n"),  # keys not a string (a list counts "\n" too)
    (["a"], "x\n", ["\n"]),
    (["a"], "", "x\n"),  # keys and names of different lengths
    (["a"], "x\n", ""),
    (["a", "b"], "x\n", "y\n"),  # more ids than lines
    (("a",), "x\n", "y\n"),  # ids not a list
    (["a"], "x\n"),
    "x\n",
])
def test_a_lookup_index_of_the_wrong_shape_is_a_miss(tmp_path: Path, found: object) -> None:
    key = "a" * 32
    assert store._write(tmp_path, key, "keys", marshal.dumps(found, 4))  # type: ignore[arg-type]
    assert store.lookup_index_at((tmp_path, key)) is None
    assert store._write(tmp_path, key, "keys", marshal.dumps((["a"], "x\n", "y\n"), 4))
    assert store.lookup_index_at((tmp_path, key)) == (["a"], "x\n", "y\n")


@pytest.mark.parametrize("folded", [
    [["a", 1]], [("a",)], (["a"],), "a", [["a"], "b"], None,
])
def test_kept_folds_of_the_wrong_shape_are_a_miss(tmp_path: Path, folded: object) -> None:
    key = "b" * 32
    loaded = store.Loaded(load_files_minimal(tmp_path), (tmp_path, key))
    assert store._write(tmp_path, key, "fold", marshal.dumps(folded, 4))  # type: ignore[arg-type]
    assert loaded.folded_texts() is None
    assert store._write(tmp_path, key, "fold", marshal.dumps([["a", "b"], []], 4))
    assert loaded.folded_texts() == [["a", "b"], []]


def load_files_minimal(tmp_path: Path) -> Dataset:
    path = tmp_path / "mine.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    return load_files([path])


def test_folds_are_kept_once_and_the_directory_pruned(cache: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    cache.mkdir(mode=0o700)
    old = [f"{i:032x}" for i in range(17)]  # entry 0 is the newest
    for i, key in enumerate(old):
        _entry(cache, key, 100 + i, {"data": 10, "keys": 10})
    key = "f" * 32
    loaded = store.Loaded(load_files_minimal(tmp_path), (cache, key))
    loaded.keep_folded_texts(lambda: [["x"]])
    assert loaded.folded_texts() == [["x"]]
    # 18 entries: the new one and the 15 newest of the old are kept
    assert sorted({p.name[:32] for p in cache.iterdir()}) == sorted([*old[:15], key])
    # a kept fold is not computed again
    loaded.keep_folded_texts(_refuse("folding again"))  # type: ignore[arg-type]
    # and none is written to a directory the cache may not use
    other = store.Loaded(load_files_minimal(tmp_path), (cache, "e" * 32))
    monkeypatch.setattr(store, "usable_dir", lambda create=False: None)
    other.keep_folded_texts(_refuse("folding for a refused directory"))  # type: ignore[arg-type]
    assert not (cache / ("e" * 32 + ".fold")).exists()


def test_no_loaded_entry_keeps_nothing(tmp_path: Path) -> None:
    loaded = store.Loaded(load_files_minimal(tmp_path), None)
    assert loaded.folded_texts() is None
    assert loaded.json_texts() is None
    loaded.keep_folded_texts(_refuse("folding without a cache"))  # type: ignore[arg-type]


def test_json_texts_come_from_the_show_entry(tmp_path: Path) -> None:
    key = "c" * 32
    loaded = store.Loaded(load_files_minimal(tmp_path), (tmp_path, key))
    assert loaded.json_texts() is None  # no .show yet
    # one case missing: not used
    store._write(tmp_path, key, "show", marshal.dumps(({}, {"alpha": "{}"}), 4))
    assert loaded.json_texts() is None
    store._write(tmp_path, key, "show", marshal.dumps(({}, {"alpha": "{1}", "beta": "{2}"}), 4))
    assert loaded.json_texts() == {"alpha": "{1}", "beta": "{2}"}
    # read once: a later change of the file is not seen by this process
    store._write(tmp_path, key, "show", marshal.dumps(({}, {"alpha": "{3}", "beta": "{4}"}), 4))
    assert loaded.json_texts() == {"alpha": "{1}", "beta": "{2}"}


# ------------------------------------------------------------------ writing, locking

def _sealed_size(payload: int) -> int:
    return len(store._MAGIC) + store._DIGEST_SIZE + payload


def test_a_write_up_to_the_cap_and_not_a_byte_more(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KASEGERU_CACHE_MAX_MB", str(1000 / 1024 / 1024))  # 1,000 bytes
    fits = b"x" * (1000 - _sealed_size(0))
    assert store._write(tmp_path, "a" * 32, "data", fits) is True
    assert (tmp_path / ("a" * 32 + ".data")).stat().st_size == 1000
    assert store._write(tmp_path, "b" * 32, "data", fits + b"x") is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a" * 32 + ".data"]


def test_a_write_goes_through_a_locked_temporary_file_in_the_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    seen: list[tuple[list[str], bool]] = []
    real_lock = store._lock

    def watch(fd: int) -> None:
        real_lock(fd)
        names = sorted(p.name for p in tmp_path.iterdir())
        # another open file description cannot take the lock: the writer holds it
        other = os.open(tmp_path / names[0], os.O_RDONLY)
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            locked = False
        except BlockingIOError:
            locked = True
        finally:
            os.close(other)
        seen.append((names, locked))

    monkeypatch.setattr(store, "_lock", watch)
    assert store._write(tmp_path, "a" * 32, "show", b"payload")
    [(names, locked)] = seen
    assert len(names) == 1 and locked
    # a name _prune knows as a writer's temporary file
    assert store._cache_names()[1].match(names[0]), names
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a" * 32 + ".show"]


def test_a_failed_write_says_so_and_leaves_nothing(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert store._write(tmp_path / "missing", "a" * 32, "data", b"x") is False
    (tmp_path / ("a" * 32 + ".data")).mkdir()  # the rename cannot replace a directory
    assert store._write(tmp_path, "a" * 32, "data", b"x") is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a" * 32 + ".data"]
    # even when the temporary file cannot be removed either
    def refuse_unlink(self: Path, missing_ok: bool = False) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(Path, "unlink", refuse_unlink)
    assert store._write(tmp_path, "a" * 32, "data", b"x") is False


def test_lock_takes_an_exclusive_lock_without_waiting(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    path = tmp_path / "f"
    path.write_bytes(b"")
    first, second = os.open(path, os.O_RDWR), os.open(path, os.O_RDWR)
    try:
        store._lock(first)
        with pytest.raises(BlockingIOError):
            fcntl.flock(second, fcntl.LOCK_EX | fcntl.LOCK_NB)
        store._lock(second)  # held by another: returns at once, no error
        assert store._held(path)
    finally:
        os.close(first)
        os.close(second)
    assert not store._held(path)  # the writer is gone
    assert not store._held(tmp_path / "missing")
    # without fcntl (Windows): no lock, no error
    monkeypatch.setitem(sys.modules, "fcntl", None)
    fd = os.open(path, os.O_RDWR)
    try:
        store._lock(fd)
    finally:
        os.close(fd)


def test_without_flock_a_temporary_file_is_held_for_an_hour(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setitem(sys.modules, "fcntl", None)
    path = tmp_path / ".tmp-abcdefgh.data"
    path.write_bytes(b"x")
    os.utime(path, (1_000_000, 1_000_000))
    for now, held in [(1_000_000, True), (1_003_599, True), (1_003_600, False),
                      (1_010_000, False)]:
        monkeypatch.setattr(time, "time", lambda now=now: float(now))
        assert store._held(path) is held, now
    assert store._held(tmp_path / "missing") is False


def test_pruning_counts_every_kept_byte_up_to_the_cap(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KASEGERU_CACHE_MAX_MB", str(1000 / 1024 / 1024))  # 1,000 bytes
    p, q, r, s = ("1" * 32, "2" * 32, "3" * 32, "4" * 32)
    _entry(tmp_path, p, 10, {"data": 300})
    _entry(tmp_path, q, 20, {"data": 300})
    _entry(tmp_path, r, 30, {"data": 200, "keys": 100, "show": 100})  # 1,000 in all: kept whole
    _entry(tmp_path, s, 40, {"data": 100})  # 1,100: not even its data fits
    store._prune(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"{p}.data", f"{q}.data", f"{r}.data", f"{r}.keys", f"{r}.show"]


def test_pruning_keeps_data_and_keys_not_show_and_fold(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KASEGERU_CACHE_MAX_MB", str(1100 / 1024 / 1024))  # 1,100 bytes
    a, b = ("a" * 32, "b" * 32)
    _entry(tmp_path, a, 10, {"data": 300, "keys": 50, "show": 250, "fold": 150})  # 750
    # 1,500 with b whole; its data and keys (350) fit exactly, its show and fold (400) not
    _entry(tmp_path, b, 20, {"data": 300, "keys": 50, "show": 250, "fold": 150})
    store._prune(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"{a}.data", f"{a}.fold", f"{a}.keys", f"{a}.show", f"{b}.data", f"{b}.keys"]


def test_pruning_goes_on_past_a_file_that_vanishes(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KASEGERU_CACHE_MAX_MB", "10")
    keys = [f"{i:032x}" for i in range(17)]  # key 0 is the newest
    for i, key in enumerate(keys):
        _entry(tmp_path, key, 100 + i, {"data": 10})
    real_scandir = os.scandir

    class Gone:
        name = "f" * 32 + ".data"
        path = str(tmp_path / name)

        def is_file(self, follow_symlinks: bool = True) -> bool:
            raise FileNotFoundError(self.path)  # removed by another process meanwhile

    def scandir(path: Path) -> list[object]:
        return [Gone(), *real_scandir(path)]

    with monkeypatch.context() as patched:  # not at the check: 3.13's iterdir uses scandir
        patched.setattr(os, "scandir", scandir)
        store._prune(tmp_path)
    assert sorted(p.name[:32] for p in tmp_path.iterdir()) == keys[:16]


def test_pruning_survives_files_it_cannot_remove(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KASEGERU_CACHE_MAX_MB", "10")
    for i in range(17):
        _entry(tmp_path, f"{i:032x}", 100 + i, {"data": 10})
    for i in range(66):
        (tmp_path / f"{i:032x}.stat").write_bytes(b"")

    def refuse_unlink(self: Path, missing_ok: bool = False) -> None:
        raise PermissionError(str(self))

    monkeypatch.setattr(Path, "unlink", refuse_unlink)
    store._prune(tmp_path)  # no error
    assert len(list(tmp_path.iterdir())) == 17 + 66


# ------------------------------------------------------------------ reading an entry

def test_an_entry_is_read_only_if_its_owner_mode_and_size_are_right(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = "a" * 32
    payload = marshal.dumps(("x" * 100,), 4)
    assert store._write(tmp_path, key, "data", payload)
    entry = tmp_path / f"{key}.data"
    size = entry.stat().st_size
    assert store._read_entry(tmp_path, key, "data") == ("x" * 100,)
    # others may read or run it (o+rx): still ours alone to write
    entry.chmod(0o605)
    assert store._read_entry(tmp_path, key, "data") == ("x" * 100,)
    for mode in (0o620, 0o602):  # group- or world-writable: anyone could have written it
        entry.chmod(mode)
        assert store._read_entry(tmp_path, key, "data") is None, oct(mode)
    entry.chmod(0o600)
    # another user's file
    owner = entry.stat().st_uid
    monkeypatch.setattr(store, "_euid", lambda: owner + 1)
    assert store._read_entry(tmp_path, key, "data") is None
    monkeypatch.setattr(store, "_euid", lambda: None)  # no uids (Windows): not checked
    assert store._read_entry(tmp_path, key, "data") == ("x" * 100,)
    monkeypatch.undo()
    # the size cap: up to it, and not a byte more
    monkeypatch.setenv("KASEGERU_CACHE_MAX_MB", str(size / 1024 / 1024))
    assert store._read_entry(tmp_path, key, "data") == ("x" * 100,)
    monkeypatch.setenv("KASEGERU_CACHE_MAX_MB", str((size - 1) / 1024 / 1024))
    assert store._read_entry(tmp_path, key, "data") is None


def test_show_index_without_a_catalog_at_hand(tmp_path: Path) -> None:
    keys, records = store.show_index(load_files_minimal(tmp_path))
    assert keys == {"alpha": "alpha", "beta": "beta"}
    assert list(records) == ["alpha", "beta"]
    assert json.loads(store.document_of(records["beta"]))["name_en"] == "Beta"


def test_where_the_bundled_dataset_is_found(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    real_package = store._PACKAGE_DIR
    package = tmp_path / "site" / "src" / "kasegeru_cli"
    package.mkdir(parents=True)
    monkeypatch.setattr(store, "_PACKAGE_DIR", package)
    # nowhere: where importlib.resources says the installed package keeps it
    assert store.bundled_path() == real_package / "data" / "cases.toml"
    # a source checkout: data/ two levels above the package
    checkout = tmp_path / "site" / "data" / "cases.toml"
    checkout.parent.mkdir()
    checkout.write_text("")
    assert store.bundled_path() == checkout
    # a wheel: beside the package's modules, before anything else
    wheel = package / "data" / "cases.toml"
    wheel.parent.mkdir()
    wheel.write_text("")
    assert store.bundled_path() == wheel


@pytest.mark.parametrize(("value", "cap"), [
    ("1", 1024 * 1024),
    ("0", 0),  # no cache kept at all, not the default
    ("0.5", 512 * 1024),
    ("1e20", (1 << 40) * 1024 * 1024),  # a terabyte of megabytes at most
    ("abc", 512 * 1024 * 1024),  # not a number: the default
    ("nan", 512 * 1024 * 1024),
    ("-1", 512 * 1024 * 1024),
])
def test_the_size_cap_in_megabytes(value: str, cap: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KASEGERU_CACHE_MAX_MB", value)
    assert store.max_bytes() == cap


def test_no_user_ids_where_the_os_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    assert store._euid() == os.geteuid()
    monkeypatch.delattr(os, "geteuid")
    assert store._euid() is None


def test_a_path_that_cannot_be_read_is_left_to_the_loader(tmp_path: Path) -> None:
    regular = tmp_path / "a.toml"
    regular.write_text("")
    os.mkfifo(tmp_path / "pipe")
    assert store.all_regular([regular]) is True
    assert store.all_regular([regular, tmp_path / "pipe"]) is False
    assert store.all_regular([regular, tmp_path / "missing"]) is True


def test_a_link_in_place_of_an_entry_is_not_followed(tmp_path: Path) -> None:
    key = "a" * 32
    assert store._write(tmp_path, key, "data", marshal.dumps(("x",), 4))
    entry = tmp_path / f"{key}.data"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    entry.rename(elsewhere / entry.name)  # the very bytes, sealed for this key
    entry.symlink_to(elsewhere / entry.name)
    assert store._read_entry(elsewhere, key, "data") == ("x",)
    assert store._read_entry(tmp_path, key, "data") is None


def test_a_files_digest_is_kept_by_its_identity_and_used_again(cache: Path,
                                                                minimal_file: Path) -> None:
    import hashlib

    cache.mkdir(mode=0o700)
    data = minimal_file.read_bytes()
    first = store._streamed_key([minimal_file])
    assert first == store.cache_key([("mine", data)])
    name = store._stat_name(minimal_file.stat())
    assert len(name) == 32 and store._is_memo_name(f"{name}.stat")  # pruning knows it
    digest, hashed_at = store._read_entry(cache, name, "stat")
    assert digest == hashlib.sha256(data).digest() and type(hashed_at) is int
    # a memo made safely after the file's last change is read, not the file:
    # a memo of other bytes changes the key
    st = minimal_file.stat()
    later = max(st.st_mtime_ns, st.st_ctime_ns) + store.RACY_NS + 1
    other = hashlib.sha256(b"other").digest()
    assert store._write(cache, name, "stat", marshal.dumps((other, later), 4))
    assert store._streamed_key([minimal_file]) == store._key([(len(data), other)])
    # one made within RACY_NS of it is not (racily clean: the file is hashed again)
    assert store._write(cache, name, "stat", marshal.dumps((other, later - 1), 4))
    assert store._streamed_key([minimal_file]) == first
    # a memo that is not a digest is not used, nor a bare digest (an older memo)
    assert store._write(cache, name, "stat", marshal.dumps((other[:31], later), 4))
    assert store._streamed_key([minimal_file]) == first
    assert store._write(cache, name, "stat", marshal.dumps(other, 4))
    assert store._streamed_key([minimal_file]) == first


def test_no_cache_means_no_entry_is_even_read(cache: Path, minimal_file: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    store.load_cached([minimal_file])
    key = store._streamed_key([minimal_file])
    assert key is not None
    # an entry sealed for this key that holds another dataset (no case at all)
    planted = store.encode_dataset(load_files([minimal_file]).__class__())
    assert store._write(cache, key, "data", planted)
    assert store.load_cached([minimal_file]).cases == ()  # trusted: it is sealed
    monkeypatch.setenv("KASEGERU_NO_CACHE", "1")
    assert [c.id for c in store.load_cached([minimal_file]).cases] == ["alpha", "beta"]


def test_an_invalid_file_is_named_in_the_error(cache: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(MINIMAL.replace('"2019-04"', '"2019-13"'), encoding="utf-8")
    with pytest.raises(DatasetError) as raised:
        store.load([bad])
    assert str(bad) in str(raised.value)


def test_the_cache_directory_made_refused_or_tightened(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(store, "_noted", set())
    nested = tmp_path / "a" / "b" / "kasegeru"
    monkeypatch.setenv("KASEGERU_CACHE_DIR", str(nested))
    assert store.usable_dir() is None and not nested.exists()  # not made unless asked
    # a directory the user named: only its last component is made
    assert store.usable_dir(create=True) is None and not (tmp_path / "a").exists()
    assert "its parent directory does not exist" in capsys.readouterr().err
    nested.parent.mkdir(parents=True)
    assert store.usable_dir(create=True) == nested
    assert nested.stat().st_mode & 0o777 == 0o700
    # one the user named, that others can write to: refused, with the way out
    nested.chmod(0o775)
    assert store.usable_dir() is None
    assert capsys.readouterr().err == (
        f"Note: not using the cache in {nested}: other users can write to it (mode 0775); "
        f"run `chmod go-w {nested}` or set KASEGERU_CACHE_DIR to a directory of your own, "
        "or KASEGERU_NO_CACHE=1 to silence this\n")
    # the default location, made so by an older version: tightened and used
    monkeypatch.delenv("KASEGERU_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a" / "b"))
    assert store.usable_dir() == nested
    assert nested.stat().st_mode & 0o777 == 0o700
