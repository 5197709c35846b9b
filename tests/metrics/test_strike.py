"""Foot strike (core/metrics/strike.py): the sole's angle at contact against the runner's own
flat foot, and the heel / midfoot / forefoot pattern. Tolerance 1 deg: the engine takes the
largest angle over the last frame up to contact (a heel landing flattens within a frame).
"""
import pytest

from model_track import PLANAR, build


@pytest.mark.parametrize("angle, pattern", [(-10.0, "forefoot"), (4.0, "midfoot"),
                                            (15.0, "heel")])
def test_foot_strike_angle_and_pattern(angle, pattern):
    case = build(PLANAR.with_(foot_strike_deg=angle, overstride_m=0.02))
    m, truth = case.metrics()["foot_strike"], case.motion.truth
    assert m.value == pytest.approx(truth["foot_strike_deg"], abs=1.0)
    assert m.extra["pattern"] == pattern
    assert m.status == "good"  # a heel strike alone is not a problem


def test_heel_strike_with_overstride_is_the_problem():
    m = build(PLANAR.with_(foot_strike_deg=15.0, overstride_m=0.2)).metrics()
    assert m["overstride"].status == "fix" and m["foot_strike"].status == "fix"
