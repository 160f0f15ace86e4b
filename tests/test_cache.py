"""The disk cache of packs and stoplists: a warm cache gives the same Cleaner without
building anything; a corrupt, stale or foreign entry is ignored and rebuilt; --no-cache and
Config(cache=False) neither read nor write it; CLEANER_CACHE_DIR is honoured; concurrent
writers never leave a half-written entry."""

from __future__ import annotations

import multiprocessing as mp
import pickle
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SEEDS

from cleaner import Cleaner, Config
from cleaner.cli.app import main
from cleaner.engine import decode, language
from cleaner.io.cache import ENV, DiskCache, default_folder
from cleaner.packs import cached, terms
from cleaner.packs.load import builtin_rules_dir, pack_files
from cleaner.packs.prefilter import Prefilter

PACK = """
[pack]
name = "test"
prefix = "ZORB"

[[rule]]
id = "ZORB901"
name = "promo.test-cache"
category = "promo"
effect = "drop"
pattern = '''(?i)^join our {word} community!?$'''
rationale = "A test rule."
match = ["Join our {word} community!"]
keep = ["Our community met on Tuesday."]
"""
TEXT = ("Police said the road reopened at noon after the crash, and traffic moved again.\n"
        "Join our tulip community!\n")


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(ENV, str(folder))
    return folder


def _pack(tmp_path: Path, word: str) -> Path:
    path = tmp_path / "test.toml"
    path.write_text(PACK.replace("{word}", word), encoding="utf-8")
    return path


def _entries(folder: Path, kind: str = "") -> list[Path]:
    return sorted(folder.glob(f"{kind}*.pickle")) if folder.is_dir() else []


def _forbid_building(monkeypatch) -> None:
    def refuse(*_, **__):
        raise AssertionError("built although the cache has it")

    monkeypatch.setattr(cached, "load_pack", refuse)
    monkeypatch.setattr(cached, "analyse", refuse)
    monkeypatch.setattr(Prefilter, "__init__", refuse)
    monkeypatch.setattr(language, "_read_justext", refuse)
    monkeypatch.setattr(decode, "read_toml", refuse)
    monkeypatch.setattr(terms, "compile", refuse, raising=False)  # the terms' code is in the entry


def _seed_results(c: Cleaner) -> list:
    return [c.clean(p.read_text(encoding="utf-8")).report() for p in sorted(SEEDS.glob("*.txt"))]


def test_the_folder_is_the_env_variable_else_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV, str(tmp_path / "here"))
    assert default_folder() == tmp_path / "here"
    monkeypatch.delenv(ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_folder().name == "cleaner"
    assert DiskCache.open(False).folder is None


def test_a_warm_cache_gives_the_same_cleaner_without_building_anything(cache_dir, monkeypatch):
    cold = Cleaner()
    packs = pack_files([builtin_rules_dir()])
    assert len(_entries(cache_dir, "pack-")) == len(packs)
    assert len(_entries(cache_dir, "stoplists-")) == 1
    assert len(_entries(cache_dir, "prefilter-")) == len(_entries(cache_dir, "weights-")) == 1
    _forbid_building(monkeypatch)
    warm = Cleaner()
    assert [(r.id, r.pattern, r.pack) for r in warm.rules] == [(r.id, r.pattern, r.pack) for r in cold.rules]
    assert warm.ruleset.prefilter.fits == cold.ruleset.prefilter.fits
    assert warm.ruleset.prefilter.words == cold.ruleset.prefilter.words
    assert dict(warm.stoplists.lists) == dict(cold.stoplists.lists)
    assert warm.weights == cold.weights
    assert _seed_results(warm) == _seed_results(cold)


def test_a_corrupt_or_truncated_entry_is_ignored_and_rebuilt(cache_dir):
    Cleaner()
    entries = _entries(cache_dir)
    good = {p.name: p.read_bytes() for p in entries}
    for n, path in enumerate(entries):
        path.write_bytes(b"not a pickle" if n % 2 else good[path.name][: len(good[path.name]) // 2])
    again = Cleaner()
    assert again.clean(TEXT).text == Cleaner(Config(cache=False)).clean(TEXT).text
    for path in entries:  # rewritten whole
        key, _ = pickle.loads(path.read_bytes())
        assert isinstance(key, str)


def test_an_entry_holding_another_key_is_not_read(cache_dir, tmp_path):
    assert Cleaner(Config(builtin_rules=False, rule_paths=(str(_pack(tmp_path, "tulip")),))).clean(TEXT).removed
    entries = {p.name: p.read_bytes() for p in _entries(cache_dir, "pack-")}
    # the same pack file with other contents: a new key; an old entry put under its name
    # (a hash clash, a copied folder) holds the old key and is ignored
    second_pack = _pack(tmp_path, "rose")
    (path,) = [p for p in _entries(cache_dir, "pack-")
               if any(r.pack == str(second_pack) for r in pickle.loads(p.read_bytes())[1][0])]
    key = DiskCache.key(cached.PackLoader(DiskCache(cache_dir))._code, str(second_pack), second_pack.read_bytes())
    (cache_dir / f"pack-{key[:40]}.pickle").write_bytes(entries[path.name])
    second = Cleaner(Config(builtin_rules=False, rule_paths=(str(second_pack),)))
    assert not second.clean(TEXT).removed  # "tulip" is no longer matched...
    assert second.clean(TEXT.replace("tulip", "rose")).removed  # ..."rose" is


def test_a_changed_pack_is_loaded_afresh(cache_dir, tmp_path):
    pack = _pack(tmp_path, "tulip")
    assert Cleaner(Config(builtin_rules=False, rule_paths=(str(pack),))).clean(TEXT).removed
    _pack(tmp_path, "rose")  # same path, new contents
    assert not Cleaner(Config(builtin_rules=False, rule_paths=(str(pack),))).clean(TEXT).removed


def test_config_cache_false_neither_reads_nor_writes(cache_dir, tmp_path, monkeypatch):
    pack = str(_pack(tmp_path, "tulip"))
    Cleaner(Config(cache=False, builtin_rules=False, rule_paths=(pack,)))
    assert _entries(cache_dir) == []
    Cleaner(Config(builtin_rules=False, rule_paths=(pack,)))
    # poison every entry: a reader would get a rule set with no rules at all
    for path in _entries(cache_dir, "pack-"):
        key, _ = pickle.loads(path.read_bytes())
        path.write_bytes(pickle.dumps((key, ([], {}))))
    assert not Cleaner(Config(builtin_rules=False, rule_paths=(pack,))).clean(TEXT).removed  # the cache was read
    assert Cleaner(Config(cache=False, builtin_rules=False, rule_paths=(pack,))).clean(TEXT).removed  # it was not


def test_no_cache_on_the_command_line_and_the_env_variable(cache_dir, tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text(TEXT.replace("tulip", "WhatsApp"), encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["run", str(doc), "-o", "-", "--no-cache"])
    assert res.exit_code == 0, res.output
    assert "Join our" not in res.stdout
    assert _entries(cache_dir) == []
    res = runner.invoke(main, ["run", str(doc), "-o", "-"])
    assert res.exit_code == 0, res.output
    assert _entries(cache_dir, "pack-") and _entries(cache_dir, "stoplists-")
    res = runner.invoke(main, ["config", "show", "--no-cache"])
    assert "cache" in res.stdout and "False" in res.stdout and "command line" in res.stdout


def test_a_cache_folder_that_cannot_be_written_is_no_failure(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    monkeypatch.setenv(ENV, str(blocker / "cache"))
    config = Config(builtin_rules=False, rule_paths=(str(_pack(tmp_path, "tulip")),))
    assert Cleaner(config).clean(TEXT).text.startswith("Police said")


def test_concurrent_writers_and_readers_never_see_half_an_entry(tmp_path):
    cache = DiskCache(tmp_path / "c")
    value = {"words": ["x" * 1000] * 2000}
    seen: list = []
    stop = threading.Event()

    def write():
        for _ in range(30):
            assert cache.put("k", "key", value)

    def read():
        while not stop.is_set():
            got = cache.get("k", "key")
            if got is not None:
                seen.append(got == value)

    readers = [threading.Thread(target=read) for _ in range(2)]
    writers = [threading.Thread(target=write) for _ in range(3)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert seen and all(seen)
    assert [p.name for p in (tmp_path / "c").iterdir()] == [cache._path("k", "key").name]  # no temporary left


def _build(folder: str, pack: str, results) -> None:
    import os

    os.environ[ENV] = folder
    c = Cleaner(Config(builtin_rules=False, rule_paths=(pack,)))
    results.put((len(c.rules), bool(c.clean(TEXT).removed)))


def test_processes_building_the_same_cache_at_once(tmp_path):
    folder, pack = str(tmp_path / "c"), str(_pack(tmp_path, "tulip"))
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    procs = [ctx.Process(target=_build, args=(folder, pack, results)) for _ in range(3)]
    for p in procs:
        p.start()
    got = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert len(set(got)) == 1 and got[0][1]
    names = [p.name for p in Path(folder).iterdir()]
    assert not [n for n in names if n.startswith(".tmp-")]
    for path in Path(folder).iterdir():  # every entry whole
        key, _ = pickle.loads(path.read_bytes())
        assert path.name.endswith(f"{key[:40]}.pickle")
    monkey = pytest.MonkeyPatch()
    monkey.setenv(ENV, folder)
    try:
        _forbid_building(monkey)
        assert Cleaner(Config(builtin_rules=False, rule_paths=(pack,))).clean(TEXT).removed
    finally:
        monkey.undo()
