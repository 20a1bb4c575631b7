"""The SQLite export of a small dataset built by hand: the rows a Datasette or
sqlite3 user reads, the full-text index's columns, and which spellings of a
topic it holds. Expected values are worked out from the cases below."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kasegeru_cli import __version__
from kasegeru_cli.formats.sqlite import operator_kinds, topic_spellings, write_sqlite
from kasegeru_cli.models import Actor, Case, Dataset, Location, Topic
from kasegeru_cli.search import topic_keys

VACANT = Topic("vacant", "空き家", "Vacant houses", "空き家を使う", ("空家", "vacant house"))
SIDE = Topic("side-jobs", "副業・兼業", "Side jobs", "副業", ("複業",))
TOPICS = {"vacant": VACANT, "side-jobs": SIDE}


def case(id: str, **kw: object) -> Case:
    base: dict[str, object] = {"name": f"{id}の名", "name_en": id.title(),
                               "summary": "概要。", "summary_en": "Summary."}
    base.update(kw)
    return Case(id=id, **base)  # type: ignore[arg-type]


C1 = case("c1", summary="空家を改修した。", topics=("vacant",),
          topic_evidence={"vacant": "空家を改修"}, related=("c2", "zz"),
          locations=(Location("main", "東京都"), Location("partner", "宮崎県")),
          actors=(Actor("甲社", "運営", "company", True), Actor("乙大学", "連携", "university"),
                  Actor("丙社", "運営", "company", True)))
# no topic of its own, but its English text names a vacant house: bridged in the index
C2 = case("c2", summary_en="A vacant house by the sea.", related=("c1",))
DATASET = Dataset(topics=TOPICS, cases=(C1, C2))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    path = tmp_path_factory.mktemp("sqlite") / "cases.db"
    write_sqlite(DATASET, DATASET.cases, path)
    return sqlite3.connect(path)


def rows(db: sqlite3.Connection, sql: str) -> list[tuple[object, ...]]:
    return db.execute(sql).fetchall()


def test_json_columns_keep_japanese_readable(db: sqlite3.Connection) -> None:
    assert rows(db, "SELECT id, prefectures, topics, operator_kinds FROM cases ORDER BY id") == [
        ("c1", '["東京都"]', '["vacant"]', '["company"]'),
        ("c2", "[]", "[]", "[]"),
    ]
    assert rows(db, "SELECT slug, variants FROM topics ORDER BY slug") == [
        ("side-jobs", '["複業"]'), ("vacant", '["空家", "vacant house"]')]


def test_topics_with_evidence_and_related_within_the_export(db: sqlite3.Connection) -> None:
    assert rows(db, "SELECT * FROM case_topics") == [("c1", "vacant", "空家を改修")]
    # zz is not in the export: no row points at it
    assert rows(db, "SELECT * FROM related ORDER BY case_id") == [("c1", "c2"), ("c2", "c1")]


def test_related_rows_only_for_exported_cases(tmp_path: Path) -> None:
    path = tmp_path / "one.db"
    write_sqlite(DATASET, [C1], path)
    assert sqlite3.connect(path).execute("SELECT * FROM related").fetchall() == []


def test_meta_names_the_generator_and_the_tokens(db: sqlite3.Connection) -> None:
    assert dict(rows(db, "SELECT key, value FROM _meta")) == {  # type: ignore[arg-type]
        "generator": f"kasegeru {__version__}",
        "fts_tokenizer": "porter unicode61 remove_diacritics 2",
        "fts_tokens": "Japanese runs as substrings of 1-12 characters, kept in "
                      "cases_search.search_tokens ('rebuild' reads them there)",
    }


def test_the_index_reads_its_tokens_from_cases(db: sqlite3.Connection) -> None:
    assert [r[1] for r in rows(db, "PRAGMA table_info(cases_fts)")] == ["id", "search_tokens"]
    (sql,) = rows(db, "SELECT sql FROM sqlite_master WHERE name = 'cases_fts'")[0]
    assert 'id UNINDEXED, search_tokens, content="cases_search", content_rowid="case_rowid"' \
        in str(sql)
    # what Datasette and sqlite-utils look for to find the index of cases
    assert '/* the full-text index of content="cases", by rowid */)' in str(sql)
    # one line per searched field: id, name, name_en, aliases, tags, types, category, summary …
    (tokens,) = rows(db, "SELECT search_tokens FROM cases_search WHERE id = 'c1'")[0]
    lines = str(tokens).split("\n")
    assert len(lines) == 18
    assert lines[0] == "c1"
    assert lines[7] == (  # the summary: its run whole, each part of it, the run again, 。
        "空家を改修した 空 空家 空家を 空家を改 空家を改修 空家を改修し 空家を改修した "
        "家 家を 家を改 家を改修 家を改修し 家を改修した "
        "を を改 を改修 を改修し を改修した 改 改修 改修し 改修した "
        "修 修し 修した し した た 空家を改修した 。")
    assert lines[17] == "vacant 空き家 Vacant houses 空家 vacant house"  # topics: whole


def match(db: sqlite3.Connection, query: str) -> list[str]:
    return [str(r[0]) for r in rows(db, "SELECT id FROM cases WHERE rowid IN (SELECT rowid FROM "
                                   f"cases_fts WHERE cases_fts MATCH '{query}') ORDER BY id")]


def test_a_topic_is_found_by_its_spellings_and_bridged_text(db: sqlite3.Connection) -> None:
    # c1 has the topic; c2's text holds the English variant: both carry its spellings
    assert match(db, "空き家") == ["c1", "c2"]
    assert match(db, "Vacant") == ["c1", "c2"]
    # the topics' spellings are whole, not cut into parts
    assert match(db, "き家") == []
    assert match(db, "副業") == []
    assert match(db, "改修") == ["c1"]  # a word of c1's summary only


def test_topic_spellings() -> None:
    names = topic_keys(TOPICS)
    assert topic_spellings(VACANT, names) == (
        "vacant", "空き家", "Vacant houses", "空家", "vacant house")
    assert topic_spellings(SIDE, names) == (
        "side-jobs", "side jobs", "副業・兼業", "Side jobs", "複業", "副業", "兼業")
    # a spelling that names another topic first is left to that topic
    both = {"double": Topic("double", "複業", "Double jobs", "複数の仕事", ()),
            "side-jobs": SIDE}
    assert "複業" not in topic_spellings(SIDE, topic_keys(both))


def test_operator_kinds_are_the_lead_actors_kinds() -> None:
    assert operator_kinds(C1) == ["company"]
    lead_without_kind = case("x", actors=(Actor("誰か", "運営", None, True),
                                          Actor("大学", "連携", "university")))
    assert operator_kinds(lead_without_kind) == []


# ------------------------------------------------------------------ bridging, column by column

REMOTE = Topic("remote", "リモート", "Remote", "離れて働く",
               ("テレワーク", "remote work", "work from home"))
ODD = Topic("odd", "奇", "Odd", "奇", ("xx",))  # no text below holds "xx"
D1 = case("d1", summary="テレワークの拠点。")  # a Japanese variant
D2 = case("d2", summary_en="They work from home.")  # the second English variant
D3 = case("d3", summary_en="A remote workshop.")  # an English variant inside a longer word
D4 = case("d4", name_en="Xylo")
BRIDGED = Dataset(topics={"remote": REMOTE, "odd": ODD}, cases=(D1, D2, D3, D4))


@pytest.fixture(scope="module")
def bridged(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    path = tmp_path_factory.mktemp("sqlite") / "bridged.db"
    write_sqlite(BRIDGED, BRIDGED.cases, path)
    return sqlite3.connect(path)


def test_each_variant_bridges_as_search_matches_it(bridged: sqlite3.Connection) -> None:
    assert match(bridged, "リモート") == ["d1", "d2"]  # d3's "remote" is in a word only
    assert match(bridged, "奇") == []


def test_each_field_is_indexed_on_its_own_line(bridged: sqlite3.Connection) -> None:
    lines = {str(i): str(t).split("\n") for i, t in rows(bridged, "SELECT id, search_tokens "
                                                                   "FROM cases_search")}
    assert lines["d4"][2] == "Xylo"  # name_en
    assert lines["d3"][8] == "A remote workshop."  # summary_en
    assert match(bridged, "xylo") == ["d4"]
    assert match(bridged, "workshop") == ["d3"]


def test_a_field_the_index_has_no_column_for_goes_with_the_summary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kasegeru_cli.search import searchable_texts

    def with_a_new_field(c: Case) -> list[tuple[str, str]]:
        return [*searchable_texts(c), ("future", "zyzzyva")]

    monkeypatch.setattr("kasegeru_cli.formats.sqlite.searchable_texts", with_a_new_field)
    path = tmp_path / "new.db"
    write_sqlite(DATASET, DATASET.cases, path)
    db = sqlite3.connect(path)
    assert match(db, "zyzzyva") == ["c1", "c2"]
    (tokens,) = db.execute("SELECT search_tokens FROM cases_search WHERE id = 'c2'").fetchone()
    assert "zyzzyva" in tokens.split("\n")[7]  # the summary's line


def test_index_text_leaves_out_what_is_only_space() -> None:
    from kasegeru_cli.formats.sqlite import index_text

    assert index_text("東京 大阪") == "東京 東 東京 京 東京 大阪 大 大阪 阪 大阪"
    assert index_text("東京 大阪", cut=False) == "東京 大阪"


def test_the_tokenizer_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    from kasegeru_cli.formats import sqlite as module

    assert module._fts_tokenizer_ok(sqlite3.connect(":memory:")) is True
    monkeypatch.setattr(module, "TOKENIZER", "no_such_tokenizer")
    assert module._fts_tokenizer_ok(sqlite3.connect(":memory:")) is False


def test_without_fts5_the_database_is_refused_with_the_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kasegeru_cli.formats import sqlite as module

    monkeypatch.setattr(module, "TOKENIZER", "no_such_tokenizer")
    with pytest.raises(sqlite3.NotSupportedError) as raised:
        write_sqlite(DATASET, DATASET.cases, tmp_path / "x.db")
    assert str(raised.value) == "this SQLite has no FTS5 (needed for the search index)"
