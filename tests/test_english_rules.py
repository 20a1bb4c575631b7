"""scripts/english_rules.py: the second reader's rules (docs/REVIEW-2026-12-08-english.md)
checked over every record's English."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .test_english import EN

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "english_rules.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True,
                          text=True, check=False, timeout=120)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "en.toml"
    path.write_text(text, encoding="utf-8")
    return path


def edit(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text


def test_the_bundled_data_has_no_undecided_candidate() -> None:
    proc = run()
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.splitlines()[-1] == (
        "124 cases: qualifier 0 (0 decided), quotes 0 (0 decided), japanese 0 (0 decided), "
        "legal 0 (0 decided), subject 0 (0 decided), orgname 0 (0 decided); 0 undecided")


def test_the_hand_made_record_passes(tmp_path: Path) -> None:
    proc = run("--data", str(write(tmp_path, EN)))
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.splitlines() == [
        "1 cases: qualifier 0 (0 decided), quotes 0 (0 decided), japanese 0 (0 decided), "
        "legal 0 (0 decided), subject 0 (0 decided), orgname 0 (0 decided); 0 undecided"]


MECHANICAL = edit(
    EN,
    ('points = ["東北大学と連携", "コールセンターを誘致"]',
     'points = ["東北大学と連携", "コールセンターを3社以上誘致"]'),
    ('"Attracted a call centre"', '"Attracted more than 3 call centres"'),
    # 約 inside 契約 is a word, not a qualifier: no candidate.
    ('challenges = ["人材の確保"]', 'challenges = ["契約の確保"]'),
    ('challenges_en = ["Securing staff"]', 'challenges_en = ["Securing contracts"]'),
    ('event = "開設"\nevent_en = "Opened"',
     'event = "100人超が参加"\nevent_en = "More than 100 people took part"'),
    ('qualifier = "約"\nqualifier_en = "about"', 'qualifier = "程度"\nqualifier_en = "about"'),
    ('note_en = "cumulative"', 'note_en = "in total"'),
    ('category_en = "[Category 1] Local initiatives"',
     'category_en = "[Category 1] \u201cLocal\u201d initiatives"'),
    ('area_en = "in front of the station"', 'area_en = "駅前 area"'),
    # 玉川堂 is an allowed name (docs/DATA.md "People"): no candidate.
    ('note_en = "a renovated vacant shop"', 'note_en = "a renovated vacant 玉川堂 shop"'),
)


def test_each_mechanical_rule_fires_and_fails_the_check(tmp_path: Path) -> None:
    proc = run("--data", str(write(tmp_path, MECHANICAL)))
    assert proc.returncode == 1, proc.stdout
    assert proc.stdout.splitlines() == [
        "quotes  kumo  category  | 【分類1】地域の取組 | "
        "[Category 1] \u201cLocal\u201d initiatives",
        "qualifier [以上]  kumo  points[2]  | コールセンターを3社以上誘致 | "
        "Attracted more than 3 call centres",
        "japanese [駅前]  kumo  locations[1].area  | 駅前 | 駅前 area",
        "qualifier [超]  kumo  timeline[1].event  | 100人超が参加 | "
        "More than 100 people took part",
        "qualifier [程度]  kumo  figures[1].qualifier  | 程度 | about",
        "qualifier [延べ]  kumo  figures[1].note  | 延べ | in total",
        "1 cases: qualifier 4 (0 decided), quotes 1 (0 decided), japanese 1 (0 decided), "
        "legal 0 (0 decided), subject 0 (0 decided), orgname 0 (0 decided); 6 undecided",
    ]


def test_the_reader_rules_are_listed_without_failing(tmp_path: Path) -> None:
    text = edit(
        EN,
        ('[sources.mine]', '[sources.chiho-sosei-2]'),
        ('source = "mine"', 'source = "chiho-sosei-2"'),
        ('summary_en = "A coworking space run by Kumo Co., Ltd."',
         'summary_en = "Sendai combines a coworking space run by Kumo."'),
        ('name_en = "Kumo Co., Ltd."', 'name_en = "Japan Finance Corporation"'),
    )
    proc = run("--data", str(write(tmp_path, text)))
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.splitlines() == [
        "legal  kumo  summary  | 株式会社雲が運営するコワーキングスペース。 | "
        "Sendai combines a coworking space run by Kumo.",
        "subject  kumo  summary  | 株式会社雲が運営するコワーキングスペース。 | "
        "Sendai combines a coworking space run by Kumo.",
        "legal  kumo  actors[1].name  | 株式会社雲 | Japan Finance Corporation",
        "orgname [Japan Finance Corporation]  kumo  actors[1].name  | 株式会社雲 | "
        "Japan Finance Corporation",
        "1 cases: qualifier 0 (0 decided), quotes 0 (0 decided), japanese 0 (0 decided), "
        "legal 2 (0 decided), subject 1 (0 decided), orgname 1 (0 decided); 0 undecided",
    ]


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("english_rules", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_decided_candidate_passes_with_its_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    script = load_script()
    text = edit(EN, ('area_en = "in front of the station"', 'area_en = "駅前 area"'))
    path = write(tmp_path, text)
    monkeypatch.setitem(script.DECIDED, ("japanese", "kumo", "locations[1].area", "駅前"),
                        "the name as printed")
    assert script.main(["--data", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "1 cases: qualifier 0 (0 decided), quotes 0 (0 decided), japanese 1 (1 decided), "
        "legal 0 (0 decided), subject 0 (0 decided), orgname 0 (0 decided); 0 undecided"]
    assert script.main(["--data", str(path), "--all"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "japanese [駅前]  kumo  locations[1].area  | 駅前 | 駅前 area  "
        "(decided: the name as printed)")


def test_a_broken_file_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[[cases]\n", encoding="utf-8")
    proc = run("--data", str(path))
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith("english_rules.py: ")
    assert "Traceback" not in proc.stderr
