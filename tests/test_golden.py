"""Golden files: seeds/<name>.txt -> tests/golden/<name>.txt, exactly.

Regenerate with `pytest tests/test_golden.py --update-golden` and review the diff.
"""

from __future__ import annotations

import json

import pytest
from conftest import GOLDEN, SEEDS

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def test_there_are_seeds_and_every_golden_file_has_its_seed():
    assert len(SEED_FILES) >= 3
    orphans = [g.name for g in GOLDEN.glob("*.txt") if not (SEEDS / g.name).exists()]
    assert not orphans, f"golden files without a seed: {orphans}"


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.stem)
def test_golden(seed, cleaner, update_golden):
    result = cleaner.clean(seed.read_text(encoding="utf-8"))
    golden = GOLDEN / seed.name
    decisions = GOLDEN / f"{seed.stem}.decisions.json"
    removed = [{"block": d.block.index, "state": d.state.value, "reasons": list(d.reasons[:2]),
                "text": d.block.text[:60]} for d in result.decisions if not d.kept]
    if update_golden:
        golden.write_text(result.text, encoding="utf-8")
        decisions.write_text(json.dumps(removed, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden file for {seed.name}: run pytest --update-golden and review it"
    assert result.text == golden.read_text(encoding="utf-8")
    assert removed == json.loads(decisions.read_text(encoding="utf-8"))
