"""Fitting other tools: JSON Schema, SQLite/Datasette, maps, completion, the pager."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from kasegeru_cli.schema import OUTPUTS, json_schema

from .conftest import Cli
from .test_hostile import _run_in_pty

BIN = Path(sys.executable).parent / "kasegeru"

# Each schema name and commands whose --json output it describes.
SCHEMA_CASES = {
    "case": [["show", "co-ba", "--json"], ["show", "tsubame-city-2019", "--json"]],
    "list": [["list", "--json"], ["list", "-p", "沖縄県", "-t", "network", "--json"],
             ["export", "--format", "json"]],
    "search": [["search", "コワーキング", "--json"], ["search", "bank", "--json"]],
    "types": [["types", "--json"]],
    "topics": [["topics", "--json"]],
    "sources": [["sources", "--json"]],
    "stats": [["stats", "--by", by, "--json"] for by in ("type", "prefecture", "year", "flow",
                                                        "topic", "operator", "decade")],
    "map": [["map", "--json"], ["map", "-t", "coworking", "--json"]],
    "cite": [["cite", "co-ba", "--json"]],
}


def test_every_schema_is_covered() -> None:
    assert set(SCHEMA_CASES) == set(OUTPUTS)


@pytest.mark.parametrize("name", sorted(SCHEMA_CASES))
def test_json_output_matches_its_schema(cli: Cli, name: str) -> None:
    validator = Draft202012Validator(json_schema(name))
    Draft202012Validator.check_schema(json_schema(name))
    for args in SCHEMA_CASES[name]:
        data = cli.json(*args)
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        assert not errors, (args, errors[0].message, list(errors[0].path))


def test_schema_command_prints_the_schema(cli: Cli) -> None:
    assert cli.json("schema") == json_schema("list")
    assert cli.json("schema", "case")["$ref"] == "#/$defs/case"


def test_schema_rejects_what_the_output_never_has() -> None:
    validator = Draft202012Validator(json_schema("case"))
    record: dict[str, Any] = {"id": "co-ba"}
    assert not validator.is_valid(record)  # every key is always present


# ----------------------------------------------------------------------------- sqlite


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    from typer.testing import CliRunner

    from kasegeru_cli.cli import app

    path = tmp_path_factory.mktemp("db") / "cases.db"
    result = CliRunner().invoke(app, ["export", "--format", "sqlite", "-o", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "Wrote 124 cases" in result.stderr
    return sqlite3.connect(path)


def test_sqlite_tables_and_keys(db: sqlite3.Connection) -> None:
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"cases", "types", "sources", "case_types", "case_sources", "locations", "actors",
            "events", "figures", "related", "cases_fts"} <= tables
    assert db.execute("SELECT count(*) FROM cases").fetchone() == (124,)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "idx_locations_prefecture" in indexes


def test_sqlite_join(db: sqlite3.Connection) -> None:
    rows = db.execute("""
        SELECT DISTINCT c.id FROM cases c
        JOIN locations l ON l.case_id = c.id
        JOIN case_types t ON t.case_id = c.id
        WHERE l.prefecture = '宮崎県' AND t.type_slug = 'network' ORDER BY c.id""").fetchall()
    assert ("miyazaki-machinaka-3000",) in rows and ("nichinan-aburatsu-shotengai",) in rows
    (value, unit, as_of) = db.execute(
        "SELECT value, unit, as_of FROM figures WHERE case_id = 'co-ba' AND value = 24"
    ).fetchone()
    assert (value, unit, as_of) == (24, "拠点", "2019-03")


def _fts(db: sqlite3.Connection, query: str) -> set[str]:
    return {r[0] for r in db.execute("SELECT id FROM cases_fts WHERE cases_fts MATCH ?",
                                     (query,))}


def test_sqlite_fts_finds_japanese_inside_words(db: sqlite3.Connection) -> None:
    """The index itself answers: a word inside a longer word (コワーキング in
    コワーキングスペース), a word of the English summary, and not what no case says."""
    assert db.execute("SELECT count(*) FROM cases_fts").fetchone() == (124,)
    assert "lodge-yahoo" in _fts(db, "コワーキング")    # its text has コワーキングスペース only
    assert "lodge-yahoo" in _fts(db, "ワーキングスペ")  # a part spanning the word boundary
    assert "egg-japan" in _fts(db, "スモールオフィス")
    assert "egg-japan" not in _fts(db, "サンドボックス")
    assert "egg-japan" in _fts(db, "furnished")       # its summary_en: "furnished offices"
    assert _fts(db, "ひろしまサンドボックス") >= {"hiroshima-sandbox"}
    assert _fts(db, "ザンジバル") == set()
    # Every hit has the word in its record, and every record with it in its name or
    # summary is a hit.
    rows = {r[0]: r[1:] for r in db.execute("SELECT id, name, summary FROM cases")}
    hits = _fts(db, "コワーキング")
    assert {i for i, (name, summary) in rows.items()
            if "コワーキング" in name + summary} <= hits


def test_sqlite_needs_an_output_file(cli: Cli) -> None:
    result = cli("export", "--format", "sqlite")
    assert result.exit_code == 2
    assert "needs --output" in result.stderr


# ----------------------------------------------------------------------------- map


def test_map_counts_agree_with_stats(cli: Cli) -> None:
    rows = cli.json("map", "--json")
    assert len(rows) == 47 and [r["code"] for r in rows] == list(range(1, 48))
    stats = {r["prefecture"]: r["cases"] for r in cli.json("stats", "--by", "prefecture",
                                                           "--json")}
    for r in rows:
        assert r["cases"] == stats.get(r["prefecture"], 0)
    positions = {(r["row"], r["col"]) for r in rows}
    assert len(positions) == 47  # one tile each


def test_map_table_shows_tiles(cli: Cli) -> None:
    out = cli("map", "--prefecture", "宮崎県").stdout
    assert out.startswith(f"{len(cli.json('list', '-p', '宮崎県', '--json'))} cases in ")
    assert "宮崎" in out and "北海" in out and "沖縄" in out
    assert max(len(line) for line in out.splitlines()) <= 80


# ----------------------------------------------------------------------------- shell


def _complete(words: str) -> str:
    if not BIN.exists():
        pytest.skip("console script not installed")
    env = {**os.environ, "_KASEGERU_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": words}
    return subprocess.run([str(BIN)], env=env, capture_output=True, text=True, timeout=60,
                          encoding="utf-8").stdout


def test_completion_offers_ids_types_prefectures_sources_fields() -> None:
    assert '"co-ba"' in _complete("kasegeru show co-")
    assert '"coworking"' in _complete("kasegeru list --type co")
    assert '"miyazaki"' in _complete("kasegeru list --prefecture miya")
    assert '"2019-report"' in _complete("kasegeru list --source 2019")
    assert '"id,name_en"' in _complete("kasegeru list --fields id,name_")


def test_completion_scripts_are_documented_and_printable() -> None:
    if not BIN.exists():
        pytest.skip("console script not installed")
    for shell in ("bash", "zsh", "fish"):
        result = subprocess.run([str(BIN), "--show-completion", shell], capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0 and "kasegeru" in result.stdout, shell
    # The program offers to install it (the option the README tells users to run).
    helped = subprocess.run([str(BIN), "--help"], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "COLUMNS": "120", "NO_COLOR": "1"})
    assert "--install-completion" in helped.stdout


# ----------------------------------------------------------------------------- pager


def test_show_pages_on_a_terminal_only() -> None:
    paged = _run_in_pty(["show", "co-ba"], PAGER="sed s/^/PAGED:/", LINES="20", NO_COLOR="1")
    assert b"PAGED:" in paged and "ツクルバ".encode() in paged
    unpaged = _run_in_pty(["show", "co-ba", "--no-pager"], PAGER="sed s/^/PAGED:/",
                          LINES="20", NO_COLOR="1")
    assert b"PAGED:" not in unpaged and "ツクルバ".encode() in unpaged
    if not BIN.exists():
        pytest.skip("console script not installed")
    piped = subprocess.run([str(BIN), "show", "co-ba"], capture_output=True, timeout=60,
                           env={**os.environ, "PAGER": "sed s/^/PAGED:/"})
    assert b"PAGED:" not in piped.stdout and "ツクルバ".encode() in piped.stdout


def test_cite_json(cli: Cli) -> None:
    rows = cli.json("cite", "tsuruoka-bioscience-park", "--json")
    assert [r["source"] for r in rows] == ["2018-partnerships", "2018-summary"]
    assert all(r["ja"].startswith("出典：「") and r["ja"].endswith("を加工して作成")
               for r in rows)
    # The titles, publishers and dates as SOURCES.md gives the two documents.
    partnerships, summary = rows
    assert "「大都市圏と地方都市等の連携の事例一覧」" in partnerships["ja"]
    assert "国土審議会計画推進部会 稼げる国土専門委員会" in partnerships["ja"]
    assert "「大都市圏と地方都市等の重層的な連携に向けて ～大都市の「知的対流拠点」を中心に～" in \
        summary["ja"]
    assert "2018-04-20" in summary["ja"] and "2018-04-20" in summary["en"]
    assert all(r["en"].startswith('Source: "') for r in rows)
