"""The web view: the SQLite export in Datasette, with its metadata (``kasegeru serve``).

Datasette is an optional extra (``pip install 'kasegeru[web]'``): this module
imports it only inside :func:`make_datasette` and :func:`run`, and the CLI
imports this module only for ``serve`` and ``export --format sqlite`` (for
:func:`metadata`, which needs nothing but the dataset).

:func:`metadata` is Datasette's ``metadata.json``: title, description, the
sources with their titles and credit lines (出典, required by the licence),
the licence (政府標準利用規約 第2.0版, compatible with CC BY 4.0), column
descriptions (from docs/DATA.md), default facets and canned queries.

:func:`prepared` builds the database and its metadata for a dataset and a
selection of cases, or finds them in the cache directory
(``<cache>/web/<key>/``): the key is the dataset cache's key of the files
loaded (their bytes, kasegeru's version and modules) with the ids of the
cases chosen, so an edited file, other filters or a new kasegeru build anew.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
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
WEB_FORMAT = 1
"""Of the cached files; part of their key."""
_KEEP = 4
"""How many built databases the cache keeps (newest first)."""
_ENTRY = re.compile(r"^[0-9a-f]{32}$")

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
       "dl.column-descriptions dd{margin:0 0 0.15em 0}")


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
            "description_html": "One row per case write-up. Facets: types, prefectures, "
                                f"topics, operator kinds.<br><small>{credits}</small>",
            "label_column": "name",
            "facets": [{"array": f} for f in FACETS],
            "columns": CASE_COLUMNS,
        },
        "_meta": {"hidden": True},
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

    write_sqlite(dataset, cases, directory / f"{DATABASE}.db")
    (directory / "metadata.json").write_text(metadata_json(dataset), encoding="utf-8")


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


@contextlib.contextmanager
def prepared(dataset: Dataset, cases: Sequence[Case], paths: Sequence[Path]
             ) -> Iterator[tuple[Path, bool]]:
    """A directory with ``cases.db`` and ``metadata.json`` for these cases, and
    whether it came from the cache. Without a usable cache it is a temporary
    directory, removed afterwards."""
    from kasegeru_cli import store

    key = None if store.cache_disabled() else _key(paths, cases)
    base = store.usable_dir(create=True) if key is not None else None
    if key is None or base is None:
        with tempfile.TemporaryDirectory(prefix="kasegeru-web-") as tmp:
            _build(Path(tmp), dataset, cases)
            yield Path(tmp), False
        return
    web = base / "web"
    with contextlib.suppress(FileExistsError):
        web.mkdir(mode=0o700)
    entry = web / key
    hit = (entry / f"{DATABASE}.db").is_file() and (entry / "metadata.json").is_file()
    if not hit:
        building = Path(tempfile.mkdtemp(prefix=".tmp-", dir=web))
        try:
            _build(building, dataset, cases)
            building.rename(entry)  # atomic; fails if another serve made it first
        except OSError:
            if not (entry / "metadata.json").is_file():
                raise
        finally:
            shutil.rmtree(building, ignore_errors=True)
    with contextlib.suppress(OSError):
        os.utime(entry)
    _prune(web)
    yield entry, hit


def _prune(web: Path) -> None:
    """Keep the newest :data:`_KEEP` entries; delete only names this module writes."""
    try:
        entries = sorted((p for p in web.iterdir() if _ENTRY.match(p.name) and p.is_dir()),
                         key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in entries[_KEEP:]:
        shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------- Datasette


SETTINGS = {"truncate_cells_html": 160, "default_facet_size": 10}
"""Long texts (summaries, points) cut in the table view; a row's page shows them whole."""


def make_datasette(database: Path, metadata_file: Path) -> Datasette:
    """Datasette on ``database``, read-only (immutable), with its metadata: what
    ``datasette -i DATABASE -m METADATA_FILE`` runs, and ``serve`` and the tests use."""
    from datasette.app import Datasette

    meta = json.loads(metadata_file.read_text(encoding="utf-8"))
    return Datasette(immutables=[str(database)], metadata=meta, settings=SETTINGS)


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def url_for(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/{DATABASE}/cases"


def run(directory: Path, host: str, port: int, open_browser: bool) -> None:
    """Serve until interrupted (Ctrl-C ends it cleanly)."""
    import asyncio
    import webbrowser

    import uvicorn

    ds = make_datasette(directory / f"{DATABASE}.db", directory / "metadata.json")
    asyncio.run(ds.invoke_startup())
    url = url_for(host, port)
    from kasegeru_cli.text import escape_controls

    sys.stderr.write(f"Serving at {escape_controls(url)}  (Ctrl-C to stop)\n")
    sys.stderr.flush()
    if open_browser:
        webbrowser.open(url)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
