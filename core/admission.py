"""Capture and admission: one path for an uploaded clip and a webcam recording.

Contract:
    FrameStore / ClipStatsCollector: what the single decode (or recording) pass keeps: the
        frames as JPEG, cheap clip statistics (:class:`ClipStats`) and the camera's motion
        (:mod:`core.camera`, from each frame and its landmarks; ``camera_motion()``).
    check_duration(t, kind, decoded_all) -> None          too short / truncated
    admit(raw, frames, clip, kind, progress) -> ClipStats  runner found (else too dark / no
        runner), then the second-person probe filled into ``clip``
    clip_source(...) / recording_source(raw) -> SourceInfo

Everything here raises :class:`core.errors.FormCheckError` with a friendly message for input
that cannot be analysed at all; capture problems that still allow an honest verdict (walking,
a second person, cuts) are judged later by :func:`core.quality.assess` from ``ClipStats``.
``kind`` is ``"clip"`` (an upload) or ``"recording"`` (live mode): only the wording differs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import cv2
import numpy as np

from . import camera
from .errors import FILMING_HINT, FormCheckError
from .landmarks import Track
from .pose import MediaPipePose
from .report import SourceInfo
from .video import MIN_SECONDS, VideoMeta

Progress = Callable[[str, float], None]

MAX_KEPT_FRAMES = 1800  # frames kept (as JPEG) for the annotated video and evidence stills
JPEG_QUALITY = 88  # of kept frames: evidence stills and the annotated video are made from them
MIN_DETECTED = 0.2  # the runner must be found in at least a fifth of the frames
DARK_LUMA = 35  # median luma below this (0-255) with no runner found: "too dark"
WELL_LIT_LUMA = 45  # the capture checks' "well lit" (core.quality's light check): between the
#   two, a runner not found is refused as not found, and the refusal says the clip is dim too
CUT_MIN_DIFF = 30  # a scene cut changes the 64-px thumbnail by over 30 grey levels on average
CUT_DIFF_RATIO = 6  # ... and by six times the clip's usual frame-to-frame change
CHANGE_RATIO = 4  # a picture change of four times the usual: a possible edit (a zoom or a
#                   cut between similar shots), confirmed by the runner's pose (core.segments);
#                   the shared real clips peak at 2.1x, cut-together test clips at 7.7-16x
LOST_CUT_RATIO = 2  # a frame the camera could not be followed into ("lost") whose picture
#   changed by over twice the usual is a cut: a follow-cam's passes cut together lose the
#   background at the cut (renders: 2.3-2.7x) though the grey change stays under
#   CUT_DIFF_RATIO, since a moving camera changes every frame a lot; the shared real clips
#   have no lost frame over 1.3x
SECOND_PERSON_PROBES = 5  # frames probed for another person
SECOND_PERSON_CONFIDENCE = 0.6  # detection confidence of the probe's pose search
SECOND_PERSON_VISIBILITY = 0.7  # median landmark visibility of a person that counts
SECOND_PERSON_MIN_HEIGHT = 0.35  # of the runner's height: smaller figures (posters, far
#                                  passers-by) do not count

KINDS = ("clip", "recording")
_TOO_SHORT = {
    "clip": ("This clip is only {:.1f} s long.",
             "We need at least 6 steady steps: film 10-20 s of running."),
    "recording": ("The recording is only {:.1f} s long.",
                  "Record 10-20 s of steady running (at least 6 steps)."),
}
_NO_RUNNER = {
    "clip": ("We could not find a runner in this clip.", FILMING_HINT),
    "recording": ("We could not see a runner in the recording.",
                  "Stand side-on to the camera with your whole body in the picture, then "
                  "record again."),
}
_TOO_DARK = {
    "clip": "This clip is too dark to see the runner.",
    "recording": "The recording is too dark to see the runner.",
}
LIGHT_HINT = "Film in daylight or a well-lit room, with the light behind the camera."


@dataclass
class ClipStats:
    """Cheap facts collected during the single decode pass."""

    brightness: float = 128.0  # median luma 0..255
    scene_cuts: int = 0
    cut_frames: list[int] = field(default_factory=list)  # frames that start a new shot
    change_frames: list[int] = field(default_factory=list)  # frames of a large picture change
    camera_shift_pct: float = 0.0  # largest camera pan against the first frame, % of width
    camera_ok: bool = True  # the camera's motion could be followed (core.camera)
    camera_reason: str = ""  # why not, in the runner's words
    camera_moved: bool = False  # the landmarks were moved into a ground-fixed frame
    second_person_frames: int = 0
    second_person_probed: int = 0
    time_scale: float = 1.0
    capture_fps_given: bool = False
    decoded_all: bool = True
    extra: dict = field(default_factory=dict)


class FrameStore:
    """Decoded frames kept as JPEG bytes (every ``step``-th when a clip is very long)."""

    def __init__(self, n_est: int) -> None:
        self.step = max(1, math.ceil(n_est / MAX_KEPT_FRAMES)) if n_est else 1
        self.jpeg: dict[int, bytes] = {}

    def add(self, index: int, img: np.ndarray) -> None:
        if index % self.step == 0:
            ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
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


def _broken(step: camera.FrameStep) -> bool:
    """The background's corners lost their way into this frame: the camera could not be
    followed ("lost"), or the corners were found but almost none moved together (fewer than
    :data:`core.camera.MIN_INLIERS`) and only a phase-correlation shift stood in. A cut breaks
    every correspondence; phase correlation between two shots of a similar texture can still
    find a peak (a follow-cam's passes cut together from behind: 5 of 114 corners at the
    missed cut, 59-100 of 113-120 on the frames around it)."""
    return step.method == "lost" or (step.method == "phase" and step.tracked >= camera.MIN_INLIERS
                                     and step.inliers < camera.MIN_INLIERS)


def thumbnail(img: np.ndarray) -> np.ndarray:
    """A frame's 64x36 grey thumbnail (for brightness and picture changes, as
    :class:`ClipStatsCollector` keeps them)."""
    return cv2.resize(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), (64, 36), interpolation=cv2.INTER_AREA)


class ClipStatsCollector:
    """Brightness and scene cuts from 64-px thumbnails, and the camera's motion
    (:class:`core.camera.MotionEstimator`) from each frame and its landmarks, during decode."""

    def __init__(self) -> None:
        self.luma: list[float] = []
        self.prev: np.ndarray | None = None
        self.diffs: list[float] = []
        self.n = 0
        self.motion = camera.MotionEstimator()
        self.steps: list[camera.FrameStep] = []
        self.size: tuple[int, int] = (0, 0)

    def add(self, img: np.ndarray, landmarks: np.ndarray | None = None) -> None:
        """One decoded frame (BGR, working size) and its pose landmarks (or None)."""
        self.size = (img.shape[1], img.shape[0])
        self.add_thumbnail(thumbnail(img), self.motion.add(img, landmarks))

    def add_thumbnail(self, small: np.ndarray, step: camera.FrameStep | None = None) -> None:
        """One frame given as its 64x36 grey thumbnail (:func:`thumbnail`) and its camera
        step (how parallel pose workers send it, and a pose-cache replay; None: no step
        measured, taken as "first")."""
        small = small.astype(np.float32)
        self.luma.append(float(small.mean()))
        if self.prev is not None:
            self.diffs.append(float(np.abs(small - self.prev).mean()))
        self.steps.append(step if step is not None else camera.FrameStep(np.eye(2, 3), "first"))
        self.prev = small
        self.n += 1

    def camera_motion(self) -> camera.CameraMotion:
        """The camera's motion over the frames so far (maps to the first frame)."""
        return camera.accumulate(self.steps, self.size)

    def stats(self) -> ClipStats:
        d = np.array(self.diffs) if self.diffs else np.zeros(1)
        base = float(np.median(d)) + 1e-3
        cut = (d > CUT_MIN_DIFF) & (d > CUT_DIFF_RATIO * base)
        at = [int(j) + 1 for j in np.flatnonzero(cut)] if self.diffs else []  # diff j: j -> j+1
        lost = [i for i, s in enumerate(self.steps)  # the camera lost at a big picture change
                if _broken(s) and 0 < i <= len(self.diffs)
                and self.diffs[i - 1] > LOST_CUT_RATIO * base]
        at = sorted(set(at) | set(lost))
        change = [int(j) + 1 for j in np.flatnonzero(d > CHANGE_RATIO * base)] if self.diffs else []
        mo = self.camera_motion()
        return ClipStats(brightness=float(np.median(self.luma)) if self.luma else 0.0,
                         scene_cuts=len(at), cut_frames=at, change_frames=change,
                         camera_shift_pct=mo.summary.get("shift_pct", 0.0),
                         camera_ok=mo.ok, camera_reason=mo.reason,
                         camera_moved=mo.ok and not mo.still,
                         extra={"camera": mo.summary})


def probe_second_person(frames: FrameStore, track: Track,
                        n: int = SECOND_PERSON_PROBES) -> tuple[int, int]:
    """Hide the runner and look again: frames where another person is found / frames probed.

    In ``n`` frames spread over the clip the runner's box (grown by a quarter of its width
    and 15 % of its height) is greyed out and a fresh single-image pose search runs; a
    confident body at least :data:`SECOND_PERSON_MIN_HEIGHT` of the runner's height counts.
    """
    idx = [i for i in np.flatnonzero(track.detected) if i in frames.jpeg]
    if not idx:
        return 0, 0
    pick = [idx[int(k)] for k in np.linspace(0, len(idx) - 1, min(n, len(idx)))]
    found = 0
    probe_pose = MediaPipePose(static_image_mode=True,
                               min_detection_confidence=SECOND_PERSON_CONFIDENCE)
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
            if np.median(lm[:, 3]) > SECOND_PERSON_VISIBILITY and h > SECOND_PERSON_MIN_HEIGHT * (y1 - y0):
                found += 1
    finally:
        probe_pose.close()
    return found, len(pick)


def check_duration(t: np.ndarray | list[float], kind: str = "clip", decoded_all: bool = True) -> None:
    """Refuse fewer than three frames or under :data:`core.video.MIN_SECONDS` of real time;
    a clip that stopped decoding early is called damaged rather than short."""
    dur = float(t[-1] - t[0]) if len(t) > 1 else 0.0
    if len(t) < 3 or dur < MIN_SECONDS:
        if not decoded_all:
            raise FormCheckError("truncated", "This video is damaged: only the first "
                                 f"{dur:.1f} s could be read.", "Export or upload the clip again.")
        msg, hint = _TOO_SHORT[kind]
        raise FormCheckError("too_short", msg.format(dur), hint)


def check_runner(raw: Track, clip: ClipStats, kind: str = "clip") -> None:
    """Refuse a clip where the runner was found in under :data:`MIN_DETECTED` of the frames
    (too dark, when the picture is; else no runner)."""
    det = float(raw.detected.mean()) if raw.n else 0.0
    if det >= MIN_DETECTED:
        return
    if clip.brightness < DARK_LUMA:
        raise FormCheckError("too_dark", _TOO_DARK[kind], LIGHT_HINT)
    msg, hint = _NO_RUNNER[kind]
    if clip.brightness < WELL_LIT_LUMA:  # dim, not dark: either may be the cause, say both
        msg += (f" It is also dim (brightness {clip.brightness:.0f} of 255; a well-lit clip "
                f"is over {WELL_LIT_LUMA}), which makes a runner harder to find.")
        hint = f"{hint} {LIGHT_HINT}"
    raise FormCheckError("no_person", msg, hint)


def admit(raw: Track, frames: FrameStore, clip: ClipStats, kind: str = "clip",
          progress: Progress | None = None) -> ClipStats:
    """The runner check, then the second-person probe (its counts written into ``clip``)."""
    check_runner(raw, clip, kind)
    if progress:
        progress("Checking for other people", 0.81)
    clip.second_person_frames, clip.second_person_probed = probe_second_person(frames, raw)
    return clip


def second_person_seen(clip: ClipStats) -> bool:
    """Another person was found in at least half the probed frames (and at least two)."""
    return clip.second_person_frames >= max(2, clip.second_person_probed // 2)


def clip_source(meta: VideoMeta, size: tuple[int, int], raw: Track, capture_fps: float | None,
                time_scale: float) -> SourceInfo:
    """SourceInfo of an uploaded clip: container facts from ``meta``, timing from ``raw``."""
    return SourceInfo(
        filename=meta.filename, size_bytes=meta.size_bytes, fps_nominal=round(meta.fps_nominal, 3),
        width=size[0], height=size[1], orig_width=meta.width, orig_height=meta.height,
        rotation=meta.rotation, codec=meta.codec, capture_fps=capture_fps, time_scale=time_scale,
        **SourceInfo.timing(raw))


def recording_source(raw: Track) -> SourceInfo:
    """SourceInfo of a webcam recording (already on a constant frame rate)."""
    timing = SourceInfo.timing(raw)
    return SourceInfo(
        filename="Webcam session", size_bytes=0,
        fps_nominal=round((raw.n - 1) / max(timing["duration_s"], 1e-9), 3),
        width=raw.width, height=raw.height, orig_width=raw.width, orig_height=raw.height,
        rotation=0, codec="webrtc", live=True, **timing)
