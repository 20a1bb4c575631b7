"""``python -m kasegeru_cli``."""

from kasegeru_cli.console import main

main()
