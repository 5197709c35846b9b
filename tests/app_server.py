"""A real ``streamlit run app.py`` for browser tests: free port, own data folder, clean stop."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(folder: Path, start_timeout_s: float = 90.0,
                workers: int | None = 1) -> Iterator[str]:
    """Start the app with ``folder/data`` as its store; yield its base URL.

    ``workers``: the app's embedded job workers (``FORMCHECK_WORKERS``). One by default: a
    test that analyses one upload at a time needs no second worker, and each worker with its
    pose helper costs ~2.4 CPU s to start (measured, tests/cpu_by_process.py). None = the
    app's own default (one per core), for a test of that default (test_browser_queue.py).

    The server log is ``folder/streamlit.log``; on exit the server is stopped and the log is
    checked for tracebacks (none may reach a runner's screen or the server log).
    """
    port = free_port()
    log_path = folder / "streamlit.log"
    env = {**os.environ, "FORMCHECK_DATA_DIR": str(folder / "data"), "PYTHONUNBUFFERED": "1"}
    if workers is not None:
        env["FORMCHECK_WORKERS"] = str(workers)
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("streamlit did not start:\n" + log_path.read_text()[-3000:])
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    tail = log_path.read_text(errors="replace")[-4000:]
    assert "Traceback" not in tail, tail
