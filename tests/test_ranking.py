"""Search ranking on a small dataset built by hand: which field wins, the score,
and the snippet. The expected scores are worked out by hand from the rule
documented in catalog.py (field weight × (1 + 0.1 per extra occurrence) × 0.6
for a topic's variant rather than the word typed; ×2 when the whole field is
the one word searched; 1 for a case found through its topic alone; clauses add
up), with the weights name 10, name_en/id/aliases 8, tags 5, summary 3,
points 2, challenges 1.5, figures 1, sources 0.5."""

from __future__ import annotations

import pytest

from kasegeru_cli.catalog import Catalog, Filters, QueryError, _snippet, _snippet_for
from kasegeru_cli.models import Case, Dataset, Figure, SourceRef, Topic
from kasegeru_cli.search import Term

VACANT = Topic("vacant", "空き家", "Vacant houses", "空き家を使う", ("空家", "空き店舗"))


def case(id: str, **kw: object) -> Case:
    base: dict[str, object] = {"name": f"{id}の名", "name_en": id.title(),
                               "summary": "概要。", "summary_en": "Summary."}
    base.update(kw)
    return Case(id=id, **base)  # type: ignore[arg-type]


CASES = (
    case("alpha", name="森の家", name_en="Forest House", summary="森で働く。", tags=("森",)),
    case("beta", name="海の駅", summary="森森森がある。"),
    case("gamma", name="港", summary="空家を改修。", points=("空き家を使う",)),
    case("delta", name="丘", topics=("vacant",), topic_evidence={"vacant": "古い建物"}),
    case("epsilon", name="谷", challenges=("森と海",),
         figures=(Figure("森の面積", 5, "ha"),), sources=(SourceRef("s", "第1章 森"),)),
    case("zeta", name="森", summary="森。"),
)
CATALOG = Catalog(Dataset(topics={"vacant": VACANT}, cases=CASES))


def hits(query: str, filters: Filters | None = None) -> list[tuple[str, float, str, str]]:
    return [(h.case.id, h.score, h.field, h.snippet) for h in CATALOG.search(query, filters)]


def test_one_word_scores_by_field_ties_by_id() -> None:
    assert [h[:2] for h in hits("森")] == [
        # name 10 (not the whole field) + tags "森" 5 × 2 (the whole field) + summary 3
        ("alpha", 23.0),
        # name "森" is the whole query: 10 × 2, + summary "森。" 3; a tie, so by id
        ("zeta", 23.0),
        # three in the summary: 3 × 1.2
        ("beta", 3.6),
        # challenges 1.5 + figures 1 + sources 0.5
        ("epsilon", 3.0),
    ]


def test_best_field_and_snippet() -> None:
    found = {h[0]: h[2:] for h in hits("森")}
    assert found["alpha"] == ("name", "森の家")
    assert found["zeta"] == ("name", "森")
    assert found["beta"] == ("summary", "森森森がある。")
    assert found["epsilon"] == ("challenges", "森と海")


def test_english_words_in_name_en() -> None:
    # name_en 8; "Forest" also in no other field
    assert hits("forest") == [("alpha", 8.0, "name_en", "Forest House")]
    # the whole field: "forest house" is name_en → 8 × 2
    assert hits('"forest house"') == [("alpha", 16.0, "name_en", "Forest House")]


def test_a_variant_counts_six_tenths_and_the_topic_alone_one() -> None:
    assert hits("空き家") == [
        # points "空き家を使う" 2 (the word typed) + summary "空家を改修。" 3 × 0.6 = 1.8;
        # the point, scoring more, is the snippet
        ("gamma", 3.8, "points", "空き家を使う"),
        # through its topic only: 1, and the snippet is the evidence phrase
        ("delta", 1.0, "topics", "古い建物"),
    ]


def test_clauses_add_up_and_must_all_match() -> None:
    # epsilon: 森 (challenges 1.5 + figures 1 + sources 0.5) + 海 (challenges 1.5)
    # beta: 森 3.6 + 海 (name "海の駅" 10)
    assert hits("森 海") == [("beta", 13.6, "name", "海の駅"),
                            ("epsilon", 4.5, "challenges", "森と海")]


def test_or_is_one_clause() -> None:
    # one clause of two words, scored like one word: 港 and 海 in names (10), 海 in
    # a challenge (1.5); no ×2 for a whole field, as the query is not one word
    found = {h[0]: h[1] for h in hits("港 OR 海")}
    assert found == {"gamma": 10.0, "beta": 10.0, "epsilon": 1.5}


def test_filters_narrow_search() -> None:
    assert [h[0] for h in hits("森", Filters(topics=("vacant",)))] == []
    assert [h[0] for h in hits("空き家", Filters(topics=("vacant",)))] == ["delta"]


def test_no_match_is_no_hit() -> None:
    assert hits("川") == []


# ------------------------------------------------------------------ snippets


def test_snippet_keeps_24_characters_each_side() -> None:
    text = "あ" * 30 + "森" + "い" * 30
    assert _snippet(text, 30, 31) == "…" + "あ" * 24 + "森" + "い" * 24 + "…"
    exact = "あ" * 24 + "森" + "い" * 24
    assert _snippet(exact, 24, 25) == exact
    assert _snippet("あ" * 25 + "森", 25, 26) == "…" + "あ" * 24 + "森"
    assert _snippet("森" + "い" * 25, 0, 1) == "森" + "い" * 24 + "…"
    assert _snippet(text, 30, 31, width=2) == "…ああ森いい…"


def test_snippet_for_a_text_that_folding_lengthens() -> None:
    # ㈱ folds to "(株)": positions in the fold are three longer after it.
    text = "㈱" + "あ" * 30 + "森" + "いい"
    assert _snippet_for(text, [Term.of("森")]) == "…" + "あ" * 24 + "森いい"
    assert _snippet_for(text, [Term.of("森")], folded="unused: lengths differ") == (
        "…" + "あ" * 24 + "森いい")
    # half-width ｶﾞ is two characters that fold into one が: still found
    text = "あ" * 30 + "ｶﾞｲﾄﾞ" + "い" * 30
    assert _snippet_for(text, [Term.of("ガイド")]) == (
        "…" + "あ" * 24 + "ｶﾞｲﾄﾞ" + "い" * 24 + "…")


def test_snippet_for_uses_the_first_term_found() -> None:
    text = "い" * 30 + "海" + "う" * 30 + "森"
    terms = [Term.of("川"), Term.of("森"), Term.of("海")]
    assert _snippet_for(text, terms) == "…" + "う" * 24 + "森"
    assert _snippet_for(text, terms, folded=text) == "…" + "う" * 24 + "森"
    # found nowhere: the text's start
    assert _snippet_for("あ" * 30, [Term.of("川")]) == "あ" * 24 + "…"


# ------------------------------------------------------------------ more clauses

LONG = "あ" * 30
CLAUSES = Catalog(Dataset(topics={"vacant": VACANT}, cases=(
    # 森 in a challenge (1.5); 空き家 through the topic only (1); the evidence is long
    case("eta", challenges=("森の話",), topics=("vacant",),
         topic_evidence={"vacant": "古い建物を" + LONG}),
    # the topic without evidence: the slug stands in as the snippet
    case("theta", topics=("vacant",)),
    # two clauses that score the same in one long text: the first clause's snippet
    case("iota", challenges=("森" + LONG + "海",)),
)))


def clause_hits(query: str) -> list[tuple[str, float, str, str]]:
    return [(h.case.id, h.score, h.field, h.snippet) for h in CLAUSES.search(query)]


def test_a_topic_clause_adds_one_and_the_better_field_is_the_snippet() -> None:
    # 森 1.5 + 空き家 (topic) 1 = 2.5; the challenge (1.5) beats the topic (1)
    assert clause_hits("森 空き家") == [("eta", 2.5, "challenges", "森の話")]
    # the topic clause first: it is the snippet until a clause scores more
    assert clause_hits("空き家 森") == [("eta", 2.5, "challenges", "森の話")]


def test_a_topic_snippet_is_the_whole_evidence_or_the_slug() -> None:
    assert clause_hits("空き家") == [("eta", 1.0, "topics", "古い建物を" + LONG),
                                   ("theta", 1.0, "topics", "vacant")]


def test_on_a_tie_the_first_clause_gives_the_snippet() -> None:
    assert clause_hits("森 海") == [("iota", 3.0, "challenges", "森" + "あ" * 24 + "…")]
    assert clause_hits("海 森") == [("iota", 3.0, "challenges", "…" + "あ" * 24 + "海")]


def test_an_empty_query_is_an_error() -> None:
    for query in ("", "  ", '""', "OR"):
        with pytest.raises(QueryError) as err:
            CLAUSES.search(query)
        assert str(err.value) == "the search query is empty"


def test_folded_texts_from_the_cache_are_used_when_they_fit() -> None:
    cases = CLAUSES.dataset.cases
    fresh = Catalog(CLAUSES.dataset).folded_texts()
    # the cache's folds stand in for folding again: a search sees them
    planted = [[*texts[:-1], "植えた"] for texts in fresh]
    given = Catalog(CLAUSES.dataset, folded=lambda: planted)
    # (the whole of each case's last text, so × 2: theta's summary_en 3, eta's and
    # iota's challenge 1.5)
    assert [(h.case.id, h.score) for h in given.search("植えた")] == [
        ("theta", 6.0), ("eta", 3.0), ("iota", 3.0)]
    assert given.folded_texts() == planted
    # folds of another dataset (another number of cases) are not used
    short = Catalog(CLAUSES.dataset, folded=lambda: planted[:1])
    assert short.folded_texts() == fresh and short.search("植えた") == []
    # a case whose folds are not one per text is folded again
    ragged = Catalog(CLAUSES.dataset, folded=lambda: [texts[:1] for texts in fresh])
    assert ragged.folded_texts() == fresh
    # nothing kept
    assert Catalog(CLAUSES.dataset, folded=lambda: None).folded_texts() == fresh
    assert len(fresh) == len(cases)


def test_snippet_edges_after_a_character_that_folding_lengthens() -> None:
    # the fold given but of another length: positions come from folding again
    text = "㈱" + "あ" * 30 + "森" + "い" * 30
    from kasegeru_cli.text import fold

    expected = "…" + "あ" * 24 + "森" + "い" * 24 + "…"
    assert _snippet_for(text, [Term.of("森")]) == expected
    assert _snippet_for(text, [Term.of("森")], folded=fold(text)) == expected
    # a match ending inside what one character folds to ends after that character
    assert _snippet_for("㈱" + "あ" * 30, [Term.of("株")]) == "㈱" + "あ" * 24 + "…"
    assert _snippet_for("あ㈱" + "い" * 30, [Term.of("あ(")]) == "あ㈱" + "い" * 24 + "…"


def test_a_japanese_word_with_a_hyphen_is_found_as_written() -> None:
    hyphen = Catalog(Dataset(cases=(case("kappa", challenges=("東京-宮崎の連携",)),)))
    assert [(h.case.id, h.snippet) for h in hyphen.search("東京-宮崎")] == [
        ("kappa", "東京-宮崎の連携")]
