"""Merge reviewed facet patches into ``data/cases.toml`` (issue 10's data work).

Each reviewer reads a set of records against their pages and writes a patch
file: a ``[cases.<id>]`` table per record with the editorial facets (topics and
their evidence, started, actor kinds and leads, types_basis) and any fixes,
each explained in ``notes``. This script applies patches to the raw TOML and
runs the real validator, so a patch is checked exactly as the data will be:

    python scripts/facets.py check PATCH.toml [--topics TOPICS.toml]
    python scripts/facets.py apply PATCH.toml ... [--topics TOPICS.toml]

``check`` reports the problems of the patched records only; ``apply`` writes
``data/cases.toml`` (in the canonical layout of ``export --format toml``) when
every record validates.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path
from typing import Any

import tomli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kasegeru_cli import loader  # noqa: E402
from kasegeru_cli.formats.tomlfmt import render_toml  # noqa: E402

DATA = ROOT / "data" / "cases.toml"
HEADER = ("# kasegeru dataset: the case studies of the 稼げる国土 and 地方創生 reports.\n"
          "# Schema and transcription rules: docs/DATA.md. Check with `kasegeru validate`.\n")
SPECIAL = {"notes", "add_events", "drop", "event_sources"}


def _insert_events(timeline: list[dict[str, Any]], new: list[dict[str, Any]]) -> None:
    """Each new event after the last event dated on or before it."""
    import unicodedata

    def same(a: str, b: str) -> bool:
        return unicodedata.normalize("NFKC", a) == unicodedata.normalize("NFKC", b)

    for event in new:
        if any(e.get("date") == event["date"] and same(e.get("event", ""), event["event"])
               for e in timeline):
            continue
        pos = len(timeline)
        for i in range(len(timeline) - 1, -1, -1):
            if str(timeline[i]["date"]) <= str(event["date"]):
                pos = i + 1
                break
        else:
            pos = 0
        timeline.insert(pos, dict(event))


def apply_patch(doc: dict[str, Any], patch: dict[str, Any],
                name: str) -> tuple[set[str], list[str]]:
    """Apply one patch to the raw document; the ids it touched and any warnings."""
    by_id = {c["id"]: c for c in doc["cases"]}
    touched: set[str] = set()
    warnings: list[str] = []
    for cid, body in patch.get("cases", {}).items():
        case = by_id.get(cid)
        if case is None:
            warnings.append(f"{name}: no case {cid!r}")
            continue
        touched.add(cid)
        if "actors" in body:
            old = [a.get("name") for a in case.get("actors", [])]
            new = [a.get("name") for a in body["actors"]]
            if old != new:
                warnings.append(f"{name}: {cid}: actor names change: {old} -> {new}")
        for key, value in body.items():
            if key in SPECIAL:
                continue
            case[key] = copy.deepcopy(value)
        if "add_events" in body:
            timeline = case.setdefault("timeline", [])
            _insert_events(timeline, body["add_events"])
        for key in body.get("drop", ()):
            case.pop(key, None)
        for mark in body.get("event_sources", ()):
            for event in case.get("timeline", []):
                if event["date"] == mark["date"]:
                    event["source"] = mark["source"]
    return touched, warnings


def _load(topics_path: Path | None) -> tuple[str, dict[str, Any]]:
    text = DATA.read_text(encoding="utf-8")
    doc = tomli.loads(text)
    if topics_path is not None:
        doc["topics"] = tomli.loads(topics_path.read_text(encoding="utf-8"))["topics"]
    if doc.get("schema_version") == 1:
        loader._upgrade_v1(doc)
        doc["schema_version"] = 2
    return text, doc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=("check", "apply"))
    ap.add_argument("patches", nargs="+", type=Path)
    ap.add_argument("--topics", type=Path, default=None,
                    help="a file with the [topics.*] vocabulary to use (default: the data's)")
    args = ap.parse_args(argv)

    text, doc = _load(args.topics)
    touched: set[str] = set()
    for path in args.patches:
        patch = tomli.loads(path.read_text(encoding="utf-8"))
        ids, warnings = apply_patch(doc, patch, path.name)
        touched |= ids
        for w in warnings:
            print("warning:", w)
    try:
        dataset = loader.validate_documents([(str(DATA), text, doc)])
    except loader.DatasetError as e:
        mine = [p for p in e.problems
                if args.command == "apply" or p.case in touched or p.case is None]
        for p in mine:
            print(f"{p.case or '-'}: {p.field or '-'}: {p.message}")
        if mine:
            print(f"{len(mine)} problem(s)")
            return 1
        if args.command == "apply":
            return 1
        print(f"OK: {len(touched)} patched case(s) validate "
              f"({len(e.problems)} problem(s) in records outside these patches)")
        _report(doc, touched)
        return 0
    if args.command == "check":
        print(f"OK: {len(touched)} patched case(s) validate")
        _report(doc, touched)
        return 0
    DATA.write_text(HEADER + render_toml(dataset), encoding="utf-8")
    print(f"wrote {DATA} ({len(dataset.cases)} cases)")
    return 0


def _report(doc: dict[str, Any], touched: set[str]) -> None:
    """What a patched record still lacks."""
    for c in doc["cases"]:
        if c["id"] not in touched:
            continue
        gaps = []
        if not c.get("topics"):
            gaps.append("no topics")
        actors = c.get("actors", [])
        if any("kind" not in a for a in actors):
            gaps.append("actor without kind")
        if actors and not any(a.get("lead") for a in actors):
            gaps.append("no lead actor")
        if c.get("types") and c.get("types_basis") not in ("named", "group", "editorial"):
            gaps.append("types_basis not named/group/editorial")
        if gaps:
            print(f"  {c['id']}: {', '.join(gaps)}")


if __name__ == "__main__":
    raise SystemExit(main())
