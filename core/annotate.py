"""Stage 10 — annotated output: skeleton and measurements drawn on frames; H.264 video.

Contract:
    draw_skeleton(img, xy, vis) -> img            in place, BGR
    draw_measure(img, metric_id, xy, fwd, text, foot) -> img
        ``foot`` ("L"/"R") is the limb measured: the landing foot, or the near arm
    evidence_image(img, xy, vis, metric_id, fwd, label, caption, status, foot) -> BGR image
        (skeleton + measurement + a caption bar coloured by status)
    evidence_still(...same...) -> (BGR image, (x0, y0))   the same, cropped to the runner
        (:func:`runner_crop`) when that leaves out most of the frame; (x0, y0) is where the
        crop starts in the frame, which a shared copy's face blur needs (core.privacy)
    write_video(frames, fps, path) -> path        H.264 yuv420p mp4 that browsers play
    concat_videos(parts, path) -> path            parts written by write_video (same size and
        rate) joined back to back without re-encoding: frame k of part j keeps its picture and
        is shown at (frames before part j + k) / fps
    face_box(xy) -> [x0, y0, x1, y1] | None       head box used to blur faces when sharing
"""
from __future__ import annotations

import contextvars
from collections.abc import Sequence
from pathlib import Path
from typing import Iterable

import cv2
import numpy as np

from .pose import LM, SKELETON

COL = {"L": (255, 170, 40), "R": (40, 140, 255), "C": (235, 235, 235), "M": (60, 220, 255),
       "good": (90, 200, 90), "watch": (40, 190, 250), "fix": (60, 60, 235)}


def _pt(xy: np.ndarray, name: str) -> tuple[int, int] | None:
    p = xy[LM[name]]
    if not np.all(np.isfinite(p)):
        return None
    return int(round(p[0])), int(round(p[1]))


def _scale(img: np.ndarray) -> float:
    return max(1.0, min(img.shape[:2]) / 480.0)


_SKELETON_IDX = np.array([(LM[a], LM[b]) for a, b in SKELETON], np.intp)
_SKELETON_SIDE = ["L" if a.startswith("l_") and b.startswith("l_") else
                  "R" if a.startswith("r_") and b.startswith("r_") else "C" for a, b in SKELETON]
_DOT_IDX = [i for name, i in LM.items()
            if not name.startswith(("l_eye", "r_eye", "mouth", "l_pinky", "r_pinky", "l_thumb",
                                    "r_thumb", "l_index", "r_index"))]


def draw_skeleton(img: np.ndarray, xy: np.ndarray, vis: np.ndarray | None = None) -> np.ndarray:
    s = _scale(img)
    th = max(2, int(2 * s))
    xy = np.asarray(xy, np.float64)[:, :2]
    ok = np.all(np.isfinite(xy), axis=1)
    pts = np.rint(np.where(ok[:, None], xy, 0.0)).astype(int).tolist()  # as _pt: round half even
    for (a, b), side in zip(_SKELETON_IDX.tolist(), _SKELETON_SIDE):
        if not (ok[a] and ok[b]):
            continue
        pa, pb = tuple(pts[a]), tuple(pts[b])
        cv2.line(img, pa, pb, (20, 20, 20), th + 2, cv2.LINE_AA)
        cv2.line(img, pa, pb, COL[side], th, cv2.LINE_AA)
    r = max(2, int(2.5 * s))
    for i in _DOT_IDX:
        if ok[i]:
            cv2.circle(img, tuple(pts[i]), r, (255, 255, 255), -1, cv2.LINE_AA)
    return img


# OpenCV's Hershey fonts are ASCII only and have no degree sign: it is kept as this stand-in
# and drawn as a small ring (:func:`_put`), as the report's text writes "21°" (the stills
# said "21 deg": fresh-eyes review). No label uses the character itself.
_DEG = "^"


# the report's typography in ASCII (a dash or a curly quote was drawn as "?")
_ASCII = str.maketrans({"\u00b0": _DEG, "\u2013": "-", "\u2014": "-", "\u2018": "'",
                        "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2026": "...",
                        "\u00d7": "x", "\u2264": "<=", "\u2265": ">=", "\u2212": "-",
                        "\u00a0": " "})


def _label_ascii(text: str) -> str:
    """``text`` for a Hershey font: ASCII, the degree sign as :data:`_DEG`."""
    return text.translate(_ASCII).encode("ascii", "replace").decode()


def _ring(fs: float, th: int) -> tuple[int, int, int]:
    """(cap height, ring radius, the ring's advance) of a degree ring at this font size."""
    cap = cv2.getTextSize("0", cv2.FONT_HERSHEY_SIMPLEX, fs, th)[0][1]
    r = max(2, int(round(0.2 * cap)))
    return cap, r, 2 * r + 2 * th


def _text_w(line: str, fs: float, th: int) -> int:
    """Drawn width of ``line`` with its degree rings (:func:`_put`)."""
    parts = line.split(_DEG)
    w = sum(cv2.getTextSize(p, cv2.FONT_HERSHEY_SIMPLEX, fs, th)[0][0] for p in parts if p)
    return w + (len(parts) - 1) * _ring(fs, th)[2]


def _put(img: np.ndarray, line: str, org: tuple[int, int], fs: float, color, th: int,
         layout_th: int | None = None) -> None:
    """``cv2.putText`` with each :data:`_DEG` drawn as a small raised ring. ``layout_th``:
    the stroke the parts and rings are spaced for (default ``th``); an outline drawn under
    thinner text passes the text's, so its rings sit under the text's (a thick outline's
    ring landed beside the white one as a black dot: "lean 0°•", review s23)."""
    x, y = org
    parts = line.split(_DEG)
    lt = th if layout_th is None else layout_th
    cap, r, advance = _ring(fs, lt)
    for i, part in enumerate(parts):
        if part:
            cv2.putText(img, part, (x, y), cv2.FONT_HERSHEY_SIMPLEX, fs, color, th, cv2.LINE_AA)
            x += cv2.getTextSize(part, cv2.FONT_HERSHEY_SIMPLEX, fs, lt)[0][0]
        if i < len(parts) - 1:
            cv2.circle(img, (x + r, y - cap + r), r, color, max(1, th - 1), cv2.LINE_AA)
            x += advance


# Evidence stills are shown about 320 px wide (a phone screen, or a column of the desktop
# report) and at most ~520 px tall (portrait clips on a phone): labels are sized for that.
SHOWN_W, SHOWN_H = 320.0, 520.0
LABEL_PX = 13.0      # cap height of label text on screen, in CSS px
_HERSHEY_CAP = 22.0  # cap height of FONT_HERSHEY_SIMPLEX at font scale 1, in px


def put_text(img: np.ndarray, text: str, org: tuple[int, int], fs: float, color, th: int,
             layout_th: int | None = None) -> None:
    """``text`` drawn as every picture's labels are: ASCII for the Hershey font, a degree sign
    as a small ring (:func:`_put`, ``layout_th`` as there)."""
    _put(img, _label_ascii(text), org, fs, color, th, layout_th)


def _label_scale(img: np.ndarray) -> float:
    """Image pixels per on-screen pixel when the still is shown (never below 1)."""
    h, w = img.shape[:2]
    shown_w = min(SHOWN_W, SHOWN_H * w / max(h, 1))
    return max(1.0, w / shown_w)


def _font(img: np.ndarray, px: float = LABEL_PX) -> tuple[float, int]:
    """(font scale, stroke thickness) for text ``px`` CSS px tall on the shown still."""
    k = _label_scale(img)
    fs = px * k / _HERSHEY_CAP
    return fs, max(1, int(round(fs * 1.7)))


def _label(img: np.ndarray, text: str, org: tuple[int, int], color=(255, 255, 255),
           keep_clear: Sequence[tuple[int, int]] = (),
           elsewhere: Sequence[tuple[int, int]] = (), org_is_top: bool = False) -> None:
    """``text`` on a dark box with its first baseline near ``org`` (with ``org_is_top``, the
    box hangs just clear below ``org``: a label under a point), kept inside the image; a
    long label is wrapped to at most ~60 % of the image width.

    ``keep_clear``: points the label must not cover (the joint the still is about, e.g. the
    landing foot); when the box at ``org``, pushed inside the image, covers one, the first
    origin of ``elsewhere`` (baselines) whose box covers none is used instead (else ``org``)."""
    fs, th = _font(img)
    lines = _wrap(_label_ascii(text), fs, th, int(0.6 * img.shape[1]))
    (_, h), base = cv2.getTextSize("Ag", cv2.FONT_HERSHEY_SIMPLEX, fs, th)
    w = max(_text_w(ln, fs, th) for ln in lines)
    pad = max(3, int(round(0.3 * h)))
    m = 2 * pad  # the margin a box keeps around a point it must not cover
    line_h = h + base + pad
    block = line_h * (len(lines) - 1)

    def place(o: tuple[int, int]) -> tuple[int, int, tuple[int, int, int, int]]:
        x = int(np.clip(o[0], pad, max(pad, img.shape[1] - w - pad)))
        y = int(np.clip(o[1], h + pad, max(h + pad, img.shape[0] - pad - base - block)))
        return x, y, (x - pad, y - h - pad, x + w + pad, y + block + base + pad // 2)

    def covers(box: tuple[int, int, int, int]) -> bool:
        return any(box[0] - m <= px <= box[2] + m and box[1] - m <= py <= box[3] + m
                   for px, py in keep_clear)

    x, y, box = place((org[0], org[1] + m + 1 + h + pad) if org_is_top else org)
    if keep_clear and covers(box):
        for o in elsewhere:
            cand = place(o)
            if not covers(cand[2]):
                x, y, box = cand
                break
    face = _AVOID.get()
    if face is not None and _overlap(box, face):
        # the head box a share link blurs: a label there would be half blurred ("6 % above
        # your relaxed p##on", fresh-eyes review), so it moves beside, below or above it
        for o in ((face[2] + m, y), (face[0] - m - w, y), (x, face[3] + m + h + pad),
                  (x, face[1] - m - base - block - pad)):
            cand = place(o)
            if not _overlap(cand[2], face) and not (keep_clear and covers(cand[2])):
                x, y, box = cand
                break
    cv2.rectangle(img, box[:2], box[2:], (20, 20, 20), -1)
    for i, ln in enumerate(lines):
        _put(img, ln, (x, y + i * line_h), fs, color, th)


# what a share link blurs of the still being drawn (:func:`blurred_face`): labels keep out of it
_AVOID: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("fc_label_avoid",
                                                                          default=None)


def _overlap(a: Sequence[int], b: Sequence[int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _mid(xy: np.ndarray, a: str, b: str) -> tuple[int, int] | None:
    pa, pb = _pt(xy, a), _pt(xy, b)
    if pa is None or pb is None:
        return None
    return (pa[0] + pb[0]) // 2, (pa[1] + pb[1]) // 2


def draw_measure(img: np.ndarray, metric_id: str, xy: np.ndarray, fwd: float, text: str,
                 foot: str | None = None) -> np.ndarray:
    """Draw how ``metric_id`` is measured on this frame, with ``text`` as its label: the
    metric's own drawing (:attr:`core.metrics.Metric.draw`), or the label alone when it has
    none or the points it needs are missing."""
    from .metrics import BY_ID  # the registry's modules draw with this module's helpers

    m = BY_ID.get(metric_id)
    limb = (foot or "L").lower()  # the landing foot, or the near arm
    token = _AVOID.set(blurred_face(xy))
    try:
        if m is None or m.draw is None or not m.draw(img, xy, fwd, text, limb):
            s = _scale(img)
            _label(img, text, (int(10 * s), int(24 * s)))
    finally:
        _AVOID.reset(token)
    return img


def _wrap(text: str, fs: float, th: int, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        trial = f"{lines[-1]} {word}" if lines else word
        if lines and _text_w(trial, fs, th) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    return lines or [""]


def caption_bar(img: np.ndarray, text: str, color=(40, 40, 40)) -> np.ndarray:
    """``img`` with a bar below it holding ``text``, wrapped to the width, readable when the
    still is shown on a phone."""
    fs, th = _font(img)
    (_, ch), base = cv2.getTextSize("Ag", cv2.FONT_HERSHEY_SIMPLEX, fs, th)
    margin = max(6, int(round(0.6 * ch)))
    line_h = ch + base + max(4, int(round(0.35 * ch)))
    lines = _wrap(_label_ascii(text), fs, th, img.shape[1] - 2 * margin)
    h = 2 * margin + line_h * len(lines) - (line_h - ch - base)
    bar = np.full((h, img.shape[1], 3), color, np.uint8)
    for i, line in enumerate(lines):
        _put(bar, line, (margin, margin + ch + i * line_h), fs, (255, 255, 255), th)
    return np.vstack([img, bar])


def evidence_image(img: np.ndarray, xy: np.ndarray, vis: np.ndarray | None, metric_id: str,
                   fwd: float, label: str, caption: str, status: str = "watch",
                   foot: str | None = None) -> np.ndarray:
    out = img.copy()
    draw_skeleton(out, xy, vis)
    draw_measure(out, metric_id, xy, fwd, label, foot)
    return caption_bar(out, caption, tuple(int(v * 0.55) for v in COL.get(status, (60, 60, 60))))


# The runner's box in an evidence still: the landmarks' box, with room above and below of
# this share of the runner's height, and on each side (labels sit beside the thigh or behind
# the runner, the foot-ahead lines in front); never narrower than this share of its height
# (a standing runner would make a strip); kept only when it leaves out this much of the frame.
CROP_PAD_V, CROP_PAD_H, CROP_MIN_ASPECT, CROP_MIN_SAVING = 0.12, 0.35, 0.75, 0.35


def runner_box(shape: tuple[int, ...], xy: np.ndarray) -> tuple[float, float, float, float] | None:
    """``(x0, y0, x1, y1)`` around the runner at ``xy`` (landmark pixels, NaN when unknown):
    the points' box with :data:`CROP_PAD_V` / :data:`CROP_PAD_H` room, at least
    :data:`CROP_MIN_ASPECT` wide; not fitted to the frame. None with fewer than 8 points."""
    pts = np.asarray(xy, float)[:, :2]
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    if len(pts) < 8 or shape[0] < 2 or shape[1] < 2:
        return None
    (px0, py0), (px1, py1) = pts.min(axis=0), pts.max(axis=0)
    tall = max(py1 - py0, 1.0)
    y0, y1 = py0 - CROP_PAD_V * tall, py1 + CROP_PAD_V * tall
    x0, x1 = px0 - CROP_PAD_H * tall, px1 + CROP_PAD_H * tall
    min_w = CROP_MIN_ASPECT * (y1 - y0)
    if x1 - x0 < min_w:
        cx = (x0 + x1) / 2
        x0, x1 = cx - min_w / 2, cx + min_w / 2
    return float(x0), float(y0), float(x1), float(y1)


def runner_crop(shape: tuple[int, ...], xy: np.ndarray,
                min_saving: float = CROP_MIN_SAVING) -> tuple[int, int, int, int] | None:
    """``(x0, y0, x1, y1)``: the part of a frame of ``shape`` to show for the runner at
    ``xy`` (landmark pixels, NaN when unknown): :func:`runner_box` slid inside the frame, or
    None when that leaves out less than ``min_saving`` of the frame (or too few points are
    known). A portrait
    phone clip of a treadmill runner is mostly ceiling and wall: the crop shows the runner as
    large as the still's column allows."""
    h, w = shape[:2]
    box = runner_box(shape, xy)
    if box is None:
        return None
    x0, y0, x1, y1 = box

    def fit(a: float, b: float, size: int) -> tuple[int, int]:  # slide inside, then clip
        if b - a >= size:
            return 0, size
        shift = max(0.0, -a) - max(0.0, b - size)
        return int(round(max(0.0, a + shift))), int(round(min(float(size), b + shift)))

    (cx0, cx1), (cy0, cy1) = fit(x0, x1, w), fit(y0, y1, h)
    if (cx1 - cx0) * (cy1 - cy0) > (1.0 - min_saving) * w * h:
        return None
    return cx0, cy0, cx1, cy1


def crop_to(img: np.ndarray, xy: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, float, float, float]:
    """The runner at ``xy`` (points, pixels) in a picture of exactly ``size`` (w, h): their
    :func:`runner_box` widened or heightened to that shape, the frame's edge pixels repeated
    where the box runs past it, scaled uniformly (no angle is distorted). Returns the
    picture and ``(x0, y0, k)``: a point ``p`` of ``img`` is at ``(p - (x0, y0)) * k``.
    The good-form runner is cut this way to the size of the runner's own crop."""
    w, h = int(size[0]), int(size[1])
    box = runner_box(img.shape, xy) or (0.0, 0.0, float(img.shape[1]), float(img.shape[0]))
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    if bw / bh < w / h:  # too narrow for the shape: widen about its centre
        cx, bw = (x0 + x1) / 2, bh * w / h
        x0 = cx - bw / 2
    else:
        cy, bh = (y0 + y1) / 2, bw * h / w
        y0 = cy - bh / 2
    k = w / bw
    pad = int(np.ceil(max(bw, bh))) + 2
    big = cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    m = np.float32([[k, 0, -(x0 + pad) * k], [0, k, -(y0 + pad) * k]])
    out = cv2.warpAffine(big, m, (w, h), flags=cv2.INTER_LINEAR)
    return out, float(x0), float(y0), float(k)


def cut_to_runner(img: np.ndarray, xy: np.ndarray, min_saving: float = CROP_MIN_SAVING
                  ) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    """The part of ``img`` around the runner (:func:`runner_crop`; the whole frame when the
    runner fills it) as a new picture, the points ``xy`` moved into it, and the crop's
    top-left corner in the frame (a shared copy's face blur moves the frame's box by it)."""
    x0, y0, x1, y1 = runner_crop(img.shape, xy, min_saving) or (0, 0, img.shape[1], img.shape[0])
    shifted = np.asarray(xy, float).copy()
    shifted[:, 0] -= x0
    shifted[:, 1] -= y0
    return np.ascontiguousarray(img[y0:y1, x0:x1]).copy(), shifted, (int(x0), int(y0))


def evidence_still(img: np.ndarray, xy: np.ndarray, vis: np.ndarray | None, metric_id: str,
                   fwd: float, label: str, caption: str, status: str = "watch",
                   foot: str | None = None) -> tuple[np.ndarray, tuple[int, int]]:
    """:func:`evidence_image` of the part of the frame around the runner
    (:func:`cut_to_runner`), drawn after cropping so labels are sized for the still as shown;
    with the crop's top-left corner in the frame."""
    crop, shifted, corner = cut_to_runner(img, xy)
    return evidence_image(crop, shifted, vis, metric_id, fwd, label, caption, status, foot), corner


def face_box(xy: np.ndarray) -> list[int] | None:
    """Padded box around the head points (nose, eyes, ears, mouth), or None."""
    pts = xy[[LM[n] for n in ("nose", "l_eye", "r_eye", "l_ear", "r_ear", "mouth_l", "mouth_r")]]
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    if len(pts) < 2:
        return None
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    sz = max(x1 - x0, y1 - y0, 10.0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    r = 0.9 * sz
    return [int(cx - r), int(cy - 1.1 * r), int(cx + r), int(cy + r)]


def blurred_face(xy: np.ndarray) -> list[int] | None:
    """The region a share link blurs around the head at ``xy`` (:func:`face_box` widened as
    :func:`core.privacy.blurred_region` widens it), or None: labels keep out of it, or a
    shared copy would blur them too ("lan##ng", browser review s20)."""
    from .privacy import blurred_region  # privacy reads media files: imported when drawing

    box = face_box(xy)
    return None if box is None else list(blurred_region(box))


def write_video(frames: Iterable[np.ndarray], fps: float, path: str | Path, crf: int = 26) -> Path:
    """Encode BGR frames as H.264 (yuv420p, faststart) mp4 that every browser plays."""
    import av
    from fractions import Fraction

    path = Path(path)
    rate = Fraction(fps).limit_denominator(1001) if fps > 0 else Fraction(30)
    container = av.open(str(path), "w", options={"movflags": "+faststart"})
    stream = None
    try:
        for img in frames:
            if stream is None:
                h, w = img.shape[:2]
                stream = container.add_stream("libx264", rate=rate)
                stream.width, stream.height = w - w % 2, h - h % 2
                stream.pix_fmt = "yuv420p"
                stream.options = {"crf": str(crf), "preset": "veryfast"}
            img = img[: stream.height, : stream.width]
            # OpenCV's BGR -> I420 (BT.601, limited range, as swscale) is ~15x cheaper than
            # handing bgr24 to the encoder to convert, and round-trips as close to the pixels
            frame = av.VideoFrame.from_ndarray(cv2.cvtColor(img, cv2.COLOR_BGR2YUV_I420),
                                               format="yuv420p")
            for pkt in stream.encode(frame):
                container.mux(pkt)
        if stream is not None:
            for pkt in stream.encode():
                container.mux(pkt)
    finally:
        container.close()
    return path


def concat_videos(parts: list[str | Path], path: str | Path) -> Path:
    """Join mp4 parts made by :func:`write_video` (same size, rate and settings) into one
    faststart mp4, by re-timing their H.264 packets (no re-encoding). Each part starts with a
    keyframe, so the joined file plays and seeks like one written in a single pass."""
    import av
    from fractions import Fraction

    path = Path(path)
    out = av.open(str(path), "w", options={"movflags": "+faststart"})
    try:
        ost = None
        start = Fraction(0)  # seconds of video before the current part
        last_dts = None
        for part in parts:
            with av.open(str(part)) as src:
                ist = src.streams.video[0]
                if ost is None:
                    ost = out.add_stream_from_template(ist)
                tb = ist.time_base
                rate = ist.average_rate or ist.guessed_rate
                off = int(round(start / tb))
                n = 0
                for pkt in src.demux(ist):
                    if pkt.dts is None and pkt.pts is None:
                        continue  # the demuxer's empty flush packet
                    pkt.pts = None if pkt.pts is None else pkt.pts + off
                    pkt.dts = None if pkt.dts is None else pkt.dts + off
                    if last_dts is not None and pkt.dts is not None and pkt.dts <= last_dts:
                        pkt.dts = last_dts + 1  # keep decode order strictly increasing
                    last_dts = pkt.dts if pkt.dts is not None else last_dts
                    pkt.stream = ost
                    out.mux(pkt)
                    n += 1
                start += Fraction(n) / Fraction(rate)
    finally:
        out.close()
    return path
