"""The loader against broken files: one per rule, each with its located message."""

from __future__ import annotations

from pathlib import Path

import pytest

from kasegeru_cli.loader import DatasetError, load_files

from .conftest import MINIMAL


def broken(tmp_path: Path, text: str, name: str = "cases.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(*paths: Path) -> list[str]:
    with pytest.raises(DatasetError) as info:
        load_files(list(paths))
    return [str(p) for p in info.value.problems]


def line_of(text: str, needle: str, nth: int = 0) -> int:
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    return hits[nth]


def test_minimal_file_loads(tmp_path: Path) -> None:
    dataset = load_files([broken(tmp_path, MINIMAL)])
    assert [c.id for c in dataset.cases] == ["alpha", "beta"]
    alpha = dataset.cases[0]
    assert alpha.locations[0].prefecture == "宮崎県"
    assert alpha.timeline[0].date == "2019-04" and not alpha.timeline[0].fiscal
    assert alpha.sources[0].item == "１．"


# Each rule: (what to change in MINIMAL, the line to find it on, the message expected).
RULES = [
    ('date = "2019-04"', 'date = "2019-13"', 'date = "2019-13"',
     "case alpha: field timeline[1].date: '2019-13' is not a real date"),
    ('date = "2019-04"', 'date = "April 2019"', 'date = "April 2019"',
     "case alpha: field timeline[1].date: 'April 2019' is not a date"),
    ('prefecture = "宮崎県"', 'prefecture = "宮崎"', 'prefecture = "宮崎"',
     "case alpha: field locations[1].prefecture: '宮崎' is not a prefecture "
     "(write the full name, '宮崎県')"),
    ('prefecture = "宮崎県"', 'prefecture = "Atlantis"', 'prefecture = "Atlantis"',
     "field locations[1].prefecture: 'Atlantis' is not a prefecture"),
    ('role = "main"', 'role = "hq"', 'role = "hq"',
     "field locations[1].role: 'hq' is not a location role: use one of main, partner, site, scope"),
    ('types = ["coworking"]', 'types = ["cowork"]', 'types = ["cowork"]',
     "case alpha: field types: unknown type 'cowork' (did you mean 'coworking'?)"),
    ('types_basis = "editorial"', 'types_basis = "mine"', 'types_basis = "mine"',
     "field types_basis: 'mine' must be \"named\" or \"group\" or \"editorial\""),
    ('source = "mine"\nsection = "第1章"', 'source = "mien"\nsection = "第1章"',
     'source = "mien"', "field sources[1].source: unknown source 'mien' (did you mean 'mine'?)"),
    ('name_en = "Alpha"', 'name_en = "Alpha"\nnmae = "x"', 'nmae = "x"',
     "case alpha: field nmae: unknown key (did you mean 'name'?)"),
    ('name_en = "Alpha"\n', '', '[[cases]]',
     "case alpha: field name_en: is required but missing"),
    ('name_en = "Alpha"', 'name_en = 42', 'name_en = 42',
     "field name_en: must be a string, not an integer"),
    ('name_en = "Alpha"', 'name_en = ""', 'name_en = ""',
     "field name_en: must not be empty"),
    ('id = "beta"', 'id = "alpha"', 'id = "alpha"#1',
     "duplicate id 'alpha'"),
    ('id = "alpha"', 'id = "Alpha One"', 'id = "Alpha One"',
     "field id: 'Alpha One' is not a valid id"),
    ('related = ["beta"]', 'related = ["gamma"]', 'related = ["gamma"]',
     "case alpha: field related: related case 'gamma' does not exist"),
    ('related = ["alpha"]\n', '', 'related = ["beta"]',
     "case alpha: field related: related is one-way: 'beta' does not list 'alpha' back"),
    ('[[cases.sources]]\nsource = "mine"\nsection = "第2章"\n', '', '[[cases]]#1',
     "case beta: field sources: at least one [[cases.sources]] is required"),
    ('event = "開設"', 'event = "開設"\nfiscal = "yes"', 'fiscal = "yes"',
     "field timeline[1].fiscal: must be true or false, not a string"),
    ('municipality = "宮崎市"', 'municipality = "宮崎市"\nflavour = 1', 'flavour = 1',
     "field locations[1].flavour: unknown key"),
    ('title = "私の資料"', 'title = "私の資料"\ntitel = "x"', 'titel = "x"',
     "field sources.mine.titel: unknown key (did you mean 'title'?)"),
    ('definition = "拠点を形成し…"\n', '', '[types.coworking]',
     "field types.coworking.definition: is required but missing"),
    ('date = "2024-01"', 'date = "2024/01"', 'date = "2024/01"',
     "field sources.mine.date: '2024/01' is not a date"),
]


@pytest.mark.parametrize("old, new, locate, message", RULES,
                         ids=[r[3].split(": ")[-1][:40] for r in RULES])
def test_rule(tmp_path: Path, old: str, new: str, locate: str, message: str) -> None:
    assert old in MINIMAL
    text = MINIMAL.replace(old, new, 1)
    path = broken(tmp_path, text)
    found = problems(path)
    needle, _, nth = locate.partition("#")
    expected_line = line_of(text, needle, int(nth or 0))
    assert any(p.startswith(f"{path}:{expected_line}: ") and message in p for p in found), found


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (MINIMAL.replace('date = "2019-04"', 'date = "2019-00"')
            .replace('prefecture = "宮崎県"', 'prefecture = "X"')
            .replace('name_en = "Beta"', 'name_en = 1'))
    found = problems(broken(tmp_path, text))
    assert len(found) == 3, found


def test_invalid_toml_has_line_and_column(tmp_path: Path) -> None:
    text = MINIMAL.replace('name = "アルファ"', 'name = "アルファ')
    path = broken(tmp_path, text)
    [msg] = problems(path)
    line = line_of(text, 'name = "アルファ')
    assert msg.startswith(f"{path}:{line}:")
    assert "invalid TOML" in msg


def test_missing_file(tmp_path: Path) -> None:
    assert problems(tmp_path / "nope.toml") == [f"{tmp_path / 'nope.toml'}: no such file"]


def test_directory(tmp_path: Path) -> None:
    assert problems(tmp_path) == [f"{tmp_path}: is a directory, not a case file"]


def test_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod 0 does not stop root (CI runs as root), so make the read itself fail.
    path = broken(tmp_path, MINIMAL)

    def deny(self: Path, *args: object, **kwargs: object) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", deny)  # read_bytes opens it to read within a limit
    assert problems(path) == [f"{path}: cannot be read: permission denied"]


def test_empty(tmp_path: Path) -> None:
    path = broken(tmp_path, "  \n")
    assert problems(path) == [f"{path}: is empty: a case file holds [[cases]] tables"]


def test_shift_jis_is_named(tmp_path: Path) -> None:
    path = tmp_path / "sjis.toml"
    path.write_bytes(MINIMAL.encode("shift_jis"))
    [msg] = problems(path)
    assert msg.startswith(f"{path}:")
    assert "is not UTF-8 text (it looks like Shift_JIS; save it as UTF-8)" in msg


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "windows.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode())
    plain = load_files([broken(tmp_path, MINIMAL, "plain.toml")])
    assert load_files([path]) == plain


def test_unknown_top_level_key(tmp_path: Path) -> None:
    text = MINIMAL.replace("schema_version = 1", "schema_version = 1\ncasess = []")
    path = broken(tmp_path, text)
    assert any("casess: unknown top-level key (did you mean 'cases'?)" in p
               for p in problems(path))


def test_ids_collide_across_files(tmp_path: Path) -> None:
    base = broken(tmp_path, MINIMAL, "base.toml")
    extra = broken(tmp_path, MINIMAL.split("[[cases]]")[0] + "[[cases]]" +
                   MINIMAL.split("[[cases]]")[2], "extra.toml")
    found = problems(base, extra)
    assert any(p.startswith(f"{extra}:") and f"duplicate id 'beta': already used by another "
               f"case in {base}" in p for p in found), found


def test_alias_clash(tmp_path: Path) -> None:
    text = MINIMAL.replace('name_en = "Beta"', 'name_en = "Beta"\naliases = ["ALPHA"]')
    assert any("alias 'ALPHA' clashes with the id of case 'alpha'" in p
               for p in problems(broken(tmp_path, text)))
