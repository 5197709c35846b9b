"""Hip extension at toe-off and knee drive (core/metrics/thigh.py) against the model's
truth. Tolerance 0.5 deg."""
import pytest

from model_track import PLANAR, build


@pytest.mark.parametrize("view", ["side", "side_l"])
@pytest.mark.parametrize("drive", [15.0, 32.0, 45.0])
def test_hip_extension_and_knee_drive(view, drive):
    case = build(PLANAR.with_(hip_swing_max_deg=drive), view=view)
    m, truth = case.metrics(), case.motion.truth
    assert m["knee_drive"].value == pytest.approx(truth["knee_drive_deg"], abs=0.5)
    assert m["hip_extension"].value == pytest.approx(truth["hip_extension_to_deg"], abs=0.5)


def test_longer_contact_extends_the_hip_further():
    short = build(PLANAR.with_(duty_factor=0.25)).metrics()["hip_extension"].value
    long = build(PLANAR.with_(duty_factor=0.40)).metrics()["hip_extension"].value
    assert long > short + 2
