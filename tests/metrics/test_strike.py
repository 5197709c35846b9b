"""Foot strike (core/metrics/strike.py): the sole's angle at contact against the runner's own
flat foot, and the heel / midfoot / forefoot pattern. Tolerance 1.5 deg: the engine takes the
largest angle over the last 20 ms (at least a frame) up to contact, and the exact foot is still
turning then: a 15 deg heel landing reads 16.0 at this track's 120 fps (15.8 over the last
frame alone, 8 ms).

The exact-truth side track is an orthographic picture (both feet land at one height), which
is what a camera at belt height shows; a real camera at hip height sees the far foot land
1.5-3.3 % of leg higher. ``_hip_camera`` lifts the far foot's points by 2.5 % of leg (the
foot's angle, and so the strike, unchanged) to give the picture from hip height.
"""
import pytest

from model_track import LM, PLANAR, build

FAR = "r"  # both legs equally visible in the track: the left counts as the near one


def _hip_camera(X, motion):
    lift = 0.025 * motion.params.body.leg_length
    for k in ("ankle", "heel", "toe"):
        X[:, LM[f"{FAR}_{k}"], 1] += lift


def _build(params):
    return build(params, edit=_hip_camera)


@pytest.mark.parametrize("angle, pattern", [(-10.0, "forefoot"), (4.0, "midfoot"),
                                            (15.0, "heel")])
def test_foot_strike_angle_and_pattern(angle, pattern):
    case = _build(PLANAR.with_(foot_strike_deg=angle, overstride_m=0.02))
    m, truth = case.metrics()["foot_strike"], case.motion.truth
    assert m.value == pytest.approx(truth["foot_strike_deg"], abs=1.5)
    assert m.extra["pattern"] == pattern
    assert m.status == "good"  # a heel strike alone is not a problem


def test_heel_strike_with_overstride_is_the_problem():
    m = _build(PLANAR.with_(foot_strike_deg=15.0, overstride_m=0.2)).metrics()
    assert m["overstride"].status == "fix" and m["foot_strike"].status == "fix"
    assert not m["foot_strike"].extra.get("camera_low")


def test_camera_at_belt_height_is_no_confident_verdict():
    """Both feet landing at one height in the picture (camera at belt height, like
    mhuang_IMG_5396): the same heel strike with overstride is "watch" with low confidence
    and the caveat says why, never a confident "work on it"."""
    m = build(PLANAR.with_(foot_strike_deg=15.0, overstride_m=0.2)).metrics()["foot_strike"]
    assert m.extra["pattern"] == "heel" and m.extra["camera_low"]
    assert m.status == "watch" and m.confidence == "low"
    assert "near the ground" in m.caveat and "treadmill-belt height" in m.caveat
    # and says it was held back from its band's "work on it" (its card read "worth a look"
    # beside "Work on it: heel strike together with overstride": review, 2 Dec)
    assert "held at \"worth a look\", though a heel strike with this overstride" in m.caveat


def test_far_foot_poorly_seen_is_left_out():
    """In side view the far foot's heel and toe points are partly guessed (on the shared render
    syn_side_good_60 it read a 4 deg landing as +14 deg, the near foot +5): when that leg is
    poorly seen (visibility under SIDE_VIS_MIN) foot strike comes from the near foot only,
    and the caveat says so. Here the far foot's toe point rides 4 % of leg high whenever that
    foot is off the ground, so at contact it reads as a heel strike."""
    def edit(X, motion):
        _hip_camera(X, motion)
        swing = ~motion.stance[:, 1 if FAR == "r" else 0]
        X[swing, LM[f"{FAR}_toe"], 1] += 0.04 * motion.params.body.leg_length

    case = build(PLANAR.with_(foot_strike_deg=4.0, overstride_m=0.02), edit=edit)
    for k in ("knee", "ankle"):
        case.track.vis[:, LM[f"{FAR}_{k}"]] = 0.7
    m, truth = case.metrics()["foot_strike"], case.motion.truth
    assert m.value == pytest.approx(truth["foot_strike_deg"], abs=1.0)
    assert m.extra["pattern"] == "midfoot" and "nearer the camera" in m.caveat
    far_rows = [row for row in case.strides if row["foot"] == FAR.upper()]
    assert far_rows and all(row.get("foot_strike_deg") is None for row in far_rows)
    assert m.right is None and m.left == pytest.approx(truth["foot_strike_deg"], abs=1.0)
