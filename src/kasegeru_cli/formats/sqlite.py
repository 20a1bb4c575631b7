"""An SQLite database of the dataset, normalised, for Datasette and sqlite-utils.

Tables: ``cases``, ``types``, ``topics``, ``sources``, ``case_types``, ``case_topics``,
``case_sources``,
``locations``, ``actors``, ``events``, ``figures``, ``related``, with primary
and foreign keys and indexes on the columns people filter by; plus
``cases_fts``, an FTS5 table over the Japanese and English text.

Japanese is written without spaces, so a word tokenizer would see whole
sentences as one token. The FTS table uses the ``trigram`` tokenizer (SQLite
3.34+): any substring of three or more characters matches, so
``MATCH 'コワーキング'`` finds コワーキングスペース. Older SQLite falls back to
``unicode61`` and says so in the ``_meta`` table.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from kasegeru_cli import __version__
from kasegeru_cli.models import Case, Dataset
from kasegeru_cli.records import search_texts

SCHEMA = """
CREATE TABLE _meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE sources (
    id TEXT PRIMARY KEY, file TEXT NOT NULL, title TEXT NOT NULL, title_en TEXT NOT NULL,
    publisher TEXT, date TEXT NOT NULL, date_note TEXT, expected_cases INTEGER);
CREATE TABLE types (
    slug TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT NOT NULL,
    definition TEXT NOT NULL, defined_in TEXT NOT NULL);
CREATE TABLE topics (
    slug TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT NOT NULL, criterion TEXT NOT NULL,
    variants TEXT NOT NULL);
CREATE TABLE cases (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT NOT NULL,
    summary TEXT NOT NULL, summary_en TEXT NOT NULL, types_basis TEXT, types_note TEXT,
    category TEXT, flow TEXT, sector TEXT,
    aliases TEXT NOT NULL, tags TEXT NOT NULL, points TEXT NOT NULL, challenges TEXT NOT NULL,
    topics TEXT NOT NULL, started TEXT, started_fiscal INTEGER NOT NULL, started_evidence TEXT);
CREATE TABLE case_topics (
    case_id TEXT NOT NULL REFERENCES cases(id), topic_slug TEXT NOT NULL REFERENCES topics(slug),
    evidence TEXT, PRIMARY KEY (case_id, topic_slug));
CREATE TABLE case_types (
    case_id TEXT NOT NULL REFERENCES cases(id), type_slug TEXT NOT NULL REFERENCES types(slug),
    PRIMARY KEY (case_id, type_slug));
CREATE TABLE case_sources (
    id INTEGER PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
    source_id TEXT NOT NULL REFERENCES sources(id), section TEXT NOT NULL, item TEXT);
CREATE TABLE locations (
    id INTEGER PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
    prefecture TEXT, municipality TEXT, area TEXT, country TEXT, role TEXT NOT NULL, note TEXT,
    regions TEXT NOT NULL, planned INTEGER NOT NULL);
CREATE TABLE actors (
    id INTEGER PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
    name TEXT NOT NULL, role TEXT, kind TEXT, lead INTEGER NOT NULL, kind_evidence TEXT);
CREATE TABLE events (
    id INTEGER PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
    date TEXT NOT NULL, event TEXT NOT NULL, fiscal INTEGER NOT NULL, planned INTEGER NOT NULL,
    until TEXT, source_id TEXT REFERENCES sources(id));
CREATE TABLE figures (
    id INTEGER PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
    label TEXT NOT NULL, value REAL NOT NULL, value_max REAL, unit TEXT, as_of TEXT,
    fiscal INTEGER NOT NULL, planned INTEGER NOT NULL, qualifier TEXT, note TEXT);
CREATE TABLE related (
    case_id TEXT NOT NULL REFERENCES cases(id), related_id TEXT NOT NULL REFERENCES cases(id),
    PRIMARY KEY (case_id, related_id));
CREATE INDEX idx_case_types_type ON case_types(type_slug);
CREATE INDEX idx_case_topics_topic ON case_topics(topic_slug);
CREATE INDEX idx_actors_kind ON actors(kind);
CREATE INDEX idx_case_sources_case ON case_sources(case_id);
CREATE INDEX idx_case_sources_source ON case_sources(source_id);
CREATE INDEX idx_locations_case ON locations(case_id);
CREATE INDEX idx_locations_prefecture ON locations(prefecture);
CREATE INDEX idx_actors_case ON actors(case_id);
CREATE INDEX idx_events_case ON events(case_id);
CREATE INDEX idx_events_date ON events(date);
CREATE INDEX idx_figures_case ON figures(case_id);
"""

FTS_COLUMNS = ("id", "name", "name_en", "aliases", "tags", "types", "category", "summary",
               "summary_en", "points", "challenges", "actors", "locations", "timeline",
               "figures", "types_note")
"""The fields of :func:`records.search_texts`, the same ones `kasegeru search` reads."""


def _fts_tokenizer(conn: sqlite3.Connection) -> str:
    try:
        conn.execute("CREATE VIRTUAL TABLE temp._probe USING fts5(x, tokenize='trigram')")
        conn.execute("DROP TABLE temp._probe")
        return "trigram"
    except sqlite3.OperationalError:
        return "unicode61"


def write_sqlite(dataset: Dataset, cases: Sequence[Case], path: Path) -> None:
    """Write ``cases`` (and every type and source) to a new database at ``path``."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    try:
        with conn:
            _fill(conn, dataset, cases)
    finally:
        conn.close()


def _fill(conn: sqlite3.Connection, dataset: Dataset, cases: Sequence[Case]) -> None:
    conn.executescript(SCHEMA)
    tokenizer = _fts_tokenizer(conn)
    conn.execute(f"CREATE VIRTUAL TABLE cases_fts USING fts5({', '.join(FTS_COLUMNS)}, "
                 f"tokenize='{tokenizer}')")
    conn.executemany("INSERT INTO _meta VALUES (?, ?)", [
        ("generator", f"kasegeru {__version__}"), ("fts_tokenizer", tokenizer)])
    conn.executemany("INSERT INTO sources VALUES (?,?,?,?,?,?,?,?)", [
        (s.id, s.file, s.title, s.title_en, s.publisher, s.date, s.date_note, s.expected_cases)
        for s in dataset.sources.values()])
    conn.executemany("INSERT INTO types VALUES (?,?,?,?,?)", [
        (t.slug, t.name, t.name_en, t.definition, t.defined_in) for t in dataset.types.values()])
    conn.executemany("INSERT INTO topics VALUES (?,?,?,?,?)", [
        (t.slug, t.name, t.name_en, t.criterion, json.dumps(list(t.variants), ensure_ascii=False))
        for t in dataset.topics.values()])
    keep = {c.id for c in cases}

    def js(items: Sequence[str]) -> str:
        return json.dumps(list(items), ensure_ascii=False)

    for c in cases:
        conn.execute("INSERT INTO cases VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
            c.id, c.name, c.name_en, c.summary, c.summary_en, c.types_basis, c.types_note,
            c.category, c.flow, c.sector, js(c.aliases), js(c.tags), js(c.points),
            js(c.challenges), js(c.topics), c.started, c.started_fiscal, c.started_evidence))
        conn.executemany("INSERT INTO case_topics VALUES (?,?,?)",
                         [(c.id, t, c.topic_evidence.get(t)) for t in c.topics])
        conn.executemany("INSERT INTO case_types VALUES (?,?)", [(c.id, t) for t in c.types])
        conn.executemany("INSERT INTO case_sources (case_id, source_id, section, item) "
                         "VALUES (?,?,?,?)",
                         [(c.id, r.source, r.section, r.item) for r in c.sources])
        conn.executemany("INSERT INTO locations (case_id, prefecture, municipality, area, "
                         "country, role, note, regions, planned) VALUES (?,?,?,?,?,?,?,?,?)",
                         [(c.id, lo.prefecture, lo.municipality, lo.area, lo.country, lo.role,
                           lo.note, js(lo.regions), lo.planned) for lo in c.locations])
        conn.executemany("INSERT INTO actors (case_id, name, role, kind, lead, kind_evidence) "
                         "VALUES (?,?,?,?,?,?)",
                         [(c.id, a.name, a.role, a.kind, a.lead, a.kind_evidence)
                          for a in c.actors])
        conn.executemany("INSERT INTO events (case_id, date, event, fiscal, planned, until, "
                         "source_id) VALUES (?,?,?,?,?,?,?)",
                         [(c.id, e.date, e.event, e.fiscal, e.planned, e.until, e.source)
                          for e in c.timeline])
        conn.executemany("INSERT INTO figures (case_id, label, value, value_max, unit, as_of, "
                         "fiscal, planned, qualifier, note) VALUES (?,?,?,?,?,?,?,?,?,?)",
                         [(c.id, f.label, f.value, f.value_max, f.unit, f.as_of, f.fiscal,
                           f.planned, f.qualifier, f.note) for f in c.figures])
        conn.executemany("INSERT INTO related VALUES (?,?)",
                         [(c.id, r) for r in c.related if r in keep])
        texts: dict[str, list[str]] = {col: [] for col in FTS_COLUMNS}
        for fld, text in search_texts(c):
            texts[fld].append(text)
        conn.execute(f"INSERT INTO cases_fts VALUES ({', '.join('?' * len(FTS_COLUMNS))})",
                     tuple("\n".join(texts[col]) for col in FTS_COLUMNS))
