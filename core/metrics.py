"""Stage 6 — metrics: every metric of the contract (:mod:`core.spec`) valid for the view.

Contract:
    compute_metrics(track, view, events, height_cm=None) -> MetricsOutput
        ``results``: list of :class:`core.report.MetricResult` (value, status, confidence,
        caveat, per side, asymmetry, evidence frames); ``strides``: per-stride table rows;
        ``series``: per-frame channels for charts; ``not_measured``: why other metrics are absent.

Geometry: image y points down; side-view signs are relative to where the runner faces
(``fwd`` = +1 facing image-right, -1 facing left), so both directions read the same. Distances
are in % of leg length L (median hip->knee->ankle length); with a runner height, cm as well
(L = 0.49 x height, Winter's segment proportions).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import signal
from .events import Event, GaitEvents, choose_cadence
from .landmarks import Track
from .report import MetricResult
from .quality import in_view_fractions
from .spec import (BY_ID, FOOT_STRIKE_FORE_DEG, FOOT_STRIKE_HEEL_DEG, GROUP_MISSING, METRICS,
                   MIN_IN_VIEW, MIN_TIMING_FPS, PRECISE_TIMING_FPS, TIMING_FPS, side_difference)
from .view import ViewResult

LEG_PER_HEIGHT = 0.49


@dataclass
class MetricsOutput:
    results: list[MetricResult]
    strides: list[dict]
    series: dict
    not_measured: list[dict] = field(default_factory=list)
    feet_in_view: bool = True  # False: foot contacts are guesses and must not be shown


# ----------------------------------------------------------------------------- geometry
def angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle at b of the a-b-c chain, degrees (N,)."""
    u, v = a - b, c - b
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def from_vertical_deg(top: np.ndarray, bottom: np.ndarray, fwd: float) -> np.ndarray:
    """Angle of the bottom->top line from vertical, positive when top is ahead (forward)."""
    d = top - bottom
    return np.degrees(np.arctan2(fwd * d[..., 0], -d[..., 1]))


def lerp(arr: np.ndarray, pos: float) -> np.ndarray:
    """``arr`` (frames first) linearly interpolated at fractional frame ``pos``."""
    i0 = int(np.floor(pos))
    i1 = min(i0 + 1, len(arr) - 1)
    w = pos - i0
    return arr[i0] * (1 - w) + arr[i1] * w


def _peak(arr: np.ndarray, start: int = 0) -> tuple[float | None, int | None]:
    """Largest finite value of ``arr`` and its frame (``start`` + index); (None, None) if none."""
    a = np.asarray(arr, float)
    if not np.isfinite(a).any():
        return None, None
    k = int(np.nanargmax(a))
    return float(a[k]), start + k


def _range(arr: np.ndarray) -> float | None:
    """Peak-to-trough of the finite values (None with fewer than two)."""
    a = np.asarray(arr, float)
    a = a[np.isfinite(a)]
    return float(a.max() - a.min()) if len(a) >= 2 else None


def _nanmed(x) -> float | None:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    return float(np.median(x)) if len(x) else None


def _iqr(x) -> float | None:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if len(x) < 4:
        return None
    q1, q3 = np.percentile(x, [25, 75])
    return float(q3 - q1)


def _closest(frames: list[int], values: list[float], target: float | None) -> list[int]:
    pairs = [(abs(v - target), f) for f, v in zip(frames, values)
             if target is not None and v is not None and np.isfinite(v)]
    return [f for _, f in sorted(pairs)[:1]]


# ----------------------------------------------------------------------------- builder
class _Builder:
    def __init__(self, track: Track, view: ViewResult, events: GaitEvents, height_cm: float | None):
        self.tr, self.view, self.ev = track, view, events
        self.L = track.leg_length_px()
        self.cm_per_L = height_cm * LEG_PER_HEIGHT if height_cm else None
        self.fps = track.fps
        self.results: list[MetricResult] = []
        self.nm: list[dict] = []
        self.view_conf = view.confidence
        self.in_view = in_view_fractions(track)

    def out_of_view(self, mid: str) -> str | None:
        """Why ``mid`` cannot be measured because landmarks it needs are out of the picture
        (None when all its :attr:`MetricSpec.needs` are in view in enough frames)."""
        for g in BY_ID[mid].needs:
            frac = self.in_view.get(g, 1.0)
            if frac < MIN_IN_VIEW:
                return (f"{GROUP_MISSING[g]} (in view in {frac:.0%} of frames, "
                        f"{MIN_IN_VIEW:.0%} needed), and this measure needs them.")
        return None

    @property
    def feet_in_view(self) -> bool:
        return self.in_view.get("feet", 1.0) >= MIN_IN_VIEW

    def conf(self, n: int, base: str = "high", min_n: int = 6) -> str:
        order = ["low", "medium", "high"]
        c = order.index(base)
        if n < min_n:
            c -= 1
        if n < 3:
            c = 0
        c = min(c, order.index(self.view_conf) if self.view_conf in order else 0)
        return order[max(c, 0)]

    def add(self, mid: str, value: float | None, *, caveat: str, confidence: str, n: int,
            left: float | None = None, right: float | None = None, spread: float | None = None,
            evidence: list[int] | None = None, status: str | None = None, display: str | None = None,
            extra: dict | None = None) -> None:
        spec = BY_ID[mid]
        if not spec.valid_for(self.view.view):
            return  # the contract does not allow it from this view (listed as not measured)
        hidden = self.out_of_view(mid)
        if hidden:
            self.missing(mid, hidden)
            return
        if value is None:
            self.missing(mid, "Not enough clean strides to measure it.")
            return
        value = float(value)
        # one rounding (spec.shown) for the number shown and the status judged
        st = status or spec.status(value)
        sides = side_difference(spec, left, right)
        value_cm = None
        if self.cm_per_L and spec.unit == "% leg":
            value_cm = round(value / 100 * self.cm_per_L, 1)
        if display is None:
            unit = {"% leg": "% of leg length", "deg": "\u00b0"}.get(spec.unit, spec.unit)
            display = f"{spec.fmt(value)}{unit}" if spec.unit == "deg" else f"{spec.fmt(value)} {unit}"
            if value_cm is not None:
                display += f" ({value_cm:.0f} cm)"
        if sides is not None and sides.status != "good" and st == "good" and spec.kind == "range":
            caveat = (caveat + " " if caveat else "") + f"Left and right: {sides.text}."
        self.results.append(MetricResult(
            id=mid, label=spec.label, area=spec.area, unit=spec.unit, value=value,
            display=display, status=st, confidence=confidence, caveat=caveat,
            band_good=spec.good, band_fix=spec.fix, left=left, right=right,
            asymmetry_pct=sides.value if sides is not None and sides.unit == "%" else None,
            side_diff=None if sides is None else {"value": sides.value, "unit": sides.unit,
                                                  "status": sides.status, "text": sides.text},
            spread=spread, n=n, value_cm=value_cm, evidence_frames=list(evidence or []),
            extra=dict(extra or {})))

    def missing(self, mid: str, reason: str) -> None:
        spec = BY_ID[mid]
        reason = self.out_of_view(mid) or reason  # the first reason: landmarks out of view
        if spec.valid_for(self.view.view) and all(m["id"] != mid for m in self.nm):
            self.nm.append({"id": mid, "label": spec.label, "area": spec.area, "reason": reason})

    def pct(self, px) -> np.ndarray:
        return np.asarray(px, float) / self.L * 100.0


class _PerStride:
    """Per-stride values by foot, the frames that show them, and the per-stride table rows."""

    def __init__(self, b: _Builder) -> None:
        self.b = b
        self.vals: dict[str, dict[str, list[float]]] = {}
        self.frames: dict[str, dict[str, list[int]]] = {}
        self.rows: list[dict] = []

    def row(self, k: int, ic: Event) -> dict:
        r = {"stride": k + 1, "foot": ic.foot, "ic_frame": ic.frame, "t": round(ic.t, 3)}
        self.rows.append(r)
        return r

    def put(self, row: dict, key: str, val, frame: int | None = None, col: str | None = None) -> None:
        if val is None or not np.isfinite(val):
            return
        foot = row["foot"]
        self.vals.setdefault(key, {"L": [], "R": []})[foot].append(float(val))
        self.frames.setdefault(key, {"L": [], "R": []})[foot].append(
            int(row["ic_frame"] if frame is None else frame))
        row[col or key] = round(float(val), 1)

    def both(self, key: str) -> list[float]:
        v = self.vals.get(key, {"L": [], "R": []})
        return v["L"] + v["R"]

    def side(self, key: str, foot: str) -> float | None:
        return _nanmed(self.vals.get(key, {}).get(foot, []))

    def add(self, mid: str, key: str, caveat: str, base: str = "high", **kw) -> None:
        """Add metric ``mid`` as the median over strides of ``key`` (with L/R and evidence)."""
        vals = self.both(key)
        v = _nanmed(vals)
        fr = self.frames.get(key, {"L": [], "R": []})
        evidence = _closest(fr["L"] + fr["R"], vals, v)
        if evidence:  # which foot the evidence frame shows, for the drawing
            foot = "L" if evidence[0] in fr["L"] else "R"
            kw["extra"] = dict(kw.get("extra") or {}, evidence_foot=foot)
        self.b.add(mid, v, caveat=caveat,
                   confidence=self.b.conf(len(vals), base), n=len(vals),
                   left=self.side(key, "L"), right=self.side(key, "R"), spread=_iqr(vals),
                   evidence=evidence, **kw)


def _strides(ev: GaitEvents, n_frames: int) -> list[dict]:
    """One row per IC with its matching TO, next IC of the same foot, previous TO of the other."""
    rows = []
    ics = ev.ics
    for i, e in enumerate(ics):
        nxt_same = next((x for x in ics[i + 1:] if x.foot == e.foot), None)
        limit = nxt_same.frame if nxt_same else n_frames
        to = next((x for x in ev.tos if x.foot == e.foot and e.frame < x.frame < limit), None)
        other_to = [x for x in ev.tos if x.foot != e.foot and x.frame < e.frame]
        rows.append({"ic": e, "to": to, "next_ic": nxt_same,
                     "prev_other_to": other_to[-1] if other_to else None})
    return rows


def _cadence(b: _Builder) -> None:
    ev = b.ev
    ce, cs = ev.cadence_events, ev.cadence_spectral
    n = len(ev.ics)
    if b.out_of_view("cadence"):  # contacts of feet out of the picture are guesses
        b.missing("cadence", b.out_of_view("cadence"))
        return
    choice = choose_cadence(ce, cs, n)  # one arbitration for the report and live mode
    value = choice.value
    if choice.basis == "none":
        b.missing("cadence", "No regular steps were found.")
        return
    if choice.basis == "agree":
        conf = b.conf(n)
        caveat = f"From {n} foot contacts; matches the bounce of the hips ({cs:.0f})."
    elif choice.basis == "rhythm":
        conf = "medium" if b.view_conf != "low" else "low"
        caveat = "From the rhythm of the hips' bounce; too few clear foot contacts to count."
    elif choice.basis == "multiple":
        # the hips' rhythm locked onto the stride (or double the step) rate: count contacts
        conf = "medium"
        caveat = (f"From {n} foot contacts; the hips' rhythm ({cs:.0f}) ran at a multiple of "
                  "it, so treat it with some care.")
    elif choice.basis == "disagree":
        conf = "low"
        caveat = (f"Contacts ({ce:.0f}) and the hips' rhythm ({cs:.0f}) disagree; "
                  "shown is the rhythm.")
    else:  # "contacts": no rhythm found
        conf = "low"
        caveat = "From foot contacts only."
    ev_frames = [e.frame for e in ev.ics[:2]]
    b.add("cadence", value, caveat=caveat, confidence=conf, n=n, evidence=ev_frames,
          display=f"{BY_ID['cadence'].fmt(value)} steps/min",
          extra={"cadence_events": ce, "cadence_spectral": cs})


TIMING_METRICS = ("overstride", "shank_angle_ic", "knee_flexion_ic", "foot_strike",
                  "contact_time", "duty_factor", "flight_time")


def _side(b: _Builder) -> tuple[list[dict], dict]:
    tr, ev = b.tr, b.ev
    fwd = 1.0 if b.view.facing != "left" else -1.0
    pelvis = tr.mid("l_hip", "r_hip")
    shoulders = tr.mid("l_shoulder", "r_shoulder")
    trunk = from_vertical_deg(shoulders, pelvis, fwd)
    P = {s: {k: tr.p(f"{s}_{k}") for k in ("hip", "knee", "ankle", "heel", "toe")} for s in "lr"}
    knee_flex = {s: 180 - angle_deg(P[s]["hip"], P[s]["knee"], P[s]["ankle"]) for s in "lr"}
    # thigh: angle of hip->knee from vertical, forward positive (knee ahead of hip)
    thigh = {s: np.degrees(np.arctan2(fwd * (P[s]["knee"][:, 0] - P[s]["hip"][:, 0]),
                                      P[s]["knee"][:, 1] - P[s]["hip"][:, 1])) for s in "lr"}
    foot_ang = {s: np.degrees(np.arctan2(P[s]["heel"][:, 1] - P[s]["toe"][:, 1],
                                         fwd * (P[s]["toe"][:, 0] - P[s]["heel"][:, 0])))
                for s in "lr"}
    low_fps = b.fps < TIMING_FPS
    ps = _PerStride(b)
    # flat-foot reference per foot: the foot's angle at midstance
    flat = {}
    for s, F in (("l", "L"), ("r", "R")):
        mids = []
        for r in _strides(ev, tr.n):
            if r["ic"].foot == F and r["to"] is not None:
                mids.append((r["ic"].frame + r["to"].frame) // 2)
        flat[s] = _nanmed(foot_ang[s][mids]) if mids else None
    for k, r in enumerate(_strides(ev, tr.n)):
        ic, to = r["ic"], r["to"]
        s = ic.foot.lower()
        i = ic.frame
        row = ps.row(k, ic)

        def put(key, val, frame=None, col=None):
            ps.put(row, key, val, frame, col)

        x = ic.at  # sub-frame contact time
        put("overstride", b.pct(fwd * (lerp(P[s]["ankle"], x)[0] - lerp(pelvis, x)[0])),
            col="overstride_pct_leg")
        put("shank", from_vertical_deg(lerp(P[s]["knee"], x), lerp(P[s]["ankle"], x), -fwd),
            col="shank_deg")
        put("knee_ic", lerp(knee_flex[s], x), col="knee_flex_ic_deg")
        if flat[s] is not None:
            # the foot flattens within a frame of a heel or forefoot landing, so take the
            # largest-magnitude foot angle over the last frame up to contact
            w = np.arange(max(0.0, x - 1.0), x + 1e-6, 0.5)
            ang = np.array([lerp(foot_ang[s], q) for q in w]) - flat[s]
            if np.isfinite(ang).any():
                put("strike", ang[int(np.nanargmax(np.abs(ang)))], col="foot_strike_deg")
        if to is not None:
            j = to.frame
            val, at = _peak(knee_flex[s][i:j + 1], i)
            put("knee_mid", val, frame=at, col="knee_flex_mid_deg")
            put("contact", (to.t - ic.t) * 1000, col="contact_ms")
            put("hip_ext", -thigh[s][j], frame=j, col="hip_ext_to_deg")
            m = (i + j) // 2
            ank = P[s]["ankle"][m]
            body = from_vertical_deg(shoulders[m], ank, fwd)
            put("waist", trunk[m] - body, frame=m, col="waist_lean_deg")
            # hips behind the ankle->shoulder line (perpendicular, behind positive)
            d = shoulders[m] - ank
            w = pelvis[m] - ank
            cross = (d[0] * w[1] - d[1] * w[0]) / (np.linalg.norm(d) + 1e-9)
            put("behind", b.pct(fwd * -cross), frame=m, col="hips_behind_pct_leg")
            if r["next_ic"] is not None:
                stride_t = r["next_ic"].t - ic.t
                put("duty", (to.t - ic.t) / stride_t * 100, col="duty_factor_pct")
                sw = slice(j, r["next_ic"].frame + 1)
                val, at = _peak(thigh[s][sw], j)
                put("knee_drive", val, frame=at, col="knee_drive_deg")
                py = pelvis[i:r["next_ic"].frame + 1, 1]
                rng = _range(py)
                put("vosc", None if rng is None else b.pct(rng), col="vertical_osc_pct_leg")
        if r["prev_other_to"] is not None:
            ft = (ic.t - r["prev_other_to"].t) * 1000
            if 0 <= ft < 400:
                put("flight", ft, col="flight_ms")
    held = set(TIMING_METRICS) if b.fps < MIN_TIMING_FPS else set()
    held_reason = (f"Only {b.fps:.0f} frames per second were analysed: too few to time foot "
                   "contacts. Film (or stream) at 30 fps or more.")

    def add_stride_metric(mid, key, caveat, **kw):
        if mid in held:
            b.missing(mid, held_reason)
        else:
            ps.add(mid, key, caveat, **kw)

    # one frame of contact timing moves overstride by ~6 % of leg at 60 fps, 11 % at 30 fps
    timing = "medium" if b.fps >= PRECISE_TIMING_FPS else "low"
    add_stride_metric("overstride", "overstride",
                      "Measured at the ankle at first contact, so it depends on catching that "
                      "frame (one frame here moves it by several % of leg); a low camera or one "
                      "not square to the runner exaggerates it.", base=timing)
    add_stride_metric("shank_angle_ic", "shank", "Shin angle at first contact.", base=timing)
    add_stride_metric("knee_flexion_ic", "knee_ic", "Knee angle at first contact.", base="medium")
    add_stride_metric("knee_flexion_mid", "knee_mid", "Deepest knee bend while on the ground.",
                      base="medium")
    # foot strike: custom status
    vals = ps.both("strike")
    fs = _nanmed(vals)
    if "foot_strike" in held:
        b.missing("foot_strike", held_reason)
    elif fs is None:
        b.missing("foot_strike", "The feet were not seen clearly at contact.")
    else:
        fs = BY_ID["foot_strike"].shown(fs)  # the kind is judged on the angle as shown
        kind = "heel" if fs > FOOT_STRIKE_HEEL_DEG else "forefoot" if fs < FOOT_STRIKE_FORE_DEG else "midfoot"
        ov = _nanmed(ps.both("overstride"))
        ov_status = BY_ID["overstride"].status(ov)
        st = ("fix" if ov_status == "fix" else "watch" if ov_status == "watch" else "good") \
            if kind == "heel" else "good"
        ps.add("foot_strike", "strike", "Foot angle at contact against the runner's own "
               "flat-foot angle at midstance; the pose model's foot points are coarse.",
               base="medium" if not low_fps else "low", status=st,
               display=f"{kind} ({fs:+.0f}\u00b0)", extra={"pattern": kind})
    ct_cav = ("Only approximate at this frame rate (one frame is "
              f"{1000 / b.fps:.0f} ms); film at 60 fps or more for timing." if low_fps
              else "From detected contact and toe-off frames.")
    add_stride_metric("contact_time", "contact", ct_cav,
                      base="low" if low_fps else "high" if b.fps >= PRECISE_TIMING_FPS else "medium")
    add_stride_metric("duty_factor", "duty", ct_cav, base="low" if low_fps else "medium")
    add_stride_metric("flight_time", "flight", ct_cav, base="low" if low_fps else "medium")
    # hips
    tl = _nanmed(trunk[tr.detected])
    tl_frames = np.flatnonzero(tr.detected)
    b.add("trunk_lean", tl,
          caveat="Hip-to-shoulder line over the whole clip; the pose model's hip points sit a "
                 "little forward of the hip joints.",
          confidence=b.conf(int(tr.detected.sum()) // 10), n=int(tr.detected.sum()),
          spread=_iqr(trunk[tr.detected]),
          evidence=_closest(list(tl_frames), list(trunk[tl_frames]), tl))
    add_stride_metric("waist_lean", "waist", "Trunk lean minus whole-body lean at midstance.",
                      base="medium")
    add_stride_metric("hips_behind", "behind", "Hips against the ankle-to-shoulder line at "
                      "midstance.", base="medium")
    add_stride_metric("hip_extension", "hip_ext", "Thigh angle behind vertical at toe-off.",
                      base="medium" if not low_fps else "low")
    add_stride_metric("knee_drive", "knee_drive", "Highest forward thigh angle in swing.",
                      base="medium")
    add_stride_metric("vertical_oscillation", "vosc", "Rise and fall of the hips per stride.")
    # shoulders
    vis = tr.vis
    near = "l" if np.nanmean(vis[:, 13] + vis[:, 15]) >= np.nanmean(vis[:, 14] + vis[:, 16]) else "r"
    elbow = angle_deg(tr.p(f"{near}_shoulder"), tr.p(f"{near}_elbow"), tr.p(f"{near}_wrist"))
    ok = tr.detected & np.isfinite(elbow)
    ea = _nanmed(elbow[ok])
    fr = np.flatnonzero(ok)
    b.add("elbow_angle", ea,
          caveat="Near arm, median over the clip; a forearm pointing at the camera reads wider.",
          confidence=b.conf(int(ok.sum()) // 10), n=int(ok.sum()), spread=_iqr(elbow[ok]),
          evidence=_closest(list(fr), list(elbow[fr]), ea), extra={"arm": near.upper()})
    _arm_swing(b, tr, ev, fwd, near, trunk)
    _head(b, tr, fwd, trunk)
    series = {
        "trunk_lean": trunk,
        "knee_flex_L": knee_flex["l"], "knee_flex_R": knee_flex["r"],
        "thigh_L": thigh["l"], "thigh_R": thigh["r"],
        "elbow": elbow,
        "hip_height": -b.pct(pelvis[:, 1] - np.nanmedian(pelvis[:, 1])),
        "foot_fwd_L": b.pct(fwd * (P["l"]["ankle"][:, 0] - pelvis[:, 0])),
        "foot_fwd_R": b.pct(fwd * (P["r"]["ankle"][:, 0] - pelvis[:, 0])),
    }
    return ps.rows, series


ARM_ARC_SMALL_DEG = 30.0  # upper-arm swing below this is "very small"
ARM_ARC_TINY_DEG = 20.0


def _arm_swing(b: _Builder, tr: Track, ev: GaitEvents, fwd: float, near: str,
               trunk: np.ndarray) -> None:
    """Size: wrist travel relative to the shoulder (% leg). Balance: the upper arm's pendulum
    against the trunk line, forward vs backward (a bent elbow keeps the wrist ahead of the
    shoulder all the time, so the wrist cannot tell front from back)."""
    sh, el = tr.p(f"{near}_shoulder"), tr.p(f"{near}_elbow")
    wrist = b.pct(fwd * (tr.p(f"{near}_wrist")[:, 0] - sh[:, 0]))
    upper = from_vertical_deg(sh, el, -fwd) - trunk  # + = elbow ahead of the trunk line
    ics = [e for e in ev.ics if e.foot == "L"] or ev.ics
    travel, fronts, backs, frames = [], [], [], []
    for a, c in zip(ics[:-1], ics[1:]):
        seg, up = wrist[a.frame:c.frame + 1], upper[a.frame:c.frame + 1]
        if np.isfinite(seg).sum() < 3 or np.isfinite(up).sum() < 3:
            continue
        travel.append(float(np.nanmax(seg) - np.nanmin(seg)))
        fronts.append(max(0.0, float(np.nanmax(up))))
        backs.append(max(0.0, -float(np.nanmin(up))))
        frames.append(a.frame + int(np.nanargmax(up)))
    if len(travel) < 2:
        b.missing("arm_swing", "Not enough strides with the arm in view.")
        return
    size = float(np.median(travel))
    f, k = float(np.median(fronts)), float(np.median(backs))
    arc = f + k
    share = f / arc * 100 if arc > 0 else 50.0
    share, arc = round(share), round(arc)  # judged as shown
    if share > 85 or arc < ARM_ARC_TINY_DEG:
        st = "fix"
    elif share > 70 or share < 20 or arc < ARM_ARC_SMALL_DEG:
        st = "watch"
    else:
        st = "good"
    desc = ("very small" if arc < ARM_ARC_SMALL_DEG else "mostly in front" if share > 70
            else "mostly behind" if share < 20 else "even front and back")
    b.add("arm_swing", round(size, 1),
          caveat="Near arm: the upper arm's swing against the trunk line sets the balance, "
                 "the wrist's travel the size.",
          confidence=b.conf(len(travel), "medium"), n=len(travel), status=st,
          evidence=frames[:1], display=f"{desc} ({share:.0f} % of a {arc:.0f}\u00b0 swing in front)",
          extra={"arm": near.upper(), "front_share_pct": round(share, 1),
                 "upper_arm_front_deg": round(f, 1), "upper_arm_back_deg": round(k, 1),
                 "wrist_travel_pct_leg": round(size, 1)})


def _head(b: _Builder, tr: Track, fwd: float, trunk: np.ndarray) -> None:
    vis = tr.vis
    ear = "l" if np.nanmean(vis[:, 7]) >= np.nanmean(vis[:, 8]) else "r"
    sh = tr.p(f"{ear}_shoulder")
    e = tr.p(f"{ear}_ear")
    nose = tr.p("nose")
    neck = from_vertical_deg(e, sh, fwd) - trunk
    gaze = np.degrees(np.arctan2(nose[:, 1] - e[:, 1], fwd * (nose[:, 0] - e[:, 0])))
    ok = tr.detected & np.isfinite(neck)
    v = _nanmed(neck[ok])
    g = _nanmed(gaze[ok])
    if v is None:
        b.missing("head_position", "The head was not seen clearly.")
        return
    spec = BY_ID["head_position"]
    st = spec.status(v)
    if g is not None and g > 35 and st == "good":
        st = "watch"
    fr = np.flatnonzero(ok)
    desc = "forward of the shoulders" if spec.shown(v) > spec.good_hi else "over the shoulders"
    if g is not None and g > 35:
        desc += ", looking down"
    b.add("head_position", v, status=st,
          caveat="Ear against the shoulder beyond the trunk's own lean; hair and hats move "
                 "the ear point.", confidence=b.conf(int(ok.sum()) // 10, "low"), n=int(ok.sum()),
          evidence=_closest(list(fr), list(neck[fr]), v), display=f"{desc} ({spec.fmt(v)}\u00b0)",
          extra={"gaze_down_deg": None if g is None else round(g, 1)})


def _shrug(b: _Builder) -> None:
    tr = b.tr
    sh_y = tr.mid("l_shoulder", "r_shoulder")[:, 1]
    ear_y = tr.mid("l_ear", "r_ear")[:, 1]
    torso = np.linalg.norm(tr.mid("l_shoulder", "r_shoulder") - tr.mid("l_hip", "r_hip"), axis=1)
    r = (sh_y - ear_y) / torso
    ok = tr.detected & np.isfinite(r)
    if ok.sum() < 10:
        b.missing("shoulder_elevation", "The shoulders and head were not seen clearly.")
        return
    relaxed = float(np.percentile(r[ok], 90))
    med = float(np.median(r[ok]))
    # landmark jitter alone puts the 90th percentile ~1.28 sigma above the median: take that
    # part out (sigma from frame-to-frame differences) so only real tension is left
    d = np.diff(r[ok])
    sigma = signal.mad(d) * signal.MAD_TO_SIGMA / np.sqrt(2) if len(d) > 3 else 0.0
    index = max(0.0, (1 - med / relaxed) - 1.28 * sigma / relaxed) * 100 if relaxed > 0 else 0.0
    fr = np.flatnonzero(ok)
    worst = int(fr[np.argmin(r[fr])])
    b.add("shoulder_elevation", index,
          caveat="Against your own most relaxed frames in this clip, so it shows tension that "
                 "comes and goes, not a constant shrug.", confidence="low", n=int(ok.sum()),
          evidence=[worst], display=f"{BY_ID['shoulder_elevation'].fmt(index)} % above your relaxed position",
          extra={"ear_shoulder_over_torso": round(med, 3)})


def _frontal(b: _Builder) -> tuple[list[dict], dict]:
    tr, ev = b.tr, b.ev
    front = b.view.view == "front"
    pelvis = tr.mid("l_hip", "r_hip")
    shoulders = tr.mid("l_shoulder", "r_shoulder")
    # direction (image x) toward each foot's own side
    own = {"L": 1.0 if front else -1.0, "R": -1.0 if front else 1.0}
    ps = _PerStride(b)
    crossings, n_strides = 0, 0
    for k, r in enumerate(_strides(ev, tr.n)):
        ic, to = r["ic"], r["to"]
        F, s = ic.foot, ic.foot.lower()
        o = "r" if s == "l" else "l"
        i = ic.frame
        row = ps.row(k, ic)

        def put(key, val, frame=None, col=None):
            ps.put(row, key, val, frame, col)

        put("width", b.pct(own[F] * (tr.p(f"{s}_ankle")[i, 0] - pelvis[i, 0])), col="step_width_pct_leg")
        if to is not None:
            j = to.frame
            m = (i + j) // 2
            heel, toe = tr.p(f"{s}_heel")[m], tr.p(f"{s}_toe")[m]
            put("turn", np.degrees(np.arctan2(own[F] * (toe[0] - heel[0]), abs(toe[1] - heel[1]) + 1e-6)),
                frame=m, col="foot_turnout_deg")
        # pelvic drop over the step (this contact to the other foot's next one), which holds
        # the single-leg stance without depending on the toe-off, hard to time from the front
        nxt_other = next((x for x in ev.ics if x.foot != F and x.frame > i), None)
        if nxt_other is not None and nxt_other.frame - i >= 2:
            hs, ho = tr.p(f"{s}_hip")[i:nxt_other.frame], tr.p(f"{o}_hip")[i:nxt_other.frame]
            tilt = np.degrees(np.arctan2(ho[:, 1] - hs[:, 1], np.abs(ho[:, 0] - hs[:, 0]) + 1e-6))
            val, at = _peak(tilt, i)
            put("drop", val, frame=at, col="pelvic_drop_deg")
        if r["next_ic"] is not None:
            n_strides += 1
            seg = slice(i, r["next_ic"].frame + 1)
            sx = shoulders[seg, 0]
            if np.isfinite(sx).sum() > 3:
                tt = tr.t[seg]
                okk = np.isfinite(sx)
                resid = sx[okk] - np.polyval(np.polyfit(tt[okk], sx[okk], 1), tt[okk])
                put("sway", b.pct(resid.max() - resid.min()), col="lateral_sway_pct_leg")
            py = pelvis[seg, 1]
            rng = _range(py)
            put("vosc", None if rng is None else b.pct(rng), col="vertical_osc_pct_leg")
            for side, F2 in (("l", "L"), ("r", "R")):
                wx = tr.p(f"{side}_wrist")[seg, 0] - pelvis[seg, 0]
                if np.any(own[F2] * wx < -0.03 * b.L):
                    crossings += 1
                    row["arm_crossover"] = True
                    break
    add = ps.add
    add("step_width", "width", "Landing ankle against the middle of the hips at contact.",
        base="medium")
    add("foot_turnout", "turn", "Heel-to-toe direction at midstance; a 2-D camera sees this "
        "only roughly.", base="low")
    add("pelvic_drop", "drop", "The pose model's hip points follow only part of a real pelvic "
        "tilt (about 15 % in our tests), so this reads low: a large value is meaningful, a "
        "small one does not rule a drop out.", base="low")
    add("lateral_sway", "sway", "Side-to-side travel of the shoulders within each stride.",
        base="medium")
    add("vertical_oscillation", "vosc", "Seen from the front, depth changes add to the bounce "
        "(it read about 3 % of leg length high in our tests).", base="low")
    if n_strides >= 2:
        pctc = crossings / n_strides * 100
        b.add("arm_crossover", pctc, caveat="A wrist passing the middle of the body.",
              confidence=b.conf(n_strides, "medium"), n=n_strides,
              display=f"{BY_ID['arm_crossover'].fmt(pctc)} % of strides")
    else:
        b.missing("arm_crossover", "Not enough strides.")
    # trunk rotation from apparent shoulder vs hip width changes
    ws = np.abs(tr.p("l_shoulder")[:, 0] - tr.p("r_shoulder")[:, 0])
    wh = np.abs(tr.p("l_hip")[:, 0] - tr.p("r_hip")[:, 0])
    ok = tr.detected & np.isfinite(ws) & np.isfinite(wh)
    if ok.sum() > 20:
        rs = np.degrees(np.arccos(np.clip(ws / np.percentile(ws[ok], 98), 0, 1)))
        rh = np.degrees(np.arccos(np.clip(wh / np.percentile(wh[ok], 98), 0, 1)))
        rot = float(np.percentile(np.abs(rs - rh)[ok], 90))
        b.add("trunk_rotation", rot, caveat="Estimated from how the shoulders' width "
              "changes against the hips'; a 2-D camera sees this only roughly.",
              confidence="low", n=int(ok.sum()))
    else:
        b.missing("trunk_rotation", "The shoulders and hips were not seen clearly.")
    tilt = np.degrees(np.arctan2(tr.p("l_shoulder")[:, 1] - tr.p("r_shoulder")[:, 1],
                                 np.abs(tr.p("l_shoulder")[:, 0] - tr.p("r_shoulder")[:, 0]) + 1e-6))
    okt = tr.detected & np.isfinite(tilt)
    if okt.sum() > 10:
        lvl = float(np.median(tilt[okt]))
        lv = BY_ID["shoulder_level"].fmt(abs(lvl))
        b.add("shoulder_level", abs(lvl), caveat="Median tilt of the shoulder line; a "
              "tilted camera adds to it.", confidence=b.conf(int(okt.sum()) // 10, "medium"),
              n=int(okt.sum()), display=f"{lv}\u00b0 ({'left' if lvl > 0 else 'right'} lower)"
              if lv != "0" else "level (0\u00b0)")
    series = {
        "pelvic_tilt": np.degrees(np.arctan2(tr.p("l_hip")[:, 1] - tr.p("r_hip")[:, 1],
                                             np.abs(tr.p("l_hip")[:, 0] - tr.p("r_hip")[:, 0]) + 1e-6)),
        "shoulder_sway": b.pct(shoulders[:, 0] - np.nanmedian(shoulders[:, 0])),
        "hip_height": -b.pct(pelvis[:, 1] - np.nanmedian(pelvis[:, 1])),
    }
    return ps.rows, series


def compute_metrics(track: Track, view: ViewResult, events: GaitEvents,
                    height_cm: float | None = None) -> MetricsOutput:
    b = _Builder(track, view, events, height_cm)
    _cadence(b)
    if view.view == "side":
        rows, series = _side(b)
    elif view.view in ("front", "back"):
        rows, series = _frontal(b)
    else:
        rows, series = [], {}
    _shrug(b)
    if not b.feet_in_view:  # contacts of feet out of the picture are guesses: no strides,
        rows = []  # and no charts of the legs or of anything scaled by leg length
        series = {k: v for k, v in series.items() if k in ("trunk_lean", "elbow", "pelvic_tilt")}
    measured = {r.id for r in b.results} | {m["id"] for m in b.nm}
    for spec in METRICS:
        if spec.id in measured:
            continue
        if spec.valid_for(view.view):
            reason = b.out_of_view(spec.id) or "Not enough clean strides to measure it."
        else:
            reason = f"Needs a {' or '.join(spec.views)} view (this clip: {view.view})."
        b.nm.append({"id": spec.id, "label": spec.label, "area": spec.area, "reason": reason})
    return MetricsOutput(b.results, rows, series, b.nm, feet_in_view=b.feet_in_view)
