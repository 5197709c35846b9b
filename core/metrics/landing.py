"""Landing (side view): overstride and shin angle at initial contact.

Both are read at the sub-frame contact time (``Event.at``), so they hang on catching
the landing frame: they are held back below ``MIN_TIMING_FPS`` and their confidence follows
the frame rate.
"""
from __future__ import annotations

from ..spec import (FOOT_STRIKE_FORE_DEG, FOOT_STRIKE_HEEL_DEG, PRECISE_TIMING_FPS, TIMING_FPS,
                    MetricSpec)
from . import draw
from .base import Channel, Context, Metric, Stride, from_vertical_deg, lerp

_SIDE = ("side",)
_CONTACTS = ("trunk", "feet")


def _timing_base(ctx: Context) -> str:
    # one frame of contact timing moves overstride by ~6 % of leg at 60 fps, 11 % at 30 fps
    return "medium" if ctx.fps >= PRECISE_TIMING_FPS else "low"


# ----------------------------------------------------------------------------- overstride
OVERSTRIDE = MetricSpec(
    "overstride", "Overstride", "feet", _SIDE, "% leg", "<= 8 %", "> 15 %",
    "How far ahead of the hips the landing ankle is at initial contact, as a "
    "share of leg length (forward positive).",
    good_hi=8, fix_above=15, bilateral=True, signed=True, weight=1.5,
    source="Braking grows with how far ahead of the hip the foot lands "
           "(Lieberman et al. 2015).", needs=_CONTACTS)


def overstride_stride(ctx: Context, st: Stride):
    x, P = st.ic.at, ctx.P  # sub-frame contact time
    return ctx.pct(ctx.fwd * (lerp(P[st.s]["ankle"], x)[0] - lerp(ctx.pelvis, x)[0]))


def overstride_summary(ctx: Context) -> None:
    ctx.stride_median("overstride",
                      "Measured at the ankle at first contact, so it depends on catching that "
                      "frame (one frame here moves it by several % of leg); a low camera or one "
                      "not square to the runner exaggerates it.", base=_timing_base(ctx))


def _foot_fwd(s: str):
    return lambda ctx: ctx.pct(ctx.fwd * (ctx.P[s]["ankle"][:, 0] - ctx.pelvis[:, 0]))


# ----------------------------------------------------------------------------- shin angle
SHANK = MetricSpec(
    "shank_angle_ic", "Shin angle at landing", "feet", _SIDE, "deg", "<= 6 deg", "> 10 deg",
    "Angle of the shin (knee to ankle) from vertical at initial contact, positive "
    "when the ankle is ahead of the knee.",
    good_hi=6, fix_above=10, bilateral=True, signed=True, weight=1.0,
    source="A near-vertical shin at loading (Souza 2016).", needs=_CONTACTS)


def shank_stride(ctx: Context, st: Stride):
    x, P = st.ic.at, ctx.P
    return from_vertical_deg(lerp(P[st.s]["knee"], x), lerp(P[st.s]["ankle"], x), -ctx.fwd)


def shank_summary(ctx: Context) -> None:
    ctx.stride_median("shank_angle_ic", "Shin angle at first contact.", base=_timing_base(ctx))


METRICS = (
    Metric(OVERSTRIDE, overstride_summary, overstride_stride, column="overstride_pct_leg",
           channels=(Channel("foot_fwd_L", "% leg", _foot_fwd("l")),
                     Channel("foot_fwd_R", "% leg", _foot_fwd("r"))),
           draw=draw.foot_at_contact, advice={"any": "overstriding"}, timing=True,
           stride_chart=1, doc_row="overstride"),
    Metric(SHANK, shank_summary, shank_stride, column="shank_deg", draw=draw.shin_at_contact,
           advice={"any": "overstriding"}, timing=True, stride_chart=7,
           doc_row="shank angle at IC"),
)
