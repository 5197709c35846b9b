"""Knee bend (side view): at landing, and the deepest bend while the foot is down."""
from __future__ import annotations

from ..spec import MetricSpec
from . import draw
from .base import Channel, Context, Metric, Stride, lerp, peak

_SIDE = ("side",)
_CONTACTS = ("trunk", "feet")

KNEE_IC = MetricSpec(
    "knee_flexion_ic", "Knee bend at landing", "feet", _SIDE, "deg", "10-25 deg", "< 5 deg",
    "180 deg minus the hip-knee-ankle angle at initial contact.",
    good_lo=10, good_hi=25, fix_below=5, bilateral=True, weight=0.8, needs=_CONTACTS)

KNEE_MID = MetricSpec(
    "knee_flexion_mid", "Knee bend in midstance", "feet", _SIDE, "deg", "38-50 deg",
    "< 30 or > 58 deg", "Largest knee bend while the foot is on the ground.",
    good_lo=38, good_hi=50, fix_below=30, fix_above=58, bilateral=True, weight=0.6,
    needs=_CONTACTS)


def ic_stride(ctx: Context, st: Stride):
    return lerp(ctx.knee_flex[st.s], st.ic.at)  # at the sub-frame contact time


def mid_stride(ctx: Context, st: Stride):
    if st.to is None:
        return None
    return peak(ctx.knee_flex[st.s][st.i:st.to.frame + 1], st.i)  # (value, frame)


def _knee(s: str):
    return lambda ctx: ctx.knee_flex[s]


METRICS = (
    Metric(KNEE_IC, lambda ctx: ctx.stride_median("knee_flexion_ic",
                                                  "Knee angle at first contact.", base="medium"),
           ic_stride, column="knee_flex_ic_deg", draw=draw.foot_at_contact,
           advice={"low": "stiff_landing", "high": "deep_knee"}, timing=True, stride_chart=3,
           doc_row="knee flexion at IC"),
    Metric(KNEE_MID, lambda ctx: ctx.stride_median("knee_flexion_mid",
                                                   "Deepest knee bend while on the ground.",
                                                   base="medium"),
           mid_stride, column="knee_flex_mid_deg",
           channels=(Channel("knee_flex_L", "deg", _knee("l")),
                     Channel("knee_flex_R", "deg", _knee("r"))),
           draw=draw.leg, advice={"low": "stiff_stance", "high": "deep_knee"}, stride_chart=6,
           doc_row="knee flexion, midstance"),
)
