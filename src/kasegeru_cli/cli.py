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
    from typer._click.exceptions import ClickException

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
    # Our own --install-completion/--show-completion (below): typer's take no
    # shell name when shellingham is installed, so `--show-completion zsh`
    # printed the bash script of a bash user, and under sh they failed.
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _fixed_wrap(format_help: Callable[..., None]) -> Callable[..., None]:
    def format_help_fixed(self: Any, ctx: Any, formatter: Any) -> None:
        from kasegeru_cli.formats.wrap import fix_rich_rstrip_end

        fix_rich_rstrip_end()  # else rich cuts help lines holding Japanese with …
        format_help(self, ctx, formatter)
    return format_help_fixed


# Only when help is drawn (rich is imported then anyway), never on other runs.
for _cls in (typer.core.TyperCommand, typer.core.TyperGroup):
    _cls.format_help = _fixed_wrap(_cls.format_help)  # type: ignore[method-assign]


def _unfiltered_completion(param: Any, *, autocompletion: Callable[..., Any] | None = None
                           ) -> None:
    """typer's hook without its ``value.startswith(incomplete)``: our completers
    match folded (``show CO-`` finds co-ba, ``--type コ`` コワーキング型)."""
    from typer._click.shell_completion import CompletionItem

    if autocompletion is None:
        return

    def complete(ctx: Any, _param: Any, incomplete: str) -> list[Any]:
        return [CompletionItem(c[0], help=c[1]) if isinstance(c, tuple) else CompletionItem(c)
                for c in autocompletion(ctx, [], incomplete)]

    param._custom_shell_complete = complete


if os.environ.get("_KASEGERU_COMPLETE"):  # a shell asks for completions
    import typer.core
    from typer._completion_classes import completion_init

    completion_init()  # typer's zsh, fish and PowerShell classes (add_completion is off)
    typer.core._typer_param_setup_autocompletion_compat = _unfiltered_completion  # type: ignore[assignment]


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
    from kasegeru_cli.text import clip_message, escape_controls

    sys.stderr.write(f"Error: {escape_controls(clip_message(message))}\n")
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
    from kasegeru_cli.text import printable_renderable

    with _pipe_guard(), con.capture() as captured:
        con.print(printable_renderable(renderable))  # no terminal commands from the data
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
    from kasegeru_cli.text import escape_line

    n = len(e.problems)
    sys.stderr.write(f"Error: the dataset is invalid ({n} problem{'s' if n != 1 else ''}):\n")
    for p in e.problems:
        sys.stderr.write(f"  {escape_line(str(p))}\n")


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
    # Slugs, and the Japanese names --type accepts too (--type コ<TAB>).
    return _complete([(s, t.name) for s, t in cat.dataset.types.items()]
                     + [(t.name, s) for s, t in cat.dataset.types.items()], incomplete) \
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
    "--format", "-f", help="Output format: table, json, jsonl, csv, tsv or markdown.",
    metavar="FORMAT", case_sensitive=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Same as --format json.")]
FieldsOpt = Annotated[str | None, typer.Option(
    "--fields", help="Comma-separated fields to output, e.g. id,name,prefectures "
    "(an unknown name lists them all).", metavar="F1,F2", autocompletion=complete_fields)]
NestedOpt = Annotated[str, typer.Option(
    "--nested", help="How CSV/TSV write lists and objects: readable (joined with '; ') or "
    "json (JSON text a script can parse back).", metavar="readable|json",
    autocompletion=lambda incomplete: [n for n in ("readable", "json")
                                       if n.startswith(incomplete)])]
LangOpt = Annotated[Lang, typer.Option(
    "--lang", help="Headline language of tables and the show page.", case_sensitive=False)]
LangNoteOpt = Annotated[Lang | None, typer.Option(
    "--lang", help="Accepted as on every command; here it changes nothing (a note on "
    "stderr says so).", case_sensitive=False)]


def lang_changes_nothing(lang: Lang | None, why: str) -> None:
    """``--lang`` is accepted by every command that prints words (issue 27); where
    it changes nothing, a note on stderr says so and why."""
    if lang is not None:
        sys.stderr.write(f"Note: --lang {lang.value} changes nothing here: {why}.\n")


def json_only(fmt: Format | None, as_json: bool, command: str) -> None:
    """``--format``/``--json`` where the only output is JSON: json is accepted, the
    others are a usage error."""
    if fmt is not None and fmt is not Format.json and not as_json:
        fail(f"{command} prints JSON only: --format json (or --json), not {fmt.value}",
             EXIT_USAGE)

def complete_topic(incomplete: str) -> list[tuple[str, str]]:
    cat = _quiet_catalog()
    return _complete([(s, t.name) for s, t in cat.dataset.topics.items()], incomplete) \
        if cat else []


def complete_operator(incomplete: str) -> list[tuple[str, str]]:
    from kasegeru_cli.models import ACTOR_KINDS

    return _complete([(k, "") for k in ACTOR_KINDS], incomplete)


def complete_basis(incomplete: str) -> list[tuple[str, str]]:
    return _complete([("named", "the report names the case"),
                      ("group", "the report places its section"),
                      ("editorial", "our judgement")], incomplete)


def complete_sector(incomplete: str) -> list[tuple[str, str]]:
    return _complete([("public", "公的機関"), ("private", "民間事業者")], incomplete)


def complete_flow(incomplete: str) -> list[tuple[str, str]]:
    from kasegeru_cli.catalog import FLOW_SLUGS

    return _complete(list(FLOW_SLUGS.items()), incomplete)


def complete_tag(incomplete: str) -> list[tuple[str, str]]:
    cat = _quiet_catalog()
    tags = dict.fromkeys(t for c in cat.cases for t in c.tags) if cat else {}
    return _complete([(t, "") for t in tags], incomplete)


def complete_sort(incomplete: str) -> list[tuple[str, str]]:
    return _complete([(k, "") for k in SORT_KEYS], incomplete)


# Every filter, declared once: (parameter, Filters field, option). @filtered adds
# them to a command's signature and hands the command one `filters: Filters`.
_Many = list[str] | None
FILTER_OPTIONS: tuple[tuple[str, str, Any], ...] = (
    ("types", "types", Annotated[_Many, typer.Option(
        "--type", "-t", help="Type: coworking, regional-resource, network, knowledge-platform, "
        "innovation-district, or its Japanese name (地域資源発掘型).", metavar="TYPE",
        autocompletion=complete_type, rich_help_panel="Filters")]),
    ("topic", "topics", Annotated[_Many, typer.Option(
        "--topic", help="Topic: slug, Japanese or English name, or a variant (空き家, "
        "childcare, DX). See: kasegeru topics.", metavar="TOPIC",
        autocompletion=complete_topic, rich_help_panel="Filters")]),
    ("operator", "operators", Annotated[_Many, typer.Option(
        "--operator", help="Kind of the lead actors: company, university, "
        "national-government, prefecture, municipality, public-body, association, financial, "
        "individual, other (or 企業, 大学, 自治体 …).", metavar="KIND",
        autocompletion=complete_operator, rich_help_panel="Filters")]),
    ("prefecture", "prefectures", Annotated[_Many, typer.Option(
        "--prefecture", "-p", help="Where the case is: 宮崎県, 宮崎, みやざき or miyazaki.",
        metavar="PREF", autocompletion=complete_prefecture, rich_help_panel="Filters")]),
    ("region", "regions", Annotated[_Many, typer.Option(
        "--region", "-r", help="Where the case is: hokkaido, tohoku, kanto, chubu, kinki, "
        "chugoku, shikoku, kyushu, okinawa, kyushu-okinawa (or 九州, 関西 …).",
        metavar="REGION", autocompletion=complete_region, rich_help_panel="Filters")]),
    ("anywhere", "anywhere", Annotated[bool, typer.Option(
        "--anywhere", help="Let --prefecture/--region match any place of a case (partners, "
        "sites, scope), not only where it is.", rich_help_panel="Filters")]),
    ("since", "since", Annotated[int | None, typer.Option(
        "--since", help="Started in or after YEAR (cases with a printed start date).",
        metavar="YEAR", rich_help_panel="Filters")]),
    ("until", "until", Annotated[int | None, typer.Option(
        "--until", help="Started in or before YEAR.", metavar="YEAR",
        rich_help_panel="Filters")]),
    ("source", "sources", Annotated[_Many, typer.Option(
        "--source", "-s", help="Source document id (see: kasegeru sources) or file number "
        "(003).", metavar="SOURCE", autocompletion=complete_source, rich_help_panel="Filters")]),
    ("basis", "bases", Annotated[_Many, typer.Option(
        "--basis", help="How the type was given: named (the 2019 report names the case), "
        "group (it places its section), editorial (ours).", metavar="BASIS",
        autocompletion=complete_basis, rich_help_panel="Filters")]),
    ("sector", "sectors", Annotated[_Many, typer.Option(
        "--sector", help="public (公的機関) or private (民間事業者), where the document says.",
        metavar="SECTOR", autocompletion=complete_sector, rich_help_panel="Filters")]),
    ("flow", "flows", Annotated[_Many, typer.Option(
        "--flow", help="metro-regional, regional-metro, regional-regional, metro-metro (or "
        "大都市圏×地方都市等 …).", metavar="FLOW", autocompletion=complete_flow,
        rich_help_panel="Filters")]),
    ("tag", "tags", Annotated[_Many, typer.Option(
        "--tag", help="A tag as printed, or a part of one (復興 finds 地域復興).", metavar="TAG",
        autocompletion=complete_tag, rich_help_panel="Filters")]),
    ("year", "years", Annotated[list[int] | None, typer.Option(
        "--year", "-y", help="Cases with any dated event or figure in YEAR.", metavar="YEAR",
        rich_help_panel="Filters")]),
)
"""Repeat an option for OR; different options combine with AND."""


def filtered(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give ``command`` every filter option in place of its ``filters`` parameter.

    Typer reads a command's options from its signature: this rewrites the
    signature, and the wrapper collects the options into one :class:`Filters`.
    A new filter is one line of :data:`FILTER_OPTIONS` and a field of Filters.
    """
    import functools
    import inspect

    sig = inspect.signature(command)
    params = list(sig.parameters.values())
    at = [p.name for p in params].index("filters")
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY,
                               default=False if name == "anywhere" else None, annotation=ann)
             for name, _, ann in FILTER_OPTIONS]
    rest = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params[at + 1:]]
    new_params = [*params[:at], *added, *rest]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values: dict[str, Any] = {}
        for name, fld, _ in FILTER_OPTIONS:
            value = kwargs.pop(name)
            values[fld] = value if fld in ("since", "until", "anywhere") else tuple(value or ())
        return command(*args, filters=Filters(**values), **kwargs)

    wrapper.__signature__ = sig.replace(parameters=new_params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in new_params}
    return wrapper


def _lookup(cat: Catalog, query: str) -> Case:
    """The case ``query`` names (id, alias, name or a unique part), or exit 1 saying why."""
    from kasegeru_cli.catalog import AmbiguousError, NotFoundError

    try:
        return cat.lookup(query)
    except AmbiguousError as e:
        shown = e.cases[:20]
        more = f"\n  … and {len(e.cases) - len(shown)} more" if len(e.cases) > len(shown) else ""
        fail(f"{query!r} matches {len(e.cases)} cases; give one of their ids:\n"
             + "\n".join(f"  {c.id}  {c.name}" for c in shown) + more, EXIT_NOT_FOUND)
    except NotFoundError as e:
        from kasegeru_cli.lookup import not_found_message

        fail(not_found_message(query, e.suggestions), EXIT_NOT_FOUND)


def _apply_filters(filters: Filters) -> list[Case]:
    try:
        cases = catalog().filter(filters)
    except QueryError as e:
        fail(str(e), EXIT_USAGE)
    _say_notes(filters)
    return cases


def _say_notes(filters: Filters) -> None:
    from kasegeru_cli.text import clip_message, escape_controls

    for note in filters.notes:
        sys.stderr.write(f"Note: {escape_controls(clip_message(note))}\n")
    filters.notes.clear()


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


def _nested(value: str) -> str:
    from kasegeru_cli.formats.delimited import NESTED

    if value not in NESTED:
        fail(f"--nested takes readable or json, not {value!r}", EXIT_USAGE)
    return value


def _format(fmt: Format, as_json: bool) -> Format:
    return Format.json if as_json else fmt


def output_cases(cases: Sequence[Case], fmt: Format, fields: tuple[str, ...] | None,
                 lang: Lang, hits: Sequence[Hit] | None = None,
                 nested: str = "readable") -> None:
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
    cached = _json_texts() if fmt is Format.json and fields is None else None
    if cached is not None and hits is not None:
        from kasegeru_cli.records import hits_json

        emit(hits_json(cases, [_match(h) for h in hits], cached))
        return
    if fmt in (Format.json, Format.jsonl):
        from kasegeru_cli.formats.jsonfmt import render_json, render_jsonl

        rows: list[dict[str, Any]] = []
        for i, case in enumerate(cases):
            row = pick(case, fields)
            if hits is not None:
                row["match"] = _match(hits[i])
            rows.append(row)
        emit(render_json(rows) if fmt is Format.json else render_jsonl(rows))
        return
    # CSV and TSV are for spreadsheets and scripts: every field, as export writes
    # them. Markdown is for reading (an issue, a wiki): the list's columns.
    columns = fields or ((*LIST_FIELDS, "name_en") if fmt is Format.markdown else FIELDS)
    extra = ([{"score": str(h.score), "snippet": h.snippet, "tier": h.tier} for h in hits]
             if hits is not None else None)
    if fmt is Format.markdown:
        from kasegeru_cli.formats.markdown import render_markdown

        emit(render_markdown(cases, columns))
        return
    from kasegeru_cli.formats.delimited import render_delimited

    emit(render_delimited(cases, columns, delimiter="\t" if fmt is Format.tsv else ",",
                          extra=extra, nested=nested))


def _match(h: Hit) -> dict[str, Any]:
    """A search hit's ``match`` object (JSON): where it matched, its tier, the concepts."""
    return {"score": h.score, "field": h.field, "snippet": h.snippet, "tier": h.tier,
            "concepts": list(h.concepts)}


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


COMPLETION_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def _completion_shell(name: str) -> str:
    """``name``, or the shell this runs under when ``name`` is empty; exit 2 if
    that is no shell completion is written for."""
    if name in ("", "auto"):
        from typer._completion_shared import _get_shell_name

        name = _get_shell_name() or Path(os.environ.get("SHELL", "")).name
    if name not in COMPLETION_SHELLS:
        what = f"there is no completion for {name}" if name else \
            "cannot tell which shell this is"
        fail(f"{what}; name one of {', '.join(COMPLETION_SHELLS)}, e.g. "
             "kasegeru --show-completion zsh", EXIT_USAGE)
    return name


def completion_script(shell: str) -> str:
    """The completion script for ``shell`` (bash, zsh, fish, powershell, pwsh)."""
    from typer._completion_classes import completion_init
    from typer._completion_shared import get_completion_script

    completion_init()
    script = get_completion_script(prog_name="kasegeru", complete_var="_KASEGERU_COMPLETE",
                                   shell=shell).rstrip("\n") + "\n"
    return _zsh_first_tab(script) if shell == "zsh" else script


ZSH_REGISTER = "compdef _kasegeru_completion kasegeru\n"
ZSH_AUTOLOAD_OR_REGISTER = """\
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  # Autoloaded from $fpath by the first Tab: complete now (click's #2344).
  _kasegeru_completion "$@"
else
  # Sourced or eval'ed: register the function for the Tabs to come.
  compdef _kasegeru_completion kasegeru
fi
"""


def _zsh_first_tab(script: str) -> str:
    """typer's zsh script only registers its function when run: installed in
    $fpath (what --install-completion does), the first Tab of every shell ran
    it and completed nothing. Autoloaded, it now also completes at once; sourced
    or eval'ed (``eval "$(kasegeru --show-completion zsh)"``), it registers."""
    if not script.endswith(ZSH_REGISTER):
        raise RuntimeError("typer's zsh completion script changed; see _zsh_first_tab")
    return script[:-len(ZSH_REGISTER)] + ZSH_AUTOLOAD_OR_REGISTER


def _show_completion(ctx: typer.Context, value: str | None) -> None:
    if value is None or ctx.resilient_parsing:
        return
    emit(completion_script(_completion_shell(value)))
    raise typer.Exit()


def _shell_after_install_flag(argv: Sequence[str]) -> str:
    """The shell named after the flag (``kasegeru --install-completion zsh``), or ''.

    typer has no option with an optional value, so the word is read from the
    command line; the eager flag ends the run before it is taken for a command
    (it used to be ignored: the shell this ran under was set up instead)."""
    try:
        word = argv[list(argv).index("--install-completion") + 1]
    except (ValueError, IndexError):
        return ""
    return "" if word.startswith("-") else word


def _install_completion(ctx: typer.Context, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from typer._completion_classes import completion_init
    from typer._completion_shared import install

    completion_init()
    named = _shell_after_install_flag(sys.argv[1:])
    shell, path = install(shell=_completion_shell(named), prog_name="kasegeru",
                          complete_var="_KASEGERU_COMPLETE")
    if shell == "zsh":  # typer wrote its own script: ours completes on the first Tab
        path.write_text(completion_script(shell), encoding="utf-8")
    from kasegeru_cli.text import escape_line

    sys.stderr.write(f"{shell} completion installed in {escape_line(str(path))}; it takes "
                     "effect in a new terminal.\n")
    raise typer.Exit()


def _refuse_empty_paths(what: str, paths: list[str]) -> None:
    """An empty path is a usage error: ``Path("")`` is ``.``, and "`.` is a
    directory" would blame something the user never named."""
    if any(p == "" for p in paths):
        fail(f"{what} was given an empty path; name a case file", EXIT_USAGE)


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
    install_completion: Annotated[bool, typer.Option(
        "--install-completion", callback=_install_completion, is_eager=True,
        expose_value=False, help="Install completion for the current shell, or the one "
        "named after it (bash, zsh, fish or PowerShell): --install-completion zsh.")
    ] = False,
    show_completion: Annotated[str | None, typer.Option(
        "--show-completion", metavar="SHELL", callback=_show_completion, is_eager=True,
        expose_value=False, help="Print the completion script for SHELL (bash, zsh, fish, "
        "powershell; auto: the current shell), to install it yourself.")] = None,
) -> None:
    _refuse_empty_paths("--data", [data] if data is not None else [])
    _refuse_empty_paths("--add", add or [])
    STATE.data = Path(data) if data is not None else None
    STATE.add = tuple(Path(a) for a in add or ())
    STATE._catalog = None
    STATE._loaded = None
    if ctx.invoked_subcommand is None:
        sys.stdout.write(ctx.get_help() + "\n")
        raise typer.Exit(EXIT_OK)


@app.command("list")
@filtered
def list_cases(
    filters: Filters,
    sort: Annotated[str | None, typer.Option(
        "--sort", help=f"Order by {', '.join(SORT_KEYS[:-1])} or {SORT_KEYS[-1]} (default: "
        "dataset order; started: earliest start first).", metavar="KEY",
        autocompletion=complete_sort)] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=0, metavar="N",
                                              help="Show at most N cases.")] = None,
    fmt: FormatOpt = Format.table, as_json: JsonOpt = False, fields: FieldsOpt = None,
    lang: LangOpt = Lang.ja, nested: NestedOpt = "readable",
) -> None:
    """List cases, narrowed by filters.

    A repeated filter means OR; different filters AND.

    Examples:

      kasegeru list --type coworking

      kasegeru list --prefecture 宮崎県

      kasegeru list --topic 空き家 --operator company

      kasegeru list --region kyushu --since 2015 --json

      kasegeru list --source 2019-report --fields id,name,types --format csv
    """
    names = _fields(fields)
    cases = _apply_filters(filters)
    if sort:
        try:
            cases = catalog().sort(cases, sort, lang.value)
        except QueryError as e:
            fail(str(e), EXIT_USAGE)
    if limit is not None:
        cases = cases[:limit]
    output_cases(cases, _format(fmt, as_json), names, lang, nested=_nested(nested))


@app.command()
def show(
    case_id: Annotated[str, typer.Argument(
        metavar="ID", help="Case id, alias, name, or a part of a name only one case has "
        "(case, full/half width and kana ignored).", autocompletion=complete_case_id)],
    fmt: FormatOpt = Format.table, as_json: JsonOpt = False, fields: FieldsOpt = None,
    lang: LangOpt = Lang.ja,
    pager: Annotated[bool, typer.Option(
        "--pager/--no-pager", help="Page a long record through $PAGER (default: when "
        "stdout is a terminal).")] = True,
) -> None:
    """Show one case in full.

    Summary, points, challenges, timeline, figures, actors, places, sources and
    related cases.

    Examples:

      kasegeru show co-ba

      kasegeru show コーバ --lang en

      kasegeru show スタートアップカフェ

      kasegeru show co-ba --json | jq .figures
    """
    names = _fields(fields)
    cat = catalog()
    case = _lookup(cat, case_id)
    f = _format(fmt, as_json)
    if f is Format.table:
        from kasegeru_cli.formats.table import fields_page, show_page

        page = fields_page(case, names) if names is not None else \
            show_page(case, cat.page_context(case, lang.value), lang.value)
        emit_rich(page, page=pager)
        return
    if f in (Format.json, Format.jsonl):
        from kasegeru_cli.formats.jsonfmt import render_json, render_jsonl
        from kasegeru_cli.records import pick

        record = pick(case, names)
        emit(render_json(record) if f is Format.json else render_jsonl([record]))
        return
    output_cases([case], f, names, lang)


@app.command()
@filtered
def search(
    words: Annotated[list[str], typer.Argument(
        metavar="WORDS...", help="Words to find, in Japanese or English: all must match; "
        "a OR b; \"a phrase\".")],
    filters: Filters,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=0, metavar="N",
                                              help="Show at most N results.")] = None,
    fmt: FormatOpt = Format.table, as_json: JsonOpt = False, fields: FieldsOpt = None,
    lang: LangOpt = Lang.ja, nested: NestedOpt = "readable",
    about: Annotated[bool, typer.Option(
        "--about", help="Only the cases about the words (the answer), not those that "
        "only mention them.")] = False,
) -> None:
    """Search every text field in both languages, ranked, with snippets.

    Matching ignores case, full/half width and hiragana/katakana. English words
    match whole (DX is not TEDx), with plurals and hyphens folded (startup =
    start-ups). A word of the thesaurus (`kasegeru topics`) also finds its
    concept's other labels in both languages and its narrower concepts: 空き家
    finds 空家 and 空き店舗, not 遊休地; "shopping street" finds 商店街. A topic's
    name finds the whole topic. Words of one topic are alternatives (子育て 保育).

    The cases *about* the words come first (name, summary, tags, actors' names,
    topic); then, marked "also mentioned in", those that only mention them.

    Examples:

      kasegeru search コワーキング

      kasegeru search "vacant houses"

      kasegeru search "bank start-up" --json

      kasegeru search 空き家 OR 古民家 --region chugoku
    """
    names = _fields(fields)
    cat = catalog()
    query = " ".join(words)
    try:
        hits = cat.search(query, filters)
    except QueryError as e:
        fail(str(e), EXIT_USAGE)
    _say_notes(filters)
    if STATE._loaded is not None:
        STATE._loaded.keep_folded_texts(cat.folded_texts)
    if about:
        hits = [h for h in hits if h.tier == "about"]
    if limit is not None:
        hits = hits[:limit]
    shown = _format(fmt, as_json)
    if shown is Format.table:
        _search_table(hits, names, lang, cat)
        return
    output_cases([h.case for h in hits], shown, names, lang, hits, nested=_nested(nested))


def _search_table(hits: Sequence[Hit], names: tuple[str, ...] | None, lang: Lang,
                  cat: Catalog) -> None:
    """The about cases, then the ones that only mention the words, each a table."""
    if hits and hits[0].concepts:
        thes = cat.thesaurus()
        used = ", ".join(f"{s} ({' / '.join(thes.labels[s][:1] or (s,))})"
                         if s not in cat.dataset.topics else f"{s} (topic)"
                         for s in hits[0].concepts)
        console(stderr=True).print(f"concepts: {used}", style="dim", highlight=False,
                                   markup=False)
    answer = [h for h in hits if h.tier == "about"]
    mentions = [h for h in hits if h.tier != "about"]
    if answer or not mentions:
        output_cases([h.case for h in answer], Format.table, names, lang, answer)
    if mentions:
        from rich.text import Text

        emit_rich(Text(f"also mentioned in ({len(mentions)}):", style="bold"))
        output_cases([h.case for h in mentions], Format.table, names, lang, mentions)


@app.command()
def types(
    fmt: FormatOpt = Format.table, as_json: JsonOpt = False, lang: LangOpt = Lang.ja,
) -> None:
    """The 2019 report's typology (知的対流), defined and counted.

    Each type's definition in the report's own words, where it is defined, its
    example cases, and how many cases it has.

    Examples:

      kasegeru types

      kasegeru types --json | jq '.[] | {slug, cases_named, cases_group}'
    """
    cat = catalog()
    counts = cat.count_by_type()
    zero = {"named": 0, "group": 0, "editorial": 0}
    rows = [{
        "slug": t.slug, "name": t.name, "name_en": t.name_en, "definition": t.definition,
        "definition_en": t.definition_en, "defined_in": t.defined_in, "examples": list(t.examples),
        **{f"cases_{basis}": n for basis, n in counts.get(slug, zero).items()},
    } for slug, t in cat.dataset.types.items()]

    def table() -> "RenderableType":
        from kasegeru_cli.formats.table import types_table

        names = {c.id: c.display_name(lang.value) for c in cat.cases}
        return types_table(rows, names)
    output_rows(rows, _format(fmt, as_json), table)


@app.command()
def topics(
    fmt: FormatOpt = Format.table, as_json: JsonOpt = False, lang: LangOpt = Lang.ja,
) -> None:
    """The topics cases are filed under, with counts, and their concepts.

    Topics are editorial (docs/DATA.md): each one's name, criterion, the
    spellings search bridges, and how many cases have it. Under each topic, its
    narrower concepts (the thesaurus search expands a word down, never up).

    Examples:

      kasegeru topics

      kasegeru list --topic vacant-buildings

      kasegeru topics --json | jq '.[] | {slug, cases}'
    """
    from kasegeru_cli.thesaurus import concept_tree

    cat = catalog()
    counts = dict(cat.stats("topic"))
    rows = [{
        "slug": t.slug, "name": t.name, "name_en": t.name_en, "criterion": t.criterion,
        "criterion_en": t.criterion_en, "variants": list(t.variants), "cases": counts.get(slug, 0),
        "concepts": concept_tree(cat.dataset.concepts, slug),
    } for slug, t in cat.dataset.topics.items()]

    def table() -> "RenderableType":
        from kasegeru_cli.formats.table import topics_table

        return topics_table(rows, lang.value)
    output_rows(rows, _format(fmt, as_json), table)


@app.command()
def sources(
    fmt: FormatOpt = Format.table, as_json: JsonOpt = False, lang: LangOpt = Lang.ja,
) -> None:
    """The five source documents, with the cases each holds.

    Title, issuing body, date, file, and how many cases cite each (a record
    citing two documents counts for both).

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
        return sources_table(rows, lang.value)
    output_rows(rows, _format(fmt, as_json), table)


StatsBy = Enum("StatsBy", {k: k for k in STATS_KEYS}, type=str)  # type: ignore[misc]


assert tuple(s.value for s in StatsBy) == STATS_KEYS


@app.command()
@filtered
def stats(
    filters: Filters,
    by: Annotated[StatsBy, typer.Option(
        "--by", "-b", help="What to count by: type, prefecture, region, source, section, "
        "category, sector, flow, tag, topic, operator (kind of the lead actors), basis, "
        "started (year), decade, year (of any event).", metavar="FACET",
        case_sensitive=False)
    ] = StatsBy.type,  # type: ignore[attr-defined]
    fmt: FormatOpt = Format.table, as_json: JsonOpt = False, lang: LangNoteOpt = None,
) -> None:
    """Count cases by a facet (type, topic, region …), with a bar each.

    A case with two values counts for both; cases with none count under null
    (shown as "(none)" in the table).

    Examples:

      kasegeru stats --by topic

      kasegeru stats --by region --source 2019-report --json

      kasegeru stats --by decade --operator company
    """
    lang_changes_nothing(lang, "stats prints slugs and counts, the same in every language")
    cases = _apply_filters(filters)
    counted = catalog().stats(by.value, cases, anywhere=filters.anywhere)
    rows = [{by.value: k, "cases": n} for k, n in counted]

    def table() -> "RenderableType":
        from kasegeru_cli.formats.table import stats_bars
        return stats_bars([(k if k is not None else "(none)", n) for k, n in counted],
                          terminal_width(), by.value)
    output_rows(rows, _format(fmt, as_json), table)


@app.command()
@filtered
def export(
    filters: Filters,
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", help="json: array of full records; jsonl: one per line; csv/tsv: "
        "flattened; toml: a valid case file; sqlite: a database (needs -o), with Datasette's "
        "metadata beside it (FILE.metadata.json).", metavar="FORMAT",
        case_sensitive=False)] = ExportFormat.json,
    output_name: Annotated[str | None, typer.Option(
        "--output", "-o", help="Write to this file (atomically) instead of stdout.",
        metavar="FILE")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    excel: Annotated[bool, typer.Option(
        "--excel", help="CSV/TSV for Excel: UTF-8 with a BOM (so Japanese shows correctly), "
        "CRLF, and a ' before cells a spreadsheet would run as formulas.")
    ] = False,
    nested: NestedOpt = "readable",
    as_json: JsonOpt = False, lang: LangNoteOpt = None,
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
    from kasegeru_cli.export import (
        ExportError,
        check_output_name,
        check_target,
        export_bytes,
        write_atomic,
    )
    from kasegeru_cli.text import escape_line

    lang_changes_nothing(lang, "export writes every field in both languages")
    if as_json:
        fmt = ExportFormat.json
    cat = catalog()
    cases = _apply_filters(filters)
    if output_name == "-":
        output_name = None  # -o - is stdout, as for most tools
    if output_name is not None and "\x00" in output_name:
        fail(f"{output_name!r} is not a valid file name (it holds a NUL byte)", EXIT_USAGE)
    if output_name == "":
        fail("the output file name is empty (use -o - for stdout)", EXIT_USAGE)
    try:
        if output_name is not None:
            check_output_name(output_name)  # newdir/: Path() drops the separator
    except OSError as e:
        fail(f"cannot write {escape_line(str(output_name))}: {e.strerror or e}", EXIT_NOT_FOUND)
    output = Path(output_name) if output_name is not None else None
    try:
        if output is not None:
            check_target(output, force)  # before the work; write_atomic checks again
    except OSError as e:
        fail(f"cannot write {escape_line(str(output))}: {e.strerror or e}", EXIT_NOT_FOUND)
    try:
        if fmt is ExportFormat.sqlite:
            from kasegeru_cli.formats.sqlite import write_sqlite

            if output is None:
                fail("--format sqlite needs --output FILE (a database is not text)", EXIT_USAGE)
            _check_metadata_target(output, force)
            write: Callable[[Path], object] = partial(write_sqlite, cat.dataset, cases)
        else:
            data = export_bytes(cat.dataset, cases, fmt.value, excel=excel,
                                complete=filters.is_empty(), nested=_nested(nested),
                                rendered=_json_texts() if fmt is ExportFormat.json else None)
            if output is None:
                with _pipe_guard():
                    sys.stdout.buffer.write(data)
                return
            write = partial(Path.write_bytes, data=data)
        write_atomic(output, write, force=force)
    except ExportError as e:
        fail(str(e), EXIT_USAGE)
    except OSError as e:
        fail(f"cannot write {escape_line(str(output))}: {e.strerror or e}", EXIT_NOT_FOUND)
    sys.stderr.write(f"Wrote {len(cases)} cases to {escape_line(str(output))}\n")
    if fmt is ExportFormat.sqlite and output is not None:
        _write_metadata(cat, output, force)


def _check_metadata_target(database: Path, force: bool) -> None:
    """Refuse before any work when Datasette's metadata cannot go beside ``database``."""
    from kasegeru_cli.export import check_target
    from kasegeru_cli.text import escape_line
    from kasegeru_cli.web import metadata_path

    path = metadata_path(database)
    try:
        check_target(path, force)
    except OSError as e:
        fail(f"cannot write {escape_line(str(path))}: {e.strerror or e}", EXIT_NOT_FOUND)


def _write_metadata(cat: Catalog, database: Path, force: bool) -> None:
    """``export --format sqlite``: Datasette's metadata (title, licence, credit lines,
    column descriptions, facets, canned queries) as ``NAME.metadata.json``."""
    from kasegeru_cli.export import write_atomic
    from kasegeru_cli.text import escape_line
    from kasegeru_cli.web import metadata_json, metadata_path

    path = metadata_path(database)
    text = metadata_json(cat.dataset, database.stem)
    try:
        write_atomic(path, partial(Path.write_text, data=text, encoding="utf-8"), force=force)
    except OSError as e:
        fail(f"cannot write {escape_line(str(path))}: {e.strerror or e}", EXIT_NOT_FOUND)
    from kasegeru_cli.text import escape_line

    shown, db = escape_line(str(path)), escape_line(str(database))
    sys.stderr.write(f"Wrote Datasette's metadata to {shown}: datasette {db} -m {shown}\n")


@app.command(short_help="Browse and search the cases in a web browser (Datasette).")
@filtered
def serve(
    filters: Filters,
    port: Annotated[int, typer.Option(
        "--port", min=1, max=65535, help="Port to listen on.")] = 8001,
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on; 0.0.0.0 lets other machines in.")] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option(
        "--open", help="Open the front page in the web browser.")] = False,
    sql: Annotated[bool, typer.Option(
        "--sql", help="Let the pages run any SQL (off: tables, search, facets and the "
                      "canned queries only).")] = False,
) -> None:
    """Browse and search the cases in a web browser: Datasette on the SQLite
    export (after any filters, with --data and --add), read-only, on this
    machine only unless --host says otherwise (with a warning naming the
    addresses). Needs the web extra: pip install 'kasegeru\\[web]'.

    The database is built once per dataset and selection and kept in the cache
    directory. Search finds Japanese words of any length (移住, コワーキング);
    facets by type, prefecture, topic and operator kind.

    Examples:

      kasegeru serve --open

      kasegeru serve --type coworking --port 8080

      kasegeru --add team.toml serve
    """
    try:
        import datasette  # noqa: F401  (an optional extra: imported here only)
    except ImportError:
        fail("kasegeru serve needs Datasette, which is not installed. Install it with:\n"
             "  pip install 'kasegeru[web]'", EXIT_NOT_FOUND)
    from kasegeru_cli import web
    from kasegeru_cli.store import bundled_path

    cases = _apply_filters(filters)
    try:
        where = web.listening(host, port)
    except web.ListenError as e:
        fail(str(e), EXIT_NOT_FOUND)
    paths = [STATE.data or bundled_path(), *STATE.add]
    try:
        with where, web.prepared(catalog().dataset, cases, paths) as (directory, cached):
            how = "from the cache" if cached else "built"
            from kasegeru_cli.text import escape_line

            sys.stderr.write(f"{len(cases)} cases ({how}: {escape_line(str(directory))})\n")
            for warning in (web.exposure_warning(where), web.SQL_WARNING if sql else None):
                if warning:
                    sys.stderr.write(warning + "\n")
            web.run(directory, where, open_browser, web.metadata(catalog().dataset), sql)
    except OSError as e:
        fail(f"cannot serve: {e.strerror or e}", EXIT_NOT_FOUND)


@app.command("map")
@filtered
def map_(
    filters: Filters,
    fmt: FormatOpt = Format.table, as_json: JsonOpt = False, lang: LangNoteOpt = None,
) -> None:
    """A tile map of the 47 prefectures, shaded by number of cases.

    Same filters as list. A case counts once in each prefecture where it is
    (its main places; with --anywhere, every place it names). The map needs 59
    columns; a narrower terminal gets the counts as a list.

    Examples:

      kasegeru map

      kasegeru map --type coworking

      kasegeru map --source chiho-sosei-2 --json
    """
    from kasegeru_cli.prefectures import BY_NAME, PREFECTURES

    lang_changes_nothing(lang, "the map prints prefecture names and counts")
    cases = _apply_filters(filters)
    counts = {k: n for k, n in catalog().stats("prefecture", cases, anywhere=filters.anywhere)
              if k is not None}
    unplaced = sum(1 for c in cases if not c.prefectures(filters.anywhere))

    def table() -> "RenderableType":
        from rich.console import Group
        from rich.text import Text

        from kasegeru_cli.formats.tilemap import tile_map

        title = f"{len(cases)} cases in {len(counts)} prefectures"
        note = Text(f"{unplaced} of them are in no prefecture (a region, national or "
                    "overseas scope)",
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
    topics = "topics"
    sources = "sources"
    stats = "stats"
    map = "map"
    cite = "cite"


@app.command()
def schema(
    output: Annotated[SchemaFor, typer.Argument(
        help="Which JSON output: case (show), list (also export), search, types, "
        "topics, sources, stats, map, cite.", metavar="[OUTPUT]",
        case_sensitive=False)] = SchemaFor.list,
    fields: FieldsOpt = None,
    fmt: Annotated[Format | None, typer.Option(
        "--format", "-f", help="json (the only one: a schema is JSON).", metavar="FORMAT",
        case_sensitive=False)] = None,
    as_json: JsonOpt = False, lang: LangNoteOpt = None,
) -> None:
    """Print the JSON Schema of a command's JSON output.

    JSON Schema draft 2020-12, for validating or generating code against it.

    Examples:

      kasegeru schema > kasegeru-list.schema.json

      kasegeru schema case

      kasegeru schema list --fields id,name,topics
    """
    from kasegeru_cli.formats.jsonfmt import render_json
    from kasegeru_cli.schema import json_schema

    json_only(fmt, as_json, "schema")
    lang_changes_nothing(lang, "a JSON Schema names the fields, in English")
    names = _fields(fields)
    if names is not None and output.value not in ("case", "list", "search"):
        fail("--fields applies to the case, list and search schemas", EXIT_USAGE)
    emit(render_json(json_schema(output.value, names)))


@app.command()
def validate(
    paths: Annotated[list[str] | None, typer.Argument(
        help="Case files to check together (default: the dataset in use).",
        metavar="[PATH]...")] = None,
    fmt: Annotated[Format, typer.Option(
        "--format", "-f", help="table (a line of text) or json (an object: ok, counts, "
        "problems).", metavar="FORMAT", case_sensitive=False)] = Format.table,
    as_json: JsonOpt = False, lang: LangNoteOpt = None,
) -> None:
    """Check case files; exit 0 when valid, 1 otherwise.

    Every problem is listed with its file, line, case and field.

    Several files are checked together, as --data and --add would load them
    (the first is the base; ids must be unique across all).

    Examples:

      kasegeru validate

      kasegeru validate my-cases.toml

      kasegeru validate data/cases.toml extra.toml
    """
    from kasegeru_cli.loader import english_problems, label_problems, load_files
    from kasegeru_cli.store import bundled_path

    _refuse_empty_paths("validate", paths or [])
    f = _format(fmt, as_json)
    if f not in (Format.table, Format.json):
        fail(f"validate prints text or JSON: --format table or json, not {f.value}",
             EXIT_USAGE)
    lang_changes_nothing(lang, "validate's messages are in English")
    files = [Path(p) for p in paths or []]
    if not files:
        files = [STATE.data or bundled_path(), *STATE.add]
    try:
        dataset = load_files(files)
    except DatasetError as e:
        _report_problems(e)
        if f is Format.json:
            emit(_validate_json(files, problems=e.problems))
        raise typer.Exit(EXIT_NOT_FOUND) from None
    labels = label_problems(files, dataset)
    untranslated = english_problems(files, dataset)
    bundled = bundled_path().resolve()
    if any(f.resolve() == bundled for f in files if f.exists()):
        labels += [p for p in untranslated if Path(p.file).resolve() == bundled]
    for p in untranslated:
        if labels and p in labels:
            continue
        from kasegeru_cli.text import escape_line

        sys.stderr.write(f"Warning: {escape_line(str(p))}\n")
    if labels:
        _report_problems(DatasetError(labels))
        if f is Format.json:
            emit(_validate_json(files, problems=labels))
        raise typer.Exit(EXIT_NOT_FOUND)
    if f is Format.json:
        emit(_validate_json(files, counts={
            "cases": len(dataset.cases), "sources": len(dataset.sources),
            "types": len(dataset.types), "topics": len(dataset.topics)}))
        return
    from kasegeru_cli.text import escape_line

    names = ", ".join(escape_line(str(p)) for p in files)
    emit(f"OK: {len(dataset.cases)} cases, {len(dataset.sources)} sources, "
         f"{len(dataset.types)} types, {len(dataset.topics)} topics ({names})\n")


def _validate_json(files: Sequence[Path], counts: dict[str, int] | None = None,
                   problems: Sequence[Any] = ()) -> str:
    """``validate --json``: ok, the files, the counts (when valid), every problem."""
    from dataclasses import asdict

    from kasegeru_cli.formats.jsonfmt import render_json

    return render_json({"ok": not problems, "files": [str(p) for p in files],
                        **(counts or {}), "problems": [asdict(p) for p in problems]})


@app.command()
def cite(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="Case id or alias.",
                                            autocompletion=complete_case_id)],
    fmt: Annotated[Format, typer.Option(
        "--format", "-f", help="table (the lines as text), json, jsonl, csv, tsv or "
        "markdown (a row per source: source, ja, en).", metavar="FORMAT",
        case_sensitive=False)] = Format.table,
    as_json: JsonOpt = False,
    lang: Annotated[Lang | None, typer.Option(
        "--lang", help="Print only the Japanese (ja) or the English (en) line (default: "
        "both).", case_sensitive=False)] = None,
) -> None:
    """Print the credit line(s) for a case, in Japanese and English.

    Ready to paste into a report (reuse of government documents needs one).

    Examples:

      kasegeru cite co-ba
    """
    from kasegeru_cli.formats.table import credit_ja

    cat = catalog()
    case = _lookup(cat, case_id)
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
    f = _format(fmt, as_json)
    if f is not Format.table:
        lang_changes_nothing(lang, "each row holds both lines (ja, en)")
        output_rows(rows, f, None)
        return
    keys = [lang.value] if lang is not None else ["ja", "en"]
    emit("".join(f"{r[k]}\n" for r in rows for k in keys))


# --------------------------------------------------------------------------- entry point


def _show_usage_error(e: "ClickException") -> None:
    """click's usage message, with what the user typed escaped (click shows
    option values with ``repr``, but not an unknown option's name)."""
    import io

    from kasegeru_cli.text import clip_message, escape_controls

    buf = io.StringIO()
    e.show(file=buf)
    sys.stderr.write(escape_controls(clip_message(buf.getvalue())))


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
    except OSError:  # stdout failed outside a guard (click's --help): console.py says why
        raise
    except Exception as e:  # a usage error, or a bug: never a traceback
        from typer._click.exceptions import ClickException

        if isinstance(e, ClickException):
            _show_usage_error(e)
            code = e.exit_code
        elif os.environ.get("KASEGERU_DEBUG"):
            raise
        else:
            from kasegeru_cli.text import escape_controls

            sys.stderr.write(f"Error: internal error: {type(e).__name__}: "
                             f"{escape_controls(str(e))}\n"
                             "Set KASEGERU_DEBUG=1 to see the traceback, and please report it.\n")
            code = EXIT_NOT_FOUND
    return code if isinstance(code, int) else EXIT_OK


