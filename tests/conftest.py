from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner, Config

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite tests/golden/ from the current output (review the diff!).")


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory):
    """The tests' own disk cache (never the user's), shared by the whole session and by the
    processes the tests start."""
    import os

    from cleaner.io.cache import ENV

    before = os.environ.get(ENV)
    os.environ[ENV] = str(tmp_path_factory.mktemp("cleaner-cache"))
    yield
    if before is None:
        os.environ.pop(ENV, None)
    else:
        os.environ[ENV] = before


@pytest.fixture(scope="session")
def cleaner() -> Cleaner:
    """The default cleaner: built-in packs, default weights."""
    return Cleaner(Config())


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(scope="module")
def client():
    """A Dask LocalCluster of two worker processes, and its client (one per test module)."""
    distributed = pytest.importorskip("distributed", reason="Dask is a test extra: pip install '.[test]'")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, host="127.0.0.1")
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()
