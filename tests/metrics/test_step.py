"""Step width and foot turn-out, front and back views (core/metrics/step.py), on the model
seen through the renderer's pinhole camera. Step width: within 0.5 % of the leg length the
engine sees. Foot turn-out: straight feet within 5 deg of 0 (the camera's perspective alone
reads +-4 deg); see the known-bug test for turned-out feet."""
import numpy as np
import pytest

from model_track import LM, RunnerParams, build

BASE = RunnerParams(cadence_spm=180.0)


@pytest.mark.parametrize("view", ["front", "back"])
@pytest.mark.parametrize("width_m", [-0.02, 0.04, 0.09])
def test_step_width(view, width_m):
    case = build(BASE.with_(step_width_m=width_m), view=view)
    m = case.metrics()["step_width"]
    truth = width_m / case.leg_m * 100  # signed: negative = across the midline
    assert m.value == pytest.approx(truth, abs=0.5)
    assert m.left == pytest.approx(m.right, abs=0.5)
    assert m.status == ("fix" if truth < 0 else "good")


def _turn_out(deg: float):
    """Each foot's heel and toe turned ``deg`` outward about its ankle (vertical axis)."""
    def edit(X, motion):
        up = np.array([0.0, 1.0, 0.0])
        fwd = motion.forward
        right = np.cross(fwd, up)
        for s, side in (("l", -1.0), ("r", 1.0)):
            a = X[:, LM[f"{s}_ankle"]]
            b = np.radians(deg) * side
            for k in ("heel", "toe"):
                v = X[:, LM[f"{s}_{k}"]] - a
                vf, vr = v @ fwd, v @ right
                X[:, LM[f"{s}_{k}"]] = (a + (vf * np.cos(b) - vr * np.sin(b))[:, None] * fwd
                                        + (vf * np.sin(b) + vr * np.cos(b))[:, None] * right
                                        + (v @ up)[:, None] * up)
    return edit


@pytest.mark.parametrize("view", ["front", "back"])
def test_straight_feet_read_near_zero_turn_out(view):
    m = build(BASE, view=view).metrics()["foot_turnout"]
    assert abs(m.value) < 5.0 and m.status == "good" and m.confidence == "low"


@pytest.mark.parametrize("view", ["front", "back"])
def test_turn_out_grows_with_the_true_angle(view):
    vals = [build(BASE, view=view, edit=_turn_out(d)).metrics()["foot_turnout"].value
            for d in (0.0, 5.0, 10.0, 20.0)]
    assert vals == sorted(vals) and vals[-1] > vals[0] + 20


@pytest.mark.xfail(strict=True, reason=(
    "Known bug, kept for a follow-up (no behaviour change in the registry refactor): "
    "foot_turnout is the image angle of the heel->toe line, atan(sideways / downward), and "
    "the camera's foreshortening makes the downward part small: a true 5 deg turn-out reads "
    "21-30 deg and 10 deg reads 40-47 deg (status 'fix' for a normal foot)."))
@pytest.mark.parametrize("view", ["front", "back"])
def test_turn_out_reads_the_true_angle(view):
    m = build(BASE, view=view, edit=_turn_out(10.0)).metrics()["foot_turnout"]
    assert m.value == pytest.approx(10.0, abs=3.0)
