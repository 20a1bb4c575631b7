"""Find where a record's English may break the second reader's rules
(docs/REVIEW-2026-12-08-english.md "Rules for the translators"; docs/DATA.md
"How to translate"):

    python scripts/english_rules.py [--data FILE ...] [--all]

Prints one line per candidate: ``rule  case  field  | Japanese | English``.
The mechanical rules (``qualifier``, ``quotes``, ``japanese``) are checked: a
candidate is either fixed in the data or listed in ``DECIDED`` below with the
reason it stays; the script exits 1 when one is left undecided, 0 otherwise.
The rules that need a reader (``subject``: a place added as the subject of a
chiho-sosei-2 summary; ``legal``: a printed legal form with no "Co., Ltd.";
``orgname``: an official English name the documents do not print) are listed
for reading and never fail the check. ``--all`` also prints the decided ones.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kasegeru_cli.english import text_pairs  # noqa: E402
from kasegeru_cli.loader import DatasetError, load_files  # noqa: E402
from kasegeru_cli.models import Case  # noqa: E402

# Japanese qualifier → (where it qualifies a number, the English it takes)
# (docs/DATA.md "How to translate"). 約 in 契約, 超 in 超える, 以上 in 以上の
# ("the above") are not qualifiers: only the forms next to a number count.
_NUM = r"[0-9〇一二三四五六七八九十百千万億]"
QUALIFIERS: dict[str, tuple[re.Pattern[str], str]] = {
    "以上": (re.compile(_NUM + r"[^\s、。,0-9]{0,4}以上|^以上$"), "or more"),
    "程度": (re.compile(_NUM + r"[^\s、。,0-9]{0,4}程度|^程度$"), "around"),
    "延べ": (re.compile(r"延べ"), "cumulative"),
    "超": (re.compile(_NUM + r"[^\s、。,0-9]{0,3}超(?!え)|超" + _NUM + "|^超$"), "over"),
    "約": (re.compile(r"約" + _NUM + "|^約$"), "about"),
}
CHECKED = ("qualifier", "quotes", "japanese")
CURLY = "\u201c\u201d\u201e\u201f\u2033"
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]+")
LEGAL = ("株式会社", "(株)", "㈱")
SUBJECT = re.compile(r"^[A-Z][\w'.-]*(?: [A-Z][\w'.-]*)*(?: and [A-Z][\w'.-]*(?: [A-Z][\w'.-]*)*)? "
                     r"combines\b")
# Official English names the documents do not print (grep of /work/shared/seeds):
# the rule is a plain translation of the Japanese name.
ORG_NAMES = (
    "Japan Organization for Internal Migration",
    "Organization for Small and Medium Enterprises and Regional Innovation",
    "Japan Finance Corporation",
)

# Names kept in Japanese script in the English, as docs/DATA.md "People" allows
# (an organisation's name with no printed reading and no plain meaning).
ALLOWED_NAMES: dict[str, str] = {
    "玉川堂": "tsubame-city-2019: no reading printed; DATA.md's own example",
}

# (rule, case, field, what) → why it stays. ``what`` is the qualifier for
# ``qualifier``, the Japanese run for ``japanese`` and "" for ``quotes``.
DECIDED: dict[tuple[str, str, str, str], str] = {
}


def candidates(cases: Iterable[Case]) -> Iterator[tuple[str, str, str, str, str, str]]:
    """(rule, case id, field, what, Japanese, English) for each candidate."""
    for case in cases:
        first = case.sources[0].source if case.sources else ""
        for path, ja, en in text_pairs(case):
            if en is None:
                continue
            ja_n = unicodedata.normalize("NFKC", ja)
            en_f = en.casefold()
            for q, (pattern, want) in QUALIFIERS.items():
                if pattern.search(ja_n) and want not in en_f:
                    yield "qualifier", case.id, path, q, ja, en
            if any(c in en for c in CURLY):
                yield "quotes", case.id, path, "", ja, en
            for run in dict.fromkeys(JAPANESE.findall(en)):
                if run in ALLOWED_NAMES:
                    continue
                yield "japanese", case.id, path, run, ja, en
            if any(f in ja_n for f in LEGAL) and "co., ltd." not in en_f:
                yield "legal", case.id, path, "", ja, en
            if path == "summary" and first == "chiho-sosei-2" and SUBJECT.match(en):
                yield "subject", case.id, path, "", ja, en
            for org in ORG_NAMES:
                if org.casefold() in en_f:
                    yield "orgname", case.id, path, org, ja, en


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, action="append",
                        help="case file(s) to check (default: data/cases.toml)")
    parser.add_argument("--all", action="store_true",
                        help="also print the candidates decided in DECIDED")
    args = parser.parse_args(argv)
    try:
        dataset = load_files(args.data or [ROOT / "data" / "cases.toml"])
    except DatasetError as e:
        print(f"english_rules.py: {e}", file=sys.stderr)
        return 1
    counts: dict[str, list[int]] = {}
    undecided = 0
    for rule, cid, path, what, ja, en in candidates(dataset.cases):
        reason = DECIDED.get((rule, cid, path, what))
        c = counts.setdefault(rule, [0, 0])
        c[0] += 1
        if reason is not None:
            c[1] += 1
            if not args.all:
                continue
        elif rule in CHECKED:
            undecided += 1
        tag = f" [{what}]" if what else ""
        mark = f"  (decided: {reason})" if reason else ""
        print(f"{rule}{tag}  {cid}  {path}  | {ja} | {en}{mark}")
    summary = ", ".join(f"{r} {counts.get(r, [0, 0])[0]} ({counts.get(r, [0, 0])[1]} decided)"
                        for r in (*CHECKED, "legal", "subject", "orgname"))
    print(f"{len(dataset.cases)} cases: {summary}; {undecided} undecided")
    return 1 if undecided else 0


if __name__ == "__main__":
    sys.exit(main())
