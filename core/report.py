"""The report: one versioned, JSON-serialisable object that the UI, the store and the CLI share.

In code a report is a :class:`Report` (dataclasses below); on disk and in the store it is the
plain ``dict`` of :meth:`Report.to_json` (what :func:`json.dumps` writes).
:meth:`Report.from_json` (and :func:`load_report` for code that keeps dicts) checks the
version and migrates reports stored by earlier versions (:data:`MIGRATIONS`). Media paths
are read through one type, :class:`Media` (``Media.of(report_dict)``). Top-level keys
(schema ``REPORT_VERSION``):

``version``     schema version string.
``created``     ISO-8601 UTC time of the analysis.
``engine``      engine version.
``status``      ``"ok"`` (all checks passed), ``"limited"`` (report with warnings: some metrics
                held back) or ``"refused"`` (capture gate failed: no scores, only reasons).
``source``      :class:`SourceInfo` as a dict: file name, size, duration, fps, resolution,
                rotation, capture fps and time scale.
``options``     :class:`Options`, what the runner asked for: ``height_cm``, ``length_unit``
                (cm or in), ``view`` override, ``capture_fps``.
``quality``     :class:`Quality`: ``ok``, ``summary``, ``checks`` (list of :class:`QualityCheck`)
                and ``tips`` on how to film better.
``view``        :class:`ViewInfo`: ``view`` (side/front/back/unsure), ``facing`` (left/right/None),
                ``confidence``, ``source`` (auto/user), ``detail``.
``events``      :class:`Events`: ``initial_contacts`` and ``toe_offs`` (lists of
                :class:`GaitEvent`), ``method``, ``cadence_events``, ``cadence_spectral``.
``strides``     per-stride table: list of flat dicts (one row per initial contact) with
                ``foot``, ``ic_frame``, ``t`` and one column per per-stride metric.
``series``      :class:`Series`, time series for charts: ``t`` (s), ``frame`` and ``channels`` ({name: list of
                float|None}), ``units`` ({name: unit}).
``metrics``     list of :class:`MetricResult` dicts (only metrics valid for the view and
                measured).
``not_measured`` list of ``{"id", "label", "area", "reason"}`` for the contract's other metrics
                (wrong view, too few strides, or the landmarks they need out of the picture).
``findings``    :class:`Findings`: ``overall`` and ``areas`` scores, up to three ranked ``fixes``
                (every area rated "work on this" has one), ``more_fixes`` (the advice for every
                other judged problem, ranked on) and ``strengths``.
``media``       :class:`Media`: ``evidence`` ({metric id: relative path}), ``evidence_frames`` ({metric id:
                frame}), ``video`` (relative path or None; none for a refused clip),
                ``video_frames`` (clip frame shown by each video frame), ``thumbnail`` and
                ``thumbnail_frame``, ``face_boxes`` ({frame: [x0, y0, x1, y1]} for blurring
                faces when sharing), the good-form reference (``phases``, ``reference``,
                or ``reference_note``: why a scored clip has none); paths are relative to the
                media folder handed to the pipeline (or the store).
``profile``     :class:`Profile` or None: what the runner told us about themselves (sex,
                speed and how it was given, experience; height stays in ``options``).
``segments``    :class:`Segments` or None (reports before 1.2): the clip's continuous stretches
                (cuts, zoom changes, pace changes; :mod:`core.segments`), which seconds were
                analysed (``analysed_start_s`` / ``analysed_end_s``, the whole clip when
                ``whole``) and each stretch's steps and cadence.
``session``     :class:`SessionInfo` or None (reports before 1.3, and every one-clip report): the
                clips of one session merged into this report (:mod:`core.session`): each clip's
                file, view, status and which metrics it gave; each metric then names its clip
                in ``source_clip``, and a clip's media sit under its own folder (``c2/...``)
                with its frame numbers offset by ``frame_offset`` so nothing collides.
``cleaning``    what landmark cleaning did (swaps fixed, outliers, leg length, cut-off).
``disclaimer``  the training-aid sentence.

Numbers shown to a runner always come with ``confidence`` (high/medium/low) and a ``caveat``.
"""
from __future__ import annotations

import json
import math
import types
import typing
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .landmarks import Track

REPORT_VERSION = "1.4"  # 1.1: side_diff, findings.more_fixes, options.length_unit; 1.2: profile,
#                         segments; 1.3: session, metrics' source_clip; 1.4: metrics' near_line
#                         (see MIGRATIONS)
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
    source_clip: str | None = None  # 1.3: key of the session clip it came from (None: one clip)
    # 1.4: a watch/fix verdict within the metric's reading error of a milder one's line:
    # {"edge", "error" (both in the unit), "milder": "good" | "watch"} (core.spec.NearLine)
    near_line: dict[str, Any] | None = None


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


@dataclass
class Options:
    """What the runner asked for (core.pipeline.AnalysisOptions' part kept in the report)."""

    height_cm: float | None = None
    length_unit: str = "cm"  # how the runner gave their height: "cm" or "in"
    view: str = "auto"
    capture_fps: float | None = None


@dataclass
class Profile:
    """The runner's optional profile, kept with the report (height is ``Options.height_cm``).

    ``speed_mps``: treadmill speed in m/s, however it was entered; ``speed_given``: how the
    runner gave it (``"km/h"``, ``"mph"``, ``"min/km"``, ``"m/s"``) so it is shown back the same way;
    ``sex``: ``"female"`` / ``"male"`` / None (stored, not used to change any band);
    ``experience``: ``"new"`` (under a year), ``"regular"`` (1-3 years), ``"experienced"``
    (more) or None: sets how gently the plan (:mod:`core.plan`) starts."""

    speed_mps: float | None = None
    speed_given: str = "m/s"
    sex: str | None = None
    experience: str | None = None

    @property
    def empty(self) -> bool:
        return self.speed_mps is None and self.sex is None and self.experience is None


@dataclass
class Events:
    initial_contacts: list[GaitEvent] = field(default_factory=list)
    toe_offs: list[GaitEvent] = field(default_factory=list)
    method: str = ""
    cadence_events: float | None = None  # steps/min from the contacts
    cadence_spectral: float | None = None  # steps/min from the hips' bounce


@dataclass
class SegmentInfo:
    """One continuous stretch of the clip (:class:`core.segments.Segment` as stored)."""

    start_s: float
    end_s: float
    kind: str  # what began it: start, cut, jump, zoom, gap, return, pace
    reason: str  # the same in words
    steps: int  # foot contacts in it (basis "hips": steps of the hips' rhythm)
    cadence_spm: float | None
    steady: bool
    analysed: bool = False
    basis: str = "contacts"  # contacts | hips | none


@dataclass
class Segments:
    """Which seconds of the clip the report describes, and the clip's other stretches."""

    whole: bool  # one continuous stretch: the whole clip was analysed
    analysed_start_s: float | None
    analysed_end_s: float | None
    items: list[SegmentInfo] = field(default_factory=list)
    note: str = ""  # one line for the runner


@dataclass
class SessionClip:
    """One clip of a session report (:mod:`core.session`).

    ``key``: the clip's name inside the report (``c1``, ``c2``...: the folder its media sit
    in, ``media_prefix``, when every clip has its own folder);
    ``frame_offset``: added to the clip's frame numbers in the merged media (evidence frames,
    face boxes), so the frames of two clips never share a number; ``metrics``: ids of the
    metrics taken from this clip."""

    key: str
    filename: str
    view: str  # side | front | back | unsure
    facing: str | None
    status: str  # ok | limited | refused
    summary: str  # the clip's capture-quality summary
    duration_s: float
    fps: float
    media_prefix: str = ""
    frame_offset: int = 0
    metrics: list[str] = field(default_factory=list)
    primary: bool = False  # the clip whose video, charts and strides timeline are shown


@dataclass
class SessionInfo:
    """The clips of one session merged into one report, and how they were merged."""

    clips: list[SessionClip] = field(default_factory=list)
    rule: str = ""  # the merge rule in words (shown on the report)

    def clip(self, key: str | None) -> SessionClip | None:
        return next((c for c in self.clips if c.key == key), None)


@dataclass
class Series:
    t: list[float] = field(default_factory=list)
    frame: list[int] = field(default_factory=list)
    channels: dict[str, list[float | None]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)


Box = list  # [x0, y0, x1, y1] in pixels of the working resolution


@dataclass
class Media:
    """The report's pictures and video, named relative to its media folder.

    The one reader of ``report["media"]``: :meth:`of` decodes any stored shape (missing or
    malformed parts read as empty), :meth:`files` lists every file it names (what a store
    copies and serves), :meth:`evidence_for` and :meth:`face_box` answer by metric and frame.
    """

    evidence: dict[str, str] = field(default_factory=dict)  # metric id -> relative path
    evidence_frames: dict[str, int] = field(default_factory=dict)  # metric id -> clip frame
    video: str | None = None  # annotated video (none for a refused clip or a viewer without it)
    thumbnail: str | None = None
    face_boxes: dict[str, Box] = field(default_factory=dict)  # str(frame) -> head box
    thumbnail_frame: int | None = None
    video_frames: list[int] | None = None  # clip frame shown by each video frame
    phases: dict | None = None  # landmarks at contact / midstance / toe-off (core.reference)
    reference: dict | None = None  # the good-form reference runner's settings (core.reference)
    # evidence key -> [x0, y0]: where a still cropped to the runner starts in its frame
    # (core.annotate.evidence_still); a shared copy blurs the frame's face box shifted by it.
    # Missing: the still is the whole frame (every still before crops, the reference stills)
    evidence_offsets: dict[str, list[int]] = field(default_factory=dict)
    # thumbnail pixels per frame pixel (the thumbnail is the frame made smaller): a shared
    # copy scales the frame's face box by it. None (reports before it): a shared copy that
    # blurs faces leaves the thumbnail out, as it cannot place the blur
    thumbnail_scale: float | None = None
    # a session's other clips' annotated videos: clip key (core.session) -> relative path.
    # The owner's report only: a shared copy names none (their faces are not blurred)
    other_videos: dict[str, str] = field(default_factory=dict)
    # why a scored report has no good-form reference stills (core.reference: no clean stride,
    # a view it cannot draw, a drawing that failed); None when it has them or for a refused
    # clip (and in reports before it: the page then says nothing, as it did)
    reference_note: str | None = None

    @classmethod
    def of(cls, report_or_media: dict | None) -> "Media":
        """The media of a report dict (or a bare media dict); never raises."""
        m = report_or_media or {}
        if isinstance(m, dict) and "media" in m and "evidence" not in m:
            m = m.get("media") or {}
        if not isinstance(m, dict):
            m = {}

        def mapping(v: Any) -> dict:
            return dict(v) if isinstance(v, dict) else {}

        ev = {str(k): v for k, v in mapping(m.get("evidence")).items() if isinstance(v, str)}
        evf = {str(k): int(v) for k, v in mapping(m.get("evidence_frames")).items()
               if isinstance(v, (int, float)) and not isinstance(v, bool)}
        vf = m.get("video_frames")
        tf = m.get("thumbnail_frame")
        offs = {str(k): [int(v[0]), int(v[1])] for k, v in mapping(m.get("evidence_offsets")).items()
                if isinstance(v, (list, tuple)) and len(v) == 2
                and all(isinstance(x, (int, float)) and not isinstance(x, bool)
                        and math.isfinite(x) for x in v)}
        ts = m.get("thumbnail_scale")
        ts = float(ts) if isinstance(ts, (int, float)) and not isinstance(ts, bool) \
            and math.isfinite(ts) and ts > 0 else None
        return cls(ev, evf, m.get("video") if isinstance(m.get("video"), str) else None,
                   m.get("thumbnail") if isinstance(m.get("thumbnail"), str) else None,
                   {str(k): v for k, v in mapping(m.get("face_boxes")).items()},
                   int(tf) if isinstance(tf, (int, float)) and not isinstance(tf, bool) else None,
                   [int(x) for x in vf] if isinstance(vf, list) else None,
                   m.get("phases") if isinstance(m.get("phases"), dict) else None,
                   m.get("reference") if isinstance(m.get("reference"), dict) else None,
                   offs, ts,
                   {str(k): v for k, v in mapping(m.get("other_videos")).items()
                    if isinstance(v, str)},
                   m.get("reference_note") if isinstance(m.get("reference_note"), str) else None)

    def files(self) -> list[str]:
        """Every file named (evidence stills, video, thumbnail, a session's other clips'
        videos), each once, in that order."""
        refs = [*self.evidence.values(), self.video, self.thumbnail, *self.other_videos.values()]
        return list(dict.fromkeys(r for r in refs if r))

    def evidence_for(self, metric_id: str) -> tuple[str | None, int | None]:
        """(relative path, clip frame) of a metric's evidence still."""
        return self.evidence.get(metric_id), self.evidence_frames.get(metric_id)

    def offset_of(self, key: str) -> tuple[int, int]:
        """Where evidence still ``key`` starts in its frame ((0, 0): the whole frame)."""
        o = self.evidence_offsets.get(key)
        return (int(o[0]), int(o[1])) if o else (0, 0)

    def face_boxes_by_frame(self) -> dict[int, Box]:
        """Head boxes keyed by ``int`` clip frame (malformed keys dropped)."""
        out: dict[int, Box] = {}
        for k, v in self.face_boxes.items():
            try:
                out[int(k)] = v
            except (TypeError, ValueError):
                continue
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (``thumbnail_frame`` / ``video_frames`` only when known)."""
        d: dict[str, Any] = {"evidence": dict(self.evidence),
                             "evidence_frames": dict(self.evidence_frames), "video": self.video,
                             "thumbnail": self.thumbnail, "face_boxes": dict(self.face_boxes)}
        if self.thumbnail_frame is not None:
            d["thumbnail_frame"] = self.thumbnail_frame
        if self.video_frames is not None:
            d["video_frames"] = list(self.video_frames)
        if self.phases is not None:
            d["phases"] = self.phases
        if self.reference is not None:
            d["reference"] = self.reference
        if self.evidence_offsets:
            d["evidence_offsets"] = {k: list(v) for k, v in self.evidence_offsets.items()}
        if self.thumbnail_scale is not None:
            d["thumbnail_scale"] = self.thumbnail_scale
        if self.other_videos:
            d["other_videos"] = dict(self.other_videos)
        if self.reference_note is not None:
            d["reference_note"] = self.reference_note
        return d


def to_jsonable(obj: Any) -> Any:
    """Dataclasses, numpy scalars and arrays to plain JSON types (NaN -> None)."""
    if isinstance(obj, Media):
        return to_jsonable(obj.to_dict())
    if isinstance(obj, Report):
        return obj.to_json()
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


def session_clips(report: dict) -> list[dict]:
    """A session report's clips (dicts as stored; [] for a report of one clip)."""
    clips = (report.get("session") or {}).get("clips") or []
    return [c for c in clips if isinstance(c, dict)]


def this_clip(report: dict, counted: bool = False) -> str:
    """"this clip", or for a session report "these clips" ("these 2 clips" when
    ``counted``): the report page, the plan and the CLI said "this clip" over a side + back
    session (review, 3 Dec)."""
    n = len(session_clips(report))
    if n < 2:
        return "this clip"
    return f"these {n} clips" if counted else "these clips"


def strides_csv(report: dict) -> str:
    """The per-stride table as CSV text (header from the union of row keys), with a
    ``leg_seen`` column where the report knows how well each leg was seen: "partly hidden"
    for a leg under :data:`core.metrics.base.SIDE_VIS_MIN` (in side view the far leg, whose
    values the report calls not reliable; the CSV gave them unmarked: review, 2 Dec)."""
    import csv
    import io

    from .metrics.base import SIDE_VIS_MIN

    rows = report.get("strides") or []
    src = next((m for m in report.get("metrics") or []
                if isinstance(m, dict) and isinstance(m.get("extra"), dict)
                and isinstance(m["extra"].get("side_visibility"), dict)), None)
    if src is not None:
        seen = {f: ("partly hidden" if isinstance(v, (int, float)) and v < SIDE_VIS_MIN
                    else "well") for f, v in src["extra"]["side_visibility"].items()}
        # in a session, only the rows of the clip the visibility was read on (its back
        # clip's rows are another camera's: code review, 2 Dec)
        clip = src.get("source_clip")
        rows = [{**r, "leg_seen": seen.get(r.get("foot"), "")
                 if clip is None or r.get("clip") in (None, clip) else ""} for r in rows]
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


# ----------------------------------------------------------------------------- the typed report
class ReportVersionError(ValueError):
    """Not a FormCheck report, or one of a version this code cannot read."""


@dataclass
class Report:
    version: str
    created: str
    engine: str
    status: str  # ok | limited | refused
    source: SourceInfo
    options: Options
    quality: Quality
    view: ViewInfo
    events: Events
    strides: list[dict[str, Any]]
    series: Series
    metrics: list[MetricResult]
    not_measured: list[dict[str, Any]]
    findings: Findings
    media: Media
    cleaning: dict[str, Any] = field(default_factory=dict)
    segments: Segments | None = None
    disclaimer: str = DISCLAIMER
    profile: Profile | None = None  # 1.2: the runner's optional profile
    session: SessionInfo | None = None  # 1.3: several clips of one session (core.session)
    other: dict[str, Any] = field(default_factory=dict)  # keys of a newer minor version, kept

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON types, in the documented key order."""
        out = {f.name: to_jsonable(getattr(self, f.name)) for f in fields(self) if f.name != "other"}
        out.update(to_jsonable(self.other))
        return out

    def dumps(self) -> str:
        return dumps(self.to_json())

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Report":
        """A stored report dict: version checked, migrated to :data:`REPORT_VERSION`, typed.

        Raises :class:`ReportVersionError` for anything that is not a FormCheck report of a
        major version this code knows."""
        data = load_report(data)
        names = {f.name for f in fields(cls)}
        kw = {k: _typed(_HINTS[k], v) for k, v in data.items() if k in names and k != "other"}
        kw["other"] = {k: v for k, v in data.items() if k not in names}
        kw.setdefault("media", Media())
        kw["media"] = Media.of(data.get("media"))
        return cls(**kw)


def _migrate_1_0(d: dict[str, Any]) -> dict[str, Any]:
    """1.0 -> 1.1: reports stored before left/right differences were shown as such
    (``side_diff``; ``asymmetry_pct`` only for a % that means something), before the advice
    for every other judged problem (``findings.more_fixes``) and before the length unit
    (``options.length_unit``)."""
    from .spec import BY_ID, side_difference

    for m in d.get("metrics") or []:
        if not isinstance(m, dict) or "side_diff" in m:
            continue
        spec = BY_ID.get(m.get("id"))
        sides = side_difference(spec, m.get("left"), m.get("right")) if spec else None
        m["side_diff"] = None if sides is None else {
            "value": sides.value, "unit": sides.unit, "status": sides.status, "text": sides.text}
        m["asymmetry_pct"] = sides.value if sides is not None and sides.unit == "%" else None
    if isinstance(d.get("findings"), dict):
        d["findings"].setdefault("more_fixes", [])
    if isinstance(d.get("options"), dict):
        d["options"].setdefault("length_unit", "cm")
    return d


def _migrate_1_1(d: dict[str, Any]) -> dict[str, Any]:
    """1.1 -> 1.2: reports stored before the runner profile (``profile``: None) and before
    clips were split into stretches (``segments``: None, i.e. the whole clip was analysed as
    one)."""
    d.setdefault("profile", None)
    d.setdefault("segments", None)
    return d


def _migrate_1_2(d: dict[str, Any]) -> dict[str, Any]:
    """1.2 -> 1.3: reports stored before several clips of one session could be merged: one
    clip (``session``: None; each metric's ``source_clip``: None)."""
    d.setdefault("session", None)
    for m in d.get("metrics") or []:
        if isinstance(m, dict):
            m.setdefault("source_clip", None)
    return d


def _migrate_1_3(d: dict[str, Any]) -> dict[str, Any]:
    """1.3 -> 1.4: reports stored before a verdict near its band's line was marked
    (``near_line``: None). They open as they were made: their findings were ranked without it,
    so it is not worked out afresh here."""
    for m in d.get("metrics") or []:
        if isinstance(m, dict):
            m.setdefault("near_line", None)
    return d


# from-version -> (to-version, migration); applied in turn until REPORT_VERSION
MIGRATIONS: dict[str, tuple[str, Any]] = {"1.0": ("1.1", _migrate_1_0),
                                          "1.1": ("1.2", _migrate_1_1),
                                          "1.2": ("1.3", _migrate_1_2),
                                          "1.3": ("1.4", _migrate_1_3)}


def load_report(data: Any) -> dict[str, Any]:
    """A stored report (dict or JSON text) in the current JSON shape: version checked and
    migrated (a deep copy; the argument is not changed). What a store calls on load.

    Raises :class:`ReportVersionError` for data that is not a FormCheck report, a version
    of another major number, or a newer minor version than this code (opened as is: its
    extra keys are kept, so nothing is lost)."""
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except ValueError as e:
            raise ReportVersionError("not a FormCheck report") from e
    if not isinstance(data, dict) or "version" not in data:
        raise ReportVersionError("not a FormCheck report")
    version = str(data["version"])
    if version.split(".")[0] != REPORT_VERSION.split(".")[0]:
        raise ReportVersionError(f"report version {version} is not supported")
    d = json.loads(json.dumps(data))  # deep copy, plain JSON types
    while version in MIGRATIONS:
        version, step = MIGRATIONS[version]
        d = step(d)
        d["version"] = version
    return d


def _typed(tp: Any, v: Any) -> Any:
    """JSON value ``v`` as type ``tp`` (dataclasses built recursively; unknown keys of a
    dataclass dropped, missing ones left to their defaults)."""
    if v is None:
        return None
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _typed(inner[0], v) if len(inner) == 1 else v
    if is_dataclass(tp) and isinstance(v, dict):
        if tp is Media:
            return Media.of(v)
        hints = typing.get_type_hints(tp)
        return tp(**{f.name: _typed(hints[f.name], v[f.name]) for f in fields(tp) if f.name in v})
    if origin is list and isinstance(v, list):
        return [_typed(args[0], x) for x in v] if args else list(v)
    if origin is dict and isinstance(v, dict):
        return {k: _typed(args[1], x) for k, x in v.items()} if args else dict(v)
    return v


_HINTS = typing.get_type_hints(Report)
