"""Draw the second reader's sample of translated records (issue 23 item 6).

Among the records whose every Japanese text has its English
(``kasegeru_cli.english.missing`` is empty), draw at random with a fixed seed,
every source represented in proportion to its translated records (a record's
source is the ``source`` of its first ``[[cases.sources]]``):

    python scripts/review_sample.py [--seed 20261208] [--size 32] [--data FILE]

Prints the seed, the translated records per source, the quota per source and
the drawn ids (sorted within each source). A source with fewer translated
records than its quota gives all it has.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kasegeru_cli.english import missing  # noqa: E402
from kasegeru_cli.loader import load_files  # noqa: E402


def quotas(counts: dict[str, int], size: int) -> dict[str, int]:
    """Proportional quotas (largest remainder), at least one per non-empty source."""
    total = sum(counts.values())
    if total <= size:
        return dict(counts)
    exact = {s: size * n / total for s, n in counts.items()}
    q = {s: max(1, math.floor(x)) if counts[s] else 0 for s, x in exact.items()}
    rest = sorted(counts, key=lambda s: (q[s] - exact[s], s))
    i = 0
    while sum(q.values()) < size:
        s = rest[i % len(rest)]
        if q[s] < counts[s]:
            q[s] += 1
        i += 1
    return q


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20261208)
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--data", type=Path, default=ROOT / "data" / "cases.toml")
    args = ap.parse_args()
    ds = load_files([args.data])
    by_source: dict[str, list[str]] = {}
    for case in ds.cases:
        if case.sources and not missing(case):
            by_source.setdefault(case.sources[0].source, []).append(case.id)
    counts = {s: len(ids) for s, ids in sorted(by_source.items())}
    q = quotas(counts, args.size)
    rng = random.Random(args.seed)
    print(f"seed {args.seed}, size {args.size}, translated records {sum(counts.values())}")
    for source in sorted(by_source):
        ids = sorted(by_source[source])
        drawn = sorted(rng.sample(ids, q[source]))
        print(f"{source}: {counts[source]} translated, {q[source]} drawn")
        for cid in drawn:
            print(f"  {cid}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
