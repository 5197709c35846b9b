"""Toe-off (core/events.py ``toe_off``) on toe paths with a known take-off: a toe that stays
down until it leaves (a real foot bending at the toes) and one that first rolls slowly over
the shoe's front edge (the pose model's toe point sits behind that edge: our renders). Both
leave the ground at frame 40; the toe rises at 3 leg lengths a second once airborne."""
import numpy as np
import pytest

from core.events import TOE_LIFT_FRAC, toe_off

FPS, LEG, N, TAKE_OFF = 60.0, 100.0, 90, 40


def _path(roll_leg_per_s: float) -> np.ndarray:
    """Image y of the toe (down +): on the ground at 500 px, rolling up at ``roll_leg_per_s``
    from frame 30, leaving at frame 40 at 3 leg/s."""
    k = np.arange(N, dtype=float)
    y = np.full(N, 500.0)
    roll = np.clip(k - 30, 0, TAKE_OFF - 30) * roll_leg_per_s * LEG / FPS
    fly = np.clip(k - TAKE_OFF, 0, None) * 3.0 * LEG / FPS
    return y - roll - fly


@pytest.mark.parametrize("roll", [0.0, 0.4])
def test_toe_off_at_the_take_off_not_at_the_roll(roll):
    t = np.arange(N) / FPS
    y = _path(roll)
    to = toe_off(t, y, ic=5.0, trough=45.0, leg=LEG, hold=3)
    assert to == pytest.approx(TAKE_OFF, abs=0.7)
    if roll:  # the lift alone would have fired during the roll, frames before take-off
        lift_at = 30 + TOE_LIFT_FRAC * LEG / (roll * LEG / FPS)
        assert lift_at < TAKE_OFF - 2


def test_no_toe_off_while_the_toe_stays_down():
    t = np.arange(N) / FPS
    assert toe_off(t, np.full(N, 500.0), ic=5.0, trough=45.0, leg=LEG, hold=3) is None
