"""CSV, TSV and Markdown as documented: the same columns, JSON cells on request,
formula guarding only for --excel, and escapes where a format needs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from kasegeru_cli.formats.delimited import is_formula

from .conftest import Cli


def rows(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_csv_and_tsv_carry_the_same_columns(cli: Cli) -> None:
    as_csv = rows(cli("list", "-n", "3", "--format", "csv").stdout)
    as_tsv = rows(cli("list", "-n", "3", "--format", "tsv").stdout, "\t")
    export = rows(cli("export", "--format", "csv", "--source", "002").stdout)
    assert list(as_csv[0]) == list(as_tsv[0]) == list(export[0])
    # docs/DATA.md field order, by hand: the record's own fields, topics among them
    assert list(as_csv[0])[:5] == ["id", "name", "name_en", "summary", "summary_en"]
    assert {"topics", "started", "actors", "locations", "sources"} <= set(as_csv[0])


def test_markdown_keeps_the_short_columns(cli: Cli) -> None:
    head = cli("list", "-n", "1", "--format", "markdown").stdout.splitlines()[0]
    assert head == "| id | name | types | prefectures | name_en |"


def test_nested_json_cells_parse_back(cli: Cli) -> None:
    text = cli("list", "--type", "network", "--format", "csv", "--nested", "json").stdout
    records = {r["id"]: r for r in cli.json("list", "--type", "network", "--json")}
    for row in rows(text):
        record = records[row["id"]]
        for name in ("actors", "locations", "timeline", "figures", "topics",
                     "topic_evidence", "tags"):
            assert json.loads(row[name]) == record[name], (row["id"], name)
        assert row["started_fiscal"] in ("true", "false")


def test_unknown_nested_shape_is_a_usage_error(cli: Cli) -> None:
    result = cli("list", "--format", "csv", "--nested", "xml")
    assert result.exit_code == 2 and "--nested takes readable or json" in result.stderr


@pytest.mark.parametrize("cell, formula", [
    ("=1+1", True), ("@SUM(A1)", True), ("+cmd|' /C calc'!A0", True), ("-2+3", True),
    (" =1+1", True), ("\u3000=1", True), ("＝1+1", True), ("＋1＋1", True), ("\tx", True),
    ("-2", False), ("+81", False), ("-1.5e3", False), ("12%", False), ("co-ba", False),
    ("東京都", False), ("", False), ("- 例", True),
])
def test_what_a_spreadsheet_would_run(cell: str, formula: bool) -> None:
    assert is_formula(cell) is formula


def test_plain_csv_is_the_data_and_excel_is_guarded(tmp_path: Path) -> None:
    from kasegeru_cli.formats.delimited import render_delimited
    from kasegeru_cli.models import Case, SourceRef

    case = Case(id="x", name="=HYPERLINK(\"http://e\")", name_en="-2+3", summary="a\nb",
                summary_en="-2", sources=(SourceRef("s", "§"),))
    plain = render_delimited([case], ("name", "name_en", "summary", "summary_en"))
    assert rows(plain)[0] == {"name": '=HYPERLINK("http://e")', "name_en": "-2+3",
                              "summary": "a\nb", "summary_en": "-2"}
    excel = render_delimited([case], ("name", "name_en", "summary", "summary_en"), excel=True)
    assert rows(excel)[0] == {"name": '\'=HYPERLINK("http://e")', "name_en": "'-2+3",
                              "summary": "a\nb", "summary_en": "-2"}
    assert excel.endswith("\r\n") and "\r\r\n" not in excel and excel.count("\r\n") == 2


def test_excel_export_has_bom_and_crlf(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    assert cli("export", "-f", "csv", "--excel", "-o", str(out)).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,name,")
    assert b"\r\r\n" not in data
    assert data.count(b"\r\n") >= 125  # a header and 124 records, CRLF-terminated


def test_markdown_rows_escape_newlines_and_pipes(cli: Cli) -> None:
    text = cli("types", "--format", "markdown").stdout
    lines = text.splitlines()
    assert len(lines) == 2 + 5  # header, rule, the report's five types
    assert all(line.startswith("|") and line.endswith("|") for line in lines)
    from kasegeru_cli.formats.markdown import markdown_cell

    assert markdown_cell("a|b\nc\\d") == "a\\|b<br>c\\\\d"


def test_fields_have_a_schema(cli: Cli) -> None:
    data = cli.json("list", "--fields", "id,name,prefectures,years", "--json")
    schema = cli.json("schema", "list", "--fields", "id,name,prefectures,years")
    Draft202012Validator(schema).validate(data)
    assert schema["$defs"]["case"]["required"] == ["id", "name", "prefectures", "years"]
    refused = cli("schema", "types", "--fields", "id")
    assert refused.exit_code == 2


def test_show_fields_on_the_page(cli: Cli) -> None:
    page = cli("show", "co-ba", "--fields", "id,types").stdout
    assert page.splitlines()[1].split() == ["id", "co-ba"]
    assert page.splitlines()[2].split() == ["types", "coworking;", "network"]
    assert "Summary" not in page
