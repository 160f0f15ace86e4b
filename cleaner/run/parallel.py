"""Ordered, bounded parallel map over worker processes, with no global state.

Each worker process builds its own Cleaner from the Config once, then handles tasks from a
queue. Results come back tagged with their sequence number and are yielded in input order;
at most `window` tasks are in flight, so memory is bounded by the chunk size, not by the
corpus. With jobs=1 everything runs in this process, through the same task function.

Given a Cleaner, this process cleans the first tasks itself while the workers start (a
worker takes a large part of a second to import and build its Cleaner), and hands tasks
to them once one says it is ready; a job that is done before then never waits for them.
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
    results.put(_READY)
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
            yield _inline(handler, cleaner, task)
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
    sent = done = ready = 0
    it = iter(tasks)
    exhausted = False
    try:
        while cleaner is not None and not ready:  # clean here until a worker is ready
            try:
                result_q.get_nowait()  # (only _READY can come before any task is sent)
                ready += 1
                break
            except queue.Empty:
                pass
            task = next(it, _END)
            if task is _END:
                return
            yield _inline(handler, cleaner, task)
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
                    item = result_q.get(timeout=POLL_SECONDS)
                    if item == _READY:
                        ready += 1
                        continue
                    seq, ok, value = item
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
        if ready < len(procs) and sent == done:
            for p in procs:  # some are still starting, and no task is left for them
                p.terminate()
        for _ in procs:
            task_q.put(None)
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()


#: What a worker says once its Cleaner is built.
_READY = "ready"
_END = object()


def _inline(handler: Callable[[Any, Any], Any], cleaner, task) -> Any:
    try:
        return handler(cleaner, task)
    except Exception as exc:
        return TaskFailed(f"{type(exc).__name__}: {exc}")


class TaskFailed(str):
    """The message of a task whose handler raised."""
