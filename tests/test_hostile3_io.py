"""Issue 21, hostile input round three: stdout writes checked to the last byte,
freshness of the cache's memo, its derived files rebuilt, read limits on the
data files, OR-heavy searches, and output paths.

What is about the process (exit codes, stdout, stderr) runs the installed
``kasegeru`` in a subprocess."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .test_hostile2 import BIN, run

pytestmark = pytest.mark.skipif(BIN is None, reason="console script not installed")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("LC_", "LANG", "KASEGERU_", "COLUMNS", "LINES", "PYTHON"))}
    return {**keep, "HOME": str(home), "KASEGERU_CACHE_DIR": str(tmp_path / "cache"),
            "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}


# ----------------------------------------------------------------------------- 6: short writes

OUTPUTS = [["export", "-f", "json"], ["list", "--json"], ["export", "-f", "csv"],
           ["export", "-f", "toml"], ["export", "-f", "jsonl"], ["export", "-f", "markdown"],
           ["search", "コワーキング", "--json"]]


def _limit_file_size() -> None:
    """For ``preexec_fn``: files may grow to 40 KiB. A write across the limit
    writes what fits and returns a short count (the next one fails with EFBIG),
    as a nearly full disk does."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (40_960, 40_960))


@pytest.mark.parametrize("unbuffered", ["1", ""])
@pytest.mark.parametrize("args", OUTPUTS)
def test_a_short_write_to_stdout_is_exit_1_with_its_cause(
        env: dict[str, str], tmp_path: Path, args: list[str], unbuffered: str) -> None:
    # The whole output is well over 40 KiB: the first write is short.
    assert len(run(env, *args).stdout) > 100_000
    out = tmp_path / "out"
    with out.open("wb") as fh:
        result = run({**env, "PYTHONUNBUFFERED": unbuffered}, *args, stdout=fh,
                     capture_output=False, stderr=subprocess.PIPE,
                     preexec_fn=_limit_file_size)
    assert result.returncode == 1
    assert result.stderr == b"Error: cannot write the output: File too large\n"


def _limit_file_size_small() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (300, 300))


@pytest.mark.parametrize("args", [
    ["list"], ["show", "co-ba"], ["show", "co-ba", "--json"], ["types"],
    ["stats", "--by", "prefecture"], ["--help"], ["sources", "--json"], ["search", "コワーキング"],
    ["map"], ["topics"], ["schema", "case"], ["cite", "co-ba"]])
def test_every_output_is_checked_to_the_last_byte_unbuffered(
        env: dict[str, str], tmp_path: Path, args: list[str]) -> None:
    # Each command's output is over 300 bytes; the file may hold 300. The second
    # `show co-ba --json` is answered by the fast path, from the warm cache.
    assert len(run(env, *args).stdout) > 300
    out = tmp_path / "out"
    with out.open("wb") as fh:
        result = run({**env, "PYTHONUNBUFFERED": "1"}, *args, stdout=fh,
                     capture_output=False, stderr=subprocess.PIPE,
                     preexec_fn=_limit_file_size_small)
    assert result.returncode == 1
    assert result.stderr == b"Error: cannot write the output: File too large\n"


@pytest.fixture
def small_disk(tmp_path: Path) -> object:
    """A 64 KiB tmpfs (root only); skipped where mounting is not permitted."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {made.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.parametrize("args", OUTPUTS[:4])
def test_a_nearly_full_disk_unbuffered_is_exit_1(env: dict[str, str], small_disk: Path,
                                                 args: list[str]) -> None:
    with (small_disk / "out").open("wb") as fh:
        result = run({**env, "PYTHONUNBUFFERED": "1"}, *args, stdout=fh,
                     capture_output=False, stderr=subprocess.PIPE)
    assert result.returncode == 1
    assert result.stderr == b"Error: cannot write the output: No space left on device\n"


@pytest.mark.parametrize("unbuffered", ["1", ""])
def test_a_non_blocking_stdout_waits_for_its_reader(env: dict[str, str],
                                                    unbuffered: str) -> None:
    assert BIN is not None
    expected = run(env, "export", "-f", "json").stdout
    assert len(expected) > 4 * 65_536  # several pipe buffers
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)  # as a parent that set O_NONBLOCK leaves it
    try:
        proc = subprocess.Popen([BIN, "export", "-f", "json"], stdout=write_end,
                                stderr=subprocess.PIPE,
                                env={**env, "PYTHONUNBUFFERED": unbuffered})
    finally:
        os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        time.sleep(1.0)  # a slow reader: the pipe is full long before
        got = reader.read()
    assert proc.stderr is not None
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0, err
    assert err == b""
    assert got == expected


# ----------------------------------------------------------------------------- 7: freshness


class _CoarseStat:
    """A file's stat as a file system with 1-second timestamps and no change
    time of its own (FAT) reports it: modification and change time both the
    whole second ``second``."""

    def __init__(self, real: os.stat_result, second: int) -> None:
        self.st_mode, self.st_dev, self.st_ino = real.st_mode, real.st_dev, real.st_ino
        self.st_size, self.st_uid = real.st_size, real.st_uid
        self.st_mtime_ns = self.st_ctime_ns = second * 1_000_000_000
        self.st_mtime = self.st_ctime = float(second)


def _one_second_file_system(monkeypatch: pytest.MonkeyPatch, path: Path, second: int) -> None:
    """``path`` seen through a stat shim, as on a 1-second file system (this
    machine's file systems keep nanoseconds and a change time no tool sets back,
    so the stale answer cannot be produced on them for real)."""
    real_fstat = os.fstat
    inode = path.stat().st_ino

    def fstat(fd: int) -> object:
        st = real_fstat(fd)
        return _CoarseStat(st, second) if st.st_ino == inode else st

    monkeypatch.setattr(os, "fstat", fstat)


def _edit_same_size(path: Path, old: str, new: str, second: int) -> None:
    text = path.read_text(encoding="utf-8")
    assert len(old.encode()) == len(new.encode())
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, (second, second))


def test_a_same_second_same_size_edit_is_never_answered_stale(
        cold_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kasegeru_cli import store

    from .conftest import MINIMAL

    path = tmp_path / "mine.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    second = int(time.time())  # the file written "now", as an editor saves it
    os.utime(path, (second, second))
    _one_second_file_system(monkeypatch, path, second)
    assert store.load_cached([path]).cases[0].name == "アルファ"
    assert list(cold_cache.glob("*.stat"))  # the digest was remembered
    _edit_same_size(path, "アルファ", "アルフア", second)  # within the same second
    assert store.load_cached([path]).cases[0].name == "アルフア"
    _edit_same_size(path, "アルフア", "アルファ", second)
    assert store.load_cached([path]).cases[0].name == "アルファ"


def test_a_file_older_than_its_memo_is_not_read_again(
        cold_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The memo still saves the hashing of an unchanged file: one whose times are
    # safely older than the moment it was hashed is trusted by its identity (so
    # an edit that keeps all five, which no ordinary tool can make, is not seen).
    from kasegeru_cli import store

    from .conftest import MINIMAL

    path = tmp_path / "mine.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    second = int(time.time()) - 60
    os.utime(path, (second, second))
    _one_second_file_system(monkeypatch, path, second)
    assert store.load_cached([path]).cases[0].name == "アルファ"
    _edit_same_size(path, "アルファ", "アルフア", second)
    assert store.load_cached([path]).cases[0].name == "アルファ"


# ----------------------------------------------------------------------------- 9: derived files


def _entry_file(cache: Path, kind: str) -> Path:
    found = [p for p in cache.iterdir() if p.suffix == f".{kind}" and len(p.stem) == 32]
    assert len(found) == 1, sorted(p.name for p in cache.iterdir())
    return found[0]


def _corruptions(path: Path) -> list[tuple[str, object]]:
    data = path.read_bytes()
    return [("truncated", lambda: path.write_bytes(data[:len(data) // 2])),
            ("a byte flipped", lambda: path.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))),
            ("emptied", lambda: path.write_bytes(b""))]


@pytest.mark.parametrize(("kind", "args"), [
    ("show", ["show", "co-ba", "--json"]),
    ("show", ["list", "--json"]),
    ("keys", ["show", "co-ba"]),
    ("keys", ["show", "co-bz"]),  # an unknown id: the nearest ids, from the keys
    ("fold", ["search", "コワーキング"]),
])
def test_a_corrupt_derived_file_is_rebuilt_while_the_data_is_valid(
        env: dict[str, str], kind: str, args: list[str]) -> None:
    from kasegeru_cli import store

    cache = Path(env["KASEGERU_CACHE_DIR"])
    expected = run(env, *args)
    assert expected.returncode in (0, 1), expected.stderr
    if kind == "fold":  # written by the first search, from a warm entry
        assert run(env, *args).stdout == expected.stdout
    path = _entry_file(cache, kind)
    key = path.stem
    good = store._read_entry(cache, key, kind)
    assert good is not None
    data_before = _entry_file(cache, "data").read_bytes()
    for what, corrupt in _corruptions(path):
        corrupt()  # type: ignore[operator]
        assert store._read_entry(cache, key, kind) is None, what
        again = run(env, *args)
        assert (again.returncode, again.stdout, again.stderr) == (
            expected.returncode, expected.stdout, expected.stderr), what
        assert store._read_entry(cache, key, kind) == good, f"{what}: not rebuilt"
        assert _entry_file(cache, "data").read_bytes() == data_before  # the data served


# ----------------------------------------------------------------------------- 11: read limits

LIMIT_HINT = b"set KASEGERU_MAX_DATA_MB to raise it\n"


@pytest.mark.parametrize(("args", "mb"), [(["--data", "/dev/zero", "list"], ""),
                                          (["--add", "/dev/zero", "list"], "16"),
                                          (["validate", "/dev/zero"], "16")])
def test_dev_zero_stops_at_the_read_limit(env: dict[str, str], args: list[str],
                                          mb: str) -> None:
    # "" is the default, 512 MB (half a GB of memory for a moment: once only)
    result = run({**env, "KASEGERU_MAX_DATA_MB": mb}, *args, timeout=90)
    assert result.returncode == 1
    assert result.stderr == (
        b"Error: the dataset is invalid (1 problem):\n"
        b"  /dev/zero: gives more than the read limit of " + (mb or "512").encode()
        + b" MB for a data file; " + LIMIT_HINT)


def test_dev_urandom_stops_at_a_raised_or_lowered_limit(env: dict[str, str]) -> None:
    result = run({**env, "KASEGERU_MAX_DATA_MB": "3"}, "--data", "/dev/urandom", "list",
                 timeout=90)
    assert result.returncode == 1
    assert result.stderr.endswith(
        b"/dev/urandom: gives more than the read limit of 3 MB for a data file; " + LIMIT_HINT)


def test_an_endless_pipe_stops_at_the_limit(env: dict[str, str]) -> None:
    endless = subprocess.Popen(["yes", 'x = "1"'], stdout=subprocess.PIPE)
    try:
        result = run({**env, "KASEGERU_MAX_DATA_MB": "2"}, "--data", "/dev/stdin", "list",
                     stdin=endless.stdout, timeout=90)
    finally:
        endless.kill()
        endless.wait()
        assert endless.stdout is not None
        endless.stdout.close()
    assert result.returncode == 1
    assert result.stderr.endswith(
        b"/dev/stdin: gives more than the read limit of 2 MB for a data file; " + LIMIT_HINT)


def test_a_regular_file_over_the_limit_is_refused_before_it_is_read(
        env: dict[str, str], tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_bytes(b"# padding\n" * 30_000)  # 300,000 bytes, 0.3 MB
    result = run({**env, "KASEGERU_MAX_DATA_MB": "0.25"}, "--data", str(big), "list")
    assert result.returncode == 1
    assert result.stderr == (
        b"Error: the dataset is invalid (1 problem):\n"
        b"  " + str(big).encode() + b": is 0.3 MB, over the read limit of 0.25 MB for a data "
        b"file; " + LIMIT_HINT)
    # the same file within a raised limit is read (and found to hold no case)
    raised = run({**env, "KASEGERU_MAX_DATA_MB": "1"}, "--data", str(big), "list")
    assert b"read limit" not in raised.stderr


def test_too_little_memory_for_the_limit_is_a_clear_error(env: dict[str, str]) -> None:
    def small_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (400 * 1024 * 1024, 400 * 1024 * 1024))

    result = run(env, "--data", "/dev/zero", "list", timeout=90, preexec_fn=small_memory)
    assert result.returncode == 1
    assert result.stderr == (
        b"Error: the dataset is invalid (1 problem):\n"
        b"  /dev/zero: cannot be read: not enough memory within the read limit of 512 MB for "
        b"a data file; set KASEGERU_MAX_DATA_MB lower to stop sooner\n")


# ----------------------------------------------------------------------------- 14: OR-heavy


def _distinct_terms(n: int) -> list[str]:
    """n different words that occur in no case (every one is scanned for in full)."""
    kana = "アイウエオカキクケコサシスセソタチツテト"
    return [f"ゞ{kana[i % 20]}{kana[i // 20 % 20]}{kana[i // 400]}" for i in range(n)]


def test_two_thousand_distinct_or_terms_are_a_clear_limit(env: dict[str, str]) -> None:
    query = " OR ".join(_distinct_terms(2_000))
    started = time.monotonic()
    result = run(env, "search", query)
    assert result.returncode == 2
    assert result.stderr == (
        b"Error: the search query has 2,000 different terms; at most 100 are searched at "
        b"once (repeated terms count once): split it into several searches\n")
    assert result.stdout == b""
    assert time.monotonic() - started < 30


def test_at_the_limit_and_repeated_terms_are_searched(env: dict[str, str]) -> None:
    single = run(env, "search", "コワーキング", "--json", "--fields", "id")
    assert single.returncode == 0 and single.stdout.count(b'"id"') >= 5
    # 99 words that occur nowhere and one that does: 100 terms, the limit
    at_limit = run(env, "search", " OR ".join([*_distinct_terms(99), "コワーキング"]),
                   "--json", "--fields", "id")
    assert at_limit.returncode == 0, at_limit.stderr
    assert at_limit.stdout == single.stdout
    over = run(env, "search", " OR ".join([*_distinct_terms(100), "コワーキング"]))
    assert over.returncode == 2
    assert b"has 101 different terms; at most 100" in over.stderr
    # 10,000 times the same word, as OR and as AND (words of the command line): one term
    for words in (["コワーキング", "OR"] * 9_999 + ["コワーキング"], ["コワーキング"] * 10_000):
        repeated = run(env, "search", *words, "--json", "--fields", "id")
        assert repeated.returncode == 0, repeated.stderr
        assert repeated.stdout == single.stdout


# ----------------------------------------------------------------------------- 15: paths


@pytest.mark.parametrize("name", ["newdir/", "newdir//", "newdir/.", "sub/..", "."])
def test_an_output_name_that_names_a_directory_is_an_error(env: dict[str, str], tmp_path: Path,
                                                          name: str) -> None:
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    result = run(env, "export", "-f", "json", "-o", name, cwd=work)
    assert result.returncode == 1
    assert result.stderr == (f"Error: cannot write {name}: it names a directory; give the name "
                             f"of the file to write (e.g. DIR/cases.json)\n").encode()
    assert sorted(p.name for p in work.iterdir()) == ["sub"]  # no file named newdir
    assert list((work / "sub").iterdir()) == []


def test_an_existing_directory_is_refused_and_a_file_is_never_replaced(
        env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "existing").mkdir()
    result = run(env, "export", "-o", "existing", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (b"Error: cannot write existing: it is a directory; only regular "
                             b"files are written\n")
    (tmp_path / "mine.json").write_text("keep me\n", encoding="utf-8")
    again = run(env, "export", "-o", "mine.json", cwd=tmp_path)
    assert again.returncode == 1
    assert (tmp_path / "mine.json").read_text(encoding="utf-8") == "keep me\n"


def test_the_cache_dir_variable_creates_only_its_last_component(env: dict[str, str],
                                                                  tmp_path: Path) -> None:
    expected = run(env, "list", "-n", "3")
    assert expected.returncode == 0
    deep = tmp_path / "missing" / "parent" / "cache"
    result = run({**env, "KASEGERU_CACHE_DIR": str(deep)}, "list", "-n", "3")
    assert result.returncode == 0
    assert result.stdout == expected.stdout
    assert result.stderr == (f"Note: not using the cache in {deep}: its parent directory does "
                             f"not exist (KASEGERU_CACHE_DIR creates only its last "
                             f"component)\n").encode()
    assert not (tmp_path / "missing").exists()
    last = tmp_path / "home" / "kc"  # the parent exists: the last component is made
    made = run({**env, "KASEGERU_CACHE_DIR": str(last)}, "list", "-n", "3")
    assert (made.returncode, made.stdout, made.stderr) == (0, expected.stdout, b"")
    assert last.is_dir() and last.stat().st_mode & 0o777 == 0o700
    assert any(p.suffix == ".data" for p in last.iterdir())
