"""Small generated media files for bad-input tests (made on the fly, never committed)."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np


CUT_BIT_RATE = 8_000_000  # bit/s: 540 x 960 at 30 fps shows no blocks around the runner


def cut_stream(oc, rate, width: int, height: int):
    """A video stream for a re-encoded cut of a real clip: MPEG-4 Part 2 (FFmpeg's own
    encoder) at :data:`CUT_BIT_RATE`, so the same pictures make the same file on every run.
    libx264 does not: at a width that is not a multiple of 16 (540, the engine's working
    width) its output changes from run to run within one process (measured: the handheld
    cut's mean pixel differed by up to 1.4 grey levels; the first encode in a process was
    always the same, later ones not, with one thread too), and the engine read those as
    different clips (the handheld cut once levelled by -2.3 deg instead of -0.6 to -1.1,
    its trunk lean 1.3 deg off the tripod's)."""
    ost = oc.add_stream("mpeg4", rate=rate)
    ost.pix_fmt = "yuv420p"
    ost.width, ost.height = width, height
    ost.bit_rate = CUT_BIT_RATE
    return ost


def blank_video(path: Path, seconds: float, fps: int = 30, size=(320, 240), value: int = 128,
                rotate: int | None = None) -> Path:
    """A plain video (no person) with ``value`` grey level."""
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height = size
        s.pix_fmt = "yuv420p"
        for i in range(int(seconds * fps)):
            img = np.full((size[1], size[0], 3), value, np.uint8)
            img[:, (i * 3) % size[0]] = 255  # a moving line so frames differ
            for p in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def audio_only(path: Path, seconds: float = 3.0) -> Path:
    with av.open(str(path), "w") as c:
        s = c.add_stream("aac", rate=44100)
        n = 1024
        t = 0
        while t < seconds * 44100:
            x = (0.2 * np.sin(2 * np.pi * 440 * (np.arange(n) + t) / 44100)).astype(np.float32)
            fr = av.AudioFrame.from_ndarray(x[None, :], format="fltp", layout="mono")
            fr.sample_rate = 44100
            fr.pts = t
            for p in s.encode(fr):
                c.mux(p)
            t += n
        for p in s.encode():
            c.mux(p)
    return path


def _reencode(src: Path, dst: Path, seconds: float, frame=lambda img: img) -> Path:
    """Re-encode the first ``seconds`` of ``src`` (:func:`cut_stream`), passing each RGB frame
    through ``frame`` (which must keep one even size for the whole clip)."""
    with av.open(str(src)) as ic, av.open(str(dst), "w") as oc:
        ist = ic.streams.video[0]
        ost = None
        for fr in ic.decode(ist):
            if fr.time is not None and fr.time > seconds:
                break
            img = frame(fr.to_ndarray(format="rgb24"))
            if ost is None:
                ost = cut_stream(oc, ist.average_rate or Fraction(30), img.shape[1], img.shape[0])
            for p in ost.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb24")):
                oc.mux(p)
        if ost is None:
            raise ValueError(f"{src}: no video frames in its first {seconds:g} s")
        for p in ost.encode():
            oc.mux(p)
    return dst


def cut_clip(src: Path, dst: Path, seconds: float, max_side: int | None = None) -> Path:
    """Re-encode the first ``seconds`` of a real clip; ``max_side``: shrunk first as the engine
    shrinks frames (:func:`core.video.fit_size`, area interpolation)."""
    if max_side is None:
        return _reencode(src, dst, seconds)
    import cv2

    from core.video import fit_size

    def shrink(img):
        return cv2.resize(img, fit_size(img.shape[1], img.shape[0], max_side),
                          interpolation=cv2.INTER_AREA)
    return _reencode(src, dst, seconds, shrink)


def two_runners(src: Path, dst: Path, seconds: float, max_side: int | None = None) -> Path:
    """A real clip side by side with its mirror image: two people in the picture.
    ``max_side``: the joined picture made no larger than that (each half shrunk first, as
    :func:`core.video.fit_size` would shrink the whole)."""
    def both(img):
        if max_side is not None:
            import cv2

            from core.video import fit_size

            w, h = fit_size(2 * img.shape[1], img.shape[0], max_side)
            img = cv2.resize(img, (w // 2, h), interpolation=cv2.INTER_AREA)
        img = img[: img.shape[0] - img.shape[0] % 2, : img.shape[1] - img.shape[1] % 2]
        return np.hstack([img, img[:, ::-1]])
    return _reencode(src, dst, seconds, both)
