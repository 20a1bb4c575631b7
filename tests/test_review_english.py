"""The second reader's review of the English (issue 23 item 6,
docs/REVIEW-2026-12-08-english.md): the sample is drawn reproducibly with every
source in it, and the sampled records carry the reviewed English."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import Cli

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "review_sample.py"
SOURCES = ("2018-partnerships", "2018-summary", "2019-report", "chiho-sosei-2",
           "intercity-projects")


def draw(*args: str) -> list[str]:
    proc = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True,
                          text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_the_sample_has_every_source_and_32_records() -> None:
    lines = draw()
    assert lines[0].startswith("seed 20261208, size 32, ")
    heads = [line for line in lines if not line.startswith("  ")][1:]
    assert [h.split(":")[0] for h in heads] == list(SOURCES)
    assert all(not h.endswith(" 0 drawn") for h in heads)
    ids = [line.strip() for line in lines if line.startswith("  ")]
    assert len(ids) == 32 == len(set(ids))
    # the records the review read (docs/REVIEW-2026-12-08-english.md)
    assert {"toyooka-kddi", "osaka-chamber-of-commerce", "pasona-komon",
            "tsuruoka-city-2019", "hamamatsu-toranomon", "reposaku"} <= set(ids)


def test_the_same_seed_draws_the_same_sample() -> None:
    assert draw("--seed", "7") == draw("--seed", "7")
    assert draw("--seed", "7") != draw()


def test_qualifiers_follow_the_rules_in_the_reviewed_records(cli: Cli) -> None:
    osaka = cli.json("show", "osaka-chamber-of-commerce", "--json")
    assert "400 or more chambers of commerce" in osaka["summary_en"]  # 400以上
    pasona = cli.json("show", "pasona-komon", "--json")
    assert pasona["points_en"][3].startswith("There are 5,000 or more")  # 5000名以上
    assert "around 4 times a month" in pasona["points_en"][2]  # 4回程度
    assert [f["qualifier_en"] for f in pasona["figures"]
            if f["qualifier"] == "程度"] == ["around"]
    tsuruoka = cli.json("show", "tsuruoka-city-2019", "--json")
    assert "cumulative" in tsuruoka["points_en"][3]  # 延べ約200名


def test_english_summaries_add_no_place_the_japanese_lacks(cli: Cli) -> None:
    # 「スマート農業(ロボットによるミニトマト収穫）×遊休地を活用した果樹園地開発」 names no city
    tsu = cli.json("show", "tsu-smart-agriculture", "--json")
    assert tsu["summary_en"] == ("Smart agriculture (harvesting cherry tomatoes with robots)"
                                 " × developing orchards making use of idle land.")
    shibuya = cli.json("show", "shibuya-city-innovation-district", "--json")
    assert "a hub, open to the world, for sending out world culture" in shibuya["points_en"][3]
