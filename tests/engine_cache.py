"""One real engine run per clip per test session (the pose pass is the slow part)."""
from __future__ import annotations

import functools
import json
import tempfile
from pathlib import Path

from core.pipeline import AnalysisOptions, analyze

SHARED = Path(__file__).resolve().parents[2] / "shared"
CLIPS = SHARED / "clips"
SYNTH = SHARED / "synthetic"


@functools.lru_cache(maxsize=None)
def report_for(path: str, capture_fps: float | None = None, write_video: bool = False) -> dict:
    out = tempfile.mkdtemp(prefix="fc_test_")
    return analyze(path, AnalysisOptions(capture_fps=capture_fps, write_video=write_video), out)


def labels() -> dict[str, dict]:
    return {e["clip"]: e for e in json.loads((CLIPS / "labels.json").read_text())}


def metric(report: dict, mid: str) -> dict | None:
    return next((m for m in report["metrics"] if m["id"] == mid), None)
