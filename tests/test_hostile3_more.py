"""Hostile input, round three re-checked (issue 21): variants of its attacks that
the first tests did not cover. The installed console script in a subprocess,
with a scratch HOME and cache directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import MINIMAL

BIN = shutil.which("kasegeru", path=str(Path(sys.executable).parent))

pytestmark = pytest.mark.skipif(BIN is None, reason="console script not installed")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("LC_", "LANG", "KASEGERU_", "COLUMNS", "LINES"))}
    return {**keep, "HOME": str(home), "KASEGERU_CACHE_DIR": str(tmp_path / "cache"),
            "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    assert BIN is not None
    return subprocess.run([BIN, *args], env=env, check=False, capture_output=True, timeout=120)


def minimal(directory: Path, name: str = "mine.toml") -> Path:
    path = directory / name
    path.write_text(MINIMAL, encoding="utf-8")
    return path


# ---------------------------------------------------- 4: a newline in a path forges a line

# A file name may hold a newline: printed raw, it writes a line of its choosing
# (a second "OK:", a fake "Error:") under the real one.
FORGED = "x\nOK: 9 cases, 9 sources, 9 types, 9 topics (forged.toml)"
FORGED_SHOWN = "x\\nOK: 9 cases, 9 sources, 9 types, 9 topics (forged.toml)"


def test_validate_ok_line_shows_a_newline_in_the_path(env: dict[str, str],
                                                       tmp_path: Path) -> None:
    path = minimal(tmp_path, f"{FORGED}.toml")
    result = run(env, "validate", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (f"OK: 2 cases, 1 sources, 1 types, 0 topics "
                             f"({tmp_path}/{FORGED_SHOWN}.toml)\n").encode()


def test_missing_file_error_shows_a_newline_in_the_path(env: dict[str, str],
                                                         tmp_path: Path) -> None:
    result = run(env, "validate", str(tmp_path / "no\nError: forged"))
    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == [
        "Error: the dataset is invalid (1 problem):",
        f"  {tmp_path}/no\\nError: forged: no such file"]


def test_export_wrote_line_shows_a_newline_in_the_path(env: dict[str, str],
                                                        tmp_path: Path) -> None:
    out = tmp_path / "out\nWrote 9 cases to forged.json"
    result = run(env, "--data", str(minimal(tmp_path)), "export", "-f", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.exists()
    assert result.stderr == (f"Wrote 2 cases to {tmp_path}/out\\nWrote 9 cases to forged.json\n"
                             .encode())


def test_export_cannot_write_shows_a_newline_in_the_path(env: dict[str, str],
                                                          tmp_path: Path) -> None:
    out = tmp_path / "missing\nOK" / "x.json"
    result = run(env, "--data", str(minimal(tmp_path)), "export", "-f", "json", "-o", str(out))
    assert result.returncode == 1
    assert len(result.stderr.decode().splitlines()) == 1, result.stderr
    assert f"{tmp_path}/missing\\nOK/x.json".encode() in result.stderr


# ------------------------------------- 5: other characters that show as nothing or break lines

@pytest.mark.parametrize("char, shown", [
    ("\u00ad", "\\u00ad"),            # soft hyphen
    ("\u180e", "\\u180e"),            # Mongolian vowel separator
    ("\u2028", "\\u2028"),            # line separator
    ("\u2064", "\\u2064"),            # invisible plus
    ("\u3164", "\\u3164"),            # Hangul filler
    ("\U000e0041", "\\U000e0041"),    # tag LATIN CAPITAL A (ASCII smuggling)
])
def test_validate_ok_line_shows_invisible_characters(env: dict[str, str], tmp_path: Path,
                                                     char: str, shown: str) -> None:
    path = minimal(tmp_path, f"invoice{char}.toml")
    result = run(env, "validate", str(path))
    assert result.returncode == 0, result.stderr
    assert char.encode() not in result.stdout
    assert result.stdout == (f"OK: 2 cases, 1 sources, 1 types, 0 topics "
                             f"({tmp_path}/invoice{shown}.toml)\n").encode()


# ------------------------------------------------ 3/4: a newline in --host forges a line

def test_serve_unknown_host_error_is_one_line(env: dict[str, str], tmp_path: Path) -> None:
    pytest.importorskip("datasette")
    result = run(env, "--data", str(minimal(tmp_path)), "serve", "--port", "8001",
                 "--host", "evil\nServing at http://127.0.0.1:8001/cases/cases")
    assert result.returncode != 0
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        "Error: cannot listen on [evil\\nServing at http://127.0.0.1:8001/cases/cases]:8001: "
        "unknown host"), lines  # bracketed as an IPv6 address: it holds a colon
