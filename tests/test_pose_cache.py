"""The pose-track cache (core/pose_cache.py): a clip goes through pose once per pose options.

The unit tests use a small generated clip and their own cache folder. The engine test re-opens
a shared render through the run's own cache (``tests/conftest.py``) with other options that
act after pose (height, view, video) and checks that pose is not run again, so it adds no
pose pass of its own to the run.
"""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from core import parallel_pose, pipeline, pose_cache
from core.admission import ClipStatsCollector, FrameStore
from core.pipeline import AnalysisOptions, analyze
from core.pose import MediaPipePose
from core.video import iter_frames, probe

from clipgen import blank_video
from engine_cache import SYNTH, report_for


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    folder = tmp_path / "pose-cache"
    monkeypatch.setenv(pose_cache.ENV, str(folder))
    return folder


@pytest.fixture(scope="module")
def small_clip(tmp_path_factory):
    return blank_video(tmp_path_factory.mktemp("pc") / "blank.mp4", 4.0, fps=10, size=(160, 120))


def fake_track(meta):
    """Landmarks made up for each decoded frame (every third frame: no person)."""
    ts = [fr.t for fr in iter_frames(meta)]
    lms = [None if i % 3 == 0 else np.full((33, 4), i, np.float32) for i in range(len(ts))]
    return ts, lms, (160, 120)


def test_off_unless_configured(monkeypatch, small_clip):
    for value in ("", "off", "0"):
        monkeypatch.setenv(pose_cache.ENV, value)
        assert pose_cache.cache_dir() is None
        assert pose_cache.open_slot(probe(small_clip), 1.0, 960, 60.0, 1) is None


def test_key_holds_the_pose_options_only():
    base = dict(digest="ab" * 32, scale=1.0, max_side=960, max_seconds=60.0, n_proc=2,
                model=MediaPipePose.name)
    key = pose_cache.entry_key(**base)
    assert key == pose_cache.entry_key(**base)
    for name, other in (("digest", "cd" * 32), ("scale", 0.125), ("max_side", 640),
                        ("max_seconds", 30.0), ("n_proc", 1), ("model", "other-model"),
                        ("turned", 90)):
        assert pose_cache.entry_key(**{**base, name: other}) != key, name
    # a picture turned upright is posed again on its own key; the others keep theirs
    assert pose_cache.entry_key(**{**base, "turned": 0}) == key
    assert len({pose_cache.entry_key(**{**base, "turned": t}) for t in (90, 180, 270)}) == 3


def test_save_then_replay_gives_the_track_and_fills_frames(own_cache, small_clip):
    meta = probe(small_clip)
    ts, lms, size = fake_track(meta)
    slot = pose_cache.open_slot(meta, 1.0, 960, 60.0, 1)
    assert slot.replay(FrameStore(100), ClipStatsCollector(), lambda s, f: None, 20) is None
    slot.save(ts, lms, size)
    slot.release()

    frames, stats = FrameStore(100), ClipStatsCollector()
    slot = pose_cache.open_slot(meta, 1.0, 960, 60.0, 1)
    got = slot.replay(frames, stats, lambda s, f: None, 20)
    slot.release()
    assert got is not None
    ts2, lms2, size2 = got
    assert np.allclose(ts2, ts) and size2 == size
    assert [lm is None for lm in lms2] == [lm is None for lm in lms]
    assert all(np.array_equal(a, b) for a, b in zip(lms, lms2) if a is not None)
    # frames and clip statistics as the pose loop fills them
    ref_frames, ref_stats = FrameStore(100), ClipStatsCollector()
    for fr in iter_frames(meta):
        ref_frames.add(fr.index, fr.image)
        ref_stats.add(fr.image)
    assert sorted(frames.jpeg) == sorted(ref_frames.jpeg) == list(range(len(ts)))
    assert stats.stats().brightness == pytest.approx(ref_stats.stats().brightness)
    # other pose options: another entry
    slot = pose_cache.open_slot(meta, 1.0, 640, 60.0, 1)
    assert slot.replay(FrameStore(100), ClipStatsCollector(), lambda s, f: None, 20) is None
    slot.release()


def test_slow_motion_capture_rate_replays_the_clips_own_pass(own_cache, small_clip):
    """A refused slow-motion clip analysed again with its capture rate: the pose model never
    sees the time line, so the second analysis replays the first pass's landmarks (stored in
    video seconds) on the real time line; a clip the pass cuts short at one of the two scales
    keeps its own entry."""
    meta = probe(small_clip)  # 4 s of video
    ts, lms, size = fake_track(meta)
    slot = pose_cache.open_slot(meta, 1.0, 960, 60.0, 1)
    slot.save(ts, lms, size)
    slot.release()
    for scale in (0.1, 0.25, 2.0):  # 300 fps shown at 30, 120 at 30, or a time-lapse
        slot = pose_cache.open_slot(meta, scale, 960, 60.0, 1)
        got = slot.replay(FrameStore(100), ClipStatsCollector(), lambda s, f: None, 20)
        slot.release()
        assert got is not None, scale
        assert np.allclose(got[0], np.asarray(ts) * scale)
        assert all(np.array_equal(a, b) for a, b in zip(lms, got[1]) if a is not None)
    # saved first at a slow-motion scale, replayed at the clip's own rate
    slot = pose_cache.open_slot(meta, 1.0, 640, 60.0, 1)
    slot.save(ts, lms, size)
    slot.release()
    slot = pose_cache.open_slot(meta, 0.1, 640, 60.0, 1)
    assert np.allclose(slot.replay(FrameStore(100), ClipStatsCollector(), lambda s, f: None,
                                   20)[0], np.asarray(ts) * 0.1)
    slot.release()
    # 60 s of real time covers 4 s of video at scale 1 but not at 20 (a time-lapse of 80 s)
    assert pose_cache.stored_scale(meta, 20.0, 60.0) == 20.0
    assert pose_cache.stored_scale(meta, 0.1, 60.0) == 1.0
    assert pose_cache.stored_scale(meta, 1.0, 3.0) == 1.0  # cut short at both: its own scale
    slot = pose_cache.open_slot(meta, 20.0, 960, 60.0, 1)
    assert slot.replay(FrameStore(100), ClipStatsCollector(), lambda s, f: None, 20) is None
    slot.release()


def test_replay_reuses_the_pose_passs_camera_steps(own_cache, small_clip, monkeypatch):
    """The camera steps the pose pass measured are kept with the track and given back on a
    replay, without estimating the camera again: the same clip analysed twice gives the same
    numbers (a handheld clip's hip extension moved a degree between a two-process first
    analysis and a one-loop replay: fresh-eyes review)."""
    from core import camera

    meta = probe(small_clip)
    ts, lms, size = fake_track(meta)
    steps = [camera.FrameStep(np.eye(2, 3), "first")] + [
        camera.FrameStep(np.array([[1.0, 0.0, -2.0 - 0.1 * i], [0.0, 1.0, 0.5]]), "features",
                         40 + i, 50, 1.5 + i) for i in range(1, len(ts))]
    slot = pose_cache.open_slot(meta, 1.0, 960, 60.0, 1)
    slot.save(ts, lms, size, steps)
    slot.release()

    def no_estimate(self, *a, **k):
        raise AssertionError("the camera was estimated again")

    monkeypatch.setattr(camera.MotionEstimator, "add", no_estimate)
    frames, stats = FrameStore(100), ClipStatsCollector()
    slot = pose_cache.open_slot(meta, 1.0, 960, 60.0, 1)
    assert slot.replay(frames, stats, lambda s, f: None, 20) is not None
    slot.release()
    assert len(stats.steps) == len(steps)
    for got, want in zip(stats.steps, steps):
        assert np.array_equal(got.m, want.m)
        assert (got.method, got.inliers, got.tracked, got.diff) == (
            want.method, want.inliers, want.tracked, want.diff)
    assert stats.stats().camera_shift_pct == pytest.approx(
        camera.accumulate(steps, size).summary.get("shift_pct", 0.0))


def test_entry_that_does_not_match_the_frames_is_not_used(own_cache, small_clip):
    meta = probe(small_clip)
    ts, lms, size = fake_track(meta)
    slot = pose_cache.open_slot(meta, 1.0, 960, 60.0, 1)
    slot.save(ts[:-2], lms[:-2], size)  # as if cut short
    slot.release()
    frames = FrameStore(100)
    slot = pose_cache.open_slot(meta, 1.0, 960, 60.0, 1)
    assert slot.replay(frames, ClipStatsCollector(), lambda s, f: None, 20) is None
    slot.release()
    assert frames.jpeg == {}
    slot.path.write_bytes(b"not an npz")
    slot = pose_cache.open_slot(meta, 1.0, 960, 60.0, 1)
    assert slot.replay(FrameStore(100), ClipStatsCollector(), lambda s, f: None, 20) is None
    # an entry cut short mid-write (a crash): empty, or a zip with its end missing
    slot.save(ts, lms, size)
    whole = slot.path.read_bytes()
    slot.release()
    for damaged in (b"", whole[: len(whole) // 2]):
        slot.path.write_bytes(damaged)
        slot = pose_cache.open_slot(meta, 1.0, 960, 60.0, 1)
        assert slot.replay(FrameStore(100), ClipStatsCollector(), lambda s, f: None, 20) is None
        slot.release()


def test_second_process_waits_for_the_first(own_cache, small_clip):
    """While one analysis holds an entry, another one for the same clip waits, then reads it."""
    meta = probe(small_clip)
    first = pose_cache.open_slot(meta, 1.0, 960, 60.0, 1)
    got = []

    def second():
        slot = pose_cache.open_slot(meta, 1.0, 960, 60.0, 1)
        got.append(slot.replay(FrameStore(100), ClipStatsCollector(), lambda s, f: None, 20))
        slot.release()

    t = threading.Thread(target=second)
    t.start()
    time.sleep(0.3)
    assert not got  # still waiting for the lock
    first.save(*fake_track(meta))
    first.release()
    t.join(30)
    assert got and got[0] is not None


class NoPose:
    def __init__(self, *a, **k):
        raise AssertionError("pose ran although this clip's track is cached")


@pytest.mark.slow
def test_reanalysis_with_other_options_skips_pose(monkeypatch, tmp_path):
    """Same clip, another height and the video on: the engine does not run pose again and
    the measures are the same."""
    clip = SYNTH / "syn_side_overstride_30.mp4"
    if not clip.is_file():
        pytest.skip(f"{clip} missing")
    first = report_for(str(clip))  # the run's cached engine result (pose ran once, or was cached)
    monkeypatch.setattr(pipeline, "MediaPipePose", NoPose)
    monkeypatch.setattr(parallel_pose, "pose_pass", NoPose)
    again = analyze(clip, AnalysisOptions(height_cm=180, write_video=True),
                    tmp_path / "media")
    assert again["status"] == first["status"]
    a = {m["id"]: m["value"] for m in first["metrics"]}
    b = {m["id"]: m["value"] for m in again["metrics"]}
    assert a.keys() == b.keys() and len(a) >= 10
    assert a == b
    assert again["media"]["video"]
    # the replay masks the runner out of the camera-motion estimate with the cached
    # landmarks, as the pose pass does: a tripod render stays a still camera (unmasked, the
    # runner's own motion read as a pan of 14 % of the width and levelled the track by 6 deg)
    for rep in (first, again):
        still = next(c for c in rep["quality"]["checks"] if c["id"] == "still")
        assert still["detail"] == "The camera stood still.", still
    assert again["cleaning"] == first["cleaning"]
