"""The web view: the SQLite export as Datasette and sqlite-utils read it, and `serve`.

Datasette runs through its own test client (no port, no network); sqlite-utils
through its command line. Both are in the `test` extra, so CI runs all of this.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette

from kasegeru_cli import web
from kasegeru_cli.catalog import Catalog, Filters
from kasegeru_cli.formats.sqlite import FTS_COLUMNS, index_text, ngrams
from kasegeru_cli.loader import load_files
from kasegeru_cli.store import bundled_path
from tests.conftest import Cli


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(load_files([bundled_path()]))


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``kasegeru export --format sqlite -o cases.db``: the database and its metadata."""
    from typer.testing import CliRunner

    from kasegeru_cli.cli import app

    path = tmp_path_factory.mktemp("web") / "cases.db"
    result = CliRunner().invoke(app, ["export", "--format", "sqlite", "-o", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "cases.metadata.json" in result.stderr
    return path


@pytest.fixture(scope="module")
def ds(exported: Path) -> Datasette:
    return web.make_datasette(exported, web.metadata_path(exported))


def get(ds: Datasette, path: str) -> Any:
    async def fetch() -> Any:
        return await ds.client.get(path)

    response = asyncio.run(fetch())
    assert response.status_code == 200, (path, response.text[:500])
    return response


def rows(ds: Datasette, path: str) -> list[dict[str, Any]]:
    sep = "&" if "?" in path else "?"
    data = get(ds, f"{path}{sep}_shape=array&_size=max").json()
    assert isinstance(data, list)
    return data


def searched(catalog: Catalog, query: str) -> set[str]:
    return {h.case.id for h in catalog.search(query)}


# ----------------------------------------------------------------------------- search


def test_cases_page_has_the_search_box(ds: Datasette) -> None:
    html = get(ds, "/cases/cases").text
    assert 'name="_search"' in html
    assert get(ds, "/cases/cases.json?_size=0").json()["filtered_table_rows_count"] == 124


@pytest.mark.parametrize("word", ["移住", "観光", "大学", "復興"])
def test_search_finds_two_character_words(ds: Datasette, catalog: Catalog, word: str) -> None:
    found = {r["id"] for r in rows(ds, f"/cases/cases.json?_search={word}")}
    assert found and found == searched(catalog, word)


@pytest.mark.parametrize("word", ["コワーキング", "空き家", "起業家", "オープンイノベーション"])
def test_search_finds_longer_words_inside_text(ds: Datasette, catalog: Catalog,
                                               word: str) -> None:
    found = {r["id"] for r in rows(ds, f"/cases/cases.json?_search={word}")}
    assert found and found == searched(catalog, word)


def test_search_box_query_in_html(ds: Datasette, catalog: Catalog) -> None:
    html = get(ds, "/cases/cases?_search=コワーキング").text
    n = len(searched(catalog, "コワーキング"))
    assert f"{n} rows where search matches" in html and 'value="コワーキング"' in html


# The words `kasegeru search` is measured against: Japanese of 1 to 11 characters,
# English words with plurals and hyphens, full-width and hiragana spellings, and
# topic variants (空家 finds the cases filed under 空き家's topic).
AGREEMENT = ["島", "移住", "観光", "大学", "復興", "医療", "銀行", "コワーキング", "空き家", "空家",
             "地域資源", "古民家", "子育て", "関係人口", "2019年", "24拠点", "ワーケーション",
             "オープンイノベーション", "イノベーション", "高専", "coworking", "startup",
             "start-ups", "universities", "DX", "bank", "co-ba", "こーば", "ＬＯＤＧＥ",
             "childcare"]


def test_fts_agrees_with_kasegeru_search(exported: Path, catalog: Catalog) -> None:
    db = sqlite3.connect(exported)
    for query in AGREEMENT:
        # As Datasette passes a query: each word a quoted phrase.
        match = " ".join(f'"{w}"' for w in query.split())
        found = {r[0] for r in db.execute(
            "SELECT id FROM cases WHERE rowid IN "
            "(SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)", (match,))}
        assert found == searched(catalog, query), query
    # Datasette ANDs the words of a query, wherever each is: "vacant houses" is a
    # concept's label (空家) in kasegeru search, but FTS also finds cases filed under
    # vacant-buildings (whose name gives "vacant") with "houses" elsewhere in their
    # English: 小浜市 (古民家, "old folk houses"), 山陽小野田 ("houses public
    # facilities", a verb), 郡山.
    match = '"vacant" "houses"'
    found = {r[0] for r in db.execute(
        "SELECT id FROM cases WHERE rowid IN "
        "(SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)", (match,))}
    assert found - searched(catalog, "vacant houses") == {
        "obama-wakasa-saba-kaido", "sanyo-onoda-intercity", "koriyama-intercity"}
    assert searched(catalog, "vacant houses") <= found


def test_fts_is_declared_on_cases(exported: Path) -> None:
    db = sqlite3.connect(exported)
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'cases_fts'").fetchone()
    assert 'content="cases"' in sql
    columns = {r[1] for r in db.execute("PRAGMA table_info(cases_search)")}
    assert set(FTS_COLUMNS) <= columns  # reading cases_fts' columns reads cases_search's
    assert db.execute("SELECT count(*) FROM cases_fts").fetchone() == (124,)


def test_ngrams_keep_whole_runs_at_both_ends() -> None:
    assert ngrams("移住者") == ["移住者", "移", "移住", "移住者", "住", "住者", "者", "移住者"]
    assert ngrams("島") == ["島"]
    text = index_text("ＬＯＤＧＥとコーバ、start-up")
    for token in ("LODGE", "ＬＯＤＧＥ", "コーバ", "こーば", "startup"):
        assert token in text.split()
    assert "start-up" in text  # unicode61 makes it start, up


def test_sqlite_utils_search(exported: Path, catalog: Catalog) -> None:
    for word in ("移住", "コワーキング"):
        out = subprocess.run(
            [sys.executable, "-m", "sqlite_utils", "search", str(exported), "cases", word,
             "-c", "id"], capture_output=True, text=True, check=True).stdout
        assert {r["id"] for r in json.loads(out)} == searched(catalog, word)


# ----------------------------------------------------------------------------- facets, values


def test_default_facets_are_the_json_arrays(ds: Datasette, catalog: Catalog) -> None:
    data = get(ds, "/cases/cases.json?_size=0").json()
    facets = data["facet_results"]
    assert set(facets) == {*web.FACETS, "regions", "types_basis", "source_ids"}
    types = {f["value"]: f["count"] for f in facets["types"]["results"]}
    assert types["coworking"] == dict(catalog.stats("type"))["coworking"]
    prefectures = {f["value"]: f["count"] for f in facets["prefectures"]["results"]}
    assert prefectures["東京都"] == dict(catalog.stats("prefecture"))["東京都"]


def test_facet_array_filters(ds: Datasette, catalog: Catalog) -> None:
    found = {r["id"] for r in rows(ds, "/cases/cases.json?operator_kinds__arraycontains="
                                       "university&topics__arraycontains=startups")}
    expected = catalog.filter(Filters(operators=("university",), topics=("startups",)))
    assert found == {c.id for c in expected}


def test_integer_figures_stay_integers(ds: Datasette) -> None:
    figures = rows(ds, "/cases/figures.json?case_id=co-ba")
    assert any(f["value"] == 24 and isinstance(f["value"], int) for f in figures)
    all_values = rows(ds, "/cases/figures.json?_col=value")
    assert any(isinstance(f["value"], float) for f in all_values)  # 9.3 億円 stays 9.3


def test_foreign_keys_and_labels(exported: Path, ds: Datasette) -> None:
    db = sqlite3.connect(exported)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    page = get(ds, "/cases/figures?case_id=co-ba").text
    assert "シェアードワークプレイス" in page  # case_id shown with the case's name


# ----------------------------------------------------------------------------- metadata, queries


def test_metadata_is_shown(ds: Datasette, catalog: Catalog) -> None:
    meta = get(ds, "/-/metadata.json").json()
    assert meta["title"] == web.TITLE and "政府標準利用規約" in meta["license"]
    home = get(ds, "/").text
    assert web.TITLE in home and "政府標準利用規約" in home
    for source in catalog.dataset.sources.values():
        assert source.title.replace("\u3000", " ")[:12] in home.replace("\u3000", " ")
    assert "を加工して作成" in home
    table = get(ds, "/cases/cases").text
    assert "出典：" in table and "政府標準利用規約" in table  # credit line and licence


def test_column_descriptions_cover_every_case_column(exported: Path, ds: Datasette) -> None:
    db = sqlite3.connect(exported)
    columns = [r[1] for r in db.execute("PRAGMA table_info(cases)")]
    assert columns == list(web.CASE_COLUMNS)
    data = get(ds, "/cases/cases.json?_size=0&_extra=columns").json()
    assert data["columns"][:2] == ["id", "name"]
    html = get(ds, "/cases/cases").text
    assert web.CASE_COLUMNS["prefectures"][:40] in html


def test_column_descriptions_follow_data_md() -> None:
    data_md = (Path(__file__).resolve().parents[1] / "docs" / "DATA.md").read_text("utf-8")
    for phrase in ("the document's own title for the case, as printed",
                   "curators' English summary, faithful, no facts beyond the Japanese",
                   "the printed date of the case's own founding, opening or launch"):
        assert phrase in data_md
        assert any(phrase.lower() in d.lower() for d in web.CASE_COLUMNS.values())


def test_canned_query_credit_lines(ds: Datasette, cli: Cli) -> None:
    credits = [r["credit"] for r in rows(ds, "/cases/credit_lines.json?case_id=co-ba")]
    cited = [r["ja"] for r in cli.json("cite", "co-ba", "--json")]
    assert credits == cited


def test_canned_query_prefecture_and_views(ds: Datasette, catalog: Catalog) -> None:
    found = {r["id"] for r in rows(ds, "/cases/cases_in_prefecture.json?prefecture=宮崎県")}
    assert found == {c.id for c in catalog.filter(Filters(prefectures=("宮崎県",)))}
    by_pref = {r["prefecture"]: r["cases"] for r in rows(ds, "/cases/cases_by_prefecture.json")}
    assert by_pref == {k: n for k, n in catalog.stats("prefecture") if k is not None}


# ----------------------------------------------------------------------------- export, serve


def test_export_refuses_to_overwrite_the_metadata(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "x.metadata.json").write_text("{}", encoding="utf-8")
    result = cli("export", "--format", "sqlite", "-o", str(tmp_path / "x.db"))
    assert result.exit_code == 1 and "x.metadata.json" in result.stderr
    assert not (tmp_path / "x.db").exists()
    result = cli("export", "--format", "sqlite", "-o", str(tmp_path / "x.db"), "--force")
    assert result.exit_code == 0, result.stderr
    meta = json.loads((tmp_path / "x.metadata.json").read_text("utf-8"))
    assert list(meta["databases"]) == ["x"]  # Datasette names the database by its file


def test_serve_without_datasette_says_how_to_install(cli: Cli,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasette", None)  # import datasette → ImportError
    result = cli("serve")
    assert result.exit_code == 1
    assert "pip install 'kasegeru[web]'" in result.stderr


def test_cli_start_up_does_not_import_datasette() -> None:
    code = ("import sys; from kasegeru_cli.cli import app; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('datasette', 'uvicorn', 'sqlite3')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


class Served:
    """In place of :func:`web.run`: records what it was given and counts the rows."""

    def __init__(self) -> None:
        self.calls: list[tuple[Path, str, int, bool]] = []
        self.counts: list[int] = []
        self.metadata: list[dict[str, Any]] = []
        self.sql: list[bool] = []
        self.where: list[web.Listening] = []
        self.stderr = ""

    def __call__(self, directory: Path, where: web.Listening, open_browser: bool,
                 metadata: dict[str, Any], allow_sql: bool = False) -> None:
        self.calls.append((directory, where.host, where.port, open_browser))
        self.where.append(where)
        self.metadata.append(metadata)
        self.sql.append(allow_sql)
        self.count(directory)

    def count(self, directory: Path) -> None:
        db = sqlite3.connect(directory / "cases.db")
        self.counts.append(db.execute("SELECT count(*) FROM cases").fetchone()[0])
        db.close()


def any_port(monkeypatch: pytest.MonkeyPatch) -> None:
    """``serve --port N`` binds a free port instead of N (N may be taken on this
    machine); ``where.port`` stays N."""
    real = web.listening

    def listening(host: str, port: int) -> web.Listening:
        where = real(host, 0)
        where.port = port
        return where

    monkeypatch.setattr(web, "listening", listening)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Served:
    fake = Served()
    monkeypatch.setattr(web, "run", fake)
    any_port(monkeypatch)
    return fake


def test_serve_builds_once_then_reuses(cli: Cli, served: Served, cold_cache: Path) -> None:
    # A cache of its own: test_hostile3_web serves --type coworking in the shared one.
    first = cli("serve", "--type", "coworking", "--port", "8123")
    assert first.exit_code == 0, first.stderr
    second = cli("serve", "--type", "coworking", "--port", "8123")
    assert "built" in first.stderr and "from the cache" in second.stderr
    other = cli("serve")
    assert other.exit_code == 0, other.stderr
    (d1, host, port, opened), (d2, *_), (d3, *_) = served.calls
    assert d1 == d2 != d3 and (host, port, opened) == ("127.0.0.1", 8123, False)
    assert served.counts == [31, 31, 124]


GAMMA = """\
[[cases]]
id = "gamma"
name = "ガンマ移住"
name_en = "Gamma"
summary = "ガンマの概要。"
summary_en = "About gamma."

[[cases.sources]]
source = "mine"
section = "第3章"
"""


def test_serve_takes_data_and_add(cli: Cli, served: Served, minimal_file: Path,
                                  tmp_path: Path) -> None:
    result = cli("--data", str(minimal_file), "serve", "--open", "--host", "localhost")
    assert result.exit_code == 0, result.stderr
    assert served.counts == [2] and served.calls[0][1:] == ("localhost", 8001, True)
    extra = tmp_path / "gamma.toml"
    extra.write_text(GAMMA, encoding="utf-8")
    result = cli("--data", str(minimal_file), "--add", str(extra), "serve")
    assert result.exit_code == 0, result.stderr
    assert served.counts == [2, 3]
    db = sqlite3.connect(served.calls[1][0] / "cases.db")
    assert db.execute("SELECT id FROM cases WHERE rowid IN (SELECT rowid FROM cases_fts "
                      "WHERE cases_fts MATCH '移住')").fetchall() == [("gamma",)]


def test_serve_without_a_cache_builds_in_a_temporary_directory(cli: Cli, served: Served
                                                               ) -> None:
    result = cli("serve", "--source", "2019-report", env={"KASEGERU_NO_CACHE": "1"})
    assert result.exit_code == 0, result.stderr
    assert served.counts == [23] and not served.calls[0][0].exists()  # removed afterwards


def test_serve_refuses_a_busy_port(cli: Cli) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = cli("serve", "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot listen on 127.0.0.1:{port}: the port is in use " \
                            "(try --port)\n"


# ----------------------------------------------------------------------------- kasegeru's pages
# The front page, the page of a case and the cases table's default columns
# (kasegeru_cli.webpages and its templates). Expected values by hand, from
# `kasegeru stats` and `kasegeru show co-ba` of the bundled dataset.


def test_front_page_says_what_the_data_is_and_has_a_search_box(ds: Datasette) -> None:
    html = get(ds, "/").text
    assert "124件の事例 · 5件の資料" in html
    assert '<form class="kg-search" action="/cases/cases#rows"' in html
    assert 'name="_search"' in html
    assert "出典：「稼げる国土専門委員会 2019年とりまとめ報告書" in html  # a credit line
    assert "政府標準利用規約" in html


@pytest.mark.parametrize(("label", "href", "count"), [
    # kasegeru stats --by topic / region / type / source / prefecture
    ("起業・スタートアップ", "/cases/cases?topics__arraycontains=startups", 32),
    ("移住・関係人口", "/cases/cases?topics__arraycontains=relocation", 10),
    ("関東", "/cases/cases?regions__arraycontains=kanto", 26),
    ("中部", "/cases/cases?regions__arraycontains=chubu", 21),
    ("コワーキング型", "/cases/cases?types__arraycontains=coworking", 31),
    ("東京都", "/cases/cases?prefectures__arraycontains=%E6%9D%B1%E4%BA%AC%E9%83%BD", 21),
    ("大都市圏と地方都市等の連携の事例一覧",
     "/cases/cases?source_ids__arraycontains=2018-partnerships", 6),
])
def test_front_page_entry_points_link_to_the_filtered_table_with_counts(
        ds: Datasette, label: str, href: str, count: int) -> None:
    html = get(ds, "/").text
    # each lands on the rows (#rows), the search box and facets above them
    assert f'<a href="{href}#rows">{label}</a>' in html.replace("&amp;", "&")
    assert re.search(rf'<a href="{re.escape(href)}#rows">{re.escape(label)}</a>(&nbsp;| )'
                     rf'<span class="kg-n">{count}</span>', html), label
    assert get(ds, href.replace("/cases/cases?", "/cases/cases.json?_size=0&")).json()[
        "filtered_table_rows_count"] == count


def test_front_page_in_english(ds: Datasette) -> None:
    html = get(ds, "/?lang=en").text
    assert "124 cases from 5 documents" in html
    assert ">By topic<" in html and ">By region<" in html and ">By type<" in html
    assert ('<a href="/cases/cases?topics__arraycontains=startups&amp;_lang=en#rows">'
            "Start-ups and entrepreneurship</a>") in html
    assert '<input type="hidden" name="_lang" value="en">' in html


CO_BA_SECTIONS = {
    # heading → a line of `kasegeru show co-ba` in that section
    "概要": "㈱ツクルバが運営する「co-ba渋谷」のコンセプトやノウハウを提供することで",
    "内容・特徴・成果": "<li>co-ba渋谷が実験の場となり、成果を他拠点でも導入。</li>",
    "課題・展望": "<li>co-ba schoolを他拠点でも受講できるようオンライン配信を検討。</li>",
    "経緯": "<dt>2018-10</dt><dd>co-ba事業の新たな試みとして、スタートアップに特化した拠点",
    "数値": "<li>co-baの拠点数 24拠点 (2019-03, 全国)</li>",
    "取組主体・関係者": "㈱ツクルバ — 運営（co-ba渋谷）、各地の拠点の開設や運営をサポート "
                "<span class=\"kg-mark\">[company, lead]</span>",
    "取組地域": "<dt>main</dt><dd>東京都渋谷区（co-ba渋谷）</dd>",
    "テーマと根拠": "働き方・テレワーク</a>",
    "出典": "【付録】平成30年度の調査結果 １．(１) コワーキング型 【大都市圏×地方都市等】 ②",
    "関連事例": '<a href="/cases/cases/ama-town-machizukuri">海士町のまちづくり</a>',
    "出典表記": "<li>出典：「稼げる国土専門委員会 2019年とりまとめ報告書 ～新たな時代における"
            "「予定調和なき対流」によるイノベーション創出～」（国土交通省国土政策局）"
            "（平成31年4月）を加工して作成</li>",
}


def test_case_page_reads_like_show(ds: Datasette) -> None:
    html = get(ds, "/cases/cases/co-ba").text
    article = html[html.index('<article class="kg-case">'):html.index("</article>")]
    assert "<h1>シェアードワークプレイス「co-ba（コーバ）」</h1>" in article
    assert "Shared workplace co-ba" in article
    at = 0
    for heading, line in CO_BA_SECTIONS.items():  # in show's order
        found = article.find(f"<h2>{heading}", at)
        assert found > 0, heading
        after = article[found:]
        end = after.find("<h2>", 4)
        assert line in (after if end < 0 else after[:end]), heading
        at = found
    assert "コワーキング型</a>" in article  # the type, as a link to its cases
    assert '["' not in article and '{"' not in article  # no raw JSON


def test_case_page_in_english(ds: Datasette) -> None:
    html = get(ds, "/cases/cases/co-ba?lang=en").text
    assert "<h1>Shared workplace co-ba</h1>" in html
    assert "By sharing the concept and know-how of co-ba Shibuya" in html
    assert "<h2>Figures</h2>" in html and "<h2>Related cases</h2>" in html


def test_a_row_of_another_table_keeps_datasettes_page(ds: Datasette) -> None:
    html = get(ds, "/cases/sources/2019-report").text
    assert "kg-case" not in html and "稼げる国土専門委員会 2019年とりまとめ報告書" in html


def headers(html: str) -> list[str]:
    return re.findall(r'<th [^>]*scope="col" data-column="([^"]+)"', html)


def test_cases_table_shows_the_columns_a_reader_scans(ds: Datasette) -> None:
    html = get(ds, "/cases/cases?topics__arraycontains=remote-work").text
    assert '<div id="rows"></div>' in html  # where the front page's links land
    assert headers(html) == ["id", "name", "types", "prefectures", "topics",
                             "operator_kinds", "started", "source_ids"]
    assert ">都道府県</a>" in html and ">主体の種別</a>" in html  # Japanese labels
    # JSON arrays as chips linking to the filtered table; the name to the case page
    assert ('<a class="kg-chip" href="/cases/cases?topics__arraycontains=remote-work">'
            "remote-work</a>") in html
    assert '<a class="kg-name" href="/cases/cases/co-ba">シェアードワークプレイス' in html
    assert '[&#34;' not in html and '["' not in html
    assert ">[]</td>" not in html  # an empty array is an empty cell
    assert "15 rows where" in html  # kasegeru stats --by topic: remote-work 15
    # the rest on request, as Datasette's _col
    everything = get(ds, "/cases/cases?_col=name&_col=summary").text
    assert headers(everything) == ["id", "name", "summary"]


def test_cases_table_in_english_and_its_facets(ds: Datasette) -> None:
    html = get(ds, "/cases/cases?_lang=en").text
    assert ">Prefectures</a>" in html and ">Run by</a>" in html
    facets = get(ds, "/cases/cases.json?_size=0").json()["facet_results"]
    assert {f["value"]: f["count"] for f in facets["regions"]["results"]}["kanto"] == 26
    assert {f["value"]: f["count"] for f in facets["types_basis"]["results"]}["named"] == 24
    assert {f["value"]: f["count"] for f in facets["source_ids"]["results"]}[
        "chiho-sosei-2"] == 54


def test_cases_facets_are_named_in_the_readers_language(ds: Datasette) -> None:
    ja = get(ds, "/cases/cases").text
    assert re.search(r"<strong>都道府県\s*<span class=\"facet-info-total\">", ja)
    assert re.search(r"<strong>地方\s*<span class=\"facet-info-total\">", ja)
    en = get(ds, "/cases/cases?_lang=en").text
    assert re.search(r"<strong>Run by\s*<span class=\"facet-info-total\">", en)
    other = get(ds, "/cases/locations?_facet=role").text  # other tables: Datasette's names
    assert re.search(r"<strong>role\s*<span class=\"facet-info-total\">", other)
