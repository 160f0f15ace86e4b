"""The `cleaner` command line: `app` (run, explain, config), `rules`, `learn`, `review` (the
HTML audit page: `review_page`, `review_lines`); settings files in `configfile`. The console
script is `cleaner.cli:main`."""

from cleaner.cli.app import main
from cleaner.cli.review import review

main.add_command(review)

__all__ = ["main"]
