"""Shared machinery of the metric registry: the :class:`Metric` unit, geometry helpers, the
measuring context (one pass over the strides) and the aggregation rules.

A metric module (``core/metrics/<family>.py``) declares, per metric id, one :class:`Metric`:
its contract entry (:class:`core.spec.MetricSpec`: label, views, bands, area, weight,
needs), how one stride gives a value (``stride``), how the values become the result
(``summarise``), the chart channels it owns, how its evidence frame is drawn, and which
advice (:data:`core.coaching.ADVICE` key) a value outside the good band leads to. The stride
table column, the chart channel names and the advice keys are all declared here, next to
the id, and read from the registry by the UI, findings and annotation code.

Geometry: image y points down; side-view signs are relative to where the runner faces
(``fwd`` = +1 facing image-right, -1 facing left), so both directions read the same. Distances
are in % of leg length L (median hip->knee->ankle length); with a runner height, cm as well
(L = 0.49 x height, Winter's segment proportions).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable

import numpy as np

from ..spec import (GROUP_HIDDEN, GROUP_HIDDEN_HINT, GROUP_MISSING, MIN_IN_VIEW, MIN_TIMING_FPS, TIMING_FPS, MetricSpec,
                    side_difference)

if TYPE_CHECKING:  # the registry imports only core.spec at load time (core.spec and other
    # stages may read the registry while they load)
    from ..events import Event, GaitEvents
    from ..landmarks import Track
    from ..report import MetricResult
    from ..audio import AudioTrack
    from ..view import ViewResult

LEG_PER_HEIGHT = 0.49

# MediaPipe landmark indices used for "which side is nearer the camera" (by visibility)
L_EAR, R_EAR = 7, 8
L_ELBOW, R_ELBOW, L_WRIST, R_WRIST = 13, 14, 15, 16

# A side's own value (and the left/right difference) of a stride metric is shown only when
# that leg is seen well: the median over the clip of its knee and ankle visibility (MediaPipe,
# 0..1) at least this. Measured with the pose model: the near leg in side view 0.975-0.99 and
# both legs from the front or back 0.945-0.985 (shared renders and real clips), the far leg in
# side view 0.65-0.875 (its knee 0.56-0.81): a far leg is hidden behind the near one for much
# of the stride and its points are partly guessed.
SIDE_VIS_MIN = 0.92


# ----------------------------------------------------------------------------- the unit
@dataclass(frozen=True)
class Channel:
    """A per-frame chart channel owned by a metric (``report["series"]["channels"][name]``).

    ``legs``: built on the legs or on leg length, so dropped when the feet are out of view.
    """

    name: str
    unit: str
    compute: Callable[["Context"], np.ndarray]
    legs: bool = True
    views: tuple[str, ...] | None = None  # None: the metric's own views


@dataclass(frozen=True)
class Metric:
    """One metric of the contract, everything about it in one place.

    ``stride(ctx, st)``: value of one stride (``(value, frame)`` when the evidence frame is not
    the contact frame; ``None`` when this stride does not show it); ``column``: its name in the
    per-stride table (``None``: not a column). ``summarise(ctx)``: turns the stride values (or
    the track) into the result, via :meth:`Context.add` / :meth:`Context.stride_median`.
    ``advice``: ADVICE key for a value outside the good band, by direction (``"low"``: below
    the good band, ``"high"``: above it, ``"any"``); a metric that is part of a composite
    pattern in :mod:`core.findings` lists the composite's keys here too. ``draw(img, xy, fwd,
    text, limb)`` draws the measurement on the evidence frame (True when drawn).
    ``timing``: built on the exact contact or toe-off frame (or the stance between them),
    held back below ``MIN_TIMING_FPS``.
    ``stride_chart``: rank in the per-stride chart's picker (None: not offered there).
    ``doc_row``: the metric's row name in ``shared/spec/METRICS.md``.
    ``reading_error``: how far off a reading can be, in the metric's unit, as ``(below
    TIMING_FPS, from TIMING_FPS)`` frames per second: the larger of the benches' 80th
    percentiles of |error| over their renders with exact truth, rounded up to 0.5 (4 in 5 read
    within it; the sources are named where it is set). A value judged watch or fix within it
    of a milder verdict's line is shown as near the line
    (:meth:`core.spec.MetricSpec.near_line`) and ranked as a less certain problem.
    ``None``: no bench measures it, and nothing is said.
    """

    spec: MetricSpec
    summarise: Callable[["Context"], None] | None = None  # None: only for a held_back metric
    stride: Callable[["Context", "Stride"], object] | None = None
    column: str | None = None
    channels: tuple[Channel, ...] = ()
    draw: Callable | None = None
    advice: dict[str, str] = field(default_factory=dict)
    timing: bool = False
    stride_chart: int | None = None
    doc_row: str | None = None
    reading_error: tuple[float, float] | None = None
    # why no video gives this metric: it is always listed as not measured with this reason
    # (compute_metrics), its stride values kept in the table; the Method page lists it apart
    # from the measures (it showed its bands and "left and right are measured separately"
    # under "Not measured from a video": review, 3 Dec)
    held_back: str | None = None

    @property
    def id(self) -> str:
        return self.spec.id

    def error_at(self, fps: float) -> float | None:
        """:attr:`reading_error` at this frame rate (None when not measured)."""
        if self.reading_error is None:
            return None
        return self.reading_error[0 if fps < TIMING_FPS else 1]

    def near_line(self, value: float | None, fps: float) -> dict | None:
        """``MetricResult.near_line`` for ``value`` read at ``fps`` (None: clear of the line,
        good, or no reading error): :meth:`core.spec.MetricSpec.near_line`."""
        near = self.spec.near_line(value, self.error_at(fps))
        return None if near is None else {"edge": near.edge, "error": near.error,
                                          "milder": near.milder}


# ----------------------------------------------------------------------------- geometry
def angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle at b of the a-b-c chain, degrees (N,)."""
    u, v = a - b, c - b
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def from_vertical_deg(top: np.ndarray, bottom: np.ndarray, fwd: float) -> np.ndarray:
    """Angle of the bottom->top line from vertical, positive when top is ahead (forward)."""
    d = top - bottom
    return np.degrees(np.arctan2(fwd * d[..., 0], -d[..., 1]))


def tilt_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Tilt of the a-b line (front/back view), positive when ``a`` is lower in the image."""
    return np.degrees(np.arctan2(a[..., 1] - b[..., 1], np.abs(a[..., 0] - b[..., 0]) + 1e-6))


def lerp(arr: np.ndarray, pos: float) -> np.ndarray:
    """``arr`` (frames first) linearly interpolated at fractional frame ``pos``."""
    i0 = int(np.floor(pos))
    i1 = min(i0 + 1, len(arr) - 1)
    w = pos - i0
    return arr[i0] * (1 - w) + arr[i1] * w


def peak(arr: np.ndarray, start: int = 0) -> tuple[float | None, int | None]:
    """Largest finite value of ``arr`` and its frame (``start`` + index); (None, None) if none."""
    a = np.asarray(arr, float)
    if not np.isfinite(a).any():
        return None, None
    k = int(np.nanargmax(a))
    return float(a[k]), start + k


def value_range(arr: np.ndarray) -> float | None:
    """Peak-to-trough of the finite values (None with fewer than two)."""
    a = np.asarray(arr, float)
    a = a[np.isfinite(a)]
    return float(a.max() - a.min()) if len(a) >= 2 else None


def nanmed(x) -> float | None:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    return float(np.median(x)) if len(x) else None


def iqr(x) -> float | None:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if len(x) < 4:
        return None
    q1, q3 = np.percentile(x, [25, 75])
    return float(q3 - q1)


def closest(frames: list[int], values: list[float], target: float | None) -> list[int]:
    """The frame whose value is closest to ``target`` (the evidence frame), as a list."""
    pairs = [(abs(v - target), f) for f, v in zip(frames, values)
             if target is not None and v is not None and np.isfinite(v)]
    return [f for _, f in sorted(pairs)[:1]]


# ----------------------------------------------------------------------------- strides
@dataclass
class Stride:
    """One initial contact with its toe-off, the same foot's next contact and the other
    foot's previous toe-off (any may be None), and its row of the per-stride table."""

    k: int
    ic: Event
    to: Event | None
    next_ic: Event | None
    prev_other_to: Event | None
    row: dict

    @property
    def foot(self) -> str:
        return self.ic.foot

    @property
    def s(self) -> str:
        """``"l"``/``"r"``: landmark prefix of the landing foot."""
        return self.ic.foot.lower()

    @property
    def i(self) -> int:
        return self.ic.frame


def strides(ev: GaitEvents, n_frames: int) -> list[Stride]:
    """One stride per IC with its matching TO, next IC of the same foot, previous TO of the
    other foot."""
    out = []
    ics = ev.ics
    for k, e in enumerate(ics):
        nxt_same = next((x for x in ics[k + 1:] if x.foot == e.foot), None)
        limit = nxt_same.frame if nxt_same else n_frames
        to = next((x for x in ev.tos if x.foot == e.foot and e.frame < x.frame < limit), None)
        other_to = [x for x in ev.tos if x.foot != e.foot and x.frame < e.frame]
        row = {"stride": k + 1, "foot": e.foot, "ic_frame": e.frame, "t": round(e.t, 3)}
        out.append(Stride(k, e, to, nxt_same, other_to[-1] if other_to else None, row))
    return out


# ----------------------------------------------------------------------------- context
class Context:
    """Everything a metric module measures from: the track, view, events, scale, the shared
    geometry (computed once, on first use), the per-stride values, and the results."""

    def __init__(self, track: Track, view: ViewResult, events: GaitEvents,
                 height_cm: float | None, by_id: dict[str, Metric],
                 speed_mps: float | None = None, audio: AudioTrack | None = None,
                 audio_note: str = ""):
        self.tr, self.view, self.ev = track, view, events
        self.speed = speed_mps  # the runner's treadmill speed (m/s), None when not given
        self.height_cm = height_cm
        # the clip's sound (core.audio) on the video timeline; ``audio_note``: why a clip's
        # sound cannot be used even though it has one (e.g. slow motion)
        self.audio, self.audio_note = audio, audio_note
        self.by_id = by_id
        self.L = track.leg_length_px()
        self.cm_per_L = height_cm * LEG_PER_HEIGHT if height_cm else None
        self.fps = track.fps
        self.results: list[MetricResult] = []
        self.nm: list[dict] = []
        self.view_conf = view.confidence
        from ..quality import in_view_fractions
        self.in_view = in_view_fractions(track)
        self.fwd = 1.0 if view.facing != "left" else -1.0
        self.vals: dict[str, dict[str, list[float]]] = {}
        self.frames: dict[str, dict[str, list[int]]] = {}
        self.strides: list[Stride] = []
        self._memo: dict = {}

    # ------------------------------------------------------------ shared geometry
    @cached_property
    def pelvis(self) -> np.ndarray:
        return self.tr.mid("l_hip", "r_hip")

    @cached_property
    def shoulders(self) -> np.ndarray:
        return self.tr.mid("l_shoulder", "r_shoulder")

    @cached_property
    def trunk(self) -> np.ndarray:
        """Side view: hip->shoulder line from vertical, forward positive (deg, per frame)."""
        return from_vertical_deg(self.shoulders, self.pelvis, self.fwd)

    @cached_property
    def P(self) -> dict[str, dict[str, np.ndarray]]:
        """Leg points per side: ``P["l"]["ankle"]``."""
        return {s: {k: self.tr.p(f"{s}_{k}") for k in ("hip", "knee", "ankle", "heel", "toe")}
                for s in "lr"}

    @cached_property
    def knee_flex(self) -> dict[str, np.ndarray]:
        """180 - hip-knee-ankle angle, per side (deg, per frame)."""
        P = self.P
        return {s: 180 - angle_deg(P[s]["hip"], P[s]["knee"], P[s]["ankle"]) for s in "lr"}

    @cached_property
    def thigh(self) -> dict[str, np.ndarray]:
        """Angle of hip->knee from vertical, forward positive (knee ahead of hip), per side."""
        P, fwd = self.P, self.fwd
        return {s: np.degrees(np.arctan2(fwd * (P[s]["knee"][:, 0] - P[s]["hip"][:, 0]),
                                         P[s]["knee"][:, 1] - P[s]["hip"][:, 1])) for s in "lr"}

    @cached_property
    def near_arm(self) -> str:
        """``"l"``/``"r"``: the arm nearer the camera (the more visible elbow and wrist)."""
        vis = self.tr.vis
        left = np.nanmean(vis[:, L_ELBOW] + vis[:, L_WRIST])
        return "l" if left >= np.nanmean(vis[:, R_ELBOW] + vis[:, R_WRIST]) else "r"

    @cached_property
    def side_vis(self) -> dict[str, float]:
        """``{"L": v, "R": v}``: how well each leg is seen (median over the detected frames of
        its knee and ankle visibility, see :data:`SIDE_VIS_MIN`; :func:`core.view.leg_visibility`)."""
        from ..view import leg_visibility

        return leg_visibility(self.tr)

    def sides_shown(self, left: float | None, right: float | None) -> tuple:
        """The per-side values a stride metric may show: a side whose leg is not seen well
        (:data:`SIDE_VIS_MIN`; in side view usually the far leg) is hidden (None), and with it
        the left/right difference. Returns (left, right, note for the caveat or "")."""
        weak = [f for f in ("L", "R") if self.side_vis[f] < SIDE_VIS_MIN]
        if not weak or (left is None and right is None):
            return left, right, ""
        names = {"L": "left", "R": "right"}
        far = " and ".join(names[f] for f in weak)
        where = "the far (" + far + ") leg" if self.view.view.startswith("side") and \
            len(weak) == 1 else "the " + far + " leg" + ("s" if len(weak) == 2 else "")
        # the pose model's visibility score is kept in extra, not said (jargon: UX review)
        note = (f"Left and right are not compared: {where} is partly hidden from the camera, "
                "so its own value is not reliable.")
        return (None if "L" in weak else left), (None if "R" in weak else right), note

    def memo(self, key, fn: Callable[[], object]):
        """``fn()`` computed once per clip under ``key`` (for a family's own geometry)."""
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]

    def pct(self, px) -> np.ndarray:
        return np.asarray(px, float) / self.L * 100.0

    # ------------------------------------------------------------ view and confidence
    def out_of_view(self, mid: str) -> str | None:
        """Why ``mid`` cannot be measured because landmarks it needs are out of the picture
        (None when all its :attr:`MetricSpec.needs` are in view in enough frames)."""
        for g in self.by_id[mid].spec.needs:
            frac = self.in_view.get(g, 1.0)
            if frac < MIN_IN_VIEW:
                if self.in_picture.get(g, 0.0) >= MIN_IN_VIEW:  # there, but not seen clearly
                    hint = GROUP_HIDDEN_HINT.get((g, self.view.view), "")
                    return (f"{GROUP_HIDDEN[g]} (seen clearly in {frac:.0%} of frames, "
                            f"{MIN_IN_VIEW:.0%} needed), and this measure needs them. "
                            f"{hint}").strip()
                return (f"{GROUP_MISSING[g]} (in view in {frac:.0%} of frames, "
                        f"{MIN_IN_VIEW:.0%} needed), and this measure needs them.")
        return None

    @cached_property
    def in_picture(self) -> dict[str, float]:
        """:func:`core.quality.in_view_fractions` counting points inside the picture whatever
        their visibility: a group inside it but poorly seen is hidden, not out of the picture."""
        from ..quality import in_view_fractions
        return in_view_fractions(self.tr, min_vis=0.0)

    @property
    def feet_in_view(self) -> bool:
        return self.in_view.get("feet", 1.0) >= MIN_IN_VIEW

    def conf(self, n: int, base: str = "high", min_n: int = 6) -> str:
        order = ["low", "medium", "high"]
        c = order.index(base)
        if n < min_n:
            c -= 1
        if n < 3:
            c = 0
        c = min(c, order.index(self.view_conf) if self.view_conf in order else 0)
        return order[max(c, 0)]

    # ------------------------------------------------------------ results
    def add(self, mid: str, value: float | None, *, caveat: str, confidence: str, n: int,
            left: float | None = None, right: float | None = None, spread: float | None = None,
            evidence: list[int] | None = None, status: str | None = None, display: str | None = None,
            extra: dict | None = None, band: tuple[str, str] | None = None,
            error: float | None = None) -> None:
        """Add ``mid``'s result. ``status`` and ``band`` (good, fix texts) replace the spec's
        own judgement and band texts where the metric judges against the runner's own band
        (cadence with a speed given). ``error``: this reading's error where it is worked out
        from the measures it is made of (vertical ratio), instead of the metric's
        :attr:`Metric.reading_error`, for the near-the-line mark."""
        spec = self.by_id[mid].spec
        if not spec.valid_for(self.view.view):
            return  # the contract does not allow it from this view (listed as not measured)
        hidden = self.out_of_view(mid)
        if hidden:
            self.missing(mid, hidden)
            return
        if value is None:
            self.missing(mid, "Not enough clean strides to measure it.")
            return
        from ..report import MetricResult
        value = float(value)
        # one rounding (spec.shown) for the number shown and the status judged
        st = status or spec.status(value)
        sides = side_difference(spec, left, right)
        value_cm = None
        if self.cm_per_L and spec.unit == "% leg":
            value_cm = round(value / 100 * self.cm_per_L, 1)
        if display is None:
            unit = {"% leg": "% of leg length", "deg": "\u00b0"}.get(spec.unit, spec.unit)
            display = f"{spec.fmt(value)}{unit}" if spec.unit == "deg" else f"{spec.fmt(value)} {unit}"
            if value_cm is not None:
                display += f" ({value_cm:.0f} cm)"
        if sides is not None and sides.status != "good" and st == "good" and spec.kind == "range":
            caveat = (caveat + " " if caveat else "") + f"Left and right: {sides.text}."
        # near a milder verdict's line: only where the spec's own bands judged it (not the
        # runner's own band, e.g. cadence with a speed given)
        near = None
        if status is None and error is not None:
            nl = spec.near_line(value, error)
            near = None if nl is None else {"edge": nl.edge, "error": nl.error,
                                            "milder": nl.milder}
        elif status is None:
            near = self.by_id[mid].near_line(value, self.fps)
        self.results.append(MetricResult(
            id=mid, label=spec.label, area=spec.area, unit=spec.unit, value=value,
            display=display, status=st, confidence=confidence, caveat=caveat,
            band_good=band[0] if band else spec.good, band_fix=band[1] if band else spec.fix,
            left=left, right=right,
            asymmetry_pct=sides.value if sides is not None and sides.unit == "%" else None,
            side_diff=None if sides is None else {"value": sides.value, "unit": sides.unit,
                                                  "status": sides.status, "text": sides.text},
            spread=spread, n=n, value_cm=value_cm, evidence_frames=list(evidence or []),
            extra=dict(extra or {}), near_line=near))

    def missing(self, mid: str, reason: str) -> None:
        spec = self.by_id[mid].spec
        reason = self.out_of_view(mid) or reason  # the first reason: landmarks out of view
        if spec.valid_for(self.view.view) and all(m["id"] != mid for m in self.nm):
            self.nm.append({"id": mid, "label": spec.label, "area": spec.area, "reason": reason})

    # ------------------------------------------------------------ per-stride values
    def put(self, mid: str, st: Stride, val, frame: int | None = None) -> None:
        """Keep ``val`` of stride ``st`` for metric ``mid`` (and in its table column)."""
        if val is None or not np.isfinite(val):
            return
        foot = st.foot
        self.vals.setdefault(mid, {"L": [], "R": []})[foot].append(float(val))
        self.frames.setdefault(mid, {"L": [], "R": []})[foot].append(
            int(st.i if frame is None else frame))
        col = self.by_id[mid].column
        if col:
            st.row[col] = round(float(val), 1)

    def both(self, mid: str) -> list[float]:
        v = self.vals.get(mid, {"L": [], "R": []})
        return v["L"] + v["R"]

    def side(self, mid: str, foot: str) -> float | None:
        return nanmed(self.vals.get(mid, {}).get(foot, []))

    @property
    def held_back(self) -> bool:
        """Too few frames per second to time foot contacts (timing metrics held back)."""
        return self.fps < MIN_TIMING_FPS

    def held_reason(self) -> str:
        return (f"Only {self.fps:.0f} frames per second were analysed: too few to time foot "
                "contacts. Film (or stream) at 30 fps or more.")

    def stride_median(self, mid: str, caveat: str, base: str = "high", seen_only: bool = False,
                      sides: bool = True, **kw) -> None:
        """Add ``mid`` as the median of its stride values over both feet (with the per-side
        medians, spread and the stride closest to the median as evidence). ``seen_only``:
        when one leg is seen well and the other not (:data:`SIDE_VIS_MIN`, in side view the far
        leg), the median is the well-seen leg's strides alone. ``sides=False``: no per-side
        medians (a stride value that is not one leg's: the bounce over a stride from either
        foot's contact takes in both steps)."""
        if self.by_id[mid].timing and self.held_back:
            self.missing(mid, self.held_reason())
            return
        fr = self.frames.get(mid, {"L": [], "R": []})
        feet = ("L", "R")
        if seen_only:
            seen = tuple(f for f in feet if self.side_vis[f] >= SIDE_VIS_MIN)
            if len(seen) == 1 and self.vals.get(mid, {}).get(seen[0]):
                feet = seen
                caveat = (caveat + " " if caveat else "") + (
                    f"Read on the {'left' if seen[0] == 'L' else 'right'} leg, the one the "
                    "camera sees well.")
            elif len(seen) == 1:  # only the poorly seen leg has values: say so, trust less
                base = "low"
                caveat = (caveat + " " if caveat else "") + (
                    "Read on the leg the camera sees poorly (the other had no clear "
                    "strides), so this is a rough value.")
        vals = [x for f in feet for x in self.vals.get(mid, {}).get(f, [])]
        v = nanmed(vals)
        evidence = closest([x for f in feet for x in fr.get(f, [])], vals, v)
        if evidence:  # which foot the evidence frame shows, for the drawing
            foot = feet[0] if len(feet) == 1 else "L" if evidence[0] in fr["L"] else "R"
            kw["extra"] = dict(kw.get("extra") or {}, evidence_foot=foot)
        left, right = (self.side(mid, "L"), self.side(mid, "R")) if sides else (None, None)
        if sides:  # any per-side value, judged or not (duty factor, flight time, hips behind)
            left, right, note = self.sides_shown(left, right)
            if note:
                caveat = (caveat + " " if caveat else "") + note
                kw["extra"] = dict(kw.get("extra") or {}, side_visibility={
                    f: round(v, 2) for f, v in self.side_vis.items()})
        self.add(mid, v, caveat=caveat, confidence=self.conf(len(vals), base), n=len(vals),
                 left=left, right=right, spread=iqr(vals), evidence=evidence, **kw)

    def clip_median(self, mid: str, series: np.ndarray, ok: np.ndarray, caveat: str,
                    base: str = "high", with_spread: bool = True, **kw) -> None:
        """Add ``mid`` as the median of a per-frame ``series`` over the frames ``ok``, with the
        frame closest to it as evidence (confidence from the number of frames / 10)."""
        v = nanmed(series[ok])
        fr = np.flatnonzero(ok)
        self.add(mid, v, caveat=caveat, confidence=self.conf(int(ok.sum()) // 10, base),
                 n=int(ok.sum()), spread=iqr(series[ok]) if with_spread else None,
                 evidence=closest(list(fr), list(series[fr]), v), **kw)


# ----------------------------------------------------------------------------- engine
@dataclass
class MetricsOutput:
    results: list[MetricResult]
    strides: list[dict]
    series: dict
    not_measured: list[dict] = field(default_factory=list)
    feet_in_view: bool = True  # False: foot contacts are guesses and must not be shown


def run(registry: tuple[Metric, ...], track: Track, view: ViewResult, events: GaitEvents,
        height_cm: float | None = None, speed_mps: float | None = None,
        audio: AudioTrack | None = None, audio_note: str = "") -> MetricsOutput:
    """Every metric of ``registry`` valid for the view: one pass over the strides (the
    per-stride table), then each metric's summary, then the chart channels. ``speed_mps``:
    the runner's treadmill speed (stride length, vertical ratio, their own cadence band);
    ``audio``: the clip's sound, for ``landing_sound`` (None: no sound track)."""
    by_id = {m.id: m for m in registry}
    ctx = Context(track, view, events, height_cm, by_id, speed_mps, audio, audio_note)
    valid = [m for m in registry if m.spec.valid_for(view.view)]
    rows: list[dict] = []
    per_stride = [m for m in valid if m.stride is not None]
    if per_stride:
        ctx.strides = strides(events, track.n)
        for st in ctx.strides:
            for m in per_stride:
                out = m.stride(ctx, st)
                val, frame = out if isinstance(out, tuple) else (out, None)
                ctx.put(m.id, st, val, frame)
            rows.append(st.row)
    for m in valid:
        if m.held_back:
            ctx.missing(m.id, m.held_back)
        elif m.summarise is not None:
            m.summarise(ctx)
    series = {ch.name: ch.compute(ctx) for m in registry for ch in m.channels
              if view.view in (ch.views or m.spec.views) or "any" in (ch.views or m.spec.views)}
    if not ctx.feet_in_view:  # contacts of feet out of the picture are guesses: no strides,
        rows = []  # and no charts of the legs or of anything scaled by leg length
        legs = {ch.name for m in registry for ch in m.channels if ch.legs}
        series = {k: v for k, v in series.items() if k not in legs}
    measured = {r.id for r in ctx.results} | {m["id"] for m in ctx.nm}
    for m in registry:
        spec = m.spec
        if spec.id in measured:
            continue
        if spec.valid_for(view.view):
            reason = ctx.out_of_view(spec.id) or "Not enough clean strides to measure it."
        else:
            reason = f"Needs a {' or '.join(spec.views)} view (this clip: {view.view})."
        ctx.nm.append({"id": spec.id, "label": spec.label, "area": spec.area, "reason": reason})
    return MetricsOutput(ctx.results, rows, series, ctx.nm, feet_in_view=ctx.feet_in_view)
