#!/usr/bin/env python3
"""Numbers-and-dates completeness check of data/cases.toml against the seed texts.

For every record, the page span(s) it was transcribed from (the table S below:
line ranges in ../shared/seeds/*.txt, determined by reading the seeds - list
rows, detail pages, 付録 summaries and the other sections a record cites) are
joined as the records join PDF line breaks and scanned for numeric tokens:
Arabic and full-width digits, 平成/令和/H. years, dates, numbers with units
(社 人 名 件 億円 万円 ㎡ ha % 拠点 年 月 …), kanji-multiplier amounts such as
9億3千万円, ranges such as 15～30名.  Everything is compared NFKC-normalised with
digit-group commas removed; ①..⑳ are bullets, not numbers.

A token is covered when it appears in the record's Japanese text fields
(points, summary, events, labels, notes …; sources and the curators' English
are left out), or a figure holds its value (約9億3千万円 = value 9.3, 億円), or a
timeline date / until / figure as_of holds its date (平成30年 = a 2018 date).
Tokens are counted once per (record, document).

Tokens that are page furniture - page numbers, list item numbers, map credits,
URLs of 出典 captions, survey bookkeeping such as "(12事例)" - are classified by
ARTEFACT_RULES and never counted as covered; "facts %" leaves them out.

The seeds live next to the repository, in <repo>/../shared/seeds (--seeds DIR
overrides); the data file defaults to <repo>/data/cases.toml (--data PATH).

Modes:  (default)  anywhere in the record, as above
        --strict   only figures / timeline / as_of count (bare numbers skipped)
        --context  per occurrence, the token with 2 characters either side must be
                   in the record's text, or a figure / date must hold it
Gate:   --min-facts PCT  exit 1 when the overall "facts %" is below PCT
Usage:  python scripts/coverage.py [--data PATH] [--seeds DIR] [--quiet] [--doc 003]
                                   [--strict | --context] [--tokens ID] [--min-facts PCT]
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import tomli

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
DATA = REPO / "data" / "cases.toml"
FILES = {
    "000": "000_582c66b5d894ed4a.txt",
    "001": "001_d4d15451dce83d6f.txt",
    "002": "002_7dc6adece761fea3.txt",
    "003": "003_a0070e27eb43eea7.txt",
    "004": "004_a912029e63bdb806.txt",
}

# record id -> list of (doc, first line, last line), 1-based inclusive
S: defaultdict[str, list[tuple[str, int, int]]] = defaultdict(list)


def span(rid: str, doc: str, a: int, b: int | None = None) -> None:
    S[rid].append((doc, a, b if b is not None else a))


# ---- 001 (1) 大都市の「知的対流拠点」 list
for rid, a, b in [
    ("ii-office-ueno", 153, 166), ("clip-nihonbashi", 168, 181), ("egg-japan", 183, 194),
    ("tip-s", 196, 206), ("senq-kasumigaseki", 208, 221), ("lodge-yahoo", 223, 234),
    ("creative-lounge-mov", 236, 247), ("kddi-labo", 249, 260), ("fablab-shibuya", 262, 272),
    ("catalyst-ba", 274, 290), ("nagoya-innovation-complex", 292, 308),
    ("medical-design-research-center", 310, 321),
    ("osaka-cross-innovation", 323, 339),
    ("osaka-chamber-of-commerce", 341, 351), ("mebikku-ogimachi", 353, 366),
    ("gvh-5", 368, 379), ("knowledge-capital", 381, 392), ("startup-cafe-fukuoka", 394, 404),
    # (2) しくみ
    ("internet-business-matching", 421, 424), ("j-goodtech", 426, 430), ("ttpp", 432, 436),
    ("yui-no-ba", 438, 442), ("professional-jinzai-senryaku-kyoten", 447, 451),
    ("nihon-jinzai-kiko", 453, 458), ("sports-camp-japan", 463, 467),
    ("chiiki-kasseika-fund", 472, 476), ("chiiki-okoshi-kyoryokutai-crowdfunding", 478, 482),
    ("tokubetsuku-zenkoku-renkei-project", 486, 490), ("kawasaki-tayona-shutai-renkei", 492, 497),
    ("nihon-nearshore-kaihatsu-suishin-kiko", 506, 506), ("loan-deal", 508, 508),
    ("uopochi", 509, 509), ("faavo", 511, 511), ("linkers", 512, 512),
]:
    span(rid, "001", a, b)

# ---- 000 detail pages + list rows, and the 001 (3) list rows
for rid, rows000, page, rows001 in [
    ("tohoku-university-cies", (17, 23), (82, 136), (526, 526)),
    ("tsuruoka-bioscience-park", (25, 33), (138, 194), (527, 530)),
    ("miyazaki-machinaka-3000", (40, 44), (196, 255), (536, 536)),
    ("nichinan-aburatsu-shotengai", (46, 54), (257, 316), (538, 540)),
    ("nishiawakura-mori-no-gakko", (60, 68), (318, 373), (545, 548)),
    ("toyooka-kddi", (70, 78), (375, 419), (550, 550)),
]:
    span(rid, "000", *rows000)
    span(rid, "000", *page)
    span(rid, "001", *rows001)

# ---- 002
for rid, a, b in [
    ("chino-toranomon", 2, 79), ("hamamatsu-toranomon", 82, 109), ("koriyama-intercity", 112, 177),
    ("daimaruyu-intercity", 180, 241), ("niigata-intercity", 244, 292),
    ("sanyo-onoda-intercity", 295, 334), ("minami-cho-intercity", 336, 353),
]:
    span(rid, "002", a, b)

# ---- 003: 付録 summary, 参考資料 detail page, other cited sections
for rid, appendix, page in [
    ("future-design-shibuya", (986, 998), (2136, 2246)),
    ("co-ba", (1002, 1018), (2247, 2350)),
    ("diagonal-run-tokyo", (1022, 1039), (2351, 2479)),
    ("kagyo-innovation-lab", (1040, 1062), (2480, 2601)),
    ("next-commons-lab", (1066, 1082), (2602, 2712)),
    ("hiroshima-sandbox", (1088, 1106), (2713, 2907)),
    ("koyu-foundation", (1110, 1135), (2908, 3010)),
    ("tokachi-innovation-program", (1139, 1159), (3011, 3136)),
    ("yamagata-gifu-faucet-valve", (1163, 1185), (3137, 3264)),
    ("intilaq-tohoku-innovation-center", (1186, 1208), (3265, 3404)),
    ("nakagawa-masashichi-nipponichi", (1214, 1230), (3405, 3502)),
    ("gifu-innovation-kobo", (1234, 1252), (3503, 3620)),
    ("shibuya-city-innovation-district", (785, 846), (3621, 3744)),
    ("osaka-city-innovation-district", (850, 917), (3745, 3863)),
    ("pasona-komon", (1271, 1282), (3864, 3929)),
    ("visasq", (1286, 1297), (3930, 4001)),
    ("shimanto-town-2019", (1332, 1342), (4068, 4196)),
    ("koshu-city-2019", (1346, 1362), (4197, 4281)),
    ("sabae-city-2019", (1366, 1388), (4282, 4343)),
    ("fukuyama-city-2019", (1392, 1407), (4344, 4415)),
    ("tsuruoka-city-2019", (1411, 1429), (4416, 4514)),
    ("kofu-city-2019", (1435, 1445), (4515, 4558)),
    ("tsubame-city-2019", (1449, 1467), (4559, 4657)),
]:
    span(rid, "003", *appendix)
    span(rid, "003", *page)
# other sections the records cite
span("shimanto-town-2019", "003", 463, 479)        # 2(1) ＜地方都市等×地方都市等＞
span("shimanto-town-2019", "003", 1722, 1724)      # 別紙1(2)
span("shimanto-town-2019", "003", 2002, 2005)      # 別紙2
span("sabae-city-2019", "003", 1722, 1724)
span("sabae-city-2019", "003", 2002, 2005)
span("sabae-city-2019", "003", 1640, 1650)         # 【参考】検討経緯 第11回
span("tsubame-city-2019", "003", 1726, 1727)
span("tsubame-city-2019", "003", 2007, 2009)
span("tsubame-city-2019", "003", 1628, 1638)       # 【参考】検討経緯 第10回
span("pasona-komon", "003", 1796, 1797)            # 別紙1(4)
span("pasona-komon", "003", 1961, 1962)            # 別紙2

# ---- 004
for rid, a, b in [
    ("tottori-shu1-fukushacho", 2, 8), ("echizen-railway", 10, 16), ("ina-mobile-clinic", 18, 26),
    ("kyomaruen", 28, 34), ("setouchi-kurashi-no-daigaku", 36, 43),
    ("kobe-josei-shugyo-katsuyaku", 45, 54), ("yamagata-global-jinzai-consortium", 56, 63),
    ("tachikawa-wakamono-support-station", 65, 68), ("babagawa-dori", 73, 82),
    ("nagasaki-stadium-city", 84, 87), ("share-kanazawa", 89, 95), ("otagai-market", 97, 103),
    ("shakai-henkaku-suishin-zaidan", 107, 114), ("machizukuri-matsuyama", 116, 124),
    ("unnan-community-nurse", 126, 133), ("ama-town-machizukuri", 135, 141),
    ("kamishihoro-transport-energy", 144, 154), ("tonosho-tanada-nohaku", 156, 166),
    ("satsumasendai-waterfront", 168, 173), ("nishiizu-umigyo", 179, 186),
    ("obama-wakasa-saba-kaido", 188, 198), ("fukushima-city-robot-startups", 200, 209),
    ("tsu-smart-agriculture", 211, 217), ("hirosaki-apple", 219, 225),
    ("tsuruoka-rice-paddy-landscape", 227, 234), ("ise-diversified-business", 236, 242),
    ("kamiyama-marugoto-kosen", 244, 250), ("taiki-town-space", 355, 358),
    ("fukushima-robot-test-field", 360, 363), ("matsue-metal-materials-research", 365, 369),
    ("oist-innovation", 371, 373), ("station-ai", 375, 377),
    ("tsukuba-super-science-city", 379, 382),
    ("iide-kodomo-nosanson-taiken", 388, 393), ("southern-cross-systems", 395, 400),
    ("hidasuke", 402, 412), ("asano-nenshi-futaba", 418, 423), ("doto-chiiki-no-jinjibu", 425, 430),
    ("nichiiki-kyoju-tottori-kochi", 432, 437), ("toyota-city-water-leak", 443, 448),
    ("setouchi-drone-multi-operation", 450, 457), ("jinya-ryokan", 459, 467),
    ("sakai-town-autonomous-bus", 469, 475), ("matsuyama-university-dx", 480, 489),
    ("reposaku", 491, 499), ("kansai-cybersecurity-network", 501, 508),
    ("sakura-internet-ishikari-dc", 510, 516), ("kagawa-kosen-mitoyo", 518, 523),
    ("linear-chukan-eki-kouikiken", 524, 529), ("kansai-kouiki-rengo", 531, 537),
    ("nara-model", 542, 547), ("shoryudo-project", 549, 555),
    ("michinoku-shiokaze-trail", 557, 568), ("kyushu-chiiki-senryaku-kaigi", 570, 575),
]:
    span(rid, "004", a, b)

DOC_OF_SOURCE = {"2018-partnerships": "000", "2018-summary": "001", "intercity-projects": "002",
                 "2019-report": "003", "chiho-sosei-2": "004"}

# --------------------------------------------------------------------------- normalising

DASHES = "～~〜－―ー‐-"


CIRCLED = {chr(0x2460 + i): f"〔{i + 1}〕" for i in range(20)}   # ①..⑳ are bullets, not numbers


def norm(s: str) -> str:
    s = "".join(CIRCLED.get(ch, ch) for ch in s)
    s = unicodedata.normalize("NFKC", s)
    s = re.sub(r"(?<=\d),(?=\d{3})", "", s)          # 1,330 -> 1330
    # spaces between a digit and a non-ASCII char (003's "平成 30 年 ８ 月")
    s = re.sub(r"(?<=[^\x00-\x7f])[ \t\u3000]+(?=\d)|(?<=\d)[ \t\u3000]+(?=[^\x00-\x7f])", "", s)
    # one wave dash (NFKC turns ～ into ~)
    return re.sub(r"[~〜]", "～", s)


UNIT_WORDS = """
億円 千万円 百万円 万円 兆円 円 万人 千人 人 名 社 件 者 団体 拠点
か所 ヶ所 箇所 カ所 ヵ所 か国 カ国 ヵ国
店舗 市町村 市町 市 町 村 県 府県 地区 地域 路線
年度 年間 年目 年 か月 ヶ月 カ月 ヵ月 月 日 回 本 種類 種 期 倍 割 % m2 ha t
時間 分 歳 代 機 地点 校 周年 チーム 行 施設 事例 機関 便 BK 階 号 ライン 位 万 億 千
"""
UNITS = sorted(UNIT_WORDS.split(), key=len, reverse=True)
UNIT_RE = "|".join(re.escape(u) for u in UNITS)
ERA = r"(?:平成|令和|H\.?)(?:\d{1,2}|元)"
NUMK = r"\d+(?:\.\d+)?(?:[億万千百]\d*(?:\.\d+)?)*"
# a date: (era|yyyy)年(度)?(M月(D日)?)?  |  H.29.8  |  yyyy/m/d  |  m/d  | yyyy年M月～M月 etc.
DATE_RE = re.compile(
    r"(?P<era>" + ERA + r")年(?P<fy1>度)?(?:(?P<m1>\d{1,2})月(?:(?P<d1>\d{1,2})日)?)?"
    r"|(?<!\d)(?P<y>(?:1[89]|20)\d\d)年(?P<fy2>度)?(?:(?P<m2>\d{1,2})月(?:(?P<d2>\d{1,2})日)?)?"
    r"|H\.?(?P<hy>\d{1,2})\.(?P<hm>\d{1,2})"
    r"|(?<![A-Za-z])H(?P<hy2>\d{2})(?![\d.])"
    r"|(?P<sy>20\d\d)/(?P<sm>\d{1,2})/(?P<sd>\d{1,2})"
    r"|(?<![\d/])(?P<mm>1[0-2]|[1-9])/(?P<dd>[12]\d|3[01]|[1-9])(?![\d/])"
    r"|(?<![\d.])(?P<y3>(?:1[89]|20)\d\d)(?=[^\d年/.]|$)"
)
NUM_RE = re.compile(
    r"(?P<q>約|延べ|最大|およそ)?(?P<a>" + NUMK + r")(?:(?P<u1>" + UNIT_RE + r"))?"
    r"(?:[～](?P<b>" + NUMK + r")(?P<u2>" + UNIT_RE + r")?)?"
)
STRICT = False
MULT = {"億": 1e8, "万": 1e4, "千": 1e3, "百": 1e2, "兆": 1e12}


class DateTok(NamedTuple):
    """A date token: year (None for a bare m/d), month, day, and whether it is a 年度."""

    y: int | None
    mo: int | None
    da: int | None
    fy: bool


class NumTok(NamedTuple):
    """A number token: its NUM_RE match and the character right after it."""

    m: re.Match[str]
    nxt: str


Token = DateTok | NumTok


def kval(s: str) -> float:
    """'9億3千万' -> 930000000, '1万5千' -> 15000, '21.5' -> 21.5"""
    total = 0.0
    group = 0.0      # the part below the current 億/万/兆 group
    small: float | None = None     # the last plain number
    for p in re.findall(r"\d+(?:\.\d+)?|[億万千百兆]", s):
        if p in ("億", "万", "兆"):
            g = group + (small or 0.0)
            total += (g if g else 1.0) * MULT[p]
            group, small = 0.0, None
        elif p in MULT:
            group += (small if small is not None else 1.0) * MULT[p]
            small = None
        else:
            small = float(p)
    return total + group + (small or 0.0)


def era_year(tok: str) -> int:
    m = re.match(r"(平成|令和|H\.?)(\d{1,2}|元)", tok)
    if m is None:
        raise ValueError(f"not an era year: {tok!r}")
    n = 1 if m.group(2) == "元" else int(m.group(2))
    return (1988 if m.group(1) != "令和" else 2018) + n


def unit_base(u: str | None) -> tuple[float, str]:
    if not u:
        return 1.0, ""
    u = unicodedata.normalize("NFKC", u)
    for k, m in (("千万", 1e7), ("百万", 1e6), ("億", 1e8), ("万", 1e4), ("千", 1e3), ("兆", 1e12)):
        if u.startswith(k):
            return m, u[len(k):]
    return 1.0, u


SAME_UNIT = [{"人", "名", "者"}, {"社", "者"}, {"か所", "ヶ所", "箇所", "カ所", "ヵ所", "拠点"},
             {"か国", "カ国", "ヵ国"}, {"か月", "ヶ月", "カ月", "ヵ月"}, {"種", "種類"}]


def units_match(a: str, b: str) -> bool:
    if a == b or not a or not b:
        return True
    if a.startswith(b) or b.startswith(a):      # 年 / 年間 / 年ぶり, 社 / 社以上
        return True
    return any(a in g and b in g for g in SAME_UNIT)


# --------------------------------------------------------------------------- record side

def strings(obj: object,
            skip: tuple[str, ...] = ("sources", "name_en", "summary_en", "title_en"),
            ) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            if k in skip:
                continue
            yield from strings(v, skip)
    elif isinstance(obj, list):
        for v in obj:
            yield from strings(v, skip)


class Rec:
    def __init__(self, c: dict[str, Any]) -> None:
        self.c = c
        self.text = "\n".join(norm(s) for s in strings(c))
        self.text_nd = re.sub(r"[" + DASHES + r"]", "～", self.text)
        self.dates: set[str] = set()
        for ev in c.get("timeline", []):
            self.dates.add(ev["date"])
            if ev.get("until"):
                self.dates.add(ev["until"])
        for f in c.get("figures", []):
            if f.get("as_of"):
                self.dates.add(f["as_of"])
        self.figs: list[tuple[float, float | None, str]] = []
        for f in c.get("figures", []):
            m, bu = unit_base(f.get("unit"))
            self.figs.append((f["value"] * m, f.get("value_max") and f["value_max"] * m, bu))
        # every year / date mentioned in the text, in western form
        self.text_dates: set[tuple[int, int | None, int | None]] = set()
        for dm in DATE_RE.finditer(self.text):
            d = date_of(dm)
            if d and d.y:
                y, mo, da = d.y, d.mo, d.da
                self.text_dates.add((y, None, None))
                if mo:
                    self.text_dates.add((y, mo, None))
                    if da:
                        self.text_dates.add((y, mo, da))

    def has_str(self, s: str) -> bool:
        return s in self.text or re.sub(r"[" + DASHES + r"]", "～", s) in self.text_nd

    def has_num(self, s: str) -> bool:
        return re.search(r"(?<![\d.])" + re.escape(s) + r"(?![\d.])", self.text) is not None

    def has_date(self, y: int, mo: int | None = None, da: int | None = None) -> bool:
        iso = f"{y}" + (f"-{mo:02d}" if mo else "") + (f"-{da:02d}" if mo and da else "")
        if any(d.startswith(iso) for d in self.dates):
            return True
        return (y, mo, da) in self.text_dates

    def has_value(self, a: float, b: float | None, unit: str) -> bool:
        for v, vmax, u in self.figs:
            if not units_match(u, unit):
                continue
            if abs(v - a) < 1e-6 * max(1, abs(a)) and (
                    b is None or (vmax and abs(vmax - b) < 1e-6 * max(1, abs(b)))):
                return True
        return False


def _int(s: str | None) -> int | None:
    return int(s) if s else None


def date_of(m: re.Match[str]) -> DateTok | None:
    if m.group("era"):
        return DateTok(era_year(m.group("era")), _int(m.group("m1")), _int(m.group("d1")),
                       bool(m.group("fy1")))
    if m.group("y"):
        return DateTok(int(m.group("y")), _int(m.group("m2")), _int(m.group("d2")),
                       bool(m.group("fy2")))
    if m.group("hy"):
        return DateTok(1988 + int(m.group("hy")), int(m.group("hm")), None, False)
    if m.group("hy2"):
        return DateTok(1988 + int(m.group("hy2")), None, None, False)
    if m.group("sy"):
        return DateTok(int(m.group("sy")), int(m.group("sm")), int(m.group("sd")), False)
    if m.group("mm"):
        return DateTok(None, int(m.group("mm")), int(m.group("dd")), False)
    if m.group("y3"):
        return DateTok(int(m.group("y3")), None, None, False)
    return None


# --------------------------------------------------------------------------- page side

def tokens(line: str) -> Iterator[tuple[str, Token, int]]:
    """yield (token string, payload, position) for one normalised line; the payload is a
    DateTok for a date, a NumTok for a number."""
    taken = []
    for m in DATE_RE.finditer(line):
        taken.append((m.start(), m.end()))
        d = date_of(m)
        if d is not None:     # always: every DATE_RE alternative sets a group date_of reads
            yield m.group(0), d, m.start()
    for m in NUM_RE.finditer(line):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if line[max(0, m.start() - 1):m.start()] == "〔":   # a circled bullet number
            continue
        # a digit inside an ASCII word (ETIC, 4D, L5G, 3D, MRAM...) is a name, still a token
        nxt = line[m.end():m.end() + 1]
        yield m.group(0), NumTok(m, nxt), m.start()


def structured(rec: Rec, tok: str, p: Token) -> bool | None:
    """Strict mode: is the token held in a figure / timeline / as_of?  None = not applicable
    (a bare number without a unit)."""
    if isinstance(p, DateTok):
        y, mo, da, _ = p
        if y is None:
            return any(d[5:] == f"{mo:02d}-{da:02d}" for d in rec.dates)
        iso = f"{y}" + (f"-{mo:02d}" if mo else "") + (f"-{da:02d}" if mo and da else "")
        return any(d.startswith(iso) for d in rec.dates)
    m = p.m
    a, b = m.group("a"), m.group("b")
    u = m.group("u2") or m.group("u1") or ""
    if not u:
        return None
    mult, bu = unit_base(u)
    return rec.has_value(kval(a) * mult, kval(b) * mult if b else None, bu)


def covered(rec: Rec, tok: str, p: Token) -> bool:
    if STRICT:
        return bool(structured(rec, tok, p))
    if rec.has_str(tok):
        return True
    if isinstance(p, DateTok):
        y, mo, da, _ = p
        if y is None:   # m/d without a year
            return any(d[5:] == f"{mo:02d}-{da:02d}" for d in rec.dates)
        if rec.has_date(y, mo, da):
            return True
        # strings in the other notation
        alts = [f"{y}年" + (f"{mo}月" if mo else "") + (f"{da}日" if mo and da else "")]
        if 1989 <= y <= 2019:
            e = f"平成{y - 1988}年"
            alts.append(e + (f"{mo}月" if mo else "") + (f"{da}日" if mo and da else ""))
        return any(rec.has_str(a) for a in alts)
    m, nxt = p
    a, b = m.group("a"), m.group("b")
    u = m.group("u2") or m.group("u1") or ""
    core = m.group(0)[len(m.group("q") or ""):]
    if rec.has_str(core):
        return True
    mult, bu = unit_base(u)
    va = kval(a) * mult
    vb = kval(b) * mult if b else None
    if rec.has_value(va, vb, bu):
        return True
    # a bare number: present as a number, followed by the same word character
    if not u and not b:
        if nxt and (nxt.isalpha() or unicodedata.category(nxt).startswith("L")):
            return rec.has_str(core + nxt)
        return rec.has_num(a)
    return False


BULLETS = re.compile(r"[\s•・✓○〇●◆■□※⇒→]")


def joined(lines_of_doc: list[str], a: int, b: int) -> tuple[str, list[int]]:
    """The span's lines joined as the record joins PDF line breaks.  Returns the text and,
    for each character, its 1-based line number."""
    text, where = "", []
    for ln in range(a, b + 1):
        piece = lines_of_doc[ln - 1].strip()
        if not piece:
            continue
        if text and ((text[-1].isdigit() and piece[0].isdigit())
                     or (text[-1].isascii() and text[-1].isalnum()
                         and piece[0].isascii() and piece[0].isalnum())):
            text += " "
            where.append(ln)
        text += piece
        where.extend([ln] * len(piece))
    return text, where


# Stand-alone lines holding a bare number with no label: page numbers of the original
# slides (checked by eye against the seed layout).
PAGE_NUMBER_LINES = {("000", 298), ("003", 3783), ("003", 4092), ("003", 4191), ("003", 4193)}

# (token, its whole seed line, (doc, line number)) -> is page furniture
ArtefactRule = Callable[[str, str, "tuple[str, int] | None"], bool]

ARTEFACT_RULES: list[tuple[str, ArtefactRule]] = [
    ("map credit / licence number",
     lambda tok, ctx, where: "許諾番号" in ctx or "INCREMENTP" in ctx),
    ("URL in a 出典 caption", lambda tok, ctx, where: "http" in ctx or ".html" in ctx),
    ("item number of the list / page title",
     lambda tok, ctx, where: re.fullmatch(r"\d{1,2}", tok) is not None
     and re.match(r"^\s*" + tok + r"\s*[.．]", ctx) is not None),
    ("page number", lambda tok, ctx, where: re.fullmatch(r"\d{1,2}", tok) is not None and (
        where in PAGE_NUMBER_LINES
        # "…創り出す。38"
        or re.search(r"[。）)」ぁ-んァ-ン一-龥]\s*" + tok + r"$", ctx.rstrip()) is not None
        or re.match(r"^" + tok + r"※", ctx) is not None)),      # "2※ 取組主体へ…"
    ("section number <n> / (n)", lambda tok, ctx, where: re.fullmatch(r"\d{1,2}", tok) is not None
        and re.match(r"^[<(（]" + tok + r"[>)）]", ctx) is not None),
    ("survey / committee bookkeeping (N事例)", lambda tok, ctx, where: tok.endswith("事例")),
]


def artefact(tok: str, ctx: str, where: tuple[str, int] | None = None) -> str | None:
    for name, rule in ARTEFACT_RULES:
        if rule(tok, ctx, where):
            return name
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--seeds", type=Path, default=SEEDS, metavar="DIR",
                    help="directory of the seed texts (default: <repo>/../shared/seeds)")
    ap.add_argument("--quiet", action="store_true", help="table only")
    ap.add_argument("--doc", help="only list uncovered tokens of this document (000..004)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--strict", action="store_true",
                      help="covered only when a figure / timeline date / as_of holds the token "
                           "(bare numbers without a unit are left out)")
    mode.add_argument("--context", action="store_true",
                      help="per occurrence: covered when the token with 2 characters of context "
                           "either side is in the record's text (bullets and spaces ignored), "
                           "or a figure / date holds it")
    ap.add_argument("--tokens", metavar="ID",
                    help="list every token of this record, covered or not")
    ap.add_argument("--min-facts", type=float, metavar="PCT",
                    help='exit 1 when the overall "facts %%" is below PCT (default: no check)')
    args = ap.parse_args(argv)
    global STRICT
    STRICT = args.strict

    with Path(args.data).open("rb") as fh:
        data = tomli.load(fh)
    recs: dict[str, dict[str, Any]] = {c["id"]: c for c in data["cases"]}
    missing = set(recs) - set(S)
    extra = set(S) - set(recs)
    if missing or extra:
        print("span table out of step:", sorted(missing), sorted(extra), file=sys.stderr)
    seeds: Path = args.seeds
    lines: dict[str, list[str]] = {}
    for d, f in FILES.items():
        with (seeds / f).open(encoding="utf-8") as fh_text:
            lines[d] = [norm(line.rstrip("\n")) for line in fh_text]

    # doc -> [tokens, covered, uncovered artefacts]
    stats: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    unc: defaultdict[str, list[tuple[str, int, str, str, str | None]]] = defaultdict(list)
    for rid, c in recs.items():
        rec = Rec(c)
        flat = BULLETS.sub("", rec.text)
        cited = {DOC_OF_SOURCE[s["source"]] for s in c["sources"]}
        seen: set[tuple[str, str]] = set()
        for doc, a, b in S.get(rid, []):
            if doc not in cited:
                print(f"warning: {rid} span in {doc} but does not cite it", file=sys.stderr)
            text, where = joined(lines[doc], a, b)
            for tok, p, pos in tokens(text):
                ln = where[pos]
                key = (doc, tok)
                if not args.context:
                    if key in seen:
                        continue
                    seen.add(key)
                if STRICT and structured(rec, tok, p) is None:
                    continue
                ctx = lines[doc][ln - 1].strip()
                art = artefact(tok, ctx, (doc, ln))
                if art:
                    ok = False
                elif args.context:
                    before = BULLETS.sub("", text[:pos])[-2:]
                    after = BULLETS.sub("", text[pos + len(tok):])[:2]
                    sv = structured(rec, tok, p)
                    # a bare number: a figure with that value (no unit printed) holds it
                    if sv is None and isinstance(p, NumTok):
                        m0 = p.m
                        sv = rec.has_value(kval(m0.group("a")),
                                           kval(m0.group("b")) if m0.group("b") else None, "")
                    ok = (before + tok + after) in flat or bool(sv)
                else:
                    ok = covered(rec, tok, p)
                st = stats[doc]
                st[0] += 1
                if args.tokens == rid:
                    print(f"{'+' if ok else '-'} {doc}:{ln}\t{tok}\t| {ctx[:90]}")
                if ok:
                    st[1] += 1
                else:
                    if art:
                        st[2] += 1
                    unc[doc].append((rid, ln, tok, ctx, art))

    tot = [0, 0, 0]
    label = ("strict (figures/timeline only)" if args.strict
             else "context" if args.context else "anywhere in the record")
    print(f"coverage mode: {label}")
    print(f"{'doc':<6}{'tokens':>8}{'covered':>9}{'%':>8}{'artefacts':>11}{'facts %':>9}")
    for d in sorted(FILES):
        t, cv, ar = stats[d]
        for i, v in enumerate((t, cv, ar)):
            tot[i] += v
        print(f"{d:<6}{t:>8}{cv:>9}{(100 * cv / t if t else 100):>7.1f}%{ar:>11}"
              f"{(100 * cv / (t - ar) if t - ar else 100):>8.1f}%")
    t, cv, ar = tot
    facts = 100 * cv / (t - ar)
    print(f"{'all':<6}{t:>8}{cv:>9}{100 * cv / t:>7.1f}%{ar:>11}{facts:>8.1f}%")
    print("(artefacts = tokens the ARTEFACT_RULES classify as page furniture - page and item "
          "numbers, map credits, URLs, survey bookkeeping - never counted as covered; "
          "facts % = covered / (tokens - artefacts))")
    if not args.quiet:
        for d in sorted(FILES):
            if args.doc and d != args.doc:
                continue
            if not unc[d]:
                continue
            print(f"\n== {d}: {len(unc[d])} uncovered")
            for rid, ln, tok, ctx, art in unc[d]:
                print(f"{d}:{ln}\t{rid}\t{tok}\t[{art or 'REVIEW'}]\t| {ctx[:110]}")
    if args.min_facts is not None and facts < args.min_facts:
        print(f"facts {cv}/{t - ar} = {facts:.2f}% is below --min-facts {args.min_facts:g}%",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
