"""Landing (side view): overstride and shin angle at initial contact.

Overstride is read at the sub-frame contact time (``Event.at``), the shin at the last frame
at or before it (:func:`shank_stride`), so both hang on catching the landing frame: they are held back below ``MIN_TIMING_FPS`` and their confidence follows
the frame rate. A camera not square to the running direction (``core.view.camera_yaw``)
foreshortens lengths along it by cos(yaw): overstride, the shin angle, foot strike and trunk
lean are corrected for that (:func:`yaw`, :func:`unforeshorten`), and from
:data:`YAW_LOW_CONF_DEG` on they are shown with low confidence and say why.
"""
from __future__ import annotations

import numpy as np

from ..spec import (FOOT_STRIKE_FORE_DEG, FOOT_STRIKE_HEEL_DEG, PRECISE_TIMING_FPS, TIMING_FPS,
                    MetricSpec)
from . import draw
from ..view import OBLIQUE_FLOOR_DEG, YAW_SQUARE_DEG, YawEstimate, camera_yaw, near_side
from .base import Channel, Context, Metric, Stride, from_vertical_deg, lerp

_SIDE = ("side",)
_CONTACTS = ("trunk", "feet")


# From this yaw on, what the foreshortening correction cannot fix (the legs' depth apart,
# the far leg hidden, perspective across the body) is too large for more than low confidence.
YAW_LOW_CONF_DEG = 15.0


def yaw(ctx: Context) -> YawEstimate:
    """The camera's yaw against the running direction (side view), once per clip."""
    def est():
        return camera_yaw(ctx.tr, ctx.fwd, near_side(ctx.tr))
    return ctx.memo("camera_yaw", est)


def unforeshorten(ctx: Context, deg, along: str = "fwd"):
    """An image angle corrected for yaw: ``along="fwd"`` for an angle from vertical (its
    tangent is foreshortened by cos(yaw): shin, trunk), ``"up"`` for an angle from
    horizontal (its tangent is stretched by 1/cos(yaw): the foot)."""
    c = yaw(ctx).cos()
    if c == 1.0 or deg is None:
        return deg
    t = np.tan(np.radians(deg))
    return np.degrees(np.arctan(t / c if along == "fwd" else t * c))


def yaw_caveat(ctx: Context) -> tuple[str, dict]:
    """Caveat sentence and extra fields about the camera's yaw ("" when square)."""
    y = yaw(ctx)
    if y.deg is None or y.deg < YAW_SQUARE_DEG:
        return "", {}
    extra = {"camera_yaw_deg": round(y.deg)}
    text = (f"The camera is about {y.deg:.0f}\u00b0 from square to the running direction; the "
            "value is corrected for the foreshortening")
    # core.camera.ground_line does not level an oblique picture (OBLIQUE_FLOOR_DEG): its
    # floor lines slant by perspective, so a phone also held at an angle is not corrected
    level = "" if _levelled(ctx) or y.deg < OBLIQUE_FLOOR_DEG else (
        " The picture is not levelled on the floor line from this angle (perspective slants "
        "it), so a phone that is also tilted would skew it by the tilt.")
    if _slant(ctx):
        level += (f" Here the floor line slants {abs(_slant(ctx)):.1f}\u00b0: perspective or a "
                  "tilted phone, which this picture cannot tell apart, so the value may be off "
                  "by about as much.")
    if y.deg >= YAW_LOW_CONF_DEG:
        extra["camera_yaw_low"] = True
        return text + (", but at this angle the legs sit at different depths and partly hide "
                       "each other, and that camera angle is itself only known to about "
                       "10\u00b0, so the value is rough (film square to the runner to read it "
                       "well)." + level), extra
    return text + "." + level, extra


def yaw_uncorrected(ctx: Context, caveat: str, base: str) -> tuple[str, str]:
    """``(caveat, base confidence)`` of a side-view leg angle that is NOT corrected for the
    camera's yaw (the knee bends, hip extension, knee drive): from :data:`YAW_SQUARE_DEG` on
    the caveat says the picture foreshortens it, and from :data:`YAW_LOW_CONF_DEG` on the
    confidence is low (:func:`yaw_base`), as for the corrected ones. A 39 deg camera read a
    runner's hip extension 0 deg for a true 8.5 with no word of the angle (review, 2 Dec)."""
    y = yaw(ctx)
    if y.deg is None or y.deg < YAW_SQUARE_DEG:
        return caveat, base
    note = (f"The camera is about {y.deg:.0f}\u00b0 from square to the running direction, "
            "which foreshortens the legs' angles in the picture; this one is not corrected "
            "for it" + (", so it is rough (film square to the runner to read it well)."
                        if y.deg >= YAW_LOW_CONF_DEG else "."))
    return (caveat + " " if caveat else "") + note, yaw_base(ctx, base)


def _levelled(ctx: Context) -> bool:
    """True when the pipeline levelled the track on its floor line (``track.notes``; the
    yaw it judged obliqueness by was read before levelling, so near the threshold the two
    can differ)."""
    return bool((ctx.tr.notes or {}).get("roll_corrected_deg"))


def _slant(ctx: Context) -> float:
    """An oblique picture's floor-line slant that was not levelled (deg, 0 when none or
    within the levelling's dead band; ``core.camera.GroundLine.slant_deg``)."""
    return float((ctx.tr.notes or {}).get("floor_slant_deg") or 0.0)


def yaw_base(ctx: Context, base: str) -> str:
    """``base`` confidence: low from :data:`YAW_LOW_CONF_DEG` of yaw on (which covers every
    picture left unlevelled as oblique, :data:`core.view.OBLIQUE_FLOOR_DEG`), or when an
    oblique picture's floor line slants and was not levelled (perspective and a tilted phone
    cannot be told apart)."""
    y = yaw(ctx)
    if y.deg is None:
        return base
    return "low" if y.deg >= YAW_LOW_CONF_DEG or (y.deg >= YAW_SQUARE_DEG and _slant(ctx)) \
        else base


def _timing_base(ctx: Context) -> str:
    # one frame of contact timing moves overstride by ~6 % of leg at 60 fps, 11 % at 30 fps
    return yaw_base(ctx, "medium" if ctx.fps >= PRECISE_TIMING_FPS else "low")


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
    return ctx.pct(ctx.fwd * (lerp(P[st.s]["ankle"], x)[0] - lerp(ctx.pelvis, x)[0])) \
        / yaw(ctx).cos()


def overstride_summary(ctx: Context) -> None:
    note, extra = yaw_caveat(ctx)
    ctx.stride_median("overstride",
                      ("Measured at the ankle at first contact, so it depends on catching that "
                       "frame (one frame here moves it by several % of leg). " + note).strip(),
                      base=_timing_base(ctx), extra=extra or None)


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
    """The shin at the last frame at or before the sub-frame contact, not interpolated across
    it: the shin turns slowly just before the foot lands (near its swing peak) and fast once
    it is down (the knee travels over the planted foot, several degrees a frame at 30 fps),
    so a value interpolated between the frames either side of the contact mixes in the
    landed frame and reads the shin more upright (milder) than at the landing itself
    (bench/contacts.md: median -1.5 deg, up to -13 at 30 fps; read at the frame before,
    0.0 and 6.7)."""
    i, P = int(np.floor(st.ic.at + 1e-6)), ctx.P  # a contact at 6 - 1e-12 is frame 6
    return unforeshorten(ctx, from_vertical_deg(P[st.s]["knee"][i], P[st.s]["ankle"][i],
                                                -ctx.fwd))


def shank_summary(ctx: Context) -> None:
    note, extra = yaw_caveat(ctx)
    ctx.stride_median("shank_angle_ic", ("Shin angle at first contact. " + note).strip(),
                      base=_timing_base(ctx), extra=extra or None)


METRICS = (
    Metric(OVERSTRIDE, overstride_summary, overstride_stride, column="overstride_pct_leg",
           channels=(Channel("foot_fwd_L", "% leg", _foot_fwd("l")),
                     Channel("foot_fwd_R", "% leg", _foot_fwd("r"))),
           draw=draw.foot_at_contact, advice={"any": "overstriding"}, timing=True,
           stride_chart=1, doc_row="overstride",
           # 80th percentile of |error| over bench/contacts.md's 36 renders: 5.1 % of leg at
           # 30 fps (12), 3.5 at 60-120 fps (24) (bench/robustness.md: 2.0, 1.9); one frame
           # moves the landing point
           reading_error=(5.5, 3.5)),
    Metric(SHANK, shank_summary, shank_stride, column="shank_deg", draw=draw.shin_at_contact,
           advice={"any": "overstriding"}, timing=True, stride_chart=7,
           doc_row="shank angle at IC",
           # 80th percentile of |error|: bench/contacts.md 4.1 deg at 30 fps, 3.2 at 60-120;
           # bench/robustness.md 2.2, 3.6 (read at the frame before the contact)
           reading_error=(4.5, 4.0)),
)
