"""Embedded worker pool: ``python -m core worker`` processes beside the app, no service.

:class:`EmbeddedPool` keeps ``FORMCHECK_WORKERS`` (default: one per core) worker processes
running; each takes the oldest queued job from the jobs table (:meth:`JobTable.claim`),
sends heartbeats while it works, and exits when the app process is gone. A worker that dies
(SIGKILL, out of memory) is replaced on the next :meth:`EmbeddedPool.ensure`, and its job,
once its heartbeat lease has run out, goes to the next free worker.
"""
from __future__ import annotations

import atexit
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import requeue_stale, run_job, table, worker_name

log = logging.getLogger("formcheck.jobs")
ROOT = Path(__file__).resolve().parents[2]
IDLE_POLL_S = 0.5


def default_workers() -> int:
    """``FORMCHECK_WORKERS`` (default: cores); 0 = start none here (workers run elsewhere)."""
    try:
        n = int(os.environ.get("FORMCHECK_WORKERS", "") or (os.cpu_count() or 1))
    except ValueError:
        n = os.cpu_count() or 1
    return max(0, n)


class EmbeddedPool:
    def __init__(self, n: int | None = None) -> None:
        self.n = default_workers() if n is None else n
        self.procs: list[subprocess.Popen] = []
        self.lock = threading.Lock()

    def ensure(self) -> None:
        """Start missing workers (first use, or after one died)."""
        with self.lock:
            self.procs = [p for p in self.procs if p.poll() is None]
            while len(self.procs) < self.n:
                from .state import DATA_DIR_ENV, data_dir

                env = {**os.environ, "PYTHONUNBUFFERED": "1",
                       DATA_DIR_ENV: str(data_dir().resolve())}
                self.procs.append(subprocess.Popen(
                    [sys.executable, "-m", "core", "worker", "--embedded",
                     "--parent", str(os.getpid())],
                    cwd=ROOT, env=env, stdin=subprocess.DEVNULL))

    def pids(self) -> list[int]:
        with self.lock:
            return [p.pid for p in self.procs if p.poll() is None]

    def stop(self) -> None:
        with self.lock:
            for p in self.procs:
                if p.poll() is None:
                    p.terminate()
            for p in self.procs:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
            self.procs = []


_POOL: EmbeddedPool | None = None
_POOL_LOCK = threading.Lock()


_POOL_FOR: tuple | None = None


def pool() -> EmbeddedPool:
    """This process's pool, for the current data folder and database (a change of either,
    as between tests, stops the old workers and starts new ones)."""
    global _POOL, _POOL_FOR
    from .state import data_dir, database_url

    key = (database_url(), str(data_dir().resolve()), default_workers())
    with _POOL_LOCK:
        if _POOL is not None and _POOL_FOR != key:
            _POOL.stop()
            _POOL = None
        if _POOL is None:
            _POOL, _POOL_FOR = EmbeddedPool(), key
        return _POOL


@atexit.register
def _stop_pool() -> None:
    if _POOL is not None:
        _POOL.stop()


def serve(parent: int | None = None, once: bool = False) -> int:
    """The embedded worker loop (``python -m core worker --embedded``)."""
    from .. import parallel_pose

    import signal

    def _term(*_a) -> None:  # stop like Ctrl-C: atexit handlers stop the pose helpers
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _term)
    tab = table()
    me = worker_name()
    warmed = False
    while True:
        if parent and not _alive(parent):
            return 0
        requeue_stale(tab)
        job = tab.claim(me)
        if job is None:
            if once:  # until nothing is queued or running (a dead worker's job comes back)
                counts = tab.counts()
                if not counts.get("queued") and not counts.get("running"):
                    return 0
            if not warmed:
                parallel_pose.warm_up()
                warmed = True
            time.sleep(IDLE_POLL_S)
            continue
        run_job(job, me, tab)


def _alive(pid: int) -> bool:
    if os.getppid() != pid:
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True
