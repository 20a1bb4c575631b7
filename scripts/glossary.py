"""Check that the records' English uses the glossary (``data/glossary.toml``).

Wherever a record's Japanese text holds a glossary term, its English beside it
(``points_en`` for ``points`` …, see docs/DATA.md "English") must hold the
term's English. Texts with no English yet are counted, not checked:

    python scripts/glossary.py [--data FILE ...] [--source ID] [--case ID]

Prints one line per miss (``case  field: 知的対流拠点 → "knowledge convection
hub" is not in: …``) and a summary; exits 1 when there is a miss or the glossary
is malformed, 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import tomli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kasegeru_cli.english import text_pairs  # noqa: E402
from kasegeru_cli.loader import DatasetError, load_files  # noqa: E402
from kasegeru_cli.models import Case  # noqa: E402

GLOSSARY = ROOT / "data" / "glossary.toml"
_DASHES = str.maketrans(dict.fromkeys("-\u2010\u2011\u2012\u2013\u2014\u2212", " "))


def read_glossary(path: Path) -> dict[str, tuple[str, ...]]:
    """Japanese term → the English forms accepted (the first is the usual one)."""
    try:
        raw = tomli.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomli.TOMLDecodeError) as e:
        raise ValueError(f"{path}: cannot read the glossary: {e}") from None
    out: dict[str, tuple[str, ...]] = {}
    for ja, en in raw.items():
        forms = (en,) if isinstance(en, str) else en
        if not isinstance(forms, list | tuple) or not forms or \
                not all(isinstance(f, str) and f.strip() for f in forms):
            raise ValueError(f"{path}: {ja!r} must be an English string or a list of them")
        out[unicodedata.normalize("NFKC", ja)] = tuple(forms)
    return out


def fold_en(text: str) -> str:
    """Case-folded, with every kind of hyphen or dash as a space ("open-innovation hub"
    holds "open innovation")."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).casefold()


def misses(cases: Iterable[Case], glossary: dict[str, tuple[str, ...]]
           ) -> tuple[list[str], int, int]:
    """(one line per miss, texts checked, texts with no English yet)."""
    lines: list[str] = []
    checked = untranslated = 0
    for case in cases:
        for path, ja, en in text_pairs(case):
            if en is None:
                untranslated += 1
                continue
            checked += 1
            ja_n = unicodedata.normalize("NFKC", ja)
            en_n = fold_en(en)
            # Longest terms first; a term inside a longer one (知的対流 in
            # 知的対流拠点) is checked only where it stands on its own.
            for term in sorted(glossary, key=len, reverse=True):
                if term not in ja_n:
                    continue
                ja_n = ja_n.replace(term, "\0")
                forms = glossary[term]
                if not any(fold_en(f) in en_n for f in forms):
                    lines.append(f"{case.id}  {path}: {term} → {forms[0]!r} is not in: {en}")
    return lines, checked, untranslated


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, action="append",
                        help="case file(s) to check (default: data/cases.toml)")
    parser.add_argument("--glossary", type=Path, default=GLOSSARY)
    parser.add_argument("--source", help="only the cases whose first source is this id")
    parser.add_argument("--case", action="append", help="only this case (repeatable)")
    args = parser.parse_args(argv)
    try:
        glossary = read_glossary(args.glossary)
        dataset = load_files(args.data or [ROOT / "data" / "cases.toml"])
    except ValueError as e:
        print(f"glossary.py: {e}", file=sys.stderr)
        return 1
    except DatasetError as e:
        print(f"glossary.py: {e}", file=sys.stderr)
        return 1
    cases = [c for c in dataset.cases
             if (args.source is None or c.sources[0].source == args.source)
             and (not args.case or c.id in args.case)]
    lines, checked, untranslated = misses(cases, glossary)
    for line in lines:
        print(line)
    print(f"{len(cases)} cases, {checked} English texts checked against {len(glossary)} "
          f"terms: {len(lines)} misses; {untranslated} texts have no English yet")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
