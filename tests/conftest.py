"""Shared fixtures of the app tests.

The pose model runs at most once per test session, clip and pose options: every analysis in
the run (session fixtures below, ``tests/engine_cache.py``, the browser tests' app servers and
their job workers, each pytest-xdist worker) shares one pose-track cache folder
(``FORMCHECK_POSE_CACHE``, :mod:`core.pose_cache`) made fresh for the run. The session fixtures
run the engine through :mod:`ui.analysis`, so the app's own per-clip result cache is warm
afterwards and an AppTest upload of the same clip does not re-run the engine at all. Real clips are read from
``../shared/clips`` beside the repository and never copied into it.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
CLIPS = SHARED / "clips"
SIDE_CLIP = CLIPS / "zzzhushi_male_side_treadmill.mp4"
WALKING_CLIP = CLIPS / "sports2d_demo4.mp4"  # walking: the capture gate refuses it

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Keep compiled bytecode between runs even where PYTHONDONTWRITEBYTECODE is set (it is on the
# project's machines): without it every run compiles the project's modules again and pytest
# rewrites the asserts of every test module again, about 8 s of each worker's start in the
# quick loop. Set before any test module is imported; the .pyc files land in __pycache__
# folders that git ignores.
sys.dont_write_bytecode = False

from browser_kit import browser  # noqa: E402,F401 - the module-scoped Chromium fixture

# What the suite reads from ../shared: without it the real-clip, synthetic and coaching tests
# would only skip, and a run could pass having tested little. Every file a test opens is
# listed (test_synthetic_clips.py is parametrised over synthetic/*.mp4: all six are needed).
SHARED_CLIPS = ("zzzhushi_male_side_treadmill.mp4", "mhuang_IMG_5396.mp4", "mhuang_slow.mp4",
                "sports2d_demo4.mp4", "jacky_run_inplace_front.mp4", "divvi_running.mp4")
SHARED_RENDERS = ("syn_side_good_60", "syn_side_overstride_30", "syn_side_straightarms_30",
                  "syn_sidel_lean_60", "syn_back_30", "syn_front_30")
SHARED_NEEDS = ("clips/labels.json", *(f"clips/{c}" for c in SHARED_CLIPS),
                *(f"synthetic/{r}{ext}" for r in SHARED_RENDERS
                  for ext in (".mp4", "_truth.json", "_truth.npz")),
                "seeds", "spec/METRICS.md")


def pytest_configure(config) -> None:
    """One pose-track cache folder for the whole run (``core.pose_cache``): a clip goes
    through pose once per pose options, whichever test, fixture, pytest-xdist worker or
    browser test's app server (they inherit the environment) asks for it. Always a fresh
    folder, so every run still runs pose once per clip and options."""
    from core import pose_cache

    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the controller's folder
        return
    folder = tempfile.mkdtemp(prefix="formcheck-pose-cache-")
    os.environ[pose_cache.ENV] = folder
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    # PostgreSQL / S3 for the store tests: started once for the run by whichever worker needs
    # them first (tests/services.py), stopped here at the end; scripts/test.sh starts its own.
    from tests import services

    if not all(os.environ.get(n) for n in services.NEEDED):
        state = Path(tempfile.mkdtemp(prefix="formcheck-test-services-"))
        state.chmod(0o755)  # the servers run as their own user (scripts/services.sh)
        os.environ[services.SHARED_STATE] = str(state)

        def stop() -> None:
            services.stop_shared(state)
            shutil.rmtree(state, ignore_errors=True)
        config.add_cleanup(stop)


SESSION_ANALYSES = {"side_analysis", "refused_analysis"}


def pytest_sessionfinish(session, exitstatus) -> None:
    """The run's pose journal (``core.pose_cache.JOURNAL``): a clip + pose options posed twice
    fails the run (the cache should have made the second a replay)."""
    if hasattr(session.config, "workerinput"):
        return
    from collections import Counter

    from core import pose_cache

    folder = pose_cache.cache_dir()
    journal = folder / pose_cache.JOURNAL if folder else None
    if journal is None or not journal.is_file():
        return
    runs = Counter(journal.read_text().split())
    twice = {k: n for k, n in runs.items() if n > 1}
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_line(f"pose passes: {sum(runs.values())} over {len(runs)} clip + option "
                            f"keys ({len(twice)} posed more than once)")
    if twice:
        sys.stderr.write(f"\nFormCheck tests: a clip went through pose more than once with the "
                         f"same options (pose cache entries {twice}); the cache should replay it.\n")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items) -> None:
    """Under pytest-xdist (``--dist loadgroup``, pytest.ini) a module whose tests share a
    module-scoped fixture (an app server, Chromium, a live run, fresh renders) runs on one
    worker, so that fixture is built once. The tests on the session's engine results
    (``side_analysis``, ``refused_analysis``: whole analyses with their annotated video) share
    one worker too, so those are made once. The PostgreSQL / S3 tests spread over both
    workers: the servers are started once per run (``pytest_configure``, tests/services.py).
    Other tests spread over the workers freely."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None or item.get_closest_marker("xdist_group"):
            continue
        if SESSION_ANALYSES & set(item.fixturenames):  # built once, on one worker
            item.add_marker(pytest.mark.xdist_group("session_analyses"))
            continue
        if any(d.scope == "module" for defs in info.name2fixturedefs.values() for d in defs):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
    items[:] = heavy_first(items)
    # in every mode, so a failure's id is the same in `-n 0 --lf` as in the run that failed
    _group_node_ids(items)


def _group_node_ids(items: list) -> None:
    """What pytest-xdist 3.8 means to do with ``--dist loadgroup``: a grouped test's node id
    ends in ``@group``, which is how its scheduler keeps a group on one worker. xdist writes
    ``item._nodeid``, which pytest 9 no longer reads (the id is ``item._id``), so without this
    every group was ignored and both workers built every module-scoped fixture (the live
    runs, app servers, Chromium) and the session analyses."""
    from _pytest.nodeid import NodeId

    for item in items:
        mark = item.get_closest_marker("xdist_group")
        if mark is None or "@" in item.nodeid or not hasattr(item, "_id"):
            continue
        name = mark.args[0] if mark.args else mark.kwargs.get("name", "default")
        item._id = NodeId.parse(f"{item.nodeid}@{name}")


def _group(item) -> str:
    mark = item.get_closest_marker("xdist_group")
    return str(mark.args[0]) if mark and mark.args else item.nodeid


def heavy_first(items: list) -> list:
    """The order pytest-xdist hands work out in (pytest.ini: ``--no-loadscope-reorder``): the
    browser tests first, then the other slow ones (pose model on whole clips), then the quick
    ones; within each, the groups of several tests (one worker each) before single tests,
    larger groups first. The long tests start while the other worker still has short ones to
    take, so the run does not end with one worker alone on a minute-long test."""
    first: dict[str, int] = {}
    size: dict[str, int] = {}
    rank: dict[str, int] = {}
    for i, item in enumerate(items):
        g = _group(item)
        first.setdefault(g, i)
        size[g] = size.get(g, 0) + 1
        r = 0 if item.get_closest_marker("browser") else 1 if item.get_closest_marker("slow") else 2
        rank[g] = min(rank.get(g, r), r)
    return sorted(items, key=lambda it: (rank[_group(it)], size[_group(it)] == 1,
                                         -size[_group(it)], first[_group(it)]))


def missing_shared() -> list[str]:
    return [rel for rel in SHARED_NEEDS if not (SHARED / rel).exists()]


def pytest_sessionstart(session) -> None:
    """In CI (``CI`` set) a missing ``../shared`` stops the run with a clear message."""
    missing = missing_shared()
    if not missing:
        return
    message = (f"The test data folder {SHARED} (../shared beside the repository) is missing or "
               f"incomplete: {', '.join(missing)}. Real-clip, synthetic-render and coaching "
               "tests need it; put the project's shared/ folder beside the checkout.")
    if _in_ci():
        pytest.exit("FormCheck tests: " + message, returncode=1)
    sys.stderr.write(f"\nWARNING: {message} Tests that need it are skipped.\n")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (``CI`` set) a test that skips itself fails instead: everything the suite needs
    (Chromium, ffmpeg, redis-server, the services, ../shared) is installed by
    scripts/setup.sh, so a skip there means a check silently did not run."""
    outcome = yield
    _no_skip_in_ci(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """The same for a whole module skipped as it is collected (no Chromium, no Playwright)."""
    outcome = yield
    _no_skip_in_ci(outcome.get_result())


def _no_skip_in_ci(report) -> None:
    if report.skipped and _in_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may be: {reason}"


def _analyse(clip: Path):
    if not clip.is_file():
        pytest.skip(f"test clip {clip.name} not found in {CLIPS}")
    from core.pipeline import AnalysisOptions
    from ui import analysis

    return analysis.analyse_path(clip, AnalysisOptions(), lambda stage, frac: None)


@pytest.fixture(scope="session")
def side_analysis():
    """The real engine's result for the side-view treadmill clip (report + media folder)."""
    result = _analyse(SIDE_CLIP)
    assert result.report["status"] in ("ok", "limited"), result.report["quality"]["summary"]
    return result


@pytest.fixture(scope="session")
def refused_analysis():
    """The real engine's result for a walking clip, which the capture gate refuses."""
    result = _analyse(WALKING_CLIP)
    assert result.report["status"] == "refused", result.report["status"]
    return result


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A fresh report store for one test (the app reads FORMCHECK_DATA_DIR)."""
    folder = tmp_path / "data"
    monkeypatch.setenv("FORMCHECK_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def store(data_dir):
    from ui import session

    return session.store()


@pytest.fixture
def app():
    """``app(page, **session_state)``: an AppTest of app.py switched to ``page``, not yet run."""
    from streamlit.testing.v1 import AppTest

    def make(page: str | None = None, query: dict | None = None, **state):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        for k, v in state.items():
            at.session_state[k] = v
        for k, v in (query or {}).items():
            at.query_params[k] = v
        if page:
            at.switch_page(page)
        return at

    return make
