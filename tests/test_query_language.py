"""The search query language, tested as a language (issue 28): terms, AND, OR
and ``|``, quoted phrases, mixed scripts, whole English words and plurals.

Every expectation is read by hand off ``DATASET`` below: six short cases whose
words (陶芸, 灯籠, art, garden …) name no topic, so no topic variant or concept
widens a query here and each answer is what the words alone match. The
hypothesis tests check the algebra on the same data: ``a OR b`` is the union of
``a`` and ``b``, ``a b`` their intersection, and a phrase never finds more than
its words.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kasegeru_cli.catalog import Catalog
from kasegeru_cli.loader import load_files

from .conftest import Cli, examples

CASE = '''
[[cases]]
id = "{id}"
name = "{name}"
name_en = "{name_en}"
summary = "{summary}"
summary_en = "{summary_en}"

[[cases.sources]]
source = "mine"
section = "第1章"
'''

HEAD = '''\
schema_version = 1

[types.coworking]
name = "コワーキング型"
name_en = "Coworking"
definition = "拠点を形成し…"
defined_in = "別紙1"

[sources.mine]
file = "mine.txt"
title = "私の資料"
title_en = "Q"
publisher = "私"
date = "2024-01"
'''

# id, name, name_en, summary, summary_en
CASES = [
    ("q1", "陶芸の里", "Q1", "陶芸と港町の交流。", "An art village by the harbour."),
    ("q2", "灯籠まつり", "Q2", "港町の灯籠まつり。",
     "A lantern festival that started in 1990, locals said."),
    ("q3", "陶芸教室", "Q3", "陶芸教室と庭園。", "Pottery classes and gardens in the old city."),
    ("q4", "共同アトリエ", "Q4", "アトリエと起業支援。", "A community art-space for start-ups."),
    ("q5", "ＡＩラボ", "Q5", "ＡＩと陶芸の実験。", "An AI lab for potters."),
    ("q6", "庭園都市", "Q6", "庭園の街。", "Cities with a city garden and a smart harbour."),
]
DATASET = HEAD + "".join(
    CASE.format(id=i, name=n, name_en=ne, summary=s, summary_en=se) for i, n, ne, s, se in CASES)

# query -> the ids it finds, by hand from CASES.
TABLE: list[tuple[str, list[str]]] = [
    # single terms: Japanese as substrings
    ("陶芸", ["q1", "q3", "q5"]),
    ("港町", ["q1", "q2"]),
    ("灯籠", ["q2"]),
    ("庭園", ["q3", "q6"]),
    ("アトリエ", ["q4"]),
    # English: whole words, never inside a longer one
    ("art", ["q1", "q4"]),            # not "started" (q2), not "smart" (q6)
    ("said", ["q2"]),
    ("ai", ["q5"]),                   # not "said" (q2)
    ("AI", ["q5"]),
    ("ＡＩ", ["q5"]),                 # full width folds to ai
    ("potter", ["q5"]),               # not "Pottery" (q3)
    ("pottery", ["q3"]),              # not "potters" (q5)
    ("harbour", ["q1", "q6"]),
    ("lab", ["q5"]),
    ("smart", ["q6"]),
    ("village", ["q1"]),
    ("villa", []),                    # only inside "village"
    ("start", ["q4"]),                # the word of "start-ups", not inside "started" (q2)
    # plurals, hyphens and case folded
    ("arts", ["q1", "q4"]),
    ("garden", ["q3", "q6"]),
    ("gardens", ["q3", "q6"]),
    ("city", ["q3", "q6"]),
    ("cities", ["q3", "q6"]),
    ("class", ["q3"]),
    ("classes", ["q3"]),
    ("potters", ["q5"]),
    ("labs", ["q5"]),
    ("startup", ["q4"]),
    ("Start-Ups", ["q4"]),
    ("Harbour", ["q1", "q6"]),
    # AND: every clause
    ("陶芸 港町", ["q1"]),
    ("陶芸 art", ["q1"]),
    ("garden harbour", ["q6"]),
    ("city garden", ["q3", "q6"]),
    ("陶芸 ai", ["q5"]),              # mixed scripts
    ("ＡＩ 陶芸", ["q5"]),
    ("陶芸 灯籠", []),
    ("art 庭園", []),
    # OR and |: any alternative of a clause
    ("灯籠 OR 庭園", ["q2", "q3", "q6"]),
    ("灯籠 | 庭園", ["q2", "q3", "q6"]),
    ("art OR garden", ["q1", "q3", "q4", "q6"]),
    ("art | garden | 灯籠", ["q1", "q2", "q3", "q4", "q6"]),
    ("陶芸 OR ai", ["q1", "q3", "q5"]),
    # OR binds the two words beside it only, not the rest of the query
    ("灯籠 OR 庭園 陶芸", ["q3"]),
    ("陶芸 灯籠 OR art", ["q1"]),
    ("庭園 OR 港町 harbour", ["q1", "q6"]),
    ("港町 OR 灯籠 garden", []),
    ("art | garden 陶芸", ["q1", "q3"]),
    ("OR 陶芸", ["q1", "q3", "q5"]),
    ("陶芸 OR", ["q1", "q3", "q5"]),
    ("or", []),                       # lower case is a word, not the operator
    # phrases: the words together, in order
    ('"art village"', ["q1"]),
    ('"village art"', []),
    ('"city garden"', ["q6"]),
    ('"garden city"', []),
    ('"old city"', ["q3"]),
    ('"city gardens"', ["q6"]),       # plurals fold inside a phrase too
    ('"陶芸 港町"', []),               # the space is part of a Japanese phrase
    ('"港町の灯籠"', ["q2"]),
    ("「港町の灯籠」", ["q2"]),
    ("“art village”", ["q1"]),
    ('"art village" OR 灯籠', ["q1", "q2"]),
    ('"city garden" harbour', ["q6"]),
    ('陶芸 "old city"', ["q3"]),
]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("query") / "cases.toml"
    path.write_text(DATASET, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def mcli() -> Cli:
    return Cli()


@pytest.fixture(scope="module")
def catalog(data: Path) -> Catalog:
    return Catalog(load_files([data]))


@pytest.mark.parametrize(("query", "ids"), TABLE, ids=[q for q, _ in TABLE])
def test_the_query_table(mcli: Cli, data: Path, query: str, ids: list[str]) -> None:
    found = mcli.json("--data", str(data), "search", query, "--json")
    assert sorted(r["id"] for r in found) == ids


def test_the_table_is_not_all_one_answer() -> None:
    answers = {tuple(ids) for _, ids in TABLE}
    assert len(answers) > 15 and () in answers


# ----------------------------------------------------------------------------- the algebra

WORDS = ["陶芸", "港町", "灯籠", "庭園", "アトリエ", "ＡＩ", "art", "arts", "garden", "city",
         "harbour", "pottery", "potter", "lab", "village", "said", "start", "startup",
         "smart", "old", "lantern", "festival", "classes", "教室", "まつり", "の"]
word = st.sampled_from(WORDS)


def found(catalog: Catalog, query: str) -> set[str]:
    return {h.case.id for h in catalog.search(query)}


@settings(max_examples=examples(150), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=word, b=word)
def test_or_is_the_union(catalog: Catalog, a: str, b: str) -> None:
    union = found(catalog, a) | found(catalog, b)
    assert found(catalog, f"{a} OR {b}") == union
    assert found(catalog, f"{a} | {b}") == union


@settings(max_examples=examples(150), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=word, b=word)
def test_two_terms_are_the_intersection(catalog: Catalog, a: str, b: str) -> None:
    assert found(catalog, f"{a} {b}") == found(catalog, a) & found(catalog, b)


@settings(max_examples=examples(150), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=word, b=word, c=word)
def test_or_binds_only_its_neighbours(catalog: Catalog, a: str, b: str, c: str) -> None:
    expected = (found(catalog, a) | found(catalog, b)) & found(catalog, c)
    assert found(catalog, f"{a} OR {b} {c}") == expected
    assert found(catalog, f"{c} {a} OR {b}") == expected


@settings(max_examples=examples(150), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(word, min_size=1, max_size=3))
def test_a_phrase_finds_no_more_than_its_words(catalog: Catalog, words: list[str]) -> None:
    assert found(catalog, '"' + " ".join(words) + '"') <= found(catalog, " ".join(words))
