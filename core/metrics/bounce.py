"""Vertical bounce: rise and fall of the hips per stride (side; front reads high)."""
from __future__ import annotations

import numpy as np

from ..signal import periodic_fit
from ..spec import MetricSpec
from .base import Channel, Context, Metric, Stride, value_range

VOSC = MetricSpec(
    "vertical_oscillation", "Vertical bounce", "hips", ("side", "front"), "% leg",
    "<= 12 %", "> 18 %", "How far the hips rise and fall with each step (peak to trough), as a "
    "share of leg length, read over each stride on the curve that repeats with every step (a "
    "Fourier series), so the pose model's frame-to-frame jitter does not add to it; a runner "
    "who bounces more on one step than the other reads about the two steps' average.",
    good_hi=12, fix_above=18, weight=0.8, needs=("trunk", "feet"))


# The hips' height over a stride is read as a Fourier series at the step rate (the hips rise
# and fall once per step) with this many harmonics, fitted with a straight-line drift, and
# the bounce is the fit's peak-to-trough. The raw samples' peak-to-trough also took in the
# pose model's jitter of the hip points: on the 36 renders of bench/contacts.md (exact
# truth 8.2 % of leg) it read a median +1.3 % of leg high (80th percentile of |error| 2.0),
# the fit +0.2 (0.8). One harmonic alone (or a low-pass at 1.5x the step rate) would flatten
# a bounce that is not a pure sine; two keep its shape.
HARMONICS = 2


def stride(ctx: Context, st: Stride):
    """Peak-to-trough of the hips' height from this contact to the same foot's next one, read
    on its periodic part at the step rate (:func:`core.signal.periodic_fit`; side view: only
    strides with a toe-off, like the other stance measures)."""
    if st.next_ic is None or (ctx.view.view == "side" and st.to is None):
        return None
    sl = slice(st.i, st.next_ic.frame + 1)
    step_s = (st.next_ic.t - st.ic.t) / 2.0
    fit = periodic_fit(ctx.tr.t[sl], ctx.pelvis[sl, 1], step_s, HARMONICS)
    rng = value_range(fit) if fit is not None else None
    return None if rng is None else ctx.pct(rng)


def summarise(ctx: Context) -> None:
    # one value per stride, not per leg: a stride from either foot's contact takes in both
    # steps' rise and fall, so no left / right values are shown
    if ctx.view.view == "side":
        ctx.stride_median("vertical_oscillation", "How far the hips rise and fall with each step "
                          "(read over each stride).", sides=False)
    else:
        ctx.stride_median("vertical_oscillation", "Seen from the front, depth changes add to "
                          "the bounce (it read about 2 % of leg length high in our tests).",
                          base="low", sides=False)


def hip_height(ctx: Context) -> np.ndarray:
    """Height of the hips above their median, % leg (per frame)."""
    y = ctx.pelvis[:, 1]
    return -ctx.pct(y - np.nanmedian(y))


METRICS = (
    Metric(VOSC, summarise, stride, column="vertical_osc_pct_leg",
           channels=(Channel("hip_height", "% leg", hip_height, views=("side", "front", "back")),),
           advice={"any": "bounce"}, doc_row="vertical oscillation",
           # 80th percentile of |error| over bench/robustness.md's side renders: 2.1 % of leg
           # at 30 fps, 2.4 at 60-120 fps (the raw samples' peak-to-trough: 5.2 and 6.5)
           reading_error=(2.5, 2.5)),
)
