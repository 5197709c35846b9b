"""Face blurring for shared reports: pure image and video functions (no UI, no storage).

A *box* is the runner's head box ``[x0, y0, x1, y1]`` in pixels of the image or video it is
applied to. :func:`blur_box` pads it (the pose model's head box is tight and hair, ears
and chin matter for recognition), pixelates the padded region into a handful of blocks
and smooths the blocks, which is not reversible the way a plain Gaussian blur can be.

Boxes come from a report's :class:`core.report.Media` (``Media.of(report)``, the one
reader of ``report["media"]``) or from a mapping keyed by frame index (``int`` or, as in a report's JSON, a
decimal ``str``); frames without a box use the box of the nearest frame that has one
(:func:`box_for_frame`).

:func:`make_shared_variants` makes the copies a share-link viewer sees; every report store
calls it (it works on local files, the store moves them where it keeps media), so no storage
backend carries privacy logic of its own.
"""
from __future__ import annotations

import bisect
import math
import shutil
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from .report import Media

Box = Sequence[float]

DEFAULT_PAD = 0.35
_BLOCKS_ACROSS = 6  # pixelation: the padded head becomes at most ~6 x 6 blocks
_FALLBACK_FPS = Fraction(30)


def blur_box(img_bgr: np.ndarray, box: Box, pad: float = DEFAULT_PAD) -> np.ndarray:
    """Return a copy of ``img_bgr`` with the padded ``box`` pixelated and blurred.

    ``pad`` widens the box by that fraction of its width (height) on each side. A box that
    lies wholly outside the image leaves the copy unchanged.

    Raises:
        ValueError: ``box`` is not four finite numbers with ``x1 > x0`` and ``y1 > y0``.
    """
    x0, y0, x1, y1 = _check_box(box)
    out = img_bgr.copy()
    h, w = out.shape[:2]
    px, py = pad * (x1 - x0), pad * (y1 - y0)
    c0, r0 = max(0, math.floor(x0 - px)), max(0, math.floor(y0 - py))
    c1, r1 = min(w, math.ceil(x1 + px)), min(h, math.ceil(y1 + py))
    if c1 <= c0 or r1 <= r0:
        return out
    roi = out[r0:r1, c0:c1]
    rh, rw = roi.shape[:2]
    # block size from the whole padded head, so a head cut by the frame edge is no less blurred
    block = max(4, math.ceil(max(x1 - x0 + 2 * px, y1 - y0 + 2 * py) / _BLOCKS_ACROSS))
    small = cv2.resize(
        roi, (max(1, round(rw / block)), max(1, round(rh / block))), interpolation=cv2.INTER_AREA
    )
    blocks = cv2.resize(small, (rw, rh), interpolation=cv2.INTER_NEAREST)
    out[r0:r1, c0:c1] = cv2.GaussianBlur(blocks, (0, 0), sigmaX=block)  # melt the blocks
    return out


def blur_image_file(src: str | Path, dst: str | Path, box: Box, pad: float = DEFAULT_PAD) -> None:
    """Write ``src`` with the head ``box`` blurred to ``dst`` (format from its extension).

    The copy is re-encoded by OpenCV, so it carries no metadata (EXIF, GPS) of the source.

    Raises:
        ValueError: ``src`` is not a readable image, or ``box`` is malformed.
        OSError: ``dst`` could not be written.
    """
    img = cv2.imread(str(src), cv2.IMREAD_COLOR)
    if img is None:
        raise ValueError("not a readable image")
    if not cv2.imwrite(str(dst), blur_box(img, box, pad), [cv2.IMWRITE_JPEG_QUALITY, 90]):
        raise OSError("could not write the blurred image")


def blur_video(
    src: str | Path,
    dst: str | Path,
    face_boxes: Mapping[int | str, Box],
    pad: float = DEFAULT_PAD,
    frame_ids: Sequence[int] | None = None,
) -> int:
    """Re-encode ``src`` to ``dst`` (H.264, yuv420p, mp4) with every frame's head box blurred.

    Video frame ``n`` (0-based decode order) shows clip frame ``frame_ids[n]`` (``n`` itself
    when ``frame_ids`` is None; the annotated video of a long clip keeps only every k-th
    frame) and uses that frame's box in ``face_boxes``, or the nearest frame's box;
    with no usable box at all the frames are copied unblurred, so callers that must not
    publish a face check :func:`usable_boxes` first. Frame count and frame rate are kept;
    audio is dropped. Odd frame sizes lose their last pixel row/column (yuv420p needs even
    sizes).

    Returns:
        The number of frames written.
    """
    boxes = usable_boxes(face_boxes)
    keys = sorted(boxes)
    n = 0
    with av.open(str(src)) as inp, av.open(
        str(dst), "w", format="mp4", options={"movflags": "+faststart"}
    ) as out:
        vin = inp.streams.video[0]
        vin.thread_type = "AUTO"
        rate = vin.average_rate or vin.guessed_rate or _FALLBACK_FPS
        time_base = Fraction(1) / Fraction(rate)
        vout = out.add_stream("libx264", rate=rate, options={"crf": "20", "preset": "veryfast"})
        vout.pix_fmt = "yuv420p"
        vout.codec_context.time_base = time_base
        for frame in inp.decode(vin):
            img = frame.to_ndarray(format="bgr24")
            img = img[: img.shape[0] & ~1, : img.shape[1] & ~1]
            if n == 0:
                vout.height, vout.width = img.shape[:2]
            fid = frame_ids[n] if frame_ids is not None and n < len(frame_ids) else n
            box = _nearest(boxes, keys, fid)
            if box is not None:
                img = blur_box(img, box, pad)
            vf = av.VideoFrame.from_ndarray(img, format="bgr24")
            vf.pts, vf.time_base = n, time_base
            out.mux(vout.encode(vf))
            n += 1
        out.mux(vout.encode(None))
    return n


def usable_boxes(face_boxes: Media | Mapping[int | str, Box] | None) -> dict[int, Box]:
    """The well-formed boxes of ``face_boxes`` (a report's :class:`core.report.Media`, or a
    mapping as in its JSON) keyed by ``int`` frame index (others dropped)."""
    if isinstance(face_boxes, Media):
        face_boxes = face_boxes.face_boxes_by_frame()
    boxes: dict[int, Box] = {}
    for key, box in (face_boxes or {}).items():
        try:
            boxes[int(key)] = _check_box(box)
        except (TypeError, ValueError):
            continue
    return boxes


def box_for_frame(boxes: Mapping[int, Box], frame: int) -> Box | None:
    """The box of ``frame``, else of the nearest frame with one (earlier wins ties), else None.

    ``boxes`` is keyed by ``int`` frame index, as returned by :func:`usable_boxes`.
    """
    return _nearest(boxes, sorted(boxes), frame)


def _nearest(boxes: Mapping[int, Box], keys: list[int], frame: int) -> Box | None:
    if frame in boxes:
        return boxes[frame]
    if not keys:
        return None
    i = bisect.bisect_left(keys, frame)
    candidates = keys[max(0, i - 1) : i + 1]
    return boxes[min(candidates, key=lambda k: (abs(k - frame), k))]


def _check_box(box: Box) -> tuple[float, float, float, float]:
    try:
        if isinstance(box, (str, bytes)):
            raise TypeError
        x0, y0, x1, y1 = (float(v) for v in box)
    except (TypeError, ValueError) as e:
        raise ValueError("a box is four numbers [x0, y0, x1, y1]") from e
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)) or x1 <= x0 or y1 <= y0:
        raise ValueError("a box needs finite corners with x1 > x0 and y1 > y0")
    return x0, y0, x1, y1


def make_shared_variants(
    media: Mapping[str, object] | None,
    source: Callable[[str], Path | None],
    dst: str | Path,
    blur: bool,
    include_video: bool,
) -> dict:
    """Write the copies a share-link viewer may see of a report's media into ``dst``.

    Every report store calls this one function, whatever it keeps media in: ``media`` is the
    report's ``media`` block, ``source(rel)`` gives a local file with the original of a
    relative media path (None when missing), and ``dst`` is a local folder that the store
    publishes afterwards. With ``blur`` the evidence pictures, the thumbnail and (with
    ``include_video``) the annotated video get the runner's head blurred from
    ``media["face_boxes"]``; a picture whose frame or head box is unknown is left out rather
    than shown unblurred, and so is the video when no frame has a box. Without ``blur`` the
    originals are copied as they are.

    Returns:
        The viewer's ``media`` block: only the files that were written.

    Raises:
        ValueError: a picture or the video is damaged (not readable).
        FileNotFoundError: an original is missing.
        OSError: ``dst`` could not be written.
    """
    media = dict(media) if isinstance(media, Mapping) else {}
    out = Path(dst)
    boxes = usable_boxes(media.get("face_boxes")) if blur else {}  # type: ignore[arg-type]
    frames = media.get("evidence_frames")
    frames = frames if isinstance(frames, dict) else {}

    def original(rel: str) -> Path:
        path = source(rel)
        if path is None:
            raise FileNotFoundError(rel)
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        return path

    def publish_image(rel: object, frame: object) -> str | None:
        if not isinstance(rel, str):
            return None
        if not blur:
            shutil.copyfile(original(rel), out / rel)
            return rel
        box = box_for_frame(boxes, frame) if isinstance(frame, int) else None
        if box is None:
            return None
        blur_image_file(original(rel), out / rel, box)
        return rel

    evidence: dict[str, str] = {}
    listed = media.get("evidence")
    for key, rel in (listed.items() if isinstance(listed, dict) else ()):
        if (published := publish_image(rel, frames.get(key))) is not None:
            evidence[key] = published
    video = media.get("video") if include_video and isinstance(media.get("video"), str) else None
    if video is not None and not blur:
        shutil.copyfile(original(video), out / video)
    elif video is not None and boxes:
        ids = media.get("video_frames")
        blur_video(original(video), out / video, boxes,
                   frame_ids=ids if isinstance(ids, list) else None)
    else:
        video = None
    return {
        **media,
        "evidence": evidence,
        "evidence_frames": {k: v for k, v in frames.items() if k in evidence},
        "video": video,
        "thumbnail": publish_image(media.get("thumbnail"), media.get("thumbnail_frame")),
    }
