"""Every filter's OR and AND, every sort key, every --limit, and stats counted by hand.

A repeated option is OR, two different options are AND (``cli.FILTER_OPTIONS``,
``catalog.Filters``). Each filter is tried with two values whose answers
overlap without one holding the other, so OR turned into AND (or the reverse)
changes the answer. The expected counts are the documents' (SOURCES.md, the
lists of 001 and 003) where they state them.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import tomli

from kasegeru_cli.cli import FILTER_OPTIONS

from .conftest import Cli

# option -> two values, each matching some cases, neither answer inside the other.
TWO_VALUES: dict[str, tuple[str, str]] = {
    "--type": ("coworking", "regional-resource"),
    "--topic": ("startups", "tourism"),
    "--operator": ("company", "municipality"),
    "--prefecture": ("東京都", "宮崎県"),
    "--region": ("kanto", "kyushu"),
    "--source": ("001", "004"),
    "--basis": ("named", "editorial"),
    "--sector": ("public", "private"),
    "--flow": ("metro-regional", "regional-metro"),
    "--tag": ("産学連携", "観光"),
    "--year": ("2018", "2019"),
}
SINGLE = {"--since": "2015", "--until": "2017", "--anywhere": None}

# JIS X 0401 order, written out by hand: what --sort prefecture follows.
JIS = [
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県",
    "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県",
    "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県",
    "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県",
    "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県",
    "徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県",
    "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県"]
# The nine regions of docs/DATA.md ("Where it is"), by JIS code range, by hand.
REGION_OF = {p: r for r, names in {
    "hokkaido": JIS[0:1], "tohoku": JIS[1:7], "kanto": JIS[7:14], "chubu": JIS[14:23],
    "kinki": JIS[23:30], "chugoku": JIS[30:35], "shikoku": JIS[35:39], "kyushu": JIS[39:46],
    "okinawa": JIS[46:47]}.items() for p in names}
# The order of the [sources] of data/cases.toml: the documents by file number.
SOURCE_ORDER = ["2018-partnerships", "2018-summary", "intercity-projects", "2019-report",
                "chiho-sosei-2"]


@pytest.fixture(scope="module")
def mcli() -> Cli:
    return Cli()


def ids(cli: Cli, *args: str, command: str = "list") -> list[str]:
    return [r["id"] for r in cli.json(command, *args, "--json")]


@pytest.fixture(scope="module")
def raw(bundled: Path) -> dict[str, Any]:
    """The data file as TOML, read without the program."""
    return tomli.loads(bundled.read_text(encoding="utf-8"))


def test_every_declared_filter_is_tried() -> None:
    declared = set()
    for _, _, ann in FILTER_OPTIONS:
        info = ann.__metadata__[0]
        names = [d for d in (info.default, *info.param_decls)
                 if isinstance(d, str) and d.startswith("--")]
        declared.add(names[0])
    assert declared == set(TWO_VALUES) | set(SINGLE)


@pytest.mark.parametrize("option", sorted(TWO_VALUES))
def test_repeating_a_filter_is_or(mcli: Cli, option: str) -> None:
    a, b = TWO_VALUES[option]
    only_a, only_b = set(ids(mcli, option, a)), set(ids(mcli, option, b))
    assert only_a and only_b and only_a - only_b and only_b - only_a, "values must differ"
    both = ids(mcli, option, a, option, b)
    assert set(both) == only_a | only_b
    assert len(both) == len(set(both))  # each case once


@pytest.mark.parametrize("option", sorted(TWO_VALUES))
def test_two_different_filters_are_and(mcli: Cli, option: str) -> None:
    a = TWO_VALUES[option][0]
    other = "--year" if option != "--year" else "--source"
    c = TWO_VALUES[other][0]
    left, right = set(ids(mcli, option, a)), set(ids(mcli, other, c))
    assert set(ids(mcli, option, a, other, c)) == left & right


def test_since_and_until_are_a_range(mcli: Cli, raw: dict[str, Any]) -> None:
    started = {c["id"]: int(c["started"][:4]) for c in raw["cases"] if "started" in c}
    since, until = set(ids(mcli, "--since", "2015")), set(ids(mcli, "--until", "2017"))
    assert since == {i for i, y in started.items() if y >= 2015}
    assert until == {i for i, y in started.items() if y <= 2017}
    assert set(ids(mcli, "--since", "2015", "--until", "2017")) == since & until
    assert since & until and since - until and until - since


def test_anywhere_widens_to_every_place(mcli: Cli, raw: dict[str, Any]) -> None:
    home = set(ids(mcli, "-p", "東京都"))
    wide = set(ids(mcli, "-p", "東京都", "--anywhere"))
    everywhere = {c["id"] for c in raw["cases"]
                  if any(loc.get("prefecture") == "東京都" for loc in c.get("locations", ()))}
    assert home < wide == everywhere


# --------------------------------------------------------------------- counts

def test_counts_the_documents_state(mcli: Cli) -> None:
    """SOURCES.md: 000 has 6, 001 40, 002 7, 003 23, 004 54 (a record counts once per
    document it cites); 001 (2) has 11 公的機関 and 5 民間事業者, and the 2019 report
    labels three more cases （公）/（民）; 003's 参考資料1 has 5 + 5 + 2 cases per flow."""
    for source, n in (("000", 6), ("001", 40), ("002", 7), ("003", 23), ("004", 54)):
        assert len(ids(mcli, "--source", source)) == n, source
    # + 産学連携・クロスイノベーション（公）; + ナレッジキャピタル, パソナ顧問ネット（民）
    assert len(ids(mcli, "--sector", "public")) == 11 + 1
    assert len(ids(mcli, "--sector", "private")) == 5 + 2
    assert len(ids(mcli, "--flow", "metro-regional")) == 5
    assert len(ids(mcli, "--flow", "regional-metro")) == 5
    assert len(ids(mcli, "--flow", "regional-regional")) == 2


def stats(cli: Cli, by: str, *filters: str) -> dict[str | None, int]:
    rows = cli.json("stats", "--by", by, *filters, "--json")
    counts = {r[by]: r["cases"] for r in rows}
    assert len(counts) == len(rows)
    return counts


def test_stats_by_source_hand_counted(mcli: Cli) -> None:
    assert stats(mcli, "source") == {"2018-partnerships": 6, "2018-summary": 40,
                                     "intercity-projects": 7, "2019-report": 23,
                                     "chiho-sosei-2": 54}


def test_stats_by_sector_and_flow_hand_counted(mcli: Cli) -> None:
    assert stats(mcli, "sector") == {"public": 12, "private": 7, None: 124 - 19}
    assert stats(mcli, "flow") == {"大都市圏×地方都市等": 5, "地方都市等×大都市圏": 5,
                                   "地方都市等×地方都市等": 2, None: 124 - 12}


def where_it_is(case: dict[str, Any]) -> list[dict[str, Any]]:
    """docs/DATA.md "Where it is": main places, and the sites of a network case; a
    planned place does not count."""
    roles = {"main", "site"} if "network" in case.get("types", ()) else {"main"}
    return [loc for loc in case.get("locations", ())
            if loc["role"] in roles and not loc.get("planned", False)]


def by_hand(raw: dict[str, Any], key: str) -> Counter[str | None]:
    counts: Counter[str | None] = Counter()
    for case in raw["cases"]:
        values: dict[str, None] = {}
        for loc in where_it_is(case):
            if key == "prefecture" and loc.get("prefecture"):
                values[loc["prefecture"]] = None
            if key == "region":
                if loc.get("prefecture"):
                    values[REGION_OF[loc["prefecture"]]] = None
                for region in loc.get("regions", ()):
                    values[region] = None
        found: list[str | None] = list(values) or [None]
        counts.update(found)
    return counts


def test_stats_by_region_once_per_case(mcli: Cli, raw: dict[str, Any]) -> None:
    """A case in two prefectures of one region counts once for it: counted from the
    data file's places with the documented rule and a region table written here."""
    expected = by_hand(raw, "region")
    assert stats(mcli, "region") == dict(expected)
    # As the documents place the cases (main places; sites of network cases):
    assert expected["kanto"] == 26 and expected["kyushu"] == 9 and expected["okinawa"] == 2
    assert expected["hokkaido"] == 6 and expected["tohoku"] == 14


def test_stats_by_prefecture(mcli: Cli, raw: dict[str, Any]) -> None:
    expected = by_hand(raw, "prefecture")
    assert stats(mcli, "prefecture") == dict(expected)
    assert expected["東京都"] + expected["宮崎県"] == len(ids(mcli, "-p", "東京都",
                                                                  "-p", "宮崎県"))


def test_stats_by_type_topic_basis_count_each_value_once(mcli: Cli,
                                                         raw: dict[str, Any]) -> None:
    for by, key in (("type", "types"), ("topic", "topics")):
        expected: Counter[str | None] = Counter()
        for case in raw["cases"]:
            found: list[str | None] = list(dict.fromkeys(case.get(key, ()))) or [None]
            expected.update(found)
        assert stats(mcli, by) == dict(expected), by
    basis = Counter(case.get("types_basis") for case in raw["cases"])
    assert stats(mcli, "basis") == dict(basis)


@pytest.mark.parametrize(("by", "filters"), [
    ("source", ("--type", "coworking")),
    ("region", ("--source", "004")),
    ("type", ("--region", "kanto", "--region", "kyushu")),
    ("prefecture", ("--topic", "startups", "--source", "003")),
])
def test_filters_narrow_stats(mcli: Cli, by: str, filters: tuple[str, ...]) -> None:
    """stats with filters counts exactly the cases list gives with them."""
    rows = mcli.json("list", *filters, "--json")
    assert rows
    expected: Counter[str | None] = Counter()
    values: list[str | None]
    for row in rows:
        if by == "source":
            values = [s["source"] for s in row["sources"]]
        elif by == "type":
            values = row["types"]
        elif by == "prefecture":
            values = [loc["prefecture"] for loc in where_it_is(row) if loc["prefecture"]]
        else:
            values = [REGION_OF[loc["prefecture"]] if loc["prefecture"] else r
                      for loc in where_it_is(row)
                      for r in ([None] if loc["prefecture"] else loc["regions"])]
        found: list[str | None] = list(dict.fromkeys(v for v in values if v)) or [None]
        expected.update(found)
    assert stats(mcli, by, *filters) == dict(expected)


# ---------------------------------------------------------------------- sort

def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@pytest.fixture(scope="module")
def records(mcli: Cli) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = mcli.json("list", "--json", "--fields",
                                           "id,name,prefectures,years,started,sources")
    return rows


def _expected_order(records: list[dict[str, Any]], key: str) -> list[str]:
    def sort_key(r: dict[str, Any]) -> tuple[Any, ...]:
        if key == "id":
            return (r["id"],)
        if key == "prefecture":
            return (JIS.index(r["prefectures"][0]) if r["prefectures"] else 99, r["id"])
        if key == "year":
            return (min(r["years"], default=9999), r["id"])
        if key == "started":
            return (r["started"] is None, r["started"] or "", r["id"])
        if key == "source":
            return (min(SOURCE_ORDER.index(s["source"]) for s in r["sources"]), r["id"])
        raise AssertionError(key)
    return [r["id"] for r in sorted(records, key=sort_key)]


@pytest.mark.parametrize("key", ["id", "prefecture", "year", "started", "source"])
def test_sort_key(mcli: Cli, records: list[dict[str, Any]], key: str) -> None:
    got = ids(mcli, "--sort", key)
    assert got == _expected_order(records, key)
    assert got != [r["id"] for r in records]  # not the dataset order by chance


def test_sort_by_name(mcli: Cli) -> None:
    rows = mcli.json("list", "--sort", "name", "--json", "--fields", "id,name")
    assert len(rows) == 124
    # Latin names (folded) come before kana and kanji, and each group is in order.
    folded = [_fold(r["name"]) for r in rows]
    latin = [n for n in folded if n[:1].isascii()]
    assert latin == sorted(latin) and len(latin) > 3
    assert folded[0][:1].isascii() and not folded[-1][:1].isascii()
    english = mcli.json("list", "--sort", "name", "--lang", "en", "--json",
                        "--fields", "id,name_en")
    names = [_fold(r["name_en"]) for r in english]
    assert names == sorted(names)


def test_every_sort_key_is_tested() -> None:
    from kasegeru_cli.catalog import SORT_KEYS

    assert set(SORT_KEYS) == {"id", "name", "prefecture", "year", "started", "source"}


def test_sort_with_filters_sorts_only_the_filtered(mcli: Cli) -> None:
    got = ids(mcli, "--sort", "id", "--source", "002")
    assert got == sorted(got) and len(got) == 7


# --------------------------------------------------------------------- limit

@pytest.mark.parametrize("command, args", [("list", ()), ("list", ("--sort", "id")),
                                          ("search", ("拠点",)), ("search", ("startup",))])
def test_limit(mcli: Cli, command: str, args: tuple[str, ...]) -> None:
    everything = ids(mcli, *args, command=command)
    assert len(everything) > 5
    for n in (0, 1, 3, len(everything), len(everything) + 5):
        got = ids(mcli, *args, "--limit", str(n), command=command)
        assert got == everything[:n], n
    assert ids(mcli, *args, "-n", "2", command=command) == everything[:2]
