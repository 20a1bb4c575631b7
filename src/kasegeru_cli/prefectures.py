"""The 47 prefectures of Japan: JIS X 0401 code, names, romaji and region.

Used to resolve what a user types (``宮崎県``, ``宮崎``, ``miyazaki``,
``Miyazaki-ken``) and to validate the dataset's ``prefecture`` fields.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Prefecture:
    code: int
    """JIS X 0401 code, 1 (北海道) to 47 (沖縄県)."""
    name: str
    """Full name: ``宮崎県``."""
    short: str
    """Without 都・府・県: ``宮崎`` (北海道 stays 北海道)."""
    romaji: str
    region: str
    """Slug of one of the nine regions."""
    reading: str
    """In hiragana, without 都・府・県: ``みやざき``."""


@dataclass(frozen=True, slots=True)
class Region:
    slug: str
    name: str
    name_en: str
    reading: str


REGIONS: tuple[Region, ...] = (
    Region("hokkaido", "北海道", "Hokkaido", "ほっかいどう"),
    Region("tohoku", "東北", "Tohoku", "とうほく"),
    Region("kanto", "関東", "Kanto", "かんとう"),
    Region("chubu", "中部", "Chubu", "ちゅうぶ"),
    Region("kinki", "近畿", "Kinki (Kansai)", "きんき"),
    Region("chugoku", "中国", "Chugoku", "ちゅうごく"),
    Region("shikoku", "四国", "Shikoku", "しこく"),
    Region("kyushu", "九州", "Kyushu", "きゅうしゅう"),
    Region("okinawa", "沖縄", "Okinawa", "おきなわ"),
)
"""Nine regions: the usual eight (八地方区分) with 沖縄 apart from 九州, so that
``--region okinawa`` and ``--region kyushu`` each mean what they say."""

GROUPS: dict[str, tuple[str, ...]] = {"kyushu-okinawa": ("kyushu", "okinawa")}
"""Names for several regions at once: ``九州・沖縄`` / ``kyushu-okinawa``."""
_GROUP_NAMES: dict[str, str] = {"九州・沖縄": "kyushu-okinawa", "九州沖縄": "kyushu-okinawa",
                                "kyushu-okinawa": "kyushu-okinawa",
                                "kyushu okinawa": "kyushu-okinawa"}

_RAW = """\
1 北海道 hokkaido hokkaido ほっかいどう
2 青森県 aomori tohoku あおもり
3 岩手県 iwate tohoku いわて
4 宮城県 miyagi tohoku みやぎ
5 秋田県 akita tohoku あきた
6 山形県 yamagata tohoku やまがた
7 福島県 fukushima tohoku ふくしま
8 茨城県 ibaraki kanto いばらき
9 栃木県 tochigi kanto とちぎ
10 群馬県 gunma kanto ぐんま
11 埼玉県 saitama kanto さいたま
12 千葉県 chiba kanto ちば
13 東京都 tokyo kanto とうきょう
14 神奈川県 kanagawa kanto かながわ
15 新潟県 niigata chubu にいがた
16 富山県 toyama chubu とやま
17 石川県 ishikawa chubu いしかわ
18 福井県 fukui chubu ふくい
19 山梨県 yamanashi chubu やまなし
20 長野県 nagano chubu ながの
21 岐阜県 gifu chubu ぎふ
22 静岡県 shizuoka chubu しずおか
23 愛知県 aichi chubu あいち
24 三重県 mie kinki みえ
25 滋賀県 shiga kinki しが
26 京都府 kyoto kinki きょうと
27 大阪府 osaka kinki おおさか
28 兵庫県 hyogo kinki ひょうご
29 奈良県 nara kinki なら
30 和歌山県 wakayama kinki わかやま
31 鳥取県 tottori chugoku とっとり
32 島根県 shimane chugoku しまね
33 岡山県 okayama chugoku おかやま
34 広島県 hiroshima chugoku ひろしま
35 山口県 yamaguchi chugoku やまぐち
36 徳島県 tokushima shikoku とくしま
37 香川県 kagawa shikoku かがわ
38 愛媛県 ehime shikoku えひめ
39 高知県 kochi shikoku こうち
40 福岡県 fukuoka kyushu ふくおか
41 佐賀県 saga kyushu さが
42 長崎県 nagasaki kyushu ながさき
43 熊本県 kumamoto kyushu くまもと
44 大分県 oita kyushu おおいた
45 宮崎県 miyazaki kyushu みやざき
46 鹿児島県 kagoshima kyushu かごしま
47 沖縄県 okinawa okinawa おきなわ
"""


def _short(name: str) -> str:
    return name if name == "北海道" else name[:-1]


PREFECTURES: tuple[Prefecture, ...] = tuple(
    Prefecture(int(code), name, _short(name), romaji, region, reading)
    for code, name, romaji, region, reading in (line.split() for line in _RAW.splitlines())
)
BY_NAME: dict[str, Prefecture] = {p.name: p for p in PREFECTURES}
REGION_BY_SLUG: dict[str, Region] = {r.slug: r for r in REGIONS}

_SUFFIXES = ("-ken", "-fu", "-to", " ken", " fu", " to", " prefecture", "-prefecture")


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


_ROMAJI = (("shi", "si"), ("chi", "ti"), ("tsu", "tu"), ("fu", "hu"), ("sh", "sy"),
           ("ch", "ty"), ("j", "zy"), ("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"),
           ("ii", "i"), ("ee", "e"), ("-", ""), ("'", ""), (" ", ""))


def romaji_key(text: str) -> str:
    """One spelling for the romanisations of a name: Hepburn, Kunrei and long
    vowels written out all fold together (kyushu = kyusyu, toukyou = tokyo)."""
    key = _key(text)
    for a, b in _ROMAJI:
        key = key.replace(a, b)
    return key


def _hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in _key(text))


def _build_index() -> dict[str, Prefecture]:
    index: dict[str, Prefecture] = {}
    for p in PREFECTURES:
        for k in (p.name, p.short, p.romaji, str(p.code), f"{p.code:02d}", p.reading):
            index[_key(k)] = p
        index.setdefault(romaji_key(p.romaji), p)
    return index


_INDEX = _build_index()


def lookup(text: str) -> Prefecture | None:
    """The prefecture a user means by ``text``, or None.

    >>> lookup("宮崎").name, lookup("Miyazaki-ken").name, lookup("45").name
    ('宮崎県', '宮崎県', '宮崎県')
    """
    key = _key(text)
    found = _INDEX.get(key) or _INDEX.get(_hiragana(key)) or _INDEX.get(romaji_key(key))
    if found is None:
        for suffix in _SUFFIXES:
            if key.endswith(suffix):
                stem = key[: -len(suffix)]
                found = _INDEX.get(stem) or _INDEX.get(romaji_key(stem))
                break
    if found is None and key.endswith(("と", "ふ", "けん")):  # とうきょうと, みやざきけん
        found = _INDEX.get(_hiragana(key).removesuffix("けん").removesuffix("と")
                           .removesuffix("ふ"))
    return found


def suggest(text: str, n: int = 3) -> list[str]:
    """The prefectures nearest to ``text`` by spelling, romaji or reading."""
    import difflib

    key = _key(text)
    names: dict[str, str] = {}
    for p in PREFECTURES:
        for k in (_key(p.name), _key(p.short), p.reading, romaji_key(p.romaji)):
            names.setdefault(k, p.name)
    probes = {key, _hiragana(key), romaji_key(key)}
    scored: dict[str, float] = {}
    for probe in probes:
        for k, name in names.items():
            r = difflib.SequenceMatcher(None, probe, k).ratio()
            if r >= 0.6 and r > scored.get(name, 0.0):
                scored[name] = r
    return [name for name, _ in sorted(scored.items(), key=lambda kv: -kv[1])[:n]]


_REGION_ALIASES = {"kansai": "kinki", "関西": "kinki", "近畿地方": "kinki", "関西地方": "kinki",
                   "北陸": "chubu", "hokuriku": "chubu", "東海": "chubu", "tokai": "chubu",
                   "甲信越": "chubu", "中国地方": "chugoku", "九州地方": "kyushu",
                   "東北地方": "tohoku", "関東地方": "kanto", "中部地方": "chubu",
                   "四国地方": "shikoku", "北海道地方": "hokkaido", "沖縄県": "okinawa",
                   "首都圏": "kanto"}


def lookup_region(text: str) -> Region | None:
    """The region a user means: slug, Japanese name or English name."""
    key = _key(text)
    alias = _REGION_ALIASES.get(key)
    if alias is not None:
        return REGION_BY_SLUG[alias]
    for r in REGIONS:
        if key in (r.slug, _key(r.name), _key(r.name_en), r.reading, _hiragana(r.reading)) \
                or romaji_key(key) == romaji_key(r.slug) or _hiragana(key) == r.reading:
            return r
    return None


def suggest_region(text: str, n: int = 3) -> list[str]:
    """Region slugs (and groups) nearest to ``text`` by spelling, romaji or reading."""
    import difflib

    key = _key(text)
    names: dict[str, str] = {}
    for r in REGIONS:
        for k in (r.slug, romaji_key(r.slug), _key(r.name), r.reading):
            names.setdefault(k, r.slug)
    for g in GROUPS:
        names.setdefault(g, g)
    scored: dict[str, float] = {}
    for probe in {key, romaji_key(key), _hiragana(key)}:
        for k, slug in names.items():
            ratio = difflib.SequenceMatcher(None, probe, k).ratio()
            if ratio >= 0.6 and ratio > scored.get(slug, 0.0):
                scored[slug] = ratio
    return [slug for slug, _ in sorted(scored.items(), key=lambda kv: -kv[1])[:n]]


def lookup_regions(text: str) -> tuple[str, ...] | None:
    """The region slugs a user means: one region, or a group (``九州・沖縄``)."""
    group = _GROUP_NAMES.get(_key(text).replace("_", "-"))
    if group is not None:
        return GROUPS[group]
    found = lookup_region(text)
    return (found.slug,) if found else None
