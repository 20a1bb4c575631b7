"""Every filter option on every command that takes it (issue 28): list, search,
stats, map, export and the database `serve` builds, each run as a user runs it,
on a four-case dataset written by hand for it.

The options come from the one declaration, ``cli.FILTER_OPTIONS``: a filter added
there without a row in ``EFFECTS`` fails ``test_every_declared_filter_has_an_effect``,
and a command that forgets to pass one (or passes ``--anywhere`` to the filter but
not to its counting) fails here. Each row's expected ids, and each case's places,
are read off the dataset below by hand.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from kasegeru_cli.cli import FILTER_OPTIONS, app

from .conftest import Cli, default_signals

BIN = shutil.which("kasegeru", path=str(Path(sys.executable).parent))

# c1: coworking (named), public, metro-regional, tag 地域復興, started 2015, lead company,
#     main 宮崎県, cites mine (001).
# c2: network (editorial), private, topic t-one, started 2018, a company that does not
#     lead, main 東京都 with a partner in 宮崎県, cites other (003).
# c3: no type, private, tags 観光 復興支援, topic t-one, started 2020, lead university,
#     main 北海道 with a site in 宮崎県 (not a network: the site is not home), a figure
#     as of 2016, cites mine and other.
# c4: coworking + network (group), regional-metro, no start, no actors, only an
#     area 九州地方 (region kyushu) as its main place, an event in 2016-05, cites mine.
DATASET = """\
schema_version = 2

[types.coworking]
name = "コワーキング型"
name_en = "Coworking"
definition = "拠点を形成し…"
defined_in = "別紙1"

[types.network]
name = "ネットワーク型"
name_en = "Network"
definition = "つながりを…"
defined_in = "別紙1"

[topics.t-one]
name = "話題一"
name_en = "Topic one"
criterion = "話題一に当たる取組"

[sources.mine]
file = "001_mine.txt"
title = "私の資料"
title_en = "My document"
publisher = "私"
date = "2024-01"

[sources.other]
file = "003_other.txt"
title = "別の資料"
title_en = "Another document"
publisher = "私"
date = "2024-02"

[[cases]]
id = "c1"
name = "事例一"
name_en = "Case one"
summary = "共通事例の一。"
summary_en = "Case one."
types = ["coworking"]
types_basis = "named"
sector = "public"
flow = "大都市圏×地方都市等"
tags = ["地域復興"]
started = "2015"
started_evidence = "開設"

[[cases.actors]]
name = "株式会社一"
role = "運営"
kind = "company"
lead = true

[[cases.locations]]
prefecture = "宮崎県"
role = "main"

[[cases.timeline]]
date = "2015"
event = "開設"

[[cases.sources]]
source = "mine"
section = "第1章"

[[cases]]
id = "c2"
name = "事例二"
name_en = "Case two"
summary = "共通事例の二。"
summary_en = "Case two."
types = ["network"]
types_basis = "editorial"
sector = "private"
topics = ["t-one"]
topic_evidence = { t-one = "事例の二" }
started = "2018"
started_evidence = "開始"

[[cases.actors]]
name = "株式会社二"
role = "連携先"
kind = "company"

[[cases.locations]]
prefecture = "東京都"
role = "main"

[[cases.locations]]
prefecture = "宮崎県"
role = "partner"

[[cases.timeline]]
date = "2018"
event = "開始"

[[cases.sources]]
source = "other"
section = "第2章"

[[cases]]
id = "c3"
name = "事例三"
name_en = "Case three"
summary = "共通事例の三。"
summary_en = "Case three."
sector = "private"
tags = ["観光", "復興支援"]
topics = ["t-one"]
topic_evidence = { t-one = "事例の三" }
started = "2020"
started_evidence = "設立"

[[cases.actors]]
name = "三大学"
role = "運営"
kind = "university"
lead = true

[[cases.locations]]
prefecture = "北海道"
role = "main"

[[cases.locations]]
prefecture = "宮崎県"
role = "site"

[[cases.timeline]]
date = "2020"
event = "設立"

[[cases.figures]]
label = "参加者"
value = 10
unit = "人"
as_of = "2016"

[[cases.sources]]
source = "mine"
section = "第1章"

[[cases.sources]]
source = "other"
section = "第2章"

[[cases]]
id = "c4"
name = "事例四"
name_en = "Case four"
summary = "共通事例の四。"
summary_en = "Case four."
types = ["coworking", "network"]
types_basis = "group"
flow = "地方都市等×大都市圏"

[[cases.locations]]
area = "九州地方"
regions = ["kyushu"]
role = "main"

[[cases.timeline]]
date = "2016-05"
event = "調査"

[[cases.sources]]
source = "mine"
section = "第3章"
"""

ALL = ["c1", "c2", "c3", "c4"]

# option -> [(arguments, ids in dataset order)]; every row by hand from DATASET.
EFFECTS: dict[str, list[tuple[tuple[str, ...], list[str]]]] = {
    "--type": [(("--type", "coworking"), ["c1", "c4"])],
    "--topic": [(("--topic", "t-one"), ["c2", "c3"])],
    "--operator": [(("--operator", "company"), ["c1"])],
    "--prefecture": [(("--prefecture", "宮崎県"), ["c1"])],
    "--region": [(("--region", "kyushu"), ["c1", "c4"])],
    "--anywhere": [(("--anywhere",), ALL),
                   (("--prefecture", "宮崎県", "--anywhere"), ["c1", "c2", "c3"]),
                   (("--region", "kyushu", "--anywhere"), ALL)],
    "--since": [(("--since", "2018"), ["c2", "c3"])],
    "--until": [(("--until", "2018"), ["c1", "c2"])],
    "--source": [(("--source", "003"), ["c2", "c3"])],
    "--basis": [(("--basis", "editorial"), ["c2"])],
    "--sector": [(("--sector", "private"), ["c2", "c3"])],
    "--flow": [(("--flow", "regional-metro"), ["c4"])],
    "--tag": [(("--tag", "復興"), ["c1", "c3"])],
    "--year": [(("--year", "2016"), ["c3", "c4"])],
}
ROWS = [(args, ids) for rows in EFFECTS.values() for args, ids in rows]
ROW_IDS = [" ".join(args) for args, _ in ROWS]

# Where each case is (its home), and every place it names: by hand from DATASET.
HOME: dict[str, list[str | None]] = {"c1": ["宮崎県"], "c2": ["東京都"], "c3": ["北海道"],
                                     "c4": [None]}
ANYWHERE: dict[str, list[str | None]] = {"c1": ["宮崎県"], "c2": ["東京都", "宮崎県"],
                                         "c3": ["北海道", "宮崎県"], "c4": [None]}


def by_prefecture(args: tuple[str, ...], ids: list[str]) -> dict[str | None, int]:
    places = ANYWHERE if "--anywhere" in args else HOME
    return dict(Counter(p for i in ids for p in places[i]))


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("commands") / "cases.toml"
    path.write_text(DATASET, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def mcli() -> Cli:
    return Cli()


def declared_options() -> set[str]:
    names = set()
    for _, _, ann in FILTER_OPTIONS:
        info = ann.__metadata__[0]
        names.add(next(d for d in (info.default, *info.param_decls)
                       if isinstance(d, str) and d.startswith("--")))
    return names


def test_every_declared_filter_has_an_effect() -> None:
    assert declared_options() == set(EFFECTS)


def test_every_filtering_command_takes_every_filter() -> None:
    import typer.main

    group = typer.main.get_command(app)
    for name in ("list", "search", "stats", "map", "export", "serve"):
        command = group.commands[name]  # type: ignore[attr-defined]
        options = {o for p in command.params for o in p.opts}
        assert declared_options() <= options, name


def test_each_filter_narrows() -> None:
    # Each filter (bar --anywhere, which widens --prefecture and --region) leaves
    # out some case: a command that forgot it would answer differently.
    for args, ids in ROWS:
        assert ids != ALL or "--anywhere" in args, args


@pytest.mark.parametrize(("args", "ids"), ROWS, ids=ROW_IDS)
def test_list(mcli: Cli, data: Path, args: tuple[str, ...], ids: list[str]) -> None:
    found = mcli.json("--data", str(data), "list", *args, "--json")
    assert [r["id"] for r in found] == ids


@pytest.mark.parametrize(("args", "ids"), ROWS, ids=ROW_IDS)
def test_search(mcli: Cli, data: Path, args: tuple[str, ...], ids: list[str]) -> None:
    # 共通事例 is in every summary: the filters alone decide.
    found = mcli.json("--data", str(data), "search", "共通事例", *args, "--json")
    assert sorted(r["id"] for r in found) == ids


@pytest.mark.parametrize(("args", "ids"), ROWS, ids=ROW_IDS)
def test_stats(mcli: Cli, data: Path, args: tuple[str, ...], ids: list[str]) -> None:
    found = mcli.json("--data", str(data), "stats", "--by", "prefecture", *args, "--json")
    assert {r["prefecture"]: r["cases"] for r in found} == by_prefecture(args, ids)


def test_stats_anywhere_by_hand(mcli: Cli, data: Path) -> None:
    # The same, written out: 宮崎県 is home to c1 and named by c2 (partner) and c3 (site).
    found = mcli.json("--data", str(data), "stats", "--by", "prefecture", "--anywhere",
                      "--json")
    assert {r["prefecture"]: r["cases"] for r in found} == {
        "宮崎県": 3, "東京都": 1, "北海道": 1, None: 1}


@pytest.mark.parametrize(("args", "ids"), ROWS, ids=ROW_IDS)
def test_map(mcli: Cli, data: Path, args: tuple[str, ...], ids: list[str]) -> None:
    found = mcli.json("--data", str(data), "map", *args, "--json")
    assert len(found) == 47
    expected = {p: n for p, n in by_prefecture(args, ids).items() if p is not None}
    assert {r["prefecture"]: r["cases"] for r in found if r["cases"]} == expected


@pytest.mark.parametrize(("args", "ids"), ROWS, ids=ROW_IDS)
def test_export(mcli: Cli, data: Path, args: tuple[str, ...], ids: list[str]) -> None:
    found = mcli.json("--data", str(data), "export", "--format", "json", *args)
    assert [r["id"] for r in found] == ids


@pytest.mark.parametrize(("args", "ids"), ROWS, ids=ROW_IDS)
def test_export_sqlite(mcli: Cli, data: Path, tmp_path: Path, args: tuple[str, ...],
                       ids: list[str]) -> None:
    db = tmp_path / "out.db"
    result = mcli("--data", str(data), "export", "--format", "sqlite", "-o", str(db), *args)
    assert result.exit_code == 0, result.stderr
    assert f"Wrote {len(ids)} cases to {db}" in result.stderr
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("SELECT id FROM cases ORDER BY id")] == ids


# ----------------------------------------------------------------------------- serve


def _env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KASEGERU_", "LC_"))}
    return {**env, "KASEGERU_CACHE_DIR": str(cache), "NO_COLOR": "1", "TERM": "dumb",
            "COLUMNS": "100"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def served_ids(data: Path, cache: Path, args: tuple[str, ...]) -> tuple[str, list[str]]:
    """Start the installed `kasegeru serve`, read which database it serves from its
    first line on stderr, stop it, and read the case ids of that database."""
    assert BIN is not None
    proc = subprocess.Popen(
        [BIN, "--data", str(data), "serve", "--port", str(_free_port()), *args],
        env=_env(cache), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        preexec_fn=default_signals)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline().decode()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()
    head, _, rest = line.partition(" cases (")
    assert rest.startswith(("built: ", "from the cache: ")), line
    directory = Path(rest.split(": ", 1)[1].rstrip(")\n"))
    with sqlite3.connect(f"file:{directory / 'cases.db'}?mode=ro", uri=True) as conn:
        found = [r[0] for r in conn.execute("SELECT id FROM cases ORDER BY id")]
    return head, found


@pytest.mark.skipif(BIN is None, reason="console script not installed")
@pytest.mark.parametrize(("args", "ids"), ROWS, ids=ROW_IDS)
def test_serve(data: Path, tmp_path: Path, args: tuple[str, ...], ids: list[str]) -> None:
    pytest.importorskip("datasette")
    count, found = served_ids(data, tmp_path / "cache", args)
    assert (count, found) == (str(len(ids)), ids)


# ----------------------------------------------------------------------------- export races


@pytest.mark.skipif(BIN is None, reason="console script not installed")
def test_a_file_that_appears_during_the_export_is_not_overwritten(
        data: Path, tmp_path: Path) -> None:
    """Without --force, a file that appears at the target while the export is being
    written stays as it was: the export stops with an error (the check before the
    work found nothing there). The process is stopped once its temporary file
    appears, the file put in place, and the process let go on."""
    assert BIN is not None
    for _attempt in range(5):
        out = tmp_path / f"out{_attempt}.db"
        proc = subprocess.Popen(
            [BIN, "--data", str(data), "export", "--format", "sqlite", "-o", str(out)],
            env=_env(tmp_path / "cache"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            preexec_fn=default_signals)
        stopped = False
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if any(p.name.startswith(f".{out.name}.") for p in tmp_path.iterdir()):
                proc.send_signal(signal.SIGSTOP)
                stopped = not out.exists()
                if stopped:
                    out.write_bytes(b"mine")
                proc.send_signal(signal.SIGCONT)
                break
            time.sleep(0.001)
        _, stderr = proc.communicate(timeout=120)
        if not stopped:
            continue  # the export ended before its temporary file was seen: again
        assert proc.returncode == 1, stderr
        assert out.read_bytes() == b"mine"
        assert stderr.decode().strip().splitlines()[-1] == (
            f"Error: cannot write {out}: it exists; use --force to overwrite it "
            "(it appeared while the export was written)")
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(f".{out.name}")] == []
        return
    pytest.fail("the export's temporary file was never seen in 5 runs")
