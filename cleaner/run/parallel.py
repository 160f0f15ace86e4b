"""Ordered, bounded parallel map over worker processes, with no global state.

Each worker process builds its own Cleaner from the Config once, then handles tasks from a
queue. Results come back tagged with their sequence number and are yielded in input order;
at most `window` tasks are in flight, so memory is bounded by the chunk size, not by the
corpus. With jobs=1 everything runs in this process, through the same task function.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
from typing import Any, Callable, Iterable, Iterator

from cleaner.config import Config
from cleaner.run.orphan import exit_with_parent

#: Tasks in flight per worker.
WINDOW_PER_JOB = 4
#: Seconds between checks that the workers are still alive while waiting for results.
POLL_SECONDS = 1.0


class WorkerDied(RuntimeError):
    """A worker process ended without finishing its tasks (killed, out of memory)."""


def _worker(config: Config, handler: Callable[[Any, Any], Any], tasks, results) -> None:
    from cleaner.engine.cleaner import Cleaner

    exit_with_parent()  # never outlive the run's main process
    cleaner = Cleaner(config)
    while True:
        item = tasks.get()
        if item is None:
            return
        seq, task = item
        try:
            results.put((seq, True, handler(cleaner, task)))
        except BaseException as exc:  # reported by the parent, never silent
            results.put((seq, False, f"{type(exc).__name__}: {exc}"))


def ordered_map(config: Config, handler: Callable[[Any, Any], Any], tasks: Iterable[Any],
                jobs: int, cleaner=None) -> Iterator[Any]:
    """Yield handler(cleaner, task) for every task, in order. `handler` must be a
    module-level function (it is sent to the workers). A task whose handler raised yields
    the exception message wrapped in TaskFailed."""
    if jobs <= 1:
        from cleaner.engine.cleaner import Cleaner

        cleaner = cleaner or Cleaner(config)
        for task in tasks:
            try:
                yield handler(cleaner, task)
            except Exception as exc:
                yield TaskFailed(f"{type(exc).__name__}: {exc}")
        return
    ctx = mp.get_context("spawn")
    task_q, result_q = ctx.Queue(), ctx.Queue()
    result_q.cancel_join_thread()
    procs = [ctx.Process(target=_worker, args=(config, handler, task_q, result_q), daemon=True)
             for _ in range(jobs)]
    for p in procs:
        p.start()
    window = jobs * WINDOW_PER_JOB
    pending: dict[int, Any] = {}
    sent = done = 0
    it = iter(tasks)
    exhausted = False
    try:
        while True:
            while not exhausted and sent - done < window:
                try:
                    task = next(it)
                except StopIteration:
                    exhausted = True
                    break
                task_q.put((sent, task))
                sent += 1
            if exhausted and done == sent:
                return
            while done not in pending:
                try:
                    seq, ok, value = result_q.get(timeout=POLL_SECONDS)
                except queue.Empty:
                    dead = [p for p in procs if not p.is_alive()]
                    if dead:
                        raise WorkerDied(f"a worker process ended (exit code {dead[0].exitcode}); "
                                         f"{sent - done} tasks were not finished") from None
                    continue
                pending[seq] = value if ok else TaskFailed(value)
            yield pending.pop(done)
            done += 1
    finally:
        for _ in procs:
            task_q.put(None)
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()


class TaskFailed(str):
    """The message of a task whose handler raised."""
