"""Thigh (side view): hip extension at toe-off and knee drive in swing."""
from __future__ import annotations

from ..spec import TIMING_FPS, MetricSpec
from . import draw
from .base import Channel, Context, Metric, Stride, lerp, peak
from .landing import yaw_uncorrected

_SIDE = ("side",)
_CONTACTS = ("trunk", "feet")

HIP_EXT = MetricSpec(
    "hip_extension", "Hip extension at toe-off", "hips", _SIDE, "deg", ">= 10 deg", "< 5 deg",
    "Angle of the thigh behind vertical at toe-off.",
    good_lo=10, fix_below=5, bilateral=True, signed=True, weight=0.8, needs=_CONTACTS)
KNEE_DRIVE = MetricSpec(
    "knee_drive", "Knee drive", "hips", _SIDE, "deg", ">= 20 deg", "< 10 deg",
    "Largest forward angle of the thigh from vertical during swing.",
    good_lo=20, fix_below=10, bilateral=True, weight=0.6, needs=_CONTACTS)


def hip_ext_stride(ctx: Context, st: Stride):
    """The thigh's angle behind vertical at the sub-frame toe-off (``Event.at``), interpolated
    between its two frames as the knee at contact is (``knee.ic_stride``). The thigh swings
    forward fastest about then (6-7 deg a frame at 30 fps, bench/hip_extension.md), so the
    rounded frame, up to half a frame off, read up to about 3 deg off."""
    if st.to is None:
        return None
    return float(-lerp(ctx.thigh[st.s], st.to.at)), st.to.frame


def _hip_ext(ctx: Context) -> None:
    caveat = "Thigh angle behind vertical at toe-off."
    if ctx.fps < TIMING_FPS:
        caveat += (f" At {ctx.fps:.0f} fps the thigh swings several degrees between two frames "
                   "at toe-off, so a toe-off found a fraction of a frame off moves this value; "
                   "60 fps gives a firmer one.")
    # the well-seen leg's strides: in side view the pose model's far hip point sits behind
    # the hip joint and read that leg's extension about 2 deg low (bench/hip_extension.md)
    caveat, base = yaw_uncorrected(ctx, caveat, "medium" if ctx.fps >= TIMING_FPS else "low")
    ctx.stride_median("hip_extension", caveat, seen_only=True, base=base)


def _knee_drive(ctx: Context) -> None:
    caveat, base = yaw_uncorrected(ctx, "Highest forward thigh angle in swing.", "medium")
    ctx.stride_median("knee_drive", caveat, base=base)


def knee_drive_stride(ctx: Context, st: Stride):
    """Highest forward thigh angle from toe-off to the same foot's next contact."""
    if st.to is None or st.next_ic is None:
        return None
    j = st.to.frame
    return peak(ctx.thigh[st.s][j:st.next_ic.frame + 1], j)


def _thigh(s: str):
    return lambda ctx: ctx.thigh[s]


METRICS = (
    Metric(HIP_EXT, _hip_ext, hip_ext_stride, column="hip_ext_to_deg", draw=draw.leg,
        advice={"low": "weak_push_off"}, timing=True, doc_row="hip extension at TO",
        # 80th percentile of |error|, bench/hip_extension.md: 5.2 deg at 30 fps (16 renders),
        # 3.7 at 60-120 (28); kept at the earlier engine's 6.6 / 4.7 rounded up, a margin that
        # marks 4 of the 5 verdicts harsher than the truth's in bench/contacts.md near the line
        reading_error=(7.0, 5.0)),
    Metric(KNEE_DRIVE, _knee_drive, knee_drive_stride, column="knee_drive_deg",
        channels=(Channel("thigh_L", "deg", _thigh("l")), Channel("thigh_R", "deg", _thigh("r"))),
        draw=draw.leg, advice={"low": "low_knee_drive"}, doc_row="knee drive"),
)
