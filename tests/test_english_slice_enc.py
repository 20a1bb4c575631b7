"""Issue 23: the records of translator slice "enc" (2018 summary, parts (1) the "knowledge
convection hubs" of large cities and (2) flows of people, goods, money and information) are
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
    "ii-office-ueno", "clip-nihonbashi", "egg-japan", "tip-s", "senq-kasumigaseki",
    "lodge-yahoo", "creative-lounge-mov", "kddi-labo", "fablab-shibuya", "catalyst-ba",
    "nagoya-innovation-complex", "medical-design-research-center", "osaka-cross-innovation",
    "osaka-chamber-of-commerce", "mebikku-ogimachi", "gvh-5", "knowledge-capital",
    "startup-cafe-fukuoka", "internet-business-matching", "j-goodtech", "ttpp", "yui-no-ba",
    "professional-jinzai-senryaku-kyoten", "nihon-jinzai-kiko", "sports-camp-japan",
    "chiiki-kasseika-fund", "chiiki-okoshi-kyoryokutai-crowdfunding",
    "tokubetsuku-zenkoku-renkei-project", "kawasaki-tayona-shutai-renkei",
    "nihon-nearshore-kaihatsu-suishin-kiko", "loan-deal", "uopochi", "faavo", "linkers",
)

SECTION_1 = '(1) On "knowledge convection hubs" in large cities (18 cases)'
SECTION_2 = "(2) On mechanisms that create flows of people, goods, money and information (16 cases)"


def test_every_text_of_the_slice_has_its_english() -> None:
    cases = {c.id: c for c in load_files([bundled_path()]).cases}
    untranslated = [f"{cid} {path}: {ja}" for cid in SLICE
                    for path, ja, en in text_pairs(cases[cid]) if en is None]
    assert untranslated == []


def test_lodge_in_english(cli: Cli) -> None:
    rec: dict[str, Any] = cli.json("show", "lodge-yahoo", "--json")
    assert rec["tags_en"] == ["knowledge convection hub", "coworking space", "free of charge",
                              "coordinator"]
    assert rec["points_en"][0] == (
        "One of the largest coworking spaces in Japan (total area 1,330 m²).")
    assert [(a["name"], a["name_en"], a["role_en"]) for a in rec["actors"]] == [
        ("ヤフー（株）", "Yahoo Co., Ltd.", "set up and runs")]
    assert rec["locations"][0]["area_en"] == "Kioicho area"
    fig = rec["figures"][0]
    assert (fig["label_en"], fig["value"], fig["unit_en"]) == ("Total area", 1330, "m²")
    assert rec["sources"][0]["section_en"] == SECTION_1


def test_nagoya_actors_and_places_in_english(cli: Cli) -> None:
    rec: dict[str, Any] = cli.json("show", "nagoya-innovation-complex", "--json")
    assert [a["name_en"] for a in rec["actors"]] == [
        "national university corporation Nagoya University", "Aichi Prefecture", "Toyota City",
        "Toyota Motor Co., Ltd.",
        "Ministry of Education, Culture, Sports, Science and Technology"]
    assert [loc["note_en"] for loc in rec["locations"]] == [
        "the document gives no prefecture (added from the city's name)",
        "joint applicant",
        "joint applicant; the document gives no prefecture (added from the city's name)"]


@pytest.mark.parametrize(("cid", "category_en", "actor_en"), [
    ("uopochi", "Flow of goods", "Foodison Co., Ltd."),
    ("faavo", "Flow of money", "Searchfield Co., Ltd."),
    ("chiiki-kasseika-fund", "Matching of funds",
     "Regional Economy Vitalization Corporation of Japan Co., Ltd."),
])
def test_part_2_records_carry_category_and_section_in_english(cli: Cli, cid: str,
                                                              category_en: str,
                                                              actor_en: str) -> None:
    rec: dict[str, Any] = cli.json("show", cid, "--json")
    assert rec["category_en"] == category_en
    assert rec["actors"][0]["name_en"] == actor_en
    assert rec["sources"][0]["section_en"] == SECTION_2
    assert rec["types_note_en"].endswith(
        "This case is not named; it is placed as one of that group "
        "(the 16 cases of part (2) of the 2018 summary)")


def test_a_guest_speaker_is_kept_by_role_not_by_a_guessed_name(cli: Cli) -> None:
    rec: dict[str, Any] = cli.json("show", "linkers", "--json")
    assert rec["timeline"][0]["event_en"] == (
        "5th meeting of the Committee on a Productive National Land: presentation by a guest "
        "speaker and exchange of views (the senior executive vice president of Linkers Co., Ltd.)")
