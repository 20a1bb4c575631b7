"""The web view's own pages on Datasette: a front page, a page per case, a table that fits.

Datasette's means only: templates in ``web_templates/`` (shipped in the wheel
with the package) override ``index.html`` (the front page), the row page of
``cases`` (``row-cases-cases.html``, the record as ``kasegeru show`` prints it,
from the ``case_pages`` table of the export) and the rows of the cases table
(``_table-table-cases-cases.html``: the columns a reader scans, unless ``_col``
or ``_nocol`` asks for others); :class:`Pages` is a plugin object registered in
this process (:func:`register`) with two hooks: ``extra_template_vars`` (the
counts of the front page, read from the database at each request; the case's
page; the language) and ``render_cell`` (JSON arrays as chips linking to the
filtered table, the name linking to the case page).

Japanese by default; ``?lang=en`` (front page and case page) or ``?_lang=en``
(the table, where a plain ``lang`` would be read as a column filter) for English.
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path
from typing import Any

from markupsafe import Markup

DATABASE = "cases"
TEMPLATES = Path(__file__).with_name("web_templates")
"""Passed to Datasette as ``template_dir``."""
PLUGIN = "kasegeru-pages"

SHOWN = ("id", "name", "types", "topics", "prefectures", "operator_kinds", "started",
         "source_ids")
"""The cases table's default columns: id (the link), and 7 a reader scans."""

CHIPS = ("types", "topics", "prefectures", "operator_kinds", "regions", "source_ids")
"""JSON arrays shown as chips, each a link to the table filtered on it."""
LISTS = ("aliases", "tags")
"""JSON arrays shown as comma lists."""

LABELS: dict[str, tuple[str, str]] = {
    "id": ("ID", "ID"), "name": ("事例名", "Case"), "name_en": ("英語名", "English name"),
    "types": ("類型", "Type"), "topics": ("テーマ", "Topics"),
    "prefectures": ("都道府県", "Prefectures"), "regions": ("地方", "Regions"),
    "operator_kinds": ("主体の種別", "Run by"), "started": ("開始", "Started"),
    "source_ids": ("出典資料", "Source"), "types_basis": ("類型の根拠", "Type basis"),
    "summary": ("概要", "Summary"),
}
"""Column (and facet) labels: (Japanese, English)."""

TEXTS: dict[str, tuple[str, str]] = {
    "lead": ("政策資料（国土審議会 稼げる国土専門委員会・地方創生）に載った事例を、"
             "出典の資料・章・項目とともに読み、探すためのページです。",
             "Case studies of Japan's 稼げる国土 and 地方創生 policy reports, each with "
             "its document, section and item."),
    "counts": ("{cases}件の事例 · {docs}件の資料", "{cases} cases from {docs} documents"),
    "search": ("事例を検索", "Search the cases"),
    "search_hint": ("移住、観光、コワーキング …", "移住, tourism, coworking …"),
    "go": ("検索", "Search"),
    "all": ("すべての事例を表で見る", "All cases as a table"),
    "by_topic": ("テーマから", "By topic"), "by_region": ("地方から", "By region"),
    "by_prefecture": ("都道府県から", "By prefecture"), "by_type": ("類型から", "By type"),
    "by_source": ("出典資料から", "By source document"),
    "credit": ("出典表記（再利用するときに記載）", "Credit lines (write them when you reuse)"),
    "licence": ("利用規約", "Licence"),
    "more": ("その他の表と集計", "Other tables and views"),
    "other_lang": ("English", "日本語"),
    "summary": ("概要", "Summary"), "points": ("内容・特徴・成果", "Points"),
    "challenges": ("課題・展望", "Challenges"), "timeline": ("経緯", "Timeline"),
    "figures": ("数値", "Figures"), "actors": ("取組主体・関係者", "Actors"),
    "places": ("取組地域", "Places"), "topics": ("テーマと根拠", "Topics and evidence"),
    "sources": ("出典", "Sources"), "related": ("関連事例", "Related cases"),
    "credits": ("出典表記", "Credit"), "type": ("類型", "Type"),
    "tags": ("タグ", "Tags"), "started": ("開始", "Started"),
    "editorial": ("編集部の判断", "editorial"),
    "data": ("この事例のデータ (JSON)", "This case as data (JSON)"),
    "columns": ("すべての列を表示", "Show all columns"),
}


def lang_of(request: Any) -> str:
    args = request.args if request is not None else {}
    return "en" if (args.get("_lang") or args.get("lang")) == "en" else "ja"


def texts(lang: str) -> dict[str, str]:
    i = 1 if lang == "en" else 0
    return {k: v[i] for k, v in TEXTS.items()}


def labels(lang: str) -> dict[str, str]:
    i = 1 if lang == "en" else 0
    return {k: v[i] for k, v in LABELS.items()}


ROWS = "#rows"
"""Where the front page's links land: the rows (search, facets and filters above)."""


def table_link(column: str, value: str, lang: str = "ja", at: str = "") -> str:
    """The cases table filtered on one value of a JSON array column."""
    args = {f"{column}__arraycontains": value, **({"_lang": "en"} if lang == "en" else {})}
    return f"/{DATABASE}/cases?" + urllib.parse.urlencode(args) + at


def case_link(case_id: str, lang: str = "ja") -> str:
    from datasette.utils import tilde_encode

    return f"/{DATABASE}/cases/{tilde_encode(case_id)}" + ("?lang=en" if lang == "en" else "")


async def front_page(datasette: Any, lang: str) -> dict[str, Any]:
    """The counts of the front page, from the database: cases, documents, and per
    topic, region, prefecture, type and source the cases that have it."""
    from kasegeru_cli.prefectures import REGIONS

    db = datasette.get_database(DATABASE)

    async def pairs(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in (await db.execute(sql)).rows]

    def per(column: str) -> str:
        return (f"SELECT j.value, count(*) FROM cases, json_each(cases.{column}) j "
                "GROUP BY j.value")

    total = (await db.execute("SELECT count(*) FROM cases")).first()[0]
    en = lang == "en"
    topic_n = dict(await pairs(per("topics")))
    type_n = dict(await pairs(per("types")))
    region_n = dict(await pairs(per("regions")))
    source_n = dict(await pairs(per("source_ids")))
    pref_n = await pairs(per("prefectures") + " ORDER BY count(*) DESC, j.value")

    def entries(column: str, rows: list[tuple[Any, ...]], counts: dict[Any, int]
                ) -> list[dict[str, Any]]:
        return [{"label": (r[2] if en else r[1]), "key": r[0], "count": counts[r[0]],
                 "href": table_link(column, r[0], lang, ROWS)} for r in rows if counts.get(r[0])]

    topics = sorted(entries("topics", await pairs(
        "SELECT slug, name, name_en FROM topics"), topic_n), key=lambda e: -e["count"])
    types = entries("types", await pairs("SELECT slug, name, name_en FROM types"), type_n)
    regions = entries("regions", [(r.slug, r.name, r.name_en) for r in REGIONS], region_n)
    sources = entries("source_ids", await pairs(
        "SELECT id, title, title_en FROM sources ORDER BY date, id"), source_n)
    prefs = [{"label": p, "key": p, "count": n,
              "href": table_link("prefectures", p, lang, ROWS)}
             for p, n in pref_n]
    credits = [r[0] for r in await pairs(
        "SELECT '出典：「' || title || '」' || coalesce('（' || publisher || '）', '') || '（'"
        " || coalesce(date_note, date) || '）を加工して作成' FROM sources ORDER BY date, id")]
    docs = (await db.execute("SELECT count(*) FROM sources")).first()[0]
    return {"cases": total, "docs": docs, "topics": topics, "types": types,
            "regions": regions, "prefectures": prefs, "sources": sources,
            "credits": credits}


async def case_of(datasette: Any, request: Any) -> dict[str, Any] | None:
    """The ``case_pages`` record of the case this row page is for."""
    from datasette.utils import tilde_decode

    raw = (request.url_vars or {}).get("pks") if request is not None else None
    if not raw:
        return None
    db = datasette.get_database(DATABASE)
    row = (await db.execute("SELECT page FROM case_pages WHERE case_id = ?",
                            [tilde_decode(raw)])).first()
    if row is None:
        return None
    page: dict[str, Any] = json.loads(row[0])
    return page


class Pages:
    """The plugin object: Datasette's hooks for kasegeru's pages."""

    from datasette import hookimpl

    # Datasette's /-/plugins lists plugins by __name__ (it expects modules).
    __name__ = PLUGIN

    @hookimpl  # type: ignore[untyped-decorator]
    def extra_template_vars(self, template: str, database: str | None, table: str | None,
                            view_name: str, request: Any, datasette: Any) -> Any:
        lang = lang_of(request)

        async def inner() -> dict[str, Any]:
            out: dict[str, Any] = {"kg_lang": lang, "kg_text": texts(lang),
                                   "kg_labels": labels(lang)}
            if view_name == "index":
                out["kg"] = await front_page(datasette, lang)
            elif view_name == "row" and database == DATABASE and table == "cases":
                out["kg_case"] = await case_of(datasette, request)
            elif view_name == "table" and database == DATABASE and table == "cases":
                args = request.args if request is not None else {}
                out["kg_shown"] = None if ("_col" in args or "_nocol" in args) else SHOWN
                out["kg_all_columns"] = _with_arg(request, "_nocol", "summary_en")
            return out

        return inner

    @hookimpl  # type: ignore[untyped-decorator]
    def render_cell(self, row: Any, value: Any, column: str, table: str | None,
                    database: str | None, datasette: Any) -> Any:
        if database != DATABASE or table != "cases" or not isinstance(value, str):
            return None
        if column == "name":
            return Markup('<a class="kg-name" href="{}">{}</a>').format(
                case_link(row["id"]), value)
        if column in CHIPS or column in LISTS:
            try:
                items = json.loads(value)
            except ValueError:
                return None
            if not isinstance(items, list):
                return None
            if not items:  # an empty Markup would let Datasette print []
                return Markup('<span class="kg-none"></span>')
            if column in LISTS:
                return ", ".join(str(i) for i in items)
            return Markup(" ").join(
                Markup('<a class="kg-chip" href="{}">{}</a>').format(
                    table_link(column, str(i)), i) for i in items)
        return None


def _with_arg(request: Any, key: str, value: str) -> str:
    """The current table URL with ``key=value`` added (all columns but one)."""
    if request is None:
        return ""
    args = [(k, v) for k, v in urllib.parse.parse_qsl(request.query_string) if k != key]
    return f"{request.path}?{urllib.parse.urlencode([*args, (key, value)])}"


def register() -> None:
    """Register :class:`Pages` with Datasette's plugin manager, once per process."""
    from datasette.plugins import pm

    if pm.get_plugin(PLUGIN) is None:
        pm.register(Pages(), name=PLUGIN)
