"""``show`` resolves what a user typed the same way on both paths.

The fast path answers an unknown id from the cache's key index without loading
the dataset; the Typer app answers from the catalog. Both use lookup.py, and
these tests run the installed console script, where the fast path lives.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kasegeru_cli.lookup import build, resolve, suggest

BIN = Path(sys.executable).with_name("kasegeru")

INDEX = build([
    ("co-ba", ["コーバ"], ["シェアードワークプレイス「co-ba（コーバ）」"]),
    ("lodge-yahoo", ["ＬＯＤＧＥ"], ["ＬＯＤＧＥ"]),
    ("knowledge-capital", [], ["ナレッジキャピタル", "Knowledge Capital"]),
    ("a", [], ["大学A"]),
    ("b", [], ["大学B"]),
])


@pytest.mark.parametrize("query, expected", [
    ("CO-BA", ("found", ["co-ba"])),
    ("ｌｏｄｇｅ", ("found", ["lodge-yahoo"])),
    ("ナレッジ", ("found", ["knowledge-capital"])),
    ("knowledge capital", ("found", ["knowledge-capital"])),
    ("大学", ("ambiguous", ["a", "b"])),
    ("coba", ("none", ["co-ba"])),
    ("zzzz", ("none", [])),
    ("", ("none", [])),
])
def test_resolve(query: str, expected: tuple[str, list[str]]) -> None:
    assert resolve(query, INDEX) == expected


def test_a_long_query_costs_no_more_than_its_first_80_characters() -> None:
    long = "co-ba" + "x" * 995
    assert suggest(long, INDEX) == suggest(long[:80], INDEX)


def test_suggestions_rank_by_likeness() -> None:
    index = build([(i, [], []) for i in ("co-ba", "co-ba-2", "cobalt-lab", "lodge")])
    # co-ba 0.89; cobalt-lab holds "coba": 0.75 at least; co-ba-2 0.73
    assert suggest("coba", index) == ["co-ba", "cobalt-lab", "co-ba-2"]
    assert suggest("ocba", index) == ["co-ba"]  # the second character starts the key
    assert suggest("lodeg", index) == ["lodge"]


def _run(*args: str, cache: Path, data: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KASEGERU_CACHE_DIR": str(cache), "HOME": str(cache.parent)}
    env.pop("KASEGERU_NO_CACHE", None)
    env.pop("KASEGERU_DATA", None)
    if data is not None:
        env["KASEGERU_DATA"] = data
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not BIN.exists():
        pytest.skip("console script not installed")
    cache = tmp_path_factory.mktemp("home") / "cache"
    assert _run("show", "co-ba", "--json", cache=cache).returncode == 0
    assert list(cache.glob("*.keys")), "the cache keeps the key index"
    return cache


@pytest.mark.parametrize("args", [("show", "coba"), ("show", "coba", "--json"),
                                  ("show", "x" * 1000)])
def test_unknown_query_same_answer_cached_or_not(warm: Path, args: tuple[str, ...],
                                                 tmp_path: Path) -> None:
    fast = _run(*args, cache=warm)
    slow = _run(*args, cache=tmp_path / "empty-cache")  # no index yet: the Typer app
    assert fast.returncode == slow.returncode == 1
    assert fast.stderr == slow.stderr
    assert fast.stdout == slow.stdout == ""
    if args[1] == "coba":
        assert fast.stderr == (
            "Error: no case with id, alias or name 'coba'.\nDid you mean: co-ba?\n")


def test_names_and_parts_work_cached(warm: Path) -> None:
    page = _run("show", "スタートアップカフェ", "--json", cache=warm)
    assert page.returncode == 0 and '"id": "startup-cafe-fukuoka"' in page.stdout
    several = _run("show", "大学", cache=warm)
    assert several.returncode == 1 and "matsuyama-university-dx  松山大学" in several.stderr


def test_data_option_takes_the_fast_path_too(warm: Path, bundled: Path) -> None:
    result = _run("--data", str(bundled), "show", "ccoba", cache=warm)
    assert result.returncode == 1
    assert result.stderr == ("Error: no case with id, alias or name 'ccoba'.\n"
                             "Did you mean: co-ba?\n")


def test_an_entry_over_the_cap_keeps_data_and_keys(tmp_path: Path) -> None:
    if not BIN.exists():
        pytest.skip("console script not installed")
    # The cap is set between the sizes of the bundled entry's files, measured in a
    # first cache without a cap (they grow with the data: .data ~0.6 MB, .keys ~0.03 MB,
    # .show ~1 MB in Dec 2026): it holds data and keys but not all three.
    sizes = tmp_path / "sizes"
    assert _run("show", "co-ba", "--json", cache=sizes).returncode == 0
    size = {p.suffix: p.stat().st_size for p in sizes.iterdir()}
    assert size[".show"] > 4096, size
    cache = tmp_path / "cache"
    os.environ["KASEGERU_CACHE_MAX_MB"] = str((size[".data"] + size[".keys"] + 4096) / 2**20)
    try:
        first = _run("show", "co-ba", "--json", cache=cache)
        kinds = sorted(p.suffix for p in cache.iterdir())
        again = _run("show", "coba", cache=cache)
    finally:
        del os.environ["KASEGERU_CACHE_MAX_MB"]
    assert first.returncode == 0 and '"id": "co-ba"' in first.stdout
    assert kinds == [".data", ".keys"]
    assert again.returncode == 1 and "Did you mean: co-ba?" in again.stderr
