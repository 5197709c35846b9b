"""The report: one versioned, JSON-serialisable object that the UI, the store and the CLI share.

A report is a plain ``dict`` (what :func:`json.dumps` writes and the store keeps) built from the
dataclasses below. Its top-level keys (schema ``REPORT_VERSION``):

``version``     schema version string.
``created``     ISO-8601 UTC time of the analysis.
``engine``      engine version.
``status``      ``"ok"`` (all checks passed), ``"limited"`` (report with warnings: some metrics
                held back) or ``"refused"`` (capture gate failed: no scores, only reasons).
``source``      :class:`SourceInfo` as a dict: file name, size, duration, fps, resolution,
                rotation, capture fps and time scale.
``options``     what the runner asked for: ``height_cm``, ``view`` override, ``capture_fps``.
``quality``     :class:`Quality`: ``ok``, ``summary``, ``checks`` (list of :class:`QualityCheck`)
                and ``tips`` on how to film better.
``view``        :class:`ViewInfo`: ``view`` (side/front/back/unsure), ``facing`` (left/right/None),
                ``confidence``, ``source`` (auto/user), ``detail``.
``events``      ``initial_contacts`` and ``toe_offs``: lists of :class:`GaitEvent` dicts.
``strides``     per-stride table: list of flat dicts (one row per initial contact) with
                ``foot``, ``ic_frame``, ``t`` and one column per per-stride metric.
``series``      time series for charts: ``t`` (s), ``frame`` and ``channels`` ({name: list of
                float|None}), ``units`` ({name: unit}).
``metrics``     list of :class:`MetricResult` dicts (only metrics valid for the view and
                measured).
``not_measured`` list of ``{"id", "label", "area", "reason"}`` for the contract's other metrics
                (wrong view, too few strides, or the landmarks they need out of the picture).
``findings``    :class:`Findings`: ``overall`` and ``areas`` scores, up to three ranked ``fixes``
                (every area rated "work on this" has one), ``more_fixes`` (the advice for every
                other judged problem, ranked on) and ``strengths``.
``media``       ``evidence`` ({metric id: relative path}), ``evidence_frames`` ({metric id:
                frame}), ``video`` (relative path or None; none for a refused clip),
                ``video_frames`` (clip frame shown by each video frame), ``thumbnail`` and
                ``thumbnail_frame``, ``face_boxes`` ({frame: [x0, y0, x1, y1]} for blurring
                faces when sharing); paths are relative to the media folder handed to the
                pipeline (or the store).
``disclaimer``  the training-aid sentence.

Numbers shown to a runner always come with ``confidence`` (high/medium/low) and a ``caveat``.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .landmarks import Track

REPORT_VERSION = "1.0"
ENGINE_VERSION = "0.1.0"

DISCLAIMER = (
    "FormCheck is a training aid, not a medical diagnosis. If something hurts, see a "
    "physiotherapist or sports doctor."
)


@dataclass
class SourceInfo:
    filename: str
    size_bytes: int
    duration_s: float  # real (capture) time analysed
    n_frames: int
    fps_nominal: float  # container frame rate
    fps_measured: float  # from presentation timestamps, real time
    variable_frame_rate: bool
    width: int  # working resolution (pixels of all landmarks)
    height: int
    orig_width: int
    orig_height: int
    rotation: int  # degrees applied to display the clip upright
    codec: str
    capture_fps: float | None = None  # as given by the runner for slow motion
    time_scale: float = 1.0  # real seconds per video second
    live: bool = False  # recorded in webcam mode

    @staticmethod
    def timing(track: Track) -> dict[str, Any]:
        """The timing fields (duration, frame count, measured fps, variable frame rate) of
        the analysed frames (``track.t``, real seconds), as keyword arguments."""
        dt = np.diff(track.t)
        dur = float(track.t[-1] - track.t[0]) if track.n > 1 else 0.0
        return {"duration_s": round(dur, 3), "n_frames": int(track.n),
                "fps_measured": round(track.fps, 3),
                "variable_frame_rate": bool(len(dt) > 1 and np.std(dt) > 0.1 * np.median(dt))}


@dataclass
class QualityCheck:
    id: str
    label: str
    passed: bool
    severity: str  # "fail" (refuses the report), "warn" (limits it) or "info"
    detail: str
    how_to_fix: str = ""
    value: float | None = None


@dataclass
class Quality:
    ok: bool
    summary: str
    checks: list[QualityCheck] = field(default_factory=list)
    tips: list[str] = field(default_factory=list)


@dataclass
class ViewInfo:
    view: str  # side | front | back | unsure
    facing: str | None  # left | right (side view only)
    confidence: str  # high | medium | low
    source: str = "auto"  # auto | user
    detail: str = ""
    auto_view: str | None = None  # what detection said, even when the user overrode it


@dataclass
class GaitEvent:
    frame: int
    t: float  # real seconds from the clip start
    foot: str  # "L" | "R"
    kind: str  # "IC" | "TO"


@dataclass
class MetricResult:
    id: str
    label: str
    area: str
    unit: str
    value: float | None  # headline value (median over strides / clip)
    display: str  # human text of the value, e.g. "172 steps/min" or "heel"
    status: str  # good | watch | fix | info
    confidence: str  # high | medium | low
    caveat: str
    band_good: str
    band_fix: str
    left: float | None = None
    right: float | None = None
    asymmetry_pct: float | None = None  # |L - R| / mean in %, only where a % means something
    # left/right difference as shown (core.spec.side_difference): {"value", "unit" ("%" or the
    # metric's unit), "status" (good/watch), "text" ("3° apart", "12 % uneven")}
    side_diff: dict[str, Any] | None = None
    spread: float | None = None  # interquartile range over strides
    n: int = 0  # strides / samples behind the value
    value_cm: float | None = None  # when a height was given and the unit is % leg
    evidence_frames: list[int] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Fix:
    rank: int
    id: str  # finding id, e.g. "overstriding"
    title: str
    area: str
    metrics: list[str]
    severity: str  # fix | watch
    confidence: str
    seen: str  # what we saw, with the numbers
    why: str
    cue: str
    drill: dict[str, str]  # {"name", "how", "dose"}
    evidence_frame: int | None = None
    evidence_key: str | None = None  # key into report["media"]["evidence"]


@dataclass
class AreaScore:
    area: str
    label: str
    score: int | None  # 0-100, None when nothing in the area could be measured
    status: str  # good | watch | fix | info
    top_metric: str | None  # metric id that drives the area
    summary: str


@dataclass
class Findings:
    overall_score: int | None
    overall_status: str
    areas: list[AreaScore]
    fixes: list[Fix]
    strengths: list[str]
    more_fixes: list[Fix] = field(default_factory=list)  # every other judged problem's advice


def to_jsonable(obj: Any) -> Any:
    """Dataclasses, numpy scalars and arrays to plain JSON types (NaN -> None)."""
    import math

    if hasattr(obj, "__dataclass_fields__"):
        return to_jsonable(asdict(obj))
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return None if math.isnan(f) or math.isinf(f) else f
    return obj


def dumps(report: dict) -> str:
    """Serialise a report dict to JSON text."""
    return json.dumps(to_jsonable(report), indent=1, allow_nan=False)


def loads(text: str) -> dict:
    """Parse report JSON, checking that it is a FormCheck report of a known major version."""
    data = json.loads(text)
    if not isinstance(data, dict) or "version" not in data:
        raise ValueError("not a FormCheck report")
    if str(data["version"]).split(".")[0] != REPORT_VERSION.split(".")[0]:
        raise ValueError(f"report version {data['version']} is not supported")
    return data


def strides_csv(report: dict) -> str:
    """The per-stride table as CSV text (header from the union of row keys)."""
    import csv
    import io

    rows = report.get("strides") or []
    cols: list[str] = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols or ["stride"])
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in cols})
    return buf.getvalue()
