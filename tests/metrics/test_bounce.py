"""Vertical bounce (core/metrics/bounce.py): rise and fall of the hips per stride, % of the
leg length the engine sees. Tolerance 0.3 % of leg length."""
import pytest

from model_track import PLANAR, build


@pytest.mark.parametrize("bounce_m", [0.04, 0.07, 0.12])
@pytest.mark.parametrize("view", ["side", "front"])
def test_vertical_oscillation(view, bounce_m):
    params = PLANAR.with_(vert_osc_m=bounce_m)
    case = build(params if view == "side" else params.with_(pelvic_drop_deg=5.0), view=view)
    m = case.metrics(height_cm=175.0)["vertical_oscillation"]
    assert m.value == pytest.approx(case.motion.truth["vert_osc_m"] / case.leg_m * 100, abs=0.3)
    assert m.confidence == ("low" if view == "front" else "high")
    assert m.value_cm is not None


def test_not_measured_from_the_back():
    case = build(PLANAR.with_(pelvic_drop_deg=5.0), view="back")
    assert "vertical_oscillation" not in case.metrics()
