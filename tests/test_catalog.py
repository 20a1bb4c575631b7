"""Catalog's lookups, orders and counts on a small dataset built by hand, where
each expected value can be worked out by reading the cases below."""

from __future__ import annotations

import pytest

from kasegeru_cli.catalog import (
    AmbiguousError,
    Catalog,
    Filters,
    NotFoundError,
    QueryError,
    _fold_texts,
    suggestion_text,
)
from kasegeru_cli.models import (
    Actor,
    Case,
    CaseType,
    Dataset,
    Event,
    Figure,
    Location,
    Source,
    SourceRef,
    Topic,
)


def case(id: str, **kw: object) -> Case:
    base: dict[str, object] = {"name": f"{id}の名", "name_en": id.title(),
                               "summary": "概要。", "summary_en": "Summary."}
    base.update(kw)
    return Case(id=id, **base)  # type: ignore[arg-type]


TYPES = {"coworking": CaseType("coworking", "コワーキング型", "Coworking", "定義", "別紙1"),
         "network": CaseType("network", "ネットワーク型", "Network", "定義", "別紙1")}
SOURCES = {"one": Source("one", "001_one.txt", "一", "One", "2019-05"),
           "two": Source("two", "002_two.txt", "二", "Two", "2020-03")}
TOPICS = {"migration": Topic("migration", "移住", "Migration", "移り住む", ("UIJターン",)),
          "side-jobs": Topic("side-jobs", "副業・兼業", "Side jobs", "副業", ("複業",))}
CASES = (
    # cited by "two" twice and by "one": counts once under each
    case("cedar", name="スギ", name_en="Cedar", types=("coworking",), types_basis="named",
         started="2012-04", tags=("林業", "移住"),
         locations=(Location("main", "宮崎県"),),
         timeline=(Event("2012-04", "開設"), Event("2019", "拡張")),
         sources=(SourceRef("two", "第1章"), SourceRef("one", "別紙"),
                  SourceRef("two", "第2章"))),
    case("birch", name="カバ", name_en="Birch", types=("coworking", "network"),
         category="【観光】【農業】 連携", started="2008",
         locations=(Location("main", "北海道"),),
         timeline=(Event("2010", "開始"),),
         sources=(SourceRef("one", "別紙"),)),
    case("alder", name="ハンノキ", name_en="alder tree", types=("network",),
         types_basis="group", aliases=("ハン",),
         locations=(Location("partner", "東京都"),),
         actors=(Actor("市", "運営", "municipality", True),),
         sources=(SourceRef("gone", "第9章"),)),
    case("aspen", name="ポプラ", name_en="Aspen", types=("island",),
         sources=(SourceRef("two", "第3章"),)),
)
CATALOG = Catalog(Dataset(types=TYPES, topics=TOPICS, sources=SOURCES, cases=CASES))


def ids(cases: list[Case]) -> list[str]:
    return [c.id for c in cases]


# ------------------------------------------------------------------ orders


def test_sort_by_each_key() -> None:
    assert ids(CATALOG.sort(CASES, "id")) == ["alder", "aspen", "birch", "cedar"]
    # folded names: かば < すぎ < はんのき < ぽぷら
    assert ids(CATALOG.sort(CASES, "name")) == ["birch", "cedar", "alder", "aspen"]
    # English names folded for case: alder tree < aspen < birch < cedar
    assert ids(CATALOG.sort(CASES, "name", "en")) == ["alder", "aspen", "birch", "cedar"]
    # 北海道 (1) < 宮崎県 (45) < no place of its own (alder's is a partner; aspen has none)
    assert ids(CATALOG.sort(CASES, "prefecture")) == ["birch", "cedar", "alder", "aspen"]
    # first year: birch 2010, cedar 2012, then the undated by id
    assert ids(CATALOG.sort(CASES, "year")) == ["birch", "cedar", "alder", "aspen"]
    # started: 2008, 2012-04, then those without a start, by id
    assert ids(CATALOG.sort(CASES, "started")) == ["birch", "cedar", "alder", "aspen"]
    # the first source in the dataset's order: one (birch, cedar), two (aspen), unknown
    assert ids(CATALOG.sort(CASES, "source")) == ["birch", "cedar", "aspen", "alder"]
    with pytest.raises(QueryError, match=r"unknown sort key 'size'; choose from: id, name, "
                                         r"prefecture, year, started, source"):
        CATALOG.sort(CASES, "size")


# ------------------------------------------------------------------ counts


def test_count_by_source_counts_a_record_once_per_source() -> None:
    assert CATALOG.count_by_source() == {"one": 2, "two": 2, "gone": 1}


def test_count_by_type_by_basis() -> None:
    assert CATALOG.count_by_type() == {
        "coworking": {"named": 1, "group": 0, "editorial": 1},  # birch has no basis
        "network": {"named": 0, "group": 1, "editorial": 1},
        "island": {"named": 0, "group": 0, "editorial": 1},  # not a type of the dataset
    }


def test_stats_by_category_tags_and_sections() -> None:
    # most first: the three cases without a category outnumber the one with
    assert CATALOG.stats("category") == [(None, 3), ("【観光】【農業】 連携", 1)]
    assert CATALOG.stats("source") == [("one", 2), ("two", 2), ("gone", 1)]
    assert CATALOG.stats("section") == [("one: 別紙", 2), ("gone: 第9章", 1), ("two: 第1章", 1),
                                        ("two: 第2章", 1), ("two: 第3章", 1)]


# ------------------------------------------------------------------ tags


def test_a_category_label_is_a_tag() -> None:
    assert Catalog._category_tags(CASES[1]) == ("観光", "農業")
    assert Catalog._category_tags(CASES[0]) == ()
    assert Catalog._category_tags(case("x", category="連携【観光】")) == ()
    assert ids(CATALOG.filter(Filters(tags=("農業",)))) == ["birch"]
    assert ids(CATALOG.filter(Filters(tags=("林",)))) == ["cedar"]


def test_a_tag_that_matches_nothing_is_noted_with_the_nearest() -> None:
    filters = Filters(tags=("林業家", "zzz", "移住"))  # alternatives: 移住 finds cedar
    assert ids(CATALOG.filter(filters)) == ["cedar"]
    assert filters.notes == [
        "no tag contains '林業家'; nearest tags: 林業. Try `kasegeru search` or --topic for "
        "a broader match.",
        "no tag contains 'zzz'. Try `kasegeru search` or --topic for a broader match.",
    ]


# ------------------------------------------------------------------ resolving


def test_resolve_type_by_slug_name_and_unique_part() -> None:
    assert CATALOG.resolve_type("Network") == "network"
    assert CATALOG.resolve_type("コワーキング型") == "coworking"
    assert CATALOG.resolve_type("ｺﾜｰｷﾝｸﾞ") == "coworking"
    assert CATALOG.resolve_type("net") == "network"
    with pytest.raises(QueryError) as err:
        CATALOG.resolve_type("型")  # a part of both names
    assert str(err.value) == ("unknown type '型'; choose from: coworking (コワーキング型), "
                              "network (ネットワーク型)")
    with pytest.raises(QueryError, match=r"unknown type 'netwrok' \(did you mean network\?\)"):
        CATALOG.resolve_type("netwrok")


def test_resolve_topic_by_name_variant_part_and_nearest() -> None:
    assert CATALOG.resolve_topic("副業・兼業") == "side-jobs"
    assert CATALOG.resolve_topic("兼業") == "side-jobs"  # a part of the name after ・
    assert CATALOG.resolve_topic("複業") == "side-jobs"
    assert CATALOG.resolve_topic("uijターン") == "migration"
    assert CATALOG.resolve_topic("side") == "side-jobs"  # a unique part of the slug
    assert CATALOG.resolve_topic("MIGR") == "migration"
    with pytest.raises(QueryError) as err:
        CATALOG.resolve_topic("migraton")
    assert str(err.value) == ("unknown topic 'migraton' (did you mean migration?); see "
                              "`kasegeru topics` for all 2")
    with pytest.raises(QueryError) as err:
        CATALOG.resolve_topic("i")  # in both slugs
    assert str(err.value).startswith("unknown topic 'i' (did you mean migration or side-jobs?)")


def test_resolve_operator_basis_sector_source() -> None:
    assert Catalog.resolve_operator(" Local_Government ") == "municipality"
    assert Catalog.resolve_operator("banks") == "financial"
    with pytest.raises(QueryError) as err:
        Catalog.resolve_operator("compny")
    assert str(err.value).startswith("unknown operator kind 'compny' (did you mean company?);")
    assert Catalog.resolve_basis(" NAMED") == "named"
    with pytest.raises(QueryError) as err:
        Catalog.resolve_basis("grup")
    assert str(err.value).startswith("unknown basis 'grup' (did you mean group?); choose from: "
                                     "named (the report names the case)")
    assert Catalog.resolve_sector("民") == "private"
    assert CATALOG.resolve_source("002") == "two"
    assert CATALOG.resolve_source("002_TWO.txt") == "two"
    assert CATALOG.resolve_source("tw") == "two"
    with pytest.raises(QueryError) as err:
        CATALOG.resolve_source("o")  # in both ids
    assert str(err.value) == "unknown source 'o'; choose from: one, two"


# ------------------------------------------------------------------ lookup


def test_lookup_errors_carry_what_was_asked() -> None:
    with pytest.raises(NotFoundError) as missing:
        CATALOG.lookup("cedr")
    assert missing.value.query == "cedr" and missing.value.suggestions == ["cedar"]
    assert str(missing.value) == "cedr"
    with pytest.raises(AmbiguousError) as ambiguous:
        CATALOG.lookup("a")  # a part of several names
    assert ambiguous.value.query == "a"
    # in the dataset's order; birch (カバ, Birch) has no "a"
    assert ids(ambiguous.value.cases) == ["cedar", "alder", "aspen"]
    assert CATALOG.lookup("ハン").id == "alder"
    assert CATALOG.suggest("aspne") == ["aspen"]
    assert CATALOG.suggest("a", 2) == ["alder", "aspen"]


def test_suggestion_text() -> None:
    assert suggestion_text([]) == ""
    assert suggestion_text(["kyushu"]) == " (did you mean kyushu?)"
    assert suggestion_text(["a", "b"]) == " (did you mean a or b?)"


def test_fold_texts_one_call_or_one_by_one() -> None:
    assert _fold_texts(["スギ", "ＡＢＣ", "ｶﾞ"]) == ["すぎ", "abc", "が"]
    # a NUL inside a text: folded one by one, the NUL kept
    assert _fold_texts(["ス\x00ギ", "Ａ"]) == ["す\x00ぎ", "a"]
    assert _fold_texts([]) == []


# ------------------------------------------------------------------ stats, by hand
# Dictionaries in an order unlike the alphabet, so that "ties in the natural
# order" can be told from "ties by name".

S_TYPES = {"network": TYPES["network"], "coworking": TYPES["coworking"]}
S_SOURCES = {"two": Source("two", "002_two.txt", "二", "Two", "2020-03",
                           sections=("第1章", "第2章")),
             "one": Source("one", "001_one.txt", "一", "One", "2019-05", sections=("別紙",))}
S_TOPICS = {"side-jobs": TOPICS["side-jobs"], "migration": TOPICS["migration"]}
S_CASES = (
    case("s1", types=("coworking",), types_basis="group", started="2015-04", sector="public",
         flow="大都市圏×地方都市等", topics=("side-jobs", "migration"), category="X",
         locations=(Location("main", "東京都"), Location("partner", "北海道")),
         actors=(Actor("甲", "運営", "company", True), Actor("乙", "運営", "association", True),
                 Actor("丙", "連携", "university")),
         timeline=(Event("2015-04", "開始"),),
         sources=(SourceRef("one", "別紙"),)),
    case("s2", types=("network",), types_basis="named", started="2009", sector="private",
         topics=("side-jobs",),
         locations=(Location("main", "沖縄県"),
                    Location("scope", area="九州地方", regions=("kyushu",))),
         actors=(Actor("大学", "設置", "university", True),),
         timeline=(Event("2009", "設立"), Event("2011", "拡張", until="2012")),
         sources=(SourceRef("two", "第2章"),)),
    case("s3", started="2015", topics=("migration",), locations=(Location("main", "北海道"),),
         actors=(Actor("誰か", "運営", None, True),),
         figures=(Figure("人数", 5, "人", as_of="2020"),),
         sources=(SourceRef("one", "付録"),)),
    case("s4", locations=(Location("partner", "大阪府"),),
         sources=(SourceRef("two", "第1章"),)),
)
STATS = Catalog(Dataset(types=S_TYPES, topics=S_TOPICS, sources=S_SOURCES, cases=S_CASES))


@pytest.mark.parametrize(("by", "expected"), [
    # time order, the undated last
    ("started", [("2009", 1), ("2015", 2), (None, 1)]),
    ("decade", [("2000s", 1), ("2010s", 2), (None, 1)]),
    ("year", [("2009", 1), ("2011", 1), ("2012", 1), ("2015", 1), ("2020", 1), (None, 1)]),
    # most first; ties in the dimension's own order (S_TYPES puts network first)
    ("type", [(None, 2), ("network", 1), ("coworking", 1)]),
    ("basis", [(None, 2), ("named", 1), ("group", 1)]),
    # the lead actors' kinds, once per case; 丙 is not a lead; 誰か has no kind
    ("operator", [(None, 2), ("company", 1), ("university", 1), ("association", 1)]),
    ("topic", [("side-jobs", 2), ("migration", 2), (None, 1)]),
    ("source", [("two", 2), ("one", 2)]),
    # sections in the order each source lists them; one not listed comes after
    ("section", [("two: 第1章", 1), ("two: 第2章", 1), ("one: 別紙", 1), ("one: 付録", 1)]),
    # where each case is (its main places): 北海道 1, 東京都 13, 沖縄県 47 by code
    ("prefecture", [("北海道", 1), ("東京都", 1), ("沖縄県", 1), (None, 1)]),
    ("region", [("hokkaido", 1), ("kanto", 1), ("okinawa", 1), (None, 1)]),
    ("sector", [(None, 2), ("private", 1), ("public", 1)]),
    ("flow", [(None, 3), ("大都市圏×地方都市等", 1)]),
    ("category", [(None, 3), ("X", 1)]),
    ("tag", [(None, 4)]),
])
def test_stats_counts_and_order(by: str, expected: list[tuple[str | None, int]]) -> None:
    assert STATS.stats(by) == expected


def test_stats_anywhere_counts_every_place() -> None:
    # s1 also has 北海道 as a partner, s4 only 大阪府 as a partner; s2's scope is 九州
    assert STATS.stats("prefecture", anywhere=True) == [
        ("北海道", 2), ("東京都", 1), ("大阪府", 1), ("沖縄県", 1)]
    assert STATS.stats("region", anywhere=True) == [
        ("hokkaido", 2), ("kanto", 1), ("kinki", 1), ("kyushu", 1), ("okinawa", 1)]
    assert Catalog.regions_of(S_CASES[1]) == ("okinawa",)
    assert Catalog.regions_of(S_CASES[1], anywhere=True) == ("okinawa", "kyushu")


def test_stats_of_some_cases_and_an_unknown_dimension() -> None:
    assert STATS.stats("started", [S_CASES[0], S_CASES[3]]) == [("2015", 1), (None, 1)]
    with pytest.raises(QueryError) as err:
        STATS.stats("colour")
    assert str(err.value) == (
        "cannot count by 'colour'; choose from: type, prefecture, region, source, section, "
        "category, sector, flow, tag, topic, operator, basis, started, decade, year")


def test_filter_some_cases_and_emptiness() -> None:
    assert ids(STATS.filter(Filters(), [S_CASES[2], S_CASES[0]])) == ["s3", "s1"]
    assert ids(STATS.filter(Filters(operators=("company",)))) == ["s1"]
    assert ids(STATS.filter(Filters(operators=("university",)))) == ["s2"]  # 丙 is no lead
    assert ids(STATS.filter(Filters(since=2010))) == ["s1", "s3"]
    assert ids(STATS.filter(Filters(until=2009))) == ["s2"]
    assert ids(STATS.filter(Filters(since=2015, until=2015))) == ["s1", "s3"]
    assert Filters().is_empty()
    assert not Filters(since=2000).is_empty()
    assert not Filters(until=2000).is_empty()
    assert not Filters(bases=("named",)).is_empty()
    assert Filters(anywhere=True).is_empty()  # a switch, not a filter


def test_resolve_flow_prefecture_and_region_words() -> None:
    assert Catalog.resolve_flow("大都市圏x地方都市等") == "大都市圏×地方都市等"
    assert Catalog.resolve_flow("地方都市等*大都市圏") == "地方都市等×大都市圏"
    assert Catalog.resolve_flow(" METRO-METRO ") == "大都市圏×大都市圏"
    with pytest.raises(QueryError) as err:
        Catalog.resolve_flow("metro-regionl")
    assert str(err.value) == (
        "unknown flow 'metro-regionl' (did you mean metro-regional?); choose from: "
        "metro-metro (大都市圏×大都市圏), metro-regional (大都市圏×地方都市等), "
        "regional-metro (地方都市等×大都市圏), regional-regional (地方都市等×地方都市等)")
    with pytest.raises(QueryError) as err:
        Catalog.resolve_prefecture("Atlantis")
    assert str(err.value) == ("unknown prefecture 'Atlantis'; write it as 宮崎県, 宮崎, "
                              "みやざき or miyazaki")
    with pytest.raises(QueryError) as err:
        Catalog.resolve_region("Atlantis")
    assert str(err.value).startswith(
        "unknown region 'Atlantis'; choose from: hokkaido, tohoku, kanto, chubu, kinki, "
        "chugoku, shikoku, kyushu, okinawa, ")
    with pytest.raises(QueryError) as err:
        Catalog.resolve_sector("privat")
    assert str(err.value) == ("unknown sector 'privat' (did you mean private?); choose from: "
                              "public (公的機関), private (民間事業者)")


# ------------------------------------------------------------------ more edges


def test_page_context_names_credits_and_related() -> None:
    cat = Catalog(Dataset(types=TYPES, topics=TOPICS, sources={
        "one": Source("one", "001_one.txt", "一の報告", "One", "2019-05", publisher="国交省"),
        "two": Source("two", "002_two.txt", "二の報告", "Two", "2020-03",
                      date_note="令和2年3月")},
        cases=(case("a", related=("b", "nowhere"),
                    sources=(SourceRef("two", "第1章"), SourceRef("one", "別紙"),
                             SourceRef("two", "第2章"), SourceRef("gone", "x"))),
               case("b"))))
    a = cat.get("a")
    assert a is not None
    ja = cat.page_context(a)
    assert dict(ja.type_names) == {"coworking": "コワーキング型", "network": "ネットワーク型"}
    assert dict(ja.topic_names) == {"migration": "移住", "side-jobs": "副業・兼業"}
    assert dict(ja.source_titles) == {"one": "一の報告", "two": "二の報告"}
    assert [c.id for c in ja.related] == ["b"]  # an unknown id is left out
    # once per source cited, in the order cited; the date note where there is one
    assert list(ja.credits) == ["出典：「二の報告」（令和2年3月）を加工して作成",
                                "出典：「一の報告」（国交省）（2019-05）を加工して作成"]
    en = cat.page_context(a, "en")
    assert dict(en.topic_names) == {"migration": "Migration", "side-jobs": "Side jobs"}


def test_a_tie_with_no_value_puts_no_value_last() -> None:
    cat = Catalog(Dataset(cases=(case("a", tags=("森",)), case("b", tags=("森",)), case("c"),
                                 case("d"))))
    assert cat.stats("tag") == [("森", 2), (None, 2)]


def test_years_in_time_order_not_by_count() -> None:
    cat = Catalog(Dataset(cases=(case("a", timeline=(Event("2015", "x"), Event("2009", "y"))),
                                 case("b", timeline=(Event("2015", "z"),)))))
    assert cat.stats("year") == [("2009", 1), ("2015", 2)]


def test_nearest_values_in_messages() -> None:
    with pytest.raises(QueryError) as err:
        Catalog.resolve_basis("named-group")  # as near to both: the nearest one only
    assert str(err.value).startswith("unknown basis 'named-group' (did you mean named?);")
    with pytest.raises(QueryError) as err:
        Catalog.resolve_basis("grxxxp")  # half its letters are group's
    assert str(err.value).startswith("unknown basis 'grxxxp' (did you mean group?);")
    with pytest.raises(QueryError) as err:
        Catalog.resolve_sector("publivate")
    assert str(err.value).startswith("unknown sector 'publivate' (did you mean private?);")
    with pytest.raises(QueryError) as err:
        Catalog.resolve_sector("pxblxx")
    assert str(err.value).startswith("unknown sector 'pxblxx' (did you mean public?);")
    with pytest.raises(QueryError) as err:
        Catalog.resolve_operator("fiancial")  # two at most
    assert str(err.value).startswith(
        "unknown operator kind 'fiancial' (did you mean financial or individual?);")


def test_topic_by_a_part_of_its_name_and_at_most_three_suggestions() -> None:
    assert CATALOG.resolve_topic("副") == "side-jobs"  # in the Japanese name only
    assert CATALOG.resolve_topic("e j") == "side-jobs"  # in the English name only
    many = Catalog(Dataset(topics={f"aa-{i}": Topic(f"aa-{i}", f"名{i}", f"Name {i}", "c")
                                   for i in range(1, 6)}))
    with pytest.raises(QueryError) as err:
        many.resolve_topic("aa-")  # a part of five slugs: the first three
    assert str(err.value) == ("unknown topic 'aa-' (did you mean aa-1 or aa-2 or aa-3?); "
                              "see `kasegeru topics` for all 5")


def test_every_unknown_tag_is_noted_after_a_known_one() -> None:
    filters = Filters(tags=("移住", "農林業"))
    assert ids(CATALOG.filter(filters)) == ["cedar"]
    # 林業, inside what was typed, before 農業, near in spelling (issue 27)
    assert filters.notes == ["no tag contains '農林業'; nearest tags: 林業, 農業. Try `kasegeru "
                             "search` or --topic for a broader match."]


def test_small_edges() -> None:
    assert Catalog._category_tags(case("x", category="【XR】【農業】")) == ("XR", "農業")
    assert _fold_texts(["Ａ", "Ｂ Ｃ"]) == ["a", "b c"]
    with pytest.raises(AmbiguousError) as err:
        CATALOG.lookup("a")
    assert str(err.value) == "a"


def test_how_many_suggestions() -> None:
    assert STATS.suggest("s") == ["s1", "s2", "s3"]  # three unless asked for more
    three = Catalog(Dataset(types={s: CaseType(s, s, s, "d", "x") for s in ("aa1", "aa2", "aa3")}))
    with pytest.raises(QueryError) as err:
        three.resolve_type("aa")  # a part of all three: two of the (equally) nearest
    # (difflib breaks a tie by the later string first, as for tags below)
    assert str(err.value).startswith("unknown type 'aa' (did you mean aa3 or aa2?);")
    forest = Catalog(Dataset(cases=tuple(case(f"f{i}", tags=(f"森林{i}",)) for i in range(2, 6))))
    filters = Filters(tags=("森林1",))
    forest.filter(filters)
    assert filters.notes[0].startswith(
        "no tag contains '森林1'; nearest tags: 森林5, 森林4, 森林3.")
    park = Catalog(Dataset(cases=(case("p", tags=("森林公園",)),)))
    filters = Filters(tags=("森林x",))  # 4 of 7 characters in common: near enough
    park.filter(filters)
    assert filters.notes[0].startswith("no tag contains '森林x'; nearest tags: 森林公園.")
