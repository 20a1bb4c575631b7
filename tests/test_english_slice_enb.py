"""Issue 23: the records of translator slice "enb" (chiho-sosei-2, parts (2)② to (5)) are
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
    "taiki-town-space", "fukushima-robot-test-field", "matsue-metal-materials-research",
    "oist-innovation", "station-ai", "tsukuba-super-science-city",
    "iide-kodomo-nosanson-taiken", "southern-cross-systems", "hidasuke",
    "asano-nenshi-futaba", "doto-chiiki-no-jinjibu", "nichiiki-kyoju-tottori-kochi",
    "toyota-city-water-leak", "setouchi-drone-multi-operation", "jinya-ryokan",
    "sakai-town-autonomous-bus", "matsuyama-university-dx", "reposaku",
    "kansai-cybersecurity-network", "sakura-internet-ishikari-dc", "kagawa-kosen-mitoyo",
    "linear-chukan-eki-kouikiken", "kansai-kouiki-rengo", "nara-model", "shoryudo-project",
    "michinoku-shiokaze-trail", "kyushu-chiiki-senryaku-kaigi",
)

PART_4 = ("(4) Infrastructure development for a new era and thorough use of new technologies "
          "such as AI and digital")


def test_every_text_of_the_slice_has_its_english() -> None:
    cases = {c.id: c for c in load_files([bundled_path()]).cases}
    untranslated = [f"{cid} {path}: {ja}" for cid in SLICE
                    for path, ja, en in text_pairs(cases[cid]) if en is None]
    assert untranslated == []


def test_setouchi_drones_in_english(cli: Cli) -> None:
    rec: dict[str, Any] = cli.json("show", "setouchi-drone-multi-operation", "--json")
    assert rec["category_en"] == PART_4
    assert rec["sources"][0]["section_en"] == PART_4
    assert rec["tags_en"] == ["drones", "remote piloting", "drone delivery", "labour shortage"]
    assert rec["points_en"][0] == (
        "A single remote pilot flew five drones simultaneously (four sites nationwide). "
        "Note: a joint effort of three companies, NEDO, KDDI and JAL")
    assert [(a["name_en"], a["role_en"]) for a in rec["actors"]] == [
        (n, "joint effort of the three companies") for n in ("NEDO", "KDDI", "JAL")]
    assert [(f["label_en"], f["value"], f["unit_en"]) for f in rec["figures"]] == [
        ("Remote pilots", 1, "people"),
        ("Drones operated simultaneously", 5, "units"),
        ("Sites of the simultaneous operation (nationwide)", 4, "sites"),
        ("Companies carrying it out jointly (NEDO, KDDI, JAL)", 3, "companies"),
    ]


@pytest.mark.parametrize(("cid", "category_en"), [
    ("station-ai", "(2) Creating a new regional economy that raises earning power and creates "
                   "added value – Regional Innovation Creation Initiative – ② Industrial base"),
    ("hidasuke", "(3) Dispersal of people and companies to the regions – Creation through the "
                 "relocation of industry, government and academia to the regions, exchange "
                 "between cities and the regions, and more –"),
    ("nara-model", "(5) Wide-area regional partnership"),
])
def test_each_part_heading_in_english(cli: Cli, cid: str, category_en: str) -> None:
    rec: dict[str, Any] = cli.json("show", cid, "--json")
    assert rec["category_en"] == category_en
    assert rec["sources"][0]["section_en"] == category_en


def test_place_notes_and_areas_in_english(cli: Cli) -> None:
    rec: dict[str, Any] = cli.json("show", "michinoku-shiokaze-trail", "--json")
    assert [(loc["area_en"] if loc["area"] else loc["note_en"]) for loc in rec["locations"]] == [
        "Pacific coast of Tohoku",
        "starting point (\"from Hachinohe City\"); the prefecture is not given in the "
        "document (added from the city name)",
        "end point (\"to Soma City\"); the prefecture is not given in the document "
        "(added from the city name)",
    ]
    rec = cli.json("show", "kansai-cybersecurity-network", "--json")
    assert rec["locations"][0]["note_en"] == "The document writes \"Osaka Prefecture, etc.\""
