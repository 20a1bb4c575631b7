"""Where the start-up of one kasegeru command goes: ``python -X importtime``.

    python bench/importprof.py                     # kasegeru show co-ba --json
    python bench/importprof.py --runs 20 -- list --type coworking

Runs the real console script (next to ``sys.executable``) under
``-X importtime`` several times, with a warm dataset cache and bytecode cached
(as ``bench/run.py`` does), and prints Markdown: the top modules by median
cumulative import time, and the modules on the path that printing JSON does not
need, with their median cumulative cost and whether kasegeru's own code or
typer pulls them in. Cumulative time counts a module's first import with
everything it imported first; leaving it out saves about that much unless
something else imports the same modules later.
"""

from __future__ import annotations

import argparse
import itertools
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import KASEGERU, PYTHON, Workspace, run_child

LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)\s*$")

# module -> (who brings it in, why `show --json` does not need it)
NOT_NEEDED: dict[str, tuple[str, str]] = {
    "rich": ("kasegeru", "tables only; must stay lazy"),
    "typer.rich_utils": ("typer", "rich help and tracebacks"),
    "typer.completion": ("typer", "shell completion (--install-completion); typer.main "
                                  "imports it at module level"),
    "shellingham": ("typer", "detects the shell for completion"),
    "subprocess": ("typer", "typer.main: launching programs / completion"),
    "platform": ("typer", "typer.main"),
    "traceback": ("typer", "typer.main: pretty exceptions (disabled by kasegeru)"),
    "uuid": ("typer", "typer.main: the UUID parameter type"),
    "gettext": ("typer", "typer.core: translated messages"),
    "tomli": ("kasegeru", "TOML parsing: not needed on a warm cache hit"),
    "tempfile": ("kasegeru", "store: only to write a cache entry (a miss)"),
    "hashlib": ("kasegeru", "store: SHA-256 (OpenSSL) of the data file for the cache key"),
    "importlib.resources": ("kasegeru", "loader.bundled_path: finding the packaged file"),
    "importlib.readers": ("kasegeru", "loader.bundled_path (importlib.resources.files)"),
    "zipfile": ("kasegeru", "importlib.resources readers"),
    "kasegeru_cli.prefectures": ("kasegeru", "prefecture tables: filters and validation"),
    "difflib": ("both", "did-you-mean suggestions (typer.core imports it too)"),
    "datetime": ("both", "click DateTime type; loader date checks"),
    "kasegeru_cli.schema": ("kasegeru", "JSON Schema of the output"),
}


@dataclass
class Module:
    name: str
    parent: str | None
    lazy: bool
    """Imported at depth 0 after kasegeru_cli started: inside a function, at run time."""
    self_us: list[int] = field(default_factory=list)
    cum_us: list[int] = field(default_factory=list)


def parse(text: str, modules: dict[str, Module]) -> None:
    """Add one run's ``-X importtime`` output (stderr) to ``modules``."""
    entries: list[tuple[int, str, int, int]] = []
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            entries.append((len(m.group(3)), m.group(4), int(m.group(1)), int(m.group(2))))
    # Children are printed before their parent, one level deeper (two spaces).
    started = next((i for i, e in enumerate(entries) if e[1].startswith("kasegeru_cli")),
                   len(entries))
    parent_of: dict[int, str | None] = {}
    for i, (depth, _name, _, _) in enumerate(entries):
        parent = None
        for d, n, _, _ in entries[i + 1:]:
            if d < depth:
                parent = n
                break
        parent_of[i] = parent
    for i, (_, name, self_us, cum_us) in enumerate(entries):
        lazy = parent_of[i] is None and i > started
        mod = modules.setdefault(name, Module(name, parent_of[i], lazy))
        mod.self_us.append(self_us)
        mod.cum_us.append(cum_us)


def med_ms(xs: Sequence[int]) -> float:
    return statistics.median(xs) / 1000 if xs else 0.0


def top_level_of(mod: Module, modules: dict[str, Module]) -> str:
    chain = [mod.name]
    seen = {mod.name}
    parent = mod.parent
    while parent is not None and parent not in seen:
        chain.append(parent)
        seen.add(parent)
        parent = modules[parent].parent if parent in modules else None
    top = modules.get(chain[-1])
    where = " (in a function, at run time)" if top is not None and top.lazy else ""
    if len(chain) == 1:
        return where.strip() or "(start-up / console script)"
    return " ← ".join(chain[1:4]) + where


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="python -X importtime for one kasegeru command")
    p.add_argument("--runs", type=int, default=15, help="runs (default 15; medians)")
    p.add_argument("--top", type=int, default=30, help="rows in the top table (default 30)")
    p.add_argument("args", nargs="*", help="kasegeru arguments (default: show co-ba --json)")
    ns = p.parse_args(argv)
    args: list[str] = ns.args or ["show", "co-ba", "--json"]

    modules: dict[str, Module] = {}
    with tempfile.TemporaryDirectory(prefix="kasegeru-importprof-") as tmp:
        ws = Workspace(Path(tmp))
        env = {**ws.base_env(), "KASEGERU_CACHE_DIR": str(ws.warm_cache)}
        for _ in range(2):  # fill the dataset cache and the bytecode cache
            run_child([str(KASEGERU), *args], env)
        walls = []
        for _ in range(ns.runs):
            walls.append(run_child([str(KASEGERU), *args], env)[0].wall)
        for _ in range(ns.runs):
            proc = subprocess.run([str(PYTHON), "-X", "importtime", str(KASEGERU), *args],
                                  env=env, capture_output=True, text=True, check=True)
            parse(proc.stderr, modules)

    total = sum(med_ms(m.self_us) for m in modules.values())
    runs = ns.runs
    wall = statistics.median(walls) * 1000
    out = [f"Import profile of `kasegeru {' '.join(args)}` — median of {runs} runs of "
           f"`python -X importtime` (which itself slows imports down); the same command "
           f"without it: {wall:.0f} ms wall (median of {runs}). Sum of all modules' self "
           f"time: {total:.1f} ms over {len(modules)} modules.", ""]

    def ms(x: float) -> str:
        return f"{x:.1f}"

    out += ["| module | cumulative ms | self ms | imported by |", "|---|---:|---:|---|"]
    ranked = sorted(modules.values(), key=lambda m: med_ms(m.cum_us), reverse=True)
    for mod in ranked[: ns.top]:
        out.append(f"| `{mod.name}` | {ms(med_ms(mod.cum_us))} | {ms(med_ms(mod.self_us))} | "
                   f"{top_level_of(mod, modules)} |")

    own = sum(med_ms(m.self_us) for n, m in modules.items() if n.startswith("kasegeru_cli"))
    typer_cum = med_ms(modules["typer"].cum_us) if "typer" in modules else 0.0
    out += ["", f"kasegeru_cli's own modules (self time only): {own:.1f} ms; `typer` with "
            f"everything it imports first: {typer_cum:.1f} ms.", ""]

    json_out = "--json" in args or any(a in ("--format", "-f") and b == "json"
                                       for a, b in itertools.pairwise(args))
    if not json_out:  # rendering a table needs rich: only flag the rest
        for k in ("rich", "typer.rich_utils"):
            NOT_NEEDED.pop(k, None)
    what = "to print JSON" if json_out else "for this command's output"
    out += [f"Imported on this path but not needed {what}:", "",
            "| module | cumulative ms | pulled in by | imported from | why it is not needed |",
            "|---|---:|---|---|---|"]
    flagged = [m for m in ranked if any(m.name == k or m.name.startswith(k + ".")
                                        for k in NOT_NEEDED) and m.name in NOT_NEEDED]
    for mod in flagged:
        who, why = NOT_NEEDED[mod.name]
        out.append(f"| `{mod.name}` | {ms(med_ms(mod.cum_us))} | {who} | "
                   f"{top_level_of(mod, modules)} | {why} |")
    absent = [k for k in NOT_NEEDED if k not in modules]
    if absent:
        out += ["", "Not imported on this path (good): "
                + ", ".join(f"`{k}`" for k in absent) + "."]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
