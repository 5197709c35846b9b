"""The measurement contract in code: the shared machinery of ``shared/spec/METRICS.md``.

One :class:`MetricSpec` per metric gives its id, label, focus area, the views it is valid
in, its unit, the landmarks it needs, and how a value is judged (``good`` / ``watch`` /
``fix``). Each spec is declared in its metric's module of the registry
(:mod:`core.metrics`, e.g. ``shank_angle_ic`` in ``core/metrics/landing.py``); this module
keeps the rules they share (status and rounding, left/right differences, landmark groups)
and re-exports ``METRICS`` (contract order) and ``BY_ID`` built from the registry, so
everything that shows or judges a metric (metrics, findings, UI, live mode) reads the one
definition.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Area = Literal["shoulders", "hips", "feet"]
Status = Literal["good", "watch", "fix", "info"]
View = Literal["side", "front", "back", "unsure"]

AREAS: tuple[Area, ...] = ("shoulders", "hips", "feet")
AREA_LABELS = {"shoulders": "Shoulders", "hips": "Hips", "feet": "Feet"}
# a status as the report's page and its pictures word it (the pictures said "[fix]")
STATUS_WORDS = {"good": "Good", "watch": "Worth a look", "fix": "Work on this", "info": "Info"}


@dataclass(frozen=True)
class MetricSpec:
    """Definition and judging bands of one metric.

    ``good_lo``/``good_hi`` bound the good band (None = open); a value below ``fix_below``
    or above ``fix_above`` is ``fix``; anything else outside the good band is ``watch``.
    ``kind`` is ``"range"`` for numeric bands, ``"info"`` for numbers that are shown but
    not judged, and ``"custom"`` where the metric module sets the status itself (foot
    strike, arm swing) and ``good``/``fix`` are only the texts shown.
    """

    id: str
    label: str
    area: Area
    views: tuple[str, ...]
    unit: str
    good: str
    fix: str
    definition: str
    kind: Literal["range", "info", "custom"] = "range"
    good_lo: float | None = None
    good_hi: float | None = None
    fix_below: float | None = None
    fix_above: float | None = None
    bilateral: bool = False
    signed: bool = False  # good values sit near zero: compare sides by difference, not %
    weight: float = 1.0  # importance inside its area's score
    source: str = ""
    digits: int = 0  # the precision the value is shown at (and judged at)
    needs: tuple[str, ...] = ("trunk",)  # landmark groups (LANDMARK_GROUPS) that must be in
    # view; metrics built on foot contacts or leg length need ("trunk", "feet")

    def shown(self, value: float | None) -> float | None:
        """``value`` at the precision it is displayed at: the one rounding of this metric.

        Everything a runner sees (the number, left/right, the status) is made from this, so
        a value never reads "5°" and is judged as 4.6.
        """
        if value is None:
            return None
        return round(float(value), self.digits) + 0.0  # + 0.0: no "-0"

    def fmt(self, value: float) -> str:
        """The number as shown, e.g. ``"5"`` for 4.6 at ``digits=0``."""
        return f"{self.shown(value):.{self.digits}f}"

    def status(self, value: float | None) -> Status:
        """Judge ``value`` as shown (rounded by :meth:`shown`) against the bands (``info``
        for unjudged or missing values): 39.96 shows "40" and is good against "<= 40"."""
        if value is None or self.kind != "range":
            return "info"
        value = self.shown(value)
        if self.fix_below is not None and value < self.fix_below:
            return "fix"
        if self.fix_above is not None and value > self.fix_above:
            return "fix"
        if self.good_lo is not None and value < self.good_lo:
            return "watch"
        if self.good_hi is not None and value > self.good_hi:
            return "watch"
        return "good"

    def near_line(self, value: float | None, error: float | None) -> "NearLine | None":
        """Whether ``value`` (judged as shown) sits within ``error`` (the metric's reading
        error, :attr:`core.metrics.base.Metric.reading_error`) of the line to a milder
        verdict: a ``watch`` or ``fix`` that a reading this close could have made ``good``
        (``milder="good"``, checked first), or a ``fix`` that could have been ``watch``.
        ``None`` for a good value, an unjudged one, or one clear of the line. The status is
        not changed: the report says the value is near the line, next to the verdict."""
        if value is None or not error or self.kind != "range":
            return None
        st = self.status(value)
        if st not in ("watch", "fix"):
            return None
        low = self._low(value)
        good_edge = self.good_lo if low else self.good_hi
        fix_edge = self.fix_below if low else self.fix_above
        if self._within(value, good_edge, error):
            return NearLine(edge=float(good_edge), error=float(error), milder="good")
        if st == "fix" and self._within(value, fix_edge, error):
            return NearLine(edge=float(fix_edge), error=float(error), milder="watch")
        return None

    def harsher_line(self, value: float | None, error: float | None) -> float | None:
        """The other side of :meth:`near_line`: the "work on it" line when ``value``, judged
        ``watch``, sits within ``error`` of it (a trunk lean of 0° beside "< 0"), else None.
        The report says so; the verdict and its ranking are not changed."""
        if (value is None or not error or self.kind != "range"
                or self.status(value) != "watch"):
            return None
        edge = self.fix_below if self._low(value) else self.fix_above
        return float(edge) if self._within(value, edge, error) else None

    def _low(self, value: float) -> bool:
        """Whether ``value`` (as shown) is below the good range (else above or in it)."""
        return self.good_lo is not None and self.shown(value) < self.good_lo

    def _within(self, value: float, edge: float | None, error: float) -> bool:
        """Whether ``value`` is within ``error`` of the line ``edge``. A value is judged as
        shown, so the verdict turns half a display step short of the line (cadence 163.4
        shows 163 and is 1.1 from 164.5, where it would show 165)."""
        half = 0.5 * 10.0 ** -self.digits
        return edge is not None and abs(float(value) - edge) - half <= error

    def valid_for(self, view: str) -> bool:
        return "any" in self.views or view in self.views


@dataclass(frozen=True)
class NearLine:
    """A verdict a reading error away from a milder one (:meth:`MetricSpec.near_line`)."""

    edge: float  # the band's line, in the metric's unit
    error: float  # the metric's reading error at this clip's frame rate
    milder: Status  # the verdict on the other side of the line: "good" or "watch"


# Landmarks each metric needs in view (MediaPipe indices; a group is in view in a frame when
# all points of at least one side are inside the picture and visible). Metrics built on foot
# contacts or on leg length (hip-knee-ankle) need the feet even when they judge the hips or
# arms: without the feet there are no contacts and no scale.
LANDMARK_GROUPS: dict[str, tuple[tuple[int, ...], ...]] = {
    "trunk": ((11, 12, 23, 24),),  # shoulders and hips
    "arm": ((11, 13, 15), (12, 14, 16)),  # shoulder, elbow, wrist of either arm
    "head": ((7,), (8,)),  # either ear
    "feet": ((27, 29, 31), (28, 30, 32)),  # ankle, heel, toe of either foot
}
GROUP_MISSING = {
    "trunk": "Your shoulders and hips are out of the picture",
    "arm": "Your arms are out of the picture",
    "head": "Your head is out of the picture",
    "feet": "Your feet are out of the picture",
}
# in the picture but hidden (the pose model sees the points poorly): not "out of the picture"
GROUP_HIDDEN = {
    "trunk": "Your shoulders and hips are hidden from the camera in most frames",
    "arm": "Your arms are hidden from the camera in most frames",
    "head": "Your head is hidden from the camera in most frames",
    "feet": "Your feet are hidden from the camera in most frames",
}
# what a view cannot show, said after the hidden reason
GROUP_HIDDEN_HINT = {
    ("arm", "back"): "From behind, the body hides the hands; a clip from the front shows them.",
}
MIN_IN_VIEW = 0.5  # share of the runner's frames a group must be in view in
FOOT_STRIKE_HEEL_DEG = 8.0
FOOT_STRIKE_FORE_DEG = -3.0

# Knee bend in midstance: the deepest bend while the leg takes the body's weight, read over
# this share of each ground contact from its start. The knee then straightens to push off and
# bends fast just after toe-off (about 10 deg a frame at 30 fps), so over the whole contact a
# toe-off found a frame late read the swing's bend: 8-12 deg too deep on moving-camera renders
# (bench/robustness.md). A runner's deepest stance bend comes at 35-50 % of the contact.
KNEE_MID_STANCE_SHARE = 0.6
TIMING_FPS = 50.0  # below: contact timings are approximate (one frame > 20 ms)
PRECISE_TIMING_FPS = 100.0  # from here: contact-based values earn more confidence
MIN_TIMING_FPS = 20.0  # below: contacts cannot be timed; contact-based metrics held back

# Left/right differences. A percentage only means something for a magnitude far from zero
# (contact time ~250 ms: 10 % is 25 ms). For angles a percentage of a small mean alarms over
# nothing (4 vs 7 deg is "67 %"), so angles and distances in % of leg are compared by their
# plain difference in their own unit instead: "3 deg apart".
ASYMMETRY_GOOD_PCT = 5.0  # up to this: "even"
ASYMMETRY_WATCH_PCT = 10.0  # over this: worth a look (never a fix on its own)
ASYMMETRY_PCT_UNITS = ("ms",)  # units compared in %, and only when the mean is at least ...
ASYMMETRY_PCT_MIN_MEAN = 50.0  # ... this (in that unit); below, the plain difference
# plain differences, per unit: (even up to, worth a look over). Degrees: about the pose
# model's own side-to-side noise (2-3 deg) is even, over 6 deg is a real difference.
# % of leg: one frame of contact timing moves a landing point by several % of leg.
ASYMMETRY_GOOD_DIFF = {"deg": 3.0, "% leg": 3.0, "ms": 15.0}
ASYMMETRY_WATCH_DIFF = {"deg": 6.0, "% leg": 6.0, "ms": 30.0}


def asymmetry_pct(left: float | None, right: float | None) -> float | None:
    """``|L - R| / mean(|L|, |R|)`` in percent (None when a side is missing or both ~0)."""
    if left is None or right is None:
        return None
    mean = (abs(left) + abs(right)) / 2.0
    if mean < 1e-6:
        return None
    return abs(left - right) / mean * 100.0


@dataclass(frozen=True)
class SideDifference:
    """How far apart left and right are, as the report shows it."""

    value: float  # in ``unit``
    unit: str  # "%" (relative) or the metric's own unit (plain difference)
    status: Status  # good (even) or watch (worth a look); never fix on its own
    text: str  # "3° apart", "even (4 %)", "12 % uneven"


def side_difference(spec: MetricSpec, left: float | None, right: float | None) -> SideDifference | None:
    """Left/right difference of a bilateral metric, from the sides *as shown* (rounded by
    :meth:`MetricSpec.shown`, so "Left 4° · Right 7°" reads "3° apart").

    In % (:func:`asymmetry_pct`) only for units in :data:`ASYMMETRY_PCT_UNITS` with a mean of
    at least :data:`ASYMMETRY_PCT_MIN_MEAN`; otherwise the plain difference in the metric's
    unit, judged against :data:`ASYMMETRY_GOOD_DIFF` / :data:`ASYMMETRY_WATCH_DIFF`.
    """
    if not spec.bilateral or left is None or right is None:
        return None
    lft, rgt = spec.shown(left), spec.shown(right)
    mean = (abs(lft) + abs(rgt)) / 2.0
    if spec.unit in ASYMMETRY_PCT_UNITS and not spec.signed and mean >= ASYMMETRY_PCT_MIN_MEAN:
        pct = round(asymmetry_pct(lft, rgt), 0) + 0.0
        status: Status = "good" if pct <= ASYMMETRY_WATCH_PCT else "watch"
        text = f"even ({pct:.0f} %)" if pct <= ASYMMETRY_GOOD_PCT else f"{pct:.0f} % uneven"
        return SideDifference(pct, "%", status, text)
    diff = spec.shown(abs(lft - rgt))
    watch = ASYMMETRY_WATCH_DIFF.get(spec.unit, ASYMMETRY_WATCH_DIFF["% leg"])
    good = ASYMMETRY_GOOD_DIFF.get(spec.unit, ASYMMETRY_GOOD_DIFF["% leg"])
    status = "good" if diff <= watch else "watch"
    unit = {"deg": "\u00b0", "% leg": " % of leg"}.get(spec.unit, f" {spec.unit}")
    num = f"{diff:.{spec.digits}f}{unit}"
    text = f"even ({num} apart)" if diff <= good else f"{num} apart"
    return SideDifference(diff, spec.unit, status, text)


def metrics_for_view(view: str) -> list[MetricSpec]:
    """The metrics that are valid for a clip seen from ``view``."""
    return [m for m in _registry()[0] if m.valid_for(view)]


def _registry() -> tuple[tuple[MetricSpec, ...], dict[str, MetricSpec]]:
    """(METRICS, BY_ID) from the metric registry (imported on first use: the registry's
    modules import this one)."""
    from .metrics import REGISTRY
    specs = tuple(m.spec for m in REGISTRY)
    return specs, {m.id: m for m in specs}


def __getattr__(name: str):
    """``METRICS`` (every :class:`MetricSpec`, contract order) and ``BY_ID`` (by id)."""
    if name in ("METRICS", "BY_ID"):
        specs, by_id = _registry()
        globals().update(METRICS=specs, BY_ID=by_id)
        return specs if name == "METRICS" else by_id
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
