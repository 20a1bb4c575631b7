"""Output formats. Each text format is a pure function from data to ``str``;
the table format builds rich renderables that the CLI prints.

Nothing here writes to stdout: the CLI owns I/O.
"""

from __future__ import annotations

from enum import Enum


class Format(str, Enum):
    """What ``--format`` accepts on the query commands."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    markdown = "markdown"


class ExportFormat(str, Enum):
    """What ``export --format`` accepts: every query format but the table, plus the
    dataset's own TOML and an SQLite database."""

    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    markdown = "markdown"
    toml = "toml"
    sqlite = "sqlite"
