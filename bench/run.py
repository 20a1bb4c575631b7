"""kasegeru performance benchmark: start-up, table, dataset load and scaling.

    python bench/run.py                  # full run, prints Markdown on stdout
    python bench/run.py --quick          # a smoke run (under a minute on 2 CPUs)
    python bench/run.py --runs 30 --sizes 1000,10000

The full run takes about 8.5 min on a 2-CPU machine: start-up, load and 1,000
cases about 1.5 min, 10,000 cases 2.5 min, and the six 100,000-case commands,
run once (one "round"), about 4 min, because the CLI itself needs 6 s to 80 s
each at that size. ``--sizes 1000,10000`` runs in about 4 min.

Run it with the interpreter of the venv kasegeru is installed in: the CLI under
test is ``Path(sys.executable).parent / "kasegeru"``, the baselines are
``python -c pass`` and ``bench/minimal_app.py`` (a two-command Typer app) on
the same interpreter, so they share the Python, the typer and the machine.

How it measures (the details are also printed under the tables):

* Commands are run as child processes, interleaved run by run (A, B, C, A, B,
  C, ...) after warm-up runs, so machine noise hits every command alike; each
  row is the MEDIAN of its runs and ratios are median / median of a baseline
  from the same invocation.
* Each command runs under a tiny wrapper (``python -I -S``) that forks it,
  times it from fork to reaped and reads its peak RSS and CPU time with
  ``os.wait4``: a fresh parent per measurement, because ``RUSAGE_CHILDREN``
  is cumulative and a forked child's ``ru_maxrss`` starts at its parent's RSS.
* Children get ``PYTHONPYCACHEPREFIX`` (a temporary directory) and no
  ``PYTHONDONTWRITEBYTECODE``, so bytecode is cached as in a normal install
  even where the environment turns bytecode writing off.
* The dataset cache of the children lives in a temporary directory: "warm"
  runs share one, filled beforehand; "cold" runs each get a new, empty one
  (so they pay parse + validate + writing the cache); "off" sets
  ``KASEGERU_NO_CACHE=1``.
* The in-process load rows use ``timeit`` with the garbage collector on, as
  in the CLI.
* Scaling datasets come from ``bench/generate.py``. Sizes above 1,000 cases
  get a time budget (``--budget``): the first round of the six measurements is
  a pilot, and the number of rounds is ``budget / pilot``, at least one and at
  most ``--runs``. The table says how many runs each row had.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import marshal
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Literal

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

try:
    from generate import write_dataset  # bench/ is not a package: found via sys.path
except ImportError as exc:  # kasegeru_cli is not importable from this interpreter
    raise SystemExit(f"{exc}: run this with the python of the venv kasegeru is installed in, "
                     "e.g. /work/venv/bin/python bench/run.py") from None

PYTHON = Path(sys.executable)
KASEGERU = PYTHON.parent / "kasegeru"
MINIMAL_APP = BENCH_DIR / "minimal_app.py"

Cache = Literal["warm", "cold", "off", "none"]

# Targets (bench/RESULTS.md lists them with the results).
T_SHOW_VS_MINIMAL = 1.15
T_SHOW_VS_PYTHON = 4.5
T_TABLE_VS_MINIMAL = 1.5
T_WARM_LOAD_MS = 3.0
T_LIST_10K_S = 1.0
T_GROWTH_SLOPE = 1.15  # log-log slope between the two largest sizes

WARMUP_ROUNDS = 2


# --------------------------------------------------------------------------- running children


@dataclass
class Sample:
    wall: float
    """Seconds, spawn to reaped."""
    cpu: float
    """User + system seconds of the child."""
    maxrss_kb: int | None


@dataclass
class Command:
    key: str
    label: str
    argv: list[str]
    cache: Cache = "none"
    env: dict[str, str] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)

    @property
    def walls(self) -> list[float]:
        return [s.wall for s in self.samples]


class Workspace:
    """Temporary directories shared by every child of one invocation."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pycache = root / "pycache"
        self.warm_cache = root / "cache-warm"
        self.data = root / "data"
        for d in (self.pycache, self.warm_cache, self.data):
            d.mkdir(parents=True, exist_ok=True)
        self._cold = 0

    def base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("KASEGERU_") and k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(self.pycache)
        env["COLUMNS"] = "80"
        env["LINES"] = "50"
        return env

    @contextlib.contextmanager
    def cache_env(self, cache: Cache) -> Iterator[dict[str, str]]:
        """Environment additions for one run with the given cache state."""
        if cache == "warm":
            yield {"KASEGERU_CACHE_DIR": str(self.warm_cache)}
        elif cache == "cold":
            self._cold += 1
            d = self.root / f"cache-cold-{self._cold}"
            d.mkdir()
            try:
                yield {"KASEGERU_CACHE_DIR": str(d)}
            finally:
                shutil.rmtree(d, ignore_errors=True)
        elif cache == "off":
            yield {"KASEGERU_NO_CACHE": "1",
                   "KASEGERU_CACHE_DIR": str(self.root / "cache-unused")}
        else:
            yield {}


# The measuring wrapper: a bare interpreter (-I -S, a few MB) that forks, execs the
# command and reaps it with wait4. Two reasons not to spawn the command from this
# process directly: on Linux a child's ru_maxrss starts at the RSS of the process
# it was forked from (tens of MB here, once kasegeru is imported), and
# RUSAGE_CHILDREN is cumulative. The wall time is taken inside the wrapper, fork
# to reaped, so the wrapper's own start-up is not in it.
WRAPPER = """\
import os, sys, time
out, argv = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
with open(out, "w") as f:
    f.write(f"{wall!r} {ru.ru_utime + ru.ru_stime!r} {ru.ru_maxrss}")
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def run_child(argv: Sequence[str], env: dict[str, str], capture: bool = False) -> tuple[
        Sample, bytes]:
    """Run one child; its wall time, CPU time and peak RSS, and stdout when ``capture``."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out, \
            tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "rusage"
        proc = subprocess.run([str(PYTHON), "-I", "-S", "-c", WRAPPER, str(report), *argv],
                              env=env, stdin=subprocess.DEVNULL,
                              stdout=out if capture else subprocess.DEVNULL, stderr=err,
                              check=False)
        if proc.returncode != 0:
            err.seek(0)
            message = err.read().decode("utf-8", "replace")[-3000:]
            raise SystemExit(f"benchmark command failed (exit {proc.returncode}): "
                             f"{' '.join(argv)}\n{message}")
        wall, cpu, rss = report.read_text().split()
        maxrss = int(rss) // 1024 if sys.platform == "darwin" else int(rss)  # bytes there
        out.seek(0)
        return Sample(float(wall), float(cpu), maxrss), out.read() if capture else b""


def run_command(ws: Workspace, cmd: Command, record: bool = True,
                capture: bool = False) -> bytes:
    with ws.cache_env(cmd.cache) as extra:
        env = {**ws.base_env(), **cmd.env, **extra}
        sample, out = run_child(cmd.argv, env, capture)
    if record:
        cmd.samples.append(sample)
    return out


def interleave(ws: Workspace, cmds: Sequence[Command], rounds: int, warmup: int,
               progress: str) -> None:
    """Run every command once per round, in order (A, B, C, A, B, C ...)."""
    for r in range(warmup + rounds):
        for cmd in cmds:
            run_command(ws, cmd, record=r >= warmup)
        note(f"{progress}: round {r + 1}/{warmup + rounds}"
             + (" (warm-up)" if r < warmup else ""))


# --------------------------------------------------------------------------- statistics & output


def note(message: str) -> None:
    sys.stderr.write(f"[bench] {message}\n")
    sys.stderr.flush()


def median(xs: Sequence[float]) -> float:
    return statistics.median(xs)


def iqr(xs: Sequence[float]) -> tuple[float, float] | None:
    if len(xs) < 4:
        return None
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], q[2]


def ms(x: float) -> str:
    return f"{x * 1000:.1f}"


def spread_ms(xs: Sequence[float]) -> str:
    q = iqr(xs)
    return f"{q[0] * 1000:.1f}–{q[1] * 1000:.1f}" if q else "—"


def verdict(ok: bool | None) -> str:
    if ok is None:
        return "n/a"
    return "**PASS**" if ok else "**MISS**"


def md_table(headers: Sequence[str], rows: Sequence[Sequence[str]],
             align: str | None = None) -> str:
    align = align or "l" * len(headers)
    marks = {"l": "---", "r": "---:", "c": ":---:"}
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------- 1 + 2: start-up


def kasegeru(*args: str) -> list[str]:
    return [str(KASEGERU), *args]


def check_outputs(ws: Workspace, show: Command, minimal: Command, table: Command) -> None:
    """The commands under test answer what they should (before any timing)."""
    record = json.loads(run_command(ws, show, record=False, capture=True))
    if record.get("id") != "co-ba":
        raise SystemExit(f"unexpected `show co-ba --json` output: {str(record)[:200]}")
    line = json.loads(run_command(ws, minimal, record=False, capture=True))
    if line.get("id") != "co-ba":
        raise SystemExit("bench/minimal_app.py printed something unexpected")
    text = run_command(ws, table, record=False, capture=True).decode("utf-8")
    if "co-ba" not in text or "\x1b[" in text:
        raise SystemExit("unexpected `list --type coworking` output (no co-ba, or colour)")


def bench_startup(ws: Workspace, runs: int) -> str:
    py_pass = Command("pass", "`python -c pass`", [str(PYTHON), "-c", "pass"])
    minimal = Command("minimal", "minimal two-command Typer app (`bench/minimal_app.py show`)",
                      [str(PYTHON), str(MINIMAL_APP), "show", "co-ba"])
    show = Command("show", "`kasegeru show co-ba --json` (warm cache)",
                   kasegeru("show", "co-ba", "--json"), cache="warm")
    show_off = Command("show-off", "`kasegeru show co-ba --json` (`KASEGERU_NO_CACHE=1`)",
                       kasegeru("show", "co-ba", "--json"), cache="off")
    table = Command("table", "`kasegeru list --type coworking` (rich table, COLUMNS=80)",
                    kasegeru("list", "--type", "coworking"), cache="warm")
    cmds = [py_pass, minimal, show, show_off, table]

    check_outputs(ws, show, minimal, table)  # also fills the warm cache
    interleave(ws, cmds, runs, WARMUP_ROUNDS, "start-up")

    base_py, base_min = median(py_pass.walls), median(minimal.walls)
    rows: list[list[str]] = []

    def row(cmd: Command, vs_min: float | None, vs_py: float | None, target: str,
            ok: bool | None) -> None:
        m = median(cmd.walls)
        cpu = median([s.cpu for s in cmd.samples])
        rss = [s.maxrss_kb for s in cmd.samples if s.maxrss_kb is not None]
        rows.append([
            cmd.label, str(len(cmd.samples)), ms(m), spread_ms(cmd.walls), ms(cpu),
            f"{median(rss) / 1024:.1f}" if rss else "—",
            f"{m / base_min:.2f}×" if vs_min is None else f"{vs_min:.2f}×",
            f"{m / base_py:.2f}×" if vs_py is None else f"{vs_py:.2f}×",
            target, verdict(ok),
        ])

    row(py_pass, None, None, "baseline", None)
    row(minimal, None, None, "baseline", None)
    show_min, show_py = median(show.walls) / base_min, median(show.walls) / base_py
    row(show, show_min, show_py,
        f"≤ {T_SHOW_VS_MINIMAL}× minimal and ≤ {T_SHOW_VS_PYTHON}× python",
        show_min <= T_SHOW_VS_MINIMAL and show_py <= T_SHOW_VS_PYTHON)
    row(show_off, None, None, "(information)", None)
    table_min = median(table.walls) / base_min
    row(table, table_min, None, f"≤ {T_TABLE_VS_MINIMAL}× minimal",
        table_min <= T_TABLE_VS_MINIMAL)
    head = ["command", "runs", "median ms", "IQR ms", "CPU ms", "peak RSS MB",
            "÷ minimal app", "÷ python -c pass", "target", "result"]
    detail = (
        f"\nSplit of the `show --json` target: vs minimal app {show_min:.2f}× "
        f"({verdict(show_min <= T_SHOW_VS_MINIMAL)}), vs `python -c pass` {show_py:.2f}× "
        f"({verdict(show_py <= T_SHOW_VS_PYTHON)}). "
        f"Budget at these baselines: {T_SHOW_VS_MINIMAL * base_min * 1000:.0f} ms and "
        f"{T_SHOW_VS_PYTHON * base_py * 1000:.0f} ms; the minimal Typer app alone is "
        f"{base_min / base_py:.1f}× `python -c pass`.\n")
    return md_table(head, rows, "lrrrrrrrll") + "\n" + detail


# --------------------------------------------------------------------------- 3: in-process load


def timeit_ms(fn: Callable[[], object], repeat: int) -> list[float]:
    # timeit turns the garbage collector off, as the console script does.
    return [t * 1000 for t in timeit.Timer(fn).repeat(repeat=repeat, number=1)]


def bench_load(ws: Workspace, runs: int) -> str:
    # no py.typed in kasegeru_cli: see bench/generate.py
    from kasegeru_cli.catalog import Catalog  # type: ignore[import-untyped, unused-ignore]
    from kasegeru_cli.loader import load_files, read_bytes  # type: ignore[import-untyped, unused-ignore]
    from kasegeru_cli.store import (  # type: ignore[import-untyped, unused-ignore]
        bundled_path,
        cache_dir,
        cache_key,
        decode_dataset,
        load,
        read_show_index,
    )

    saved = {k: os.environ.get(k) for k in ("KASEGERU_CACHE_DIR", "KASEGERU_NO_CACHE")}
    os.environ["KASEGERU_CACHE_DIR"] = str(ws.root / "cache-inproc")
    os.environ.pop("KASEGERU_NO_CACHE", None)
    try:
        path = bundled_path()
        n_cold = max(runs * 2, 40)
        n_warm = max(runs * 25, 500)
        cold = timeit_ms(lambda: load_files([path]), n_cold)
        dataset = load([path]).dataset  # first call: parse, validate, write the cache
        warm = timeit_ms(lambda: load([path]), n_warm)
        key = timeit_ms(lambda: cache_key([(str(path), read_bytes(path))]), n_warm)
        entry = cache_dir() / f"{cache_key([(str(path), read_bytes(path))])}.data"
        head = len(b"kasegeru cache 2\n") + 32  # magic line and SHA-256 (store._seal)
        blob = entry.read_bytes()[head:]
        unpickle = timeit_ms(lambda: decode_dataset(marshal.loads(blob)), n_warm)
        index_blob = entry.with_suffix(".show").read_bytes()[head:]
        unmarshal = timeit_ms(lambda: marshal.loads(index_blob), n_warm)
        fast = timeit_ms(lambda: read_show_index([path]), n_warm)
        catalog = timeit_ms(lambda: Catalog(dataset).get("co-ba"), n_warm)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    def r(label: str, xs: list[float], target: str = "(information)",
          ok: bool | None = None) -> list[str]:
        q = statistics.quantiles(xs, n=4, method="inclusive")
        return [label, str(len(xs)), f"{median(xs):.2f}", f"{q[0]:.2f}–{q[2]:.2f}", target,
                verdict(ok)]

    rows = [
        r(f"cold: `loader.load_files` (read, parse, validate {len(dataset.cases)} cases, "
          f"{path.stat().st_size / 1e6:.2f} MB)", cold),
        r("warm: `store.load`, 2nd+ call (read + SHA-256 key and seal + marshal + rebuild)", warm,
          f"≤ {T_WARM_LOAD_MS:.0f} ms", median(warm) <= T_WARM_LOAD_MS),
        r("  of which: read file + `cache_key` (SHA-256 of the data and the code)", key),
        r(f"  of which: `marshal.loads` + rebuilding the dataclasses ({len(blob) / 1e3:.0f} kB)",
          unpickle),
        r(f"JSON lists only: `marshal.loads` of the cached JSON texts "
          f"({len(index_blob) / 1e3:.0f} kB)", unmarshal),
        r("fast path: `store.read_show_index` (key + JSON texts, no dataset)", fast),
        r("after the load: `Catalog(dataset).get('co-ba')` (builds the id/alias index)",
          catalog),
    ]
    return md_table(["in-process step", "runs", "median ms", "IQR ms", "target", "result"],
                    rows, "lrrrll")


# --------------------------------------------------------------------------- 4: scaling


SCALE_COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("list --json", ("list", "--json")),
    ("search 連携 --json", ("search", "連携", "--json")),
    ("export --format json", ("export", "--format", "json")),
)


@dataclass
class SizeResult:
    n: int
    file_mb: float
    cmds: list[Command]
    budgeted: bool


def bench_size(ws: Workspace, n: int, runs: int, budget: float) -> SizeResult:
    data = ws.data / f"cases-{n}.toml"
    t0 = time.perf_counter()
    write_dataset(n, data)
    note(f"generated {n} cases ({data.stat().st_size / 1e6:.1f} MB) in "
         f"{time.perf_counter() - t0:.1f} s")
    if n <= 10_000:  # the cold runs below validate every file too (exit 1 if invalid)
        run_child(kasegeru("validate", str(data)), ws.base_env())
    cache_dir = ws.root / f"cache-warm-{n}"
    cache_dir.mkdir()
    cmds: list[Command] = []
    for name, args in SCALE_COMMANDS:
        for cache in ("cold", "warm"):
            cmd = Command(f"{name} {cache}", name, kasegeru("--data", str(data), *args),
                          cache="none" if cache == "warm" else "cold")
            if cache == "warm":
                cmd.env["KASEGERU_CACHE_DIR"] = str(cache_dir)
            cmds.append(cmd)
    # Fill the warm cache (runs that are not timed) unless the file is big, in which
    # case the pilot's cold run of `search` is pointed at the warm directory. A
    # search, because it also leaves the folded texts that later searches reuse.
    big = n > 1000
    search_cold, search_warm = cmds[2], cmds[3]
    if not big:
        run_command(ws, search_warm, record=False)
        interleave(ws, cmds, runs, 0, f"{n} cases")
        size_mb = data.stat().st_size / 1e6
        data.unlink()
        return SizeResult(n, size_mb, cmds, budgeted=False)
    t0 = time.perf_counter()
    first = search_cold
    first.cache = "none"
    first.env["KASEGERU_CACHE_DIR"] = str(cache_dir)  # empty: this run is a cold one
    run_command(ws, first)
    first.cache, first.env = "cold", {}
    for cmd in cmds:
        if cmd is not first:
            run_command(ws, cmd)
    pilot = time.perf_counter() - t0
    rounds = max(1, min(runs, math.floor(budget / pilot)))
    note(f"{n} cases: pilot round {pilot:.1f} s → {rounds} round(s) in all")
    interleave(ws, cmds, rounds - 1, 0, f"{n} cases")
    size_mb = data.stat().st_size / 1e6
    shutil.rmtree(cache_dir, ignore_errors=True)
    data.unlink()  # big files: do not keep hundreds of MB around until the end
    return SizeResult(n, size_mb, cmds, budgeted=True)


def loglog_slope(n1: int, t1: float, n2: int, t2: float) -> float:
    return math.log(t2 / t1) / math.log(n2 / n1)


def bench_scaling(ws: Workspace, sizes: Sequence[int], runs: int, budget: float) -> str:
    results: list[SizeResult] = []
    for n in sizes:
        results.append(bench_size(ws, n, runs, budget))

    rows: list[list[str]] = []
    by_key: dict[str, list[tuple[int, float, float]]] = {}
    for res in results:
        for cmd in res.cmds:
            m = median(cmd.walls)
            rss = [s.maxrss_kb for s in cmd.samples if s.maxrss_kb is not None]
            rss_mb = median(rss) / 1024 if rss else math.nan
            by_key.setdefault(cmd.key, []).append((res.n, m, rss_mb))
            cache = "cold" if cmd.key.endswith("cold") else "warm"
            runs_note = str(len(cmd.samples)) + (" (budget)" if res.budgeted
                                                and len(cmd.samples) < runs else "")
            target, ok = "", None
            if cmd.key == "list --json warm" and res.n == 10_000:
                target, ok = f"≤ {T_LIST_10K_S:.0f} s", m <= T_LIST_10K_S
            rows.append([
                f"`{cmd.label}`", f"{res.n:,}", cache, runs_note, f"{m:.2f}",
                f"{min(cmd.walls):.2f}–{max(cmd.walls):.2f}",
                f"{m / res.n * 1000 * 1000:.1f}",
                f"{rss_mb:.0f}", f"{rss_mb / res.n * 1000:.1f}", target, verdict(ok),
            ])
    head = ["command (`--data FILE`)", "cases", "cache", "runs", "median s", "min–max s",
            "ms per 1,000 cases", "peak RSS MB", "MB per 1,000 cases", "target", "result"]
    out = [md_table(head, rows, "lrlrrrrrrll")]

    if 10_000 not in sizes:
        out.append(f"\nTarget `list --json` on 10,000 cases ≤ {T_LIST_10K_S:.0f} s (warm): "
                   "n/a (10000 not in --sizes).")
    if len(sizes) >= 2:
        n1, n2 = sorted(sizes)[-2:]
        grow_rows: list[list[str]] = []
        all_ok = True
        for key, points in by_key.items():
            pts = {n: (t, r) for n, t, r in points}
            (t1, r1), (t2, r2) = pts[n1], pts[n2]
            slope_t = loglog_slope(n1, t1, n2, t2)
            slope_m = loglog_slope(n1, r1, n2, r2)
            marginal = (t2 - t1) / (n2 - n1) * 1000 * 1000
            ok = slope_t <= T_GROWTH_SLOPE
            all_ok &= ok
            grow_rows.append([f"`{key}`", f"{t2 / t1:.1f}× for {n2 / n1:.0f}× cases",
                              f"{slope_t:.2f}", f"{marginal:.1f}", f"{slope_m:.2f}",
                              f"≤ {T_GROWTH_SLOPE}", verdict(ok)])
        out.append(f"\nGrowth from {n1:,} to {n2:,} cases (log-log slope: 1.0 is linear; "
                   "fixed start-up costs pull it below 1):\n")
        out.append(md_table(["command", "time growth", "time slope",
                             "marginal ms per 1,000 cases", "memory slope", "target",
                             "result"], grow_rows, "llrrrll"))
        out.append(f"\nGrowth roughly linear (every time slope ≤ {T_GROWTH_SLOPE}): "
                   f"{verdict(all_ok)}")
    sizes_note = ", ".join(f"{r.n:,} cases = {r.file_mb:.1f} MB of TOML" for r in results)
    out.append(f"\nFiles: {sizes_note}.")
    return "\n".join(out)


# --------------------------------------------------------------------------- header & main


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def git_revision() -> str:
    try:
        proc = subprocess.run(["git", "-C", str(BENCH_DIR.parent), "describe", "--always",
                               "--dirty"], capture_output=True, text=True, check=False,
                              timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return proc.stdout.strip() or "unknown"


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def header(argv: Sequence[str], runs: int, sizes: Sequence[int], budget: float) -> str:
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        affinity = os.cpu_count() or 0
    try:
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        load = "unknown"
    now = datetime.now(timezone.utc).astimezone()
    cmd = " ".join(["python", "bench/run.py", *argv])
    return "\n".join([
        "# kasegeru benchmark",
        "",
        f"- date: {now:%Y-%m-%d %H:%M %Z}",
        f"- command: `{cmd}` (interpreter `{PYTHON}`)",
        f"- machine: {platform.system()} {platform.release()}, {cpu_model()}, "
        f"nproc {affinity}, load average at start {load}",
        f"- python {platform.python_version()} ({platform.python_implementation()}), "
        f"typer {version('typer')}, rich {version('rich')}, tomli {version('tomli')}, "
        f"kasegeru {version('kasegeru')} (git {git_revision()})",
        f"- runs: {runs} per start-up row (after {WARMUP_ROUNDS} warm-up rounds); "
        f"sizes {', '.join(f'{n:,}' for n in sizes)}; budget {budget:.0f} s per size above "
        "1,000 cases",
    ])


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Benchmark kasegeru; prints Markdown.")
    p.add_argument("--runs", type=int, default=None,
                   help="runs per measurement (default 20; 5 with --quick); at least 1")
    p.add_argument("--quick", action="store_true",
                   help="a smoke run: 5 runs, sizes 1000,10000, no budget for extra rounds")
    p.add_argument("--sizes", default=None,
                   help="dataset sizes for the scaling rows, comma-separated "
                        "(default 1000,10000,100000; 1000,10000 with --quick); "
                        "'' or 0 to skip them")
    p.add_argument("--budget", type=float, default=None,
                   help="seconds of measuring per size above 1,000 cases (default 150; "
                        "0 with --quick): one pilot round, then as many as fit, up to --runs")
    p.add_argument("--only", choices=("startup", "load", "scaling"), action="append",
                   help="run only these sections (repeatable)")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    runs: int = args.runs if args.runs is not None else (5 if args.quick else 20)
    if runs < 1:
        raise SystemExit("--runs must be at least 1")
    spec: str = args.sizes if args.sizes is not None else (
        "1000,10000" if args.quick else "1000,10000,100000")
    try:
        sizes = sorted({int(s.replace("_", "")) for s in spec.split(",") if s.strip()} - {0})
    except ValueError:
        raise SystemExit(f"--sizes: not a list of numbers: {spec!r}") from None
    budget: float = args.budget if args.budget is not None else (0.0 if args.quick else 150.0)
    sections: set[str] = set(args.only or ("startup", "load", "scaling"))
    if not KASEGERU.exists():
        raise SystemExit(f"{KASEGERU} not found: run this with the python of the venv "
                         "kasegeru is installed in (e.g. /work/venv/bin/python bench/run.py)")

    started = time.perf_counter()
    parts = [header(argv, runs, sizes, budget)]
    with tempfile.TemporaryDirectory(prefix="kasegeru-bench-") as tmp:
        ws = Workspace(Path(tmp))
        if "startup" in sections:
            parts += ["", "## 1–2. Start-up: `show --json` and the `list` table", "",
                      bench_startup(ws, runs)]
        if "load" in sections:
            parts += ["", "## 3. Loading the bundled dataset in-process", "",
                      bench_load(ws, runs)]
        if "scaling" in sections and sizes:
            parts += ["", "## 4. Scaling with generated datasets", "",
                      bench_scaling(ws, sizes, runs, budget)]
    parts += ["", f"Total benchmark time: {time.perf_counter() - started:.0f} s. "
              "Wall times are medians; ratios are medians over medians of the same "
              "invocation; peak RSS is per child (os.wait4 in a small wrapper)."]
    sys.stdout.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
