"""records.py on cases built by hand: the flat (CSV and table) text of every
field, the searchable texts, and the JSON shapes. Every expected string below is
written out by hand, not produced by the code."""

from __future__ import annotations

import json

import pytest

from kasegeru_cli.models import Actor, Case, Event, Figure, Location, SourceRef
from kasegeru_cli.records import (
    case_value,
    date_text,
    figure_text,
    flat_value,
    hits_json,
    number_text,
    pick,
    records_json,
)
from kasegeru_cli.search import searchable_texts as search_texts

FULL = Case(
    id="kumo",
    name="くもラボ",
    name_en="Kumo Lab",
    summary="雲の概要。",
    summary_en="About clouds.",
    aliases=("KUMO", "雲ラボ"),
    types=("coworking", "network"),
    types_basis="editorial",
    types_note="拠点が複数",
    category="地域資源発掘型",
    flow="大都市圏×地方都市等",
    sector="private",
    tags=("移住", "副業"),
    points=("要点一", "要点二"),
    challenges=("課題一",),
    related=("sora",),
    topics=("migration",),
    topic_evidence={"migration": "移住", "side-jobs": "副業"},
    started="2016-04",
    started_fiscal=True,
    started_evidence="開設",
    actors=(Actor("（株）くも", "運営", "company", True),
            Actor("雲市", None, "municipality"),
            Actor("匿名の人")),
    locations=(Location("main", "宮崎県", "日南市", "油津商店街"),
               Location("site", "東京都", "渋谷区"),
               Location("partner", None, None, "九州地方", regions=("kyushu",)),
               Location("site", "島根県", planned=True)),
    timeline=(Event("2016-04", "開設", fiscal=True),
              Event("2018", "拡張", until="2020", planned=True),
              Event("2017-05-01", "受賞")),
    figures=(Figure("会員数", 1200, "人", qualifier="約", as_of="2019-03"),
             Figure("拠点数", 24, "拠点", value_max=30, planned=True),
             Figure("参加", 100, "人", qualifier="以上", as_of="2018", fiscal=True,
                    note="延べ"),
             Figure("比率", 12.5, "%")),
    sources=(SourceRef("2019-report", "第3章", "２．"), SourceRef("bessi", "別紙1")),
)

BARE = Case(id="hadaka", name="はだか", name_en="Bare", summary="要約。",
            summary_en="Summary.")


# ------------------------------------------------------------------ flat values


@pytest.mark.parametrize(("name", "expected"), [
    ("actors", "（株）くも（運営） [company, lead]; 雲市 [municipality]; 匿名の人"),
    ("locations", "宮崎県日南市（油津商店街） [main]; 東京都渋谷区 [site]; "
                  "九州地方 [partner]; 島根県 [site, planned]"),
    ("topic_evidence", "migration: 移住; side-jobs: 副業"),
    ("timeline", "FY2016-04 開設; 2018–2020 (planned) 拡張; 2017-05-01 受賞"),
    ("figures", "会員数 約1,200人 (2019-03); 拠点数 24～30拠点 (target); "
                "参加 100人以上 (FY2018, 延べ); 比率 12.5%"),
    ("sources", "2019-report 第3章 ２．; bessi 別紙1"),
    ("years", "2016; 2017; 2018; 2019; 2020"),
    ("prefectures", "宮崎県; 東京都"),
    ("aliases", "KUMO; 雲ラボ"),
    ("types", "coworking; network"),
    ("started", "2016-04"),
    ("started_fiscal", "True"),
    ("category", "地域資源発掘型"),
    ("id", "kumo"),
])
def test_flat_value_of_every_kind_of_field(name: str, expected: str) -> None:
    assert flat_value(FULL, name) == expected


@pytest.mark.parametrize("name", ["actors", "locations", "topic_evidence", "timeline",
                                  "figures", "sources", "years", "prefectures", "aliases",
                                  "category", "started"])
def test_flat_value_of_an_empty_field_is_empty(name: str) -> None:
    assert flat_value(BARE, name) == ""


def test_flat_value_of_false_is_false() -> None:
    assert flat_value(BARE, "started_fiscal") == "False"


@pytest.mark.parametrize(("args", "expected"), [
    (("2018",), "2018"),
    (("2018", True), "FY2018"),
    (("2018", False, True), "2018 (planned)"),
    (("2016", False, False, "2018"), "2016–2018"),
    (("2016", True, True, "2018"), "FY2016–FY2018 (planned)"),
    (("2016-04", False, False, None), "2016-04"),
])
def test_date_text(args: tuple[object, ...], expected: str) -> None:
    assert date_text(*args) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "expected"), [
    (24, "24"), (1200, "1,200"), (24.0, "24"), (12.5, "12.5"), (1234567.25, "1,234,567.25"),
    (0.1, "0.1"), (1 / 3, "0.3333333333"),
])
def test_number_text(value: float, expected: str) -> None:
    assert number_text(value) == expected


@pytest.mark.parametrize(("figure", "expected"), [
    (Figure("人数", 5, "人"), "人数 5人"),
    (Figure("人数", 5), "人数 5"),
    (Figure("人数", 5, "人", qualifier="延べ"), "人数 延べ5人"),
    (Figure("人数", 5, "人", qualifier="超"), "人数 5人超"),
    (Figure("人数", 5, "人", qualifier="程度", as_of="2019"), "人数 5人程度 (2019)"),
    (Figure("人数", 2, "名", value_max=20), "人数 2～20名"),
    (Figure("人数", 5, "人", as_of="2019", fiscal=True, planned=True, note="見込み"),
     "人数 5人 (FY2019, target, 見込み)"),
    (Figure("人数", 5, "人", note="延べ"), "人数 5人 (延べ)"),
])
def test_figure_text(figure: Figure, expected: str) -> None:
    assert figure_text(figure) == expected


# --------------------------------------------------------------- search texts


def test_search_texts_names_each_field_and_text_in_order() -> None:
    assert list(search_texts(FULL)) == [
        ("id", "kumo"),
        ("name", "くもラボ"),
        ("name_en", "Kumo Lab"),
        ("aliases", "KUMO"),
        ("aliases", "雲ラボ"),
        ("tags", "移住"),
        ("tags", "副業"),
        ("types", "coworking"),
        ("types", "network"),
        ("category", "地域資源発掘型"),
        ("summary", "雲の概要。"),
        ("summary_en", "About clouds."),
        ("points", "要点一"),
        ("points", "要点二"),
        ("challenges", "課題一"),
        ("actors", "（株）くも（運営）"),
        ("actors", "雲市"),
        ("actors", "匿名の人"),
        ("locations", "宮崎県日南市（油津商店街）"),
        ("locations", "東京都渋谷区"),
        ("locations", "九州地方"),
        ("locations", "島根県"),
        ("timeline", "2016-04 開設"),
        ("timeline", "2018 拡張"),
        ("timeline", "2017-05-01 受賞"),
        ("figures", "会員数 約1200人"),
        ("figures", "拠点数 24拠点"),
        ("figures", "参加 以上100人"),
        ("figures", "比率 12.5%"),
        ("types_note", "拠点が複数"),
        ("sources", "第3章 ２．"),
        ("sources", "別紙1"),
    ]


def test_search_texts_of_a_bare_case() -> None:
    assert list(search_texts(BARE)) == [
        ("id", "hadaka"), ("name", "はだか"), ("name_en", "Bare"),
        ("summary", "要約。"), ("summary_en", "Summary.")]


# ------------------------------------------------------------------ JSON shapes


def test_case_value_of_nested_and_derived_fields() -> None:
    assert case_value(FULL, "prefectures") == ["宮崎県", "東京都"]
    assert case_value(FULL, "years") == [2016, 2017, 2018, 2019, 2020]
    assert case_value(FULL, "aliases") == ["KUMO", "雲ラボ"]
    assert case_value(FULL, "topic_evidence") == {"migration": "移住", "side-jobs": "副業"}
    assert case_value(FULL, "started") == "2016-04"
    assert case_value(BARE, "started") is None
    assert case_value(FULL, "sources") == [
        {"source": "2019-report", "section": "第3章", "section_en": None, "item": "２．"},
        {"source": "bessi", "section": "別紙1", "section_en": None, "item": None}]
    assert case_value(FULL, "locations")[2] == {
        "role": "partner", "prefecture": None, "municipality": None, "area": "九州地方",
        "area_en": None, "country": None, "note": None, "note_en": None, "regions": ["kyushu"],
        "planned": False}


def test_pick_keeps_the_order_asked() -> None:
    assert pick(FULL, ("years", "id", "types")) == {
        "years": [2016, 2017, 2018, 2019, 2020], "id": "kumo",
        "types": ["coworking", "network"]}
    assert list(pick(FULL, ("years", "id"))) == ["years", "id"]
    assert pick(BARE, None)["id"] == "hadaka" and pick(BARE, None)["actors"] == []


def cache_of(*cases: Case) -> dict[str, str]:
    """Each record as the cache keeps it (store.array_element of its document)."""
    from kasegeru_cli.formats.jsonfmt import render_json
    from kasegeru_cli.store import array_element

    return {c.id: array_element(render_json(pick(c, None))) for c in cases}


def test_records_json_from_the_cache_is_the_same_text() -> None:
    rendered = records_json([FULL, BARE])
    one = json.loads(rendered)
    assert [r["id"] for r in one] == ["kumo", "hadaka"]
    assert one[0]["figures"][1] == {
        "label": "拠点数", "label_en": None, "value": 24, "unit": "拠点", "unit_en": None,
        "value_max": 30, "as_of": None, "fiscal": False, "planned": True, "qualifier": None,
        "qualifier_en": None, "note": None, "note_en": None}
    cached = cache_of(FULL, BARE)
    assert records_json([BARE, FULL], cached) == records_json([BARE, FULL])
    assert records_json([], cached) == records_json([]) == "[]\n"


def test_hits_json_splices_the_match_as_the_last_key() -> None:
    cached = cache_of(FULL, BARE)
    match = {"field": "tags", "text": "移住", "score": 3}
    text = hits_json([FULL, BARE], [match, {"field": "id", "text": "hadaka"}], cached)
    from kasegeru_cli.formats.jsonfmt import render_json

    expected = render_json([{**json.loads(records_json([FULL]))[0], "match": match},
                            {**json.loads(records_json([BARE]))[0],
                             "match": {"field": "id", "text": "hadaka"}}])
    assert text == expected
    assert list(json.loads(text)[0])[-1] == "match"


def test_edges_the_bundled_data_does_not_reach() -> None:
    # a reference without a section, a figure without a unit, an integer of more
    # than ten digits (not printed in exponent form)
    edge = Case(id="edge", name="端", name_en="Edge", summary="要約。", summary_en="S.",
                figures=(Figure("数", 5),), sources=(SourceRef("bessi", ""),))
    assert flat_value(edge, "sources") == "bessi"
    assert ("figures", "数 5") in list(search_texts(edge))
    assert number_text(12_345_678_901) == "12,345,678,901"


def test_hits_json_refuses_a_match_list_of_another_length() -> None:
    with pytest.raises(ValueError, match="zip"):
        hits_json([FULL, BARE], [{"field": "id"}], cache_of(FULL, BARE))
