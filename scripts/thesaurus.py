"""Check the thesaurus's labels against the source documents (issue 22).

    python scripts/thesaurus.py check [--data data/cases.toml] [--seeds DIR]

Every Japanese label of a concept (``pref``, ``alt``) and every Japanese
variant of a topic must occur in one of the five documents, as written there
(after NFKC, with the PDF's line breaks and spaces removed, since the extracts
break lines inside words). A ``hidden`` label must NOT occur there (else it is
an ``alt``) and must hold one of its concept's documented labels, character by
character in order (空き家 holds 空家; 高等専門学校 holds 高専). English labels
cannot be checked by a script: docs/DATA.md says what they may be.

Prints one line per problem (file:line: concept.field: message) and exits 1
when there is any; 0 and a count when the labels are all found.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

import tomli

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
_LATIN_ONLY = re.compile(r"^[\x00-\x7f]+$")


def documents_text(seeds: Path) -> str:
    """The five documents as one string: NFKC, without spaces or line breaks."""
    parts = [unicodedata.normalize("NFKC", p.read_text(encoding="utf-8"))
             for p in sorted(seeds.glob("*.txt"))]
    if not parts:
        raise SystemExit(f"no seed texts (*.txt) in {seeds}: pass --seeds DIR")
    return re.sub(r"\s+", "", "".join(parts))


def _norm(label: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", label))


def _line(lines: list[str], header: str, key: str) -> int:
    """1-based line of ``key =`` in table ``[header]`` (or of the header)."""
    start = next((i for i, line in enumerate(lines) if line.strip() == f"[{header}]"), None)
    if start is None:
        return 0
    for i in range(start + 1, len(lines)):
        if lines[i].startswith("["):
            break
        if lines[i].startswith(f"{key} ="):
            return i + 1
    return start + 1


def is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def check(data: Path, seeds: Path) -> list[str]:
    text = data.read_text(encoding="utf-8")
    doc = tomli.loads(text)
    lines = text.splitlines()
    corpus = documents_text(seeds)
    problems = []

    def report(header: str, key: str, message: str) -> None:
        problems.append(f"{data}:{_line(lines, header, key)}: {header}.{key}: {message}")

    for slug, topic in doc.get("topics", {}).items():
        for v in topic.get("variants", ()):
            if not _LATIN_ONLY.match(v) and _norm(v) not in corpus:
                report(f"topics.{slug}", "variants", f"{v!r} is in none of the documents")
    for slug, c in doc.get("concepts", {}).items():
        labels = [("pref", c.get("pref", ""))] + [("alt", a) for a in c.get("alt", ())]
        for fld, label in labels:
            if _norm(label) not in corpus:
                report(f"concepts.{slug}", fld, f"{label!r} is in none of the documents")
        for h in c.get("hidden", ()):
            if _norm(h) in corpus:
                report(f"concepts.{slug}", "hidden", f"{h!r} is in the documents: make it an "
                       "alt label")
            elif not any(is_subsequence(_norm(label), _norm(h)) for _, label in labels):
                report(f"concepts.{slug}", "hidden", f"{h!r} holds none of the concept's "
                       "documented labels")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    chk = sub.add_parser("check", help="find every Japanese label in the documents")
    chk.add_argument("--data", type=Path, default=ROOT / "data" / "cases.toml")
    chk.add_argument("--seeds", type=Path, default=SEEDS, metavar="DIR",
                     help="directory of the seed texts (default: <repo>/../shared/seeds)")
    args = ap.parse_args(argv)
    problems = check(args.data, args.seeds)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} label problem(s)", file=sys.stderr)
        return 1
    doc = tomli.loads(args.data.read_text(encoding="utf-8"))
    print(f"OK: the Japanese labels of {len(doc.get('concepts', {}))} concepts and "
          f"{len(doc.get('topics', {}))} topics are in the documents")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
