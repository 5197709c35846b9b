"""Hips from the front or back: pelvic drop, side-to-side sway and trunk twist."""
from __future__ import annotations

import numpy as np

from ..spec import MetricSpec
from . import draw
from .base import Channel, Context, Metric, Stride, peak, tilt_deg

_FB = ("front", "back")
_CONTACTS = ("trunk", "feet")
TWIST_REF_PCT = 98  # the widest (square-on) shoulders / hips: this percentile of the width
TWIST_PCT = 90  # the twist shown: this percentile of |shoulder turn - hip turn|

PELVIC_DROP = MetricSpec(
    "pelvic_drop", "Pelvic drop", "hips", _FB, "deg", "<= 6 deg", "> 10 deg",
    "Largest downward tilt of the hip line on the swing side during single-leg stance. "
    "Not measured from a video: the pose model's hip points do not follow the pelvis's tilt.",
    good_hi=6, fix_above=10, bilateral=True, signed=True, weight=1.0,
    source="Each +1 deg raised injury odds (Bramah et al. 2018).", needs=_CONTACTS)
SWAY = MetricSpec(
    "lateral_sway", "Side-to-side sway", "hips", _FB, "% leg", "<= 8 %", "> 12 %",
    "Side-to-side travel of the shoulders within each stride.",
    good_hi=8, fix_above=12, weight=0.8, needs=_CONTACTS)
ROTATION = MetricSpec(
    "trunk_rotation", "Trunk twist", "hips", _FB, "deg", "<= 15 deg", "> 25 deg",
    "Twisting of the shoulder line against the hip line. Low confidence from a 2-D camera.",
    good_hi=15, fix_above=25, weight=0.5, needs=("trunk",))


# Held back (issue 17): on rendered runners seen from behind and in front with a true 0, 3, 6, 9
# and 12 deg drop, the pose model's hip line reads 0.6-1.4 deg (back) and 1.1-1.6 deg (front)
# whatever the drop (bench/honest.md, the renderer's current figure; 1.6-2.1 and 3.0-3.9 on the
# figure before its pelvis was moved back): its tilt does not follow the true tilt at all (slope
# 0.02). The silhouette does not rescue it: the segmentation mask's side edges at hip level (slope
# 1.9 but +-14 deg of scatter from the swinging arms and legs), the shift between its left and
# right edge profiles, and the strongest straight edge across the hips (the waistband; slope -0.2)
# all missed the acceptance (slope 0.7-1.3, within 2 deg). A number that reads "about 2 deg" for
# any runner would tell a runner whose hips drop that they are level, so the metric is listed as
# not measured with this reason (the hips area score does not count it). The per-stride hip-line
# tilt stays in the stride table (pelvic_drop_deg).
PELVIC_DROP_HELD = (
    "Not measured: the pose model's hip points do not follow a real pelvic drop (on our "
    "rendered runners a true 12° drop and no drop both read 1-2°), so a video cannot "
    "tell level hips from dropping ones. A coach or physio watching you from behind, or a "
    "single-leg squat in front of a mirror, can.")


def drop_stride(ctx: Context, st: Stride):
    """Largest tilt of the hip line, swing side down, over the step (this contact to the
    other foot's next one): it holds the single-leg stance without depending on the
    toe-off, hard to time from the front."""
    nxt = next((x for x in ctx.ev.ics if x.foot != st.foot and x.frame > st.i), None)
    if nxt is None or nxt.frame - st.i < 2:
        return None
    o = "r" if st.s == "l" else "l"
    seg = slice(st.i, nxt.frame)
    return peak(tilt_deg(ctx.tr.p(f"{o}_hip")[seg], ctx.tr.p(f"{st.s}_hip")[seg]), st.i)


def sway_stride(ctx: Context, st: Stride):
    """Range of the shoulders' sideways position over the stride, drift (a line) removed."""
    if st.next_ic is None:
        return None
    seg = slice(st.i, st.next_ic.frame + 1)
    sx = ctx.shoulders[seg, 0]
    if np.isfinite(sx).sum() <= 3:
        return None
    tt = ctx.tr.t[seg]
    ok = np.isfinite(sx)
    resid = sx[ok] - np.polyval(np.polyfit(tt[ok], sx[ok], 1), tt[ok])
    return ctx.pct(resid.max() - resid.min())


def rotation_summary(ctx: Context) -> None:
    """Twist from how the shoulders' apparent width changes against the hips': each width
    against its widest gives a turn angle (arccos), and the twist is their difference."""
    tr = ctx.tr
    ws = np.abs(tr.p("l_shoulder")[:, 0] - tr.p("r_shoulder")[:, 0])
    wh = np.abs(tr.p("l_hip")[:, 0] - tr.p("r_hip")[:, 0])
    ok = tr.detected & np.isfinite(ws) & np.isfinite(wh)
    if ok.sum() <= 20:
        ctx.missing("trunk_rotation", "The shoulders and hips were not seen clearly.")
        return
    rs = np.degrees(np.arccos(np.clip(ws / np.percentile(ws[ok], TWIST_REF_PCT), 0, 1)))
    rh = np.degrees(np.arccos(np.clip(wh / np.percentile(wh[ok], TWIST_REF_PCT), 0, 1)))
    rot = float(np.percentile(np.abs(rs - rh)[ok], TWIST_PCT))
    ctx.add("trunk_rotation", rot, caveat="Estimated from how the shoulders' width "
            "changes against the hips'; a 2-D camera sees this only roughly.",
            confidence="low", n=int(ok.sum()))


def shoulder_sway(ctx: Context) -> np.ndarray:
    x = ctx.shoulders[:, 0]
    return ctx.pct(x - np.nanmedian(x))


METRICS = (
    Metric(PELVIC_DROP, stride=drop_stride, column="pelvic_drop_deg",
        draw=draw.hip_line, advice={"any": "pelvic_drop"}, doc_row="pelvic drop",
        held_back=PELVIC_DROP_HELD),
    Metric(SWAY, lambda ctx: ctx.stride_median(
        "lateral_sway", "Side-to-side travel of the shoulders within each stride.",
        base="medium"),
        sway_stride, column="lateral_sway_pct_leg",
        channels=(Channel("shoulder_sway", "% leg", shoulder_sway),),
        draw=draw.shoulder_line, advice={"any": "sway"}, doc_row="lateral trunk sway"),
    Metric(ROTATION, rotation_summary, draw=draw.shoulder_line, advice={"any": "rotation"},
           doc_row="trunk rotation"),
)
