"""The commands as a user runs them, against the bundled dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tomli as tomllib

from kasegeru_cli.cli import app
from kasegeru_cli.loader import load_files

from .conftest import Cli


def ids(rows: list[dict[str, object]]) -> list[str]:
    return [str(r["id"]) for r in rows]


# ----------------------------------------------------------------------------- list


def test_list_by_prefecture_gives_the_miyazaki_cases(cli: Cli) -> None:
    rows = cli.json("list", "--prefecture", "宮崎県", "--json")
    found = ids(rows)
    assert "miyazaki-machinaka-3000" in found  # マチナカ3000
    assert "nichinan-aburatsu-shotengai" in found  # 日南市
    assert all("宮崎県" in [loc["prefecture"] for loc in r["locations"]] for r in rows)


@pytest.mark.parametrize("spelling", ["宮崎", "miyazaki", "Miyazaki-ken", "45"])
def test_prefecture_spellings_agree(cli: Cli, spelling: str) -> None:
    assert ids(cli.json("list", "-p", spelling, "--json")) == \
        ids(cli.json("list", "-p", "宮崎県", "--json"))


def test_region_contains_its_prefectures(cli: Cli) -> None:
    kyushu = set(ids(cli.json("list", "--region", "kyushu", "--json")))
    assert set(ids(cli.json("list", "-p", "宮崎県", "--json"))) <= kyushu
    assert set(ids(cli.json("list", "--region", "九州", "--json"))) == kyushu
    assert "co-ba" not in set(ids(cli.json("list", "--region", "kinki", "--json")))


def test_type_filter_by_slug_and_japanese_name(cli: Cli) -> None:
    coworking = ids(cli.json("list", "--type", "coworking", "--json"))
    assert "co-ba" in coworking and "knowledge-capital" in coworking
    assert "visasq" not in coworking
    assert ids(cli.json("list", "--type", "コワーキング型", "--json")) == coworking
    assert ids(cli.json("list", "--type", "COWORKING", "--json")) == coworking


def test_repeated_filter_is_or_and_different_filters_and(cli: Cli) -> None:
    a = set(ids(cli.json("list", "-t", "coworking", "--json")))
    b = set(ids(cli.json("list", "-t", "knowledge-platform", "--json")))
    both = set(ids(cli.json("list", "-t", "coworking", "-t", "knowledge-platform", "--json")))
    assert both == a | b
    tokyo = set(ids(cli.json("list", "-p", "東京都", "--json")))
    assert set(ids(cli.json("list", "-t", "coworking", "-p", "東京都", "--json"))) == a & tokyo


def test_source_filter_by_id_and_file_number(cli: Cli) -> None:
    by_id = ids(cli.json("list", "--source", "2019-report", "--json"))
    assert ids(cli.json("list", "--source", "003", "--json")) == by_id
    assert "co-ba" in by_id and "egg-japan" not in by_id


def test_sector_flow_tag_year_filters(cli: Cli) -> None:
    public = cli.json("list", "--sector", "public", "--json")
    assert public and all(r["sector"] == "public" for r in public)
    assert ids(cli.json("list", "--sector", "公的機関", "--json")) == ids(public)
    flow = cli.json("list", "--flow", "regional-metro", "--json")
    assert "hiroshima-sandbox" in ids(flow)
    assert all(r["flow"] == "地方都市等×大都市圏" for r in flow)
    y2018 = cli.json("list", "--year", "2018", "--fields", "id,years", "--json")
    assert y2018 and all(2018 in r["years"] for r in y2018)
    assert "co-ba" in ids(y2018)  # 神南 opened 2018-10
    # --tag: a tag as printed, or a part of one; 004's 【field】 labels are tags.
    tagged = cli.json("list", "--tag", "農林水産業", "--json")
    assert tagged and all(any("農林水産業" in t for t in r["tags"]) for r in tagged)
    part = cli.json("list", "--tag", "復興", "--json")
    assert part and all(any("復興" in t for t in r["tags"]) or "復興" in (r["category"] or "")
                        for r in part)
    assert not all("復興" in r["tags"] for r in part)  # a part matches longer tags
    assert ids(cli.json("list", "--tag", "ＩｏＴ", "--json")) == ids(
        cli.json("list", "--tag", "iot", "--json"))  # width and case folded


def test_sort_and_limit(cli: Cli) -> None:
    rows = cli.json("list", "--sort", "id", "--limit", "3", "--json")
    assert len(rows) == 3
    assert ids(rows) == sorted(ids(cli.json("list", "--json")))[:3]


def test_list_nothing_matches_is_an_empty_array_and_exit_0(cli: Cli) -> None:
    result = cli("list", "-p", "沖縄県", "-t", "innovation-district", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_fields_pick_and_order(cli: Cli) -> None:
    rows = cli.json("list", "-p", "宮崎県", "--fields", "name,id", "--json")
    assert list(rows[0]) == ["name", "id"]


def test_unknown_field_lists_the_available_ones(cli: Cli) -> None:
    result = cli("list", "--fields", "id,nmae")
    assert result.exit_code == 2
    assert "unknown field 'nmae'" in result.stderr
    for name in ("summary_en", "locations", "prefectures"):
        assert name in result.stderr


@pytest.mark.parametrize("args, message", [
    (["list", "--type", "cowork-ish"], "unknown type 'cowork-ish'"),
    (["list", "--prefecture", "Atlantis"], "unknown prefecture 'Atlantis'"),
    (["list", "--region", "europe"], "unknown region 'europe'"),
    (["list", "--source", "999"], "unknown source '999'"),
    (["list", "--sort", "size"], "unknown sort key 'size'"),
    (["list", "--sector", "nonprofit"], "unknown sector 'nonprofit'"),
    (["list", "--flow", "sideways"], "unknown flow 'sideways'"),
])
def test_bad_filter_values_are_usage_errors(cli: Cli, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_list_table_at_80_columns(cli: Cli) -> None:
    result = cli("list", "-p", "宮崎県", "--fields", "id,prefectures")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "prefecture"]
    assert "miyazaki-machinaka-3000" in result.stdout
    assert lines[-1].startswith(f"{len(cli.json('list', '-p', '宮崎', '--json'))} cases")


@pytest.mark.parametrize("fmt", ["csv", "tsv", "markdown", "jsonl"])
def test_list_other_formats(cli: Cli, fmt: str) -> None:
    result = cli("list", "-p", "宮崎県", "--format", fmt, "--fields", "id,name")
    assert result.exit_code == 0
    out = result.stdout
    assert "miyazaki-machinaka-3000" in out
    if fmt == "csv":
        assert out.splitlines()[0] == "id,name"
    elif fmt == "tsv":
        assert out.splitlines()[0] == "id\tname"
    elif fmt == "markdown":
        assert out.splitlines()[:2] == ["| id | name |", "|---|---|"]
    else:
        assert all(set(json.loads(line)) == {"id", "name"} for line in out.splitlines())


# ----------------------------------------------------------------------------- show


def test_show_co_ba_tells_what_it_is_and_who_runs_it(cli: Cli) -> None:
    result = cli("show", "co-ba")
    assert result.exit_code == 0
    out = result.stdout
    assert "シェアードワークプレイス「co-ba（コーバ）」" in out
    assert "ツクルバ" in out
    assert "24拠点" in out
    for heading in ("Summary", "Points", "Challenges", "Timeline", "Figures", "Actors",
                    "Places", "Sources", "Credit"):
        assert heading in out


def test_show_by_alias_and_width(cli: Cli) -> None:
    by_id = cli.json("show", "co-ba", "--json")
    assert cli.json("show", "コーバ", "--json") == by_id
    assert cli.json("show", "ＣＯ－ＢＡ", "--json") == by_id
    assert cli.json("show", "CO-BA", "--json") == by_id


# The keys of a JSON record and of its sub-objects in the documented order, written
# out by hand from README.md "JSON shape" (docs/DATA.md lists the same fields, in
# its TOML table order: summary there follows tags).
DOCUMENTED_KEYS = [
    "id", "name", "name_en", "summary", "summary_en", "aliases", "types", "types_basis",
    "types_note", "types_note_en", "category", "category_en", "flow", "flow_en", "sector",
    "tags", "tags_en", "points", "points_en", "challenges", "challenges_en", "related",
    "topics", "topic_evidence", "started", "started_fiscal", "started_evidence",
    "actors", "locations", "timeline", "figures", "sources"]
DOCUMENTED_SUB_KEYS = {
    "actors": ["name", "name_en", "role", "role_en", "kind", "lead", "kind_evidence"],
    "locations": ["role", "prefecture", "municipality", "area", "area_en", "country", "note",
                  "note_en", "regions", "planned"],
    "timeline": ["date", "event", "event_en", "fiscal", "planned", "until", "source"],
    "figures": ["label", "label_en", "value", "unit", "unit_en", "value_max", "as_of", "fiscal",
                "planned", "qualifier", "qualifier_en", "note", "note_en"],
    "sources": ["source", "section", "section_en", "item"],
}


def assert_documented_keys(record: dict[str, object]) -> None:
    assert list(record) == DOCUMENTED_KEYS
    for key, names in DOCUMENTED_SUB_KEYS.items():
        items = record[key]
        assert isinstance(items, list)
        for item in items:
            assert list(item) == names, key


def test_show_json_is_the_full_record(cli: Cli) -> None:
    record = cli.json("show", "co-ba", "--json")
    assert_documented_keys(record)
    assert record["id"] == "co-ba"
    assert any(f["value"] == 24 and f["as_of"] == "2019-03" for f in record["figures"])
    assert {"coworking", "network"} <= set(record["types"])
    # 付録1(1) lists co-ba under コワーキング型 and 別紙1(3) names it: "named".
    assert record["types_basis"] == "named"
    assert "remote-work" in record["topics"]


def test_show_unknown_id_suggests_the_nearest(cli: Cli) -> None:
    result = cli("show", "coba")
    assert result.exit_code == 1
    assert "no case with id, alias or name 'coba'" in result.stderr
    assert "Did you mean: co-ba" in result.stderr
    assert result.stdout == ""


def test_show_related_cases_by_name(cli: Cli) -> None:
    out = cli("show", "future-design-shibuya").stdout
    assert "Related" in out and "hiroshima-sandbox" in out
    assert "「ひろしまサンドボックス」における都市間連携" in out


def test_show_english_headline(cli: Cli) -> None:
    out = cli("show", "co-ba", "--lang", "en").stdout
    assert out.splitlines()[0] == "Shared workplace co-ba"


# ----------------------------------------------------------------------------- search


def test_search_ignores_kana_width_and_case(cli: Cli) -> None:
    for query in ("コーバ", "こーば", "ｺｰﾊﾞ", "CO-BA"):
        hits = cli.json("search", query, "--json")
        assert hits and hits[0]["id"] == "co-ba", query


def test_search_ranks_and_snippets(cli: Cli) -> None:
    hits = cli.json("search", "コワーキングスペース", "--json")
    assert len(hits) > 5
    scores = [h["match"]["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    # コワーキングスペース is a variant of the remote-work topic: a snippet shows the
    # spelling that matched, the typed one or another of the topic's.
    spellings = ("コワーキング", "テレワーク", "サテライトオフィス", "ワーケーション", "働き方",
                 "シェアオフィス", "リモートワーク")
    assert all(any(w in h["match"]["snippet"] for w in spellings) for h in hits if
               h["match"]["field"] in ("summary", "points", "name"))
    assert hits[0]["match"]["field"] in ("name", "tags", "summary")


def test_search_english_and_all_words(cli: Cli) -> None:
    hits = ids(cli.json("search", "bank", "--json"))
    assert "diagonal-run-tokyo" in hits
    both = ids(cli.json("search", "福岡 銀行", "--json"))
    assert "diagonal-run-tokyo" in both
    assert set(both) <= set(ids(cli.json("search", "福岡", "--json")))


def test_search_with_filters(cli: Cli) -> None:
    hits = cli.json("search", "コワーキング", "-p", "東京都", "--json")
    assert hits and all("東京都" in [loc["prefecture"] for loc in h["locations"]] for h in hits)


def test_search_empty_query_is_a_usage_error(cli: Cli) -> None:
    result = cli("search", "  ")
    assert result.exit_code == 2
    assert "empty" in result.stderr


def test_search_no_hit_is_empty_array(cli: Cli) -> None:
    result = cli("search", "zzzyyyxxx", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


# ------------------------------------------------------------------- types, sources, stats


def test_types_quote_the_report(cli: Cli) -> None:
    rows = {r["slug"]: r for r in cli.json("types", "--json")}
    assert set(rows) == {"coworking", "regional-resource", "network", "knowledge-platform",
                         "innovation-district"}
    assert rows["regional-resource"]["definition"] == (
        "関係主体が連携し、特定地域における潜在的価値を有する技術や産品等の高度化・高付加価値化を促すもの。")
    assert rows["regional-resource"]["name"] == "地域資源発掘型"
    assert "co-ba" in rows["network"]["examples"]
    total = cli.json("list", "-t", "coworking", "--json")
    coworking = rows["coworking"]
    assert coworking["cases_named"] + coworking["cases_group"] + coworking["cases_editorial"] \
        == len(total)
    table = cli("types").stdout
    assert "地域資源発掘型" in table and "定義" not in table and "definition" in table


def test_sources_count_records_citing_each(cli: Cli) -> None:
    rows = {r["id"]: r for r in cli.json("sources", "--json")}
    assert rows["2019-report"]["publisher"] == "国土交通省国土政策局"
    assert rows["2019-report"]["cases"] == 23
    assert rows["2018-summary"]["cases"] == 40
    assert rows["2018-partnerships"]["cases"] == 6
    assert rows["intercity-projects"]["cases"] == 7


def test_stats_by_prefecture_agrees_with_list(cli: Cli) -> None:
    rows = cli.json("stats", "--by", "prefecture", "--json")
    counts = {r["prefecture"]: r["cases"] for r in rows}
    assert counts["宮崎県"] == len(cli.json("list", "-p", "宮崎県", "--json"))
    assert [r["cases"] for r in rows] == sorted((r["cases"] for r in rows), reverse=True)
    table = cli("stats", "--by", "prefecture").stdout
    assert "█" in table and "宮崎県" in table


@pytest.mark.parametrize("by", ["type", "region", "source", "sector", "flow", "tag", "year"])
def test_stats_every_dimension(cli: Cli, by: str) -> None:
    rows = cli.json("stats", "--by", by, "--json")
    assert rows and all(r["cases"] > 0 for r in rows)


# ----------------------------------------------------------------------------- export & validate


def test_export_json_is_every_full_record(cli: Cli, bundled: Path) -> None:
    rows = cli.json("export", "--format", "json")
    dataset = load_files([bundled])
    assert ids(rows) == [c.id for c in dataset.cases]
    for row in rows:
        assert_documented_keys(row)


def test_export_toml_loads_back_into_equal_records(cli: Cli, bundled: Path,
                                                   tmp_path: Path) -> None:
    out = tmp_path / "again.toml"
    result = cli("export", "--format", "toml", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert load_files([out]) == load_files([bundled])


def test_export_filtered_toml_is_valid_on_its_own(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "tokyo.toml"
    assert cli("export", "-f", "toml", "-p", "東京都", "-o", str(out)).exit_code == 0
    dataset = load_files([out])
    assert dataset.cases and all("東京都" in c.prefectures() for c in dataset.cases)


def test_export_csv_flattens_every_field(cli: Cli) -> None:
    out = cli("export", "--format", "csv", "-p", "宮崎県").stdout
    header = out.splitlines()[0].split(",")
    assert header == DOCUMENTED_KEYS
    assert "宮崎県宮崎市" in out


def test_export_excel_csv_has_a_bom(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    assert cli("export", "-f", "csv", "--excel", "-o", str(out)).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data


def test_export_refuses_to_overwrite_without_force(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    out.write_text("keep me")
    result = cli("export", "-o", str(out))
    assert result.exit_code == 1
    assert "exists; use --force" in result.stderr
    assert out.read_text() == "keep me"
    assert cli("export", "-o", str(out), "--force").exit_code == 0
    assert json.loads(out.read_text())


def test_validate_bundled(cli: Cli, bundled: Path) -> None:
    result = cli("validate")
    assert result.exit_code == 0
    n = len(tomllib.loads(bundled.read_text(encoding="utf-8"))["cases"])
    assert result.stdout.startswith(f"OK: {n} cases, 5 sources, 5 types")


def test_validate_reports_located_problems(cli: Cli, tmp_path: Path, minimal_file: Path) -> None:
    bad = tmp_path / "bad.toml"
    text = minimal_file.read_text(encoding="utf-8").replace('"2019-04"', '"2019-13"')
    bad.write_text(text, encoding="utf-8")
    line = text.splitlines().index('date = "2019-13"') + 1
    result = cli("validate", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:{line}: case alpha: field timeline[1].date: '2019-13' is not a real date" \
        in result.stderr


def test_global_data_option_and_env(cli: Cli, minimal_file: Path) -> None:
    assert ids(cli.json("--data", str(minimal_file), "list", "--json")) == ["alpha", "beta"]
    result = cli("list", "--json", env={"KASEGERU_DATA": str(minimal_file)})
    assert ids(json.loads(result.stdout)) == ["alpha", "beta"]


def test_invalid_data_file_exits_1_with_location(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[cases]]\nid = 'x'\n", encoding="utf-8")
    result = cli("--data", str(bad), "list")
    assert result.exit_code == 1
    assert "Error: the dataset is invalid" in result.stderr
    assert f"{bad}:1: case x: field name: is required but missing" in result.stderr


def test_cite_prints_the_credit_line(cli: Cli) -> None:
    out = cli("cite", "co-ba").stdout
    assert out.splitlines()[0] == (
        "出典：「稼げる国土専門委員会 2019年とりまとめ報告書 "
        "～新たな時代における「予定調和なき対流」によるイノベーション創出～」"
        "（国土交通省国土政策局）（平成31年4月）を加工して作成")
    assert "Source:" in out


def test_version(cli: Cli) -> None:
    from kasegeru_cli import __version__

    result = cli("--version")
    assert result.exit_code == 0 and result.stdout == f"kasegeru {__version__}\n"


def test_every_command_has_help_with_an_example(cli: Cli) -> None:
    import typer.main

    group = typer.main.get_command(app)
    commands = getattr(group, "commands", {})
    assert {"list", "show", "search", "types", "sources", "stats", "export", "validate",
            "cite", "map", "schema"} <= set(commands)
    for name in commands:
        result = cli(name, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout, name


def _all_ids() -> list[str]:
    from kasegeru_cli.store import bundled_path

    return [c.id for c in load_files([bundled_path()]).cases]


@pytest.mark.parametrize("case_id", _all_ids())
def test_every_show_page_fits_80_columns(cli: Cli, case_id: str) -> None:
    from rich.cells import cell_len

    for lang in ("ja", "en"):
        result = cli("show", case_id, "--lang", lang)
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert max(cell_len(line) for line in lines) <= 80, case_id
        assert "Sources" in result.stdout and "Credit" in result.stdout


def test_square_brackets_in_cells_are_text_not_markup(cli: Cli) -> None:
    # Locations print their role as "[main]"; rich markup once ate it as a style.
    result = cli("list", "--fields", "id,locations", "--limit", "1")
    assert result.exit_code == 0, result.stderr
    assert "ii-office-ueno   東京都台東区（上野エリア） [main]\n" in result.stdout
