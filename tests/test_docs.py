"""Docs that hold: every command the README and the --help examples show runs,
the help reads whole at 80 columns, and completion works for bash, zsh, fish."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import Cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent / "kasegeru"
COMMANDS = ("list", "show", "search", "types", "topics", "sources", "stats", "export", "map",
            "schema", "validate", "cite")


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", README, flags=re.S)


def _readme_commands() -> list[str]:
    """Each ``kasegeru …`` line of the README's sh blocks, its comment and any
    pipe cut off (what is left runs without jq or sqlite3)."""
    out = []
    for block in _blocks("sh"):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            words = shlex.split(line.split(" | ")[0]) if line else []
            env = [w for w in words if re.fullmatch(r"[A-Z_]+=\S*", w)]
            # Not serve (a server: test_web's) nor what edits the user's shell set-up.
            if words[len(env):len(env) + 1] == ["kasegeru"] and "serve" not in words \
                    and "--install-completion" not in words:
                out.append(" ".join(shlex.quote(w) for w in words))
    return out


def _setup(tmp: Path) -> None:
    """The files the README's examples name, as its own heredoc writes them."""
    team = re.search(r"cat > team.toml <<'TOML'\n(.*?)\nTOML", README, flags=re.S)
    assert team, "README lost its team.toml example"
    for name in ("team.toml", "my-cases.toml", "extra.toml"):
        (tmp / name).write_text(team.group(1) + "\n", encoding="utf-8")
    (tmp / "data").symlink_to(ROOT / "data")


def _run(cli: Cli, line: str) -> tuple[int, str, str]:
    words = shlex.split(line)
    env = dict(w.split("=", 1) for w in words if re.fullmatch(r"[A-Z_]+=\S*", w))
    words = [w for w in words if not re.fullmatch(r"[A-Z_]+=\S*", w)][1:]
    result = cli(*words, env=env)
    return result.exit_code, result.stdout, result.stderr


def test_every_readme_command_runs(cli: Cli, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _setup(tmp_path)
    monkeypatch.chdir(tmp_path)
    commands = _readme_commands()
    assert len(commands) >= 20
    for line in commands:
        code, out, err = _run(cli, line)
        assert code == 0, (line, err)
        assert out.strip() or "Wrote" in err, line


def test_every_help_example_runs(cli: Cli, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _setup(tmp_path)
    monkeypatch.chdir(tmp_path)
    examples = []
    for name in (None, *COMMANDS):
        help_text = cli(*([name] if name else []), "--help", env={"COLUMNS": "200"}).stdout
        examples += [line.strip() for line in help_text.split("Examples:", 1)[-1].splitlines()
                     if line.strip().startswith("kasegeru ")]
    assert len(examples) >= 25
    for example in examples:
        line = example.split(" | ")[0].split(" > ")[0]
        if " serve" in line:
            continue
        code, out, err = _run(cli, line)
        assert code == 0, (example, err)
        assert out.strip() not in ("", "[]") or "Wrote" in err, example


def test_readme_console_examples_are_real_output(cli: Cli) -> None:
    for block in _blocks("console"):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, shown = chunk.partition("\n")
            if "--data my-copy.toml" in command:
                continue  # the broken file: its own test below
            _code, out, err = _run(cli, command)
            real = [line.rstrip() for line in (out + err).splitlines()]
            for line in shown.splitlines():
                if line.strip() and "…" not in line:
                    assert line.rstrip() in real, (command, line)


def test_readme_broken_file_example_is_real(cli: Cli, tmp_path: Path) -> None:
    copy = tmp_path / "my-copy.toml"
    assert cli("export", "--format", "toml", "-o", str(copy)).exit_code == 0
    text = copy.read_text(encoding="utf-8")
    at = text.index('id = "co-ba"')
    name = text.index("\nname = ", at)
    text = text[:name] + "\nnmae = " + text[name + len("\nname = "):]
    date = text.index('date = "', text.index("[[cases.timeline]]", at))
    text = text[:date] + 'date = "2019-13' + text[text.index('"', date + 8):]
    copy.write_text(text, encoding="utf-8")
    result = cli("--data", str(copy), "list")
    assert result.exit_code == 1
    real = result.stderr.replace(str(copy), "my-copy.toml")
    shown = README.split("$ kasegeru --data my-copy.toml list\n", 1)[1].split("```")[0]

    def unnumbered(s: str) -> str:  # line numbers move as the data grows
        return re.sub(r"\.toml:\d+:", ".toml:N:", s).strip()

    assert unnumbered(shown) == unnumbered(real)


def test_readme_lists_the_optional_tools() -> None:
    prerequisites = README.split("## Quick start", 1)[1].split("## What it looks like")[0]
    assert "jq" in prerequisites and "sqlite3" in prerequisites


# ----------------------------------------------------------------------------- help


def test_help_reads_whole_at_80_columns(cli: Cli) -> None:
    main = cli("--help").stdout
    panel = main.split("Commands", 1)[1]
    for name in COMMANDS:
        row = next(line for line in panel.splitlines() if line.startswith(f"│ {name} "))
        assert row.rstrip("│ ").endswith("."), row  # the summary ends on its own line
    for command in (None, *COMMANDS):
        text = cli(*([command] if command else []), "--help").stdout
        assert not re.search(r"\w…", text), (command, re.findall(r".{20}\w….{3}", text))
        assert "<int range>" not in text and "<str>" not in text.replace(" <str> ", "")
    assert "Usage: kasegeru schema [OPTIONS] [OUTPUT]" in cli("schema", "--help").stdout
    listed = cli("list", "--help").stdout
    assert "--sort            KEY" in listed and "started or" in listed


# ----------------------------------------------------------------------------- completion


def _installed() -> None:
    if not BIN.exists():
        pytest.skip("console script not installed")


@pytest.mark.parametrize(("shell", "marker"), [
    ("bash", "complete -o default -F _kasegeru_completion kasegeru"),
    ("zsh", "#compdef kasegeru"),
    ("fish", "complete --command kasegeru"),
])
def test_each_shell_gets_its_own_script(cli: Cli, shell: str, marker: str) -> None:
    result = cli("--show-completion", shell)
    assert result.exit_code == 0, result.stderr
    assert marker in result.stdout
    assert f"complete_{shell}" in result.stdout


def test_an_unknown_shell_is_a_usage_error(cli: Cli) -> None:
    result = cli("--show-completion", "tcsh")
    assert result.exit_code == 2
    assert "no completion for tcsh" in result.stderr and "zsh" in result.stderr


def _complete(shell: str, words: str) -> str:
    env = {**os.environ, "_KASEGERU_COMPLETE": f"complete_{shell}",
           "_TYPER_COMPLETE_ARGS": words, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    return subprocess.run([str(BIN)], env=env, capture_output=True, text=True, timeout=60,
                          encoding="utf-8").stdout


def test_completion_folds_case_and_kana() -> None:
    _installed()
    assert '"co-ba"' in _complete("zsh", "kasegeru show CO-")
    assert '"コワーキング型"' in _complete("zsh", "kasegeru list --type コ")
    assert '"started"' in _complete("zsh", "kasegeru list --sort st")
    assert "co-ba" in _complete("fish", "kasegeru show CO-")


def test_the_bash_script_completes_in_bash() -> None:
    _installed()
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    script = subprocess.run([str(BIN), "--show-completion", "bash"], capture_output=True,
                            text=True, timeout=60).stdout
    run = (script + "\nCOMP_WORDS=(kasegeru show CO-); COMP_CWORD=2\n"
           "_kasegeru_completion kasegeru\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
    out = subprocess.run([bash, "-c", run], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PATH": f"{BIN.parent}:{os.environ['PATH']}"})
    assert out.stdout.split() == ["co-ba"], out.stderr
