"""An SQLite database of the dataset, normalised, for Datasette and sqlite-utils.

Tables: ``cases``, ``types``, ``sources``, ``case_types``, ``case_sources``,
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

SCHEMA = """
CREATE TABLE _meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE sources (
    id TEXT PRIMARY KEY, file TEXT NOT NULL, title TEXT NOT NULL, title_en TEXT NOT NULL,
    publisher TEXT, date TEXT NOT NULL, date_note TEXT, expected_cases INTEGER);
CREATE TABLE types (
    slug TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT NOT NULL,
    definition TEXT NOT NULL, defined_in TEXT NOT NULL);
CREATE TABLE cases (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT NOT NULL,
    summary TEXT NOT NULL, summary_en TEXT NOT NULL, types_basis TEXT, types_note TEXT,
    category TEXT, flow TEXT, sector TEXT,
    aliases TEXT NOT NULL, tags TEXT NOT NULL, points TEXT NOT NULL, challenges TEXT NOT NULL);
CREATE TABLE case_types (
    case_id TEXT NOT NULL REFERENCES cases(id), type_slug TEXT NOT NULL REFERENCES types(slug),
    PRIMARY KEY (case_id, type_slug));
CREATE TABLE case_sources (
    id INTEGER PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
    source_id TEXT NOT NULL REFERENCES sources(id), section TEXT NOT NULL, item TEXT);
CREATE TABLE locations (
    id INTEGER PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
    prefecture TEXT, municipality TEXT, area TEXT, country TEXT, role TEXT NOT NULL, note TEXT);
CREATE TABLE actors (
    id INTEGER PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
    name TEXT NOT NULL, role TEXT);
CREATE TABLE events (
    id INTEGER PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
    date TEXT NOT NULL, event TEXT NOT NULL, fiscal INTEGER NOT NULL, planned INTEGER NOT NULL,
    until TEXT);
CREATE TABLE figures (
    id INTEGER PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id),
    label TEXT NOT NULL, value REAL NOT NULL, value_max REAL, unit TEXT, as_of TEXT,
    fiscal INTEGER NOT NULL, planned INTEGER NOT NULL, qualifier TEXT, note TEXT);
CREATE TABLE related (
    case_id TEXT NOT NULL REFERENCES cases(id), related_id TEXT NOT NULL REFERENCES cases(id),
    PRIMARY KEY (case_id, related_id));
CREATE INDEX idx_case_types_type ON case_types(type_slug);
CREATE INDEX idx_case_sources_case ON case_sources(case_id);
CREATE INDEX idx_case_sources_source ON case_sources(source_id);
CREATE INDEX idx_locations_case ON locations(case_id);
CREATE INDEX idx_locations_prefecture ON locations(prefecture);
CREATE INDEX idx_actors_case ON actors(case_id);
CREATE INDEX idx_events_case ON events(case_id);
CREATE INDEX idx_events_date ON events(date);
CREATE INDEX idx_figures_case ON figures(case_id);
"""

FTS_COLUMNS = ("id", "name", "name_en", "aliases", "tags", "summary", "summary_en", "points",
               "challenges")


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
    keep = {c.id for c in cases}

    def js(items: Sequence[str]) -> str:
        return json.dumps(list(items), ensure_ascii=False)

    for c in cases:
        conn.execute("INSERT INTO cases VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
            c.id, c.name, c.name_en, c.summary, c.summary_en, c.types_basis, c.types_note,
            c.category, c.flow, c.sector, js(c.aliases), js(c.tags), js(c.points),
            js(c.challenges)))
        conn.executemany("INSERT INTO case_types VALUES (?,?)", [(c.id, t) for t in c.types])
        conn.executemany("INSERT INTO case_sources (case_id, source_id, section, item) "
                         "VALUES (?,?,?,?)",
                         [(c.id, r.source, r.section, r.item) for r in c.sources])
        conn.executemany("INSERT INTO locations (case_id, prefecture, municipality, area, "
                         "country, role, note) VALUES (?,?,?,?,?,?,?)",
                         [(c.id, lo.prefecture, lo.municipality, lo.area, lo.country, lo.role,
                           lo.note) for lo in c.locations])
        conn.executemany("INSERT INTO actors (case_id, name, role) VALUES (?,?,?)",
                         [(c.id, a.name, a.role) for a in c.actors])
        conn.executemany("INSERT INTO events (case_id, date, event, fiscal, planned, until) "
                         "VALUES (?,?,?,?,?,?)",
                         [(c.id, e.date, e.event, e.fiscal, e.planned, e.until)
                          for e in c.timeline])
        conn.executemany("INSERT INTO figures (case_id, label, value, value_max, unit, as_of, "
                         "fiscal, planned, qualifier, note) VALUES (?,?,?,?,?,?,?,?,?,?)",
                         [(c.id, f.label, f.value, f.value_max, f.unit, f.as_of, f.fiscal,
                           f.planned, f.qualifier, f.note) for f in c.figures])
        conn.executemany("INSERT INTO related VALUES (?,?)",
                         [(c.id, r) for r in c.related if r in keep])
        conn.execute(f"INSERT INTO cases_fts VALUES ({', '.join('?' * len(FTS_COLUMNS))})", (
            c.id, c.name, c.name_en, " ".join(c.aliases), " ".join(c.tags), c.summary,
            c.summary_en, "\n".join(c.points), "\n".join(c.challenges)))
