"""Build a valid case file of N cases by cycling the bundled ones.

    python bench/generate.py N OUT.toml [--check]

Copy ``i`` of the bundled dataset gets ids ``f"{id}-{i}"`` and aliases
``f"{alias}-{i}"`` (still unique under kasegeru's id/alias folding, because the
suffix after the last hyphen is the copy number), ``related`` points into the
same copy, so it stays symmetric, and links into a last, partial copy that
did not make it into the file are dropped on both sides. Types, sources and
every other field are kept as they are; the report's type ``examples`` point
at copy 0. The file is written with kasegeru's own TOML writer, so it is in
the documented style. ``--check`` runs ``kasegeru validate OUT.toml`` on it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from kasegeru_cli.formats.tomlfmt import render_toml
from kasegeru_cli.loader import load_files
from kasegeru_cli.models import Case, Dataset
from kasegeru_cli.store import bundled_path


def scaled_dataset(n: int, base: Dataset | None = None) -> Dataset:
    """The bundled dataset (or ``base``) cycled to exactly ``n`` cases."""
    if n < 1:
        raise ValueError("N must be at least 1")
    src = base if base is not None else load_files([bundled_path()])
    originals = src.cases
    per_copy = len(originals)
    cases: list[Case] = []
    copy = 0
    while len(cases) < n:
        take = min(per_copy, n - len(cases))
        present = {c.id for c in originals[:take]}
        for case in originals[:take]:
            cases.append(replace(
                case,
                id=f"{case.id}-{copy}",
                aliases=tuple(f"{a}-{copy}" for a in case.aliases),
                related=tuple(f"{r}-{copy}" for r in case.related if r in present),
            ))
        copy += 1
    first_copy = {c.id for c in originals[: min(per_copy, n)]}
    types = {
        slug: replace(t, examples=tuple(f"{e}-0" for e in t.examples if e in first_copy))
        for slug, t in src.types.items()
    }
    return replace(src, types=types, cases=tuple(cases))


def write_dataset(n: int, out: Path) -> None:
    """Write the ``n``-case file to ``out`` (UTF-8, via a temporary file)."""
    text = render_toml(scaled_dataset(n))
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)


def kasegeru_exe() -> Path:
    """The console script of the interpreter running this file."""
    return Path(sys.executable).parent / "kasegeru"


def check(out: Path) -> None:
    """``kasegeru validate OUT`` must say OK; raise SystemExit otherwise."""
    proc = subprocess.run([str(kasegeru_exe()), "validate", str(out)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr[:4000])
        raise SystemExit(f"generated file {out} does not validate")
    sys.stderr.write(proc.stdout)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("n", type=int, help="number of cases")
    parser.add_argument("out", type=Path, help="the case file to write")
    parser.add_argument("--check", action="store_true",
                        help="run `kasegeru validate OUT` on the result")
    args = parser.parse_args(argv)
    write_dataset(args.n, args.out)
    if args.check:
        check(args.out)


if __name__ == "__main__":
    main()
