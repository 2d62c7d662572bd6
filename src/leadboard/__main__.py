"""`python -m leadboard` is the `leadboard` command."""

from leadboard.cli import main

main()
