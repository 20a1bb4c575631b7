"""Issue 23: the records of translator slice "ena" (chiho-sosei-2, parts (1) and (2)①) are
wholly in English — every Japanese text of each has its English beside it, as a user reads
it in ``show --json``."""

from __future__ import annotations

from typing import Any

import pytest

from kasegeru_cli.english import text_pairs
from kasegeru_cli.loader import load_files
from kasegeru_cli.store import bundled_path

from .conftest import Cli

SLICE = (
    "tottori-shu1-fukushacho", "echizen-railway", "ina-mobile-clinic", "kyomaruen",
    "setouchi-kurashi-no-daigaku", "kobe-josei-shugyo-katsuyaku",
    "yamagata-global-jinzai-consortium", "tachikawa-wakamono-support-station", "babagawa-dori",
    "nagasaki-stadium-city", "share-kanazawa", "otagai-market", "shakai-henkaku-suishin-zaidan",
    "machizukuri-matsuyama", "unnan-community-nurse", "ama-town-machizukuri", "nishiizu-umigyo",
    "obama-wakasa-saba-kaido", "fukushima-city-robot-startups", "tsu-smart-agriculture",
    "hirosaki-apple", "tsuruoka-rice-paddy-landscape", "ise-diversified-business",
    "kamiyama-marugoto-kosen", "kamishihoro-transport-energy", "tonosho-tanada-nohaku",
    "satsumasendai-waterfront",
)

SECTION_1 = ("(1) Creating a living environment in the regions where people can work and "
             "live with peace of mind")


def test_every_text_of_the_slice_has_its_english() -> None:
    cases = {c.id: c for c in load_files([bundled_path()]).cases}
    untranslated = [f"{cid} {path}: {ja}" for cid in SLICE
                    for path, ja, en in text_pairs(cases[cid]) if en is None]
    assert untranslated == []


def test_kyomaruen_in_english(cli: Cli) -> None:
    rec: dict[str, Any] = cli.json("show", "kyomaruen", "--json")
    assert rec["category_en"] == SECTION_1
    assert rec["tags_en"] == ["agriculture-welfare collaboration", "people with disabilities",
                              "industry, government and academia", "council"]
    assert rec["points_en"][0] == (
        "Practises \"agriculture-welfare collaboration\", which aims at the social "
        "participation of people with disabilities through farming")
    assert [(a["name"], a["name_en"]) for a in rec["actors"]] == [
        ("京丸園㈱", "Kyomaruen Co., Ltd."),
        ("産官学の協議会", "council of industry, government and academia")]
    assert rec["sources"][0]["section_en"] == SECTION_1


def test_a_figure_and_a_place_note_in_english(cli: Cli) -> None:
    rec: dict[str, Any] = cli.json("show", "shakai-henkaku-suishin-zaidan", "--json")
    fig = rec["figures"][0]
    assert (fig["label_en"], fig["value"], fig["unit_en"], fig["qualifier_en"]) == (
        "Period without transactions for dormant deposits and the like", 10, "years", "or more")
    assert rec["locations"][0]["note_en"] == (
        "The document writes \"Urasoe City, Okinawa Prefecture, etc.\" "
        "(no place other than Urasoe City is given)")


@pytest.mark.parametrize(("cid", "category_en"), [
    ("nishiizu-umigyo", "[Agriculture, forestry and fisheries]"),
    ("tsuruoka-rice-paddy-landscape", "[Community development × Tourism]"),
    ("kamishihoro-transport-energy", "[Transport × Industry]"),
])
def test_part_2_records_carry_type_note_and_category_in_english(cli: Cli, cid: str,
                                                                category_en: str) -> None:
    rec: dict[str, Any] = cli.json("show", cid, "--json")
    assert rec["category_en"] == (
        "(2) Creating a new regional economy that raises earning power and creates added "
        "value – Regional Innovation Creation Initiative – ① Regional resource utilisation "
        + category_en)
    assert rec["types_note_en"].startswith("Editorial classification (004 gives no types): ")
