"""The English kept beside each Japanese text (docs/DATA.md "English"): loaded,
checked, carried by the JSON and the TOML export, described by the JSON Schema."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from kasegeru_cli.formats.tomlfmt import render_toml
from kasegeru_cli.loader import DatasetError, load_files
from kasegeru_cli.schema import json_schema

from .conftest import Cli

BIN = shutil.which("kasegeru", path=str(Path(sys.executable).parent))

# A hand-made record with every English field, each beside its Japanese.
EN = '''\
schema_version = 2

[types.coworking]
name = "コワーキング型"
name_en = "Coworking"
definition = "拠点を形成し、交流を促す。"
definition_en = "Forms a hub and encourages exchange."
defined_in = "別紙1"

[topics.migration]
name = "移住"
name_en = "Migration"
criterion = "移住を促す。"
criterion_en = "Encourages people to move in."

[sources.mine]
file = "mine.txt"
title = "私の資料"
title_en = "My document"
date = "2024-01"

[[cases]]
id = "kumo"
name = "雲ラボ"
name_en = "Kumo Lab"
summary = "株式会社雲が運営するコワーキングスペース。"
summary_en = "A coworking space run by Kumo Co., Ltd."
types = ["coworking"]
types_basis = "editorial"
types_note = "拠点を形成しているため"
types_note_en = "Because it forms a hub"
category = "【分類1】地域の取組"
category_en = "[Category 1] Local initiatives"
flow = "大都市圏×地方都市等"
flow_en = "Metropolitan area x regional city"
tags = ["温泉", "祭"]
tags_en = ["hot spring", "festival"]
points = ["東北大学と連携", "コールセンターを誘致"]
points_en = ["Partnership with Tohoku University", "Attracted a call centre"]
challenges = ["人材の確保"]
challenges_en = ["Securing staff"]

[[cases.actors]]
name = "株式会社雲"
name_en = "Kumo Co., Ltd."
role = "運営"
role_en = "operator"

[[cases.locations]]
prefecture = "宮城県"
municipality = "仙台市"
area = "駅前"
area_en = "in front of the station"
note = "空き店舗を改修"
note_en = "a renovated vacant shop"
role = "main"

[[cases.timeline]]
date = "2018"
fiscal = true
event = "開設"
event_en = "Opened"

[[cases.figures]]
label = "会員数"
label_en = "Members"
value = 120
unit = "人"
unit_en = "people"
qualifier = "約"
qualifier_en = "about"
note = "延べ"
note_en = "cumulative"

[[cases.sources]]
source = "mine"
section = "第1章"
section_en = "Chapter 1"
'''


def write(tmp_path: Path, text: str = EN) -> Path:
    path = tmp_path / "en.toml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return next(i + 1 for i, line in enumerate(text.splitlines()) if line.startswith(needle))


def test_every_english_field_is_in_show_json_beside_its_japanese(cli: Cli,
                                                                 tmp_path: Path) -> None:
    record = cli.json("--data", str(write(tmp_path)), "show", "kumo", "--json")
    assert record["points_en"] == ["Partnership with Tohoku University",
                                   "Attracted a call centre"]
    assert record["tags_en"] == ["hot spring", "festival"]
    assert record["challenges_en"] == ["Securing staff"]
    assert record["category_en"] == "[Category 1] Local initiatives"
    assert record["flow_en"] == "Metropolitan area x regional city"
    assert record["types_note_en"] == "Because it forms a hub"
    keys = list(record)
    for name in ("types_note", "category", "flow", "tags", "points", "challenges"):
        assert keys[keys.index(name) + 1] == f"{name}_en"
    assert record["actors"] == [{
        "name": "株式会社雲", "name_en": "Kumo Co., Ltd.", "role": "運営", "role_en": "operator",
        "kind": None, "lead": False, "kind_evidence": None}]
    assert record["locations"][0]["area_en"] == "in front of the station"
    assert record["locations"][0]["note_en"] == "a renovated vacant shop"
    assert record["timeline"] == [{
        "date": "2018", "event": "開設", "event_en": "Opened", "fiscal": True,
        "planned": False, "until": None, "source": None}]
    assert record["figures"] == [{
        "label": "会員数", "label_en": "Members", "value": 120, "unit": "人",
        "unit_en": "people", "value_max": None, "as_of": None, "fiscal": False,
        "planned": False, "qualifier": "約", "qualifier_en": "about", "note": "延べ",
        "note_en": "cumulative"}]
    assert record["sources"] == [
        {"source": "mine", "section": "第1章", "section_en": "Chapter 1", "item": None}]


def test_a_record_without_english_has_empty_english_keys(cli: Cli, minimal_file: Path) -> None:
    record = cli.json("--data", str(minimal_file), "show", "alpha", "--json")
    assert record["points_en"] == [] and record["tags_en"] == []
    assert record["category_en"] is None and record["flow_en"] is None
    assert record["timeline"][0]["event_en"] is None


def test_types_and_topics_json_carry_definition_and_criterion_en(cli: Cli,
                                                                 tmp_path: Path) -> None:
    path = str(write(tmp_path))
    [ctype] = cli.json("--data", path, "types", "--json")
    assert ctype["definition_en"] == "Forms a hub and encourages exchange."
    [topic] = cli.json("--data", path, "topics", "--json")
    assert topic["criterion_en"] == "Encourages people to move in."


def test_the_toml_export_keeps_every_english_field(tmp_path: Path) -> None:
    dataset = load_files([write(tmp_path)])
    again = tmp_path / "again.toml"
    again.write_text(render_toml(dataset), encoding="utf-8")
    assert load_files([again]) == dataset
    text = again.read_text(encoding="utf-8")
    assert 'points_en = ["Partnership with Tohoku University", "Attracted a call centre"]' \
        in text
    assert 'event_en = "Opened"' in text and 'definition_en = "Forms a hub' in text


def problems(path: Path) -> list[str]:
    with pytest.raises(DatasetError) as info:
        load_files([path])
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(("old", "new", "line_start", "message"), [
    ('points_en = ["Partnership with Tohoku University", "Attracted a call centre"]',
     'points_en = ["Partnership with Tohoku University"]', "points_en",
     "case kumo: field points_en: has 1 item but points has 2: give the English of every "
     "item of points, in its order (or leave points_en out)"),
    ('tags_en = ["hot spring", "festival"]', 'tags_en = ["hot spring", "festival", "bath"]',
     "tags_en", "case kumo: field tags_en: has 3 items but tags has 2"),
    ('challenges_en = ["Securing staff"]', 'challenges_en = []', "challenges_en",
     "case kumo: field challenges_en: has 0 items but challenges has 1"),
    ('category_en = "[Category 1] Local initiatives"', 'category_en = ""', "category_en",
     "case kumo: field category_en: must not be empty (leave the key out instead)"),
    ('event_en = "Opened"', 'event_en = 3', "event_en",
     "case kumo: field timeline[1].event_en: must be a string, not an integer"),
    ('qualifier = "約"\n', '', "qualifier_en",
     "case kumo: field figures[1].qualifier_en: is the English of qualifier, which is not "
     "given here: give qualifier too, or leave qualifier_en out"),
])
def test_a_broken_english_field_is_a_located_error(tmp_path: Path, old: str, new: str,
                                                   line_start: str, message: str) -> None:
    assert old in EN
    text = EN.replace(old, new)
    path = write(tmp_path, text)
    found = problems(path)
    where = f"{path}:{line_of(text, line_start)}: "
    assert any(p.startswith(where + message) for p in found), found


def test_validate_reports_a_short_english_array_in_one_line(tmp_path: Path) -> None:
    """The installed command: exit 1, the located message, no traceback."""
    if BIN is None:
        pytest.skip("console script not installed")
    text = EN.replace('points_en = ["Partnership with Tohoku University", '
                      '"Attracted a call centre"]', 'points_en = ["Attracted a call centre"]')
    path = write(tmp_path, text)
    env = {**os.environ, "HOME": str(tmp_path), "KASEGERU_CACHE_DIR": str(tmp_path / "c"),
           "NO_COLOR": "1"}
    proc = subprocess.run([BIN, "validate", str(path)], env=env, capture_output=True,
                          text=True, check=False, timeout=60)
    assert proc.returncode == 1
    assert proc.stdout == ""
    line = line_of(text, "points_en")
    assert f"{path}:{line}: case kumo: field points_en: has 1 item but points has 2" \
        in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_json_schema_describes_the_english_fields() -> None:
    case = json_schema("case")["$defs"]["case"]["properties"]
    assert case["points_en"]["type"] == "array"
    assert "item for item (same length and order)" in case["points_en"]["description"]
    assert case["category_en"]["type"] == ["string", "null"]
    assert "English of category" in case["category_en"]["description"]
    figure = json_schema("case")["$defs"]["figure"]
    assert figure["required"].index("label_en") == figure["required"].index("label") + 1
    assert "English of unit" in figure["properties"]["unit_en"]["description"]
    assert "definition_en" in json_schema("types")["$defs"]["type"]["required"]
    assert "criterion_en" in json_schema("topics")["$defs"]["topic"]["required"]


def test_the_schema_validates_a_record_with_english(cli: Cli, tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    record = cli.json("--data", str(write(tmp_path)), "show", "kumo", "--json")
    jsonschema.validate(record, json_schema("case"))
    record["points_en"] = "not a list"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, json_schema("case"))


# ----------------------------------------------------------------- shown and searched

WIDE = {"COLUMNS": "200"}


def test_show_in_english_prints_every_section_in_english(cli: Cli) -> None:
    """A translated record of the bundled data (tsuruoka-bioscience-park, 000 item ２．)."""
    out = cli("show", "tsuruoka-bioscience-park", "--lang", "en", env=WIDE).stdout
    lines = [line.strip() for line in out.splitlines()]
    assert lines[0] == ("Development of \"Tsuruoka Bioscience Park\", grown from attracting a "
                        "university from a metropolitan area")
    flat = " ".join(out.split())  # a long bullet wraps even at 200 columns
    assert "• Since 2014, Yamagata Design Co., Ltd., a locally founded real-estate business, " \
        "has been in charge of developing 14 ha of the park, and it is now building an " \
        "accommodation and stay complex and other facilities able to host researchers staying " \
        "from metropolitan areas and abroad. •" in flat
    assert "2014-08  Yamagata Design Co., Ltd. began developing the 14 ha." in lines
    assert ("• Funds raised by Yamagata Design Co., Ltd. from regional financial institutions, "
            "construction companies and individuals: over 22 hundred million yen") in lines
    assert "• Number of flights to Tokyo from Shonai Airport: 4 flights (a day)" in lines
    assert any(line.startswith("• Spiber Co., Ltd. (Spiber㈱) — bio venture spun off from "
                               "Keio IAB") for line in lines)
    assert "site     Yamagata, 鶴岡市 (Tsuruoka Bioscience Park) — Area 21.5 ha, of which " \
        "Yamagata Design Co., Ltd. develops 14 ha" in lines
    assert any(line.startswith("tags      industry-academia collaboration, attracting a "
                               "university") for line in lines)
    assert any("(3) Partnerships between metropolitan areas and regional cities [2018-summary]"
               in line for line in lines)
    # The Japanese of the points, events, figures and places is not on the English page.
    for japanese in ("ヤマガタデザイン(株)が14haの開発に着手。", "庄内空港の東京便の便数",
                     "パークから20分、東京便1日4便", "宿泊滞在複合施設", "大学誘致"):
        assert japanese not in out
    # In Japanese, as before.
    ja = cli("show", "tsuruoka-bioscience-park", env=WIDE).stdout
    assert "ヤマガタデザイン(株)が14haの開発に着手。" in ja
    assert "Yamagata Design" not in ja.split("Summary")[1]


def test_show_in_english_falls_back_to_japanese_per_text(cli: Cli, tmp_path: Path) -> None:
    text = EN.replace('points_en = ["Partnership with Tohoku University", '
                      '"Attracted a call centre"]\n', "").replace('event_en = "Opened"\n', "")
    out = cli("--data", str(write(tmp_path, text)), "show", "kumo", "--lang", "en",
              env=WIDE).stdout
    lines = [line.strip() for line in out.splitlines()]
    assert "• 東北大学と連携" in lines and "• コールセンターを誘致" in lines
    assert "FY2018  開設" in lines
    assert "• Securing staff" in lines
    assert "• Members: about 120 people (cumulative)" in lines
    assert "• Kumo Co., Ltd. (株式会社雲) — operator" in lines
    assert "main  Miyagi, 仙台市 (in front of the station) — a renovated vacant shop" in lines


@pytest.mark.parametrize(("query", "ids"), [
    ("hot spring", ["nishiawakura-mori-no-gakko", "toyooka-kddi"]),
    ("温泉", ["nishiawakura-mori-no-gakko", "toyooka-kddi"]),
    ("thinned timber", ["nishiawakura-mori-no-gakko"]),
    ("Shonai Airport", ["tsuruoka-bioscience-park"]),
])
def test_english_texts_are_searched(cli: Cli, query: str, ids: list[str]) -> None:
    hits = cli.json("search", query, "--json")
    assert sorted(h["id"] for h in hits) == ids


def test_the_snippet_is_the_english_that_matched(cli: Cli, tmp_path: Path) -> None:
    [hit] = cli.json("--data", str(write(tmp_path)), "search", "call centres", "--json")
    assert hit["id"] == "kumo"
    assert hit["match"]["field"] == "points_en"
    assert "Attracted a call centre" in hit["match"]["snippet"]
    [hit] = cli.json("--data", str(write(tmp_path)), "search", "festival", "--json")
    assert hit["match"]["field"] == "tags_en" and hit["match"]["snippet"] == "festival"


def test_long_vowel_marks_fold_in_search(cli: Cli) -> None:
    """docs/DATA.md: Hepburn without macrons in the data; Tōhoku or Tôhoku finds Tohoku."""
    plain = [h["id"] for h in cli.json("search", "Shonai Airport", "--json")]
    assert plain == ["tsuruoka-bioscience-park"]
    for typed in ("Shōnai Airport", "Shônai airport", "SHŌNAI AIRPORT"):
        assert [h["id"] for h in cli.json("search", typed, "--json")] == plain


def test_co_ba_in_english_has_no_japanese_text_but_names_and_quotes(cli: Cli,
                                                                    bundled: Path) -> None:
    """Issue 23: the English page of co-ba keeps Japanese only beside a translation
    (names), in the Japanese summary under the English one, in place names not yet
    translated, in headings' Japanese halves and in the credit line."""
    import tomli

    raw = next(c for c in tomli.loads(bundled.read_text(encoding="utf-8"))["cases"]
               if c["id"] == "co-ba")
    out = cli("show", "co-ba", "--lang", "en", env=WIDE).stdout
    flat = " ".join(out.split())

    def squeeze(text: str) -> str:  # wrapped Japanese lines join without spaces
        return "".join(text.split())

    rest = squeeze(out).replace(squeeze(raw["name"]), "").replace(squeeze(raw["summary"]), "")
    for actor in raw["actors"]:  # the Japanese name beside the English one
        rest = rest.replace(f"({squeeze(actor['name'])})", "")
    for text in (*raw["points"], *raw["challenges"], *raw["tags"],
                 *(e["event"] for e in raw["timeline"]), *(f["label"] for f in raw["figures"]),
                 *(a["role"] for a in raw["actors"]), raw["types_note"]):
        assert squeeze(text) not in rest, text
    assert squeeze(raw["points"][0]) in squeeze(cli("show", "co-ba", env=WIDE).stdout)
    assert "• Members can use any site (concept: \"working as if travelling\")" in flat
    assert "• Tsukuruba Co., Ltd. (㈱ツクルバ) — operator (co-ba Shibuya);" in flat
    assert "• Number of co-ba sites: 24 sites (2019-03, nationwide)" in flat
    assert "2018-10 As a new venture of the co-ba business, a site specialising in startups " \
        "(Jinnan) was set up under direct management" in flat


def test_validate_warns_of_a_text_without_english_in_a_users_file(tmp_path: Path) -> None:
    """A user's file may be Japanese only: each untranslated text is a located
    warning, and the file is still valid (exit 0)."""
    if BIN is None:
        pytest.skip("console script not installed")
    text = EN.replace('challenges_en = ["Securing staff"]\n', "").replace(
        'role_en = "operator"\n', "")
    path = write(tmp_path, text)
    env = {**os.environ, "HOME": str(tmp_path), "KASEGERU_CACHE_DIR": str(tmp_path / "c"),
           "NO_COLOR": "1"}
    proc = subprocess.run([BIN, "validate", str(path)], env=env, capture_output=True,
                          text=True, check=False, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("OK: 1 cases")
    tail = 'has no English beside it (docs/DATA.md, "English")'
    assert proc.stderr.splitlines() == [
        f"Warning: {path}:{line_of(text, 'challenges')}: case kumo: field challenges[1]: {tail}",
        f"Warning: {path}:{line_of(text, 'role = ')}: case kumo: field actors[1].role: {tail}",
    ]


def test_the_bundled_dataset_must_be_wholly_in_english(cli: Cli, tmp_path: Path) -> None:
    """Every text of the bundled dataset is translated: one that is not is an error
    there (exit 1), located, where a user's file only gets a warning."""
    text = EN.replace('challenges_en = ["Securing staff"]\n', "")
    path = write(tmp_path, text)
    with mock.patch("kasegeru_cli.store.bundled_path", return_value=path):
        result = cli("validate", str(path))
    assert result.exit_code == 1
    assert f"{path}:{line_of(text, 'challenges')}: case kumo: field challenges[1]: has no " \
        'English beside it (docs/DATA.md, "English")' in result.stderr
    assert "Warning" not in result.stderr
    ok = cli("validate")  # the real bundled file: every text has its English
    assert ok.exit_code == 0 and "Warning" not in ok.stderr, ok.stderr
