"""Cadence: steps per minute from the foot contacts, cross-checked with the hips' bounce."""
from __future__ import annotations

from ..spec import MetricSpec
from .base import Context, Metric

SPEC = MetricSpec(
    "cadence", "Cadence", "feet", ("any",), "steps/min", "165-185", "< 160 or > 195",
    "Steps per minute over steady running, from initial contacts, cross-checked "
    "with the frequency of the pelvis bounce.",
    good_lo=165, good_hi=185, fix_below=160, fix_above=195, weight=1.5,
    source="Preferred cadence 172.6 +/- 8.8 spm; +5-10 % lowers hip and knee load "
           "(Heiderscheit et al. 2011).",
    needs=("trunk", "feet"))

AGREE = 0.03  # contacts and the hips' rhythm agree within this share
MULTIPLE = (1.8, 2.2)  # the hips' rhythm at about twice (or half) the contacts' rate
MIN_CONTACTS = 6  # fewer clear contacts: the rhythm of the hips is shown instead
MIN_CONTACTS_MULTIPLE = 8  # contacts needed to overrule a rhythm at a multiple


def summarise(ctx: Context) -> None:
    """Arbitration between the contacts' and the hips' cadence (:mod:`core.events`)."""
    ev = ctx.ev
    ce, cs = ev.cadence_events, ev.cadence_spectral
    n = len(ev.ics)
    if ctx.out_of_view("cadence"):  # contacts of feet out of the picture are guesses
        ctx.missing("cadence", ctx.out_of_view("cadence"))
        return
    if ce is None and cs is None:
        ctx.missing("cadence", "No regular steps were found.")
        return
    if ce is not None and cs is not None and abs(ce - cs) / cs < AGREE:
        value, conf = ce, ctx.conf(n)
        caveat = f"From {n} foot contacts; matches the bounce of the hips ({cs:.0f})."
    elif cs is not None and (ce is None or n < MIN_CONTACTS):
        value, conf = cs, "medium" if ctx.view_conf != "low" else "low"
        caveat = "From the rhythm of the hips' bounce; too few clear foot contacts to count."
    elif (ce is not None and cs is not None and n >= MIN_CONTACTS_MULTIPLE
          and MULTIPLE[0] < max(ce, cs) / min(ce, cs) < MULTIPLE[1]):
        # the hips' rhythm locked onto the stride (or double the step) rate: count contacts
        value, conf = ce, "medium"
        caveat = (f"From {n} foot contacts; the hips' rhythm ({cs:.0f}) ran at a multiple of "
                  "it, so treat it with some care.")
    elif ce is not None and cs is not None:
        value, conf = cs, "low"
        caveat = (f"Contacts ({ce:.0f}) and the hips' rhythm ({cs:.0f}) disagree; "
                  "shown is the rhythm.")
    else:
        value, conf = ce, "low"
        caveat = "From foot contacts only."
    ev_frames = [e.frame for e in ev.ics[:2]]
    ctx.add("cadence", value, caveat=caveat, confidence=conf, n=n, evidence=ev_frames,
            display=f"{SPEC.fmt(value)} steps/min",
            extra={"cadence_events": ce, "cadence_spectral": cs})


CADENCE = Metric(SPEC, summarise, advice={"low": "low_cadence", "high": "high_cadence"},
                 doc_row="cadence")
METRICS = (CADENCE,)
