"""The editorial facets (schema_version 2) and the loader's stricter checks.

Topics, actor kinds and leads, started, location regions and planned places,
types_basis named/group/editorial: each is validated with a located message
and the nearest valid value, and each quotes a phrase its record must hold.
Also the bad values that used to validate (issue 12: numbers, dates, control
characters, deep nesting).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kasegeru_cli.loader import DatasetError, load_files
from kasegeru_cli.models import ACTOR_KINDS

from .conftest import MINIMAL

FACETS = MINIMAL.replace("schema_version = 1", "schema_version = 2").replace(
    '[sources.mine]', '''[topics.vacant-buildings]
name = "空き家・空き店舗"
name_en = "Vacant buildings"
criterion = "使われていない建物を活用する取組"
variants = ["空き家", "空き店舗", "vacant house"]

[sources.mine]''').replace(
    'types_basis = "editorial"\n', '''types_basis = "editorial"
topics = ["vacant-buildings"]
topic_evidence = { vacant-buildings = "アルファの概要" }
started = "2019-04"
started_evidence = "開設"
''').replace('''role = "main"
''', '''role = "main"

[[cases.locations]]
area = "九州地方"
regions = ["kyushu"]
role = "scope"

[[cases.actors]]
name = "株式会社アルファ"
role = "運営"
kind = "company"
lead = true
''')


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cases.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(DatasetError) as info:
        load_files([path])
    return [str(p) for p in info.value.problems]


def test_facets_load_as_written(tmp_path: Path) -> None:
    data = load_files([write(tmp_path, FACETS)])
    alpha = data.cases[0]
    assert data.schema_version == 2
    assert list(data.topics) == ["vacant-buildings"]
    assert data.topics["vacant-buildings"].variants == ("空き家", "空き店舗", "vacant house")
    assert alpha.topics == ("vacant-buildings",)
    assert alpha.topic_evidence == {"vacant-buildings": "アルファの概要"}
    assert (alpha.started, alpha.started_fiscal, alpha.started_evidence) == (
        "2019-04", False, "開設")
    assert alpha.locations[1].regions == ("kyushu",)
    assert (alpha.actors[0].kind, alpha.actors[0].lead) == ("company", True)


def test_version_1_report_is_read_as_group(tmp_path: Path) -> None:
    v1 = MINIMAL.replace('types_basis = "editorial"', 'types_basis = "report"')
    assert load_files([write(tmp_path, v1)]).cases[0].types_basis == "group"
    v2 = FACETS.replace('types_basis = "editorial"', 'types_basis = "report"')
    [msg] = problems(write(tmp_path, v2))
    assert '"report" was split in schema_version 2' in msg


# (what to change in FACETS, the message expected)
RULES = [
    ('topics = ["vacant-buildings"]', 'topics = ["vacant-building"]',
     "topic 'vacant-building' has no phrase in topic_evidence"),
    ('topic_evidence = { vacant-buildings = "アルファの概要" }',
     'topic_evidence = { vacant-buildings = "どこにもない言葉" }',
     "field topic_evidence: the phrase for 'vacant-buildings' ('どこにもない言葉') is not in "
     "the record's text"),
    ('started = "2019-04"', 'started = "2018"',
     "field started: '2018' is not the date of any event in the timeline"),
    ('started_evidence = "開設"\n', '',
     "field started_evidence: is required with started"),
    ('kind = "company"', 'kind = "compnay"',
     "actor '株式会社アルファ': 'compnay' is not a kind (did you mean 'company'?)"),
    ('regions = ["kyushu"]', 'regions = ["kyusyu"]',
     "'kyusyu' is not a region (did you mean 'kyushu'?)"),
    ('area = "九州地方"', 'prefecture = "福岡県"',
     "field locations[2].regions: is only for a place printed as an area with no prefecture"),
    ('types_basis = "editorial"', 'types_basis = "named"\nrelated_x = 1',
     "field related_x: unknown key"),
]


@pytest.mark.parametrize("old, new, message", RULES, ids=[r[2][:40] for r in RULES])
def test_facet_rule(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in FACETS
    found = problems(write(tmp_path, FACETS.replace(old, new, 1)))
    assert any(message in p for p in found), found


def test_unknown_topic_names_the_nearest(tmp_path: Path) -> None:
    text = (FACETS.replace('topics = ["vacant-buildings"]', 'topics = ["vacant-buildngs"]')
            .replace("{ vacant-buildings =", "{ vacant-buildngs ="))
    path = write(tmp_path, text)
    [msg] = problems(path)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("topics ="))
    assert msg == (f"{path}:{line}: case alpha: field topics: unknown topic 'vacant-buildngs' "
                   "(did you mean 'vacant-buildings'?)")


def test_kinds_are_the_documented_ten() -> None:
    # docs/DATA.md "Actors: kind and lead", written out by hand.
    assert ACTOR_KINDS == ("company", "university", "national-government", "prefecture",
                           "municipality", "public-body", "association", "financial",
                           "individual", "other")


# ----------------------------------------------------------------- values that used to pass

BAD_VALUES = [
    ('date = "2019-04"', 'date = "2019\\n"', "is not a date"),
    ('date = "2019-04"', 'date = "２０１９-０４"', "is not a date"),
    ('id = "alpha"', 'id = "alpha\\n"', "field id: holds a line break"),
    ('name = "アルファ"', 'name = "アル\\u001b]52;c;AAAA\\u0007ファ"',
     "field name: holds the control character U+001B"),
    ('summary_en = "About alpha."', 'summary_en = "About\\u0000 alpha."',
     "field summary_en: holds the control character U+0000"),
    ('event = "開設"', 'event = "開設"\n\n[[cases.figures]]\nlabel = "x"\nvalue = nan',
     "must be a finite number, not nan"),
    ('event = "開設"', 'event = "開設"\n\n[[cases.figures]]\nlabel = "x"\nvalue = 1e400',
     "must be a finite number, not inf"),
    ('event = "開設"', 'event = "開設"\n\n[[cases.figures]]\nlabel = "x"\nvalue = '
     + "9" * 38, "is too large (38 digits)"),
    ('event = "開設"', 'event = "開設"\n\n[[cases.figures]]\nlabel = "x"\nvalue = 10\n'
     'value_max = 5', "5 is below value 10"),
]


@pytest.mark.parametrize("old, new, message", BAD_VALUES, ids=[b[1][:30] for b in BAD_VALUES])
def test_bad_values_are_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in FACETS
    found = problems(write(tmp_path, FACETS.replace(old, new, 1)))
    assert any(message in p for p in found), found


def test_empty_sources_is_refused(tmp_path: Path) -> None:
    text = FACETS.replace('[[cases.sources]]\nsource = "mine"\nsection = "第2章"\n',
                          "sources = []\n")
    assert text != FACETS
    found = problems(write(tmp_path, text))
    assert any("case beta: field sources: at least one [[cases.sources]] is required" in p
               for p in found), found


def test_a_span_may_end_in_a_coarser_date(tmp_path: Path) -> None:
    # "2019-05 to 2019" is a span inside 2019, not one that ends before it starts.
    text = FACETS.replace('date = "2019-04"', 'date = "2019-05"\nuntil = "2019"').replace(
        'started = "2019-04"', 'started = "2019-05"')
    assert load_files([write(tmp_path, text)]).cases[0].timeline[0].until == "2019"
    wrong = FACETS.replace('date = "2019-04"', 'date = "2019-05"\nuntil = "2018-12"')
    assert any("ends before it starts" in p for p in problems(write(tmp_path, wrong)))


@pytest.mark.parametrize("text, what", [
    ("x = " + "[" * 100_000 + "]" * 100_000 + "\n", "arrays or inline tables"),
    ("x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n", "arrays or inline tables"),
    ("a" + ".a" * 20_000 + " = 1\n", "a dotted key with too many parts"),
])
def test_deep_nesting_is_located(tmp_path: Path, text: str, what: str) -> None:
    path = write(tmp_path, "schema_version = 2\n" + text)
    [msg] = problems(path)
    assert msg.startswith(f"{path}:2: nested too deeply ({what}"), msg


def test_deep_nesting_is_located_past_strings_and_comments(tmp_path: Path) -> None:
    # Brackets inside strings and comments are not nesting; the line is the x line.
    text = ("schema_version = 2\n"
            "# a comment [[[ {{{\n"
            'name = "a [ b { \\" [ c"\n'
            "lit = 'x [[ y'\n"
            'multi = """\n[[[\n{{{\n"""\n'
            "raw = '''\n[[\n'''\n"
            "x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    path = write(tmp_path, text)
    [msg] = problems(path)
    assert msg.startswith(f"{path}:12: nested too deeply (arrays or inline tables"), msg
    dotted = write(tmp_path, 'schema_version = 2\nk = "a.b.c.d"\n' + "a" + ".a" * 20_000
                   + " = 1\n")
    [msg] = problems(dotted)
    assert msg.startswith(f"{dotted}:3: nested too deeply (a dotted key"), msg


@pytest.mark.parametrize("value, name", [
    ("true", "a boolean"), ("1", "an integer"), ("1.5", "a number"), ("[1]", "a list"),
    ("{ a = 1 }", "a table"), ("2019-04-01", "date"),
])
def test_wrong_types_are_named(tmp_path: Path, value: str, name: str) -> None:
    found = problems(write(tmp_path, FACETS.replace('name_en = "Alpha"', f"name_en = {value}")))
    assert any(f"field name_en: must be a string, not {name}" in p for p in found), found
