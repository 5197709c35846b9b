"""End to end: a shared tripod clip re-filmed by a moving or rolled camera (tests/camgen.py)
reads like its tripod original. The real engine, pose model included, on 5-s cuts (slow; the
unfollowable camera, refused without counting steps, on a 3-s cut):
about 14 steps at the clip's 169 steps/min, over twice the 6 steady steps the engine asks
for. The cuts are made at the engine's working size (540 x 960: what it would shrink the
720 x 1280 original to), so the tests pose and track the same pixels as on the original
while the warp, motion blur, encode and decode handle half as many."""
from __future__ import annotations

import functools
import math
from pathlib import Path

import cv2
import pytest

from camgen import warp_clip
from clipgen import cut_clip
from engine_cache import CLIPS, metric
from core.pipeline import AnalysisOptions, analyze

pytestmark = pytest.mark.slow
SRC = CLIPS / "zzzhushi_male_side_treadmill.mp4"
SECONDS = 5.0
WORKING_SIDE = AnalysisOptions().max_side  # 960


@pytest.fixture(scope="module", autouse=True)
def _work(tmp_path_factory):
    """The cuts and reports go to pytest's own temporary folder (kept for the last 3 runs,
    then removed), not a folder of /tmp that no one removes."""
    global _TMP
    _TMP = tmp_path_factory.mktemp("fc_cam")
    yield
    _report.cache_clear()


_TMP: Path


@functools.lru_cache(maxsize=None)
def _report(kind: str, seconds: float = SECONDS, **kw) -> dict:
    if not SRC.is_file():
        pytest.skip("shared clip missing")
    name = kind + f"_{seconds:g}s" + "".join(f"_{k}{v}" for k, v in sorted(kw.items()))
    dst = _TMP / f"{name}.mp4"
    if kind == "tripod":
        cut_clip(SRC, dst, seconds, max_side=WORKING_SIDE)
    else:
        border = cv2.BORDER_REFLECT if kind == "wild" else cv2.BORDER_CONSTANT
        warp_clip(SRC, dst, kind, seconds, seed=4, border=border, max_side=WORKING_SIDE, **kw)
    from core import parallel_pose

    parallel_pose.LAST_PASS = None  # set again only by a split pose pass of this clip
    r = analyze(dst, AnalysisOptions(write_video=False), _TMP / name)
    _diagnose(name, dst, r)
    return r


_READ = ("cadence", "trunk_lean", "overstride")


def _diagnose(name: str, clip: Path, r: dict) -> None:
    """What a failure needs to tell a flaky reading from a real one (shown by pytest only for
    a failing test): once (3 Dec) the tripod cut read overstride 16.1 for its usual 18.3 and
    trunk lean 4.46 for 4.59 on the same commit, and a clean-clone run's handheld cut read
    lean 1.3 deg off; the digests said why: the cut was another file (libx264's output
    changed from run to run, now clipgen.cut_stream). The cut's digest, the frames posed and
    how the pose pass ran (from the pose cache, split over processes, or one loop) say
    whether the picture, the pose pass or the engine changed."""
    from core import parallel_pose, pose_cache

    last = parallel_pose.LAST_PASS
    chunks = ([(c.get("frames"), c.get("warmup_frames")) for c in last.chunks] if last
              else "none (a pose cache replay, or one loop)")
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo")
                if ln.startswith("model name")), "?") if Path("/proc/cpuinfo").is_file() else "?"
    print(f"\n[{name}] clip {pose_cache.file_digest(clip)[:12]}, {r['source'].get('n_frames')} "
          f"frames, fps {r['source'].get('fps_measured')}, split pose pass (own, warm-up "
          f"frames) {chunks}, processes {parallel_pose.processes()}, cache "
          f"{pose_cache.cache_dir() is not None}, cpu {cpu}, status {r['status']}, read "
          f"{ {m['id']: m['value'] for m in r['metrics'] if m['id'] in _READ} }, "
          f"cleaning {r.get('cleaning')}")


def _step_noise(a: dict, b: dict, mid: str) -> float:
    """How far two readings of one run can differ from their steps alone: twice the standard
    error of their difference, each a median of ``n`` steps whose interquartile range is
    ``spread`` (standard error of a median about 1.25 sigma / sqrt(n), sigma = IQR / 1.35),
    and at least the one reading's error the report quotes (``reading_error``)."""
    from core.metrics import BY_ID as REGISTRY

    se = [1.253 * (metric(r, mid)["spread"] / 1.349) / math.sqrt(metric(r, mid)["n"])
          for r in (a, b)]
    err = REGISTRY[mid].error_at(b["source"]["fps_measured"])
    return max(err, 2.0 * math.hypot(*se))


def _value(r, mid):
    m = metric(r, mid)
    assert m is not None, (mid, r["status"], r["quality"]["summary"])
    return m["value"]


@pytest.mark.parametrize("kind,kw", [
    ("roll", {"roll_deg": 8.0}),
    ("roll", {"roll_deg": -10.0}), ("pan", {}), ("handheld", {})])
def test_moved_or_rolled_camera_reads_like_the_tripod(kind, kw):
    ref, r = _report("tripod"), _report(kind, **kw)
    print(f"\n{kind} {kw}: cadence {_value(r, 'cadence'):.2f} vs {_value(ref, 'cadence'):.2f}, "
          f"trunk lean {_value(r, 'trunk_lean'):.2f} vs {_value(ref, 'trunk_lean'):.2f}, "
          f"roll corrected {r['cleaning'].get('roll_corrected_deg')} vs "
          f"{ref['cleaning'].get('roll_corrected_deg')}, camera {r['cleaning'].get('camera_shift_pct')}")
    assert r["status"] in ("ok", "limited"), r["quality"]["summary"]
    assert _value(r, "cadence") == pytest.approx(_value(ref, "cadence"), abs=1.5)
    # README quotes these differences; #16 asks 1 deg for a phone rolled up to 10 deg. The
    # cupboards' edges level it (core.camera.vertical_lines_roll): 0.0-0.3 deg from the
    # tripod cut; levelled on the treadmill's deck lines it read 1.2-1.6 deg above at 8 deg
    assert _value(r, "trunk_lean") == pytest.approx(_value(ref, "trunk_lean"), abs=1.0)
    still = next(c for c in r["quality"]["checks"] if c["id"] == "still")
    assert still["passed"]
    if kind == "roll":  # a rolled phone does not move: its uprights give the tilt
        assert still["detail"] == "The camera stood still."
        assert r["cleaning"]["floor_source"].startswith("vertical lines")
        turned = r["cleaning"]["vertical_deg"] - ref["cleaning"]["vertical_deg"]
        assert turned == pytest.approx(-kw["roll_deg"], abs=0.75)
    else:
        assert "measured against the background" in still["detail"]


def test_unfollowable_camera_is_refused_with_that_reason():
    """Every frame jumping by up to a tenth of the picture, edges reflected so the border
    gives no clue: refused for the camera, not as walking or slow motion. A 3-s cut: the
    refusal needs no steps (over 20 % of frames lost, core.camera.BAD_FRACTION; this cut
    loses 85 %, as the 5-s cut did, and 'still' is its only failed check)."""
    r = _report("wild", seconds=3.0)
    assert r["status"] == "refused"
    summary = r["quality"]["summary"].lower()
    assert "camera" in summary and "follow" in summary
    assert "walking" not in summary and "slow-motion" not in summary


def test_an_upside_down_clip_is_turned_upright_and_reads_like_the_tripod():
    """The shared clip turned 180 degrees (pixels turned, no orientation tag) scored 74 with
    "Add a slight forward lean" from a trunk lean read -4 for +4 (review, 3 Dec); then it was
    refused for the turn. Now the engine poses it again turned upright
    (core.quality.upright_turn) and reads it like the tripod cut, with a note that says so."""
    ref, r = _report("tripod"), _report("roll", roll_deg=180.0)
    assert r["status"] == ref["status"], r["quality"]["summary"]
    note = next(c for c in r["quality"]["checks"] if c["id"] == "upright")
    assert note["severity"] == "info" and note["detail"].startswith("The video was upside down")
    assert r["source"]["rotation"] == 180
    assert (r["view"]["view"], r["view"]["facing"]) == (ref["view"]["view"], ref["view"]["facing"])
    assert _value(r, "cadence") == pytest.approx(_value(ref, "cadence"), abs=1.5)
    assert _value(r, "trunk_lean") == pytest.approx(_value(ref, "trunk_lean"), abs=1.0)
    # the turned picture is another picture of the run (turned, resampled and encoded again),
    # so overstride, a median of about 14 steps on this 5-s cut, agrees within what its own
    # steps say it can move by (_step_noise), not within one reading's error: re-encodes of
    # one cut read 14.7-25.1 % of leg (tests/clipgen.cut_stream)
    turned, upright = _value(r, "overstride"), _value(ref, "overstride")
    allowed = _step_noise(r, ref, "overstride")
    assert abs(turned - upright) <= allowed, (turned, upright, allowed)
