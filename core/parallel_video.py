"""Annotated video on both cores: each process draws and encodes one run of the frames.

Contract:
    start(frames, xy, vis, detected, idx, fps, path) -> Pending
        ``frames`` the clip's :class:`core.admission.FrameStore`; ``idx`` the kept frame numbers
        the video shows (in order); ``xy`` ``(N, 33, 2)`` image points, ``vis`` ``(N, 33)`` and
        ``detected`` ``(N,)`` over all frames of the track; ``fps`` the video's rate. The runs
        after the first are sent at once to the pose helpers (:func:`core.parallel_pose.running_pool`),
        so they are drawn while this process makes the evidence stills.
    Pending.finish(progress) -> Path
        draws and encodes the first run here, waits for the others and joins them
        (:func:`core.annotate.concat_videos`) into ``path``: the same frames, pictures
        and timestamps as one :func:`core.annotate.write_video` pass over ``idx``.
    Pending.cancel()

One process does it all (``write_video`` over every frame) when no helper pool is up (a clip
too short to split, a live session, ``FORMCHECK_POSE_PROCESSES=1``), when the video is shorter
than ``MIN_PART_FRAMES`` per run, or when a helper fails.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import annotate, parallel_pose

log = logging.getLogger("formcheck.parallel_video")

MIN_PART_FRAMES = 60  # a shorter run is not worth sending to another process
# The first run is drawn here after the evidence stills, so it is shorter: with two processes
# 40 % of the frames here, 60 % in the helper (measured: the stills cost about as much as
# a fifth of the video).
FIRST_WEIGHT = 2 / 3
STAGE = "Drawing the annotated video"


@dataclass
class _Part:
    jpeg: list[bytes]
    xy: np.ndarray  # (n, 33, 2) image points of these frames
    vis: np.ndarray  # (n, 33)
    detected: np.ndarray  # (n,) bool
    fps: float
    path: str


def _draw(part: _Part, progress: Callable[[float], None] | None = None):
    import cv2

    n = len(part.jpeg)
    for j, buf in enumerate(part.jpeg):
        img = cv2.imdecode(np.frombuffer(buf, np.uint8), cv2.IMREAD_COLOR)
        if part.detected[j]:
            annotate.draw_skeleton(img, part.xy[j], part.vis[j])
        if progress is not None and j % 10 == 0:
            progress(j / max(1, n))
        yield img


def _encode(part: _Part, progress: Callable[[float], None] | None = None) -> str:
    """Draw and encode one run (in a helper process, or here for the first run)."""
    annotate.write_video(_draw(part, progress), part.fps, part.path)
    return part.path


@dataclass
class Pending:
    path: Path
    parts: list[_Part]
    futures: list[Future | None] = field(default_factory=list)

    def finish(self, progress: Callable[[str, float], None] | None = None) -> Path:
        prog = progress or (lambda s, f: None)
        share = 1.0 / len(self.parts)
        if len(self.parts) == 1:
            annotate.write_video(_draw(self.parts[0], lambda f: prog(STAGE, 0.9 + 0.09 * f)),
                                 self.parts[0].fps, self.path)
            return self.path
        try:
            _encode(self.parts[0], lambda f: prog(STAGE, 0.9 + 0.09 * share * f))
            for k, fut in enumerate(self.futures, start=1):
                try:
                    if fut is None:
                        raise BrokenProcessPool("not submitted")
                    fut.result()
                except Exception:  # noqa: BLE001 - any helper failure: its frames are drawn here
                    log.warning("a video helper failed; drawing its frames here", exc_info=True)
                    _encode(self.parts[k])
                prog(STAGE, 0.9 + 0.09 * share * (k + 1))
            annotate.concat_videos([p.path for p in self.parts], self.path)
        except BaseException:
            self.cancel()
            raise
        finally:
            for p in self.parts:
                Path(p.path).unlink(missing_ok=True)
        return self.path

    def cancel(self) -> None:
        """Stop the helpers' runs (waiting for any already drawing) and remove their parts."""
        for fut in self.futures:
            if fut is not None and not fut.cancel():
                try:
                    fut.result()
                except Exception:  # noqa: BLE001 - its part is removed below either way
                    pass
        for p in self.parts[1:]:
            Path(p.path).unlink(missing_ok=True)


def start(frames, xy: np.ndarray, vis: np.ndarray, detected: np.ndarray, idx: list[int],
          fps: float, path: str | Path) -> Pending:
    """Split the video into runs and send all but the first to the helpers (see module doc)."""
    path = Path(path)
    pool, size = parallel_pose.running_pool()
    n = 1 if pool is None else min(parallel_pose.processes(), size + 1,
                                     max(1, len(idx) // MIN_PART_FRAMES))
    weights = np.cumsum([0.0, FIRST_WEIGHT if n > 1 else 1.0] + [1.0] * (n - 1))
    cuts = [int(round(len(idx) * w / weights[-1])) for w in weights]
    parts = []
    for k in range(n):
        run = idx[cuts[k]:cuts[k + 1]]
        parts.append(_Part([frames.jpeg[i] for i in run],
                           np.asarray(xy[run]), np.asarray(vis[run]),
                           np.asarray(detected[run], bool), fps,
                           str(path) if n == 1 else str(path.with_name(f".{path.stem}.part{k}.mp4"))))
    pending = Pending(path, parts)
    for part in parts[1:]:
        try:
            pending.futures.append(pool.submit(_encode, part))
        except (BrokenProcessPool, RuntimeError, OSError):
            log.warning("no video helper; this run is drawn here", exc_info=True)
            pending.futures.append(None)
    return pending
