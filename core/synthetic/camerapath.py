"""How the synthetic runner is filmed: a camera that may move, shake, roll and zoom, and clips
cut together from several passes.

:class:`CameraPath` describes one shot's camera; :func:`camera_track` turns it into one
pinhole :class:`~core.synthetic.render.Camera` per frame. :class:`Segment` is one pass of a
cut-together clip (its own duration, runner and camera).

Geometry (world frame of :mod:`core.synthetic.model`: metres, ``y`` up, ground at ``y = 0``):

* The camera looks at an *aim point* at the runner's standing hip height. For a still
  camera (``follow="none"``) that is the runner's position at mid-shot; ``"pan"`` keeps the
  camera where it is and turns it toward the runner every frame; ``"track"`` moves the camera
  alongside with the runner (a friend running or cycling beside them) and keeps aiming at
  them. ``aim_wobble_m`` makes the following imperfect: the aim point swings along the
  running direction (the runner drifts in the picture).
* The camera stands ``distance_m`` from the aim point, ``yaw_deg`` round from square to the
  running direction about the vertical (0 = square, as today), at ``height_m`` above the
  ground (None: the runner's standing hip height, as today). It always aims at the hips, so
  a low camera looks up and a high one looks down; ``pitch_deg`` tilts it further (+ = up).
* ``roll_deg`` turns the camera about its optical axis (+ = the phone's top turned
  clockwise as the camera operator sees it, so the world appears turned counter-clockwise).
* ``zoom`` ramps the focal length linearly from 1x at ``zoom_from_s`` to ``zoom``x at
  ``zoom_to_s`` (None: the end of the shot).
* Handheld shake: smooth random translation (``shake_m``, RMS per axis) and rotation
  (``shake_deg``, RMS per axis: pan, tilt, roll) low-passed at ``shake_hz``, seeded by
  ``seed``. The noise is drawn on a fixed 200 Hz grid and interpolated at the frame times, so
  the same seed gives the same path at 30, 60 or 120 fps.

The default ``CameraPath()`` is today's tripod: level, at hip height, 5 m away, square to the
runner, framing the standing body at 72 % of the picture height.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Literal

import numpy as np
from scipy.ndimage import gaussian_filter1d

from .model import Body, RunnerParams
from .render import Camera

_UP = np.array([0.0, 1.0, 0.0])
_NOISE_HZ = 200.0


@dataclass(frozen=True)
class CameraPath:
    """One shot's camera (see the module doc for the geometry). Lengths in m, angles in deg."""

    follow: Literal["none", "pan", "track"] = "none"
    distance_m: float = 5.0
    fill: float = 0.72
    height_m: float | None = None
    pitch_deg: float = 0.0
    yaw_deg: float = 0.0
    roll_deg: float = 0.0
    zoom: float = 1.0
    zoom_from_s: float = 0.0
    zoom_to_s: float | None = None
    aim_wobble_m: float = 0.0
    aim_wobble_hz: float = 0.35
    shake_m: float = 0.0
    shake_deg: float = 0.0
    shake_hz: float = 1.5
    seed: int = 0

    def __post_init__(self) -> None:
        if self.follow not in ("none", "pan", "track"):
            raise ValueError(f"follow must be none, pan or track, not {self.follow!r}")
        if not (0.5 <= self.distance_m <= 60 and 0.05 <= self.fill <= 1.5
                and 0.2 <= self.zoom <= 5 and abs(self.yaw_deg) < 80
                and abs(self.roll_deg) <= 45 and self.shake_m >= 0 and self.shake_deg >= 0):
            raise ValueError("CameraPath out of range")

    @property
    def is_tripod(self) -> bool:
        """True when this is exactly today's default camera (nothing moves or differs)."""
        return self == CameraPath()

    def with_(self, **changes) -> CameraPath:
        return replace(self, **changes)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Segment:
    """One pass of a cut-together clip: ``seconds`` long, its own runner (``params``; None =
    the clip's) and camera (``camera``; None = the clip's), entering the gait cycle
    ``phase_s`` seconds after a right initial contact (so cuts fall anywhere in a stride)."""

    seconds: float
    params: RunnerParams | None = None
    camera: CameraPath | None = None
    phase_s: float = 0.0


def _look_at(C: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Rows = camera x (right), y (down), z (forward) in world coordinates; level horizon."""
    z = target - C
    z = z / np.linalg.norm(z)
    x = np.cross(z, _UP)
    x = x / np.linalg.norm(x)
    y = np.cross(z, x)
    return np.stack([x, y, z])


def _axis_rot(axis: np.ndarray, angle: float) -> np.ndarray:
    """Rotation matrix about unit ``axis`` by ``angle`` (rad), Rodrigues."""
    K = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(angle) * K + (1 - np.cos(angle)) * (K @ K)


def smooth_noise(seed: int, n_channels: int, seconds: float, hz: float,
                 t: np.ndarray) -> np.ndarray:
    """Seeded smooth random signals ``[len(t), n_channels]`` with unit RMS, low-passed at
    about ``hz`` (Gaussian kernel, SciPy), drawn on a fixed 200 Hz grid and interpolated at
    ``t`` (so the path does not depend on the frame rate)."""
    rng = np.random.default_rng(seed)
    span = 30.0 * np.ceil((seconds + 2.0) / 30.0)   # a fixed grid: same path for any fps
    grid = np.arange(0.0, span, 1.0 / _NOISE_HZ)
    raw = rng.standard_normal((len(grid), n_channels))
    sigma = _NOISE_HZ / (2 * np.pi * max(hz, 1e-3))
    sm = gaussian_filter1d(raw, sigma, axis=0, mode="reflect")
    sm /= np.sqrt(np.mean(sm ** 2, axis=0, keepdims=True)) + 1e-12
    return np.stack([np.interp(t, grid, sm[:, k]) for k in range(n_channels)], -1)


def camera_track(path: CameraPath, body: Body, forward: np.ndarray, runner_x: np.ndarray,
                 t: np.ndarray, width: int, height: int) -> list[Camera]:
    """One :class:`Camera` per frame for ``path``.

    ``forward`` is the runner's unit running direction, ``runner_x[i]`` the runner's
    distance travelled along it at frame ``i`` (zeros on a treadmill) and ``t[i]`` the time
    since the start of the shot.
    """
    forward = np.asarray(forward, float)
    hip_h = body.ankle_h + body.leg_length
    n = len(t)
    f0 = path.fill * height * path.distance_m / body.height
    # where the camera sits relative to its aim point: default +z, i.e. the side the
    # default camera of render.Camera.for_body is on; yaw turns it about the vertical
    base_dir = np.array([0.0, 0.0, 1.0])
    yaw = np.radians(path.yaw_deg)
    offset_dir = _axis_rot(_UP, yaw) @ base_dir
    cam_h = hip_h if path.height_m is None else float(path.height_m)
    horiz = np.sqrt(max(path.distance_m ** 2 - (cam_h - hip_h) ** 2, 0.25))
    offset = horiz * offset_dir + np.array([0.0, cam_h - hip_h, 0.0])
    mid = runner_x[n // 2] if n else 0.0
    wobble = (path.aim_wobble_m * np.sin(2 * np.pi * path.aim_wobble_hz * t + 0.7)
              if path.aim_wobble_m else np.zeros(n))
    seconds = float(t[-1] - t[0]) if n > 1 else 0.0
    if path.shake_m or path.shake_deg:
        noise = smooth_noise(path.seed, 6, seconds, path.shake_hz, t - t[0])
    else:
        noise = np.zeros((n, 6))
    z_end = seconds if path.zoom_to_s is None else path.zoom_to_s
    ramp = np.clip((t - t[0] - path.zoom_from_s) / max(z_end - path.zoom_from_s, 1e-9), 0, 1)
    zoom = 1.0 + (path.zoom - 1.0) * ramp
    cams = []
    for i in range(n):
        follow_x = mid if path.follow == "none" else runner_x[i]
        aim = (follow_x + wobble[i]) * forward + np.array([0.0, hip_h, 0.0])
        if path.follow == "track":
            C = runner_x[i] * forward + np.array([0.0, hip_h, 0.0]) + offset
        else:
            C = mid * forward + np.array([0.0, hip_h, 0.0]) + offset
        C = C + path.shake_m * noise[i, :3]
        R = _look_at(C, aim)
        # extra tilt, then roll about the optical axis, then the hand's small rotations
        if path.pitch_deg:
            R = (_axis_rot(R[0], np.radians(path.pitch_deg)) @ R.T).T
        ang = np.radians(path.shake_deg) * noise[i, 3:]
        roll = np.radians(path.roll_deg) + ang[2]
        if roll:
            R = (_axis_rot(R[2], roll) @ R.T).T
        if ang[0]:
            R = (_axis_rot(R[1], ang[0]) @ R.T).T
        if ang[1]:
            R = (_axis_rot(R[0], ang[1]) @ R.T).T
        cams.append(Camera(width, height, float(f0 * zoom[i]), C, R))
    return cams
