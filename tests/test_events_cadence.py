"""The contacts' cadence fit (core.events.cadence_from_ics): one step time, one lag per foot,
and a contact read far off counts little. Pure numbers, no video."""
from __future__ import annotations

import pytest

from core.events import Event, cadence_from_ics


def _ics(times, feet=None):
    feet = feet or ["LR"[i % 2] for i in range(len(times))]
    return [Event(i, float(x), f) for i, (x, f) in enumerate(zip(times, feet))]


def test_a_constant_far_foot_lag_does_not_tilt_the_cadence() -> None:
    step = 60.0 / 178.0
    # 8 contacts (3 s at 60 fps), starting on the far foot (L) and ending on the near one;
    # the far foot read 14 ms late throughout, as on the 2 m high camera render
    t = [0.35 + i * step + (0.014 if i % 2 == 0 else 0.0) for i in range(8)]
    cad = cadence_from_ics(_ics(t))[0]
    assert cad == pytest.approx(178.0, abs=0.05)
    # the same contacts fitted with one offset (all labelled one foot) read 178.40
    same = cadence_from_ics(_ics(t, ["L"] * len(t)))[0]
    assert abs(same - 178.0) > 0.4


def test_a_contact_far_off_at_the_clip_end_counts_little() -> None:
    step = 60.0 / 178.0
    t = [0.35 + i * step for i in range(8)]
    t[-1] -= 0.061  # the last contact read 61 ms early (a swing cut off at the clip's end)
    cad = cadence_from_ics(_ics(t))[0]
    # plain least squares reads 180.4; the soft-L1 loss holds it to 179.3
    assert abs(cad - 178.0) < 1.5
    n = list(range(len(t)))
    mean_n, mean_t = sum(n) / len(n), sum(t) / len(t)
    lsq_step = (sum((i - mean_n) * (x - mean_t) for i, x in zip(n, t))
                / sum((i - mean_n) ** 2 for i in n))
    assert abs(cad - 178.0) < 0.6 * abs(60.0 / lsq_step - 178.0)


def test_a_limp_keeps_the_mean_step_rate() -> None:
    # left steps 0.32 s, right steps 0.36 s: 176.5 steps/min on average
    t, x = [], 0.2
    for i in range(10):
        t.append(x)
        x += 0.32 if i % 2 == 0 else 0.36
    assert cadence_from_ics(_ics(t))[0] == pytest.approx(120.0 / 0.68, abs=0.05)
