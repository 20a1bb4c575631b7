"""The search query: terms, "phrases", OR, and how a term matches a text.

A query is a list of clauses that must all match; a clause is one term or
several joined by ``OR`` (or ``|``), any of which may match. ``"quoted words"``
are one term. Texts are matched in their folded form (:func:`text.fold`):

- A term in Latin letters matches whole words, with case, hyphens and plurals
  folded: ``startup`` finds start-up and start-ups, ``DX`` does not find TEDx.
- Any other term (Japanese) matches as a substring, as Japanese has no spaces.

A term that is a label of the thesaurus (:class:`Thesaurus`, docs/DATA.md)
also matches the other labels of its concept, in both languages, and those of
every *narrower* concept, never a broader or a sibling one: 空き家 finds 空家 and
空き店舗, not 遊休地. A term that names a topic (a top concept: its slug, name or
variants) matches the whole topic: its labels, all its concepts' labels, and
every case filed under it. Clauses whose terms all name concepts of one topic
are alternatives of one clause (``子育て 保育`` = ``子育て OR 保育``), as values
of one facet are; clauses of different topics must all match.

A case is *about* a clause when a term of it is in the case's name, aliases,
summary, tags, actors' names or topic evidence (:data:`ABOUT_FIELDS`), or the
case is filed under its topic; otherwise the case only *mentions* it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from kasegeru_cli.models import Case, Concept, Topic
from kasegeru_cli.text import fold

_LATIN = re.compile(r"^[a-z0-9][a-z0-9 .&+'/\-]*$")
_WORD_SPLIT = re.compile(r"[\s\-]+")
_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}


@dataclass(frozen=True)
class Hit:
    """A search result: the case, its score and the best matching snippet."""

    case: Case
    score: float
    field: str
    snippet: str
    tier: str = "about"
    """``about`` (the case is about every clause of the query) or ``mention``."""
    concepts: tuple[str, ...] = ()
    """The topics and concepts the query's terms were read as, by slug."""


def is_latin(term: str) -> bool:
    """A folded term written only in ASCII letters, digits and word punctuation."""
    return bool(_LATIN.match(term))


def stem(word: str) -> str:
    """An English word without its plural ending (``cities`` → ``city``)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def latin_words(term: str) -> tuple[str, ...]:
    """The stemmed words of a Latin term, hyphens dropped: ``Start-Ups`` → (startup,)."""
    words = [w for w in _WORD_SPLIT.split(term.replace("-", "")) if w]
    return tuple(stem(w) for w in words)


def _word_pattern(word: str) -> str:
    body = "-?".join(re.escape(c) for c in word)
    if len(word) <= 2:  # IT, AI, DX: no plural, or "its" would be IT
        return body
    if word.endswith("y"):
        return "-?".join(re.escape(c) for c in word[:-1]) + "(?:y|ies)"
    return body + "(?:s|es)?"


def term_key(raw: str) -> str:
    """How two spellings are compared to decide they are the same word: folded,
    and for English the stemmed words (``Vacant Houses`` = ``vacant house``)."""
    text = " ".join(fold(raw).split())
    if is_latin(text):
        return " ".join(latin_words(text))
    return text


def _term_keys(spellings: Sequence[str]) -> list[str]:
    """:func:`term_key` of each spelling, folded in one call (a search builds
    the thesaurus's keys on every run: one ``fold`` per label was half of it)."""
    folded = fold("\x00".join(spellings)).split("\x00")
    if len(folded) != len(spellings):
        return [term_key(s) for s in spellings]
    out = []
    for f in folded:
        text = " ".join(f.split())
        out.append(" ".join(latin_words(text)) if text.isascii() and is_latin(text) else text)
    return out


@dataclass(frozen=True)
class Term:
    """One spelling to look for, matched against folded texts."""

    text: str
    """Folded, as the user (or a topic variant) wrote it."""
    latin: bool = False
    """Written in Latin letters: matched as whole words, hyphens and plurals folded."""

    @classmethod
    def of(cls, raw: str) -> Term:
        text = " ".join(fold(raw).split())
        return cls(text, is_latin(text) and bool(latin_words(text)))

    @functools.cached_property
    def pattern(self) -> re.Pattern[str] | None:
        """For a Latin term, compiled on first use (most terms never need it)."""
        if not self.latin:
            return None
        body = r"[\s\-]+".join(_word_pattern(w) for w in latin_words(self.text))
        return re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])")

    @functools.cached_property
    def literal(self) -> str:
        """A part every match contains once hyphens are removed: what a quick
        ``in`` test looks for before the regular expression runs."""
        if not self.latin:
            return self.text
        first = latin_words(self.text)[0]
        return first[:-1] if first.endswith("y") and len(first) > 2 else first

    def may_occur(self, dehyphenated: str) -> bool:
        """False when the term cannot occur in a text (given with hyphens removed)."""
        return self.literal in dehyphenated

    def find(self, folded: str) -> tuple[int, int] | None:
        """Where the term first occurs in a folded text."""
        if not self.latin:
            at = folded.find(self.text)
            return (at, at + len(self.text)) if at >= 0 else None
        pattern = self.pattern
        assert pattern is not None
        m = pattern.search(folded)
        return m.span() if m else None

    def count(self, folded: str) -> int:
        if not self.latin:
            return folded.count(self.text)
        pattern = self.pattern
        assert pattern is not None
        return len(pattern.findall(folded))

    def key(self) -> str:
        return " ".join(latin_words(self.text)) if self.latin else self.text


@dataclass(frozen=True)
class Clause:
    """Alternatives: the terms typed (joined by OR), their concepts' labels, the topics."""

    typed: tuple[Term, ...]
    variants: tuple[Term, ...] = ()
    topics: tuple[str, ...] = ()
    concepts: tuple[str, ...] = ()
    """The topics and concepts the typed terms name (their labels are ``variants``)."""

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.typed + self.variants


def tokenize(query: str) -> list[list[str]]:
    """Clauses of alternatives: ``a b OR c "d e"`` → [[a], [b, c], [d e]]."""
    tokens: list[str | None] = []  # None marks an OR
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
            continue
        if ch in _QUOTES:
            close = query.find(_QUOTES[ch], i + 1)
            end = n if close < 0 else close
            phrase = query[i + 1:end].strip()
            if phrase:
                tokens.append(phrase)
            i = end + 1
            continue
        j = i
        while j < n and not query[j].isspace() and query[j] not in _QUOTES:
            j += 1
        word = query[i:j]
        tokens.append(None if word in ("OR", "|") else word)
        i = j
    clauses: list[list[str]] = []
    join = False
    for tok in tokens:
        if tok is None:
            join = bool(clauses)
            continue
        if join:
            clauses[-1].append(tok)
        else:
            clauses.append([tok])
        join = False
    return clauses


def topic_keys(topics: Mapping[str, Topic]) -> dict[str, str]:
    """Every spelling that names a topic (slug, names, variants), by :meth:`Term.key`."""
    keys: dict[str, str] = {}
    for slug, t in topics.items():
        for spelling in (slug, slug.replace("-", " "), t.name, t.name_en, *t.variants,
                         *t.name.split("・")):
            if spelling.strip():
                keys.setdefault(term_key(spelling), slug)
    return keys


@dataclass(frozen=True)
class Thesaurus:
    """The topics (top concepts) and concepts as a search uses them: which
    concept a spelling names, and the labels a concept expands to."""

    keys: Mapping[str, str]
    """Every label's :func:`term_key` → the slug of the topic or concept it names."""
    labels: Mapping[str, tuple[str, ...]]
    """A topic's variants, a concept's labels: its own, by slug."""
    narrower: Mapping[str, tuple[str, ...]]
    """The concepts directly under a topic or concept."""
    top: Mapping[str, str]
    """The topic a topic or concept is under (a topic is its own)."""

    @classmethod
    def build(cls, topics: Mapping[str, Topic],
              concepts: Mapping[str, Concept] | None = None) -> Thesaurus:
        concepts = concepts or {}
        named: list[tuple[str, str]] = []  # (spelling, slug), the first to claim a key wins
        for slug, t in topics.items():
            named += [(s, slug) for s in (slug, slug.replace("-", " "), t.name, t.name_en,
                                          *t.variants)]
        for slug, c in concepts.items():  # a concept's labels before a topic's name parts:
            named += [(s, slug) for s in c.labels()]  # 空き家 in 空き家・空き店舗・遊休資産
        named += [(slug.replace("-", " "), slug) for slug in concepts]
        for slug, t in topics.items():
            named += [(part, slug) for part in t.name.split("・")]
        keys: dict[str, str] = {}
        for (spelling, slug), key in zip(named, _term_keys([s for s, _ in named]), strict=True):
            if spelling.strip():
                keys.setdefault(key, slug)
        narrower: dict[str, list[str]] = {}
        for slug, c in concepts.items():
            narrower.setdefault(c.broader, []).append(slug)
        labels: dict[str, tuple[str, ...]] = {s: t.variants for s, t in topics.items()}
        labels.update((s, c.labels()) for s, c in concepts.items())
        top: dict[str, str] = {s: s for s in topics}
        for slug in concepts:
            at, seen = slug, set()
            while at in concepts and at not in seen:
                seen.add(at)
                at = concepts[at].broader
            if at in topics:
                top[slug] = at
        return cls(keys, labels, {k: tuple(v) for k, v in narrower.items()}, top)

    def below(self, slug: str) -> list[str]:
        """``slug`` and every concept under it, narrower ones after broader ones."""
        out = [slug]
        i = 0
        while i < len(out):
            out += [n for n in self.narrower.get(out[i], ()) if n not in out]
            i += 1
        return out

    def expansion(self, slug: str) -> list[str]:
        """The labels a search for ``slug`` looks for: its own, then its narrower concepts'."""
        return [label for s in self.below(slug) for label in self.labels.get(s, ())]


def parse(query: str, topics: Mapping[str, Topic],
          thesaurus: Thesaurus | Mapping[str, str] | None = None) -> list[Clause]:
    """The clauses of ``query``, each term widened down the thesaurus.

    Repeated terms and clauses count once, so a long or repetitive query costs
    no more than its distinct words. ``thesaurus`` may be a mapping of topic keys
    (:func:`topic_keys`) alone: then topics are the only concepts.
    """
    if thesaurus is None or not isinstance(thesaurus, Thesaurus):
        thesaurus = Thesaurus.build(topics)
    keys = thesaurus.keys
    clauses: list[Clause] = []
    seen: set[tuple[str, ...]] = set()
    for alternatives in _join_topic_words(tokenize(query), keys):
        typed = tuple(dict.fromkeys(t for t in (Term.of(a) for a in alternatives) if t.text))
        if not typed:
            continue
        ident = tuple(sorted(t.text for t in typed))
        if ident in seen:
            continue
        seen.add(ident)
        named = tuple(dict.fromkeys(keys[t.key()] for t in typed if t.key() in keys))
        clauses.append(_clause(typed, named, thesaurus))
    return _merge_facets(clauses, thesaurus)


def _clause(typed: tuple[Term, ...], named: tuple[str, ...], thesaurus: Thesaurus) -> Clause:
    typed_keys = {t.key() for t in typed}
    variants: dict[str, Term] = {}
    for slug in named:
        for v in thesaurus.expansion(slug):
            term = Term.of(v)
            if term.key() not in typed_keys and term.text:
                variants.setdefault(term.key(), term)
    topics = tuple(s for s in named if thesaurus.top.get(s) == s)
    return Clause(typed, tuple(variants.values()), topics, named)


def _merge_facets(clauses: list[Clause], thesaurus: Thesaurus) -> list[Clause]:
    """Clauses whose every term names a concept of one topic become one clause
    of alternatives: values of one facet are ORed, different facets ANDed."""
    out: list[Clause] = []
    by_topic: dict[str, int] = {}
    for clause in clauses:
        tops = {thesaurus.top.get(s) for s in clause.concepts}
        whole = len(clause.concepts) == len(clause.typed) and len(tops) == 1 and None not in tops
        top = next(iter(tops)) if whole else None
        if top is None or top not in by_topic:
            if top is not None:
                by_topic[top] = len(out)
            out.append(clause)
            continue
        first = out[by_topic[top]]
        typed = tuple(dict.fromkeys((*first.typed, *clause.typed)))
        out[by_topic[top]] = _clause(typed, tuple(dict.fromkeys(
            (*first.concepts, *clause.concepts))), thesaurus)
    return out


def _join_topic_words(clauses: list[list[str]], keys: Mapping[str, str]) -> list[list[str]]:
    """Consecutive single words that together name a topic become one phrase:
    ``vacant houses`` → ``"vacant houses"``, ``disaster recovery`` likewise."""
    out: list[list[str]] = []
    i = 0
    while i < len(clauses):
        for j in range(min(len(clauses), i + 4), i + 1, -1):
            run = clauses[i:j]
            if all(len(c) == 1 for c in run):
                phrase = " ".join(c[0] for c in run)
                if term_key(phrase) in keys:
                    out.append([phrase])
                    i = j
                    break
        else:
            out.append(clauses[i])
            i += 1
    return out


ABOUT_FIELDS = frozenset({"id", "name", "name_en", "aliases", "tags", "tags_en", "summary",
                          "summary_en"})
"""The searchable fields where a term makes a case *about* it, in either language;
so do the names of its actors (not their roles), Japanese or English, and its
``topic_evidence`` phrases."""


def searchable_texts(case: Case) -> Iterator[tuple[str, str]]:
    """Every searchable (field, text) of a case, in both languages: what
    ``kasegeru search`` and the SQLite export's full-text index both cover."""
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
    for ref in case.sources:
        yield "sources", f"{ref.section} {ref.item}" if ref.item else ref.section
    from kasegeru_cli.english import search_texts as english_texts

    yield from english_texts(case)


def first_match(terms: Iterable[Term], folded: str) -> tuple[Term, tuple[int, int]] | None:
    for term in terms:
        span = term.find(folded)
        if span is not None:
            return term, span
    return None


def query_terms(clauses: Sequence[Clause]) -> list[Term]:
    return [t for c in clauses for t in c.terms]


MAX_TERMS = 100
"""The most terms one query may search for, counted after repeated terms and
clauses count once (typed terms only: a topic's variants are bounded by the
topics). Each term costs a scan of every case's text, about 7 ms at 10,000
cases: 2,000 distinct terms took 14 s."""


def check_size(clauses: Sequence[Clause]) -> str | None:
    """Why the query is too large to search, or None: a clear limit rather than a
    cost that grows with every distinct term."""
    terms = sum(len(c.typed) for c in clauses)
    if terms <= MAX_TERMS:
        return None
    return (f"the search query has {terms:,} different terms; at most {MAX_TERMS} are "
            "searched at once (repeated terms count once): split it into several searches")
