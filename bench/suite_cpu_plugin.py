"""pytest plugin for ``bench/suite_cpu.py``: each test's start and end time, its pytest-xdist
worker and the machine's busy CPU seconds (``/proc/stat``, every process: app servers,
Chromium, pose helpers) over it, one tab-separated line per test appended to
``$SUITE_CPU_OUT``. Loaded with ``-p suite_cpu_plugin`` (``bench/`` on ``PYTHONPATH``)."""
from __future__ import annotations

import os
import time

import pytest

_HZ = os.sysconf("SC_CLK_TCK")


def busy_seconds() -> float:
    """CPU seconds the whole machine has been busy since boot (all cores, not idle/iowait)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return (sum(v) - v[3] - v[4]) / _HZ


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    c0, t0 = busy_seconds(), time.time()
    yield
    c1, t1 = busy_seconds(), time.time()
    out = os.environ.get("SUITE_CPU_OUT")
    if out:
        with open(out, "a") as f:
            f.write(f"{os.environ.get('PYTEST_XDIST_WORKER', '-')}\t{t0:.3f}\t{t1:.3f}\t"
                    f"{c1 - c0:.2f}\t{item.nodeid}\n")
