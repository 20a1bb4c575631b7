"""First-day papercuts (issue 27): zsh's first Tab, the map on narrow screens,
--lang and --format on every command that prints words, what --tag echoes and
suggests, and an FTS index that survives `sqlite-utils rebuild-fts`.

Process-level checks run the installed console script in a subprocess, with a
scratch HOME and cache, as test_hostile2 does; the others use the in-process runner.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

BIN = shutil.which("kasegeru", path=str(Path(sys.executable).parent))
needs_bin = pytest.mark.skipif(BIN is None, reason="console script not installed")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("LC_", "LANG", "KASEGERU_", "COLUMNS", "LINES", "ZDOTDIR"))}
    return {**keep, "HOME": str(home), "KASEGERU_CACHE_DIR": str(tmp_path / "cache"),
            "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}


def run(env: dict[str, str], *args: str, cwd: Path | None = None
        ) -> subprocess.CompletedProcess[str]:
    assert BIN is not None
    return subprocess.run([BIN, *args], env=env, cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, check=False)


# ----------------------------------------------------------------------------- 5: SQLite


def _sqlite_utils(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sqlite_utils", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=120, check=False)


def _searched(db: Path, word: str, *extra: str) -> set[str]:
    result = _sqlite_utils("search", str(db), "cases", word, "-c", "id", *extra)
    assert result.returncode == 0, result.stderr
    return {r["id"] for r in json.loads(result.stdout)}


@needs_bin
def test_sqlite_utils_rebuild_fts_keeps_japanese_search(env: dict[str, str],
                                                        tmp_path: Path) -> None:
    db = tmp_path / "cases.db"
    result = run(env, "export", "--format", "sqlite", "-o", str(db))
    assert result.returncode == 0, result.stderr
    before = _searched(db, "移住")
    assert len(before) == 13  # the count: 13 cases say 移住
    assert "nishiawakura-mori-no-gakko" in _searched(db, "移住者")  # its text says 移住者
    rebuilt = _sqlite_utils("rebuild-fts", str(db), "cases")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert _searched(db, "移住") == before  # was 4 after a rebuild
    assert "lodge-yahoo" in _searched(db, "コワーキング")  # inside コワーキングスペース
    # The index reads its tokens from a column of cases, by the same name.
    con = sqlite3.connect(db)
    assert [r[1] for r in con.execute("PRAGMA table_info(cases_fts)")] == ["id",
                                                                          "search_tokens"]
    assert "search_tokens" in [r[1] for r in con.execute("PRAGMA table_info(cases)")]
    # A word with a hyphen is FTS syntax unless quoted, as the README says.
    assert "co-ba" in _searched(db, "start-ups", "--quote")
    unquoted = _sqlite_utils("search", str(db), "cases", "start-ups")
    assert unquoted.returncode != 0 and "no such column: ups" in unquoted.stderr
