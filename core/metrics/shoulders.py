"""Shoulders: shrug against the runner's own most relaxed frames (any view); shoulder level
(front/back)."""
from __future__ import annotations

import numpy as np

from .. import signal
from ..spec import MetricSpec
from . import draw
from .base import Context, Metric, tilt_deg

RELAXED_PCT = 90  # the runner's most relaxed frames: this percentile of ear-shoulder distance
JITTER_Z = 1.28  # how far above the median the 90th percentile of pure noise sits (sigmas)

SHRUG = MetricSpec(
    "shoulder_elevation", "Shoulder shrug", "shoulders", ("any",), "%",
    "relaxed", "raised toward the ears",
    "Shoulder-to-ear distance relative to torso length, compared with the "
    "runner's own most relaxed frames (0 % = as relaxed as their best frames).",
    good_hi=10, fix_above=20, weight=0.7, needs=("trunk", "head"))
LEVEL = MetricSpec(
    "shoulder_level", "Shoulder level", "shoulders", ("front", "back"), "deg", "<= 3 deg",
    "> 6 deg", "Tilt of the shoulder line (left vs right height), median over the clip.",
    good_hi=3, fix_above=6, weight=0.5, needs=("trunk",))


def shrug_index(r: np.ndarray) -> float:
    """Shrug in % from ``r`` = (shoulder y - ear y) / torso length over the frames: how far
    the median sits below the relaxed (90th percentile) distance, less what landmark jitter
    alone gives (sigma from frame-to-frame differences)."""
    relaxed = float(np.percentile(r, RELAXED_PCT))
    med = float(np.median(r))
    d = np.diff(r)
    sigma = signal.mad(d) * signal.MAD_TO_SIGMA / np.sqrt(2) if len(d) > 3 else 0.0
    if relaxed <= 0:
        return 0.0
    return max(0.0, (1 - med / relaxed) - JITTER_Z * sigma / relaxed) * 100


def shrug_summary(ctx: Context) -> None:
    tr = ctx.tr
    sh_y = ctx.shoulders[:, 1]
    ear_y = tr.mid("l_ear", "r_ear")[:, 1]
    torso = np.linalg.norm(ctx.shoulders - ctx.pelvis, axis=1)
    r = (sh_y - ear_y) / torso
    ok = tr.detected & np.isfinite(r)
    if ok.sum() < 10:
        ctx.missing("shoulder_elevation", "The shoulders and head were not seen clearly.")
        return
    index = shrug_index(r[ok])
    fr = np.flatnonzero(ok)
    worst = int(fr[np.argmin(r[fr])])
    ctx.add("shoulder_elevation", index,
            caveat="Against your own most relaxed frames in the clip, so it shows tension that "
                   "comes and goes, not a constant shrug.", confidence="low", n=int(ok.sum()),
            evidence=[worst], display=f"{SHRUG.fmt(index)} % above the relaxed position",
            extra={"ear_shoulder_over_torso": round(float(np.median(r[ok])), 3)})


def level_summary(ctx: Context) -> None:
    tr = ctx.tr
    tilt = tilt_deg(tr.p("l_shoulder"), tr.p("r_shoulder"))  # + = left shoulder lower
    ok = tr.detected & np.isfinite(tilt)
    if ok.sum() <= 10:
        return  # listed as not measured by the engine
    lvl = float(np.median(tilt[ok]))
    lv = LEVEL.fmt(abs(lvl))
    ctx.add("shoulder_level", abs(lvl), caveat="Median tilt of the shoulder line; a "
            "tilted camera adds to it.", confidence=ctx.conf(int(ok.sum()) // 10, "medium"),
            n=int(ok.sum()), display=f"{lv}\u00b0 ({'left' if lvl > 0 else 'right'} lower)"
            if lv != "0" else "level (0\u00b0)")


METRICS = (
    Metric(SHRUG, shrug_summary, advice={"any": "shrug"}, doc_row="shoulder elevation (shrug)"),
    Metric(LEVEL, level_summary, draw=draw.shoulder_line, advice={"any": "shoulder_level"},
           doc_row="shoulder elevation (shrug)"),
)
