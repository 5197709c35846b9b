"""Feet from the front or back: step width (crossover) and foot turn-out."""
from __future__ import annotations

import numpy as np

from ..spec import MetricSpec
from . import draw
from .base import Context, Metric, Stride

_FB = ("front", "back")
_CONTACTS = ("trunk", "feet")

STEP_WIDTH = MetricSpec(
    "step_width", "Step width", "feet", _FB, "% leg", "2-14 %", "< 0 (crossover)",
    "Sideways distance from the body midline to the landing foot at initial "
    "contact; negative means the foot crosses the midline.",
    good_lo=2, good_hi=14, fix_below=0, bilateral=True, signed=True, weight=1.0,
    needs=_CONTACTS)
TURNOUT = MetricSpec(
    "foot_turnout", "Foot turn-out", "feet", _FB, "deg", "<= 15 deg", "> 25 deg",
    "How far the foot points outward at contact (toe further from the midline "
    "than the heel). Not measured from a 2-D video: the camera sees the foot end-on, "
    "which makes a few degrees look like 20-40.",
    good_hi=15, fix_above=25, bilateral=True, signed=True, weight=0.4, needs=_CONTACTS)


# Held back: the heel-to-toe line is seen nearly end-on from the front or back, so its image
# angle is atan(sideways / foreshortened length): on the 3-D runner a true 5 deg turn-out reads
# 21-30 deg and 10 deg reads 40-47 deg, which would tell runners with normal feet to fix them.
# The per-stride image angle stays in the stride table (foot_turnout_deg) for the curious.
TURNOUT_HELD = ("Not measured: from the front or back a camera sees the foot end-on, so a few "
                "degrees of turn-out look like 20-40 degrees. A view from above would be needed.")


def own_side(ctx: Context, foot: str) -> float:
    """Image x direction toward ``foot``'s own side (front view: the runner's left is on
    the image's right)."""
    front = ctx.view.view == "front"
    return (1.0 if front else -1.0) if foot == "L" else (-1.0 if front else 1.0)


def width_stride(ctx: Context, st: Stride):
    x = ctx.tr.p(f"{st.s}_ankle")[st.i, 0] - ctx.pelvis[st.i, 0]
    return ctx.pct(own_side(ctx, st.foot) * x)


def turnout_stride(ctx: Context, st: Stride):
    """Heel-to-toe direction against straight ahead (image vertical) at midstance."""
    if st.to is None:
        return None
    m = (st.i + st.to.frame) // 2
    heel, toe = ctx.tr.p(f"{st.s}_heel")[m], ctx.tr.p(f"{st.s}_toe")[m]
    own = own_side(ctx, st.foot)
    return np.degrees(np.arctan2(own * (toe[0] - heel[0]), abs(toe[1] - heel[1]) + 1e-6)), m


METRICS = (
    Metric(STEP_WIDTH, lambda ctx: ctx.stride_median(
        "step_width", "Landing ankle against the middle of the hips at contact.", base="medium"),
        width_stride, column="step_width_pct_leg", draw=draw.midline,
        advice={"low": "crossover", "high": "wide_steps"}, stride_chart=4,
        doc_row="step width / crossover"),
    Metric(TURNOUT, stride=turnout_stride, column="foot_turnout_deg", draw=draw.midline,
        advice={"any": "turnout"}, stride_chart=8, doc_row="foot turn-out",
        held_back=TURNOUT_HELD),
)
