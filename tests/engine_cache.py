"""One real engine run per clip and options per test session (the pose pass is the slow part).

``report_for`` keeps a report in this process (``lru_cache``) and, when the run has a shared
pose-track cache folder (``FORMCHECK_POSE_CACHE``, made by ``tests/conftest.py`` for the
whole run), also as JSON in that folder's ``reports/``, keyed by the clip's SHA-256 and the
options, under a file lock: the other pytest-xdist worker reads it instead of analysing the
same clip again (a report is plain JSON types, so the copy reads back equal). The media
folder of that run (evidence stills, video) stays beside it until the run's end.
"""
from __future__ import annotations

import fcntl
import functools
import json
import os
import tempfile
from pathlib import Path

from core import pose_cache
from core.pipeline import AnalysisOptions, analyze

SHARED = Path(__file__).resolve().parents[2] / "shared"
CLIPS = SHARED / "clips"
SYNTH = SHARED / "synthetic"


@functools.lru_cache(maxsize=None)
def report_for(path: str, capture_fps: float | None = None, write_video: bool = False) -> dict:
    opts = AnalysisOptions(capture_fps=capture_fps, write_video=write_video)
    folder = pose_cache.cache_dir()
    if folder is None:
        return analyze(path, opts, tempfile.mkdtemp(prefix="fc_test_"))
    reports = folder / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    key = f"{pose_cache.file_digest(path)[:32]}-{capture_fps}-{int(write_video)}"
    done = reports / f"{key}.json"
    fd = os.open(reports / f"{key}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # the other worker may be analysing this clip now
        if done.is_file():
            return json.loads(done.read_text())
        report = analyze(path, opts, tempfile.mkdtemp(prefix=f"{key}-", dir=reports))
        tmp = done.with_suffix(".tmp")
        tmp.write_text(json.dumps(report))
        os.replace(tmp, done)
        return report
    finally:
        os.close(fd)


def labels() -> dict[str, dict]:
    return {e["clip"]: e for e in json.loads((CLIPS / "labels.json").read_text())}


def metric(report: dict, mid: str) -> dict | None:
    return next((m for m in report["metrics"] if m["id"] == mid), None)
