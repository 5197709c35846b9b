"""Camera motion and true vertical: landmarks in a ground-fixed, level frame.

Contract:
    MotionEstimator().add(image, landmarks) -> FrameStep
        one decoded frame (BGR, working size) and its pose landmarks ((33, 4) pixels or None);
        returns the camera's motion from the previous frame (:class:`FrameStep`). Runs inside
        the decode loop (:func:`core.pipeline.analyze`, and per chunk in
        :mod:`core.parallel_pose`, whose warm-up frames give each chunk's first frame its
        predecessor).
    accumulate(steps, size) -> CameraMotion
        per-frame affine maps image -> reference (first frame) coordinates, the camera's pan,
        roll and zoom, a per-frame confidence, and whether the motion could be followed
        (``ok``; else ``reason`` says why, in the runner's words).
    to_ground(track, motion) -> Track
        the landmarks expressed in the reference frame (the background stays put), with
        ``Track.to_image`` kept so overlays are still drawn on each frame's own pixels.
    ground_line(track, events, view, frames, yaw_deg=None) -> GroundLine
        the floor (or belt) line's angle in the track's frame, from the stance feet (toe points
        from 40-90 % of each stance, one shared slope with an offset per foot: overground) or
        near-horizontal image lines (``cv2.HoughLinesP`` on the lower half of a few frames: a
        treadmill, where the feet's baseline is short), each checking the other;
        ``roll_deg`` is the correction, 0 within :data:`ROLL_DEADBAND_DEG` of level, and 0
        when the camera is oblique (``yaw_deg``, from :func:`core.view.camera_yaw`, at least
        :data:`core.view.OBLIQUE_FLOOR_DEG`): lines along the running direction then slant
        by perspective and do not show the roll. Where the picture has upright lines
        (:func:`vertical_lines_roll`), they set ``roll_deg`` at any yaw and the floor's own
        line is kept for finding contacts (``contacts_deg``).
    settle(floor, verticals, yaw_deg) -> GroundLine
        the one rule choosing between the floor line and the upright lines, for uploads
        (:func:`ground_line`) and the live view (with :func:`floor_from_lines`).
    vertical_lines_roll(frames, track) -> Verticals | None
        the true vertical where the runner is, from at least :data:`VERT_MIN_LINES` straight
        near-vertical edges (``cv2.createLineSegmentDetector``) outside the runner that meet
        in one vanishing point (a camera tipped up or down makes them converge).
    level(track, roll_deg) -> Track
        the track rotated by -roll about the picture centre, so every sagittal angle is
        measured against the true vertical.

How: frames are turned grey and shrunk to :data:`WORK_WIDTH` px wide; the runner is masked
out (the landmarks' box grown by :data:`MASK_GROW` of its size); corners outside the mask
(``cv2.goodFeaturesToTrack``) in the previous frame are followed into this one with
``cv2.calcOpticalFlowPyrLK`` and a similarity (translation, rotation, uniform scale) is fitted
with ``cv2.estimateAffinePartial2D`` (RANSAC), so the runner, a treadmill belt or a passer-by
count as outliers. Its confidence is the inlier count and ratio. With too few corners (a plain
wall), ``cv2.phaseCorrelate`` on the masked frames gives a translation when its peak is clear
(no roll or zoom: edges alone do not show them); else a frame whose background barely changed
is taken as still, and one that changed is "lost". The steps are chained into maps to
the first frame. A camera that never moved more than :data:`STILL_SHIFT_PCT` of the width,
:data:`STILL_ROLL_DEG` or :data:`STILL_ZOOM_PCT` is treated as still (identity maps), so a
tripod clip is measured exactly as before.

Limits: a similarity cannot follow perspective (a camera walking alongside sees near and far
ground move at different speeds; the fit follows the dominant background), rolling-shutter
wobble or a background that itself moves (a crowd, trees in wind).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from .view import OBLIQUE_FLOOR_DEG, YAW_SQUARE_DEG

WORK_WIDTH = 320  # px: motion is measured on grey frames this wide
MASK_GROW = 0.25  # the runner's box is grown by a quarter of its size each way
MAX_CORNERS = 120  # enough for RANSAC; 300 cost 4x the time (bench/camera.md)
CORNER_QUALITY = 0.01
CORNER_MIN_DIST = 6  # px (working width)
LK_WIN = (15, 15)
LK_LEVELS = 3
RANSAC_PX = 0.6  # px (working width): a background point within this of the fit is an inlier
MIN_INLIERS = 15  # a fit with fewer inliers is not trusted
MIN_INLIER_RATIO = 0.5
REKEY_FRACTION = 0.5  # fewer of the key frame's corners followed as background: a new key
PHASE_MIN_RESPONSE = 0.25  # phase-correlation peaks weaker than this are not a shift
STILL_DIFF = 2.5  # grey levels: a background changing less than this between frames is still
BAD_FRACTION = 0.2  # more frames than this the camera could not be followed in: refused
STILL_SHIFT_PCT = 1.0  # a camera that never moved more than this (% width) ...
STILL_ROLL_DEG = 0.3  # ... nor turned more than this ...
STILL_ZOOM_PCT = 0.5  # ... nor zoomed more than this is still: identity maps
ROLL_DEADBAND_DEG = 1.0  # a floor within this of level is taken as level (the estimate's noise)
MAX_ROLL_DEG = 20.0  # a floor steeper than this is not a floor line: no levelling


@dataclass
class FrameStep:
    """The camera's motion from the previous frame to this one, in working-size pixels.

    ``m``: 2x3 similarity mapping previous-frame points to this frame's (identity when
    unknown); ``method``: "first", "features", "phase", "still" or "lost"; ``inliers`` /
    ``tracked``: RANSAC inliers among the followed corners; ``diff``: mean grey-level change of
    the background (runner masked out) between the two frames.
    """

    m: np.ndarray
    method: str
    inliers: int = 0
    tracked: int = 0
    diff: float = 0.0

    @property
    def confidence(self) -> float:
        """0..1: inlier ratio, scaled down below :data:`MIN_INLIERS` inliers (1 for the
        first frame and still frames, 0.5 for a phase-correlation shift, 0 when lost)."""
        if self.method in ("first", "still"):
            return 1.0
        if self.method == "phase":
            return 0.5
        if self.method == "lost" or self.tracked == 0:
            return 0.0
        return float(self.inliers / self.tracked * min(1.0, self.inliers / MIN_INLIERS))


def _runner_box(lm: np.ndarray | None, scale: float, shape: tuple[int, int]) -> tuple[int, int, int, int] | None:
    if lm is None:
        return None
    xy = np.asarray(lm)[:, :2] * scale
    ok = np.all(np.isfinite(xy), axis=1)
    if not ok.any():
        return None
    (x0, y0), (x1, y1) = xy[ok].min(axis=0), xy[ok].max(axis=0)
    gx, gy = MASK_GROW * (x1 - x0) + 4, MASK_GROW * (y1 - y0) + 4
    h, w = shape
    return (max(0, int(x0 - gx)), max(0, int(y0 - gy)), min(w, int(x1 + gx) + 1),
            min(h, int(y1 + gy) + 1))


class MotionEstimator:
    """Camera motion during the decode pass (see module docstring).

    Corners are found in a *key* frame and followed into every later frame (starting from
    where they were in the previous frame), so a still or slowly moving camera adds no
    frame-to-frame error; a new key frame is taken when fewer than :data:`REKEY_FRACTION` of
    the key's corners are still followed as background (the picture moved on, or the runner
    covered them). Each frame's step is the change of the key -> frame map.
    """

    def __init__(self) -> None:
        self.prev: np.ndarray | None = None
        self.prev_mask: np.ndarray | None = None
        self.key: np.ndarray | None = None
        self.key_pts: np.ndarray | None = None  # (K, 1, 2) corners in the key frame
        self.prev_pts: np.ndarray | None = None  # where they were in the previous frame
        self.key_to_prev = np.eye(3)
        self.scale = 1.0

    def add(self, image: np.ndarray, landmarks: np.ndarray | None) -> FrameStep:
        h, w = image.shape[:2]
        self.scale = WORK_WIDTH / w if w > WORK_WIDTH else 1.0
        sw, sh = int(round(w * self.scale)), int(round(h * self.scale))
        gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        small = cv2.resize(gray, (sw, sh), interpolation=cv2.INTER_AREA) if self.scale != 1 else gray
        mask = np.full((sh, sw), 255, np.uint8)
        box = _runner_box(landmarks, self.scale, (sh, sw))
        if box is not None:
            mask[box[1]:box[3], box[0]:box[2]] = 0
        prev, prev_mask = self.prev, self.prev_mask
        self.prev, self.prev_mask = small, mask
        if prev is None or prev.shape != small.shape:
            self._rekey(small, mask)
            return FrameStep(np.eye(2, 3), "first")
        step = self._from_key(small, mask, prev, prev_mask)
        if step is None:  # the key is no use here: frame to frame, then a new key
            step = self._estimate(prev, prev_mask, small, mask)
            self._rekey(small, mask)
        step.m = _rescale(step.m, self.scale)
        return step

    def _rekey(self, small: np.ndarray, mask: np.ndarray) -> None:
        self.key = small
        self.key_pts = cv2.goodFeaturesToTrack(small, MAX_CORNERS, CORNER_QUALITY,
                                               CORNER_MIN_DIST, mask=mask)
        self.prev_pts = None if self.key_pts is None else self.key_pts.copy()
        self.key_to_prev = np.eye(3)

    def _from_key(self, cur, mask, prev, prev_mask) -> FrameStep | None:
        if self.key_pts is None or len(self.key_pts) < MIN_INLIERS:
            return None
        p1, st, _err = cv2.calcOpticalFlowPyrLK(self.key, cur, self.key_pts, self.prev_pts.copy(),
                                                winSize=LK_WIN, maxLevel=LK_LEVELS,
                                                flags=cv2.OPTFLOW_USE_INITIAL_FLOW)
        if p1 is None:
            return None
        good = st.ravel() == 1
        ix = np.clip(p1[:, 0, 0].astype(int), 0, cur.shape[1] - 1)
        iy = np.clip(p1[:, 0, 1].astype(int), 0, cur.shape[0] - 1)
        good &= mask[iy, ix] > 0
        tracked = int(good.sum())
        if tracked < MIN_INLIERS:
            return None
        m, inliers = cv2.estimateAffinePartial2D(self.key_pts[good], p1[good], method=cv2.RANSAC,
                                                 ransacReprojThreshold=RANSAC_PX, maxIters=500,
                                                 confidence=0.995)
        inl = int(inliers.sum()) if inliers is not None else 0
        if m is None or inl < MIN_INLIERS or inl < MIN_INLIER_RATIO * tracked:
            return None
        key_to_cur = _h(m)
        step = (key_to_cur @ _h(cv2.invertAffineTransform(self.key_to_prev[:2])))[:2]
        both = cv2.bitwise_and(prev_mask, mask) > 0
        diff = float(np.abs(cur.astype(np.int16) - prev)[both].mean()) if both.any() else 0.0
        out = FrameStep(step, "features", inl, tracked, diff)
        if inl < REKEY_FRACTION * len(self.key_pts):
            self._rekey(cur, mask)
        else:
            self.prev_pts = p1
            self.key_to_prev = key_to_cur
        return out

    def _estimate(self, prev, prev_mask, cur, mask) -> FrameStep:
        both = cv2.bitwise_and(prev_mask, mask)
        bg = both > 0
        diff = float(np.abs(cur.astype(np.int16) - prev)[bg].mean()) if bg.any() else 0.0
        p0 = cv2.goodFeaturesToTrack(prev, MAX_CORNERS, CORNER_QUALITY, CORNER_MIN_DIST,
                                     mask=prev_mask)
        tracked = inl = 0
        if p0 is not None and len(p0) >= MIN_INLIERS:
            p1, st, _err = cv2.calcOpticalFlowPyrLK(prev, cur, p0, None, winSize=LK_WIN,
                                                    maxLevel=LK_LEVELS)
            good = st.ravel() == 1
            if p1 is not None:
                ix = np.clip(p1[:, 0, 0].astype(int), 0, cur.shape[1] - 1)
                iy = np.clip(p1[:, 0, 1].astype(int), 0, cur.shape[0] - 1)
                good &= mask[iy, ix] > 0  # landed on the runner: not background
                tracked = int(good.sum())
            if tracked >= MIN_INLIERS:
                m, inliers = cv2.estimateAffinePartial2D(p0[good], p1[good], method=cv2.RANSAC,
                                                         ransacReprojThreshold=RANSAC_PX,
                                                         maxIters=500, confidence=0.995)
                inl = int(inliers.sum()) if inliers is not None else 0
                if m is not None and inl >= MIN_INLIERS and inl >= MIN_INLIER_RATIO * tracked:
                    return FrameStep(m, "features", inl, tracked, diff)
        fill = float(np.median(cur[bg])) if bg.any() else 0.0
        a = np.where(bg, prev, fill).astype(np.float32)
        b = np.where(bg, cur, fill).astype(np.float32)
        win = cv2.createHanningWindow(cur.shape[::-1], cv2.CV_32F)
        (dx, dy), resp = cv2.phaseCorrelate(a, b, win)
        if resp >= PHASE_MIN_RESPONSE:
            return FrameStep(np.array([[1.0, 0, dx], [0, 1.0, dy]]), "phase", inl, tracked, diff)
        if diff < STILL_DIFF:
            return FrameStep(np.eye(2, 3), "still", inl, tracked, diff)
        return FrameStep(np.eye(2, 3), "lost", inl, tracked, diff)


def _rescale(m: np.ndarray, scale: float) -> np.ndarray:
    """A similarity measured on frames shrunk by ``scale``, in full working-size pixels."""
    out = np.array(m, float).copy()
    out[:, 2] /= scale
    return out


def _h(m: np.ndarray) -> np.ndarray:
    return np.vstack([m, [0.0, 0.0, 1.0]])


@dataclass
class CameraMotion:
    """The camera's motion over a clip, in the working size's pixels.

    ``to_ref``: (N, 2, 3) maps from each frame's pixels to the first frame's; ``pan_px`` /
    ``roll_deg`` / ``zoom``: (N,) the camera's translation (of the picture centre, px), roll
    (deg, + = picture content turned counter-clockwise on screen) and scale against the first
    frame; ``confidence``: (N,) 0..1 per frame (:attr:`FrameStep.confidence`); ``still``: no
    motion worth compensating (identity maps); ``ok``: the motion could be followed, else
    ``reason`` says why; ``summary``: numbers for the report's notes.
    """

    to_ref: np.ndarray
    pan_px: np.ndarray
    roll_deg: np.ndarray
    zoom: np.ndarray
    confidence: np.ndarray
    still: bool
    ok: bool
    reason: str = ""
    summary: dict = field(default_factory=dict)
    centre: tuple[float, float] = (0.0, 0.0)  # the picture centre (px), pivot of roll and zoom

    @property
    def n(self) -> int:
        return len(self.to_ref)


def accumulate(steps: list[FrameStep], size: tuple[int, int]) -> CameraMotion:
    """Chain frame-to-frame steps into maps to the first frame (see :class:`CameraMotion`)."""
    w, h = size
    n = len(steps)
    to_ref = np.zeros((n, 2, 3))
    cur = np.eye(3)
    for i, s in enumerate(steps):
        if i > 0:
            cur = cur @ _h(cv2.invertAffineTransform(s.m))  # frame i -> i-1 -> ... -> 0
        to_ref[i] = cur[:2]
    a, b = to_ref[:, 0, 0], to_ref[:, 1, 0]
    zoom = 1.0 / np.maximum(np.hypot(a, b), 1e-9)  # to_ref undoes the camera's zoom
    roll = -np.degrees(np.arctan2(b, a))
    c = np.array([w / 2.0, h / 2.0, 1.0])
    centre_in_ref = np.einsum("nij,j->ni", to_ref, c)
    pan = centre_in_ref - c[:2]
    conf = np.array([s.confidence for s in steps]) if n else np.zeros(0)
    methods = [s.method for s in steps]
    lost = np.array([m == "lost" for m in methods])
    shift_pct = float(np.max(np.linalg.norm(pan, axis=1)) / max(w, 1) * 100) if n else 0.0
    max_roll = float(np.max(np.abs(roll))) if n else 0.0
    max_zoom = float(np.max(np.abs(zoom - 1)) * 100) if n else 0.0
    summary = {"shift_pct": round(shift_pct, 1), "roll_deg": round(max_roll, 2),
               "zoom_pct": round(max_zoom, 2), "lost_frames": int(lost.sum()),
               "phase_frames": methods.count("phase"),
               "median_confidence": round(float(np.median(conf)), 2) if n else 0.0}
    ok, reason = True, ""
    if n and lost.mean() > BAD_FRACTION:
        ok = False
        few = np.median([s.tracked for s in steps if s.method == "lost"]) < MIN_INLIERS
        reason = (f"The camera moved in {lost.mean():.0%} of the frames in a way we could not "
                  "follow: " + ("there is too little detail in the background around the runner."
                                if few else "it shook or turned too fast (blurred frames)."))
    still = ok and shift_pct < STILL_SHIFT_PCT and max_roll < STILL_ROLL_DEG and max_zoom < STILL_ZOOM_PCT
    if still or not ok:
        to_ref = np.tile(np.eye(2, 3), (n, 1, 1))
    return CameraMotion(to_ref, pan, roll, zoom, conf, still, ok, reason, summary,
                        (w / 2.0, h / 2.0))


def _apply(m: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Apply per-frame 2x3 maps ``m`` (N, 2, 3) to points ``xy`` (N, K, 2)."""
    return np.einsum("nij,nkj->nki", m[:, :, :2], xy) + m[:, None, :, 2]


def _invert(m: np.ndarray) -> np.ndarray:
    return np.array([cv2.invertAffineTransform(k) for k in m]) if len(m) else m


ZOOM_CHECK_PCT = 3.0  # a background scale change beyond this is checked against the runner
SIZE_WINDOW_S = 0.7  # the runner's size: running median over about a stride


def runner_size(track) -> np.ndarray:
    """Per-frame size of the runner in the frame's own pixels: the trunk (shoulders' middle
    to hips' middle, which keeps its length through the stride from any view), over a
    running median of :data:`SIZE_WINDOW_S`; NaN where those points are not seen (visibility
    under 0.5)."""
    from .signal import running_median

    trunk = np.linalg.norm(track.mid("l_shoulder", "r_shoulder") - track.mid("l_hip", "r_hip"),
                           axis=1)
    seen = np.all(np.vstack([track.v(k) for k in ("l_shoulder", "r_shoulder", "l_hip", "r_hip")])
                  >= 0.5, axis=0)
    size = np.where(seen & track.detected & (trunk > 0), trunk, np.nan)
    win = max(3, int(round(SIZE_WINDOW_S * track.fps)))
    return running_median(size, win) if np.isfinite(size).sum() >= win else size


def confirm_zoom(track, motion: CameraMotion) -> CameraMotion:
    """``motion`` with its scale change kept only when the runner's own size follows it.

    A zoom enlarges the runner and the background alike. A camera travelling along its line
    of sight with the runner (following from behind or ahead) makes the background spread
    out or draw in while the runner keeps their size: that parallax is fitted as a "zoom"
    (1.49x over 4 s on a follow-cam back-view render) and, applied, shrinks the runner
    frame by frame, moving every foot's height and the contacts read from it (cadence
    +2.2 spm). So when the background's scale changes by over :data:`ZOOM_CHECK_PCT` and the
    runner's size (:func:`runner_size`, against its median over the first
    :data:`SIZE_WINDOW_S`) is closer to staying put than to following that scale (median log
    ratios), the scale is taken out of every map: its rotation and the picture centre's
    shift stay. ``summary["zoom_ignored"]`` records it."""
    if motion.still or not motion.ok or motion.n != track.n or motion.n < 2:
        return motion
    z = np.asarray(motion.zoom, float)
    if np.max(np.abs(np.log(np.maximum(z, 1e-9)))) < np.log1p(ZOOM_CHECK_PCT / 100):
        return motion
    size = runner_size(track)
    head = size[: max(3, int(round(SIZE_WINDOW_S * track.fps)))]
    if not np.isfinite(head).any() or np.isfinite(size).sum() < 0.5 * len(size):
        return motion  # the runner's size is not known well enough to argue with the background
    rel = np.log(size / np.nanmedian(head))
    ok = np.isfinite(rel)
    follows = float(np.median(np.abs(rel[ok] - np.log(z[ok]))))
    stays = float(np.median(np.abs(rel[ok])))
    if follows <= stays:
        return motion
    to_ref = motion.to_ref.copy()
    a = to_ref[:, :, :2]
    s = np.sqrt(np.abs(np.linalg.det(a)))[:, None, None]
    rot = a / s
    c = np.asarray(motion.centre, float)
    centre_ref = np.einsum("nij,j->ni", a, c) + to_ref[:, :, 2]  # where the centre goes: kept
    to_ref[:, :, :2] = rot
    to_ref[:, :, 2] = centre_ref - np.einsum("nij,j->ni", rot, c)
    summary = dict(motion.summary, zoom_ignored=round(float(np.max(np.abs(z - 1)) * 100), 1))
    return replace(motion, to_ref=to_ref, zoom=np.ones_like(z), summary=summary)


def to_ground(track, motion: CameraMotion):
    """``track`` in the first frame's (ground-fixed) pixels; ``Track.to_image`` keeps the
    way back to each frame's own pixels. A still or unfollowable camera changes nothing; a
    background scale change the runner's size does not follow is not applied
    (:func:`confirm_zoom`)."""
    if motion.still or not motion.ok or motion.n != track.n:
        return track
    motion = confirm_zoom(track, motion)
    xy = _apply(motion.to_ref, track.xy)
    back = _invert(motion.to_ref)
    if track.to_image is not None:
        back = _compose(track.to_image, back)
    return replace(track, xy=xy, to_image=back,
                   notes=dict(track.notes, camera_shift_pct=motion.summary.get("shift_pct", 0.0),
                              **({"camera_zoom_ignored_pct": motion.summary["zoom_ignored"]}
                                 if "zoom_ignored" in motion.summary else {})))


def _compose(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-frame ``a o b`` (apply b, then a)."""
    out = np.einsum("nij,njk->nik", np.concatenate([a, np.tile([[[0, 0, 1.0]]], (len(a), 1, 1))], 1),
                    np.concatenate([b, np.tile([[[0, 0, 1.0]]], (len(b), 1, 1))], 1))
    return out[:, :2]


# ----------------------------------------------------------------------------- true vertical
@dataclass
class GroundLine:
    """The floor's angle in the track's frame and how it was found.

    ``angle_deg``: the floor line's angle (image y down: + = the floor falls to the right on
    screen); ``roll_deg``: the correction applied (0 within :data:`ROLL_DEADBAND_DEG`, or when
    not confident); ``points``: stance-foot samples used; ``spread_leg``: their horizontal
    extent in leg lengths; ``lines_deg``: the median angle of near-horizontal image lines
    (None when none); ``confidence``: "high" / "medium" / "low"; ``source``: how;
    ``slant_deg``: an oblique camera's floor line, the roll it would have been levelled by
    (0 otherwise): perspective, not a tilted phone, so the feet's contacts are found along it
    but the body's angles are not turned by it.
    """

    angle_deg: float | None
    roll_deg: float
    points: int
    spread_leg: float
    lines_deg: float | None
    confidence: str
    source: str
    slant_deg: float = 0.0
    # the picture's tilt where the runner is from its vertical lines (:func:`vertical_lines_roll`;
    # None: too few found), and the angle the stance feet slide along when the floor, not the
    # tilt, sets it (None: ``roll_deg``): with the verticals levelling, the floor line left
    # slanting by perspective is still the line the contacts are found along
    vertical_deg: float | None = None
    contacts_deg: float | None = None

    @property
    def along_deg(self) -> float:
        """The line the stance feet slide along, which contacts are found on (0: the picture's
        horizontal): the floor's own line where the uprights level, an oblique camera's
        slanting floor, else the roll."""
        return self.contacts_deg if self.contacts_deg is not None else (self.slant_deg or self.roll_deg)


def _stance_toes(track, events) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Toe points (x, y, foot id) from 40-90 % of each stance (IC to the foot's toe-off)."""
    xs, ys, ids = [], [], []
    for fid, foot in enumerate("LR"):
        s = foot.lower()
        toe = track.p(f"{s}_toe")
        ics = [e for e in events.ics if e.foot == foot]
        tos = [e for e in events.tos if e.foot == foot]
        for e in ics:
            to = next((o for o in tos if o.at > e.at), None)
            nxt = next((o for o in ics if o.at > e.at), None)
            if to is None or (nxt is not None and to.at > nxt.at):
                continue
            a = int(math.ceil(e.at + 0.4 * (to.at - e.at)))
            b = int(math.floor(e.at + 0.9 * (to.at - e.at)))
            for k in range(a, b + 1):
                if np.all(np.isfinite(toe[k])):
                    xs.append(toe[k, 0])
                    ys.append(toe[k, 1])
                    ids.append(fid)
    return np.array(xs), np.array(ys), np.array(ids, int)


def _fit_floor(x: np.ndarray, y: np.ndarray, ids: np.ndarray) -> tuple[float, np.ndarray]:
    """One slope, one offset per foot; twice refitted without points over 3 MADs off."""
    keep = np.ones(len(x), bool)
    slope = 0.0
    for _ in range(3):
        cols = [x[keep]] + [(ids[keep] == f).astype(float) for f in (0, 1) if (ids[keep] == f).any()]
        coef, *_ = np.linalg.lstsq(np.column_stack(cols), y[keep], rcond=None)
        slope = float(coef[0])
        off = np.array([coef[1 + [f for f in (0, 1) if (ids[keep] == f).any()].index(f)]
                        if (ids[keep] == f).any() else np.nan for f in (0, 1)])
        r = y - slope * x - off[ids]
        mad = float(np.nanmedian(np.abs(r - np.nanmedian(r[keep])))) + 1e-6
        keep = np.isfinite(r) & (np.abs(r) <= 3 * 1.4826 * mad + 0.5)
    return slope, keep


HOUGH_FRAMES = 5
HOUGH_MAX_TILT = 15.0  # deg: image lines steeper than this are not floor or belt lines
PAD_GREY = 3  # grey levels: a region this dark touching the frame's edge is padding ...
PAD_GROW = 5  # ... and the edges within this many px of it are its border, not the scene


def padding_mask(gray: np.ndarray) -> np.ndarray:
    """True where ``gray`` is padding: near-black regions touching the frame's edge (a
    stabiliser's or a warp's black borders, letterboxing), grown by :data:`PAD_GROW` px.
    The edge of such a border is a long straight line at the camera's own roll, which in
    the stabilised track's frame reads as a perfectly level floor: ten encodes of a handheld
    copy of a shared treadmill clip (floor -2.56 deg on its tripod cut) read -1.59..-2.49 deg
    with their bottom border and -2.35..-2.49 without it; a CI run's encode fell inside the
    1 deg dead band, was not levelled and read trunk lean 3 deg high."""
    dark = (gray <= PAD_GREY).astype(np.uint8)
    if not dark.any():
        return np.zeros(gray.shape, bool)
    _, labels = cv2.connectedComponents(dark, connectivity=4)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    edge = edge[edge > 0]
    if not len(edge):
        return np.zeros(gray.shape, bool)
    pad = np.isin(labels, edge).astype(np.uint8)
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * PAD_GROW + 1, 2 * PAD_GROW + 1))
    return cv2.dilate(pad, k).astype(bool)


def _grays(frames, pick: list[int]):
    """(index, grey picture) of each kept frame in ``pick`` that is there."""
    for i in pick:
        img = frames.get(i)
        if img is not None:
            yield i, cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)


def image_lines_angle(frames, track) -> float | None:
    """Length-weighted median angle (deg, y down) of long near-horizontal lines in the lower
    half of a few frames, outside the runner and any black padding (:func:`padding_mask`)
    (``cv2.HoughLinesP``), turned into the track's frame (through ``Track.to_image``, so a
    moving camera's own roll is taken out). When no lines are left outside the padding (a
    black belt crushed to black by a dark exposure reaches the frame's edge and reads as
    padding), the lines are read with it, as before the padding was masked."""
    if frames is None or not getattr(frames, "jpeg", None):
        return None
    idx = [i for i in frames.indices() if i < track.n]
    if not idx:
        return None
    pick = [idx[int(k)] for k in np.linspace(0, len(idx) - 1, min(HOUGH_FRAMES, len(idx)))]
    kept, found = _lines(frames, track, pick, True)
    if len(kept[0]) < 2 and found:
        kept, _ = _lines(frames, track, pick, False)
    angles, weights = kept
    if len(angles) < 2:
        return None
    o = np.argsort(angles)
    cw = np.cumsum(np.array(weights)[o])
    return float(np.array(angles)[o][np.searchsorted(cw, cw[-1] / 2)])


def _lines(frames, track, pick: list[int], mask_padding: bool
           ) -> tuple[tuple[list[float], list[float]], bool]:
    """(angles in the track's frame, lengths) of the near-horizontal lines in frames ``pick``
    for :func:`image_lines_angle`, and whether any padding was masked."""
    angles, weights, padded = [], [], False
    for i, gray in _grays(frames, pick):
        h, w = gray.shape
        edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 50, 150)
        edges[: h // 2] = 0
        if mask_padding:
            pad = padding_mask(gray)
            padded |= bool(pad[h // 2:].any())
            edges[pad] = 0
        box = _runner_box(track.image_xy(i), 1.0, (h, w))
        if box is not None:
            edges[box[1]:box[3], box[0]:box[2]] = 0
        lines = cv2.HoughLinesP(edges, 1, np.pi / 360, threshold=60, minLineLength=w // 5,
                                maxLineGap=8)
        rel = 0.0
        if track.to_image is not None:
            m = track.to_image[i]
            rel = math.degrees(math.atan2(m[1, 0], m[0, 0]))
        for x0, y0, x1, y1 in ([] if lines is None else lines[:, 0]):
            ang = math.degrees(math.atan2(y1 - y0, x1 - x0))
            ang = (ang + 90) % 180 - 90
            if abs(ang) <= HOUGH_MAX_TILT:
                angles.append(ang - rel)
                weights.append(math.hypot(x1 - x0, y1 - y0))
    return (angles, weights), padded


# The true vertical from the picture's own vertical lines (door frames, cupboards, posters,
# poles): a camera turned off square to the running direction leaves them vertical, while
# lines along the running direction (a treadmill's deck, a floor edge) slant by perspective
# (:func:`ground_line`), so where the verticals are seen they give the phone's tilt at any yaw.
# A camera tipped up or down makes them converge (keystone) on a vanishing point above or
# below the picture; the tilt that matters is the vertical's direction where the runner is,
# toward that point. On the shared treadmill clip (filmed from near the belt, tipped up,
# 19 deg off square) the cupboards' edges lean from -1.4 deg to +5.8 deg across the picture
# and meet about 3 picture heights above it, near the runner's column: 0.6 deg of tilt there,
# where the treadmill's deck lines read -2.56 deg and levelled every angle by that much.
VERT_MAX_TILT = 20.0  # deg from the picture's vertical: steeper image lines only
VERT_MIN_LEN = 1 / 12  # of the picture's height
VERT_TOL_DEG = 0.75  # a line this close to the direction of the vanishing point agrees
VERT_MIN_LINES = 5  # distinct lines (a line found again in another frame counts once); with 3,
# a treadmill's slanted upright and two window frames made a vanishing point (mhuang_IMG_5396)
VERT_MIN_SPREAD = 0.1  # of the width: the agreeing lines' columns spread at least this far
VERT_MERGE_PX = 4.0  # two lines this close (at the runner's height) and ...
VERT_MERGE_DEG = 1.0  # ... this close in angle are one line seen twice
VERT_MAX_PAIRS = 40  # the longest lines whose pairs propose vanishing points
# Uprights read the tilt to about 0.2 deg (robustness renders), so they level from 0.25 deg
# on, not from the floor line's 1 deg (ROLL_DEADBAND_DEG): a dead band makes a jump of its own
# size where an estimate crosses it, and the treadmill clip's panned copy read -1.01 deg
# where the untouched clip read -0.62 (trunk lean 4.3 against 5.3 with the 1 deg band)
VERT_DEADBAND_DEG = 0.25


@dataclass(frozen=True)
class Verticals:
    """The true vertical where the runner is, from the picture's vertical lines:
    ``roll_deg`` as :attr:`GroundLine.roll_deg` (the tilt to take out, + = the picture turned
    clockwise), ``lines`` the distinct lines that agree on it, ``vanishing`` their meeting
    point in the track's frame (None: parallel)."""

    roll_deg: float
    lines: int
    vanishing: tuple[float, float] | None


VERT_WORK_SIDE = 480  # px: the segment detector runs on frames shrunk to this long side


def _vertical_segments(frames, track, pick: list[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Near-vertical straight edges (``cv2.createLineSegmentDetector``) outside the runner and
    any padding, as (start, end) in the track's frame (a moving camera's own motion taken out).
    The segment detector follows one continuous edge; a Hough transform of an edge map also
    joined a brick wall's staggered mortar joints into long lines slanted by up to 5 deg. It
    runs on frames shrunk to :data:`VERT_WORK_SIDE` (a quarter of the time at 540x960; the
    lines kept are 40 px long or more there)."""
    out = []
    lsd = cv2.createLineSegmentDetector()
    for i, gray in _grays(frames, pick):
        h, w = gray.shape
        keep = ~padding_mask(gray)
        box = _runner_box(track.image_xy(i), 1.0, (h, w))
        if box is not None:
            keep[box[1]:box[3], box[0]:box[2]] = False
        k = min(1.0, VERT_WORK_SIDE / max(h, w))
        small = gray if k == 1.0 else cv2.resize(gray, (round(w * k), round(h * k)),
                                                 interpolation=cv2.INTER_AREA)
        found = lsd.detect(small)[0]
        if found is None:
            continue
        seg = found[:, 0].astype(np.float64) / k  # x0, y0, x1, y1 in the frame's pixels
        dx, dy = seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1]
        tilt = np.degrees(np.arctan2(np.abs(dx), np.abs(dy)))
        seg = seg[(np.hypot(dx, dy) >= h * VERT_MIN_LEN) & (tilt <= VERT_MAX_TILT)]
        back = None
        if track.to_image is not None:
            back = cv2.invertAffineTransform(np.asarray(track.to_image[i], np.float64))
        for x0, y0, x1, y1 in seg:
            pts = ((x0, y0), (x1, y1), ((x0 + x1) / 2, (y0 + y1) / 2))
            if not all(keep[int(min(h - 1, max(0, y))), int(min(w - 1, max(0, x)))]
                       for x, y in pts):
                continue  # on the runner (or its box) or a padding border
            p = np.array([[x0, y0], [x1, y1]], np.float64)
            if back is not None:
                p = p @ back[:, :2].T + back[:, 2]
            out.append((p[0], p[1]))
    return out


def _down(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = b - a
    return d / (np.hypot(*d) or 1.0) * (1 if d[1] >= 0 else -1)


def _merge_lines(segs, y_ref: float) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """(start, end, length) of distinct lines, longest first: a line within
    :data:`VERT_MERGE_PX` (where it crosses ``y_ref``) and :data:`VERT_MERGE_DEG` of a longer
    one is that line again (a still camera finds the same edge in every frame)."""
    kept: list[tuple[np.ndarray, np.ndarray, float, float, float]] = []
    for a, b in sorted(segs, key=lambda s: -float(np.hypot(*(s[1] - s[0])))):
        d = _down(a, b)
        ang = math.degrees(math.atan2(d[0], d[1]))
        x_ref = a[0] + d[0] / d[1] * (y_ref - a[1])
        if any(abs(ang - k[3]) <= VERT_MERGE_DEG and abs(x_ref - k[4]) <= VERT_MERGE_PX
               for k in kept):
            continue
        kept.append((a, b, float(np.hypot(*(b - a))), ang, x_ref))
    return [(a, b, n) for a, b, n, _, _ in kept]


def _agrees(mids: np.ndarray, dirs: np.ndarray, vp: np.ndarray) -> np.ndarray:
    """Which lines (midpoints ``mids``, unit directions ``dirs``) point at ``vp``
    (homogeneous: a point, or a direction when ``vp[2]`` is 0) within :data:`VERT_TOL_DEG`."""
    to = vp[:2][None, :] - mids * vp[2]
    n = np.hypot(to[:, 0], to[:, 1])
    cross = np.abs(dirs[:, 0] * to[:, 1] - dirs[:, 1] * to[:, 0])
    return (n > 1e-9) & (cross <= math.sin(math.radians(VERT_TOL_DEG)) * n)


def vertical_lines_roll(frames, track) -> Verticals | None:
    """The picture's tilt where the runner is, from its vertical lines (see
    :data:`VERT_MAX_TILT`): near-vertical lines of a few frames, repeats merged, their
    common vanishing point found by trying the pairs of the longest and keeping the one most
    line length agrees with (within :data:`VERT_TOL_DEG`), refitted on those lines; the
    vertical at the runner (the mean of its hips and shoulders) points at it. None with fewer
    than :data:`VERT_MIN_LINES` agreeing lines, spread over less than
    :data:`VERT_MIN_SPREAD` of the width, or a tilt over :data:`MAX_ROLL_DEG`."""
    if frames is None or not getattr(frames, "jpeg", None):
        return None
    idx = [i for i in frames.indices() if i < track.n]
    if not idx:
        return None
    body = np.concatenate([track.p(n) for n in ("l_hip", "r_hip", "l_shoulder", "r_shoulder")])
    body = body[np.all(np.isfinite(body), axis=1)]
    if not len(body):
        return None
    runner = body.mean(axis=0)
    pick = [idx[int(k)] for k in np.linspace(0, len(idx) - 1, min(HOUGH_FRAMES, len(idx)))]
    lines = _merge_lines(_vertical_segments(frames, track, pick), float(runner[1]))
    if len(lines) < VERT_MIN_LINES:
        return None
    homog = [np.cross([*a, 1.0], [*b, 1.0]) for a, b, _ in lines]
    length = np.array([n for _, _, n in lines])
    mids = np.array([0.5 * (a + b) for a, b, _ in lines])
    dirs = np.array([_down(a, b) for a, b, _ in lines])
    top = range(min(len(lines), VERT_MAX_PAIRS))
    best, best_score = None, 0.0
    for i in top:
        for j in top:
            if j <= i:
                continue
            vp = np.cross(homog[i], homog[j])
            if not np.any(vp):
                continue
            ok = _agrees(mids, dirs, vp)
            score = float(length[ok].sum())
            if score > best_score:
                best, best_score = ok, score
    if best is None or best.sum() < VERT_MIN_LINES:
        return None
    rows = np.array([h / np.hypot(h[0], h[1]) * math.sqrt(n)
                     for h, n, k in zip(homog, length, best) if k])
    vp = np.linalg.svd(rows)[2][-1]
    ok = _agrees(mids, dirs, vp)
    if ok.sum() < VERT_MIN_LINES:
        return None
    xs = [0.5 * (a[0] + b[0]) for (a, b, _), k in zip(lines, ok) if k]
    if np.ptp(xs) < VERT_MIN_SPREAD * track.width:
        return None
    if abs(vp[2]) > 1e-9 * np.hypot(vp[0], vp[1]):
        point = vp[:2] / vp[2]
        d = _down(runner, point)
        vanishing = (round(float(point[0]), 1), round(float(point[1]), 1))
    else:
        d = _down(np.zeros(2), vp[:2])
        vanishing = None
    roll = math.degrees(math.atan2(-d[0], d[1]))
    if abs(roll) > MAX_ROLL_DEG:
        return None
    return Verticals(round(roll, 2), int(ok.sum()), vanishing)


MIN_FLOOR_POINTS = 12
MIN_FLOOR_SPREAD = 0.3  # leg lengths: stance toes spread over less than this give no slope
LINES_AGREE_DEG = 2.0


OVERGROUND_SPREAD = 2.0  # leg lengths of stance-foot travel: a long floor baseline


def ground_line(track, events, view, frames=None, yaw_deg: float | None = None) -> GroundLine:
    """The floor's angle and the roll to correct (see module docstring). A front or back view
    is levelled on its upright lines only (:func:`settle`); none are found: nothing.

    ``yaw_deg``: how far the running direction is turned from square to the camera (None:
    unknown, taken as square). From :data:`core.view.OBLIQUE_FLOOR_DEG` on nothing is
    levelled: a line along the running direction at height ``h`` below the camera, ``D``
    away, slants in a level picture by ``atan(tan(yaw) * h / D)`` (its vanishing point lies
    on the horizon, ``f / tan(yaw)`` from the centre), and ``h / D`` is not known from the
    picture. A hip-height camera 5 m away, 30 deg off square, sees the floor under the runner
    slant by 5 deg; the stance feet and the treadmill's edges slant with it (on the yaw30
    renders of ``bench/robustness.py`` the image lines read 2-3 deg, levelled away as a
    roll they were trunk lean 4-5 deg high). That slant is the floor's direction in the
    picture, along which the stance foot slides: it is returned as ``slant_deg`` (the roll the
    square rule would have applied) for finding contacts; ``angle_deg`` is None and
    ``roll_deg`` 0 (the picture's own tilt is unknown).

    Two cues: the stance feet (toe points from 40-90 % of each stance, one slope with an
    offset per foot) and long near-horizontal image lines in the lower half of the picture
    (a treadmill's deck, a floor edge, a kerb). Overground, the feet travel several leg lengths
    over the clip (at least :data:`OVERGROUND_SPREAD`) and their line is the floor itself: it
    wins. On a treadmill they slide half a leg length per stance and the pose model's toe point
    wobbles by more than that baseline allows (a rolled copy of a shared clip read 5 deg off
    from the feet, 0.3 deg from the lines; a 4 s render on a plain-walled treadmill, where no
    image line was found, 7.4 deg off), so the image lines win when there are any and the feet
    alone never level a treadmill clip. Both
    within :data:`LINES_AGREE_DEG`: "high" confidence, one cue only: "medium", disagreeing:
    "low". A floor within :data:`ROLL_DEADBAND_DEG` of level is left alone. Then the picture's
    upright lines (:func:`vertical_lines_roll`) and the yaw decide with it what levels:
    :func:`settle`, the rule the live view uses too.
    """
    if view.view in ("front", "back"):  # no floor line to read: the upright lines alone
        return settle(_not_side(), vertical_lines_roll(frames, track), None)
    if view.view != "side":
        return _not_side()
    lines = image_lines_angle(frames, track)
    x, y, ids = _stance_toes(track, events)
    leg = track.leg_length_px()
    spread = float(np.ptp(x) / leg) if len(x) and np.isfinite(leg) and leg > 0 else 0.0
    feet, n_used = None, int(len(x))
    if len(x) >= MIN_FLOOR_POINTS and spread >= MIN_FLOOR_SPREAD:
        slope, keep = _fit_floor(x, y, ids)
        feet, n_used = math.degrees(math.atan(slope)), int(keep.sum())
    return settle(_floor_choice(feet, spread, n_used, lines), vertical_lines_roll(frames, track),
                  yaw_deg)


def floor_from_lines(lines_deg: float | None) -> GroundLine:
    """The floor line of a side view where only the picture's near-horizontal lines are known
    (a live stream: :class:`core.live.FloorWatch`), decided as :func:`ground_line` decides
    one with no stance feet; put through :func:`settle` with the upright lines."""
    return _floor_choice(None, 0.0, 0, lines_deg)


def settle(floor: GroundLine, vert: Verticals | None, yaw_deg: float | None) -> GroundLine:
    """The one rule for what levels a clip, used by uploads (:func:`ground_line`) and the
    live view (:mod:`core.live`): ``floor`` (its line, from :func:`_floor_choice`), the upright
    lines ``vert`` (None: too few) and the yaw off square (None: unknown, taken as square).

    - From :data:`core.view.OBLIQUE_FLOOR_DEG` of yaw on, the floor line slants by
      perspective: it levels nothing, and is kept as ``slant_deg`` to find contacts along.
    - Upright lines set ``roll_deg`` at any yaw (from :data:`VERT_DEADBAND_DEG` on); the floor
      checks them ("high" within :data:`LINES_AGREE_DEG`, else "medium") and the contacts are
      still found along the floor's own line (``contacts_deg``).
    - Filmed square (yaw under :data:`core.view.YAW_SQUARE_DEG` or unknown), a floor line
      disagreeing with the uprights by more than :data:`LINES_AGREE_DEG` keeps levelling,
      said as unsure: a square camera sees the floor's tilt directly, while uprights can be
      slanted things (a treadmill's upright, a stair rail).

    A front or back view has no floor line (``floor`` says :data:`NOT_SIDE`): its upright
    lines alone level it, with medium confidence (a back camera's treadmill edges run away
    from it and converge, no level line), and its contacts are found as filmed.

    Read the result's :attr:`GroundLine.along_deg` for the contacts' line and ``roll_deg`` for
    the body's angles."""
    gl = floor
    up_roll = None if vert is None else round(
        vert.roll_deg if abs(vert.roll_deg) > VERT_DEADBAND_DEG else 0.0, 2)
    if gl.source == NOT_SIDE:
        if vert is None:
            return gl
        return replace(gl, roll_deg=up_roll, confidence="medium",
                       source=f"vertical lines ({vert.lines})", vertical_deg=vert.roll_deg,
                       contacts_deg=0.0)
    if yaw_deg is not None and yaw_deg >= OBLIQUE_FLOOR_DEG:
        gl = GroundLine(None, 0.0, gl.points, gl.spread_leg, gl.lines_deg, "low",
                        f"camera about {yaw_deg:.0f} deg off square to the running direction: "
                        "floor lines slant by perspective, so the picture is not levelled",
                        slant_deg=gl.roll_deg)
    if vert is None:
        return gl
    floor_deg = gl.angle_deg
    agree = floor_deg is not None and abs(floor_deg - vert.roll_deg) <= LINES_AGREE_DEG
    if floor_deg is not None and not agree and (yaw_deg is None or yaw_deg < YAW_SQUARE_DEG):
        return replace(gl, confidence="low", vertical_deg=vert.roll_deg,
                       source=f"{gl.source}; the upright lines ({vert.lines}) disagree by "
                              f"{abs(floor_deg - vert.roll_deg):.0f} deg")
    return replace(gl, roll_deg=up_roll, confidence="high" if agree else "medium",
                   source=f"vertical lines ({vert.lines})", slant_deg=0.0,
                   vertical_deg=vert.roll_deg, contacts_deg=gl.slant_deg or gl.roll_deg)


NOT_SIDE = "not a side view: no floor line"


def _not_side() -> GroundLine:
    """A front, back or unsure view's floor: none (:func:`settle` may level it on uprights)."""
    return GroundLine(None, 0.0, 0, 0.0, None, "low", NOT_SIDE)


def _floor_choice(feet: float | None, spread: float, n_used: int,
                  lines: float | None) -> GroundLine:
    """The floor line from its two cues (:func:`ground_line`'s docstring): the stance feet's
    slope ``feet`` (deg; None: too few points or too short a baseline) over ``spread`` leg
    lengths from ``n_used`` points, and the image lines' angle ``lines`` (None: none)."""
    if feet is not None and spread >= OVERGROUND_SPREAD:
        ang, source = feet, "stance feet"
    elif lines is not None:
        ang, source = lines, "image lines"
    elif feet is not None:  # a treadmill's short baseline alone: not trusted to level
        return GroundLine(round(feet, 2), 0.0, n_used, round(spread, 2), None, "low",
                          "stance feet only, on a treadmill: too short a baseline to level on")
    else:
        return GroundLine(None, 0.0, n_used, round(spread, 2), None, "low",
                          "no floor line found (too few stance-foot points, no image lines)")
    if feet is not None and lines is not None:
        conf = "high" if abs(lines - feet) <= LINES_AGREE_DEG else "low"
    else:
        conf = "medium"
    if abs(ang) > MAX_ROLL_DEG:
        return GroundLine(round(ang, 2), 0.0, n_used, round(spread, 2),
                          None if lines is None else round(lines, 2), "low",
                          "no plausible floor line (steeper than 20 deg)")
    roll = ang if abs(ang) > ROLL_DEADBAND_DEG else 0.0
    return GroundLine(round(ang, 2), round(roll, 2), n_used, round(spread, 2),
                      None if lines is None else round(lines, 2), conf, source)


def level(track, roll_deg: float):
    """``track`` turned by -``roll_deg`` about the picture centre (floor level, true
    vertical up); ``Track.to_image`` is updated so overlays stay on the frames' pixels."""
    if not roll_deg:
        return track
    c = (track.width / 2.0, track.height / 2.0)
    r = cv2.getRotationMatrix2D(c, roll_deg, 1.0)  # + = counter-clockwise on screen
    rs = np.tile(r, (track.n, 1, 1))
    xy = _apply(rs, track.xy)
    back = np.tile(cv2.invertAffineTransform(r), (track.n, 1, 1))
    if track.to_image is not None:
        back = _compose(track.to_image, back)
    return replace(track, xy=xy, to_image=back, notes=dict(track.notes, roll_deg=round(roll_deg, 2)))
