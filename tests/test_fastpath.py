"""The fast path: the same answer as the Typer app, byte for byte, or no answer at all."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kasegeru_cli import fastpath, store
from kasegeru_cli.loader import load_files

from .conftest import MINIMAL, Cli, examples

SPELLINGS = [["--json"], ["--format", "json"], ["--format=json"], ["-f", "json"],
             ["-fjson"], ["--format", "JSON"], ["--format=Json"]]


@pytest.fixture
def warm(bundled: Path) -> Path:
    store.load_cached([bundled])  # what any earlier command leaves behind
    return bundled


def fast(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int | None, str]:
    code = fastpath.answer(argv)
    return code, capsys.readouterr().out


def test_every_id_and_alias_answers_as_the_typer_app_does(
        cli: Cli, warm: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dataset = load_files([warm])
    asked = 0
    for case in dataset.cases:
        expected = cli("show", case.id, "--json").stdout
        assert expected.startswith('{\n  "id": "' + case.id + '"')
        for query in (case.id, case.id.upper(), *case.aliases):
            code, out = fast(["show", query, "--json"], capsys)
            assert (code, out) == (0, expected), query
            asked += 1
    assert asked > 2 * len(dataset.cases)


@pytest.mark.parametrize("flag", SPELLINGS, ids=" ".join)
def test_every_spelling_of_json_in_either_order(
        cli: Cli, warm: Path, flag: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    expected = cli("show", "co-ba", *flag).stdout
    assert '"name_en": "Shared workplace co-ba"' in expected
    assert fast(["show", "co-ba", *flag], capsys) == (0, expected)
    assert fast(["show", *flag, "co-ba"], capsys) == (0, expected)


def test_an_unknown_id_is_answered_as_the_typer_app_answers_it(
        cli: Cli, warm: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = cli("show", "coba", "--json")
    assert fastpath.answer(["show", "coba", "--json"]) == app.exit_code == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == app.stderr
    assert app.stderr == "Error: no case with id, alias or name 'coba'.\nDid you mean: co-ba?\n"


@pytest.mark.parametrize("argv", [
    ["show", "co-ba"],                          # a table
    ["show", "co-ba", "--json", "--fields", "id"],
    ["show", "co-ba", "--format", "jsonl"],
    ["show", "co-ba", "--json", "--lang", "en"],
    ["show", "--", "--json"],
    ["show", "-x", "--json"],
    ["show", "", "--json"],
    ["--data", "x.toml", "show", "co-ba", "--json"],
    ["list", "--json"],
    ["show", "co-ba", "--help"],
    [],
])
def test_anything_else_is_left_to_the_typer_app(
        warm: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert fast(argv, capsys) == (None, "")


def test_no_answer_without_a_cache_or_with_it_off(
        bundled: Path, monkeypatch: pytest.MonkeyPatch, cold_cache: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert fast(["show", "co-ba", "--json"], capsys) == (None, "")  # nothing cached yet
    store.load_cached([bundled])
    monkeypatch.setenv("KASEGERU_NO_CACHE", "1")
    assert fast(["show", "co-ba", "--json"], capsys) == (None, "")


def test_an_edited_data_file_is_never_answered_from_the_old_index(
        cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    monkeypatch.setenv("KASEGERU_DATA", str(path))
    store.load_cached([path])
    code, out = fast(["show", "alpha", "--json"], capsys)
    assert code == 0 and '"name": "アルファ"' in out
    path.write_text(MINIMAL.replace("アルファ", "アルフア"), encoding="utf-8")
    assert fast(["show", "alpha", "--json"], capsys) == (None, "")  # the app answers anew
    store.load_cached([path])
    code, out = fast(["show", "alpha", "--json"], capsys)
    assert code == 0 and '"name": "アルフア"' in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from kasegeru_cli import __version__

    assert fast(["--version"], capsys) == (0, f"kasegeru {__version__}\n")
    assert fast(["-V"], capsys) == (0, f"kasegeru {__version__}\n")


WORDS = ["show", "co-ba", "コーバ", "CO-BA", "coba", "--json", "--format", "-f", "json",
         "JSON", "jsonl", "table", "--format=json", "-fjson", "--fields", "id", "--", "-",
         "", "--lang", "en", "lodge-yahoo"]


@settings(max_examples=examples(150), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5))
def test_whenever_the_fast_path_answers_the_app_gives_the_same_answer(
        cli: Cli, warm: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out = fast(argv, capsys)
    if code is None:
        assert out == ""
        return
    result = cli(*argv)
    assert (result.exit_code, result.stdout) == (code, out), argv


def test_the_console_script_answers_without_importing_typer_or_the_models(
        warm: Path) -> None:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "kasegeru_cli",
                           "show", "co-ba", "--json"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.startswith('{\n  "id": "co-ba",')
    imported = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:") and "|" in line}
    assert "kasegeru_cli.fastpath" in imported
    assert not imported & {"typer", "rich", "click", "kasegeru_cli.models", "tomli", "json"}


@pytest.mark.parametrize("flag", [["--format=jsonl"], ["-fjsonl"], ["--format", "jsonl"],
                                  ["-f", "jsonl"], ["--format=JSONL"], ["--format=json5"],
                                  ["--format=jso"], ["-fjsonl", "--json"]], ids=" ".join)
def test_jsonl_and_near_spellings_are_left_to_the_app(
        cli: Cli, warm: Path, flag: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """``--format=jsonl`` is one line, not the pretty record: the fast path must not
    take it (nor a spelling that only starts or ends like json) for ``--json``."""
    assert fast(["show", "co-ba", *flag], capsys) == (None, "")
    assert fast(["show", *flag, "co-ba"], capsys) == (None, "")
    if flag[-1].lower() == "jsonl" or flag[0] == "--format=JSONL":
        out = cli("show", "co-ba", *flag).stdout
        assert out.count("\n") == 1 and json.loads(out)["id"] == "co-ba", out[:80]
