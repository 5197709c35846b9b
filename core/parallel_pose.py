"""Both cores for one clip: decode + pose split over processes, stitched by timestamp.

Contract:
    processes() -> int
        how many processes one clip's pose pass uses: ``FORMCHECK_POSE_PROCESSES``, default
        the machine's cores (1 = the plain single-process loop).
    pose_pass(meta, scale, max_side, max_seconds, frames, stats, progress, n_est)
        -> (ts, lms, size) | None
        the same result as the single-process loop in :func:`core.pipeline.analyze`
        (per-frame real timestamps, ``(33, 4)`` landmarks or None, working size) and fills
        ``frames`` (JPEG store) and ``stats`` (clip statistics) the same way. Returns None when
        the clip is too short to be worth splitting (the caller runs its own loop then).

How: the clip's time line is cut into one chunk per process. Each chunk is decoded by its own
process (seek to the keyframe before it), and its pose tracker first runs over
``WARMUP_S`` seconds *before* the chunk (thrown away) so it is tracking, not detecting, when
the chunk's first frame arrives; the first chunk is longer by that extra work (:func:`plan`). Every process returns its own frames' video timestamps,
landmarks, JPEG bytes, 64-px thumbnails and camera steps (:mod:`core.camera`; the warm-up
frames give a chunk's first frame its predecessor); they are put in timestamp order, which is the
decode order of the single loop, so frame indices match it. This process does the first chunk
itself while a small persistent pool of spawned processes (MediaPipe is not fork-safe) does
the rest; the pool stays up for the next clip, so only the first clip pays its start-up.

A chunk that breaks off (a damaged file) ends the clip there, as in the single loop.
"""
from __future__ import annotations

import atexit
import logging
import math
import multiprocessing as mp
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

import numpy as np

log = logging.getLogger("formcheck.parallel_pose")

WARMUP_S = 0.6  # pose tracker warm-up before each chunk but the first (frames thrown away)
MIN_CHUNK_S = 2.0  # chunks shorter than this are not worth a process
# CPU of a frame only decoded (between a chunk's keyframe and its warm-up) as a share of a
# tracked frame's (decode + pose + camera + store): ~1.5 of ~31 ms on the treadmill clip
DECODE_ONLY_COST = 0.05
PROGRESS_STAGE = "Finding the runner in each frame"

_POOL: ProcessPoolExecutor | None = None
_POOL_SIZE = 0
_POOL_LOCK = threading.Lock()


def processes() -> int:
    """Processes one clip's pose pass uses (``FORMCHECK_POSE_PROCESSES``, default: cores)."""
    raw = os.environ.get("FORMCHECK_POSE_PROCESSES", "").strip()
    try:
        n = int(raw) if raw else (os.cpu_count() or 1)
    except ValueError:
        n = os.cpu_count() or 1
    return max(1, min(n, 16))


def _exit_with_parent(parent: int) -> None:
    """A helper never outlives the process it works for (even one killed with SIGKILL)."""
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(1.0)


def _init_worker() -> None:
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ["FORMCHECK_POSE_PROCESSES"] = "1"
    import av  # noqa: F401  - import once, not per chunk
    import cv2

    cv2.setNumThreads(1)  # one busy thread per process: the processes already fill the cores
    import mediapipe  # noqa: F401


def _pool(size: int) -> ProcessPoolExecutor:
    global _POOL, _POOL_SIZE
    with _POOL_LOCK:
        if _POOL is None or _POOL_SIZE < size:
            if _POOL is not None:
                _POOL.shutdown(wait=False, cancel_futures=True)
            _POOL = ProcessPoolExecutor(max_workers=size, mp_context=mp.get_context("spawn"),
                                        initializer=_init_worker)
            _POOL_SIZE = size
        return _POOL


def running_pool() -> tuple[ProcessPoolExecutor | None, int]:
    """The helper pool if it is up (started by a pose pass or :func:`warm_up`), and its size;
    (None, 0) otherwise. Other stages (:mod:`core.parallel_video`) borrow it, never start it."""
    with _POOL_LOCK:
        return _POOL, (_POOL_SIZE if _POOL is not None else 0)


def warm_up(n: int | None = None) -> None:
    """Start the helper processes now (a worker does this before its first job)."""
    n = (n or processes()) - 1
    if n >= 1:
        try:
            pool = _pool(n)
            for f in [pool.submit(_ping) for _ in range(n)]:
                f.result()
        except (BrokenProcessPool, RuntimeError, OSError, AssertionError):
            log.warning("pose helpers did not start; the next clip tries again", exc_info=True)
            shutdown()


def _ping() -> int:
    return os.getpid()


@atexit.register
def shutdown() -> None:
    global _POOL
    with _POOL_LOCK:
        if _POOL is not None:
            _POOL.shutdown(wait=False, cancel_futures=True)
            _POOL = None


@dataclass
class ChunkJob:
    path: str
    rotation: int
    size: tuple[int, int]  # working (width, height), upright
    t0: float  # video time of the clip's first frame
    start: float  # own frames: start <= video time - t0 < end (seconds of video time)
    end: float
    warmup: float  # decode (and track) from start - warmup
    scale: float  # video seconds -> real seconds
    max_seconds: float
    fps: float
    step: int  # keep a JPEG of every step-th frame (FrameStore.step)


@dataclass
class ChunkResult:
    vt: list[float] = field(default_factory=list)  # video time - t0 of each own frame
    lms: list = field(default_factory=list)
    jpeg: list = field(default_factory=list)  # bytes or None
    thumbs: list = field(default_factory=list)  # 36 x 64 float32 grey
    steps: list = field(default_factory=list)  # core.camera.FrameStep per own frame
    broken: bool = False  # decoding broke off inside this chunk
    reached_end: bool = False  # stopped at the chunk's end (not the clip's)
    cpu: dict = field(default_factory=dict)  # CPU seconds of this process by stage (StageCPU)


STAGES = ("setup", "decode", "pose", "camera", "store")


class StageCPU:
    """CPU seconds of this process (every thread: MediaPipe's, FFmpeg's) charged to stages in
    turn, from :func:`time.process_time`: unlike wall time, barely moved by other load."""

    def __init__(self) -> None:
        self.s = dict.fromkeys(STAGES, 0.0)
        self._t = time.process_time()

    def __call__(self, stage: str) -> None:
        t = time.process_time()
        self.s[stage] += t - self._t
        self._t = t


@dataclass
class PassStats:
    """How the last :func:`pose_pass` in this process went (read by ``bench/speed.py``)."""

    chunks: list[dict] = field(default_factory=list)  # per chunk: frames, warm-up, CPU by stage
    wall_s: float = 0.0
    wait_s: float = 0.0  # this process's wait for the helpers after its own chunk


LAST_PASS: PassStats | None = None


def _chunk(job: ChunkJob, progress=None) -> ChunkResult:
    """Decode and track one chunk (runs in a pool process, or in the caller for chunk 0)."""
    import av
    import cv2

    from .admission import thumbnail
    from .camera import MotionEstimator
    from .pose import MediaPipePose

    w, h = job.size
    sw, sh = (h, w) if job.rotation in (90, 270) else (w, h)
    res = ChunkResult()
    clock = StageCPU()
    pose = MediaPipePose()
    motion = MotionEstimator()
    container = av.open(job.path, metadata_errors="ignore")
    n_warm = 0
    clock("setup")
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        from_vt = max(0.0, job.start - job.warmup)
        if from_vt > 0 and stream.time_base:
            container.seek(int((job.t0 + from_vt) / stream.time_base), stream=stream,
                           backward=True, any_frame=False)
        n_own_est = max(1.0, (job.end - job.start) * (job.fps or 30.0))
        try:
            for vf in container.decode(stream):
                if vf.time is None:
                    continue
                vt = vf.time - job.t0
                if vt < from_vt - 1e-6:
                    continue  # between the keyframe and the warm-up start
                if vt >= job.end - 1e-6:
                    res.reached_end = True
                    break
                if vt * job.scale > job.max_seconds:
                    break
                img = vf.reformat(width=sw, height=sh, format="bgr24").to_ndarray()
                if job.rotation == 90:
                    img = np.ascontiguousarray(np.rot90(img, k=-1))
                elif job.rotation == 180:
                    img = np.ascontiguousarray(img[::-1, ::-1])
                elif job.rotation == 270:
                    img = np.ascontiguousarray(np.rot90(img, k=1))
                clock("decode")
                lm = pose.process(img, vt * job.scale)
                clock("pose")
                cam_step = motion.add(img, lm)
                clock("camera")
                if vt < job.start - 1e-6:
                    n_warm += 1
                    continue  # warm-up frame: tracked, not kept
                res.vt.append(vt)
                res.lms.append(lm)
                est_index = int(round(vt * (job.fps or 30.0)))
                jpg = None
                if est_index % job.step == 0:
                    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 88])
                    jpg = buf.tobytes() if ok else None
                res.jpeg.append(jpg)
                res.thumbs.append(thumbnail(img))
                res.steps.append(cam_step)
                if progress is not None and len(res.vt) % 5 == 0:
                    progress(min(1.0, len(res.vt) / n_own_est))
                clock("store")
        except av.error.FFmpegError:
            res.broken = True
    finally:
        container.close()
        pose.close()
    clock("setup")
    res.cpu = {"frames": len(res.vt), "warmup_frames": n_warm, **clock.s}
    return res


def _first_time(path: str) -> float | None:
    import av

    with av.open(path, metadata_errors="ignore") as c:
        for vf in c.decode(c.streams.video[0]):
            if vf.time is not None:
                return float(vf.time)
            break
    return None


def plan(duration_vt: float, n: int, warmup: float | None = None,
         keyframes: list[float] | None = None) -> list[tuple[float, float, float]]:
    """(start, end, warm-up) in video seconds for ``n`` chunks of a clip ``duration_vt`` long.

    Every chunk but the first also tracks ``warmup`` seconds before its start, and decodes
    (without converting or tracking) from the keyframe before that (``keyframes``: video
    times of the clip's keyframes, when known). The first chunk is longer by that much, so
    every process has the same work and none waits for the others."""
    warmup = WARMUP_S if warmup is None else warmup
    if n <= 1:
        return [(0.0, math.inf, 0.0)]

    def cuts_for(lead: list[float]) -> list[float]:
        # own_k + warmup + DECODE_ONLY_COST * lead_k (k > 0) = own_0 = w; sum of own = duration
        w = (duration_vt + (n - 1) * warmup + DECODE_ONLY_COST * sum(lead)) / n
        own = [w] + [max(0.0, w - warmup - DECODE_ONLY_COST * ld) for ld in lead]
        return [float(x) for x in np.cumsum([0.0] + own[:-1])]

    cuts = cuts_for([0.0] * (n - 1))
    if keyframes:
        keys = sorted(keyframes)
        lead = []
        for c in cuts[1:]:
            before = [k for k in keys if k <= c - warmup + 1e-6]
            lead.append(max(0.0, (c - warmup) - before[-1]) if before else 0.0)
        cuts = cuts_for(lead)
    return [(cuts[k], cuts[k + 1] if k + 1 < n else math.inf, 0.0 if k == 0 else warmup)
            for k in range(n)]


def _keyframes(path: str, t0: float) -> list[float]:
    """Video times (from the first frame) of the clip's keyframes: packets read, none decoded."""
    import av

    try:
        with av.open(path, metadata_errors="ignore") as c:
            st = c.streams.video[0]
            return [float(p.pts * st.time_base) - t0 for p in c.demux(st)
                    if p.is_keyframe and p.pts is not None and st.time_base]
    except (av.error.FFmpegError, OSError):
        return []


def _video_seconds(meta, scale: float, max_seconds: float) -> float:
    return min(meta.duration_s, max_seconds / scale) if scale > 0 else meta.duration_s


def split_count(meta, scale: float, max_seconds: float, n_proc: int | None = None) -> int:
    """How many processes :func:`pose_pass` splits ``meta``'s clip over (1: the plain loop)."""
    if meta.fps_nominal <= 0:
        return 1
    n = min(n_proc or processes(), int(_video_seconds(meta, scale, max_seconds) // MIN_CHUNK_S))
    return max(1, n)


def pose_pass(meta, scale: float, max_side: int, max_seconds: float, frames, stats, progress,
              n_est: int, n_proc: int | None = None):
    """Decode and pose ``meta``'s clip over ``n_proc`` processes (see module docstring)."""
    from .video import working_size

    n = split_count(meta, scale, max_seconds, n_proc)
    if n <= 1:
        return None
    vt_len = _video_seconds(meta, scale, max_seconds)
    t0 = _first_time(meta.path)
    if t0 is None:
        return None
    size = working_size(meta, max_side)
    jobs = [ChunkJob(meta.path, meta.rotation, size, t0, s, e, wu, scale, max_seconds,
                     meta.fps_nominal, frames.step)
            for s, e, wu in plan(vt_len, n, keyframes=_keyframes(meta.path, t0))]
    try:
        pool = _pool(n - 1)
        futures: list[Future] = [pool.submit(_chunk, j) for j in jobs[1:]]
    except (BrokenProcessPool, RuntimeError, OSError, AssertionError):  # no helpers here: one loop
        log.warning("no helper processes for the pose pass; using one", exc_info=True)
        shutdown()
        return None
    global LAST_PASS
    wall0 = time.perf_counter()
    try:
        first = _chunk(jobs[0], lambda f: progress(PROGRESS_STAGE, min(0.8, 0.02 + 0.78 * f)))
        wait0 = time.perf_counter()
        results = [first] + [f.result() for f in futures]
        LAST_PASS = PassStats([r.cpu for r in results], time.perf_counter() - wall0,
                              time.perf_counter() - wait0)
    except BrokenProcessPool:
        log.warning("a pose helper process died; this clip runs in one process", exc_info=True)
        shutdown()
        return None
    except BaseException:
        for f in futures:
            f.cancel()
        raise
    ts: list[float] = []
    lms: list = []
    stats.size = size
    index = 0
    last_t = -1.0
    for res in results:
        for vt, lm, jpg, small, cam_step in zip(res.vt, res.lms, res.jpeg, res.thumbs, res.steps):
            t = vt * scale
            if t <= last_t:
                t = last_t + 1e-4  # as the single loop: keep time monotonic
            ts.append(t)
            lms.append(lm)
            if jpg is not None:  # every step-th frame (by its timestamp's frame number)
                frames.jpeg[index] = jpg
            stats.add_thumbnail(small, cam_step if index else None)
            last_t = t
            index += 1
        if res.broken or (not res.reached_end and res is not results[-1]):
            break  # the clip ends (or breaks off) inside this chunk: so does the single loop
    progress(PROGRESS_STAGE, 0.8)
    return ts, lms, size
