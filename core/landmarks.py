"""Stage 3 — the landmark track and its cleaning.

Contract:
    Track: per-frame landmarks of one runner (pixels, working resolution) with timestamps.
    clean(raw: Track) -> Track
        the same frames, with left/right swaps fixed, outliers rejected, short gaps filled and a
        zero-phase low-pass filter applied. Frames the model never saw stay NaN.

Every metric reads the *cleaned* track only.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from . import signal
from .pose import LM, LR_PAIRS, N_LANDMARKS

LEG_GROUP = [LM[n] for n in ("l_knee", "l_ankle", "l_heel", "l_toe")]
ARM_GROUP = [LM[n] for n in ("l_elbow", "l_wrist")]


@dataclass
class Track:
    """Landmarks of one runner over time.

    t: (N,) real seconds; xy: (N, 33, 2) pixels (NaN = unknown); vis: (N, 33) 0..1;
    detected: (N,) whether the pose model found the runner in that frame.
    to_image: None when ``xy`` are the frames' own pixels; else (N, 2, 3) maps from ``xy``'s
    frame (ground-fixed and level, :mod:`core.camera`) back to each frame's pixels, for
    drawing on the frames and for "inside the picture" checks (:meth:`image_xy`).
    """

    t: np.ndarray
    xy: np.ndarray
    vis: np.ndarray
    detected: np.ndarray
    width: int
    height: int
    notes: dict = field(default_factory=dict)
    to_image: np.ndarray | None = None

    def image_xy(self, frame: int | None = None) -> np.ndarray:
        """Landmarks in the frames' own pixels: (33, 2) of one ``frame``, or (N, 33, 2)."""
        if self.to_image is None:
            return self.xy if frame is None else self.xy[frame]
        if frame is None:
            m = self.to_image
            return np.einsum("nij,nkj->nki", m[:, :, :2], self.xy) + m[:, None, :, 2]
        m = self.to_image[frame]
        return self.xy[frame] @ m[:, :2].T + m[:, 2]

    @property
    def n(self) -> int:
        return len(self.t)

    def frames(self, a: int, b: int) -> "Track":
        """Frames ``[a, b)`` of this track (every per-frame array, ``to_image`` included)."""
        return replace(self, t=self.t[a:b], xy=self.xy[a:b], vis=self.vis[a:b],
                       detected=self.detected[a:b], notes=dict(self.notes),
                       to_image=None if self.to_image is None else self.to_image[a:b])

    def p(self, name: str) -> np.ndarray:
        """(N, 2) positions of landmark ``name`` (see :data:`core.pose.LM`)."""
        return self.xy[:, LM[name]]

    def v(self, name: str) -> np.ndarray:
        """(N,) visibility 0..1 of landmark ``name`` (see :data:`core.pose.LM`)."""
        return self.vis[:, LM[name]]

    def mid(self, a: str, b: str) -> np.ndarray:
        return (self.p(a) + self.p(b)) / 2.0

    @property
    def fps(self) -> float:
        dt = np.diff(self.t)
        dt = dt[dt > 0]
        return float(1.0 / np.median(dt)) if len(dt) else 30.0

    def leg_lengths_px(self) -> np.ndarray:
        """(2, N) hip->knee->ankle length of the left and the right leg in each frame (NaN
        where a point is unknown)."""
        out = []
        for s in "lr":
            hip, knee, ank = self.p(f"{s}_hip"), self.p(f"{s}_knee"), self.p(f"{s}_ankle")
            out.append(np.linalg.norm(knee - hip, axis=1) + np.linalg.norm(ank - knee, axis=1))
        return np.array(out)

    def leg_length_px(self) -> float:
        """Median hip->knee->ankle length over the clip (both sides), the distance scale L."""
        v = self.leg_lengths_px().ravel()
        v = v[np.isfinite(v)]
        return float(np.median(v)) if len(v) else float("nan")


def from_raw(t: np.ndarray, landmarks: list[np.ndarray | None], width: int, height: int) -> Track:
    """Build a Track from per-frame backend output ((33,4) arrays or None)."""
    n = len(t)
    xy = np.full((n, N_LANDMARKS, 2), np.nan)
    vis = np.zeros((n, N_LANDMARKS))
    det = np.zeros(n, bool)
    for i, lm in enumerate(landmarks):
        if lm is not None and np.all(np.isfinite(lm[:, :2])):
            xy[i] = lm[:, :2]
            vis[i] = lm[:, 3]
            det[i] = True
    return Track(np.asarray(t, float), xy, vis, det, int(width), int(height))


# ----------------------------------------------------------------------------- swaps
def _travel(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per frame pair, the summed distance between corresponding points of ``a`` and ``b``
    (``(K, P, 2)`` each), unknown points left out (0 when none is known)."""
    return np.nansum(np.linalg.norm(a - b, axis=-1), axis=-1)


def fix_swaps(track: Track, group_left: list[int], penalty_px: float) -> tuple[Track, int]:
    """Fix left/right label swaps of one limb group with a 2-state Viterbi pass.

    Per frame the state is "labels as given" or "swapped"; the path cost is the frame-to-frame
    travel of the group's points, plus ``penalty_px`` for each swapped frame (so the model's
    own labels win when the two sides are close, e.g. legs passing at midswing). A 1-3 frame
    foot swap around contact is a large jump both ways and is undone.
    Returns the fixed track and the number of frames changed.
    """
    pairs = [(l, r) for (l, r) in LR_PAIRS if l in group_left]
    li = [l for l, _ in pairs]
    ri = [r for _, r in pairs]
    xy = track.xy
    valid = track.detected
    idx = np.flatnonzero(valid)
    if len(idx) < 3:
        return track, 0
    # travel of the left and right points between consecutive detected frames, for each
    # pair of states (summed in the order the path cost always used, so ties fall the same)
    L, R = xy[idx][:, li], xy[idx][:, ri]
    l0, l1, r0, r1 = L[:-1], L[1:], R[:-1], R[1:]
    ll, rr, rl, lr = _travel(l1, l0), _travel(r1, r0), _travel(r1, l0), _travel(l1, r0)
    cost = (0.0, float(penalty_px))
    back = np.zeros((len(idx), 2), int)
    for k in range(1, len(idx)):
        j = k - 1
        c0, c1 = cost
        # into "as given" from as given (0) or swapped (1); into "swapped" likewise; a tie
        # keeps the labels as given
        a0, a1 = c0 + ll[j] + rr[j], c1 + lr[j] + rl[j]
        b0, b1 = c0 + rl[j] + lr[j], c1 + rr[j] + ll[j]
        back[k] = (0 if a0 <= a1 else 1, 0 if b0 <= b1 else 1)
        cost = (float(min(a0, a1)), float(min(b0, b1)) + penalty_px)
    cost = np.array(cost)
    states = np.zeros(len(idx), int)
    states[-1] = int(np.argmin(cost))
    for k in range(len(idx) - 1, 0, -1):
        states[k - 1] = back[k, states[k]]
    swapped = idx[states == 1]
    if len(swapped) == 0:
        return track, 0
    xy2 = xy.copy()
    vis2 = track.vis.copy()
    for f in swapped:
        xy2[f, li], xy2[f, ri] = xy[f, ri], xy[f, li]
        vis2[f, li], vis2[f, ri] = track.vis[f, ri], track.vis[f, li]
    return replace(track, xy=xy2, vis=vis2), int(len(swapped))


# ----------------------------------------------------------------------------- outliers, gaps
OUTLIER_WINDOW_S = 0.2  # the outlier gate compares each point with its median over 0.2 s
# ... and over at least three frames (a median of three still drops a one-frame jump). With
# five, a 10-12 fps clip (a laptop webcam in dim light, a loaded browser) had its median
# taken over 0.4-0.5 s, more than a step, and dropped 84-204 true points of swinging feet
# and hands on a rendered runner (none at 30 fps); unchanged at 18 fps and up.
OUTLIER_MIN_WINDOW = 3
OUTLIER_LEG_FRAC = 0.25  # a point more than a quarter leg length off that median is dropped
SWAP_PENALTY_LEG_FRAC = 0.15  # swap pass: cost of calling a frame swapped, in leg lengths ...
SWAP_PENALTY_FPS = 30.0  # ... at 30 fps and up; below, times (30 / fps) ** 2 (swap_penalty_px)


def swap_penalty_px(leg_px: float, fps: float) -> float:
    """The swap pass's cost of calling a frame swapped: :data:`SWAP_PENALTY_LEG_FRAC` of the
    leg at :data:`SWAP_PENALTY_FPS` and up, times the square of how much longer a frame
    interval is below it.

    The pass weighs that cost against the points' travel from frame to frame. At 10-15 fps
    (a laptop webcam in dim light, a loaded browser) a runner's hands move a third of a
    stride between frames and the left hand of one frame can land nearer the right hand of
    the next than its own: the fixed cost called 26-32 of 121 true frames swapped on a
    rendered runner at 10-12 fps (15-50 of 80-120 on exact-truth tracks) and the arm swing
    read 21-25 deg for 40. Growing the cost with the interval alone still called 1-12
    exact frames swapped at 10-15 fps and, given one-frame swaps to repair, swapped 1-6 true
    frames beside them; with its square none were called and every one-frame swap at 12-20
    fps was repaired exactly (tests/test_metrics_synthetic.py). Unchanged at 30 fps and up (a
    29.97 fps clip's cost grows 0.2 %).
    """
    slow = SWAP_PENALTY_FPS / fps if np.isfinite(fps) and fps > 0 else 1.0
    return SWAP_PENALTY_LEG_FRAC * leg_px * max(1.0, slow) ** 2


def reject_outliers(xy: np.ndarray, scale_px: float, win: int,
                    k: float = OUTLIER_LEG_FRAC) -> tuple[np.ndarray, int]:
    """NaN any point further than ``k * scale_px`` from its running median over ``win``
    frames (:func:`core.signal.outlier_gate`). Returns the points and how many were dropped."""
    bad = signal.outlier_gate(xy, win, k * scale_px)
    out = xy.copy()
    out[bad] = np.nan
    return out, int(np.count_nonzero(bad))


fill_gaps = signal.fill_gaps  # linear in time over gaps up to max_gap_s (see core.signal)
lowpass = signal.lowpass  # zero-phase Butterworth in real Hz, per finite run (see core.signal)


CUTOFF_HZ = 12.0  # low-pass cut-off: running limbs carry little above ~10 Hz
MAX_GAP_S = 0.25  # gaps up to a quarter second (under half a step) are bridged


def clean(raw: Track, cutoff_hz: float = CUTOFF_HZ, max_gap_s: float = MAX_GAP_S) -> Track:
    """Swap fix -> outlier rejection -> gap filling -> zero-phase low-pass (see module doc)."""
    leg = raw.leg_length_px()
    if not np.isfinite(leg) or leg <= 0:
        return raw
    penalty = swap_penalty_px(leg, raw.fps)
    tr, n_leg = fix_swaps(raw, LEG_GROUP, penalty_px=penalty)
    tr, n_arm = fix_swaps(tr, ARM_GROUP, penalty_px=penalty)
    win = max(OUTLIER_MIN_WINDOW, int(round(tr.fps * OUTLIER_WINDOW_S)) | 1)
    xy, n_out = reject_outliers(tr.xy, leg, win)
    xy = fill_gaps(tr.t, xy, max_gap_s)
    xy = lowpass(tr.t, xy, cutoff_hz)
    notes = dict(raw.notes, swaps_fixed_legs=n_leg, swaps_fixed_arms=n_arm, outliers=n_out,
                 leg_length_px=leg, cutoff_hz=cutoff_hz)
    return replace(tr, xy=xy, notes=notes)
