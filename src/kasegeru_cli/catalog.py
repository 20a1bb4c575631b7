"""Pure queries over a :class:`Dataset`: get, lookup, filter, search, stats.

The catalog is the only place that knows how to match what a user typed
against the data. It never prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kasegeru_cli.models import (
    ACTOR_KINDS,
    FLOWS,
    TYPES_BASES,
    Case,
    CaseType,
    Dataset,
    Location,
    Source,
)
from kasegeru_cli.search import ABOUT_FIELDS, searchable_texts
from kasegeru_cli.search import Hit as Hit  # a search result; re-exported
from kasegeru_cli.text import fold, fold_with_offsets, id_key

if TYPE_CHECKING:
    from kasegeru_cli.formats.table import PageContext
    from kasegeru_cli.lookup import Index as LookupIndex
    from kasegeru_cli.search import Clause, Term, Thesaurus


class QueryError(ValueError):
    """A filter value that names nothing (an unknown type, prefecture …): a usage error."""


class NotFoundError(LookupError):
    """No case has that id or alias."""

    def __init__(self, query: str, suggestions: Sequence[str]) -> None:
        self.query = query
        self.suggestions = list(suggestions)
        super().__init__(query)


class AmbiguousError(LookupError):
    """Several cases match what was typed (a part of their names)."""

    def __init__(self, query: str, cases: Sequence[Case]) -> None:
        self.query = query
        self.cases = list(cases)
        super().__init__(query)


def suggestion_text(values: Sequence[str]) -> str:
    """`` (did you mean kyushu?)`` — the one wording every "unknown value" error uses."""
    if not values:
        return ""
    return f" (did you mean {' or '.join(values)}?)"


FLOW_SLUGS = {
    "metro-metro": FLOWS[0],
    "metro-regional": FLOWS[1],
    "regional-metro": FLOWS[2],
    "regional-regional": FLOWS[3],
}
SECTOR_WORDS = {
    "public": "public", "公的機関": "public", "公的": "public", "公": "public",
    "private": "private", "民間事業者": "private", "民間": "private", "民": "private",
}
KIND_WORDS = {
    "company": "company", "企業": "company", "会社": "company", "民間企業": "company",
    "株式会社": "company", "business": "company", "firm": "company",
    "university": "university", "大学": "university", "高専": "university",
    "研究機関": "university", "academia": "university", "research": "university",
    "national-government": "national-government", "国": "national-government",
    "national": "national-government", "government": "national-government",
    "省庁": "national-government", "府省庁": "national-government",
    "prefecture": "prefecture", "県": "prefecture", "都道府県": "prefecture",
    "municipality": "municipality", "市町村": "municipality", "自治体": "municipality",
    "市": "municipality", "町": "municipality", "村": "municipality", "区": "municipality",
    "city": "municipality", "town": "municipality", "local-government": "municipality",
    "public-body": "public-body", "公的機関": "public-body", "独立行政法人": "public-body",
    "association": "association", "団体": "association", "協議会": "association",
    "一般社団法人": "association", "財団": "association", "npo": "association",
    "nonprofit": "association", "non-profit": "association",
    "financial": "financial", "金融機関": "financial", "銀行": "financial",
    "bank": "financial", "fund": "financial", "ファンド": "financial",
    "individual": "individual", "個人": "individual", "person": "individual",
    "other": "other", "その他": "other",
}
"""What ``--operator`` accepts for each actor kind, besides the kind itself."""
SORT_KEYS = ("id", "name", "prefecture", "year", "started", "source")
STATS_KEYS = ("type", "prefecture", "region", "source", "section", "category", "sector", "flow",
              "tag", "topic", "operator", "basis", "started", "decade", "year")


@dataclass(frozen=True)
class Filters:
    """What ``list``, ``search``, ``export`` and ``stats`` narrow the cases by.

    Values within one field are alternatives (OR); fields combine with AND.
    All values are as the user typed them; :meth:`Catalog.filter` resolves them.
    """

    types: tuple[str, ...] = ()
    prefectures: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    flows: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    topics: tuple[str, ...] = ()
    operators: tuple[str, ...] = ()
    bases: tuple[str, ...] = ()
    since: int | None = None
    """Started in or after this year (cases with no start date are left out)."""
    until: int | None = None
    """Started in or before this year."""
    anywhere: bool = False
    """--prefecture/--region count every place (partners, sites, scope), not only
    where the case is."""
    notes: list[str] = field(default_factory=list, compare=False)
    """Filled by :meth:`Catalog.filter`: remarks for stderr (a tag that matches nothing)."""

    def is_empty(self) -> bool:
        return not any((self.types, self.prefectures, self.regions, self.sources, self.sectors,
                        self.flows, self.tags, self.years, self.topics, self.operators,
                        self.bases, self.since is not None, self.until is not None))


# Field weights for ranking: a match in the name counts more than one in a bullet.
_WEIGHTS = {
    "id": 8.0, "name": 10.0, "name_en": 8.0, "aliases": 8.0, "tags": 5.0, "category": 3.0,
    "types": 3.0, "summary": 3.0, "summary_en": 3.0, "points": 2.0, "challenges": 1.5,
    "actors": 2.0, "locations": 2.0, "timeline": 1.0, "figures": 1.0, "types_note": 0.5,
    "sources": 0.5,
}
# The English beside a text (points_en …) weighs as that text.
_WEIGHTS.update({f"{k}_en": w for k, w in list(_WEIGHTS.items()) if f"{k}_en" not in _WEIGHTS})


class Catalog:
    """Queries over one loaded dataset. Indexes are built once, on first use."""

    def __init__(self, dataset: Dataset,
                 folded: Callable[[], Sequence[Sequence[str]] | None] | None = None) -> None:
        """``folded``, when given, supplies :meth:`folded_texts` as computed
        earlier for this dataset (from the cache), so search need not fold again."""
        self.dataset = dataset
        self._key_index: dict[str, Case] | None = None
        self._lookup: LookupIndex | None = None
        self._folded: list[list[tuple[str, str, str]]] | None = None
        self._joined: list[str] | None = None
        self._folded_source = folded
        self._topic_keys: dict[str, str] | None = None
        self._thesaurus: Thesaurus | None = None

    @property
    def _keys(self) -> dict[str, Case]:
        """Every id and alias, folded (case, width, kana), to its case; built on first use."""
        if self._key_index is None:
            keys: dict[str, Case] = {}
            for case in self.dataset.cases:
                keys.setdefault(id_key(case.id), case)
            for case in self.dataset.cases:
                for alias in case.aliases:
                    keys.setdefault(id_key(alias), case)
            self._key_index = keys
        return self._key_index

    def keys(self) -> dict[str, Case]:
        """Every lookup key (a folded id or alias, see :func:`id_key`) and its case."""
        return self._keys

    @property
    def cases(self) -> tuple[Case, ...]:
        return self.dataset.cases

    # ------------------------------------------------------------------ lookup
    def get(self, query: str) -> Case | None:
        """The case whose id or alias is ``query`` (ignoring case and width), or None."""
        return self._keys.get(id_key(query))

    def lookup(self, query: str) -> Case:
        """The case a user means by ``query``: its id or an alias (:meth:`get`), its
        Japanese or English name, or a part of a name or alias that only one case has
        (all folded for case, width and kana; :func:`lookup.resolve`).

        Raises :class:`AmbiguousError` listing the cases when a part fits several,
        and :class:`NotFoundError` with the nearest ids when none fits.
        """
        from kasegeru_cli.lookup import resolve

        what, found = resolve(query, self.lookup_index())
        if what == "found":
            return self._by_id(found[0])
        if what == "ambiguous":
            raise AmbiguousError(query, [self._by_id(i) for i in found])
        raise NotFoundError(query, found)

    def _by_id(self, case_id: str) -> Case:
        return self._keys[id_key(case_id)]

    def lookup_index(self) -> LookupIndex:
        """The ids, aliases and names ``show`` resolves a query against (:mod:`lookup`)."""
        if self._lookup is None:
            from kasegeru_cli.lookup import build

            self._lookup = build((c.id, c.aliases, (c.name, c.name_en)) for c in self.cases)
        return self._lookup

    def suggest(self, query: str, n: int = 3) -> list[str]:
        """The ids nearest to ``query`` (by id or alias), best first, ties by id."""
        from kasegeru_cli.lookup import suggest

        return suggest(query, self.lookup_index(), n)

    # ------------------------------------------------------------------ resolving
    def resolve_type(self, text: str) -> str:
        key = fold(text).strip()
        for slug, t in self.dataset.types.items():
            if key in (slug, fold(t.name), fold(t.name_en)):
                return slug
        # A unique partial match: コワーキング, 地域資源, platform …
        partial = [s for s, t in self.dataset.types.items()
                   if key and (key in s or key in fold(t.name) or key in fold(t.name_en))]
        if len(partial) == 1:
            return partial[0]
        raise QueryError(f"unknown type {text!r}{self._near(text, self.dataset.types)}; "
                         "choose from: "
                         + ", ".join(f"{s} ({t.name})" for s, t in self.dataset.types.items()))

    @staticmethod
    def _near(text: str, known: Iterable[str]) -> str:
        import difflib

        return suggestion_text(difflib.get_close_matches(fold(text).strip(), list(known), n=2,
                                                         cutoff=0.6))

    def resolve_topic(self, text: str) -> str:
        """A topic slug from its slug, Japanese or English name, or any variant."""
        from kasegeru_cli.search import term_key, topic_keys

        if self._topic_keys is None:
            self._topic_keys = topic_keys(self.dataset.topics)
        found = self._topic_keys.get(term_key(text))
        if found is None:  # a concept's label: the topic it is under
            concept = self.thesaurus().keys.get(term_key(text))
            found = self.thesaurus().top.get(concept) if concept else None
        if found is not None:
            return found
        key = fold(text).strip()
        partial = [slug for slug, t in self.dataset.topics.items()
                   if key and (key in slug or key in fold(t.name) or key in fold(t.name_en))]
        if len(partial) == 1:
            return partial[0]
        import difflib

        names = {fold(t.name_en): slug for slug, t in self.dataset.topics.items()}
        names.update({slug: slug for slug in self.dataset.topics})
        # Every near name, not the first few: a topic's slug and English name are
        # often both near, and three distinct topics are wanted after de-duplication.
        near = [names[n] for n in difflib.get_close_matches(key, list(names), n=len(names),
                                                            cutoff=0.6)]
        near = list(dict.fromkeys([*partial, *near]))[:3]
        raise QueryError(f"unknown topic {text!r}{suggestion_text(near)}; see `kasegeru topics` "
                         "for all " + str(len(self.dataset.topics)))

    @staticmethod
    def resolve_operator(text: str) -> str:
        from kasegeru_cli.search import stem

        words = {fold(k): v for k, v in KIND_WORDS.items()}  # ファンド is folded too
        key = fold(text).strip().replace(" ", "-").replace("_", "-")
        found = words.get(key) or words.get(stem(key))
        if found is None:
            import difflib

            near = difflib.get_close_matches(key, list(ACTOR_KINDS), n=2, cutoff=0.5)
            raise QueryError(f"unknown operator kind {text!r}{suggestion_text(near)}; choose "
                             f"from: {', '.join(ACTOR_KINDS)}")
        return found

    @staticmethod
    def resolve_basis(text: str) -> str:
        key = fold(text).strip()
        if key in TYPES_BASES:
            return key
        import difflib

        near = difflib.get_close_matches(key, list(TYPES_BASES), n=1, cutoff=0.5)
        raise QueryError(f"unknown basis {text!r}{suggestion_text(near)}; choose from: "
                         "named (the report names the case), group (it places the case's "
                         "section), editorial (ours)")

    def resolve_source(self, text: str) -> str:
        key = fold(text).strip()
        for sid, s in self.dataset.sources.items():
            if key in (sid, fold(s.file), fold(s.file.split("_")[0])):
                return sid
        partial = [sid for sid in self.dataset.sources if key and key in sid]
        if len(partial) == 1:
            return partial[0]
        raise QueryError(f"unknown source {text!r}{self._near(text, self.dataset.sources)}; "
                         "choose from: " + ", ".join(self.dataset.sources))

    @staticmethod
    def resolve_prefecture(text: str) -> str:
        from kasegeru_cli import prefectures

        found = prefectures.lookup(text)
        if found is None:
            near = prefectures.suggest(text)
            raise QueryError(f"unknown prefecture {text!r}{suggestion_text(near)}; write it as "
                             "宮崎県, 宮崎, みやざき or miyazaki")
        return found.name

    @staticmethod
    def resolve_region(text: str) -> tuple[str, ...]:
        """Region slugs: one region, or a group such as 九州・沖縄."""
        from kasegeru_cli import prefectures

        found = prefectures.lookup_regions(text)
        if found is None:
            near = prefectures.suggest_region(text)
            raise QueryError(f"unknown region {text!r}{suggestion_text(near)}; choose from: "
                             + ", ".join([*(r.slug for r in prefectures.REGIONS),
                                          *prefectures.GROUPS]))
        return found

    @staticmethod
    def resolve_sector(text: str) -> str:
        found = SECTOR_WORDS.get(fold(text).strip())
        if found is None:
            import difflib

            near = difflib.get_close_matches(fold(text).strip(), ["public", "private"], n=1,
                                             cutoff=0.5)
            raise QueryError(f"unknown sector {text!r}{suggestion_text(near)}; choose from: "
                             "public (公的機関), private (民間事業者)")
        return found

    @staticmethod
    def resolve_flow(text: str) -> str:
        key = fold(text).strip().replace("x", "×").replace("*", "×")
        if key in FLOW_SLUGS:
            return FLOW_SLUGS[key]
        for flow in FLOWS:
            if key == fold(flow):
                return flow
        import difflib

        near = difflib.get_close_matches(key, list(FLOW_SLUGS), n=1, cutoff=0.6)
        raise QueryError(f"unknown flow {text!r}{suggestion_text(near)}; choose from: "
                         + ", ".join(f"{s} ({f})" for s, f in FLOW_SLUGS.items()))

    # ------------------------------------------------------------------ filtering
    def filter(self, filters: Filters, cases: Iterable[Case] | None = None) -> list[Case]:
        """The cases that pass every filter, in dataset order.

        Raises :class:`QueryError` for a vocabulary value that names nothing. A
        ``--tag`` that matches no tag at all is not an error: it adds a note with
        the nearest tags to ``filters.notes`` and the result is empty.
        """
        types = {self.resolve_type(t) for t in filters.types}
        prefs = {self.resolve_prefecture(p) for p in filters.prefectures}
        regions = {slug for r in filters.regions for slug in self.resolve_region(r)}
        sources = {self.resolve_source(s) for s in filters.sources}
        sectors = {self.resolve_sector(s) for s in filters.sectors}
        flows = {self.resolve_flow(f) for f in filters.flows}
        topics = {self.resolve_topic(t) for t in filters.topics}
        operators = {self.resolve_operator(o) for o in filters.operators}
        bases = {self.resolve_basis(b) for b in filters.bases}
        typed = [t for t in filters.tags if fold(t).strip()]
        tags = [fold(t).strip() for t in typed]
        if tags:
            self._note_unknown_tags(typed, filters.notes)
        years = set(filters.years)
        since, until = filters.since, filters.until
        anywhere = filters.anywhere

        out = []
        for case in self.cases if cases is None else cases:
            if types and not types.intersection(case.types):
                continue
            if prefs and not prefs.intersection(case.prefectures(anywhere)):
                continue
            if regions and not regions.intersection(self.regions_of(case, anywhere)):
                continue
            if sources and not sources.intersection(r.source for r in case.sources):
                continue
            if sectors and case.sector not in sectors:
                continue
            if flows and case.flow not in flows:
                continue
            if tags and not any(t in folded for t in tags for folded in self._tags_of(case)):
                continue
            if years and not years.intersection(case.years()):
                continue
            if topics and not topics.intersection(case.topics):
                continue
            if operators and not operators.intersection(
                    a.kind for a in case.actors if a.lead and a.kind):
                continue
            if bases and case.types_basis not in bases:
                continue
            if since is not None or until is not None:
                year = case.year_started()
                if year is None or (since is not None and year < since) or (
                        until is not None and year > until):
                    continue
            out.append(case)
        return out

    @staticmethod
    def regions_of(case: Case, anywhere: bool = False) -> tuple[str, ...]:
        """The region slugs where the case is (or of all its places, with ``anywhere``):
        from each place's prefecture, or the regions of a place printed as an area."""
        from kasegeru_cli import prefectures

        places: Iterable[Location] = case.locations if anywhere else case.home()
        found: dict[str, None] = {}
        for loc in places:
            if loc.prefecture:
                found[prefectures.BY_NAME[loc.prefecture].region] = None
            for r in loc.regions:
                found[r] = None
        return tuple(found)

    def _tags_of(self, case: Case) -> tuple[str, ...]:
        return tuple(fold(t) for t in (*case.tags, *self._category_tags(case)))

    def _note_unknown_tags(self, typed: Sequence[str], notes: list[str]) -> None:
        """A note for each ``--tag`` (as the user typed it) that no tag contains:
        the nearest tags by part (a tag inside what was typed: 林業 in 林業家) and
        by spelling, and the tags for the types and topics the word names in the
        data's own spellings (cowork: the type coworking, コワーキング型)."""
        import difflib

        every = {fold(t): t for c in self.cases for t in (*c.tags, *self._category_tags(c))}
        for raw in typed:
            tag = fold(raw).strip()
            if any(tag in folded for folded in every):
                continue
            parts = sorted((k for k in every if len(k) >= 2 and k in tag),
                           key=lambda k: (-len(k), tag.find(k)))  # longest, then in order
            spelt = difflib.get_close_matches(tag, list(every), n=3, cutoff=0.5)
            near = [every[k] for k in dict.fromkeys([*parts, *spelt])][:3]
            notes.append(f"no tag contains {raw.strip()!r}" + (
                f"; nearest tags: {', '.join(near)}" if near else "")
                + self._tags_by_reading(tag, every, set(near))
                + ". Try `kasegeru search` or --topic for a broader match.")

    def _tags_by_reading(self, key: str, every: dict[str, str], shown: set[str]) -> str:
        """``; tags for the type coworking (コワーキング型): コワーキングスペース``:
        the tags holding a Japanese spelling of a type or topic that ``key`` (folded)
        names in any of its spellings (slug, English name, variants, the labels of the
        thesaurus's concepts under a topic); '' for none.
        Only the data's spellings: nothing is transliterated."""
        def bare(text: str) -> str:
            return fold(text).replace("-", "").replace(" ", "")

        word = bare(key)
        if len(word) < (3 if word.isascii() else 2):
            return ""
        named: list[tuple[str, list[str]]] = []
        for slug, ty in self.dataset.types.items():
            spellings = [slug, ty.name_en, ty.name]
            japanese = [ty.name, ty.name.removesuffix("型")]  # the typology's names end in 型
            named.append((f"the type {slug} ({ty.name})", japanese) if any(
                word in bare(sp) for sp in spellings) else ("", []))
        under: dict[str, list[str]] = {}  # topic -> the labels of every concept under it
        for concept in self.dataset.concepts.values():
            top, seen = concept.broader, {concept.slug}
            while top in self.dataset.concepts and top not in seen:
                seen.add(top)
                top = self.dataset.concepts[top].broader
            under.setdefault(top, []).extend(concept.labels())
        for slug, to in self.dataset.topics.items():
            labels = [*to.variants, *under.get(slug, ())]
            spellings = [slug, to.name_en, to.name, *labels]
            japanese = [*to.name.split("・"), *(v for v in labels if not v.isascii())]
            named.append((f"the topic {slug} ({to.name})", japanese) if any(
                word in bare(sp) for sp in spellings) else ("", []))
        counts = Counter(fold(t) for c in self.cases for t in c.tags)
        clauses = []
        for label, japanese in named:
            keys = {fold(j) for j in japanese if len(j) >= 2}
            found = sorted((k for k in every if every[k] not in shown
                            and any(j in k for j in keys)), key=lambda k: (-counts[k], k))
            if label and found:
                clauses.append(f"; tags for {label}: {', '.join(every[k] for k in found[:3])}")
        return "".join(clauses[:2])

    @staticmethod
    def _category_tags(case: Case) -> tuple[str, ...]:
        # 004's category holds 【field】 labels: let --tag match them as well.
        if not case.category:
            return ()
        return tuple(part.strip("【】 ") for part in case.category.replace("】", "】|").split("|")
                     if part.startswith("【"))

    def sort(self, cases: Sequence[Case], key: str, lang: str = "ja") -> list[Case]:
        """Cases ordered by ``key`` (one of :data:`SORT_KEYS`), stable, ties by id."""
        from kasegeru_cli import prefectures

        order = list(self.dataset.sources)
        if key == "id":
            return sorted(cases, key=lambda c: c.id)
        if key == "name":
            return sorted(cases, key=lambda c: (fold(c.display_name(lang)), c.id))
        if key == "prefecture":
            def pref_key(c: Case) -> tuple[int, str]:
                ps = c.prefectures()
                return (prefectures.BY_NAME[ps[0]].code if ps else 99, c.id)
            return sorted(cases, key=pref_key)
        if key == "year":
            return sorted(cases, key=lambda c: (min(c.years(), default=9999), c.id))
        if key == "started":
            return sorted(cases, key=lambda c: (c.started is None, c.started or "", c.id))
        if key == "source":
            return sorted(cases, key=lambda c: (
                min((order.index(r.source) for r in c.sources if r.source in order), default=99),
                c.id))
        raise QueryError(f"unknown sort key {key!r}; choose from: {', '.join(SORT_KEYS)}")

    # ------------------------------------------------------------------ search
    def _index(self) -> list[list[tuple[str, str, str]]]:
        if self._folded is None:
            given = self._folded_source() if self._folded_source is not None else None
            if given is not None and len(given) != len(self.cases):
                given = None
            index = []
            for i, case in enumerate(self.cases):
                # The topic evidence is not searched (it quotes the record), but
                # a term in it makes the case about the term: kept folded here,
                # first, so the searched texts keep their places.
                pairs = [*(("topic_evidence", p) for p in case.topic_evidence.values()),
                         *searchable_texts(case)]
                folds = given[i] if given is not None else ()
                if len(folds) != len(pairs):
                    folds = _fold_texts([text for _, text in pairs])
                index.append([(fld, text, f) for (fld, text), f in zip(pairs, folds,
                                                                        strict=True)])
            self._folded = index
        return self._folded

    def folded_texts(self) -> list[list[str]]:
        """Every searchable text of every case, folded, in dataset order: what
        search spends most of its time making, for the cache to keep."""
        return [[f for _, _, f in entries] for entries in self._index()]

    def _joined_texts(self) -> list[str]:
        """Each case's folded texts joined: one string to test a term against first."""
        if self._joined is None:
            self._joined = ["\x00".join(f for fld, _, f in entries if fld != "topic_evidence")
                            for entries in self._index()]
        return self._joined

    def thesaurus(self) -> Thesaurus:
        """The topics and concepts as search expands them (:class:`search.Thesaurus`)."""
        if self._thesaurus is None:
            from kasegeru_cli.search import Thesaurus

            self._thesaurus = Thesaurus.build(self.dataset.topics, self.dataset.concepts)
        return self._thesaurus

    def parse_query(self, query: str) -> list[Clause]:
        from kasegeru_cli.search import check_size, parse

        clauses = parse(query, self.dataset.topics, self.thesaurus())
        if not clauses:
            raise QueryError("the search query is empty")
        too_large = check_size(clauses)
        if too_large is not None:
            raise QueryError(too_large)
        return clauses

    def search(self, query: str, filters: Filters | None = None) -> list[Hit]:
        """Cases matching every clause of ``query`` in any text field: the cases
        *about* it first, then those that only *mention* it, each best first.

        See :mod:`kasegeru_cli.search` for the query language: terms, "phrases",
        OR, whole English words, the thesaurus and the tiers. Matching ignores
        case, full/half width and hiragana/katakana. The score weighs where the
        terms are found (name over bullet points); a label the term was widened
        to counts less than the term typed. Ties go by id.
        """
        clauses = self.parse_query(query)
        allowed = None
        if filters is not None and not filters.is_empty():
            allowed = {c.id for c in self.filter(filters)}
        single = clauses[0].typed[0].text if len(clauses) == 1 and len(
            clauses[0].typed) == 1 else None
        latin = any(t.latin for c in clauses for t in c.terms)
        # Texts never hold a NUL (the loader refuses control characters), but the
        # joined texts below are separated by one: a term holding it matches nothing.
        usable = [tuple(t for t in c.terms if "\x00" not in t.text) for c in clauses]
        hits = []
        for case, entries, joined in zip(self.cases, self._index(), self._joined_texts(),
                                         strict=False):
            if allowed is not None and case.id not in allowed:
                continue
            # Quick test on the joined texts: every clause must match somewhere.
            present: list[tuple[Term, ...]] = []
            bare = joined.replace("-", "") if latin else joined
            for clause, terms in zip(clauses, usable, strict=True):
                found = tuple(t for t in terms
                              if t.may_occur(bare) and t.find(joined) is not None)
                if not found and not set(clause.topics).intersection(case.topics):
                    break
                present.append(found)
            else:
                hit = self._score(case, entries, clauses, present, single)
                if hit is not None:
                    hits.append(hit)
        hits.sort(key=lambda h: (h.tier != "about", -h.score, h.case.id))
        return hits

    def _score(self, case: Case, entries: Sequence[tuple[str, str, str]],
               clauses: Sequence[Clause], present: Sequence[tuple[Term, ...]],
               single: str | None) -> Hit | None:
        score = 0.0
        best: tuple[float, str, str, Term, str] | None = None
        about_all = True
        for clause, terms in zip(clauses, present, strict=True):
            typed = set(clause.typed)
            clause_best: tuple[float, str, str, Term, str] | None = None
            about = bool(set(clause.topics).intersection(case.topics))
            actor = actor_en = -1
            for fld, text, folded in entries:
                if fld == "topic_evidence":
                    if not about:
                        about = any(t.find(folded) is not None for t in terms)
                    continue
                weight = _WEIGHTS.get(fld, 1.0)
                if fld == "actors":
                    actor += 1
                elif fld == "actors_en":
                    actor_en += 1
                for term in terms:
                    n = term.count(folded)
                    if not n:
                        continue
                    if not about:
                        about = fld in ABOUT_FIELDS or (
                            fld == "actors" and _in_name(term, case.actors[actor].name, text,
                                                         folded)) or (
                            fld == "actors_en" and _in_english_name(term, case, actor_en))
                    field_score = weight * (1 + 0.1 * (n - 1)) * (1.0 if term in typed else 0.6)
                    if single is not None and folded == single:
                        field_score *= 2  # the whole field is the query: an exact name or tag
                    score += field_score
                    if clause_best is None or field_score > clause_best[0]:
                        clause_best = (field_score, fld, text, term, folded)
            if clause_best is None:
                # Matched through its topic only: the evidence phrase is the snippet.
                slug = next(t for t in clause.topics if t in case.topics)
                score += 1.0
                if best is None:
                    phrase = case.topic_evidence.get(slug, slug)
                    best = (1.0, "topics", phrase, clause.typed[0], "")
            elif best is None or clause_best[0] > best[0]:
                best = clause_best
            about_all = about_all and about
        if best is None:
            return None
        _, fld, text, term, folded = best
        snippet = text if fld == "topics" else _snippet_for(text, [term], folded)
        named = tuple(dict.fromkeys(s for c in clauses for s in c.concepts))
        return Hit(case, round(score, 2), fld, snippet, "about" if about_all else "mention", named)

    # ------------------------------------------------------------------ stats
    def stats(self, by: str, cases: Sequence[Case] | None = None,
              anywhere: bool = False) -> list[tuple[str | None, int]]:
        """(value, number of cases) for one dimension, most first, ties in natural order
        (``started`` and ``decade`` in time order).

        A case counts once under each of its values (a case in two prefectures
        counts for both); cases with no value count under ``None``.
        """
        pool = self.cases if cases is None else cases
        counts: Counter[str | None] = Counter()
        for case in pool:
            values: tuple[str | None, ...] = self._values(case, by, anywhere)
            counts.update(values or (None,))
        natural = self._natural_order(by)
        if by in ("started", "decade", "year"):
            return sorted(counts.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))

        def key(kv: tuple[str | None, int]) -> tuple[int, int, str]:
            return (-kv[1], natural.get(kv[0] or "", 10_000) if kv[0] else 20_000, kv[0] or "")
        return sorted(counts.items(), key=key)

    def _values(self, case: Case, by: str, anywhere: bool = False) -> tuple[str, ...]:
        if by == "type":
            return case.types
        if by == "prefecture":
            return case.prefectures(anywhere)
        if by == "region":
            return self.regions_of(case, anywhere)
        if by == "topic":
            return case.topics
        if by == "operator":
            return tuple(dict.fromkeys(a.kind for a in case.actors if a.lead and a.kind))
        if by == "basis":
            return (case.types_basis,) if case.types_basis else ()
        if by == "started":
            return (case.started[:4],) if case.started else ()
        if by == "decade":
            return (f"{case.started[:3]}0s",) if case.started else ()
        if by == "section":
            return tuple(dict.fromkeys(f"{r.source}: {r.section}" for r in case.sources))
        if by == "category":
            return (case.category,) if case.category else ()
        if by == "source":
            return tuple(dict.fromkeys(r.source for r in case.sources))
        if by == "sector":
            return (case.sector,) if case.sector else ()
        if by == "flow":
            return (case.flow,) if case.flow else ()
        if by == "tag":
            return case.tags
        if by == "year":
            return tuple(str(y) for y in sorted(case.years()))
        raise QueryError(f"cannot count by {by!r}; choose from: {', '.join(STATS_KEYS)}")

    def _natural_order(self, by: str) -> dict[str, int]:
        from kasegeru_cli import prefectures

        if by == "prefecture":
            return {p.name: p.code for p in prefectures.PREFECTURES}
        if by == "region":
            return {r.slug: i for i, r in enumerate(prefectures.REGIONS)}
        if by == "topic":
            return {s: i for i, s in enumerate(self.dataset.topics)}
        if by == "operator":
            return {k: i for i, k in enumerate(ACTOR_KINDS)}
        if by == "basis":
            return {b: i for i, b in enumerate(TYPES_BASES)}
        if by == "section":
            return {f"{s.id}: {sec}": i * 100 + j
                    for i, s in enumerate(self.dataset.sources.values())
                    for j, sec in enumerate(s.sections)}
        if by == "source":
            return {s: i for i, s in enumerate(self.dataset.sources)}
        if by == "type":
            return {s: i for i, s in enumerate(self.dataset.types)}
        return {}

    # ------------------------------------------------------------------ documents
    def count_by_source(self) -> dict[str, int]:
        """How many records cite each source (a record citing two counts for both)."""
        counts = dict.fromkeys(self.dataset.sources, 0)
        for case in self.cases:
            for sid in dict.fromkeys(r.source for r in case.sources):
                counts[sid] = counts.get(sid, 0) + 1
        return counts

    def count_by_type(self) -> dict[str, dict[str, int]]:
        """Per type slug: how many cases have it, by basis (named, group, editorial)."""
        counts = {slug: dict.fromkeys(TYPES_BASES, 0) for slug in self.dataset.types}
        for case in self.cases:
            for slug in case.types:
                per = counts.setdefault(slug, dict.fromkeys(TYPES_BASES, 0))
                per[case.types_basis or "editorial"] += 1
        return counts

    def type_of(self, slug: str) -> CaseType:
        return self.dataset.types[slug]

    def source(self, sid: str) -> Source:
        return self.dataset.sources[sid]

    def page_context(self, case: Case, lang: str = "ja") -> PageContext:
        """What the show page needs besides the case: names, related cases, credits."""
        from kasegeru_cli.formats.table import PageContext, credit_ja

        credits = []
        for sid in dict.fromkeys(r.source for r in case.sources):
            src = self.dataset.sources.get(sid)
            if src is not None:
                credits.append(credit_ja(src.title, src.publisher, src.date_note or src.date))
        return PageContext(
            type_names={s: (t.name_en if lang == "en" else t.name)
                        for s, t in self.dataset.types.items()},
            topic_names={s: (t.name_en if lang == "en" else t.name)
                         for s, t in self.dataset.topics.items()},
            source_titles={s: (src.title_en if lang == "en" else src.title)
                           for s, src in self.dataset.sources.items()},
            related=self.related(case), credits=credits)

    def related(self, case: Case) -> list[Case]:
        out = []
        for rel in case.related:
            found = self.get(rel)
            if found is not None:
                out.append(found)
        return out


def _fold_texts(texts: Sequence[str]) -> Sequence[str]:
    """``fold`` of each text, in one call on the texts joined by NUL: a NUL
    neither occurs in the data nor composes with a neighbour under NFKC, so the
    joined fold splits back into each text's own fold, with less call overhead."""
    folded = fold("\x00".join(texts)).split("\x00")
    if len(folded) != len(texts):  # a NUL inside a text after all: fold one by one
        return [fold(text) for text in texts]
    return folded


def _in_english_name(term: Term, case: Case, n: int) -> bool:
    """Whether ``term`` is in the English name of the ``n``-th actor that has English
    (the ``actors_en`` texts: ``name_en (role_en)``, only for actors with English)."""
    names = [a.name_en for a in case.actors if a.name_en or a.role_en]
    return 0 <= n < len(names) and bool(names[n]) and term.find(fold(names[n] or "")) is not None


def _in_name(term: Term, name: str, text: str, folded: str) -> bool:
    """Whether ``term`` is in the actor's name part of its ``name（role）`` text."""
    part = folded[:len(name)] if len(folded) == len(text) else fold(name)
    return term.find(part) is not None


def _snippet_for(text: str, terms: Sequence[Term], folded: str | None = None) -> str:
    """The text around the first term found in it (folding kept exact per character).

    ``folded`` is the text's fold when known: where it is as long as the text
    (almost always: NFKC rarely changes a length), positions carry over as they
    are, without folding the text again character by character.
    """
    if folded is not None and len(folded) == len(text):
        for term in terms:
            span = term.find(folded)
            if span is not None and span[1] > span[0]:
                return _snippet(text, span[0], span[1])
    folded, offsets = fold_with_offsets(text)
    for term in terms:
        span = term.find(folded)
        if span is not None and span[1] > span[0]:
            at, stop = span
            # The match ends where the next folded character's source begins
            # (a character and its marks fold together: ｶﾞ → が).
            end = offsets[stop] if stop < len(offsets) else len(text)
            return _snippet(text, offsets[at], max(end, offsets[stop - 1] + 1))
    return _snippet(text, 0, 0)


def _snippet(text: str, start: int, end: int, width: int = 24) -> str:
    lo = max(0, start - width)
    hi = min(len(text), end + width)
    return ("…" if lo > 0 else "") + text[lo:hi] + ("…" if hi < len(text) else "")
