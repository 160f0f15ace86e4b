"""The built-in packs ship inside the wheel: an installed (non-editable) copy, run from
another folder, finds them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT, SEEDS


def test_wheel_carries_the_packs_and_works_from_another_folder(tmp_path):
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    (wheel,) = dist.glob("cleaner-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    packs = sorted(n for n in names if n.startswith("cleaner/rules/") and n.endswith(".toml"))
    assert packs == sorted(f"cleaner/rules/{p.relative_to(ROOT / 'rules').as_posix()}" for p in (ROOT / "rules").rglob("*.toml"))
    assert "cleaner/engine/weights.toml" in names
    assert {f"cleaner/cli/review.{ext}" for ext in ("html", "css", "js")} <= set(names)  # the review page's assets
    # "install" the pure-Python wheel by unpacking it, and run it from an unrelated folder
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run(
        [sys.executable, "-c", "import cleaner.packs.load as p, cleaner; print(cleaner.__file__); print(p.builtin_rules_dir())"],
        capture_output=True, text=True, cwd=elsewhere, env=env, timeout=120)
    assert probe.returncode == 0, probe.stderr
    module, rules = probe.stdout.split()
    assert Path(module).is_relative_to(site) and Path(rules) == site / "cleaner" / "rules"
    out = elsewhere / "out"
    run = subprocess.run([sys.executable, "-m", "cleaner", "run", str(SEEDS), "-o", str(out)],
                         capture_output=True, text=True, cwd=elsewhere, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert len(list(out.glob("*.txt"))) == len(list(SEEDS.glob("*.txt")))
