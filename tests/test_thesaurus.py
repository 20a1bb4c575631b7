"""The thesaurus (issue 22): concepts under the topics, expansion down only,
the about and mention tiers, and the checks ``kasegeru validate`` makes.

Expected ids were read from the documents in shared/seeds/ (quoted per test),
not computed by the code under test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import Cli

BIN = str(Path(sys.executable).with_name("kasegeru"))


def search(cli: Cli, *args: str) -> list[dict[str, Any]]:
    """``kasegeru search ARGS --json``."""
    hits: list[dict[str, Any]] = cli.json("search", *args, "--json")
    return hits


def ids(hits: list[dict[str, Any]], tier: str | None = None) -> set[str]:
    return {h["id"] for h in hits if tier is None or h["match"]["tier"] == tier}


# 000 ４.「油津商店街の空き店舗解消」; 002 ⑦「空家・遊休施設の有効活用」;
# 000 ３.「中心市街地（まちなか）の空きビル活用」; 003 参考資料1 ５.「空き施設の活用等」.
VACANT = {"nichinan-aburatsu-shotengai", "minami-cho-intercity", "miyazaki-machinaka-3000",
          "next-commons-lab"}
# 004 津市「遊休地を活用した果樹園地開発」; 004 鶴岡市「未利用地の有効活用」.
IDLE_LAND = {"tsu-smart-agriculture", "tsuruoka-rice-paddy-landscape"}


def test_akiya_finds_the_vacant_buildings_not_the_idle_land(cli: Cli) -> None:
    hits = search(cli, "空き家")
    assert ids(hits, "about") == VACANT
    assert not ids(hits) & IDLE_LAND
    assert all(h["match"]["concepts"] == ["akiya"] for h in hits)


def test_expansion_goes_down_never_up_or_sideways(cli: Cli) -> None:
    # 空き店舗 is under 空家: it finds 日南 (空き店舗) only, not 美波町 (空家, broader)
    # nor 宮崎 (空きビル, a sibling).
    assert ids(search(cli, "空き店舗")) == {"nichinan-aburatsu-shotengai"}
    assert ids(search(cli, "遊休地")) == IDLE_LAND
    # The topic (a top concept) by its name finds both, and the cases filed under it.
    topic = ids(search(cli, "空き家・空き店舗・遊休資産"))
    assert topic >= VACANT | IDLE_LAND


@pytest.mark.parametrize("query", ["高専", "高等専門学校", "kosen"])
def test_kosen_finds_the_two_kosen_not_every_university(cli: Cli, query: str) -> None:
    # 004 (2)①「神山まるごと高専」; 004 (4)「香川高専（香川県三豊市）」. 高等専門学校
    # is nowhere in the documents: a hidden label of 高専.
    assert ids(search(cli, query)) == {"kamiyama-marugoto-kosen", "kagawa-kosen-mitoyo"}


def test_workation_is_one_case_not_the_relocation_topic(cli: Cli) -> None:
    # 002 ④ 大丸有「北海道ワーケーションの推進による地域創生」: the only one.
    assert ids(search(cli, "ワーケーション")) == {"daimaruyu-intercity"}


def test_dx_is_the_three_dx_cases(cli: Cli) -> None:
    # 004 (4): 松山大学「DX人材の育成」, さくらインターネット「DX・GXを推進」,
    # 香川高専「地域企業のDXを推進」.
    assert ids(search(cli, "DX")) == {"matsuyama-university-dx",
                                            "sakura-internet-ishikari-dc",
                                            "kagawa-kosen-mitoyo"}


# 000 ４. 油津商店街; 002 ③ 郡山「まちづくり会社や商店街等と連携」; 003 渋谷区
# 「商店街関係者やまちづくり団体」; 000 ３. 宮崎「商店街へのベンチャー企業誘致」.
SHOTENGAI = {"nichinan-aburatsu-shotengai", "koriyama-intercity",
             "shibuya-city-innovation-district", "miyazaki-machinaka-3000"}


@pytest.mark.parametrize("query", ["商店街", "shopping arcade", "shopping street"])
def test_shotengai_in_both_languages(cli: Cli, query: str) -> None:
    hits = search(cli, query)
    assert ids(hits) >= SHOTENGAI
    # Not the town-centre topic: 馬場川通り (中心市街地, no 商店街) stays out.
    assert "babagawa-dori" not in ids(hits)
    assert len(hits) <= 5  # + 大手町 GVH's "underground shopping streets" (summary_en)


def test_about_first_then_mentions_and_about_keeps_the_answer(cli: Cli) -> None:
    hits = search(cli, "商店街")
    tiers = [h["match"]["tier"] for h in hits]
    assert tiers == sorted(tiers)  # "about" < "mention": every about hit first
    # 宮崎: 商店街 only in its timeline (「商店街へのベンチャー企業誘致等を推進」).
    assert {h["id"]: h["match"]["tier"] for h in hits}["miyazaki-machinaka-3000"] == "mention"
    only = search(cli, "商店街", "--about")
    assert "miyazaki-machinaka-3000" not in ids(only)
    assert ids(only) == ids(hits, "about")


def test_table_prints_the_answer_then_also_mentioned_in(cli: Cli) -> None:
    out = cli("search", "商店街", env={"COLUMNS": "200"}).stdout
    answer, rest = out.split("also mentioned in (1):")
    assert "nichinan-aburatsu-shotengai" in answer and "miyazaki-machinaka-3000" in rest
    assert "商店街へのベンチャー企業誘致" in rest  # its snippet


def test_words_of_one_topic_are_alternatives(cli: Cli) -> None:
    # 子育て (the topic's name) and 保育 (a concept under it): either may match.
    # 004 (1) こうべ女性就業「一時保育付きコワーキングスペース」has 保育 only.
    assert "kobe-josei-shugyo-katsuyaku" in ids(search(cli, "子育て", "保育"))
    # Words of two topics must both match: 高専 and DX only in 香川高専.
    assert ids(search(cli, "高専", "DX")) == {"kagawa-kosen-mitoyo"}


def test_topics_json_carries_the_tree(cli: Cli) -> None:
    rows = {r["slug"]: r for r in cli.json("topics", "--json")}
    akiya = next(c for c in rows["vacant-buildings"]["concepts"] if c["slug"] == "akiya")
    assert akiya["pref"] == "空家" and akiya["hidden"] == ["空き家"]
    assert [n["slug"] for n in akiya["narrower"]] == ["aki-tenpo", "aki-biru", "aki-shisetsu"]
    assert "yukyuchi" in [c["slug"] for c in rows["vacant-buildings"]["concepts"]]
    out = cli("topics", env={"COLUMNS": "100"}).stdout
    assert "└ akiya" in out and "└ aki-tenpo" in out


# --------------------------------------------------------------------------- validate

BASE = '''\
schema_version = 2

[topics.places]
name = "場所"
name_en = "Places"
criterion = "場所の取組"

[sources.mine]
file = "mine.txt"
title = "私の資料"
title_en = "My document"
date = "2024-01"

[[cases]]
id = "alpha"
name = "アルファ商店街"
name_en = "Alpha"
summary = "空き店舗の活用。"
summary_en = "About alpha."

[[cases.sources]]
source = "mine"
section = "第1章"
'''


def run(path: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"KASEGERU_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path)}
    return subprocess.run([BIN, *args, str(path)], env=env, capture_output=True, text=True,
                          check=False)


def write(tmp_path: Path, concepts: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(BASE.replace("[sources.mine]", concepts + "\n[sources.mine]"),
                    encoding="utf-8")
    return path


def test_validate_accepts_a_good_thesaurus(tmp_path: Path) -> None:
    path = write(tmp_path, '[concepts.shop]\npref = "空き店舗"\npref_en = "vacant shop"\n'
                 'broader = "places"\n')
    result = run(path, tmp_path, "validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: 1 cases")


@pytest.mark.parametrize(("concepts", "line", "message"), [
    ('[concepts.shop]\npref = "空き店舗"\npref_en = "vacant shop"\nbroader = "placez"\n',
     "mine.toml:11: field concepts.shop.broader: unknown broader concept 'placez' (did you "
     "mean 'places'?)", "broader"),
    ('[concepts.a]\npref = "空き店舗"\npref_en = "x"\nbroader = "b"\n\n'
     '[concepts.b]\npref = "商店街"\npref_en = "y"\nbroader = "a"\n',
     "mine.toml:11: field concepts.a.broader: broader concepts form a cycle: a → b → a", "cycle"),
    ('[concepts.a]\npref = "空き店舗"\npref_en = "vacant shop"\nbroader = "places"\n\n'
     '[concepts.b]\npref = "商店街"\npref_en = "vacant shop"\nbroader = "places"\n',
     "mine.toml:15: field concepts.b.pref_en: label 'vacant shop' is already a label of "
     "concept 'a'", "twice"),
    ('[concepts.a]\npref = "空き店舗"\npref_en = "x"\nbroader = "places"\nalt = ["遊休地"]\n',
     "mine.toml:12: field concepts.a.alt: label '遊休地' occurs in no record's text", "nowhere"),
    ('[concepts.a]\npref = "空き店舗"\npref_en = "x"\nbroader = "places"\n'
     'hidden = ["空家"]\n',
     "mine.toml:12: field concepts.a.hidden: hidden label '空家' holds none of the concept's "
     "Japanese labels", "hidden"),
])
def test_validate_locates_each_thesaurus_fault(tmp_path: Path, concepts: str, line: str,
                                               message: str) -> None:
    result = run(write(tmp_path, concepts), tmp_path, "validate")
    assert result.returncode == 1, message
    assert "Traceback" not in result.stderr
    assert line in result.stderr, result.stderr


def test_a_filtered_toml_export_keeps_the_thesaurus_and_loads(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "miyazaki.toml"
    assert cli("export", "-f", "toml", "-p", "宮崎県", "-o", str(out)).exit_code == 0
    hits = cli.json("--data", str(out), "search", "空き家", "--json")
    assert ids(hits) == {"nichinan-aburatsu-shotengai", "miyazaki-machinaka-3000"}


def test_sqlite_tables_hold_the_thesaurus(cli: Cli, tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "k.db"
    assert cli("export", "-f", "sqlite", "-o", str(db)).exit_code == 0
    con = sqlite3.connect(db)
    assert con.execute("SELECT broader FROM concepts WHERE slug = 'aki-tenpo'").fetchone() == (
        "akiya",)
    labels = {r[0] for r in con.execute(
        "SELECT label FROM concept_labels WHERE concept = 'shotengai'")}
    assert {"商店街", "shopping arcade", "shopping street"} <= labels
    found = {r[0] for r in con.execute(
        "SELECT c.id FROM cases_fts JOIN cases c ON c.rowid = cases_fts.rowid "
        "WHERE cases_fts MATCH ?", (json.dumps("akiya"),))}
    assert found >= VACANT and not found & IDLE_LAND


# --------------------------------------------------------------------------- scripts/thesaurus.py

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "thesaurus.py"


def test_script_finds_each_japanese_label_in_the_documents(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    # A PDF extract breaks lines inside words: 空き店\n舗 is still 空き店舗.
    (seeds / "000_x.txt").write_text("油津商店街の空き店\n舗解消。高専で学んだ技術者",
                                     encoding="utf-8")
    data = write(tmp_path, '[concepts.shop]\npref = "空き店舗"\npref_en = "vacant shop"\n'
                 'broader = "places"\nalt = ["空店舗"]\nhidden = ["空き店舗"]\n\n'
                 '[concepts.kosen]\npref = "高専"\npref_en = "technical college"\n'
                 'broader = "places"\nhidden = ["高等専門学校", "大学"]\n')
    result = subprocess.run([sys.executable, str(SCRIPT), "check", "--data", str(data),
                             "--seeds", str(seeds)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{data}:12: concepts.shop.alt: '空店舗' is in none of the documents",
        f"{data}:13: concepts.shop.hidden: '空き店舗' is in the documents: make it an alt label",
        f"{data}:19: concepts.kosen.hidden: '大学' holds none of the concept's documented "
        "labels",
    ]
