"""Rich renderables for people: the list table, the show page, types, sources, stats.

This is the only module that imports rich; the CLI imports it only when it is
about to draw a table, so JSON output never pays for rich's import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from kasegeru_cli.formats.wrap import JaText, SlugText, ValuesText
from kasegeru_cli.models import Case, Figure, Location
from kasegeru_cli.records import date_text, figure_text, flat_value
from kasegeru_cli.search import Hit


@dataclass(frozen=True)
class PageContext:
    """What the show page needs beyond the case itself, handed in by the caller,
    so that formats stay below the catalog."""

    type_names: Mapping[str, str] = field(default_factory=dict)
    """Type slug → its Japanese name."""
    topic_names: Mapping[str, str] = field(default_factory=dict)
    """Topic slug → its name in the page's language."""
    source_titles: Mapping[str, str] = field(default_factory=dict)
    related: Sequence[Case] = ()
    credits: Sequence[str] = ()
    """The 出典 line of each source the case cites."""

_HEADERS_EN = {"id": "id", "name": "name", "types": "types", "prefectures": "prefecture",
               "sources": "source"}

# Columns printed whole, one value a line: an id is what people copy into `show`,
# a type is a slug they type, and 宮城県 cut to 宮 would be 宮崎県 as well.
_WHOLE = ("id", "types", "prefectures", "sources", "started", "started_fiscal", "types_basis",
          "years", "sector", "flow", "category")
_GAP = 3  # cells between two columns: padding, the (blank) rule, padding
NAME_MIN = 16
"""The narrowest a name column gets (8 Japanese characters) before the table
turns into one block per case."""


def _cell(case: Case, column: str, lang: str) -> str:
    if column == "name":
        return case.display_name(lang)
    if column == "sources":
        return "\n".join(dict.fromkeys(r.source for r in case.sources))
    if column == "types" and case.types and case.types_basis == "editorial":
        return "\n".join(case.types) + " *"
    if column in ("types", "prefectures"):
        return "\n".join(case.types if column == "types" else case.prefectures())
    return flat_value(case, column)


def _whole(column: str, cells: Sequence[str]) -> bool:
    """Whether ``column`` is printed without wrapping: its own kind, or short values."""
    return column in _WHOLE or all(cell_len(line) <= 12 for c in cells
                                   for line in c.splitlines())


def list_table(cases: Sequence[Case], columns: Sequence[str], lang: str = "ja",
               hits: Sequence[Hit] | None = None) -> RenderableType:
    """One row per case; ``hits`` adds search's snippet column; laid out for the
    width it is printed at (:func:`list_layout`)."""
    return _AtWidth(lambda width: list_layout(cases, columns, lang, hits, width))


class _AtWidth:
    """A renderable built when rich knows the width it will be printed at."""

    def __init__(self, build: Callable[[int], RenderableType]) -> None:
        self.build = build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.build(options.max_width)


def list_layout(cases: Sequence[Case], columns: Sequence[str], lang: str,
                hits: Sequence[Hit] | None, width: int) -> RenderableType:
    """The list at ``width`` cells.

    Ids, types and prefectures are never cut or wrapped; text columns (the name,
    a snippet) share what is left and break lines by the Japanese rules. When
    that leaves a name fewer than :data:`NAME_MIN` cells, each case is a block
    instead: its id and short values on one line, its text below.
    """
    cells = [[_cell(case, c, lang) for c in columns] for case in cases]
    headers = [_HEADERS_EN.get(c, c) for c in columns]
    whole = [_whole(c, [row[i] for row in cells]) for i, c in enumerate(columns)]
    natural = [max([cell_len(h), *(cell_len(line) for row in cells
                                   for line in row[i].splitlines())])
               for i, h in enumerate(headers)]
    n_text = sum(1 for w in whole if not w) + (hits is not None)
    fixed = sum(w for w, keep in zip(natural, whole, strict=True) if keep)
    gaps = _GAP * (len(columns) + (hits is not None) - 1)
    room = width - fixed - gaps
    notes = []
    if any(c.types_basis == "editorial" and c.types for c in cases) and "types" in columns:
        notes.append("* editorial type: the source document gives none")
    footer = Text(f"{len(cases)} case{'s' if len(cases) != 1 else ''}"
                  + ("; " + "; ".join(notes) if notes else ""), style="dim")
    if (n_text and room < NAME_MIN * n_text) or (not n_text and room < 0):
        return Group(_blocks(cases, columns, cells, whole, hits, width), footer)

    # Every width is decided here, so rich has nothing to shrink: the text
    # columns share the room left, none wider than its longest line needs.
    share = room // n_text if n_text else 0
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for i, header in enumerate(headers):
        if whole[i]:
            table.add_column(header, no_wrap=True, width=natural[i])
        else:
            table.add_column(header, overflow="fold", width=min(share, natural[i]))
    if hits is not None:
        table.add_column("match", overflow="fold", width=share)
    for i, row in enumerate(cells):
        rendered: list[RenderableType] = [Text(c) if keep else JaText(c)
                                          for c, keep in zip(row, whole, strict=True)]
        if hits is not None:
            rendered.append(JaText(hits[i].snippet, style="dim"))
        table.add_row(*rendered)
    return Group(table, footer)


def _blocks(cases: Sequence[Case], columns: Sequence[str], cells: Sequence[Sequence[str]],
            whole: Sequence[bool], hits: Sequence[Hit] | None, width: int) -> RenderableType:
    """The narrow layout: per case, the id and the short values (``·`` between
    them) on a line, wrapped only between values, then each text indented."""
    out: list[RenderableType] = []
    for i, row in enumerate(cells):
        short = [", ".join(v.splitlines()) for v, keep, col in zip(row, whole, columns,
                                                                strict=True)
                 if keep and col != "id" and v]
        head = row[columns.index("id")] if "id" in columns else ""
        line = "  ".join(x for x in (head, " · ".join(short)) if x)
        if cell_len(line) <= width or not head:
            out.append(ValuesText.assemble((head, "bold"), line[len(head):]))
        else:  # the id alone on its line (never cut), the rest below
            out.append(Text(head, style="bold"))
            out.append(Padding(ValuesText(" · ".join(short)), (0, 0, 0, 2)))
        for value, keep in zip(row, whole, strict=True):
            if not keep and value:
                out.append(Padding(JaText(value), (0, 0, 0, 2)))
        if hits is not None:
            out.append(Padding(JaText(hits[i].snippet, style="dim"), (0, 0, 0, 2)))
    return Group(*out)


def _section(title: str) -> Text:
    return Text(f"\n{title}", style="bold cyan")


def _bullets(items: Sequence[str]) -> RenderableType:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=1, no_wrap=True)
    grid.add_column(overflow="fold")
    for item in items:
        grid.add_row("•", JaText(item))
    return Padding(grid, (0, 0, 0, 2))


def _kv(rows: Sequence[tuple[str, str]]) -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    for k, v in rows:
        grid.add_row(k, SlugText(v))  # values name slugs: (remote-work) stays whole
    return Padding(grid, (0, 0, 0, 2))


def fields_page(case: Case, names: Sequence[str]) -> RenderableType:
    """``show ID --fields a,b``: only those fields, one per line, as the CSV cells read."""
    from kasegeru_cli.records import flat_value

    return Group(JaText(case.id, style="bold"), _kv([(n, flat_value(case, n) or "—")
                                                     for n in names]))


def show_page(case: Case, ctx: PageContext, lang: str = "ja") -> RenderableType:
    """The whole record, readable top to bottom in an 80-column terminal; in
    English (``lang="en"``) every text that has its English (docs/DATA.md "English")."""
    from kasegeru_cli import english

    if lang == "en":
        case = english.in_english(case)
    place_line: Callable[[Location], str] = (english.place_label if lang == "en"
                                             else Location.label)
    figure_line: Callable[[Figure], str] = english.figure_text if lang == "en" else figure_text
    first, second = (case.name_en, case.name) if lang == "en" else (case.name, case.name_en)
    parts: list[RenderableType] = [
        JaText(first, style="bold"),
        JaText(second, style="italic"),
        JaText(f"id: {case.id}" + (f"   aliases: {', '.join(case.aliases)}" if case.aliases
                                   else ""), style="dim"),
    ]
    facts: list[tuple[str, str]] = []
    if case.types:
        names = ", ".join(f"{ctx.type_names[t]} ({t})" if t in ctx.type_names else t
                          for t in case.types)
        basis = {"named": "the 2019 report names this case under the type",
                 "group": "the 2019 report places this case's group or section",
                 }.get(case.types_basis or "", "editorial judgement")
        facts.append(("type", f"{names} — {basis}"))
        if case.types_note:
            facts.append(("", case.types_note))
    for label, value in (("category", case.category), ("flow", case.flow),
                         ("sector", case.sector)):
        if value:
            facts.append((label, value))
    if case.tags:
        facts.append(("tags", ", ".join(case.tags)))
    if case.topics:
        facts.append(("topics", ", ".join(
            f"{ctx.topic_names.get(t, t)} ({t})" for t in case.topics) + "  [editorial]"))
    if case.started:
        facts.append(("started", date_text(case.started, case.started_fiscal)
                      + (f" — {case.started_evidence}" if case.started_evidence else "")
                      + "  [editorial]"))
    if facts:
        parts.append(Text(""))
        parts.append(_kv(facts))

    summaries = [case.summary_en, case.summary] if lang == "en" else [case.summary, case.summary_en]
    parts += [_section("Summary"), Padding(JaText(summaries[0]), (0, 0, 0, 2)),
              Padding(JaText(summaries[1], style="italic"), (1, 0, 0, 2))]
    if case.points:
        parts += [_section("Points 内容・特徴・成果"), _bullets(case.points)]
    if case.challenges:
        parts += [_section("Challenges 課題・展望"), _bullets(case.challenges)]
    if case.timeline:
        parts += [_section("Timeline 経緯"),
                  _kv([(date_text(e.date, e.fiscal, e.planned, e.until), e.event)
                       for e in sorted(case.timeline, key=lambda e: e.date)])]
    if case.figures:
        parts += [_section("Figures 数値"), _bullets([figure_line(f) for f in case.figures])]
    if case.actors:
        parts += [_section("Actors 取組主体・関係者"),
                  _bullets([a.name + (f" — {a.role}" if a.role else "") + _actor_marks(a.kind,
                                                                                      a.lead)
                            for a in case.actors])]
    if case.locations:
        parts += [_section("Places 取組地域"),
                  _kv([(loc.role + (" (planned)" if loc.planned else ""),
                        place_line(loc) + (f" — {loc.note}" if loc.note else "")
                        + (f" [{', '.join(loc.regions)}]" if loc.regions else ""))
                       for loc in case.locations])]
    parts += [_section("Sources 出典"),
              _bullets([_source_line(ctx, r.source, r.section, r.item) for r in case.sources])]
    if ctx.related:
        parts += [_section("Related 関連事例"),
                  _kv([(r.id, r.display_name(lang)) for r in ctx.related])]
    parts += [_section("Credit 出典表記"), _bullets(list(ctx.credits))]
    return Group(*parts)


def _actor_marks(kind: str | None, lead: bool) -> str:
    marks = [m for m in (kind, "lead" if lead else None) if m]
    return f"  [{', '.join(marks)}]" if marks else ""


def _source_line(ctx: PageContext, sid: str, section: str, item: str | None) -> str:
    title = ctx.source_titles.get(sid, sid)
    return f"{title} — {section}" + (f" {item}" if item else "") + f" [{sid}]"


def credit_ja(title: str, publisher: str | None, date: str) -> str:
    """「title」(issuing body)(date)を加工して作成 — the records are edited, not verbatim copies."""
    body = f"（{publisher}）" if publisher else ""
    return f"出典：「{title}」{body}（{date}）を加工して作成"


def types_table(rows: Sequence[Mapping[str, Any]], example_names: Mapping[str, str]
                ) -> RenderableType:
    """The typology: ``rows`` as ``types --json`` prints them; ``example_names``
    maps example case ids to their display names."""
    blocks: list[RenderableType] = []
    for t in rows:
        head = JaText.assemble((f"{t['name']}", "bold"), f"  {t['name_en']}  ",
                               (t["slug"], "cyan"))
        count = (f"{t['cases_named']} named by the report, {t['cases_group']} placed with "
                 f"their group, {t['cases_editorial']} editorial")
        table_rows = [("definition", t["definition"]), ("defined in", t["defined_in"]),
                      ("cases", count)]
        if t["examples"]:
            table_rows.append(("examples", ", ".join(
                f"{example_names.get(e, e)} ({e})" for e in t["examples"])))
        blocks += [head, _kv(table_rows), Text("")]
    return Group(*blocks)


def topics_table(rows: Sequence[Mapping[str, Any]], lang: str = "ja") -> RenderableType:
    """The topics: slug, name, how many cases, and the spellings search bridges."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("topic", no_wrap=True)
    table.add_column("name", overflow="fold", ratio=1)
    table.add_column("cases", justify="right", no_wrap=True)
    for t in rows:
        first, second = (t["name_en"], t["name"]) if lang == "en" else (t["name"], t["name_en"])
        table.add_row(t["slug"], JaText.assemble(first, "  ", (second, "dim")), str(t["cases"]))
        _concept_rows(table, t.get("concepts", ()), lang)
    return Group(table, Text("Topics are editorial (docs/DATA.md); `kasegeru topics --json` "
                             "has each one's criterion and variants.", style="dim"))


def _concept_rows(table: Table, concepts: Sequence[Mapping[str, Any]], lang: str) -> None:
    """The concepts under a topic, indented by depth: a search for one finds the
    ones below it."""
    from kasegeru_cli.thesaurus import walk

    for depth, c in walk(concepts):
        first, second = (c["pref_en"], c["pref"]) if lang == "en" else (c["pref"], c["pref_en"])
        table.add_row(Text("  " * depth + "└ " + c["slug"], style="dim"),
                      JaText.assemble("  " * (depth - 1) + first, "  ", (second, "dim")), "")


def sources_table(rows: Sequence[Mapping[str, Any]], lang: str = "ja") -> RenderableType:
    """The documents: ``rows`` as ``sources --json`` prints them."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("id", no_wrap=True)
    table.add_column("document", overflow="fold", ratio=1)
    table.add_column("date", no_wrap=True)
    table.add_column("cases", justify="right", no_wrap=True)
    for s in rows:
        n = s["cases"]
        cases = str(n) if s["expected_cases"] in (None, n) else f"{n}/{s['expected_cases']}"
        title = s["title_en"] if lang == "en" else s["title"]
        detail = " · ".join(x for x in (s["publisher"], s["date_note"], s["file"]) if x)
        table.add_row(s["id"], JaText.assemble(title, "\n", (detail, "dim")), s["date"], cases)
    return Group(table, Text("A record counts once for each document it cites.", style="dim"))


def stats_bars(rows: Sequence[tuple[str, int]], width: int, label: str) -> RenderableType:
    """A count and a bar per value; bars scale to the width printed at (``width``
    is used when rich does not say)."""
    return _AtWidth(lambda w: stats_layout(rows, w or width, label))


def stats_layout(rows: Sequence[tuple[str, int]], width: int, label: str) -> RenderableType:
    """:func:`stats_bars` at ``width`` cells: the longest bar ends at the edge."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    # Long values (a document's section heading) get up to two thirds of the
    # width, broken into lines rather than cut, so two headings that start
    # alike stay apart; short ones (a prefecture, a slug) are never broken.
    longest = max([cell_len(label), *(cell_len(k) for k, _ in rows)])
    room = max(10, width * 2 // 3) if longest > width // 3 else max(10, width // 3)
    count_width = max([len("cases"), *(len(str(n)) for _, n in rows)])
    label_width = max(4, min(longest, room, width - count_width - 2 * _GAP - 5))
    bar_room = max(5, width - label_width - count_width - 2 * _GAP)
    table.add_column(label, width=label_width, no_wrap=longest <= label_width, overflow="fold")
    table.add_column("cases", justify="right", no_wrap=True, width=count_width)
    table.add_column("", no_wrap=True, width=bar_room)
    top = max((n for _, n in rows), default=0)
    for key, n in rows:
        bar = "█" * max(1, n * bar_room // top) if top and n else ""
        table.add_row(JaText(key), str(n), Text(bar, style="cyan"))
    return table
