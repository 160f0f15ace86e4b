"""`python -m cleaner` is the `cleaner` command."""

from cleaner.cli.app import main

main()
