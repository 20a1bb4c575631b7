"""The search query: terms, "phrases", OR, and how a term matches a text.

A query is a list of clauses that must all match; a clause is one term or
several joined by ``OR`` (or ``|``), any of which may match. ``"quoted words"``
are one term. Texts are matched in their folded form (:func:`text.fold`):

- A term in Latin letters matches whole words, with case, hyphens and plurals
  folded: ``startup`` finds start-up and start-ups, ``DX`` does not find TEDx.
- Any other term (Japanese) matches as a substring, as Japanese has no spaces.

A term that names a topic (its slug, name or one of its variants, in either
language: 空き家, "vacant houses") also matches the topic's other variants, and
every case that has the topic.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kasegeru_cli.models import Case, Topic
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
    """Alternatives: the terms typed (joined by OR), their topics' variants, the topics."""

    typed: tuple[Term, ...]
    variants: tuple[Term, ...] = ()
    topics: tuple[str, ...] = ()

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


def parse(query: str, topics: Mapping[str, Topic],
          keys: Mapping[str, str] | None = None) -> list[Clause]:
    """The clauses of ``query``, each term widened by the topics it names.

    Repeated terms and clauses count once, so a long or repetitive query costs
    no more than its distinct words.
    """
    keys = topic_keys(topics) if keys is None else keys
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
        typed_keys = {t.key() for t in typed}
        variants: dict[str, Term] = {}
        for slug in named:
            t = topics[slug]
            for v in t.variants:
                term = Term.of(v)
                if term.key() not in typed_keys:
                    variants.setdefault(term.key(), term)
        clauses.append(Clause(typed, tuple(variants.values()), named))
    return clauses


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
