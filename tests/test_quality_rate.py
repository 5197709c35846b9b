"""core.quality.assess: a refusal for the step rate gives its true reason (exact-truth
tracks, no video, no pose model). Nobody running is said so, not "0 contacts" beside "a
walking rhythm"; a clip given a slow-motion capture rate is checked against it both ways
(review, 3 Dec: a photo made into a video, a 240 fps guess for a faster slow-motion clip, a
normal-speed clip given 60 fps)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core.admission import ClipStats
from core.events import detect_events
from core.landmarks import clean
from core.quality import NO_RATE_FIX, STILL_PCT, assess, body_motion_pct, rate_for_running
from core.view import detect_view
from synth_track import Gait, make_track


def _assess(track, clip: ClipStats):
    track = clean(track)
    view = detect_view(track)
    q = assess(track, view, detect_events(track, view), clip)
    return q, {c.id: c for c in q.checks}


def _slowed(g: Gait, capture_fps: float):
    """``g`` filmed at ``capture_fps`` and played at ``g.fps``: the track on the real time line
    (as core.pipeline gives it: video seconds x time_scale) and its ClipStats."""
    scale = g.fps / capture_fps
    track = make_track(g)
    track = dataclasses.replace(track, t=track.t * scale)
    return track, ClipStats(time_scale=scale, capture_fps_given=True,
                            extra={"capture_fps": capture_fps})


def test_a_still_picture_is_nobody_running_not_walking():
    g = Gait(cadence=170.0, seconds=5, fps=30.0)
    track = make_track(g)
    rng = np.random.default_rng(3)
    xy = np.repeat(track.xy[:1], len(track.t), axis=0)
    xy = xy + rng.normal(0, 0.01 * g.leg_px, xy.shape)  # the pose model's jitter on a photo
    still = dataclasses.replace(track, xy=xy)
    assert body_motion_pct(still) < STILL_PCT < body_motion_pct(track)
    q, checks = _assess(still, ClipStats())
    assert not q.ok
    moving = checks["moving"]
    assert not moving.passed and moving.severity == "fail"
    assert "Nobody is running" in moving.detail
    # no step count and no rhythm are said for it
    assert "steps" not in checks and "rate" not in checks
    assert not any("walking" in c.detail for c in q.checks)


def test_running_is_not_taken_for_a_still_picture():
    q, checks = _assess(make_track(Gait(cadence=170.0, seconds=8, fps=30.0)), ClipStats())
    assert "moving" not in checks and checks["rate"].passed


def test_a_normal_speed_clip_given_a_capture_rate_is_told_so():
    """A 30 fps clip of a runner at 170 given 60 fps: the steps, twice as quick on the real
    time line, are faster than any runner; the hips' rhythm read the stride instead (171),
    which let the report through with halved contact times."""
    track, clip = _slowed(Gait(cadence=170.0, seconds=10, fps=30.0), capture_fps=60.0)
    q, checks = _assess(track, clip)
    assert not q.ok
    rate = checks["rate"]
    assert not rate.passed and rate.severity == "fail"
    assert "already plays at normal speed" in rate.detail
    assert rate.value == pytest.approx(170.0, abs=3.0)  # its steps as it plays
    assert "(60 fps)" in rate.detail and "faster than any runner" in rate.detail
    assert rate.how_to_fix == NO_RATE_FIX


def test_a_slow_motion_clip_given_too_low_a_rate_is_pointed_to_a_higher_one():
    """Running at 170 filmed at 300 fps, entered as 240: 136 a minute, a "walking rhythm";
    the refusal names the rates that would make it running instead of 'film yourself
    running'."""
    g = Gait(cadence=170.0 * 30.0 / 300.0, seconds=32, fps=30.0)  # its steps as it plays
    track, clip = _slowed(g, capture_fps=300.0)
    q, checks = _assess(track, clip)
    assert q.ok, [c.detail for c in q.checks if not c.passed]  # at its true rate: running
    track, clip = _slowed(g, capture_fps=240.0)
    q, checks = _assess(track, clip)
    rate = checks["rate"]
    assert not q.ok and not rate.passed
    assert rate.value == pytest.approx(170.0 * 240 / 300, abs=3.0)
    lo, hi = rate_for_running(240.0, rate.value)  # type: ignore[misc]
    assert lo <= 300 <= hi
    assert "(240 fps)" in rate.detail and f"about {lo}-{hi} fps" in rate.detail
    assert "film yourself running" not in rate.how_to_fix
    assert "slow-motion rate" in rate.how_to_fix


def test_rates_for_running():
    assert rate_for_running(240.0, 139.0) == (280, 320)  # 240 x 160/139 .. 240 x 185/139
    assert rate_for_running(60.0, 340.0) == (30, 30)
    # none outside the rates an analysis takes (10-1000 fps): no rate to suggest
    assert rate_for_running(960.0, 100.0) is None and rate_for_running(240.0, 0.0) is None


def test_a_run_toward_or_away_from_the_camera_is_not_called_slow_motion():
    """A front view whose runner shrinks to half size over the clip (divvi_running trimmed to
    its feet-in-view stretch: a camera car pulling away) lost its steps to the hips' height
    following the distance, and was refused as "a slow-motion clip" (review, 3 Dec). The
    shrink about the horizon and the drift up toward it are laid on an exact-truth track."""
    from core.quality import size_change

    g = Gait(cadence=170.0, seconds=10, fps=30.0, view="front")
    track = make_track(g)
    assert size_change(track) == pytest.approx(1.0, abs=0.02)
    k = np.linspace(1.0, 0.5, len(track.t))[:, None, None]
    horizon = np.array([track.width / 2, 0.3 * track.height])
    xy = horizon + (track.xy - horizon) * k
    # the hips' height swings slowly with the distance (the road's rises), not with the steps
    xy[..., 1] += 80.0 * np.sin(2 * np.pi * 0.3 * track.t)[:, None]
    away = dataclasses.replace(track, xy=xy)
    assert size_change(away) == pytest.approx(0.6, abs=0.08)
    q, checks = _assess(away, ClipStats())
    rate = checks["rate"]
    assert not q.ok and not rate.passed
    assert "distance from the camera changes a lot" in rate.detail
    assert "shrinks" in rate.detail and "slow-motion" not in (rate.detail + rate.how_to_fix)
    assert "treadmill" in rate.how_to_fix
    assert not any("slow-motion" in t for t in q.tips)


def test_a_clip_of_a_few_strides_is_scored_with_a_note_saying_so():
    """A 3-s cut (8 contacts) scored 80 against its 12-s clip's 72, with other top fixes, and
    nothing said it rested on a few strides (review, 3 Dec): 6-9 contacts give a note on
    filming (it limits nothing), 10 or more none."""
    from core.quality import FEW_STEPS_NOTE, MIN_STEPS

    q, checks = _assess(make_track(Gait(cadence=170.0, seconds=3.2, fps=60.0)), ClipStats())
    n = checks["steps"].value
    assert MIN_STEPS <= n < FEW_STEPS_NOTE, n
    note = checks["few_steps"]
    assert not note.passed and note.severity == "info" and q.ok
    assert note.detail.startswith(f"Only {n} foot contacts in 3 s")
    assert "10-20 s" in note.how_to_fix
    q, checks = _assess(make_track(Gait(cadence=170.0, seconds=8, fps=60.0)), ClipStats())
    assert checks["steps"].value >= FEW_STEPS_NOTE and "few_steps" not in checks


def test_the_report_page_recognises_the_capture_rate_refusals():
    """The refused page offers "analyse it again" for the advice core.quality gives (it reads
    a stored report's advice, so both sides use the engine's own openings)."""
    from ui.report_view import rate_given_wrong

    track, clip = _slowed(Gait(cadence=170.0, seconds=10, fps=30.0), capture_fps=60.0)
    _, checks = _assess(track, clip)
    assert rate_given_wrong(dataclasses.asdict(checks["rate"]))
    track, clip = _slowed(Gait(cadence=17.0, seconds=32, fps=30.0), capture_fps=240.0)
    _, checks = _assess(track, clip)
    assert rate_given_wrong(dataclasses.asdict(checks["rate"]))
    _, checks = _assess(make_track(Gait(cadence=120.0, seconds=8, fps=30.0)), ClipStats())
    assert not rate_given_wrong(dataclasses.asdict(checks["rate"]))  # walking, no rate given


def test_a_still_live_recording_is_asked_to_record_again():
    g = Gait(cadence=170.0, seconds=5, fps=30.0)
    track = make_track(g)
    still = dataclasses.replace(track, xy=np.repeat(track.xy[:1], len(track.t), axis=0))
    _, checks = _assess(still, ClipStats(extra={"recording": {"fps": 29.8, "max_gap_s": 0.05}}))
    moving = checks["moving"]
    assert "this recording" in moving.detail and "photo" not in moving.detail
    assert moving.how_to_fix.startswith("Record again")
