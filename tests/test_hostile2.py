"""Hostile input, round two (issue 12): the installed console script in a
subprocess, with a scratch HOME and cache directory, as an attacker or a
careless user would run it."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kasegeru_cli.export import _as_os_error

from .conftest import MINIMAL, default_signals
from .test_hostile import _big_file

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


def run(env: dict[str, str], *args: str, cwd: Path | None = None, **kw: object
        ) -> subprocess.CompletedProcess[bytes]:
    assert BIN is not None
    options: dict[str, object] = {"capture_output": True, "timeout": 120, **kw}
    return subprocess.run([BIN, *args], env=env, cwd=cwd, check=False,  # type: ignore[call-overload, no-any-return]
                          **options)


def control_file(tmp_path: Path) -> Path:
    path = tmp_path / "ctl.toml"
    path.write_text(MINIMAL.replace(
        'name = "アルファ"',
        'name = "アルファ\\u001b]52;c;ZXZpbA==\\u0007\\u001b[31mRED\\u009b2J"'), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- 3: controls


@pytest.mark.parametrize("args", [["show", "alpha"], ["list"], ["validate"]])
def test_no_terminal_commands_from_the_data(env: dict[str, str], tmp_path: Path,
                                            args: list[str]) -> None:
    # The loader refuses control characters in text (issue 12), so they never reach
    # a table; its message shows them escaped.
    data = control_file(tmp_path)
    result = run(env, "--data", str(data), *args)
    assert result.returncode == 1 and result.stdout == b""
    for byte in (b"\x1b", b"\x07", "\x9b".encode()):
        assert byte not in result.stderr
    assert b"field name: holds the control character U+001B" in result.stderr


def test_tables_strip_controls_that_reach_them() -> None:
    # Defence in depth: a dataset built in code (not loaded) with an OSC 52 write
    # and a CSI in its name still draws no terminal command.
    from rich.console import Console

    from kasegeru_cli.formats.table import PageContext, list_table, show_page
    from kasegeru_cli.models import Case, SourceRef
    from kasegeru_cli.text import printable_renderable

    evil = "アルファ\x1b]52;c;ZXZpbA==\x07\x1b[31mRED\x9b2J"
    case = Case(id="alpha", name=evil, name_en=evil, summary=evil, summary_en=evil,
                sources=(SourceRef("mine", "第1章"),))
    for renderable in (list_table([case], ("id", "name")), show_page(case, PageContext())):
        console = Console(width=100, color_system=None, force_terminal=False)
        with console.capture() as captured:
            console.print(printable_renderable(renderable))
        text = captured.get()
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
        assert "アルファ" in text


@pytest.mark.parametrize("args", [["show", "x\x1b[31m\x9b"], ["cite", "\x1b]52;c;eA==\x07"]])
def test_errors_escape_what_the_user_typed(env: dict[str, str], args: list[str]) -> None:
    result = run(env, *args)
    assert result.returncode == 1
    assert b"\x1b" not in result.stderr and b"\x07" not in result.stderr
    assert "\x9b".encode() not in result.stderr


def test_validate_messages_escape_control_characters(env: dict[str, str],
                                                     tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(MINIMAL.replace('id = "alpha"', 'id = "al\\u001b[31mpha"')
                   .replace('related = ["alpha"]', "related = []")
                   .replace('related = ["beta"]', "related = []"), encoding="utf-8")
    result = run(env, "validate", str(bad))
    assert result.returncode == 1
    assert b"\x1b" not in result.stderr
    assert b"\\x1b" in result.stderr


# ----------------------------------------------------------------------------- 2: exports


def test_export_never_clobbers_and_dash_is_stdout(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("mine")
    refused = run(env, "export", "-o", str(out))
    assert refused.returncode == 1 and b"use --force" in refused.stderr
    assert out.read_text() == "mine"
    dash = run(env, "export", "-o", "-", cwd=tmp_path)
    assert dash.returncode == 0 and dash.stdout.startswith(b"[")
    assert not (tmp_path / "-").exists()
    empty = run(env, "export", "-o", "")
    assert empty.returncode == 2 and b"empty" in empty.stderr


def test_force_keeps_the_mode_and_writes_through_links(env: dict[str, str],
                                                       tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    target.chmod(0o600)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert run(env, "export", "-o", str(link)).returncode == 1
    assert target.read_text() == "old"
    result = run(env, "export", "-o", str(link), "--force")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and target.read_text().startswith("[")
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_dangling_link_needs_force(env: dict[str, str], tmp_path: Path) -> None:
    link = tmp_path / "dangling.json"
    link.symlink_to(tmp_path / "missing.json")
    refused = run(env, "export", "-o", str(link))
    assert refused.returncode == 1 and b"link to a missing file" in refused.stderr
    assert not (tmp_path / "missing.json").exists()
    assert run(env, "export", "-o", str(link), "--force").returncode == 0
    assert link.is_symlink() and (tmp_path / "missing.json").read_text().startswith("[")


@pytest.mark.parametrize("make", ["fifo", "dir", "device"])
def test_non_regular_targets_are_refused_even_with_force(env: dict[str, str], tmp_path: Path,
                                                         make: str) -> None:
    target = tmp_path / "target"
    if make == "fifo":
        os.mkfifo(target)
    elif make == "dir":
        target.mkdir()
    else:
        target = Path("/dev/null")
    result = run(env, "export", "-o", str(target), "--force")
    assert result.returncode == 1 and b"only regular files are written" in result.stderr
    assert target.exists() and not target.is_file()


def test_a_file_appearing_during_the_export_is_not_replaced(tmp_path: Path) -> None:
    from kasegeru_cli.export import OutputRefused, write_atomic

    out = tmp_path / "new.json"

    def write(tmp: Path) -> None:
        tmp.write_text("export")
        out.write_text("appeared meanwhile")

    with pytest.raises(OutputRefused):
        write_atomic(out, write, force=False)
    assert out.read_text() == "appeared meanwhile"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.json"]


def test_a_long_name_is_reported_by_its_cause(env: dict[str, str], tmp_path: Path) -> None:
    result = run(env, "export", "-o", str(tmp_path / ("x" * 300)))
    assert result.returncode == 1
    assert b"File name too long" in result.stderr and b"internal error" not in result.stderr


def test_sqlite_errors_are_os_errors_by_cause() -> None:
    full = _as_os_error(sqlite3.OperationalError("database or disk is full"))
    assert isinstance(full, OSError) and full.strerror == os.strerror(28)


def _wait_for(condition: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition never met"
        time.sleep(0.02)  # polling a condition, not waiting for a guess


@pytest.mark.parametrize(("signum", "code", "message"), [
    (signal.SIGINT, 130, b"Interrupted.\n"),  # Ctrl-C
    (signal.SIGTERM, -signal.SIGTERM, b""),
    (signal.SIGHUP, -signal.SIGHUP, b""),
])
def test_signals_during_an_sqlite_export_leave_nothing(
        env: dict[str, str], tmp_path: Path, signum: int, code: int, message: bytes) -> None:
    # The trigger: SQLite's journal beside the temporary file, i.e. rows are being
    # written. 1,500 cases keep it there for about a second here.
    big = _big_file(tmp_path, 1_500)
    out = tmp_path / "out.db"
    assert BIN is not None
    proc = subprocess.Popen([BIN, "--data", str(big), "export", "-f", "sqlite", "-o", str(out)],
                            env={**env, "KASEGERU_NO_CACHE": "1"}, stderr=subprocess.PIPE,
                            preexec_fn=default_signals)

    def writing() -> bool:
        assert proc.poll() is None, "the export ended before its journal was seen"
        return any(p.name.endswith("-journal") for p in tmp_path.iterdir())

    _wait_for(writing)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (code, message)
    assert sorted(p.name for p in tmp_path.iterdir()) == [big.name, "home"]


# ----------------------------------------------------------------------------- 4: streams


@pytest.mark.parametrize("args", [["list"], ["show", "co-ba"], ["show", "co-ba", "--json"],
                                  ["types", "--json"], ["--help"], ["--version"], ["export"]])
def test_a_full_disk_is_reported_by_its_cause(env: dict[str, str], args: list[str]) -> None:
    with Path("/dev/full").open("wb") as full:
        result = run(env, *args, stdout=full, capture_output=False, stderr=subprocess.PIPE)
    assert result.returncode == 1
    assert result.stderr == b"Error: cannot write the output: No space left on device\n"


@pytest.mark.parametrize("args", [["list"], ["--help"], ["--version"]])
def test_a_closed_stdout_is_reported_by_its_cause(env: dict[str, str], args: list[str]) -> None:
    assert BIN is not None
    result = subprocess.run([BIN, *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, check=False, timeout=60,
                            preexec_fn=lambda: os.close(1))
    assert result.returncode == 1
    assert result.stderr == b"Error: cannot write the output: Bad file descriptor\n"


def test_help_into_head_exits_0(env: dict[str, str]) -> None:
    assert BIN is not None
    for _ in range(3):
        proc = subprocess.Popen([BIN, "--help"], env={**env, "COLUMNS": "300"},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None
        proc.stdout.readline()
        proc.stdout.close()  # what head -1 does
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert err == b""


def test_pipes_as_data_and_add(env: dict[str, str], tmp_path: Path) -> None:
    stdin = run(env, "--data", "/dev/stdin", "list", "--json", "--fields", "id",
                input=MINIMAL.encode())
    assert stdin.returncode == 0, stdin.stderr
    assert b'"alpha"' in stdin.stdout
    extra = MINIMAL.split("[[cases]]")[0].replace("[types.coworking]", "[types.x]") \
        .replace("[sources.mine]", "[sources.team]")
    read_end, write_end = os.pipe()
    os.write(write_end, extra.encode())
    os.close(write_end)
    try:
        added = run(env, "--add", f"/dev/fd/{read_end}", "sources", "--json",
                    pass_fds=(read_end,))
    finally:
        os.close(read_end)
    assert added.returncode == 0, added.stderr
    assert b'"team"' in added.stdout


def test_japanese_arguments_under_a_c_locale(env: dict[str, str]) -> None:
    c_locale = {**env, "LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0",
                "PYTHONCOERCECLOCALE": "0"}
    utf8 = run(env, "search", "コワーキング", "--json").stdout
    result = run(c_locale, "search", "コワーキング", "--json")
    assert result.returncode == 0, result.stderr
    assert result.stdout == utf8 and b'"id"' in utf8


@pytest.mark.parametrize("columns", ["0", "1", "-5", "99999999999999999999", "abc", ""])
def test_columns_bounds(env: dict[str, str], columns: str) -> None:
    result = run({**env, "COLUMNS": columns}, "list", "-n", "3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    # A table with its header, or (narrower than the ids need) a block per case.
    assert len(lines) >= 5 and lines[0].split()[0] in ("id", "ii-office-ueno")


def test_no_cache_0_keeps_the_cache(env: dict[str, str], tmp_path: Path) -> None:
    assert run({**env, "KASEGERU_NO_CACHE": "0"}, "list").returncode == 0
    assert list((tmp_path / "cache").glob("*.data"))


def test_a_world_writable_cache_dir_is_refused_with_one_note(env: dict[str, str],
                                                            tmp_path: Path) -> None:
    shared = tmp_path / "cache"
    shared.mkdir()
    shared.chmod(0o777)
    result = run(env, "list", "--json")
    assert result.returncode == 0 and result.stdout.startswith(b"[")
    assert result.stderr.count(b"Note:") == 1 and b"other users can write" in result.stderr
    assert list(shared.iterdir()) == []


# ----------------------------------------------------------------------------- entry point
# CliRunner calls the Typer app directly: it never shows a traceback (it keeps the
# exception in result.exception) and skips console.main, which turns errors into
# messages and exit codes. These run the installed script, where both are real.

HOSTILE_ARGV = [
    [], ["list", "--type"], ["list", "--limit", "-1"], ["list", "--limit", "x"],
    ["list", "--sort", "nope"], ["list", "--fields", "id,nmae"], ["list", "--year", "MMXVIII"],
    ["list", "--since", "2020", "--until", "1990"], ["show"],
    ["show", "x" * 5000], ["show", "\x1b[31m"], ["show", "😀"], ["search", ""],
    ["search", " "], ["search", "-n", "0", "拠点"], ["stats", "--by", "nothing"],
    ["export", "-f", "pdf"], ["export", "-f", "sqlite"], ["cite"], ["--data"],
    ["--data", "/nonexistent/x.toml", "list"], ["--data", "/", "list"], ["validate", "/"],
    ["list", "-p", "Atlantis"], ["list", "--region", "europe"], ["--", "list"], ["-"],
    ["list", "--format"], ["nosuchcommand"], ["--no-such-option"],
]


@pytest.mark.parametrize("argv", HOSTILE_ARGV, ids=lambda a: " ".join(a)[:30] or "(none)")
def test_hostile_arguments_exit_cleanly(env: dict[str, str], tmp_path: Path,
                                        argv: list[str]) -> None:
    work = tmp_path / "work"
    work.mkdir()
    result = run(env, *argv, cwd=work)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode in (0, 1, 2), (argv, result.returncode, err)
    assert "Traceback" not in err, err
    if result.returncode:
        assert err.strip(), argv  # a failure always says why
    assert list(work.iterdir()) == []  # nothing written where it was run


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "no such file"),
    (lambda p: p.mkdir(), "is a directory, not a case file"),
    (lambda p: p.write_bytes(b""), "is empty"),
    (lambda p: p.write_bytes(MINIMAL.encode("shift_jis")), "looks like Shift_JIS"),
    (lambda p: p.write_text("[[cases]\n", encoding="utf-8"), "invalid TOML"),
    (lambda p: p.write_bytes(b"\xff\xfe\x00garbage"), "mine.toml"),
    (lambda p: p.write_text("[[cases]]\nid = 1\n", encoding="utf-8"), "mine.toml"),
])
def test_a_broken_data_file_is_one_message_and_exit_1(env: dict[str, str], tmp_path: Path,
                                                       make: object, message: str) -> None:
    path = tmp_path / "mine.toml"
    assert callable(make)
    make(path)
    for argv in (["--data", str(path), "list"], ["validate", str(path)],
                 ["--data", str(path), "show", "alpha", "--json"]):
        result = run(env, *argv)
        err = result.stderr.decode()
        assert result.returncode == 1, (argv, err)
        assert str(path) in err and message in err, err
        assert "Traceback" not in err and result.stdout == b""


def test_ctrl_c_and_usage_exit_codes_on_the_entry_point(env: dict[str, str]) -> None:
    """The console entry point's exit codes: 0 answered, 1 not found, 2 usage."""
    assert run(env, "show", "co-ba", "--json").returncode == 0
    assert run(env, "show", "no-such-case-at-all").returncode == 1
    assert run(env, "list", "--limit", "-5").returncode == 2
    assert run(env, "list", "--sort", "nope").returncode == 2
