"""The dataset as frozen dataclasses.

Field names match the keys of ``data/cases.toml`` (see ``docs/DATA.md``), so a
record converts to and from its TOML / JSON form without renaming anything.

Frozen, but without ``slots=True``: a frozen slotted dataclass unpickles through
a Python-level ``__setstate__`` that sets every field one by one, which made
reading the dataset cache 2.8x slower (7.0 ms against 2.5 ms for the bundled
124 cases, ``python bench/run.py --only load``). Without slots, pickle fills the
instance ``__dict__`` in C.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

TypesBasis = Literal["named", "group", "editorial"]
Sector = Literal["public", "private"]
LocationRole = Literal["main", "partner", "site", "scope"]

TYPE_SLUGS = ("coworking", "regional-resource", "network", "knowledge-platform",
              "innovation-district")
FLOWS = ("大都市圏×大都市圏", "大都市圏×地方都市等", "地方都市等×大都市圏", "地方都市等×地方都市等")
LOCATION_ROLES: tuple[LocationRole, ...] = ("main", "partner", "site", "scope")
TYPES_BASES = ("named", "group", "editorial")
ACTOR_KINDS = ("company", "university", "national-government", "prefecture", "municipality",
               "public-body", "association", "financial", "individual", "other")
"""Who an actor is (editorial, docs/DATA.md "Actors: kind and lead")."""


@dataclass(frozen=True)
class Actor:
    """Someone who runs, funds or takes part in a case."""

    name: str
    """As printed, e.g. ``（株）ツクルバ``."""
    name_en: str | None = field(default=None, kw_only=True)
    """English: the organisation's own English name where the documents print it,
    else a plain translation (docs/DATA.md "English")."""
    role: str | None = None
    """As printed or a short Japanese role: ``運営``, ``設置``, ``連携先``."""
    role_en: str | None = field(default=None, kw_only=True)
    kind: str | None = None
    """Editorial: one of :data:`ACTOR_KINDS` (``company``, ``university`` …)."""
    lead: bool = False
    """Editorial: the actor runs, set up or carries out the case (運営, 設置, 実施 …)."""
    kind_evidence: str | None = None
    """Where the name does not show the kind: the phrase of the record that does."""


@dataclass(frozen=True)
class Location:
    """A place named by the document, with its role in the case."""

    role: LocationRole
    """``main`` where the case is run, ``partner`` the other side of a partnership,
    ``site`` one of a network's sites, ``scope`` the wide area covered."""
    prefecture: str | None = None
    """Full name: ``宮崎県``, ``東京都``, ``北海道``."""
    municipality: str | None = None
    """As printed, without the prefecture: ``英田郡西粟倉村``, ``渋谷区``."""
    area: str | None = None
    """A district, building or wide scope: ``天神エリア``, ``渋谷ヒカリエ内``, ``全国``."""
    area_en: str | None = field(default=None, kw_only=True)
    country: str | None = None
    """Only for places outside Japan."""
    note: str | None = None
    note_en: str | None = field(default=None, kw_only=True)
    regions: tuple[str, ...] = ()
    """Editorial: for a place printed only as an area (``九州地方``), the regions it names."""
    planned: bool = False
    """A place where the scheme is only planned or being considered."""

    def label(self) -> str:
        """``東京都渋谷区（渋谷ヒカリエ内）`` — the place as one readable string."""
        head = "".join(p for p in (self.country, self.prefecture, self.municipality) if p)
        if self.area:
            return f"{head}（{self.area}）" if head else self.area
        return head


@dataclass(frozen=True)
class Event:
    """A dated event in a case's history, or a planned one."""

    date: str
    """ISO 8601 as precise as the source: ``2017``, ``2017-04``, ``2017-04-20``."""
    event: str
    event_en: str | None = field(default=None, kw_only=True)
    fiscal: bool = False
    """The date is a Japanese fiscal year (年度, April–March)."""
    planned: bool = False
    """予定・見込み・目標: not (yet) done."""
    until: str | None = None
    """End of a span, same format as ``date``."""
    source: str | None = None
    """A ``[sources]`` id, for an event printed in another document than the ones
    the record cites (a talk at the committee, in the 2019 report's 検討経緯)."""


@dataclass(frozen=True)
class Figure:
    """A number with what it measures, as printed."""

    label: str
    label_en: str | None = field(default=None, kw_only=True)
    value: float | int
    unit: str | None = None
    """As printed: ``人``, ``社``, ``億円``, ``%``; absent when the document prints none."""
    unit_en: str | None = field(default=None, kw_only=True)
    value_max: float | int | None = None
    """Upper end of a range (``2～20名``)."""
    as_of: str | None = None
    fiscal: bool = False
    planned: bool = False
    """A target rather than an achieved value."""
    qualifier: str | None = None
    """``約``, ``以上``, ``超``, ``程度``, ``延べ`` …"""
    qualifier_en: str | None = field(default=None, kw_only=True)
    note: str | None = None
    note_en: str | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class SourceRef:
    """Where in a document a case is written up."""

    source: str
    """A key of ``[sources]``."""
    section: str
    """The section heading, as printed."""
    section_en: str | None = field(default=None, kw_only=True)
    item: str | None = None
    """The item number, as printed (``２．``, ``①``)."""


@dataclass(frozen=True)
class Case:
    """One case write-up."""

    id: str
    name: str
    name_en: str
    summary: str
    summary_en: str
    aliases: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    types_basis: TypesBasis | None = None
    """Whether ``types`` is the report's own placement or an editorial judgement."""
    types_note: str | None = None
    types_note_en: str | None = field(default=None, kw_only=True)
    category: str | None = None
    category_en: str | None = field(default=None, kw_only=True)
    flow: str | None = None
    flow_en: str | None = field(default=None, kw_only=True)
    sector: Sector | None = None
    tags: tuple[str, ...] = ()
    tags_en: tuple[str, ...] = field(default=(), kw_only=True)
    """English of ``tags``, item for item (same length and order), or empty."""
    points: tuple[str, ...] = ()
    points_en: tuple[str, ...] = field(default=(), kw_only=True)
    challenges: tuple[str, ...] = ()
    challenges_en: tuple[str, ...] = field(default=(), kw_only=True)
    related: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    """Editorial: slugs of ``[topics]`` whose criterion the case's text meets."""
    topic_evidence: dict[str, str] = field(default_factory=dict)
    """Editorial: for each topic, the phrase of the record that meets its criterion."""
    started: str | None = None
    """Editorial: the date printed for the case's own founding, opening or launch."""
    started_fiscal: bool = False
    started_evidence: str | None = None
    """The phrase of the record that names the start."""
    actors: tuple[Actor, ...] = ()
    locations: tuple[Location, ...] = ()
    timeline: tuple[Event, ...] = ()
    figures: tuple[Figure, ...] = ()
    sources: tuple[SourceRef, ...] = ()

    def display_name(self, lang: str = "ja") -> str:
        return self.name_en if lang == "en" else self.name

    def years(self) -> frozenset[int]:
        """Every year in which a dated event or figure of the case falls."""
        found: set[int] = set()
        for ev in self.timeline:
            start = int(ev.date[:4])
            end = int(ev.until[:4]) if ev.until else start
            found.update(range(start, end + 1))
        found.update(int(f.as_of[:4]) for f in self.figures if f.as_of)
        return frozenset(found)

    def prefectures(self, anywhere: bool = False) -> tuple[str, ...]:
        """The prefectures where the case is (:meth:`home`), in order, without
        repeats; with ``anywhere``, of all its places (partners, scope, plans too)."""
        places = self.locations if anywhere else self.home()
        return tuple(dict.fromkeys(loc.prefecture for loc in places if loc.prefecture))

    def home(self) -> tuple[Location, ...]:
        """Where the case is (docs/DATA.md "Where it is"): its ``main`` places, and
        for a network of hubs its ``site``s too; never a planned place."""
        roles = ("main", "site") if "network" in self.types else ("main",)
        return tuple(loc for loc in self.locations if loc.role in roles and not loc.planned)

    def year_started(self) -> int | None:
        return int(self.started[:4]) if self.started else None


@dataclass(frozen=True)
class CaseType:
    """A type of 知的対流 (knowledge convection) from the 2019 report."""

    slug: str
    name: str
    name_en: str
    definition: str
    """The report's own words."""
    definition_en: str | None = field(default=None, kw_only=True)
    defined_in: str
    examples: tuple[str, ...] = ()
    """Case ids the report itself names as examples of the type."""


@dataclass(frozen=True)
class Topic:
    """A topic of the controlled vocabulary (editorial; ``[topics.<slug>]``)."""

    slug: str
    name: str
    name_en: str
    criterion: str
    """When a case gets the topic."""
    criterion_en: str | None = field(default=None, kw_only=True)
    variants: tuple[str, ...] = ()
    """Spellings and near-synonyms people type, Japanese and English, that name
    the whole topic (a narrower word is a :class:`Concept` under it)."""


@dataclass(frozen=True)
class Concept:
    """A concept of the thesaurus (``[concepts.<slug>]``, docs/DATA.md): a
    narrower subject under a topic (a top concept) or under another concept."""

    slug: str
    pref: str
    """The preferred Japanese label, as the documents write it."""
    pref_en: str
    """The preferred English label: the plain English for ``pref``."""
    broader: str
    """A topic slug (a top concept) or another concept's slug."""
    alt: tuple[str, ...] = ()
    """Other Japanese labels and spellings, each written so in the documents."""
    alt_en: tuple[str, ...] = ()
    """Other English labels and spellings."""
    hidden: tuple[str, ...] = ()
    """Japanese spellings the documents do not use but people type (空き家 for
    空家, 高等専門学校 for 高専): searched, never shown. Each holds a Japanese
    label of the concept as a subsequence of its characters."""
    related: tuple[str, ...] = ()
    """Concepts or topics beside this one: shown, never used to widen a search."""

    def labels(self) -> tuple[str, ...]:
        """Every label, Japanese first: what a search for this concept looks for."""
        return (self.pref, *self.alt, *self.hidden, self.pref_en, *self.alt_en)


@dataclass(frozen=True)
class Source:
    """One source document."""

    id: str
    file: str
    title: str
    title_en: str
    date: str
    publisher: str | None = None
    """The issuing body as the document or its listing prints it; None where neither does."""
    date_note: str | None = None
    sections: tuple[str, ...] = ()
    expected_cases: int | None = None


@dataclass(frozen=True)
class Dataset:
    """Everything loaded from one or more case files."""

    types: dict[str, CaseType] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    cases: tuple[Case, ...] = ()
    schema_version: int = 2
    concepts: dict[str, Concept] = field(default_factory=dict)
    """The thesaurus below the topics, by slug, in file order."""
