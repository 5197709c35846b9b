"""A disk cache of pose tracks: the same clip with the same pose options runs pose once.

Contract:
    cache_dir() -> Path | None
        where tracks are kept: ``FORMCHECK_POSE_CACHE`` (a folder; ``off`` / ``0`` / empty
        turns it off). Unset: off. Tests, CI and the browser tests' app servers share one
        folder through that variable; an installation may point it next to its store
        (e.g. ``$FORMCHECK_DATA_DIR/pose_cache``).
    open_slot(meta, scale, max_side, max_seconds, n_proc) -> Slot | None
        the cache entry of one clip + pose options, locked (``fcntl.flock``) so a second
        process analysing the same clip waits for the first and then reads its track instead
        of running pose again. None when the cache is off or the folder is not writable.
    Slot.replay(frames, stats, progress, n_est) -> (ts, lms, size) | None
        on a hit: decodes the clip (no pose) to fill ``frames`` (JPEG store) and ``stats``
        (clip statistics) exactly as the pose loop does, and returns the cached per-frame
        timestamps, ``(33, 4)`` landmarks (or None) and working size. None on a miss, or when
        the decode does not give the cached frames' timestamps (then nothing is filled).
    Slot.save(ts, lms, size, steps=None); Slot.release()
        ``save`` after a pose run (a miss) keeps the pass's camera steps too (``steps``,
        :class:`core.camera.FrameStep` per frame): a replay reuses them instead of estimating
        the camera again, so it gives exactly the first analysis's numbers (the two-process
        pass estimates the camera per chunk, a one-loop estimate differs slightly on a moving
        camera) and skips that work; an entry without them (older) is estimated again.
        ``save`` also appends the entry's key to ``posed.log`` in the
        folder: a journal of pose passes, one line each, which the test suite reads to check
        that no clip went through pose twice with the same options.

Key: SHA-256 of the clip's bytes + the options that change what pose sees or returns (working
size ``max_side``, ``max_seconds``, the slow-motion time scale, the number of processes the
pose pass is split over, since :mod:`core.parallel_pose` tracks a little differently after
each cut) + the pose model's name (``MediaPipePose.name``, which carries the mediapipe
version) + :data:`FORMAT` + the quarter turns a turned picture was stood upright by
(``VideoMeta.turned``, only when there are some). Options that only act after pose (height,
view, video output) are not in the key: re-analysing a clip with another height or view skips pose. The pose model
never sees the timestamps (:class:`core.pose.MediaPipePose` runs without its own smoothing),
so the time scale only decides how much of a clip is posed: a clip posed whole at its own
rate and at a slow-motion capture rate alike is keyed and stored at scale 1 (video seconds,
:func:`stored_scale`), and a re-analysis of a refused slow-motion clip with its capture rate
replays the first pass's landmarks on the real time line.

An entry is one compressed ``.npz`` (about 60 kB per 10 s at 30 fps) written atomically
(temp file + ``os.replace``). It holds body landmarks and camera steps, no pictures;
nothing here expires or is removed by deleting a report, which is why the cache is off
unless configured.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

log = logging.getLogger("formcheck.pose_cache")

ENV = "FORMCHECK_POSE_CACHE"
FORMAT = 1  # bump when what an entry holds, or how pose is run, changes
_OFF = ("", "0", "off", "false", "no")
JOURNAL = "posed.log"  # one line per pose run that filled an entry


def cache_dir() -> Path | None:
    raw = os.environ.get(ENV, "").strip()
    return None if raw.lower() in _OFF else Path(raw)


def file_digest(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def entry_key(digest: str, scale: float, max_side: int, max_seconds: float, n_proc: int,
              model: str, turned: int = 0) -> str:
    opts = {"max_side": int(max_side), "max_seconds": round(float(max_seconds), 6),
            "scale": round(float(scale), 9), "n_proc": int(n_proc), "model": model,
            "format": FORMAT}
    if turned:  # a picture turned upright (core.video.turned); keys of the others unchanged
        opts["turned"] = int(turned) % 360
    opts = json.dumps(opts, sort_keys=True)
    return f"{digest[:32]}-{hashlib.sha256(opts.encode()).hexdigest()[:16]}"


def stored_scale(meta, scale: float, max_seconds: float) -> float:
    """The time scale an entry of ``meta``'s clip is keyed and stored at for an analysis at
    ``scale`` (video seconds -> real seconds): 1.0 when the pose pass covers the whole clip both
    at ``scale`` and at 1.0 (its video seconds, with a 2 % margin on the container's duration),
    so the two analyses share one entry; else ``scale`` itself."""
    whole = 0 < meta.duration_s * max(1.0, float(scale)) <= 0.98 * max_seconds
    return 1.0 if whole else float(scale)


class Slot:
    """One locked cache entry (see module docstring)."""

    def __init__(self, meta, scale: float, max_side: int, max_seconds: float, path: Path,
                 lock_fd: int, stored: float | None = None) -> None:
        self.meta, self.scale, self.max_side, self.max_seconds = meta, scale, max_side, max_seconds
        # the entry's time line is ``stored`` (see stored_scale): its seconds x to_real are
        # this analysis's real seconds
        self.to_real = float(scale) / float(stored if stored is not None else scale)
        self.path = path
        self._lock_fd: int | None = lock_fd
        self.hit = False

    def _load(self):
        if not self.path.is_file():
            return None
        try:
            with np.load(self.path, allow_pickle=False) as z:
                ts = (z["ts"].astype(float) * self.to_real).tolist()
                found = z["found"].astype(bool)
                lm = z["lms"].astype(np.float32)
                size = (int(z["size"][0]), int(z["size"][1]))
                steps = _steps_from(z) if "cam_m" in z.files else None
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            # an entry cut short (a crash or power loss mid-write) is a miss, not an error
            log.warning("unreadable pose cache entry %s: running pose", self.path, exc_info=True)
            return None
        lms = [lm[i].copy() if found[i] else None for i in range(len(ts))]
        if steps is not None and len(steps) != len(ts):
            steps = None  # not this entry's frames: estimated again
        return ts, lms, size, steps

    def replay(self, frames, stats, progress, n_est: int):
        """The cached track, with ``frames`` and ``stats`` filled by a decode without pose
        (the caller releases the lock, also when this raises)."""
        return self._replay(frames, stats, progress, n_est)

    def _replay(self, frames, stats, progress, n_est: int):
        from .admission import ClipStatsCollector, FrameStore, thumbnail
        from .video import iter_frames

        got = self._load()
        if got is None:
            return None
        ts, lms, size, steps = got
        own_frames = FrameStore(0)
        own_frames.step = frames.step
        own_stats = ClipStatsCollector()
        seen: list[float] = []
        for fr in iter_frames(self.meta, max_side=self.max_side, time_scale=self.scale,
                              max_seconds=self.max_seconds):
            k = len(seen)
            seen.append(fr.t)
            own_frames.add(fr.index, fr.image)
            if steps is not None and k < len(steps):
                # the pose pass's own camera steps: a replay gives the clip the numbers its
                # first analysis gave (the two-process pass estimates the camera per chunk,
                # so estimating it again in one loop moved a handheld clip's hip extension
                # by a degree between two uploads: fresh-eyes review)
                own_stats.size = (fr.image.shape[1], fr.image.shape[0])
                own_stats.add_thumbnail(thumbnail(fr.image), steps[k])
            else:
                # the cached landmarks mask the runner out of the camera-motion estimate, as
                # in the pose pass (without them the runner's own motion read as a moving
                # camera)
                own_stats.add(fr.image, lms[k] if k < len(lms) else None)
            if fr.index % 5 == 0:
                progress("Finding the runner in each frame",
                         min(0.8, 0.02 + 0.78 * fr.index / max(1, n_est)))
        if len(seen) != len(ts) or not np.allclose(seen, ts, atol=1e-3):
            log.warning("pose cache entry %s does not match the clip's frames: running pose",
                        self.path)
            return None
        frames.jpeg.update(own_frames.jpeg)
        stats.__dict__.update(own_stats.__dict__)
        self.hit = True
        return ts, lms, size

    def save(self, ts, lms, size, steps=None) -> None:
        """``steps``: the pose pass's camera steps (:class:`core.camera.FrameStep`, one per
        frame), kept so a replay reuses them."""
        if self.hit:
            return
        n = len(ts)
        arr = np.full((n, 33, 4), np.nan, np.float32)
        found = np.zeros(n, bool)
        for i, lm in enumerate(lms):
            if lm is not None:
                arr[i] = lm
                found[i] = True
        extra = _steps_arrays(steps) if steps is not None and len(steps) == n else {}
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                np.savez_compressed(f, ts=np.asarray(ts, float) / self.to_real, lms=arr,
                                    found=found,
                                    size=np.asarray(size, int), **extra)
            os.replace(tmp, self.path)
        except OSError:
            log.warning("could not write pose cache entry %s", self.path, exc_info=True)
            return
        try:  # one short line per entry written (as many lines as entries)
            with open(self.path.parent / JOURNAL, "a", encoding="ascii") as f:
                f.write(self.path.stem + "\n")  # one short append: whole lines
        except OSError:
            log.warning("could not note pose cache entry %s in %s", self.path, JOURNAL)

    def __del__(self) -> None:
        self.release()

    def release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor drops the flock
            self._lock_fd = None


def open_slot(meta, scale: float, max_side: int, max_seconds: float, n_proc: int) -> Slot | None:
    """The locked cache entry for ``meta``'s clip and these pose options (None: cache off)."""
    folder = cache_dir()
    if folder is None:
        return None
    from .pose import MediaPipePose

    try:
        folder.mkdir(parents=True, exist_ok=True)
        stored = stored_scale(meta, scale, max_seconds)
        key = entry_key(file_digest(meta.path), stored, max_side, max_seconds, n_proc,
                        MediaPipePose.name, getattr(meta, "turned", 0))
        fd = os.open(folder / f"{key}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        log.warning("pose cache %s is not usable: running pose without it", folder, exc_info=True)
        return None
    fcntl.flock(fd, fcntl.LOCK_EX)  # waits while another process runs pose on this clip
    return Slot(meta, scale, max_side, max_seconds, folder / f"{key}.npz", fd, stored)


def _steps_arrays(steps) -> dict[str, np.ndarray]:
    """Camera steps (:class:`core.camera.FrameStep`) as the entry's arrays."""
    return {"cam_m": np.array([s.m for s in steps], float).reshape(len(steps), 2, 3),
            "cam_method": np.array([s.method for s in steps], dtype="U8"),
            "cam_inliers": np.array([s.inliers for s in steps], int),
            "cam_tracked": np.array([s.tracked for s in steps], int),
            "cam_diff": np.array([s.diff for s in steps], float)}


def _steps_from(z) -> list:
    from .camera import FrameStep

    return [FrameStep(m.copy(), str(k), int(i), int(t), float(d)) for m, k, i, t, d in
            zip(z["cam_m"], z["cam_method"], z["cam_inliers"], z["cam_tracked"], z["cam_diff"])]
