"""scripts/coverage.py: every numeric/date fact on the seed pages is in data/cases.toml.

Needs the seed texts next to the repository (<repo>/../shared/seeds); a checkout
without them skips.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "coverage.py"
SEEDS = REPO.parent / "shared" / "seeds"
DOCS = ("000", "001", "002", "003", "004")


def test_every_document_has_full_fact_coverage() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed texts not found at {SEEDS} (checkout without ../shared)")
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quiet", "--min-facts", "100"],
        capture_output=True, text=True, encoding="utf-8", timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # doc  tokens  covered  %  artefacts  facts %
    rows = {
        m.group("doc"): m.group("facts")
        for m in re.finditer(
            r"^(?P<doc>\d{3}|all)\s+\d+\s+\d+\s+[\d.]+%\s+\d+\s+(?P<facts>[\d.]+)%$",
            proc.stdout, re.MULTILINE)
    }
    for doc in DOCS:
        assert rows.get(doc) == "100.0", f"{doc}: facts {rows.get(doc)}%\n{proc.stdout}"
    assert rows.get("all") == "100.0", proc.stdout
