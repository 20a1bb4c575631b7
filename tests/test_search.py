"""Search and the facet filters, as a user types them (issue 11).

Expected ids come from the documents (the page is named with each), not from
running the tool: e.g. 000 ４. 日南市 prints 「空き店舗」, 002 ⑦ 美波町 「空家」,
000 ３. マチナカ3000 「空きビル」.
"""

from __future__ import annotations

import pytest

from kasegeru_cli.search import Term, latin_words, tokenize

from .conftest import Cli


def ids(rows: list[dict[str, object]]) -> list[str]:
    return [str(r["id"]) for r in rows]


# ------------------------------------------------------------------ the query language


def test_tokenize_or_and_phrases() -> None:
    assert tokenize('空き家 OR 古民家 "vacant houses" 観光') == [
        ["空き家", "古民家"], ["vacant houses"], ["観光"]]
    assert tokenize("a | b c") == [["a", "b"], ["c"]]
    assert tokenize("「子育て 支援」") == [["子育て 支援"]]
    assert tokenize("OR a") == [["a"]]  # a leading OR joins nothing


@pytest.mark.parametrize("typed, text, found", [
    ("startup", "support for start-ups in the region", True),
    ("start-ups", "a startup hub", True),
    ("Startups", "START-UP", True),
    ("DX", "programmes such as tedxtokyo", False),
    ("dx", "regional dx talent", True),
    ("it", "its members", False),
    ("city", "two cities", True),
    ("vacant houses", "vacant house and empty shops", True),
    ("vacant houses", "vacant rooms in houses", False),
    ("空き家", "空き家バンク", True),
])
def test_english_words_match_whole_with_plurals_and_hyphens(typed: str, text: str,
                                                             found: bool) -> None:
    assert (Term.of(typed).find(text.casefold()) is not None) is found


def test_latin_words_are_stemmed() -> None:
    assert latin_words("start-ups") == ("startup",)
    assert latin_words("cities houses classes") == ("city", "house", "class")


# ------------------------------------------------------------------ search, end to end


def test_a_topic_word_finds_its_other_spellings(cli: Cli) -> None:
    found = ids(cli.json("search", "空き家", "--json"))
    # 日南 (空き店舗), 美波町 (空家), マチナカ3000 (空きビル): none prints 空き家.
    assert {"nichinan-aburatsu-shotengai", "minami-cho-intercity",
            "miyazaki-machinaka-3000"} <= set(found)
    english = ids(cli.json("search", "vacant houses", "--json"))
    assert set(english) == set(found)


def test_the_snippet_shows_the_spelling_that_matched(cli: Cli) -> None:
    hits = {h["id"]: h["match"] for h in cli.json("search", "空き家", "--json")}
    assert "空家" in str(hits["minami-cho-intercity"]["snippet"])
    assert "空き店舗" in str(hits["nichinan-aburatsu-shotengai"]["snippet"])


def test_crowdfunding_spellings(cli: Cli) -> None:
    # 000 ５. 西粟倉 prints 「クラウドファンド」, not クラウドファンディング.
    assert "nishiawakura-mori-no-gakko" in ids(
        cli.json("search", "クラウドファンディング", "--json"))


def test_dx_is_a_whole_word(cli: Cli) -> None:
    found = ids(cli.json("search", "DX", "--json"))
    assert "matsuyama-university-dx" in found  # 004 (4)「DX人材の育成」
    assert "intilaq-tohoku-innovation-center" not in found  # only 「TEDxTokyo」


def test_or_and_phrase(cli: Cli) -> None:
    either = set(ids(cli.json("search", "ロケット", "OR", "ドローン", "--json")))
    rocket = set(ids(cli.json("search", "ロケット", "--json")))
    drone = set(ids(cli.json("search", "ドローン", "--json")))
    assert either == rocket | drone and rocket and drone
    both = set(ids(cli.json("search", "福岡", "銀行", "--json")))
    assert "diagonal-run-tokyo" in both  # 003 参考資料1 ３. 福岡銀行
    assert both <= set(ids(cli.json("search", "福岡", "--json")))


def test_repeated_words_cost_nothing_more(cli: Cli) -> None:
    once = cli.json("search", "の", "--json")
    many = cli.json("search", *(["の"] * 200), "--json")
    assert ids(once) == ids(many)


def test_search_limit(cli: Cli) -> None:
    assert len(cli.json("search", "連携", "--limit", "3", "--json")) == 3


# ------------------------------------------------------------------ show by name


@pytest.mark.parametrize("typed, case_id", [
    ("スタートアップカフェ", "startup-cafe-fukuoka"),   # its name, 001 (1) 18.
    ("LODGE", "lodge-yahoo"),                          # ＬＯＤＧＥ, full width in the data
    ("週１副社長", "tottori-shu1-fukushacho"),           # a part of its name
    ("Knowledge Capital", "knowledge-capital"),        # its English name
])
def test_show_takes_names(cli: Cli, typed: str, case_id: str) -> None:
    assert cli.json("show", typed, "--json")["id"] == case_id


def test_show_lists_the_cases_a_part_fits(cli: Cli) -> None:
    result = cli("show", "大学")
    assert result.exit_code == 1
    assert "matches" in result.stderr
    assert "matsuyama-university-dx  松山大学" in result.stderr


# ------------------------------------------------------------------ the facet filters


def test_topic_by_slug_name_or_spelling(cli: Cli) -> None:
    by_slug = ids(cli.json("list", "--topic", "childcare", "--json"))
    assert by_slug == ids(cli.json("list", "--topic", "子育て・保育", "--json"))
    assert by_slug == ids(cli.json("list", "--topic", "保育", "--json"))
    # 004 (1) こうべ女性就業・活躍促進プロジェクト: 「一時保育付きコワーキングスペース」
    assert "kobe-josei-shugyo-katsuyaku" in by_slug


def test_operator_is_the_kind_of_the_lead_actors(cli: Cli) -> None:
    universities = ids(cli.json("list", "--operator", "university", "--json"))
    # 001 (1) 11. 名古屋大学, 12. 名古屋市立大学; 004 (4) 松山大学
    assert {"nagoya-innovation-complex", "medical-design-research-center",
            "matsuyama-university-dx"} <= set(universities)
    assert ids(cli.json("list", "--operator", "大学", "--json")) == universities
    # ＬＯＤＧＥ is run by ヤフー（株）(001 (1) ６.): a company, not a university.
    assert "lodge-yahoo" in ids(cli.json("list", "--operator", "company", "--json"))
    assert "lodge-yahoo" not in universities


def test_since_and_until_use_the_start(cli: Cli) -> None:
    before = cli.json("list", "--until", "2009", "--json")
    assert all(c["started"] and int(str(c["started"])[:4]) <= 2009 for c in before)
    # 000 ２.「2001年 慶應先端研が開設」, 000 ５.「2009年に(株)西粟倉・森の学校を設立」
    assert {"tsuruoka-bioscience-park", "nishiawakura-mori-no-gakko"} <= set(ids(before))
    since = ids(cli.json("list", "--since", "2017", "--until", "2017", "--json"))
    # 003 参考資料1 ３. DRT 2017年4月開設; ７. こゆ財団 2017年4月設立
    assert {"diagonal-run-tokyo", "koyu-foundation"} <= set(since)
    assert "tsuruoka-bioscience-park" not in since


def test_region_is_where_the_case_is(cli: Cli) -> None:
    kyushu = ids(cli.json("list", "--region", "九州", "--json"))
    # 004 (5) 九州地域戦略会議 prints only 九州地方; 001 (1) 18. スタートアップカフェ is 福岡市.
    assert {"kyushu-chiiki-senryaku-kaigi", "startup-cafe-fukuoka"} <= set(kyushu)
    # DIAGONAL RUN TOKYO is in Tokyo; Fukuoka is its partner.
    assert "diagonal-run-tokyo" not in kyushu
    assert "diagonal-run-tokyo" in ids(cli.json("list", "--region", "九州", "--anywhere",
                                                "--json"))
    okinawa = ids(cli.json("list", "--region", "okinawa", "--json"))
    assert "oist-innovation" in okinawa and "oist-innovation" not in kyushu
    both = set(ids(cli.json("list", "--region", "九州・沖縄", "--json")))
    assert both == set(kyushu) | set(okinawa)


def test_basis_named_is_what_the_report_names(cli: Cli) -> None:
    named = ids(cli.json("list", "--type", "knowledge-platform", "--basis", "named", "--json"))
    # 2019年とりまとめ 別紙1(4)・別紙2: リンカーズ, J-GoodTech, パソナ顧問; 付録1(3): ビザスク
    assert set(named) == {"linkers", "j-goodtech", "pasona-komon", "visasq"}


def test_tag_matches_part_of_a_tag(cli: Cli) -> None:
    found = ids(cli.json("list", "--tag", "復興", "--json"))
    # tags 地域復興 (結の場), 復興 (INTILAQ, 浅野撚糸), 東北の復興 (みちのく潮風トレイル)
    assert {"yui-no-ba", "intilaq-tohoku-innovation-center", "asano-nenshi-futaba",
            "michinoku-shiokaze-trail"} <= set(found)


def test_a_tag_that_matches_nothing_says_so(cli: Cli) -> None:
    result = cli("list", "--tag", "復興x", "--json")
    assert result.exit_code == 0 and result.stdout.strip() == "[]"
    assert "no tag contains '復興x'" in result.stderr and "復興" in result.stderr


@pytest.mark.parametrize("args, wanted", [
    (("--region", "kyusu"), "unknown region 'kyusu' (did you mean kyushu"),
    (("--prefecture", "とうきよう"), "unknown prefecture 'とうきよう' (did you mean 東京都"),
    (("--topic", "vacant-buildngs"), "unknown topic 'vacant-buildngs' (did you mean "
                                     "vacant-buildings"),
    (("--operator", "compnay"), "unknown operator kind 'compnay' (did you mean company"),
    (("--basis", "nmed"), "unknown basis 'nmed' (did you mean named"),
    (("--type", "cowrking"), "unknown type 'cowrking' (did you mean coworking"),
    (("--source", "2019-reprot"), "unknown source '2019-reprot' (did you mean 2019-report"),
])
def test_unknown_values_exit_2_with_the_nearest(cli: Cli, args: tuple[str, str],
                                                wanted: str) -> None:
    result = cli("list", *args)
    assert result.exit_code == 2
    assert wanted in result.stderr, result.stderr


@pytest.mark.parametrize("typed, means", [
    ("kyusyu", "kyushu"), ("きゅうしゅう", "kyushu"), ("関西", "kinki"), ("hokuriku", "chubu")])
def test_regions_by_reading_and_romanisation(cli: Cli, typed: str, means: str) -> None:
    assert ids(cli.json("list", "--region", typed, "--json")) == ids(
        cli.json("list", "--region", means, "--json"))


@pytest.mark.parametrize("typed", ["とうきょう", "toukyou", "Tokyo-to", "東京"])
def test_prefectures_by_reading_and_romanisation(cli: Cli, typed: str) -> None:
    assert ids(cli.json("list", "--prefecture", typed, "--json")) == ids(
        cli.json("list", "--prefecture", "東京都", "--json"))


# ------------------------------------------------------------------ stats by every facet


def test_stats_by_facets(cli: Cli) -> None:
    topics = {r["topic"]: r["cases"] for r in cli.json("stats", "--by", "topic", "--json")}
    assert topics["space-industry"] == len(cli.json("list", "--topic", "space-industry",
                                                    "--json"))
    decades = [r["decade"] for r in cli.json("stats", "--by", "decade", "--json")]
    assert decades[-1] is None and decades[:-1] == sorted(decades[:-1])
    sections = {r["section"]: r["cases"]
                for r in cli.json("stats", "--by", "section", "--source", "chiho-sosei-2",
                                  "--json")}
    # SOURCES.md: 004 part (1) holds 16, parts (3) and (5) 6 each.
    assert sections["chiho-sosei-2: (1)安心して働き、暮らせる地方の生活環境の創生"] == 16
    assert sections["chiho-sosei-2: (５)広域リージョン連携"] == 6
    basis = {r["basis"]: r["cases"] for r in cli.json("stats", "--by", "basis", "--json")}
    assert basis["named"] == len(cli.json("list", "--basis", "named", "--json"))
    operators = {r["operator"] for r in cli.json("stats", "--by", "operator", "--json")}
    assert {"company", "university", "municipality", None} <= operators


# ------------------------------------------------------------------ orders and words


def test_stats_order_most_first_then_the_documented_order(cli: Cli) -> None:
    # docs: most cases first; ties in the natural order of the dimension (types
    # as the report lists them, regions north to south, kinds as DATA.md lists them).
    types = ["coworking", "regional-resource", "network", "knowledge-platform",
             "innovation-district"]
    counts = {t: len(cli.json("list", "--type", t, "--json")) for t in types}
    expected = sorted(types, key=lambda t: (-counts[t], types.index(t)))
    rows = cli.json("stats", "--by", "type", "--json")
    assert [r["type"] for r in rows if r["type"]] == expected
    assert [r["cases"] for r in rows if r["type"]] == [counts[t] for t in expected]
    regions = ["hokkaido", "tohoku", "kanto", "chubu", "kinki", "chugoku", "shikoku",
               "kyushu", "okinawa"]
    per = {r: len(cli.json("list", "--region", r, "--json")) for r in regions}
    got = [r["region"] for r in cli.json("stats", "--by", "region", "--json") if r["region"]]
    assert got == sorted((r for r in regions if per[r]), key=lambda r: (-per[r],
                                                                         regions.index(r)))


@pytest.mark.parametrize("typed, kind", [
    ("企業", "company"), ("会社", "company"), ("companies", "company"), ("大学", "university"),
    ("高専", "university"), ("自治体", "municipality"), ("市町村", "municipality"),
    ("県", "prefecture"), ("国", "national-government"), ("省庁", "national-government"),
    ("団体", "association"), ("NPO", "association"), ("銀行", "financial"),
    ("ファンド", "financial"), ("個人", "individual"), ("public body", "public-body"),
])
def test_operator_words(typed: str, kind: str) -> None:
    from kasegeru_cli.catalog import Catalog

    assert Catalog.resolve_operator(typed) == kind


@pytest.mark.parametrize("args, message", [
    (("--sector", "privat"), "Error: unknown sector 'privat' (did you mean private?); choose "
                             "from: public (公的機関), private (民間事業者)"),
    (("--flow", "metro-regionl"), "Error: unknown flow 'metro-regionl' (did you mean "
                                  "metro-regional?); choose from: metro-metro (大都市圏×大都市圏), "
                                  "metro-regional (大都市圏×地方都市等), regional-metro "
                                  "(地方都市等×大都市圏), regional-regional "
                                  "(地方都市等×地方都市等)"),
    (("--basis", "xyz"), "Error: unknown basis 'xyz'; choose from: named (the report names the "
                         "case), group (it places the case's section), editorial (ours)"),
    (("--operator", "xyz"), "Error: unknown operator kind 'xyz'; choose from: company, "
                            "university, national-government, prefecture, municipality, "
                            "public-body, association, financial, individual, other"),
])
def test_unknown_value_messages_in_full(cli: Cli, args: tuple[str, str], message: str) -> None:
    result = cli("list", *args)
    assert result.exit_code == 2
    assert result.stderr.strip() == message


@pytest.mark.parametrize("typed, slug", [
    ("sector", None), ("公的機関", "public"), ("民間", "private"), ("Private", "private"),
])
def test_sector_words(typed: str, slug: str | None) -> None:
    from kasegeru_cli.catalog import Catalog, QueryError

    if slug is None:
        with pytest.raises(QueryError):
            Catalog.resolve_sector(typed)
    else:
        assert Catalog.resolve_sector(typed) == slug


def test_topic_partial_name_and_unknown(cli: Cli) -> None:
    from kasegeru_cli.catalog import Catalog, QueryError

    cat = Catalog(__import__("kasegeru_cli.store", fromlist=["x"]).load_cached(
        [__import__("kasegeru_cli.store", fromlist=["x"]).bundled_path()]))
    assert cat.resolve_topic("Space industry") == "space-industry"   # English name
    assert cat.resolve_topic("宇宙") == "space-industry"               # Japanese name
    assert cat.resolve_topic("crowd funding") == "crowdfunding"       # a variant, spaced
    with pytest.raises(QueryError, match=r"unknown topic 'zzz'; see `kasegeru topics` for all 32"):
        cat.resolve_topic("zzz")
