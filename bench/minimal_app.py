"""The baseline for CLI start-up: the smallest honest two-command Typer app.

Two commands make Typer build a click group, as it does for kasegeru; ``show``
prints one JSON line. Same interpreter and same typer as the real CLI, nothing
else: what kasegeru costs above this is kasegeru's own.

    python bench/minimal_app.py show co-ba
"""

from __future__ import annotations

import json

import typer

app = typer.Typer()


@app.command()
def show(case_id: str) -> None:
    """Print one record as a JSON line."""
    print(json.dumps({"id": case_id, "name": "minimal"}, ensure_ascii=False))


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {name}")


if __name__ == "__main__":
    app()
