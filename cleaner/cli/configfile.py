"""Configuration files: `[tool.cleaner]` in pyproject.toml, or a cleaner.toml, found from the
current folder upwards, or named with --config. Command-line options override the file.

    [tool.cleaner]
    select = ["PROMO", "donation"]
    ignore = ["CAPT003"]
    rules = ["packs/"]          # relative to the file
    language = "en"
    site = "example.com"
    builtin = true
    match_timeout = 1.0
    keep_nonempty = true
    headline = "keep"           # or "drop": body text only
    cache = true                # false: build packs afresh each run (see --no-cache)
    storage_options = { anon = false }   # fsspec options for s3:// and other URLs
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from cleaner.tomlfile import read_toml

#: Keys a config file may set -> (Config field, type).
KEYS: Mapping[str, tuple[str, type | tuple[type, ...]]] = {
    "select": ("select", list), "ignore": ("ignore", list), "rules": ("rule_paths", list),
    "language": ("language", str), "site": ("site", str), "builtin": ("builtin_rules", bool),
    "match_timeout": ("match_timeout", (int, float)), "keep_nonempty": ("keep_nonempty", bool),
    "weights": ("weights", str), "max_bytes": ("max_bytes", int), "headline": ("headline", str),
    "cache": ("cache", bool),
}


class ConfigFileError(ValueError):
    """A configuration file is invalid."""


def find(start: Path) -> Path | None:
    """The nearest cleaner.toml, or pyproject.toml with a [tool.cleaner] table, from `start`
    upwards."""
    for folder in (start.resolve(), *start.resolve().parents):
        own = folder / "cleaner.toml"
        if own.is_file():
            return own
        project = folder / "pyproject.toml"
        if project.is_file():
            try:
                if "cleaner" in read_toml(project, ValueError).get("tool", {}):
                    return project
            except ValueError:
                continue
    return None


def load(path: Path) -> dict[str, Any]:
    """Config fields set by one file (paths made absolute), validated."""
    data = read_toml(path, ConfigFileError)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("cleaner", {})
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "storage_options":
            if not isinstance(value, dict):
                raise ConfigFileError(f"{path}: 'storage_options' must be a table")
            out[key] = value
            continue
        if key not in KEYS:
            raise ConfigFileError(f"{path}: unknown setting '{key}' (known: {', '.join(KEYS)}, storage_options)")
        field, kind = KEYS[key]
        if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
            raise ConfigFileError(f"{path}: '{key}' has the wrong type ({type(value).__name__})")
        if kind is list:
            if not all(isinstance(v, str) for v in value):
                raise ConfigFileError(f"{path}: every item of '{key}' must be a string")
            value = tuple(str((path.parent / v).resolve()) if key == "rules" else v for v in value)
        elif key == "weights":
            value = str((path.parent / value).resolve())
        out[field] = value
    return out
