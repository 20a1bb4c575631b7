#!/usr/bin/env python3
"""Mutation testing of the data-handling modules with mutmut (not run in CI: slow).

    python scripts/mutation.py catalog            # one module
    python scripts/mutation.py formats            # the formats/ package
    python scripts/mutation.py                    # all of them, one after another
    python scripts/mutation.py store --jobs 4 --workdir /tmp/mut
    python scripts/mutation.py records --rev worktree   # uncommitted code

Each module is run in its own scratch copy of the repository (``--workdir``,
default ``$TMPDIR/kasegeru-mutation/<module>``), never in the work tree: mutmut
writes a ``mutants/`` tree and a ``setup.cfg`` of its own there, and the
checkout is left as it was. The copy holds ``src/``, ``tests/``, ``data/``,
``docs/``, ``README.md`` and ``pyproject.toml``.

mutmut imports the mutated package in-process, so only in-process tests can
kill a mutant: subprocess tests run the installed, unmutated program and are
left out of each module's test subset (``TESTS`` below), which is also what
keeps a run to minutes. Each run ends with ``<workdir>/result.json`` (counts
per status, the surviving mutants) and a summary line::

    catalog: 512 mutants, 470 killed, 30 survived, 12 no tests, 0 timeout -> 91.8 % killed

"Killed" counts mutmut's ``killed`` and ``timeout`` (a mutant that hangs the
suite is caught); ``survived`` and ``no tests`` both count as not killed.
``mutmut`` itself (3.8) must be installed in the environment:
``pip install mutmut==3.8.1``. Inspect a survivor with
``cd <workdir> && mutmut show <name>``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "src/kasegeru_cli"

# module -> (files to mutate, in-process test files that exercise it)
TESTS: dict[str, tuple[list[str], list[str]]] = {
    "catalog": (["catalog.py"], ["tests/test_filters.py", "tests/test_cli.py",
                                 "tests/test_golden.py", "tests/test_search.py",
                                 "tests/test_ranking.py", "tests/test_catalog.py",
                                 "tests/test_questions.py", "tests/test_survivors.py",
                                 "tests/test_query_language.py"]),
    "loader": (["loader.py"], ["tests/test_loader_edges.py", "tests/test_loader.py",
                               "tests/test_data.py", "tests/test_golden.py",
                               "tests/test_facets.py", "tests/test_survivors.py"]),
    "records": (["records.py"], ["tests/test_records.py", "tests/test_golden.py",
                                 "tests/test_jsonfmt.py", "tests/test_store.py"]),
    "fastpath": (["fastpath.py"], ["tests/test_fastpath.py", "tests/test_golden.py",
                                   "tests/test_lookup.py", "tests/test_survivors.py"]),
    "store": (["store.py"], ["tests/test_store.py", "tests/test_store_codec.py",
                             "tests/test_lookup.py",
                             "tests/test_fastpath.py", "tests/test_golden.py",
                             "tests/test_survivors.py"]),
    "formats": (["formats/*"], ["tests/test_formats.py", "tests/test_layout.py",
                                "tests/test_golden.py", "tests/test_jsonfmt.py",
                                "tests/test_formats_unit.py", "tests/test_screens.py",
                                "tests/test_sqlite.py", "tests/test_web.py",
                                "tests/test_cli.py"]),
}

COPIED = ["src", "tests", "data", "docs", "README.md", "pyproject.toml"]
STATUS = re.compile(r"^\s*(\S+):\s+(.+?)\s*$")

# Appended to the scratch copy's tests/conftest.py: tests that start a process
# run the installed, unmutated program (they can kill no mutant, and some check
# what the process imports, which mutmut's trampolines change): deselect them.
DESELECT_SUBPROCESS = '''

def pytest_collection_modifyitems(config, items):  # added by scripts/mutation.py
    import inspect

    keep, dropped = [], []
    for item in items:
        try:
            source = inspect.getsource(item.function)
        except (AttributeError, OSError, TypeError):
            source = ""
        spawns = any(word in source for word in (
            "subprocess", "Popen", "BIN", "run(env", "run_console"))
        (dropped if spawns else keep).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
'''


def prepare(module: str, workdir: Path, rev: str | None) -> None:
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "*.egg-info")
    if rev:
        # The code as committed (others may be editing the work tree), the tests as
        # they are now.
        archive = subprocess.run(["git", "archive", rev, *[n for n in COPIED if n != "tests"]],
                                 cwd=REPO, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(workdir)], input=archive, check=True)
    for name in [] if rev else [n for n in COPIED if n != "tests"]:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, workdir / name, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, workdir / name)
    _copy_tests(workdir / "tests")
    write_config(module, workdir)


def write_config(module: str, workdir: Path) -> None:
    files, tests = TESTS[module]
    only = "\n    ".join(f"{PACKAGE}/{f}" for f in files)
    selection = "\n    ".join(t for t in tests if (REPO / t).is_file())
    (workdir / "setup.cfg").write_text(
        "[mutmut]\n"
        "source_paths = src\n"
        f"only_mutate =\n    {only}\n"
        "also_copy =\n    data\n    docs\n    README.md\n"
        # -n 0: mutmut runs the tests in its own process (pyproject's -n auto would
        # hand them to xdist workers that import the unmutated package)
        "pytest_add_cli_args =\n    -x\n    -q\n    -p\n    no:cacheprovider\n    -n\n    0\n"
        f"pytest_add_cli_args_test_selection =\n    {selection}\n"
        # a mutant's tests get 4x the CPU time they were measured to take (mutmut's
        # default, 30x, lets each endless loop in wrap.break_offsets run ~20 minutes)
        "timeout_multiplier = 2.0\n"
        "use_git_change_detection = false\n",
        encoding="utf-8")


def results(workdir: Path) -> dict[str, str]:
    out = subprocess.run(["mutmut", "results", "--all", "true"], cwd=workdir,
                         capture_output=True, text=True, check=True).stdout
    found: dict[str, str] = {}
    for line in out.splitlines():
        match = STATUS.match(line)
        if match and "__mutmut_" in match.group(1):
            found[match.group(1)] = match.group(2)
    return found


def summarise(module: str, statuses: dict[str, str], commit: str) -> dict[str, object]:
    counts = Counter(statuses.values())
    killed = counts["killed"] + counts["timeout"]
    total = len(statuses)
    rate = 100.0 * killed / total if total else 0.0
    return {
        "module": module,
        "commit": commit,
        "mutants": total,
        "counts": dict(sorted(counts.items())),
        "killed_rate": round(rate, 1),
        "not_killed": sorted(name for name, status in statuses.items()
                             if status not in ("killed", "timeout")),
    }


def run(module: str, workdir: Path, jobs: int, rev: str | None) -> dict[str, object]:
    commit = "worktree"
    if rev:
        rev = commit = _short(rev)
    prepare(module, workdir, rev)
    print(f"[{module}] mutmut run --max-children {jobs} in {workdir}", flush=True)
    _mutmut(workdir, jobs, [])
    return _record(module, workdir, summarise(module, results(workdir), commit))


def _short(rev: str) -> str:
    """The short commit id of ``rev`` in the repository."""
    return subprocess.run(["git", "rev-parse", "--short", rev], cwd=REPO,
                          capture_output=True, text=True, check=True).stdout.strip()


def _survivors(workdir: Path, only: str | None) -> tuple[dict[str, Any], list[str]]:
    """An earlier run's ``result.json`` in ``workdir``, and the names of the
    mutants it left alive (those matching ``only``, if given)."""
    result: dict[str, Any] = json.loads((workdir / "result.json").read_text(encoding="utf-8"))
    return result, [n for n in result["not_killed"] if only is None or re.search(only, n)]


def _mutmut(workdir: Path, jobs: int, names: list[str]) -> None:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CI", None)
    proc = subprocess.Popen(["mutmut", "run", "--max-children", str(jobs), *names],
                            cwd=workdir, env=env,
                            stdout=subprocess.DEVNULL if not os.environ.get("VERBOSE") else None)
    stop = threading.Event()
    watchdog = threading.Thread(target=_end_blocked_mutants, args=(proc.pid, stop), daemon=True)
    watchdog.start()
    try:
        proc.wait()
    finally:
        stop.set()
        watchdog.join()


BLOCKED_AFTER = 120.0
"""Seconds a mutant's test run may go on while hardly using the CPU."""


def _end_blocked_mutants(parent: int, stop: threading.Event) -> None:
    """mutmut limits each mutant's test run by CPU time (RLIMIT_CPU), so a mutant
    that makes a test wait forever (``_open_flags`` without ``O_NONBLOCK``: opening
    a FIFO blocks) uses none and is never stopped. End such a run the way the CPU
    limit would (SIGXCPU: mutmut records a timeout, which is a caught mutant)
    once it has run BLOCKED_AFTER seconds on under a tenth of a CPU. Linux only
    (/proc); elsewhere a blocked run has to be ended by hand."""
    proc = Path("/proc")
    if not proc.is_dir():
        return
    tick = os.sysconf("SC_CLK_TCK")
    while not stop.wait(10):
        uptime = float((proc / "uptime").read_text().split()[0])
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # after the ")": state, ppid, ... utime (12th), stime (13th), starttime (20th)
            if int(fields[1]) != parent:
                continue
            age = uptime - int(fields[19]) / tick
            cpu = (int(fields[11]) + int(fields[12])) / tick
            if age > BLOCKED_AFTER and cpu < 0.1 * age:
                with contextlib.suppress(OSError):
                    os.kill(int(entry.name), signal.SIGXCPU)


def _record(module: str, workdir: Path, summary: dict[str, object]) -> dict[str, object]:
    """Write ``result.json`` and print the summary line."""
    (workdir / "result.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2),
                                         encoding="utf-8")
    counts = summary["counts"]
    assert isinstance(counts, dict)
    where = (f" (code at {summary['commit']}, tests at {summary['tests']})"
             if "tests" in summary else "")
    print(f"{module}: {summary['mutants']} mutants, {counts.get('killed', 0)} killed, "
          f"{counts.get('survived', 0)} survived, {counts.get('no tests', 0)} no tests, "
          f"{counts.get('timeout', 0)} timeout -> {summary['killed_rate']} % killed{where}",
          flush=True)
    return summary


def _copy_tests(destination: Path) -> None:
    """The work tree's tests, with the subprocess tests deselected."""
    shutil.rmtree(destination, ignore_errors=True)
    shutil.copytree(REPO / "tests", destination,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache"))
    with (destination / "conftest.py").open("a", encoding="utf-8") as conftest:
        conftest.write(DESELECT_SUBPROCESS)


def rerun(module: str, workdir: Path, jobs: int, only: str | None = None) -> dict[str, object]:
    """Run again, against the tests as they are now, only the mutants an earlier
    run in ``workdir`` left alive (its code is kept as it was). Adding tests
    cannot bring a killed mutant back, so the result is the same as a whole new
    run, in a fraction of the time."""
    previous, names = _survivors(workdir, only)
    tests_at = _short("HEAD")
    for tests in (workdir / "tests", workdir / "mutants" / "tests"):
        _copy_tests(tests)
    write_config(module, workdir)
    shutil.copy2(workdir / "setup.cfg", workdir / "mutants" / "setup.cfg")
    # which tests reach which function is measured again, the new tests included
    (workdir / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    print(f"[{module}] rerun of {len(names)} mutants in {workdir}", flush=True)
    if names:
        _mutmut(workdir, jobs, names)
    summary = summarise(module, results(workdir), str(previous["commit"]))
    summary["tests"] = tests_at  # the commit the tests were copied at, not where HEAD is now
    return _record(module, workdir, summary)


def whole_files(module: str, workdir: Path, jobs: int, only: str | None = None
                ) -> dict[str, object]:
    """Run the module's whole test files (``TESTS``, subprocess tests still left
    out) against each mutant an earlier run in ``workdir`` left alive.

    mutmut runs for a mutant only the tests it recorded as reaching the mutated
    function; a test whose fixture built its data once for the whole file (a
    module-scoped SQLite export, say) is recorded for the first test only, and
    the assertions in the others never see the mutant. Here every test of the
    files, as they are now, runs with mutmut's own compiled mutant switched on
    (``MUTANT_UNDER_TEST``). The result is kept apart from mutmut's counts, under
    ``whole_files`` in ``result.json``."""
    import concurrent.futures

    result, names = _survivors(workdir, only)
    tests_at = _short("HEAD")
    _copy_tests(workdir / "mutants" / "tests")
    tests = [t for t in TESTS[module][1] if (workdir / "mutants" / t).is_file()]
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
               "-n", "0", *tests]
    env = {**os.environ, "PYTHONPATH": "src"}

    def outcome(name: str) -> str:
        try:
            done = subprocess.run(command, cwd=workdir / "mutants", capture_output=True,
                                  env={**env, "MUTANT_UNDER_TEST": name}, timeout=900)
        except subprocess.TimeoutExpired:
            return "timeout"  # caught, as mutmut counts a timeout
        return {0: "survived", 1: "killed"}.get(done.returncode, f"error {done.returncode}")

    baseline = outcome("")
    if baseline != "survived":
        raise SystemExit(f"[{module}] the tests fail without a mutant ({baseline}): "
                         f"cd {workdir / 'mutants'} && PYTHONPATH=src {' '.join(command[2:])}")
    print(f"[{module}] {len(names)} survivors against the whole files {' '.join(tests)}",
          flush=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        outcomes = dict(zip(names, pool.map(outcome, names), strict=True))
    result["whole_files"] = {"tests": tests_at, "files": tests,
                             "outcomes": dict(sorted(outcomes.items()))}
    (workdir / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=2),
                                         encoding="utf-8")
    counts = Counter(outcomes.values())
    caught = counts["killed"] + counts["timeout"]
    mutants = int(result["mutants"])
    rate = round(100 * (mutants - len(result["not_killed"]) + caught) / mutants, 1)
    print(f"{module}: of {len(names)} survivors, {caught} killed by the whole files, "
          f"{counts['survived']} survived, {sum(v.startswith('error') for v in outcomes.values())}"
          f" errors -> {rate} % killed with them (tests at {tests_at})", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", choices=[*TESTS, []], default=[],
                        help="modules to mutate (default: all)")
    parser.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 2) // 2))
    parser.add_argument("--rev", default="HEAD",
                        help="git revision of the code to mutate (default HEAD; 'worktree' for "
                        "the files as they are); the tests are always the work tree's")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="scratch directory (one per module is made under it)")
    parser.add_argument("--rerun", action="store_true",
                        help="in an earlier run's workdir, run only the mutants it left alive, "
                        "against the tests as they are now")
    parser.add_argument("--whole-files", action="store_true",
                        help="in an earlier run's workdir, run each survivor against the "
                        "module's whole test files (mutmut runs only the tests it saw reach "
                        "the function); the result goes under 'whole_files' in result.json")
    parser.add_argument("--only", metavar="REGEX",
                        help="with --rerun or --whole-files: only the survivors whose name "
                        "matches (the ones a new test aims at; the others keep their earlier "
                        "status)")
    args = parser.parse_args()
    if shutil.which("mutmut") is None:
        print("mutmut is not installed: pip install mutmut==3.8.1", file=sys.stderr)
        return 2
    base = args.workdir or Path(tempfile.gettempdir()) / "kasegeru-mutation"
    for module in args.modules or list(TESTS):
        if args.whole_files:
            whole_files(module, base / module, args.jobs, args.only)
        elif args.rerun:
            rerun(module, base / module, args.jobs, args.only)
        else:
            run(module, base / module, args.jobs, None if args.rev == "worktree" else args.rev)
    return 0


if __name__ == "__main__":
    sys.exit(main())
