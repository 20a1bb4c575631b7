"""An SQLite database of the dataset, normalised, for Datasette and sqlite-utils.

Tables: ``cases``, ``types``, ``topics``, ``sources``, ``case_types``,
``case_topics``, ``case_sources``, ``locations``, ``actors``, ``events``,
``figures``, ``related``, with primary and foreign keys and indexes on the
columns people filter by; views for the common questions (:data:`VIEWS`); and
``cases_fts``, the full-text index of ``cases``.

``cases`` is one row per case that reads on its own: the facets as JSON arrays
(``types``, ``prefectures`` — where the case is, as ``--prefecture`` means it —
``topics``, ``operator_kinds`` — the kinds of its lead actors), Datasette's
``_facet_array`` works on them; and its actors, places, timeline, figures and
sources as text, as the CSV export writes them. Figure values keep their type:
``24`` stays an integer, ``9.3`` a real (``NUMERIC`` affinity).

The full-text index
-------------------
Datasette (``?_search=``, the search box) and ``sqlite-utils search`` find the
index of a table by an FTS table declared with ``content="cases"``; so is
``cases_fts``. It indexes the fields of :func:`search.searchable_texts`, the
ones ``kasegeru search`` reads, plus ``topics`` (:data:`SEARCHED_FIELDS`).

Japanese has no spaces between words, and both clients pass a word to
``MATCH`` as it is typed: no SQLite tokenizer splits 移住者 so that both 移住
and 移住者 match it (``trigram`` needs three characters: 移住, 観光, 大学, 復興,
most Japanese words, found nothing). So the index is written with its tokens
already cut: every run of Japanese characters (with the digits inside it) is
indexed as each of its substrings of up to :data:`NGRAM_MAX` characters, and
the ``unicode61`` tokenizer (with ``porter`` for English plurals) takes them as
they are. A query of one to :data:`NGRAM_MAX` Japanese characters is then one
token, and matches wherever it occurs; English words match whole. Beside the
text (after NFKC: full-width letters and digits as ASCII) each column also
holds its full-width and half-width spellings as printed, and each run and
katakana word in hiragana (whole, not cut), so ``ＬＯＤＧＥ``, ``LODGE`` and
``lodge`` or ``コーバ`` and ``こーば`` find the same case. The ``topics``
column holds, as whole words, the spellings that name the case's topics, the
topics and concepts whose labels its text contains, and every concept broader
than those (the thesaurus expanded at index time, upwards, which is a search's
expansion downwards): as in ``kasegeru search``, 空き家 finds a case that says
空家 or 空き店舗 (narrower), not one that says 遊休地 (beside it), and 空き
finds none by its concept. The thesaurus itself is in ``concepts`` and
``concept_labels``.

The tokens are kept in the table ``cases_search`` (``id``, and
``search_tokens``: every searched field's tokens, one field a line), one row
per case with the rowid of its row in ``cases``, and ``cases_fts`` is declared
on it (``content="cases_search"``, with ``id`` unindexed, to read back):
SQLite's ``'rebuild'`` (what ``sqlite-utils rebuild-fts`` runs) reads the same
tokens and builds the same index. Not in ``cases`` itself: 70 KB a row there
made Datasette's array facets, which copy whole rows, 10-40 times slower.

Datasette and ``sqlite-utils`` find the index of ``cases`` by the text
``content="cases"`` in an FTS table's declaration (a ``LIKE``); the declaration
of ``cases_fts`` says so in a comment, :data:`FOR_CASES`. Its rowids are
``cases``' rowids, which is all both use it for.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from kasegeru_cli import __version__
from kasegeru_cli.formats.casepage import case_page
from kasegeru_cli.models import Case, Dataset, Topic
from kasegeru_cli.records import flat_value
from kasegeru_cli.search import Term, Thesaurus, searchable_texts
from kasegeru_cli.text import fold

NGRAM_MAX = 12
"""The longest Japanese query that matches inside a longer run of text (a run
that is the whole query always matches). 12 covers オープンイノベーション;
each extra character costs about 0.35 MB for the 124 cases (measured)."""

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
CREATE TABLE concepts (
    slug TEXT PRIMARY KEY, pref TEXT NOT NULL, pref_en TEXT NOT NULL, broader TEXT NOT NULL,
    topic TEXT REFERENCES topics(slug), related TEXT NOT NULL);
CREATE TABLE concept_labels (
    concept TEXT NOT NULL REFERENCES concepts(slug), label TEXT NOT NULL,
    kind TEXT NOT NULL, lang TEXT NOT NULL);
CREATE INDEX concept_labels_label ON concept_labels(label);
CREATE TABLE cases (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT NOT NULL,
    types TEXT NOT NULL, prefectures TEXT NOT NULL, topics TEXT NOT NULL,
    operator_kinds TEXT NOT NULL,
    started TEXT, started_fiscal INTEGER NOT NULL, started_evidence TEXT,
    types_basis TEXT, types_note TEXT, category TEXT, flow TEXT, sector TEXT,
    summary TEXT NOT NULL, summary_en TEXT NOT NULL,
    aliases TEXT NOT NULL, tags TEXT NOT NULL, points TEXT NOT NULL, challenges TEXT NOT NULL,
    actors TEXT NOT NULL, locations TEXT NOT NULL, timeline TEXT NOT NULL,
    figures TEXT NOT NULL, sources TEXT NOT NULL, regions TEXT NOT NULL,
    source_ids TEXT NOT NULL);
CREATE TABLE cases_search (
    case_rowid INTEGER PRIMARY KEY, id TEXT NOT NULL REFERENCES cases(id),
    search_tokens TEXT NOT NULL);
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
    label TEXT NOT NULL, value NUMERIC NOT NULL, value_max NUMERIC, unit TEXT, as_of TEXT,
    fiscal INTEGER NOT NULL, planned INTEGER NOT NULL, qualifier TEXT, note TEXT);
CREATE TABLE case_pages (
    case_id TEXT PRIMARY KEY REFERENCES cases(id), page TEXT NOT NULL);
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

VIEWS: dict[str, tuple[str, str]] = {
    "cases_by_prefecture": (
        "How many cases are in each prefecture (where a case is, as --prefecture means it).",
        """SELECT p.value AS prefecture, count(*) AS cases
           FROM cases, json_each(cases.prefectures) AS p
           GROUP BY p.value ORDER BY cases DESC, prefecture"""),
    "cases_by_type": (
        "How many cases each type of the 2019 report has.",
        """SELECT t.slug AS type, t.name, t.name_en, count(ct.case_id) AS cases
           FROM types t LEFT JOIN case_types ct ON ct.type_slug = t.slug
           GROUP BY t.slug ORDER BY cases DESC, t.slug"""),
    "cases_by_topic": (
        "How many cases each topic has.",
        """SELECT t.slug AS topic, t.name, t.name_en, count(ct.case_id) AS cases
           FROM topics t LEFT JOIN case_topics ct ON ct.topic_slug = t.slug
           GROUP BY t.slug ORDER BY cases DESC, t.slug"""),
    "case_places": (
        "Every place of every case, with its role (main, partner, site, scope).",
        """SELECT l.case_id, c.name, l.prefecture, l.municipality, l.area, l.country, l.role,
                  l.planned, l.note
           FROM locations l JOIN cases c ON c.id = l.case_id ORDER BY l.case_id, l.id"""),
    "lead_actors": (
        "Who runs each case: its lead actors and their kinds.",
        """SELECT a.case_id, c.name AS case_name, a.name AS actor, a.role, a.kind
           FROM actors a JOIN cases c ON c.id = a.case_id
           WHERE a.lead ORDER BY a.case_id, a.id"""),
    "case_figures": (
        "Every figure of every case, as printed (label, qualifier, value, unit, date).",
        """SELECT f.case_id, c.name AS case_name, f.label, f.qualifier, f.value, f.value_max,
                  f.unit, f.as_of, f.fiscal, f.planned, f.note
           FROM figures f JOIN cases c ON c.id = f.case_id ORDER BY f.case_id, f.id"""),
    "timeline": (
        "Every dated event of every case, oldest first.",
        """SELECT e.date, e.until, e.fiscal, e.planned, e.case_id, c.name AS case_name, e.event
           FROM events e JOIN cases c ON c.id = e.case_id ORDER BY e.date, e.case_id"""),
}
"""Name → (what it answers, SQL)."""

SEARCHED_FIELDS = ("id", "name", "name_en", "aliases", "tags", "types", "category", "summary",
                   "summary_en", "points", "challenges", "actors", "locations", "timeline",
                   "figures", "types_note", "sources", "topics")
"""The fields of :func:`search.searchable_texts`, the same ones `kasegeru search`
reads, and ``topics``: their tokens make ``cases_search.search_tokens``."""

FTS_COLUMNS = ("id", "search_tokens")
"""The columns of ``cases_fts``, each a column of ``cases_search`` (``'rebuild'``
reads them from there): ``id`` unindexed, to read back, and the tokens."""

FOR_CASES = '/* the full-text index of content="cases", by rowid */'
"""In the declaration of ``cases_fts``: how Datasette and sqlite-utils find it."""

TOKENIZER = "porter unicode61 remove_diacritics 2"

# Runs of Japanese text: kana (not the middle dot ・, which separates words),
# the prolonged sound mark, kanji and 々〆〇, with digits inside or at the ends
# (2019年, 24拠点). Everything else is left to unicode61 (words, punctuation).
_JA = ("\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30fe\u3005-\u3007"
       "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f")
_RUN = re.compile(rf"[0-9]*[{_JA}]+(?:[0-9]+[{_JA}]+)*[0-9]*")
_HYPHENATED = re.compile(r"\b[^\W_]+(?:-[^\W_]+)+\b")
_WORD = re.compile(r"\w+")
_JA_SPLIT = re.compile(rf"([{_JA}]+)")
_KATAKANA = re.compile("[\u30a1-\u30fa\u30fc]*[\u30a1-\u30fa][\u30a1-\u30fa\u30fc]*")
_KATA_TO_HIRA = {c: c - 0x60 for c in range(0x30A1, 0x30F7)}


def ngrams(run: str, longest: int = NGRAM_MAX) -> list[str]:
    """The tokens of one run: every substring of up to ``longest`` characters,
    between two copies of the whole run, so that a phrase query across runs
    (``まち・ひと``, ``地方創生2.0``) finds the whole runs side by side."""
    n = len(run)
    if n == 1:
        return [run]
    return [run, *(run[i:j] for i in range(n) for j in range(i + 1, min(i + longest, n) + 1)),
            run]


def index_text(text: str, cut: bool = True) -> str:
    """``text`` as the tokens of ``cases_search.search_tokens`` (see the
    module); without ``cut``, Japanese runs are indexed whole."""
    norm = unicodedata.normalize("NFKC", text)
    parts: list[str] = []
    at = 0
    for m in _RUN.finditer(norm):
        parts.append(_latin(norm[at:m.start()]))
        parts.extend(ngrams(m.group()) if cut else [m.group()])
        at = m.end()
    parts.append(_latin(norm[at:]))
    # The spellings as printed (ＬＯＤＧＥ, ｺｰﾊﾞ) and katakana runs in hiragana.
    parts.extend(piece for word in _WORD.findall(text) for piece in _JA_SPLIT.split(word)
                 if unicodedata.normalize("NFKC", piece) != piece)
    for m in _RUN.finditer(norm):
        words = _KATAKANA.findall(m.group())
        if words:
            parts.extend(w.translate(_KATA_TO_HIRA) for w in (m.group(), *words))
    return " ".join(p for p in parts if p and not p.isspace())


def _latin(text: str) -> str:
    """Words as unicode61 reads them, and each hyphenated word also written
    solid: start-up is start, up and startup, as ``kasegeru search`` folds it."""
    solid = [m.group().replace("-", "") for m in _HYPHENATED.finditer(text)]
    return " ".join([text, *solid]) if solid else text


def topic_spellings(topic: Topic, names: Mapping[str, str]) -> tuple[str, ...]:
    """The spellings that name ``topic`` in a search: its slug, names and
    variants (:func:`search.topic_keys`), but not one that names another topic
    or a concept first. The index cuts a name at ・ (空き家・空き店舗・遊休資産):
    it is kept only when each part names the topic, or 空き家 would find the topic."""
    parts = topic.name.split("・")
    whole = all(names.get(Term.of(p).key()) in (None, topic.slug) for p in parts)
    # Likewise the English name is indexed as words: "Digital technology and DX"
    # would make DX find the topic.
    whole_en = all(names.get(Term.of(w).key()) in (None, topic.slug)
                   for w in topic.name_en.split())
    spellings = (topic.slug, topic.slug.replace("-", " "), *([topic.name] if whole else []),
                 *([topic.name_en] if whole_en else []), *topic.variants, *parts)
    return tuple(s for s in dict.fromkeys(spellings)
                 if s.strip() and names.get(Term.of(s).key()) == topic.slug)


def concept_spellings(slug: str, dataset: Dataset,
                      names: Mapping[str, str]) -> tuple[str, ...]:
    """The labels and slug that name a concept in a search (not its topic)."""
    c = dataset.concepts[slug]
    return tuple(s for s in dict.fromkeys((slug, slug.replace("-", " "), *c.labels()))
                 if s.strip() and names.get(Term.of(s).key()) == slug)


def _fts_tokenizer_ok(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute(f"CREATE VIRTUAL TABLE temp._probe USING fts5(x, tokenize='{TOKENIZER}')")
        conn.execute("DROP TABLE temp._probe")
        return True
    except sqlite3.OperationalError:
        return False


def write_sqlite(dataset: Dataset, cases: Sequence[Case], path: Path) -> None:
    """Write ``cases`` (and every type, topic and source) to a new database at ``path``."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    try:
        with conn:
            _fill(conn, dataset, cases)
        conn.execute("VACUUM")
    finally:
        conn.close()


def operator_kinds(case: Case) -> list[str]:
    """The kinds of the case's lead actors, in order, without repeats."""
    return list(dict.fromkeys(a.kind for a in case.actors if a.lead and a.kind))


def _regions(case: Case) -> tuple[str, ...]:
    """The region slugs where the case is, as ``--region`` means it."""
    from kasegeru_cli.catalog import Catalog

    return Catalog.regions_of(case)


def _js(items: Iterable[str]) -> str:
    return json.dumps(list(items), ensure_ascii=False)


def _fill(conn: sqlite3.Connection, dataset: Dataset, cases: Sequence[Case]) -> None:
    conn.executescript(SCHEMA)
    for name, (_, sql) in VIEWS.items():
        conn.execute(f"CREATE VIEW {name} AS {sql}")
    if not _fts_tokenizer_ok(conn):
        raise sqlite3.NotSupportedError("this SQLite has no FTS5 (needed for the search index)")
    conn.execute("CREATE VIRTUAL TABLE cases_fts USING fts5(id UNINDEXED, search_tokens, "
                 f"content=\"cases_search\", content_rowid=\"case_rowid\", "
                 f"tokenize='{TOKENIZER}' {FOR_CASES})")
    conn.executemany("INSERT INTO _meta VALUES (?, ?)", [
        ("generator", f"kasegeru {__version__}"), ("fts_tokenizer", TOKENIZER),
        ("fts_tokens", f"Japanese runs as substrings of 1-{NGRAM_MAX} characters, kept in "
                       "cases_search.search_tokens ('rebuild' reads them there)")])
    conn.executemany("INSERT INTO sources VALUES (?,?,?,?,?,?,?,?)", [
        (s.id, s.file, s.title, s.title_en, s.publisher, s.date, s.date_note, s.expected_cases)
        for s in dataset.sources.values()])
    conn.executemany("INSERT INTO types VALUES (?,?,?,?,?)", [
        (t.slug, t.name, t.name_en, t.definition, t.defined_in) for t in dataset.types.values()])
    conn.executemany("INSERT INTO topics VALUES (?,?,?,?,?)", [
        (t.slug, t.name, t.name_en, t.criterion, _js(t.variants))
        for t in dataset.topics.values()])
    thesaurus = Thesaurus.build(dataset.topics, dataset.concepts)
    _fill_concepts(conn, dataset, thesaurus)
    keep = {c.id: c for c in cases}
    bridges = _topic_bridges(dataset)
    names = thesaurus.keys
    for c in cases:
        texts = _search_columns(c, dataset, bridges, names)
        tokens = "\n".join(" ".join(index_text(texts[fld], cut=fld != "topics").split())
                           for fld in SEARCHED_FIELDS)  # one field a line
        conn.execute(f"INSERT INTO cases VALUES ({','.join('?' * 28)})", (
            c.id, c.name, c.name_en, _js(c.types), _js(c.prefectures()), _js(c.topics),
            _js(operator_kinds(c)), c.started, c.started_fiscal, c.started_evidence,
            c.types_basis, c.types_note, c.category, c.flow, c.sector, c.summary, c.summary_en,
            _js(c.aliases), _js(c.tags), _js(c.points), _js(c.challenges),
            flat_value(c, "actors"), flat_value(c, "locations"), flat_value(c, "timeline"),
            flat_value(c, "figures"), flat_value(c, "sources"), _js(_regions(c)),
            _js(dict.fromkeys(r.source for r in c.sources))))
        rowid = conn.execute("SELECT rowid FROM cases WHERE id = ?", (c.id,)).fetchone()[0]
        conn.executemany("INSERT INTO case_topics VALUES (?,?,?)",
                         [(c.id, t, c.topic_evidence.get(t)) for t in c.topics])
        conn.executemany("INSERT INTO case_types VALUES (?,?)", [(c.id, t) for t in c.types])
        conn.executemany("INSERT INTO case_sources (case_id, source_id, section, item) "
                         "VALUES (?,?,?,?)",
                         [(c.id, r.source, r.section, r.item) for r in c.sources])
        conn.executemany("INSERT INTO locations (case_id, prefecture, municipality, area, "
                         "country, role, note, regions, planned) VALUES (?,?,?,?,?,?,?,?,?)",
                         [(c.id, lo.prefecture, lo.municipality, lo.area, lo.country, lo.role,
                           lo.note, _js(lo.regions), lo.planned) for lo in c.locations])
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
        conn.execute("INSERT INTO case_pages VALUES (?, ?)", (
            c.id, json.dumps(case_page(c, dataset, keep), ensure_ascii=False)))
        conn.execute("INSERT INTO cases_search VALUES (?, ?, ?)", (rowid, c.id, tokens))
        conn.execute("INSERT INTO cases_fts (rowid, id, search_tokens) VALUES (?, ?, ?)",
                     (rowid, c.id, tokens))
    conn.execute("INSERT INTO cases_fts (cases_fts) VALUES ('optimize')")


Bridges = list[tuple[str, tuple[str, ...], "re.Pattern[str] | None"]]


def _fill_concepts(conn: sqlite3.Connection, dataset: Dataset, thesaurus: Thesaurus) -> None:
    """The thesaurus as two tables: ``concepts`` (each with its broader concept
    and its topic) and ``concept_labels`` (one row per label: kind and language)."""
    conn.executemany("INSERT INTO concepts VALUES (?,?,?,?,?,?)", [
        (c.slug, c.pref, c.pref_en, c.broader, thesaurus.top.get(c.slug), _js(c.related))
        for c in dataset.concepts.values()])
    conn.executemany("INSERT INTO concept_labels VALUES (?,?,?,?)", [
        (c.slug, label, kind, "en" if kind.endswith("_en") else "ja")
        for c in dataset.concepts.values()
        for kind, labels in (("pref", (c.pref,)), ("alt", c.alt), ("hidden", c.hidden),
                             ("pref_en", (c.pref_en,)), ("alt_en", c.alt_en))
        for label in labels])


def _topic_bridges(dataset: Dataset) -> Bridges:
    """Each topic's variants and each concept's labels as ``kasegeru search``
    matches them in folded text: Japanese ones as substrings, English ones by
    one pattern of whole words."""
    out: Bridges = []
    own = [(s, t.variants) for s, t in dataset.topics.items()]
    own += [(s, c.labels()) for s, c in dataset.concepts.items()]
    for slug, labels in own:
        terms = [Term.of(v) for v in labels]
        plain = tuple(term.text for term in terms if term.pattern is None and term.text)
        latin = [term.pattern.pattern for term in terms if term.pattern is not None]
        out.append((slug, plain, re.compile("|".join(latin)) if latin else None))
    return out


def _search_columns(case: Case, dataset: Dataset, bridges: Bridges,
                    names: Mapping[str, str]) -> dict[str, str]:
    texts: dict[str, list[str]] = {fld: [] for fld in SEARCHED_FIELDS}
    for fld, text in searchable_texts(case):
        # A field searchable_texts may gain later goes with the summary rather than nowhere.
        texts.get(fld, texts["summary"]).append(text)
    folded = fold("\n".join(t for parts in texts.values() for t in parts))
    slugs = dict.fromkeys(case.topics)
    for slug, plain, latin in bridges:
        if slug not in slugs and (any(p in folded for p in plain)
                                  or (latin is not None and latin.search(folded))):
            slugs[slug] = None
    for slug in list(slugs):  # a narrower concept's case is also its broader ones'
        seen = {slug}
        while slug in dataset.concepts:
            slug = dataset.concepts[slug].broader
            if slug in seen:
                break
            seen.add(slug)
            slugs.setdefault(slug, None)
    texts["topics"] = [s for slug in slugs
                       for s in (topic_spellings(dataset.topics[slug], names)
                                 if slug in dataset.topics
                                 else concept_spellings(slug, dataset, names))]
    return {col: "\n".join(parts) for col, parts in texts.items()}
