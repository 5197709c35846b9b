"""Foot strike (side view): heel, midfoot or forefoot, from the foot's angle at initial
contact against the runner's own flat-foot angle at midstance."""
from __future__ import annotations

import numpy as np

from ..spec import FOOT_STRIKE_FORE_DEG, FOOT_STRIKE_HEEL_DEG, TIMING_FPS, MetricSpec
from . import draw
from .base import Context, Metric, Stride, lerp, nanmed
from .landing import OVERSTRIDE

_SIDE = ("side",)
_CONTACTS = ("trunk", "feet")


FOOT_STRIKE = MetricSpec(
    "foot_strike", "Foot strike", "feet", _SIDE, "deg",
    "midfoot, or heel with no overstride", "heel strike together with overstride",
    "Angle of the heel-to-toe line against the ground at initial contact: above "
    "+8 deg heel, -3 to +8 deg midfoot, below -3 deg forefoot.",
    kind="custom", bilateral=True, signed=True, weight=0.8,
    source="Heel striking with the foot far ahead is the pattern to change, not "
           "heel striking alone.", needs=_CONTACTS)


def foot_angle(ctx: Context, s: str) -> np.ndarray:
    """Heel->toe line against the image horizontal, toe up positive (deg, per frame)."""
    P, fwd = ctx.P, ctx.fwd
    return np.degrees(np.arctan2(P[s]["heel"][:, 1] - P[s]["toe"][:, 1],
                                 fwd * (P[s]["toe"][:, 0] - P[s]["heel"][:, 0])))


def flat_foot(ctx: Context, s: str) -> float | None:
    """The foot's own flat angle: its median angle at midstance over the strides."""
    def flat():
        mids = [(st.i + st.to.frame) // 2 for st in ctx.strides
                if st.s == s and st.to is not None]
        return nanmed(foot_angle(ctx, s)[mids]) if mids else None
    return ctx.memo(("flat_foot", s), flat)


def strike_stride(ctx: Context, st: Stride):
    flat = flat_foot(ctx, st.s)
    if flat is None:
        return None
    # the foot flattens within a frame of a heel or forefoot landing, so take the
    # largest-magnitude foot angle over the last frame up to contact
    x = st.ic.at
    foot = ctx.memo(("foot_angle", st.s), lambda: foot_angle(ctx, st.s))
    w = np.arange(max(0.0, x - 1.0), x + 1e-6, 0.5)
    ang = np.array([lerp(foot, q) for q in w]) - flat
    if not np.isfinite(ang).any():
        return None
    return ang[int(np.nanargmax(np.abs(ang)))]


def strike_pattern(angle: float) -> str:
    """heel / midfoot / forefoot from the foot angle at contact (as shown)."""
    return ("heel" if angle > FOOT_STRIKE_HEEL_DEG else "forefoot" if angle < FOOT_STRIKE_FORE_DEG
            else "midfoot")


def strike_summary(ctx: Context) -> None:
    """Custom status: a heel strike is only a problem together with overstride."""
    fs = nanmed(ctx.both("foot_strike"))
    if ctx.held_back:
        ctx.missing("foot_strike", ctx.held_reason())
        return
    if fs is None:
        ctx.missing("foot_strike", "The feet were not seen clearly at contact.")
        return
    fs = FOOT_STRIKE.shown(fs)  # the kind is judged on the angle as shown
    kind = strike_pattern(fs)
    ov_status = OVERSTRIDE.status(nanmed(ctx.both("overstride")))
    st = ("fix" if ov_status == "fix" else "watch" if ov_status == "watch" else "good") \
        if kind == "heel" else "good"
    ctx.stride_median("foot_strike", "Foot angle at contact against the runner's own "
                      "flat-foot angle at midstance; the pose model's foot points are coarse.",
                      base="medium" if ctx.fps >= TIMING_FPS else "low", status=st,
                      display=f"{kind} ({fs:+.0f}\u00b0)", extra={"pattern": kind})


METRICS = (
    Metric(FOOT_STRIKE, strike_summary, strike_stride, column="foot_strike_deg",
           draw=draw.foot_at_contact, advice={"any": "overstriding"}, timing=True,
           doc_row="foot strike"),
)
