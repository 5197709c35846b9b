"""Stage 2 — pose: one runner's body landmarks per frame.

Contract:
    PoseBackend.process(image_bgr, t_s) -> np.ndarray | None
        ``(33, 4)`` float32 array per frame: x, y in working-resolution *pixels*, z (MediaPipe's
        relative depth, in the same pixel scale) and visibility 0..1; None when no person.
    PoseBackend.close()

Landmark order is MediaPipe BlazePose's 33 points (indices in :data:`LM`). The default backend
runs the BlazePose *full* model shipped inside the pinned mediapipe wheel, in video mode with
tracking, so it works offline. Each backend instance keeps tracking state: use one per clip /
per live session, never share one across threads.
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import Protocol

import cv2
import numpy as np

LM = {
    "nose": 0, "l_eye_inner": 1, "l_eye": 2, "l_eye_outer": 3, "r_eye_inner": 4, "r_eye": 5,
    "r_eye_outer": 6, "l_ear": 7, "r_ear": 8, "mouth_l": 9, "mouth_r": 10,
    "l_shoulder": 11, "r_shoulder": 12, "l_elbow": 13, "r_elbow": 14, "l_wrist": 15,
    "r_wrist": 16, "l_pinky": 17, "r_pinky": 18, "l_index": 19, "r_index": 20, "l_thumb": 21,
    "r_thumb": 22, "l_hip": 23, "r_hip": 24, "l_knee": 25, "r_knee": 26, "l_ankle": 27,
    "r_ankle": 28, "l_heel": 29, "r_heel": 30, "l_toe": 31, "r_toe": 32,
}
N_LANDMARKS = 33

# Pairs of (left, right) indices: swapping sides exchanges each pair.
LR_PAIRS = [(LM["l_" + n], LM["r_" + n]) for n in (
    "eye_inner", "eye", "eye_outer", "ear", "shoulder", "elbow", "wrist", "pinky", "index",
    "thumb", "hip", "knee", "ankle", "heel", "toe")] + [(LM["mouth_l"], LM["mouth_r"])]

SKELETON = [
    ("l_shoulder", "r_shoulder"), ("l_hip", "r_hip"), ("l_shoulder", "l_hip"),
    ("r_shoulder", "r_hip"), ("l_shoulder", "l_elbow"), ("l_elbow", "l_wrist"),
    ("r_shoulder", "r_elbow"), ("r_elbow", "r_wrist"), ("l_hip", "l_knee"),
    ("l_knee", "l_ankle"), ("r_hip", "r_knee"), ("r_knee", "r_ankle"), ("l_ankle", "l_heel"),
    ("l_heel", "l_toe"), ("l_ankle", "l_toe"), ("r_ankle", "r_heel"), ("r_heel", "r_toe"),
    ("r_ankle", "r_toe"), ("l_ear", "l_eye"), ("r_ear", "r_eye"), ("nose", "l_eye"),
    ("nose", "r_eye"),
]


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Send the native (C++) stderr of the enclosed block to /dev/null.

    MediaPipe's graph logs through absl/glog and TensorFlow Lite straight to file descriptor 2
    ("Created TensorFlow Lite XNNPACK delegate", "All log messages before
    absl::InitializeLog()", feedback-manager warnings) while the graph is built and on its
    first frame, before any log level can be set. Those lines mean nothing to a runner and
    would precede the CLI's own output, so both moments run with fd 2 pointed at /dev/null.
    Python's own ``sys.stderr`` is flushed first and restored afterwards.
    """
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # no real stderr (embedded, captured)
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


_IMPORT_LOCK = threading.Lock()


def import_mediapipe():
    """The ``mediapipe`` module, imported by one thread at a time.

    Its first import (~1.2 s, matplotlib included) must not run on two threads at once: a live
    stream loads its model on a background thread while the page's script thread imports too,
    and a concurrent first import once left matplotlib half-initialised for the whole process
    (every later import failed with "module 'matplotlib' has no attribute 'get_data_path'", CI
    of stop 30). The live page calls this on its script thread before the camera starts.
    """
    with _IMPORT_LOCK:
        import mediapipe as mp
    return mp


class PoseBackend(Protocol):
    """Anything that turns a frame into 33 landmarks (see module docstring)."""

    name: str

    def process(self, image_bgr: np.ndarray, t_s: float) -> np.ndarray | None: ...

    def close(self) -> None: ...


class MediaPipePose:
    """BlazePose full (``model_complexity=1``) from the mediapipe wheel, video mode."""

    name = "mediapipe-blazepose-full-0.10.21"

    def __init__(self, static_image_mode: bool = False, min_detection_confidence: float = 0.5,
                 min_tracking_confidence: float = 0.5) -> None:
        mp = import_mediapipe()

        self._warm = False  # the graph logs natively until its first landmarks (see process)
        with _native_stderr_silenced():
            self._pose = self._build(mp, static_image_mode, min_detection_confidence,
                                     min_tracking_confidence)
            # The graph opens its models on worker threads after construction, logging as
            # it does; a first (blank) frame returns only once they are open.
            self._pose.process(np.zeros((64, 64, 3), np.uint8))

    @staticmethod
    def _build(mp, static_image_mode: bool, min_detection_confidence: float,
               min_tracking_confidence: float):
        return mp.solutions.pose.Pose(
            static_image_mode=static_image_mode,
            model_complexity=1,  # the only model shipped in the wheel (0 and 2 download)
            smooth_landmarks=False,  # our own zero-phase filter does this better offline
            enable_segmentation=False,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )

    def process(self, image_bgr: np.ndarray, t_s: float = 0.0) -> np.ndarray | None:
        h, w = image_bgr.shape[:2]
        # the same pixels as image_bgr[:, :, ::-1] copied, ~80x cheaper (3.4 ms -> 0.04 ms a
        # 540x960 frame): numpy's copy of a reversed channel axis is a slow strided loop
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        if self._warm:
            res = self._pose.process(rgb)
        else:
            with _native_stderr_silenced():  # until the landmark model has run once
                res = self._pose.process(rgb)
            self._warm = res.pose_landmarks is not None
        if res.pose_landmarks is None:
            return None
        out = np.empty((N_LANDMARKS, 4), np.float32)
        for i, lm in enumerate(res.pose_landmarks.landmark):
            out[i] = (lm.x * w, lm.y * h, lm.z * w, lm.visibility)
        return out

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> "MediaPipePose":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def default_backend() -> PoseBackend:
    return MediaPipePose()
