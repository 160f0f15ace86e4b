"""Reading TOML files (packs, weights, configuration) with one kind of error message."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def read_toml(path: Path, error: type[Exception]) -> dict[str, Any]:
    """The parsed file; `error(f"{path}: ...")` when it cannot be read or is not TOML."""
    if sys.version_info >= (3, 11):  # imported here: a Cleaner from the disk cache reads no TOML
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
