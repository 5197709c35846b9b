"""Moving-camera clips with exact known camera motion, made from still-camera footage.

Each output frame is ``cv2.warpAffine(source_frame, maps[i], size)``: the map takes source
pixels to output pixels, so the camera's motion from frame i-1 to frame i is exactly
``maps[i] o maps[i-1]^-1``. Kinds (:func:`camera_path`):

    pan       translation ramp (the picture slides by ``pan_frac`` of its width, black edges)
    handheld  smooth random shake (translation and a little roll, black edges)
    roll      a constant rotation (a phone leaning on a shelf), enlarged to hide the corners
    zoom      a scale ramp from 1.15x to 1.4x about the picture centre
    wild      handheld shake ten times stronger, every frame jumping and smeared along its
              jump (motion blur as long as the jump): cannot be followed

Generated clips live in pytest tmp dirs only, cut short to save pose time.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from clipgen import cut_stream
from core.video import fit_size

KINDS = ("pan", "handheld", "roll", "zoom", "wild")


def _sim(scale: float, angle_deg: float, tx: float, ty: float, w: int, h: int) -> np.ndarray:
    """Scale and rotate (counter-clockwise on screen) about the picture centre, then shift."""
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle_deg, scale)
    m[:, 2] += (tx, ty)
    return m


def camera_path(kind: str, n: int, size: tuple[int, int], fps: float = 30.0, seed: int = 0,
                roll_deg: float = 8.0, pan_frac: float = 0.2) -> list[np.ndarray]:
    """``n`` 2x3 maps (source -> output pixels) for a camera of ``kind`` (see module doc)."""
    w, h = size
    t = np.arange(n) / fps
    rng = np.random.default_rng(seed)
    if kind == "pan":
        s = 1.0  # no enlargement: a treadmill clip's feet are near the bottom edge
        x = np.linspace(-0.5, 0.5, n) * pan_frac * w  # the picture slides by pan_frac of width
        return [_sim(s, 0.0, float(xi), 0.0, w, h) for xi in x]
    if kind in ("handheld", "wild"):
        s = 1.0
        amp = 1.0 if kind == "handheld" else 10.0

        def smooth(k: int, a: float) -> np.ndarray:
            f = rng.uniform(0.3, 1.5, 3)
            ph = rng.uniform(0, 2 * np.pi, 3)
            return a * sum(np.sin(2 * np.pi * fi * t + p) for fi, p in zip(f, ph)) / 3
        dx, dy, da = smooth(0, 0.02 * w * amp), smooth(1, 0.015 * h * amp), smooth(2, 0.8 * amp)
        if kind == "wild":
            dx = dx + rng.normal(0, 0.04 * w, n)
            dy = dy + rng.normal(0, 0.04 * h, n)
        return [_sim(s, float(a), float(x), float(y), w, h) for x, y, a in zip(dx, dy, da)]
    if kind == "roll":
        s = 1.0 + abs(np.sin(np.radians(roll_deg))) * 1.1
        return [_sim(s, roll_deg, 0.0, 0.0, w, h)] * n
    if kind == "zoom":
        return [_sim(float(z), 0.0, 0.0, 0.0, w, h) for z in np.linspace(1.15, 1.4, n)]
    raise ValueError(kind)


def motion_blur(img: np.ndarray, jump: np.ndarray) -> np.ndarray:
    """``img`` smeared along ``jump`` (px): a line kernel as long as the jump."""
    n = int(np.ceil(np.hypot(*jump)))
    if n < 2:
        return img
    k = np.zeros((2 * n + 1, 2 * n + 1), np.float32)
    d = jump / np.hypot(*jump)
    for s in np.linspace(-0.5, 0.5, 4 * n):
        k[int(round(n + s * n * d[1])), int(round(n + s * n * d[0]))] = 1.0
    return cv2.filter2D(img, -1, k / k.sum())


def step(maps: list[np.ndarray], i: int) -> np.ndarray:
    """The exact camera step (frame i-1 pixels -> frame i pixels) of a path."""
    a = np.vstack([maps[i], [0, 0, 1]])
    b = np.vstack([maps[i - 1], [0, 0, 1]])
    return (a @ np.linalg.inv(b))[:2]


def warp_clip(src: Path, dst: Path, kind: str, seconds: float, seed: int = 0,
              border: int = cv2.BORDER_CONSTANT, max_side: int | None = None,
              **path_kw) -> tuple[Path, list[np.ndarray]]:
    """The first ``seconds`` of ``src`` re-filmed by a moving camera; returns the clip and
    the maps used (source -> output pixels, one per frame). ``max_side``: the source frames
    are first shrunk as the engine shrinks them (:func:`core.video.fit_size`, area
    interpolation), e.g. to its working size, so the warp, blur and encode run on no more
    pixels than the engine will look at."""
    with av.open(str(src)) as ic:
        ist = ic.streams.video[0]
        rate = ist.average_rate or Fraction(30)
        imgs = []
        for fr in ic.decode(ist):
            if fr.time is not None and fr.time > seconds:
                break
            imgs.append(fr.to_ndarray(format="rgb24"))
    h, w = imgs[0].shape[:2]
    if max_side is not None:
        w, h = fit_size(w, h, max_side)
        imgs = [cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA) for img in imgs]
    w, h = w - w % 2, h - h % 2
    maps = camera_path(kind, len(imgs), (w, h), float(rate), seed, **path_kw)
    with av.open(str(dst), "w") as oc:
        ost = cut_stream(oc, rate, w, h)
        for i, (img, m) in enumerate(zip(imgs, maps)):
            out = cv2.warpAffine(img[:h, :w], m, (w, h), flags=cv2.INTER_LINEAR,
                                 borderMode=border)
            if kind == "wild" and i:
                out = motion_blur(out, maps[i][:, 2] - maps[i - 1][:, 2])
            for p in ost.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(out), format="rgb24")):
                oc.mux(p)
        for p in ost.encode():
            oc.mux(p)
    return dst, maps


def first_frames(src: Path, n: int, max_side: int = 960) -> list[np.ndarray]:
    """The first ``n`` frames of ``src`` (BGR), shrunk so the longer side is ``max_side``."""
    out = []
    with av.open(str(src)) as ic:
        for fr in ic.decode(video=0):
            img = fr.to_ndarray(format="bgr24")
            s = max_side / max(img.shape[:2])
            if s < 1:
                img = cv2.resize(img, (int(img.shape[1] * s) // 2 * 2, int(img.shape[0] * s) // 2 * 2),
                                 interpolation=cv2.INTER_AREA)
            out.append(img)
            if len(out) >= n:
                break
    return out
