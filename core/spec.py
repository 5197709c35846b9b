"""The measurement contract in code: every metric of ``shared/spec/METRICS.md``.

One :class:`MetricSpec` per metric gives its id, label, focus area, the views it is valid
in, its unit, and how a value is judged (``good`` / ``watch`` / ``fix``). Everything that
shows or judges a metric (metrics, findings, UI, live mode) reads it from here, so the
bands live in exactly one place.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Area = Literal["shoulders", "hips", "feet"]
Status = Literal["good", "watch", "fix", "info"]
View = Literal["side", "front", "back", "unsure"]

AREAS: tuple[Area, ...] = ("shoulders", "hips", "feet")
AREA_LABELS = {"shoulders": "Shoulders", "hips": "Hips", "feet": "Feet"}


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
    needs: tuple[str, ...] = ()  # landmark groups (see LANDMARK_GROUPS) that must be in view

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

    def valid_for(self, view: str) -> bool:
        return "any" in self.views or view in self.views


_SIDE = ("side",)
_FB = ("front", "back")

METRICS: tuple[MetricSpec, ...] = (
    # ---------------------------------------------------------------- feet
    MetricSpec("cadence", "Cadence", "feet", ("any",), "steps/min", "165-185", "< 160 or > 195",
               "Steps per minute over steady running, from initial contacts, cross-checked "
               "with the frequency of the pelvis bounce.",
               good_lo=165, good_hi=185, fix_below=160, fix_above=195, weight=1.5,
               source="Preferred cadence 172.6 +/- 8.8 spm; +5-10 % lowers hip and knee load "
                      "(Heiderscheit et al. 2011)."),
    MetricSpec("overstride", "Overstride", "feet", _SIDE, "% leg", "<= 8 %", "> 15 %",
               "How far ahead of the hips the landing ankle is at initial contact, as a "
               "share of leg length (forward positive).",
               good_hi=8, fix_above=15, bilateral=True, signed=True, weight=1.5,
               source="Braking grows with how far ahead of the hip the foot lands "
                      "(Lieberman et al. 2015)."),
    MetricSpec("shank_angle_ic", "Shin angle at landing", "feet", _SIDE, "deg", "<= 6 deg",
               "> 10 deg",
               "Angle of the shin (knee to ankle) from vertical at initial contact, positive "
               "when the ankle is ahead of the knee.",
               good_hi=6, fix_above=10, bilateral=True, signed=True, weight=1.0,
               source="A near-vertical shin at loading (Souza 2016)."),
    MetricSpec("knee_flexion_ic", "Knee bend at landing", "feet", _SIDE, "deg", "10-25 deg",
               "< 5 deg",
               "180 deg minus the hip-knee-ankle angle at initial contact.",
               good_lo=10, good_hi=25, fix_below=5, bilateral=True, weight=0.8),
    MetricSpec("knee_flexion_mid", "Knee bend in midstance", "feet", _SIDE, "deg", "38-50 deg",
               "< 30 or > 58 deg",
               "Largest knee bend while the foot is on the ground.",
               good_lo=38, good_hi=50, fix_below=30, fix_above=58, bilateral=True, weight=0.6),
    MetricSpec("foot_strike", "Foot strike", "feet", _SIDE, "deg",
               "midfoot, or heel with no overstride", "heel strike together with overstride",
               "Angle of the heel-to-toe line against the ground at initial contact: above "
               "+8 deg heel, -3 to +8 deg midfoot, below -3 deg forefoot.",
               kind="custom", bilateral=True, signed=True, weight=0.8,
               source="Heel striking with the foot far ahead is the pattern to change, not "
                      "heel striking alone."),
    MetricSpec("contact_time", "Ground contact time", "feet", _SIDE, "ms", "<= 250 ms",
               "> 300 ms",
               "Time from initial contact to toe-off of the same foot.",
               good_hi=250, fix_above=300, bilateral=True, weight=0.7),
    MetricSpec("duty_factor", "Duty factor", "feet", _SIDE, "%", "<= 40 %", "> 48 %",
               "Contact time as a share of stride time.",
               good_hi=40, fix_above=48, weight=0.5),
    MetricSpec("flight_time", "Flight time", "feet", _SIDE, "ms", "informational", "",
               "Time with both feet off the ground: initial contact of one foot minus toe-off "
               "of the other.", kind="info", weight=0.0),
    MetricSpec("step_width", "Step width", "feet", _FB, "% leg", "2-14 %", "< 0 (crossover)",
               "Sideways distance from the body midline to the landing foot at initial "
               "contact; negative means the foot crosses the midline.",
               good_lo=2, good_hi=14, fix_below=0, bilateral=True, signed=True, weight=1.0),
    MetricSpec("foot_turnout", "Foot turn-out", "feet", _FB, "deg", "<= 15 deg",
               "> 25 deg",
               "How far the foot points outward at contact (toe further from the midline "
               "than the heel). Low confidence from a 2-D camera.",
               good_hi=15, fix_above=25, bilateral=True, signed=True, weight=0.4),
    # ---------------------------------------------------------------- hips
    MetricSpec("trunk_lean", "Trunk lean", "hips", _SIDE, "deg", "5-12 deg", "< 0 or > 16 deg",
               "Angle of the hip-to-shoulder line from vertical, forward positive, median "
               "over the clip.",
               good_lo=5, good_hi=12, fix_below=0, fix_above=16, weight=1.2,
               source="High vs low trunk-lean groups: 10.8 vs 3.6 deg (Teng & Powers 2015)."),
    MetricSpec("waist_lean", "Lean from the waist", "hips", _SIDE, "deg", "<= 5 deg",
               "> 10 deg",
               "Trunk lean minus whole-body lean (stance ankle to shoulders) at midstance: "
               "large means bending at the waist instead of leaning from the ankles.",
               good_hi=5, fix_above=10, weight=1.0),
    MetricSpec("hips_behind", "Hips behind", "hips", _SIDE, "% leg", "<= 3 %", "> 8 %",
               "How far the hips sit behind the line from the stance ankle to the shoulders "
               "at midstance ('sitting back').",
               good_hi=3, fix_above=8, weight=1.0),
    MetricSpec("hip_extension", "Hip extension at toe-off", "hips", _SIDE, "deg", ">= 10 deg",
               "< 5 deg",
               "Angle of the thigh behind vertical at toe-off.",
               good_lo=10, fix_below=5, bilateral=True, signed=True, weight=0.8),
    MetricSpec("knee_drive", "Knee drive", "hips", _SIDE, "deg", ">= 20 deg", "< 10 deg",
               "Largest forward angle of the thigh from vertical during swing.",
               good_lo=20, fix_below=10, bilateral=True, weight=0.6),
    MetricSpec("vertical_oscillation", "Vertical bounce", "hips", ("side", "front"), "% leg",
               "<= 12 %", "> 18 %",
               "Peak-to-trough bounce of the hips per stride, as a share of leg length.",
               good_hi=12, fix_above=18, weight=0.8),
    MetricSpec("pelvic_drop", "Pelvic drop", "hips", _FB, "deg", "<= 6 deg", "> 10 deg",
               "Largest downward tilt of the hip line on the swing side during single-leg "
               "stance.",
               good_hi=6, fix_above=10, bilateral=True, signed=True, weight=1.0,
               source="Each +1 deg raised injury odds (Bramah et al. 2018)."),
    MetricSpec("lateral_sway", "Side-to-side sway", "hips", _FB, "% leg", "<= 8 %", "> 12 %",
               "Side-to-side travel of the shoulders within each stride.",
               good_hi=8, fix_above=12, weight=0.8),
    MetricSpec("trunk_rotation", "Trunk twist", "hips", _FB, "deg", "<= 15 deg", "> 25 deg",
               "Twisting of the shoulder line against the hip line. Low confidence from a "
               "2-D camera.",
               good_hi=15, fix_above=25, weight=0.5),
    # ---------------------------------------------------------------- shoulders
    MetricSpec("elbow_angle", "Elbow angle", "shoulders", _SIDE, "deg", "75-105 deg",
               "< 60 or > 120 deg",
               "Shoulder-elbow-wrist angle, median over the clip (near arm).",
               good_lo=75, good_hi=105, fix_below=60, fix_above=120, weight=1.2),
    MetricSpec("arm_swing", "Arm swing", "shoulders", _SIDE, "% leg",
               "even front and back", "mostly in front, or very small",
               "Forward-and-back travel of the wrist relative to the shoulder, and how much of "
               "it is in front of the body.", kind="custom", weight=1.0),
    MetricSpec("arm_crossover", "Arm crossover", "shoulders", _FB, "% strides", "none",
               "any, repeatedly",
               "Share of strides in which a wrist crosses the body midline.",
               good_hi=10, fix_above=30, weight=1.0),
    MetricSpec("shoulder_elevation", "Shoulder shrug", "shoulders", ("any",), "%",
               "relaxed", "raised toward the ears",
               "Shoulder-to-ear distance relative to torso length, compared with the "
               "runner's own most relaxed frames (0 % = as relaxed as their best frames).",
               good_hi=10, fix_above=20, weight=0.7),
    MetricSpec("shoulder_level", "Shoulder level", "shoulders", _FB, "deg", "<= 3 deg",
               "> 6 deg",
               "Tilt of the shoulder line (left vs right height), median over the clip.",
               good_hi=3, fix_above=6, weight=0.5),
    MetricSpec("head_position", "Head position", "shoulders", _SIDE, "deg",
               "head over shoulders, gaze ahead", "head forward or looking down",
               "How far the ear sits ahead of the shoulders beyond the trunk's own lean "
               "(forward head), with the gaze angle.",
               good_hi=15, fix_above=25, weight=0.6),
)

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
MIN_IN_VIEW = 0.5  # share of the runner's frames a group must be in view in
_CONTACTS = ("trunk", "feet")  # foot contacts, strides or leg length
_NEEDS: dict[str, tuple[str, ...]] = {
    **{m: _CONTACTS for m in ("cadence", "overstride", "shank_angle_ic", "knee_flexion_ic",
                              "knee_flexion_mid", "foot_strike", "contact_time", "duty_factor",
                              "flight_time", "step_width", "foot_turnout", "waist_lean",
                              "hips_behind", "hip_extension", "knee_drive",
                              "vertical_oscillation", "pelvic_drop", "lateral_sway")},
    "arm_swing": ("trunk", "arm", "feet"), "arm_crossover": ("trunk", "arm", "feet"),
    "elbow_angle": ("trunk", "arm"), "head_position": ("trunk", "head"),
    "shoulder_elevation": ("trunk", "head"),
}
METRICS = tuple(replace(m, needs=_NEEDS.get(m.id, ("trunk",))) for m in METRICS)
BY_ID: dict[str, MetricSpec] = {m.id: m for m in METRICS}

FOOT_STRIKE_HEEL_DEG = 8.0
FOOT_STRIKE_FORE_DEG = -3.0

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
    return [m for m in METRICS if m.valid_for(view)]
