"""scripts/glossary.py: the records' English uses the glossary's English for its terms."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import tomli

from .test_english import EN

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "glossary.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True,
                          text=True, check=False, timeout=120)


def test_the_glossary_file_is_ja_to_en() -> None:
    glossary = tomli.loads((REPO / "data" / "glossary.toml").read_text(encoding="utf-8"))
    assert glossary["知的対流拠点"] == "knowledge convection hub"
    assert glossary["関係人口"] == "related population"
    assert glossary["地方創生"] == "regional revitalisation"
    assert glossary["年度"] == ["FY", "fiscal year"]


def test_a_miss_is_reported_with_its_case_and_field(tmp_path: Path) -> None:
    text = EN.replace('points = ["東北大学と連携", "コールセンターを誘致"]',
                      'points = ["知的対流拠点と連携", "コールセンターを誘致"]')
    text = text.replace('"Partnership with Tohoku University"',
                        '"Partnership with an intellectual convection base"')
    path = tmp_path / "en.toml"
    path.write_text(text, encoding="utf-8")
    proc = run("--data", str(path))
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines()[0] == (
        "kumo  points[1]: 知的対流拠点 → 'knowledge convection hub' is not in: "
        "Partnership with an intellectual convection base")
    # 誘致 → "Attracted" passes: a word form of "attract", capitals folded.
    assert "points[2]" not in proc.stdout
    assert proc.stdout.splitlines()[-1].endswith(": 1 misses; 0 texts have no English yet")


def test_plurals_capitals_and_hyphens_pass(tmp_path: Path) -> None:
    text = EN.replace('points = ["東北大学と連携", "コールセンターを誘致"]',
                      'points = ["知的対流拠点と連携", "オープンイノベーション"]')
    text = text.replace('"Partnership with Tohoku University", "Attracted a call centre"',
                        '"Partnership with Knowledge Convection Hubs", "Open-innovation"')
    path = tmp_path / "en.toml"
    path.write_text(text, encoding="utf-8")
    proc = run("--data", str(path))
    assert proc.returncode == 0, proc.stdout
    assert ": 0 misses" in proc.stdout


def test_a_broken_file_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(EN.replace('tags_en = ["hot spring", "festival"]', 'tags_en = ["x"]'),
                    encoding="utf-8")
    proc = run("--data", str(path))
    assert proc.returncode == 1
    assert "field tags_en: has 1 item but tags has 2" in proc.stderr
    assert "Traceback" not in proc.stderr
