"""Overstride and shin angle at landing (core/metrics/landing.py) against the model's exact
truth at initial contact. Tolerances: 0.5 % of leg length, 0.5 deg."""
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


def test_overstride_in_cm_with_the_runners_height():
    case = build(PLANAR.with_(overstride_m=0.15))
    m = case.metrics(height_cm=175.0)["overstride"]
    assert m.value_cm == pytest.approx(m.value / 100 * 175.0 * 0.49, abs=0.05)
