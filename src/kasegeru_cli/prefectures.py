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
    """Slug of one of the eight regions."""


@dataclass(frozen=True, slots=True)
class Region:
    slug: str
    name: str
    name_en: str


REGIONS: tuple[Region, ...] = (
    Region("hokkaido", "北海道", "Hokkaido"),
    Region("tohoku", "東北", "Tohoku"),
    Region("kanto", "関東", "Kanto"),
    Region("chubu", "中部", "Chubu"),
    Region("kinki", "近畿", "Kinki (Kansai)"),
    Region("chugoku", "中国", "Chugoku"),
    Region("shikoku", "四国", "Shikoku"),
    Region("kyushu", "九州・沖縄", "Kyushu-Okinawa"),
)

_RAW = """\
1 北海道 hokkaido hokkaido
2 青森県 aomori tohoku
3 岩手県 iwate tohoku
4 宮城県 miyagi tohoku
5 秋田県 akita tohoku
6 山形県 yamagata tohoku
7 福島県 fukushima tohoku
8 茨城県 ibaraki kanto
9 栃木県 tochigi kanto
10 群馬県 gunma kanto
11 埼玉県 saitama kanto
12 千葉県 chiba kanto
13 東京都 tokyo kanto
14 神奈川県 kanagawa kanto
15 新潟県 niigata chubu
16 富山県 toyama chubu
17 石川県 ishikawa chubu
18 福井県 fukui chubu
19 山梨県 yamanashi chubu
20 長野県 nagano chubu
21 岐阜県 gifu chubu
22 静岡県 shizuoka chubu
23 愛知県 aichi chubu
24 三重県 mie kinki
25 滋賀県 shiga kinki
26 京都府 kyoto kinki
27 大阪府 osaka kinki
28 兵庫県 hyogo kinki
29 奈良県 nara kinki
30 和歌山県 wakayama kinki
31 鳥取県 tottori chugoku
32 島根県 shimane chugoku
33 岡山県 okayama chugoku
34 広島県 hiroshima chugoku
35 山口県 yamaguchi chugoku
36 徳島県 tokushima shikoku
37 香川県 kagawa shikoku
38 愛媛県 ehime shikoku
39 高知県 kochi shikoku
40 福岡県 fukuoka kyushu
41 佐賀県 saga kyushu
42 長崎県 nagasaki kyushu
43 熊本県 kumamoto kyushu
44 大分県 oita kyushu
45 宮崎県 miyazaki kyushu
46 鹿児島県 kagoshima kyushu
47 沖縄県 okinawa kyushu
"""


def _short(name: str) -> str:
    return name if name == "北海道" else name[:-1]


PREFECTURES: tuple[Prefecture, ...] = tuple(
    Prefecture(int(code), name, _short(name), romaji, region)
    for code, name, romaji, region in (line.split() for line in _RAW.splitlines())
)
BY_NAME: dict[str, Prefecture] = {p.name: p for p in PREFECTURES}
REGION_BY_SLUG: dict[str, Region] = {r.slug: r for r in REGIONS}

_SUFFIXES = ("-ken", "-fu", "-to", " ken", " fu", " to", " prefecture", "-prefecture")


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _build_index() -> dict[str, Prefecture]:
    index: dict[str, Prefecture] = {}
    for p in PREFECTURES:
        for k in (p.name, p.short, p.romaji, str(p.code), f"{p.code:02d}"):
            index[_key(k)] = p
    return index


_INDEX = _build_index()


def lookup(text: str) -> Prefecture | None:
    """The prefecture a user means by ``text``, or None.

    >>> lookup("宮崎").name, lookup("Miyazaki-ken").name, lookup("45").name
    ('宮崎県', '宮崎県', '宮崎県')
    """
    key = _key(text)
    found = _INDEX.get(key)
    if found is None:
        for suffix in _SUFFIXES:
            if key.endswith(suffix):
                found = _INDEX.get(key[: -len(suffix)])
                break
    return found


def lookup_region(text: str) -> Region | None:
    """The region a user means: slug, Japanese name or English name."""
    key = _key(text)
    if key == "kansai" or key == "関西":
        return REGION_BY_SLUG["kinki"]
    for r in REGIONS:
        if key in (r.slug, _key(r.name), _key(r.name_en)) or key == _key(r.name.split("・")[0]):
            return r
    return None
