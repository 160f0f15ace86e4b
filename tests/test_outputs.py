"""Where `cleaner run` writes: `-o FILE` for one input file, folders, the usage errors in
between; output permissions that follow the umask; the progress bar on a terminal."""

from __future__ import annotations

import gzip
import io
import json
import os
import pty
import stat
import subprocess
import sys
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from conftest import GOLDEN, SEEDS

from cleaner.cli.app import main
from cleaner.cli.progress import Progress, total_bytes
from cleaner.io.files import AtomicFile, write_atomic
from cleaner.run.plan import STDIN, RunStats

SEED = next(SEEDS.glob("000_*.txt"))
CLEAN = (GOLDEN / SEED.name).read_text(encoding="utf-8")


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def jsonl(tmp_path):
    path = tmp_path / "crawl.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{i}", "url": "https://x.example/a", "text": SEED.read_text()}) + "\n"
                            for i in range(3)), encoding="utf-8")
    return path


def test_one_text_file_to_a_named_file_plain_and_gzipped(runner, tmp_path):
    for name in ("clean.txt", "clean.txt.gz"):
        out = tmp_path / "deep" / name
        res = runner.invoke(main, ["run", str(SEED), "-o", str(out), "-j", "1"])
        assert res.exit_code == 0, res.output
        assert out.is_file(), "a file, not a folder"
        data = out.read_bytes()
        assert (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8") == CLEAN
        assert f"Output in {out}." in res.stderr
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["clean.txt", "clean.txt.gz"]


def test_one_jsonl_file_and_stdin_to_a_named_jsonl_file(runner, tmp_path, jsonl):
    out = tmp_path / "clean.jsonl.gz"
    res = runner.invoke(main, ["run", str(jsonl), "-o", str(out), "-j", "1"])
    assert res.exit_code == 0, res.output
    records = [json.loads(line) for line in gzip.decompress(out.read_bytes()).decode().splitlines()]
    assert [r["id"] for r in records] == ["d0", "d1", "d2"] and all(r["text"] == CLEAN for r in records)
    piped = tmp_path / "piped.jsonl"
    res = runner.invoke(main, ["run", "-", "-o", str(piped), "-j", "1"], input=jsonl.read_text(encoding="utf-8"))
    assert res.exit_code == 0, res.output
    assert [json.loads(line)["text"] for line in piped.read_text(encoding="utf-8").splitlines()] == [CLEAN] * 3
    text = tmp_path / "piped.txt"
    res = runner.invoke(main, ["run", "-", "-o", str(text), "-j", "1"], input=SEED.read_text(encoding="utf-8"))
    assert res.exit_code == 0 and text.read_text(encoding="utf-8") == CLEAN
    # stdin that is not what the file's name says is refused, and nothing is written
    res = runner.invoke(main, ["run", "-", "-o", str(tmp_path / "x.txt"), "-j", "1"], input=jsonl.read_text())
    assert res.exit_code == 1 and "standard input looks like JSONL" in res.output and "NAME.jsonl" in res.output
    assert not (tmp_path / "x.txt").exists()


def test_resume_with_a_named_file(runner, tmp_path):
    out = tmp_path / "clean.txt"
    out.write_text("done before\n", encoding="utf-8")
    res = runner.invoke(main, ["run", str(SEED), "-o", str(out), "--resume", "-j", "1"])
    assert res.exit_code == 0 and "Skipped 1 input already done" in res.stderr
    assert out.read_text(encoding="utf-8") == "done before\n"


def test_folders_still_mirror_into_folders(runner, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / SEED.name).write_bytes(SEED.read_bytes())
    res = runner.invoke(main, ["run", str(folder), "-o", str(tmp_path / "out"), "-j", "1"])
    assert res.exit_code == 0 and (tmp_path / "out" / SEED.name).read_text(encoding="utf-8") == CLEAN
    existing = tmp_path / "old.jsonl"  # an existing folder stays a folder, whatever its name
    existing.mkdir()
    assert runner.invoke(main, ["run", str(folder), "-o", str(existing), "-j", "1"]).exit_code == 0
    assert (existing / SEED.name).is_file()
    slash = tmp_path / "new.txt"  # a trailing slash says folder
    assert runner.invoke(main, ["run", str(SEED), "-o", f"{slash}/", "-j", "1"]).exit_code == 0
    assert (slash / SEED.name).read_text(encoding="utf-8") == CLEAN


@pytest.mark.parametrize("args, message", [
    (["{folder}", "-o", "{tmp}/out.jsonl"], "-o {tmp}/out.jsonl names one file, but the folder {folder} gives several "
                                            "outputs, mirrored into a folder: write -o {tmp}/out/ (a folder)"),
    (["{seed}", "{seed}", "-o", "{tmp}/out.txt"], "but several inputs give several outputs"),
    (["{seed}", "-o", "{tmp}/out.jsonl.gz"], "is text, so its output is text: write -o {tmp}/out.txt.gz"),
    (["{jsonl}", "-o", "{tmp}/out.txt"], "is JSONL, so its output is JSONL: write -o {tmp}/out.jsonl"),
    (["{seed}", "--format", "jsonl", "-o", "{tmp}/out.txt"], "is JSONL, so its output is JSONL"),
    (["{seed}", "-o", "{tmp}/out.html"], "cleaner writes text, not HTML; write -o {tmp}/out.txt"),
    (["{seed}", "-o", "{tmp}/plain"], "its name does not say what it holds"),
    (["{seed}", "-o", "{seed}"], "is an input; cleaner never writes over its input"),
])
def test_ambiguous_outputs_are_usage_errors_that_say_what_to_write(runner, tmp_path, jsonl, args, message):
    folder = tmp_path / "folder"
    folder.mkdir()
    seed = tmp_path / "seed.txt"
    seed.write_bytes(SEED.read_bytes())
    (tmp_path / "plain").write_text("an existing file\n")
    names = {"folder": folder, "tmp": tmp_path, "seed": seed, "jsonl": jsonl}
    res = runner.invoke(main, ["run", *[a.format(**names) for a in args]])
    assert res.exit_code == 2, res.output
    assert message.format(**names) in " ".join(res.output.split()), res.output
    assert (tmp_path / "plain").read_text() == "an existing file\n" and seed.read_bytes() == SEED.read_bytes()
    assert not list(tmp_path.glob("out*"))


@contextmanager
def _umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600)])
def test_outputs_follow_the_umask(runner, tmp_path, mask, mode):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SEED.read_bytes())
    with _umask(mask):
        res = runner.invoke(main, ["run", str(folder), "-o", str(tmp_path / "out"), "--report",
                                   str(tmp_path / "report.jsonl"), "-j", "1"])
        assert res.exit_code == 0, res.output
        write_atomic(tmp_path / "direct.txt", "x\n")
        with AtomicFile(tmp_path / "committed.txt") as fh:
            fh.write("y")
    for name in ("out/a.txt", "report.jsonl", "direct.txt", "committed.txt"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == mode, name
    assert not list(tmp_path.rglob("*.tmp"))


def test_progress_bar_shows_share_eta_documents_and_failures():
    stream = io.StringIO()
    bar = Progress(True, total=2000, stream=stream)
    bar(RunStats(documents=3, bytes_in=1000, failures=["a: broken"]))
    bar.bar.refresh()
    shown = stream.getvalue()
    last = shown.split("\r")[-1]
    assert last.startswith("cleaning  50%|") and "| 1.00k/2.00kB, ETA 00:00, " in last
    assert last.endswith("B/s, 3 docs, 1 failed") and len(last) <= 80
    bar.done()
    assert bar.bar is None
    stream = io.StringIO()
    unknown = Progress(True, total=None, stream=stream)  # stdin: bytes and rate, no ETA
    unknown(RunStats(documents=1, bytes_in=500))
    unknown.bar.refresh()
    assert "cleaning 500B, 00:00, " in stream.getvalue() and "ETA" not in stream.getvalue()
    unknown.done()
    off = Progress(False, total=2000)
    off(RunStats(documents=1, bytes_in=5))
    assert off.bar is None


def test_the_total_counts_text_bytes_of_local_inputs_only(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("a" * 100)
    (folder / "b.jsonl.gz").write_bytes(gzip.compress(b'{"text": "' + b"b" * 5000 + b'"}\n'))
    (folder / "notes.md").write_text("not an input")
    assert total_bytes((folder,), None) == 100 + 5000 + 13
    assert total_bytes((folder / "a.txt",), None) == 100
    assert total_bytes((STDIN,), None) is None
    assert total_bytes(("memory://bucket/in.jsonl",), None) is None


def _on_a_terminal(args: list[str], cwd) -> str:
    """Run `cleaner` with its stderr on a pseudo-terminal; what the terminal got."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", *args], stdout=subprocess.DEVNULL, stderr=slave,
                            stdin=subprocess.DEVNULL, cwd=cwd)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=300) == 0
    return b"".join(chunks).decode("utf-8")


def test_a_real_terminal_gets_the_bar_and_quiet_or_a_pipe_does_not(tmp_path):
    shown = _on_a_terminal(["run", str(SEEDS), "-o", str(tmp_path / "a"), "-j", "1"], tmp_path)
    assert "cleaning   0%|" in shown and "/8.76kB, ETA ?" in shown
    assert "cleaned 3 documents" in shown
    quiet = _on_a_terminal(["run", str(SEEDS), "-o", str(tmp_path / "b"), "-j", "1", "-q"], tmp_path)
    assert quiet == ""
    piped = subprocess.run([sys.executable, "-m", "cleaner", "run", str(SEEDS), "-o", str(tmp_path / "c"), "-j", "1"],
                           capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert piped.returncode == 0 and "cleaning " not in piped.stderr and "cleaned 3 documents" in piped.stderr


def test_a_url_output_names_a_file_too(runner, tmp_path):
    import fsspec

    fs = fsspec.filesystem("memory")
    res = runner.invoke(main, ["run", str(SEED), "-o", "memory://outputs-15/one.txt", "-j", "1"])
    assert res.exit_code == 0, res.output
    assert fs.cat("/outputs-15/one.txt").decode("utf-8") == CLEAN
    res = runner.invoke(main, ["run", str(SEEDS), "-o", "memory://outputs-15/many.jsonl"])
    assert res.exit_code == 2 and "write -o memory://outputs-15/many/ (a folder)" in " ".join(res.output.split())
    fs.rm("/outputs-15", recursive=True)
