"""The `cleaner` command line: `app` (run, explain, config), `rules`, `learn`; settings files
in `configfile`. The console script is `cleaner.cli:main`."""

from cleaner.cli.app import main

__all__ = ["main"]
