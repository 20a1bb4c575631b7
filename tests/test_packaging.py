"""The installed tool as a user runs it: the console script, the wheel, pipes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def script() -> str:
    exe = BIN / ("kasegeru.exe" if os.name == "nt" else "kasegeru")
    if not exe.exists():
        pytest.skip("the kasegeru console script is not installed in this environment")
    return str(exe)


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NO_COLOR": "1", **env}
    full_env.pop("KASEGERU_DATA", None)
    return subprocess.run(args, cwd=cwd, env=full_env, capture_output=True, text=True,
                          encoding="utf-8", timeout=60)


def test_console_script_from_another_directory(tmp_path: Path) -> None:
    result = run([script(), "show", "co-ba", "--json"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "co-ba"


def test_python_dash_m(tmp_path: Path) -> None:
    result = run([sys.executable, "-m", "kasegeru_cli", "show", "coba"], cwd=tmp_path)
    assert result.returncode == 1
    assert "Did you mean: co-ba" in result.stderr
    assert "Traceback" not in result.stderr


def test_pipe_closed_early_ends_quietly(tmp_path: Path) -> None:
    for cmd in (f"'{script()}' list --json | head -c 50",
                f"'{script()}' export --format jsonl | head -1",
                f"'{script()}' show co-ba | head -1"):
        result = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=tmp_path,
                                capture_output=True, text=True, timeout=60,
                                env={**os.environ, "NO_COLOR": "1"})
        assert result.returncode == 0, (cmd, result.stderr)
        assert result.stderr == "", cmd
        assert result.stdout


def test_usage_error_exit_2(tmp_path: Path) -> None:
    result = run([script(), "list", "--no-such-option"], cwd=tmp_path)
    assert result.returncode == 2
    assert "No such option" in result.stderr


def test_wheel_ships_the_dataset_and_finds_it(tmp_path: Path) -> None:
    """Build the wheel, unpack it, and run it from elsewhere: data comes from inside."""
    pytest.importorskip("hatchling")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp_path / "dist").glob("kasegeru-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert "kasegeru_cli/data/cases.toml" in names
        shipped = zf.read("kasegeru_cli/data/cases.toml")
        assert shipped == (ROOT / "data" / "cases.toml").read_bytes()
        for template in ("index.html", "row-cases-cases.html",  # the web view's pages
                         "_table-table-cases-cases.html", "_facet_results.html",
                         "_kg_style.html"):
            assert f"kasegeru_cli/web_templates/{template}" in names
        entry = next(n for n in names if n.endswith("entry_points.txt"))
        assert "kasegeru = kasegeru_cli.console:main" in zf.read(entry).decode()
        zf.extractall(tmp_path / "site")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import kasegeru_cli, kasegeru_cli.store as s; "
            "print(kasegeru_cli.__file__); print(s.bundled_path())")
    result = run([sys.executable, "-c", code], cwd=elsewhere,
                 PYTHONPATH=str(tmp_path / "site"))
    module_file, data_path = result.stdout.split()
    assert module_file.startswith(str(tmp_path / "site"))
    assert data_path == str(tmp_path / "site" / "kasegeru_cli" / "data" / "cases.toml")
