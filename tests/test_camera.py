"""core.camera: camera motion from the background, and the true vertical.

Unit tests on frames of a shared real tripod clip warped with exactly known camera motion
(tests/camgen.py): no pose model. Tolerances are the brief's: translation within 1 px, roll
within 0.5 deg, zoom within 1 %.
"""
from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from camgen import camera_path, first_frames, step
from conftest import CLIPS
from core import camera
from core.events import Event, GaitEvents
from core.landmarks import Track
from core.pose import LM, N_LANDMARKS
from core.view import ViewResult

SRC = CLIPS / "zzzhushi_male_side_treadmill.mp4"


@pytest.fixture(scope="module")
def base():
    if not SRC.is_file():
        pytest.skip("shared clip missing")
    return first_frames(SRC, 1)[0]


def _run(frames, lms=None):
    est = camera.MotionEstimator()
    return [est.add(f, None if lms is None else lms[i]) for i, f in enumerate(frames)]


def _warp(img, maps):
    h, w = img.shape[:2]
    return [cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REFLECT) for m in maps]


def _params(m):
    """(tx, ty, roll deg, scale) of a similarity."""
    return m[0, 2], m[1, 2], math.degrees(math.atan2(m[1, 0], m[0, 0])), math.hypot(m[0, 0], m[1, 0])


def _centre_err(a, b, w, h):
    c = np.array([w / 2, h / 2, 1.0])
    return float(np.linalg.norm(a @ c - b @ c))


def test_each_step_matches_the_known_pan_shake_and_zoom(base):
    h, w = base.shape[:2]
    for kind in ("pan", "handheld", "zoom"):
        maps = camera_path(kind, 12, (w, h), seed=3, pan_frac=0.3)
        steps = _run(_warp(base, maps))
        assert steps[0].method == "first"
        for i in range(1, len(maps)):
            s, truth = steps[i], step(maps, i)
            assert s.method == "features" and s.confidence > 0.5, (kind, i, s)
            assert _centre_err(s.m, truth, w, h) < 1.0, (kind, i)
            _, _, r, z = _params(s.m)
            _, _, rt, zt = _params(truth)
            assert abs(r - rt) < 0.5 and abs(z / zt - 1) < 0.01, (kind, i)


def test_accumulated_motion_maps_every_frame_back_to_the_first(base):
    h, w = base.shape[:2]
    maps = camera_path("handheld", 30, (w, h), seed=7)
    mo = camera.accumulate(_run(_warp(base, maps)), (w, h))
    assert mo.ok and not mo.still
    for i in range(len(maps)):
        truth = step([maps[0], maps[i]], 1)  # frame 0 -> frame i
        inv = cv2.invertAffineTransform(truth)  # frame i -> frame 0
        assert _centre_err(mo.to_ref[i], inv, w, h) < 1.0, i
        assert abs(mo.roll_deg[i] - _params(truth)[2]) < 0.5, i
        assert abs(mo.zoom[i] / _params(truth)[3] - 1) < 0.01, i


def test_zoom_ramp_reads_within_one_percent(base):
    h, w = base.shape[:2]
    maps = camera_path("zoom", 20, (w, h))
    mo = camera.accumulate(_run(_warp(base, maps)), (w, h))
    truth = 1.4 / 1.15
    assert mo.zoom[-1] == pytest.approx(truth, rel=0.01)
    assert mo.summary["zoom_pct"] == pytest.approx((truth - 1) * 100, abs=1.0)


def test_runner_box_is_masked_out(base):
    """A 'runner' patch moving against a still background is not taken for camera motion."""
    h, w = base.shape[:2]
    frames, lms = [], []
    patch = base[h // 3:h // 3 + 200, w // 3:w // 3 + 120].copy()
    for i in range(10):
        img = base.copy()
        x0 = 40 + 25 * i
        img[300:500, x0:x0 + 120] = patch
        frames.append(img)
        lm = np.zeros((N_LANDMARKS, 4))
        lm[:, 0] = np.linspace(x0, x0 + 120, N_LANDMARKS)
        lm[:, 1] = np.linspace(300, 500, N_LANDMARKS)
        lms.append(lm)
    mo = camera.accumulate(_run(frames, lms), (w, h))
    assert mo.ok and mo.still and mo.summary["shift_pct"] < camera.STILL_SHIFT_PCT


def test_still_camera_gives_identity_maps(base):
    h, w = base.shape[:2]
    noise = np.random.default_rng(0)
    frames = [np.clip(base.astype(int) + noise.integers(-2, 3, base.shape), 0, 255).astype(np.uint8)
              for _ in range(8)]
    mo = camera.accumulate(_run(frames), (w, h))
    assert mo.ok and mo.still
    assert np.allclose(mo.to_ref, np.eye(2, 3))


def test_plain_background_without_motion_is_still_not_refused():
    """A render's plain wall has no corners; a background that does not change is still."""
    img = np.full((540, 960, 3), 200, np.uint8)
    img[400:] = 120  # a floor edge
    mo = camera.accumulate(_run([img] * 10), (960, 540))
    assert mo.ok and mo.still


def test_plain_background_shifting_follows_phase_correlation():
    """Few corners but a clear shift (a floor edge moving up and down) is followed."""
    rng = np.random.default_rng(1)
    base = cv2.GaussianBlur(rng.integers(0, 255, (540, 960)).astype(np.uint8), (31, 31), 0)
    base = cv2.cvtColor(cv2.normalize(base, None, 0, 255, cv2.NORM_MINMAX), cv2.COLOR_GRAY2BGR)
    maps = [np.array([[1.0, 0, 0], [0, 1, 6.0 * i]]) for i in range(6)]
    steps = _run(_warp(base, maps))
    for s in steps[1:]:
        assert s.method in ("features", "phase")
        assert abs(s.m[1, 2] - 6.0) < 1.0 and abs(s.m[0, 2]) < 1.0


def test_wild_shake_is_followed_right_or_refused_with_that_reason(base):
    """A blurred shake: either every step is followed to within 2 px of the truth, or the
    clip is refused for the camera (the end-to-end refusal is tests/test_camera_e2e.py)."""
    h, w = base.shape[:2]
    maps = camera_path("wild", 20, (w, h), seed=2)
    frames = [cv2.GaussianBlur(f, (31, 31), 12) for f in _warp(base, maps)]  # motion blur
    mo = camera.accumulate(_run(frames), (w, h))
    if mo.ok:  # every step could be followed despite the blur: it must then be right
        for i in range(1, len(maps)):
            truth = step([maps[0], maps[i]], 1)
            assert _centre_err(mo.to_ref[i], cv2.invertAffineTransform(truth), w, h) < 2.0
    else:
        assert "could not follow" in mo.reason and "camera" in mo.reason


def test_unfollowable_camera_reason_names_the_camera():
    rng = np.random.default_rng(5)
    frames = [rng.integers(0, 255, (360, 640, 3)).astype(np.uint8) for _ in range(10)]
    mo = camera.accumulate(_run(frames), (640, 360))
    assert not mo.ok and "camera" in mo.reason and "could not follow" in mo.reason
    assert np.allclose(mo.to_ref, np.eye(2, 3))  # nothing applied


# ----------------------------------------------------------------------------- tracks
def _runner_track(n=240, fps=60.0, roll=0.0, pan_px_per_s=0.0, lean=8.0, travel_px_per_s=0.0):
    """A stick runner on a treadmill: toes slide back along the floor in stance; the whole
    picture turned by ``roll`` deg (counter-clockwise on screen) and panned.
    ``travel_px_per_s=1050`` (the belt's speed) makes it run overground: the stance foot
    stays put and the body travels."""
    t = np.arange(n) / fps
    xy = np.full((n, N_LANDMARKS, 2), np.nan)
    hip = np.array([480.0, 300.0])
    leg = 200.0
    lr = math.radians(lean)
    for i, ti in enumerate(t):
        p = np.full((N_LANDMARKS, 2), np.nan)
        for k, s in enumerate("lr"):
            ph = (ti * 1.4 + 0.5 * k) % 1.0  # 84 strides/min per foot
            fx = 150 - 750 * ph if ph < 0.4 else -150 + 300 * (ph - 0.4) / 0.6
            fy = 500.0 if ph < 0.4 else 500 - 60 * math.sin(math.pi * (ph - 0.4) / 0.6)
            fy += 4 * k  # far foot a little higher
            p[LM[f"{s}_hip"]] = hip
            p[LM[f"{s}_knee"]] = hip + [0.5 * fx, leg / 2]
            p[LM[f"{s}_ankle"]] = [hip[0] + fx, fy - 10]
            p[LM[f"{s}_heel"]] = [hip[0] + fx - 15, fy - 5]
            p[LM[f"{s}_toe"]] = [hip[0] + fx + 25, fy]
            p[LM[f"{s}_shoulder"]] = hip + [200 * math.sin(lr), -200 * math.cos(lr)]
        p[:, 0] += travel_px_per_s * ti
        xy[i] = p
    tr = Track(t, xy, np.ones((n, N_LANDMARKS)), np.ones(n, bool), 960, 600)
    m = cv2.getRotationMatrix2D((480, 300), roll, 1.0)
    ms = np.tile(m, (n, 1, 1))
    ms[:, 0, 2] += pan_px_per_s * t
    tr.xy = np.einsum("nij,nkj->nki", ms[:, :, :2], tr.xy) + ms[:, None, :, 2]
    return tr, ms


def _events(tr, fps=60.0):
    ics, tos = [], []
    for k, foot in enumerate("LR"):
        for c in range(-1, 12):
            t_ic = (c - 0.5 * k) / 1.4 + 0.001
            t_to = t_ic + 0.4 / 1.4
            if 0 <= t_ic and t_to < tr.t[-1]:
                ics.append(Event(int(round(t_ic * fps)), t_ic, foot, t_ic * fps))
                tos.append(Event(int(round(t_to * fps)), t_to, foot, t_to * fps))
    return GaitEvents(sorted(ics, key=lambda e: e.t), sorted(tos, key=lambda e: e.t), None, None)


SIDE = ViewResult("side", "right", "high", 1.0, "")


def _lean(tr):
    sh = tr.mid("l_shoulder", "r_shoulder")
    hp = tr.mid("l_hip", "r_hip")
    return float(np.median(np.degrees(np.arctan2(sh[:, 0] - hp[:, 0], hp[:, 1] - sh[:, 1]))))


OVERGROUND = 1050.0  # px/s: the stance foot stays put


@pytest.mark.parametrize("roll", [-10.0, -5.0, 0.0, 3.0, 10.0])
def test_ground_line_levels_a_rolled_track(roll):
    tr, _ = _runner_track(roll=roll, travel_px_per_s=OVERGROUND)
    gl = camera.ground_line(tr, _events(tr), SIDE)
    assert gl.source == "stance feet"
    assert gl.angle_deg == pytest.approx(-roll, abs=0.5)
    leveled = camera.level(tr, gl.roll_deg)
    assert _lean(leveled) == pytest.approx(8.0, abs=1.0)  # the brief: within 1 deg
    # overlays still land on the frames' own pixels
    assert np.allclose(leveled.image_xy(), tr.xy, atol=1e-6, equal_nan=True)


def test_treadmill_feet_alone_do_not_level():
    """On a treadmill the stance feet slide only about a leg length: with the pose model's toe
    points that baseline read a level render 7.4 deg off, so without image lines (no frames
    here) a treadmill clip is not levelled."""
    tr, _ = _runner_track(roll=5.0)
    gl = camera.ground_line(tr, _events(tr), SIDE)
    assert gl.roll_deg == 0.0 and gl.confidence == "low" and "treadmill" in gl.source


def test_level_floor_is_left_alone():
    tr, _ = _runner_track(roll=0.4, travel_px_per_s=OVERGROUND)
    gl = camera.ground_line(tr, _events(tr), SIDE)
    assert gl.roll_deg == 0.0 and camera.level(tr, gl.roll_deg) is tr


def test_to_ground_undoes_a_known_pan_and_keeps_image_points():
    tr, ms = _runner_track(pan_px_per_s=-150.0)
    n = tr.n
    to_ref = np.array([cv2.invertAffineTransform(m) for m in ms])
    mo = camera.CameraMotion(to_ref, np.zeros((n, 2)), np.zeros(n), np.ones(n), np.ones(n),
                             still=False, ok=True)
    ground = camera.to_ground(tr, mo)
    still, _ = _runner_track()
    assert np.allclose(ground.xy, still.xy, atol=1e-6, equal_nan=True)
    assert np.allclose(ground.image_xy(), tr.xy, atol=1e-6, equal_nan=True)
    assert np.allclose(ground.image_xy(5), tr.xy[5], atol=1e-6, equal_nan=True)


def test_front_view_gets_no_floor_line():
    tr, _ = _runner_track(roll=5)
    gl = camera.ground_line(tr, _events(tr), ViewResult("front", None, "high", 1.0, ""))
    assert gl.roll_deg == 0.0 and gl.angle_deg is None


def _zoom_motion(n: int, z_end: float, centre=(480.0, 300.0)) -> camera.CameraMotion:
    """A camera whose background scales 1 -> ``z_end`` about the picture centre over the clip."""
    z = np.linspace(1.0, z_end, n)
    to_ref = np.array([cv2.getRotationMatrix2D(centre, 0.0, 1.0 / k) for k in z])
    return camera.CameraMotion(to_ref, np.zeros((n, 2)), np.zeros(n), z, np.ones(n),
                               still=False, ok=True, centre=centre)


def _trunk(tr) -> np.ndarray:
    return np.linalg.norm(tr.mid("l_shoulder", "r_shoulder") - tr.mid("l_hip", "r_hip"), axis=1)


def test_a_zoom_the_runner_follows_is_undone():
    """A real zoom enlarges the runner with the background: taken out, the runner keeps the
    size of the first frame."""
    still, _ = _runner_track()
    mo = _zoom_motion(still.n, 1.35)
    grow = np.array([cv2.getRotationMatrix2D((480.0, 300.0), 0.0, k) for k in mo.zoom])
    zoomed = Track(still.t, np.einsum("nij,nkj->nki", grow[:, :, :2], still.xy)
                   + grow[:, None, :, 2], still.vis, still.detected, 960, 600)
    ground = camera.to_ground(zoomed, mo)
    assert np.allclose(_trunk(ground), _trunk(still), rtol=1e-6)
    assert "camera_zoom_ignored_pct" not in ground.notes


def test_background_spreading_round_a_runner_of_constant_size_is_not_a_zoom():
    """A camera following from behind sees the background spread out (fitted as a 1.49x zoom
    on a render) while the runner keeps their size: the scale is not applied, the runner's
    size is left as filmed, and the notes say so."""
    tr, _ = _runner_track()
    ground = camera.to_ground(tr, _zoom_motion(tr.n, 1.49))
    assert np.allclose(_trunk(ground), _trunk(tr), rtol=1e-6)
    assert ground.notes["camera_zoom_ignored_pct"] == pytest.approx(49.0, abs=0.1)


def test_a_frame_whose_corners_all_lost_their_way_is_a_cut():
    """At a cut between two follow-cam passes filmed from behind, 5 of 114 background corners
    fitted one motion and a phase-correlation shift stood in: the correspondences broke, as
    at a cut, unlike a phase shift with most corners agreeing."""
    from core.admission import ClipStatsCollector

    def run(step):
        col = ClipStatsCollector()
        col.size = (64, 36)
        rng = np.random.default_rng(0)
        for i in range(40):
            base = np.full((36, 64), 100.0) + rng.normal(0, 2, (36, 64))
            img = base + (25.0 if i >= 20 else 0.0)  # a picture change of ~10x the usual
            col.add_thumbnail(img.astype(np.float32),
                              step if i == 20 else camera.FrameStep(np.eye(2, 3), "features", 80, 100))
        return col.stats().cut_frames

    assert run(camera.FrameStep(np.eye(2, 3), "phase", 5, 114)) == [20]
    assert run(camera.FrameStep(np.eye(2, 3), "phase", 59, 120)) == []


def test_black_padding_edge_is_not_a_floor_line():
    """A warp's or stabiliser's black border ends in a long straight edge at the camera's own
    roll; it must not be read as floor. A plain picture with one floor line at -2.5 deg
    (45 % of the width) and a 12 px black band below: the band's full-width edge outweighs
    the line and, unmasked, read the floor level (0.0: inside the 1 deg dead band, as a
    handheld CI cut was and was not levelled); masked, the floor line reads -2.5 deg."""
    from core.admission import FrameStore

    h, w = 540, 960
    img = np.full((h, w, 3), 120, np.uint8)
    x0, x1, y0 = 60, 60 + int(0.45 * w), 400
    y1 = y0 + (x1 - x0) * math.tan(math.radians(-2.5))
    cv2.line(img, (x0, y0), (x1, int(round(y1))), (200, 200, 200), 3, cv2.LINE_AA)
    img[-12:] = 0
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    pad = camera.padding_mask(gray)
    assert pad[-12:].all() and pad[-17].all() and not pad[: h - 20].any()
    tr = Track(np.zeros(1), np.full((1, N_LANDMARKS, 2), np.nan), np.zeros((1, N_LANDMARKS)),
               np.zeros(1, bool), w, h)
    fs = FrameStore(1)
    fs.add(0, img)
    assert camera.image_lines_angle(fs, tr) == pytest.approx(-2.5, abs=0.3)


def test_dark_belt_reaching_the_frame_edge_still_gives_its_floor_line():
    """A black belt crushed to black by a dark exposure touches the frame's edge like padding;
    with no other line left outside it, its edge is read as before the padding was masked
    (-2.5 deg here), not lost."""
    from core.admission import FrameStore

    h, w = 540, 960
    img = np.full((h, w, 3), 120, np.uint8)
    right = 440 + w * math.tan(math.radians(-2.5))  # the belt's top edge, -2.5 deg
    belt = np.array([[0, 440], [w, right], [w, h], [0, h]], np.float64)
    cv2.fillPoly(img, [np.round(belt * 16).astype(np.int32)], (0, 0, 0), cv2.LINE_AA, 4)
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    assert camera.padding_mask(gray)[-1].all()  # it does read as padding
    tr = Track(np.zeros(2), np.full((2, N_LANDMARKS, 2), np.nan), np.zeros((2, N_LANDMARKS)),
               np.zeros(2, bool), w, h)
    fs = FrameStore(2)  # two frames: the one edge is a line in each
    fs.add(0, img)
    fs.add(1, img)
    assert camera.image_lines_angle(fs, tr) == pytest.approx(-2.5, abs=0.3)
