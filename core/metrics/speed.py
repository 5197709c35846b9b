"""With the runner's speed: stride length, vertical ratio and the runner's own cadence band.

Beyond the shared contract (rows in ``core/metrics/EXTRA_METRICS.md``); measured only when the
runner gives their treadmill speed or pace (``AnalysisOptions.speed_mps``, CLI ``--speed`` /
``--pace``), otherwise listed as not measured with that reason.

- ``stride_length``: metres per stride (two steps, one foot's contact to its next) =
  speed x 60 / cadence x 2; the step (one contact to the other foot's) is half of it.
- ``vertical_ratio``: the hips' bounce (``vertical_oscillation``) / step length, in %; the
  bounce in metres needs the runner's height (leg length = 0.49 x height).
- :func:`cadence_band`: the cadence band at the runner's speed, used by
  :mod:`core.metrics.cadence` (see :data:`CADENCE_SOURCE`).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..events import choose_cadence
from ..spec import MetricSpec
from . import bounce as _bounce
from .base import LEG_PER_HEIGHT, Context, Metric, nanmed

# ----------------------------------------------------------------------------- cadence band
# Self-selected step rate rises with speed: 154, 158, 160 steps/min (77, 79, 80 strides/min) at
# 2.4, 2.6, 2.9 m/s (van Oeveren et al. 2017), about 12 steps/min per m/s. The default band
# (165-185, around the 172.6 spm preferred cadence of Heiderscheit et al. 2011) is taken as the
# band at 3.0 m/s, where the most economical step rate was 170 +/- 7 steps/min (Lieberman et al.
# 2015). The band moves with speed only over 2.4-3.5 m/s (the measured range and a little
# beyond); faster or slower runners get the band at the nearer end, and the card says so.
CADENCE_SLOPE = 12.0  # steps/min per m/s
CADENCE_REF_SPEED = 3.0  # m/s: the speed the default band stands for
CADENCE_SPEED_RANGE = (2.4, 3.5)  # m/s: where the relation is applied
CADENCE_SOURCE = (
    "Self-selected step rate rises about 12 steps/min per m/s: 154, 158 and 160 steps/min at "
    "2.4, 2.6 and 2.9 m/s (van Oeveren et al. 2017, PLoS One 12:e0184273). The default band "
    "165-185 stands for about 3.0 m/s, where the most economical step rate was 170 +/- 7 "
    "steps/min (Lieberman et al. 2015, J Exp Biol 218:3406). The band moves with speed over "
    "2.4-3.5 m/s only; outside it the band at the nearer end is used.")


@dataclass(frozen=True)
class CadenceBand:
    """The cadence band at a speed: the spec with moved bounds, and how it was made."""

    spec: MetricSpec
    speed_mps: float  # the speed the runner gave
    speed_used: float  # clipped into CADENCE_SPEED_RANGE
    shift: int  # steps/min the default band moved

    @property
    def clipped(self) -> bool:
        return abs(self.speed_used - self.speed_mps) > 1e-9

    def texts(self) -> tuple[str, str]:
        """(good, fix) band texts for the card: the runner's own band, said to be theirs."""
        s = self.spec
        at = f"{self.speed_mps:.2f} m/s"
        if self.clipped:
            at += f", the band at {self.speed_used:.1f} m/s"
        return (f"{s.good_lo:.0f}-{s.good_hi:.0f} steps/min, your own band at {at}",
                f"< {s.fix_below:.0f} or > {s.fix_above:.0f} steps/min at your speed")


def cadence_band(spec: MetricSpec, speed_mps: float) -> CadenceBand:
    """``spec`` (cadence) with its bands moved to ``speed_mps`` (see :data:`CADENCE_SOURCE`)."""
    lo, hi = CADENCE_SPEED_RANGE
    used = min(max(float(speed_mps), lo), hi)
    shift = int(round(CADENCE_SLOPE * (used - CADENCE_REF_SPEED)))
    moved = dataclasses.replace(spec, good_lo=spec.good_lo + shift, good_hi=spec.good_hi + shift,
                                fix_below=spec.fix_below + shift, fix_above=spec.fix_above + shift)
    return CadenceBand(moved, float(speed_mps), used, shift)


# ----------------------------------------------------------------------------- metrics
_NEEDS = ("trunk", "feet")
STRIDE_LENGTH = MetricSpec(
    "stride_length", "Stride length", "feet", ("any",), "m", "shown, not judged",
    "shown, not judged",
    "Distance covered in one stride (two steps) at the speed you gave: speed x 60 / cadence "
    "x 2. Shown for information: a good stride length depends on your speed and build.",
    kind="info", digits=2, weight=0.0, needs=_NEEDS,
    source="Speed = stride length x stride rate.")
VERTICAL_RATIO = MetricSpec(
    "vertical_ratio", "Vertical ratio", "hips", ("side", "front"), "%", "<= 8.6 %", "> 10.1 %",
    "The hips' bounce per stride as a share of the step length (one contact to the other "
    "foot's): how much of each step goes up and down instead of forward.",
    good_hi=8.6, fix_above=10.1, weight=0.5, digits=1, needs=_NEEDS,
    source="Garmin's running dynamics colour zones (good up to 8.6 %, poor above 10.1 %), "
           "whose 'stride length' is this step length.")

LEG_LENGTH_SPREAD = 0.05  # leg = 0.49 x height holds to about +/- 5 % for most people
_BOUNCE = next(m for m in _bounce.METRICS if m.id == "vertical_oscillation")

# the web page and the command line both show it: each names its own way in (About you,
# --speed / --pace) beside it; "treadmill" is not said, as an overground runner has a pace too
NO_SPEED = "Needs your running speed or pace (the treadmill's display, or your watch's pace)."
NO_HEIGHT = "Needs your height too, to turn the hips' bounce into centimetres."


def _cadence(ctx: Context) -> tuple[float | None, str]:
    """The cadence the report shows (the same arbitration as the cadence metric), and its
    confidence."""
    ev = ctx.ev
    choice = choose_cadence(ev.cadence_events, ev.cadence_spectral, len(ev.ics))
    if choice.basis == "none" or not choice.value:
        return None, "low"
    conf = ctx.conf(len(ev.ics)) if choice.basis == "agree" else \
        "medium" if choice.basis in ("rhythm", "multiple") else "low"
    return float(choice.value), conf


def _lower(a: str, b: str) -> str:
    order = ["low", "medium", "high"]
    return order[min(order.index(a), order.index(b))]


def stride_length_m(speed_mps: float, cadence_spm: float) -> float:
    """Metres per stride (two steps) at ``speed_mps`` and ``cadence_spm`` steps/min."""
    return speed_mps * 60.0 / cadence_spm * 2.0


def summarise_stride(ctx: Context) -> None:
    if ctx.speed is None:
        ctx.missing("stride_length", NO_SPEED)
        return
    cad, conf = _cadence(ctx)
    if cad is None:
        ctx.missing("stride_length", "No regular steps were found, so there is no cadence.")
        return
    stride = stride_length_m(ctx.speed, cad)
    conf = _lower(conf, "medium" if not ctx.view_conf == "high" else "high")
    ctx.add("stride_length", stride, confidence=conf, n=len(ctx.ev.ics),
            display=f"{stride:.2f} m per stride ({stride / 2:.2f} m per step)",
            caveat=(f"From the speed you gave ({ctx.speed:.2f} m/s) and your cadence "
                    f"({cad:.0f} steps/min). Right on a treadmill at that setting; a watch's "
                    "pace outdoors varies from moment to moment."),
            extra={"speed_mps": ctx.speed, "cadence_spm": round(cad, 1),
                   "step_length_m": round(stride / 2, 3)})


def summarise_ratio(ctx: Context) -> None:
    if ctx.speed is None:
        ctx.missing("vertical_ratio", NO_SPEED)
        return
    if ctx.height_cm is None:
        ctx.missing("vertical_ratio", NO_HEIGHT)
        return
    cad, conf = _cadence(ctx)
    bounce = nanmed(ctx.both("vertical_oscillation"))  # % leg, as the bounce metric shows it
    if cad is None or bounce is None:
        ctx.missing("vertical_ratio", "Needs both the cadence and the hips' bounce, and one "
                    "of them could not be measured.")
        return
    step_m = stride_length_m(ctx.speed, cad) / 2
    bounce_m = bounce / 100 * ctx.height_cm / 100 * LEG_PER_HEIGHT
    ratio = bounce_m / step_m * 100
    n = len(ctx.both("vertical_oscillation"))
    base = "high" if ctx.view.view == "side" else "low"
    conf = _lower(conf, ctx.conf(n, base))
    # its reading error, from the bounce's (relative) and the leg length's (+/- 5 %): a ratio
    # of 12.0 % was "work on this, high confidence" beside its own bounce "near the line, may
    # be fine" (review, 2 Dec); the speed is the runner's own and the cadence reads within
    # 1.5 steps/min (1 %), left out
    bounce_err = _BOUNCE.error_at(ctx.fps)
    error = None if bounce_err is None or bounce <= 0 else \
        ratio * (bounce_err / bounce + LEG_LENGTH_SPREAD)
    ctx.add("vertical_ratio", ratio, confidence=conf, n=n,
            display=f"{VERTICAL_RATIO.fmt(ratio)} % ({bounce_m * 100:.1f} cm up and down "
                    f"per {step_m:.2f} m step)",
            caveat=("The bounce in cm takes your leg as 0.49 x your height (about +/- 5 % for "
                    "most people), so the ratio is as good as that."
                    + ("" if ctx.view.view == "side" else " Seen from the front, the bounce "
                       "reads high.")),
            extra={"bounce_m": round(bounce_m, 4), "step_length_m": round(step_m, 3),
                   **({} if error is None else {"reading_error": round(error, 2)})},
            error=error)


METRICS = (
    Metric(STRIDE_LENGTH, summarise_stride, doc_row="stride length"),
    Metric(VERTICAL_RATIO, summarise_ratio, advice={"high": "bounce"}, doc_row="vertical ratio"),
)
