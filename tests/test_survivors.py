"""Mutants tests/MUTATION.md once called "equivalent" that change what a user
sees (issue 28), and the NUL query that crashed search. Each test here fails
with the mutant (or the old code) in place; the table in MUTATION.md names it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kasegeru_cli import fastpath, store
from kasegeru_cli.loader import DatasetError, load_files

from .conftest import MINIMAL, Cli
from .test_facets import FACETS

BIN = shutil.which("kasegeru", path=str(Path(sys.executable).parent))


def write(tmp_path: Path, text: str, name: str = "cases.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ KASEGERU_NO_CACHE: no note


@pytest.mark.parametrize("args", [["list"], ["search", "アルファ"], ["show", "alpha", "--json"],
                                  ["stats"]])
def test_with_the_cache_off_a_refused_directory_is_never_looked_at(
        cli: Cli, tmp_path: Path, minimal_file: Path, monkeypatch: pytest.MonkeyPatch,
        args: list[str]) -> None:
    # store.load / cache_entry asking usable_dir() without a key: the note says
    # "KASEGERU_NO_CACHE=1 to silence this", so it must not appear under it.
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setattr(store, "_noted", set())
    env = {"KASEGERU_CACHE_DIR": str(shared)}
    off = cli("--data", str(minimal_file), *args, env={**env, "KASEGERU_NO_CACHE": "1"})
    assert off.exit_code == 0, off.stderr
    assert off.stderr == ""
    # the same directory with the cache on is refused with the note: the set-up is real
    on = cli("--data", str(minimal_file), *args, env=env)
    assert on.exit_code == 0 and "Note: not using the cache in" in on.stderr
    assert list(shared.iterdir()) == []


# ------------------------------------------------------------------ the byte cap


@pytest.mark.parametrize("sizes", [
    {"data": 200, "keys": 100, "show": 100},  # data alone would fit: 800 + 200 = 1,000
    {"data": 100, "keys": 200, "show": 100},  # keys alone would fit: 800 + 200 = 1,000
])
def test_pruning_never_keeps_more_than_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               sizes: dict[str, int]) -> None:
    # An older entry whose data and keys together (300 B) do not fit beside the
    # newest (800 B) under a 1,050 B cap goes whole; keeping both while counting
    # one of them left 1,100 B under the cap.
    from .test_store import _entry

    monkeypatch.setenv("KASEGERU_CACHE_MAX_MB", str(1050 / 1024 / 1024))
    new, old = "a" * 32, "b" * 32
    _entry(tmp_path, new, 10, {"data": 400, "keys": 100, "show": 300})
    _entry(tmp_path, old, 20, sizes)
    store._prune(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{new}.data", f"{new}.keys",
                                                          f"{new}.show"]
    assert sum(p.stat().st_size for p in tmp_path.iterdir()) == 800


# ------------------------------------------------------------------ topic suggestions

TOPICS = MINIMAL.replace("schema_version = 1", "schema_version = 2").replace(
    "[sources.mine]", '''[topics.vacant-houses]
name = "空き家"
name_en = "Vacant houses"
criterion = "空き家を活用する取組"

[topics.t-b]
name = "空き住宅"
name_en = "Vacant housing"
criterion = "空き住宅を活用する取組"

[topics.t-c]
name = "空きホール"
name_en = "Vacant halls"
criterion = "空きホールを活用する取組"

[sources.mine]''')


@pytest.mark.parametrize("second", ["t-b", "vacant-housing"])
def test_an_unknown_topic_gets_three_suggestions_when_topics_are_named_twice(
        cli: Cli, tmp_path: Path, second: str) -> None:
    # "vacant housez" is near vacant-houses by its slug and by its English name
    # (and, with the slug vacant-housing, near the second topic twice too): the
    # suggestions are still three distinct topics, nearest first.
    data = write(tmp_path, TOPICS.replace("[topics.t-b]", f"[topics.{second}]"))
    result = cli("--data", str(data), "list", "--topic", "vacant housez")
    assert result.exit_code == 2
    assert f"unknown topic 'vacant housez' (did you mean vacant-houses or {second} or t-c?); " \
           "see `kasegeru topics` for all 3" in " ".join(result.stderr.split())


# ------------------------------------------------------------------ date spans


@pytest.mark.parametrize("date, until", [
    ("2019", "2019"), ("2019", "2019-01"), ("2019", "2019-06"), ("2019", "2019-06-15"),
    ("2019", "2019-01-01"), ("2019-04", "2019"), ("2019-04-15", "2019"),
    ("2019-04", "2019-04-01"), ("2019-04-15", "2019-04"), ("2019-12", "2020"),
    ("2019-12-31", "2020-01"), ("2019-04", "2019-04"),
])
def test_a_span_of_two_precisions_is_valid(tmp_path: Path, date: str, until: str) -> None:
    text = FACETS.replace('date = "2019-04"', f'date = "{date}"\nuntil = "{until}"').replace(
        'started = "2019-04"', f'started = "{date}"')
    event = load_files([write(tmp_path, text)]).cases[0].timeline[0]
    assert (event.date, event.until) == (date, until)


@pytest.mark.parametrize("date, until", [
    ("2019", "2018"), ("2019", "2018-12"), ("2019", "2018-12-31"), ("2019-06", "2019-05"),
    ("2019-06", "2019-05-31"), ("2019-06-15", "2019-05"), ("2019-06-15", "2018"),
    ("2019-06-15", "2019-06-14"),
])
def test_a_span_that_ends_before_it_starts_is_refused(tmp_path: Path, date: str,
                                                      until: str) -> None:
    text = FACETS.replace('date = "2019-04"', f'date = "{date}"\nuntil = "{until}"').replace(
        'started = "2019-04"', f'started = "{date}"')
    with pytest.raises(DatasetError) as info:
        load_files([write(tmp_path, text)])
    assert any("ends before it starts" in str(p) for p in info.value.problems)


# ------------------------------------------------------------------ the fast path


@pytest.mark.parametrize("argv", [["show", "--help"], ["show", "-h"], ["show", "--json"],
                                  ["show", ""], ["show", "-"]])
def test_an_option_alone_is_not_taken_for_an_id(bundled: Path, argv: list[str],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    # Since the fast path answers unknown ids itself, a token taken for an id by
    # mistake is answered "no case with id …" instead of the Typer app's help or usage.
    store.load_cached([bundled])
    assert fastpath.answer(argv) is None
    assert capsys.readouterr() == ("", "")


@pytest.mark.skipif(BIN is None, reason="console script not installed")
def test_show_help_with_a_warm_cache(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KASEGERU_")}
    env.update({"KASEGERU_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "80",
                "NO_COLOR": "1", "TERM": "dumb"})
    assert BIN is not None
    subprocess.run([BIN, "list"], env=env, capture_output=True, check=True, timeout=120)
    result = subprocess.run([BIN, "show", "--help"], env=env, capture_output=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert b"Usage: kasegeru show" in result.stdout and result.stderr == b""


# ------------------------------------------------------------------ a NUL in a query


@pytest.mark.parametrize("query", ["\x00", "a\x00", "\x00ア", "の\x00", "\x00 \x00"])
def test_a_nul_in_a_query_matches_nothing(cli: Cli, query: str) -> None:
    # Texts are joined with NUL for the quick test: a NUL query passed it for
    # every case, then no field held it (StopIteration, "internal error").
    result = cli("search", query, "--json")
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert result.stdout == "[]\n"


def test_a_nul_term_leaves_the_other_alternatives(cli: Cli, minimal_file: Path) -> None:
    found = cli.json("--data", str(minimal_file), "search", "\x00 OR アルファ", "--json")
    assert [r["id"] for r in found] == ["alpha"]
