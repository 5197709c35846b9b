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

from .pose import LM, LR_PAIRS, N_LANDMARKS

LEG_GROUP = [LM[n] for n in ("l_knee", "l_ankle", "l_heel", "l_toe")]
ARM_GROUP = [LM[n] for n in ("l_elbow", "l_wrist")]


@dataclass
class Track:
    """Landmarks of one runner over time.

    t: (N,) real seconds; xy: (N, 33, 2) pixels (NaN = unknown); vis: (N, 33) 0..1;
    detected: (N,) whether the pose model found the runner in that frame.
    """

    t: np.ndarray
    xy: np.ndarray
    vis: np.ndarray
    detected: np.ndarray
    width: int
    height: int
    notes: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.t)

    def p(self, name: str) -> np.ndarray:
        """(N, 2) positions of landmark ``name`` (see :data:`core.pose.LM`)."""
        return self.xy[:, LM[name]]

    def mid(self, a: str, b: str) -> np.ndarray:
        return (self.p(a) + self.p(b)) / 2.0

    @property
    def fps(self) -> float:
        dt = np.diff(self.t)
        dt = dt[dt > 0]
        return float(1.0 / np.median(dt)) if len(dt) else 30.0

    def leg_length_px(self) -> float:
        """Median hip->knee->ankle length over the clip (both sides), the distance scale L."""
        vals = []
        for s in "lr":
            hip, knee, ank = self.p(f"{s}_hip"), self.p(f"{s}_knee"), self.p(f"{s}_ankle")
            seg = np.linalg.norm(knee - hip, axis=1) + np.linalg.norm(ank - knee, axis=1)
            vals.append(seg)
        v = np.concatenate(vals)
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
def _swap_cost(a: np.ndarray, b: np.ndarray) -> float:
    d = np.linalg.norm(a - b, axis=-1)
    d = d[np.isfinite(d)]
    return float(d.sum()) if len(d) else 0.0


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
    n = track.n
    valid = track.detected
    idx = np.flatnonzero(valid)
    if len(idx) < 3:
        return track, 0
    # options[k][s]: (points L, points R) at frame idx[k] under state s
    cost = np.array([0.0, penalty_px])
    back = np.zeros((len(idx), 2), int)
    for k in range(1, len(idx)):
        i0, i1 = idx[k - 1], idx[k]
        new = np.empty(2)
        for s1 in (0, 1):
            L1 = xy[i1, ri] if s1 else xy[i1, li]
            R1 = xy[i1, li] if s1 else xy[i1, ri]
            best, arg = np.inf, 0
            for s0 in (0, 1):
                L0 = xy[i0, ri] if s0 else xy[i0, li]
                R0 = xy[i0, li] if s0 else xy[i0, ri]
                c = cost[s0] + _swap_cost(L1, L0) + _swap_cost(R1, R0)
                if c < best:
                    best, arg = c, s0
            new[s1] = best + (penalty_px if s1 else 0.0)
            back[k, s1] = arg
        cost = new
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
    del n
    return replace(track, xy=xy2, vis=vis2), int(len(swapped))


# ----------------------------------------------------------------------------- outliers, gaps
def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) runs where mask is True."""
    m = np.concatenate([[False], mask, [False]]).astype(int)
    d = np.diff(m)
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def reject_outliers(xy: np.ndarray, scale_px: float, win: int, k: float = 0.25) -> tuple[np.ndarray, int]:
    """NaN any coordinate further than ``k * scale_px`` from its running median (window win)."""
    n = xy.shape[0]
    out = xy.copy()
    half = max(1, win // 2)
    pad = np.pad(xy, ((half, half), (0, 0), (0, 0)), mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(pad, win if win % 2 else win + 1, axis=0)
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(windows[:n], axis=-1)
    dist = np.linalg.norm(xy - med, axis=-1)
    bad = dist > k * scale_px
    out[bad] = np.nan
    return out, int(np.count_nonzero(bad))


def fill_gaps(t: np.ndarray, xy: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Linearly interpolate NaN runs no longer than ``max_gap_s`` between known samples."""
    out = xy.copy()
    flat = out.reshape(len(t), -1)
    for j in range(flat.shape[1]):
        col = flat[:, j]
        nan = ~np.isfinite(col)
        if not nan.any() or nan.all():
            continue
        good = np.flatnonzero(~nan)
        for a, b in _runs(nan):
            if a == 0 or b == len(col):
                continue
            if t[b] - t[a - 1] <= max_gap_s:
                col[a:b] = np.interp(t[a:b], t[good], col[good])
        flat[:, j] = col
    return flat.reshape(xy.shape)


def lowpass(t: np.ndarray, xy: np.ndarray, cutoff_hz: float) -> np.ndarray:
    """Zero-phase 2nd-order Butterworth (filtfilt) on a uniform time grid, per finite run.

    Variable-frame-rate clips are resampled to their median frame interval, filtered, and
    sampled back at the original timestamps.
    """
    from scipy.signal import butter, filtfilt

    n = len(t)
    if n < 8:
        return xy
    dt = float(np.median(np.diff(t)))
    fs = 1.0 / dt
    wc = min(cutoff_hz, 0.45 * fs) / (fs / 2.0)
    if wc >= 0.99:
        return xy
    b, a = butter(2, wc)
    uniform = np.allclose(np.diff(t), dt, rtol=0.05, atol=1e-4)
    out = xy.copy()
    flat = out.reshape(n, -1)
    for j in range(flat.shape[1]):
        col = flat[:, j]
        for s, e in _runs(np.isfinite(col)):
            if e - s < 10:
                continue
            seg_t = t[s:e]
            seg = col[s:e]
            if uniform:
                col[s:e] = filtfilt(b, a, seg, padlen=min(3 * max(len(a), len(b)), e - s - 1))
            else:
                grid = np.arange(seg_t[0], seg_t[-1] + dt / 2, dt)
                if len(grid) < 10:
                    continue
                g = np.interp(grid, seg_t, seg)
                g = filtfilt(b, a, g, padlen=min(9, len(grid) - 1))
                col[s:e] = np.interp(seg_t, grid, g)
        flat[:, j] = col
    return flat.reshape(xy.shape)


def clean(raw: Track, cutoff_hz: float = 12.0, max_gap_s: float = 0.25) -> Track:
    """Swap fix -> outlier rejection -> gap filling -> zero-phase low-pass (see module doc)."""
    leg = raw.leg_length_px()
    if not np.isfinite(leg) or leg <= 0:
        return raw
    tr, n_leg = fix_swaps(raw, LEG_GROUP, penalty_px=0.15 * leg)
    tr, n_arm = fix_swaps(tr, ARM_GROUP, penalty_px=0.15 * leg)
    win = max(5, int(round(tr.fps * 0.2)) | 1)
    xy, n_out = reject_outliers(tr.xy, leg, win)
    xy = fill_gaps(tr.t, xy, max_gap_s)
    xy = lowpass(tr.t, xy, cutoff_hz)
    notes = dict(raw.notes, swaps_fixed_legs=n_leg, swaps_fixed_arms=n_arm, outliers=n_out,
                 leg_length_px=leg, cutoff_hz=cutoff_hz)
    return replace(tr, xy=xy, notes=notes)
