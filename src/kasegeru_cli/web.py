"""The web view: the SQLite export in Datasette, with its metadata (``kasegeru serve``).

Datasette is an optional extra (``pip install 'kasegeru[web]'``): this module
imports it only inside :func:`make_datasette` and :func:`run`, and the CLI
imports this module only for ``serve`` and ``export --format sqlite`` (for
:func:`metadata`, which needs nothing but the dataset).

:func:`metadata` is Datasette's ``metadata.json``: title, description, the
sources with their titles and credit lines (出典, required by the licence),
the licence (政府標準利用規約 第2.0版, compatible with CC BY 4.0), column
descriptions (from docs/DATA.md), default facets and canned queries.

:func:`prepared` builds the database for a dataset and a selection of cases,
or finds it in the cache directory (``<cache>/web/<key>/``): the key is the
dataset cache's key of the files loaded (their bytes, kasegeru's version and
modules) with the ids of the cases chosen, so an edited file, other filters or a
new kasegeru build anew. The cached database is kept under the dataset cache's
rules (see :mod:`kasegeru_cli.store`): a directory and file of this user that no
one else can write to, never a link, with a sealed SHA-256 checked on every use.
``serve`` makes its metadata in the process from the dataset; it is never read
from the cache.

``serve`` (:func:`run`) has Datasette's arbitrary SQL off unless ``--sql``,
answers only requests whose ``Host`` names this machine (loopback names, and the
addresses it listens on), and shows no file system path on any page.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import stat
import sys
import tempfile
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kasegeru_cli.formats.sqlite import VIEWS
from kasegeru_cli.models import Case, Dataset

if TYPE_CHECKING:
    from datasette.app import Datasette

INSTALL = "pip install 'kasegeru[web]'"
"""What to run when Datasette is missing."""
DATABASE = "cases"
"""The database's name in Datasette (the file is ``cases.db``): URLs are ``/cases/cases``."""
WEB_FORMAT = 2
"""Of the cached files; part of their key (2: sealed, metadata never on disk)."""

TITLE = "kasegeru — 稼げる国土・地方創生の事例"
LICENSE = "政府標準利用規約（第2.0版）— CC BY 4.0 互換 / compatible with CC BY 4.0"
CC_BY = "https://creativecommons.org/licenses/by/4.0/deed.ja"

CASE_COLUMNS: dict[str, str] = {
    "id": "Readable id, unique (co-ba, lodge-yahoo): `kasegeru show ID`.",
    "name": "The document's own title for the case, as printed (full-width kept).",
    "name_en": "Curators' English name; Hepburn for proper nouns, the organisation's own "
               "Latin name where printed.",
    "types": "Types of 知的対流 from the 2019 report (coworking, regional-resource, network, "
             "knowledge-platform, innovation-district); JSON array.",
    "prefectures": "Where the case is: the prefectures of its main places (and of its sites, "
                   "for a network); partners, scope and planned places do not count. JSON "
                   "array, as --prefecture means it.",
    "topics": "Editorial: topics whose criterion the case's own text meets (see the topics "
              "table); JSON array.",
    "operator_kinds": "Editorial: kinds of the lead actors, who run or carry out the case "
                      "(company, university, municipality …); JSON array, as --operator.",
    "started": "Editorial: the printed date of the case's own founding, opening or launch "
               "(ISO, as precise as printed).",
    "started_fiscal": "1 when started is a fiscal year (年度, April–March).",
    "started_evidence": "The phrase of the record that names the start.",
    "types_basis": "How the type was given: named (the 2019 report names the case), group "
                   "(it places the case's section), editorial (our judgement).",
    "types_note": "Where the report places the case, or why we chose the editorial type.",
    "category": "The document's own heading for the case, verbatim.",
    "flow": "大都市圏×地方都市等 and the like, only where the document gives it.",
    "sector": "public (公的機関) or private (民間事業者), only where the document gives it.",
    "summary": "The document's own wording, PDF line breaks joined.",
    "summary_en": "Curators' English summary, faithful, no facts beyond the Japanese.",
    "aliases": "Other names people type: short names, facility names, romaji; JSON array.",
    "tags": "Short keywords, Japanese as printed in the document; JSON array.",
    "points": "内容・特徴・注目すべき点・成果, one item per bullet, wording kept; JSON array.",
    "challenges": "課題・展望, one item per bullet; JSON array.",
    "actors": "Who takes part, as printed, with role, kind and lead marks (also the actors "
              "table).",
    "locations": "Its places with their roles: main, partner, site, scope (also the "
                 "locations table).",
    "timeline": "Dated events; FY marks a fiscal year, (planned) a plan (also the events "
                "table).",
    "figures": "Numbers as printed, with qualifier, unit and date (also the figures table).",
    "sources": "Where each write-up is: document, section heading and item, as printed.",
    "regions": "Regions where the case is (hokkaido … okinawa), as --region means it; JSON "
               "array.",
    "source_ids": "The documents the case is written up in (the sources table); JSON array.",
}

OTHER_COLUMNS: dict[str, dict[str, str]] = {
    "sources": {
        "id": "Source document id (`kasegeru sources`).",
        "file": "The plain-text extract the records were transcribed from.",
        "title": "Title as printed.", "publisher": "Issuing body; empty where none is printed.",
        "date": "ISO date, as precise as the document.",
        "date_note": "How the document dates itself (平成31年4月).",
        "expected_cases": "How many write-ups the document holds.",
    },
    "types": {
        "definition": "The 2019 report's own words.",
        "defined_in": "Where the report defines the type.",
    },
    "topics": {
        "criterion": "When a case gets the topic (editorial).",
        "variants": "Spellings people type, which search brings together; JSON array.",
    },
    "locations": {
        "prefecture": "Full name (宮崎県).",
        "municipality": "As printed, without the prefecture (英田郡西粟倉村, 渋谷区).",
        "area": "An area as printed (天神エリア, 全国, 九州).",
        "country": "Only outside Japan.",
        "role": "main (where the case is run), partner, site (one of a network's sites), "
                "scope (the wide area it covers).",
        "regions": "Editorial: region slugs, only on a place printed as an area; JSON array.",
        "planned": "1 when the scheme is only planned or considered there (does not count "
                   "as where the case is).",
    },
    "actors": {
        "name": "As printed.", "role": "As printed, or a short Japanese role (運営, 連携先).",
        "kind": "Editorial: company, university, national-government, prefecture, "
                "municipality, public-body, association, financial, individual, other.",
        "lead": "Editorial: 1 for the actors that run, set up or carry out the case.",
        "kind_evidence": "The phrase of the record that shows the kind, where the name "
                         "does not.",
    },
    "events": {
        "date": "ISO: 2017, 2017-04, 2017-04-20.", "event": "Japanese, as printed.",
        "fiscal": "1 when the date is a fiscal year (年度).",
        "planned": "1 for 予定・見込み・目標.", "until": "End of a span.",
        "source_id": "Only for an event printed in a document the record does not "
                     "otherwise cite.",
    },
    "figures": {
        "label": "What it counts (Japanese).",
        "value": "The number (an integer stays one: 24, not 24.0).",
        "value_max": "Upper end of a range (2～20名).",
        "unit": "As printed (人, 社, 億円, 拠点, %); empty when none is printed.",
        "as_of": "The date the figure holds for (ISO).", "fiscal": "1 for a 年度.",
        "planned": "1 for a target.", "qualifier": "約, 以上, 超, 程度, 延べ, 未満, 最大 …",
    },
}

QUERIES: dict[str, dict[str, str]] = {
    "cases_in_prefecture": {
        "title": "Cases in a prefecture / 都道府県の事例",
        "description": "Where the case is (its main places), as --prefecture: 宮崎県, 東京都 …",
        "sql": "SELECT c.id, c.name, c.name_en, c.types, c.topics, c.started\n"
               "FROM cases c, json_each(c.prefectures) p\n"
               "WHERE p.value = :prefecture ORDER BY c.id",
    },
    "cases_started_between": {
        "title": "Cases started between two years / 開始年で絞る",
        "description": "By the printed start (started), first year and last year included.",
        "sql": "SELECT id, name, started, started_fiscal, types\nFROM cases\n"
               "WHERE started IS NOT NULL\n"
               "  AND CAST(substr(started, 1, 4) AS INTEGER) BETWEEN CAST(:since AS INTEGER)"
               " AND CAST(:until AS INTEGER)\nORDER BY started, id",
    },
    "figures_of_case": {
        "title": "The figures of a case / 事例の数値",
        "description": "Give a case id (co-ba).",
        "sql": "SELECT label, qualifier, value, value_max, unit, as_of, fiscal, planned, note\n"
               "FROM figures WHERE case_id = :case_id ORDER BY id",
    },
    "credit_lines": {
        "title": "Credit lines of a case / 出典の記載",
        "description": "The 出典 line(s) to write when you reuse a case (as `kasegeru cite`).",
        "sql": "SELECT DISTINCT s.id AS source,\n"
               "  '出典：「' || s.title || '」' || coalesce('（' || s.publisher || '）', '')"
               " || '（' || coalesce(s.date_note, s.date) || '）を加工して作成' AS credit\n"
               "FROM case_sources cs JOIN sources s ON s.id = cs.source_id\n"
               "WHERE cs.case_id = :case_id ORDER BY cs.id",
    },
}

FACETS = ("types", "prefectures", "topics", "operator_kinds")

# Datasette 0.65 lists every column description above the table, which pushes
# the search box and the rows off the first screen: a small scrolling box.
# A data: URL, so the metadata alone carries it (no file to serve).
CSS = ("dl.column-descriptions{max-height:7.5em;overflow-y:auto;font-size:0.8em;"
       "border:1px solid #ccc;padding:0.3em 0.6em;margin:0.5em 0}"
       "dl.column-descriptions dt{float:left;clear:left;margin-right:0.6em}"
       "dl.column-descriptions dd{margin:0 0 0.15em 0}"
       # JSON arrays as chips (kasegeru_cli.webpages.render_cell); on a phone,
       # each cell labelled by its own column (the table shows only some).
       ".kg-chip{display:inline-block;border:1px solid #bcd;border-radius:0.8em;"
       "padding:0 0.35em;margin:0 0.05em 0.1em 0;font-size:0.8em;line-height:1.45;"
       "background:#f3f7fb;text-decoration:none;white-space:nowrap}"
       "td.col-name{min-width:12em}td.col-id{font-size:0.85em}"
       ".kg-mark{color:#666;font-size:0.85em}"
       "@media only screen and (max-width:576px){.rows-and-columns tbody td[data-label]:before"
       "{content:attr(data-label)}}")


def credit_lines(dataset: Dataset) -> list[str]:
    """The credit line (出典) of every source, as ``kasegeru cite`` writes it."""
    from kasegeru_cli.formats.table import credit_ja

    return [credit_ja(s.title, s.publisher, s.date_note or s.date)
            for s in dataset.sources.values()]


def _esc(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def metadata(dataset: Dataset, database: str = DATABASE) -> dict[str, Any]:
    """Datasette's metadata for the export of ``dataset`` opened as ``database``."""
    sources = "".join(
        f"<li><strong>{_esc(s.title)}</strong>"
        + (f"（{_esc(s.publisher)}）" if s.publisher else "")
        + f" {_esc(s.date_note or s.date)} — {_esc(s.title_en)}</li>"
        for s in dataset.sources.values())
    credits = "<br>".join(_esc(line) for line in credit_lines(dataset))
    about = (
        "<p>Case studies of Japan's 稼げる国土 and 地方創生 policy reports: what each case is, "
        "who runs it, where, since when, with figures; every record cites its document, "
        "section and item. Search finds Japanese words of any length (移住, 観光) and "
        "English words; facet by type, prefecture, topic and operator kind.</p>"
        f"<p>Sources:</p><ul>{sources}</ul>"
        f"<p>Licence: {_esc(LICENSE)} (<a href=\"{CC_BY}\">CC BY 4.0</a>). "
        "When you reuse the records, write the credit line (出典) of the documents you "
        f"use:</p><p>{credits}</p>"
        "<p>Editorial fields (topics, operator kinds, start dates, types marked editorial) "
        "are the curators' judgement, each with the phrase of the record it rests on.</p>")
    tables: dict[str, Any] = {
        "cases": {
            "description_html": "One row per case write-up; its name opens its page. "
                                "Facets: types, prefectures, topics, operator kinds, "
                                "regions, type basis, source documents."
                                f"<details><summary>出典 (credit lines)</summary><small>{credits}"
                                "</small></details>",
            "label_column": "name",
            "facets": [*({"array": f} for f in FACETS), {"array": "regions"}, "types_basis",
                       {"array": "source_ids"}],
            "columns": CASE_COLUMNS,
        },
        "_meta": {"hidden": True},
        # What the case pages read (kasegeru_cli.formats.casepage).
        "case_pages": {"hidden": True},
        # What cases_fts indexes (kept so that a rebuild gives the same search).
        "cases_search": {"hidden": True},
    }
    for table, columns in OTHER_COLUMNS.items():
        tables[table] = {"columns": columns}
    for table in ("types", "topics"):
        tables[table]["label_column"] = "name"
    tables["sources"]["label_column"] = "title"
    for view, (what, _) in VIEWS.items():
        tables[view] = {"description": what}
    return {
        "title": TITLE,
        "description_html": about,
        "license": LICENSE,
        "source": "国土審議会 稼げる国土専門委員会・地方創生の資料 "
                  f"({len(dataset.sources)} documents; 出典 below)",
        "about": "kasegeru",
        "extra_css_urls": ["data:text/css," + urllib.parse.quote(CSS)],
        "databases": {database: {"description_html": about, "tables": tables,
                                 "queries": QUERIES}},
    }


def metadata_json(dataset: Dataset, database: str = DATABASE) -> str:
    return json.dumps(metadata(dataset, database), ensure_ascii=False, indent=2) + "\n"


def metadata_path(database_path: Path) -> Path:
    """Where ``export --format sqlite -o cases.db`` puts the metadata: cases.metadata.json."""
    return database_path.with_name(f"{database_path.stem}.metadata.json")


# --------------------------------------------------------------------------- build or reuse


def _build(directory: Path, dataset: Dataset, cases: Sequence[Case]) -> None:
    from kasegeru_cli.formats.sqlite import write_sqlite

    database = directory / f"{DATABASE}.db"
    write_sqlite(dataset, cases, database)
    database.chmod(0o600)


def _key(paths: Sequence[Path], cases: Sequence[Case]) -> str | None:
    """The cache key of these files and this selection, or None when a file cannot
    be read twice (a pipe: ``--data <(…)``) or read at all."""
    from kasegeru_cli import store

    if not store.all_regular(paths):
        return None
    try:
        blobs = [(str(p), p.read_bytes()) for p in paths]
    except OSError:
        return None
    h = hashlib.sha256(f"{store.cache_key(blobs)} web {WEB_FORMAT}\n".encode())
    for c in cases:
        h.update(c.id.encode() + b"\n")
    return h.hexdigest()[:32]


def _file_digest(path: Path) -> tuple[int, bytes] | None:
    """(size, SHA-256) of ``path`` if it is a regular file of this user that no one
    else can write to (never through a link); else None."""
    from kasegeru_cli import store

    try:
        fd = os.open(path, store._open_flags())
    except (OSError, ValueError):
        return None
    try:
        with os.fdopen(fd, "rb", buffering=0) as fh:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or not store._mine(st):
                return None
            h = hashlib.sha256()
            size = 0
            while chunk := fh.read(1 << 20):
                h.update(chunk)
                size += len(chunk)
    except OSError:
        return None
    return size, h.digest()


def _seal(directory: Path, key: str) -> bool:
    """Write ``KEY.web`` beside the database: its size and SHA-256, sealed as the
    dataset cache seals its entries (kind, key and content)."""
    import marshal

    from kasegeru_cli import store

    found = _file_digest(directory / f"{DATABASE}.db")
    return found is not None and store._write(directory, key, "web", marshal.dumps(found, 4))


def _sound(entry: Path, key: str) -> bool:
    """Whether ``entry`` is a database this user built for ``key``: a real directory
    of this user that no one else can write to, whose ``cases.db`` is a regular file
    of this user with the size and SHA-256 of its seal. (Edited, truncated, swapped,
    copied from another entry, planted: not sound.)"""
    from kasegeru_cli import store

    try:
        st = entry.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode) or not store._mine(st):
        return False
    sealed = store._read_entry(entry, key, "web")
    return sealed is not None and sealed == _file_digest(entry / f"{DATABASE}.db")


@contextlib.contextmanager
def _temporary(dataset: Dataset, cases: Sequence[Case]) -> Iterator[tuple[Path, bool]]:
    with tempfile.TemporaryDirectory(prefix="kasegeru-web-") as tmp:
        _build(Path(tmp), dataset, cases)
        yield Path(tmp), False


@contextlib.contextmanager
def prepared(dataset: Dataset, cases: Sequence[Case], paths: Sequence[Path]
             ) -> Iterator[tuple[Path, bool]]:
    """A directory with ``cases.db`` for these cases, and whether it came from the
    cache. Without a usable cache it is a temporary directory, removed afterwards.

    A cached database is used only when it is sound (:func:`_sound`): anything
    else in its place is a miss, removed and rebuilt, with one note. While it is
    used the directory is held (a shared lock) so that pruning by another run
    leaves it alone; a build happens in ``web/.tmp-XXXXXXXX``, held the same way,
    and is renamed into place. A database larger than the cache's byte cap is
    served from there and removed afterwards."""
    from kasegeru_cli import store

    key = None if store.cache_disabled() else _key(paths, cases)
    base = store.usable_dir(create=True) if key is not None else None
    web = store.web_dir(base) if key is not None and base is not None else None
    if key is None or base is None or web is None:
        with _temporary(dataset, cases) as found:
            yield found
        return
    entry = web / key
    held = store.lock_dir(entry)
    if held is not None and _sound(entry, key):
        try:
            with contextlib.suppress(OSError):
                os.utime(entry)
            store._prune(base)
            yield entry, True
        finally:
            os.close(held)
        return
    if held is not None:
        os.close(held)
    if os.path.lexists(entry):
        store._note(f"the web database in {entry} was damaged or not written by kasegeru; "
                    "building it anew")
        if not store.remove_unheld(entry):  # another serve holds it: build beside it
            with _temporary(dataset, cases) as found:
                yield found
            return
    with _building(web) as (building, held):
        _build(building, dataset, cases)
        fits = (building / f"{DATABASE}.db").stat().st_size <= store.max_bytes()
        try:
            if not fits or not _seal(building, key):
                raise OSError("not kept")
            building.rename(entry)  # atomic; fails if another serve made it first
        except OSError:
            yield building, False  # served from the temporary directory, then removed
            return
        store._prune(base)
        yield entry, False


@contextlib.contextmanager
def _building(web: Path) -> Iterator[tuple[Path, int]]:
    """A new temporary directory in ``web``, held (shared lock) until the end, then
    closed; removed if it is still there (not renamed into place)."""
    from kasegeru_cli import store

    while True:
        building = Path(tempfile.mkdtemp(prefix=".tmp-", dir=web))
        held = store.lock_dir(building)
        if held is None:
            raise OSError(f"cannot open {building}")
        try:
            if building.stat().st_ino == os.fstat(held).st_ino:
                break  # not removed by a pruner between mkdtemp and the lock
        except OSError:
            pass
        os.close(held)
    try:
        yield building, held
    finally:
        try:
            if os.path.lexists(building):
                shutil.rmtree(building, ignore_errors=True)
        finally:
            os.close(held)


# --------------------------------------------------------------------------- Datasette


SETTINGS = {"truncate_cells_html": 160, "default_facet_size": 10}
"""Long texts (summaries, points) cut in the table view; a row's page shows them whole."""


def make_datasette(database: Path, metadata: Path | dict[str, Any],
                   allow_sql: bool = False) -> Datasette:
    """Datasette on ``database``, read-only (immutable), with its metadata (a dict,
    or a file as ``export --format sqlite`` writes it): what ``datasette -i DATABASE
    -m METADATA_FILE --setting default_allow_sql off`` runs, and ``serve`` and the
    tests use. Arbitrary SQL (``?sql=``, ``_where=``) is off unless ``allow_sql``;
    the tables, their search and facets, and the canned queries work either way.
    No page shows where the database is (``/-/databases.json`` gives its file name
    only)."""
    from datasette.app import Datasette

    from kasegeru_cli import webpages

    webpages.register()

    class Served(Datasette):  # type: ignore[misc]
        def _connected_databases(self) -> list[dict[str, Any]]:
            return [{**d, "path": Path(d["path"]).name if d.get("path") else d.get("path")}
                    for d in super()._connected_databases()]

    meta = metadata if isinstance(metadata, dict) else \
        json.loads(metadata.read_text(encoding="utf-8"))
    settings = {**SETTINGS, "default_allow_sql": allow_sql}
    return Served(immutables=[str(database)], metadata=meta, settings=settings,
                  template_dir=str(webpages.TEMPLATES))


# --------------------------------------------------------------------------- where it listens


class ListenError(Exception):
    """The address and port cannot be listened on; the message says why."""


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


class Listening:
    """Where ``serve`` listens: ``host`` as given, the address and port the socket
    is bound to, every address of this machine that reaches it (all the
    interfaces' for 0.0.0.0 or ::), the URL to open, and the ``Host`` headers
    answered (loopback names, those addresses, and for a server others can
    reach, this machine's name and ``host``; each with and without the port)."""

    def __init__(self, host: str, port: int, sock: socket.socket) -> None:
        self.host, self.socket = host, sock
        bound, self.port = sock.getsockname()[:2]
        self.bound = str(bound)
        if self.bound not in ("0.0.0.0", "::"):
            self.addresses = [self.bound]
        elif self.bound == "0.0.0.0":
            self.addresses = _interface_addresses(socket.AF_INET)
        else:
            self.addresses = _interface_addresses(socket.AF_INET6)
            if not sock.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY):
                self.addresses += _interface_addresses(socket.AF_INET)
        self.loopback_only = all(_is_loopback(a) for a in self.addresses)

    @property
    def url(self) -> str:
        shown = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.bound, self.bound)
        return f"http://{_bracketed(shown)}:{self.port}/"  # the front page

    @property
    def hosts(self) -> frozenset[str]:
        names = {*LOOPBACK_NAMES, *(_bracketed(a) for a in self.addresses)}
        if not self.loopback_only:
            names |= {socket.gethostname().lower(), self.host.lower()}
        names.discard("")
        return frozenset(names | {f"{n}:{self.port}" for n in names})

    def __enter__(self) -> Listening:
        return self

    def __exit__(self, *_: object) -> None:
        self.socket.close()


def _bracketed(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def _is_loopback(address: str) -> bool:
    import ipaddress

    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def _interface_addresses(family: int) -> list[str]:
    """The addresses of this machine's interfaces (Linux: read from the kernel;
    elsewhere what its host name resolves to, and loopback), sorted, loopback last."""
    found: set[str] = set()
    if family == socket.AF_INET6:
        with contextlib.suppress(OSError, ValueError):
            for line in Path("/proc/net/if_inet6").read_text().splitlines():
                raw = line.split()[0]
                found.add(socket.inet_ntop(socket.AF_INET6, bytes.fromhex(raw)))
        found.add("::1")
    else:
        with contextlib.suppress(ImportError, OSError, AttributeError):
            import fcntl
            import struct

            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                for _, name in socket.if_nameindex():
                    with contextlib.suppress(OSError):
                        packed = fcntl.ioctl(s.fileno(), 0x8915,  # SIOCGIFADDR
                                             struct.pack("256s", name.encode()[:15]))
                        found.add(socket.inet_ntoa(packed[20:24]))
        found.add("127.0.0.1")
    if len(found) <= 1:
        with contextlib.suppress(OSError):
            for info in socket.getaddrinfo(socket.gethostname(), None, family):
                found.add(str(info[4][0]))
    return sorted(found, key=lambda a: (_is_loopback(a), a))


def listening(host: str, port: int) -> Listening:
    """A socket bound to ``host``:``port``, which :func:`run` serves on (so what is
    printed is what is bound): IPv6 when the host has a colon (``::`` takes IPv4
    too, unless the system says otherwise), else IPv4 (``''`` and ``0`` are every
    IPv4 interface). :class:`ListenError` says why not: in use, permission denied,
    not an address of this machine, unknown host."""
    import errno

    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]  # [::1], as in a URL
    from kasegeru_cli.text import escape_line

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # What the user typed, shown on one line (a newline in --host would print a
    # line of its own under the error).
    where = f"{escape_line(_bracketed(host)) if host else '0.0.0.0'}:{port}"
    s = socket.socket(family)
    try:
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            s.bind((host, port))
        except socket.gaierror as e:
            raise ListenError(f"cannot listen on {where}: unknown host ({e.strerror})") from e
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                why = "the port is in use (try --port)"
            elif e.errno == errno.EACCES:
                why = (f"permission denied (port {port} needs privileges; "
                       "try --port 8001)" if port < 1024 else "permission denied")
            elif e.errno == errno.EADDRNOTAVAIL:
                why = "the address is not this machine's (try --host 127.0.0.1)"
            else:
                why = e.strerror or str(e)
            raise ListenError(f"cannot listen on {where}: {why}") from e
        s.set_inheritable(False)
        return Listening(host, port, s)
    except BaseException:
        s.close()
        raise


def exposure_warning(where: Listening) -> str | None:
    """The warning for a server other machines can reach, naming its addresses."""
    if where.loopback_only:
        return None
    others = [a for a in where.addresses if not _is_loopback(a)]
    shown = ", ".join(_bracketed(a) for a in others[:8]) + (" …" if len(others) > 8 else "")
    return (f"Warning: listening on {shown} (port {where.port}), not only on this machine: "
            "anyone who can reach these addresses can browse the cases. "
            "Leave out --host to listen on 127.0.0.1 only.")


SQL_WARNING = ("Warning: --sql lets any page open in your browser run any SQL on this "
               "server (a single query can take all its memory and time).")


def host_guard(app: Any, hosts: frozenset[str]) -> Any:
    """An ASGI app that answers 403 to a request whose ``Host`` header is not one
    of ``hosts`` (a web page whose name an attacker points at 127.0.0.1, DNS
    rebinding, cannot read the server) and passes the rest to ``app``."""

    async def guarded(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") in ("http", "websocket"):
            host = b""
            for name, value in scope.get("headers") or ():
                if name.lower() == b"host":
                    host = value
                    break
            if host.decode("latin-1").strip().lower() not in hosts:
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                    return
                body = b"403 Forbidden: this server answers to localhost (127.0.0.1) only.\n"
                await send({"type": "http.response.start", "status": 403,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await app(scope, receive, send)

    return guarded


def run(directory: Path, where: Listening, open_browser: bool,
        metadata: dict[str, Any], allow_sql: bool = False) -> None:
    """Serve until interrupted (Ctrl-C ends it cleanly)."""
    import asyncio
    import webbrowser

    import uvicorn

    ds = make_datasette(directory / f"{DATABASE}.db", metadata, allow_sql=allow_sql)
    # With rich installed, Datasette prints every 403 and 404 (a refused ?sql=, a
    # mistyped URL) as a full-screen traceback on stdout: the page says it all.
    # (Imported after datasette.app: first, it would be registered half-made.)
    import datasette.handle_exception

    datasette.handle_exception.rich = None
    asyncio.run(ds.invoke_startup())
    where.socket.listen(2048)  # connections wait from now on: the line below is true
    from kasegeru_cli.text import escape_controls

    sys.stderr.write(f"Serving at {escape_controls(where.url)}  (Ctrl-C to stop)\n")
    sys.stderr.flush()
    if open_browser:
        webbrowser.open(where.url)
    config = uvicorn.Config(host_guard(ds.app(), where.hosts), log_level="warning",
                            lifespan="on")
    uvicorn.Server(config).run(sockets=[where.socket])
