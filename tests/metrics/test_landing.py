"""Overstride and shin angle at landing (core/metrics/landing.py) against the model's exact
truth at initial contact. Tolerances: 0.5 % of leg length, 0.5 deg."""
import numpy as np
import pytest

from model_track import PLANAR, build


@pytest.mark.parametrize("view", ["side", "side_l"])
@pytest.mark.parametrize("reach_m", [0.0, 0.05, 0.15])
def test_overstride_and_shin_angle(view, reach_m):
    case = build(PLANAR.with_(overstride_m=reach_m), view=view)
    m, truth = case.metrics(), case.motion.truth
    assert m["overstride"].value == pytest.approx(truth["overstride_pct_leg"], abs=0.5)
    assert m["shank_angle_ic"].value == pytest.approx(truth["shank_angle_ic_deg"], abs=0.5)
    for mid in ("overstride", "shank_angle_ic"):  # both feet land alike
        assert m[mid].left == pytest.approx(m[mid].right, abs=0.5)
    # the per-stride table has them under their columns
    assert {"overstride_pct_leg", "shank_deg"} <= set(case.strides[1])


@pytest.mark.parametrize("fps, tol", [(30.0, 1.0), (60.0, 0.6)])
@pytest.mark.parametrize("reach_m", [0.0, 0.15, 0.25])
def test_shin_angle_with_contacts_between_frames(fps, tol, reach_m):
    """At 173 steps/min the contacts fall between frames (0.2-0.8 of a frame in). The shin
    turns fast once the foot is down, so it is read at the frame before the contact, not
    interpolated across it: interpolated, a 12 deg shin read 8.0 at 30 fps (9.9 at 60), a
    "work on it" shown as "worth a look"."""
    case = build(PLANAR.with_(overstride_m=reach_m, cadence_spm=173.0), fps=fps)
    assert len({round(e.pos % 1, 1) for e in case.events.ics}) >= 4  # between frames
    m, truth = case.metrics(), case.motion.truth
    assert m["shank_angle_ic"].value == pytest.approx(truth["shank_angle_ic_deg"], abs=tol)
    strides = [s["shank_deg"] for s in case.strides if s.get("shank_deg") is not None]
    assert len(strides) >= 8
    assert max(abs(v - truth["shank_angle_ic_deg"]) for v in strides) <= 2.5


def test_overstride_in_cm_with_the_runners_height():
    case = build(PLANAR.with_(overstride_m=0.15))
    m = case.metrics(height_cm=175.0)["overstride"]
    assert m.value_cm == pytest.approx(m.value / 100 * 175.0 * 0.49, abs=0.05)


def _yaw(deg):
    """Turn the runner's path ``deg`` away from square to the camera (about the vertical axis
    through the treadmill centre), before the side view's projection."""
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))

    def edit(X, motion):
        x, z = X[..., 0].copy(), X[..., 2].copy()
        X[..., 0], X[..., 2] = c * x + s * z, -s * x + c * z
    return edit


@pytest.mark.parametrize("deg", [20.0, -20.0])
def test_yawed_camera_is_estimated_and_corrected(deg):
    """A path turned 20 deg from square: the image foreshortens lengths along it by
    cos 20 = 0.94 (overstride 6 % of leg would read 5.6, a 7 deg lean 6.6). The yaw is read
    from the shoulders' and hips' separation, the landing and lean values are corrected, and
    the confidence is low with the reason."""
    params = PLANAR.with_(overstride_m=0.12)
    case = build(params, edit=_yaw(deg))
    m, truth = case.metrics(), build(params).motion.truth
    y = m["overstride"].extra["camera_yaw_deg"]
    assert abs(y - 20) <= 2
    assert m["overstride"].value == pytest.approx(truth["overstride_pct_leg"], abs=0.5)
    assert m["shank_angle_ic"].value == pytest.approx(truth["shank_angle_ic_deg"], abs=0.5)
    assert m["trunk_lean"].value == pytest.approx(truth["trunk_lean_deg"], abs=0.5)
    assert m["foot_strike"].value == pytest.approx(truth["foot_strike_deg"], abs=1.0)
    for mid in ("overstride", "shank_angle_ic", "foot_strike", "trunk_lean"):
        assert m[mid].confidence == "low" and "from square" in m[mid].caveat


def test_square_camera_has_no_yaw_caveat():
    m = build(PLANAR.with_(overstride_m=0.12)).metrics()
    for mid in ("overstride", "shank_angle_ic", "foot_strike", "trunk_lean"):
        assert "camera_yaw_deg" not in m[mid].extra and "from square" not in m[mid].caveat
    for mid in UNCORRECTED:
        assert "from square" not in m[mid].caveat and m[mid].confidence == "medium", mid


# leg angles read from the picture without a yaw correction: they say so, low from 15 deg
UNCORRECTED = ("hip_extension", "knee_drive", "knee_flexion_ic", "knee_flexion_mid")


@pytest.mark.parametrize("deg, conf", [(20.0, "low"), (-20.0, "low"), (10.0, "medium")])
def test_leg_angles_not_corrected_for_yaw_say_so(deg, conf):
    """A 39 deg camera read a runner's hip extension 0 deg for a true 8.5 with no word of the
    angle (review, 2 Dec): the knee bends, hip extension and knee drive now say the camera's
    angle foreshortens them and that they are not corrected for it, with low confidence from
    15 deg (as the corrected measures) and their own below it."""
    case = build(PLANAR.with_(overstride_m=0.12), fps=60.0, edit=_yaw(deg))
    m = case.metrics()
    for mid in UNCORRECTED:
        assert "not corrected for it" in m[mid].caveat and "from square" in m[mid].caveat, mid
        assert m[mid].confidence == conf, (mid, m[mid].confidence)
        assert ("rough" in m[mid].caveat) == (conf == "low"), mid


@pytest.mark.parametrize("view, deg, expected", [
    ("side", 0.0, "side"), ("side", 15.0, "side"), ("side", 30.0, "side"),
    ("side", -30.0, "side"), ("side", 45.0, "unsure"), ("back", 30.0, "back"),
    ("front", 30.0, "front")])
def test_view_holds_up_to_30_deg_off_square(view, deg, expected):
    """Issue #16's robustness matrix films side runners up to 30 deg off square: still a side
    view (facing right), with less than high confidence; 45 deg is neither side nor
    front/back, and a back or front view turned 30 deg stays what it is."""
    from core.view import detect_view

    got = detect_view(build(PLANAR, view=view, edit=_yaw(deg)).track)
    assert got.view == expected, got.detail
    if expected == "side":
        assert got.facing == "right"
        assert (got.confidence == "high") == (abs(deg) < 20), got.detail
