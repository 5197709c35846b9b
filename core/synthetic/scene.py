"""Textured surroundings for a moving camera, and the clip writer for filmed-like renders.

Today's room (:class:`~core.synthetic.render.Renderer`: a plain wall, a floor and a
treadmill) has nothing a camera-motion estimator could track. :class:`Scene` adds two
textured places, drawn per frame by mapping pre-made texture images (numpy, seeded) onto a
few planes, one homography per plane (:func:`cv2.warpPerspective`), at half resolution and
enlarged (the runner is drawn at full resolution):

* ``"outdoor"``: a running track (terracotta with white lane lines and marks) on mown grass,
  a hedge and fence 9 m behind the running line with buildings (window grids) and trees
  above it, sky with clouds (sampled by direction, i.e. at infinity).
* ``"gym"``: a wooden board floor, a brick wall with posters 3.5 m behind the running line
  and an end wall, both with a plaster band above.

Both keep their texture scale in metres, so parallax, zoom and roll are exact. A treadmill
(belt, rails and moving stripes as in the room) is drawn when the runner is not running
overground. ``"room"`` is today's room, drawn by the original code.

:func:`write_scene_clip` renders a runner (treadmill or overground) filmed by
:class:`~core.synthetic.camerapath.CameraPath` shots, optionally cut together from several
:class:`~core.synthetic.camerapath.Segment` passes, and writes the truth with the per-frame
camera (see :func:`write_scene_clip`).
"""
from __future__ import annotations

import functools
import json
import time
from pathlib import Path
from typing import Sequence

import cv2
import numpy as np

from .camerapath import CameraPath, Segment, camera_track
from .model import JOINTS, RunnerModel, RunnerParams, params_dict
from .render import (STYLE, VIEW_FACING, Camera, ClipInfo, Renderer, encode_frames,
                     truth_paths)

SCENES = ("room", "gym", "outdoor")
_TEX = 0.02                      # metres per texel of every texture
_UP = np.array([0.0, 1.0, 0.0])


# ------------------------------------------------------------------ textures

def _value_noise(rng: np.random.Generator, shape: tuple[int, int],
                 scales: Sequence[int]) -> np.ndarray:
    """Sum of smooth random fields (coarse grids enlarged with cubic interpolation), ~N(0,1)."""
    out = np.zeros(shape, np.float32)
    for s in scales:
        small = rng.standard_normal((max(shape[0] // s, 2), max(shape[1] // s, 2)))
        out += cv2.resize(small.astype(np.float32), (shape[1], shape[0]),
                          interpolation=cv2.INTER_CUBIC)
    return out / np.sqrt(len(scales))


def _rect(img, x0, y0, x1, y1, color) -> None:
    img[max(int(y0), 0):max(int(y1), 0), max(int(x0), 0):max(int(x1), 0), :3] = color


@functools.lru_cache(maxsize=4)
def _textures(kind: str, seed: int = 7) -> dict[str, np.ndarray]:
    """The texture images of a scene kind (float32 RGBA, 0-255; alpha 0 = see through).

    ``ground``: rows = across the running line (``far`` from -20.48 to 20.48 m), columns =
    along it (wraps every 40.96 m). ``wall``: rows = height from the top (``_WALL_H[kind]``
    m) down to 0, columns = along (wraps). ``sky``: rows = elevation 0-90 deg, columns =
    azimuth (wraps), 0.1 deg per texel.
    """
    rng = np.random.default_rng(seed)
    n = 2048
    mid = n // 2
    tex: dict[str, np.ndarray] = {}
    if kind == "outdoor":
        g = np.empty((n, n, 4), np.float32)
        g[..., 3] = 255
        grass = _value_noise(rng, (n, n), (4, 16, 64))
        stripes = np.where((np.arange(n) * _TEX // 2.5) % 2 == 0, 1.0, 0.86)[None, :]
        texture = 1 + 0.16 * grass  # (the same for every channel: made once)
        for c, base in enumerate((70, 130, 52)):
            g[..., c] = base * stripes * texture
        tr = np.arange(n)
        track = np.abs((tr - mid) * _TEX) < 3.0
        fine = _value_noise(rng, (int(track.sum()), n), (2, 8))
        for c, base in enumerate((176, 84, 62)):
            g[track, :, c] = base * (1 + 0.1 * fine)
        for line in (-2.44, -1.22, 0.0, 1.22, 2.44):   # lane lines, the runner between two
            r = mid + int(round((line + 0.61) / _TEX))
            g[r - 2:r + 2, :, :3] = 240
        for _ in range(70):   # marks on the track: ticks, numbers, coloured dots
            x = rng.integers(0, n)
            r = mid + int(rng.uniform(-2.9, 2.9) / _TEX)
            col = rng.choice([(240, 240, 240), (250, 220, 40), (40, 110, 220)])
            _rect(g, x, r, x + rng.integers(4, 18), r + rng.integers(4, 24), col)
        for _ in range(120):  # leaves / patches on the grass
            x, r = rng.integers(0, n), rng.integers(0, n)
            if abs((r - mid) * _TEX) > 3.2:
                _rect(g, x, r, x + rng.integers(3, 12), r + rng.integers(3, 12),
                      tuple(int(v) for v in rng.integers(40, 140, 3)))
        tex["ground"] = g
        h = int(_WALL_H[kind] / _TEX)
        w = np.zeros((h, n, 4), np.float32)
        row_h = lambda m: h - int(m / _TEX)  # noqa: E731  row of height m
        x = 0
        while x < n:   # buildings of random width, height and colour, with windows
            bw = int(rng.uniform(4, 10) / _TEX)
            bh = rng.uniform(3.0, 7.0)
            col = rng.uniform(120, 225, 3)
            _rect(w, x, row_h(bh), x + bw, h, col)
            w[row_h(bh):, x:x + bw, 3] = 255
            for wy in np.arange(1.6, bh - 0.6, 1.3):
                for wx in np.arange(0.5, bw * _TEX - 0.8, 1.4):
                    _rect(w, x + wx / _TEX, row_h(wy + 0.8), x + (wx + 0.7) / _TEX,
                          row_h(wy), (60, 80, 110))
            x += bw + int(rng.uniform(0, 3) / _TEX)
        leaves = _value_noise(rng, (h, n), (3, 12))
        yy, xx = np.mgrid[0:h, 0:n]
        for _ in range(40):  # trees: leafy discs on trunks
            cx, r_m = rng.integers(0, n), rng.uniform(1.0, 2.2)
            cy = row_h(rng.uniform(2.2, 4.5))
            # the disc's bounding box only (the same texels as testing the whole wall)
            rr = int(np.ceil(r_m / _TEX)) + 1
            box = (slice(max(cy - rr, 0), cy + rr + 1), slice(max(cx - rr, 0), cx + rr + 1))
            disc = (xx[box] - cx) ** 2 + (yy[box] - cy) ** 2 < (r_m / _TEX) ** 2
            wb = w[box]
            for c, base in enumerate((50, 105, 45)):
                wb[..., c] = np.where(disc, base * (1 + 0.25 * leaves[box]), wb[..., c])
            wb[disc, 3] = 255
            _rect(w, cx - 6, cy, cx + 6, h, (90, 64, 40))
            w[cy:, cx - 6:cx + 6, 3] = 255
        hedge = yy > row_h(1.3)
        for c, base in enumerate((40, 92, 40)):
            w[..., c] = np.where(hedge, base * (1 + 0.3 * leaves), w[..., c])
        w[hedge, 3] = 255
        for px in range(0, n, int(2.5 / _TEX)):   # fence posts and top rail
            _rect(w, px, row_h(1.8), px + 4, h, (150, 150, 156))
            w[row_h(1.8):, px:px + 4, 3] = 255
        w[row_h(1.8):row_h(1.75), :, :3] = 160
        w[row_h(1.8):row_h(1.75), :, 3] = 255
        tex["wall"] = w
        s = np.empty((900, 3600, 4), np.float32)
        clouds = np.clip(_value_noise(rng, (900, 3600), (20, 60, 150)), 0, None)
        elev = np.linspace(1, 0, 900)[:, None]  # row 0 = zenith
        cover = np.clip(0.55 * clouds, 0, 0.9)
        for c, (lo, hi) in enumerate(((190, 90), (215, 140), (240, 215))):
            s[..., c] = (lo + (hi - lo) * elev).astype(np.float32)  # one column, then spread
            s[..., c] += (250 - s[..., c]) * cover
        s[..., 3] = 255
        tex["sky"] = s
    elif kind == "gym":
        g = np.empty((n, n, 4), np.float32)
        g[..., 3] = 255
        grain = _value_noise(rng, (n, n), (1, 3))
        board = int(0.15 / _TEX)
        for r0 in range(0, n, board):
            offs = rng.integers(0, n)
            shade = rng.uniform(0.8, 1.15, n // 40 + 2)
            cols = np.repeat(shade, 40)[(np.arange(n) + offs) % (len(shade) * 40)]
            for c, base in enumerate((186, 140, 92)):
                g[r0:r0 + board, :, c] = base * cols[None, :] * (1 + 0.05 * grain[r0:r0 + board])
            g[r0:r0 + 1, :, :3] *= 0.6
            for x in range(offs % 120, n, 120):   # board ends
                g[r0:r0 + board, x:x + 1, :3] *= 0.6
        tex["ground"] = g
        h = int(_WALL_H[kind] / _TEX)
        w = np.empty((h, n, 4), np.float32)
        w[..., 3] = 255
        w[..., :3] = (226, 222, 214)        # plaster
        top = h - int(2.6 / _TEX)
        bh, bl = int(0.075 / _TEX), int(0.225 / _TEX)
        noise = _value_noise(rng, (h, n), (2, 6))
        for i, r0 in enumerate(range(top, h, bh)):
            offs = (bl // 2) * (i % 2)
            for x0 in range(-offs, n, bl):
                col = np.array((150, 62, 44)) * rng.uniform(0.8, 1.2)
                w[r0:r0 + bh, max(x0, 0):x0 + bl, :3] = col
                w[r0:r0 + bh, max(x0, 0):max(x0, 0) + 1, :3] = 200   # mortar
            w[r0:r0 + 1, :, :3] = 200
        w[top:, :, :3] *= (1 + 0.06 * noise[top:, :, None])
        for _ in range(14):   # posters: a coloured sheet with a few shapes
            x0 = rng.integers(0, n - 60)
            pw, ph = rng.integers(30, 50), rng.integers(40, 70)
            r0 = rng.integers(top + 10, h - ph - 30)
            _rect(w, x0, r0, x0 + pw, r0 + ph, rng.uniform(30, 250, 3))
            for _ in range(3):
                a, b = rng.integers(0, pw - 8), rng.integers(0, ph - 8)
                _rect(w, x0 + a, r0 + b, x0 + a + rng.integers(4, 12),
                      r0 + b + rng.integers(4, 12), rng.uniform(0, 255, 3))
        tex["wall"] = w
    return tex


_WALL_H = {"outdoor": 7.0, "gym": 6.0}
_WALL_DIST = {"outdoor": 9.0, "gym": 3.5}


def _plane_homography(cam: Camera, n: np.ndarray, D: float, e1: np.ndarray, e2: np.ndarray,
                      A: np.ndarray) -> np.ndarray:
    """3x3 map from output pixel ``(col, row, 1)`` to ``A @ (a, b, 1)``, where ``(a, b) =
    (e1 . X, e2 . X)`` are the in-plane coordinates of the point ``X`` where that pixel's
    ray meets the plane ``n . X = D`` (pixel centres at +0.5, as the renderer samples)."""
    K_inv = np.array([[1 / cam.f, 0, -cam.centre[0] / cam.f],
                      [0, 1 / cam.f, -cam.centre[1] / cam.f], [0, 0, 1.0]])
    M = cam.R.T @ K_inv @ np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1.0]])
    C = cam.C
    h = D - n @ C
    num = np.stack([(e @ C) * (n @ M) + h * (e @ M) for e in (e1, e2)])
    return A @ np.vstack([num, n @ M])


def _warp(tex: np.ndarray, H: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Texture seen through pixel->texel homography ``H`` (OpenCV, bilinear, wrapping)."""
    return cv2.warpPerspective(tex, H, size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_WRAP)


def _apply(H: np.ndarray, j: np.ndarray,
           i: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``H @ (j, i, 1)`` as (x / w, y / w, w) arrays."""
    w = H[2, 0] * j + H[2, 1] * i + H[2, 2]
    ws = np.where(np.abs(w) < 1e-12, 1e-12, w)
    return ((H[0, 0] * j + H[0, 1] * i + H[0, 2]) / ws,
            (H[1, 0] * j + H[1, 1] * i + H[1, 2]) / ws, w)


class Scene:
    """A textured place around the running line (see the module doc).

    ``forward`` is the runner's running direction; the backdrop stands on the side away from
    the default camera (side views) or on the runner's left (front/back views); the gym's end
    wall stands ``end_m`` ahead of the origin along ``forward``. Each plane (ground, backdrop,
    end wall, cloud layer) reaches the picture through one homography (OpenCV
    ``warpPerspective``), so a frame costs a few milliseconds.
    """

    _CLOUD_H = 400.0   # m, height of the cloud layer
    _CLOUD_TEX = 2.0   # m per texel of the cloud texture

    def __init__(self, kind: str, forward: np.ndarray, end_m: float = 12.0):
        if kind not in ("gym", "outdoor"):
            raise ValueError(f"unknown scene {kind!r}; expected one of {SCENES}")
        self.kind = kind
        self.forward = np.asarray(forward, float)
        lateral = np.cross(self.forward, _UP)
        self.far = -lateral if lateral[2] > -0.5 else lateral  # away from the +z camera
        self.end_m = end_m
        self.tex = {k: np.clip(v, 0, 255).astype(np.uint8) for k, v in _textures(kind).items()}

    def background(self, cam: Camera, u: np.ndarray, v: np.ndarray):
        """RGB float32 image of the place for ``cam``, plus each pixel's ground point
        (along, far) and a ground mask (for the contact shadow and the treadmill)."""
        size = (cam.width, cam.height)
        j, i = u - np.float32(0.5), v - np.float32(0.5)
        fwd, far, up = self.forward, self.far, _UP
        H_w, D_w = _WALL_H[self.kind], _WALL_DIST[self.kind]
        T = 1.0 / _TEX
        # ground: texel (along / TEX, far / TEX + 1024)
        Hg = _plane_homography(cam, up, 0.0, fwd, far,
                               np.array([[T, 0, 0], [0, T, 1024], [0, 0, 1.0]]))
        Hg_m = _plane_homography(cam, up, 0.0, fwd, far, np.eye(3))
        along_g, far_g, wg = _apply(Hg_m, j, i)
        ray = cam.R.T @ np.array([[1 / cam.f, 0, (0.5 - cam.centre[0]) / cam.f],
                                  [0, 1 / cam.f, (0.5 - cam.centre[1]) / cam.f], [0, 0, 1.0]])
        dy = ray[1, 0] * j + ray[1, 1] * i + ray[1, 2]       # ray's upward component
        dfar = ray.T @ far
        dfar = dfar[0] * j + dfar[1] * i + dfar[2]
        is_g = (dy < -1e-9) & (far_g < D_w)
        # backdrop: texel (along / TEX, (H - y) / TEX)
        Hw = _plane_homography(cam, far, D_w, fwd, up,
                               np.array([[T, 0, 0], [0, -T, H_w * T], [0, 0, 1.0]]))
        _, y_w, _ = _apply(_plane_homography(cam, far, D_w, fwd, up, np.eye(3)), j, i)
        wall = _warp(self.tex["wall"], Hw, size)
        is_w = ~is_g & (dfar > 1e-9) & (y_w >= 0) & (y_w < H_w) & (wall[..., 3] > 127)
        img = np.empty(u.shape + (3,), np.float32)
        if self.kind == "outdoor":
            Tc = 1.0 / self._CLOUD_TEX
            Hs = _plane_homography(cam, up, self._CLOUD_H, fwd, far,
                                   np.array([[Tc, 0, 0], [0, Tc, 0], [0, 0, 1.0]]))
            img[:] = _warp(self.tex["sky"], Hs, size)[..., :3]
            norm = np.sqrt(np.sum(ray ** 2, axis=0))   # haze toward the horizon
            slope = np.clip(dy / (norm[0] * np.abs(j) + norm[1] * np.abs(i) + norm[2] + 1e-9)
                            * 6.0, 0, 1)[..., None]
            img[:] = slope * img + (1 - slope) * np.array((214, 226, 238), np.float32)
        else:
            img[:] = (226, 222, 214)
        ground = _warp(self.tex["ground"], Hg, size)[..., :3].astype(np.float32)
        if self.kind == "outdoor":   # fade far grass to its mean colour (no shimmer)
            dist = np.where(is_g, np.abs(cam.C[1] / np.where(dy < -1e-9, dy, -1e-9)), 0)
            norm = np.sqrt((ray[0, 0] * j + ray[0, 1] * i + ray[0, 2]) ** 2 + dy ** 2
                           + (ray[2, 0] * j + ray[2, 1] * i + ray[2, 2]) ** 2)
            fade = np.exp(-(dist * norm) / 30.0)[..., None]
            ground = fade * ground + (1 - fade) * np.array((78, 128, 58), np.float32)
        img[is_w] = wall[is_w, :3]
        if self.kind == "gym":   # end wall across the line: texel ((far+100)/TEX, (H-y)/TEX)
            He = _plane_homography(cam, fwd, self.end_m, far, up,
                                   np.array([[T, 0, 100 * T], [0, -T, H_w * T], [0, 0, 1.0]]))
            _, y_e, _ = _apply(_plane_homography(cam, fwd, self.end_m, far, up, np.eye(3)), j, i)
            da = ray.T @ fwd
            da = da[0] * j + da[1] * i + da[2]
            is_e = ~is_g & ~is_w & (da > 1e-9) & (y_e >= 0) & (y_e < H_w)
            img[is_e] = _warp(self.tex["wall"], He, size)[is_e, :3] * 0.9
            is_g &= along_g < self.end_m
        img[is_g] = ground[is_g]
        return img, along_g, far_g, is_g


# ------------------------------------------------------------------ renderer

class SceneRenderer(Renderer):
    """:class:`Renderer` whose camera may change every frame, in a :class:`Scene` (or
    today's room), on a treadmill or overground. Call :meth:`frame_at` per frame."""

    def __init__(self, camera: Camera, body, forward, belt_speed: float, scene: str,
                 treadmill: bool):
        self.scene_kind = scene
        self.treadmill = treadmill
        self.scene = None if scene == "room" else Scene(scene, forward)
        self.runner_pos = np.zeros(3)
        self._key = None
        super().__init__(camera, body, forward, belt_speed if treadmill else 0.0)

    def _room(self) -> None:
        if self.scene is None:
            super()._room()          # today's room, drawn by today's code
            return
        # the place is ray-cast at half resolution and enlarged (OpenCV): it only has to
        # look like a place and carry texture; the runner is drawn at full resolution
        cam, half = self.cam, Camera(self.cam.width // 2, self.cam.height // 2,
                                     self.cam.f / 2, self.cam.C, self.cam.R)
        img, along, far, is_g = self.scene.background(half, self.u[::2, ::2] / 2,
                                                      self.v[::2, ::2] / 2)
        size = (cam.width, cam.height)
        img = cv2.resize(img, size, interpolation=cv2.INTER_LINEAR)
        along = cv2.resize(along.astype(np.float32), size, interpolation=cv2.INTER_LINEAR)
        across = cv2.resize((far * (self.scene.far @ self.lateral)).astype(np.float32), size,
                            interpolation=cv2.INTER_LINEAR)
        is_g = cv2.resize(is_g.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
        if self.treadmill:
            half_len, half_w = self._BELT_HALF
            on_deck = is_g & (np.abs(along) < half_len + self._RAIL)
            belt = on_deck & (np.abs(along) < half_len) & (np.abs(across) < half_w)
            rail = on_deck & ~belt & (np.abs(across) < half_w + self._RAIL)
            img[rail] = self.pal.rail
            img[belt] = self.pal.belt
            self.belt_mask = belt
            self.belt_along = along[belt].astype(np.float32)
        else:
            self.belt_mask = np.zeros(img.shape[:2], bool)
            self.belt_along = np.zeros(0, np.float32)
        self._ground = (along, across, is_g)
        self.room = img.astype(np.float32)

    def frame_at(self, x: np.ndarray, t: float, cam: Camera, runner_pos: np.ndarray) -> np.ndarray:
        """RGB uint8 frame of joints ``x`` at time ``t`` seen by ``cam``; ``runner_pos`` is
        the point on the ground under the runner (for the contact shadow)."""
        key = (cam.f, tuple(cam.C), tuple(cam.R.ravel()))
        if key != self._key:
            self.cam = cam
            self._room()
            self._key = key
        if self.scene is None:
            return self.frame(x, t)
        base = self.room
        along, across, is_g = self._ground
        a0 = float(np.asarray(runner_pos) @ self.forward)
        near = is_g & (np.abs(along - a0) < 1.5) & (np.abs(across) < 0.8)
        shaded = base.copy()
        shadow = np.exp(-(((along[near] - a0) / 0.45) ** 2 + (across[near] / 0.22) ** 2))
        shaded[near] *= (1.0 - 0.35 * shadow)[:, None]
        self.room = shaded
        try:
            return self.frame(x, t)
        finally:
            self.room = base


# ------------------------------------------------------------------ clip writer

def write_scene_clip(path: str | Path, params: RunnerParams, view: str = "side",
                     fps: float = 30.0, seconds: float = 6.0, width: int = 640,
                     height: int = 480, crf: int = 23, camera: CameraPath | None = None,
                     segments: Sequence[Segment] | None = None, overground: bool = False,
                     scene: str | None = None) -> ClipInfo:
    """Render ``params`` filmed by ``camera`` (or cut together from ``segments``) to ``path``.

    ``overground``: the runner travels forward at ``speed_mps`` over the ground (the stance
    foot stays put on the ground) instead of running on a treadmill; each pass is centred
    on the origin at its middle. ``scene``: ``room`` (today's, still camera on a treadmill
    only), ``gym`` or ``outdoor``; default ``outdoor`` overground, ``gym`` on a treadmill
    with a camera that moves, ``room`` otherwise.

    Truth files as :func:`~core.synthetic.render.write_clip`'s, plus (JSON) ``overground``,
    ``scene``, ``camera`` (per frame ``C``, ``R`` rows, ``f``), ``segments`` (``start_frame``,
    ``end_frame`` exclusive, ``t_start``, ``t_end``, ``params``, ``camera`` and ``truth`` of
    each pass; top-level ``params``/``truth`` are the longest pass's, named by
    ``longest_segment``), each event's ``segment``; (npz) ``cam_R`` ``[frame, 3, 3]``,
    ``cam_C`` ``[frame, 3]``, ``cam_f`` ``[frame]``, ``segment`` ``[frame]``,
    ``runner_x`` ``[frame]`` (distance travelled along ``forward``) and ``X_body`` (the
    joints in the runner's treadmill frame). Metric truth is in the runner's body frame: the
    camera does not change it.
    """
    if view not in VIEW_FACING:
        raise ValueError(f"unknown view {view!r}; expected one of {sorted(VIEW_FACING)}")
    if width % 2 or height % 2:
        raise ValueError("width and height must be even for yuv420p")
    camera = camera or CameraPath()
    segments = list(segments) if segments else [Segment(seconds, params, camera)]
    moving = any((s.camera or camera) != CameraPath() for s in segments) or len(segments) > 1
    if scene is None:
        scene = "outdoor" if overground else ("gym" if moving else "room")
    if scene not in SCENES:
        raise ValueError(f"unknown scene {scene!r}; expected one of {SCENES}")
    if scene == "room" and overground:
        raise ValueError("overground running needs a textured scene (gym or outdoor)")
    start = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    facing = VIEW_FACING[view]
    parts, n0 = [], 0
    for k, seg in enumerate(segments):
        p = (seg.params or params).with_(facing_deg=facing)
        model = RunnerModel(p)
        n = int(round(seg.seconds * fps))
        ts = np.arange(n) / float(fps)
        X_body, stance = model.pose(seg.phase_s + ts)
        runner_x = (p.speed_mps * (ts - seg.seconds / 2)) if overground else np.zeros(n)
        X = X_body + runner_x[:, None, None] * model.forward
        cams = camera_track(seg.camera or camera, p.body, model.forward, runner_x, ts,
                            width, height)
        evs = [(e.t - seg.phase_s + n0 / fps, e.side, e.kind)
               for e in model.events(seg.phase_s + n / fps, seg.phase_s)]
        parts.append(dict(k=k, p=p, model=model, n=n, n0=n0, X=X, X_body=X_body,
                          stance=stance, runner_x=runner_x, cams=cams, events=evs,
                          camera=seg.camera or camera))
        n0 += n
    def images():
        for part in parts:
            m = part["model"]
            rend = SceneRenderer(part["cams"][0], m.b, m.forward, part["p"].speed_mps, scene,
                                 treadmill=not overground)
            for i in range(part["n"]):
                yield rend.frame_at(part["X"][i], (part["n0"] + i) / fps, part["cams"][i],
                                    part["runner_x"][i] * m.forward)

    encode_frames(path, images(), fps, width, height, crf)
    js, npz = _write_scene_truth(path, parts, fps, width, height, view, scene, overground)
    return ClipInfo(path, js, npz, n0, float(fps), width, height, view,
                    time.perf_counter() - start)


def _write_scene_truth(video: Path, parts: list[dict], fps: float, width: int, height: int,
                       view: str, scene: str, overground: bool) -> tuple[Path, Path]:
    js, npz = truth_paths(video)
    names = {"l": "left", "r": "right"}
    cams = [c for p in parts for c in p["cams"]]
    X = np.concatenate([p["X"] for p in parts])
    cam_R = np.stack([c.R for c in cams])
    cam_C = np.stack([c.C for c in cams])
    cam_f = np.array([c.f for c in cams])
    xc = np.einsum("nij,nkj->nki", cam_R, X - cam_C[:, None, :])
    centre = np.array([width / 2.0, height / 2.0])
    uv = cam_f[:, None, None] * xc[..., :2] / xc[..., 2:3] + centre
    depth = xc[..., 2]
    longest = max(range(len(parts)), key=lambda k: parts[k]["n"])
    segs = []
    for p in parts:
        segs.append({"index": p["k"], "start_frame": p["n0"], "end_frame": p["n0"] + p["n"],
                     "t_start": p["n0"] / fps, "t_end": (p["n0"] + p["n"]) / fps,
                     "params": params_dict(p["p"]), "truth": p["model"].truth(),
                     "camera": p["camera"].as_dict(), "overground": overground})
    evs = sorted(((t, s, kd, p["k"]) for p in parts for (t, s, kd) in p["events"]),
                 key=lambda e: e[0])
    ics = [e for e in evs if e[2] == "ic"]
    tos = [e for e in evs if e[2] == "to"]
    doc = {
        "view": view, "fps": fps, "n_frames": len(X), "width": width, "height": height,
        "style": STYLE, "scene": scene, "overground": overground,
        "initial_contacts": [{"foot": names[s], "t": round(t, 6), "segment": k}
                             for t, s, _, k in ics],
        "toe_offs": [{"foot": names[s], "t": round(t, 6), "segment": k} for t, s, _, k in tos],
        "params": segs[longest]["params"], "truth": segs[longest]["truth"],
        "longest_segment": longest, "segments": segs, "joints": list(JOINTS),
        "camera": [{"C": [round(v, 6) for v in c.C], "R": [[round(v, 8) for v in r] for r in c.R],
                    "f": round(c.f, 4)} for c in cams],
        "note": "uv in the npz: exact pixel projection of each joint per frame (frame, joint, "
                "xy) by that frame's camera; metric truth is in the runner's body frame",
    }
    js.write_text(json.dumps(doc, indent=1))
    stance = np.concatenate([p["stance"] for p in parts])
    t = np.arange(len(X)) / float(fps)
    np.savez_compressed(
        npz, t=t, X=X, X_body=np.concatenate([p["X_body"] for p in parts]), uv=uv,
        depth=depth, stance=stance, joints=np.array(JOINTS), cam_R=cam_R, cam_C=cam_C,
        cam_f=cam_f, segment=np.concatenate([np.full(p["n"], p["k"]) for p in parts]),
        runner_x=np.concatenate([p["runner_x"] for p in parts]),
        events_side=np.array([e[1] for e in ics]), events_t=np.array([e[0] for e in ics]),
        to_side=np.array([e[1] for e in tos]), to_t=np.array([e[0] for e in tos]),
        forward=parts[longest]["model"].forward, params=json.dumps(segs[longest]["params"]),
        truth=json.dumps(segs[longest]["truth"]), view=view, style=STYLE, fps=np.float64(fps),
        scene=scene, overground=overground)
    return js, npz
