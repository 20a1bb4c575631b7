"""Hostile input, round three (issue 21): the web view and its cache directory.

`serve` runs as the installed console script in a subprocess, on a free port,
with a scratch HOME and cache directory; the pages are fetched over HTTP with
the Host header chosen by the test. Where only what `serve` leaves in the cache
matters, it runs in-process with :func:`web.run` replaced (tests/test_web.py's
``Served``). Another user's files are real files chowned to uid 65534 (the tests
that need it run as root and skip otherwise); no owner is faked.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kasegeru_cli import web
from kasegeru_cli.formats.sqlite import write_sqlite
from kasegeru_cli.loader import load_files

from .conftest import MINIMAL, Cli, default_signals
from .test_web import Served, any_port

BIN = shutil.which("kasegeru", path=str(Path(sys.executable).parent))

pytestmark = pytest.mark.skipif(BIN is None, reason="console script not installed")

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
TITLE = "kasegeru — 稼げる国土・地方創生の事例"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("LC_", "LANG", "KASEGERU_", "COLUMNS", "LINES", "XDG_"))}
    return {**keep, "HOME": str(home), "KASEGERU_CACHE_DIR": str(tmp_path / "cache"),
            "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}


def run(env: dict[str, str], *args: str, prefix: tuple[str, ...] = ()
        ) -> subprocess.CompletedProcess[str]:
    assert BIN is not None
    return subprocess.run([*prefix, BIN, *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


class Server:
    """``kasegeru ARGS serve --port P …`` in a subprocess, until stopped."""

    def __init__(self, env: dict[str, str], log: Path, *args: str,
                 serve: tuple[str, ...] = (), host: str = "127.0.0.1") -> None:
        assert BIN is not None
        self.port = free_port()
        self.log = log
        self.out = log.with_suffix(".out")
        with log.open("wb") as err, self.out.open("wb") as out:
            self.proc = subprocess.Popen(
                [BIN, *args, "serve", "--port", str(self.port), "--host", host, *serve],
                env=env, stdout=out, stderr=err, preexec_fn=default_signals)

    def wait_for(self, text: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            err = self.stderr
            if text in err and (text != "Serving at" or self.accepts()):
                return err
            if self.proc.poll() is not None:
                raise AssertionError(f"serve ended ({self.proc.returncode}): {err}")
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} within {timeout} s: {self.stderr}")

    def accepts(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port),
                                                                     timeout=5):
            return True
        return False

    @property
    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    @property
    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def get(self, path: str, host: str | None = None, address: str = "127.0.0.1"
            ) -> tuple[int, str]:
        conn = http.client.HTTPConnection(address, self.port, timeout=60)
        try:
            conn.request("GET", urllib.parse.quote(path, safe="/?&=+-_.~:*,()'"),
                         headers={"Host": f"127.0.0.1:{self.port}" if host is None else host})
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def json(self, path: str) -> Any:
        status, body = self.get(path)
        assert status == 200, (path, status, body[:300])
        return json.loads(body)

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.stderr


@contextlib.contextmanager
def serving(env: dict[str, str], log: Path, *args: str, serve: tuple[str, ...] = (),
            host: str = "127.0.0.1") -> Iterator[Server]:
    server = Server(env, log, *args, serve=serve, host=host)
    try:
        server.wait_for("Serving at")
        yield server
    finally:
        server.stop()


def count(server: Server) -> int:
    return int(server.json("/cases/cases.json?_size=0")["filtered_table_rows_count"])


def web_entries(cache: Path) -> list[Path]:
    web_dir = cache / "web"
    return sorted(p for p in web_dir.iterdir() if re.fullmatch("[0-9a-f]{32}", p.name))


def small(tmp_path: Path, n: int = 0) -> Path:
    """A two-case data file; each ``n`` is other bytes (another cache key)."""
    path = tmp_path / f"mine-{n}.toml"
    path.write_text(MINIMAL.replace('name = "アルファ"', f'name = "アルファ{n}"'),
                    encoding="utf-8")
    return path


def build_entry(cache: Path, data: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The web database of ``data``, built as `serve --data DATA` builds it (in-process)."""
    monkeypatch.setenv("KASEGERU_CACHE_DIR", str(cache))
    dataset = load_files([data])
    with web.prepared(dataset, dataset.cases, [data]) as (directory, _):
        assert directory.parent == cache / "web"
        return directory


def du(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file())


# ----------------------------------------------------------------------------- 2: SQL, Host


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("served")
    (tmp / "home").mkdir()
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("LC_", "LANG", "KASEGERU_", "XDG_"))}
    env = {**keep, "HOME": str(tmp / "home"), "KASEGERU_CACHE_DIR": str(tmp / "cache"),
           "NO_COLOR": "1", "TERM": "dumb"}
    with serving(env, tmp / "serve.log") as s:
        yield s


def test_arbitrary_sql_is_off(server: Server) -> None:
    status, _ = server.get("/cases.json?sql=select+randomblob(1000000000)")
    assert status == 403
    status, _ = server.get("/cases/cases.json?_where=length(summary)>0")
    assert status in (400, 403)
    status, _ = server.get("/cases?sql=select+1")
    assert status == 403


def test_tables_search_facets_and_canned_queries_still_work(server: Server) -> None:
    found = {r["id"] for r in server.json("/cases/cases.json?_search=コワーキング"
                                          "&_shape=array&_size=max")}
    assert {"co-ba"} <= found
    facets = server.json("/cases/cases.json?_size=0")["facet_results"]
    assert set(facets) == {"types", "prefectures", "topics", "operator_kinds", "regions",
                           "types_basis", "source_ids"}
    credits = server.json("/cases/credit_lines.json?case_id=co-ba&_shape=array")
    assert credits and all(r["credit"].startswith("出典：「") for r in credits)
    miyazaki = server.json("/cases/cases_in_prefecture.json?prefecture=宮崎県&_shape=array")
    assert miyazaki


def test_served_pages_front_case_and_table(server: Server) -> None:
    """kasegeru's own pages through the real server (its Host guard, its templates)."""
    status, front = server.get("/")
    assert status == 200 and "124件の事例 · 5件の資料" in front and 'name="_search"' in front
    status, case = server.get("/cases/cases/co-ba?lang=en")
    assert status == 200 and "<h1>Shared workplace co-ba</h1>" in case
    assert "<li>co-baの拠点数 24拠点 (2019-03, 全国)</li>" in case
    status, missing = server.get("/cases/cases/no-such-case")
    assert status == 404 and "Traceback" not in missing
    status, _ = server.get("/", host="evil.example")
    assert status == 403


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io:{port}",
                                  "localhost.evil.example:{port}", "", "192.0.2.1:{port}"])
def test_a_request_for_another_host_name_is_refused(server: Server, host: str) -> None:
    status, body = server.get("/cases/cases.json?_size=1", host=host.format(port=server.port))
    assert status == 403
    assert body == "403 Forbidden: this server answers to localhost (127.0.0.1) only.\n"


@pytest.mark.parametrize("host", ["localhost:{port}", "127.0.0.1:{port}", "LOCALHOST:{port}",
                                  "localhost", "127.0.0.1"])
def test_loopback_host_names_are_answered(server: Server, host: str) -> None:
    status, _ = server.get("/cases/cases.json?_size=1", host=host.format(port=server.port))
    assert status == 200


def test_a_request_without_a_host_header_is_refused(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        s.sendall(b"GET /cases/cases.json HTTP/1.0\r\n\r\n")
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 403")


def test_no_page_shows_the_cache_path(server: Server) -> None:
    built = re.search(r"\(built: (.*)\)", server.stderr)
    assert built is not None
    directory = built.group(1)
    databases = server.json("/-/databases.json")
    assert [d["path"] for d in databases] == ["cases.db"]
    for path in ("/", "/cases", "/cases/cases", "/cases/cases/co-ba", "/-/databases",
                 "/-/databases.json", "/-/metadata.json", "/-/settings.json",
                 "/-/versions.json", "/-/threads.json", "/-/plugins.json", "/_internal",
                 "/_internal/databases.json", "/cases/nonexistent", "/cases.db?_x=1"):
        _, body = server.get(path)
        assert directory not in body and "kasegeru-web-" not in body, path
        assert str(Path(directory).parent.parent) not in body, path


def test_refused_and_missing_pages_print_no_traceback(server: Server) -> None:
    for path in ("/cases.json?sql=select+1", "/cases/nonexistent", "/nonexistent",
                 "/cases/cases.json?_where=1"):
        assert server.get(path)[0] in (400, 403, 404)
    assert server.get("/x", host="evil.example")[0] == 403
    assert "Traceback" not in server.stdout + server.stderr
    assert server.stdout == ""


def test_the_metadata_is_made_in_the_process(server: Server) -> None:
    meta = server.json("/-/metadata.json")
    assert meta["title"] == TITLE
    assert "extra_js_urls" not in meta
    assert "allow_sql" not in meta  # off by the setting, not by the (exported) metadata


def test_sql_flag_turns_it_on_with_a_warning(env: dict[str, str], tmp_path: Path) -> None:
    with serving(env, tmp_path / "serve.log", serve=("--type", "coworking", "--sql")) as s:
        rows = s.json("/cases.json?sql=select+count(*)+as+n+from+cases&_shape=array")
        assert rows == [{"n": 31}]
        err = s.stderr
    assert "Warning: --sql lets any page open in your browser run any SQL" in err


def test_the_host_check_wraps_the_app() -> None:
    # The same guard in-process, through an ASGI client: the served app is wrapped.
    import asyncio

    import httpx

    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    guarded = web.host_guard(app, frozenset({"localhost:8001", "localhost"}))

    async def fetch(host: str) -> int:
        transport = httpx.ASGITransport(app=guarded)
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
            return (await client.get("/a", headers={"Host": host})).status_code

    assert asyncio.run(fetch("localhost:8001")) == 200
    assert asyncio.run(fetch("attacker.example:8001")) == 403
    assert seen == ["/a"]


# ----------------------------------------------------------------------------- 3: exposure


def interface_addresses(flag: str) -> list[str]:
    """This machine's addresses as `ip` lists them (the test's own source)."""
    ip = shutil.which("ip")
    if ip is None:
        pytest.skip("no ip command")
    out = subprocess.run([ip, "-o", flag, "addr", "show"], capture_output=True, text=True,
                         check=True).stdout
    found = [line.split()[3].split("/")[0] for line in out.splitlines()]
    return [a for a in found if a not in ("127.0.0.1", "::1") and not a.startswith("fe80")]


def test_listening_on_every_interface_names_the_addresses(env: dict[str, str],
                                                          tmp_path: Path) -> None:
    # --host '': every IPv4 interface. The warning names them; the URL printed
    # answers; so does an address named, from outside (its own Host header).
    v4 = interface_addresses("-4")
    if not v4:
        pytest.skip("no address but loopback")
    server = Server(env, tmp_path / "serve.log", serve=("--type", "coworking"), host="")
    try:
        err = server.wait_for("Serving at")
        assert f"Serving at http://127.0.0.1:{server.port}/ " in err
        assert server.get("/cases/cases.json?_size=0")[0] == 200
        status, _ = server.get("/cases/cases.json?_size=0", address=v4[0],
                               host=f"{v4[0]}:{server.port}")
        assert status == 200
        status, _ = server.get("/cases/cases.json?_size=0", address=v4[0],
                               host=f"evil.example:{server.port}")
        assert status == 403
    finally:
        server.stop()
    (warning,) = [line for line in err.splitlines() if line.startswith("Warning:")]
    assert warning.startswith("Warning: listening on ")
    for address in v4:
        assert address in warning
    assert "not only on this machine" in warning


@pytest.mark.parametrize(("host", "url"), [("0", "127.0.0.1"), ("0.0.0.0", "127.0.0.1"),
                                            ("::", "[::1]"), ("", "127.0.0.1")])
def test_every_wildcard_warns(cli: Cli, monkeypatch: pytest.MonkeyPatch, host: str,
                              url: str) -> None:
    v4 = interface_addresses("-4")
    v6 = interface_addresses("-6") if host == "::" else []
    if not v4 and not v6:
        pytest.skip("no address but loopback")
    fake = Served()
    monkeypatch.setattr(web, "run", fake)
    any_port(monkeypatch)
    result = cli("serve", "--type", "coworking", "--host", host, "--port", "8123")
    assert result.exit_code == 0, result.stderr
    (warning,) = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    for address in [*v4, *(f"[{a}]" for a in v6)]:
        assert address in warning
    assert fake.where[0].url == f"http://{url}:8123/"


def test_a_lan_address_is_named_and_is_the_url(cli: Cli, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    v4 = interface_addresses("-4")
    if not v4:
        pytest.skip("no address but loopback")
    fake = Served()
    monkeypatch.setattr(web, "run", fake)
    any_port(monkeypatch)
    result = cli("serve", "--type", "coworking", "--host", v4[0], "--port", "8123")
    assert result.exit_code == 0, result.stderr
    assert f"Warning: listening on {v4[0]} (port 8123), not only on this machine" \
        in result.stderr
    assert fake.where[0].url == f"http://{v4[0]}:8123/"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"])
def test_loopback_gets_no_warning(host: str) -> None:
    try:
        where = web.listening(host, 0)
    except web.ListenError:
        pytest.skip(f"{host} is not available here")
    with where:
        assert web.exposure_warning(where) is None
        assert where.url.startswith(f"http://{'[::1]' if '::1' in host else where.bound}:")


# ----------------------------------------------------------------------------- 15: port 80


def test_a_privileged_port_is_permission_denied_not_in_use(env: dict[str, str]) -> None:
    try:
        start = int(Path("/proc/sys/net/ipv4/ip_unprivileged_port_start").read_text())
    except (OSError, ValueError):
        start = 1024
    if start <= 80:
        pytest.skip("this system lets anyone listen on port 80")
    prefix: tuple[str, ...] = ()
    if ROOT:
        # Root without the capability to bind low ports: what a normal user has.
        setpriv = shutil.which("setpriv")
        prefix = (setpriv or "setpriv", "--bounding-set", "-net_bind_service",
                  "--inh-caps", "-net_bind_service", "--")
        if setpriv is None or subprocess.run([*prefix, "true"], check=False).returncode:
            pytest.skip("cannot drop the capability to bind low ports")
    result = run(env, "serve", "--port", "80", prefix=prefix)
    assert result.returncode == 1
    assert result.stderr == ("Error: cannot listen on 127.0.0.1:80: permission denied "
                             "(port 80 needs privileges; try --port 8001)\n")


def test_an_address_of_another_machine_is_named_as_such(env: dict[str, str]) -> None:
    result = run(env, "serve", "--host", "192.0.2.1", "--port", "8001")
    assert result.returncode == 1
    assert result.stderr == ("Error: cannot listen on 192.0.2.1:8001: the address is not "
                             "this machine's (try --host 127.0.0.1)\n")


# ----------------------------------------------------------------------------- 1, 9: the cache


def test_a_planted_metadata_file_is_never_served(env: dict[str, str], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    data = small(tmp_path)
    entry = build_entry(Path(env["KASEGERU_CACHE_DIR"]), data, monkeypatch)
    evil = {"title": "<script>alert(1)</script>", "extra_js_urls": ["https://evil.example/x.js"],
            "description_html": "<script>alert(2)</script>"}
    (entry / "metadata.json").write_text(json.dumps(evil), encoding="utf-8")
    with serving(env, tmp_path / "serve.log", "--data", str(data)) as s:
        pages = [s.get(p)[1] for p in ("/", "/cases", "/cases/cases?_size=1")]
        meta = s.json("/-/metadata.json")
    for page in pages:
        assert "<script>alert" not in page and "evil.example" not in page
    assert TITLE in pages[0]
    assert meta["title"] == TITLE and "extra_js_urls" not in meta


def test_a_swapped_database_is_rebuilt_with_one_note(env: dict[str, str], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    data = small(tmp_path)
    entry = build_entry(Path(env["KASEGERU_CACHE_DIR"]), data, monkeypatch)
    other = load_files([small(tmp_path, 1)])
    db = entry / "cases.db"
    db.unlink()
    write_sqlite(other, other.cases[:1], db)  # valid, but not what was built
    db.chmod(0o600)
    with serving(env, tmp_path / "serve.log", "--data", str(data)) as s:
        assert count(s) == 2
        names = {r["name"] for r in s.json("/cases/cases.json?_shape=array")}
        err = s.stderr
    assert names == {"アルファ0", "ベータ"}
    assert err.count("Note:") == 1 and "was damaged or not written by kasegeru" in err
    assert "2 cases (built:" in err and "from the cache" not in err
    assert "Traceback" not in err


def test_a_truncated_database_is_a_miss_never_a_traceback(env: dict[str, str],
                                                          tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    data = small(tmp_path)
    entry = build_entry(Path(env["KASEGERU_CACHE_DIR"]), data, monkeypatch)
    db = entry / "cases.db"
    db.write_bytes(db.read_bytes()[:50_000])
    with serving(env, tmp_path / "serve.log", "--data", str(data)) as s:
        assert count(s) == 2
        err = s.stderr
    assert err.count("Note:") == 1 and "Traceback" not in err
    assert s.proc.returncode == 130  # Ctrl-C, as from a terminal: no error
    assert "2 cases (built:" in err


def served_in_process(cli: Cli, monkeypatch: pytest.MonkeyPatch, *args: str,
                      data: Path | None = None) -> Served:
    """``kasegeru [--data DATA] serve ARGS`` in-process, with :func:`web.run` replaced."""
    fake = Served()
    monkeypatch.setattr(web, "run", fake)
    any_port(monkeypatch)
    result = cli(*(("--data", str(data)) if data else ()), "serve", *args)
    assert result.exit_code == 0, result.stderr
    fake.stderr = result.stderr
    return fake


@pytest.mark.parametrize("damage", ["garbage", "empty", "appended", "flipped"])
def test_a_damaged_database_is_rebuilt_then_kept(cli: Cli, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 damage: str) -> None:
    data = small(tmp_path)
    entry = build_entry(tmp_path / "cache", data, monkeypatch)
    db = entry / "cases.db"
    content = bytearray(db.read_bytes())
    if damage == "flipped":
        content[len(content) // 2] ^= 1
    db.write_bytes({"garbage": b"\x00garbage" * 1000, "empty": b"",
                    "appended": bytes(content) + b"\x00", "flipped": bytes(content)}[damage])
    fake = served_in_process(cli, monkeypatch, data=data)
    again = served_in_process(cli, monkeypatch, data=data)
    assert fake.counts == again.counts == [2]
    assert fake.calls[0][0] == again.calls[0][0] == entry
    assert fake.stderr.count("Note:") == 1 and "2 cases (built:" in fake.stderr
    assert "Note:" not in again.stderr and "2 cases (from the cache:" in again.stderr


def test_a_group_writable_entry_is_rebuilt(cli: Cli, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    data = small(tmp_path)
    entry = build_entry(tmp_path / "cache", data, monkeypatch)
    entry.chmod(0o770)
    fake = served_in_process(cli, monkeypatch, data=data)
    assert fake.counts == [2] and "Note:" in fake.stderr
    assert fake.calls[0][0] == entry and entry.stat().st_mode & 0o777 == 0o700


@pytest.mark.skipif(not ROOT, reason="needs root to give files to another user")
@pytest.mark.parametrize("what", ["directory", "database", "seal"])
def test_an_entry_of_another_user_is_rebuilt(cli: Cli, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch, what: str) -> None:
    data = small(tmp_path)
    entry = build_entry(tmp_path / "cache", data, monkeypatch)
    target = {"directory": entry, "database": entry / "cases.db",
              "seal": entry / f"{entry.name}.web"}[what]
    os.chown(target, 65534, 65534)
    fake = served_in_process(cli, monkeypatch, data=data)
    assert "2 cases (built:" in fake.stderr and fake.stderr.count("Note:") == 1
    assert fake.counts == [2]
    for path in (entry, entry / "cases.db"):
        assert path.stat().st_uid == 0


def test_a_web_link_is_replaced_not_followed(cli: Cli, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    data = small(tmp_path)
    theirs = tmp_path / "theirs"
    entry = build_entry(theirs, data, monkeypatch)  # a whole entry, right key, elsewhere
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    (cache / "web").symlink_to(theirs / "web")
    monkeypatch.setenv("KASEGERU_CACHE_DIR", str(cache))
    fake = served_in_process(cli, monkeypatch, data=data)
    assert fake.counts == [2] and "2 cases (built:" in fake.stderr
    assert fake.calls[0][0] == cache / "web" / entry.name
    assert (cache / "web").is_dir() and not (cache / "web").is_symlink()
    assert (entry / "cases.db").exists()  # the link's target is left alone


def test_an_entry_link_is_not_followed(cli: Cli, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    data = small(tmp_path)
    theirs = build_entry(tmp_path / "theirs", data, monkeypatch)
    cache = tmp_path / "cache"
    monkeypatch.setenv("KASEGERU_CACHE_DIR", str(cache))
    (cache / "web").mkdir(parents=True, mode=0o700)
    cache.chmod(0o700)
    (cache / "web" / theirs.name).symlink_to(theirs)
    fake = served_in_process(cli, monkeypatch, data=data)
    assert fake.calls[0][0] == cache / "web" / theirs.name
    assert "2 cases (built:" in fake.stderr
    assert not fake.calls[0][0].is_symlink() and (theirs / "cases.db").exists()


def test_a_tightened_directory_is_emptied_of_what_kasegeru_did_not_write(
        env: dict[str, str], tmp_path: Path) -> None:
    # The default location (not KASEGERU_CACHE_DIR), left group-writable by an older
    # version under umask 002: another member of the group wrote into it.
    env = {k: v for k, v in env.items() if k != "KASEGERU_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    cache = tmp_path / "xdg" / "kasegeru"
    assert run(env, "list", "--json").returncode == 0
    ours = sorted(p.name for p in cache.iterdir())
    assert any(n.endswith(".data") for n in ours)
    cache.chmod(0o775)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (cache / "web").symlink_to(elsewhere)
    (cache / "notes.txt").write_text("planted")
    (cache / "0123456789abcdef0123456789abcdef.data").symlink_to(elsewhere / "x")
    os.mkfifo(cache / "0123456789abcdef0123456789abcdef.show")
    (cache / "sub").mkdir()
    (cache / "sub" / "x").write_text("planted")
    writable = cache / "fedcba9876543210fedcba9876543210.keys"
    writable.write_bytes(b"planted")
    writable.chmod(0o666)
    planted = ["web", "notes.txt", "0123456789abcdef0123456789abcdef.data",
               "0123456789abcdef0123456789abcdef.show", "sub", writable.name]
    if ROOT:
        theirs = cache / "abcdefabcdefabcdefabcdefabcdefab.data"
        theirs.write_bytes(b"planted")
        theirs.chmod(0o600)
        os.chown(theirs, 65534, 65534)
        planted.append(theirs.name)
    result = run(env, "list", "--json")
    assert result.returncode == 0 and "Note:" not in result.stderr
    assert cache.stat().st_mode & 0o777 == 0o700
    left = {p.name for p in cache.iterdir()}
    assert set(ours) <= left and not left & set(planted)
    assert elsewhere.is_dir()  # a link's target is never touched


# ----------------------------------------------------------------------------- 10: in use


def test_a_database_in_use_is_never_pruned(env: dict[str, str], tmp_path: Path, cli: Cli,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    cache = Path(env["KASEGERU_CACHE_DIR"])
    env = {**env, "KASEGERU_CACHE_MAX_MB": "0.4"}  # two small databases
    monkeypatch.setenv("KASEGERU_CACHE_DIR", str(cache))
    monkeypatch.setenv("KASEGERU_CACHE_MAX_MB", "0.4")
    with serving(env, tmp_path / "serve.log", "--data", str(small(tmp_path))) as s:
        (held,) = web_entries(cache)
        past = time.time() - 1000
        os.utime(held, (past, past))  # the oldest: the first to go
        for n in range(1, 6):
            served_in_process(cli, monkeypatch, data=small(tmp_path, n))
            assert held.is_dir(), n
        statuses = [s.get("/cases/cases.json?_size=5&_search=概要")[0] for _ in range(20)]
        assert statuses == [200] * 20
        assert count(s) == 2
    assert "Traceback" not in s.stderr
    served_in_process(cli, monkeypatch, data=small(tmp_path, 6))
    assert not held.exists()  # no longer in use: pruned as the oldest


# ----------------------------------------------------------------------------- 13: one cap


def test_web_databases_count_under_the_cache_cap(cli: Cli, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("KASEGERU_CACHE_DIR", str(cache))
    monkeypatch.setenv("KASEGERU_CACHE_MAX_MB", "0.4")  # a database is 160 kB
    for n in range(5):
        fake = served_in_process(cli, monkeypatch, data=small(tmp_path, n))
        assert fake.counts == [2]
        assert du(cache) <= 0.4 * 1024 * 1024, (n, du(cache))
    assert len(web_entries(cache)) == 2  # the newest two


def test_a_database_over_the_cap_is_served_then_removed(cli: Cli, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("KASEGERU_CACHE_DIR", str(cache))
    monkeypatch.setenv("KASEGERU_CACHE_MAX_MB", "0.1")  # a database is 160 kB
    fake = served_in_process(cli, monkeypatch, data=small(tmp_path))
    assert fake.counts == [2] and "2 cases (built:" in fake.stderr
    assert not fake.calls[0][0].exists() and web_entries(cache) == []
    assert du(cache) <= 0.1 * 1024 * 1024


BUILDER = """\
import sys, time
from pathlib import Path
from kasegeru_cli import web
making = web._building(Path(sys.argv[1]))
building, _ = making.__enter__()
(building / "cases.db").write_bytes(b"half")
print(building, flush=True)
time.sleep(600)
"""


def test_temporary_directories_of_killed_builds_are_removed(tmp_path: Path, cli: Cli,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    # A build in progress, as `serve` makes it, in a process then killed with SIGKILL
    # (nothing can clean up); and one at work in a living process.
    cache = tmp_path / "cache"
    (cache / "web").mkdir(parents=True, mode=0o700)
    cache.chmod(0o700)
    killed = subprocess.Popen([sys.executable, "-c", BUILDER, str(cache / "web")],
                              stdout=subprocess.PIPE, text=True)
    assert killed.stdout is not None
    left = Path(killed.stdout.readline().strip())
    killed.kill()
    killed.wait()
    killed.stdout.close()
    living = subprocess.Popen([sys.executable, "-c", BUILDER, str(cache / "web")],
                              stdout=subprocess.PIPE, text=True)
    assert living.stdout is not None
    try:
        held = Path(living.stdout.readline().strip())
        assert left.name.startswith(".tmp-") and left.is_dir() and held.is_dir()
        monkeypatch.setenv("KASEGERU_CACHE_DIR", str(cache))
        served_in_process(cli, monkeypatch, data=small(tmp_path))
        assert not left.exists() and held.is_dir()
    finally:
        living.kill()
        living.wait()
        living.stdout.close()


def test_web_databases_and_only_they_are_pruned(tmp_path: Path, cli: Cli,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    (cache / "web").mkdir(mode=0o700)
    strangers = ["notes", "ABCDEF0123456789ABCDEF0123456789", ".tmp-x", "0123456789abcdef"]
    for name in strangers:
        (cache / "web" / name).mkdir()
    monkeypatch.setenv("KASEGERU_CACHE_DIR", str(cache))
    for n in range(6):
        served_in_process(cli, monkeypatch, data=small(tmp_path, n))
    assert len(web_entries(cache)) == 4
    for name in strangers:
        assert (cache / "web" / name).is_dir()


@pytest.mark.parametrize("columns", ["80", "100", "200"])
def test_serve_help_names_the_real_install_command(env: dict[str, str], columns: str) -> None:
    """Rich reads [web] as markup: the help once said pip install 'kasegeru'."""
    helped = run({**env, "COLUMNS": columns}, "serve", "--help")
    assert helped.returncode == 0, helped.stderr
    assert "pip install 'kasegeru[web]'" in helped.stdout
    assert "'kasegeru'." not in helped.stdout
    main = run({**env, "COLUMNS": columns}, "--help").stdout
    rows = [line for line in main.splitlines() if re.match(r"│ serve\b", line)]
    assert len(rows) == 1, main
    after = main.splitlines()[main.splitlines().index(rows[0]) + 1]
    assert re.match(r"│ [a-z]", after), after  # the next row is the next command
    assert "Browse and search the cases in a web browser (Datasette)." in rows[0]
