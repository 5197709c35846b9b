"""The whole engine: clip in, report out.

    analyze(path, options, out_dir, progress) -> report dict
        one decode pass (frames, pose, clip statistics), then
        clean -> view -> events -> quality gate -> metrics -> findings -> media -> report.
    build_report(track, frames, source, options, clip, out_dir, progress) -> report dict
        everything after the pose stage; the webcam mode calls this with its recorded
        landmarks so a live session becomes the same report as an upload.

``progress(stage_label, fraction_0_to_1)`` is called often enough to drive a progress bar.
Media (evidence stills, annotated video, thumbnail) are written into ``out_dir`` and named
relative to it in ``report["media"]``. Raises :class:`core.errors.FormCheckError` for input
that cannot be analysed at all; a clip that decodes but fails the capture gate returns a
``status == "refused"`` report that says why.
"""
from __future__ import annotations

import dataclasses

import datetime as _dt
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from . import annotate
from .errors import FILMING_HINT, FormCheckError
from .events import detect_events
from .findings import area_scores, build_findings
from .landmarks import Track, clean, from_raw
from .metrics import compute_metrics
from .pose import MediaPipePose, PoseBackend
from .quality import ClipStats, assess
from .report import (DISCLAIMER, ENGINE_VERSION, REPORT_VERSION, Findings, SourceInfo,
                     to_jsonable)
from .video import MIN_SECONDS, iter_frames, probe
from .view import apply_override, detect_view

Progress = Callable[[str, float], None]
MAX_KEPT_FRAMES = 1800  # frames kept (as JPEG) for the annotated video and evidence stills
VIEW_CHOICES = ("auto", "side", "side_left", "side_right", "front", "back")


LENGTH_UNITS = ("cm", "in")  # how centimetre values are shown back to the runner


@dataclass
class AnalysisOptions:
    height_cm: float | None = None
    length_unit: str = "cm"  # how the runner gave their height: "cm", or "in" (feet + inches)
    view: str = "auto"  # one of VIEW_CHOICES
    capture_fps: float | None = None  # real capture rate of a slow-motion clip
    max_side: int = 960
    write_video: bool = True
    max_seconds: float = 60.0

    def validate(self) -> None:
        if self.view not in VIEW_CHOICES:
            raise FormCheckError("bad_option", f"Unknown view '{self.view}'.",
                                 f"Choose one of: {', '.join(VIEW_CHOICES)}.")
        if self.height_cm is not None and not (100 <= self.height_cm <= 230):
            raise FormCheckError("bad_option", "Height should be between 100 and 230 cm.",
                                 "Enter your height in centimetres, or leave it empty.")
        if self.length_unit not in LENGTH_UNITS:
            raise FormCheckError("bad_option", f"Unknown length unit '{self.length_unit}'.",
                                 "Give your height in cm or in feet and inches.")
        if self.capture_fps is not None and not (10 <= self.capture_fps <= 1000):
            raise FormCheckError("bad_option", "Capture frame rate should be 10-1000 fps.",
                                 "Enter the slow-motion rate your phone filmed at, e.g. 240.")


class FrameStore:
    """Decoded frames kept as JPEG bytes (every ``step``-th when a clip is very long)."""

    def __init__(self, n_est: int) -> None:
        self.step = max(1, math.ceil(n_est / MAX_KEPT_FRAMES)) if n_est else 1
        self.jpeg: dict[int, bytes] = {}

    def add(self, index: int, img: np.ndarray) -> None:
        if index % self.step == 0:
            ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 88])
            if ok:
                self.jpeg[index] = buf.tobytes()

    def nearest(self, index: int) -> int | None:
        if not self.jpeg:
            return None
        return min(self.jpeg, key=lambda k: abs(k - index))

    def get(self, index: int) -> np.ndarray | None:
        k = self.nearest(index)
        return None if k is None else cv2.imdecode(np.frombuffer(self.jpeg[k], np.uint8), cv2.IMREAD_COLOR)

    def indices(self) -> list[int]:
        return sorted(self.jpeg)


class ClipStatsCollector:
    """Brightness, scene cuts and background drift from 64-px thumbnails during decode."""

    def __init__(self) -> None:
        self.luma: list[float] = []
        self.prev: np.ndarray | None = None
        self.diffs: list[float] = []
        self.samples: list[np.ndarray] = []
        self.n = 0

    def add(self, img: np.ndarray) -> None:
        small = cv2.resize(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), (64, 36), interpolation=cv2.INTER_AREA)
        small = small.astype(np.float32)
        self.luma.append(float(small.mean()))
        if self.prev is not None:
            self.diffs.append(float(np.abs(small - self.prev).mean()))
        if self.n % 10 == 0:
            self.samples.append(small)
        self.prev = small
        self.n += 1

    def _drift_pct(self) -> float:
        """Largest background shift against the first frame, % of frame width (phase
        correlation on thumbnails: the static background dominates, the runner does not)."""
        if len(self.samples) < 2:
            return 0.0
        win = cv2.createHanningWindow((64, 36), cv2.CV_32F)
        ref = self.samples[0]
        shifts = []
        for s in self.samples[1:]:
            (dx, _dy), resp = cv2.phaseCorrelate(ref, s, win)
            shifts.append(abs(dx) / 64 * 100 if resp > 0.1 else 0.0)
        return float(np.percentile(shifts, 90))

    def stats(self) -> ClipStats:
        d = np.array(self.diffs) if self.diffs else np.zeros(1)
        base = float(np.median(d)) + 1e-3
        cuts = int(np.count_nonzero((d > 30) & (d > 6 * base)))
        return ClipStats(brightness=float(np.median(self.luma)) if self.luma else 0.0,
                         scene_cuts=cuts, camera_shift_pct=self._drift_pct())


def probe_second_person(frames: FrameStore, track: Track, n: int = 5) -> tuple[int, int]:
    """Hide the runner and look again: frames where another person is found / frames probed."""
    idx = [i for i in np.flatnonzero(track.detected) if i in frames.jpeg]
    if not idx:
        return 0, 0
    pick = [idx[int(k)] for k in np.linspace(0, len(idx) - 1, min(n, len(idx)))]
    found = 0
    probe_pose = MediaPipePose(static_image_mode=True, min_detection_confidence=0.6)
    try:
        for i in pick:
            img = frames.get(i)
            xy = track.xy[i]
            ok = np.all(np.isfinite(xy), axis=1)
            if img is None or not ok.any():
                continue
            x0, y0 = np.min(xy[ok], axis=0)
            x1, y1 = np.max(xy[ok], axis=0)
            pw, ph = 0.25 * (x1 - x0) + 10, 0.15 * (y1 - y0) + 10
            masked = img.copy()
            masked[max(0, int(y0 - ph)):int(y1 + ph), max(0, int(x0 - pw)):int(x1 + pw)] = 127
            lm = probe_pose.process(masked)
            if lm is None:
                continue
            h = np.ptp(lm[:, 1])
            if np.median(lm[:, 3]) > 0.7 and h > 0.35 * (y1 - y0):
                found += 1
    finally:
        probe_pose.close()
    return found, len(pick)


def analyze(path: str | Path, options: AnalysisOptions | None = None,
            out_dir: str | Path | None = None, progress: Progress | None = None,
            backend: PoseBackend | None = None) -> dict:
    """Analyse a clip file end to end (see module docstring)."""
    opts = options or AnalysisOptions()
    opts.validate()
    prog = progress or (lambda s, f: None)
    prog("Reading the video", 0.0)
    meta = probe(path)
    scale = 1.0
    if opts.capture_fps:
        scale = meta.fps_nominal / opts.capture_fps if meta.fps_nominal > 0 else 1.0
    fps_guess = meta.fps_nominal or 30.0
    frames = FrameStore(min(meta.n_frames_est or 10**9,
                            int(opts.max_seconds / max(scale, 1e-6) * fps_guess) + 1))
    stats = ClipStatsCollector()
    ts: list[float] = []
    lms: list[np.ndarray | None] = []
    pose = backend or MediaPipePose()
    n_est = max(1, min(meta.n_frames_est, int(opts.max_seconds / max(scale, 1e-6) * (meta.fps_nominal or 30)) + 1))
    size = (0, 0)
    decoded_all = True
    try:
        for fr in iter_frames(meta, max_side=opts.max_side, time_scale=scale,
                              max_seconds=opts.max_seconds):
            size = (fr.image.shape[1], fr.image.shape[0])
            ts.append(fr.t)
            lms.append(pose.process(fr.image, fr.t))
            frames.add(fr.index, fr.image)
            stats.add(fr.image)
            if fr.index % 5 == 0:
                prog("Finding the runner in each frame", min(0.8, 0.02 + 0.78 * fr.index / n_est))
    finally:
        if backend is None:
            pose.close()
    if meta.n_frames_est and len(ts) < 0.9 * min(meta.n_frames_est, n_est):
        decoded_all = False
    if len(ts) < 3 or (ts[-1] - ts[0]) < MIN_SECONDS:
        dur = (ts[-1] - ts[0]) if len(ts) > 1 else 0.0
        if not decoded_all:
            raise FormCheckError("truncated", "This video is damaged: only the first "
                                 f"{dur:.1f} s could be read.", "Export or upload the clip again.")
        raise FormCheckError("too_short", f"This clip is only {dur:.1f} s long.",
                             "We need at least 6 steady steps: film 10-20 s of running.")
    raw = from_raw(np.array(ts), lms, size[0], size[1])
    clip = stats.stats()
    clip.time_scale = scale
    clip.capture_fps_given = bool(opts.capture_fps)
    clip.decoded_all = decoded_all
    det = float(raw.detected.mean())
    if det < 0.2:
        if clip.brightness < 35:
            raise FormCheckError("too_dark", "This clip is too dark to see the runner.",
                                 "Film in daylight or a well-lit room, with the light behind the camera.")
        raise FormCheckError("no_person", "We could not find a runner in this clip.",
                             FILMING_HINT)
    prog("Checking for other people", 0.81)
    clip.second_person_frames, clip.second_person_probed = probe_second_person(frames, raw)
    source = SourceInfo(
        filename=meta.filename, size_bytes=meta.size_bytes, fps_nominal=round(meta.fps_nominal, 3),
        width=size[0], height=size[1], orig_width=meta.width, orig_height=meta.height,
        rotation=meta.rotation, codec=meta.codec, capture_fps=opts.capture_fps, time_scale=scale,
        **SourceInfo.timing(raw))
    return build_report(raw, frames, source, opts, clip, out_dir, prog)


def _fwd(view) -> float:
    return -1.0 if view.facing == "left" else 1.0


def build_report(raw: Track, frames: FrameStore | None, source: SourceInfo,
                 opts: AnalysisOptions, clip: ClipStats, out_dir: str | Path | None = None,
                 progress: Progress | None = None) -> dict:
    prog = progress or (lambda s, f: None)
    prog("Cleaning the landmarks", 0.82)
    track = clean(raw)
    view = apply_override(detect_view(track), opts.view, track=track)
    prog("Finding foot contacts", 0.84)
    events = detect_events(track, view)
    quality = assess(track, view, events, clip)
    prog("Measuring", 0.86)
    mo = compute_metrics(track, view, events, opts.height_cm)
    metrics = mo.results
    not_measured = mo.not_measured
    if not mo.feet_in_view:  # contacts of feet out of the picture are guesses: shown nowhere
        events = dataclasses.replace(events, ics=[], tos=[], cadence_events=None, step_times=[])
    if not quality.ok:
        status = "refused"
        reason = "Held back: " + quality.summary
        not_measured = [{"id": m.id, "label": m.label, "area": m.area, "reason": reason}
                        for m in metrics] + not_measured
        metrics = []
        findings = Findings(None, "info", area_scores([]), [], [])
    else:
        status = "ok" if all(c.passed or c.severity == "info" for c in quality.checks) else "limited"
        findings = build_findings(metrics)
    out = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="formcheck_"))
    out.mkdir(parents=True, exist_ok=True)
    media = _write_media(track, frames, view, events, metrics, findings, out, opts, source, prog)
    series = _series(track, mo.series, events)
    report = {
        "version": REPORT_VERSION,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "engine": ENGINE_VERSION,
        "status": status,
        "source": source,
        "options": {"height_cm": opts.height_cm, "length_unit": opts.length_unit, "view": opts.view,
                    "capture_fps": opts.capture_fps},
        "quality": quality,
        "view": {"view": view.view, "facing": view.facing, "confidence": view.confidence,
                 "source": view.source, "detail": view.detail, "auto_view": view.auto_view},
        "events": {
            "initial_contacts": [{"frame": e.frame, "t": round(e.t, 4), "foot": e.foot, "kind": "IC"}
                                 for e in events.ics],
            "toe_offs": [{"frame": e.frame, "t": round(e.t, 4), "foot": e.foot, "kind": "TO"}
                         for e in events.tos],
            "method": events.method,
            "cadence_events": events.cadence_events,
            "cadence_spectral": events.cadence_spectral,
        },
        "strides": mo.strides if status != "refused" else [],
        "series": series,
        "metrics": metrics,
        "not_measured": not_measured,
        "findings": findings,
        "media": media,
        "cleaning": {k: v for k, v in track.notes.items()},
        "disclaimer": DISCLAIMER,
    }
    prog("Done", 1.0)
    return to_jsonable(report)


def _series(track: Track, channels: dict, events) -> dict:
    """Per-frame channels for charts, rounded (None for unknown)."""
    step = max(1, int(round(track.fps / 60)))  # at most ~60 samples per second
    idx = np.arange(0, track.n, step)
    ch = {k: [None if not np.isfinite(v) else round(float(v), 2) for v in np.asarray(a)[idx]]
          for k, a in channels.items()}
    units = {k: ("% leg" if k.startswith(("hip_height", "foot_fwd", "shoulder_sway")) else "deg")
             for k in channels}
    return {"t": [round(float(x), 4) for x in track.t[idx]], "frame": [int(i) for i in idx],
            "channels": ch, "units": units}


def _write_media(track: Track, frames: FrameStore | None, view, events, metrics, findings, out: Path,
                 opts: AnalysisOptions, source: SourceInfo, prog: Progress) -> dict:
    media: dict = {"evidence": {}, "evidence_frames": {}, "video": None, "thumbnail": None,
                   "face_boxes": {}}
    if frames is None or not frames.jpeg:
        return media
    fwd = _fwd(view)
    (out / "evidence").mkdir(exist_ok=True)
    ic_foot = {e.frame: e.foot for e in events.ics}
    # one still per metric with an evidence frame (fixes first, they get the same key)
    for m in metrics:
        if not m.evidence_frames:
            continue
        f = int(m.evidence_frames[0])
        k = frames.nearest(f)
        img = frames.get(f)
        if img is None or k is None:
            continue
        foot = (m.extra.get("evidence_foot") or m.extra.get("arm") or ic_foot.get(f)
                or _foot_at(track, f))
        caption = f"{m.label}: {m.display}  [{m.status}]"
        ev = annotate.evidence_image(img, track.xy[k], track.vis[k], m.id, fwd, m.display,
                                     caption, m.status, foot)
        rel = f"evidence/{m.id}.jpg"
        cv2.imwrite(str(out / rel), ev, [cv2.IMWRITE_JPEG_QUALITY, 85])
        media["evidence"][m.id] = rel
        media["evidence_frames"][m.id] = int(k)
    for fx in findings.fixes:
        lead = fx.metrics[0]
        if lead in media["evidence"]:
            fx.evidence_key = lead
            fx.evidence_frame = media["evidence_frames"][lead]
    # thumbnail: the middle detected frame with skeleton
    det = [i for i in frames.indices() if track.detected[i]] or frames.indices()
    mid = det[len(det) // 2]
    th = annotate.draw_skeleton(frames.get(mid), track.xy[mid])
    h, w = th.shape[:2]
    sc = 360 / max(h, w)
    cv2.imwrite(str(out / "thumb.jpg"), cv2.resize(th, (int(w * sc), int(h * sc))),
                [cv2.IMWRITE_JPEG_QUALITY, 80])
    media["thumbnail"] = "thumb.jpg"
    media["thumbnail_frame"] = int(mid)
    for i in frames.indices():
        fb = annotate.face_box(track.xy[i]) if track.detected[i] else None
        if fb:
            media["face_boxes"][str(i)] = fb
    from .reference import add_media as add_reference  # phases + good-form reference stills
    add_reference(media, track, frames, view, events, metrics, out)
    if opts.write_video and metrics:  # a refused clip shows reasons, not a video
        idx = frames.indices()
        n = len(idx)

        def gen():
            for j, i in enumerate(idx):
                img = frames.get(i)
                if track.detected[i]:
                    annotate.draw_skeleton(img, track.xy[i], track.vis[i])
                if j % 10 == 0:
                    prog("Drawing the annotated video", 0.9 + 0.09 * j / max(1, n))
                yield img
        fps = track.fps / frames.step
        annotate.write_video(gen(), fps, out / "annotated.mp4")
        media["video"] = "annotated.mp4"
        media["video_frames"] = idx
    return media


def _foot_at(track: Track, frame: int) -> str:
    """The foot lower in the image (on the ground) at ``frame``."""
    ly, ry = track.p("l_ankle")[frame, 1], track.p("r_ankle")[frame, 1]
    return "L" if (np.nan_to_num(ly) >= np.nan_to_num(ry)) else "R"
