"""core.quality.assess on a live recording (``ClipStats.extra["recording"]``): a step count
outside running's range is put down to the recording's frames, never to slow motion (exact-
truth tracks, no video, no pose model)."""
from __future__ import annotations

import pytest

from core.admission import ClipStats
from core.events import detect_events
from core.landmarks import clean
from core.quality import assess
from core.view import detect_view
from synth_track import Gait, make_track


def _rate_check(cadence: float, recording: dict | None, fps: float = 30.0):
    track = clean(make_track(Gait(cadence=cadence, seconds=12, leg_px=260.0, fps=fps)))
    view = detect_view(track)
    clip = ClipStats(extra={"recording": recording} if recording else {})
    q = assess(track, view, detect_events(track, view), clip)
    return q, next(c for c in q.checks if c.id == "rate")


def test_a_sparse_recording_is_blamed_on_its_frames_not_on_slow_motion():
    """A 15 s recording at 14 frames a second with 0.5 s gaps read 68 steps a minute for a
    runner at 169 and was refused as "a slow-motion clip ... enter the real capture frame
    rate" (live review, 2 Dec): a recording runs in real time, so the reason is its frames."""
    q, rate = _rate_check(60.0, {"fps": 13.9, "max_gap_s": 0.57})
    assert not q.ok and not rate.passed and rate.severity == "fail"
    assert "only 14 frames a second of the recording reached the analysis" in rate.detail
    assert "gaps of up to 0.6 s" in rate.detail
    assert "slow" not in (rate.detail + rate.how_to_fix).lower()
    assert "capture" not in (rate.detail + rate.how_to_fix).lower()
    assert "Close other apps" in rate.how_to_fix and "record again" in rate.how_to_fix


def test_a_steady_recording_at_a_walking_rhythm_is_walking():
    q, rate = _rate_check(120.0, {"fps": 29.8, "max_gap_s": 0.05})
    assert not q.ok and rate.detail == "The steps come at 120 per minute, a walking rhythm."
    assert "slow" not in rate.how_to_fix.lower() and "record again" in rate.how_to_fix


@pytest.mark.parametrize("recording", [None, {"fps": 13.9, "max_gap_s": 0.57}])
def test_running_passes_and_an_upload_keeps_its_slow_motion_question(recording):
    q, rate = _rate_check(170.0, recording)
    assert rate.passed
    if recording is None:  # an upload at 60 steps a minute of video may be slow motion
        _, slow = _rate_check(60.0, None)
        assert "slow-motion clip" in slow.detail and "capture frame rate" in slow.how_to_fix


def test_a_long_slow_motion_upload_asks_for_the_capture_rate_once():
    """32 s of video with a handful of steps fails the steps and the rhythm checks, each
    with its own advice; the refusal's tips ask for the capture frame rate once (mhuang_slow
    listed it twice)."""
    track = clean(make_track(Gait(cadence=10.0, seconds=32, leg_px=260.0, fps=30.0)))
    view = detect_view(track)
    q = assess(track, view, detect_events(track, view), ClipStats())
    failed = {c.id for c in q.checks if not c.passed and c.severity == "fail"}
    assert {"steps", "rate"} <= failed, failed
    assert sum("capture frame rate" in t for t in q.tips) == 1, q.tips
    assert "slow-motion clip" in q.tips[0]


def _cuts_check(recording: dict | None):
    from core.segments import Segment, SegmentPlan

    track = clean(make_track(Gait(cadence=170.0, seconds=12, leg_px=260.0, fps=30.0)))
    view = detect_view(track)
    plan = SegmentPlan([Segment(0, 120, 0.0, 4.0, "start", 4), Segment(120, 360, 4.0, 12.0,
                                                                        "gap", 20)], None,
                       "The runner leaves the picture, splitting the clip into short pieces; "
                       "the longest continuous stretch at a steady pace has 4 steps (at least "
                       "6 needed).")
    clip = ClipStats(extra={"recording": recording} if recording else {})
    q = assess(track, view, detect_events(track, view), clip, plan)
    return q, next(c for c in q.checks if c.id == "cuts")


def test_a_split_sparse_recording_is_put_down_to_its_frames_not_to_cuts():
    """A 20 s recording at 19 frames a second was refused as "The runner leaves the picture
    ... cuts, zooms and pace changes split the clip" while the live view had said "whole
    body in view" all along (review, 3 Dec): a webcam recording has no cuts or zooms."""
    q, cuts = _cuts_check({"fps": 19.0, "max_gap_s": 0.4})
    assert not q.ok and cuts.severity == "fail"
    assert cuts.detail == ("Only 19 frames a second of the recording reached the analysis, "
                           "with gaps of up to 0.4 s, so the running breaks into pieces: the "
                           "longest continuous stretch at a steady pace has 4 steps (at least 6 "
                           "needed)."), cuts.detail
    assert "Close other apps" in cuts.how_to_fix and "zoom" not in cuts.how_to_fix
    # a steady recording keeps the stretch's own reason, with a webcam's advice
    _, steady = _cuts_check({"fps": 29.9, "max_gap_s": 0.05})
    assert steady.detail.startswith("The runner leaves the picture")
    assert "cuts" not in steady.how_to_fix and "whole body in the picture" in steady.how_to_fix
    # an upload keeps the filming advice
    _, upload = _cuts_check(None)
    assert "cuts, zooms" in upload.how_to_fix
