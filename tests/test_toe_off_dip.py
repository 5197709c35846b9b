"""Toe-off after the pose model's toe point bobs while the foot is still down
(core/events.py ``toe_off`` / ``_last_down``).

Why (bench/robustness.md, issue #16): on a rolled-camera render at 120 fps the toe point rose
7.5 % of leg as the heel came up, came back down to the ground level and only then left for
the swing, first slowly (0.5 % of leg a frame, under the take-off speed). The rise at take-off
speed then read toe-off 7-12 frames late, and the midstance knee bend took in the swing.
The toe-off is the toe's last low point before it clears the ground, when it had come back
down by a lift's height; a toe that only creeps up as the foot rolls keeps the take-off kink.
"""
import numpy as np
import pytest

from core.events import TOE_LIFT_FRAC, _last_down, toe_off

FPS, LEG, GROUND = 120.0, 160.0, 400.0
IC, TROUGH, N = 10.0, 90.0, 150


def _toe_y(heights_pct: np.ndarray) -> np.ndarray:
    """Image y of a toe at these heights above the ground (% of leg; image y grows down)."""
    return GROUND - heights_pct / 100.0 * LEG


def _bump(k: np.ndarray, a: int, b: int, h: float) -> np.ndarray:
    """A smooth rise from 0 at frame ``a`` to ``h`` at the middle and back to 0 at ``b``."""
    x = np.clip((k - a) / (b - a), 0, 1)
    return h * 0.5 * (1 - np.cos(2 * np.pi * x))


def _take_off(k: np.ndarray, at: float) -> np.ndarray:
    """Leaving the ground at ``at``: 0.5 % of leg a frame for 12 frames, then 3 % a frame."""
    d = np.clip(k - at, 0, None)
    return np.where(d <= 12, 0.5 * d, 6.0 + 3.0 * (d - 12))


def test_toe_off_at_the_last_low_point_after_a_bob():
    k = np.arange(N, dtype=float)
    h = _bump(k, 50, 74, 7.5) + _take_off(k, 74.0)  # down again at 74, then leaves
    t = k / FPS
    to = toe_off(t, _toe_y(h), IC, TROUGH, LEG, hold=6)
    assert to == pytest.approx(74.0, abs=1.0)


def test_a_creeping_toe_has_no_dip():
    """A bump smaller than the lift height is the toe creeping as the foot rolls: no dip."""
    k = np.arange(N, dtype=float)
    small = 0.9 * TOE_LIFT_FRAC * 100
    h = np.where(k >= 50, small, 0.0) + _bump(k, 50, 60, small) + _take_off(k, 74.0)
    lift_like = 50.0
    assert _last_down(_toe_y(h), IC, TROUGH, LEG, lift_like) is None


def test_a_clean_take_off_is_unchanged():
    """Flat on the ground, then straight into the swing: the valley rule gives nothing."""
    k = np.arange(N, dtype=float)
    d = np.clip(k - 74.0, 0, None)
    h = 3.0 * d  # 3 % of leg a frame from the take-off
    t = k / FPS
    to = toe_off(t, _toe_y(h), IC, TROUGH, LEG, hold=6)
    assert to == pytest.approx(74.0, abs=1.0)
    # from a lift early in the stance the toe only rises once it leaves: no dip to find
    assert _last_down(_toe_y(h), IC, TROUGH, LEG, IC + 2.0) is None
