"""The corpus split, fixed by site: `python benchmarks/corpus/split.py SITE` prints dev or test.

A site's pages are `test` when the first byte of sha256(site) is below TEST_SHARE * 256
(about 30% of sites); no fitting ever reads them. Importable: `from split import split_of`.
"""

from __future__ import annotations

import hashlib
import sys

TEST_SHARE = 0.30


def split_of(site: str) -> str:
    first = hashlib.sha256(site.strip().lower().removeprefix("www.").encode("utf-8")).digest()[0]
    return "test" if first < TEST_SHARE * 256 else "dev"


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(name, split_of(name))
