"""Direct unit tests of formats/: delimited, markdown, TOML, the tile map, the
Japanese line breaker and the plain-text helpers of the table module.

The other format tests go through the CLI on the bundled data; these build small
records by hand and pin exact output at the edges the bundled data never
reaches (empty inputs, None fields, widths at their boundary, escaping). Every
expected value is written from the rule the code documents, not copied from a run.
"""

from __future__ import annotations

import csv
import io

import pytest
import tomli
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from kasegeru_cli.formats.delimited import (
    is_formula,
    render_delimited,
    render_dict_rows,
)
from kasegeru_cli.formats.markdown import markdown_cell, render_markdown
from kasegeru_cli.formats.table import (
    NAME_MIN,
    PageContext,
    _actor_marks,
    _AtWidth,
    _cell,
    _section,
    _source_line,
    _whole,
    credit_ja,
    fields_page,
    list_layout,
    show_page,
    sources_table,
    stats_bars,
    stats_layout,
    topics_table,
    types_table,
)
from kasegeru_cli.formats.tilemap import (
    MIN_WIDTH,
    _grid,
    _shade,
    _style,
    _TileMap,
    tile_label,
    tile_map,
)
from kasegeru_cli.formats.tomlfmt import (
    render_case,
    render_toml,
    toml_key,
    toml_string,
    toml_value,
)
from kasegeru_cli.formats.wrap import (
    JaText,
    SlugText,
    ValuesText,
    _allowed,
    _kind,
    _may_break,
    _rstrip_end,
    break_offsets,
    fix_rich_rstrip_end,
    ja,
    min_width,
    wrap_lines,
)
from kasegeru_cli.models import (
    Actor,
    Case,
    CaseType,
    Dataset,
    Figure,
    Location,
    Source,
    SourceRef,
    Topic,
)
from kasegeru_cli.search import Hit


def _case(**kw: object) -> Case:
    base: dict[str, object] = {"id": "c1", "name": "名前", "name_en": "Name",
                               "summary": "要約", "summary_en": "Summary"}
    base.update(kw)
    return Case(**base)  # type: ignore[arg-type]


def _render(renderable: RenderableType, width: int, strip: bool = True) -> list[str]:
    """The lines printed at ``width``, trailing spaces removed unless ``strip`` is False.

    Inside a Group: ``console.print`` joins top-level Text objects into one plain
    Text, which would drop JaText's own wrapping (the program never prints one bare).
    """
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, legacy_windows=False,
                      force_terminal=False, force_jupyter=False, soft_wrap=False)
    console.print(Group(renderable))
    lines = buf.getvalue().splitlines()
    return [line.rstrip() for line in lines] if strip else lines


def _csv_rows(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


# ============================================================================ delimited


@pytest.mark.parametrize(("cell", "formula"), [
    ("   ", False),             # blanks only: nothing to run
    ("\u3000\u3000", False),
    ("@", True),
    ("=", True),
    ("\r1", True),
    (" \t1", True),            # a tab after a blank
    ("+", True),               # a sign and nothing after it is no number
    ("-", True),
    ("-.5", False),
    ("-1,000.5", False),
    ("+1E+5", False),
    ("-5%", False),
    ("-1e", True),
    ("－２", False),           # full-width minus and digit read as -2
    ("＠a", True),
    ("a=1", False),
    ("1+1", False),
    ("X=1", False),            # X is no blank: the cell starts with X
    ("XX", False),
    ("  -x", True),
])
def test_is_formula_edges(cell: str, formula: bool) -> None:
    assert is_formula(cell) is formula


def test_readable_csv_one_row_per_case() -> None:
    case = _case(tags=("a", "b"),
                 locations=(Location("main", prefecture="東京都", municipality="渋谷区"),))
    out = render_delimited([case], ("id", "name", "tags", "locations", "category"))
    assert out == "id,name,tags,locations,category\nc1,名前,a; b,東京都渋谷区 [main],\n"


def test_no_cases_is_the_header_alone() -> None:
    assert render_delimited([], ("id", "name")) == "id,name\n"
    assert render_delimited([], ("id", "name"), delimiter="\t", excel=True) == "id\tname\r\n"


def test_extra_columns_follow_the_fields_in_order() -> None:
    out = render_delimited([_case(), _case(id="c2")], ("id",),
                           extra=[{"score": "1.5", "snippet": "x"},
                                  {"score": "0.5", "snippet": "y,z"}])
    assert out == 'id,score,snippet\nc1,1.5,x\nc2,0.5,"y,z"\n'


def test_empty_extra_adds_no_column() -> None:
    assert render_delimited([_case()], ("id",), extra=[]) == "id\nc1\n"


def test_tsv_cells_have_no_tab_or_newline_but_csv_keeps_them() -> None:
    case = _case(summary="a\tb\nc")
    assert render_delimited([case], ("id", "summary"), delimiter="\t") == \
        "id\tsummary\nc1\ta b c\n"
    assert render_delimited([case], ("id", "summary")) == 'id,summary\nc1,"a\tb\nc"\n'


def test_excel_tsv_flattens_then_guards_and_ends_lines_with_crlf() -> None:
    case = _case(name="=1\t2", name_en="-2")
    out = render_delimited([case], ("id", "name", "name_en"), delimiter="\t", excel=True)
    assert out == "id\tname\tname_en\r\nc1\t'=1 2\t-2\r\n"


def test_excel_guards_the_extra_columns_too() -> None:
    out = render_delimited([_case()], ("id",), extra=[{"snippet": "@x"}], excel=True)
    assert out == "id,snippet\r\nc1,'@x\r\n"


def test_plain_csv_never_guards() -> None:
    out = render_delimited([_case(name="@x")], ("name",))
    assert out == "name\n@x\n"


def test_nested_json_cells() -> None:
    case = _case(tags=("a", "b"), started_fiscal=True, topic_evidence={"t": "句"},
                 locations=(Location("main", prefecture="東京都", municipality="渋谷区"),))
    columns = ("id", "tags", "aliases", "started_fiscal", "types_basis", "topic_evidence",
               "locations", "prefectures", "years")
    out = render_delimited([case, _case(id="c2")], columns, nested="json")
    rows = _csv_rows(out)
    assert rows[0] == list(columns)
    assert rows[1] == [
        "c1", '["a","b"]', "[]", "true", "", '{"t":"句"}',
        '[{"role":"main","prefecture":"東京都","municipality":"渋谷区","area":null,"area_en":null,'
        '"country":null,"note":null,"note_en":null,"regions":[],"planned":false}]',
        '["東京都"]', "[]"]
    assert rows[2] == ["c2", "[]", "[]", "false", "", "{}", "[]", "[]", "[]"]
    # compact JSON, non-ASCII as is, quotes doubled by the CSV writer
    assert out.splitlines()[1].startswith('c1,"[""a"",""b""]",[],true,,"{""t"":""句""}"')


def test_nested_readable_is_the_default() -> None:
    case = _case(tags=("a", "b"))
    assert render_delimited([case], ("tags",), nested="readable") == "tags\na; b\n"
    assert render_delimited([case], ("tags",)) == "tags\na; b\n"


DICT_ROWS: list[dict[str, object]] = [
    {"slug": "a", "n": 3, "tags": ["x", "y"], "note": None},
    {"slug": "b|c", "n": 0, "tags": (), "note": "l1\nl2\tz"},
]


def test_dict_rows_csv() -> None:
    assert render_dict_rows(DICT_ROWS, "csv") == \
        'slug,n,tags,note\na,3,x; y,\nb|c,0,,"l1\nl2\tz"\n'


def test_dict_rows_tsv() -> None:
    assert render_dict_rows(DICT_ROWS, "tsv") == \
        "slug\tn\ttags\tnote\na\t3\tx; y\t\nb|c\t0\t\tl1 l2 z\n"


def test_dict_rows_markdown() -> None:
    assert render_dict_rows(DICT_ROWS, "markdown") == (
        "| slug | n | tags | note |\n"
        "|---|---|---|---|\n"
        "| a | 3 | x; y |  |\n"
        "| b\\|c | 0 |  | l1<br>l2\tz |\n")


@pytest.mark.parametrize("fmt", ["csv", "tsv", "markdown"])
def test_no_dict_rows_is_empty(fmt: str) -> None:
    assert render_dict_rows([], fmt) == ""


def test_dict_rows_tuple_values_are_joined() -> None:
    assert render_dict_rows([{"k": ("p", 2)}], "csv") == "k\np; 2\n"


# ============================================================================= markdown


@pytest.mark.parametrize(("text", "cell"), [
    ("", ""),
    ("plain", "plain"),
    ("a\\|b", "a\\\\\\|b"),        # backslash first, then the pipe: \\ and \|
    ("a\r\nb", "a<br>b"),          # CRLF is one break, not \r<br>
    ("a\n\nb", "a<br><br>b"),
    ("||", "\\|\\|"),
])
def test_markdown_cell(text: str, cell: str) -> None:
    assert markdown_cell(text) == cell


def test_markdown_cell_lone_cr_is_a_line_break() -> None:
    assert markdown_cell("a\rb") == "a<br>b"


def test_render_markdown() -> None:
    case = _case(name="A|B", tags=("a", "b"))
    assert render_markdown([case], ("id", "name", "tags", "category")) == (
        "| id | name | tags | category |\n"
        "|---|---|---|---|\n"
        "| c1 | A\\|B | a; b |  |\n")


def test_render_markdown_without_cases_is_header_and_rule() -> None:
    assert render_markdown([], ("id",)) == "| id |\n|---|\n"


# ================================================================================= TOML


@pytest.mark.parametrize(("s", "out"), [
    ("", '""'),
    ("plain 日本", '"plain 日本"'),
    ('say "hi"', '"say \\"hi\\""'),
    ("a\\b", '"a\\\\b"'),
    ("\b\t\n\f\r", '"\\b\\t\\n\\f\\r"'),
    ("\x00", '"\\u0000"'),
    ("\x1b", '"\\u001b"'),
    ("\x1f", '"\\u001f"'),
    (" ", '" "'),                 # 0x20: the first character not escaped
    ("~", '"~"'),                 # 0x7E
    ("\x7f", '"\\u007f"'),
    ("\x80", '"\x80"'),           # TOML lets U+0080 stand as is
])
def test_toml_string(s: str, out: str) -> None:
    assert toml_string(s) == out
    assert tomli.loads(f"k = {out}")["k"] == s


@pytest.mark.parametrize(("k", "out"), [
    ("coworking", "coworking"),
    ("remote-work", "remote-work"),
    ("A_1", "A_1"),
    ("a b", '"a b"'),
    ("a.b", '"a.b"'),
    ("", '""'),
    ("東京", '"東京"'),
])
def test_toml_key(k: str, out: str) -> None:
    assert toml_key(k) == out


def test_toml_key_with_a_trailing_newline_is_quoted() -> None:
    assert toml_key("abc\n") == '"abc\\n"'


@pytest.mark.parametrize(("v", "out"), [
    (True, "true"),
    (False, "false"),
    (0, "0"),
    (-2, "-2"),
    (1.5, "1.5"),
    (2.0, "2.0"),
    (-0.5, "-0.5"),
    (1e20, "1e+20"),
    (float("nan"), "nan"),
    (float("inf"), "inf"),
    (float("-inf"), "-inf"),
    ("x", '"x"'),
    ([], "[]"),
    ((1, "a"), '[1, "a"]'),
    ([1, [2.5, "x"]], '[1, [2.5, "x"]]'),
    ({"a b": 1, "c": True}, '{ "a b" = 1, c = true }'),
    ({}, "{  }"),
])
def test_toml_value(v: object, out: str) -> None:
    assert toml_value(v) == out
    parsed = tomli.loads(f"k = {out}")["k"]
    if isinstance(v, float) and v != v:
        assert parsed != parsed
    else:
        assert parsed == (list(v) if isinstance(v, tuple) else v)


def test_toml_value_refuses_what_toml_cannot_hold() -> None:
    with pytest.raises(TypeError, match=r"^cannot write NoneType as TOML$"):
        toml_value(None)
    with pytest.raises(TypeError, match=r"^cannot write set as TOML$"):
        toml_value({1})


CASE_TOML = _case(
    summary='say "hi"\nbye', tags=("a",), topic_evidence={"remote-work": "句"},
    actors=(Actor("（株）X", role="運営", lead=True),),
    locations=(Location("main", prefecture="東京都", regions=("kanto",)),),
    figures=(Figure("人数", 0),),
    sources=(SourceRef("s1", "§1"),))

CASE_TOML_TEXT = """\
[[cases]]
id = "c1"
name = "名前"
name_en = "Name"
summary = "say \\"hi\\"\\nbye"
summary_en = "Summary"
tags = ["a"]
topic_evidence = { remote-work = "句" }

[[cases.actors]]
name = "（株）X"
role = "運営"
lead = true

[[cases.locations]]
role = "main"
prefecture = "東京都"
regions = ["kanto"]

[[cases.figures]]
label = "人数"
value = 0

[[cases.sources]]
source = "s1"
section = "§1"
"""


def test_render_case_leaves_out_defaults_but_keeps_zero() -> None:
    assert render_case(CASE_TOML) == CASE_TOML_TEXT


def test_render_case_minimal() -> None:
    assert render_case(_case()) == (
        '[[cases]]\nid = "c1"\nname = "名前"\nname_en = "Name"\nsummary = "要約"\n'
        'summary_en = "Summary"\n')


def test_render_case_keeps_true_flags_and_subtables_in_order() -> None:
    case = _case(started="2019", started_fiscal=True,
                 locations=(Location("site", area="全国", planned=True),
                            Location("partner", country="米国")))
    assert render_case(case) == (
        '[[cases]]\nid = "c1"\nname = "名前"\nname_en = "Name"\nsummary = "要約"\n'
        'summary_en = "Summary"\nstarted = "2019"\nstarted_fiscal = true\n'
        '\n[[cases.locations]]\nrole = "site"\narea = "全国"\nplanned = true\n'
        '\n[[cases.locations]]\nrole = "partner"\ncountry = "米国"\n')


DATASET = Dataset(
    types={"coworking": CaseType("coworking", "名", "Name", "def", "2019", examples=("c1",))},
    topics={"remote-work": Topic("remote-work", "テレワーク", "Remote work", "crit")},
    sources={"s 1": Source("s 1", "a.pdf", "T", "T en", "2019-03", expected_cases=0)},
    cases=(CASE_TOML,),
    schema_version=3)

HEAD_TOML = """\
schema_version = 3

[types.coworking]
name = "名"
name_en = "Name"
definition = "def"
defined_in = "2019"
examples = ["c1"]

[topics.remote-work]
name = "テレワーク"
name_en = "Remote work"
criterion = "crit"

[sources."s 1"]
file = "a.pdf"
title = "T"
title_en = "T en"
date = "2019-03"
expected_cases = 0
"""


def test_render_toml_whole_file() -> None:
    text = render_toml(DATASET)
    assert text == HEAD_TOML + "\n" + CASE_TOML_TEXT
    data = tomli.loads(text)
    assert data["sources"]["s 1"]["expected_cases"] == 0
    assert data["cases"][0]["figures"] == [{"label": "人数", "value": 0}]


def test_render_toml_given_cases_replace_the_datasets() -> None:
    assert render_toml(DATASET, cases=[]) == HEAD_TOML
    other = _case(id="c2")
    assert render_toml(DATASET, cases=[other]) == HEAD_TOML + "\n" + render_case(other)


def test_render_toml_of_an_empty_dataset() -> None:
    assert render_toml(Dataset()) == "schema_version = 2\n"


# ============================================================================== tilemap


@pytest.mark.parametrize(("pref", "label"), [
    ("宮崎県", "宮崎"), ("北海道", "北海"), ("神奈川県", "神奈"), ("鹿児島県", "鹿児"),
    ("東京都", "東京"), ("京都府", "京都"),
])
def test_tile_label(pref: str, label: str) -> None:
    assert tile_label(pref) == label


@pytest.mark.parametrize(("count", "shade"), [
    (0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (7, 3), (8, 4), (1000, 4),
])
def test_shade_bins_double(count: int, shade: int) -> None:
    assert _shade(count) == shade


def test_style_white_text_but_black_on_orange() -> None:
    assert _style("grey23") == "bold white on grey23"
    assert _style("red3") == "bold white on red3"
    assert _style("orange3") == "bold black on orange3"


def test_min_width_is_twelve_tiles_and_eleven_gaps() -> None:
    assert MIN_WIDTH == 59


def _map_parts(counts: dict[str, int], width: int) -> list[object]:
    tm = tile_map(counts, "Cases")
    assert isinstance(tm, _TileMap)
    console = Console(file=io.StringIO(), width=width, color_system=None)
    return list(tm.__rich_console__(console, console.options.update(width=width)))


def test_map_narrower_than_min_width_lists_the_counts() -> None:
    parts = _map_parts({"宮崎県": 2, "北海道": 0, "東京都": 5, "福岡県": 2}, MIN_WIDTH - 1)
    assert len(parts) == 3
    title, sentence, listed = parts
    assert isinstance(title, Text) and title.plain == "Cases" and title.style == "bold"
    assert isinstance(sentence, JaText)
    assert sentence.plain == (
        "The map needs 59 columns and this terminal has 58; widen it, or see "
        "`kasegeru stats --by prefecture`. By prefecture:")
    assert isinstance(listed, Text)
    assert listed.plain == "東京都 5  宮崎県 2  福岡県 2"
    narrow = _map_parts({"宮崎県": 2, "東京都": 5, "神奈川県": 10}, 20)[2]
    assert isinstance(narrow, Text)
    assert narrow.plain == "神奈川県 10\n東京都 5\n宮崎県 2"


def test_map_narrow_without_counts_says_none() -> None:
    parts = _map_parts({"北海道": 0}, 20)
    assert isinstance(parts[1], Text)
    assert parts[1].plain.endswith("this terminal has 20; widen it, or see "
                                   "`kasegeru stats --by prefecture`. By prefecture: none.")


def test_map_at_min_width_is_the_grid() -> None:
    parts = _map_parts({}, MIN_WIDTH)
    assert len(parts) == 1
    assert isinstance(parts[0], Group)


def test_grid_text_rows_and_legend() -> None:
    lines = [line.rstrip() for line in _render(tile_map({"東京都": 12, "福岡県": 3,
                                                          "北海道": 1}, "Cases"), MIN_WIDTH)]
    assert len(lines) == 1 + 2 * 11 + 1
    assert lines[0] == "Cases"
    assert lines[1] == " " * 55 + "北海"
    assert lines[2] == " " * 55 + "   1"
    assert lines[3] == lines[4] == ""  # row 1 is empty
    blank = "    "
    assert lines[1 + 2 * 7] == " ".join(
        ["佐賀", "福岡", blank, "愛媛", "香川", "和歌", "奈良", "三重", "静岡", "東京", "千葉"])
    dot = "   ·"
    assert lines[2 + 2 * 7] == " ".join(
        [dot, "   3", blank, dot, dot, dot, dot, dot, dot, "  12", dot])
    assert lines[1 + 2 * 10] == "沖縄"
    assert lines[-1] == "cases:  0  1  2-3  4-7  8+"


def test_grid_tile_and_legend_styles() -> None:
    group = _grid({"東京都": 12, "福岡県": 3, "北海道": 1, "沖縄県": 5}, "T")
    assert isinstance(group, Group)
    title, grid, legend = group.renderables
    assert isinstance(title, Text) and title.plain == "T" and title.style == "bold"
    assert isinstance(grid, Table) and isinstance(legend, Text)
    assert len(grid.columns) == 12 and grid.row_count == 22
    assert all(c.width == 4 for c in grid.columns)

    def tile(row: int, col: int, line: int) -> Text:
        cell = list(grid.columns[col].cells)[2 * row + line]
        assert isinstance(cell, Text)
        return cell

    assert (tile(7, 9, 0).plain, tile(7, 9, 1).plain) == ("東京", "  12")
    assert tile(7, 9, 0).style == tile(7, 9, 1).style == "bold white on red3"
    assert tile(7, 1, 1).style == "bold white on dark_cyan"
    assert tile(0, 11, 1).style == "bold white on blue3"
    assert tile(10, 0, 1).style == "bold black on orange3"
    assert (tile(7, 0, 1).plain, tile(7, 0, 1).style) == ("   ·", "bold white on grey23")
    assert (tile(0, 0, 0).plain, tile(0, 0, 1).plain) == ("    ", "    ")
    assert legend.plain == "cases:  0  1  2-3  4-7  8+ "
    assert [(legend.plain[s.start:s.end], s.style) for s in legend.spans] == [
        (" 0 ", "bold white on grey23"), (" 1 ", "bold white on blue3"),
        (" 2-3 ", "bold white on dark_cyan"), (" 4-7 ", "bold black on orange3"),
        (" 8+ ", "bold white on red3")]


# ================================================================================= wrap


@pytest.mark.parametrize(("ch", "kind"), [
    (" ", "space"), ("\u3000", "space"), ("\t", "space"),
    ("a", "word"), ("Z", "word"), ("7", "word"), ("é", "word"),
    ("０", "word"), ("ｚ", "word"), ("Ａ", "word"), ("２", "word"),  # full-width Latin
    ("｛", "cjk"), ("＿", "cjk"), ("（", "cjk"),                     # full-width, not alnum
    ("｡", "cjk"), ("ｱ", "cjk"), ("ﾟ", "cjk"),                       # half-width katakana
    ("あ", "cjk"), ("漢", "cjk"), ("、", "cjk"),
    ("-", "other"), (".", "other"), ("(", "other"),
])
def test_kind(ch: str, kind: str) -> None:
    assert _kind(ch) == kind


@pytest.mark.parametrize(("prev", "ch", "hyphens", "cjk", "ok"), [
    ("あ", "。", True, True, False),    # 。 may not start a line
    ("「", "あ", True, True, False),    # 「 may not end one
    ("…", "…", True, True, False),      # …… stays together
    ("—", "—", True, True, False),
    ("あ", "…", True, True, True),
    ("a", " ", True, True, False),      # before a space: never
    (" ", "a", False, False, True),     # after a space: always
    (" ", "あ", False, False, True),
    ("あ", "い", True, True, True),
    ("あ", "い", True, False, False),
    ("a", "あ", True, True, True),
    ("あ", "a", True, True, True),
    ("あ", "a", True, False, False),
    ("a", "b", True, True, False),      # inside a Latin word
    ("1", "2", True, True, False),
    ("-", "u", True, True, True),       # start-/ups
    ("-", "u", False, True, False),
    ("-", "1", True, True, False),      # -1, 2019-04
    ("-", "Ａ", True, True, True),
    ("-", "２", True, True, False),
    ("-", "-", True, True, False),
    ("x", "-", True, True, False),
    ("/", "u", True, True, False),      # only a hyphen
])
def test_may_break(prev: str, ch: str, hyphens: bool, cjk: bool, ok: bool) -> None:
    assert _may_break(prev, ch, hyphens, cjk) is ok


def test_allowed() -> None:
    assert _allowed("") == [False]
    assert _allowed("ab") == [False, False, False]
    assert _allowed("あいう") == [False, True, True, False]
    assert _allowed("ab cd") == [False, False, False, True, False, False]
    assert _allowed("あいう", cjk=False) == [False, False, False, False]
    assert _allowed("a-b") == [False, False, True, False]
    assert _allowed("a-b", hyphens=False) == [False, False, False, False]


@pytest.mark.parametrize(("text", "width", "offsets"), [
    ("", 5, []),
    ("abc", 3, []),             # exactly the width fits
    ("abcd", 3, [3]),           # no allowed break: folded at the width
    ("ab cd", 3, [3]),          # after the space
    ("ab   cd", 2, [5]),        # spaces past the width stay on the line
    ("ab cdefgh", 5, [3, 8]),   # the carried "cd" counts on the new line
    ("abcd.", 4, [3]),          # a fold moves back so . does not start a line
    ("ab(cd", 3, [2]),          # ... and ( does not end one
    ("ab.", 2, [1]),
    (".....", 2, [2, 4]),       # nothing better: fold at the width
    ("あいう", 4, [2]),
    ("あいab", 5, [2]),
    ("ab", 0, [1]),             # a width below 1 counts as 1
    ("ab", -3, [1]),
    ("あい", 1, [1]),           # a character wider than the width still gets a line
    ("start-ups", 7, [6]),
])
def test_break_offsets(text: str, width: int, offsets: list[int]) -> None:
    assert break_offsets(text, width) == offsets


def test_break_offsets_switches() -> None:
    assert break_offsets("start-ups", 7, hyphens=False) == [7]
    assert break_offsets("あいab", 5, cjk=False) == [3]


@pytest.mark.parametrize(("text", "width", "lines"), [
    ("", 5, [""]),
    ("a\n\nb", 5, ["a", "", "b"]),
    ("ab cd", 3, ["ab", "cd"]),
    ("aX bX", 3, ["aX", "bX"]),             # only spaces are stripped
    ("ab cdefgh", 5, ["ab", "cdefg", "h"]),
    ("ab\u3000cd", 3, ["ab\u3000", "cd"]),  # U+3000 stays: only ASCII spaces are stripped
])
def test_wrap_lines(text: str, width: int, lines: list[str]) -> None:
    assert wrap_lines(text, width) == lines


def test_wrap_lines_hyphens() -> None:
    assert wrap_lines("start-ups", 7) == ["start-", "ups"]
    assert wrap_lines("start-ups", 7, hyphens=False) == ["start-u", "ps"]


@pytest.mark.parametrize(("text", "kw", "width"), [
    ("", {}, 0),
    ("ab cd", {}, 2),
    ("abc de", {}, 3),
    ("ab cdef", {}, 4),
    ("abc   ", {}, 3),
    ("あいう", {}, 2),
    ("あいう", {"cjk": False}, 6),
    ("a\nbcd", {}, 3),
    ("start-ups", {}, 6),
    ("start-ups", {"hyphens": False}, 9),
])
def test_min_width(text: str, kw: dict[str, bool], width: int) -> None:
    assert min_width(text, **kw) == width


def _measure(t: JaText) -> tuple[int, int]:
    console = Console(file=io.StringIO(), width=80)
    m = t.__rich_measure__(console, console.options)
    return m.minimum, m.maximum


def test_measure_is_widest_run_and_widest_line() -> None:
    assert _measure(JaText("ab cdef\nxy")) == (4, 7)
    assert _measure(JaText("abc  ")) == (3, 5)
    assert _measure(JaText("")) == (0, 0)
    assert _measure(JaText("remote-work")) == (7, 11)
    assert _measure(SlugText("remote-work")) == (11, 11)
    assert _measure(JaText("東京都, 宮城県")) == (3, 14)
    assert _measure(ValuesText("東京都, 宮城県")) == (7, 14)


def test_jatext_wraps_by_the_rules() -> None:
    assert _render(JaText("日本最大級（総面積1,330㎡）のコワーキングスペース。"), 10) == [
        "日本最大級", "（総面積", "1,330㎡）", "のコワーキ", "ングスペー", "ス。"]


def test_jatext_strips_the_space_at_a_break() -> None:
    assert _render(JaText("ab cd"), 3, strip=False) == ["ab", "cd"]


def test_jatext_keeps_blank_lines_and_expands_tabs() -> None:
    assert _render(JaText("a\n\nb"), 10) == ["a", "", "b"]
    assert _render(JaText("a\tb"), 20) == ["a       b"]


def test_jatext_justify() -> None:
    assert _render(JaText("ab cd", justify="center"), 4, strip=False) == [" ab ", " cd "]
    assert _render(JaText("ab cd", justify="right"), 4, strip=False) == ["  ab", "  cd"]


def test_jatext_no_wrap_and_overflow_ignore_use_richs_own_wrap() -> None:
    assert _render(JaText("あいうえお", no_wrap=True), 4) == ["あい"]
    assert _render(JaText("あいうえお", overflow="ignore"), 4) == ["あい"]
    assert _render(JaText("あいうえお"), 4) == ["あい", "うえ", "お"]


def _wrap(text: JaText, width: int, **kw: object) -> list[str]:
    """``text.wrap`` called as rich's table and padding call it, with arguments."""
    console = Console(file=io.StringIO(), width=80, color_system=None)
    return [line.plain for line in text.wrap(console, width, **kw)]  # type: ignore[arg-type]


def test_jatext_wrap_takes_its_arguments_before_its_own_settings() -> None:
    # no_wrap as an argument: rich's wrap, one line cut at the width
    assert _wrap(JaText("あいう えお"), 4, no_wrap=True) == ["あい"]
    assert _wrap(JaText("あいう えお"), 4, overflow="ignore") == ["あいう えお"]
    # the same call's justify, overflow and tab size reach rich's wrap
    assert _wrap(JaText("abc"), 6, no_wrap=True, justify="right") == ["   abc"]
    assert _wrap(JaText("abcdefgh"), 5, no_wrap=True, overflow="ellipsis") == ["abcd…"]
    assert _wrap(JaText("a\tb"), 20, no_wrap=True, tab_size=4) == ["a   b"]
    # and JaText's own wrap: an argument first, then the text's setting, then the default
    assert _wrap(JaText("abc"), 6, justify="right") == ["   abc"]
    assert _wrap(JaText("abc", justify="right"), 6) == ["   abc"]
    assert _wrap(JaText("abc", justify="right"), 6, justify="center") == [" abc  "]
    assert _wrap(JaText("あ"), 1, overflow="ellipsis") == ["…"]
    assert _wrap(JaText("あ", overflow="ellipsis"), 1) == ["…"]
    assert _wrap(JaText("あ", overflow="ellipsis"), 1, overflow="fold") == [" "]
    assert _wrap(JaText("a\tb"), 20) == ["a       b"]  # tabs of 8 by default
    assert _wrap(JaText("a\tb c"), 20, tab_size=2) == ["a b c"]


def test_jatext_wrap_as_richs_own_for_what_it_does_not_change() -> None:
    from rich.text import Text

    # a final new line is a blank last line, as in rich's wrap
    assert _wrap(JaText("a\n"), 5) == ["a", ""] == [
        line.plain for line in Text("a\n").wrap(Console(file=io.StringIO()), 5)]
    # full justification, which asks the console for the styles between words
    assert _wrap(JaText("ab cd ef", style="bold"), 5, justify="full") == ["ab cd", "ef"]
    # a prose JaText breaks after a hyphen inside a word
    assert _wrap(JaText("start-ups"), 7) == ["start-", "ups"]
    assert _wrap(SlugText("start-ups"), 7) == ["start-u", "ps"]


def test_may_break_defaults_allow_hyphens_and_japanese() -> None:
    assert _may_break("-", "u") is True
    assert _may_break("あ", "い") is True


@pytest.mark.parametrize(("prev", "ch", "ok"), [
    ("…", "あ", True),  # after a leader, before other text: as any text
    ("…", "…", False),  # never inside ……
    ("あ", " ", False),  # before a space, never (after it, yes)
    (" ", "あ", True),
])
def test_may_break_around_leaders_and_spaces(prev: str, ch: str, ok: bool) -> None:
    assert _may_break(prev, ch) is ok


@pytest.mark.parametrize(("text", "width", "offsets"), [
    # no allowed break: fold at the width, but not before a closing bracket;
    # when every place back to the line's start is one, fold at the width after all
    ("a」」」」", 3, [2, 3, 4]),
    # moving back from 」」 reaches a line start after 「: fold at the width instead
    ("「a」」x", 5, [3]),
])
def test_break_offsets_folding_back(text: str, width: int, offsets: list[int]) -> None:
    assert break_offsets(text, width) == offsets


@pytest.mark.parametrize(("text", "width"), [
    ("a 」", 4),  # a space before a closing bracket is no place to break
    ("a\n」", 2),  # a new line always is
])
def test_min_width_breaks_at_new_lines_not_at_spaces(text: str, width: int) -> None:
    assert min_width(text) == width


def test_slug_and_values_text_switches() -> None:
    assert SlugText.hyphens is False and SlugText.cjk is True
    assert ValuesText.hyphens is False and ValuesText.cjk is False
    assert JaText.hyphens is True and JaText.cjk is True
    assert _render(SlugText("start-ups"), 7) == ["start-u", "ps"]
    assert _render(ValuesText("あいう えお"), 4) == ["あい", "う", "えお"]


def test_ja() -> None:
    t = ja("x", "bold")
    assert isinstance(t, JaText) and t.plain == "x" and t.style == "bold"
    assert ja("y").style == ""


@pytest.mark.parametrize(("text", "size", "out"), [
    ("あい  ", 4, "あい"),     # 6 cells, 2 over: both spaces go
    ("あい   ", 5, "あい "),   # 7 cells, 2 over: two of the three spaces go
    ("あいう", 4, "あいう"),   # over, but no trailing space to strip
    ("ab ", 3, "ab "),         # not over
    ("ab ", 2, "ab"),
])
def test_rstrip_end_counts_cells(text: str, size: int, out: str) -> None:
    t = Text(text)
    _rstrip_end(t, size)
    assert t.plain == out


def test_fix_rich_rstrip_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Text, "rstrip_end", Text.rstrip_end)  # restored after the test
    fix_rich_rstrip_end()
    t = Text("あい  ")
    t.rstrip_end(4)
    assert t.plain == "あい"


# ======================================================================= table helpers


def test_cell_by_column() -> None:
    case = _case(types=("coworking", "network"), types_basis="named",
                 sources=(SourceRef("s1", "§1"), SourceRef("s2", "§2"), SourceRef("s1", "§3")),
                 locations=(Location("main", prefecture="東京都"),
                            Location("partner", prefecture="広島県"),
                            Location("site", prefecture="宮城県")),
                 tags=("x", "y"))
    assert _cell(case, "name", "ja") == "名前"
    assert _cell(case, "name", "en") == "Name"
    assert _cell(case, "sources", "ja") == "s1\ns2"
    assert _cell(case, "types", "ja") == "coworking\nnetwork"
    assert _cell(case, "prefectures", "ja") == "東京都\n宮城県"  # network: sites count
    assert _cell(case, "tags", "ja") == "x; y"
    assert _cell(case, "category", "ja") == ""


def test_cell_marks_editorial_types() -> None:
    assert _cell(_case(types=("a", "b"), types_basis="editorial"), "types", "ja") == "a\nb *"
    assert _cell(_case(types_basis="editorial"), "types", "ja") == ""
    assert _cell(_case(types=("a",), types_basis="group"), "types", "ja") == "a"


@pytest.mark.parametrize(("column", "cells", "whole"), [
    ("id", ["x" * 40], True),
    ("category", ["x" * 40], True),
    ("name", ["x" * 12], True),
    ("name", ["x" * 13], False),
    ("name", ["あ" * 6], True),
    ("name", ["あ" * 7], False),
    ("name", ["short", "x" * 13], False),
    ("name", ["short\n" + "x" * 13], False),
    ("name", [], True),
])
def test_whole(column: str, cells: list[str], whole: bool) -> None:
    assert _whole(column, cells) is whole


@pytest.mark.parametrize(("kind", "lead", "marks"), [
    (None, False, ""), ("company", False, "  [company]"), (None, True, "  [lead]"),
    ("company", True, "  [company, lead]"),
])
def test_actor_marks(kind: str | None, lead: bool, marks: str) -> None:
    assert _actor_marks(kind, lead) == marks


def test_source_line() -> None:
    ctx = PageContext(source_titles={"s1": "報告書"})
    assert _source_line(ctx, "s1", "§1", "①") == "報告書 — §1 ① [s1]"
    assert _source_line(ctx, "s1", "§1", None) == "報告書 — §1 [s1]"
    assert _source_line(ctx, "s2", "§2", None) == "s2 — §2 [s2]"


def test_credit_ja() -> None:
    assert credit_ja("報告書", "国土交通省", "2019-03") == \
        "出典：「報告書」（国土交通省）（2019-03）を加工して作成"
    assert credit_ja("報告書", None, "2019") == "出典：「報告書」（2019）を加工して作成"
    assert credit_ja("報告書", "", "2019") == "出典：「報告書」（2019）を加工して作成"


def test_section() -> None:
    t = _section("Summary")
    assert t.plain == "\nSummary" and t.style == "bold cyan"


LONG_NAME = "日本最大級のコワーキング"  # 24 cells: a text column


def _list_case(**kw: object) -> Case:
    return _case(name=LONG_NAME, types=("coworking",),
                 locations=(Location("main", prefecture="東京都"),), **kw)


LIST_COLS = ("id", "name", "types", "prefectures")


def _footer(out: RenderableType) -> str:
    assert isinstance(out, Group)
    footer = out.renderables[-1]
    assert isinstance(footer, Text) and footer.style == "dim"
    return footer.plain


def test_list_footer_counts_and_notes() -> None:
    one = list_layout([_list_case()], LIST_COLS, "ja", None, 80)
    assert _footer(one) == "1 case"
    two = list_layout([_list_case(), _list_case(id="c2")], LIST_COLS, "ja", None, 80)
    assert _footer(two) == "2 cases"
    assert _footer(list_layout([], LIST_COLS, "ja", None, 80)) == "0 cases"
    ed = [_list_case(types_basis="editorial")]
    assert _footer(list_layout(ed, LIST_COLS, "ja", None, 80)) == \
        "1 case; * editorial type: the source document gives none"
    # no note without the types column, nor for an editorial basis with no types
    assert _footer(list_layout(ed, ("id", "name"), "ja", None, 80)) == "1 case"
    no_types = [_case(types_basis="editorial")]
    assert _footer(list_layout(no_types, LIST_COLS, "ja", None, 80)) == "1 case"


def test_list_table_widths_at_the_boundary() -> None:
    # fixed: id 2 + types 9 + prefecture 10 ("prefecture" header) = 21, gaps 3 x 3 = 9,
    # so the name gets width - 30 and needs NAME_MIN (16): a table from 46 cells on.
    assert NAME_MIN == 16
    at46 = list_layout([_list_case()], LIST_COLS, "ja", None, 46)
    assert isinstance(at46, Group)
    table = at46.renderables[0]
    assert isinstance(table, Table)
    assert [c.header for c in table.columns] == ["id", "name", "types", "prefecture"]
    assert [c.width for c in table.columns] == [2, 16, 9, 10]
    assert [c.no_wrap for c in table.columns] == [True, False, True, True]
    wide = list_layout([_list_case()], LIST_COLS, "ja", None, 80)
    assert isinstance(wide, Group) and isinstance(wide.renderables[0], Table)
    # the name needs 24 cells (12 characters): no wider than that
    assert [c.width for c in wide.renderables[0].columns] == [2, 24, 9, 10]
    at45 = list_layout([_list_case()], LIST_COLS, "ja", None, 45)
    assert isinstance(at45, Group) and not isinstance(at45.renderables[0], Table)


def test_list_without_text_columns_needs_only_its_natural_width() -> None:
    # id 2 + types 9 + one gap 3 = 14
    at14 = list_layout([_list_case()], ("id", "types"), "ja", None, 14)
    assert isinstance(at14, Group) and isinstance(at14.renderables[0], Table)
    at13 = list_layout([_list_case()], ("id", "types"), "ja", None, 13)
    assert isinstance(at13, Group) and not isinstance(at13.renderables[0], Table)


def test_list_with_hits_adds_a_match_column() -> None:
    case = _list_case()
    hits = [Hit(case, 1.0, "summary", "…要約…")]
    # id 2, one gap 3: the match column gets width - 5 and needs 16
    at21 = list_layout([case], ("id",), "ja", hits, 21)
    assert isinstance(at21, Group)
    table = at21.renderables[0]
    assert isinstance(table, Table)
    assert [(c.header, c.width) for c in table.columns] == [("id", 2), ("match", 16)]
    at20 = list_layout([case], ("id",), "ja", hits, 20)
    assert isinstance(at20, Group) and not isinstance(at20.renderables[0], Table)


def test_list_blocks_text() -> None:
    out = list_layout([_list_case()], LIST_COLS, "ja", None, 45)
    assert _render(out, 45) == ["c1  coworking · 東京都", "  日本最大級のコワーキング", "1 case"]
    narrow = list_layout([_list_case()], LIST_COLS, "ja", None, 20)
    assert _render(narrow, 20) == ["c1", "  coworking · 東京都", "  日本最大級のコワー",
                                   "  キング", "1 case"]


def test_list_blocks_with_a_snippet() -> None:
    case = _list_case()
    out = list_layout([case], ("id",), "ja", [Hit(case, 1.0, "summary", "要約")], 20)
    assert _render(out, 20) == ["c1", "  要約", "1 case"]


def test_list_table_as_printed() -> None:
    lines = [line.rstrip() for line in _render(list_layout([_list_case()], LIST_COLS, "ja",
                                                           None, 80), 80)]
    assert lines[0].split() == ["id", "name", "types", "prefecture"]
    assert lines[2].split() == ["c1", LONG_NAME, "coworking", "東京都"]
    assert lines[-1] == "1 case"


def test_list_table_renders_at_the_width_it_is_printed_at() -> None:
    lt = _AtWidth(lambda w: Text(f"w={w}"))
    assert _render(lt, 33) == ["w=33"]


def _columns(table: RenderableType) -> list[tuple[str, int | None, bool]]:
    assert isinstance(table, Table)
    return [(str(c.header), c.width, c.no_wrap) for c in table.columns]


def _cells_of(table: RenderableType, col: int) -> list[str]:
    assert isinstance(table, Table)
    out = []
    for cell in table.columns[col].cells:
        assert isinstance(cell, (str, Text))
        out.append(cell if isinstance(cell, str) else cell.plain)
    return out


def test_stats_layout_short_labels() -> None:
    rows = [("東京都", 10), ("宮崎県", 5), ("北海道", 0)]
    table = stats_layout(rows, 60, "prefecture")
    # longest 10 <= 60 // 3: room 20; label 10; bars 60 - 10 - 5 - 6 = 39
    assert _columns(table) == [("prefecture", 10, True), ("cases", 5, True), ("", 39, True)]
    assert _cells_of(table, 0) == ["東京都", "宮崎県", "北海道"]
    assert _cells_of(table, 1) == ["10", "5", "0"]
    assert _cells_of(table, 2) == ["█" * 39, "█" * 19, ""]  # 5 * 39 // 10 = 19
    assert isinstance(table, Table) and table.columns[1].justify == "right"


def test_stats_layout_long_label_is_broken_not_cut() -> None:
    table = stats_layout([("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 3)], 30, "section")
    # longest 26 > 10: room 20, capped at 30 - 5 - 6 - 5 = 14; bars 5
    assert _columns(table) == [("section", 14, False), ("cases", 5, True), ("", 5, True)]
    assert _cells_of(table, 2) == ["█████"]


@pytest.mark.parametrize(("key", "label_width"), [
    ("x" * 10, 10),   # 10 is not more than 30 // 3: room max(10, 10)
    ("x" * 11, 11),   # 11 is: room max(10, 20)
])
def test_stats_layout_room_boundary(key: str, label_width: int) -> None:
    table = stats_layout([(key, 1)], 30, "k")
    assert _columns(table)[0] == ("k", label_width, True)


def test_stats_layout_narrow_floors() -> None:
    table = stats_layout([("a", 1)], 10, "x")
    assert _columns(table) == [("x", 4, True), ("cases", 5, True), ("", 5, True)]
    assert _cells_of(table, 2) == ["█████"]


def test_stats_layout_a_small_count_still_gets_a_bar() -> None:
    table = stats_layout([("a", 100), ("b", 1)], 60, "key")
    assert _columns(table) == [("key", 4, True), ("cases", 5, True), ("", 45, True)]
    assert _cells_of(table, 2) == ["█" * 45, "█"]


def test_stats_layout_count_column_fits_the_largest_count() -> None:
    table = stats_layout([("a", 1234567)], 60, "key")
    assert _columns(table)[1] == ("cases", 7, True)
    assert _cells_of(table, 2) == ["█" * 43]  # 60 - 4 - 7 - 6


def test_stats_layout_without_rows() -> None:
    table = stats_layout([], 60, "prefecture")
    assert isinstance(table, Table) and table.row_count == 0
    assert _columns(table)[0] == ("prefecture", 10, True)


def test_stats_bars_uses_the_printed_width_or_the_given_one() -> None:
    bars = stats_bars([("a", 2)], 60, "key")
    assert isinstance(bars, _AtWidth)
    assert _columns(bars.build(0))[2] == ("", 45, True)   # rich gave none: 60
    assert _columns(bars.build(30))[2] == ("", 15, True)  # 30 - 4 - 5 - 6


def test_fields_page_shows_a_dash_for_an_empty_field() -> None:
    assert _render(fields_page(_case(tags=("a", "b")), ["id", "category", "tags"]), 80) == [
        "c1", "  id        c1", "  category  —", "  tags      a; b"]


def test_types_table() -> None:
    row = {"name": "名", "name_en": "Name", "slug": "coworking", "cases_named": 1,
           "cases_group": 2, "cases_editorial": 0, "definition": "def", "defined_in": "2019",
           "examples": ["c1", "c9"]}
    assert _render(types_table([row], {"c1": "事例"}), 100) == [
        "名  Name  coworking",
        "  definition  def",
        "  defined in  2019",
        "  cases       1 named by the report, 2 placed with their group, 0 editorial",
        "  examples    事例 (c1), c9 (c9)",
        ""]
    assert "examples" not in "\n".join(_render(types_table([{**row, "examples": []}], {}), 100))


def _source_row(**kw: object) -> dict[str, object]:
    row: dict[str, object] = {"id": "s1", "title": "報告書", "title_en": "Report",
                              "publisher": "国交省", "date_note": None, "file": "a.pdf",
                              "date": "2019-03", "cases": 3, "expected_cases": None}
    row.update(kw)
    return row


def test_sources_table_cells() -> None:
    out = sources_table([_source_row(), _source_row(id="s2", expected_cases=3),
                         _source_row(id="s3", expected_cases=5, date_note="年度末")])
    assert isinstance(out, Group)
    table, note = out.renderables
    assert isinstance(note, Text)
    assert note.plain == "A record counts once for each document it cites."
    assert _cells_of(table, 0) == ["s1", "s2", "s3"]
    assert _cells_of(table, 1) == ["報告書\n国交省 · a.pdf", "報告書\n国交省 · a.pdf",
                                   "報告書\n国交省 · 年度末 · a.pdf"]
    assert _cells_of(table, 2) == ["2019-03"] * 3
    assert _cells_of(table, 3) == ["3", "3", "3/5"]
    en = sources_table([_source_row(publisher=None)], lang="en")
    assert isinstance(en, Group)
    assert _cells_of(en.renderables[0], 1) == ["Report\na.pdf"]


def test_topics_table_cells() -> None:
    row = {"slug": "remote-work", "name": "テレワーク", "name_en": "Remote work", "cases": 4}
    out = topics_table([row])
    assert isinstance(out, Group)
    table, note = out.renderables
    assert _cells_of(table, 0) == ["remote-work"]
    assert _cells_of(table, 1) == ["テレワーク  Remote work"]
    assert _cells_of(table, 2) == ["4"]
    assert isinstance(note, Text) and note.plain.startswith("Topics are editorial")
    en = topics_table([row], lang="en")
    assert isinstance(en, Group)
    assert _cells_of(en.renderables[0], 1) == ["Remote work  テレワーク"]


def test_show_page_of_a_minimal_record() -> None:
    case = _case(sources=(SourceRef("s1", "§1", "①"),))
    ctx = PageContext(source_titles={"s1": "報告書"}, credits=("出典：x",))
    assert _render(show_page(case, ctx), 80) == [
        "名前", "Name", "id: c1",
        "", "Summary", "  要約", "", "  Summary",
        "", "Sources 出典", "  • 報告書 — §1 ① [s1]",
        "", "Credit 出典表記", "  • 出典：x"]
    en = _render(show_page(case, ctx, lang="en"), 80)
    assert en[:3] == ["Name", "名前", "id: c1"]
    assert en[5] == "  Summary" and en[7] == "  要約"


def test_show_page_facts() -> None:
    case = _case(aliases=("別名", "alias"), types=("coworking", "x"), tags=("t1", "t2"),
                 category="分類", sector="private", topics=("remote-work",),
                 started="2017", started_fiscal=True, started_evidence="2017年度に開設",
                 actors=(Actor("（株）X", role="運営", kind="company", lead=True),
                         Actor("Y")),
                 locations=(Location("main", prefecture="東京都", note="本社",
                                     regions=("kanto",), planned=True),))
    ctx = PageContext(type_names={"coworking": "コワーキング"},
                      topic_names={"remote-work": "テレワーク"})
    lines = _render(show_page(case, ctx), 120)
    assert lines[2] == "id: c1   aliases: 別名, alias"
    assert lines[3] == ""
    assert lines[4:10] == [
        "  type      コワーキング (coworking), x — editorial judgement",
        "  category  分類",
        "  sector    private",
        "  tags      t1, t2",
        "  topics    テレワーク (remote-work)  [editorial]",
        "  started   FY2017 — 2017年度に開設  [editorial]"]
    i = lines.index("Actors 取組主体・関係者")
    assert lines[i + 1:i + 3] == ["  • （株）X — 運営  [company, lead]", "  • Y"]
    i = lines.index("Places 取組地域")
    assert lines[i + 1] == "  main (planned)  東京都 — 本社 [kanto]"


@pytest.mark.parametrize(("basis", "text"), [
    ("named", "the 2019 report names this case under the type"),
    ("group", "the 2019 report places this case's group or section"),
    ("editorial", "editorial judgement"),
])
def test_show_page_type_basis(basis: str, text: str) -> None:
    case = _case(types=("x",), types_basis=basis, types_note="注")
    lines = _render(show_page(case, PageContext()), 120)
    assert lines[4:6] == [f"  type  x — {text}", "        注"]


# ============================================================================ JSON text
# Japanese stays as it is (UTF-8, never \u escapes) on every path: the fast
# printer, json.dumps where it hands over, JSON Lines and --nested json cells.


def test_json_lines_are_compact_and_keep_japanese() -> None:
    from kasegeru_cli.formats.jsonfmt import render_jsonl

    assert render_jsonl([{"a": "東京", "b": [1, 2]}, {}]) == '{"a":"東京","b":[1,2]}\n{}\n'


def test_what_the_fast_printer_hands_to_json_dumps_keeps_japanese() -> None:
    from collections import OrderedDict

    from kasegeru_cli.formats.jsonfmt import render_json

    assert render_json({1: "東京"}) == '{\n  "1": "東京"\n}\n'  # a key that is no str
    # a dict subclass prints as a dict, nested at its depth
    assert render_json([OrderedDict(b="宮崎", a=1)]) == (
        '[\n  {\n    "b": "宮崎",\n    "a": 1\n  }\n]\n')


def test_nested_json_cells_keep_text_as_is() -> None:
    case = _case(name_en="Kumo LAB", tags=("移住",), started_fiscal=True)
    out = render_delimited([case], ["name_en", "tags", "started_fiscal", "started"],
                           nested="json")
    assert _csv_rows(out) == [["name_en", "tags", "started_fiscal", "started"],
                              ["Kumo LAB", '["移住"]', "true", ""]]
