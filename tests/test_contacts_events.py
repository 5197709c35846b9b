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


def test_toe_off_not_at_a_bob_of_the_toe_point_while_the_foot_is_down():
    """At 120 fps on our renders the pose model's toe point bobs up a few % of leg (fast)
    and back while the foot is still down; toe-off is the start of the rise that carries the
    toe into swing, not the bob."""
    fps, n, take_off = 120.0, 160, 100
    k = np.arange(n, dtype=float)
    bob = 6.0 * np.clip(1 - np.abs(k - 80) / 6, 0, None)  # up 6 % of leg, 12 frames wide
    fly = np.clip(k - take_off, 0, None) * 2.0 * LEG / fps  # airborne: 2 leg/s
    y = 500.0 - bob - fly
    to = toe_off(np.arange(n) / fps, y, ic=40.0, trough=110.0, leg=LEG, hold=6)
    assert to == pytest.approx(take_off, abs=1.0)
