"""The runner's optional profile: speed or pace, sex, experience (height is an analysis option).

Contract:
    speed_from(value, unit) -> m/s          unit: "m/s", "km/h" or "min/km" (pace)
    speed_text(speed_mps, unit) -> str      the speed as the runner gave it, e.g. "5:30 min/km"
    check(speed_mps, sex, experience)       raises FormCheckError (friendly) for values out of range

The profile is stored with the report (:class:`core.report.Profile`). Speed adds stride length
and vertical ratio and moves the cadence band (:mod:`core.metrics.speed`); experience sets how
gently the plan starts (:mod:`core.plan`); sex is kept but changes no band (no source we use
gives a sex-specific band).
"""
from __future__ import annotations

import math

from .errors import FormCheckError

# the units a runner may give their speed in, the usual first (a treadmill shows km/h or mph;
# m/s came first and was the default, which few runners think in: browser review s20)
SPEED_UNITS = ("km/h", "mph", "min/km", "m/s")
MPH = 0.44704  # m/s in one mile an hour (exact)
SEXES = ("female", "male")
EXPERIENCE = {"new": "New to running (under a year)", "regular": "Running 1-3 years",
              "experienced": "Running more than 3 years"}
# m/s: a slow jog (12:49 min/km, 4.7 km/h; 11:07 was the floor, and a beginner's slower jog
# could not be entered: review, 2 Dec) to a sprint
SPEED_MIN, SPEED_MAX = 1.3, 8.0


def speed_from(value: float, unit: str) -> float:
    """``value`` in ``unit`` as m/s (a pace of ``value`` minutes per km for ``"min/km"``)."""
    if unit == "m/s":
        return float(value)
    if unit == "km/h":
        return float(value) / 3.6
    if unit == "mph":
        return float(value) * MPH
    if unit == "min/km":
        if value <= 0:
            raise FormCheckError("bad_option", "A pace must be more than 0 minutes per km.",
                                 "Enter your pace as minutes per km, e.g. 5.5 for 5:30.")
        return 1000.0 / (float(value) * 60.0)
    raise FormCheckError("bad_option", f"Unknown speed unit '{unit}'.",
                         f"Give your speed in one of: {', '.join(SPEED_UNITS)}.")


def pace_text(speed_mps: float) -> str:
    """``"5:30 min/km"`` for 3.03 m/s."""
    secs = round(1000.0 / speed_mps)
    return f"{secs // 60}:{secs % 60:02d} min/km"


def speed_text(speed_mps: float, unit: str = "m/s") -> str:
    """The speed as the runner gave it, with the m/s it was analysed at."""
    if unit == "min/km":
        return f"{pace_text(speed_mps)} ({speed_mps:.2f} m/s)"
    if unit == "km/h":
        return f"{speed_mps * 3.6:.1f} km/h ({speed_mps:.2f} m/s)"
    if unit == "mph":
        return f"{speed_mps / MPH:.1f} mph ({pace_text(speed_mps)})"
    return f"{speed_mps:.2f} m/s ({pace_text(speed_mps)})"


def in_unit(speed_mps: float, unit: str) -> str:
    """``speed_mps`` as a runner gives it in ``unit``: ``"10.0 km/h"``, ``"6.2 mph"``,
    ``"6:00 min/km"``, ``"2.78 m/s"``."""
    if unit == "km/h":
        return f"{speed_mps * 3.6:.1f} km/h"
    if unit == "mph":
        return f"{speed_mps / MPH:.1f} mph"
    if unit == "min/km":
        return pace_text(speed_mps)
    return f"{speed_mps:.2f} m/s"


def check(speed_mps: float | None, sex: str | None, experience: str | None,
          unit: str = "m/s") -> None:
    """Refuse out-of-range profile values with a friendly message (no traceback); a speed's
    in the ``unit`` the runner typed it in (a pace of 30 min/km was told "0.56 m/s is
    outside 1.5-8 m/s": review, 2 Dec)."""
    if speed_mps is not None and not math.isfinite(speed_mps):
        raise FormCheckError("bad_option", "That is not a speed.",
                             "Enter your treadmill speed (km/h, mph or m/s) or your pace "
                             "(min/km), or leave it empty.")
    if speed_mps is not None and not (SPEED_MIN <= speed_mps <= SPEED_MAX):
        if unit == "min/km":
            what = (f"A pace of {pace_text(speed_mps)} is outside {pace_text(SPEED_MAX)} to "
                    f"{pace_text(SPEED_MIN)}.")
        else:
            lo, hi = in_unit(SPEED_MIN, unit), in_unit(SPEED_MAX, unit)
            what = (f"A speed of {in_unit(speed_mps, unit)} is outside {lo.split()[0]}-{hi} "
                    f"(a pace of {pace_text(SPEED_MAX)} to {pace_text(SPEED_MIN)}).")
        raise FormCheckError(
            "bad_option", what,
            "Enter your treadmill speed (km/h, mph or m/s) or your pace (min/km), or leave it empty.")
    if sex is not None and sex not in SEXES:
        raise FormCheckError("bad_option", f"Unknown sex '{sex}'.",
                             "Choose female or male, or leave it empty.")
    if experience is not None and experience not in EXPERIENCE:
        raise FormCheckError("bad_option", f"Unknown experience '{experience}'.",
                             f"Choose one of: {', '.join(EXPERIENCE)}, or leave it empty.")
