"""Cadence: steps per minute from the foot contacts, cross-checked with the hips' bounce."""
from __future__ import annotations

from ..events import choose_cadence
from ..spec import MetricSpec
from .base import Context, Metric
from .speed import cadence_band

SPEC = MetricSpec(
    "cadence", "Cadence", "feet", ("any",), "steps/min", "165-185", "< 160 or > 195",
    "Steps per minute over steady running, from initial contacts, cross-checked "
    "with the frequency of the pelvis bounce.",
    good_lo=165, good_hi=185, fix_below=160, fix_above=195, weight=1.5,
    source="Preferred cadence 172.6 +/- 8.8 spm; +5-10 % lowers hip and knee load "
           "(Heiderscheit et al. 2011).",
    needs=("trunk", "feet"))

def summarise(ctx: Context) -> None:
    """The cadence :func:`core.events.choose_cadence` picks (the one arbitration between the
    contacts' and the hips' cadence, shared with live mode), with its confidence and caveat."""
    ev = ctx.ev
    ce, cs = ev.cadence_events, ev.cadence_spectral
    n = len(ev.ics)
    if ctx.out_of_view("cadence"):  # contacts of feet out of the picture are guesses
        ctx.missing("cadence", ctx.out_of_view("cadence"))
        return
    choice = choose_cadence(ce, cs, n)  # one arbitration for the report and live mode
    value = choice.value
    if choice.basis == "none":
        ctx.missing("cadence", "No regular steps were found.")
        return
    if choice.basis == "agree":
        conf = ctx.conf(n)
        caveat = f"From {n} foot contacts; matches the bounce of the hips ({cs:.0f})."
    elif choice.basis == "rhythm":
        conf = "medium" if ctx.view_conf != "low" else "low"
        caveat = "From the rhythm of the hips' bounce; too few clear foot contacts to count."
    elif choice.basis == "multiple":
        # the hips' rhythm locked onto the stride (or double the step) rate: count contacts
        conf = "medium"
        caveat = (f"From {n} foot contacts; the hips' rhythm ({cs:.0f}) ran at a multiple of "
                  "it, so treat it with some care.")
    elif choice.basis == "disagree":
        conf = "low"
        caveat = (f"Contacts ({ce:.0f}) and the hips' rhythm ({cs:.0f}) disagree; "
                  "shown is the rhythm.")
    else:  # "contacts": no rhythm found
        conf = "low"
        caveat = "From foot contacts only."
    ev_frames = [e.frame for e in ev.ics[:2]]
    extra = {"cadence_events": ce, "cadence_spectral": cs}
    status = band = None
    if ctx.speed is not None:  # the runner's own band at their speed (core.metrics.speed)
        own = cadence_band(SPEC, ctx.speed)
        status, band = own.spec.status(value), own.texts()
        extra.update(band_speed_mps=ctx.speed, band_shift=own.shift,
                     band_good_lo=own.spec.good_lo)
        caveat += (f" Judged against your own band at your speed (the usual 165-185 moved by "
                   f"{own.shift:+d} steps/min; see the Method page).")
    ctx.add("cadence", value, caveat=caveat, confidence=conf, n=n, evidence=ev_frames,
            display=f"{SPEC.fmt(value)} steps/min", extra=extra, status=status, band=band)


# reading error: the #16 acceptance bound (42 of 42 robustness renders within it, worst 1.3:
# bench/robustness.md); wider than the 80th percentile's 0.6 on purpose, as
# a cadence 1 step/min over a line is not worth marking
CADENCE = Metric(SPEC, summarise, advice={"low": "low_cadence", "high": "high_cadence"},
                 doc_row="cadence", reading_error=(1.5, 1.5))
METRICS = (CADENCE,)
