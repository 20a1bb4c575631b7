"""What a person sees: small tables drawn at a fixed width, compared with
screens written out by hand, and the styles that carry meaning (a dim note, a
bold id) checked on a colour terminal."""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType

from kasegeru_cli.formats.table import (
    PageContext,
    credit_ja,
    fields_page,
    list_layout,
    list_table,
    show_page,
    sources_table,
    stats_layout,
    topics_table,
    types_table,
)
from kasegeru_cli.models import Actor, Case, Event, Figure, Location, SourceRef
from kasegeru_cli.search import Hit


def screen(renderable: RenderableType, width: int) -> list[str]:
    """The lines printed at ``width`` on a plain terminal, trailing spaces removed."""
    buf = io.StringIO()
    Console(file=buf, width=width, color_system=None, force_terminal=False,
            legacy_windows=False).print(Group(renderable))
    return [line.rstrip() for line in buf.getvalue().splitlines()]


def styles(renderable: RenderableType, width: int) -> dict[str, str]:
    """Each styled run of text printed on a colour terminal (an unknown style name
    fails here, as it would for a user), with its style."""
    console = Console(file=io.StringIO(), width=width, color_system="standard",
                      force_terminal=True, legacy_windows=False)
    out: dict[str, str] = {}
    for segment in console.render(Group(renderable), console.options.update(width=width)):
        if segment.text.strip() and segment.style and str(segment.style) != "none":
            out.setdefault(segment.text.strip(), str(segment.style))
    return out


def case(id: str, **kw: object) -> Case:
    base: dict[str, object] = {"name": "名前", "name_en": "Name", "summary": "要約。",
                               "summary_en": "Summary."}
    base.update(kw)
    return Case(id=id, **base)  # type: ignore[arg-type]


# ------------------------------------------------------------------ sources, topics

SOURCE = {"id": "s1", "title": "報告書", "title_en": "Report", "publisher": "国交省",
          "date_note": None, "file": "a.pdf", "date": "2019-03", "cases": 3,
          "expected_cases": 4}


def test_sources_table_screen() -> None:
    # columns as wide as their longest line; three cells between columns; no edges
    assert screen(sources_table([SOURCE]), 60) == [
        "id   document         date      cases",
        "─────────────────────────────────────",
        "s1   報告書           2019-03     3/4",
        "     国交省 · a.pdf",
        "A record counts once for each document it cites.",
    ]
    seen = styles(sources_table([SOURCE]), 60)
    assert seen["国交省 · a.pdf"] == "dim"
    assert seen["A record counts once for each document it cites."] == "dim"
    assert seen["document"] == "bold"


def test_topics_table_screen() -> None:
    row = {"slug": "remote-work", "name": "テレワーク", "name_en": "Remote work", "cases": 12}
    assert screen(topics_table([row]), 50) == [
        "topic         name                      cases",
        "─────────────────────────────────────────────",
        "remote-work   テレワーク  Remote work      12",
        "Topics are editorial (docs/DATA.md); `kasegeru",
        "topics --json` has each one's criterion and",
        "variants.",
    ]
    seen = styles(topics_table([row]), 80)
    assert seen["Remote work"] == "dim"
    assert seen["topic"] == "bold"


def test_narrow_tables_break_the_text_never_an_id_a_date_or_a_count() -> None:
    # 14 + 7 + 5 cells of id, date and count, and three gaps of 3, leave the
    # document 5 of 40: it is broken into lines, the rest stays whole
    row = {**SOURCE, "id": "long-source-id"}
    lines = screen(sources_table([row]), 40)
    [first] = [line for line in lines if "2019-03" in line]
    assert first.startswith("long-source-id   ") and first.endswith("   2019-03     3/4")
    assert all(len(line) <= 40 for line in lines)
    topic = {"slug": "remote-work-and-more", "name": "テレワーク", "name_en": "Remote work",
             "cases": 12}
    lines = screen(topics_table([topic]), 36)
    [first] = [line for line in lines if line.endswith("12")]
    assert first.startswith("remote-work-and-more   ")
    # the note under the topics is dim, like the one under the documents
    assert styles(topics_table([topic]), 200)[
        "Topics are editorial (docs/DATA.md); `kasegeru topics --json` has each one's "
        "criterion and variants."] == "dim"


def test_at_26_columns_only_the_document_is_broken() -> None:
    # id 2, date 7 and cases 5 cells and three gaps of 3 leave the document 3:
    # the heading "cases" and the count "3/4" stay whole on their lines
    lines = screen(sources_table([SOURCE]), 26)
    assert "id   nt    date      cases" in lines
    assert "s1   報    2019-03     3/4" in lines
    assert all(len(line) <= 26 for line in lines)


def test_a_narrow_topics_table_folds_the_name_heading() -> None:
    # 22 + 5 cells of slug and count and two gaps of 3 leave the name 3 of 36:
    # its heading is folded onto a second line, not cut to "na…" (rich puts the
    # other headings on the last line of the heading row)
    topic = {"slug": "remote-work-and-more-x", "name": "テレワーク",
             "name_en": "Remote work", "cases": 12}
    assert screen(topics_table([topic]), 36)[:3] == [
        " " * 25 + "nam",
        "topic" + " " * 20 + "e     cases",
        "─" * 36,
    ]


def test_types_table_styles() -> None:
    row = {"name": "コワーキング型", "name_en": "Coworking", "slug": "coworking",
           "cases_named": 1, "cases_group": 0, "cases_editorial": 0, "definition": "拠点",
           "defined_in": "2019", "examples": []}
    seen = styles(types_table([row], {}), 80)
    assert seen["コワーキング型"] == "bold"
    assert seen["coworking"] == "cyan"
    assert seen["definition"] == "dim"


# ------------------------------------------------------------------ the list

CASES = [case("aa", name="森の家", types=("coworking",)),
         case("bb", name="海の駅と山の駅の連携", types=("network",), types_basis="editorial")]
HITS = [Hit(CASES[0], 1.0, "name", "森の家"), Hit(CASES[1], 1.0, "summary", "海の話")]


def test_list_screen_with_a_match_column() -> None:
    out = list_layout(CASES, ["id", "name", "types"], "ja", HITS, 60)
    # id 2 and types 9 ("network *") whole; name and match share the rest:
    # (60 - 2 - 9 - 3 gaps of 3) // 2 = 20 each, the name's longest line is 20 too
    assert screen(out, 60) == [
        "id   name                   types       match",
        "─" * 60,
        "aa   森の家                 coworking   森の家",
        "bb   海の駅と山の駅の連携   network *   海の話",
        "2 cases; * editorial type: the source document gives none",
    ]
    seen = styles(out, 60)
    assert seen["海の話"] == "dim"
    assert seen["2 cases; * editorial type: the source document gives none"] == "dim"


def test_list_table_in_english_at_the_width_it_is_printed_at() -> None:
    # case() above names every case "Name" in English: 12 cells or less, so the
    # name is printed whole like the id and types, and the match column takes the
    # rest: 40 - 2 - 4 - 9 - 3 gaps of 3 = 16; the table is the whole width
    out = list_table(CASES, ["id", "name", "types"], "en", HITS)
    assert screen(out, 40) == [
        "id   name   types       match",
        "─" * 40,
        "aa   Name   coworking   森の家",
        "bb   Name   network *   海の話",
        "2 cases; * editorial type: the source",
        "document gives none",
    ]


def test_list_blocks_when_the_name_would_be_too_narrow() -> None:
    out = list_layout(CASES, ["id", "name", "types"], "ja", HITS, 28)
    assert screen(out, 28) == [
        "aa  coworking",
        "  森の家",
        "  森の家",
        "bb  network *",
        "  海の駅と山の駅の連携",
        "  海の話",
        "2 cases; * editorial type:",
        "the source document gives",
        "none",
    ]
    seen = styles(out, 28)
    assert seen["aa"] == "bold" and seen["海の話"] == "dim"


def test_a_block_whose_line_is_too_long_puts_the_id_alone() -> None:
    wide = case("an-id-of-twenty-cell", name="名", types=("coworking", "network"))
    out = list_layout([wide], ["id", "types", "name"], "ja", None, 30)
    # "an-id-of-twenty-cell  coworking, network · 名" is 45 cells: the id alone, in
    # bold; the name is short (12 cells or less), so it is one of the values
    assert screen(out, 30) == [
        "an-id-of-twenty-cell",
        "  coworking, network · 名",
        "1 case",
    ]
    assert styles(out, 30)["an-id-of-twenty-cell"] == "bold"
    # "id-of-twenty-cells  network · 名前" is 34 cells: on one line at exactly 34
    # (where the table, 18 + 7 + 4 + two gaps of 3 = 35, no longer fits)
    fits = case("id-of-twenty-cells", types=("network",))
    assert screen(list_layout([fits], ["id", "types", "name"], "ja", None, 34), 34)[0] == (
        "id-of-twenty-cells  network · 名前")
    assert screen(list_layout([fits], ["id", "types", "name"], "ja", None, 33), 33)[:2] == [
        "id-of-twenty-cells", "  network · 名前"]


def test_blocks_without_an_id_column() -> None:
    # types 9 whole leaves 20 - 9 - 3 = 8 cells for the name: blocks, no id to lead
    out = list_layout(CASES[1:], ["types", "name"], "ja", None, 20)
    assert screen(out, 20) == ["network *", "  海の駅と山の駅の連", "  携",
                               "1 case; * editorial", "type: the source",
                               "document gives none"]


# ------------------------------------------------------------------ stats, fields

def test_stats_screen() -> None:
    out = stats_layout([("kanto", 4), ("kyushu", 1)], 40, "region")
    # label 6, count 5, bar room 40 - 6 - 5 - 6 = 23: kanto's bar is the whole room
    assert screen(out, 40) == [
        "region   cases",
        "─" * 40,
        "kanto        4   " + "█" * 23,
        "kyushu       1   " + "█" * 5,
    ]
    assert styles(out, 40)["█" * 23] == "cyan"


def test_stats_with_a_long_label_gives_it_two_thirds_of_the_width() -> None:
    # 45 cells is more than a third of 60: the label column gets 2/3 of 60 = 40,
    # the count 5, the bar 60 - 40 - 5 - 2 gaps of 3 = 9
    out = stats_layout([("x" * 45, 3), ("short", 1)], 60, "section")
    assert screen(out, 60) == [
        "section" + " " * 36 + "cases",
        "─" * 60,
        "x" * 40 + " " * 7 + "3   " + "█" * 9,
        "x" * 5,
        "short" + " " * 42 + "1   " + "█" * 3,
    ]


def test_stats_with_a_label_under_a_third_of_the_width_never_breaks_it() -> None:
    # 12 cells is not more than a third of 40 (13): the label column is as wide
    # as the label; the bar gets 40 - 12 - 5 - 2 gaps of 3 = 17
    out = stats_layout([("x" * 12, 2)], 40, "region")
    assert screen(out, 40) == [
        "region" + " " * 9 + "cases",
        "─" * 40,
        "x" * 12 + " " * 7 + "2   " + "█" * 17,
    ]


def test_stats_at_20_columns_folds_a_heading_wider_than_its_column() -> None:
    # the label column gets 20 - 5 - 2 gaps of 3 - 5 for the bar = 4 cells:
    # "prefecture" is folded into it, not cut to "pre…" ("cases" on the heading
    # row's last line, where rich aligns headings)
    out = stats_layout([("東京都", 30)], 20, "prefecture")
    assert screen(out, 20) == [
        "pref",
        "ectu",
        "re     cases",
        "─" * 20,
        "東京      30   █████",
        "都",
    ]


def test_fields_page_screen() -> None:
    one = case("aa", sources=(SourceRef("s1", "第1章"),))
    out = fields_page(one, ["sources", "started"])
    assert screen(out, 40) == ["aa", "  sources  s1 第1章", "  started  —"]
    seen = styles(out, 40)
    assert seen["aa"] == "bold" and seen["sources"] == "dim"


# ------------------------------------------------------------------ the show page

SHOWN = case(
    "co-x", name="コーエックス", name_en="Co-X", aliases=("cox",),
    types=("coworking",), types_basis="named", topics=("vacant", "side-jobs"),
    category="地方", flow="大都市圏×地方都市等", sector="private", tags=("空き家", "DIY"),
    started="2015", started_fiscal=True, started_evidence="2015年度に開設",
    summary="空き家を改修した拠点。", summary_en="A base in a renovated house.",
    points=("会員50人",), challenges=("人材確保",),
    timeline=(Event("2016", "拡張", until="2018"), Event("2015", "開設", fiscal=True),
              Event("2020-04", "移転", planned=True)),
    figures=(Figure("会員数", 50, "人", qualifier="約", as_of="2019-03"),),
    actors=(Actor("甲社", "運営", "company", True), Actor("乙")),
    locations=(Location("main", "宮崎県", "宮崎市", note="駅前"),
               Location("partner", "東京都", planned=True, regions=("kanto", "chubu"))),
    sources=(SourceRef("s1", "第2章", "１．"), SourceRef("s9", "別紙")),
)
CONTEXT = PageContext(
    type_names={"coworking": "コワーキング型"}, topic_names={"vacant": "空き家"},
    source_titles={"s1": "報告書"}, related=(case("other", name="他", name_en="Other"),),
    credits=("出典：「報告書」（国交省）（2019-03）を加工して作成",))


def words(renderable: RenderableType) -> list[str]:
    """Each printed line with its runs of spaces as one (the column widths are
    rich's to choose), blank lines left out."""
    return [" ".join(line.split()) for line in screen(renderable, 120) if line.strip()]


def test_show_page_screen() -> None:
    assert words(show_page(SHOWN, CONTEXT)) == [
        "コーエックス",
        "Co-X",
        "id: co-x aliases: cox",
        "type コワーキング型 (coworking) — the 2019 report names this case under the type",
        "category 地方",
        "flow 大都市圏×地方都市等",
        "sector private",
        "tags 空き家, DIY",
        # a topic the context has no name for is shown by its slug
        "topics 空き家 (vacant), side-jobs (side-jobs) [editorial]",
        "started FY2015 — 2015年度に開設 [editorial]",
        "Summary",
        "空き家を改修した拠点。",
        "A base in a renovated house.",
        "Points 内容・特徴・成果",
        "• 会員50人",
        "Challenges 課題・展望",
        "• 人材確保",
        "Timeline 経緯",
        "FY2015 開設",  # in date order
        "2016–2018 拡張",
        "2020-04 (planned) 移転",
        "Figures 数値",
        "• 会員数 約50人 (2019-03)",
        "Actors 取組主体・関係者",
        "• 甲社 — 運営 [company, lead]",
        "• 乙",
        "Places 取組地域",
        "main 宮崎県宮崎市 — 駅前",
        "partner (planned) 東京都 [kanto, chubu]",
        "Sources 出典",
        "• 報告書 — 第2章 １． [s1]",
        "• s9 — 別紙 [s9]",  # a source the context has no title for
        "Related 関連事例",
        "other 他",
        "Credit 出典表記",
        "• 出典：「報告書」（国交省）（2019-03）を加工して作成",
    ]


def test_show_page_in_english_and_without_the_optional_parts() -> None:
    bare = case("bare", types=("network",), types_basis="group")
    assert words(show_page(bare, PageContext(), "en")) == [
        "Name",
        "名前",
        "id: bare",
        "type network — the 2019 report places this case's group or section",
        "Summary",
        "Summary.",
        "要約。",
        "Sources 出典",
        "Credit 出典表記",
    ]
    assert words(show_page(case("ed", types=("network",)), PageContext()))[3] == (
        "type network — editorial judgement")


def test_show_page_in_english_names_the_related_cases_in_english() -> None:
    page = words(show_page(SHOWN, CONTEXT, "en"))
    assert page[:2] == ["Co-X", "コーエックス"]
    assert page[page.index("Related 関連事例") + 1] == "other Other"


def test_show_page_styles() -> None:
    seen = styles(show_page(SHOWN, CONTEXT), 120)
    assert seen["コーエックス"] == "bold"
    assert seen["Co-X"] == "italic"
    assert seen["id: co-x   aliases: cox"] == "dim"
    assert seen["Summary"] == "bold cyan"
    assert seen["A base in a renovated house."] == "italic"
    assert seen["type"] == "dim" and seen["started"] == "dim"


def test_credit_lines() -> None:
    assert credit_ja("報告書", "国交省", "2019-03") == (
        "出典：「報告書」（国交省）（2019-03）を加工して作成")
    assert credit_ja("報告書", None, "2019-03") == "出典：「報告書」（2019-03）を加工して作成"
