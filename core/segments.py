"""Stage 4b — segments: split a clip into continuous stretches, pick the one to analyse.

Runners cut clips together from several passes, zoom in mid-clip or change pace. Averaging
over all of it gives a cadence that no stretch had (an edited clip read 162 steps/min where
its steady stretch ran at 168), so the clip is split first and the longest steady running
stretch is analysed on its own.

Contract:
    find_segments(raw, cut_frames=(), view="auto") -> SegmentPlan
        ``raw``: the uncleaned landmark track of the whole clip; ``cut_frames``: frames that
        start a new shot by the picture (:meth:`core.admission.ClipStats.cut_frames`);
        ``view``: the runner's view choice (:data:`core.pipeline.VIEW_CHOICES`).
        Returns every stretch in time order (:class:`Segment`, together covering the clip)
        and which one to analyse (``chosen``; None with ``refusal`` saying why).
    window(raw, seg) -> Track
        the same frames with everything outside ``seg`` hidden (not detected), so later
        stages see only that stretch but frame numbers stay the clip's.

Boundaries, hardest first:
    ``cut``   the picture changes at once (64-px thumbnail difference, found while decoding);
    ``jump``  (with the picture changing at that frame) the runner's hips jump by over :data:`JUMP_LEG` leg lengths between two frames
              and stay there (a cut between shots of the same place);
    ``zoom``  (with the picture changing at that frame) the runner's size (hip-knee-ankle plus trunk length, median over a stride)
              changes by over :data:`ZOOM_RATIO` within a few frames;
    ``gap``   the runner is not found for over :data:`GAP_S` s;
    ``pace``  within a continuous piece, the step time (between foot contacts) changes by
              over :data:`PACE_CHANGE` (medians; Mann-Whitney U test,
              :func:`scipy.stats.mannwhitneyu`, p < :data:`PACE_P`, at least
              :data:`PACE_MIN_STEPS` steps each side).

A stretch is *steady* when its rhythm holds: the step times' robust spread (MAD) is within
:data:`STEADY_SPREAD` of their median and its two halves' cadences agree within
:data:`PACE_CHANGE`. The chosen stretch is the longest steady one with at least
:data:`core.quality.MIN_STEPS` steps (running ones, at :data:`core.quality.WALKING_SPM` or
more, first); when no boundary was found the clip is one stretch and is analysed as before.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import stats

from . import signal
from .events import cadence_from_ics, detect_events
from .landmarks import Track, clean
from .view import apply_override, detect_view

MIN_STEPS = 6  # = core.quality.MIN_STEPS (not imported: quality imports admission's stats)
WALKING_SPM = 140.0  # = core.quality.WALKING_SPM
JUMP_LEG = 0.6  # hips moving this many leg lengths in one frame (and staying): a cut
JUMP_HOLD_FRAMES = 4  # the new position must hold this many frames (not a one-frame glitch)
ZOOM_RATIO = 1.18  # runner's size changing by 18 % ...
ZOOM_WINDOW_S = 0.7  # ... between the stride-long windows before and after a frame
GAP_S = 0.5  # runner missing this long: the stretch ends
PACE_CHANGE = 0.06  # step time changing by 6 % (about 10 steps/min at 170)
PACE_P = 0.01  # ... with this significance (Mann-Whitney U: robust to a misread contact)
PACE_MIN_STEPS = 4  # ... and at least this many steps on each side
JOIN_FIT = np.log(1.15)  # a step time within 15 % of the new pace's median belongs to it
STEADY_SPREAD = 0.15  # robust spread of step times (MAD x 1.4826 / median)
MIN_PIECE_S = 1.0  # a shorter piece holds no 6 steps: not analysed (0 steps)
EDGE_S = 0.1  # contacts this close to a hard boundary are not counted (filter edge)

KINDS = ("start", "cut", "jump", "zoom", "gap", "return", "pace")
_SAY = {"start": "start of the clip", "cut": "cut to another shot",
        "jump": "the runner jumps in the picture (a cut)", "zoom": "zoom change",
        "gap": "runner out of the picture", "return": "runner back in the picture",
        "pace": "pace change"}


@dataclass
class Segment:
    """One continuous stretch of the clip: frames ``[start_frame, end_frame)``."""

    start_frame: int
    end_frame: int
    start_s: float  # clip time of the first frame
    end_s: float  # the next stretch's first frame time (the clip's last frame time at its end)
    kind: str  # what began it: one of KINDS
    steps: int = 0  # foot contacts found in it (or steps of the hips' rhythm, basis "hips")
    cadence_spm: float | None = None
    steady: bool = False
    basis: str = "contacts"  # "contacts", "hips" (feet not seen: the hips' bounce) or "none"
    step_times: list[float] = field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def reason(self) -> str:
        return _SAY.get(self.kind, self.kind)

    def running(self) -> bool:
        return self.cadence_spm is not None and self.cadence_spm >= WALKING_SPM


@dataclass
class SegmentPlan:
    segments: list[Segment]
    chosen: int | None  # index into segments, None: nothing to analyse (see refusal)
    refusal: str = ""  # why no stretch qualifies (a sentence for the runner)

    @property
    def whole(self) -> bool:
        """The clip is one stretch: analysed as a whole, exactly as without this stage."""
        return len(self.segments) <= 1

    @property
    def analysed(self) -> Segment | None:
        return None if self.chosen is None else self.segments[self.chosen]


# ----------------------------------------------------------------------------- per-frame signals
def body_scale(track: Track, min_vis: float = 0.5) -> np.ndarray:
    """Per-frame size of the runner, px: the trunk (shoulders' middle to hips' middle), which
    keeps its length through the stride from any view. NaN where a shoulder or hip is
    unknown or seen with visibility under ``min_vis`` (guessed points out of the picture)."""
    trunk = np.linalg.norm(track.mid("l_shoulder", "r_shoulder") - track.mid("l_hip", "r_hip"),
                           axis=1)
    names = ("l_shoulder", "r_shoulder", "l_hip", "r_hip")
    seen = np.all(np.vstack([track.v(k) for k in names]) >= min_vis, axis=0)
    return np.where(seen & track.detected & (trunk > 0), trunk, np.nan)


SHARP_FRAMES = 3  # a zoom cut: the size's change happens within this many frames ...
SHARP_SHARE = 0.7  # ... for at least this share of the change over the window


def zoom_frames(track: Track, ratio: float = ZOOM_RATIO, window_s: float = ZOOM_WINDOW_S) -> list[int]:
    """Frames where the runner's size (:func:`body_scale`) jumps by over ``ratio``.

    For each frame the median log size over the ``window_s`` after it is compared with the
    one before it (:func:`core.signal.running_median`); each peak of that difference
    (:func:`scipy.signal.find_peaks`) is placed on the largest frame-to-frame change of the
    size near it, and kept when most of the change (:data:`SHARP_SHARE`) happens within
    :data:`SHARP_FRAMES` frames of that place: a zoom cut, not a runner coming closer or a
    slow zoom."""
    from scipy.signal import find_peaks

    logs = np.log(body_scale(track))
    n = len(logs)
    w = max(3, int(round(window_s * track.fps)))
    if n < 2 * w:
        return []
    med = signal.running_median(logs, w)  # centred: median of [i - w/2, i + w/2]
    h = w // 2
    after = np.full(n, np.nan)
    before = np.full(n, np.nan)
    after[: n - h] = med[h:]
    before[h:] = med[: n - h]
    diff = np.abs(np.nan_to_num(after - before))
    peaks, _ = find_peaks(diff, height=np.log(ratio), distance=w)
    out = []
    k = SHARP_FRAMES
    for p in peaks:
        a, b = max(k, p - h), min(n - k, p + h + 1)
        if b <= a:
            continue
        near = [abs(np.nanmedian(logs[i:i + k]) - np.nanmedian(logs[i - k:i]))
                if np.isfinite(logs[i:i + k]).any() and np.isfinite(logs[i - k:i]).any() else 0.0
                for i in range(a, b)]
        one = np.nan_to_num(np.abs(logs[a:b] - logs[a - 1:b - 1]))  # ties: the frame of the jump
        i = a + int(np.argmax(np.asarray(near) + 0.5 * one))
        if max(near) >= SHARP_SHARE * diff[p]:
            out.append(int(i))
    return out


def jump_frames(track: Track, jump_leg: float = JUMP_LEG, hold: int = JUMP_HOLD_FRAMES) -> list[int]:
    """Frames where the hips' middle moves over ``jump_leg`` leg lengths from the frame
    before and the next ``hold`` frames stay near the new place (medians), i.e. the runner
    was cut to another spot of the picture, not a one-frame mistake of the pose model."""
    pel = track.mid("l_hip", "r_hip")
    leg = track.leg_length_px()
    if not np.isfinite(leg) or leg <= 0 or track.n < 2 * hold + 2:
        return []
    d = np.linalg.norm(np.diff(pel, axis=0), axis=1) / leg
    out = []
    for j in np.flatnonzero(np.nan_to_num(d) > jump_leg):
        i = j + 1
        a, b = pel[max(0, i - hold):i], pel[i:i + hold]
        if not (np.isfinite(a).all(axis=1).any() and np.isfinite(b).all(axis=1).any()):
            continue
        moved = np.linalg.norm(np.nanmedian(b, axis=0) - np.nanmedian(a, axis=0)) / leg
        if moved > jump_leg:
            out.append(int(i))
    return out


def gap_runs(track: Track, gap_s: float = GAP_S) -> list[tuple[int, int]]:
    """``[start, end)`` runs of frames without the runner lasting over ``gap_s``, inside the
    clip (frames without the runner at its start or end only shorten it: no boundary)."""
    return [(a, b) for a, b in signal.runs(~track.detected)
            if a > 0 and b < track.n and track.t[b] - track.t[a] > gap_s]


def pace_splits(step_t: np.ndarray, change: float = PACE_CHANGE, p_max: float = PACE_P,
                min_steps: int = PACE_MIN_STEPS) -> list[int]:
    """Indices into the contact times ``step_t`` where a new rhythm starts (binary
    segmentation of the step times: the split with the smallest Mann-Whitney p-value, kept
    when the two sides' median step times differ by over ``change`` with p < ``p_max``;
    then each side is split again). Ranks, not means, so one misread contact at a join
    does not hide the change."""
    d = np.diff(step_t)
    if len(d) < 2 * min_steps + 1:
        return []
    base = float(np.median(d))
    d = d / np.maximum(1, np.round(d / base))  # a missed contact counts as two steps
    d = _pairs(d)  # left and right steps may differ (a limp, a far foot read late)

    def split(lo: int, hi: int) -> list[int]:
        seg = d[lo:hi]
        best, best_p = None, p_max
        for k in range(min_steps, len(seg) - min_steps + 1):
            a, b = np.median(seg[:k]), np.median(seg[k:])
            if abs(a - b) / min(a, b) < change:
                continue
            res = stats.mannwhitneyu(seg[:k], seg[k:], alternative="two-sided")
            if np.isfinite(res.pvalue) and res.pvalue < best_p:
                best, best_p = k, float(res.pvalue)
        if best is None:
            return []
        k = lo + best
        return split(lo, k) + [k] + split(k, hi)

    # pair k spans contacts k..k+2: the new rhythm starts at contact k + 1
    return [k + 1 for k in split(0, len(d))]


def _pairs(d: np.ndarray) -> np.ndarray:
    """Means of consecutive step times (one stride's two steps)."""
    d = np.asarray(d, float)
    return (d[:-1] + d[1:]) / 2.0 if len(d) >= 2 else d


DOUBLE_STEP = 0.6  # a contact this soon after the last (of the median step time) is a misread


def drop_doubles(ics: list, frac: float = DOUBLE_STEP) -> list:
    """Contacts without the ones that follow the previous by under ``frac`` of the median
    step time (a pose glitch at a join reads as an extra contact); the first is kept."""
    if len(ics) < 3:
        return list(ics)
    med = float(np.median(np.diff([e.t for e in ics])))
    out = [ics[0]]
    for e in ics[1:]:
        if e.t - out[-1].t >= frac * med:
            out.append(e)
    return out


DRIFT_P = 0.05  # a drift between a stretch's halves must be this significant (Welch's t-test)


def steady(step_times: list[float] | np.ndarray, change: float = PACE_CHANGE,
           spread: float = STEADY_SPREAD, p_max: float = DRIFT_P) -> bool:
    """The rhythm holds: robust spread of the stride-averaged step times (two steps) within
    ``spread`` of their median, and no drift: the halves' means are within ``change`` of each
    other, or differ by no more than the step times' own scatter explains (Welch's t-test,
    :func:`scipy.stats.ttest_ind`, p >= ``p_max``). Contacts read to the frame scatter a
    30 fps stretch's stride times by a frame or so: the 8 steps of a steady 178 spm pass
    seen from behind had halves 6.8 % apart by chance (p 0.3), while a true drift of that
    size over so few strides keeps its halves apart beyond their scatter."""
    d = np.asarray(step_times, float)
    if len(d) < 2:
        return False
    d = _pairs(d)
    med = float(np.median(d))
    if med <= 0 or signal.mad(d) * signal.MAD_TO_SIGMA / med > spread:
        return False
    if len(d) >= 4:
        h1, h2 = d[: len(d) // 2], d[len(d) // 2:]
        a, b = h1.mean(), h2.mean()
        if abs(a - b) / min(a, b) > change:
            with warnings.catch_warnings():  # identical values: scipy warns, p is NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                p = stats.ttest_ind(h1, h2, equal_var=False).pvalue
            if not np.isfinite(p) or p < p_max:  # no scatter at all: the change is plain
                return False
    return True


# ----------------------------------------------------------------------------- the plan
def window(raw: Track, seg: Segment) -> Track:
    """``raw`` with the frames outside ``seg`` hidden (no landmarks, not detected)."""
    keep = np.zeros(raw.n, bool)
    keep[seg.start_frame:seg.end_frame] = True
    xy = np.where(keep[:, None, None], raw.xy, np.nan)
    vis = np.where(keep[:, None], raw.vis, 0.0)
    return replace(raw, xy=xy, vis=vis, detected=raw.detected & keep, notes=dict(raw.notes))


def _end_time(t: np.ndarray, b: int) -> float:
    """End of frames ``[.., b)``: the next stretch's first frame time, or for the clip's last
    stretch its last frame's time (as the clip's duration is counted)."""
    return float(t[b]) if b < len(t) else float(t[-1])


def _piece(raw: Track, a: int, b: int, kind: str, view: str) -> list[Segment]:
    """Segments of the continuous piece ``[a, b)`` (split further by pace changes)."""
    t = raw.t
    seg = Segment(a, b, float(t[a]), _end_time(t, b), kind)
    if kind == "gap" or t[b - 1] - t[a] < MIN_PIECE_S or raw.detected[a:b].mean() < 0.5:
        seg.basis = "none"
        return [seg]
    sub = clean(raw.frames(a, b))
    v = apply_override(detect_view(sub), view, track=sub)
    ev = detect_events(sub, v)
    edge = EDGE_S
    ics = [e for e in ev.ics if sub.t[0] + edge <= e.t <= sub.t[-1] - edge]
    from .quality import in_view_fractions  # (quality imports this module)
    from .spec import MIN_IN_VIEW

    if len(ics) < 2 or in_view_fractions(sub).get("feet", 0.0) < MIN_IN_VIEW:
        # feet out of the picture: their contacts are guesses; the hips' rhythm counts steps
        if ev.cadence_spectral:
            seg.basis = "hips"
            seg.cadence_spm = round(float(ev.cadence_spectral), 1)
            seg.steps = int(seg.duration_s * ev.cadence_spectral / 60.0)
            seg.steady = True  # one spectral line: no finer evidence either way
        else:
            seg.basis = "none"
        return [seg]
    ics = drop_doubles(ics)
    ict = np.array([e.t for e in ics])
    raw_d = np.diff(ict)
    splits = _confirmed(sub, ics, pace_splits(ict))
    # (last contact of the old pace, first contact of the new one) for each split: the
    # interval across a join fits neither rhythm, so the new stretch starts after it
    joins = []
    for j, k in enumerate(splits):
        nxt = splits[j + 1] if j + 1 < len(splits) else len(raw_d)
        new_med, old_med = float(np.median(raw_d[k:nxt])), float(np.median(raw_d[:k]))
        jn = k
        while (jn < min(k + 2, nxt - 1)
               and abs(np.log(raw_d[jn] / new_med)) > min(JOIN_FIT, abs(np.log(raw_d[jn] / old_med)))):
            jn += 1
        joins.append((k, jn))
    out = []
    first = 0
    for j in range(len(joins) + 1):
        last_old = joins[j][0] if j < len(joins) else len(ics) - 1
        nxt = joins[j][1] if j < len(joins) else len(ics)
        f0 = a if j == 0 else a + int(ics[first].frame)
        f1 = b if j == len(joins) else a + int(ics[nxt].frame)
        part = ics[first:last_old + 1]
        s = Segment(f0, f1, float(t[f0]), _end_time(t, f1), kind if j == 0 else "pace")
        s.steps = nxt - first
        cad, steps = cadence_from_ics(part)
        if cad is None and len(part) >= 2:
            d = np.diff([e.t for e in part])
            cad, steps = (60.0 / float(np.median(d)) if np.median(d) > 0 else None), list(d)
        s.cadence_spm = None if cad is None else round(float(cad), 1)
        s.step_times = [round(float(x), 4) for x in steps]
        s.steady = steady(steps)
        out.append(s)
        first = nxt
    return out


PACE_CONFIRM = 0.5  # the hips' rhythm must change the same way by half of PACE_CHANGE


def _confirmed(sub: Track, ics: list, splits: list[int]) -> list[int]:
    """The pace splits that the hips' bounce confirms: on each side of a split (up to the
    next ones) the hips' step rate (:func:`core.events.spectral_step_rate`) must change in
    the same direction as the contacts' by over ``PACE_CONFIRM`` x :data:`PACE_CHANGE`.
    Contacts read from a front view or a noisy track can drift in a way the body does not;
    two independent signals changing together is a real change of pace."""
    from .events import spectral_step_rate

    out: list[int] = []
    for j, k in enumerate(splits):
        lo = out[-1] if out else 0
        hi = splits[j + 1] if j + 1 < len(splits) else len(ics) - 1
        fa, fk, fb = int(ics[lo].frame), int(ics[k].frame), int(ics[hi].frame)
        ra, _ = spectral_step_rate(sub.frames(fa, fk + 1))
        rb, _ = spectral_step_rate(sub.frames(fk, fb + 1))
        ca = (k - lo) / max(1e-9, ics[k].t - ics[lo].t)
        cb = (hi - k) / max(1e-9, ics[hi].t - ics[k].t)
        if not ra or not rb or hi <= k:
            continue
        need = PACE_CONFIRM * PACE_CHANGE
        if np.sign(rb - ra) == np.sign(cb - ca) and abs(rb - ra) / min(ra, rb) > need:
            out.append(k)
    return out


CONFIRM_FRAMES = 2  # a jump or zoom this near a change of the picture is an edit


def boundaries(raw: Track, cut_frames: list[int] | tuple[int, ...] = (),
               change_frames: list[int] | None = None) -> list[tuple[int, str]]:
    """Hard boundaries ``(frame, kind)`` in time order (one per frame, the hardest kind);
    jumps and zooms only near ``change_frames`` when given (see :func:`find_segments`)."""

    def seen(f: int) -> bool:
        return change_frames is None or any(abs(f - c) <= CONFIRM_FRAMES for c in change_frames)

    rank = {k: i for i, k in enumerate(("cut", "jump", "zoom", "gap", "return"))}
    found: dict[int, str] = {}

    def add(f: int, kind: str) -> None:
        edge = max(2, int(round(EDGE_S * raw.fps)))
        if edge <= f <= raw.n - edge and (f not in found or rank[kind] < rank[found[f]]):
            # merge boundaries a few frames apart (one cut seen by several signals)
            near = [g for g in found if abs(g - f) <= 3]
            if near:
                g = near[0]
                if rank[kind] < rank[found[g]]:
                    found[g] = kind
                return
            found[f] = kind

    for f in cut_frames:
        add(int(f), "cut")
    for f in jump_frames(raw):
        if seen(f):
            add(f, "jump")
    for f in zoom_frames(raw):
        if seen(f):
            add(f, "zoom")
    for a, b in gap_runs(raw):
        add(a, "gap")
        add(b, "return")
    return sorted(found.items())


def find_segments(raw: Track, cut_frames: list[int] | tuple[int, ...] = (),
                  view: str = "auto", change_frames: list[int] | None = None) -> SegmentPlan:
    """Split ``raw`` into stretches and choose the one to analyse (see module docstring).

    ``change_frames``: frames where the picture changes much more than usual
    (:attr:`core.admission.ClipStats.change_frames`); a jump or zoom of the runner counts
    only within :data:`CONFIRM_FRAMES` of one (the pose model's size and place of a runner
    wobble; an edit changes the picture too). None: no picture known, the pose alone."""
    if raw.n < 2:
        return SegmentPlan([], None, "")
    gaps = gap_runs(raw)
    gap_starts = {a for a, _ in gaps}
    cuts = boundaries(raw, cut_frames, change_frames)
    edges = [0] + [f for f, _ in cuts] + [raw.n]
    kinds = ["start"] + [k for _, k in cuts]
    segs: list[Segment] = []
    for a, b, k in zip(edges[:-1], edges[1:], kinds):
        if b <= a:
            continue
        kind = "gap" if a in gap_starts else k
        segs.extend(_piece(raw, a, b, kind, view))
    if len(segs) <= 1:
        return SegmentPlan(segs, 0 if segs else None)
    return SegmentPlan(segs, *_choose(segs))


def _choose(segs: list[Segment]) -> tuple[int | None, str]:
    ok = [i for i, s in enumerate(segs) if s.steady and s.steps >= MIN_STEPS]
    running = [i for i in ok if segs[i].running()]
    pool = running or ok
    if pool:
        return max(pool, key=lambda i: (segs[i].duration_s, segs[i].steps)), ""
    counted = [s for s in segs if s.basis != "none"]
    best = max((s.steps for s in counted if s.steady), default=0)
    longest = max((s.steps for s in counted), default=0)
    mixed = (f" (a longer stretch of {longest} steps changes pace within it)"
             if longest > max(best, MIN_STEPS - 1) else "")
    hard = sum(1 for s in segs if s.kind in ("cut", "jump", "zoom"))
    if hard:
        why = (f"The clip is cut into short pieces ({len(segs)} stretches); the longest "
               f"continuous stretch at a steady running pace has {best} steps (at least "
               f"{MIN_STEPS} needed){mixed}.")
    elif any(s.kind == "gap" for s in segs):
        why = (f"The runner leaves the picture, splitting the clip into short pieces; the "
               f"longest continuous stretch at a steady pace has {best} steps (at least "
               f"{MIN_STEPS} needed){mixed}.")
    else:
        why = (f"The pace keeps changing; the longest stretch at a steady pace has {best} "
               f"steps (at least {MIN_STEPS} needed).")
    return None, why


def describe(plan: SegmentPlan) -> str:
    """One line for the runner: which seconds were analysed and why (empty for a whole clip)."""
    seg = plan.analysed
    if plan.whole:
        return ""
    if seg is None:
        return plan.refusal
    others = len(plan.segments) - 1
    cad = f" at {seg.cadence_spm:.0f} steps/min" if seg.cadence_spm else ""
    return (f"Analysed {seg.start_s:.1f}-{seg.end_s:.1f} s, the longest steady running stretch "
            f"({seg.steps} steps{cad}); the clip's {others} other stretch"
            f"{'es are' if others != 1 else ' is'} listed with "
            f"{'their' if others != 1 else 'its'} cadence, not scored.")


def segments_info(plan: SegmentPlan):
    """The plan as the report stores it (:class:`core.report.Segments`); None for no frames."""
    from .report import SegmentInfo, Segments

    if not plan.segments:
        return None
    seg = plan.analysed
    items = [SegmentInfo(round(s.start_s, 2), round(s.end_s, 2), s.kind, s.reason, int(s.steps),
                         s.cadence_spm, bool(s.steady), i == plan.chosen, s.basis)
             for i, s in enumerate(plan.segments)]
    return Segments(plan.whole, None if seg is None else round(seg.start_s, 2),
                    None if seg is None else round(seg.end_s, 2), items, describe(plan))


def trim_events(events, seg: Segment, edge_s: float = EDGE_S):
    """``events`` (:class:`core.events.GaitEvents` of a windowed track) without the contacts
    and toe-offs within ``edge_s`` of the stretch's ends (a foot's swing cut off by the
    boundary reads as a contact there), the contacts' cadence recomputed."""
    lo, hi = seg.start_s + edge_s, seg.end_s - edge_s
    ics = [e for e in events.ics if lo <= e.t <= hi]
    tos = [e for e in events.tos if lo <= e.t <= hi]
    cad, step_times = cadence_from_ics(ics)
    return replace(events, ics=ics, tos=tos, cadence_events=cad, step_times=step_times)
