"""Exact-truth landmark tracks from the 3-D runner model, for the metric value tests.

:mod:`core.synthetic.model` gives every joint of a runner with exact gait events and the
true metric values of ``shared/spec/METRICS.md`` (``Motion.truth``). Here its joints are put
straight into MediaPipe's 33-landmark layout (no rendering, no pose model), projected
orthographically for side views (x along the image, y up the image: sagittal angles and
distances are kept exactly) or through the renderer's pinhole camera for front/back views,
and the events are the model's own (exact times, sub-frame positions). So a metric's
value is checked on its own, not through pose noise or event detection (tested elsewhere).
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

import numpy as np

from core.events import Event, GaitEvents
from core.landmarks import Track
from core.metrics import compute_metrics
from core.pose import LM
from core.synthetic.model import J, Motion, RunnerModel, RunnerParams, simulate
from core.synthetic.camerapath import CameraPath, camera_track
from core.synthetic.render import Camera
from core.view import ViewResult

FACING = {"side": 0.0, "side_l": 180.0, "front": 90.0, "back": -90.0}
W, H = 1280, 960
PX_PER_M = 400.0  # side views: orthographic scale
UP = np.array([0.0, 1.0, 0.0])

# A side-view runner whose legs swing in sagittal planes (feet under the hips, no pelvic
# drop), so their image angles are their true angles; at 180 steps/min and 120 fps every
# contact and toe-off falls on a frame (40 frames a step, contact 24 frames), so nothing
# is interpolated across the landing.
PLANAR = RunnerParams(cadence_spm=180.0, pelvic_drop_deg=0.0,
                      step_width_m=RunnerParams().body.hip_width / 2)
FPS = 120.0

LIMBS = {name: name for name in ("l_shoulder", "r_shoulder", "l_elbow", "r_elbow", "l_wrist",
                                 "r_wrist", "l_hip", "r_hip", "l_knee", "r_knee", "l_ankle",
                                 "r_ankle", "l_heel", "r_heel", "l_toe", "r_toe")}


@dataclass
class Case:
    motion: Motion
    X: np.ndarray  # (frames, 33, 3) world landmark positions after any edit
    track: Track
    events: GaitEvents
    view: ViewResult

    def metrics(self, height_cm: float | None = None, speed_mps: float | None = None) -> dict:
        out = compute_metrics(self.track, self.view, self.events, height_cm, speed_mps=speed_mps)
        self.strides = out.strides
        return {r.id: r for r in out.results}

    @property
    def leg_m(self) -> float:
        """The leg length the engine sees (median 2-D hip-knee-ankle), in model metres."""
        return self.track.leg_length_px() / self.px_per_m

    @property
    def px_per_m(self) -> float:
        return getattr(self, "_px_per_m", PX_PER_M)


def landmarks(motion: Motion) -> np.ndarray:
    """(frames, 33, 3) world positions in MediaPipe's layout: limbs from the model's joints,
    the face from its head centre (ears beside it, nose and eyes ahead of it)."""
    X = motion.X
    fwd = motion.forward
    right = np.cross(fwd, UP)
    head = X[:, J["head"]]
    r = motion.params.body.head_r
    out = np.full((len(X), 33, 3), np.nan)
    for name in LIMBS:
        out[:, LM[name]] = X[:, J[name]]
    for s, side in (("l", -1.0), ("r", 1.0)):
        out[:, LM[f"{s}_ear"]] = head + side * 0.9 * r * right
        for k in ("eye_inner", "eye", "eye_outer"):
            out[:, LM[f"{s}_{k}"]] = head + 0.8 * r * fwd + 0.25 * r * UP + side * 0.35 * r * right
        out[:, LM[f"mouth_{s}"]] = head + 0.85 * r * fwd - 0.45 * r * UP + side * 0.3 * r * right
        for k in ("pinky", "index", "thumb"):
            out[:, LM[f"{s}_{k}"]] = X[:, J[f"{s}_hand"]]
    out[:, LM["nose"]] = head + 1.05 * r * fwd
    return out


@contextmanager
def _planar_arms():
    """The model's arms swing slightly out and in (3-D); for side views keep them in the
    sagittal plane, so the elbow's image angle is its true angle."""
    saved = RunnerModel._ARM_ABDUCTION, RunnerModel._ARM_INWARD
    RunnerModel._ARM_ABDUCTION, RunnerModel._ARM_INWARD = 0.0, 0.0
    try:
        yield
    finally:
        RunnerModel._ARM_ABDUCTION, RunnerModel._ARM_INWARD = saved


def build(params: RunnerParams = PLANAR, view: str = "side", fps: float = FPS,
          seconds: float = 4.0, edit: Callable[[np.ndarray, Motion], None] | None = None,
          planar_arms: bool = True, camera: CameraPath | None = None) -> Case:
    """The model seen from ``view`` as an exact landmark track, its exact events and view.
    ``edit(X, motion)`` may move landmarks (world, in place) before projection: a known
    change whose effect on a metric the test works out from the definition.
    ``planar_arms=False`` keeps a side view's arms as the renderer draws them (held a little
    out, forearms turned in); ``camera`` projects through that still camera of the renderer
    (:func:`core.synthetic.camerapath.camera_track`) instead of the orthographic side view."""
    params = params.with_(facing_deg=FACING[view])
    if view.startswith("side") and planar_arms:
        with _planar_arms():
            motion = simulate(params, fps, seconds)
    else:
        motion = simulate(params, fps, seconds)
    X = landmarks(motion)
    if edit is not None:
        edit(X, motion)
    if camera is not None:
        cams = camera_track(camera, params.body, motion.forward, np.zeros(len(motion.t)),
                            motion.t, W, H)
        xy = np.stack([cam.project(x)[0] for cam, x in zip(cams, X)])
        hips = (X[0, LM["l_hip"]] + X[0, LM["r_hip"]]) / 2
        px_per_m = cams[0].f / float(cams[0].project(hips)[1])  # at the runner's depth
    elif view.startswith("side"):
        hip_h = params.body.ankle_h + params.body.leg_length
        xy = np.stack([W / 2 + PX_PER_M * X[..., 0], H / 2 - PX_PER_M * (X[..., 1] - hip_h)], -1)
        px_per_m = PX_PER_M
    else:
        cam = Camera.for_body(params.body, W, H)
        xy, _ = cam.project(X)
        px_per_m = cam.f / cam.C[2]  # at the runner's depth (distance of the camera)
    n = len(motion.t)
    track = Track(motion.t.copy(), xy, np.full((n, 33), 0.95), np.ones(n, bool), W, H)

    def event(e) -> Event:
        pos = e.t * fps
        return Event(int(round(pos)), float(e.t), e.side.upper(), float(pos))

    ics = [event(e) for e in motion.events if e.kind == "ic" and round(e.t * fps) < n]
    tos = [event(e) for e in motion.events if e.kind == "to" and round(e.t * fps) < n]
    cad = motion.truth["cadence_spm"]
    events = GaitEvents(ics, tos, cad, cad, method="model truth")
    if view.startswith("side"):
        vr = ViewResult("side", "right" if view == "side" else "left", "high", 1.0, "model")
    else:
        vr = ViewResult(view, None, "high", 1.0, "model")
    case = Case(motion, X, track, events, vr)
    case._px_per_m = px_per_m
    return case


def world_angle_from_vertical(top: np.ndarray, bottom: np.ndarray, fwd: np.ndarray) -> np.ndarray:
    """Sagittal angle of bottom->top from vertical, top ahead = + (world, y up), degrees."""
    d = top - bottom
    return np.degrees(np.arctan2(d @ fwd, d[..., 1]))


def sagittal(v: np.ndarray, fwd: np.ndarray) -> np.ndarray:
    """World vectors as (forward, up) pairs: what a square-on side camera sees."""
    return np.stack([v @ fwd, v[..., 1]], -1)


def frame_of(case: Case, t: float) -> int:
    return int(round(t * case.motion.fps))
