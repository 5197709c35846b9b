"""Real services for tests (PostgreSQL, an S3-compatible server), started by the project's
own ``scripts/services.sh``.

:func:`service_env` returns the service URLs (``FORMCHECK_TEST_DATABASE_URL``,
``FORMCHECK_TEST_MEDIA_URL``, ``FORMCHECK_S3_ENDPOINT_URL``, AWS keys). When they are in the
environment already (``scripts/test.sh`` started the services) they are used as they are;
otherwise the script starts them for this test session and :func:`stop_started` stops them
when the test process exits. When they cannot be started, the tests that need them skip with a loud message,
except in CI (``CI`` set), where they fail.
"""
from __future__ import annotations

import atexit
import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "services.sh"
NEEDED = ("FORMCHECK_TEST_DATABASE_URL", "FORMCHECK_TEST_MEDIA_URL", "FORMCHECK_S3_ENDPOINT_URL")
_started: list[str] = []

# Tests against these real servers (PostgreSQL, S3, Redis with a Celery worker) are
# integration tests: they run in the whole suite, not in the contributors' quick loop
# (`pytest -m "not slow"`, README), which keeps the same tests on SQLite and the folder
# store. Mark such a test, or a server parameter, with it.
SERVERS = pytest.mark.slow
# ... and so are tests that start real job-worker processes (``python -m core worker``): each
# imports the engine and the app's stack in a process of its own (about 3 CPU s).
WORKERS = pytest.mark.slow


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _parse(text: str) -> dict[str, str]:
    env = {}
    for line in text.splitlines():
        if line.startswith("export ") and "=" in line:
            name, _, value = line[len("export "):].partition("=")
            env[name] = value
    return env


SHARED_STATE = "FORMCHECK_TEST_SERVICES_STATE"  # set by tests/conftest.py for one test run


@lru_cache(maxsize=1)
def _start() -> tuple[dict[str, str], str | None]:
    """(the services' env, None) or ({}, why they could not be started)."""
    if all(os.environ.get(n) for n in NEEDED):
        return {n: os.environ[n] for n in os.environ if n in NEEDED or n.startswith("AWS_")}, None
    shared = os.environ.get(SHARED_STATE)
    if shared:
        return _start_shared(Path(shared))
    state = os.environ.get("FORMCHECK_SERVICES_DIR") or f"/tmp/formcheck-services-{os.getpid()}"
    env = {**os.environ, "FORMCHECK_SERVICES_DIR": state}
    try:
        done = subprocess.run(["bash", str(SCRIPT), "start"], env=env, capture_output=True,
                              text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        return {}, f"scripts/services.sh start failed: {e}"
    if done.returncode != 0:
        return {}, f"scripts/services.sh start failed:\n{done.stderr[-2000:]}"
    _started.append(state)
    atexit.register(stop_started)
    return _parse(done.stdout), None


def _start_shared(state: Path) -> tuple[dict[str, str], str | None]:
    """One set of servers for the whole test run, whichever pytest-xdist worker asks first
    (the others wait on the lock, then read the env it wrote); the run's controller stops
    them (:func:`stop_shared`)."""
    import fcntl

    state.mkdir(parents=True, exist_ok=True)
    done, failed = state / "env.sh", state / "failed.txt"
    with open(state / "start.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.is_file():
            return _parse(done.read_text()), None
        if failed.is_file():
            return {}, failed.read_text()
        env = {**os.environ, "FORMCHECK_SERVICES_DIR": str(state / "servers")}
        why = None
        try:
            run = subprocess.run(["bash", str(SCRIPT), "start"], env=env, capture_output=True,
                                 text=True, timeout=600)
            if run.returncode != 0:
                why = f"scripts/services.sh start failed:\n{run.stderr[-2000:]}"
        except (OSError, subprocess.TimeoutExpired) as e:
            why = f"scripts/services.sh start failed: {e}"
        if why is not None:
            failed.write_text(why)
            return {}, why
        done.write_text(run.stdout)
        return _parse(run.stdout), None


def stop_shared(state: Path) -> None:
    """Stop the servers :func:`_start_shared` started in ``state`` (if any)."""
    if (state / "servers").exists():  # also after a start that failed half way
        subprocess.run(["bash", str(SCRIPT), "stop"], capture_output=True, timeout=120,
                       env={**os.environ, "FORMCHECK_SERVICES_DIR": str(state / "servers")})


def service_env() -> dict[str, str]:
    """The running services' env (started on first use); skips or fails when impossible."""
    env, why = _start()
    if why is None:
        return env
    message = (f"PostgreSQL / S3 services are not available, so the store tests on them "
               f"cannot run. {why}")
    if in_ci():
        pytest.fail(message, pytrace=False)
    sys.stderr.write(f"\n\n*** WARNING: {message}\n*** SKIPPING the PostgreSQL / S3 store tests.\n\n")
    pytest.skip(message)


def stop_started() -> None:
    """Stop what :func:`service_env` started (at the exit of the test process)."""
    while _started:
        state = _started.pop()
        subprocess.run(["bash", str(SCRIPT), "stop"], capture_output=True, timeout=120,
                       env={**os.environ, "FORMCHECK_SERVICES_DIR": state})
