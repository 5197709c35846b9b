"""Knee bend (side view): at landing, and the deepest bend while the foot is down.

Both are the median over the strides of the leg the camera sees well when the other is
partly hidden (``Context.stride_median(seen_only=True)``, :data:`base.SIDE_VIS_MIN`): in side
view the pose model read the far knee's midstance bend 5-12.5 deg deeper than the exact
picture even between the true contact and toe-off, on 6 of 9 renders measured (tripod,
roll, zoom: bench/robustness.md), the near knee within 4 deg."""
from __future__ import annotations

import numpy as np

from ..spec import KNEE_MID_STANCE_SHARE, MetricSpec
from . import draw
from .base import Channel, Context, Metric, Stride, lerp, peak
from .landing import yaw_uncorrected

_SIDE = ("side",)
_CONTACTS = ("trunk", "feet")

KNEE_IC = MetricSpec(
    "knee_flexion_ic", "Knee bend at landing", "feet", _SIDE, "deg", "10-25 deg", "< 5 deg",
    "180 deg minus the hip-knee-ankle angle at initial contact.",
    good_lo=10, good_hi=25, fix_below=5, bilateral=True, weight=0.8, needs=_CONTACTS)

KNEE_MID = MetricSpec(
    "knee_flexion_mid", "Knee bend in midstance", "feet", _SIDE, "deg", "38-50 deg",
    "< 30 or > 58 deg", "Largest knee bend while the leg takes the body's weight (the first "
    "60 % of the ground contact, before the knee straightens to push off).",
    good_lo=38, good_hi=50, fix_below=30, fix_above=58, bilateral=True, weight=0.6,
    needs=_CONTACTS)


def ic_stride(ctx: Context, st: Stride):
    return lerp(ctx.knee_flex[st.s], st.ic.at)  # at the sub-frame contact time


def stance_knee_peak(knee: np.ndarray, ic_frame: int,
                     end_at: float) -> tuple[float | None, int | None]:
    """The deepest knee bend of one stance window: the largest of ``knee`` (knee flexion, deg
    per frame of the whole clip) over the frames from the contact's ``ic_frame`` to the
    sub-frame end ``end_at`` (for the midstance bend :func:`loading_end`), the knee at
    ``end_at`` itself interpolated between its two frames. Returns (value, frame).

    A frame past the window's end is not counted: rounded, up to half a frame past it, it
    could add up to about 5 deg of a knee bending 10 deg a frame."""
    last = int(np.floor(end_at))
    if last < ic_frame:
        return None, None
    a = np.asarray(knee[ic_frame:last + 1], float)
    if last + 1 < len(knee) and end_at > last:
        a = np.append(a, lerp(np.asarray(knee, float), end_at))
    value, k = peak(a, 0)
    if value is None:
        return None, None
    return value, ic_frame + min(k, int(round(end_at)) - ic_frame)


def loading_end(ic_at: float, to_at: float) -> float:
    """Where the loading part of a contact ends (frames, sub-frame): :data:`KNEE_MID_STANCE_SHARE`
    of the way from the contact to its toe-off."""
    return ic_at + KNEE_MID_STANCE_SHARE * (to_at - ic_at)


def mid_stride(ctx: Context, st: Stride):
    """The deepest knee bend over the loading part of the contact (:func:`loading_end`), not
    the whole contact: a toe-off found late would add the swing's bend."""
    if st.to is None:
        return None
    return stance_knee_peak(ctx.knee_flex[st.s], st.i, loading_end(st.ic.at, st.to.at))


def _knee(s: str):
    return lambda ctx: ctx.knee_flex[s]


def _knee_summary(mid: str, caveat: str):
    """The stride median of a knee bend, the well-seen leg's strides, with the camera's yaw
    said (:func:`core.metrics.landing.yaw_uncorrected`: not corrected for it)."""
    def summary(ctx: Context) -> None:
        text, base = yaw_uncorrected(ctx, caveat, "medium")
        ctx.stride_median(mid, text, base=base, seen_only=True)
    return summary


METRICS = (
    Metric(KNEE_IC, _knee_summary("knee_flexion_ic", "Knee angle at first contact."),
           ic_stride, column="knee_flex_ic_deg", draw=draw.foot_at_contact,
           advice={"low": "stiff_landing", "high": "deep_knee"}, timing=True, stride_chart=3,
           doc_row="knee flexion at IC"),
    Metric(KNEE_MID, _knee_summary("knee_flexion_mid",
                                   "Deepest knee bend as the leg takes your weight."),
           mid_stride, column="knee_flex_mid_deg",
           channels=(Channel("knee_flex_L", "deg", _knee("l")),
                     Channel("knee_flex_R", "deg", _knee("r"))),
           draw=draw.leg, advice={"low": "stiff_stance", "high": "deep_knee"}, stride_chart=6,
           # 80th percentile of |error| over the side renders of bench/hip_extension.md and
           # bench/robustness.md: 5.6-9.3 deg at 30 fps, 4.8-8.8 at 60-120 fps, since the
           # renders' truth is their midstance bend (the pose model reads it a median 3.5-4
           # deg deep; before, 7.8-8.6 and 4.7-7.0 against the toe-off's bend)
           reading_error=(9.5, 9.0),
           timing=True, doc_row="knee flexion, midstance"),
)
