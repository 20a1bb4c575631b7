"""Shared fixtures: a CLI runner with a fixed terminal, and small case files."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import typer
import typer.main
import typer.testing
from hypothesis import settings
from typer.testing import CliRunner, Result

from kasegeru_cli.cli import app
from kasegeru_cli.store import bundled_path

# Hypothesis: no 200 ms deadline on a loaded CI machine (a slow example is not a
# bug), and the costliest property tests take a third of their examples there
# (examples()), which keeps the suite within CI's time; locally they run in full.
IN_CI = bool(os.environ.get("CI"))
settings.register_profile("ci", deadline=None, print_blob=True)
settings.register_profile("dev")
settings.load_profile("ci" if IN_CI else "dev")


def default_signals() -> None:
    """For ``preexec_fn``: the child starts with SIGINT and SIGHUP at their
    defaults, as from a terminal. A shell that starts pytest in the background
    (``cmd &``, ``nohup``) makes it ignore them, the child inherits that, and the
    tests that send them would see the export run to its end."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def examples(n: int) -> int:
    """``n`` examples locally, a third of them (at least 20) in CI."""
    return max(20, n // 3) if IN_CI else n


ENV = {"COLUMNS": "80", "LINES": "50", "NO_COLOR": "1", "TERM": "dumb", "KASEGERU_DATA": ""}


@pytest.fixture(scope="session", autouse=True)
def _no_real_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Module- and session-scoped fixtures are set up before the function-scoped
    # one below: this keeps them, too, away from the developer's real cache (a
    # stale entry there once failed CI's SQLite fixture).
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KASEGERU_CACHE_DIR", str(tmp_path_factory.mktemp("session-cache")))
        mp.delenv("KASEGERU_DATA", raising=False)
        yield


@pytest.fixture(scope="session")
def _run_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shared-cache")


@pytest.fixture(autouse=True)
def _isolated_cache(_run_cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Never read or write the developer's real cache from the tests. One warm
    # cache for the whole run (as a user has): a cold load in every test was most
    # of the suite's time. Tests about the cache itself use a directory of their own.
    monkeypatch.setenv("KASEGERU_CACHE_DIR", str(_run_cache_dir))
    monkeypatch.delenv("KASEGERU_DATA", raising=False)
    yield


@pytest.fixture
def cold_cache(tmp_path_factory: pytest.TempPathFactory,
               monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache directory of this test's own (for tests about a cold start)."""
    path = tmp_path_factory.mktemp("cold-cache")
    monkeypatch.setenv("KASEGERU_CACHE_DIR", str(path))
    return path


@functools.cache
def _command(_app: typer.Typer) -> Any:
    return typer.main.get_command(_app)


class Cli:
    """Runs ``kasegeru ARGS`` in-process, like a user at an 80-column terminal."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, env: dict[str, str] | None = None,
                 input: str | None = None) -> Result:
        full_env = {**ENV, **(env or {})}
        if not full_env.get("KASEGERU_DATA"):
            full_env.pop("KASEGERU_DATA")
        # Typer's CliRunner builds the Click command from the app on every call:
        # half the time of a short command here. It is built once instead (the
        # Click command holds no state between calls, as in any Click app).
        with mock.patch.object(typer.testing, "_get_command", _command):
            return self.runner.invoke(app, list(args), env=full_env, input=input)

    def json(self, *args: str) -> Any:
        result = self(*args)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture(scope="session")
def bundled() -> Path:
    return bundled_path()


MINIMAL = '''\
schema_version = 1

[types.coworking]
name = "コワーキング型"
name_en = "Coworking"
definition = "拠点を形成し…"
defined_in = "別紙1"

[sources.mine]
file = "mine.txt"
title = "私の資料"
title_en = "My document"
publisher = "私"
date = "2024-01"

[[cases]]
id = "alpha"
name = "アルファ"
name_en = "Alpha"
summary = "アルファの概要。"
summary_en = "About alpha."
types = ["coworking"]
types_basis = "editorial"
related = ["beta"]

[[cases.locations]]
prefecture = "宮崎県"
municipality = "宮崎市"
role = "main"

[[cases.timeline]]
date = "2019-04"
event = "開設"

[[cases.sources]]
source = "mine"
section = "第1章"
item = "１．"

[[cases]]
id = "beta"
name = "ベータ"
name_en = "Beta"
summary = "ベータの概要。"
summary_en = "About beta."
related = ["alpha"]

[[cases.sources]]
source = "mine"
section = "第2章"
'''


@pytest.fixture
def minimal_file(tmp_path: Path) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    return path
