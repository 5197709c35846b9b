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


def test_contact_not_before_the_foot_is_down():
    """A forefoot landing: the toe comes down to the ground at frame 50 and the heel at 54;
    ``foot_down`` (the first of heel and toe within 2 % of leg of its stance level) is the
    toe's arrival, and ``_side_contact`` moves a run-up estimate that came early (the heel
    already moving at stance speed in the air) to it, but leaves a later one alone."""
    from core.events import _side_contact, foot_down

    n = 120
    t = np.arange(n) / FPS
    k = np.arange(n, dtype=float)
    toe_y = 500.0 - np.clip(50 - k, 0, None) * 0.05 * LEG  # descends 5 % of leg a frame
    heel_y = 500.0 - np.clip(54 - k, 0, None) * 0.05 * LEG
    down = foot_down(t, heel_y, toe_y, ic=47.0, trough=90.0, leg=LEG)
    assert down == pytest.approx(50 - TOE_LIFT_FRAC / 0.05, abs=0.05)
    # the pelvis-relative foot position: still at its forward peak until frame 46, then
    # moving back at stance speed (the run-up alone puts the contact at 46.5, 3 frames early)
    front = -np.clip(k - 46, 0, None) * 0.02 * LEG
    v_st = -0.02 * LEG * FPS
    ic = _side_contact(t, front, heel_y, toe_y, peak=40, trough=90, v_stance=v_st, leg=LEG)
    assert ic == pytest.approx(down, abs=0.05)
    late = _side_contact(t, -np.clip(k - 53, 0, None) * 0.02 * LEG, heel_y, toe_y, peak=40,
                         trough=90, v_stance=v_st, leg=LEG)
    assert late == pytest.approx(53.5, abs=0.05)
    # a foot already down (no arrival in the window): the run-up stands
    flat = np.full(n, 500.0)
    assert foot_down(t, flat, flat, ic=47.0, trough=90.0, leg=LEG) is None


@pytest.mark.parametrize("fps,take_off", [(60.0, 40.3), (120.0, 80.6)])
def test_toe_off_at_the_kink_of_the_cleaned_toe_path(fps, take_off):
    """The cleaned track is low-passed (12 Hz, zero phase): the take-off's kink in the toe's
    height becomes a smooth bend. A toe point that rolls up slowly (0.3 leg/s, the last
    80 ms: our renders) and leaves at 1.4 leg/s: toe-off is read at the peak of the toe's
    upward acceleration, which the symmetric filter leaves at the kink (within half a frame
    of a sub-frame take-off), where the speed threshold of the rise alone comes later (on
    renders, whose pose toe point rises smoother still, 1-4 frames). Without the roll the
    toe-off is never later than that threshold's."""
    from core import signal
    from core.events import _toe_lift, _toe_rising

    n = int(2 * take_off)
    t = np.arange(n) / fps
    k = np.arange(n, dtype=float)
    ic, trough, hold = take_off - 0.2 * fps, take_off + 0.05 * fps, int(0.05 * fps)
    for roll in (0.3, 0.0):
        rolled = np.clip(k - (take_off - 0.08 * fps), 0, 0.08 * fps) * roll * LEG / fps
        y = 500.0 - rolled - np.clip(k - take_off, 0, None) * 1.4 * LEG / fps
        y = signal.lowpass(t, y, 12.0)
        to = toe_off(t, y, ic=ic, trough=trough, leg=LEG, hold=hold)
        lift = _toe_lift(y, ic, trough, LEG, hold)
        speed = max(lift, _toe_rising(t, y, ic, trough, LEG, start=lift))
        assert to <= speed
        if roll:
            assert to == pytest.approx(take_off, abs=0.5)
            assert speed - take_off > to - take_off + 0.4
