"""End to end: a shared tripod clip re-filmed by a moving or rolled camera (tests/camgen.py)
reads like its tripod original. The real engine, pose model included, on 8-s cuts (slow)."""
from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import pytest

from camgen import warp_clip
from clipgen import cut_clip
from engine_cache import CLIPS, metric
from core.pipeline import AnalysisOptions, analyze

pytestmark = pytest.mark.slow
SRC = CLIPS / "zzzhushi_male_side_treadmill.mp4"
SECONDS = 8.0
_TMP = Path(tempfile.mkdtemp(prefix="fc_cam_"))


@functools.lru_cache(maxsize=None)
def _report(kind: str, **kw) -> dict:
    if not SRC.is_file():
        pytest.skip("shared clip missing")
    name = kind + "".join(f"_{k}{v}" for k, v in sorted(kw.items()))
    dst = _TMP / f"{name}.mp4"
    if kind == "tripod":
        cut_clip(SRC, dst, SECONDS)
    else:
        warp_clip(SRC, dst, kind, SECONDS, seed=4, **kw)
    return analyze(dst, AnalysisOptions(write_video=False), _TMP / name)


def _value(r, mid):
    m = metric(r, mid)
    assert m is not None, (mid, r["status"], r["quality"]["summary"])
    return m["value"]


@pytest.mark.parametrize("kind,kw", [("roll", {"roll_deg": 8.0}), ("roll", {"roll_deg": -10.0}),
                                     ("pan", {}), ("handheld", {})])
def test_moved_or_rolled_camera_reads_like_the_tripod(kind, kw):
    ref, r = _report("tripod"), _report(kind, **kw)
    assert r["status"] in ("ok", "limited"), r["quality"]["summary"]
    assert _value(r, "cadence") == pytest.approx(_value(ref, "cadence"), abs=1.5)
    assert _value(r, "trunk_lean") == pytest.approx(_value(ref, "trunk_lean"), abs=1.0)
    still = next(c for c in r["quality"]["checks"] if c["id"] == "still")
    assert still["passed"]
    if kind != "roll":  # a rolled phone does not move: only the floor line levels it
        assert "measured against the background" in still["detail"]
    else:
        assert abs(r["cleaning"]["roll_corrected_deg"] + kw["roll_deg"]) < 1.5


def test_tripod_cut_is_not_levelled_or_moved():
    r = _report("tripod")
    assert r["cleaning"]["roll_corrected_deg"] == 0.0
    assert next(c for c in r["quality"]["checks"] if c["id"] == "still")["detail"] == \
        "The camera stood still."
