"""Vertical bounce (core/metrics/bounce.py): rise and fall of the hips per stride, % of the
leg length the engine sees. Tolerance 0.3 % of leg length."""
import numpy as np
import pytest

from core.metrics.base import strides, value_range
from core.pose import LM

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


def test_pose_jitter_does_not_add_to_the_bounce():
    """The pose model's hip points jitter from frame to frame; the bounce is read on the
    hips' step-rate rise and fall, not on the raw samples' extremes (which read 1-2 % of
    leg high on the renders of bench/contacts.md). Jitter of 0.6 % of leg on both hip
    points at 60 fps: within 0.5 % of leg (0.3 without jitter, above)."""
    rng = np.random.default_rng(7)

    def jitter(X, motion):
        sd = 0.006 * motion.params.body.leg_length
        noise = rng.normal(0.0, sd, len(X))
        for name in ("l_hip", "r_hip"):
            X[:, LM[name], 1] += noise

    case = build(PLANAR, fps=60.0, edit=jitter)
    m = case.metrics()["vertical_oscillation"]
    truth = case.motion.truth["vert_osc_m"] / case.leg_m * 100
    assert m.value == pytest.approx(truth, abs=0.5)
    raw = max(value_range(case.track.mid("l_hip", "r_hip")[st.i:st.next_ic.frame + 1, 1])
              for st in strides(case.events, len(case.track.t)) if st.next_ic is not None) / case.track.leg_length_px() * 100
    assert raw > truth + 1.0  # what the samples' extremes would have said


def test_not_measured_from_the_back():
    case = build(PLANAR.with_(pelvic_drop_deg=5.0), view="back")
    assert "vertical_oscillation" not in case.metrics()
