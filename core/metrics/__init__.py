"""Stage 6 — metrics: a registry of every metric of the contract, one module per family.

Contract:
    compute_metrics(track, view, events, height_cm=None) -> MetricsOutput
        ``results``: list of :class:`core.report.MetricResult` (value, status, confidence,
        caveat, per side, asymmetry, evidence frames); ``strides``: per-stride table rows;
        ``series``: per-frame channels for charts; ``not_measured``: why other metrics are absent.

    REGISTRY: every :class:`Metric` in contract order; BY_ID: the same by id.

Each metric id is defined once, in its family module (``cadence``, ``landing``, ``knee``,
``strike``, ``timing``, ``step``, ``trunk``, ``thigh``, ``bounce``, ``pelvis``, ``arms``, ``shoulders``,
``head``; ``sound`` from the clip's sound track and ``speed`` from the runner's speed, beyond the contract: see ``EXTRA_METRICS.md``): its contract entry (:class:`core.spec.MetricSpec`), per-stride extraction, summary,
stride-table column, chart channels, evidence drawing and advice keys. :mod:`core.spec`
(METRICS, BY_ID), the UI's stride columns and chart channels, :mod:`core.findings` and
:func:`core.annotate.draw_measure` read them from here. See :mod:`core.metrics.base` for the
shared machinery.
"""
from __future__ import annotations

from . import (arms, bounce, cadence, head, knee, landing, pelvis, shoulders, sound, speed, step,
               strike, thigh, timing, trunk)
from .base import (LEG_PER_HEIGHT, Channel, Context, Metric, MetricsOutput, Stride, angle_deg,
                   from_vertical_deg, lerp, run)

# the families in contract order (shared/spec/METRICS.md: feet, hips, shoulders)
FAMILIES = (cadence, landing, knee, strike, timing, step, sound, trunk, thigh, bounce, pelvis,
            arms, shoulders, head, speed)  # sound, speed: beyond the contract (EXTRA_METRICS.md)
REGISTRY: tuple[Metric, ...] = tuple(m for fam in FAMILIES for m in fam.METRICS)
BY_ID: dict[str, Metric] = {m.id: m for m in REGISTRY}
assert len(BY_ID) == len(REGISTRY), "a metric id is defined twice"

TIMING_METRICS = tuple(m.id for m in REGISTRY if m.timing)


def compute_metrics(track, view, events, height_cm: float | None = None,
                    speed_mps: float | None = None, audio=None,
                    audio_note: str = "") -> MetricsOutput:
    """Every metric of the registry valid for ``view`` (see module docstring); ``speed_mps``:
    the runner's treadmill speed, for ``stride_length``, ``vertical_ratio`` and the cadence
    band at that speed (:mod:`core.metrics.speed`); ``audio``: the clip's
    :class:`core.audio.AudioTrack` (None: no sound track), ``audio_note``: why a sound track
    cannot be used (``landing_sound`` lists it as not measured with that)."""
    return run(REGISTRY, track, view, events, height_cm, speed_mps, audio, audio_note)


__all__ = ["BY_ID", "Channel", "Context", "LEG_PER_HEIGHT", "Metric", "MetricsOutput", "REGISTRY",
           "Stride", "TIMING_METRICS", "angle_deg", "compute_metrics", "from_vertical_deg", "lerp"]
