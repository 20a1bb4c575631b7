"""Pure queries over a :class:`Dataset`: get, lookup, filter, search, stats.

The catalog is the only place that knows how to match what a user typed
against the data. It never prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from kasegeru_cli.models import FLOWS, Case, CaseType, Dataset, Source
from kasegeru_cli.text import fold, fold_with_offsets, id_key


class QueryError(ValueError):
    """A filter value that names nothing (an unknown type, prefecture …): a usage error."""


class NotFoundError(LookupError):
    """No case has that id or alias."""

    def __init__(self, query: str, suggestions: Sequence[str]) -> None:
        self.query = query
        self.suggestions = list(suggestions)
        super().__init__(query)


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
SORT_KEYS = ("id", "name", "prefecture", "year", "source")
STATS_KEYS = ("type", "prefecture", "region", "source", "sector", "flow", "tag", "year")


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

    def is_empty(self) -> bool:
        return not any((self.types, self.prefectures, self.regions, self.sources, self.sectors,
                        self.flows, self.tags, self.years))


@dataclass(frozen=True)
class Hit:
    """A search result: the case, its score and the best matching snippet."""

    case: Case
    score: float
    field: str
    snippet: str


# Field weights for ranking: a match in the name counts more than one in a bullet.
_WEIGHTS = {
    "id": 8.0, "name": 10.0, "name_en": 8.0, "aliases": 8.0, "tags": 5.0, "category": 3.0,
    "types": 3.0, "summary": 3.0, "summary_en": 3.0, "points": 2.0, "challenges": 1.5,
    "actors": 2.0, "locations": 2.0, "timeline": 1.0, "figures": 1.0, "types_note": 0.5,
    "sources": 0.5,
}


def _texts(case: Case) -> Iterator[tuple[str, str]]:
    """Every searchable (field, text) of a case, in both languages."""
    yield "id", case.id
    yield "name", case.name
    yield "name_en", case.name_en
    for a in case.aliases:
        yield "aliases", a
    for t in case.tags:
        yield "tags", t
    for t in case.types:
        yield "types", t
    if case.category:
        yield "category", case.category
    yield "summary", case.summary
    yield "summary_en", case.summary_en
    for p in case.points:
        yield "points", p
    for c in case.challenges:
        yield "challenges", c
    for actor in case.actors:
        yield "actors", actor.name if not actor.role else f"{actor.name}（{actor.role}）"
    for loc in case.locations:
        yield "locations", loc.label()
    for ev in case.timeline:
        yield "timeline", f"{ev.date} {ev.event}"
    for fig in case.figures:
        yield "figures", f"{fig.label} {fig.qualifier or ''}{fig.value:g}{fig.unit or ''}"
    if case.types_note:
        yield "types_note", case.types_note


class Catalog:
    """Queries over one loaded dataset. Indexes are built once, on first use."""

    def __init__(self, dataset: Dataset,
                 folded: Callable[[], Sequence[Sequence[str]] | None] | None = None) -> None:
        """``folded``, when given, supplies :meth:`folded_texts` as computed
        earlier for this dataset (from the cache), so search need not fold again."""
        self.dataset = dataset
        self._key_index: dict[str, Case] | None = None
        self._folded: list[list[tuple[str, str, str]]] | None = None
        self._folded_source = folded

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
        """Like :meth:`get`, but raises :class:`NotFoundError` with the nearest ids."""
        case = self.get(query)
        if case is None:
            raise NotFoundError(query, self.suggest(query))
        return case

    def suggest(self, query: str, n: int = 3) -> list[str]:
        """The ids nearest to ``query`` (by id or alias), best first, ties by id."""
        import difflib

        key = id_key(query)
        scored: dict[str, float] = {}
        for k, case in self._keys.items():
            ratio = difflib.SequenceMatcher(None, key, k).ratio()
            if key and (key in k or k in key):
                ratio = max(ratio, 0.75)
            if ratio >= 0.6 and ratio > scored.get(case.id, 0.0):
                scored[case.id] = ratio
        return [i for i, _ in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]

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
        raise QueryError(f"unknown type {text!r}; choose from: "
                         + ", ".join(f"{s} ({t.name})" for s, t in self.dataset.types.items()))

    def resolve_source(self, text: str) -> str:
        key = fold(text).strip()
        for sid, s in self.dataset.sources.items():
            if key in (sid, fold(s.file), fold(s.file.split("_")[0])):
                return sid
        partial = [sid for sid in self.dataset.sources if key and key in sid]
        if len(partial) == 1:
            return partial[0]
        raise QueryError(f"unknown source {text!r}; choose from: "
                         + ", ".join(self.dataset.sources))

    @staticmethod
    def resolve_prefecture(text: str) -> str:
        from kasegeru_cli import prefectures

        found = prefectures.lookup(text)
        if found is None:
            raise QueryError(f"unknown prefecture {text!r} (try 宮崎県, 宮崎 or miyazaki)")
        return found.name

    @staticmethod
    def resolve_region(text: str) -> str:
        from kasegeru_cli import prefectures

        found = prefectures.lookup_region(text)
        if found is None:
            raise QueryError(f"unknown region {text!r}; choose from: "
                             + ", ".join(r.slug for r in prefectures.REGIONS))
        return found.slug

    @staticmethod
    def resolve_sector(text: str) -> str:
        found = SECTOR_WORDS.get(fold(text).strip())
        if found is None:
            raise QueryError(f"unknown sector {text!r}; choose from: public (公的機関), "
                             "private (民間事業者)")
        return found

    @staticmethod
    def resolve_flow(text: str) -> str:
        key = fold(text).strip().replace("x", "×").replace("*", "×")
        if key in FLOW_SLUGS:
            return FLOW_SLUGS[key]
        for flow in FLOWS:
            if key == fold(flow):
                return flow
        raise QueryError(f"unknown flow {text!r}; choose from: "
                         + ", ".join(f"{s} ({f})" for s, f in FLOW_SLUGS.items()))

    # ------------------------------------------------------------------ filtering
    def filter(self, filters: Filters, cases: Iterable[Case] | None = None) -> list[Case]:
        """The cases that pass every filter, in dataset order.

        Raises :class:`QueryError` for a filter value that names nothing.
        """
        types = {self.resolve_type(t) for t in filters.types}
        prefs = {self.resolve_prefecture(p) for p in filters.prefectures}
        regions = {self.resolve_region(r) for r in filters.regions}
        sources = {self.resolve_source(s) for s in filters.sources}
        sectors = {self.resolve_sector(s) for s in filters.sectors}
        flows = {self.resolve_flow(f) for f in filters.flows}
        tags = {fold(t).strip() for t in filters.tags}
        years = set(filters.years)
        region_of: dict[str, str] = {}
        if regions:
            from kasegeru_cli import prefectures

            region_of = {p.name: p.region for p in prefectures.PREFECTURES}

        out = []
        for case in self.cases if cases is None else cases:
            if types and not types.intersection(case.types):
                continue
            if prefs and not prefs.intersection(case.prefectures()):
                continue
            if regions and not regions.intersection(region_of[p] for p in case.prefectures()):
                continue
            if sources and not sources.intersection(r.source for r in case.sources):
                continue
            if sectors and case.sector not in sectors:
                continue
            if flows and case.flow not in flows:
                continue
            if tags and not tags.intersection(
                    fold(t) for t in (*case.tags, *self._category_tags(case))):
                continue
            if years and not years.intersection(case.years()):
                continue
            out.append(case)
        return out

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
                pairs = list(_texts(case))
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

    def search(self, query: str, filters: Filters | None = None) -> list[Hit]:
        """Cases matching every word of ``query`` in any text field, best first.

        Matching ignores case, full/half width and hiragana/katakana. The score
        weighs where the words are found (name over bullet points); ties go by id.
        """
        terms = [t for t in fold(query).split() if t]
        if not terms:
            raise QueryError("the search query is empty")
        allowed = None
        if filters is not None and not filters.is_empty():
            allowed = {c.id for c in self.filter(filters)}
        hits = []
        for case, entries in zip(self.cases, self._index(), strict=False):
            if allowed is not None and case.id not in allowed:
                continue
            score = 0.0
            best: tuple[float, str, str] | None = None
            matched_terms = set()
            for fld, text, folded in entries:
                weight = _WEIGHTS.get(fld, 1.0)
                field_score = 0.0
                for term in terms:
                    n = folded.count(term)
                    if n:
                        matched_terms.add(term)
                        field_score += weight * (1 + 0.1 * (n - 1))
                if field_score:
                    if folded == terms[0] and len(terms) == 1:
                        field_score *= 2  # the whole field is the query: an exact name or tag
                    score += field_score
                    if best is None or field_score > best[0]:
                        best = (field_score, fld, text)
            if len(matched_terms) == len(set(terms)) and best is not None:
                _, fld, text = best
                hits.append(Hit(case, round(score, 2), fld, _snippet_for(text, terms)))
        hits.sort(key=lambda h: (-h.score, h.case.id))
        return hits

    # ------------------------------------------------------------------ stats
    def stats(self, by: str, cases: Sequence[Case] | None = None) -> list[tuple[str, int]]:
        """(value, number of cases) for one dimension, most first, ties in natural order.

        A case counts once under each of its values (a case in two prefectures
        counts for both); cases with no value count under ``(none)``.
        """
        pool = self.cases if cases is None else cases
        counts: Counter[str] = Counter()
        for case in pool:
            values = self._values(case, by)
            counts.update(values or ("(none)",))
        natural = self._natural_order(by)

        def key(kv: tuple[str, int]) -> tuple[int, int, str]:
            return (-kv[1], natural.get(kv[0], 10_000), kv[0])
        return sorted(counts.items(), key=key)

    def _values(self, case: Case, by: str) -> tuple[str, ...]:
        from kasegeru_cli import prefectures

        if by == "type":
            return case.types
        if by == "prefecture":
            return case.prefectures()
        if by == "region":
            return tuple(dict.fromkeys(prefectures.BY_NAME[p].region for p in case.prefectures()))
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

    def count_by_type(self) -> dict[str, tuple[int, int]]:
        """Per type slug: (cases placed by the report, cases placed editorially)."""
        counts = {slug: [0, 0] for slug in self.dataset.types}
        for case in self.cases:
            for slug in case.types:
                counts.setdefault(slug, [0, 0])[0 if case.types_basis == "report" else 1] += 1
        return {k: (v[0], v[1]) for k, v in counts.items()}

    def type_of(self, slug: str) -> CaseType:
        return self.dataset.types[slug]

    def source(self, sid: str) -> Source:
        return self.dataset.sources[sid]

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


def _snippet_for(text: str, terms: Sequence[str]) -> str:
    """The text around the first term found in it (folding kept exact per character)."""
    folded, offsets = fold_with_offsets(text)
    for term in terms:
        at = folded.find(term)
        if at >= 0:
            end = offsets[min(at + len(term), len(offsets)) - 1] + 1
            return _snippet(text, offsets[at], end)
    return _snippet(text, 0, 0)


def _snippet(text: str, start: int, end: int, width: int = 24) -> str:
    lo = max(0, start - width)
    hi = min(len(text), end + width)
    return ("…" if lo > 0 else "") + text[lo:hi] + ("…" if hi < len(text) else "")
