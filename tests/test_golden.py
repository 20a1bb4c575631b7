"""Values from the documents, written by hand (tests/golden/cases.json), in every output.

The other tests compare the program with itself (fast path with the Typer app,
cache with no cache); both sides call the same renderer, so a bug they share is
invisible there. Here the expected values come from the pages of the source
documents, and every way out of the program must carry them: ``show --json``
through the Typer app and through the installed console script's fast path,
``list --json``, and ``export`` as json, jsonl, csv, toml and sqlite.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomli

from kasegeru_cli import fastpath, store

from .conftest import Cli

GOLDEN: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parent / "golden" / "cases.json").read_text(encoding="utf-8"))["records"]
IDS = sorted(GOLDEN)
SUBLISTS = ("actors", "locations", "timeline", "figures", "sources")
BIN = shutil.which("kasegeru", path=str(Path(sys.executable).parent))

# Defaults of every sub-object key: what an export that leaves empty keys out means.
SUB_DEFAULTS: dict[str, dict[str, Any]] = {
    "actors": {"role": None, "kind": None, "lead": False, "kind_evidence": None},
    "locations": {"prefecture": None, "municipality": None, "area": None, "country": None,
                  "note": None, "regions": [], "planned": False},
    "timeline": {"fiscal": False, "planned": False, "until": None, "source": None},
    "figures": {"unit": None, "value_max": None, "as_of": None, "fiscal": False,
                "planned": False, "qualifier": None, "note": None},
    "sources": {"item": None},
}
TOP_DEFAULTS: dict[str, Any] = {
    "types": [], "types_basis": None, "category": None, "flow": None, "sector": None,
    "topics": [], "topic_evidence": {}, "started": None, "started_fiscal": False,
    "started_evidence": None, **{k: [] for k in SUBLISTS},
}


def check_record(record: dict[str, Any], case_id: str) -> None:
    """``record`` (a JSON record) carries every golden value of ``case_id``."""
    golden = GOLDEN[case_id]
    assert record["id"] == case_id
    for key, value in golden.get("fields", {}).items():
        assert record[key] == value, f"{case_id}.{key}"
    for key in SUBLISTS:
        # The English beside each text (name_en, event_en …) is the curators'
        # translation, not in the documents: tests/test_english.py checks it.
        items = [{k: v for k, v in item.items() if not k.endswith("_en")}
                 for item in record[key]]
        if key in golden:
            assert items == golden[key], f"{case_id}.{key}"
        for item in golden.get(f"{key}_include", ()):
            assert item in items, f"{case_id}.{key}: {item}"


def with_defaults(record: dict[str, Any]) -> dict[str, Any]:
    """A record from TOML (which has no null and may leave out false/[]), as JSON has it."""
    out = {**TOP_DEFAULTS, **record}
    for key in SUBLISTS:
        out[key] = [{**SUB_DEFAULTS[key], **item} for item in out[key]]
    return out


def test_the_golden_file_covers_every_field() -> None:
    """The dozen records pin every key of a record and of each sub-object, each
    sub-object flag true somewhere, and all five documents."""
    seen_top = {k for g in GOLDEN.values() for k in g.get("fields", {})}
    assert {"name", "types", "types_basis", "category", "flow", "sector", "summary", "topics",
            "topic_evidence", "started", "started_fiscal", "started_evidence"} <= seen_top
    items = {key: [i for g in GOLDEN.values() for i in (*g.get(key, ()),
                                                         *g.get(f"{key}_include", ()))]
             for key in SUBLISTS}
    truthy = {(key, k) for key, rows in items.items() for row in rows
              for k, v in row.items() if v not in (None, False, [])}
    for key, defaults in SUB_DEFAULTS.items():
        for k in defaults:
            assert (key, k) in truthy, f"no golden {key} item has {k} set"
    sources = {s["source"] for rows in items["sources"] for s in [rows]}
    assert len(sources) == 5 and all(len(g["_pages"]) >= 1 for g in GOLDEN.values())


@pytest.fixture(scope="module")
def module_cli() -> Cli:
    return Cli()


@pytest.mark.parametrize("case_id", IDS)
def test_show_json_typer_app(module_cli: Cli, case_id: str) -> None:
    check_record(module_cli.json("show", case_id, "--json"), case_id)


def test_show_json_fast_path_in_process(bundled: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    store.load_cached([bundled])
    for case_id in IDS:
        assert fastpath.answer(["show", case_id, "--json"]) == 0, case_id
        check_record(json.loads(capsys.readouterr().out), case_id)


def run_console(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert BIN, "the console script is not installed beside this Python"
    return subprocess.run([BIN, *args], env=env, capture_output=True, text=True, timeout=60,
                          check=False)


@pytest.fixture(scope="module")
def warm_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The installed console script's environment, with a cache in tmp already warm."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KASEGERU_")}
    env.update(KASEGERU_CACHE_DIR=str(tmp_path_factory.mktemp("golden-cache")),
               HOME=str(tmp_path_factory.mktemp("home")), NO_COLOR="1", COLUMNS="80")
    done = run_console("list", "--json", env=env)  # what any earlier command leaves behind
    assert done.returncode == 0, done.stderr
    return env


def test_show_json_console_script_fast_path(warm_env: dict[str, str]) -> None:
    """``kasegeru show ID --json`` from a warm cache, as a shell loop runs it: the
    fast path answers (the Typer app is not imported) with the document's values."""
    for case_id in IDS:
        done = run_console("show", case_id, "--json", env=warm_env)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        check_record(json.loads(done.stdout), case_id)
    done = subprocess.run([sys.executable, "-X", "importtime", str(BIN), "show", "egg-japan",
                           "--json"], env=warm_env, capture_output=True, text=True, timeout=60,
                          check=False)
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "typer" not in imported and "kasegeru_cli.fastpath" in imported, \
        "the fast path did not answer"
    check_record(json.loads(done.stdout), "egg-japan")


def test_list_json(module_cli: Cli) -> None:
    rows = {r["id"]: r for r in module_cli.json("list", "--json")}
    assert len(rows) == 124
    for case_id in IDS:
        check_record(rows[case_id], case_id)


def export(fmt: str, tmp_path: Path) -> Path:
    """``export --format FMT -o FILE`` inside the test (not a shared fixture: mutmut
    credits a function to the tests that call it, and fixture set-up to none)."""
    path = tmp_path / f"cases.{fmt}"
    result = Cli()("export", "--format", fmt, "-o", str(path))
    assert result.exit_code == 0, result.stderr
    return path


def test_export_json(tmp_path: Path) -> None:
    rows = {r["id"]: r for r in json.loads(export("json", tmp_path).read_text(encoding="utf-8"))}
    for case_id in IDS:
        check_record(rows[case_id], case_id)


def test_export_jsonl(tmp_path: Path) -> None:
    lines = export("jsonl", tmp_path).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 124  # one record a line, not an indented document
    rows = {r["id"]: r for r in map(json.loads, lines)}
    for case_id in IDS:
        check_record(rows[case_id], case_id)


def test_export_toml(tmp_path: Path) -> None:
    data = tomli.loads(export("toml", tmp_path).read_text(encoding="utf-8"))
    rows = {r["id"]: with_defaults(r) for r in data["cases"]}
    for case_id in IDS:
        check_record(rows[case_id], case_id)


def _cell_has(cell: str, item: dict[str, Any], kind: str) -> None:
    """A CSV cell flattens sub-objects to text (README: FY marks a fiscal year,
    ``(planned)`` a plan, ``target`` a planned figure, ``–`` a span)."""
    if kind == "timeline":
        date = ("FY" if item["fiscal"] else "") + item["date"]
        if item["until"]:
            date += "–" + ("FY" if item["fiscal"] else "") + item["until"]
        if item["planned"]:
            date += " (planned)"
        assert f"{date} {item['event']}" in cell, item
    elif kind == "figures":
        assert item["label"] in cell, item
        start = cell.index(item["label"])
        text = cell[start:].split("; ", 1)[0]
        number = f"{item['value']:g}"
        assert number in text, (item, text)
        if item["value_max"] is not None:
            assert f"～{item['value_max']:g}" in text, (item, text)
        if item["qualifier"]:
            assert item["qualifier"] in text, (item, text)
        if item["as_of"]:
            assert ("FY" if item["fiscal"] else "") + item["as_of"] in text, (item, text)
            assert ("FY" + item["as_of"] in text) == item["fiscal"], (item, text)
        assert ("target" in text) == item["planned"], (item, text)
        if item["note"]:
            assert item["note"] in text, (item, text)
    elif kind == "actors":
        assert f"{item['name']}（{item['role']}）" in cell, item
    elif kind == "locations":
        assert f"[{item['role']}{', planned' if item['planned'] else ''}]" in cell, item
    elif kind == "sources":
        text = item["source"] + " " + item["section"] + (f" {item['item']}" if item["item"] else "")
        assert text in cell, item


def test_export_csv(tmp_path: Path) -> None:
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(
        export("csv", tmp_path).read_text(encoding="utf-8-sig"), newline=""))}
    for case_id in IDS:
        golden, row = GOLDEN[case_id], rows[case_id]
        for key, value in golden.get("fields", {}).items():
            if isinstance(value, list):
                assert row[key] == "; ".join(value), f"{case_id}.{key}"
            elif isinstance(value, bool):
                assert row[key] in (("True", "true", "1") if value else ("False", "false", "0",
                                                                          "")), key
            elif isinstance(value, dict):
                assert row[key] == "; ".join(f"{k}: {v}" for k, v in value.items())
            else:
                assert row[key] == ("" if value is None else value), f"{case_id}.{key}"
        for kind in SUBLISTS:
            items = [*golden.get(kind, ()), *golden.get(f"{kind}_include", ())]
            for item in items:
                _cell_has(row[kind], item, kind)
            if kind in golden and not golden[kind]:
                assert row[kind] == ""


def test_export_sqlite(tmp_path: Path) -> None:
    db = sqlite3.connect(export("sqlite", tmp_path))
    db.row_factory = sqlite3.Row
    try:
        for case_id in IDS:
            golden = GOLDEN[case_id]
            case = dict(db.execute("SELECT * FROM cases WHERE id = ?", (case_id,)).fetchone())
            for key, value in golden.get("fields", {}).items():
                if key in case and not isinstance(value, (list, dict)):
                    assert case[key] == value, f"{case_id}.{key}"
            tables: dict[str, tuple[str, dict[str, Any]]] = {
                "actors": ("SELECT name, role, kind, lead, kind_evidence FROM actors", {}),
                "locations": ("SELECT role, prefecture, municipality, area, country, note, "
                              "regions, planned FROM locations", {}),
                "timeline": ("SELECT date, event, fiscal, planned, until, source_id AS source "
                             "FROM events", {}),
                "figures": ("SELECT label, value, unit, value_max, as_of, fiscal, planned, "
                            "qualifier, note FROM figures", {}),
                "sources": ("SELECT source_id AS source, section, item FROM case_sources", {}),
            }
            for kind, (query, _) in tables.items():
                got = []
                for row in db.execute(query + " WHERE case_id = ? ORDER BY id", (case_id,)):
                    item = dict(row)
                    for flag in ("lead", "planned", "fiscal"):
                        if flag in item:
                            assert item[flag] in (0, 1)
                            item[flag] = bool(item[flag])
                    if "regions" in item:
                        item["regions"] = json.loads(item["regions"])
                    got.append(item)
                if kind in golden:
                    assert got == golden[kind], f"{case_id}.{kind}"
                for item in golden.get(f"{kind}_include", ()):
                    assert item in got, f"{case_id}.{kind}: {item}"
    finally:
        db.close()
