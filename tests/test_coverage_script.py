"""scripts/coverage.py: every numeric/date fact on the seed pages is in data/cases.toml.

Needs the seed texts: <repo>/../shared/seeds, where CI has them (CI clones the
repository beside a copy of shared/), or the folder KASEGERU_SEEDS names. In CI
their absence is a failure; in another checkout the test skips and says where
it looked.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "coverage.py"
SEEDS = Path(os.environ.get("KASEGERU_SEEDS") or REPO.parent / "shared" / "seeds")
DOCS = ("000", "001", "002", "003", "004")


def test_every_document_has_full_fact_coverage() -> None:
    if not SEEDS.is_dir():
        where = (f"the seed texts are not at {SEEDS}: clone the repository beside shared/ "
                 "(as CI does) or set KASEGERU_SEEDS to the seeds folder")
        if os.environ.get("CI"):
            pytest.fail(where)
        pytest.skip(where)
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quiet", "--min-facts", "100", "--seeds", str(SEEDS)],
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
