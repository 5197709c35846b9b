"""Cut-together test clips: pieces of videos joined into one (PyAV re-encode), with truth.

``join(pieces, out, fps)`` decodes each piece (a path, optionally a time range and a zoom
into the picture's centre), puts its frames one after the other at ``fps`` and returns each
piece's seconds in the joined clip. Used in pytest tmp dirs only; nothing is committed.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from clipgen import cut_stream


@dataclass
class Piece:
    path: Path
    start_s: float = 0.0
    end_s: float | None = None
    zoom: float = 1.0  # > 1: the centre of the picture enlarged (a zoom cut)
    step: int = 1  # keep every step-th frame (a 60 fps piece in a 30 fps clip)


def _frames(p: Piece, size: tuple[int, int] | None):
    with av.open(str(p.path)) as c:
        for i, f in enumerate(c.decode(video=0)):
            if i % p.step:
                continue
            t = float(f.pts * f.time_base)
            if t < p.start_s - 1e-6:
                continue
            if p.end_s is not None and t >= p.end_s - 1e-6:
                break
            img = f.to_ndarray(format="rgb24")
            h, w = img.shape[:2]
            if p.zoom != 1.0:
                cw, ch = int(w / p.zoom), int(h / p.zoom)
                x0, y0 = (w - cw) // 2, (h - ch) // 2
                img = cv2.resize(img[y0:y0 + ch, x0:x0 + cw], (w, h), interpolation=cv2.INTER_LINEAR)
            if size is not None and (w, h) != size:
                img = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
            yield img


def join(pieces: list[Piece], out: Path, fps: float, size: tuple[int, int] | None = None
         ) -> list[tuple[float, float]]:
    """Join ``pieces`` into ``out`` (:func:`clipgen.cut_stream`, constant ``fps``; every
    piece's frames shown one per output frame, so pieces must have ``fps`` already). Returns (start_s, end_s) of each
    piece in the joined clip."""
    rate = Fraction(fps).limit_denominator(1001)
    spans = []
    n = 0
    with av.open(str(out), "w") as c:
        stream = None
        for p in pieces:
            first = n
            for img in _frames(p, size):
                if stream is None:
                    size = size or (img.shape[1], img.shape[0])
                    stream = cut_stream(c, rate, size[0], size[1])
                    stream.time_base = 1 / rate
                fr = av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb24")
                fr.pts = n
                c.mux(stream.encode(fr))
                n += 1
            spans.append((first / fps, n / fps))
        if stream is not None:
            c.mux(stream.encode(None))
    return spans
