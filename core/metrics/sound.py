"""Landing sound (any view): how loud each landing is, from the clip's sound track.

The sound (:mod:`core.audio`) is lined up with the video's initial contacts (the offset is
estimated, never assumed) and each landing's loudest moment near its contact is read in dB
above the clip's background. Absolute loudness depends on the phone, its distance, the floor
and the shoes, so only what a clip can compare with itself is judged: the left/right
difference (the value: |left - right| in dB, good <= 3 dB, work on it above 6 dB) and loud
outlier landings (two or more landings 6 dB or more above the typical one: at least
"watch"). A clip whose landings cannot be heard (no sound, silence, music or voices, no
footfall rhythm at the step rate) lists it as not measured with that reason.

This metric is not in ``shared/spec/METRICS.md``: its contract row is in the repo's own
supplement ``core/metrics/EXTRA_METRICS.md``.
"""
from __future__ import annotations

import cv2
import numpy as np

from ..spec import MetricSpec
from .base import Context, Metric, Stride

MIN_LOUD = 2  # loud outlier landings that make the metric "watch" at least

LANDING_SOUND = MetricSpec(
    "landing_sound", "Landing sound", "feet", ("any",), "dB", "<= 3 dB", "> 6 dB",
    "How loud each landing sounds in the clip's own sound track, in dB above its background, "
    "per foot; judged on the left/right difference and loud outlier landings, never on the "
    "absolute level.",
    good_hi=3, fix_above=6, weight=0.5,
    source="Coaching material: land softly and quietly, using the sound of your feet as "
           "feedback.", needs=("trunk", "feet"))


def by_stride(ctx: Context) -> bool:
    """True when the landings are timed from the sound rather than the picture: a side view
    with too few frames a second to time foot contacts (``Context.held_back``, e.g. a live
    stream at 15 fps). The sound then says when each foot lands and the feet's swing in the
    picture says which foot (:func:`core.audio.landings_by_stride`, the live meter's way):
    contacts found a frame apart (67 ms at 15 fps) would line the sound up to within that at
    best, and a recording's known clocks leave it only +-0.1 s. It needs the picture's
    contacts all the same (at least :data:`core.audio.MIN_LANDINGS`: they say at which phase
    of the feet's swing a foot lands); with fewer, the contacts' own path says why not."""
    from ..audio import MIN_LANDINGS

    return ctx.held_back and ctx.audio is not None and ctx.view.view.startswith("side") \
        and len(ctx.ev.ics) >= MIN_LANDINGS


def _analysis(ctx: Context):
    """The clip's :class:`core.audio.SoundResult` (computed once)."""
    from ..audio import analyse_landings, landings_by_stride

    def run():
        if ctx.audio is None and ctx.audio_note:
            return None
        if by_stride(ctx):
            from ..view import left_lead

            return landings_by_stride(ctx.audio, ctx.tr.t, left_lead(ctx.tr, ctx.fwd),
                                      [(e.t, e.foot) for e in ctx.ev.ics])
        contacts = [(e.t, e.foot) for e in ctx.ev.ics]
        cad = ctx.ev.cadence_events or ctx.ev.cadence_spectral
        return analyse_landings(ctx.audio, contacts, cad)
    return ctx.memo("landing_sound", run)


def sound_stride(ctx: Context, st: Stride):
    """This contact's landing level (dB above the background), when the landings are heard."""
    res = _analysis(ctx)
    if res is None or not res.measured:
        return None
    if by_stride(ctx):  # landings at the sound's times: the same foot's nearest, within
        # a third of a step (the picture's contact is a frame or so off)
        near = [x for x in res.landings if x.foot == st.foot and
                abs(x.t - st.ic.t) < 20.0 / (ctx.ev.cadence_events or 180.0)]
        hit = min(near, key=lambda x: abs(x.t - st.ic.t)) if near else None
    else:
        hit = next((x for x in res.landings if abs(x.t - st.ic.t) < 1e-3), None)
    return None if hit is None else hit.level_db


def _louder(diff: float) -> str:
    return "left louder" if diff > 0 else "right louder"


def sound_summary(ctx: Context) -> None:
    mid = "landing_sound"
    res = _analysis(ctx)
    if res is None or (not res.measured and res.kind in ("none", "silent")):
        # a reason about the sound itself comes before any about the picture (feet out of
        # view): with no sound to hear, that is the first thing to fix
        spec = ctx.by_id[mid].spec
        if all(m["id"] != mid for m in ctx.nm):
            ctx.nm.append({"id": mid, "label": spec.label, "area": spec.area,
                           "reason": ctx.audio_note if res is None else res.reason})
        return
    if not res.measured:
        ctx.missing(mid, res.reason)
        return
    if res.diff_db is None:
        ctx.missing(mid, "Only one foot's landings were heard, so left and right cannot be "
                         "compared.")
        return
    spec = ctx.by_id[mid].spec
    diff = abs(res.diff_db)
    status = spec.status(diff)
    n_loud = res.n_loud
    shown = spec.fmt(diff)
    display = (f"even ({shown} dB apart)" if status == "good"
               else f"{shown} dB apart ({_louder(res.diff_db)})")
    if n_loud >= MIN_LOUD:
        display += f", {n_loud} loud landings"
        if status == "good":
            status = "watch"
    n = len(res.landings)
    base = "high" if (res.rhythm_salience or 0) >= 20 and (res.footfall_share or 0) >= 2.5 \
        else "medium"
    conf = ctx.conf(n // 2, base, min_n=6)  # per side
    loudest = max(res.landings, key=lambda x: x.level_db)
    frame = min(ctx.ev.ics, key=lambda e: abs(e.t - loudest.t)).frame if ctx.ev.ics else \
        int(np.argmin(np.abs(ctx.tr.t - loudest.t)))
    caveat = ("Compared within the clip only: how loud a landing sounds depends on the "
              "phone's distance, the floor, the treadmill and the shoes, so the level itself is "
              "not judged. " + (
                  f"Too few frames a second to time your landings from the picture ("
                  f"{ctx.fps:.0f}), so each was timed from its sound and its foot told from "
                  "your feet's swing and contacts (the sound "
                  f"{res.offset_s * 1000:+.0f} ms against the picture)." if by_stride(ctx) else
                  f"The sound was lined up with the video ({res.offset_s * 1000:+.0f} ms)."))
    ctx.add(mid, diff, caveat=caveat, confidence=conf, n=n, left=res.left_db,
            right=res.right_db, spread=res.spread_db, evidence=[int(frame)], status=status,
            display=display, extra={
                "evidence_foot": loudest.foot,
                "sound": {
                    "diff_db": round(res.diff_db, 2),
                    "left_db": round(res.left_db, 2), "right_db": round(res.right_db, 2),
                    "spread_db": round(res.spread_db, 2), "n_loud": n_loud,
                    "background_dbfs": res.background_dbfs,
                    "offset_ms": round(res.offset_s * 1000, 1),
                    "rhythm_spm": res.rhythm_spm,
                    "rhythm_salience": round(res.rhythm_salience or 0, 1),
                    "footfall_share": res.footfall_share,
                    "steps": [{"t": x.t, "foot": x.foot, "db": round(x.level_db, 1),
                               "loud": x.loud} for x in res.landings],
                    "envelope": {"t": res.envelope_t, "db": res.envelope_db},
                }})


def landing_spot(img, xy, fwd, text, limb) -> bool:
    """The loudest landing: a ring round the landing foot with the label beside it."""
    from ..annotate import _label, _pt, _scale
    from .draw import _style

    s, th, c = _style(img)
    ank = _pt(xy, f"{limb}_ankle")
    if not ank:
        return False
    for r in (10, 18, 26):  # sound rings
        cv2.circle(img, ank, int(r * s), c, max(1, th - 1), cv2.LINE_AA)
    _label(img, "loudest landing", (ank[0] + int(30 * s), ank[1] - int(10 * s)))
    return True


METRICS = (
    Metric(LANDING_SOUND, sound_summary, sound_stride, column="landing_db",
           draw=landing_spot, advice={"any": "loud_landing"}, doc_row="landing sound"),
)

__all__ = ["LANDING_SOUND", "METRICS", "MIN_LOUD"]
