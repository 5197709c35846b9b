"""Vertical bounce: rise and fall of the hips per stride (side; front reads high)."""
from __future__ import annotations

import numpy as np

from ..spec import MetricSpec
from .base import Channel, Context, Metric, Stride, value_range

VOSC = MetricSpec(
    "vertical_oscillation", "Vertical bounce", "hips", ("side", "front"), "% leg",
    "<= 12 %", "> 18 %", "Peak-to-trough bounce of the hips per stride, as a share of leg length.",
    good_hi=12, fix_above=18, weight=0.8, needs=("trunk", "feet"))


def stride(ctx: Context, st: Stride):
    """Range of the hips' height from this contact to the same foot's next one (side view:
    only strides with a toe-off, like the other stance measures)."""
    if st.next_ic is None or (ctx.view.view == "side" and st.to is None):
        return None
    rng = value_range(ctx.pelvis[st.i:st.next_ic.frame + 1, 1])
    return None if rng is None else ctx.pct(rng)


def summarise(ctx: Context) -> None:
    if ctx.view.view == "side":
        ctx.stride_median("vertical_oscillation", "Rise and fall of the hips per stride.")
    else:
        ctx.stride_median("vertical_oscillation", "Seen from the front, depth changes add to "
                          "the bounce (it read about 3 % of leg length high in our tests).",
                          base="low")


def hip_height(ctx: Context) -> np.ndarray:
    """Height of the hips above their median, % leg (per frame)."""
    y = ctx.pelvis[:, 1]
    return -ctx.pct(y - np.nanmedian(y))


METRICS = (
    Metric(VOSC, summarise, stride, column="vertical_osc_pct_leg",
           channels=(Channel("hip_height", "% leg", hip_height, views=("side", "front", "back")),),
           advice={"any": "bounce"}, doc_row="vertical oscillation",
           # 80th percentile of |error| over bench/robustness.md's side renders: 5.2 % of leg
           # at 30 fps, 6.5 at 60-120 fps
           reading_error=(5.5, 6.5)),
)
