"""Ground contact time, duty factor and flight time (core/metrics/timing.py) from the model's
exact contacts and toe-offs. Tolerance 1 ms / 0.1 %."""
import pytest

from model_track import PLANAR, build


@pytest.mark.parametrize("duty", [0.25, 0.30, 0.40])
def test_contact_duty_and_flight(duty):
    case = build(PLANAR.with_(duty_factor=duty))
    m, truth = case.metrics(), case.motion.truth
    assert m["contact_time"].value == pytest.approx(truth["contact_time_s"] * 1000, abs=1.0)
    assert m["duty_factor"].value == pytest.approx(truth["duty_factor"] * 100, abs=0.1)
    assert m["flight_time"].value == pytest.approx(truth["flight_time_s"] * 1000, abs=1.0)
    assert m["flight_time"].status == "info"


def test_timing_is_held_back_below_20_fps():
    case = build(fps=15.0)
    ids = set(case.metrics())
    assert not {"contact_time", "duty_factor", "flight_time"} & ids
