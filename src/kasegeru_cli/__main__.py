"""``python -m kasegeru_cli``."""

from kasegeru_cli.cli import main

main()
