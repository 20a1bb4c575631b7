"""Where the time of ``list --json``, ``search`` and ``export`` goes at N cases, in-process.

    python bench/breakdown.py            # 10,000 cases, median of 3 runs per step
    python bench/breakdown.py 1000 --runs 5

Builds the N-case dataset the way ``bench/generate.py`` does, fills a temporary
dataset cache, then times each step the CLI takes on a warm cache, one by one,
with the garbage collector off (as the console script runs). Rows marked "when
not cached" time the path taken with ``KASEGERU_NO_CACHE=1``, and check that it
gives the same text.
"""

from __future__ import annotations

import argparse
import gc
import json
import marshal
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import scaled_dataset

# no py.typed in kasegeru_cli: see bench/generate.py
from kasegeru_cli.catalog import Catalog, Filters  # type: ignore[import-untyped, unused-ignore]
from kasegeru_cli.formats.jsonfmt import render_json, render_json_array  # type: ignore[import-untyped, unused-ignore]
from kasegeru_cli.formats.tomlfmt import render_toml  # type: ignore[import-untyped, unused-ignore]
from kasegeru_cli.records import (  # type: ignore[import-untyped, unused-ignore]
    pick,
)
from kasegeru_cli.store import (  # type: ignore[import-untyped, unused-ignore]
    cache_dir,
    cache_key,
    decode_dataset,
    load_cached,
)

SUBTABLES = ("actors", "locations", "timeline", "figures", "sources")


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median seconds of ``runs`` calls, and the last result."""
    times = []
    result: Any = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("n", type=int, nargs="?", default=10_000, help="cases (default 10000)")
    p.add_argument("--runs", type=int, default=3, help="runs per step (default 3; medians)")
    args = p.parse_args(argv)
    n, runs = args.n, args.runs
    rows: list[tuple[str, float, str]] = []

    def step(label: str, fn: Callable[[], Any], note: str = "") -> Any:
        seconds, result = timed(fn, runs)
        rows.append((label, seconds, note))
        sys.stderr.write(f"[breakdown] {label}: {seconds * 1000:.0f} ms\n")
        return result

    with tempfile.TemporaryDirectory(prefix="kasegeru-breakdown-") as tmp:
        os.environ["KASEGERU_CACHE_DIR"] = str(Path(tmp) / "cache")
        os.environ.pop("KASEGERU_NO_CACHE", None)
        path = Path(tmp) / f"cases-{n}.toml"
        path.write_text(render_toml(scaled_dataset(n)), encoding="utf-8")
        size_mb = path.stat().st_size / 1e6
        gc.disable()  # as the console script runs
        t0 = time.perf_counter()
        load_cached([path])  # cold: parse, validate, write the cache entry
        cold = time.perf_counter() - t0
        rows.append(("cold: `load_cached` on a miss (parse, validate, render the JSON "
                     "texts, write the entry)", cold, "1 run"))

        data = path.read_bytes()
        step("warm: read the file + `cache_key` (SHA-256)",
             lambda: cache_key([(str(path), path.read_bytes())]))
        entry = cache_dir() / f"{cache_key([(str(path), data)])}.data"
        head = len(b"kasegeru cache 2\n") + 32  # magic line and SHA-256 (store._seal)
        blob = entry.read_bytes()[head:]
        dataset = step(f"warm: `marshal.loads` + rebuild of the dataset "
                       f"({len(blob) / 1e6:.0f} MB)",
                       lambda: decode_dataset(marshal.loads(blob)))
        shown = entry.with_suffix(".show").read_bytes()[head:]
        _, texts = step(f"warm: `marshal.loads` of the JSON texts ({len(shown) / 1e6:.0f} MB)",
                        lambda: marshal.loads(shown))
        catalog = Catalog(dataset)
        cases = step("`catalog.filter(Filters())`", lambda: catalog.filter(Filters()))
        text = step("`render_json_array` of the cached texts (what `list --json` prints)",
                    lambda: render_json_array([texts[c.id] for c in cases]))
        records = step("when not cached: `records.pick` of every case",
                       lambda: [pick(c, None) for c in cases])
        rendered = step("when not cached: `render_json` of those records",
                        lambda: render_json(records))
        if rendered != text:
            raise SystemExit("the cached texts differ from rendering the records")
        step("`json.dumps(indent=2)` of the same records, for comparison",
             lambda: json.dumps(records, ensure_ascii=False, indent=2))
        step("write the JSON to /dev/null (UTF-8)", lambda: _write_devnull(text))
        step("`search('連携')` on a fresh catalog (folds every text field of every case)",
             lambda: Catalog(dataset).search("連携"))

    total_list = sum(s for label, s, _ in rows if label.startswith((
        "warm:", "`catalog.filter", "`render_json_array", "write the")))
    out = [f"In-process breakdown at {n:,} cases ({size_mb:.1f} MB of TOML), median of "
           f"{runs} runs per step, gc off as in the CLI. `list --json` on a warm cache is "
           f"about the sum of the warm / filter / render_json_array / write rows: "
           f"{total_list:.2f} s (+ interpreter, imports and typer start-up).", "",
           "| step | seconds | ms per 1,000 cases | note |", "|---|---:|---:|---|"]
    for label, seconds, note in rows:
        out.append(f"| {label} | {seconds:.3f} | {seconds / n * 1e6:.1f} | {note} |")
    sys.stdout.write("\n".join(out) + "\n")


def _write_devnull(text: str) -> None:
    with Path(os.devnull).open("w", encoding="utf-8") as fh:
        fh.write(text)


if __name__ == "__main__":
    main()
