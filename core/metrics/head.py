"""Head position (side view): ear ahead of the shoulder beyond the trunk's lean, and gaze."""
from __future__ import annotations

import numpy as np

from ..spec import MetricSpec
from . import draw
from .base import L_EAR, R_EAR, Context, Metric, from_vertical_deg, nanmed

GAZE_DOWN_DEG = 35.0  # nose below the ear by more than this: looking down

HEAD = MetricSpec(
    "head_position", "Head position", "shoulders", ("side",), "deg",
    "head over shoulders, gaze ahead", "head forward or looking down",
    "How far the ear sits ahead of the shoulders beyond the trunk's own lean "
    "(forward head), with the gaze angle.",
    good_hi=15, fix_above=25, weight=0.6, needs=("trunk", "head"))


def summarise(ctx: Context) -> None:
    tr, fwd = ctx.tr, ctx.fwd
    vis = tr.vis
    ear = "l" if np.nanmean(vis[:, L_EAR]) >= np.nanmean(vis[:, R_EAR]) else "r"
    sh = tr.p(f"{ear}_shoulder")
    e = tr.p(f"{ear}_ear")
    nose = tr.p("nose")
    neck = from_vertical_deg(e, sh, fwd) - ctx.trunk
    gaze = np.degrees(np.arctan2(nose[:, 1] - e[:, 1], fwd * (nose[:, 0] - e[:, 0])))
    ok = tr.detected & np.isfinite(neck)
    v = nanmed(neck[ok])
    g = nanmed(gaze[ok])
    if v is None:
        ctx.missing("head_position", "The head was not seen clearly.")
        return
    st = HEAD.status(v)
    down = g is not None and g > GAZE_DOWN_DEG
    if down and st == "good":
        st = "watch"
    desc = "forward of the shoulders" if HEAD.shown(v) > HEAD.good_hi else "over the shoulders"
    if down:
        desc += ", looking down"
    ctx.clip_median("head_position", neck, ok, "Ear against the shoulder beyond the trunk's "
                    "own lean; hair and hats move the ear point.", base="low", with_spread=False, status=st,
                    display=f"{desc} ({HEAD.fmt(v)}\u00b0)",
                    extra={"gaze_down_deg": None if g is None else round(g, 1),
                           "ear": ear.upper()})  # the side its still draws


METRICS = (
    Metric(HEAD, summarise, draw=draw.head_line, advice={"any": "head_forward"},
           doc_row="head position"),
)
