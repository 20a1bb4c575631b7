"""Score a question file: run each question's first command and compare with its answer.

    python scripts/questions.py tests/questions_heldout.toml
    python scripts/questions.py tests/questions.toml --tier all

A question file is the format of ``tests/questions.toml`` (see its header).
Each question's ``command`` runs once with ``--json`` through the installed
``kasegeru`` beside this Python. What is scored:

- an id question (``expect``): precision and recall as ``tests/test_questions.py``
  counts them (``exact`` questions count every extra id, the others only
  ``must_not`` ids), F1 from the two;
- a ``count`` question: 1.0 when the number of records matches, else 0.0;
- an ``answer_contains`` question: the share of wanted strings found.

``--tier about`` (the default) scores only the hits whose ``match.tier`` is
``about`` where the command's JSON carries tiers (search by concepts); a
command without tiers is scored on everything it returns. The report gives
every question's scores and the mean per language and overall; ``--json``
prints the same as JSON for a file header or a note.

This is a report for people and for the held-out measurement, never a test:
a held-out set is scored once per change and never tuned on.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import tomli

HERE = Path(__file__).resolve().parent.parent


def _argv(q: dict[str, Any]) -> list[str]:
    argv = [str(a) for a in q["command"]]
    return argv if "--json" in argv else [*argv, "--json"]


def _records(data: Any, tier: str) -> list[dict[str, Any]]:
    items = data if isinstance(data, list) else [data]
    records = [r for r in items if isinstance(r, dict)]
    if tier == "all":
        return records
    tiered = [r for r in records if isinstance(r.get("match"), dict) and "tier" in r["match"]]
    if not tiered:
        return records
    return [r for r in tiered if r["match"]["tier"] == tier]


def _values(records: list[dict[str, Any]], path: str) -> list[Any]:
    items: list[Any] = list(records)
    for part in path.split("."):
        key = part.removesuffix("[]")
        nxt: list[Any] = []
        for item in items:
            value = item.get(key) if isinstance(item, dict) else None
            if isinstance(value, list):
                nxt.extend(value)
            elif value is not None:
                nxt.append(value)
        items = nxt
    return items


def score_ids(q: dict[str, Any], got: set[str]) -> tuple[float, float]:
    want = set(q["expect"])
    hit = len(got & want)
    if q.get("exact"):
        precision = hit / len(got) if got else float(not want)
    else:
        wrong = got & set(q.get("must_not", ()))
        precision = 1 - len(wrong) / len(got) if got else float(not want)
    recall = hit / len(want) if want else 1.0
    return precision, recall


def score(q: dict[str, Any], data: Any, tier: str) -> dict[str, Any]:
    records = _records(data, tier)
    row: dict[str, Any] = {"id": q["id"], "lang": q.get("lang", "?"), "returned": len(records)}
    parts: list[float] = []
    if "expect" in q:
        got = {str(r.get("id")) for r in records}
        p, r = score_ids(q, got)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        row.update(precision=round(p, 3), recall=round(r, 3), f1=round(f1, 3),
                   missing=sorted(set(q["expect"]) - got),
                   wrong=sorted(got & set(q.get("must_not", ())))
                   + (sorted(got - set(q["expect"])) if q.get("exact") else []))
        parts.append(f1)
    if "count" in q:
        ok = len(records) == q["count"]
        row["count_ok"] = ok
        parts.append(float(ok))
    if "answer_contains" in q:
        values = (_values(records, q["answer_field"]) if "answer_field" in q
                  else [json.dumps(data, ensure_ascii=False)])
        text = "\n".join(map(str, values))
        found = [w for w in q["answer_contains"] if w in text]
        row["contains"] = f"{len(found)}/{len(q['answer_contains'])}"
        parts.append(len(found) / len(q["answer_contains"]))
    row["score"] = round(sum(parts) / len(parts), 3) if parts else 0.0
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--tier", choices=["about", "all"], default="about")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    questions = tomli.loads(args.file.read_text(encoding="utf-8"))["questions"]
    exe = Path(sys.executable).with_name("kasegeru")
    rows = []
    for q in questions:
        out = subprocess.run([str(exe), *_argv(q)], capture_output=True, text=True,
                             check=False, cwd=HERE)
        try:
            data = json.loads(out.stdout or "[]")
        except json.JSONDecodeError:
            data = []
        row = score(q, data, args.tier)
        if out.returncode not in (0, 1):
            row["error"] = out.stderr.strip().splitlines()[-1:] or [f"exit {out.returncode}"]
        rows.append(row)
    means: dict[str, float] = {}
    for lang in sorted({r["lang"] for r in rows}):
        scores = [r["score"] for r in rows if r["lang"] == lang]
        means[lang] = round(sum(scores) / len(scores), 3)
    means["all"] = round(sum(r["score"] for r in rows) / len(rows), 3) if rows else 0.0
    if args.json:
        print(json.dumps({"file": str(args.file), "tier": args.tier, "means": means,
                          "questions": rows}, ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        extra = ""
        if "f1" in r:
            extra = f" P={r['precision']:.2f} R={r['recall']:.2f}"
            if r["missing"]:
                extra += f" missing={','.join(r['missing'])}"
            if r["wrong"]:
                extra += f" wrong={','.join(r['wrong'])}"
        if "count_ok" in r:
            extra += f" count={'ok' if r['count_ok'] else 'WRONG'}(got {r['returned']})"
        if "contains" in r:
            extra += f" contains={r['contains']}"
        if "error" in r:
            extra += f" ERROR={r['error']}"
        print(f"{r['id']:<34} {r['lang']:<3} {r['score']:.2f}{extra}")
    print("mean score: " + ", ".join(f"{k} {v:.3f}" for k, v in means.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
