"""Hostile input, round three (issue 21): what reaches the terminal, and what
the loader accepts. The installed console script in a subprocess, with a
scratch HOME and cache directory, where the behaviour is the process's."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import MINIMAL

BIN = shutil.which("kasegeru", path=str(Path(sys.executable).parent))

pytestmark = pytest.mark.skipif(BIN is None, reason="console script not installed")

# ESC (a colour), a one-character CSI, a right-to-left override, a first-strong
# isolate and a zero-width space: none may reach the terminal raw.
EVIL = "x\x1b[31m\x9b\u202e\u2066\u200b"
EVIL_SHOWN = "x\\x1b[31m\\x9b\\u202e\\u2066\\u200b"
RAW = [b"\x1b", "\x9b".encode(), "\u202e".encode(), "\u2066".encode(), "\u200b".encode()]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("LC_", "LANG", "KASEGERU_", "COLUMNS", "LINES"))}
    return {**keep, "HOME": str(home), "KASEGERU_CACHE_DIR": str(tmp_path / "cache"),
            "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}


def run(env: dict[str, str], *args: str, **kw: object) -> subprocess.CompletedProcess[bytes]:
    assert BIN is not None
    options: dict[str, object] = {"capture_output": True, "timeout": 120, **kw}
    return subprocess.run([BIN, *args], env=env, check=False,  # type: ignore[call-overload, no-any-return]
                          **options)


def assert_escaped(output: bytes) -> None:
    for raw in RAW:
        assert raw not in output, output
    assert EVIL_SHOWN.encode() in output, output


def minimal(directory: Path, name: str = "mine.toml", text: str = MINIMAL) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- 4: paths


def test_validate_ok_line_escapes_the_path(env: dict[str, str], tmp_path: Path) -> None:
    path = minimal(tmp_path, f"{EVIL}.toml")
    result = run(env, "validate", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (f"OK: 2 cases, 1 sources, 1 types, 0 topics "
                             f"({tmp_path}/{EVIL_SHOWN}.toml)\n").encode()


def test_export_wrote_line_escapes_the_path(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / f"{EVIL}.json"
    result = run(env, "--data", str(minimal(tmp_path)), "export", "-f", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.exists()
    assert result.stderr == f"Wrote 2 cases to {tmp_path}/{EVIL_SHOWN}.json\n".encode()


def test_export_sqlite_lines_escape_the_paths(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / f"{EVIL}.db"
    result = run(env, "--data", str(minimal(tmp_path)), "export", "-f", "sqlite", "-o", str(out))
    assert result.returncode == 0, result.stderr
    db, meta = f"{tmp_path}/{EVIL_SHOWN}.db", f"{tmp_path}/{EVIL_SHOWN}.metadata.json"
    assert result.stderr.decode().splitlines() == [
        f"Wrote 2 cases to {db}",
        f"Wrote Datasette's metadata to {meta}: datasette {db} -m {meta}"]


def test_cache_note_escapes_the_directory(env: dict[str, str], tmp_path: Path) -> None:
    cache = tmp_path / EVIL
    cache.mkdir()
    cache.chmod(0o777)  # others can write it: not used, with one note
    result = run({**env, "KASEGERU_CACHE_DIR": str(cache)}, "list", "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(
        f"Note: not using the cache in {tmp_path}/{EVIL_SHOWN}: other users can write to it"
        .encode())
    assert_escaped(result.stderr)


def test_serve_line_escapes_the_cache_directory(env: dict[str, str], tmp_path: Path) -> None:
    pytest.importorskip("datasette")
    cache = tmp_path / EVIL
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert BIN is not None
    proc = subprocess.Popen(
        [BIN, "--data", str(minimal(tmp_path)), "serve", "--port", str(port)],
        env={**env, "KASEGERU_CACHE_DIR": str(cache)}, stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
    finally:
        proc.terminate()
        proc.communicate(timeout=60)
    assert line.startswith(f"2 cases (built: {tmp_path}/{EVIL_SHOWN}/".encode()), line
    assert_escaped(line)


def test_usage_errors_escape_what_was_typed(env: dict[str, str]) -> None:
    result = run(env, "list", f"--{EVIL}")
    assert result.returncode == 2
    assert result.stderr.endswith(f"Error: No such option: --{EVIL_SHOWN}\n".encode())


def test_filter_notes_escape_what_was_typed(env: dict[str, str]) -> None:
    result = run(env, "list", "--tag", f"移住{EVIL}")
    assert result.returncode == 0
    assert result.stderr.startswith(f"Note: no tag contains '移住{EVIL_SHOWN}'".encode()), \
        result.stderr
    assert_escaped(result.stderr)


def test_tables_drop_bidi_controls_that_reach_them() -> None:
    # Defence in depth: a dataset built in code (not loaded) with an override in
    # its name: the cells after it are not reordered.
    from rich.console import Console

    from kasegeru_cli.formats.table import PageContext, list_table, show_page
    from kasegeru_cli.models import Case, SourceRef
    from kasegeru_cli.text import printable_renderable

    evil = "invoice\u202etxt.exe\u2066x\u2069"
    case = Case(id="alpha", name=evil, name_en=evil, summary=evil, summary_en=evil,
                sources=(SourceRef("mine", "第1章"),))
    for renderable in (list_table([case], ("id", "name")), show_page(case, PageContext())):
        console = Console(width=100, color_system=None, force_terminal=False)
        with console.capture() as captured:
            console.print(printable_renderable(renderable))
        text = captured.get()
        assert "\u202e" not in text and "\u2066" not in text and "\u2069" not in text
        assert "invoicetxt.exex" in text


@pytest.mark.parametrize(("char", "shown"), [
    ("\x00", "\\x00"), ("\x1b", "\\x1b"), ("\x7f", "\\x7f"), ("\x85", "\\x85"),
    ("\u202a", "\\u202a"), ("\u202e", "\\u202e"), ("\u2066", "\\u2066"), ("\u2069", "\\u2069"),
    ("\u200e", "\\u200e"), ("\u200f", "\\u200f"), ("\u061c", "\\u061c"),
    ("\u200b", "\\u200b"), ("\u200c", "\\u200c"), ("\u200d", "\\u200d"), ("\u2060", "\\u2060"),
    ("\ufeff", "\\ufeff"),
    ("\n", "\n"), ("\t", "\t"), ("\u3000", "\u3000"), ("é", "é"),  # kept as they are
])
def test_escape_controls_covers_every_invisible_kind(char: str, shown: str) -> None:
    from kasegeru_cli.text import escape_controls

    assert escape_controls(f"a{char}b") == f"a{shown}b"


# ----------------------------------------------------------------------------- 5: loader


def problems(tmp_path: Path, text: str) -> list[str]:
    from kasegeru_cli.loader import DatasetError, load_files

    path = minimal(tmp_path, "mine.toml", text)
    with pytest.raises(DatasetError) as info:
        load_files([path])
    return [str(p).replace(str(path), "mine.toml") for p in info.value.problems]


BIDI_TAIL = "which reorders how text is shown; text here may not"


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('name = "アルファ"', 'name = "invoice\\u202Etxt.exe"',
     "mine.toml:18: case alpha: field name: holds the bidirectional control U+202E "
     f"(at character 8), {BIDI_TAIL}"),
    ('summary = "アルファの概要。"', 'summary = "アルファ\\n\\u2066の概要。"',  # prose too
     "mine.toml:20: case alpha: field summary: holds the bidirectional control U+2066 "
     f"(at character 6), {BIDI_TAIL}"),
    ('event = "開設"', 'event = "開\\u200F設"',
     "mine.toml:33: case alpha: field timeline[1].event: holds the bidirectional control "
     f"U+200F (at character 2), {BIDI_TAIL}"),
    ('definition = "拠点を形成し…"', 'definition = "\\u061C拠点"',
     "mine.toml:6: field types.coworking.definition: holds the bidirectional control U+061C "
     f"(at character 1), {BIDI_TAIL}"),
    ('related = ["beta"]', 'related = ["beta"]\ntags = ["移住", "a\\u202Ab"]',
     "mine.toml:25: case alpha: field tags: item 2 holds the bidirectional control U+202A "
     f"(at character 2), {BIDI_TAIL}"),
])
def test_bidi_controls_are_refused_in_every_text(tmp_path: Path, old: str, new: str,
                                                  expected: str) -> None:
    assert old in MINIMAL
    assert problems(tmp_path, MINIMAL.replace(old, new))[0] == expected


@pytest.mark.parametrize("char", ["200B", "200C", "200D", "2060", "FEFF"])
def test_zero_width_characters_are_refused_in_aliases(tmp_path: Path, char: str) -> None:
    # Two aliases that differ only by the invisible character: both loaded before.
    text = MINIMAL.replace('id = "alpha"', f'id = "alpha"\naliases = ["co\\u{char}ba", "coba"]')
    assert problems(tmp_path, text) == [
        f"mine.toml:18: case alpha: field aliases: item 1 holds the zero-width character "
        f"U+{char} (at character 3), which makes different names look alike; an alias may not"]


@pytest.mark.parametrize("char", ["00AD", "180E", "2063", "3164", "E0041"])
def test_other_invisible_characters_are_refused_in_aliases(tmp_path: Path, char: str) -> None:
    # A soft hyphen, the Mongolian vowel separator, an invisible operator, a Hangul
    # filler, a tag character: two aliases that differ only by one both loaded before.
    escape = f"\\u{char}" if len(char) == 4 else f"\\U000{char}"
    text = MINIMAL.replace('id = "alpha"', f'id = "alpha"\naliases = ["co{escape}ba", "coba"]')
    assert problems(tmp_path, text) == [
        f"mine.toml:18: case alpha: field aliases: item 1 holds the invisible character "
        f"U+{char} (at character 3), which makes different names look alike; an alias may not"]


def test_zero_width_characters_are_refused_in_ids(tmp_path: Path) -> None:
    text = MINIMAL.replace('id = "alpha"', 'id = "al\\u200Bpha"')
    assert "mine.toml:17: case al\u200bpha: field id: 'al\\u200bpha' is not a valid id: " \
        "lowercase ASCII letters, digits and single hyphens (co-ba, lodge-yahoo)" \
        in problems(tmp_path, text)


def test_validate_shows_the_bidi_problem_escaped(env: dict[str, str], tmp_path: Path) -> None:
    path = minimal(tmp_path, "mine.toml", MINIMAL.replace(
        'name = "アルファ"', 'name = "invoice\\u202Etxt.exe"'))
    result = run(env, "validate", str(path))
    assert (result.returncode, result.stdout) == (1, b"")
    assert result.stderr.decode() == (
        "Error: the dataset is invalid (1 problem):\n"
        f"  {path}:18: case alpha: field name: holds the bidirectional control U+202E "
        f"(at character 8), {BIDI_TAIL}\n")


@pytest.mark.parametrize("cell", [
    "\u200b=HYPERLINK(\"http://e\")", "\ufeff=1+1", "\u200b\ufeff\u200b@SUM(A1)",
    "\u202e=1", "\u2060+cmd|' /C calc'!A0", "\u00a0=1", "\u2003-2+3", "\n=1+1",
    "\u200b\t=1",
])
def test_excel_guard_sees_through_invisible_characters(cell: str) -> None:
    from kasegeru_cli.formats.delimited import is_formula

    assert is_formula(cell) is True


@pytest.mark.parametrize("cell", ["\u200b-2", "\ufeff東京都", "\u200b", "\u00a0+81"])
def test_excel_guard_still_leaves_plain_values(cell: str) -> None:
    from kasegeru_cli.formats.delimited import is_formula

    assert is_formula(cell) is False


def test_excel_export_guards_a_cell_behind_a_zero_width_space(env: dict[str, str],
                                                             tmp_path: Path) -> None:
    data = minimal(tmp_path, "mine.toml", MINIMAL.replace(
        'name_en = "Alpha"', 'name_en = "\\u200B=HYPERLINK(\\"http://e\\")"'))
    result = run(env, "--data", str(data), "export", "-f", "csv", "--excel")
    assert result.returncode == 0, result.stderr
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(result.stdout.decode("utf-8-sig"))))
    assert [(r["id"], r["name_en"]) for r in rows] == [
        ("alpha", "'\u200b=HYPERLINK(\"http://e\")"), ("beta", "Beta")]


# ----------------------------------------------------------------------------- 8: numbers

HUGE = MINIMAL.replace('date = "2024-01"',
                       'date = "2024-01"\nexpected_cases = 100000000000000000000')
HUGE_PROBLEM = ("field sources.mine.expected_cases: is too large (21 digits): at most "
                "9,007,199,254,740,991, what JSON and SQLite keep exactly")


def test_a_huge_whole_number_does_not_validate(env: dict[str, str], tmp_path: Path) -> None:
    path = minimal(tmp_path, "mine.toml", HUGE)
    result = run(env, "validate", str(path))
    assert (result.returncode, result.stdout) == (1, b"")
    # line 15: the key added after the source's date on line 14
    assert f"  {path}:15: {HUGE_PROBLEM}\n".encode() in result.stderr


@pytest.mark.parametrize("args", [["export", "-f", "sqlite", "-o", "out.db"], ["list"]])
def test_a_huge_whole_number_never_reaches_sqlite(env: dict[str, str], tmp_path: Path,
                                                  args: list[str]) -> None:
    path = minimal(tmp_path, "mine.toml", HUGE)
    result = run(env, "--data", str(path), *args, cwd=tmp_path)
    assert result.returncode == 1
    assert HUGE_PROBLEM.encode() in result.stderr
    assert b"internal error" not in result.stderr and b"Traceback" not in result.stderr
    assert not (tmp_path / "out.db").exists()


def test_the_limit_itself_validates(tmp_path: Path) -> None:
    from kasegeru_cli.loader import load_files

    path = minimal(tmp_path, "mine.toml", MINIMAL.replace(
        'date = "2024-01"', 'date = "2024-01"\nexpected_cases = 9007199254740991'))
    assert load_files([path]).sources["mine"].expected_cases == 9007199254740991


# ----------------------------------------------------------------------------- 15: smaller


@pytest.mark.parametrize(("value", "what"), [("true", "a boolean"), ("1.0", "a number"),
                                             ('"1"', "a string")])
def test_schema_version_must_be_a_whole_number(tmp_path: Path, value: str, what: str) -> None:
    text = MINIMAL.replace("schema_version = 1", f"schema_version = {value}")
    assert problems(tmp_path, text)[0] == \
        f"mine.toml:1: field schema_version: must be a whole number (1 or 2), not {what}"


@pytest.mark.parametrize("args", [["--data", "", "list"], ["--data=", "show", "co-ba", "--json"],
                                  ["--add", "", "list"], ["validate", ""]])
def test_an_empty_path_is_named_as_empty(env: dict[str, str], args: list[str]) -> None:
    result = run(env, *args)
    assert (result.returncode, result.stdout) == (2, b"")
    option = "validate" if args[0] == "validate" else args[0].rstrip("=")
    assert result.stderr == f"Error: {option} was given an empty path; name a case file\n".encode()


@pytest.mark.parametrize(("text", "cell"), [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('<img src=x onerror="alert(1)">', '&lt;img src=x onerror="alert(1)"&gt;'),
    ("R&D &amp;", "R&amp;D &amp;amp;"),   # an entity in the data stays as written
    ("**bold** _em_ `code`", "\\*\\*bold\\*\\* \\_em\\_ \\`code\\`"),
    ("[link](javascript:alert(1))", "\\[link\\](javascript:alert(1))"),
    ("![x](http://e/x.png)", "!\\[x\\](http://e/x.png)"),
    ("~~gone~~", "\\~\\~gone\\~\\~"),
    ("東京都 [main]", "東京都 \\[main\\]"),
    ("a|b\nc\\d", "a\\|b<br>c\\\\d"),     # as before
])
def test_markdown_cells_pass_no_markup_through(text: str, cell: str) -> None:
    from kasegeru_cli.formats.markdown import markdown_cell

    assert markdown_cell(text) == cell


def test_markdown_list_shows_html_in_the_data_as_text(env: dict[str, str],
                                                      tmp_path: Path) -> None:
    data = minimal(tmp_path, "mine.toml", MINIMAL.replace(
        'name_en = "Alpha"', 'name_en = "<b onmouseover=alert(1)>Alpha</b>"'))
    result = run(env, "--data", str(data), "list", "--format", "markdown", "--fields",
                 "id,name_en")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().splitlines() == [
        "| id | name_en |", "|---|---|",
        "| alpha | &lt;b onmouseover=alert(1)&gt;Alpha&lt;/b&gt; |", "| beta | Beta |"]


# ----------------------------------------------------------------------------- 12: cost

HEAD = MINIMAL[:MINIMAL.index("[[cases]]")]  # schema_version, one type, one source: 15 lines
BAD_CASE = '''\
[[cases]]
id = "c{i}"
name = "名{i}"
name_en = "N"
summary = "概要。"
summary_english = "x"

[[cases.sources]]
source = "mine"
section = "第1章"

'''  # 11 lines: the renamed key on the case's 6th


def test_locating_problems_costs_time_in_proportion_to_the_file(tmp_path: Path) -> None:
    # Each of 6,000 cases has one key renamed (what `sed` does to a whole file):
    # 12,000 problems. Located by scanning the file per problem, this took
    # minutes; it must take about as long as parsing.
    from kasegeru_cli.loader import DatasetError, load_files

    n = 6_000
    path = minimal(tmp_path, "mine.toml", HEAD + "".join(BAD_CASE.format(i=i) for i in range(n)))
    assert HEAD.count("\n") == 15
    started = time.monotonic()
    with pytest.raises(DatasetError) as info:
        load_files([path])
    elapsed = time.monotonic() - started
    found = [str(p).replace(str(path), "mine.toml") for p in info.value.problems]
    assert len(found) == 2 * n
    # case i starts on line 16 + 11 i; the renamed key is 5 lines below
    assert found[:2] == [
        "mine.toml:16: case c0: field summary_en: is required but missing",
        "mine.toml:21: case c0: field summary_english: unknown key (did you mean 'summary_en'?)"]
    last = 16 + 11 * (n - 1)
    assert found[-1] == (f"mine.toml:{last + 5}: case c{n - 1}: field summary_english: unknown "
                         "key (did you mean 'summary_en'?)")
    assert elapsed < 20, elapsed


def test_a_huge_unknown_key_is_echoed_cut(env: dict[str, str], tmp_path: Path) -> None:
    key = "k" * 1_000_000
    path = minimal(tmp_path, "mine.toml", MINIMAL.replace(
        'summary_en = "About alpha."', f'summary_en = "About alpha."\n{key} = 1'))
    result = run(env, "validate", str(path))
    assert result.returncode == 1
    assert result.stderr.decode() == (
        "Error: the dataset is invalid (1 problem):\n"
        f"  {path}:22: case alpha: field {'k' * 80}… (1,000,000 characters): unknown key\n")


def test_a_long_value_is_echoed_cut(tmp_path: Path) -> None:
    text = MINIMAL.replace('types_basis = "editorial"',
                           f'types_basis = "editorial"\nflow = "{"f" * 10_000}"')
    assert problems(tmp_path, text) == [
        f"mine.toml:24: case alpha: field flow: '{'f' * 80}'… (10,000 characters) is not a "
        "flow: use one of 大都市圏×大都市圏, 大都市圏×地方都市等, 地方都市等×大都市圏, "
        "地方都市等×地方都市等"]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('summary = "アルファの概要。"', f'summary = "{"あ" * 20_001}"',
     "mine.toml:20: case alpha: field summary: is 20,001 characters long: a text holds at "
     "most 20,000"),
    ('name_en = "Alpha"', f'name_en = "{"A" * 20_001}"',
     "mine.toml:19: case alpha: field name_en: is 20,001 characters long: a text holds at "
     "most 20,000"),
    ('related = ["beta"]', 'related = ["beta"]\ntags = [' + '"t", ' * 1_001 + "]",
     "mine.toml:25: case alpha: field tags: has 1,001 items: at most 1,000"),
    ('related = ["beta"]', f'related = ["beta"]\ntags = ["t", "{"t" * 20_001}"]',
     "mine.toml:25: case alpha: field tags: item 2 is 20,001 characters long: a text holds at "
     "most 20,000"),
])
def test_field_size_limits(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert problems(tmp_path, MINIMAL.replace(old, new))[0] == expected


def test_the_size_limit_itself_loads(tmp_path: Path) -> None:
    from kasegeru_cli.loader import load_files

    path = minimal(tmp_path, "mine.toml",
                   MINIMAL.replace('summary = "アルファの概要。"', f'summary = "{"あ" * 20_000}"'))
    assert len(load_files([path]).cases[0].summary) == 20_000


def test_a_huge_summary_fails_show_quickly(env: dict[str, str], tmp_path: Path) -> None:
    # 3 MB on one line: refused before the parser spends its time on it.
    path = minimal(tmp_path, "mine.toml", MINIMAL.replace(
        'summary = "アルファの概要。"', f'summary = "{"あ" * 3_000_000}"'))
    result = run(env, "--data", str(path), "show", "alpha", timeout=60)
    assert (result.returncode, result.stdout) == (1, b"")
    assert result.stderr.decode() == (
        "Error: the dataset is invalid (1 problem):\n"
        f"  {path}:20: the line is longer than 2,000,000 characters (a text holds at most "
        "20,000)\n")


def test_an_integer_of_5000_digits_is_located(env: dict[str, str], tmp_path: Path) -> None:
    path = minimal(tmp_path, "mine.toml", MINIMAL.replace(
        'date = "2024-01"', f'date = "2024-01"\nexpected_cases = 1{"0" * 5_000}'))
    result = run(env, "validate", str(path))
    assert (result.returncode, result.stdout) == (1, b"")
    assert result.stderr.decode() == (
        "Error: the dataset is invalid (1 problem):\n"
        f"  {path}:15: a number of 5,001 digits: a whole number is at most "
        "9,007,199,254,740,991\n")


LOOSE_CASE = '''\
[[cases]]
id = "c{i}"
name = "名{i}"
name_en = "N"
summary = "概要。"
summary_en = "x"
related = ["c{i}-x"]

[[cases.sources]]
source = "mine"
section = "第1章"

'''  # 12 lines: the related link on the case's 7th


def test_links_to_nowhere_at_scale_keep_the_first_suggestions(tmp_path: Path) -> None:
    # 4,000 links to nowhere among 4,000 ids: each compared with every id was 16
    # million comparisons (minutes). Suggestions stop after a budget; the first
    # problems, the ones a person reads, keep theirs.
    from kasegeru_cli.loader import DatasetError, load_files

    n = 4_000
    path = minimal(tmp_path, "mine.toml", HEAD + "".join(LOOSE_CASE.format(i=i) for i in range(n)))
    started = time.monotonic()
    with pytest.raises(DatasetError) as info:
        load_files([path])
    elapsed = time.monotonic() - started
    found = [str(p).replace(str(path), "mine.toml") for p in info.value.problems]
    assert len(found) == n
    assert found[0] == ("mine.toml:22: case c0: field related: related case 'c0-x' does not "
                        "exist (did you mean 'c0'?)")
    last = 16 + 12 * (n - 1) + 6
    assert found[-1] == (f"mine.toml:{last}: case c{n - 1}: field related: related case "
                         f"'c{n - 1}-x' does not exist")
    assert elapsed < 20, elapsed


def test_the_json_schema_says_what_the_loader_refuses(tmp_path: Path) -> None:
    import json

    from jsonschema import Draft202012Validator

    from kasegeru_cli.schema import json_schema

    record = json.loads(run({**os.environ, "NO_COLOR": "1"}, "show", "co-ba", "--json").stdout)
    case = Draft202012Validator(json_schema("case"))
    assert case.is_valid(record)
    for key, value in (("name", "invoice\u202etxt.exe"), ("aliases", ["co\u200bba"]),
                       ("tags", ["a\u2066b"]), ("summary", "あ" * 20_001),
                       ("tags", ["t"] * 1_001)):
        assert not case.is_valid({**record, key: value}), key
    assert case.is_valid({**record, "aliases": ["co ba"], "summary": "あ" * 20_000})
    source = Draft202012Validator(json_schema("sources"))
    row: dict[str, object] = {"id": "s", "file": "f", "title": "t", "title_en": "t",
                              "publisher": None, "date": "2019", "date_note": None,
                              "sections": [], "cases": 1}
    assert source.is_valid([{**row, "expected_cases": 2**53 - 1}])
    assert not source.is_valid([{**row, "expected_cases": 2**53}])


LONG = "x" * 100_000


@pytest.mark.parametrize(("args", "start"), [
    (["show", LONG], "Error: no case with id, alias or name "),
    (["list", "--type", LONG], "Error: unknown type "),
    (["list", "--fields", LONG], "Error: unknown field "),
    (["list", "--limit", LONG], "Error: Invalid value for '--limit' / '-n': "),
    (["list", "--tag", LONG], "Note: no tag contains "),
])
def test_a_huge_typed_value_is_echoed_cut(env: dict[str, str], args: list[str],
                                          start: str) -> None:
    result = run(env, *args)
    err = result.stderr.decode()
    assert len(err) < 3_000, len(err)
    assert f"{start}'{'x' * 79}… (100,00" in err, err[:300]
