"""Cleaning on Dask: the same tasks and handlers as a local run, on a cluster's workers.

`cleaner run ... --engine dask` sends the tasks a local run would make (files, chunks of
JSONL records) to the workers and writes the results in input order, so the output is the
same, record for record. For people who already hold Dask collections, `clean_bag` and
`clean_frame` clean them in place.

Each worker builds its Cleaner once per Config (it is kept on the worker object, not shipped
with every task); a worker that dies has its tasks retried by Dask. Dask is optional:
`pip install 'cleaner[dask]'`.
"""

from __future__ import annotations

from collections import deque
from typing import Any, Callable, Iterable, Iterator

from cleaner.config import Config

INSTALL_HINT = "the Dask engine needs Dask: pip install 'cleaner[dask]'"
#: How many times Dask retries a task whose worker died.
RETRIES = 3


def require() -> None:
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise ImportError(INSTALL_HINT) from None


def _cleaner(config: Config):
    """This worker's Cleaner for `config`, built on first use and kept on the worker."""
    from cleaner.engine.cleaner import Cleaner

    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):  # not on a distributed worker: build one for the call
        return Cleaner(config)
    cache = worker.extensions.setdefault("cleaner", {})
    key = repr(config)
    if key not in cache:
        cache[key] = Cleaner(config)
    return cache[key]


def check(config: Config) -> None:
    """Build this worker's Cleaner for `config` (kept for the run): raises what a bad
    setup raises (a pack, selector or weights error), so the driver need not build one."""
    _cleaner(config)


def _run(config: Config, handler: Callable, task: Any) -> Any:
    return handler(_cleaner(config), task)


def ordered_map(client, config: Config, handler: Callable, tasks: Iterable[Any], window: int) -> Iterator[Any]:
    """Like cleaner.parallel.ordered_map, on a Dask cluster: at most `window` tasks in
    flight, results in input order; a task that failed yields TaskFailed."""
    from cleaner.run.parallel import TaskFailed

    futures: deque = deque()

    def result(future):
        try:
            return future.result()
        except Exception as exc:  # the handler raised on a worker
            return TaskFailed(f"{type(exc).__name__}: {exc}")

    for task in tasks:
        futures.append(client.submit(_run, config, handler, task, pure=False, retries=RETRIES))
        if len(futures) >= window:
            yield result(futures.popleft())
    while futures:
        yield result(futures.popleft())


def workers_reach(places) -> bool:
    """Whether workers can open these inputs and outputs themselves: anything but an
    in-memory filesystem, which lives in one process (local paths must be visible to the
    workers at the same place: one machine, or a shared filesystem)."""
    return not any(str(p).startswith("memory://") for p in places)


def caller(client) -> Callable[..., Any]:
    """call(fn, *args): run one function on a worker and wait for its result (scans and
    joining parts, where the data is)."""
    def call(fn: Callable, *args: Any) -> Any:
        return client.submit(fn, *args, pure=False, retries=RETRIES).result()
    return call


def connect(scheduler: str | None, workers: int):
    """A client of the given scheduler, or of a new LocalCluster (processes, one thread each)
    that closes with the client."""
    require()
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, host="127.0.0.1")
    client = Client(cluster)
    client._cleaner_cluster = cluster  # closed by close()
    return client


def close(client) -> None:
    cluster = getattr(client, "_cleaner_cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()


# -- collections ------------------------------------------------------------------------------

def _clean_partition(items: Iterable[Any], config: Config, text_key: str) -> list[Any]:
    cleaner = _cleaner(config)
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(cleaner.clean(item).text)
        else:
            record = dict(item)
            result = cleaner.clean(record[text_key], {k: v for k, v in record.items() if k in ("url", "site")})
            record[text_key] = result.text
            record["removed_chars"] = result.counts["chars_removed"]
            out.append(record)
    return out


def clean_bag(bag, config: Config | None = None, text_key: str = "text"):
    """A bag of texts becomes a bag of clean texts; a bag of records (dicts) gets its
    `text_key` cleaned and a `removed_chars` count."""
    require()
    return bag.map_partitions(_clean_partition, config or Config(), text_key)


def _clean_frame_partition(df, column: str, config: Config):
    cleaner = _cleaner(config)
    results = [cleaner.clean(t) if isinstance(t, str) else None for t in df[column]]
    df = df.copy()
    df[f"{column}_clean"] = [r.text if r else None for r in results]
    df[f"{column}_removed_chars"] = [r.counts["chars_removed"] if r else 0 for r in results]
    return df


def clean_frame(ddf, column: str = "text", config: Config | None = None):
    """Add `<column>_clean` (the clean text) and `<column>_removed_chars` to a Dask
    DataFrame."""
    require()
    import pandas as pd

    meta = ddf._meta.copy()
    meta[f"{column}_clean"] = pd.Series(dtype="object")
    meta[f"{column}_removed_chars"] = pd.Series(dtype="int64")
    return ddf.map_partitions(_clean_frame_partition, column, config or Config(), meta=meta)
