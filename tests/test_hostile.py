"""Hostile input: users' own files, odd arguments, odd terminals, pipes, Ctrl-C, scale."""

from __future__ import annotations

import itertools
import json
import os
import pty
import select
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kasegeru_cli.export import write_atomic
from kasegeru_cli.loader import DatasetError, load_files

from .conftest import MINIMAL, Cli, default_signals, examples

BIN = Path(sys.executable).parent / "kasegeru"

EXTRA = '''\
[sources.team]
file = "team-notes.md"
title = "チームの調査メモ"
title_en = "Team notes"
date = "2025-06"

[[cases]]
id = "team-case"
name = "チーム事例"
name_en = "Team case"
summary = "私たちが追加した事例。"
summary_en = "A case we added."

[[cases.locations]]
prefecture = "宮崎県"
role = "main"

[[cases.sources]]
source = "team"
section = "メモ"
'''


# ----------------------------------------------------------------------------- own data


def test_add_loads_extra_cases_on_top(cli: Cli, tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text(EXTRA, encoding="utf-8")
    rows = cli.json("--add", str(extra), "list", "-p", "宮崎県", "--json")
    ids = [r["id"] for r in rows]
    assert "team-case" in ids and "miyazaki-machinaka-3000" in ids
    sources = {r["id"]: r["cases"] for r in cli.json("--add", str(extra), "sources", "--json")}
    assert sources["team"] == 1 and sources["2019-report"] == 23


def test_add_id_collision_is_an_error_naming_both_files(cli: Cli, tmp_path: Path,
                                                        bundled: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text(EXTRA.replace('id = "team-case"', 'id = "co-ba"'), encoding="utf-8")
    result = cli("--add", str(extra), "show", "co-ba")
    assert result.exit_code == 1
    assert f"{extra}:" in result.stderr
    assert f"duplicate id 'co-ba': already used by another case in {bundled}" in result.stderr
    assert result.stdout == ""


def test_validate_several_files_together(cli: Cli, tmp_path: Path, minimal_file: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text(EXTRA, encoding="utf-8")
    ok = cli("validate", str(minimal_file), str(extra))
    assert ok.exit_code == 0 and ok.stdout.startswith("OK: 3 cases, 2 sources, 1 types")
    clash = tmp_path / "clash.toml"
    clash.write_text(EXTRA.replace('id = "team-case"', 'id = "alpha"'), encoding="utf-8")
    bad = cli("validate", str(minimal_file), str(clash))
    assert bad.exit_code == 1
    assert f"duplicate id 'alpha': already used by another case in {minimal_file}" in bad.stderr


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "no such file"),
    (lambda p: p.mkdir(), "is a directory, not a case file"),
    (lambda p: p.write_bytes(b""), "is empty"),
    (lambda p: p.write_bytes(MINIMAL.encode("shift_jis")), "looks like Shift_JIS"),
    (lambda p: p.write_text("[[cases]\n", encoding="utf-8"), "invalid TOML"),
])
def test_broken_data_file_is_reported_in_process(cli: Cli, tmp_path: Path,
                                                        make: Callable[[Path], object],
                                                        message: str) -> None:
    path = tmp_path / "mine.toml"
    make(path)
    for args in (["--data", str(path), "list"], ["validate", str(path)]):
        result = cli(*args)
        assert result.exit_code == 1
        assert str(path) in result.stderr and message in result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit)


# ----------------------------------------------------------------------------- nothing lost

# Text holds no control characters (the loader refuses them, issue 12): anything
# else encodable, and the characters that trip writers up.
SAFE_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")),
        st.sampled_from(list("〜―～ー「」\"'\\😀㈱ｶﾀｶﾅ１２３"))),
    min_size=1, max_size=40,
).filter(lambda s: s.strip() != "")
IDS = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
DATES = st.builds(
    lambda y, m, d, prec: f"{y:04d}" + (f"-{m:02d}" if prec > 0 else "")
    + (f"-{d:02d}" if prec > 1 else ""),
    st.integers(1800, 2100), st.integers(1, 12), st.integers(1, 28), st.integers(0, 2))
NUMBERS = st.one_of(st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False, allow_infinity=False, width=64))


T = TypeVar("T")


def _optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.one_of(st.none(), strategy)


@st.composite
def datasets(draw: st.DrawFn) -> object:
    from kasegeru_cli.models import (
        LOCATION_ROLES,
        Actor,
        Case,
        CaseType,
        Dataset,
        Event,
        Figure,
        Location,
        Source,
        SourceRef,
    )
    from kasegeru_cli.prefectures import PREFECTURES

    ids = draw(st.lists(IDS, min_size=1, max_size=5, unique=True))
    ctype = CaseType("coworking", draw(SAFE_TEXT), draw(SAFE_TEXT), draw(SAFE_TEXT),
                     draw(SAFE_TEXT), examples=tuple(ids[:1]))
    source = Source("src", draw(SAFE_TEXT), draw(SAFE_TEXT), draw(SAFE_TEXT), draw(DATES),
                    publisher=draw(_optional(SAFE_TEXT)),
                    sections=tuple(draw(st.lists(SAFE_TEXT, max_size=2))),
                    expected_cases=draw(_optional(st.integers(0, 999))))
    # Related links must be symmetric: pair neighbours.
    pairs = {i: set() for i in ids}  # type: dict[str, set[str]]
    for a, b in itertools.pairwise(ids):
        if draw(st.booleans()):
            pairs[a].add(b)
            pairs[b].add(a)
    from kasegeru_cli.models import ACTOR_KINDS, TYPES_BASES, Topic
    from kasegeru_cli.prefectures import REGIONS

    topic = Topic("topic-a", draw(SAFE_TEXT), draw(SAFE_TEXT), draw(SAFE_TEXT),
                  variants=tuple(draw(st.lists(SAFE_TEXT, max_size=3))))
    cases = []
    for i, cid in enumerate(ids):
        typed = draw(st.booleans())
        summary = draw(SAFE_TEXT)
        events = tuple(Event(draw(DATES), draw(SAFE_TEXT), fiscal=draw(st.booleans()),
                             planned=draw(st.booleans()))
                       for _ in range(draw(st.integers(0, 2))))
        # Editorial fields quote their own record: a phrase of the summary, an event's date.
        topical = draw(st.booleans())
        pick_start: bool = draw(st.booleans())
        start = events[0] if events and pick_start else None
        cases.append(Case(
            id=cid, name=draw(SAFE_TEXT), name_en=draw(SAFE_TEXT), summary=summary,
            summary_en=draw(SAFE_TEXT),
            topics=("topic-a",) if topical else (),
            topic_evidence={"topic-a": summary} if topical else {},
            started=start.date if start else None,
            started_fiscal=start.fiscal if start else False,
            started_evidence=start.event if start else None,
            aliases=tuple(f"{cid}-alias-{k}" for k in range(draw(st.integers(0, 2)))),
            types=("coworking",) if typed or i == 0 else (),
            types_basis=draw(st.sampled_from(TYPES_BASES)) if typed or i == 0 else None,
            types_note=draw(_optional(SAFE_TEXT)),
            tags=tuple(draw(st.lists(SAFE_TEXT, max_size=3, unique=True))),
            points=tuple(draw(st.lists(SAFE_TEXT, max_size=3))),
            challenges=tuple(draw(st.lists(SAFE_TEXT, max_size=2))),
            related=tuple(sorted(pairs[cid])),
            actors=tuple(Actor(draw(SAFE_TEXT), draw(_optional(SAFE_TEXT)),
                               kind=draw(_optional(st.sampled_from(ACTOR_KINDS))),
                               lead=draw(st.booleans()))
                         for _ in range(draw(st.integers(0, 2)))),
            locations=tuple(draw(st.one_of(
                st.builds(Location, role=st.sampled_from(LOCATION_ROLES),
                          prefecture=st.sampled_from([p.name for p in PREFECTURES]),
                          area=_optional(SAFE_TEXT), planned=st.booleans()),
                st.builds(Location, role=st.sampled_from(LOCATION_ROLES), area=SAFE_TEXT,
                          regions=st.lists(st.sampled_from([r.slug for r in REGIONS]),
                                           min_size=1, max_size=2, unique=True).map(tuple))))
                for _ in range(draw(st.integers(0, 2)))),
            timeline=events,
            figures=tuple(Figure(draw(SAFE_TEXT), draw(NUMBERS),
                                 unit=draw(_optional(SAFE_TEXT)),
                                 as_of=draw(_optional(DATES)),
                                 qualifier=draw(_optional(SAFE_TEXT)))
                          for _ in range(draw(st.integers(0, 2)))),
            sources=(SourceRef("src", draw(SAFE_TEXT), draw(_optional(SAFE_TEXT))),),
        ))
    return Dataset(types={"coworking": ctype}, topics={"topic-a": topic},
                   sources={"src": source}, cases=tuple(cases))


@settings(max_examples=examples(150), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_toml_export_round_trips(dataset: object) -> None:
    from kasegeru_cli.formats.tomlfmt import render_toml
    from kasegeru_cli.loader import load_blobs
    from kasegeru_cli.models import Dataset

    assert isinstance(dataset, Dataset)
    text = render_toml(dataset)
    assert load_blobs([("generated.toml", text.encode())]) == dataset


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_json_and_jsonl_carry_every_field(dataset: object) -> None:
    from dataclasses import fields

    from kasegeru_cli.export import export_bytes
    from kasegeru_cli.models import Case, Dataset
    from kasegeru_cli.records import case_to_dict

    assert isinstance(dataset, Dataset)
    as_json = json.loads(export_bytes(dataset, dataset.cases, "json"))
    # JSON Lines separates records by "\n" only (U+0085 or U+2028 inside a
    # string are not line breaks there, though str.splitlines would say so).
    lines = export_bytes(dataset, dataset.cases, "jsonl").decode().split("\n")
    assert lines[-1] == ""
    as_jsonl = [json.loads(line) for line in lines[:-1]]
    assert as_json == as_jsonl == [case_to_dict(c) for c in dataset.cases]
    for record, case in zip(as_json, dataset.cases, strict=True):
        assert list(record) == [f.name for f in fields(Case)]
        assert record["figures"] == [
            {f.name: getattr(fig, f.name) for f in fields(fig)} for fig in case.figures]


def test_bundled_data_round_trips_exactly(bundled: Path, tmp_path: Path) -> None:
    from kasegeru_cli.formats.tomlfmt import render_toml

    dataset = load_files([bundled])
    out = tmp_path / "again.toml"
    out.write_text(render_toml(dataset), encoding="utf-8")
    assert load_files([out]) == dataset


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")

    def explode(tmp: Path) -> None:
        tmp.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, explode)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]  # no temp file left


def test_an_exported_file_gets_ordinary_permissions(cli: Cli, tmp_path: Path) -> None:
    # The temporary file behind the atomic write is 0600; the export must not be.
    out = tmp_path / "cases.json"
    result = cli("export", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    umask = os.umask(0o022)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("fmt", ["json", "sqlite"])
def test_export_into_a_missing_directory_is_a_clear_error(cli: Cli, tmp_path: Path,
                                                          fmt: str) -> None:
    out = tmp_path / "no" / "such" / f"cases.{fmt}"
    result = cli("export", "--format", fmt, "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot write {out}: No such file or directory\n"


@pytest.mark.parametrize("args", [["validate", "a\x00b"], ["--data", "a\x00b", "list"],
                                  ["--add", "a\x00b", "list"]])
def test_a_nul_byte_in_a_data_path_is_a_located_error(cli: Cli, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 1
    assert "'a\\x00b': not a valid path (it holds a NUL byte)" in result.stderr


def test_a_nul_byte_in_an_output_name_is_a_usage_error(cli: Cli) -> None:
    result = cli("export", "-o", "a\x00b")
    assert result.exit_code == 2
    assert "is not a valid file name (it holds a NUL byte)" in result.stderr


# ----------------------------------------------------------------------------- arguments

WORDS = ["list", "show", "search", "types", "sources", "stats", "export", "validate", "cite",
         "--type", "-t", "--prefecture", "-p", "--region", "--source", "--sector", "--flow",
         "--tag", "--year", "--sort", "--limit", "-n", "--format", "-f", "--json", "--fields",
         "--lang", "--by", "--force", "--excel", "--version", "--help", "co-ba", "coworking",
         "宮崎県", "json", "csv", "toml", "sqlite", "id,name", "2018", "-1", "", " ",
         "x" * 5000, "\x00", "\x1b[31m", "ｺｰﾊﾞ", "😀", "--", "-", "--data"]


@settings(max_examples=examples(300), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=30)), max_size=6))
def test_random_arguments_never_crash(cli: Cli, tmp_path: Path, args: list[str]) -> None:
    # Nothing here may write outside tmp_path: -o is not in the vocabulary, and
    # "export" without -o writes to stdout.
    if "--install-completion" in args or any(a.startswith("--inst") for a in args):
        return
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = cli(*args)
    finally:
        os.chdir(old)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args, result.exception)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr)
    if result.exit_code != 0:
        assert result.stderr.strip(), args
    # Whether a traceback reaches the user is checked on the installed console
    # script (test_hostile2.py test_hostile_arguments_exit_cleanly): CliRunner keeps
    # the exception in result.exception, checked above, and never prints one.


# ----------------------------------------------------------------------------- terminals


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[bytes]:
    if not BIN.exists():
        pytest.skip("console script not installed")
    full = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    full.pop("KASEGERU_DATA", None)
    full.update(env)
    return subprocess.run([str(BIN), *args], env=full, capture_output=True, timeout=60)


def _run_in_pty(args: list[str], **env: str) -> bytes:
    """Run with stdout on a pseudo-terminal, as in an interactive shell."""
    if not BIN.exists():
        pytest.skip("console script not installed")
    full = {**{k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")},
            "COLUMNS": "100", **env}
    leader, follower = pty.openpty()
    proc = subprocess.Popen([str(BIN), *args], stdin=follower, stdout=follower,
                            stderr=subprocess.PIPE, env=full)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 10)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=30)
    os.close(leader)
    return b"".join(chunks)


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    coloured = _run_in_pty(["list", "-n", "2"], TERM="xterm-256color")
    assert b"\x1b[" in coloured
    assert b"\x1b[" not in _run_in_pty(["list", "-n", "2"], TERM="xterm-256color", NO_COLOR="1")
    assert b"\x1b[" not in _run_in_pty(["list", "-n", "2"], TERM="dumb")
    piped = _run(["list", "-n", "2"], TERM="xterm-256color")
    assert piped.returncode == 0 and b"\x1b[" not in piped.stdout


def test_narrow_terminal() -> None:
    from rich.cells import cell_len

    for args in (["list", "-n", "3"], ["show", "co-ba"], ["stats", "--by", "region"],
                 ["types"], ["sources"], ["search", "銀行"]):
        result = _run(args, COLUMNS="20")
        assert result.returncode == 0, result.stderr
        lines = result.stdout.decode().splitlines()
        assert lines and max(cell_len(line) for line in lines) <= 20, args


@pytest.mark.parametrize("env", [{"LANG": "C"}, {"LC_ALL": "C"}, {"PYTHONIOENCODING": "ascii"},
                                 {"PYTHONIOENCODING": "latin-1", "PYTHONUTF8": "0"}])
def test_japanese_output_is_utf8_whatever_the_locale(env: dict[str, str]) -> None:
    result = _run(["show", "co-ba"], **env)
    assert result.returncode == 0, result.stderr
    assert "ツクルバ" in result.stdout.decode("utf-8")
    missing = _run(["show", "コバ"], **env)
    assert missing.returncode == 1
    assert "コバ" in missing.stderr.decode("utf-8")


def _big_file(tmp_path: Path, n: int) -> Path:
    """n small synthetic cases: enough to make loading take a while."""
    head = MINIMAL.split("[[cases]]")[0]
    body = []
    for i in range(n):
        body.append(f'''[[cases]]
id = "case-{i}"
name = "事例{i}"
name_en = "Case {i}"
summary = "大都市圏と地方都市等の連携の事例。コワーキングスペースを整備・運営。{i}"
summary_en = "A partnership case number {i}."
tags = ["連携", "tag{i % 50}"]

[[cases.locations]]
prefecture = "宮崎県"
role = "main"

[[cases.timeline]]
date = "{2000 + i % 25}-04"
event = "開設"

[[cases.sources]]
source = "mine"
section = "第{i}章"
''')
    path = tmp_path / f"big-{n}.toml"
    path.write_text(head + "\n".join(body), encoding="utf-8")
    return path


def test_ctrl_c_while_an_export_waits_on_a_full_pipe_exits_130_quietly() -> None:
    """``kasegeru export | less``, then Ctrl-C: the export is blocked writing to a
    pipe nobody reads. The trigger is deterministic: the first bytes read from
    the pipe say the export is writing, and the rest of it (the JSON Lines of
    124 cases, far more than a pipe's 64 KiB) cannot fit, so it is still
    blocked when the signal comes. (Ctrl-C during a file export, and the
    temporary file it must not leave: test_hostile2's
    test_signals_during_an_sqlite_export_leave_nothing.)"""
    if not BIN.exists():
        pytest.skip("console script not installed")
    proc = subprocess.Popen([str(BIN), "export", "-f", "jsonl"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, preexec_fn=default_signals)
    assert proc.stdout is not None
    head = proc.stdout.read(7)
    assert head == b'{"id":"'  # the first record is being written
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.decode() == "Interrupted.\n"
    assert (head + out).count(b"\n") < 124  # it stopped short of the 124 records


def test_an_interrupt_as_the_temporary_file_is_made_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A signal delivered right after the temporary file exists (here: as its
    descriptor is closed) must still leave no temporary file."""
    from kasegeru_cli import export

    real_close = os.close

    def close_then_interrupt(fd: int) -> None:
        real_close(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "close", close_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        export.write_atomic(tmp_path / "out.json", lambda tmp: tmp.write_text("{}"))
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- scale


def test_thousands_of_cases_load_validate_and_query(cli: Cli, tmp_path: Path) -> None:
    # Twenty times the bundled dataset (a larger file only made the test slower).
    big = _big_file(tmp_path, 2_500)
    assert cli("validate", str(big)).stdout.startswith("OK: 2500 cases")
    rows = cli.json("--data", str(big), "list", "--year", "2001", "--fields", "id", "--json")
    assert len(rows) == 100  # one year in 25
    hits = cli.json("--data", str(big), "search", "事例2499", "--json")
    assert hits[0]["id"] == "case-2499"
    assert cli.json("--data", str(big), "stats", "--by", "prefecture", "--json") == [
        {"prefecture": "宮崎県", "cases": 2_500}]


def test_dataset_error_is_an_exception_not_exit(tmp_path: Path) -> None:
    with pytest.raises(DatasetError):
        load_files([tmp_path / "missing.toml"])
