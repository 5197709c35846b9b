"""Stage 5 — gait events: initial contact (IC) and toe-off (TO) per foot, steps and cadence.

Contract:
    detect_events(track, view) -> GaitEvents
        ``ics`` / ``tos``: sorted lists of :class:`Event` (frame, t, foot "L"/"R");
        ``cadence_events`` (steps/min from IC spacing), ``cadence_spectral`` (from the pelvis
        bounce), ``method`` and ``notes``.

Side view (treadmill or overground): the foot's horizontal position relative to the pelvis,
in the runner's forward direction, peaks near IC and bottoms out near TO (Zeni et al. 2008);
IC is the middle of the foot's run-up to stance speed (from half to full speed), or later
when neither heel nor toe is down on the ground yet, TO where
the toe has lifted off its stance level and rises at take-off speed. Front/back view: a foot is on the ground while it sits
at its lowest image height; IC/TO are the edges of that plateau.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.signal import find_peaks
from scipy.optimize import least_squares

from . import signal
from .landmarks import Track
from .view import ViewResult


@dataclass
class Event:
    frame: int
    t: float
    foot: str  # "L" | "R"
    pos: float | None = None  # sub-frame position (fractional frame index) when known

    @property
    def at(self) -> float:
        return self.frame if self.pos is None else self.pos


@dataclass
class GaitEvents:
    ics: list[Event]
    tos: list[Event]
    cadence_events: float | None  # steps/min
    cadence_spectral: float | None  # steps/min
    step_times: list[float] = field(default_factory=list)
    method: str = ""
    notes: list[str] = field(default_factory=list)

    def for_foot(self, foot: str, kind: str = "IC") -> list[Event]:
        src = self.ics if kind == "IC" else self.tos
        return [e for e in src if e.foot == foot]


def _nanmean_rows(*rows: np.ndarray) -> np.ndarray:
    """Per-frame mean of the finite values among ``rows`` (NaN where none is finite)."""
    a = np.vstack(rows)
    ok = np.isfinite(a)
    n = ok.sum(axis=0)
    return np.where(n > 0, np.where(ok, a, 0).sum(axis=0) / np.maximum(n, 1), np.nan)


GAIT_BAND_HZ = (1.0, 4.6)  # 60-276 steps/min: walking and running
SLOW_DOMINANCE = 3.0  # a slower rhythm must be this much stronger to win (slow motion)


def spectral_step_rate(track: Track, fmin: float = 0.15, fmax: float = 4.6) -> tuple[float | None, float]:
    """Step frequency (Hz) from the vertical bounce of the hips, and its peak prominence 0..1.

    The hips rise and fall once per step, so the strongest line of their height's spectrum
    (:func:`core.signal.amplitude_spectrum`: quadratic trend removed, Hann window) is the step
    rate. The gait band (:data:`GAIT_BAND_HZ`) is searched first; a slower rhythm wins only
    when it is :data:`SLOW_DOMINANCE` times stronger, as in a slow-motion clip, so that slow
    drift of the hips' height (camera distance, a runner speeding up) is not taken for the
    rhythm. ``fmin``..``fmax`` (Hz) is the whole search range.
    """
    y = track.mid("l_hip", "r_hip")[:, 1]
    sp = signal.amplitude_spectrum(track.t, y)
    if sp is None:
        return None, 0.0
    freqs, spec = sp
    band = (freqs >= fmin) & (freqs <= fmax)
    if not band.any():
        return None, 0.0
    gait = band & (freqs >= GAIT_BAND_HZ[0]) & (freqs <= GAIT_BAND_HZ[1])
    slow = band & (freqs < GAIT_BAND_HZ[0])
    k = int(np.argmax(np.where(gait, spec, 0))) if gait.any() else int(np.argmax(np.where(band, spec, 0)))
    if slow.any():
        ks = int(np.argmax(np.where(slow, spec, 0)))
        if not gait.any() or spec[ks] > SLOW_DOMINANCE * spec[k]:
            k = ks
    prom = float(spec[k] / (spec[band].sum() + 1e-9))
    return float(freqs[k]), prom


def _stance_speed(t: np.ndarray, x: np.ndarray, peaks: np.ndarray,
                  troughs: np.ndarray) -> float | None:
    """Median backward speed of a foot between its forward peaks and the following troughs.

    In stance the foot moves backward relative to the pelvis at running (belt) speed; this is
    that speed (negative units/s, from the real frame times ``t``), measured over the middle
    half of each peak->trough descent.
    """
    v = signal.derivative(t, x)
    vals = []
    for p in peaks:
        nxt = troughs[troughs > p]
        if not len(nxt):
            continue
        q = int(nxt[0])
        a, b = p + (q - p) // 4, q - (q - p) // 4
        if b > a:
            vals.append(v[a:b + 1])
    if not vals:
        return None
    s = float(np.nanmedian(np.concatenate(vals)))
    return s if s < 0 else None


IC_SPEED_FRACS = (0.5, 1.0)  # IC: between reaching half and full stance speed
MAX_RUNUP_FRAMES = 30  # with no rearmost point found, the run-up is searched this far


def _refine_contact(t: np.ndarray, x: np.ndarray, peak: int, trough: int | None,
                    v_stance: float, fracs: tuple[float, float] = IC_SPEED_FRACS) -> float:
    """IC (sub-frame): the middle of the foot's run-up to stance speed after its forward peak.

    After the peak the foot speeds up backward until it moves with the ground (belt speed,
    ``v_stance``). The moment it reaches half that speed and the moment it first reaches the
    full speed (linear crossings) bracket the contact; IC is their mean. Averaging the two
    crossings holds both for a sharp landing (the filtered speed rises in about a frame) and
    for a foot that eases onto the ground, where any single threshold lands on the plateau
    just below stance speed and misses by one or two frames. When the foot never reaches full
    speed before its rearmost point, its fastest moment stands in for the second crossing.
    Speeds are per second of real time (``t``), so uneven frame times do not bend them.
    """
    v = signal.derivative(t, x)
    end = trough if trough is not None else min(len(x) - 1, peak + MAX_RUNUP_FRAMES)
    seg = v[peak:end + 1]

    def crossing(frac: float) -> float | None:  # first k with v[k] <= frac * v_stance
        thr = frac * v_stance
        hit = np.flatnonzero(seg <= thr)
        if not len(hit):
            return None
        k = peak + int(hit[0])
        if k == peak:
            return float(k)
        a, b = v[k - 1], v[k]
        return k - 1 + (float(np.clip((thr - a) / (b - a), 0, 1)) if b != a else 0.0)

    half = crossing(fracs[0])
    if half is None:
        return float(peak)
    full = crossing(fracs[1])
    if full is None:
        full = float(peak + int(np.nanargmin(seg)))
    return 0.5 * (half + max(half, full))


TOE_LIFT_FRAC = 0.02  # of leg length: how far the toe rises off its stance level at toe-off


FOOT_DOWN_SEARCH_S = 0.1  # the foot's arrival at the ground is looked for this far around IC


def foot_down(t: np.ndarray, heel_y: np.ndarray, toe_y: np.ndarray, ic: float,
              trough: float, leg: float) -> float | None:
    """The first moment the heel or the toe comes within :data:`TOE_LIFT_FRAC` of leg of its
    own stance level (sub-frame linear crossing, image y grows downward), searched from
    :data:`FOOT_DOWN_SEARCH_S` before ``ic`` to as long after it; None when neither point
    comes down across that level there (it was already down, or dropped frames).

    A foot cannot be in contact while both its heel and its toe are above the ground, so
    the contact is no earlier than this (:func:`_side_contact`). Each point's stance level is
    its median height over the first 60 % of the stance window (IC to the rearmost point), as
    for the toe-off (:func:`_toe_lift`), and the tolerance is the same 2 % of leg. On
    forefoot landings the heel and ankle reach stance speed before the forefoot has settled,
    so the run-up alone caught them up to 3.4 frames early at 120 fps (``bench/contacts.md``).
    """
    n = len(heel_y)
    fps = 1.0 / float(np.median(np.diff(t))) if n > 1 else 0.0
    a = max(1, int(np.floor(ic - FOOT_DOWN_SEARCH_S * fps)))
    b = min(n - 1, int(np.ceil(ic + FOOT_DOWN_SEARCH_S * fps)), int(np.floor(trough)))
    s0, s1 = int(np.ceil(ic)), int(np.ceil(ic)) + max(2, int(0.6 * (trough - ic)))
    found = []
    for y in (heel_y, toe_y):
        stance = y[s0:s1]
        stance = stance[np.isfinite(stance)]
        if not len(stance):
            continue
        thr = float(np.median(stance)) - TOE_LIFT_FRAC * leg
        for k in range(a, b + 1):
            y0, y1 = y[k - 1], y[k]
            if np.isfinite(y0) and np.isfinite(y1) and y0 < thr <= y1:
                found.append(k - 1 + float((thr - y0) / (y1 - y0)))
                break
    return min(found) if found else None


def _side_contact(t: np.ndarray, front: np.ndarray, heel_y: np.ndarray, toe_y: np.ndarray,
                  peak: int, trough: int | None, v_stance: float, leg: float) -> float:
    """IC (sub-frame): the middle of the run-up to stance speed (:func:`_refine_contact`),
    but no earlier than the foot comes down to the ground (:func:`foot_down`)."""
    ic = _refine_contact(t, front, peak, trough, v_stance)
    if trough is None:
        return ic
    down = foot_down(t, heel_y, toe_y, ic, float(trough), leg)
    return ic if down is None else max(ic, down)


TOE_LIFT_HOLD_S = 0.05  # the toe must stay lifted this long: a real toe-off keeps rising


def _toe_lift(toe_y: np.ndarray, ic: float, trough: float, leg: float,
              hold: int) -> float | None:
    """Toe-off: where the toe first rises ``TOE_LIFT_FRAC`` of leg above its stance level
    and stays above it for the next ``hold`` frames.

    The stance level is the toe's median image height over the first 60 % of the stance
    window (IC to the foot's rearmost point); the search runs from 40 % of that window to a
    little past the rearmost point. The toe keeps moving backward after toe-off, so its lift,
    not its speed, marks the moment; the hold skips a brief jump of the toe point while the
    foot is still down (the pose model sometimes grabs the other foot for a frame or two).
    Sub-frame (linear crossing).
    """
    n = len(toe_y)
    a = int(np.ceil(ic))
    b = int(min(n - 1, np.floor(trough + 0.5 * (trough - ic))))
    if b - a < 3:
        return None
    stance = toe_y[a:a + max(2, int(0.6 * (trough - ic)))]
    stance = stance[np.isfinite(stance)]
    if not len(stance):
        return None
    thr = float(np.median(stance)) - TOE_LIFT_FRAC * leg  # image y grows downward
    mid = a + int(0.4 * (trough - ic))
    for k in range(max(mid, a + 1), b + 1):
        if np.isfinite(toe_y[k]) and toe_y[k] < thr:
            after = toe_y[k + 1:min(n, k + 1 + hold)]
            if np.any(np.isfinite(after) & (after >= thr)):
                continue  # dipped back to the ground: not the toe-off
            y0, y1 = toe_y[k - 1], toe_y[k]
            if not np.isfinite(y0) or y0 == y1:  # no sample just before (dropped frame)
                return float(k)
            return k - 1 + float(np.clip((y0 - thr) / (y0 - y1), 0, 1))
    return None


TOE_OFF_SPEED = 1.0  # leg lengths / s: how fast a toe leaving the ground rises
TOE_CLEAR_FRAC = 0.10  # of leg length: a toe this far above its stance level is in swing


def _toe_rising(t: np.ndarray, toe_y: np.ndarray, ic: float, trough: float,
                leg: float, start: float | None = None) -> float | None:
    """Where the rise that carries the toe into swing began: the toe first climbs
    :data:`TOE_CLEAR_FRAC` of leg above its stance level (after ``start``, the lift), and
    from there we walk back while it rises faster than :data:`TOE_OFF_SPEED` (leg lengths a
    second of real time ``t``); the sub-frame crossing of that speed is the moment.

    A foot that rolls over the stiff front edge of a shoe lifts the pose model's toe point
    (which sits behind that edge) slowly, well before toe-off, and at 120 fps the point
    sometimes bobs up by a few % of leg and back while the foot is still down; the toe
    leaving the ground keeps rising fast until it is clear. Taking the first crossing of the
    speed instead fired on that bob (6-13 frames early on 6 of 9 renders at 120 fps,
    ``bench/contacts.md``). With no clearance within a stance's length after ``start``, the
    first crossing after 40 % of the stance window stands in."""
    n = len(toe_y)
    a = int(np.ceil(ic))
    b = int(min(n - 1, np.floor(trough + 0.5 * (trough - ic))))
    ok = np.isfinite(toe_y)
    if b - a < 3 or ok.sum() < 4:
        return None
    y = np.interp(np.arange(n), np.flatnonzero(ok), toe_y[ok])
    up = -signal.derivative(t, y) / leg  # leg lengths / s, up positive (image y is down)
    thr = TOE_OFF_SPEED

    def crossing(k: int) -> float:  # up[k - 1] < thr <= up[k]
        return k - 1 + float((thr - up[k - 1]) / (up[k] - up[k - 1]))

    lo = max(a + int(0.4 * (trough - ic)), a + 1)
    if start is not None:
        level = float(np.median(y[a:a + max(2, int(0.6 * (trough - ic)))]))
        k0 = max(lo, int(np.floor(start)))
        end = min(n - 1, k0 + int(np.ceil(trough - ic)))
        clear = np.flatnonzero(y[k0:end + 1] < level - TOE_CLEAR_FRAC * leg)
        if len(clear):
            k = k0 + int(clear[0])
            while k > k0 and up[k - 1] >= thr:
                k -= 1
            if up[k] >= thr > up[k - 1]:
                return crossing(k)
            return float(k)
    for k in range(lo, b + 1):
        if up[k] >= thr > up[k - 1]:
            return crossing(k)
    return None


TAKE_OFF_WINDOW_S = 0.06  # the take-off kink is looked for this far before the rise


def _take_off_kink(t: np.ndarray, toe_y: np.ndarray, lo: float, hi: float,
                   leg: float) -> float | None:
    """Where the toe's upward acceleration peaks between frames ``lo`` and ``hi`` (sub-frame,
    a parabola through the peak and its neighbours); None when there is no upward peak.

    At take-off the toe goes from resting on the belt to rising: a kink in its height, a
    step in its vertical speed. The zero-phase low-pass of :func:`core.landmarks.clean`
    spreads that step symmetrically about the moment, so the acceleration peaks at the kink
    itself, while any speed threshold is passed only some way up the smoothed step (the
    rise's speed threshold read toe-off ~20 ms late on renders, ``bench/contacts.md``)."""
    n = len(toe_y)
    ok = np.isfinite(toe_y)
    a, b = max(1, int(np.ceil(lo))), min(n - 2, int(np.floor(hi)))
    if b < a or ok.sum() < 4:
        return None
    y = np.interp(np.arange(n), np.flatnonzero(ok), toe_y[ok])
    acc = signal.derivative(t, -signal.derivative(t, y) / leg)  # up positive, leg / s^2
    k = a + int(np.argmax(acc[a:b + 1]))
    if acc[k] <= 0:
        return None
    y0, y1, y2 = acc[k - 1], acc[k], acc[k + 1]
    curv = y0 - 2 * y1 + y2
    return k + (float(np.clip(0.5 * (y0 - y2) / curv, -0.5, 0.5)) if curv < 0 else 0.0)


def toe_off(t: np.ndarray, toe_y: np.ndarray, ic: float, trough: float, leg: float,
            hold: int) -> float | None:
    """Toe-off: the take-off kink of the toe's height (:func:`_take_off_kink`), looked for
    from :data:`TAKE_OFF_WINDOW_S` before the start of its rise into swing at take-off
    speed (:func:`_toe_rising`) up to that start, and no earlier than the toe's lift off its
    stance level (:func:`_toe_lift`): lifted, and leaving rather than rolling.

    On renders (a rigid shoe rolling over its front edge, ahead of the pose model's toe
    point) the rise at take-off speed alone read toe-off 1-4 frames late at 60 and 120 fps;
    the kink reads it within a frame on most (``bench/contacts.md``). The lift bound keeps
    the hand-labelled real toe-offs where the labels put them: there the toe's acceleration
    peaks up to 1.7 frames before the lift (the heel's rise carries the forefoot), which
    without the bound read a 60 fps clip's contact time 44 ms short.

    When the toe point rose by a lift's height and came back down while the foot was still
    on the ground (a pose-model bob as the heel comes up), the toe's last low point before it
    clears the ground is the toe-off instead (:func:`_last_down`; sub-frame by a parabola, so
    up to half a frame early on a flat-then-steep take-off)."""
    lift = _toe_lift(toe_y, ic, trough, leg, hold)
    if lift is None:
        return None
    rise = _toe_rising(t, toe_y, ic, trough, leg, start=lift)
    start = lift if rise is None else max(lift, rise)
    fps = 1.0 / float(np.median(np.diff(t))) if len(t) > 1 else 30.0
    lo = max(float(np.ceil(ic)) + 1, start - TAKE_OFF_WINDOW_S * fps)
    kink = _take_off_kink(t, toe_y, lo, np.ceil(start), leg)
    found = start if kink is None else min(start, max(lift, kink))
    valley = _last_down(toe_y, ic, trough, leg, lift)
    return valley if valley is not None and lift < valley < found else found


def _last_down(toe_y: np.ndarray, ic: float, trough: float, leg: float,
               lift: float) -> float | None:
    """The toe's last low point before it clears the ground, when it had lifted and come
    back down: from where it first climbs :data:`TOE_CLEAR_FRAC` of leg above its stance
    level after the ``lift``, walked back while it is lower a frame earlier (sub-frame: a
    parabola through the lowest frame and its neighbours). None with no clearance within a
    stance's length, or when that low point is not :data:`TOE_LIFT_FRAC` of leg below the
    toe's highest since the lift (no dip: the toe's slow creep as the foot rolls, where the
    take-off kink of :func:`toe_off` reads the moment; the low point there is the roll's
    start, 1-2 frames early on renders).

    Once the foot leaves the ground the toe only rises until it is clear, so the lowest
    point before that rise is the take-off. On a rolling push-off the pose model's toe point
    can rise a few % of leg and come back down while the foot is still on the ground (the
    heel rising, bench/robustness.md: up to 7.5 % of leg on a rolled-camera render at
    120 fps), and its slow first climb out of that dip falls short of the take-off speed of
    :func:`_toe_rising` for several frames: the rise's start then read toe-off up to 12
    frames late at 120 fps."""
    n = len(toe_y)
    ok = np.isfinite(toe_y)
    a = int(np.ceil(ic))
    if ok.sum() < 4 or trough - ic < 2:
        return None
    y = np.interp(np.arange(n), np.flatnonzero(ok), toe_y[ok])
    level = float(np.median(y[a:a + max(2, int(0.6 * (trough - ic)))]))
    k0 = int(np.ceil(lift))
    end = min(n - 1, k0 + int(np.ceil(trough - ic)))
    clear = np.flatnonzero(y[k0:end + 1] < level - TOE_CLEAR_FRAC * leg)  # image y grows down
    if not len(clear):
        return None
    k = k0 + int(clear[0])
    while k - 1 > lift and y[k - 1] > y[k]:
        k -= 1
    if k <= lift or k + 1 >= n:
        return None
    if y[k] - np.min(y[k0:k + 1]) < TOE_LIFT_FRAC * leg:  # never came back down: no dip
        return None
    y0, y1, y2 = y[k - 1], y[k], y[k + 1]
    curv = y0 - 2 * y1 + y2
    return k + (float(np.clip(0.5 * (y0 - y2) / curv, -0.5, 0.5)) if curv < 0 else 0.0)


def _event_at(t: np.ndarray, pos: float, foot: str) -> Event:
    """Event at a fractional frame position, time interpolated between frames."""
    if not np.isfinite(pos):
        raise ValueError("event position must be finite")
    pos = float(np.clip(pos, 0, len(t) - 1))
    return Event(int(round(pos)), float(np.interp(pos, np.arange(len(t)), t)), foot, pos)


DEFAULT_STRIDE_S = 0.7  # stride time assumed when the hips show no rhythm (~170 steps/min)
PEAK_SPACING_STRIDES = 0.6  # a foot's peaks are at least 0.6 stride apart
SIDE_PEAK_PROMINENCE = 0.25  # of leg length: a foot's forward/backward swing relative to the hips
FRONT_PEAK_PROMINENCE = 0.06  # of leg length: a foot's rise and fall seen from front/back
FRONT_PLATEAU_DEPTH = 0.04  # of leg length: the foot is on the ground within this of its lowest
DEDUPE_STRIDES = 0.5  # two events of one foot closer than half a stride are one


def _stride_s(step_hz: float | None) -> float:
    """Stride time (two steps), s, from the hips' step rate or :data:`DEFAULT_STRIDE_S`."""
    return 2.0 / step_hz if step_hz else DEFAULT_STRIDE_S


def _events_side(track: Track, view: ViewResult, step_hz: float | None) -> tuple[list[Event], list[Event], list[str]]:
    fwd = 1.0 if view.facing != "left" else -1.0
    pelvis_x = track.mid("l_hip", "r_hip")[:, 0]
    leg = track.leg_length_px()
    fps = track.fps
    stride_s = _stride_s(step_hz)
    dist = max(2, int(PEAK_SPACING_STRIDES * stride_s * fps))
    ics, tos, notes = [], [], []
    for foot, s in (("L", "l"), ("R", "r")):
        heel = fwd * (track.p(f"{s}_heel")[:, 0] - pelvis_x)
        ank = fwd * (track.p(f"{s}_ankle")[:, 0] - pelvis_x)
        toe = fwd * (track.p(f"{s}_toe")[:, 0] - pelvis_x)
        toe_y = track.p(f"{s}_toe")[:, 1]
        front = _nanmean_rows(heel, ank)
        f_ok = np.nan_to_num(front, nan=np.nanmin(front) if np.isfinite(front).any() else 0)
        t_ok = np.nan_to_num(toe, nan=np.nanmax(toe) if np.isfinite(toe).any() else 0)
        pk, _ = find_peaks(f_ok, distance=dist, prominence=SIDE_PEAK_PROMINENCE * leg)
        tk, _ = find_peaks(-t_ok, distance=dist, prominence=SIDE_PEAK_PROMINENCE * leg)
        v_st = _stance_speed(track.t, f_ok, pk, tk)
        if v_st is None:
            notes.append(f"{foot} foot: no clear stance phase")
            continue
        for k in pk:
            if not np.isfinite(front[k]):
                continue
            nxt = tk[tk > k]
            trough = int(nxt[0]) if len(nxt) and nxt[0] - k < stride_s * fps else None
            ic = _side_contact(track.t, f_ok, track.p(f"{s}_heel")[:, 1], toe_y, int(k),
                               trough, v_st, leg)
            ics.append(_event_at(track.t, ic, foot))
            if trough is not None:
                to = toe_off(track.t, toe_y, ic, float(trough), leg,
                             hold=int(round(TOE_LIFT_HOLD_S * fps)))
                if to is not None:
                    tos.append(_event_at(track.t, to, foot))
    return ics, tos, notes


def _events_frontal(track: Track, step_hz: float | None) -> tuple[list[Event], list[Event], list[str]]:
    leg = track.leg_length_px()
    fps = track.fps
    stride_s = _stride_s(step_hz)
    dist = max(2, int(PEAK_SPACING_STRIDES * stride_s * fps))
    delta = FRONT_PLATEAU_DEPTH * leg
    ics, tos = [], []
    for foot, s in (("L", "l"), ("R", "r")):
        y = _nanmean_rows(track.p(f"{s}_ankle")[:, 1], track.p(f"{s}_heel")[:, 1])
        yf = np.nan_to_num(y, nan=np.nanmin(y) if np.isfinite(y).any() else 0)
        pk, _ = find_peaks(yf, distance=dist, prominence=FRONT_PEAK_PROMINENCE * leg)
        for k in pk:
            g = yf[k] - delta
            a = k
            while a > 0 and yf[a - 1] >= g and k - a < stride_s * fps:
                a -= 1
            b = k
            while b < len(yf) - 1 and yf[b + 1] >= g and b - k < stride_s * fps:
                b += 1
            if a > 0:
                ics.append(_crossing(track, yf, a - 1, a, g, foot))
            if b < len(yf) - 1:
                tos.append(_crossing(track, yf, b + 1, b, g, foot))
    return ics, tos, []


def _crossing(track: Track, yf: np.ndarray, out: int, on: int, g: float, foot: str) -> Event:
    """The plateau's edge between frame ``out`` (foot above the level ``g``) and its neighbour
    ``on`` (at or below it), placed where the foot's height crosses ``g`` by linear
    interpolation: a sub-frame time, so a 30 fps clip's contacts are not rounded to whole
    frames (which cost the cadence fit up to 1.5 steps/min on a 4 s back view). The frame is
    ``on``, the plateau's first (last) frame, as before."""
    y0, y1 = float(yf[out]), float(yf[on])
    f = (g - y0) / (y1 - y0) if y1 != y0 else 1.0
    pos = out + (on - out) * min(1.0, max(0.0, f))
    t = float(np.interp(pos, np.arange(len(track.t)), track.t))
    return Event(int(on), t, foot, float(pos))


def _dedupe(evts: list[Event], min_gap_s: float) -> list[Event]:
    """Sort by time; if two events of the same foot are closer than min_gap_s keep the first."""
    out: list[Event] = []
    last: dict[str, float] = {}
    for e in sorted(evts, key=lambda e: e.t):
        if e.foot in last and e.t - last[e.foot] < min_gap_s:
            continue
        out.append(e)
        last[e.foot] = e.t
    return out


def cadence_from_ics(ics: list[Event]) -> tuple[float | None, list[float]]:
    """Steps/min from IC times: a robust straight-line fit of time against step number.

    Step numbers count a gap of about two steps (a missed contact) as two, so a missed IC does
    not bias the rate. The fit has one slope (the step time) and **one offset per foot**:
    each foot's contacts are read with their own constant lag (in side view the far foot is
    seen less well and read a frame or so late; a limp makes left and right steps differ),
    and that lag cancels out of the slope instead of tilting it when a short clip starts on
    one foot and ends on the other. It is least squares with a soft-L1 loss
    (:func:`scipy.optimize.least_squares`, scale :data:`CADENCE_FIT_SCALE_S`: residuals
    within about a frame count fully, so frame quantisation averages away, while a contact
    read far off counts little). A Cauchy loss instead down-weighted a real runner's
    wandering pace and moved a labelled treadmill clip by -1.0 spm; a second fit without the
    contacts over 3 robust sigmas off moved the live cadence of a labelled 30 fps clip 3.3 spm
    off in its first seconds (few contacts, a small sigma; leaving out only the first and last did
    the same), so every contact counts. A 3 s render at 60 fps (far-foot contacts 9-16 ms
    late) read +2.5 spm with one offset for both feet; a last contact 61 ms early moves 8
    contacts' cadence by 1.3 spm (plain least squares: 2.4).
    Returns the cadence and the individual step times.
    """
    if len(ics) < 4:
        return None, []
    t = np.array([e.t for e in ics])
    d = np.diff(t)
    base = float(np.median(d))
    if base <= 0:
        return None, []
    n = np.concatenate([[0], np.cumsum(np.maximum(1, np.round(d / base)))])
    feet = sorted({e.foot for e in ics})
    cols = [n, np.ones_like(n)] + [np.array([e.foot == f for e in ics], float) for f in feet[1:]]
    a = np.column_stack(cols)
    p = np.linalg.lstsq(a, t, rcond=None)[0]
    p = least_squares(lambda q: a @ q - t, p, loss="soft_l1", f_scale=CADENCE_FIT_SCALE_S).x
    slope = float(p[0])
    steps = [float(x / k) for x, k in zip(d, np.maximum(1, np.round(d / base)))]
    return (60.0 / slope if slope > 0 else None), steps


CADENCE_FIT_SCALE_S = 1 / 60  # residual scale of the contact-time fit: about one 60 fps frame

# ----------------------------------------------------------------------------- cadence arbitration
CADENCE_AGREE = 0.03  # contacts and the hips' rhythm agree within 3 % of the rhythm
CADENCE_MULTIPLE = (1.8, 2.2)  # one is about twice the other: the rhythm locked onto the
#                                stride rate (or double the step rate), or contacts doubled
MIN_CONTACTS = 6  # fewer contacts than this: the rhythm is counted instead
MIN_CONTACTS_MULTIPLE = 8  # contacts win over a rhythm at a multiple only with this many


@dataclass(frozen=True)
class CadenceChoice:
    """Which cadence to show, from the contacts' rate and the hips' rhythm.

    ``basis``: ``"agree"`` (contacts, confirmed by the rhythm), ``"rhythm"`` (too few
    contacts, or contact times too coarse: the rhythm), ``"multiple"`` (the rhythm ran at
    about twice or half the contacts' rate: contacts), ``"disagree"`` (neither explains the
    other: the rhythm, less sensitive to a misread contact), ``"contacts"`` (no rhythm
    found) or ``"none"``.
    """

    value: float | None
    basis: str


def choose_cadence(contacts_spm: float | None, rhythm_spm: float | None, n_contacts: int,
                   contacts_usable: bool = True) -> CadenceChoice:
    """The one cadence arbitration, used by the report's cadence metric and by live mode.

    ``contacts_spm``: steps/min from ``n_contacts`` foot contacts (:func:`cadence_from_ics`);
    ``rhythm_spm``: from the hips' bounce (:func:`spectral_step_rate`). ``contacts_usable``
    False (too few frames a second for contact times) leaves only the rhythm. Thresholds:
    :data:`CADENCE_AGREE`, :data:`CADENCE_MULTIPLE`, :data:`MIN_CONTACTS`,
    :data:`MIN_CONTACTS_MULTIPLE`.
    """
    ce = contacts_spm if contacts_usable else None
    cs = rhythm_spm
    if ce is None and cs is None:
        return CadenceChoice(None, "none")
    if ce is not None and cs is not None and abs(ce - cs) / cs < CADENCE_AGREE:
        return CadenceChoice(ce, "agree")
    if cs is not None and (ce is None or n_contacts < MIN_CONTACTS):
        return CadenceChoice(cs, "rhythm")
    if ce is not None and cs is not None:
        lo, hi = CADENCE_MULTIPLE
        if n_contacts >= MIN_CONTACTS_MULTIPLE and lo < max(ce, cs) / min(ce, cs) < hi:
            return CadenceChoice(ce, "multiple")
        return CadenceChoice(cs, "disagree")
    return CadenceChoice(ce, "contacts")


def detect_events(track: Track, view: ViewResult) -> GaitEvents:
    step_hz, prom = spectral_step_rate(track)
    cad_spec = step_hz * 60 if step_hz else None
    if view.view == "side":
        ics, tos, notes = _events_side(track, view, step_hz)
        method = ("side: foot position relative to pelvis (Zeni), IC at the middle of the run-up "
                  "to stance speed once the foot is down, TO at the toe lift and take-off rise")
    else:
        ics, tos, notes = _events_frontal(track, step_hz)
        method = "front/back: edges of each foot's lowest-height plateau"
    stride_s = _stride_s(step_hz)
    ics = _dedupe(ics, DEDUPE_STRIDES * stride_s)
    tos = _dedupe(tos, DEDUPE_STRIDES * stride_s)
    cad, step_times = cadence_from_ics(ics)
    return GaitEvents(ics, tos, cad, cad_spec, step_times, method, notes)
