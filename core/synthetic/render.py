"""Render a :class:`~core.synthetic.model.Motion` to an H.264 clip plus exact truth files.

The figure is built from shaded 3-D primitives (tapered capsules drawn as screen-space
impostors, ellipsoids ray-cast exactly) in clothing colours, with a face, hair and shoes,
composited with a z-buffer over a static room: a plain wall, a floor and a treadmill belt
whose stripes move with the belt. Lighting is Lambert plus ambient. Everything is numpy on
the bounding box of each primitive, so a 640x480 frame takes a few milliseconds.

The camera is a pinhole at the runner's hip height on the ``+z`` axis looking at the
runner (see :mod:`core.synthetic.model` for the world frame); ``view`` names set the
runner's facing relative to it (:data:`VIEW_FACING`).

Output of :func:`write_clip` for ``NAME.mp4`` (same format as the reference clips):

* ``NAME.mp4``: H.264, yuv420p, constant frame rate (frame ``i`` at ``pts = i / fps``).
* ``NAME_truth.json``: view, fps, n_frames, size, ``initial_contacts`` / ``toe_offs``
  (``{"foot": "right"|"left", "t": s}``), ``params`` (inputs, body proportions, derived
  timing), ``truth`` (true metric values) and ``joints``.
* ``NAME_truth.npz``: ``t``, ``X`` (frame, joint, xyz world m), ``uv`` (frame, joint,
  exact pixel projection), ``depth`` (camera z, m), ``stance`` (frame, (l, r)), ``joints``,
  ``cam_R`` (rows = camera x right, y down, z forward in world), ``cam_C``, ``cam_f``,
  ``events_side``/``events_t`` (initial contacts), ``to_side``/``to_t`` (toe-offs),
  ``forward``, ``params`` and ``truth`` (JSON strings), ``view``, ``style``, ``fps``.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from .model import JOINTS, Body, J, Motion, RunnerParams, params_dict, simulate

VIEW_FACING: dict[str, float] = {"side": 0.0, "side_l": 180.0, "front": 90.0, "back": -90.0}
"""View name -> the runner's ``facing_deg``: side = faces image-right, side_l = image-left,
front = toward the camera, back = away from it."""

STYLE = "clothed"  # name of the figure style, stored in the truth like the reference's


@dataclass(frozen=True)
class Camera:
    """Pinhole camera: ``uv = f * xy_c / z_c + (width, height) / 2`` with camera coordinates
    ``x_c = R (X - C)`` (x right, y down, z forward). Pixel ``(row i, col j)`` spans
    ``[j, j+1) x [i, i+1)``, so ``uv`` is in the same units as MediaPipe's ``x * width``."""

    width: int
    height: int
    f: float
    C: np.ndarray
    R: np.ndarray

    @classmethod
    def for_body(cls, body: Body, width: int, height: int, distance: float = 5.0,
                 fill: float = 0.72) -> Camera:
        """Level camera at standing hip height, ``distance`` m from the runner on ``+z``,
        zoomed so the standing body spans ``fill`` of the frame height."""
        hip_h = body.ankle_h + body.leg_length
        R = np.array([[1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, -1.0]])
        return cls(width, height, fill * height * distance / body.height,
                   np.array([0.0, hip_h, distance]), R)

    @property
    def centre(self) -> np.ndarray:
        return np.array([self.width / 2.0, self.height / 2.0])

    def to_camera(self, X: np.ndarray) -> np.ndarray:
        return (X - self.C) @ self.R.T

    def project(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Exact pixel coordinates ``(..., 2)`` and depths ``(...)`` of world points."""
        xc = self.to_camera(X)
        return self.f * xc[..., :2] / xc[..., 2:3] + self.centre, xc[..., 2]


@dataclass(frozen=True)
class Palette:
    """Colours (RGB 0-255) of the figure and the room."""

    skin: tuple = (224, 172, 132)
    shirt: tuple = (200, 38, 44)
    shorts: tuple = (30, 36, 64)
    hair: tuple = (58, 38, 24)
    sock: tuple = (244, 244, 244)
    shoe: tuple = (236, 236, 240)
    eye_white: tuple = (250, 250, 250)
    pupil: tuple = (28, 24, 22)
    mouth: tuple = (150, 55, 55)
    wall_top: tuple = (214, 220, 228)
    wall_bottom: tuple = (196, 200, 206)
    floor: tuple = (150, 140, 128)
    belt: tuple = (46, 48, 52)
    rail: tuple = (120, 122, 128)


def _ball(centre: np.ndarray, r: float, color: tuple):
    """A sphere, as a capsule of zero length."""
    return ("capsule", centre, centre, r, r, color)


class Renderer:
    """Draws frames of one runner for one camera. Build once per clip (the room is
    pre-rendered), then call :meth:`frame` per frame."""

    _LIGHT = np.array([-0.35, -0.75, -0.55]) / np.linalg.norm([-0.35, -0.75, -0.55])
    _AMBIENT, _DIFFUSE = 0.38, 0.62
    _BELT_HALF = (1.0, 0.3)   # belt half length / half width (m)
    _RAIL = 0.06              # rail width (m)
    _STRIPE = (0.25, 0.035)   # belt stripe period / stripe width (m)
    # The hip joints sit in the front part of the pelvis, not at its middle: the hip joint
    # centre is about 30 % of the pelvis width behind the front of the pelvis (ASIS; Bell
    # et al. 1990), some 7-8 cm, while the buttocks reach 14-16 cm behind it. The shorts'
    # ellipsoid (half depth 0.062 h) is centred this far (x height) behind the hip joints,
    # so the joint lies a third of the pelvis depth from its front (7.4 cm for 1.75 m).
    # Centred on the joints (before), the pose model, which places its hip point within
    # the body's outline as on real people, read the hips 1.8 % of leg forward of the
    # joints and trunk lean 1.5 deg low on every render (bench/contacts.md).
    _PELVIS_BACK = 0.02

    def __init__(self, camera: Camera, body: Body, forward: np.ndarray, belt_speed: float,
                 palette: Palette = Palette()):
        self.cam, self.body, self.pal = camera, body, palette
        self.forward = np.asarray(forward, float)
        self.lateral = np.cross(self.forward, [0.0, 1.0, 0.0])
        self.belt_speed = belt_speed
        h, w = camera.height, camera.width
        # pixel (row i, col j) covers [j, j+1) x [i, i+1): sample its centre, as MediaPipe's
        # normalised landmarks do (x * width), so drawn and projected positions agree
        self.v, self.u = np.mgrid[0:h, 0:w].astype(np.float32) + np.float32(0.5)
        self._room()

    # ---- room ----------------------------------------------------------------------
    def _room(self) -> None:
        """Pre-render wall, floor, treadmill and a soft contact shadow; remember where the
        belt is (and its coordinate along the belt) for the moving stripes."""
        cam, pal = self.cam, self.pal
        rays = np.stack([(self.u - cam.centre[0]) / cam.f, (self.v - cam.centre[1]) / cam.f,
                         np.ones_like(self.u)], -1) @ cam.R  # world directions
        down = rays[..., 1] < -1e-6
        t_hit = np.where(down, -cam.C[1] / np.minimum(rays[..., 1], -1e-6), 0.0)
        ground = cam.C + t_hit[..., None] * rays
        along, across = ground @ self.forward, ground @ self.lateral
        wall_mix = np.clip(self.v / cam.height, 0, 1)[..., None]
        img = (1 - wall_mix) * np.array(pal.wall_top) + wall_mix * np.array(pal.wall_bottom)
        half_len, half_w = self._BELT_HALF
        on_deck = down & (np.abs(along) < half_len + self._RAIL)
        belt = on_deck & (np.abs(along) < half_len) & (np.abs(across) < half_w)
        rail = on_deck & ~belt & (np.abs(across) < half_w + self._RAIL)
        img[down] = pal.floor
        img[rail] = pal.rail
        img[belt] = pal.belt
        shadow = np.exp(-((along / 0.45) ** 2 + (across / 0.22) ** 2))
        img[down] *= (1.0 - 0.35 * shadow[down])[:, None]
        self.room = img.astype(np.float32)
        self.belt_mask = belt
        self.belt_along = along[belt].astype(np.float32)

    # ---- primitives ----------------------------------------------------------------
    def _bbox(self, lo, hi):
        x0, y0 = np.maximum(np.floor(lo).astype(int), 0)
        x1 = min(int(np.ceil(hi[0])) + 1, self.cam.width)
        y1 = min(int(np.ceil(hi[1])) + 1, self.cam.height)
        return (slice(y0, y1), slice(x0, x1)) if x1 > x0 and y1 > y0 else None

    def _shade(self, img, zbuf, box, inside, depth, normal, color) -> None:
        """Z-test and write Lambert-shaded ``color`` where ``inside``."""
        zsub = zbuf[box]
        m = inside & (depth < zsub)
        if not m.any():
            return
        zsub[m] = depth[m]
        light = self._AMBIENT + self._DIFFUSE * np.maximum(normal[m] @ self._LIGHT, 0.0)
        img[box][m] = light[:, None] * np.asarray(color, np.float32)

    def _capsule(self, img, zbuf, p0, p1, r0, r1, color) -> None:
        """Tapered capsule between camera-space points p0, p1 with radii r0, r1 (m)."""
        f, c = self.cam.f, self.cam.centre
        a, b = f * p0[:2] / p0[2] + c, f * p1[:2] / p1[2] + c
        ra, rb = f * r0 / p0[2], f * r1 / p1[2]
        box = self._bbox(np.minimum(a - ra, b - rb), np.maximum(a + ra, b + rb))
        if box is None:
            return
        U, V = self.u[box], self.v[box]
        ab = b - a
        len2 = float(ab @ ab)
        s = (np.clip(((U - a[0]) * ab[0] + (V - a[1]) * ab[1]) / len2, 0.0, 1.0)
             if len2 > 1e-9 else np.zeros_like(U))
        dx, dy = U - (a[0] + s * ab[0]), V - (a[1] + s * ab[1])
        rho = ra + s * (rb - ra)
        q = (dx * dx + dy * dy) / (rho * rho)
        inside = q < 1.0
        hgt = np.sqrt(np.maximum(1.0 - q, 0.0))
        depth = p0[2] + s * (p1[2] - p0[2]) - (r0 + s * (r1 - r0)) * hgt
        normal = np.stack([dx / rho, dy / rho, -hgt], -1)
        self._shade(img, zbuf, box, inside, depth, normal, color)

    def _ellipsoid(self, img, zbuf, centre, axes, semi, color) -> None:
        """Ellipsoid (camera space): ``axes`` rows are unit axes, ``semi`` their half-lengths."""
        f, c = self.cam.f, self.cam.centre
        reach = float(np.max(semi))
        mid = f * centre[:2] / centre[2] + c
        rad = f * reach / max(centre[2] - reach, 1e-3)
        box = self._bbox(mid - rad, mid + rad)
        if box is None:
            return
        M = axes / np.asarray(semi)[:, None]          # camera vector -> unit-sphere frame
        rays = np.stack([(self.u[box] - c[0]) / f, (self.v[box] - c[1]) / f,
                         np.ones_like(self.u[box])], -1)
        d = rays @ M.T
        o = -M @ centre
        qa = np.sum(d * d, -1)
        qb = 2.0 * (d @ o)
        disc = qb * qb - 4.0 * qa * (o @ o - 1.0)
        inside = disc > 0
        depth = (-qb - np.sqrt(np.maximum(disc, 0.0))) / (2.0 * qa)   # ray z-component is 1
        normal = (o + depth[..., None] * d) @ M  # gradient of |M (x - centre)|^2
        normal /= np.linalg.norm(normal, axis=-1, keepdims=True) + 1e-12
        self._shade(img, zbuf, box, inside, depth, normal, color)

    # ---- the figure ----------------------------------------------------------------
    def _parts(self, x: np.ndarray):
        """The figure as a list of ("capsule", p0, p1, r0, r1, colour) and
        ("ellipsoid", centre, axes(3x3 rows), semi(3), colour) in world coordinates."""
        h, pal, b = self.body.height, self.pal, self.body
        up = np.array([0.0, 1.0, 0.0])

        def unit(v):
            return v / np.linalg.norm(v)

        def lerp(p, q, s):
            return p + s * (q - p)

        pelvis, chest_top = x[J["pelvis_c"]], x[J["shoulder_c"]]
        t_up = unit(chest_top - pelvis)
        t_right = unit(x[J["r_shoulder"]] - x[J["l_shoulder"]])
        t_fwd = np.cross(t_up, t_right)
        trunk_axes = np.stack([t_fwd, t_up, t_right])
        p_right = unit(x[J["r_hip"]] - x[J["l_hip"]])
        p_fwd = unit(np.cross(up, p_right))
        pelvis_axes = np.stack([p_fwd, np.cross(p_right, p_fwd), p_right])
        parts = [
            ("ellipsoid", lerp(pelvis, chest_top, 0.64), trunk_axes,
             (0.062 * h, 0.125 * h, 0.102 * h), pal.shirt),
            ("ellipsoid", lerp(pelvis, chest_top, 0.3), trunk_axes,
             (0.055 * h, 0.11 * h, 0.088 * h), pal.shirt),
            ("ellipsoid", pelvis + 0.015 * h * t_up - self._PELVIS_BACK * h * p_fwd,
             pelvis_axes, (0.062 * h, 0.07 * h, 0.098 * h), pal.shorts),
            ("capsule", x[J["l_shoulder"]], x[J["r_shoulder"]], 0.031 * h, 0.031 * h, pal.shirt),
            ("capsule", chest_top, x[J["neck"]] + 0.02 * h * t_up, 0.03 * h, 0.027 * h, pal.skin),
        ]
        parts += self._head_parts(x, t_right)
        for s in ("l", "r"):
            sh, el, wr, hd = (x[J[f"{s}_{k}"]] for k in ("shoulder", "elbow", "wrist", "hand"))
            hip, kn, an = (x[J[f"{s}_{k}"]] for k in ("hip", "knee", "ankle"))
            parts += [
                ("capsule", sh, el, 0.028 * h, 0.022 * h, pal.skin),
                ("capsule", sh, lerp(sh, el, 0.42), 0.034 * h, 0.031 * h, pal.shirt),
                ("capsule", el, wr, 0.021 * h, 0.016 * h, pal.skin),
                ("capsule", lerp(wr, hd, 0.3), lerp(wr, hd, 0.7), 0.024 * h, 0.022 * h, pal.skin),
                ("capsule", hip, kn, 0.05 * h, 0.032 * h, pal.skin),
                ("capsule", hip, lerp(hip, kn, 0.5), 0.058 * h, 0.05 * h, pal.shorts),
                ("capsule", kn, an, 0.032 * h, 0.02 * h, pal.skin),
                ("capsule", lerp(an, kn, 0.3), an, 0.022 * h, 0.022 * h, pal.sock),
                ("capsule", x[J[f"{s}_shoe_back"]], x[J[f"{s}_shoe_front"]],
                 b.shoe_back_r, b.shoe_front_r, pal.shoe),
            ]
        return parts

    def _head_parts(self, x: np.ndarray, right: np.ndarray):
        """Head with hair, ears and a face (eyes, brows, nose, mouth) looking forward."""
        pal, rh = self.pal, self.body.head_r
        head = x[J["head"]]
        h_up = (head - x[J["neck"]]) / np.linalg.norm(head - x[J["neck"]])
        h_fwd = np.cross(h_up, right)
        h_fwd /= np.linalg.norm(h_fwd)
        h_right = np.cross(h_fwd, h_up)
        axes = np.stack([h_fwd, h_up, h_right])

        def on(f, u, r, dist=1.0):
            d = f * h_fwd + u * h_up + r * h_right
            return head + dist * rh * d / np.linalg.norm(d)

        parts = [_ball(head, rh, pal.skin),
                 _ball(head + rh * (-0.1 * h_fwd + 0.12 * h_up), 1.02 * rh, pal.hair),
                 ("capsule", on(1, 0.1, 0, 0.9), on(1, -0.14, 0, 1.13), 0.1 * rh, 0.12 * rh,
                  pal.skin)]
        for s in (-1, 1):
            parts += [
                ("ellipsoid", on(-0.12, 0.02, s, 0.96), axes, (0.13 * rh, 0.24 * rh, 0.09 * rh),
                 pal.skin),
                _ball(on(0.94, 0.14, 0.34 * s, 0.9), 0.17 * rh, pal.eye_white),
                _ball(on(0.94, 0.14, 0.34 * s, 0.99), 0.09 * rh, pal.pupil),
                ("capsule", on(0.92, 0.38, 0.15 * s, 0.99), on(0.82, 0.36, 0.5 * s, 0.99),
                 0.05 * rh, 0.05 * rh, pal.hair),
            ]
        parts.append(("capsule", on(0.92, -0.42, -0.22), on(0.92, -0.42, 0.22), 0.05 * rh,
                      0.05 * rh, pal.mouth))
        return parts

    def frame(self, x: np.ndarray, t: float) -> np.ndarray:
        """RGB uint8 image of joints ``x[joint, xyz]`` (world) at clip time ``t``."""
        img = self.room.copy()
        period, width = self._STRIPE
        stripe = np.mod(self.belt_along + self.belt_speed * t, period) < width
        img[self.belt_mask] *= np.where(stripe, 0.72, 1.0)[:, None].astype(np.float32)
        zbuf = np.full(img.shape[:2], np.inf, np.float32)
        R = self.cam.R
        for kind, *geo, color in self._parts(x):
            if kind == "capsule":
                p0, p1, r0, r1 = geo
                self._capsule(img, zbuf, self.cam.to_camera(p0), self.cam.to_camera(p1),
                              r0, r1, color)
            else:
                centre, axes, semi = geo
                self._ellipsoid(img, zbuf, self.cam.to_camera(centre), axes @ R.T, semi, color)
        return np.clip(img, 0, 255).astype(np.uint8)


# ------------------------------------------------------------------ clip writer

def encode_frames(path: Path, images, fps: float, width: int, height: int, crf: int) -> None:
    """Write RGB ``images`` (frame ``i`` at ``pts = i / fps``) as an H.264 yuv420p mp4."""
    rate = Fraction(fps).limit_denominator(1001)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = 1 / rate
        stream.options = {"crf": str(crf), "preset": "medium"}
        for i, img in enumerate(images):
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = i
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def truth_paths(video: Path) -> tuple[Path, Path]:
    """``NAME_truth.json`` and ``NAME_truth.npz`` beside ``NAME.mp4``."""
    video = Path(video)
    stem = video.with_suffix("")
    return Path(f"{stem}_truth.json"), Path(f"{stem}_truth.npz")


@dataclass(frozen=True)
class ClipInfo:
    """What :func:`write_clip` wrote."""

    video: Path
    truth_json: Path
    truth_npz: Path
    n_frames: int
    fps: float
    width: int
    height: int
    view: str
    seconds_to_render: float


def write_clip(path: str | Path, params: RunnerParams, view: str = "side", fps: float = 30.0,
               seconds: float = 6.0, width: int = 640, height: int = 480,
               crf: int = 23, camera=None, segments=None, overground: bool = False,
               scene: str | None = None) -> ClipInfo:
    """Render ``params`` seen from ``view`` to ``path`` (H.264 mp4) and write its truth.

    ``view`` sets the runner's facing (:data:`VIEW_FACING`); frame ``i`` shows model time
    ``i / fps``. ``width``/``height`` must be even (yuv420p).

    ``camera`` (:class:`~core.synthetic.camerapath.CameraPath`), ``segments`` (passes cut
    together), ``overground`` and ``scene`` film the runner as people do (moving, shaking,
    rolled or zoomed camera; a runner crossing the ground; several passes); they are handled
    by :func:`core.synthetic.scene.write_scene_clip`, whose truth adds the per-frame camera.
    Left at their defaults, the clip and its truth are exactly today's.
    """
    if camera is not None or segments or overground or scene is not None:
        from .scene import write_scene_clip
        return write_scene_clip(path, params, view=view, fps=fps, seconds=seconds,
                                width=width, height=height, crf=crf, camera=camera,
                                segments=segments, overground=overground, scene=scene)
    if view not in VIEW_FACING:
        raise ValueError(f"unknown view {view!r}; expected one of {sorted(VIEW_FACING)}")
    if width % 2 or height % 2:
        raise ValueError("width and height must be even for yuv420p")
    start = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    params = params.with_(facing_deg=VIEW_FACING[view])
    motion = simulate(params, fps, seconds)
    cam = Camera.for_body(params.body, width, height)
    renderer = Renderer(cam, params.body, motion.forward, params.speed_mps)
    encode_frames(path, (renderer.frame(motion.X[i], t) for i, t in enumerate(motion.t)),
                  fps, width, height, crf)
    js, npz = write_truth(path, motion, cam, view)
    return ClipInfo(path, js, npz, len(motion.t), float(fps), width, height, view,
                    time.perf_counter() - start)


def write_truth(video: Path, motion: Motion, cam: Camera, view: str) -> tuple[Path, Path]:
    """Write ``NAME_truth.json`` / ``NAME_truth.npz`` for ``motion`` seen by ``cam``."""
    js, npz = truth_paths(video)
    uv, depth = cam.project(motion.X)
    params = params_dict(motion.params)
    names = {"l": "left", "r": "right"}
    ics, tos = motion.contacts("ic"), motion.contacts("to")
    doc = {
        "view": view, "fps": motion.fps, "n_frames": len(motion.t),
        "width": cam.width, "height": cam.height, "style": STYLE,
        "initial_contacts": [{"foot": names[e.side], "t": round(e.t, 6)} for e in ics],
        "toe_offs": [{"foot": names[e.side], "t": round(e.t, 6)} for e in tos],
        "params": params, "truth": motion.truth, "joints": list(JOINTS),
        "note": "uv in the npz: exact pixel projection of each joint per frame (frame, joint, xy)",
    }
    js.write_text(json.dumps(doc, indent=1))
    np.savez_compressed(
        npz, t=motion.t, X=motion.X, uv=uv, depth=depth, stance=motion.stance,
        joints=np.array(JOINTS), cam_R=cam.R, cam_C=cam.C, cam_f=np.float64(cam.f),
        events_side=np.array([e.side for e in ics]), events_t=np.array([e.t for e in ics]),
        to_side=np.array([e.side for e in tos]), to_t=np.array([e.t for e in tos]),
        forward=motion.forward, params=json.dumps(params), truth=json.dumps(motion.truth),
        view=view, style=STYLE, fps=np.float64(motion.fps))
    return js, npz
