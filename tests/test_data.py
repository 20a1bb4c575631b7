"""The bundled dataset itself: complete, traceable, consistent."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from kasegeru_cli.catalog import Catalog, Filters
from kasegeru_cli.loader import load_files
from kasegeru_cli.models import Case, Dataset

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture(scope="module")
def data(bundled: Path) -> Dataset:
    return load_files([bundled])


@pytest.fixture(scope="module")
def cases(data: Dataset) -> tuple[Case, ...]:
    return data.cases


def test_all_124_write_ups(cases: tuple[Case, ...]) -> None:
    assert len(cases) == 124
    assert len({c.id for c in cases}) == 124


def test_counts_per_document_match_the_sources(data: Dataset) -> None:
    counts = Catalog(data).count_by_source()
    assert counts == {"2018-partnerships": 6, "2018-summary": 40, "intercity-projects": 7,
                      "2019-report": 23, "chiho-sosei-2": 54}
    assert all(counts[sid] == s.expected_cases for sid, s in data.sources.items())


def test_parts_of_each_document(cases: tuple[Case, ...]) -> None:
    def n(source: str, section_start: str) -> int:
        return sum(any(r.source == source and r.section.startswith(section_start)
                       for r in c.sources) for c in cases)
    assert n("2018-summary", "（１）") == 18
    assert n("2018-summary", "（２）") == 16
    assert n("2018-summary", "（３）") == 6
    assert n("2019-report", "参考資料１") == 16
    assert n("2019-report", "参考資料２") == 7
    assert n("chiho-sosei-2", "(1)") == 16
    part2 = "(２)稼ぐ力を高め、付加価値創出型の新しい地方経済の創生～地方イノベーション創生構想～"
    assert n("chiho-sosei-2", f"{part2} ①") == 11
    assert n("chiho-sosei-2", f"{part2} ②") == 6
    assert n("chiho-sosei-2", "(３)") == 6
    assert n("chiho-sosei-2", "(４)") == 9
    assert n("chiho-sosei-2", "(５)") == 6


def test_list_and_detail_page_are_one_record(cases: tuple[Case, ...]) -> None:
    # The 2018 part (3): 000's detail page and 001's list, cited together.
    partnerships = [c for c in cases if any(r.source == "2018-partnerships" for r in c.sources)]
    assert len(partnerships) == 6
    assert all({r.source for r in c.sources} == {"2018-partnerships", "2018-summary"}
               for c in partnerships)
    # The 2019 cases: their own page (参考資料) and the 付録 summary.
    for c in cases:
        sections = [r.section for r in c.sources if r.source == "2019-report"]
        if sections:
            assert any(s.startswith("参考資料") for s in sections), c.id
            assert any(s.startswith(("【付録】", "４")) for s in sections), c.id


def test_both_languages(cases: tuple[Case, ...]) -> None:
    for c in cases:
        assert JAPANESE.search(c.summary), c.id
        assert LATIN.search(c.summary_en), c.id
        assert LATIN.search(c.name_en) or c.name_en.isascii(), c.id


def test_every_record_is_traceable(data: Dataset) -> None:
    for c in data.cases:
        assert c.sources, c.id
        for ref in c.sources:
            assert ref.source in data.sources
            assert ref.section.strip()


def test_related_is_symmetric_and_resolves(cases: tuple[Case, ...]) -> None:
    by_id = {c.id: c for c in cases}
    for c in cases:
        for r in c.related:
            assert c.id in by_id[r].related, (c.id, r)


@pytest.mark.parametrize("a, b", [
    ("future-design-shibuya", "hiroshima-sandbox"),
    ("koyu-foundation", "next-commons-lab"),
    ("tsuruoka-city-2019", "tsuruoka-bioscience-park"),
    ("tsuruoka-rice-paddy-landscape", "tsuruoka-city-2019"),
    ("osaka-city-innovation-district", "knowledge-capital"),
    ("shibuya-city-innovation-district", "future-design-shibuya"),
    ("ama-town-machizukuri", "co-ba"),
    ("chino-toranomon", "hamamatsu-toranomon"),
    ("daimaruyu-intercity", "egg-japan"),
    ("daimaruyu-intercity", "tip-s"),
])
def test_documents_tie_these_cases(cases: tuple[Case, ...], a: str, b: str) -> None:
    by_id = {c.id: c for c in cases}
    assert b in by_id[a].related and a in by_id[b].related


def test_types_are_marked_report_or_editorial(cases: tuple[Case, ...]) -> None:
    for c in cases:
        sources = {r.source for r in c.sources}
        if c.types:
            assert c.types_basis in ("named", "group", "editorial"), c.id
            assert c.types_note, c.id
        # 002 and 004 give no types: anything there is our judgement.
        if sources <= {"intercity-projects", "chiho-sosei-2"} and c.types:
            assert c.types_basis == "editorial", c.id


def test_report_placements(data: Dataset) -> None:
    by_id = {c.id: c for c in data.cases}
    assert set(by_id["co-ba"].types) == {"coworking", "network"}
    assert by_id["visasq"].types == ("knowledge-platform",)
    assert by_id["osaka-city-innovation-district"].types == ("innovation-district",)
    placed = Counter(t for c in data.cases if c.types_basis in ("named", "group") for t in c.types)
    assert placed["regional-resource"] == 7  # 参考資料2
    assert placed["innovation-district"] == 2  # 渋谷区, 大阪市
    for t in data.types.values():
        for ex in t.examples:
            assert t.slug in by_id[ex].types, (t.slug, ex)


def test_004_fields_are_tags(data: Dataset) -> None:
    # `kasegeru list --source chiho-sosei-2 --tag 農林水産業` works.
    farming = Catalog(data).filter(Filters(sources=("004",), tags=("農林水産業",)))
    assert len(farming) >= 3
    assert all("農林水産業" in (c.category or "") for c in farming)


def test_figures_have_what_they_measure(cases: tuple[Case, ...]) -> None:
    for c in cases:
        for f in c.figures:
            assert f.label.strip(), c.id
            assert not isinstance(f.value, bool)


def test_dates_are_plausible(cases: tuple[Case, ...]) -> None:
    for c in cases:
        for year in c.years():
            assert 1800 <= year <= 2060, (c.id, year)


def test_co_ba_is_complete(data: Dataset) -> None:
    co_ba = next(c for c in data.cases if c.id == "co-ba")
    assert any(f.value == 24 and f.as_of == "2019-03" for f in co_ba.figures)
    assert any("ツクルバ" in a.name for a in co_ba.actors)
    places = " ".join(loc.label() for loc in co_ba.locations)
    for town in ("渋谷区", "気仙沼市", "呉市", "海士町", "花巻市"):
        assert town in places
    assert co_ba.challenges and co_ba.timeline
