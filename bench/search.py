"""Search timings: the bundled data and 10,000 cases, warm cache, against a baseline.

    python bench/search.py [--runs N] [--kasegeru PATH] [--n 10000]

Each command runs ``--runs`` times, interleaved with ``python -c pass`` (the
baseline: these machines are noisy, so a ratio to a run beside it is what
compares across machines and days). Prints median wall time and its ratio to
the baseline. ``--kasegeru`` points at another install's console script, so an
older tree can be measured side by side (``git worktree add /tmp/old REV`` and
a venv there).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUERIES = (("連携",), ("コワーキング",), ("空き家",), ("vacant houses",), ("startup",),
           ("移住", "OR", "関係人口"))


def timed(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    return time.perf_counter() - t0


def measure(label: str, argv: list[str], env: dict[str, str], runs: int) -> None:
    base = [sys.executable, "-c", "pass"]
    timed(argv, env)  # warm the cache (and the OS's file cache)
    ours, baseline = [], []
    for _ in range(runs):
        ours.append(timed(argv, env))
        baseline.append(timed(base, env))
    med, ref = statistics.median(ours), statistics.median(baseline)
    print(f"{label:<44} {med * 1000:8.1f} ms   {med / ref:5.2f}x python -c pass")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--n", type=int, default=10_000, help="size of the scaled dataset")
    ap.add_argument("--kasegeru", default=shutil.which("kasegeru") or "kasegeru")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "KASEGERU_CACHE_DIR": str(Path(tmp) / "cache")}
        env.pop("KASEGERU_DATA", None)
        for q in QUERIES:
            measure(f"bundled: search {' '.join(q)}", [args.kasegeru, "search", *q, "--json"],
                    env, args.runs)
        if args.n:
            data = Path(tmp) / f"cases-{args.n}.toml"
            here = Path(__file__).resolve().parent
            subprocess.run([sys.executable, str(here / "generate.py"), str(args.n), str(data)],
                           check=True, stdout=subprocess.DEVNULL)
            for q in (("連携",), ("空き家",), ("vacant houses",)):
                measure(f"{args.n} cases warm: search {' '.join(q)}",
                        [args.kasegeru, "--data", str(data), "search", *q, "--json"], env,
                        max(3, args.runs // 3))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
