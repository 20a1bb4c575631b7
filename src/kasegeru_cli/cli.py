"""The Typer app: options in, catalog call, format out; errors become exit codes.

Exit codes: 0 ok (also when nothing matches, and when a pipe reader such as
``head`` stops early); 1 not found or invalid data; 2 usage; 130 interrupted.
Everything for people goes to stderr; stdout carries only the answer.
"""

# No ``from __future__ import annotations`` here: typer would then eval every
# parameter's annotation string of every command on every run (10-20 ms).
import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from enum import Enum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from kasegeru_cli import __version__
from kasegeru_cli.catalog import SORT_KEYS, STATS_KEYS, Catalog, Filters, Hit, QueryError
from kasegeru_cli.formats import ExportFormat, Format
from kasegeru_cli.models import Case
from kasegeru_cli.problems import DatasetError
from kasegeru_cli.records import DERIVED, FIELDS, LIST_FIELDS
from kasegeru_cli.streams import PipeClosed, pipe_guard, use_utf8

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from kasegeru_cli.store import Loaded

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

app = typer.Typer(
    name="kasegeru",
    help=(
        "Query the case studies of Japan's 稼げる国土 and 地方創生 policy reports.\n\n"
        "Every record cites its document, section and item. Tables for people,\n"
        "--json / --format jsonl|csv|tsv|markdown for scripts.\n\n"
        "Examples:\n\n"
        "  kasegeru list --type coworking\n\n"
        "  kasegeru show co-ba\n\n"
        "  kasegeru search コワーキング --prefecture 東京都\n\n"
        "  kasegeru list --json | jq '.[].id'"
    ),
    # No command: help on stdout and exit 0, as gh does (click would exit 2).
    invoke_without_command=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Lang(str, Enum):
    ja = "ja"
    en = "en"


class State:
    """Global options, set by the app callback."""

    def __init__(self) -> None:
        self.data: Path | None = None
        self.add: tuple[Path, ...] = ()
        self._catalog: Catalog | None = None
        self._loaded: Loaded | None = None


STATE = State()


# --------------------------------------------------------------------------- errors & output


def fail(message: str, code: int = EXIT_NOT_FOUND) -> NoReturn:
    """Print ``Error: message`` on stderr and exit with ``code``."""
    sys.stderr.write(f"Error: {message}\n")
    raise typer.Exit(code)


@contextlib.contextmanager
def _pipe_guard() -> Iterator[None]:
    """End quietly (exit 0) when the reader of our stdout goes away (``| head``)."""
    try:
        with pipe_guard():
            yield
    except PipeClosed:
        raise typer.Exit(EXIT_OK) from None


def emit(text: str) -> None:
    with _pipe_guard():
        sys.stdout.write(text)


def console(stderr: bool = False) -> "Console":
    from rich.console import Console

    # Not a terminal: rich writes no escape codes by itself. NO_COLOR (any
    # non-empty value, see no-color.org) and TERM=dumb: no escape codes at all,
    # bold and dim included, rather than rich's "no colour but keep bold".
    # The width comes from the terminal or COLUMNS (80 when neither says).
    plain = bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"
    # markup and emoji off: the data's own brackets and colons are text ("[main]"
    # in a locations cell was eaten as a style tag), and parsing them costs time.
    return Console(stderr=stderr, highlight=False, soft_wrap=False, markup=False, emoji=False,
                   color_system=None if plain else "auto")


_TRAILING = re.compile(r"[ ]+((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)


def emit_rich(renderable: "RenderableType", page: bool = False) -> None:
    """Render with rich (colour only for a terminal) and print without the padding
    spaces rich leaves at line ends, which are noise in a pipe or a file.

    With ``page``, output taller than a terminal goes through the pager
    (``$PAGER``, else ``less``), as ``git log`` does; never when piped.
    """
    con = console()
    with con.capture() as captured:
        con.print(renderable)
    text = _TRAILING.sub(r"\1", captured.get())
    if page and sys.stdout.isatty() and text.count("\n") >= con.size.height:
        import pydoc

        # -R keeps colours, -F quits at once if it fits, -X leaves it on screen.
        os.environ.setdefault("LESS", "-FRX")
        with contextlib.suppress(KeyboardInterrupt):  # q or Ctrl-C in the pager
            pydoc.pager(text)
        return
    emit(text)


def terminal_width() -> int:
    return console().width


# --------------------------------------------------------------------------- data


def catalog() -> Catalog:
    """The loaded dataset (once per process); invalid data ends the command with exit 1."""
    if STATE._catalog is None:
        from kasegeru_cli.store import bundled_path, load

        base = STATE.data or bundled_path()
        paths = [base, *STATE.add]
        try:
            STATE._loaded = load(paths)
        except DatasetError as e:
            _report_problems(e)
            raise typer.Exit(EXIT_NOT_FOUND) from None
        STATE._catalog = Catalog(STATE._loaded.dataset, folded=STATE._loaded.folded_texts)
    return STATE._catalog


def _json_texts() -> dict[str, str] | None:
    """Every case's cached JSON record by id (:func:`store.array_element`), or None."""
    return STATE._loaded.json_texts() if STATE._loaded is not None else None


def _report_problems(e: DatasetError) -> None:
    n = len(e.problems)
    sys.stderr.write(f"Error: the dataset is invalid ({n} problem{'s' if n != 1 else ''}):\n")
    for p in e.problems:
        sys.stderr.write(f"  {p}\n")


# --------------------------------------------------------------------------- completion
# Shell completion (`kasegeru --install-completion`) offers real values: these
# load the dataset, which the cache makes cheap. A broken dataset completes nothing.


def _complete(values: list[tuple[str, str]], incomplete: str) -> list[tuple[str, str]]:
    from kasegeru_cli.text import fold

    key = fold(incomplete)
    return [(v, help_) for v, help_ in values if fold(v).startswith(key)]


def _quiet_catalog() -> Catalog | None:
    from kasegeru_cli.store import bundled_path, load_cached

    try:
        path = Path(os.environ["KASEGERU_DATA"]) if os.environ.get("KASEGERU_DATA") else \
            bundled_path()
        return Catalog(load_cached([path]))
    except (DatasetError, OSError):
        return None


def complete_case_id(incomplete: str) -> list[tuple[str, str]]:
    cat = _quiet_catalog()
    return _complete([(c.id, c.name) for c in cat.cases], incomplete) if cat else []


def complete_type(incomplete: str) -> list[tuple[str, str]]:
    cat = _quiet_catalog()
    return _complete([(s, t.name) for s, t in cat.dataset.types.items()], incomplete) \
        if cat else []


def complete_source(incomplete: str) -> list[tuple[str, str]]:
    cat = _quiet_catalog()
    return _complete([(s, src.title) for s, src in cat.dataset.sources.items()], incomplete) \
        if cat else []


def complete_prefecture(incomplete: str) -> list[tuple[str, str]]:
    from kasegeru_cli.prefectures import PREFECTURES

    return _complete([(p.romaji, p.name) for p in PREFECTURES]
                     + [(p.name, p.romaji) for p in PREFECTURES], incomplete)


def complete_region(incomplete: str) -> list[tuple[str, str]]:
    from kasegeru_cli.prefectures import REGIONS

    return _complete([(r.slug, r.name) for r in REGIONS], incomplete)


def complete_fields(incomplete: str) -> list[tuple[str, str]]:
    done, _, last = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    return [(prefix + name, "") for name in (*FIELDS, *DERIVED) if name.startswith(last)]


# --------------------------------------------------------------------------- shared options

FormatOpt = Annotated[Format, typer.Option(
    "--format", "-f", help="Output format.", case_sensitive=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Same as --format json.")]
FieldsOpt = Annotated[str | None, typer.Option(
    "--fields", help="Comma-separated fields to output, e.g. id,name,prefectures "
    "(an unknown name lists them all).", metavar="F1,F2", autocompletion=complete_fields)]
LangOpt = Annotated[Lang, typer.Option(
    "--lang", help="Headline language of tables and the show page.", case_sensitive=False)]

TypeOpt = Annotated[list[str] | None, typer.Option(
    "--type", "-t", help="Type slug or Japanese name (coworking, 地域資源発掘型 …). "
    "Repeat for OR.", metavar="TYPE", autocompletion=complete_type)]
PrefOpt = Annotated[list[str] | None, typer.Option(
    "--prefecture", "-p", help="Prefecture: 宮崎県, 宮崎 or miyazaki. Repeat for OR.",
    metavar="PREF", autocompletion=complete_prefecture)]
RegionOpt = Annotated[list[str] | None, typer.Option(
    "--region", "-r", help="Region: hokkaido, tohoku, kanto, chubu, kinki, chugoku, shikoku, "
    "kyushu (or 九州 …).", metavar="REGION", autocompletion=complete_region)]
SourceOpt = Annotated[list[str] | None, typer.Option(
    "--source", "-s", help="Source document id (see `kasegeru sources`) or file number (003).",
    metavar="SOURCE", autocompletion=complete_source)]
SectorOpt = Annotated[list[str] | None, typer.Option(
    "--sector", help="public (公的機関) or private (民間事業者).", metavar="SECTOR")]
FlowOpt = Annotated[list[str] | None, typer.Option(
    "--flow", help="大都市圏×地方都市等 and siblings, or metro-regional, regional-metro, "
    "regional-regional, metro-metro.", metavar="FLOW")]
TagOpt = Annotated[list[str] | None, typer.Option(
    "--tag", help="A tag, e.g. 農林水産業. Repeat for OR.", metavar="TAG")]
YearOpt = Annotated[list[int] | None, typer.Option(
    "--year", "-y", help="Cases with a dated event or figure in that year.", metavar="YEAR")]


def _filters(types: list[str] | None, prefecture: list[str] | None, region: list[str] | None,
             source: list[str] | None, sector: list[str] | None, flow: list[str] | None,
             tag: list[str] | None, year: list[int] | None) -> Filters:
    return Filters(types=tuple(types or ()), prefectures=tuple(prefecture or ()),
                   regions=tuple(region or ()), sources=tuple(source or ()),
                   sectors=tuple(sector or ()), flows=tuple(flow or ()), tags=tuple(tag or ()),
                   years=tuple(year or ()))


def _apply_filters(filters: Filters) -> list[Case]:
    try:
        return catalog().filter(filters)
    except QueryError as e:
        fail(str(e), EXIT_USAGE)


def _fields(spec: str | None) -> tuple[str, ...] | None:
    """Parse ``--fields``; an unknown name lists the available ones (exit 2)."""
    if spec is None:
        return None
    names = tuple(n.strip() for n in spec.split(",") if n.strip())
    known = (*FIELDS, *DERIVED)
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        what = f"unknown field {unknown[0]!r}" if unknown else "no fields given"
        fail(f"{what}\nAvailable fields:\n  " + "\n  ".join(known), EXIT_USAGE)
    return names


def _format(fmt: Format, as_json: bool) -> Format:
    return Format.json if as_json else fmt


def output_cases(cases: Sequence[Case], fmt: Format, fields: tuple[str, ...] | None,
                 lang: Lang, hits: Sequence[Hit] | None = None) -> None:
    """Print a list of cases in the chosen format (table, JSON …)."""
    from kasegeru_cli.records import pick

    if fmt is Format.table:
        from kasegeru_cli.formats.table import list_table

        default = LIST_FIELDS if hits is None else ("id", "name")
        emit_rich(list_table(cases, fields or default, lang.value, hits))
        return
    if fmt is Format.json and fields is None and hits is None:
        from kasegeru_cli.records import records_json

        # Full records: the same bytes as export --format json, from the cache's texts.
        emit(records_json(cases, _json_texts()))
        return
    if fmt in (Format.json, Format.jsonl):
        from kasegeru_cli.formats.jsonfmt import render_json, render_jsonl

        rows: list[dict[str, Any]] = []
        for i, case in enumerate(cases):
            row = pick(case, fields)
            if hits is not None:
                row["match"] = {"score": hits[i].score, "field": hits[i].field,
                                "snippet": hits[i].snippet}
            rows.append(row)
        emit(render_json(rows) if fmt is Format.json else render_jsonl(rows))
        return
    columns = fields or ((*LIST_FIELDS, "name_en") if fmt is not Format.csv else FIELDS)
    extra = ([{"score": str(h.score), "snippet": h.snippet} for h in hits]
             if hits is not None else None)
    if fmt is Format.markdown:
        from kasegeru_cli.formats.markdown import render_markdown

        emit(render_markdown(cases, columns))
        return
    from kasegeru_cli.formats.delimited import render_delimited

    emit(render_delimited(cases, columns, delimiter="\t" if fmt is Format.tsv else ",",
                          extra=extra))


def output_rows(rows: list[dict[str, Any]], fmt: Format, table: Any) -> None:
    """Print plain rows (types, sources, stats); ``table`` builds the rich view."""
    if fmt is Format.table:
        emit_rich(table())
        return
    from kasegeru_cli.formats.delimited import render_dict_rows
    from kasegeru_cli.formats.jsonfmt import render_json, render_jsonl

    if fmt is Format.json:
        emit(render_json(rows))
    elif fmt is Format.jsonl:
        emit(render_jsonl(rows))
    else:
        emit(render_dict_rows(rows, fmt.value))


# --------------------------------------------------------------------------- app


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"kasegeru {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    # Paths are taken as str: typer's Path type stats the value while parsing,
    # and a NUL byte there raises ValueError before any of our error handling.
    data: Annotated[str | None, typer.Option(
        "--data", envvar="KASEGERU_DATA", help="Use this case file instead of the bundled "
        "dataset (same schema; see docs/DATA.md).", metavar="PATH", show_envvar=True)] = None,
    add: Annotated[list[str] | None, typer.Option(
        "--add", help="Load extra case files on top of the dataset (repeatable). Id "
        "collisions are errors, never silent overwrites.", metavar="PATH")] = None,
    version: Annotated[bool, typer.Option(
        "--version", "-V", callback=_version, is_eager=True,
        help="Print the version and exit.")] = False,
) -> None:
    STATE.data = Path(data) if data is not None else None
    STATE.add = tuple(Path(a) for a in add or ())
    STATE._catalog = None
    STATE._loaded = None
    if ctx.invoked_subcommand is None:
        sys.stdout.write(ctx.get_help() + "\n")
        raise typer.Exit(EXIT_OK)


@app.command("list")
def list_cases(
    types: TypeOpt = None, prefecture: PrefOpt = None, region: RegionOpt = None,
    source: SourceOpt = None, sector: SectorOpt = None, flow: FlowOpt = None,
    tag: TagOpt = None, year: YearOpt = None,
    sort: Annotated[str | None, typer.Option(
        "--sort", help=f"Order by {', '.join(SORT_KEYS)} (default: dataset order).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=0,
                                              help="Show at most N cases.")] = None,
    fmt: FormatOpt = Format.table, as_json: JsonOpt = False, fields: FieldsOpt = None,
    lang: LangOpt = Lang.ja,
) -> None:
    """List cases, narrowed by filters. A repeated filter means OR; different filters AND.

    Examples:

      kasegeru list --type coworking

      kasegeru list --prefecture 宮崎県

      kasegeru list --region kyushu --year 2018 --json

      kasegeru list --source 2019-report --fields id,name,types --format csv
    """
    names = _fields(fields)
    cases = _apply_filters(_filters(types, prefecture, region, source, sector, flow, tag, year))
    if sort:
        try:
            cases = catalog().sort(cases, sort, lang.value)
        except QueryError as e:
            fail(str(e), EXIT_USAGE)
    if limit is not None:
        cases = cases[:limit]
    output_cases(cases, _format(fmt, as_json), names, lang)


@app.command()
def show(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="Case id or alias "
                                            "(case and full/half width ignored).",
                                            autocompletion=complete_case_id)],
    fmt: FormatOpt = Format.table, as_json: JsonOpt = False, fields: FieldsOpt = None,
    lang: LangOpt = Lang.ja,
    pager: Annotated[bool, typer.Option(
        "--pager/--no-pager", help="Page a long record through $PAGER (default: when "
        "stdout is a terminal).")] = True,
) -> None:
    """Show one case in full: summary, points, challenges, timeline, figures,
    actors, places, sources and related cases.

    Examples:

      kasegeru show co-ba

      kasegeru show コーバ --lang en

      kasegeru show co-ba --json | jq .figures
    """
    names = _fields(fields)
    cat = catalog()
    case = cat.get(case_id)
    if case is None:
        suggestions = cat.suggest(case_id)
        hint = f"\nDid you mean: {', '.join(suggestions)}?" if suggestions else \
            "\nTry `kasegeru search` to find it by any word."
        fail(f"no case with id or alias {case_id!r}.{hint}", EXIT_NOT_FOUND)
    f = _format(fmt, as_json)
    if f is Format.table:
        from kasegeru_cli.formats.table import show_page

        emit_rich(show_page(cat, case, lang.value), page=pager)
        return
    if f in (Format.json, Format.jsonl):
        from kasegeru_cli.formats.jsonfmt import render_json, render_jsonl
        from kasegeru_cli.records import pick

        record = pick(case, names)
        emit(render_json(record) if f is Format.json else render_jsonl([record]))
        return
    output_cases([case], f, names, lang)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find (all must match), in Japanese "
                                         "or English.")],
    types: TypeOpt = None, prefecture: PrefOpt = None, region: RegionOpt = None,
    source: SourceOpt = None, sector: SectorOpt = None, flow: FlowOpt = None,
    tag: TagOpt = None, year: YearOpt = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=0,
                                              help="Show at most N results.")] = None,
    fmt: FormatOpt = Format.table, as_json: JsonOpt = False, fields: FieldsOpt = None,
    lang: LangOpt = Lang.ja,
) -> None:
    """Search every text field in both languages, ranked, with the matching snippet.

    Matching ignores case, full/half width and hiragana/katakana.

    Examples:

      kasegeru search コワーキング

      kasegeru search "bank startup" --json

      kasegeru search 移住 --region chugoku
    """
    names = _fields(fields)
    filters = _filters(types, prefecture, region, source, sector, flow, tag, year)
    cat = catalog()
    try:
        hits = cat.search(query, filters)
    except QueryError as e:
        fail(str(e), EXIT_USAGE)
    if STATE._loaded is not None:
        STATE._loaded.keep_folded_texts(cat.folded_texts)
    if limit is not None:
        hits = hits[:limit]
    output_cases([h.case for h in hits], _format(fmt, as_json), names, lang, hits)


@app.command()
def types(
    fmt: FormatOpt = Format.table, as_json: JsonOpt = False, lang: LangOpt = Lang.ja,
) -> None:
    """The 2019 report's typology of 知的対流: each type's definition in the report's
    own words, where it is defined, its example cases, and how many cases it has.

    Examples:

      kasegeru types

      kasegeru types --json | jq '.[] | {slug, cases_report}'
    """
    cat = catalog()
    counts = cat.count_by_type()
    rows = [{
        "slug": t.slug, "name": t.name, "name_en": t.name_en, "definition": t.definition,
        "defined_in": t.defined_in, "examples": list(t.examples),
        "cases_report": counts.get(slug, (0, 0))[0],
        "cases_editorial": counts.get(slug, (0, 0))[1],
    } for slug, t in cat.dataset.types.items()]

    def table() -> "RenderableType":
        from kasegeru_cli.formats.table import types_table
        return types_table(cat, lang.value)
    output_rows(rows, _format(fmt, as_json), table)


@app.command()
def sources(
    fmt: FormatOpt = Format.table, as_json: JsonOpt = False, lang: LangOpt = Lang.ja,
) -> None:
    """The source documents: title, issuing body, date, file, and how many cases
    cite each (a record citing two documents counts for both).

    Examples:

      kasegeru sources

      kasegeru sources --json
    """
    cat = catalog()
    counts = cat.count_by_source()
    rows = [{
        "id": s.id, "file": s.file, "title": s.title, "title_en": s.title_en,
        "publisher": s.publisher, "date": s.date, "date_note": s.date_note,
        "sections": list(s.sections), "expected_cases": s.expected_cases,
        "cases": counts.get(sid, 0),
    } for sid, s in cat.dataset.sources.items()]

    def table() -> "RenderableType":
        from kasegeru_cli.formats.table import sources_table
        return sources_table(cat, lang.value)
    output_rows(rows, _format(fmt, as_json), table)


class StatsBy(str, Enum):
    type = "type"
    prefecture = "prefecture"
    region = "region"
    source = "source"
    sector = "sector"
    flow = "flow"
    tag = "tag"
    year = "year"


assert tuple(s.value for s in StatsBy) == STATS_KEYS


@app.command()
def stats(
    by: Annotated[StatsBy, typer.Option("--by", "-b", help="What to count by.",
                                        case_sensitive=False)] = StatsBy.type,
    types: TypeOpt = None, prefecture: PrefOpt = None, region: RegionOpt = None,
    source: SourceOpt = None, sector: SectorOpt = None, flow: FlowOpt = None,
    tag: TagOpt = None, year: YearOpt = None,
    fmt: FormatOpt = Format.table, as_json: JsonOpt = False,
) -> None:
    """Count cases by type, prefecture, region, source, sector, flow, tag or year,
    with a bar each. A case with two values counts for both.

    Examples:

      kasegeru stats --by prefecture

      kasegeru stats --by region --source 2019-report --json
    """
    cases = _apply_filters(_filters(types, prefecture, region, source, sector, flow, tag, year))
    counted = catalog().stats(by.value, cases)
    rows = [{by.value: k, "cases": n} for k, n in counted]

    def table() -> "RenderableType":
        from kasegeru_cli.formats.table import stats_bars
        return stats_bars(counted, terminal_width(), by.value)
    output_rows(rows, _format(fmt, as_json), table)


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", help="json: array of full records; jsonl: one per line; csv/tsv: "
        "flattened; toml: a valid case file; sqlite: a database (needs -o).",
        case_sensitive=False)] = ExportFormat.json,
    output_name: Annotated[str | None, typer.Option(
        "--output", "-o", help="Write to this file (atomically) instead of stdout.",
        metavar="FILE")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    excel: Annotated[bool, typer.Option(
        "--excel", help="CSV/TSV for Excel: UTF-8 with a BOM, so Japanese shows correctly.")
    ] = False,
    types: TypeOpt = None, prefecture: PrefOpt = None, region: RegionOpt = None,
    source: SourceOpt = None, sector: SectorOpt = None, flow: FlowOpt = None,
    tag: TagOpt = None, year: YearOpt = None,
) -> None:
    """Export the dataset (after any filters) with every field.

    The TOML export is itself a valid case file: it loads back into equal
    records. With filters, `related` links and type examples that point outside
    the exported cases are dropped so the file stays valid.

    Examples:

      kasegeru export --format json -o cases.json

      kasegeru export --format csv --excel --prefecture 東京都 -o tokyo.csv

      kasegeru export --format toml --source 2019-report > 2019.toml
    """
    from kasegeru_cli.export import ExportError, export_bytes, write_atomic

    filters = _filters(types, prefecture, region, source, sector, flow, tag, year)
    cat = catalog()
    cases = _apply_filters(filters)
    if output_name is not None and "\x00" in output_name:
        fail(f"{output_name!r} is not a valid file name (it holds a NUL byte)", EXIT_USAGE)
    output = Path(output_name) if output_name is not None else None
    if output is not None and output.exists() and not force:
        fail(f"{output} exists; use --force to overwrite it", EXIT_NOT_FOUND)
    try:
        if fmt is ExportFormat.sqlite:
            from kasegeru_cli.formats.sqlite import write_sqlite

            if output is None:
                fail("--format sqlite needs --output FILE (a database is not text)", EXIT_USAGE)
            write: Callable[[Path], object] = partial(write_sqlite, cat.dataset, cases)
        else:
            data = export_bytes(cat.dataset, cases, fmt.value, excel=excel,
                                complete=filters.is_empty(),
                                rendered=_json_texts() if fmt is ExportFormat.json else None)
            if output is None:
                with _pipe_guard():
                    sys.stdout.buffer.write(data)
                return
            write = partial(Path.write_bytes, data=data)
        write_atomic(output, write)
    except ExportError as e:
        fail(str(e), EXIT_USAGE)
    except OSError as e:
        fail(f"cannot write {output}: {e.strerror or e}", EXIT_NOT_FOUND)
    sys.stderr.write(f"Wrote {len(cases)} cases to {output}\n")


@app.command("map")
def map_(
    types: TypeOpt = None, prefecture: PrefOpt = None, region: RegionOpt = None,
    source: SourceOpt = None, sector: SectorOpt = None, flow: FlowOpt = None,
    tag: TagOpt = None, year: YearOpt = None,
    fmt: FormatOpt = Format.table, as_json: JsonOpt = False,
) -> None:
    """A tile map of Japan's 47 prefectures, each tile shaded by its number of
    cases (same filters as list). A case counts once in each prefecture it names.

    Examples:

      kasegeru map

      kasegeru map --type coworking

      kasegeru map --source chiho-sosei-2 --json
    """
    from kasegeru_cli.prefectures import BY_NAME, PREFECTURES

    cases = _apply_filters(_filters(types, prefecture, region, source, sector, flow, tag, year))
    counts = dict(catalog().stats("prefecture", cases))
    counts.pop("(none)", None)
    unplaced = sum(1 for c in cases if not c.prefectures())

    def table() -> "RenderableType":
        from rich.console import Group
        from rich.text import Text

        from kasegeru_cli.formats.tilemap import tile_map

        title = f"{len(cases)} cases in {len(counts)} prefectures"
        note = Text(f"{unplaced} of them name no prefecture (national or overseas scope)",
                    style="dim") if unplaced else Text("")
        return Group(tile_map(counts, title), note)

    from kasegeru_cli.formats.tilemap import LAYOUT

    rows = [{"code": p.code, "prefecture": p.name, "region": p.region,
             "cases": counts.get(p.name, 0), "row": LAYOUT[p.name][0],
             "col": LAYOUT[p.name][1]} for p in PREFECTURES]
    assert len(rows) == len(BY_NAME)
    output_rows(rows, _format(fmt, as_json), table)


class SchemaFor(str, Enum):
    case = "case"
    list = "list"
    search = "search"
    types = "types"
    sources = "sources"
    stats = "stats"
    map = "map"
    cite = "cite"


@app.command()
def schema(
    output: Annotated[SchemaFor, typer.Argument(
        help="Which JSON output: case (show), list (also export), search, types, "
        "sources, stats, map, cite.", case_sensitive=False)] = SchemaFor.list,
) -> None:
    """Print the JSON Schema (draft 2020-12) of a command's JSON output, for
    validating or generating code against it.

    Examples:

      kasegeru schema > kasegeru-list.schema.json

      kasegeru schema case
    """
    from kasegeru_cli.formats.jsonfmt import render_json
    from kasegeru_cli.schema import json_schema

    emit(render_json(json_schema(output.value)))


@app.command()
def validate(
    paths: Annotated[list[str] | None, typer.Argument(
        help="Case files to check together (default: the dataset in use).",
        metavar="[PATH]...")] = None,
) -> None:
    """Check case files against the schema: every problem is listed with its file,
    line, case and field. Exit 0 when valid, 1 otherwise.

    Several files are checked together, as --data and --add would load them
    (the first is the base; ids must be unique across all).

    Examples:

      kasegeru validate

      kasegeru validate my-cases.toml

      kasegeru validate data/cases.toml extra.toml
    """
    from kasegeru_cli.loader import load_files
    from kasegeru_cli.store import bundled_path

    files = [Path(p) for p in paths or []]
    if not files:
        files = [STATE.data or bundled_path(), *STATE.add]
    try:
        dataset = load_files(files)
    except DatasetError as e:
        _report_problems(e)
        raise typer.Exit(EXIT_NOT_FOUND) from None
    names = ", ".join(str(p) for p in files)
    emit(f"OK: {len(dataset.cases)} cases, {len(dataset.sources)} sources, "
         f"{len(dataset.types)} types ({names})\n")


@app.command()
def cite(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="Case id or alias.",
                                            autocompletion=complete_case_id)],
    as_json: JsonOpt = False,
) -> None:
    """Print the credit line(s) for a case's sources, in Japanese and English,
    ready to paste into a report (reuse of government documents needs one).

    Examples:

      kasegeru cite co-ba
    """
    from kasegeru_cli.formats.table import credit_ja

    cat = catalog()
    case = cat.get(case_id)
    if case is None:
        sugg = cat.suggest(case_id)
        fail(f"no case with id or alias {case_id!r}."
             + (f"\nDid you mean: {', '.join(sugg)}?" if sugg else ""), EXIT_NOT_FOUND)
    rows = []
    for sid in dict.fromkeys(r.source for r in case.sources):
        s = cat.source(sid)
        date = s.date_note or s.date
        rows.append({
            "source": sid,
            "ja": credit_ja(s.title, s.publisher, date),
            "en": f"Source: \"{s.title_en}\" ({s.title})"
                  + (f", {s.publisher}" if s.publisher else "")
                  + f", {s.date}. Edited and processed by kasegeru.",
        })
    if as_json:
        from kasegeru_cli.formats.jsonfmt import render_json

        emit(render_json(rows))
        return
    emit("".join(f"{r['ja']}\n{r['en']}\n" for r in rows))


# --------------------------------------------------------------------------- entry point


def run() -> int:
    """Run the app on ``sys.argv``; turn every failure into a message and an exit code."""
    use_utf8()
    try:
        code = app(prog_name="kasegeru", standalone_mode=False)
        if code == EXIT_INTERRUPTED:  # typer turns Ctrl-C inside a command into Exit(130)
            sys.stderr.write("Interrupted.\n")
    except typer.Abort:  # EOF at a prompt, or Ctrl-C outside a command
        sys.stderr.write("Interrupted.\n")
        code = EXIT_INTERRUPTED
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        code = EXIT_INTERRUPTED
    except Exception as e:  # a usage error, or a bug: never a traceback
        from typer._click.exceptions import ClickException

        if isinstance(e, ClickException):
            e.show()
            code = e.exit_code
        elif os.environ.get("KASEGERU_DEBUG"):
            raise
        else:
            sys.stderr.write(f"Error: internal error: {type(e).__name__}: {e}\n"
                             "Set KASEGERU_DEBUG=1 to see the traceback, and please report it.\n")
            code = EXIT_NOT_FOUND
    return code if isinstance(code, int) else EXIT_OK


