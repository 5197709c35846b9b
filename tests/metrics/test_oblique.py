"""An oblique camera (running direction turned from square to the camera), through the exact
pinhole projection of the synthetic runner (no rendering, no pose model): the yaw is read,
the floor line's perspective slant is not taken for a rolled phone, and the landing and lean
values are corrected for the foreshortening.

Why (bench/robustness.py, yaw30 renders): a camera at hip height 30 deg off square sees the
lines along the running direction below it (treadmill edges, the floor under the stance
feet) slant by perspective. The floor-line levelling (core.camera.ground_line) took that
slant for a rolled phone and turned the whole track by 2.2-2.3 deg: trunk lean read 4-5 deg
high, the shin angle 4-8 deg and overstride 3-6 % of leg low. The pose model's own image lean
there was within 0.3-0.8 deg of the exact projection.
"""
import numpy as np
import pytest

from model_track import PLANAR, W, H, landmarks
from core import camera
from core.events import Event, GaitEvents
from core.landmarks import Track
from core.metrics import compute_metrics
from core.pose import LM
from core.synthetic.camerapath import CameraPath, camera_track
from core.synthetic.model import simulate
from core.view import OBLIQUE_FLOOR_DEG, ViewResult, side_yaw

FPS, SECONDS = 120.0, 2.0
SIDE = ViewResult("side", "right", "high", 1.0, "model")


def _filmed(yaw_deg: float, params=PLANAR, height_m=None, overground=True):
    """The runner (overground: the stance foot stays put and the body travels past a still
    camera 5 m away) filmed through ``CameraPath(yaw_deg=...)``: a Track of the exact pixel
    projections in MediaPipe's layout, the model's exact events, and its truth."""
    p = params.with_(facing_deg=0.0)
    motion = simulate(p, FPS, SECONDS)
    n = len(motion.t)
    runner_x = p.speed_mps * (motion.t - SECONDS / 2) if overground else np.zeros(n)
    X = landmarks(motion) + runner_x[:, None, None] * motion.forward
    cams = camera_track(CameraPath(yaw_deg=yaw_deg, height_m=height_m), p.body,
                        motion.forward, runner_x, motion.t, W, H)
    xy = np.stack([c.project(x)[0] for c, x in zip(cams, X)])
    track = Track(motion.t.copy(), xy, np.full((n, 33), 0.95), np.ones(n, bool), W, H)
    # the near (right) leg seen a little better, as the pose model sees it in side view
    for k in ("l_knee", "l_ankle"):
        track.vis[:, LM[k]] = 0.8

    def ev(e):
        return Event(int(round(e.t * FPS)), float(e.t), e.side.upper(), e.t * FPS)
    ics = [ev(e) for e in motion.events if e.kind == "ic" and round(e.t * FPS) < n]
    tos = [ev(e) for e in motion.events if e.kind == "to" and round(e.t * FPS) < n]
    cad = motion.truth["cadence_spm"]
    return track, GaitEvents(ics, tos, cad, cad, method="model truth"), motion.truth


@pytest.mark.parametrize("yaw", [-30.0, 30.0])
def test_oblique_floor_line_is_perspective_not_roll(yaw):
    """The camera is level: a floor line that is not horizontal in its picture is
    perspective. Its slant is about atan(tan(yaw) * h / D) (hip-height camera: h = the
    standing hip height 0.92 m over D = 5 m: 6 deg at 30 deg; the stance toes sit a little
    nearer and further), far beyond the levelling's 1 deg dead band. Without the yaw the
    levelling would turn the track by it; with it, nothing is levelled."""
    track, events, _ = _filmed(yaw)
    y = side_yaw(track, SIDE)
    assert y.deg == pytest.approx(30.0, abs=3.0) and y.deg >= OBLIQUE_FLOOR_DEG
    blind = camera.ground_line(track, events, SIDE)
    assert blind.source == "stance feet"
    assert 4.5 <= abs(blind.angle_deg) <= 6.5 and blind.roll_deg != 0.0  # README: 5-6 deg
    gl = camera.ground_line(track, events, SIDE, yaw_deg=y.deg)
    assert gl.roll_deg == 0.0 and gl.angle_deg is None and "perspective" in gl.source
    # the slant is kept for the contacts (the stance foot slides along it) ...
    assert gl.slant_deg == blind.roll_deg
    # ... and the engine's stage leaves the track's angles as filmed
    from core.pipeline import _true_vertical
    out, _ = _true_vertical(track, events=events, view=SIDE, frames=None)
    assert np.array_equal(out.xy, track.xy, equal_nan=True)
    assert out.notes["roll_corrected_deg"] == 0.0 and out.notes["floor_slant_deg"] == gl.slant_deg


def test_square_camera_is_still_levelled():
    """Square to the runner the same floor line is level (no false roll), and a rolled
    square camera is still levelled: the yaw rule only stops oblique pictures."""
    track, events, _ = _filmed(0.0)
    y = side_yaw(track, SIDE)
    assert y.deg < OBLIQUE_FLOOR_DEG
    gl = camera.ground_line(track, events, SIDE, yaw_deg=y.deg)
    assert abs(gl.angle_deg) < 0.5 and gl.roll_deg == 0.0
    c, s = np.cos(np.radians(6.0)), np.sin(np.radians(6.0))
    centre = np.array([W / 2, H / 2])
    rolled = Track(track.t, (track.xy - centre) @ np.array([[c, -s], [s, c]]) + centre,
                   track.vis, track.detected, W, H)
    gl = camera.ground_line(rolled, events, SIDE, yaw_deg=side_yaw(rolled, SIDE).deg)
    assert abs(abs(gl.roll_deg) - 6.0) < 0.5


@pytest.mark.parametrize("yaw", [-30.0, 30.0])
@pytest.mark.parametrize("lean", [7.0, 16.0])
def test_oblique_values_read_the_truth(yaw, lean):
    """On the unlevelled oblique track the landing and lean values, divided out of the
    foreshortening with the yaw read from the shoulders and hips, are the truth within what
    the perspective across the body leaves (the near and far shoulders and hips project at
    different scales; exact projection: lean within 1 deg, shin within 1.5 deg, overstride
    within 1.5 % of leg), at low confidence with the reason."""
    params = PLANAR.with_(overstride_m=0.12, trunk_lean_deg=lean)
    track, events, truth = _filmed(yaw, params, overground=False)
    out = compute_metrics(track, SIDE, events, None)
    m = {r.id: r for r in out.results}
    assert m["trunk_lean"].value == pytest.approx(truth["trunk_lean_deg"], abs=1.0)
    assert m["shank_angle_ic"].value == pytest.approx(truth["shank_angle_ic_deg"], abs=1.5)
    assert m["overstride"].value == pytest.approx(truth["overstride_pct_leg"], abs=1.5)
    for mid in ("overstride", "shank_angle_ic", "foot_strike", "trunk_lean"):
        assert m[mid].confidence == "low"
        assert "from square" in m[mid].caveat and "not levelled" in m[mid].caveat


def test_caveat_says_not_levelled_only_when_it_was_not():
    """The pipeline judges obliqueness on the track before levelling, the metrics read the
    yaw after it: when the track was levelled (``notes["roll_corrected_deg"]``), or is
    under ``OBLIQUE_FLOOR_DEG`` off square (levelled as a square one would be), the caveat
    does not claim otherwise, and trunk lean keeps its confidence below 15 deg."""
    params = PLANAR.with_(overstride_m=0.12)
    track, events, _ = _filmed(30.0, params, overground=False)
    plain = {r.id: r for r in compute_metrics(track, SIDE, events, None).results}
    assert "not levelled" in plain["trunk_lean"].caveat
    track.notes = dict(track.notes, roll_corrected_deg=2.0)
    lev = {r.id: r for r in compute_metrics(track, SIDE, events, None).results}
    assert "from square" in lev["trunk_lean"].caveat
    assert "not levelled" not in lev["trunk_lean"].caveat
    track, events, _ = _filmed(10.0, params, overground=False)
    ten = {r.id: r for r in compute_metrics(track, SIDE, events, None).results}
    assert "from square" in ten["trunk_lean"].caveat
    assert "not levelled" not in ten["trunk_lean"].caveat
    assert ten["trunk_lean"].confidence == "high"


def test_unlevelled_slanted_floor_line_lowers_confidence_with_its_size():
    """An oblique picture whose floor line slants (``notes["floor_slant_deg"]``, from the
    pipeline) was not levelled: perspective and a tilted phone cannot be told apart, so the
    angles are low confidence and the caveat gives the slant."""
    track, events, _ = _filmed(10.0, PLANAR.with_(overstride_m=0.12), overground=False)
    track.notes = dict(track.notes, roll_corrected_deg=0.0, floor_slant_deg=-1.25)
    m = {r.id: r for r in compute_metrics(track, SIDE, events, None).results}
    for mid in ("trunk_lean", "shank_angle_ic", "overstride"):
        assert m[mid].confidence == "low" and "slants 1.2" in m[mid].caveat
