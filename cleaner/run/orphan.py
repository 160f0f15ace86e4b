"""Worker processes end when the process that started them is gone.

When the main process of a run is killed on its own (SIGKILL from an orchestrator or the
out-of-memory killer), its `-j` workers would live on, reparented to init and idle. Each
worker therefore runs a watchdog thread that waits on the pipe multiprocessing keeps open
between a parent and its child: the parent's end closes when the parent ends, however it
ends, and the thread then ends the worker at once. The same thread also compares
`os.getppid()` with the parent's pid every `POLL_SECONDS`, for a child whose pipe a
sibling may still hold open (the fork start method). Both work on every platform
multiprocessing supports; Linux's PR_SET_PDEATHSIG is not used because it fires when the
parent *thread* ends, which would kill the workers of a run started from a thread.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading

#: Seconds between the watchdog's checks of the parent's pid.
POLL_SECONDS = 0.25
#: Exit status of a worker that ended because its parent was gone.
ORPHAN_EXIT = 3


def parent_gone(parent, parent_pid: int) -> bool:
    """True when the parent process has ended (its pipe closed, or this process was
    reparented)."""
    if parent is not None and not parent.is_alive():
        return True
    return os.getppid() != parent_pid


def exit_with_parent(poll: float = POLL_SECONDS) -> threading.Thread:
    """Start a daemon thread that ends this process (os._exit) as soon as its parent is
    gone. Call it first thing in a worker process."""
    parent = mp.parent_process()
    parent_pid = parent.pid if parent is not None and parent.pid else os.getppid()

    def watch() -> None:
        while not parent_gone(parent, parent_pid):
            if parent is not None:
                parent.join(timeout=poll)  # returns at once when the parent's pipe closes
            else:
                threading.Event().wait(poll)
        os._exit(ORPHAN_EXIT)

    thread = threading.Thread(target=watch, name="cleaner-parent-watch", daemon=True)
    thread.start()
    return thread
