"""Stage 1 — video in: probe a clip and decode its frames with real timestamps.

Contract:
    probe(path) -> VideoMeta            raises FormCheckError for anything that is not a usable video
    iter_frames(meta, ...) -> Iterator[Frame]
        frames upright (rotation metadata applied), scaled so the long side is at most
        ``max_side`` pixels (the *working resolution*: every landmark is in these pixels),
        ``t`` in real seconds from the first frame, from presentation timestamps (variable
        frame rate safe) times ``time_scale`` (slow motion: video seconds -> real seconds).

PyAV (FFmpeg) does the decoding, so mp4/mov/m4v/webm/avi and phone clips all work.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from .errors import FILMING_HINT, FormCheckError

MAX_FILE_BYTES = 1024 * 1024 * 1024  # 1 GiB: larger is refused before decoding
MAX_SECONDS = 60.0  # longer clips: the first minute is analysed
MIN_SECONDS = 2.0  # shorter clips cannot hold enough steps
DEFAULT_MAX_SIDE = 960


@dataclass
class VideoMeta:
    """What we know about a clip before decoding its frames."""

    path: str
    filename: str
    size_bytes: int
    width: int  # upright, original pixels
    height: int
    rotation: int  # clockwise degrees applied to stand the picture upright
    fps_nominal: float
    duration_s: float  # container (video) time
    n_frames_est: int
    codec: str
    # clockwise degrees added to the file's own rotation by :func:`turned` (0: as the file
    # says): a clip whose runner lay along the picture or upside down (no or a wrong tag)
    turned: int = 0


def turned(meta: VideoMeta, cw: int) -> VideoMeta:
    """``meta`` with its picture turned ``cw`` more degrees clockwise (a multiple of 90):
    every decode of it (:func:`iter_frames`, :mod:`core.parallel_pose`, the pose cache) then
    yields the turned frames, with width and height swapped for a quarter turn."""
    cw %= 360
    if cw % 90:
        raise ValueError(f"a picture turns by quarter turns, not {cw} deg")
    w, h = (meta.height, meta.width) if cw in (90, 270) else (meta.width, meta.height)
    return dataclasses.replace(meta, width=w, height=h, rotation=(meta.rotation + cw) % 360,
                               turned=(meta.turned + cw) % 360)


@dataclass
class Frame:
    index: int
    t: float  # real seconds since the first frame
    image: np.ndarray  # BGR uint8, working resolution


# what the not-a-video refusal names (a file named like one gets other advice)
VIDEO_EXTENSIONS = ("mp4", "mov", "m4v", "webm", "avi", "mkv", "3gp")


def _bad(code: str, message: str, hint: str = FILMING_HINT) -> FormCheckError:
    return FormCheckError(code, message, hint)


def _looks_like_video(p: Path) -> bool:
    """Whether the file starts as an MP4 / MOV (an ``ftyp`` box) or a WebM / Matroska file
    does: an upload cut short keeps its start but loses the index FFmpeg needs (an MP4's
    ``moov`` box is often at the end), and was called "not a video ... upload an mp4"
    (fresh-eyes review)."""
    try:
        with open(p, "rb") as f:
            head = f.read(12)
    except OSError:
        return False
    return head[4:8] == b"ftyp" or head[:4] == b"\x1a\x45\xdf\xa3"


def probe(path: str | os.PathLike) -> VideoMeta:
    """Open ``path`` and check it is a decodable video stream.

    Raises FormCheckError with code ``missing``, ``empty``, ``too_large``, ``not_video``,
    ``no_video_stream`` or ``too_short``.
    """
    import av

    p = Path(path)
    if not p.is_file():
        raise _bad("missing", "We could not find that file.", "Pick the clip again and retry.")
    size = p.stat().st_size
    if size == 0:
        raise _bad("empty", "That file is empty (0 bytes).",
                   "The upload or copy may have failed: export the clip from your phone again.")
    if size > MAX_FILE_BYTES:
        raise _bad("too_large",
                   f"That file is {size / 2**20:.0f} MB; the limit is {MAX_FILE_BYTES // 2**20} MB.",
                   "Trim the clip to 10-20 s of steady running, or export it at 1080p.")
    try:
        container = av.open(str(p), metadata_errors="ignore")
    except Exception as exc:  # av.error.* for anything FFmpeg cannot read
        if _looks_like_video(p):  # a video file's start, but it cannot be opened: cut short
            raise _bad("truncated", "This video file is incomplete or damaged: it starts like "
                       "a video but cannot be opened.",
                       "The upload or copy may have been cut short: export the clip from your "
                       "phone again and upload the whole file.") from exc
        ext = p.suffix.lower().lstrip(".")
        if ext in VIDEO_EXTENSIONS:  # named as a video, but its contents are not one we read
            raise _bad("not_video", f"This file is not a video we can read, though its name "
                       f"ends in .{ext}: its contents are something else, or damaged.",
                       "Export the clip again from your camera or gallery (or share it as a "
                       "file, not as a link) and upload that.") from exc
        raise _bad("not_video", "This file is not a video we can read.",
                   "Upload an mp4, mov, m4v, webm or avi clip straight from your camera.") from exc
    try:
        if container.format.name in PICTURE_FORMATS:  # a photo renamed to .mp4
            raise _bad("not_video", "This file is a single picture, not a video.",
                       "Upload the video clip of your run (10-20 s of running).")
        moving = [s for s in container.streams.video
                  if not s.disposition & av.stream.Disposition.attached_pic]
        if not moving:  # no video, or only an audio file's cover picture
            raise _bad("no_video_stream",
                       "This file has no video in it (it may be audio only).",
                       "Upload the video clip itself.")
        stream = moving[0]
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        fps = float(rate) if rate else 0.0
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration:
            duration = container.duration / 1_000_000.0
        else:
            duration = 0.0
        # A clip trimmed without re-encoding (a gallery's quick trim, ``ffmpeg -c copy``)
        # keeps the frames before its cut, which an edit list skips: ``stream.frames`` counts
        # them, the duration does not (12 s trimmed to 4 s: 360 frames stored, 120 shown).
        # Counting the stored ones read such a clip as cut short ("the file ends abruptly").
        stored, shown = int(stream.frames or 0), int(round(duration * fps))
        n_est = shown if stored and shown and stored > 1.1 * shown else (stored or shown)
        # Decode one frame: proves the stream is real and gives the rotation.
        rotation = 0
        first = None
        try:
            for first in container.decode(stream):
                break
        except Exception as exc:
            raise _bad("truncated", "This video is damaged: its frames cannot be decoded.",
                       "The file may be cut short; export or upload it again.") from exc
        if first is None:
            raise _bad("truncated", "This video has no frames we can decode.",
                       "The file may be cut short; export or upload it again.")
        rotation = _rotation_of(first)
        w, h = first.width, first.height
        if rotation in (90, 270):
            w, h = h, w
        codec = stream.codec_context.name
    finally:
        container.close()
    if fps <= 0 and duration > 0 and n_est > 0:
        fps = n_est / duration
    if 0 < duration < MIN_SECONDS * 0.75 or (duration == 0 and n_est and n_est < 30):
        raise _bad("too_short", f"This clip is only {duration:.1f} s long.",
                   "We need at least 6 steady steps: film 10-20 s of running.")
    return VideoMeta(str(p), p.name, size, w, h, rotation, fps, duration, n_est, codec)


# FFmpeg's demuxers of still pictures: a photo renamed to .mp4 opens as a one-frame "video"
PICTURE_FORMATS = {"image2", "png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe", "tiff_pipe",
                   "jpegxl_pipe"}


def _rotation_of(frame) -> int:
    """Clockwise rotation (0/90/180/270) that displays ``frame`` upright."""
    try:
        rot = frame.rotation  # PyAV: counter-clockwise degrees of the display matrix
    except Exception:
        rot = 0
    rot = int(round(float(rot or 0))) % 360
    return (360 - rot) % 360 if rot else 0


def fit_size(width: int, height: int, max_side: int = DEFAULT_MAX_SIDE) -> tuple[int, int]:
    """(width, height) scaled so the long side is at most ``max_side``; even numbers."""
    scale = min(1.0, max_side / max(width, height))
    return (max(2, int(round(width * scale / 2)) * 2),
            max(2, int(round(height * scale / 2)) * 2))


def working_size(meta: VideoMeta, max_side: int = DEFAULT_MAX_SIDE) -> tuple[int, int]:
    """Upright (width, height) of decoded frames: even numbers, long side <= max_side."""
    return fit_size(meta.width, meta.height, max_side)


def iter_frames(meta: VideoMeta, *, max_side: int = DEFAULT_MAX_SIDE, time_scale: float = 1.0,
                max_seconds: float = MAX_SECONDS) -> Iterator[Frame]:
    """Decode frames upright at working resolution with real timestamps.

    A clip that breaks off mid-way (truncated download) yields the frames before the break;
    the caller decides whether that is enough.
    """
    import av

    w, h = working_size(meta, max_side)
    # swscale resizes before rotation, so hand it the pre-rotation size
    sw, sh = (h, w) if meta.rotation in (90, 270) else (w, h)
    container = av.open(meta.path, metadata_errors="ignore")
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        t0 = None
        last_t = -1.0
        index = 0
        fallback_dt = 1.0 / meta.fps_nominal if meta.fps_nominal > 0 else 1 / 30
        try:
            for vf in container.decode(stream):
                ts = vf.time
                if ts is None:
                    ts = (last_t / time_scale + fallback_dt) if last_t >= 0 else 0.0
                if t0 is None:
                    t0 = ts
                t = (ts - t0) * time_scale
                if t <= last_t:  # duplicate / out-of-order timestamps: keep time monotonic
                    t = last_t + 1e-4
                if t > max_seconds:
                    break
                img = vf.reformat(width=sw, height=sh, format="bgr24").to_ndarray()
                if meta.rotation == 90:
                    img = np.ascontiguousarray(np.rot90(img, k=-1))
                elif meta.rotation == 180:
                    img = np.ascontiguousarray(img[::-1, ::-1])
                elif meta.rotation == 270:
                    img = np.ascontiguousarray(np.rot90(img, k=1))
                yield Frame(index, t, img)
                last_t = t
                index += 1
        except av.error.FFmpegError:
            return  # truncated: stop at the last good frame
    finally:
        container.close()
