"""Privacy of shared reports: face blurring (pure image and video functions) and the report a
share-link viewer reads (:func:`shared_report`). No UI, no storage.

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
import copy
import math
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

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
    c0, r0, c1, r1 = blurred_region(box, pad)
    c0, r0, c1, r1 = max(0, c0), max(0, r0), min(w, c1), min(h, r1)
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


def blurred_region(box: Box, pad: float = DEFAULT_PAD) -> tuple[int, int, int, int]:
    """The pixels :func:`blur_box` changes for ``box`` (``[x0, y0, x1, y1]``, not cut to any
    image): the box widened by ``pad`` of its size on each side. Labels drawn on a still keep
    out of it (:mod:`core.annotate`, :mod:`core.reference`), so a shared copy blurs no text.

    Raises:
        ValueError: ``box`` is not four finite numbers with ``x1 > x0`` and ``y1 > y0``.
    """
    x0, y0, x1, y1 = _check_box(box)
    px, py = pad * (x1 - x0), pad * (y1 - y0)
    return math.floor(x0 - px), math.floor(y0 - py), math.ceil(x1 + px), math.ceil(y1 + py)


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
    typed = Media.of(media)
    offsets = typed.evidence_offsets  # stills cropped to the runner: the frame's face box is
    # shifted to the crop (core.annotate.evidence_still); a key listed with an offset that
    # cannot be read is not published blurred (the blur could miss the face)
    listed_offsets = media.get("evidence_offsets")
    unreadable = {str(k) for k in (listed_offsets if isinstance(listed_offsets, dict) else {})
                  if str(k) not in offsets}

    def original(rel: str) -> Path:
        path = source(rel)
        if path is None:
            raise FileNotFoundError(rel)
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        return path

    def publish_image(rel: object, frame: object, offset: tuple[int, int] = (0, 0),
                      scale: float | None = 1.0) -> str | None:
        """``rel`` as the viewer gets it; with ``blur`` the frame's face box is moved by
        ``offset`` (a crop's corner) and then scaled by ``scale`` (a smaller copy of the
        frame); None leaves the picture out (no box, or a scale not known)."""
        if not isinstance(rel, str):
            return None
        if not blur:
            shutil.copyfile(original(rel), out / rel)
            return rel
        box = box_for_frame(boxes, frame) if isinstance(frame, int) else None
        if box is None or scale is None:
            return None
        dx, dy = offset
        box = [(box[0] - dx) * scale, (box[1] - dy) * scale,
               (box[2] - dx) * scale, (box[3] - dy) * scale]
        blur_image_file(original(rel), out / rel, box)
        return rel

    evidence: dict[str, str] = {}
    listed = media.get("evidence")
    for key, rel in (listed.items() if isinstance(listed, dict) else ()):
        if blur and str(key) in unreadable:
            continue
        if (published := publish_image(rel, frames.get(key), typed.offset_of(key))) is not None:
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
    # a session's other clips' videos stay the owner's: their faces are not blurred
    kept = {k: v for k, v in media.items() if k != "other_videos"}
    return {
        **kept,
        "evidence": evidence,
        "evidence_frames": {k: v for k, v in frames.items() if k in evidence},
        **({"evidence_offsets": {k: v for k, v in offsets.items() if k in evidence}}
           if offsets or "evidence_offsets" in media else {}),
        "video": video,
        # the thumbnail is the frame made smaller: its face box scaled (unknown: left out)
        "thumbnail": publish_image(media.get("thumbnail"), media.get("thumbnail_frame"),
                                   scale=typed.thumbnail_scale),
    }


# --------------------------------------------------------------------------- the viewer's report

#: the vertical ratio's bounce in cm (``core.metrics.speed``), made from the owner's height
_RATIO_CM = re.compile(r" \(-?[\d.]+ cm up and down per ([\d.]+ m) step\)")


def shared_report(report: Mapping[str, Any]) -> dict[str, Any]:
    """The report as a share-link (or comparison-link) viewer gets it, on screen and in the
    JSON download: a copy without what identifies or describes the owner and is not needed
    to read it. Every store calls it for every viewer (:meth:`core.store.SQLStore.get` with
    ``viewer=True``), so no page or backend strips anything of its own.

    Left out: the clip's file name (``source.filename``, each session clip's ``filename``:
    they often hold a name or a date), the owner's height (``options.height_cm``) and every
    value made only from it (``value_cm`` of the ``% leg`` metrics and their "(22 cm)" in the
    texts, the vertical ratio's bounce in cm), the runner's sex (``profile.sex``: stored, used
    by nothing), and the head boxes (``media.face_boxes``). Kept: the metrics in % of leg
    length, the speed the runner gave (stride length is made from it) and their experience
    (the plan's dose). The vertical ratio with the bounce in % of leg and the step length
    still implies the height roughly (a few %); it stays, as the report's own measure.
    Report ids, owners, keys and share tokens never are in a report (the store keeps them in
    its own columns), nor are server file paths (media paths are relative).
    """
    r = copy.deepcopy(dict(report))
    if isinstance(r.get("source"), dict):
        r["source"]["filename"] = None
    if isinstance(r.get("options"), dict):
        r["options"]["height_cm"] = None
    if isinstance(r.get("profile"), dict):
        r["profile"]["sex"] = None
    if isinstance(r.get("media"), dict):
        r["media"].pop("face_boxes", None)
    session = r.get("session")
    for clip in (session.get("clips") or []) if isinstance(session, dict) else []:
        if isinstance(clip, dict):
            clip["filename"] = ""
    cuts: dict[str, str] = {}  # text made with the height -> the same text without it
    for m in r.get("metrics") or []:
        if not isinstance(m, dict):
            continue
        display = m.get("display") if isinstance(m.get("display"), str) else ""
        new = without_height(display, m.get("value_cm"))
        if new != display:
            cuts[display] = new
            m["display"] = new
        m["value_cm"] = None
        if isinstance(m.get("extra"), dict):
            m["extra"].pop("bounce_m", None)
    if cuts:  # the fixes and area summaries quote the metrics' display
        r = replace_text(r, cuts)
    return r


def without_height(display: str, value_cm: object) -> str:
    """A metric's ``display`` without what was made from the owner's height: the "(22 cm)"
    that :mod:`core.metrics.base` adds after a % of leg (``value_cm``) and the vertical
    ratio's bounce in cm. What a shared report shows, and what the evidence pictures draw
    (:func:`core.pipeline._write_stills`), so a shared picture cannot carry it either."""
    return _RATIO_CM.sub(r" (per \1 step)", without_length(display, value_cm))


def without_length(display: str, value_cm: object) -> str:
    """``display`` without the "(22 cm)" :mod:`core.metrics.base` adds after a % of leg
    (``value_cm``); the owner's metric card shows that length on its own line instead."""
    if isinstance(value_cm, (int, float)):
        display = display.replace(f" ({value_cm:.0f} cm)", "")
    return display


def replace_text(value: Any, cuts: Mapping[str, str]) -> Any:
    """``value`` (a report or any part of it) with every text's ``cuts`` keys replaced by
    their values, leaving the per-frame ``series`` and per-stride ``strides`` as they are."""
    if isinstance(value, str):
        for old, new in cuts.items():
            if old and old in value:
                value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return {k: v if k in ("series", "strides") else replace_text(v, cuts)
                for k, v in value.items()}
    if isinstance(value, list):
        return [replace_text(v, cuts) for v in value]
    return value
